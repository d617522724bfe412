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
import itertools
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from campaign_cli.errors import CampaignError, Conflict, Invalid, StorageError, first_line
from campaign_cli.i18n import N_, _


class DamagedValue(StorageError):
    """A value read back that no command could have written: the file is damaged."""

    def __init__(self, raw: bytes, what: str):
        self.raw = raw
        self.what = what
        super().__init__(damaged_value_message(None, raw, what))


def damaged_value_message(path: str | None, raw: bytes, what: str) -> str:
    shown = raw[:40].decode("utf-8", "backslashreplace")
    if path:
        return _(
            "the database {path} is damaged: it holds {value!r} where {what} belongs; restore the last good copy "
            "with  campaign restore FILE"
        ).format(path=path, value=shown, what=_(what))
    return _(
        "the database is damaged: it holds {value!r} where {what} belongs; restore the last good copy "
        "with  campaign restore FILE"
    ).format(value=shown, what=_(what))


def _read_date(raw: bytes) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise DamagedValue(raw, N_("a date")) from None


sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_converter("DATE", _read_date)

#: Tables whose rows carry history; their columns are read back for undo. Parents come
#: before their children: undo removes inserted rows in the reverse of this order.
TRACKED_TABLES = (
    "campaign",
    "phase",
    "unit",
    "member",
    "activity_type",
    "place",
    "task",
    "assignment",
    "task_place",
    "activity",
    "log_import",
    "log_import_row",
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
        if self.path in ("", ":memory:"):
            raise StorageError(memory_refused_message())
        #: Why an SQLite file was opened for reading only (None: it can be written).
        self.read_only_reason: str | None = None
        #: PostgreSQL: whether row-level security limits this role (storage/security.py); known from BEGIN on.
        self.row_security = False
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
        conn, self.read_only_reason = open_sqlite(self.path)
        return conn

    def login_role(self) -> str:
        """PostgreSQL: the role this connection logged in as (no round trip to the server)."""
        return self.conn.info.user

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _unusable_schema_message(self) -> str:
        """current_schema() is NULL: the schema searched is missing, or this role may not use it."""
        hidden = self.scalar(
            "SELECT n.nspname FROM pg_namespace n WHERE quote_ident(n.nspname) = ANY "
            "(string_to_array(replace(current_setting('search_path'), ' ', ''), ',')) "
            "AND NOT has_schema_privilege(n.oid, 'USAGE') LIMIT 1"
        )
        if hidden is None:
            return missing_schema_message()
        return _(
            "your database role may not use the schema {schema}: ask the administrator for access "
            "(campaign access grant ROLE --campaign C, see docs/postgresql.md)"
        ).format(schema=hidden)

    def exists(self) -> bool:
        """True when the database already holds a campaign schema."""
        if self.path is not None and not os.path.exists(self.path):
            return False
        if self.dialect == "postgresql":
            # One round trip: a search_path naming no existing schema leaves current_schema() NULL.
            row = self.rows(f"SELECT current_schema() IS NULL, ({self._table_exists_sql()})", ("meta",))[0]
            if row[0]:
                raise StorageError(self._unusable_schema_message())
            return row[1] is not None
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

    def _fetch(self, cursor, how: str, text: str):
        """``cursor.fetchall()``/``fetchone()``: reading rows can meet damage too."""
        try:
            return cursor.fetchall() if how == "all" else cursor.fetchone()
        except Exception as exc:
            translated = self.translate_error(exc, text)
            if translated is None:
                raise
            raise translated from exc

    def translate_error(self, exc: BaseException, statement: str = "") -> CampaignError | None:
        """The one-line domain error for a driver error, or None for a bug."""
        if isinstance(exc, DamagedValue):
            return StorageError(damaged_value_message(self.url, exc.raw, exc.what))
        if isinstance(exc, CampaignError):
            return exc
        if isinstance(exc, sqlite3.OperationalError):
            return translate_operational_error(exc, self.path, self.read_only_reason)
        if isinstance(exc, sqlite3.IntegrityError):
            return translate_integrity_error(exc)
        if isinstance(exc, sqlite3.DatabaseError):
            return damaged_database_error(self.path or self.url, exc)
        if isinstance(exc, UnicodeDecodeError) and self.dialect == "sqlite":
            # SQLite's own error message quoted bytes of a damaged schema that are not UTF-8
            return damaged_database_error(self.path or self.url, sqlite3.DatabaseError("malformed database schema"))
        if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc):
            return Invalid(_("a value given is not valid UTF-8 text: type it again"))
        if self.dialect == "postgresql":
            return translate_postgres_error(exc, statement)
        return None

    def _begin_postgres(self):
        """BEGIN, then wait for other writers of this schema (SQLite's BEGIN IMMEDIATE).

        The same round trip asks whether row-level security limits this role
        (``storage/security.py``): some bulk paths then take another way.
        """
        try:
            self.conn.execute("BEGIN")
            cursor = self.conn.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(COALESCE(current_schema(), ''))), "
                "COALESCE(row_security_active(to_regclass('change')), FALSE)",
                (WRITER_LOCK_CLASS,),
            )
            self.row_security = bool(cursor.fetchone()[1])
            return cursor
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
        return self._fetch(self.execute(text, params), "all", text)

    def dicts(self, text: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(text, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in self._fetch(cursor, "all", text)]

    def one(self, text: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        cursor = self.execute(text, params)
        row = self._fetch(cursor, "one", text)
        if row is None:
            return None
        return dict(zip([column[0] for column in cursor.description], row, strict=True))

    def scalar(self, text: str, params: Sequence[Any] = ()) -> Any:
        row = self._fetch(self.execute(text, params), "one", text)
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
        self._types: dict[str, dict[str, str]] = {}
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
        # (Not under row-level security: the policy on change reads the changeset, which a
        # row inserted by the same statement's WITH is not visible to.)
        if self.changeset_id is None and self.db.dialect == "postgresql" and not self.db.row_security:
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
        import against ``RETURNING`` row by row. On PostgreSQL the ids are
        reserved from the table's sequence and the rows sent with COPY. Either
        way the history rows are written by one INSERT ... SELECT whose JSON
        the database builds. Rows given with their own ids (``"id"`` in
        ``names``) go in one by one with ``RETURNING``.
        """
        _check_identifier(table)
        names = [_check_identifier(name) for name in names]
        rows = [tuple(row) for row in rows]
        if "id" in names:
            self.explicit_ids.add(table)
        statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        try:
            with self._log_totals(table, names, rows):
                if "id" in names:
                    ids = self._insert_many_returning(statement, rows)
                elif self.db.dialect == "sqlite":
                    ids = self._insert_many_sqlite(table, statement, rows)
                else:
                    ids = self._insert_many_copy(table, names, rows)
            if table in TRACKED_TABLES and rows:
                if "id" in names:
                    self._record_inserts(table, names, rows, ids)
                else:
                    self._record_inserted_range(table, names, ids)
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

    def _insert_many_copy(self, table: str, names: list[str], rows: list[tuple]) -> list[int]:
        """PostgreSQL: ids drawn from the table's sequence, then the rows sent with COPY.

        COPY is one statement for all the rows, where an ``executemany`` of
        INSERTs, even pipelined, has the server parse and plan one statement
        per row. Nobody else draws from the sequence while we hold the writer
        lock, so the run of ids is reserved by moving the sequence once.
        """
        if not rows:
            return []
        # One call reserves the whole run: the next value, and the sequence moved past the last.
        last = self.db.scalar(
            "SELECT setval(s.seq, nextval(s.seq) + ? - 1) FROM (SELECT pg_get_serial_sequence(?, 'id') AS seq) s",
            (len(rows), table),
        )
        ids = list(range(last - len(rows) + 1, last + 1))
        if self.db.row_security:
            # COPY FROM refuses tables under row-level security: INSERT, pipelined by psycopg.
            marks = ", ".join("?" * (len(names) + 1))
            self.db.conn.cursor().executemany(
                self.db.sql(f"INSERT INTO {table} (id, {', '.join(names)}) VALUES ({marks})"),
                [(row_id, *row) for row_id, row in zip(ids, rows, strict=True)],
            )
            return ids
        with self.db.conn.cursor().copy(f"COPY {table} (id, {', '.join(names)}) FROM STDIN") as copy:
            for row_id, row in zip(ids, rows, strict=True):
                copy.write_row((row_id, *row))
        return ids

    def _record_inserted_range(self, table: str, names: list[str], ids: list[int]) -> None:
        """One change row per inserted row, its JSON built by the database itself (on SQLite
        5x faster than in Python; on PostgreSQL one statement instead of one per row)."""
        keys = [*names, "id"]
        row_json = SqlJson(self.db.dialect).row("t", keys)
        if ids[-1] - ids[0] + 1 == len(ids):
            where, params = "t.id BETWEEN ? AND ?", [ids[0], ids[-1]]
        else:  # not one run of ids (PostgreSQL sequences with a cache): name them all
            where, params = f"t.id IN ({', '.join('?' for _ in ids)})", list(ids)
        self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
            f"SELECT ?, ?, t.id, 'insert', NULL, {row_json} FROM {table} t WHERE {where} ORDER BY t.id",
            [self._changeset(), table, *params],
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

    def delete_set(self, table: str, where: str, params: Sequence[Any] = ()) -> int:
        """Delete every row of ``table`` that ``where`` selects, recording each as deleted, in two
        statements whatever their number; returns how many.

        ``where`` names the table's columns unqualified (``"campaign_id = ?"``).
        The history rows' JSON is built by the database (as for undo's own
        writes), so ``undo`` puts the rows back set by set. Log entries go
        through ``storage.summary.set_based``: their totals are taken out in a
        few grouped statements instead of by the row triggers, once per entry.
        """
        from contextlib import nullcontext

        table = _check_identifier(table)
        values = SqlJson(self.db.dialect).row("t", self._table_columns(table))
        recorded = self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
            f"SELECT ?, ?, t.id, 'delete', {values}, NULL FROM {table} t WHERE {where} ORDER BY t.id",
            [self._changeset(), table, *params],
        ).rowcount
        if not recorded:
            return 0
        if table == "activity":
            from campaign_cli.storage import summary

            totals = summary.set_based(self.db, where, params)
        else:
            totals = nullcontext()
        with totals, self._bulk(table, recorded):
            self.db.execute(f"DELETE FROM {table} WHERE {where}", params)
        return recorded

    def restore(self, table: str, row: dict[str, Any]) -> None:
        """Put back a deleted row with its old id (used by undo)."""
        names = [_check_identifier(name) for name in row]
        self.db.execute(
            f"INSERT INTO {_check_identifier(table)} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            list(row.values()),
        )
        self.explicit_ids.add(table)
        self._record(table, row["id"], "insert", None, row)

    # -- set-based writes (undo and redo of whole changesets) ---------------
    # Each takes ``changes``: an SQL condition on ``change`` rows, aliased
    # ``ch``, that selects one change row per table row, with its parameters, and works on all of them in a few
    # statements, whatever their number: the row values come from the change
    # rows' JSON, parsed by the database (:class:`SqlJson`), and the history of
    # what these writes did is written by INSERT ... SELECT.

    def _column_types(self, table: str) -> dict[str, str]:
        """SQL type of every column (PostgreSQL casts JSON text to it; SQLite needs none)."""
        if table not in self._types:
            if self.db.dialect == "postgresql":
                rows = self.db.rows(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                    (table,),
                )
                self._types[table] = dict(rows)
            else:
                self._types[table] = {name: "" for name in self._table_columns(table)}
        return self._types[table]

    def _documents(self, changes: str, document: str) -> str:
        """A CTE ``s(row_id, doc)``: the selected change rows with their JSON parsed once per row."""
        if document not in ("before_json", "after_json"):
            raise ValueError(f"not a change document: {document!r}")
        json = SqlJson(self.db.dialect)
        return (
            f"WITH s AS MATERIALIZED (SELECT ch.row_id, {json.doc('ch.' + document)} AS doc "
            f"FROM change ch WHERE {changes}) "
        )

    def first_mismatch(
        self, table: str, changes: str, params: Sequence[Any], document: str, keys: Iterable[str] = ()
    ) -> int | None:
        """The first row (by id) that is gone or no longer holds what ``document`` says; None if none.

        Only the columns the document names are compared, as they are stored
        (dates, numbers and text compare as values, not as JSON text).
        ``keys``: the columns documents of this kind usually name (a quick
        whole-document test uses them; any other document is compared column
        by column all the same).
        """
        json = SqlJson(self.db.dialect)
        table = _check_identifier(table)
        types = self._column_types(table)
        tests = [
            f"({json.has('s.doc', name)} AND {json.distinct('t.' + name, json.get('s.doc', name, kind))})"
            for name, kind in types.items()
            if name != "id"
        ]
        # The whole document at once first (one comparison per row, which bulk writes
        # recorded by the database itself pass), column by column only where that fails.
        # MIN, not ORDER BY ... LIMIT 1: PostgreSQL would walk an index in order through a
        # nested loop, which over 200,000 rows does not end.
        return self.db.scalar(
            self._documents(changes, document)
            + f"SELECT MIN(s.row_id) FROM s LEFT JOIN {table} t ON t.id = s.row_id "
            f"WHERE t.id IS NULL OR (NOT ({json.holds('s.doc', 't', [key for key in keys if key in types])}) "
            f"AND ({' OR '.join(tests) or '1 = 0'}))",
            params,
        )

    def first_present(self, table: str, changes: str, params: Sequence[Any]) -> int | None:
        """The first of the selected rows that exists (a row about to be put back must not)."""
        return self.db.scalar(
            f"SELECT MIN(ch.row_id) FROM change ch JOIN {_check_identifier(table)} t ON t.id = ch.row_id "
            f"WHERE {changes}",
            params,
        )

    def _record_rows(self, table: str, action: str, changes: str, params: Sequence[Any]) -> None:
        """One change row per selected table row, its current values as JSON (before a delete or
        update, after an insert), written by the database in one statement."""
        json = SqlJson(self.db.dialect)
        values = json.row("t", self._table_columns(table))
        before, after = (values, "NULL") if action in ("delete", "update") else ("NULL", values)
        self.db.execute(
            "INSERT INTO change (changeset_id, table_name, row_id, action, before_json, after_json) "
            f"SELECT ?, ?, t.id, ?, {before}, {after} FROM change ch JOIN {_check_identifier(table)} t "
            f"ON t.id = ch.row_id WHERE {changes}",
            [self._changeset(), table, action, *params],
        )

    def delete_rows(self, table: str, changes: str, params: Sequence[Any], count: int = 0) -> int:
        """Delete the rows the selected change rows name (about ``count``), recording each as deleted."""
        table = _check_identifier(table)
        self._record_rows(table, "delete", changes, params)
        with self._bulk(table, count):
            cursor = self.db.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT ch.row_id FROM change ch WHERE {changes})", params
            )
        return cursor.rowcount

    def _read_by_triggers(self, table: str) -> bool:
        """A trigger whose body reads ``table`` (one that sums it again, say) would scan the
        whole table for every row written while its indexes are gone: keep them then.
        Triggers that only use NEW and OLD (totals kept up to date by increments) do not."""
        for (sql,) in self.db.rows("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"):
            body = re.split(r"\bBEGIN\b", sql, maxsplit=1, flags=re.IGNORECASE)[-1]
            if re.search(rf"\b{re.escape(table)}\b", body, flags=re.IGNORECASE):
                return True
        return False

    @contextmanager
    def bulk_load(self, table: str) -> Iterator[None]:
        """Rows about to be added to ``table`` in bulk (an import): on SQLite, when the table
        is small now, its indexes are built once after the load instead of row by row."""
        if self.db.dialect != "sqlite":
            yield
            return
        size = self.db.scalar(f"SELECT COUNT(*) FROM {_check_identifier(table)}")
        with self._bulk(table, self.BULK_ROWS if size < self.BULK_ROWS else 0):
            yield

    #: A bulk write at least this large, and at least a quarter of the table, rebuilds the
    #: table's SQLite indexes afterwards instead of updating them row by row.
    BULK_ROWS = 20_000

    @contextmanager
    def _bulk(self, table: str, rows: int) -> Iterator[None]:
        """Many rows of ``table`` about to be written: on SQLite, drop its secondary indexes
        and build them again afterwards, inside the transaction.

        Updating three indexes row by row made deleting 200,000 log entries take
        3.7 s; without them the delete takes 0.25 s and building them again
        over the remaining rows 0.6 s. PostgreSQL leaves deleted index entries
        to VACUUM and needs none of this.
        """
        if self.db.dialect != "sqlite" or rows < self.BULK_ROWS:
            yield
            return
        size = self.db.scalar(f"SELECT COUNT(*) FROM {_check_identifier(table)}")
        if rows * 4 < size or self._read_by_triggers(table):
            yield
            return
        # Secondary indexes only: unique ones keep checking every row as it is written.
        indexes = [
            (name, sql)
            for name, sql in self.db.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            )
            if not sql.lstrip().upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql in indexes:
            self.db.execute(f"DROP INDEX {_check_identifier(name)}")
        yield
        for _name, sql in indexes:
            self.db.execute(sql)

    def restore_rows(
        self, table: str, changes: str, params: Sequence[Any], document: str, keys: Iterable[str], count: int = 0
    ) -> int:
        """Insert rows (about ``count``), old ids included, from the selected change rows' ``document``.

        ``keys``: the columns the documents hold (the table's columns at the
        time); a column the table has since lost is left out.
        """
        json = SqlJson(self.db.dialect)
        table = _check_identifier(table)
        types = self._column_types(table)
        names = [_check_identifier(name) for name in types if name in set(keys)]
        with self._bulk(table, count):
            cursor = self.db.execute(
                self._documents(changes, document)
                + f"INSERT INTO {table} ({', '.join(names)}) "
                f"SELECT {', '.join(json.get('s.doc', name, types[name]) for name in names)} FROM s ORDER BY s.row_id",
                params,
            )
        self.explicit_ids.add(table)
        self._record_rows(table, "insert", changes, params)
        return cursor.rowcount

    def update_rows(self, table: str, changes: str, params: Sequence[Any], document: str, count: int = 0) -> int:
        """Set the rows the selected change rows name (about ``count``) to the values their
        ``document`` holds (columns it does not name keep theirs), recording before and after."""
        json = SqlJson(self.db.dialect)
        table = _check_identifier(table)
        types = self._column_types(table)
        self._record_rows(table, "update", changes, params)
        assignments = ", ".join(
            f"{name} = CASE WHEN {json.has('s.doc', name)} THEN {json.get('s.doc', name, kind)} ELSE {table}.{name} END"
            for name, kind in types.items()
            if name != "id"
        )
        with self._bulk(table, count):
            cursor = self.db.execute(
                self._documents(changes, document)
                + f"UPDATE {table} SET {assignments} FROM s WHERE {table}.id = s.row_id",
                params,
            )
        self.db.execute(
            f"UPDATE change SET after_json = (SELECT {json.row('t', self._table_columns(table))} FROM {table} t "
            "WHERE t.id = change.row_id) "
            "WHERE changeset_id = ? AND table_name = ? AND action = 'update' AND after_json IS NULL",
            (self._changeset(), table),
        )
        return cursor.rowcount

    @contextmanager
    def savepoint(self, name: str = "part") -> Iterator[None]:
        """A part of the transaction that can fail alone: on an error it is rolled back, and the
        error raised, while the writes before it stay."""
        name = _check_identifier(name)
        self.db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.db.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.db.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.db.execute(f"RELEASE SAVEPOINT {name}")


_CURSOR_NUMBERS = itertools.count(1)


@contextmanager
def read_snapshot(db: Database) -> Iterator[None]:
    """Reads that all see the database as it was at one moment, while others write
    (an export read in many queries). Takes no writer lock."""
    if db.dialect == "postgresql":
        db.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        db.conn.execute("BEGIN")  # deferred: WAL readers keep the snapshot of their first read
    try:
        yield
    finally:
        db._rollback()


def iterate_rows(db: Database, text: str, params: Sequence[Any] = (), *, batch: int = 5_000) -> Iterator[tuple]:
    """The rows of a query, a batch at a time, never all in memory at once.

    SQLite steps through the result as it is read; PostgreSQL sends a whole
    result at once unless it is read through a server-side cursor, which
    needs the transaction :func:`read_snapshot` opens.
    """
    if db.dialect == "postgresql":
        cursor = db.conn.cursor(name=f"rows_{next(_CURSOR_NUMBERS)}")
        cursor.itersize = batch
    else:
        cursor = db.conn.cursor()
    try:
        try:
            cursor.execute(db.sql(text), tuple(params))
        except Exception as exc:
            translated = db.translate_error(exc, text)
            if translated is None:
                raise
            raise translated from exc
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield from rows
    finally:
        try:
            cursor.close()
        except Exception:  # the connection was closed first (a command failing on a damaged database)
            pass


class SqlJson:
    """JSON inside SQL, for set-based history work, spelled for each engine.

    SQLite's JSON1 functions and PostgreSQL's ``jsonb`` operators do the same
    things under different names; this is the one place that knows both.
    ``doc`` parses a JSON text column; ``get`` reads a key as a column's type;
    ``row`` builds a row's JSON (SQLite writes it compactly, PostgreSQL with
    ``": "`` between key and value; readers accept both).
    """

    def __init__(self, dialect: str):
        self.postgres = dialect == "postgresql"

    def doc(self, expression: str) -> str:
        return f"CAST({expression} AS jsonb)" if self.postgres else expression

    def has(self, doc: str, key: str) -> str:
        key = _check_identifier(key)
        return f"({doc} -> '{key}') IS NOT NULL" if self.postgres else f"json_type({doc}, '$.{key}') IS NOT NULL"

    def get(self, doc: str, key: str, sql_type: str = "") -> str:
        key = _check_identifier(key)
        if not self.postgres:
            return f"json_extract({doc}, '$.{key}')"
        if sql_type and not re.fullmatch(r"[a-z ]+", sql_type):
            raise ValueError(f"not an SQL type: {sql_type!r}")
        value = f"({doc} ->> '{key}')"
        return f"CAST({value} AS {sql_type})" if sql_type and sql_type != "text" else value

    def holds(self, doc: str, alias: str, columns: Iterable[str]) -> str:
        """True when the row holds every value of the document, tested at once (a quick test:
        where it fails, compare column by column; SQLite only recognises its own JSON)."""
        if self.postgres:
            return f"{doc} <@ jsonb_build_object({self._pairs(alias, columns)})"
        return f"{doc} = {self.row(alias, columns)}"

    def distinct(self, left: str, right: str) -> str:
        return f"{left} IS DISTINCT FROM {right}" if self.postgres else f"{left} IS NOT {right}"

    def row(self, alias: str, columns: Iterable[str]) -> str:
        """A row as a JSON object text, keys sorted as Python's ``sort_keys`` sorts them."""
        pairs = self._pairs(alias, columns)
        return f"CAST(jsonb_build_object({pairs}) AS text)" if self.postgres else f"json_object({pairs})"

    @staticmethod
    def _pairs(alias: str, columns: Iterable[str]) -> str:
        return ", ".join(f"'{_check_identifier(name)}', {alias}.{name}" for name in sorted(columns))


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
        # SQLAlchemy's forms: sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (memory)
        path = re.sub(r"^sqlite(\+pysqlite)?://(/)?", "", url)
        return path or ":memory:"
    if "://" in url:
        raise CampaignError(
            _(
                "unsupported database URL {url!r}: use a file path, sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST/DBNAME"
            ).format(url=url)
        )
    return os.path.expanduser(url)


