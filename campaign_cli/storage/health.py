"""Is an SQLite campaign file sound? Damage told apart from a bug.

SQLite checks its own structures (``PRAGMA quick_check``) but not what a
column holds: a flipped byte can leave a well-formed file whose date reads
``2021-0\x05-23`` or whose text is no longer UTF-8. :func:`damage` looks for
both, through its own read-only connection, so it can be asked after any
failure (the command's connection may be mid-transaction) and before a
restored copy is trusted.

Stdlib only; it reads every row, so it runs where a failure already happened
or where a whole file is about to be trusted, never on the everyday path.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from campaign_cli.i18n import _

#: Declared column type (upper case, first word) -> the SQLite storage classes it may hold.
_STORAGE_CLASSES = {
    "INTEGER": ("integer",),
    "BOOLEAN": ("integer",),
    "FLOAT": ("real", "integer"),
    "REAL": ("real", "integer"),
    "NUMERIC": ("real", "integer"),
    "DOUBLE": ("real", "integer"),
    "VARCHAR": ("text",),
    "TEXT": ("text",),
    "DATE": ("text",),
}


def open_read_only(path: str | os.PathLike) -> sqlite3.Connection:
    """A connection that can only read ``path`` (and never creates it)."""
    from campaign_cli.storage.db import needs_immutable

    uri = f"{Path(os.path.abspath(path)).as_uri()}?mode=ro"
    if needs_immutable(str(path)):
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=30.0)
    conn.text_factory = bytes  # undecodable text is a finding, not an exception
    return conn


def damage(path: str | os.PathLike, *, limit: int = 3, current_schema: bool = False) -> list[str]:
    """What is wrong with the file at ``path``: empty when it is sound.

    Structure first (quick_check), then every column against its declared
    type: integers where integers belong, ISO dates in DATE columns, UTF-8
    in text columns. ``current_schema``: the file should have this release's
    schema (a database commands have opened); then a missing table or column,
    or an empty value where ``tables.py`` requires one, is damage too (this
    imports SQLModel: half a second, on a path that already failed).
    """
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        findings = _structure(conn, limit) or _values(conn, limit) or _references(conn, limit)
        if not findings and current_schema:
            findings = _schema(conn, limit)
        return findings
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    except UnicodeDecodeError:  # SQLite's message quoted bytes of the damaged schema
        return [_("the database schema is damaged")]
    finally:
        conn.close()


def _structure(conn: sqlite3.Connection, limit: int) -> list[str]:
    verdict = [_text(row[0]) for row in conn.execute(f"PRAGMA quick_check({int(limit)})")]
    if verdict == ["ok"]:
        return []
    lines = [line.strip() for text in verdict for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("***")][:limit]


def _values(conn: sqlite3.Connection, limit: int) -> list[str]:
    findings: list[str] = []
    tables = [
        _text(name)
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        if not table.isidentifier():
            continue
        for column in conn.execute(f'PRAGMA table_info("{table}")').fetchall():
            name, declared = _text(column[1]), _text(column[2]).upper().split("(")[0].strip()
            if not name.isidentifier():
                continue
            findings.extend(_column_findings(conn, table, name, declared))
            if len(findings) >= limit:
                return findings[:limit]
    return findings


def _references(conn: sqlite3.Connection, limit: int) -> list[str]:
    """Rows that point at rows that do not exist."""
    findings = []
    for table, rowid, parent, _key in conn.execute("PRAGMA foreign_key_check").fetchmany(limit):
        findings.append(_("{table} row {row} points at a {parent} row that does not exist").format(
            table=_text(table), row=rowid, parent=_text(parent)))
    return findings


def _schema(conn: sqlite3.Connection, limit: int) -> list[str]:
    """Tables and columns of ``tables.py`` that are missing, and required values that are empty."""
    from campaign_cli.storage.tables import metadata

    findings: list[str] = []
    for table in metadata().sorted_tables:
        present = {_text(row[1]): row for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
        if not present:
            findings.append(_("the table {table} is missing").format(table=table.name))
            continue
        for column in table.columns:
            if column.name not in present:
                findings.append(_("the column {table}.{column} is missing").format(
                    table=table.name, column=column.name))
            elif not column.nullable and not column.primary_key:
                row = conn.execute(
                    f'SELECT {_row_key(conn, table.name)} FROM "{table.name}" WHERE "{column.name}" IS NULL LIMIT 1'
                ).fetchone()
                if row is not None:
                    findings.append(_("{table}.{column} of row {row} is empty").format(
                        table=table.name, column=column.name, row=row[0]))
        if len(findings) >= limit:
            break
    return findings[:limit]


def _row_key(conn: sqlite3.Connection, table: str) -> str:
    """How a finding names a row: its rowid, or its primary key in a WITHOUT ROWID table (the log's totals)."""
    sql = _text(conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0])
    if "WITHOUT ROWID" not in sql.upper():
        return "rowid"
    keys = sorted((row[5], _text(row[1])) for row in conn.execute(f'PRAGMA table_info("{table}")') if row[5])
    return " || '/' || ".join(f'"{name}"' for _position, name in keys) or "NULL"


def _column_findings(conn: sqlite3.Connection, table: str, column: str, declared: str) -> list[str]:
    allowed = _STORAGE_CLASSES.get(declared)
    if allowed is None:
        return []
    key = _row_key(conn, table)
    kinds = ", ".join(f"'{kind}'" for kind in (*allowed, "null"))
    quoted = f'"{table}"."{column}"'
    where = f"typeof({quoted}) NOT IN ({kinds})"
    if declared == "DATE":
        # ISO, a real day, and within the dates the tool accepts (services.dates.MIN_DATE/MAX_DATE)
        where += (f" OR ({quoted} IS NOT NULL AND (date({quoted}) IS NOT {quoted}"
                  f" OR {quoted} < '1800-01-01' OR {quoted} > '2999-12-31'))")
    row = conn.execute(f'SELECT {key}, {quoted} FROM "{table}" WHERE {where} LIMIT 1').fetchone()
    if row is not None:
        return [_("{table}.{column} of row {row} holds {value!r}").format(
            table=table, column=column, row=row[0], value=_shown(row[1]))]
    if declared in ("VARCHAR", "TEXT", "DATE"):
        for rowid, value in conn.execute(f'SELECT {key}, {quoted} FROM "{table}" WHERE typeof({quoted}) = \'text\''):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return [_("{table}.{column} of row {row} is not UTF-8 text").format(
                    table=table, column=column, row=rowid)]
    return []


def _text(value: object) -> str:
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)


def _shown(value: object) -> str:
    return _text(value)[:40]
