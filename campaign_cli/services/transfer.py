"""Moving campaigns between databases: export and import (whole files: services/backups.py).

``export`` writes one campaign as one JSON document (``docs/export-format.md``):
every row of the campaign except history, each table in id order, with ids
renumbered 1, 2, 3... per table inside the document and references written as
those numbers. Renumbering makes the document independent of the database it
came from: export → import → export gives the same bytes, whether the second
database was empty or held other campaigns.

Both directions stream, so memory stays flat whatever the campaign's size.
``export`` reads the tables inside one read snapshot, a batch of rows at a
time, and writes each record as soon as it is read, in exactly the bytes
``json.dumps(document, ensure_ascii=False, indent=2)`` would give. ``import``
reads the document with :mod:`campaign_cli.jsonstream`: everything before the
log entries (a few megabytes even for 10,000 tasks) is read and checked whole;
then, inside one transaction, those rows are written and the log entries are
read, checked and inserted a chunk at a time. Any error rolls the whole
transaction back, so an import is still all or nothing; into a new SQLite file
it is built beside the target and renamed into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from campaign_cli.errors import Conflict, Invalid, StorageError
from campaign_cli.i18n import _
from campaign_cli.services import validate
from campaign_cli.services.context import Context
from campaign_cli.services.text import clean_user_text, fold
from campaign_cli.vocabulary import AssignmentRole, Level, MemberRole, TaskStatus, codes

FORMAT = "campaign-export"
#: 2 (schema 6) adds places: ``places``, ``tasks[].places``, ``activities[].place_id``; version 1 still imports.
VERSION = 2

LEVELS = codes(Level)
LANGS = ("vi", "en")
ROLES = codes(MemberRole)
STATUSES = codes(TaskStatus)
ASSIGNMENT_ROLES = codes(AssignmentRole)

#: Generous limits: an import must take whatever the commands may have stored.
MAX_LINE = 1000
MAX_TEXT = 5000
#: Phases are numbered 1, 2, 3...; a number beyond this is not a campaign's.
MAX_PHASE_NUMBER = 9999
#: Log entries are checked and inserted this many at a time.
CHUNK = 5_000

#: The document's keys in the order export writes them; all but the last are read whole.
SECTIONS = (
    "format", "version", "campaign", "phases", "units", "members", "activity_types", "places", "tasks", "activities",
)  # fmt: skip
ACTIVITY_COLUMNS = (
    "campaign_id", "on_date", "type_id", "quantity", "task_id", "member_id", "unit_id", "place", "note", "created_at",
    "place_id",
)  # fmt: skip


# == export ==================================================================
_encode_text = json.encoder.encode_basestring  # the C encoder json.dumps uses (ensure_ascii=False)


def _number(value: float | int) -> str:
    """A quantity as the document writes it: whole numbers without a decimal point."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return str(int(value)) if value.is_integer() else float.__repr__(value)
    return int.__repr__(value)


