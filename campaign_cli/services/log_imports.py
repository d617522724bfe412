"""What ``log import`` imported before, so the same rows are never counted twice.

Communes send their activity sheets twice (a corrected copy, a reminder, the
same attachment forwarded by two people). Each import is recorded
(``log_import``: file, moment, as-of day, rows, the change that wrote them)
with a fingerprint per row (``log_import_row``), and a later import looks its
rows' fingerprints up, set by set through an index, before it writes.

A fingerprint is a 64-bit BLAKE2b hash of a row as the checks read it, not as
it was typed: the day (``15/04/2021``, ``15/4/2021`` and a date cell are one
day), the activity type (``poster`` or ``áp phích``), the quantity as a number
(``2``, ``2.0``, a number cell), the member or unit and the task they name,
and the place and note in NFC with spaces and line ends tidied. So a CSV
re-saved by a spreadsheet (other line endings, a BOM, dates re-formatted) or
the same rows as XLSX give the same fingerprints. Two identical lines in one
sheet are two real entries (two broadcasts on one day): each row's
fingerprint includes how many identical rows came before it in the file, so
the second is "the second such row", new if the earlier file had only one.

Fingerprints are compared within one database and one campaign; they name
types, members and tasks by their ids there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from campaign_cli.services.context import Context
from campaign_cli.storage.db import Transaction

#: The entry's columns a fingerprint covers, by name (what is written, not when or by which command).
FINGERPRINT_COLUMNS = ("on_date", "type_id", "quantity", "task_id", "member_id", "unit_id", "place", "note")
#: How an import treats rows imported before: refuse the file (the default), take only the
#: new rows, or import every row again.
REFUSE, ONLY_NEW, AGAIN = "refuse", "only-new", "again"
#: ``log_import.mode``: every row was new, only the new rows were taken, or rows were imported again.
MODE_ALL = "all"
#: Fingerprints looked up per query (an indexed IN list; far below both engines' parameter limits).
PROBE_CHUNK = 1000
#: Columns of ``log_import_row`` as bulk inserts write them.
ROW_COLUMNS = ("import_id", "line", "fingerprint", "activity_id")


def fingerprints(rows: Sequence[tuple], columns: Sequence[str]) -> list[int]:
    """One fingerprint per row of checked column values (``columns`` names their positions).

    The row is written as one text (day as its ordinal, quantity as a float, place and
    note quoted, so no value can run into the next) and hashed once: about 1.5 µs a row.
    """
    pick = itemgetter(*[columns.index(name) for name in FINGERPRINT_COLUMNS])
    texts = [
        f"{day.toordinal()}\x1f{type_id}\x1f{float(quantity)!r}\x1f{task_id}\x1f{member_id}\x1f{unit_id}"
        f"\x1f{place!r}\x1f{note!r}"
        for day, type_id, quantity, task_id, member_id, unit_id, place, note in map(pick, rows)
    ]
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    seen: dict[str, int] = {}
    prints = []
    for text in texts:
        occurrence = seen[text] = seen.get(text, 0) + 1
        if occurrence > 1:  # the second identical row of the file is "the second such row"
            text = f"{text}\x1e{occurrence}"
        prints.append(from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True))
    return prints


@dataclass
class EarlierImport:
    """An earlier import that holds rows of the file being imported."""

    id: int
    file_name: str
    imported_at: str
    as_of: dt.date
    changeset_id: int | None
    row_count: int
    #: Lines of the file being imported found in this earlier import.
    lines: list[int] = field(default_factory=list)
    #: Rows of the earlier import that are not in this file, with the entries they
    #: became (those still there): ``(line there, entry id)``. A corrected copy
    #: leaves out the rows it corrects: these entries may need removing.
    left_out: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Screening:
    """What a file's rows have to do with earlier imports."""

    prints: list[int]
    #: Earlier imports holding some of the rows, oldest first.
    earlier: list[EarlierImport]
    #: Positions (in the rows screened) of the rows no earlier import holds.
    new: list[int]

    @property
    def repeated(self) -> int:
        return len(self.prints) - len(self.new)


def screen(ctx: Context, rows: Sequence[tuple], columns: Sequence[str], lines: Sequence[int]) -> Screening:
    """Fingerprint ``rows`` (read from ``lines``) and find the earlier imports that hold any of them."""
    prints = fingerprints(rows, columns)
    found = _earlier_rows(ctx, prints)
    if not found:
        return Screening(prints, [], list(range(len(prints))))
    by_import: dict[int, list[int]] = {}
    new = []
    for position, fingerprint in enumerate(prints):
        holders = found.get(fingerprint)
        if holders is None:
            new.append(position)
            continue
        for import_id in holders:
            by_import.setdefault(import_id, []).append(lines[position])
    earlier = _imports(ctx, sorted(by_import))
    for record in earlier:
        record.lines = by_import[record.id]
        if len(record.lines) < record.row_count:
            record.left_out = _left_out(ctx, record, set(prints))
    return Screening(prints, earlier, new)


