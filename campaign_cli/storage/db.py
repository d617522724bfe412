"""A thin DB-API layer: one connection, explicit transactions, change history.

Everyday commands talk to the database through this module only, with plain
SQL written once for both engines (``?`` placeholders, rewritten for psycopg).
It imports nothing heavier than the stdlib ``sqlite3``; the SQLModel tables
are loaded only to create or migrate a schema (``storage.schema``).

Every write goes through a :class:`Transaction`, which records each row it
inserts, updates or deletes in ``change`` (before/after as JSON) under one
``changeset`` per command. That is what ``history`` lists and ``undo`` reverts,
and it is written in the same transaction as the change itself.

PostgreSQL (``postgresql+psycopg://USER@HOST/DBNAME``) behaves like SQLite as
far as commands can tell:
- values read back have the same Python types (``DATE`` -> ``datetime.date``,
  double -> ``float``, ``COUNT``/``SUM`` of integers -> ``int``, ``NUMERIC``
  results such as ``AVG`` -> ``float``, booleans -> ``0``/``1``);
- parameters are bound on the client, so ``? IS NULL`` works as in SQLite;
- ``BEGIN`` also takes a per-schema writer lock, the equivalent of SQLite's
  ``BEGIN IMMEDIATE``: writers from many offices queue up instead of failing
  with serialization errors or racing on "next number" reads;
- driver errors become one-line :class:`CampaignError` s (read-only role,
  duplicate, broken rule, server unreachable), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from campaign_cli.errors import CampaignError, Conflict, Invalid, StorageError
from campaign_cli.i18n import N_, _

sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_converter("DATE", lambda raw: dt.date.fromisoformat(raw.decode()))

#: Tables whose rows carry history; their columns are read back for undo.
TRACKED_TABLES = (
    "campaign",
    "phase",
    "unit",
    "member",
    "activity_type",
    "task",
    "assignment",
    "activity",
)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

#: From this many log entries on, a bulk insert keeps the log's totals set-based
#: (``storage.summary.set_based``) instead of through the row triggers.
BULK_TOTALS = 50

#: First key of the PostgreSQL advisory lock that serialises writers ("CAMP");
#: the second key is the schema, so campaigns in other schemas do not wait.
WRITER_LOCK_CLASS = 0x43414D50
#: How long a writer waits for another office's write to finish (SQLite: busy_timeout).
WRITE_WAIT = "30s"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _check_identifier(name: str) -> str:
    # Table and column names are never user input, but a typo must not
    # become SQL: refuse anything that is not a plain identifier.
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an SQL identifier: {name!r}")
    return name


class Database:
    """One open connection to SQLite or PostgreSQL."""

    def __init__(self, url: str):
        self.dialect = "postgresql" if is_postgres_url(url) else "sqlite"
        #: What to show users: a password written into the URL is masked.
        self.url = redact_url(url) if self.dialect == "postgresql" else url
        self._url = url
        self.path = None if self.dialect == "postgresql" else sqlite_path(url)
        self._conn: Any = None
        self._in_transaction = False

    # -- connection ------------------------------------------------------
    @property
    def conn(self):
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _connect(self):
        if self.dialect == "postgresql":
            return connect_postgres(self._url)
        return connect_sqlite(self.path)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def exists(self) -> bool:
        """True when the database already holds a campaign schema."""
        if self.path is not None and self.path != ":memory:" and not os.path.exists(self.path):
            return False
        return self.scalar(self._table_exists_sql(), ("meta",)) is not None

    def _table_exists_sql(self) -> str:
        if self.dialect == "postgresql":
            return "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
        return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    # -- queries ---------------------------------------------------------
    def sql(self, text: str) -> str:
        if self.dialect == "postgresql":
            return text.replace("%", "%%").replace("?", "%s")
        return text

    def execute(self, text: str, params: Sequence[Any] = ()):
        if self.dialect == "postgresql" and text.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE"):
            return self._begin_postgres()
        try:
            return self.conn.execute(self.sql(text), tuple(params))
        except Exception as exc:
            translated = self.translate_error(exc, text)
            if translated is None:
                raise
            raise translated from exc

    def translate_error(self, exc: BaseException, statement: str = "") -> CampaignError | None:
        """The one-line domain error for a driver error, or None for a bug."""
        if isinstance(exc, sqlite3.OperationalError):
            return translate_operational_error(exc)
        if isinstance(exc, sqlite3.IntegrityError):
            return translate_integrity_error(exc)
        if self.dialect == "postgresql":
            return translate_postgres_error(exc, statement)
        return None

    def _begin_postgres(self):
        """BEGIN, then wait for other writers of this schema (SQLite's BEGIN IMMEDIATE)."""
        try:
            self.conn.execute("BEGIN")
            return self.conn.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(COALESCE(current_schema(), '')))", (WRITER_LOCK_CLASS,)
            )
        except Exception as exc:
            self._rollback()
            translated = self.translate_error(exc, "BEGIN")
            if translated is None:
                raise
            raise translated from exc

    def executemany(self, text: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many parameter rows (bulk loads, tests), on either engine."""
        try:
            self.conn.cursor().executemany(self.sql(text), [tuple(row) for row in rows])
        except Exception as exc:
            translated = self.translate_error(exc, text)
            if translated is None:
                raise
            raise translated from exc

    def rows(self, text: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.execute(text, params).fetchall()

    def dicts(self, text: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(text, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, text: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        cursor = self.execute(text, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column[0] for column in cursor.description], row, strict=True))

    def scalar(self, text: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(text, params).fetchone()
        return None if row is None else row[0]

    def columns(self, table: str) -> list[str]:
        cursor = self.execute(f"SELECT * FROM {_check_identifier(table)} WHERE 1 = 0")
        return [column[0] for column in cursor.description]

    # -- transactions ----------------------------------------------------
    @contextmanager
    def transaction(
        self, *, actor: str = "", command: str = "", campaign_id: int | None = None
    ) -> Iterator[Transaction]:
        """All writes of one command: committed together or not at all."""
        if self._in_transaction:
            raise RuntimeError("nested transaction")
        begin = "BEGIN" if self.dialect == "postgresql" else "BEGIN IMMEDIATE"
        self.execute(begin)
        self._in_transaction = True
        tx = Transaction(self, actor=actor, command=command, campaign_id=campaign_id)
        try:
            yield tx
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                if tx.explicit_ids:
                    self._advance_id_sequences(tx.explicit_ids)
                self.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        finally:
            self._in_transaction = False

    def _advance_id_sequences(self, tables: Iterable[str]) -> None:
        """After rows were written with explicit ids (imports, undo), so the next
        generated id does not collide with them. SQLite needs nothing."""
        if self.dialect != "postgresql":
            return
        for table in sorted(tables):
            self.execute(
                "SELECT setval(s.seq, x.top) FROM "
                "(SELECT pg_get_serial_sequence(?, 'id')::regclass AS seq) AS s, "
                f"(SELECT MAX(id) AS top FROM {_check_identifier(table)}) AS x "
                "WHERE x.top > COALESCE(pg_sequence_last_value(s.seq), 0)",
                (table,),
            )

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except Exception:  # the connection may already have rolled back
            pass


class Transaction:
    """Writes that remember what they changed, so they can be undone."""

    def __init__(self, db: Database, *, actor: str, command: str, campaign_id: int | None):
        self.db = db
        self.actor = actor
        self.command = command
        self.campaign_id = campaign_id
        self.changeset_id: int | None = None
        self._columns: dict[str, list[str]] = {}
        #: Tables that received rows with explicit ids (PostgreSQL sequences follow at commit).
        self.explicit_ids: set[str] = set()

    # -- helpers ---------------------------------------------------------
    def _table_columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = self.db.columns(table)
        return self._columns[table]

    def _changeset(self) -> int:
        if self.changeset_id is None:
            self.changeset_id = self.db.scalar(
                "INSERT INTO changeset (campaign_id, at, actor, command) VALUES (?, ?, ?, ?) RETURNING id",
                (self.campaign_id, utc_now(), self.actor, self.command),
            )
        return self.changeset_id

    def _record(self, table: str, row_id: int, action: str, before: dict | None, after: dict | None) -> None:
        values = (table, row_id, action, _to_json(before), _to_json(after))
        if self.changeset_id is None and self.db.dialect == "postgresql":
            # The changeset and its first change in one round trip to the server
            # (a one-row command such as `log add` then writes its history in one).
            self.changeset_id = self.db.scalar(
                "WITH cs AS (INSERT INTO changeset (campaign_id, at, actor, command) VALUES (?, ?, ?, ?) RETURNING id) "
                "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
                "SELECT cs.id, ?, ?, ?, ?, ? FROM cs RETURNING changeset_id",
                (self.campaign_id, utc_now(), self.actor, self.command, *values),
            )
            return
        self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self._changeset(), *values),
        )

    def _fetch(self, table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        columns = self._table_columns(table)
        return self.db.dicts(f"SELECT {', '.join(columns)} FROM {_check_identifier(table)} WHERE {where}", params)

    # -- writes ----------------------------------------------------------
    def insert(self, table: str, values: dict[str, Any]) -> int:
        names = [_check_identifier(name) for name in values]
        placeholders = ", ".join("?" for _ in names)
        row_id = self.db.scalar(
            f"INSERT INTO {_check_identifier(table)} ({', '.join(names)}) VALUES ({placeholders}) RETURNING id",
            list(values.values()),
        )
        if "id" in values:
            self.explicit_ids.add(table)
        if table in TRACKED_TABLES:
            self._record(table, row_id, "insert", None, {"id": row_id, **values})
        return row_id

    def insert_many(self, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[int]:
        """Bulk insert (imports), history in bulk; returns the new ids in order.

        On SQLite the rows go in with one ``executemany`` and their ids are
        read off ``MAX(id)`` before and after: the write lock taken by
        ``BEGIN IMMEDIATE`` means nobody else allocates ids meanwhile, and an
        INTEGER PRIMARY KEY takes MAX(id) + 1. That halves a 100,000-row
        import against ``RETURNING`` row by row, which PostgreSQL still uses.
        """
        _check_identifier(table)
        names = [_check_identifier(name) for name in names]
        rows = [tuple(row) for row in rows]
        if "id" in names:
            self.explicit_ids.add(table)
        statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        try:
            with self._log_totals(table, names, rows):
                if self.db.dialect == "sqlite" and "id" not in names:
                    ids = self._insert_many_sqlite(table, statement, rows)
                else:
                    ids = self._insert_many_returning(statement, rows)
            if table in TRACKED_TABLES and rows:
                if self.db.dialect == "sqlite" and "id" not in names:
                    self._record_inserts_sqlite(table, names, ids)
                else:
                    self._record_inserts(table, names, rows, ids)
        except CampaignError:
            raise
        except Exception as exc:
            translated = self.db.translate_error(exc, statement)
            if translated is None:
                raise
            raise translated from exc
        return ids

    def _log_totals(self, table: str, names: list[str], rows: list[tuple]):
        """Many log entries at once: their totals are added set-based, not row by row (storage.summary)."""
        from contextlib import nullcontext

        if table != "activity" or len(rows) < BULK_TOTALS:
            return nullcontext()
        from campaign_cli.storage import summary

        if "id" in names:
            position = names.index("id")
            given = [row[position] for row in rows]
            return summary.set_based(self.db, "a.id BETWEEN ? AND ?", (min(given), max(given)))
        # new ids are all above the current highest: the write lock keeps other writers out
        return summary.set_based(self.db, "a.id > ?", (self.db.scalar("SELECT COALESCE(MAX(id), 0) FROM activity"),))

    def _insert_many_returning(self, statement: str, rows: list[tuple]) -> list[int]:
        """Ids from RETURNING: psycopg pipelines an executemany; sqlite3 goes row by row."""
        cursor = self.db.conn.cursor()
        returning = self.db.sql(statement + " RETURNING id")
        if self.db.dialect == "postgresql":
            ids = []
            for start in range(0, len(rows), 2_000):  # batches keep the pipeline's results small
                cursor.executemany(returning, rows[start : start + 2_000], returning=True)
                while True:
                    ids.append(cursor.fetchone()[0])
                    if not cursor.nextset():
                        break
            return ids
        ids = []
        for row in rows:
            cursor.execute(returning, row)
            ids.append(cursor.fetchone()[0])
        return ids

    def _insert_many_sqlite(self, table: str, statement: str, rows: list[tuple]) -> list[int]:
        before = self.db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        self.db.conn.executemany(statement, rows)
        after = self.db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        if after - before != len(rows):
            raise StorageError(f"bulk insert into {table}: expected {len(rows)} new ids, found {after - before}")
        return list(range(before + 1, after + 1))

    def _record_inserts_sqlite(self, table: str, names: list[str], ids: list[int]) -> None:
        """The same change rows, with the JSON built by SQLite itself (5x faster than in Python)."""
        keys = sorted([*names, "id"])
        pairs = ", ".join(f"'{key}', {key}" for key in keys)
        self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
            f"SELECT ?, ?, id, 'insert', NULL, json_object({pairs}) FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id",
            (self._changeset(), table, ids[0], ids[-1]),
        )

    def _record_inserts(self, table: str, names: list[str], rows: list[tuple], ids: list[int]) -> None:
        """One change row per inserted row, JSON encoded once per row with keys sorted once."""
        order = sorted(range(len(names) + 1), key=lambda position: ([*names, "id"])[position])
        keys = [([*names, "id"])[position] for position in order]
        encode = json.JSONEncoder(ensure_ascii=False, default=_json_default, check_circular=False).encode
        changeset = self._changeset()
        changes = []
        for row, row_id in zip(rows, ids, strict=True):
            values = (*row, row_id)
            changes.append(
                (
                    changeset,
                    table,
                    row_id,
                    "insert",
                    None,
                    encode(dict(zip(keys, [values[p] for p in order], strict=True))),
                )
            )
        self.db.conn.cursor().executemany(
            self.db.sql(
                "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
                "VALUES (?, ?, ?, ?, ?, ?)"
            ),
            changes,
        )

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> dict[str, Any]:
        """Change some columns of one row; returns the row as it was."""
        before_rows = self._fetch(table, "id = ?", (row_id,))
        if not before_rows:
            raise StorageError(f"{table} {row_id} vanished during the update")
        before = before_rows[0]
        changed = {name: value for name, value in values.items() if before.get(name) != value}
        if not changed:
            return before
        assignments = ", ".join(f"{_check_identifier(name)} = ?" for name in changed)
        self.db.execute(
            f"UPDATE {_check_identifier(table)} SET {assignments} WHERE id = ?", [*changed.values(), row_id]
        )
        if table in TRACKED_TABLES:
            self._record(table, row_id, "update", before, {**before, **changed})
        return before

    def update_where(self, table: str, values: dict[str, Any], where: str, params: Sequence[Any]) -> int:
        rows = self._fetch(table, where, params)
        for row in rows:
            self.update(table, row["id"], values)
        return len(rows)

    def delete(self, table: str, row_id: int) -> dict[str, Any] | None:
        rows = self._fetch(table, "id = ?", (row_id,))
        if not rows:
            return None
        self.db.execute(f"DELETE FROM {_check_identifier(table)} WHERE id = ?", (row_id,))
        if table in TRACKED_TABLES:
            self._record(table, row_id, "delete", rows[0], None)
        return rows[0]

    def delete_where(self, table: str, where: str, params: Sequence[Any]) -> int:
        rows = self._fetch(table, where, params)
        for row in rows:
            self.db.execute(f"DELETE FROM {_check_identifier(table)} WHERE id = ?", (row["id"],))
            if table in TRACKED_TABLES:
                self._record(table, row["id"], "delete", row, None)
        return len(rows)

    def restore(self, table: str, row: dict[str, Any]) -> None:
        """Put back a deleted row with its old id (used by undo)."""
        names = [_check_identifier(name) for name in row]
        self.db.execute(
            f"INSERT INTO {_check_identifier(table)} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            list(row.values()),
        )
        self.explicit_ids.add(table)
        self._record(table, row["id"], "insert", None, row)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in history")


def _to_json(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, default=_json_default, sort_keys=True)


# -- engines ---------------------------------------------------------------
def sqlite_path(url: str) -> str:
    """The file behind ``--db``: a path, or an ``sqlite:///path`` URL."""
    if url.startswith("sqlite:"):
        path = re.sub(r"^sqlite(\+pysqlite)?:///", "", url)
        return path or ":memory:"
    if "://" in url:
        raise CampaignError(
            _(
                "unsupported database URL {url!r}: use a file path, sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST/DBNAME"
            ).format(url=url)
        )
    return os.path.expanduser(url)


def connect_sqlite(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        if not os.path.exists(path):
            # Created readable by its owner only: it holds phone numbers.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        conn = sqlite3.connect(
            path,
            isolation_level=None,  # we say BEGIN ourselves, also around DDL
            detect_types=sqlite3.PARSE_DECLTYPES,
            timeout=30.0,
            check_same_thread=False,
        )
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB at most: bulk imports stay in memory until commit
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            _("cannot open {path}: {error}; is it a campaign database?").format(path=path, error=exc)
        ) from exc
    return conn


