"""Whole-database copies of SQLite files: backup, inspect, restore.

``backup`` copies the live database with SQLite's online backup API, which
gives a consistent copy while other processes keep writing, then checks the
copy as ``restore`` would.

``restore`` never leaves the live database replaced by something that does
not work. It

1. checks the file (:func:`inspect_database`: an SQLite file, sound, with a
   schema version this release knows);
2. copies it beside the live database (``.NAME.restore.partial-PID``),
   upgrades the copy to the current schema and checks that it opens as a
   campaign with every table and column this release uses and sound values
   (:func:`verify_campaign_file`);
3. only then keeps the live database aside (``NAME.before-restore-…``) and
   writes the checked copy into it with the backup API, in one write
   transaction: processes that have it open see the new content, and a crash
   leaves the old one.

Any failure before step 3 leaves the live database untouched and no copy
behind; the error names the files involved. Copies interrupted by a kill are
removed by the next command (``files.remove_stale_partials``).

PostgreSQL has no file to copy: ``pg_dump`` and ``pg_restore`` do that job.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

from campaign_cli import files
from campaign_cli.errors import CampaignError, Invalid, StorageError, first_line
from campaign_cli.i18n import _
from campaign_cli.services.context import Context

#: Tables whose rows ``inspect_database`` counts.
COUNTED = ("phase", "member", "task", "activity")


def require_sqlite_file(ctx: Context, what: str) -> str:
    """The live database's file; backup and restore refuse PostgreSQL."""
    if ctx.db.dialect != "sqlite" or not ctx.db.path:
        raise StorageError(
            _("{what} copies SQLite database files; for PostgreSQL use pg_dump and pg_restore").format(what=what)
        )
    return ctx.db.path


# == backup =====================================================================
def backup_database(ctx: Context, target: str | Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A consistent, checked copy of the whole database at ``target`` (a folder: a dated name in it)."""
    from campaign_cli.services.context import find_campaign
    from campaign_cli.storage.schema import copy_database, stored_version, timestamp

    source = require_sqlite_file(ctx, "backup")
    if stored_version(ctx.db) is None:
        find_campaign(ctx.db)  # the "no campaign yet: campaign init" error
    target = Path(target)
    if target.is_dir():
        target = target / f"campaign-{timestamp(now)}.db"
    files.check_target(target)
    if not target.parent.is_dir():
        raise StorageError(
            _("cannot write {path}: the folder {folder} does not exist; create it first").format(
                path=target, folder=target.parent
            )
        )
    copy_database(source, str(target))
    try:
        info = inspect_database(target)
    except CampaignError as exc:
        raise StorageError(
            _("the copy at {path} failed its check: {reason}").format(path=target, reason=exc.message)
        ) from None
    return {"path": str(target), **info}


def backup_to_stream(ctx: Context, stream) -> dict[str, Any]:
    """``backup -``: the checked copy written to a binary stream (standard output)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="campaign-backup-") as folder:
        result = backup_database(ctx, Path(folder) / "campaign.db")
        with open(result["path"], "rb") as copy:
            while chunk := copy.read(1 << 20):
                stream.write(chunk)
        stream.flush()
    return {**result, "path": "-"}


# == checking a file =================================================================
def inspect_database(path: str | Path) -> dict[str, Any]:
    """Check that ``path`` is a sound campaign database this release can use; what it holds.

    The schema may be older than this release's (restore upgrades a copy);
    it may not be newer.
    """
    from campaign_cli.storage.health import damage, open_read_only
    from campaign_cli.storage.schema import current_version

    path = Path(path)
    if not path.is_file():
        raise Invalid(_("no database file at {path}").format(path=path))
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        raise Invalid(_("cannot open {path}: {reason}").format(path=path, reason=first_line(exc))) from None
    try:
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # SQLite's message may quote a damaged schema
            reason = first_line(exc) if isinstance(exc, sqlite3.Error) else _("malformed database schema")
            raise Invalid(_("{path} is not an SQLite database ({reason})").format(path=path, reason=reason)) from None
        problems = damage(path)
        if problems:
            raise Invalid(_("{path} is damaged ({problem}); it was not used").format(
                path=path, problem="; ".join(problems[:3])))
        try:
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            row = None
        if row is None:
            raise Invalid(_("{path} is not a campaign database (it has no schema version)").format(path=path))
        try:
            version = int(row[0].decode("utf-8") if isinstance(row[0], bytes) else row[0])
        except (ValueError, UnicodeDecodeError):
            raise Invalid(_("{path} is damaged: its schema version is {value!r}, not a number").format(
                path=path, value=str(row[0])[:40])) from None
        if version > current_version():
            raise Invalid(
                _("{path} has schema version {found}, newer than this release knows ({known}): upgrade campaign")
                .format(path=path, found=version, known=current_version())
            )
        try:
            campaigns = [_text(name) for (name,) in conn.execute("SELECT name FROM campaign ORDER BY id")]
            counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in COUNTED}
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            reason = first_line(exc) if isinstance(exc, sqlite3.Error) else _("malformed database schema")
            raise Invalid(_("{path} is not a campaign database ({reason})").format(path=path, reason=reason)) from None
    finally:
        conn.close()
    return {"schema_version": version, "campaigns": campaigns, "counts": counts, "size": path.stat().st_size}


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return "" if value is None else str(value)