def _json(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it at nesting ``level``."""
    if isinstance(value, str):
        return _encode_text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _number(value) if isinstance(value, float) else int.__repr__(value)
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{_encode_text(key)}: {_json(item, level + 1)}" for key, item in value.items())
    else:
        if not value:
            return "[]"
        items = (_json(item, level + 1) for item in value)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + inner + ("," + inner).join(items) + "\n" + "  " * level + closing


def _write_list(write, key: str, texts: Iterable[str]) -> int:
    """A top-level member holding a list, its elements (texts at level 2) written in batches."""
    write(f",\n  {_encode_text(key)}: ")
    count, batch = 0, []
    for text in texts:
        batch.append(text)
        if len(batch) == 1_000:
            write(("[\n    " if count == 0 else ",\n    ") + ",\n    ".join(batch))
            count += len(batch)
            batch = []
    if batch:
        write(("[\n    " if count == 0 else ",\n    ") + ",\n    ".join(batch))
        count += len(batch)
    write("\n  ]" if count else "[]")
    return count


def _iso(value: dt.date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def split_themes(stored: str | None) -> list[str]:
    return [theme for theme in (stored or "").split("\n") if theme]


def export_campaign(ctx: Context, stream: IO[str], *, snapshot: bool = True) -> dict[str, Any]:
    """Write the current campaign's export document to ``stream`` as its rows are read.

    Returns the campaign's name and what was written (``phases``,
    ``members``, ``tasks``, ``activities``...). All reads happen in one
    snapshot: a log entry added meanwhile by another office is either in
    the document with everything it refers to, or not at all. ``snapshot``
    False reads inside the transaction already open (``services/copies.py``).
    """
    from contextlib import nullcontext

    from campaign_cli.storage.db import iterate_rows, read_snapshot

    db = ctx.db
    campaign_id = ctx.campaign_id
    write = stream.write
    counts: dict[str, int] = {}
    with read_snapshot(db) if snapshot else nullcontext():
        campaign = db.one(
            "SELECT name, locality, level, election_day, lang, issuing_body, signer, place, created_at, "
            "parent_body, symbol, signer_id, uid FROM campaign WHERE id = ?",  # the last four: schema 3
            (campaign_id,),
        )
        campaign["election_day"] = _iso(campaign["election_day"])
        if campaign["signer_id"] is not None:  # members are numbered by position, as written below
            campaign["signer_id"] = db.scalar(
                "SELECT COUNT(*) FROM member WHERE campaign_id = ? AND id <= ?", (campaign_id, campaign["signer_id"])
            )
        write(f'{{\n  "format": "campaign-export",\n  "version": {VERSION},\n  "campaign": ' + _json(campaign, 1))

        def section(key: str, sql: str, record) -> dict[int, int]:
            rows = db.dicts(sql, (campaign_id,))
            numbers = {row["id"]: position for position, row in enumerate(rows, start=1)}
            counts[key] = _write_list(write, key, (_json(record(row, numbers), 2) for row in rows))
            return numbers

        phase_no = section(
            "phases",
            "SELECT id, number, name, start_date, end_date FROM phase WHERE campaign_id = ? ORDER BY id",
            lambda row, numbers: {"id": numbers[row["id"]], "number": row["number"], "name": row["name"],
                                  "start": _iso(row["start_date"]), "end": _iso(row["end_date"])},
        )
        unit_no = section(
            "units",
            "SELECT id, name, short FROM unit WHERE campaign_id = ? ORDER BY id",
            lambda row, numbers: {"id": numbers[row["id"]], "name": row["name"], "short": row["short"]},
        )
        member_no = section(
            "members",
            "SELECT id, name, role, title, unit_id, phone, email FROM member WHERE campaign_id = ? ORDER BY id",
            lambda row, numbers: {"id": numbers[row["id"]], "name": row["name"], "role": row["role"],
                                  "title": row["title"], "unit_id": _ref(unit_no, row["unit_id"]),
                                  "phone": row["phone"], "email": row["email"]},
        )
        type_no = section(
            "activity_types",
            "SELECT id, code, label_vi, label_en, unit FROM activity_type WHERE campaign_id = ? ORDER BY id",
            lambda row, numbers: {"id": numbers[row["id"]], "code": row["code"], "label_vi": row["label_vi"],
                                  "label_en": row["label_en"], "unit": row["unit"]},
        )
        place_no = _export_places(db, campaign_id, write, counts)
        # Tasks and their assignments, both in id order, merged as they are read.
        task_no: dict[int, int] = {}
        tasks = iterate_rows(
            db,
            "SELECT id, phase_id, title, type_id, CAST(due AS TEXT), target, unit_of_measure, themes, status, reason, "
            "CAST(completed_on AS TEXT), created_at FROM task WHERE campaign_id = ? ORDER BY id",
            (campaign_id,),
        )
        counts["tasks"] = _write_list(
            write, "tasks",
            _task_texts(db, campaign_id, tasks, task_no, phase_no, type_no, member_no, unit_no, place_no),
        )
        entries = iterate_rows(
            db,
            "SELECT CAST(on_date AS TEXT), type_id, quantity, task_id, member_id, unit_id, place, note, created_at, "
            "place_id FROM activity WHERE campaign_id = ? ORDER BY id",
            (campaign_id,),
        )
        counts["activities"] = _write_list(
            write, "activities", _activity_texts(entries, type_no, task_no, member_no, unit_no, place_no)
        )
        write("\n}\n")
    return {"name": campaign["name"], "counts": counts}


def _ref(numbers: dict[int, int], value: int | None) -> int | None:
    return None if value is None else numbers[value]


def _export_places(db, campaign_id: int, write, counts: dict[str, int]) -> dict[int, int]:
    """The registry of places (version 2), numbered in id order; a parent may come after its child."""
    rows = db.dicts("SELECT id, name, kind, parent_id FROM place WHERE campaign_id = ? ORDER BY id", (campaign_id,))
    numbers = {row["id"]: position for position, row in enumerate(rows, start=1)}
    counts["places"] = _write_list(write, "places", (
        _json({"id": numbers[row["id"]], "name": row["name"], "kind": row["kind"],
               "parent_id": _ref(numbers, row["parent_id"])}, 2)
        for row in rows
    ))
    return numbers


#: Records as ``json.dumps(..., indent=2)`` lays them out inside the top-level lists; filled
#: with %: one formatting operation per record is several times faster than the encoder.
_TASK = (
    '{\n      "id": %d,\n      "phase_id": %d,\n      "title": %s,\n      "type_id": %s,\n      "due": %s,'
    '\n      "target": %s,\n      "unit_of_measure": %s,\n      "themes": %s,\n      "status": %s,'
    '\n      "reason": %s,\n      "completed_on": %s,\n      "created_at": %s,\n      "assignments": %s,'
    '\n      "places": %s\n    }'
)
_ASSIGNMENT = '{\n          "role": %s,\n          "member_id": %s,\n          "unit_id": %s\n        }'
_ACTIVITY = (
    '{\n      "id": %d,\n      "date": %s,\n      "type_id": %d,\n      "quantity": %s,\n      "task_id": %s,'
    '\n      "member_id": %s,\n      "unit_id": %s,\n      "place_id": %s,\n      "place": %s,\n      "note": %s,'
    '\n      "created_at": %s\n    }'
)


def _nullable(value: Any) -> str:
    if value is None:
        return "null"
    return _encode_text(value) if isinstance(value, str) else _number(value)


def _task_texts(db, campaign_id, tasks, task_no, phase_no, type_no, member_no, unit_no, place_no) -> Iterator[str]:
    from campaign_cli.storage.db import iterate_rows

    text = _encode_text
    # A second cursor inside the same snapshot: the assignments in (task, id) order.
    assignments = iterate_rows(
        db,
        "SELECT a.task_id, a.role, a.member_id, a.unit_id FROM assignment a JOIN task t ON t.id = a.task_id "
        "WHERE t.campaign_id = ? ORDER BY a.task_id, a.id",
        (campaign_id,),
    )
    pending = next(assignments, None)
    covered = _task_place_numbers(db, campaign_id, place_no)
    for position, row in enumerate(tasks, start=1):
        (task_id, phase_id, title, type_id, due, target, unit_of_measure, themes, status, reason,
         completed_on, created_at) = row  # fmt: skip
        task_no[task_id] = position
        parts = []
        while pending is not None and pending[0] <= task_id:
            if pending[0] == task_id:
                member, unit = pending[2], pending[3]
                parts.append(_ASSIGNMENT % (
                    text(pending[1]),
                    "null" if member is None else member_no[member],
                    "null" if unit is None else unit_no[unit],
                ))
            pending = next(assignments, None)
        theme_list = split_themes(themes)
        yield _TASK % (
            position,
            phase_no[phase_id],
            text(title),
            "null" if type_id is None else type_no[type_id],
            _nullable(due),
            _nullable(target),
            text(unit_of_measure),
            "[\n        " + ",\n        ".join(map(text, theme_list)) + "\n      ]" if theme_list else "[]",
            text(status),
            text(reason),
            _nullable(completed_on),
            text(created_at),
            "[\n        " + ",\n        ".join(parts) + "\n      ]" if parts else "[]",
            _numbers(covered.get(task_id)),
        )
    for _rest in assignments:  # read to the end, so the cursor closes
        pass


def _task_place_numbers(db, campaign_id: int, place_no: dict[int, int]) -> dict[int, list[int]]:
    """task id -> the document numbers of the places it covers (in the order they were named)."""
    covered: dict[int, list[int]] = {}
    for task_id, place_id in db.rows(
        "SELECT tp.task_id, tp.place_id FROM task_place tp JOIN task t ON t.id = tp.task_id "
        "WHERE t.campaign_id = ? ORDER BY tp.task_id, tp.id",
        (campaign_id,),
    ):
        covered.setdefault(task_id, []).append(place_no[place_id])
    return covered


def _numbers(values: list[int] | None) -> str:
    return "[\n        " + ",\n        ".join(map(str, values)) + "\n      ]" if values else "[]"


def _activity_texts(rows, type_no, task_no, member_no, unit_no, place_no) -> Iterator[str]:
    """Log entries as document records (100,000 of them are most of a document)."""
    text = _encode_text
    for position, (on_date, type_id, quantity, task_id, member_id, unit_id, place, note, created_at,
                   place_id) in enumerate(rows, start=1):
        yield _ACTIVITY % (
            position,
            text(on_date),
            type_no[type_id],
            str(int(quantity)) if type(quantity) is float and quantity.is_integer() else _number(quantity),
            "null" if task_id is None else task_no[task_id],
            "null" if member_id is None else member_no[member_id],
            "null" if unit_id is None else unit_no[unit_id],
            "null" if place_id is None else place_no[place_id],
            text(place),
            text(note),
            text(created_at),
        )


# == import: checking ========================================================
@dataclass
class Rows:
    """The checked head of a document (all but the log entries), as column values ready to
    insert; references still document ids."""

    campaign: dict[str, Any]
    phases: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    types: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    task_places: list[tuple[int, int]] = field(default_factory=list)
    activities: int = 0
    #: Document ids -> new database ids, per reference column, once the head is written.
    ids: dict[str, dict[int, int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "phases": len(self.phases),
            "units": len(self.units),
            "members": len(self.members),
            "activity_types": len(self.types),
            "places": len(self.places),
            "tasks": len(self.tasks),
            "activities": self.activities,
        }


#: Text that :func:`clean_user_text` would return unchanged, found without running it:
#: no white space but single spaces inside, no control or bidi characters.
_UNTIDY = re.compile(r"[^\S ]|  |^ | $|[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean_text(value: str, name: str, *, multiline: bool, max_len: int) -> str:
    """User text as the commands store it; most text already is, and is checked quickly."""
    if len(value) <= max_len and not _UNTIDY.search(value) and unicodedata.is_normalized("NFC", value):
        return value
    return clean_user_text(value, field=name, multiline=multiline, max_len=max_len)


def _shown(value: Any) -> str:
    """A value in a message, shortened (a forged document may hold anything)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return _("a number of {digits} digits").format(digits=int(value.bit_length() * math.log10(2)) + 1)
    if isinstance(value, (dict, list)):
        return _("an object") if isinstance(value, dict) else _("a list")
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