def is_postgres_url(url: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", url))


def postgres_conninfo(url: str) -> str:
    """A libpq URI from an SQLAlchemy-style URL (``postgresql+psycopg://...``)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and ``info``)."""
    return re.sub(r"^([a-z0-9+]+://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)


def connect_postgres(url: str):
    try:
        import psycopg
    except ImportError as exc:
        raise StorageError(_("PostgreSQL support is not installed: run  pip install 'campaign-cli[postgres]'")) from exc
    from psycopg.conninfo import conninfo_to_dict

    conninfo = postgres_conninfo(url)
    try:
        given = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as exc:
        raise StorageError(
            _("cannot read the database URL {url!r}: {reason}").format(url=redact_url(url), reason=_first_line(exc))
        ) from exc
    extra: dict[str, Any] = {
        "client_encoding": "UTF8",
        "application_name": given.get("application_name") or "campaign",
        "connect_timeout": given.get("connect_timeout") or 10,
    }
    try:
        # Client-side binding: "? IS NULL" and untyped parameters work as in SQLite,
        # and nothing is prepared on the server (connection poolers are fine).
        conn = psycopg.connect(conninfo, autocommit=True, cursor_factory=psycopg.ClientCursor, **extra)
        conn.execute(f"SET lock_timeout = '{WRITE_WAIT}'")
    except psycopg.OperationalError as exc:
        raise StorageError(connection_error_message(exc)) from exc
    _register_postgres_loaders(conn)
    return conn


def _register_postgres_loaders(conn) -> None:
    """Read values back with the Python types SQLite gives."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        # SUM over integers is NUMERIC in PostgreSQL: int when whole, as in SQLite;
        # AVG, ROUND(...) and "x * 1.0 / y" come back as float, never Decimal.
        def load(self, data):
            text = bytes(data).decode("ascii")
            if "." in text or "e" in text or "E" in text or text in ("NaN", "Infinity", "-Infinity"):
                return float(text)
            return int(text)

    class BoolLoader(Loader):
        # Comparisons in a SELECT list are 0/1 in SQLite.
        def load(self, data):
            return 1 if bytes(data) == b"t" else 0

    conn.adapters.register_loader("numeric", NumericLoader)
    conn.adapters.register_loader("bool", BoolLoader)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def connection_error_message(exc: BaseException) -> str:
    """One line saying why the server could not be reached and what to do."""
    text = str(exc).strip()
    detail = re.sub(r"^connection failed:\s*", "", _first_line(exc))
    detail = re.sub(r"\bFATAL:\s+", "", detail)
    lowered = text.lower()
    if "no password supplied" in lowered:
        hint = _("the server wants a password: set PGPASSWORD or add a line to ~/.pgpass (see docs/postgresql.md)")
    elif "password authentication failed" in lowered:
        hint = _("wrong user name or password: check PGPASSWORD or your ~/.pgpass line")
    elif re.search(r"database \S+ does not exist", lowered):
        hint = _("ask the administrator to create it (see docs/postgresql.md), or fix the name in --db")
    elif re.search(r"role \S+ does not exist", lowered):
        hint = _("ask the administrator for a role (see docs/postgresql.md), or fix the user in --db")
    elif "connection refused" in lowered or "no such file or directory" in lowered:
        hint = _("is the server running, and are the host and port in --db right?")
    elif "timeout expired" in lowered:
        hint = _("the server did not answer: check the host name and the network")
    else:
        hint = ""
    message = _("cannot connect to the PostgreSQL server: {detail}").format(detail=detail)
    return f"{message}; {hint}" if hint else message


BUSY_MESSAGE = N_("the database is busy with another writer; try again in a moment")


def translate_postgres_error(exc: BaseException, statement: str = "") -> CampaignError | None:
    """psycopg errors as the same one-line errors SQLite's give; None if not a psycopg error."""
    try:
        import psycopg
        from psycopg import errors
    except ImportError:  # pragma: no cover - not connected without it
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    diag = getattr(exc, "diag", None)
    table = getattr(diag, "table_name", None) or ""
    column = getattr(diag, "column_name", None) or ""
    constraint = getattr(diag, "constraint_name", None) or ""
    if isinstance(exc, errors.InsufficientPrivilege):
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in ("CREATE", "ALTER", "DROP"):
            return StorageError(
                _(
                    "your database role may not create or change tables here; run  campaign init  and upgrades "
                    "as the database's owner role (see docs/postgresql.md)"
                )
            )
        if verb == "SELECT":
            return StorageError(
                _(
                    "your database role may not read this campaign (no SELECT privilege); "
                    "ask the campaign's database administrator to grant it (see docs/postgresql.md)"
                )
            )
        return StorageError(
            _(
                "your database role may not write here (read-only); ask the campaign's database "
                "administrator for a read-write role (see docs/postgresql.md)"
            )
        )
    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return StorageError(
            _(
                "this PostgreSQL database only accepts reads (a standby, or default_transaction_read_only): "
                "connect to the primary server to make changes"
            )
        )
    if isinstance(exc, errors.UniqueViolation):
        columns = ""
        match = re.search(r"Key \(([^)]*)\)=", getattr(diag, "message_detail", None) or "")
        if match:
            columns = match.group(1)
        return integrity_conflict(table, [name.strip() for name in columns.split(",") if name.strip()])
    if isinstance(exc, errors.CheckViolation):
        return check_invalid(constraint)
    if isinstance(exc, errors.NotNullViolation):
        return not_null_invalid(table, column)
    if isinstance(exc, errors.ForeignKeyViolation):
        return foreign_key_conflict()
    if isinstance(exc, errors.InvalidSchemaName):
        return StorageError(
            _(
                "the schema this URL searches (options=-csearch_path=...) does not exist on the server: "
                "ask the administrator to create it, or fix the URL"
            )
        )
    if isinstance(exc, errors.StringDataRightTruncation):
        return Invalid(_("a value is too long for the database ({reason}): shorten it").format(reason=_first_line(exc)))
    if isinstance(exc, (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected)):
        return StorageError(_(BUSY_MESSAGE))
    if isinstance(exc, errors.QueryCanceled) and "lock timeout" in str(exc):
        return StorageError(_(BUSY_MESSAGE))
    if isinstance(exc, psycopg.OperationalError):
        return StorageError(
            _("lost the connection to the PostgreSQL server ({reason}); try again").format(reason=_first_line(exc))
        )
    # Anything else (no such table or column, a syntax error) reads as SQLite's
    # OperationalError does: one line, without the server's "LINE 1: ..." context.
    return StorageError(_("database error: {reason}").format(reason=_first_line(exc)))


def integrity_conflict(table: str, columns: list[str]) -> CampaignError:
    if columns:
        if table:
            return Conflict(
                _("another {table} row already has the same {columns}: pick another value").format(
                    table=table, columns=", ".join(columns)
                )
            )
        return Conflict(
            _("another row already has the same {columns}: pick another value").format(columns=", ".join(columns))
        )
    if table:
        return Conflict(_("another {table} row already has the same values: pick another value").format(table=table))
    return Conflict(_("another row already has the same values: pick another value"))


def check_invalid(constraint: str) -> CampaignError:
    if constraint:
        return Invalid(_("a value breaks the database rule {rule!r}: check the values given").format(rule=constraint))
    return Invalid(_("a value breaks the database rule: check the values given"))


def not_null_invalid(table: str, column: str) -> CampaignError:
    where = f"{table}.{column}" if table and column else (column or _("a required value"))
    return Invalid(_("{where} may not be empty").format(where=where))


def foreign_key_conflict() -> CampaignError:
    return Conflict(_("the change would leave records pointing at something that does not exist (foreign key)"))


def translate_integrity_error(exc: sqlite3.IntegrityError) -> CampaignError:
    """SQLite's constraint errors, worded exactly as the PostgreSQL ones."""
    message = str(exc)
    if message.startswith("UNIQUE constraint failed:"):
        qualified = [name.strip() for name in message.split(":", 1)[1].split(",")]
        table = qualified[0].split(".")[0] if qualified else ""
        return integrity_conflict(table, [name.split(".")[-1] for name in qualified])
    if message.startswith("CHECK constraint failed:"):
        return check_invalid(message.split(":", 1)[1].strip())
    if message.startswith("NOT NULL constraint failed:"):
        table, _dot, column = message.split(":", 1)[1].strip().partition(".")
        return not_null_invalid(table, column)
    if message.startswith("FOREIGN KEY constraint failed"):
        return foreign_key_conflict()
    return Conflict(_("the database refused the change: {reason}").format(reason=message))


def translate_operational_error(exc: sqlite3.OperationalError) -> CampaignError:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return StorageError(_(BUSY_MESSAGE))
    if "readonly" in message or "read-only" in message:
        return StorageError(_("the database file is read-only: check its permissions"))
    return StorageError(_("database error: {reason}").format(reason=message))
