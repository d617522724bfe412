"""Creating the schema, and upgrading databases made by earlier releases.

A new database gets the whole schema compiled from ``storage.tables`` (the one
definition) and ``meta.schema_version`` = ``tables.DB_SCHEMA_VERSION``. A database
made by an earlier release is upgraded in place when a command opens it:

1. the write lock is taken (``BEGIN IMMEDIATE``), so no other ``campaign``
   process writes while we look and upgrade, and the version is read again
   under the lock (another process may have upgraded it meanwhile);
2. a copy of the database as it is, made with SQLite's online backup API, is
   written next to it: ``campaign.db.v1-backup-20260315083000`` (mode 0600);
3. every pending step of :data:`MIGRATIONS` runs, then ``schema_version`` is
   set, all in that one transaction. Any error rolls everything back, so a
   failed upgrade leaves the database exactly as it was (the copy is removed
   again: the original is intact) and the command fails with one line.

SQLite and PostgreSQL both run DDL transactionally; the connection is opened
with ``isolation_level=None`` so pysqlite never commits behind our back.
PostgreSQL has no file to copy: there the transaction is the safety net (take
a ``pg_dump`` before upgrading the release if you want a copy).

Why an ordered list of functions and not Alembic
------------------------------------------------
- Start-up cost: Alembic imports SQLAlchemy, Mako and its own environment
  machinery (~0.5 s here). Every command checks the stored version against
  :func:`current_version`, which must stay a dictionary lookup away: this
  module imports only ``storage.db`` at top level.
- A tiny schema: eight tables that change rarely. A migration is a few
  ``ALTER TABLE`` statements; revision graphs, branches, autogenerate and
  ``env.py`` would be more code to review than the migrations themselves.
- Our connection, our transaction: a migration must run on the DB-API
  connection the command already has, inside the same ``BEGIN IMMEDIATE``
  that holds the lock, with the backup taken under it. Alembic wants its own
  SQLAlchemy engine/connection and its own transaction handling (and on
  SQLite its batch mode copies tables in ways we would need to re-check).
- Both engines: each function gets the :class:`Database` and can branch on
  ``db.dialect``; helpers below compile DDL from ``tables.py`` for either.

Writing a migration (the llm/sqlite-utils pattern)
--------------------------------------------------
1. Change ``storage/tables.py`` to the new shape and bump ``DB_SCHEMA_VERSION``.
2. Append ``(N, mNNN_what_it_does)`` to :data:`MIGRATIONS`; the function gets
   the database inside the open transaction and must leave an old database in
   the shape ``create_schema`` gives a new one (``tests/test_safety.py``
   compares the two, starting from the committed ``tests/fixtures/schema-v1.db``).
3. Prefer additive steps (:func:`add_column`, :func:`create_table`). To
   rebuild a SQLite table, use ``PRAGMA defer_foreign_keys = ON`` (allowed
   inside a transaction, unlike ``foreign_keys = OFF``), create the new table,
   copy, drop, rename, and check ``PRAGMA foreign_key_check`` before the end.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Callable
from dataclasses import dataclass

from campaign_cli.i18n import _
from campaign_cli.storage.db import Database

#: The version ``create_schema`` writes when ``MIGRATIONS`` is empty; must equal
#: ``tables.DB_SCHEMA_VERSION`` (a test checks), which this module may not import
#: at start-up (it pulls in SQLModel).
BASE_VERSION = 1

def m002_covering_activity_indexes(db: Database) -> None:
    """Reports sum quantities per task and per day: let the indexes answer alone.

    Measured on 10,000 tasks and 1,000,000 log entries: the per-phase progress
    query fell from 7.9 s to 0.32 s once ``(task_id, on_date, quantity)`` made
    it an index-only scan.
    """
    for name in ("ix_activity_task", "ix_activity_campaign_date"):
        replace_index(db, "activity", name)


def m003_campaign_settings(db: Database) -> None:
    """Settings ``campaign config`` sets, a stored random id, and a parent campaign.

    - ``parent_body`` and ``symbol`` (the document symbol, e.g. BC-TBTT): until
      now derived from the level and locality; empty keeps that default.
    - ``signer_id``: the member who signs. The ``signer`` text an older
      release stored is matched to a member of the campaign by exact name
      (ignoring case and spacing); when one member matches, ``signer_id``
      names them. The text itself is kept as it was (the upgrade changes no
      value), and documents use it only while ``signer_id`` is empty.
    - ``parent_id``: a commune's campaign under its province's.
    - ``uid``: random, one per campaign, so that two databases never issue the
      same calendar UIDs even when their campaigns share a name.
    """
    import uuid

    member_ref = "REFERENCES member (id) ON DELETE SET NULL"
    if db.dialect == "postgresql":
        member_ref = "CONSTRAINT campaign_signer_id_fkey " + member_ref
    add_column(db, "campaign", "parent_body", "TEXT DEFAULT '' NOT NULL")
    add_column(db, "campaign", "symbol", "TEXT DEFAULT '' NOT NULL")
    add_column(db, "campaign", "signer_id", f"INTEGER {member_ref}")
    add_column(db, "campaign", "parent_id", "INTEGER REFERENCES campaign (id) ON DELETE SET NULL")
    add_column(db, "campaign", "uid", "TEXT DEFAULT '' NOT NULL")

    def same_name(text: str) -> str:
        return " ".join((text or "").split()).casefold()

    for campaign_id, signer in db.rows("SELECT id, signer FROM campaign ORDER BY id"):
        values: list = [uuid.uuid4().hex]
        assignments = "uid = ?"
        if same_name(signer):
            matches = [
                member_id
                for member_id, name in db.rows("SELECT id, name FROM member WHERE campaign_id = ?", (campaign_id,))
                if same_name(name) == same_name(signer)
            ]
            if len(matches) == 1:
                assignments += ", signer_id = ?"
                values.append(matches[0])
        db.execute(f"UPDATE campaign SET {assignments} WHERE id = ?", (*values, campaign_id))
    for name in ("ix_campaign_uid", "ix_campaign_parent"):
        replace_index(db, "campaign", name)


def m004_log_totals(db: Database) -> None:
    """Reports read totals kept by triggers, not every log entry (``storage/summary.py``).

    Creates the three total tables, fills them from the entries already
    there, then adds the triggers that keep them from now on. On 1,000,000
    entries the fill takes a few seconds, once.
    """
    from campaign_cli.storage import summary

    for table in summary.TABLES:
        if db.scalar(db._table_exists_sql(), (table,)) is None:
            create_table(db, table)
    summary.drop_triggers(db)
    summary.rebuild(db)
    summary.create_triggers(db)


def m005_log_imports(db: Database) -> None:
    """Each ``log import`` is recorded with a fingerprint per row, so importing the same rows
    twice is refused (``services/log_imports.py``). Imports made before have no record.
    Tables already there are kept (a database whose version was set back, as m004 does)."""
    for table in ("log_import", "log_import_row"):
        if db.scalar(db._table_exists_sql(), (table,)) is None:
            create_table(db, table)


def m006_places(db: Database) -> None:
    """The campaign's registry of places, the places a task covers, and the place of a log entry.

    Existing entries keep their place as text (``activity.place``) with no
    ``place_id``: ``campaign place match`` links them once the registry is
    filled. The index on (campaign, place, type, date, quantity) lets the
    coverage report read the log by place without touching the entries.
    """
    for table in ("place", "task_place"):
        if db.scalar(db._table_exists_sql(), (table,)) is None:
            create_table(db, table)
    add_column(db, "activity", "place_id", "INTEGER REFERENCES place (id) ON DELETE SET NULL")
    replace_index(db, "activity", "ix_activity_place")


#: Ordered upgrades: (version reached, function applying it inside the open
#: transaction). Version 1 is the first schema; a new database is created
#: whole at the newest version.
MIGRATIONS: list[tuple[int, Callable[[Database], None]]] = [
    (2, m002_covering_activity_indexes),
    (3, m003_campaign_settings),
    (4, m004_log_totals),
    (5, m005_log_imports),
    (6, m006_places),
]


@dataclass(frozen=True)
class Upgrade:
    """What :func:`ensure_schema` did to an old database."""

    from_version: int
    to_version: int
    backup: str | None  # the copy of the old database (SQLite files only)


def current_version() -> int:
    """The schema version this release reads and writes."""
    return max([BASE_VERSION, *(reached for reached, _step in MIGRATIONS)])


def stored_version(db: Database) -> int | None:
    """The version recorded in the database; None for an empty database."""
    if not db.exists():
        return None
    return _version_number(db, db.scalar("SELECT value FROM meta WHERE name = 'schema_version'"))


def _version_number(db: Database, value: object) -> int | None:
    """The stored marker as a number; anything else means the file is damaged."""
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        from campaign_cli.errors import StorageError

        raise StorageError(
            _(
                "the database {path} is damaged: its schema version is {value!r}, not a number; "
                "restore the last good copy with  campaign restore FILE"
            ).format(path=db.path or db.url, value=str(value)[:40])
        ) from None


def ddl_statements(dialect_name: str, tables: list[str] | None = None) -> list[str]:
    """CREATE TABLE / CREATE INDEX statements for the schema (or some tables of it)."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

    from campaign_cli.storage.tables import metadata

    dialect = postgresql.dialect() if dialect_name == "postgresql" else sqlite.dialect()
    statements = []
    later = []
    for table in metadata().sorted_tables:
        if tables is not None and table.name not in tables:
            continue
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
        if dialect_name == "postgresql":
            # campaign.signer_id -> member and member.campaign_id -> campaign: a cycle,
            # closed once both tables exist (SQLite checks references only when used).
            later += [
                str(AddConstraint(constraint).compile(dialect=dialect)).strip()
                for constraint in sorted(table.foreign_key_constraints, key=lambda c: c.name or "")
                if constraint.use_alter
            ]
    return statements + later