def open_sqlite(path: str) -> tuple[sqlite3.Connection, str | None]:
    """A connection to the SQLite file at ``path`` (created, private, if missing).

    Returns the connection and, when the file can only be read, why: a file
    without write permission, or a folder where SQLite cannot create the
    journal files it keeps beside the database. Such a database is opened
    read-only, so reports still work; a write then fails with that reason.
    """
    from campaign_cli import files

    if path in ("", ":memory:"):
        raise StorageError(memory_refused_message())
    if not os.path.exists(path):
        if os.path.islink(path):
            raise StorageError(_("cannot open {path}: it is a link to a file that does not exist").format(path=path))
        files.make_private_folder(os.path.dirname(os.path.abspath(path)))
        try:
            # Created readable by its owner only: it holds phone numbers.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # another process created it meanwhile
        except OSError as exc:
            raise StorageError(
                _("cannot create the database {path}: {reason}").format(path=path, reason=files.os_error_reason(exc))
            ) from None
    elif os.path.isdir(path):
        raise StorageError(_("cannot open {path}: it is a folder; give the database file").format(path=path))
    files.remove_stale_partials(path)
    reason = read_only_reason(path)
    target: str = path
    if reason is not None:
        target = f"{Path(os.path.abspath(path)).as_uri()}?mode=ro"
        if needs_immutable(path):
            target += "&immutable=1"
    try:
        conn = sqlite3.connect(
            target,
            isolation_level=None,  # we say BEGIN ourselves, also around DDL
            detect_types=sqlite3.PARSE_DECLTYPES,
            timeout=30.0,
            check_same_thread=False,
            uri=reason is not None,
        )
    except sqlite3.Error as exc:
        raise StorageError(
            _("cannot open {path}: {error}").format(path=path, error=exc)
        ) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA cell_size_check = ON")  # damaged pages are refused, not read
        if reason is None:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB at most: bulk imports stay in memory until commit
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError):
            raise translate_operational_error(exc, path, reason) from None
        raise damaged_database_error(path, exc) from None
    return conn, reason