def _earlier_rows(ctx: Context, prints: list[int]) -> dict[int, list[int]]:
    """Fingerprint -> the earlier imports of this campaign holding it.

    Probed through the fingerprint index alone, a chunk at a time; rows of
    another campaign's imports are dropped here. (Joined to ``log_import`` in
    SQL, SQLite prefers to walk the campaign's imports row by row instead:
    100,000 rows against one earlier import of as many took seconds.)
    """
    if not prints:
        return {}
    campaign_imports = {
        import_id for (import_id,) in ctx.db.rows("SELECT id FROM log_import WHERE campaign_id = ?", (ctx.campaign_id,))
    }
    if not campaign_imports:
        return {}
    found: dict[int, list[int]] = {}
    for start in range(0, len(prints), PROBE_CHUNK):
        chunk = prints[start : start + PROBE_CHUNK]
        marks = ", ".join("?" for _fingerprint in chunk)
        for fingerprint, import_id in ctx.db.rows(
            f"SELECT DISTINCT fingerprint, import_id FROM log_import_row WHERE fingerprint IN ({marks})", chunk
        ):
            if import_id in campaign_imports:
                found.setdefault(fingerprint, []).append(import_id)
    return found


_IMPORT_COLUMNS = "i.id, i.file_name, i.imported_at, i.as_of, i.changeset_id, i.row_count"


def _imports(ctx: Context, ids: list[int]) -> list[EarlierImport]:
    marks = ", ".join("?" for _id in ids)
    return [
        EarlierImport(*row)
        for row in ctx.db.rows(f"SELECT {_IMPORT_COLUMNS} FROM log_import i WHERE i.id IN ({marks}) ORDER BY i.id", ids)
    ]


def _left_out(ctx: Context, record: EarlierImport, prints: set[int]) -> list[tuple[int, int]]:
    """Rows of ``record`` not among ``prints`` whose entries are still there (and still theirs:
    an entry id taken again by a later entry has another ``created_at``)."""
    return [
        (line, entry)
        for line, entry, fingerprint in ctx.db.rows(
            "SELECT r.line, a.id, r.fingerprint FROM log_import_row r JOIN log_import i ON i.id = r.import_id "
            "JOIN activity a ON a.id = r.activity_id AND a.created_at = i.imported_at "
            "WHERE r.import_id = ? ORDER BY r.line",
            (record.id,),
        )
        if fingerprint not in prints
    ]


def record_import(
    ctx: Context,
    tx: Transaction,
    *,
    file_name: str,
    imported_at: str,
    file_rows: int,
    mode: str,
    span: tuple[dt.date, dt.date],
    lines: Sequence[int],
    prints: Sequence[int],
    entry_ids: Sequence[int],
) -> int:
    """Record an import whose entries were just written (``tx`` made them: its change is named)."""
    import_id = tx.insert(
        "log_import",
        {
            "campaign_id": ctx.campaign_id,
            "file_name": file_name,
            "imported_at": imported_at,
            "as_of": ctx.today,
            "file_rows": file_rows,
            "row_count": len(entry_ids),
            "start_date": span[0],
            "end_date": span[1],
            "mode": mode,
            "changeset_id": tx.changeset_id,
        },
    )
    tx.insert_many(
        "log_import_row",
        ROW_COLUMNS,
        [
            (import_id, line, fingerprint, entry)
            for line, fingerprint, entry in zip(lines, prints, entry_ids, strict=True)
        ],
    )
    return import_id


def list_imports(ctx: Context) -> list[dict[str, Any]]:
    """The campaign's imports still in effect (an undone import is gone), newest first."""
    return [
        {
            "id": row[0],
            "imported_at": row[1],
            "as_of": row[2],
            "file": row[3],
            "rows": row[4],
            "file_rows": row[5],
            "first_date": row[6],
            "last_date": row[7],
            "mode": row[8],
            "change": row[9],
            "actor": row[10],
        }
        for row in ctx.db.rows(
            "SELECT i.id, i.imported_at, i.as_of, i.file_name, i.row_count, i.file_rows, i.start_date, i.end_date, "
            "i.mode, i.changeset_id, c.actor FROM log_import i LEFT JOIN changeset c ON c.id = i.changeset_id "
            "WHERE i.campaign_id = ? ORDER BY i.id DESC",
            (ctx.campaign_id,),
        )
    ]



#: ``log import --format json``: the version of the document below (keys are only ever added).
SUMMARY_VERSION = 1


def outcome(result) -> str:
    """``imported``, ``dry-run``, ``refused`` or ``nothing-new`` (every row imported before, ``--only-new``)."""
    if result.refused:
        return "refused"
    if result.taken == 0:
        return "nothing-new"
    return "dry-run" if result.dry_run else "imported"


def summary(result, file_name: str, on_repeated: str) -> dict[str, Any]:
    """What a checked ``log import`` did or would do, as plain data (``--format json``; the keys are
    documented in docs/log-import.md)."""
    return {
        "schema_version": SUMMARY_VERSION,
        "file": file_name,
        "outcome": outcome(result),
        "dry_run": result.dry_run,
        "on_repeated": on_repeated,
        "rows": result.rows,
        "new": len(result.new_lines),
        "new_lines": result.new_lines,
        "overlapping": result.repeated,
        "overlapping_lines": result.repeated_lines,
        "to_import": result.taken,
        "imported": result.imported,
        "first_date": result.first_date.isoformat() if result.first_date else None,
        "last_date": result.last_date.isoformat() if result.last_date else None,
        "import_id": result.import_id,
        "change": result.change_id,
        "earlier": [
            {
                "import_id": earlier.id,
                "file": earlier.file_name,
                "imported_at": earlier.imported_at,
                "change": earlier.changeset_id,
                "rows": earlier.row_count,
                "lines": earlier.lines,
                "left_out": [{"line": line, "entry": entry} for line, entry in earlier.left_out],
            }
            for earlier in result.earlier
        ],
        "warnings": result.warnings,
    }
