"""A thin DB-API layer: one connection, explicit transactions, change history.

Everyday commands talk to the database through this module only, with plain
SQL written once for both engines (``?`` placeholders, rewritten for psycopg).
It imports nothing heavier than the stdlib ``sqlite3``; the SQLModel tables
are loaded only to create or migrate a schema (``storage.schema``).

Every write goes through a :class:`Transaction`, which records each row it
inserts, updates or deletes in ``change`` (before/after as JSON) under one
``changeset`` per command. That is what ``history`` lists and ``undo`` reverts,
and it is written in the same transaction as the change itself.
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

from campaign_cli.services.errors import CampaignError, StorageError

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
        self.url = url
        self.dialect = "postgresql" if url.startswith(("postgresql", "postgres:")) else "sqlite"
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
            return connect_postgres(self.url)
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
        try:
            return self.conn.execute(self.sql(text), tuple(params))
        except sqlite3.OperationalError as exc:
            raise translate_operational_error(exc) from exc

    def rows(self, text: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.execute(text, params).fetchall()

    def dicts(self, text: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(text, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def one(self, text: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        cursor = self.execute(text, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column[0] for column in cursor.description], row))

    def scalar(self, text: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(text, params).fetchone()
        return None if row is None else row[0]

    def columns(self, table: str) -> list[str]:
        cursor = self.execute(f"SELECT * FROM {_check_identifier(table)} WHERE 1 = 0")
        return [column[0] for column in cursor.description]

    # -- transactions ----------------------------------------------------
    @contextmanager
    def transaction(self, *, actor: str = "", command: str = "", campaign_id: int | None = None) -> Iterator[Transaction]:
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
                self.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        finally:
            self._in_transaction = False

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
        self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)",
            (self._changeset(), table, row_id, action, _to_json(before), _to_json(after)),
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
        if table in TRACKED_TABLES:
            self._record(table, row_id, "insert", None, {"id": row_id, **values})
        return row_id

    def insert_many(self, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[int]:
        """Bulk insert (imports): one statement per row, history in bulk."""
        _check_identifier(table)
        names = [_check_identifier(name) for name in names]
        statement = self.db.sql(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id"
        )
        cursor = self.db.conn.cursor()
        ids: list[int] = []
        changes: list[tuple] = []
        changeset = self._changeset() if table in TRACKED_TABLES else None
        for row in rows:
            cursor.execute(statement, tuple(row))
            row_id = cursor.fetchone()[0]
            ids.append(row_id)
            if changeset is not None:
                after = dict(zip(names, row))
                after["id"] = row_id
                changes.append((changeset, table, row_id, "insert", None, _to_json(after)))
        if changes:
            cursor.executemany(
                self.db.sql(
                    "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)"
                ),
                changes,
            )
        return ids

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
        self.db.execute(f"UPDATE {_check_identifier(table)} SET {assignments} WHERE id = ?", [*changed.values(), row_id])
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
            f"unsupported database URL {url!r}: use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DBNAME"
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
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot open {path}: {exc}; is it a campaign database?") from exc
    return conn


def connect_postgres(url: str):
    try:
        import psycopg
    except ImportError as exc:
        raise CampaignError(
            "PostgreSQL support is not installed: run  pip install 'campaign-cli[postgres]'"
        ) from exc
    conninfo = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)
    try:
        return psycopg.connect(conninfo, autocommit=True)
    except psycopg.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(f"cannot connect to the PostgreSQL server: {first_line}") from exc


def translate_operational_error(exc: sqlite3.OperationalError) -> CampaignError:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return StorageError("the database is busy with another writer; try again in a moment")
    if "readonly" in message or "read-only" in message:
        return StorageError("the database file is read-only: check its permissions")
    return StorageError(f"database error: {message}")