def _begin(db: Database) -> None:
    db.execute("BEGIN IMMEDIATE" if db.dialect == "sqlite" else "BEGIN")


def create_schema(db: Database) -> None:
    """Create every table in an empty database, atomically."""
    from campaign_cli.storage.tables import DB_SCHEMA_VERSION

    _begin(db)
    try:
        if db.scalar(db._table_exists_sql(), ("meta",)) is None:  # another process may have won the race
            from campaign_cli.storage import summary

            for statement in ddl_statements(db.dialect) + summary.trigger_statements(db.dialect):
                db.execute(statement)
            db.execute("INSERT INTO meta (name, value) VALUES ('schema_version', ?)", (str(DB_SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        db._rollback()
        raise


def ensure_schema(db: Database, *, keep_copy: bool = True) -> Upgrade | None:
    """Create the schema if the database is empty; upgrade it if it is old.

    ``keep_copy=False`` upgrades without keeping a copy of the old file
    beside it (restore upgrades a copy, whose original is the backup itself).
    """
    version = stored_version(db)
    if version is None:
        create_schema(db)
        return None
    _refuse_newer(version)
    if version < current_version():
        return upgrade(db, keep_copy=keep_copy)
    return None


def _refuse_newer(version: int) -> None:
    target = current_version()
    if version > target:
        from campaign_cli.errors import StorageError

        raise StorageError(
            _(
                "this database has schema version {version}, newer than this campaign release knows ({target}): "
                "upgrade campaign"
            ).format(version=version, target=target)
        )


def upgrade(db: Database, *, now: dt.datetime | None = None, keep_copy: bool = True) -> Upgrade | None:
    """Bring an old database up to :func:`current_version` in one transaction.

    Returns what was done, or None when there was nothing to do (another
    process upgraded it first).
    """
    from campaign_cli.errors import CampaignError, StorageError

    target = current_version()
    backup: str | None = None
    version: int | None = None
    _begin(db)
    try:
        version = _version_number(db, db.scalar("SELECT value FROM meta WHERE name = 'schema_version'"))
        if version is None:
            raise StorageError(_("the database has lost its schema version: it is damaged"))
        _refuse_newer(version)
        if version >= target:
            db.execute("COMMIT")
            return None
        if keep_copy and db.dialect == "sqlite" and db.path not in (None, ":memory:"):
            backup = write_backup_copy(db.path, f"v{version}-backup", now=now)
        for reached, step in MIGRATIONS:
            if reached > version:
                step(db)
        from campaign_cli.storage import security

        if security.enabled(db):  # a table added by the upgrade gets its row-level security too
            security.apply(db)
        if db.dialect == "sqlite":
            problems = db.rows("PRAGMA foreign_key_check")
            if problems:
                raise StorageError(_("the upgrade would break references: {problems}").format(problems=problems[:3]))
        db.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(target),))
        db.execute("COMMIT")
    except BaseException as exc:
        db._rollback()
        if backup is not None:
            _remove_quietly(backup)
        if isinstance(exc, CampaignError) or not isinstance(exc, Exception):
            raise
        raise StorageError(
            _("upgrading the database from schema {version} to {target} failed ({kind}: {reason}); "
              "it was left unchanged").format(
                version=version,
                target=target,
                kind=type(exc).__name__,
                reason=str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            )
        ) from exc
    return Upgrade(version, target, backup)


# -- helpers for migrations ---------------------------------------------------
def add_column(db: Database, table: str, column: str, ddl: str) -> None:
    """``ALTER TABLE table ADD COLUMN column ddl`` unless it is already there."""
    if column not in db.columns(table):
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")


def replace_index(db: Database, table: str, name: str) -> None:
    """Drop an index and create it again as ``tables.py`` now defines it."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex

    from campaign_cli.storage.tables import metadata

    dialect = postgresql.dialect() if db.dialect == "postgresql" else sqlite.dialect()
    (index,) = [index for index in metadata().tables[table].indexes if index.name == name]
    db.execute(f"DROP INDEX IF EXISTS {name}")
    db.execute(str(CreateIndex(index).compile(dialect=dialect)).strip())


def create_table(db: Database, name: str) -> None:
    """Create a table (and its indexes) as ``tables.py`` defines it now."""
    for statement in ddl_statements(db.dialect, [name]):
        db.execute(statement)


# -- file copies (SQLite) -----------------------------------------------------
def timestamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d%H%M%S")


def write_backup_copy(path: str, label: str, *, now: dt.datetime | None = None) -> str:
    """Copy the database file at ``path`` to ``<path>.<label>-<timestamp>``.

    Reads through a second connection with the online backup API: the caller
    may hold the write lock (it does during an upgrade), and in WAL mode a
    reader still sees the last committed state, which is what we want kept.
    """
    base = f"{path}.{label}-{timestamp(now)}"
    target = base
    counter = 1
    while os.path.exists(target):
        counter += 1
        target = f"{base}-{counter}"
    copy_database(path, target)
    return target


def copy_database(source_path: str, target_path: str, *, page_size: int | None = None) -> None:
    """A consistent copy of an SQLite database, written atomically, mode 0600.

    Written to ``.NAME.partial-PID`` beside the target and renamed into place
    when complete: a process killed meanwhile leaves only the partial file,
    which the next command beside it removes (``files.remove_stale_partials``).
    ``page_size`` rebuilds the copy with that page size (SQLite cannot copy
    pages of one size into a WAL database of another). Never over the live
    database (``files.check_target``); every failure is one line.
    """
    import sqlite3

    from campaign_cli import files
    from campaign_cli.errors import StorageError
    from campaign_cli.storage.db import read_only_reason, translate_operational_error

    files.check_target(target_path)
    files.remove_stale_partials(target_path)
    temporary = files.partial_name(target_path)
    _remove_quietly(temporary)
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        source = _open_source(source_path, read_only_reason(source_path) is not None)
        try:
            source.execute("PRAGMA busy_timeout = 30000")
            destination = sqlite3.connect(temporary)
            try:
                source.backup(destination)
                # A standalone file: no -wal beside it, whatever the source used.
                destination.execute("PRAGMA journal_mode = DELETE")
                if page_size and destination.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    destination.execute(f"PRAGMA page_size = {int(page_size)}")
                    destination.execute("VACUUM")
            finally:
                destination.close()
        finally:
            source.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target_path)
    except OSError as exc:
        _remove_quietly(temporary)
        raise StorageError(files.os_error_message(target_path, exc)) from None
    except sqlite3.OperationalError as exc:
        _remove_quietly(temporary)
        if "full" in str(exc):
            raise StorageError(files.os_error_message(target_path, OSError(errno.ENOSPC, str(exc)))) from None
        problem = translate_operational_error(exc, source_path)
        raise StorageError(
            _("copying {source} to {target} failed: {reason}").format(
                source=source_path, target=target_path, reason=problem.message
            )
        ) from None
    except sqlite3.DatabaseError as exc:
        _remove_quietly(temporary)
        raise StorageError(
            _("copying {source} to {target} failed: {source} is damaged ({reason})").format(
                source=source_path, target=target_path, reason=exc
            )
        ) from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def _open_source(path: str, read_only: bool):
    """A connection that reads ``path``: read-only when this process may not write beside it."""
    import sqlite3
    from pathlib import Path

    from campaign_cli.storage.db import needs_immutable

    if not read_only:
        return sqlite3.connect(path, timeout=30.0)
    uri = f"{Path(os.path.abspath(path)).as_uri()}?mode=ro" + ("&immutable=1" if needs_immutable(path) else "")
    return sqlite3.connect(uri, uri=True, timeout=30.0)


def _remove_quietly(path: str) -> None:
    for name in (path, path + "-journal", path + "-wal", path + "-shm"):
        try:
            os.unlink(name)
        except OSError:
            pass