def read_only_reason(path: str) -> str | None:
    """Why SQLite could only read the file at ``path``; None when it may write."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.access(path, os.W_OK):
        return _("the file {path} is read-only (check its permissions)").format(path=path)
    if not os.access(folder, os.W_OK | os.X_OK):
        return _(
            "its folder {folder} is not writable, and SQLite writes its journal beside the database"
        ).format(folder=folder)
    return None


def needs_immutable(path: str) -> bool:
    """A WAL database opened read-only needs its -shm file, or the promise that nobody writes.

    When the folder is not writable the -shm file cannot be created: then the
    file is read as immutable (nobody can write it here either).
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.access(folder, os.W_OK | os.X_OK) or os.path.exists(path + "-shm"):
        return False
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2  # file format 2: write-ahead log


def memory_refused_message() -> str:
    return _(
        "--db :memory: would keep the campaign in memory only while one command runs, then lose it: "
        "give a file, e.g. --db campaign.db"
    )


def missing_schema_message() -> str:
    return _(
        "the schema this URL searches (options=-csearch_path=...) does not exist on the server: "
        "ask the administrator to create it, or fix the URL"
    )


def damaged_database_error(where: str, exc: BaseException) -> StorageError:
    """SQLite found the file damaged (or not a database at all): one line, and what to do."""
    reason = first_line(exc)
    if "not a database" in reason:
        return StorageError(_("{path} is not an SQLite database ({reason})").format(path=where, reason=reason))
    return StorageError(
        _("the database {path} is damaged ({reason}): restore the last good copy with  campaign restore FILE").format(
            path=where, reason=reason
        )
    )


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

    _quiet_driver_log()
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