def verify_campaign_file(path: str | Path) -> None:
    """A database at the current schema that works as a campaign, or :class:`Invalid` saying why not.

    Every table and column this release uses is there, references hold, and
    every campaign can be read.
    """
    from campaign_cli.services.context import find_campaign
    from campaign_cli.storage.db import Database
    from campaign_cli.storage.health import damage
    from campaign_cli.storage.tables import metadata

    db = Database(str(path))
    try:
        missing = []
        for table in metadata().sorted_tables:
            present = set(db.columns(table.name)) if db.scalar(db._table_exists_sql(), (table.name,)) else None
            if present is None:
                missing.append(table.name)
                continue
            missing.extend(f"{table.name}.{column.name}" for column in table.columns if column.name not in present)
        if missing:
            raise Invalid(_("it lacks {names}").format(names=", ".join(missing[:5])))
        problems = damage(path, current_schema=True)
        if problems:
            raise Invalid("; ".join(problems))
        for (campaign_id,) in db.rows("SELECT id FROM campaign ORDER BY id"):
            find_campaign(db, str(campaign_id))
        if not db.rows("SELECT id FROM campaign"):
            raise Invalid(_("it holds no campaign"))
    finally:
        db.close()


# == restore ==========================================================================
def restore_database(ctx: Context, source: str | Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Replace the live database with the copy at ``source``, keeping the old one aside (see the module)."""
    from campaign_cli.storage.schema import write_backup_copy

    target = require_sqlite_file(ctx, "restore")
    source = Path(source)
    if os.path.exists(target) and _same_file(source, target):
        raise Invalid(_("{path} is the database itself: nothing to restore").format(path=source))
    info = inspect_database(source)
    prepared = files.partial_name(f"{target}.restore")
    try:
        upgrade = _prepare(source, prepared, target, info["schema_version"])
        kept = None
        if os.path.exists(target) and os.path.getsize(target) > 0:
            kept = write_backup_copy(target, "before-restore", now=now)
        ctx.db.close()
        ctx._campaign = None
        _swap_in(prepared, ctx.db, target, source, kept)
    finally:
        _remove_copy(prepared)
    return {**info, "source": str(source), "kept": kept, "upgrade": upgrade}


def _prepare(source: Path, prepared: str, target: str, version: int):
    """Copy ``source`` to ``prepared``, upgrade and check the copy; the live database is not touched."""
    from campaign_cli.storage.db import Database
    from campaign_cli.storage.schema import copy_database, current_version, ensure_schema

    copy_database(str(source), prepared, page_size=_page_size(target))
    db = Database(prepared)
    try:
        upgrade = ensure_schema(db, keep_copy=False)
    except CampaignError as exc:
        raise StorageError(
            _("{source} cannot be restored: upgrading it from schema {old} to {new} failed ({reason}); "
              "{db} was not changed").format(
                source=source, old=version, new=current_version(), reason=exc.message, db=target
            )
        ) from None
    finally:
        db.close()
    try:
        verify_campaign_file(prepared)
    except CampaignError as exc:
        raise StorageError(
            _("{source} cannot be restored: it does not open as a campaign ({reason}); {db} was not changed").format(
                source=source, reason=exc.message, db=target
            )
        ) from None
    return upgrade


def _swap_in(prepared: str, live, target: str, source: Path, kept: str | None) -> None:
    """Write the checked copy into the live database in one write transaction."""
    reader = sqlite3.connect(f"{Path(prepared).resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    try:
        reader.backup(live.conn)
    except sqlite3.Error as exc:
        if kept:
            message = _("restoring {source} failed ({reason}); {db} was left as it was, and a copy of it is at {kept}")
        else:
            message = _("restoring {source} failed ({reason}); {db} was left as it was")
        raise StorageError(message.format(source=source, reason=exc, db=target, kept=kept)) from None
    finally:
        reader.close()
    live.close()


def _page_size(path: str) -> int | None:
    """The page size of the live database: a WAL database takes only copies with the same."""
    if not os.path.exists(path) or os.path.getsize(path) < 100:
        return None
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if not header.startswith(b"SQLite format 3\x00"):
        return None
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _remove_copy(path: str) -> None:
    for name in (path, path + "-journal", path + "-wal", path + "-shm"):
        try:
            os.unlink(name)
        except OSError:
            pass