class _Reader:
    """Checks one record of the document; every error names where it is (``tasks[3].due``)."""

    def __init__(self, record: Any, where: str, fields: dict[str, bool]):
        if not isinstance(record, dict):
            raise Invalid(_("{where} must be an object, not {value}").format(where=where, value=_shown(record)))
        if not record.keys() <= fields.keys():
            unknown = sorted(set(record) - set(fields))
            raise Invalid(
                _("{where}: unknown field {name!r} (known: {known})").format(
                    where=where, name=unknown[0][:60], known=", ".join(fields)
                )
            )
        for name, required in fields.items():
            if required and name not in record:
                raise Invalid(_("{where}: the field {name!r} is missing").format(where=where, name=name))
        self.record = record
        self.where = where

    def fail(self, name: str, problem: str) -> Invalid:
        return Invalid(f"{self.where}.{name}: {problem}")

    def text(self, name: str, *, required: bool = False, multiline: bool = False, default: str = "") -> str:
        value = self.record.get(name, default)
        if value is None and not required:
            value = ""
        if not isinstance(value, str):
            raise self.fail(name, _("must be text, not {value}").format(value=_shown(value)))
        try:
            cleaned = _clean_text(value, name, multiline=multiline, max_len=MAX_TEXT if multiline else MAX_LINE)
        except ValueError as exc:
            raise self.fail(name, str(exc)) from None
        if required and not cleaned:
            raise self.fail(name, _("may not be empty"))
        return cleaned

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.record.get(name, default)
        if not isinstance(value, str) or value not in choices:
            listed = ", ".join(choices)
            raise self.fail(name, _("{value} is not one of {choices}").format(value=_shown(value), choices=listed))
        return value

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        value = self.record.get(name)
        if value is None:
            if required:
                raise self.fail(name, _("a date is required"))
            return None
        if not isinstance(value, str):
            raise self.fail(name, _("must be an ISO date like 2021-05-23, not {value}").format(value=_shown(value)))
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                name, _("{value} is not an ISO date like 2021-05-23").format(value=_shown(value))
            ) from None
        from campaign_cli.services.dates import MAX_DATE, MIN_DATE

        if not MIN_DATE <= day <= MAX_DATE:
            raise self.fail(name, _("{value} is outside the dates campaign keeps ({first} to {last})").format(
                value=value, first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat()))
        return day

    def amount(self, name: str, *, log_entry: bool, default: float | None = None) -> float | None:
        """A quantity or target, under the one rule of ``validate.quantity``."""
        value = self.record.get(name, default)
        if value is None:
            if log_entry:
                raise self.fail(name, _("a number is required"))
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(name, _("must be a number, not {value}").format(value=_shown(value)))
        try:
            if log_entry:
                return validate.quantity(value, "quantity", allow_zero=False)
            return validate.quantity(value, "target", allow_zero=True)
        except Invalid as exc:
            raise self.fail(name, exc.message) from None

    def integer(self, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
        value = self.record.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(name, _("must be a whole number of {minimum} or more, not {value}").format(
                minimum=minimum, value=_shown(value)))
        if maximum is not None and value > maximum:
            raise self.fail(name, _("must be a whole number of at most {maximum}, not {value}").format(
                maximum=maximum, value=_shown(value)))
        return value

    def ref(self, name: str, known: dict[int, Any], what: str, *, required: bool = False) -> int | None:
        value = self.record.get(name)
        if value is None:
            if required:
                raise self.fail(name, _("a {what} id is required").format(what=_(what)))
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in known:
            raise self.fail(
                name, _("there is no {what} with id {value} in this file").format(what=_(what), value=_shown(value))
            )
        return value

    def stamp(self, name: str) -> str:
        value = self.record.get(name)
        if value is None:
            from campaign_cli.storage.db import utc_now

            return utc_now()
        if not isinstance(value, str) or len(value) > 32:
            raise self.fail(name, _("must be an ISO timestamp like 2021-03-04T08:00:00+00:00"))
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(name, _("{value} is not an ISO timestamp").format(value=_shown(value))) from None
        return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _records(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise Invalid(_("{key} must be a list, not {value}").format(key=key, value=_shown(value)))
    return value


def _id(reader: _Reader, seen: dict[int, Any] | set[int], row: Any) -> int:
    number = reader.integer("id")
    if number in seen:
        raise reader.fail("id", _("{value} is used twice").format(value=number))
    if isinstance(seen, dict):
        seen[number] = row
    else:
        seen.add(number)
    return number


def check_head(document: Any, *, name: str | None = None) -> Rows:
    """Every rule an import must meet, for all of the document but its log entries,
    checked without touching the database."""
    from campaign_cli.services.activity_types import CODE_MAX_LEN, CODE_PATTERN
    from campaign_cli.services.campaigns import activity_type_values
    from campaign_cli.services.tasks import _title_folded
    from campaign_cli.services.units import folded_name

    if not isinstance(document, dict):
        raise Invalid(_("the file is not a campaign export: it holds no JSON object"))
    if document.get("format") != FORMAT:
        raise Invalid(_("the file is not a campaign export (format {found}, expected {format!r})").format(
            found=_shown(document.get("format")), format=FORMAT))
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise Invalid(_("the export has no version number"))
    if version > VERSION:
        raise Invalid(
            _("the export has version {found}; this campaign release reads version {known}: upgrade campaign").format(
                found=_shown(version), known=VERSION
            )
        )
    _Reader(document, _("the file"), {key: False for key in SECTIONS})

    head = _Reader(document.get("campaign"), "campaign", {
        "name": True, "locality": False, "level": False, "election_day": True, "lang": False,
        "issuing_body": False, "signer": False, "place": False, "created_at": False,
        "parent_body": False, "symbol": False, "signer_id": False, "uid": False})
    campaign = {
        "name": head.text("name", required=True),
        "locality": head.text("locality"),
        "level": head.choice("level", LEVELS, "district"),
        "election_day": head.date("election_day", required=True),
        "lang": head.choice("lang", LANGS, "vi"),
        "issuing_body": head.text("issuing_body"),
        "signer": head.text("signer"),
        "place": head.text("place"),
        "created_at": head.stamp("created_at"),
    }
    campaign.update(_campaign_settings(head, campaign))
    if name is not None:
        try:
            campaign["name"] = clean_user_text(name, field="campaign name", max_len=MAX_LINE)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        if not campaign["name"]:
            raise Invalid(_("the campaign name may not be empty"))
    rows = Rows(campaign)

    phases: dict[int, Any] = {}
    numbers: set[int] = set()
    for index, record in enumerate(_records(document, "phases")):
        reader = _Reader(
            record, f"phases[{index}]", {"id": True, "number": True, "name": True, "start": True, "end": False}
        )
        row: dict[str, Any] = {
            "number": reader.integer("number", maximum=MAX_PHASE_NUMBER),
            "name": reader.text("name", required=True),
            "start_date": reader.date("start", required=True),
            "end_date": reader.date("end"),
        }
        if row["number"] in numbers:
            raise reader.fail("number", _("phase {number} appears twice").format(number=row["number"]))
        numbers.add(row["number"])
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            raise reader.fail("end", _("the phase ends before it starts"))
        row["_id"] = _id(reader, phases, row)
        rows.phases.append(row)
    _check_phase_overlap(rows.phases)

    units: dict[int, Any] = {}
    unit_keys: dict[str, int] = {}
    for index, record in enumerate(_records(document, "units")):
        reader = _Reader(record, f"units[{index}]", {"id": True, "name": True, "short": False})
        row = {"name": reader.text("name", required=True), "short": reader.text("short")}
        row["name_folded"] = folded_name(row["name"], row["short"])
        for key in {fold(row["name"]), fold(row["short"])} - {""}:
            if key in unit_keys:
                clash = _("clashes with units[{other}] ({value!r})").format(other=unit_keys[key], value=key)
                raise reader.fail("name", clash)
            unit_keys[key] = index
        row["_id"] = _id(reader, units, row)
        rows.units.append(row)

    members: dict[int, Any] = {}
    for index, record in enumerate(_records(document, "members")):
        reader = _Reader(record, f"members[{index}]", {
            "id": True, "name": True, "role": False, "title": False, "unit_id": False, "phone": False, "email": False})
        row = {
            "name": reader.text("name", required=True),
            "role": reader.choice("role", ROLES, "member"),
            "title": reader.text("title"),
            "unit_id": reader.ref("unit_id", units, "unit"),
            "phone": reader.text("phone"),
            "email": reader.text("email"),
        }
        row["name_folded"] = fold(row["name"])
        row["_id"] = _id(reader, members, row)
        rows.members.append(row)

    if campaign["signer_id"] is not None:
        campaign["signer_id"] = head.ref("signer_id", members, "member")

    types: dict[int, Any] = {}
    codes: set[str] = set()
    for index, record in enumerate(_records(document, "activity_types")):
        reader = _Reader(record, f"activity_types[{index}]", {
            "id": True, "code": True, "label_vi": True, "label_en": False, "unit": True})
        code = reader.record.get("code")
        if not isinstance(code, str) or len(code) > CODE_MAX_LEN or not CODE_PATTERN.fullmatch(code):
            problem = _("{value} is not a type code (lower-case letters, digits, hyphens)").format(value=_shown(code))
            raise reader.fail("code", problem)
        if code in codes:
            raise reader.fail("code", _("{value!r} appears twice").format(value=code))
        codes.add(code)
        values = activity_type_values(0, code, reader.text("label_vi", required=True), reader.text("label_en"),
                                      reader.text("unit", required=True))
        row = {key: value for key, value in values.items() if key != "campaign_id"}
        row["_id"] = _id(reader, types, row)
        rows.types.append(row)

    places = _check_places(document, rows)

    tasks: dict[int, Any] = {}
    for index, record in enumerate(_records(document, "tasks")):
        where = f"tasks[{index}]"
        reader = _Reader(record, where, {
            "id": True, "phase_id": True, "title": True, "type_id": False, "due": False, "target": False,
            "unit_of_measure": False, "themes": False, "status": False, "reason": False, "completed_on": False,
            "created_at": False, "assignments": False, "places": False})
        themes = record.get("themes", [])
        if not isinstance(themes, list):
            raise reader.fail("themes", _("must be a list of texts"))
        theme_list = []
        for position, theme in enumerate(themes):
            if type(theme) is str and theme and len(theme) <= MAX_LINE and not _UNTIDY.search(theme) and (
                unicodedata.is_normalized("NFC", theme)
            ):
                theme_list.append(theme)  # as the commands store it already
                continue
            theme_reader = _Reader({"theme": theme}, f"{where}.themes[{position}]", {"theme": True})
            theme_list.append(theme_reader.text("theme", required=True))
        row = {
            "phase_id": reader.ref("phase_id", phases, "phase", required=True),
            "title": reader.text("title", required=True),
            "type_id": reader.ref("type_id", types, "activity type"),
            "due": reader.date("due"),
            "target": reader.amount("target", log_entry=False),
            "unit_of_measure": reader.text("unit_of_measure"),
            "themes": "\n".join(theme_list),
            "status": reader.choice("status", STATUSES, "todo"),
            "reason": reader.text("reason", multiline=True),
            "completed_on": reader.date("completed_on"),
            "created_at": reader.stamp("created_at"),
        }
        row["title_folded"] = _title_folded(row["title"], theme_list)
        row["_id"] = _id(reader, tasks, row)
        rows.tasks.append(row)
        assignments = record.get("assignments", [])
        if not isinstance(assignments, list):
            raise reader.fail("assignments", _("must be a list"))
        leads = 0
        for position, assignment in enumerate(assignments):
            part = _Reader(
                assignment, f"{where}.assignments[{position}]", {"role": True, "member_id": False, "unit_id": False}
            )
            entry = {
                "_task": row["_id"],
                "role": part.choice("role", ASSIGNMENT_ROLES),
                "member_id": part.ref("member_id", members, "member"),
                "unit_id": part.ref("unit_id", units, "unit"),
            }
            if (entry["member_id"] is None) == (entry["unit_id"] is None):
                raise part.fail("member_id", _("give exactly one of member_id and unit_id"))
            leads += entry["role"] == "lead"
            if leads > 1:
                raise part.fail("role", _("a task has at most one lead"))
            rows.assignments.append(entry)
        _check_task_places(reader, row["_id"], places, rows)
    return rows


def _check_places(document: dict[str, Any], rows: Rows) -> dict[int, Any]:
    """``places`` (version 2): names, kinds the election day allows, parents a level above, no loop."""
    from campaign_cli.services.places import KINDS, RANK, clean_name
    from campaign_cli.vocabulary import levels_for

    allowed = [kind for kind in KINDS if kind != "district" or "district" in levels_for(rows.campaign["election_day"])]
    places: dict[int, Any] = {}
    readers = []
    for index, record in enumerate(_records(document, "places")):
        reader = _Reader(record, f"places[{index}]", {"id": True, "name": True, "kind": True, "parent_id": False})
        try:
            name = clean_name(reader.text("name", required=True))
        except Invalid as exc:
            raise reader.fail("name", exc.message) from None
        row = {"name": name, "name_folded": fold(name), "kind": reader.choice("kind", tuple(allowed)),
               "parent_id": None}
        row["_id"] = _id(reader, places, row)
        readers.append((reader, row))
        rows.places.append(row)
    seen: set[tuple[int | None, str]] = set()
    for reader, row in readers:  # parents may come later in the file: checked once all are read
        parent = reader.ref("parent_id", places, "place")
        if parent is not None and RANK[places[parent]["kind"]] >= RANK[row["kind"]]:
            raise reader.fail("parent_id", _("a {kind} cannot be under a {parent}").format(
                kind=row["kind"], parent=places[parent]["kind"]))
        row["parent_id"] = parent
        key = (parent, row["name_folded"])
        if key in seen:
            raise reader.fail("name", _("{value!r} appears twice under the same parent").format(value=row["name"]))
        seen.add(key)
    return places  # a parent is a level above its child: no loop is possible


def _check_task_places(reader: _Reader, task: int, places: dict[int, Any], rows: Rows) -> None:
    listed = reader.record.get("places", [])
    if not isinstance(listed, list):
        raise reader.fail("places", _("must be a list of place ids"))
    for position, value in enumerate(listed):
        if isinstance(value, bool) or not isinstance(value, int) or value not in places:
            raise reader.fail(f"places[{position}]", _("there is no place with id {value} in this file").format(
                value=_shown(value)))
        if (task, value) not in rows.task_places:
            rows.task_places.append((task, value))


class _ActivityChecker:
    """Checks log entries one by one and gives their column values, references already
    turned into the new database ids.

    Entries written by ``campaign export`` pass a quick test of their types
    and values; any other goes through :class:`_Reader`, which either cleans
    it the way the commands would or names what is wrong.
    """

    FIELDS = frozenset({"id", "date", "type_id", "quantity", "task_id", "member_id", "unit_id", "place", "note",
                        "created_at", "place_id"})
    REQUIRED = frozenset({"id", "date", "type_id"})

    def __init__(self, campaign_id: int, ids: dict[str, dict[int, int]]):
        self.campaign_id = campaign_id
        self.types, self.tasks = ids["type_id"], ids["task_id"]
        self.members, self.units = ids["member_id"], ids["unit_id"]
        self.places = ids.get("place_id", {})
        self.seen: set[int] = set()
        self.dates: set[str] = set()

    def row(self, record: Any, index: int) -> tuple:
        try:
            return self._quick(record)
        except (TypeError, ValueError, KeyError, AttributeError):
            return self._thorough(record, index)

    def _quick(self, record: Any) -> tuple:
        if type(record) is not dict or not self.REQUIRED <= record.keys() <= self.FIELDS:
            raise ValueError
        get = record.get
        number, on_date, type_id = record["id"], record["date"], record["type_id"]
        quantity, task, member, unit = get("quantity", 1), get("task_id"), get("member_id"), get("unit_id")
        place, note, created_at = get("place", ""), get("note", ""), get("created_at")
        place_ref = get("place_id")
        if place_ref is not None and type(place_ref) is not int:
            raise ValueError
        if type(number) is not int or number < 1 or number in self.seen or type(type_id) is not int:
            raise ValueError
        if type(quantity) not in (int, float) or not 0 < quantity <= validate.MAX_QUANTITY:
            raise ValueError
        if (task is not None and type(task) is not int) or (member is not None and type(member) is not int):
            raise ValueError
        if (unit is not None and (type(unit) is not int or member is not None)) or type(created_at) is not str:
            raise ValueError
        if on_date not in self.dates:  # a few hundred different days: each is checked once
            if type(on_date) is not str or not _ISO_DATE.fullmatch(on_date):
                raise ValueError
            dt.date.fromisoformat(on_date)
            self.dates.add(on_date)
        if len(created_at) > 32:
            raise ValueError
        dt.datetime.fromisoformat(created_at)
        values = (
            self.campaign_id,
            on_date,
            self.types[type_id],
            float(quantity),
            None if task is None else self.tasks[task],
            None if member is None else self.members[member],
            None if unit is None else self.units[unit],
            place if place == "" else _clean_text(place, "place", multiline=True, max_len=MAX_TEXT),
            note if note == "" else _clean_text(note, "note", multiline=True, max_len=MAX_TEXT),
            created_at,
            None if place_ref is None else self.places[place_ref],
        )
        self.seen.add(number)
        return values

    def _thorough(self, record: Any, index: int) -> tuple:
        reader = _Reader(record, f"activities[{index}]", {
            "id": True, "date": True, "type_id": True, "quantity": False, "task_id": False, "member_id": False,
            "unit_id": False, "place": False, "note": False, "created_at": False, "place_id": False})
        row = (
            self.campaign_id,
            reader.date("date", required=True),
            self.types[reader.ref("type_id", self.types, "activity type", required=True)],
            reader.amount("quantity", log_entry=True, default=1),
            _mapped(self.tasks, reader.ref("task_id", self.tasks, "task")),
            _mapped(self.members, reader.ref("member_id", self.members, "member")),
            _mapped(self.units, reader.ref("unit_id", self.units, "unit")),
            reader.text("place", multiline=True),
            reader.text("note", multiline=True),
            reader.stamp("created_at"),
            _mapped(self.places, reader.ref("place_id", self.places, "place")),
        )
        if row[5] is not None and row[6] is not None:
            raise reader.fail("unit_id", _("a log entry is by a member or a unit, not both"))
        _id(reader, self.seen, None)
        return row


def _mapped(ids: dict[int, int], value: int | None) -> int | None:
    return None if value is None else ids[value]


def _campaign_settings(head: _Reader, campaign: dict[str, Any]) -> dict[str, Any]:
    """The campaign fields added with schema 3: document settings, the signer, the stored id.

    ``level`` must suit the election day (no districts since 1/7/2025).
    ``signer_id`` is checked against ``members`` once they are read; a
    missing ``uid`` (an older export) gets a new one.
    """
    from campaign_cli.services.campaigns import codes_of, new_uid
    from campaign_cli.vocabulary import levels_for

    allowed = codes_of(levels_for(campaign["election_day"]))
    if campaign["level"] not in allowed:
        raise head.fail("level", _("{value!r} is not one of {choices} for an election on {day}").format(
            value=campaign["level"], choices=", ".join(allowed), day=campaign["election_day"].isoformat()))
    uid = head.text("uid")
    if uid and (len(uid) > 64 or not all(char.isalnum() or char in "-_." for char in uid)):
        raise head.fail("uid", _("{value!r} is not a campaign id (letters, digits, '-', '_', '.')").format(value=uid))
    signer_id = head.record.get("signer_id")
    symbol = head.text("symbol")
    if any(char.isspace() for char in symbol) or "/" in symbol:
        raise head.fail("symbol", _("may hold neither spaces nor '/'"))
    return {
        "parent_body": head.text("parent_body"),
        "symbol": symbol,
        "signer_id": signer_id,  # checked against members[] below
        "uid": uid or new_uid(),
    }


def _check_phase_overlap(phases: list[dict[str, Any]]) -> None:
    ordered = sorted(phases, key=lambda row: row["start_date"])
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier["end_date"] is None or later["start_date"] <= earlier["end_date"]:
            raise Invalid(_("phases {a} and {b} overlap; phases may not overlap").format(
                a=earlier["number"], b=later["number"]))


# == import: reading ==========================================================
@contextmanager
def open_document(path: str | Path) -> Iterator[IO[str]]:
    """The export file as text (``-``: standard input), UTF-8 with or without a BOM."""
    if str(path) == "-":
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text-only stream: already decoded
            yield sys.stdin
            return
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        try:
            yield text
        finally:
            text.detach()  # standard input stays open
        return
    try:
        handle = open(path, encoding="utf-8-sig", errors="strict", newline="")  # noqa: SIM115
    except FileNotFoundError:
        raise Invalid(_("no file at {path}").format(path=path)) from None
    except IsADirectoryError:
        raise Invalid(_("{path} is a folder, not an export file").format(path=path)) from None
    except OSError as exc:
        raise Invalid(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    with handle:
        yield handle


class _Document:
    """An export document read as a stream: :meth:`head` reads everything before the log
    entries; :meth:`activities` then gives them one by one; :meth:`finish` reads the rest."""

    def __init__(self, stream: IO[str], path: str | Path):
        from campaign_cli.jsonstream import JsonStream

        self.path = path
        self.stream = JsonStream(stream)
        self.members: Iterator[str] | None = None
        self.seen: dict[str, Any] = {}
        self._activities: Iterable[Any] = ()
        self._streaming = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Syntax errors and bytes that are not UTF-8 as one clear line."""
        from campaign_cli.jsonstream import JsonError

        try:
            yield
        except JsonError as exc:
            if exc.syntax:
                raise Invalid(_("{path} is not valid JSON: {problem}").format(path=self.path, problem=exc)) from None
            raise Invalid(_("{path} cannot be imported: {problem}").format(path=self.path, problem=exc)) from None
        except UnicodeDecodeError:
            raise Invalid(_("{path} is not UTF-8 text").format(path=self.path)) from None
        except OSError as exc:
            raise Invalid(
                _("cannot read {path}: {reason}").format(path=self.path, reason=exc.strerror or exc)
            ) from None

    def head(self) -> dict[str, Any]:
        with self.reading():
            self.members = self.stream.object_members()
            for key in self.members:
                if key in self.seen:
                    raise Invalid(_("the file: the field {name!r} appears twice").format(name=key[:60]))
                if key == "activities" and all(section in self.seen for section in SECTIONS[:-1]):
                    # Everything they refer to is known: read the entries later, one by one.
                    self.seen[key] = None
                    if self.stream.is_array():
                        self._activities = self.stream.array_items()
                        self._streaming = True
                    else:
                        self._activities = _records({key: self.stream.value()}, key)
                    return self.seen
                if self.stream.is_array():
                    self.seen[key] = list(self.stream.array_items())
                else:
                    self.seen[key] = self.stream.value()
            self.stream.end()
            self.members = None
        # Log entries before the tables they refer to (not export's order): they were read whole.
        self._activities = _records(self.seen, "activities")
        return self.seen

    def forget_head(self) -> None:
        """Drop the sections read whole, once checked (their keys stay known)."""
        for key in self.seen:
            if key != "activities" or not self._streaming:
                self.seen[key] = None

    def activities(self) -> Iterator[tuple[int, Any]]:
        with self.reading():
            yield from enumerate(self._activities)

    def finish(self) -> None:
        """Whatever follows the log entries: only the end of the document."""
        if self.members is None:
            return
        with self.reading():
            for key in self.members:
                if key in self.seen or key in SECTIONS:
                    raise Invalid(_("the file: the field {name!r} appears twice").format(name=key[:60]))
                raise Invalid(_("{where}: unknown field {name!r} (known: {known})").format(
                    where=_("the file"), name=key[:60], known=", ".join(SECTIONS)))
            self.stream.end()


# == import: writing =========================================================
def import_campaign(
    ctx: Context, path: str | Path, *, name: str | None = None, parent: str | None = None
) -> dict[str, Any]:
    """Create the campaign the export file at ``path`` describes; returns the new campaign and counts.

    Into an SQLite file that does not exist yet (or is empty), the database
    is built in a file beside it and renamed into place at the end, so a
    failed or killed import leaves no empty database behind. ``parent``
    files the campaign under that campaign of the database, replacing the
    copy imported there before (``services/copies.py``): ``replaced`` says
    so, ``unchanged`` that the file held what the copy held and nothing was
    written.
    """
    if parent is not None:
        return _import(ctx, path, name, parent)
    if ctx.db.dialect == "sqlite" and ctx.db.path != ":memory:" and _is_new_file(ctx.db.path):
        return _import_into_new_file(ctx, path, name)
    return _import(ctx, path, name)


def _is_new_file(path: str) -> bool:
    """No database there yet: no file, or an empty one with no write-ahead log beside it
    (a database just created by another process may still have everything in its WAL)."""
    try:
        if os.path.getsize(path + "-wal") > 0:
            return False
    except OSError:
        pass
    try:
        return os.path.getsize(path) == 0
    except OSError:
        return not os.path.lexists(path)


def _import(ctx: Context, path: str | Path, name: str | None, parent: str | None = None) -> dict[str, Any]:
    from campaign_cli.services import copies
    from campaign_cli.services.campaigns import check_parent
    from campaign_cli.storage.schema import ensure_schema

    above = copies.find_parent(ctx, parent) if parent is not None else None
    replaced = unchanged = False
    with _no_cycle_collection(), open_document(path) as text:
        document = _Document(text, path)
        rows = check_head(document.head(), name=name)
        document.forget_head()  # the checked rows hold what is needed: keep memory flat
        ensure_schema(ctx.db)
        try:
            with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as tx:
                copy = before = None
                if above is not None:
                    copy = copies.earlier_copy(ctx, rows.campaign["uid"], rows.campaign["name"], above)
                    check_parent(ctx, copy["id"] if copy else None, rows.campaign["level"], above["id"])
                if copy is not None:
                    before = copies.digest(ctx, copy["id"])
                    campaign_id = _replace_head(ctx, tx, rows, copy["id"])
                    replaced = True
                else:
                    campaign_id = _write_head(ctx, tx, rows, parent_id=above["id"] if above else None)
                counts = rows.counts()
                checker = _ActivityChecker(campaign_id, rows.ids)
                del rows
                with tx.bulk_load("activity"):
                    chunk: list[tuple] = []
                    for index, record in document.activities():
                        chunk.append(checker.row(record, index))
                        if len(chunk) == CHUNK:
                            tx.insert_many("activity", ACTIVITY_COLUMNS, chunk)
                            chunk = []
                    if chunk:
                        tx.insert_many("activity", ACTIVITY_COLUMNS, chunk)
                counts["activities"] = len(checker.seen)
                document.finish()
                if before is not None and copies.digest(ctx, campaign_id) == before:
                    raise copies.Unchanged  # roll back: not even the history changes
        except copies.Unchanged:
            replaced, unchanged = False, True
    ctx.campaign_selector = str(campaign_id)
    ctx._campaign = None
    return {"campaign": ctx.campaign, "counts": counts, "replaced": replaced, "unchanged": unchanged,
            "parent": above}


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Hundreds of thousands of dicts and tuples, none in a reference cycle: the cycle
    collector would only walk them again and again (a tenth of an import's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write_head(ctx: Context, tx, rows: Rows, *, parent_id: int | None = None) -> int:
    """The campaign and every table but the log entries; ``rows.ids`` maps document ids to new ones."""
    existing = ctx.db.one("SELECT id FROM campaign WHERE name = ?", (rows.campaign["name"],))
    if existing:
        raise Conflict(
            _(
                "this database already has a campaign named {name!r}: import into another database "
                "(campaign --db OTHER.db import ...) or under another name (--name)"
            ).format(name=rows.campaign["name"])
        )
    from campaign_cli.services.campaigns import new_uid

    values = dict(rows.campaign, signer_id=None)  # the member exists only once members are written
    if ctx.db.scalar("SELECT 1 FROM campaign WHERE uid = ?", (values["uid"],)):
        values["uid"] = new_uid()  # a second copy beside the first is another campaign
    if parent_id is not None:
        values["parent_id"] = parent_id
    campaign_id = tx.insert("campaign", values)
    tx.campaign_id = campaign_id
    # The changeset was opened before the campaign had an id: file it under it.
    ctx.db.execute("UPDATE changeset SET campaign_id = ? WHERE id = ?", (campaign_id, tx.changeset_id))
    _write_contents(ctx, tx, rows, campaign_id)
    return campaign_id


def _replace_head(ctx: Context, tx, rows: Rows, campaign_id: int) -> int:
    """A later export of a copy filed under a parent: the copy keeps its id, parent and grants;
    its settings and contents become the file's (``services/copies.py``)."""
    from campaign_cli.services import copies

    tx.campaign_id = campaign_id
    copies.clear(tx, campaign_id)
    settings = {key: value for key, value in rows.campaign.items() if key not in ("uid", "signer_id")}
    tx.update("campaign", campaign_id, settings)
    _write_contents(ctx, tx, rows, campaign_id)
    return campaign_id


def _write_contents(ctx: Context, tx, rows: Rows, campaign_id: int) -> None:
    """Every table of the campaign but the log entries."""

    def insert(table: str, records: list[dict[str, Any]], remap: dict[str, dict[int, int]]) -> dict[int, int]:
        if not records:
            return {}
        names = ["campaign_id", *(key for key in records[0] if not key.startswith("_"))]
        values = []
        for record in records:
            row = [campaign_id]
            for key in names[1:]:
                value = record[key]
                if key in remap and value is not None:
                    value = remap[key][value]
                row.append(value)
            values.append(row)
        with tx.bulk_load(table):
            ids = tx.insert_many(table, names, values)
        return {record["_id"]: new_id for record, new_id in zip(records, ids, strict=True)}

    phase_ids = insert("phase", rows.phases, {})
    unit_ids = insert("unit", rows.units, {})
    member_ids = insert("member", rows.members, {"unit_id": unit_ids})
    type_ids = insert("activity_type", rows.types, {})
    place_ids = _insert_places(ctx, tx, campaign_id, rows.places)
    task_ids = insert("task", rows.tasks, {"phase_id": phase_ids, "type_id": type_ids})
    if rows.task_places:
        tx.insert_many("task_place", ["task_id", "place_id"],
                       [(task_ids[task], place_ids[place]) for task, place in rows.task_places])
    if rows.assignments:
        with tx.bulk_load("assignment"):
            tx.insert_many(
                "assignment",
                ["task_id", "role", "member_id", "unit_id"],
                [
                    (
                        task_ids[entry["_task"]],
                        entry["role"],
                        member_ids[entry["member_id"]] if entry["member_id"] is not None else None,
                        unit_ids[entry["unit_id"]] if entry["unit_id"] is not None else None,
                    )
                    for entry in rows.assignments
                ],
            )
    if rows.campaign["signer_id"] is not None:
        tx.update("campaign", campaign_id, {"signer_id": member_ids[rows.campaign["signer_id"]]})
    rows.ids = {"type_id": type_ids, "task_id": task_ids, "member_id": member_ids, "unit_id": unit_ids,
                "place_id": place_ids}


def _insert_places(ctx: Context, tx, campaign_id: int, places: list[dict[str, Any]]) -> dict[int, int]:
    """Places with ids in document order (so a later export numbers them the same), written parents first."""
    if not places:
        return {}
    base = int(ctx.db.scalar("SELECT COALESCE(MAX(id), 0) FROM place"))
    ids = {row["_id"]: base + position for position, row in enumerate(places, start=1)}
    by_id = {row["_id"]: row for row in places}
    ordered: list[dict[str, Any]] = []
    placed: set[int] = set()

    def visit(row: dict[str, Any]) -> None:
        if row["_id"] in placed:
            return
        if row["parent_id"] is not None:
            visit(by_id[row["parent_id"]])
        placed.add(row["_id"])
        ordered.append(row)

    for row in places:
        visit(row)
    tx.insert_many(
        "place", ["id", "campaign_id", "name", "name_folded", "kind", "parent_id"],
        [(ids[row["_id"]], campaign_id, row["name"], row["name_folded"], row["kind"],
          None if row["parent_id"] is None else ids[row["parent_id"]]) for row in ordered],
    )
    return ids


def _import_into_new_file(ctx: Context, path: str | Path, name: str | None) -> dict[str, Any]:
    """Build the database beside the target (``.NAME.partial-PID``) and rename it into place."""
    from campaign_cli.storage.db import Database

    target = ctx.db.path
    folder = os.path.dirname(os.path.abspath(target))
    partial = os.path.join(folder, f".{os.path.basename(target)}.partial-{os.getpid()}")
    _remove_database_files(partial)
    _remove_abandoned_partials(target)
    url = ctx.db.url
    ctx.db.close()
    ctx.db = Database(partial)
    try:
        # Nobody else knows this file and it is thrown away on any failure: its rollback journal
        # can stay in memory, and it need not reach the disk until it is complete (no WAL to
        # write the whole database into, and then again into the file).
        ctx.db.execute("PRAGMA journal_mode = MEMORY")
        ctx.db.execute("PRAGMA synchronous = OFF")
        # Pages are written once and not read again: a small cache keeps memory flat.
        ctx.db.execute("PRAGMA cache_size = -16384")
        result = _import(ctx, path, name)
        ctx.db.execute("PRAGMA journal_mode = WAL")  # as every campaign database is
        ctx.db.close()
        _flush_to_disk(partial)
        _move_into_place(partial, target)
    except BaseException as exc:
        ctx.db.close()
        _remove_database_files(partial)
        ctx.db = Database(url)
        if isinstance(exc, OSError):  # a read-only or full folder: one line, nothing left
            from campaign_cli.files import os_error_message

            raise StorageError(os_error_message(target, exc)) from None
        raise
    ctx.db = Database(url)
    ctx._campaign = None
    return {**result, "campaign": ctx.campaign}


def _flush_to_disk(path: str) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _move_into_place(partial: str, target: str) -> None:
    if os.path.lexists(target) and os.path.getsize(target) == 0:
        os.replace(partial, target)  # an empty file holds nothing to keep
        return
    try:
        os.link(partial, target)  # fails if another process created the target meanwhile
    except FileExistsError:
        raise Conflict(
            _("{path} was created by another process during the import; nothing was imported: run it again").format(
                path=target
            )
        ) from None
    except OSError:  # no hard links here (some network or FAT file systems): rename, checking first
        if os.path.lexists(target):
            raise
        os.replace(partial, target)
        return
    os.unlink(partial)


def _remove_database_files(path: str) -> None:
    for name in (path, path + "-wal", path + "-shm", path + "-journal"):
        try:
            os.unlink(name)
        except OSError:
            pass


def _remove_abandoned_partials(target: str) -> None:
    """Partial imports into ``target`` left by processes that were killed."""
    folder = os.path.dirname(os.path.abspath(target))
    prefix = f".{os.path.basename(target)}.partial-"
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for entry in names:
        if not entry.startswith(prefix):
            continue
        pid = entry[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _remove_database_files(os.path.join(folder, entry))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