def _quiet_driver_log() -> None:
    """psycopg logs what it ignores while closing a broken pipeline ("error ignored
    terminating <psycopg.Pipeline [BAD]>"); with no logging configured Python prints
    that before our one-line error. The error says it all: keep the log for debugging."""
    import logging

    logger = logging.getLogger("psycopg")
    if not os.environ.get("CAMPAIGN_DEBUG") and not any(
        isinstance(handler, logging.NullHandler) for handler in logger.handlers
    ):
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


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
        if "row-level security" in str(exc):
            return StorageError(
                _(
                    "your database role may not write to this campaign: on this server each office changes only "
                    "the campaigns it was granted (ask the administrator:  campaign access list)"
                )
            )
        if verb in ("INSERT", "WITH") and re.search(r'\btable "?campaign"?\s*$', _first_line(exc)):
            return StorageError(
                _(
                    "your database role may not create campaigns here: on a shared server  campaign init  and  "
                    "campaign import  run as the database's owner role (see docs/postgresql.md)"
                )
            )
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
        return StorageError(missing_schema_message())
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


def _disk_full(path: str | None) -> bool:
    """SQLite reports a full disk while mapping its -shm file as an I/O error: tell them apart."""
    if not path:
        return False
    try:
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def translate_operational_error(
    exc: sqlite3.OperationalError, path: str | None = None, read_only: str | None = None
) -> CampaignError:
    message = str(exc)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return StorageError(_(BUSY_MESSAGE))
    if "readonly" in lowered or "read-only" in lowered:
        if read_only:
            return StorageError(
                _("{path} can only be read: {reason}; nothing was changed").format(path=path, reason=read_only)
            )
        return StorageError(_("the database file is read-only: check its permissions"))
    if "disk is full" in lowered or "disk full" in lowered or ("i/o error" in lowered and _disk_full(path)):
        return StorageError(_("cannot write {path}: the disk is full").format(path=path or "-"))
    if "could not decode" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return damaged_database_error(path or "-", exc)
    if "disk i/o error" in lowered or "unable to open database file" in lowered:
        return StorageError(
            _("cannot read or write {path}: {reason}; check the disk and the file's folder").format(
                path=path or "-", reason=message
            )
        )
    return StorageError(_("database error: {reason}").format(reason=message))
