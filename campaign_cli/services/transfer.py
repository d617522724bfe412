"""Moving campaigns and databases: export, import, backup, restore.

``export`` writes one campaign as one JSON document (``docs/export-format.md``):
every row of the campaign except history, each table in id order, with ids
renumbered 1, 2, 3... per table inside the document and references written as
those numbers. Renumbering makes the document independent of the database it
came from: export → import → export gives the same bytes, whether the second
database was empty or held other campaigns.

``import`` reads such a document into a database that has no campaign of that
name (an empty one is created). The whole document is checked first, without
touching the database; then every row is written in one transaction, with new
ids and references remapped, as one changeset in the history.

``backup`` and ``restore`` copy whole SQLite files with SQLite's online backup
API, which gives a consistent copy while other processes keep writing. On
PostgreSQL they refuse: pg_dump and pg_restore do that job there.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign_cli.errors import Conflict, Invalid, StorageError
from campaign_cli.i18n import _
from campaign_cli.services.context import Context
from campaign_cli.services.text import clean_user_text, fold
from campaign_cli.vocabulary import AssignmentRole, Level, MemberRole, TaskStatus, codes

FORMAT = "campaign-export"
VERSION = 1

LEVELS = codes(Level)
LANGS = ("vi", "en")
ROLES = codes(MemberRole)
STATUSES = codes(TaskStatus)
ASSIGNMENT_ROLES = codes(AssignmentRole)

#: Generous limits: an import must take whatever the commands may have stored.
MAX_LINE = 1000
MAX_TEXT = 5000


# == export ==================================================================
def _plain(number: float | int | None) -> float | int | None:
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_campaign(ctx: Context) -> dict[str, Any]:
    """The current campaign as the export document (a plain, ordered dict)."""
    campaign_id = ctx.campaign_id
    db = ctx.db
    campaign = db.one(
        "SELECT name, locality, level, election_day, lang, issuing_body, signer, place, created_at "
        "FROM campaign WHERE id = ?",
        (campaign_id,),
    )

    def numbering(rows: list[dict[str, Any]]) -> dict[int, int]:
        return {row["id"]: position for position, row in enumerate(rows, start=1)}

    phases = db.dicts(
        "SELECT id, number, name, start_date, end_date FROM phase WHERE campaign_id = ? ORDER BY id", (campaign_id,)
    )
    units = db.dicts("SELECT id, name, short FROM unit WHERE campaign_id = ? ORDER BY id", (campaign_id,))
    members = db.dicts(
        "SELECT id, name, role, title, unit_id, phone, email FROM member WHERE campaign_id = ? ORDER BY id",
        (campaign_id,),
    )
    types = db.dicts(
        "SELECT id, code, label_vi, label_en, unit FROM activity_type WHERE campaign_id = ? ORDER BY id",
        (campaign_id,),
    )
    tasks = db.dicts(
        "SELECT id, phase_id, title, type_id, due, target, unit_of_measure, themes, status, reason, completed_on, "
        "created_at FROM task WHERE campaign_id = ? ORDER BY id",
        (campaign_id,),
    )
    assignments = db.dicts(
        "SELECT a.id, a.task_id, a.role, a.member_id, a.unit_id FROM assignment a JOIN task t ON t.id = a.task_id "
        "WHERE t.campaign_id = ? ORDER BY a.id",
        (campaign_id,),
    )
    activities = db.dicts(
        "SELECT id, on_date, type_id, quantity, task_id, member_id, unit_id, place, note, created_at "
        "FROM activity WHERE campaign_id = ? ORDER BY id",
        (campaign_id,),
    )
    phase_no, unit_no, member_no, type_no, task_no = (
        numbering(rows) for rows in (phases, units, members, types, tasks)
    )

    def ref(numbers: dict[int, int], value: int | None) -> int | None:
        return None if value is None else numbers[value]

    by_task: dict[int, list[dict[str, Any]]] = {}
    for row in assignments:
        by_task.setdefault(row["task_id"], []).append(
            {
                "role": row["role"],
                "member_id": ref(member_no, row["member_id"]),
                "unit_id": ref(unit_no, row["unit_id"]),
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "campaign": {
            "name": campaign["name"],
            "locality": campaign["locality"],
            "level": campaign["level"],
            "election_day": _iso(campaign["election_day"]),
            "lang": campaign["lang"],
            "issuing_body": campaign["issuing_body"],
            "signer": campaign["signer"],
            "place": campaign["place"],
            "created_at": campaign["created_at"],
        },
        "phases": [
            {
                "id": phase_no[row["id"]],
                "number": row["number"],
                "name": row["name"],
                "start": _iso(row["start_date"]),
                "end": _iso(row["end_date"]),
            }
            for row in phases
        ],
        "units": [{"id": unit_no[row["id"]], "name": row["name"], "short": row["short"]} for row in units],
        "members": [
            {
                "id": member_no[row["id"]],
                "name": row["name"],
                "role": row["role"],
                "title": row["title"],
                "unit_id": ref(unit_no, row["unit_id"]),
                "phone": row["phone"],
                "email": row["email"],
            }
            for row in members
        ],
        "activity_types": [
            {
                "id": type_no[row["id"]],
                "code": row["code"],
                "label_vi": row["label_vi"],
                "label_en": row["label_en"],
                "unit": row["unit"],
            }
            for row in types
        ],
        "tasks": [
            {
                "id": task_no[row["id"]],
                "phase_id": phase_no[row["phase_id"]],
                "title": row["title"],
                "type_id": ref(type_no, row["type_id"]),
                "due": _iso(row["due"]),
                "target": _plain(row["target"]),
                "unit_of_measure": row["unit_of_measure"],
                "themes": split_themes(row["themes"]),
                "status": row["status"],
                "reason": row["reason"],
                "completed_on": _iso(row["completed_on"]),
                "created_at": row["created_at"],
                "assignments": by_task.get(row["id"], []),
            }
            for row in tasks
        ],
        "activities": [
            {
                "id": position,
                "date": _iso(row["on_date"]),
                "type_id": type_no[row["type_id"]],
                "quantity": _plain(row["quantity"]),
                "task_id": ref(task_no, row["task_id"]),
                "member_id": ref(member_no, row["member_id"]),
                "unit_id": ref(unit_no, row["unit_id"]),
                "place": row["place"],
                "note": row["note"],
                "created_at": row["created_at"],
            }
            for position, row in enumerate(activities, start=1)
        ],
    }


def export_json(document: dict[str, Any]) -> str:
    """The document as text: UTF-8, two-space indent, keys in documented order."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def split_themes(stored: str | None) -> list[str]:
    return [theme for theme in (stored or "").split("\n") if theme]


# == import: checking ========================================================
@dataclass
class Rows:
    """The checked document, as column values ready to insert (references still document ids)."""

    campaign: dict[str, Any]
    phases: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    types: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "phases": len(self.phases),
            "units": len(self.units),
            "members": len(self.members),
            "activity_types": len(self.types),
            "tasks": len(self.tasks),
            "activities": len(self.activities),
        }


class _Reader:
    """Checks one record of the document; every error names where it is (``tasks[3].due``)."""

    def __init__(self, record: Any, where: str, fields: dict[str, bool]):
        if not isinstance(record, dict):
            raise Invalid(_("{where} must be an object").format(where=where))
        unknown = sorted(set(record) - set(fields))
        if unknown:
            raise Invalid(
                _("{where}: unknown field {name!r} (known: {known})").format(
                    where=where, name=unknown[0], known=", ".join(fields)
                )
            )
        missing = [name for name, required in fields.items() if required and name not in record]
        if missing:
            raise Invalid(_("{where}: the field {name!r} is missing").format(where=where, name=missing[0]))
        self.record = record
        self.where = where

    def fail(self, name: str, problem: str) -> Invalid:
        return Invalid(f"{self.where}.{name}: {problem}")

    def text(self, name: str, *, required: bool = False, multiline: bool = False, default: str = "") -> str:
        value = self.record.get(name, default)
        if value is None and not required:
            value = ""
        if not isinstance(value, str):
            raise self.fail(name, _("must be text, not {value!r}").format(value=value))
        try:
            cleaned = clean_user_text(
                value, field=name, multiline=multiline, max_len=MAX_TEXT if multiline else MAX_LINE
            )
        except ValueError as exc:
            raise self.fail(name, str(exc)) from None
        if required and not cleaned:
            raise self.fail(name, _("may not be empty"))
        return cleaned

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.record.get(name, default)
        if value not in choices:
            listed = ", ".join(choices)
            raise self.fail(name, _("{value!r} is not one of {choices}").format(value=value, choices=listed))
        return value

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        value = self.record.get(name)
        if value is None:
            if required:
                raise self.fail(name, _("a date is required"))
            return None
        if not isinstance(value, str):
            raise self.fail(name, _("must be an ISO date like 2021-05-23, not {value!r}").format(value=value))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(name, _("{value!r} is not an ISO date like 2021-05-23").format(value=value)) from None

    def number(self, name: str, *, required: bool = False, default: float | None = None) -> float | None:
        value = self.record.get(name, default)
        if value is None:
            if required:
                raise self.fail(name, _("a number is required"))
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise self.fail(name, _("must be a number of 0 or more, not {value!r}").format(value=value))
        return float(value)

    def integer(self, name: str, *, minimum: int = 1) -> int:
        value = self.record.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(name, _("must be a whole number of {minimum} or more, not {value!r}").format(
                minimum=minimum, value=value))
        return value

    def ref(self, name: str, known: dict[int, Any], what: str, *, required: bool = False) -> int | None:
        value = self.record.get(name)
        if value is None:
            if required:
                raise self.fail(name, _("a {what} id is required").format(what=_(what)))
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in known:
            raise self.fail(
                name, _("there is no {what} with id {value!r} in this file").format(what=_(what), value=value)
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
            raise self.fail(name, _("{value!r} is not an ISO timestamp").format(value=value)) from None
        return value


def _records(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise Invalid(_("{key} must be a list").format(key=key))
    return value


def _id(reader: _Reader, seen: dict[int, Any], row: dict[str, Any]) -> int:
    number = reader.integer("id")
    if number in seen:
        raise reader.fail("id", _("{value} is used twice").format(value=number))
    seen[number] = row
    return number


def check_document(document: Any, *, name: str | None = None) -> Rows:
    """Every rule an import must meet, checked without touching the database."""
    from campaign_cli.services.activity_types import CODE_MAX_LEN, CODE_PATTERN
    from campaign_cli.services.campaigns import activity_type_values
    from campaign_cli.services.tasks import _title_folded
    from campaign_cli.services.units import folded_name

    if not isinstance(document, dict):
        raise Invalid(_("the file is not a campaign export: it holds no JSON object"))
    if document.get("format") != FORMAT:
        raise Invalid(_("the file is not a campaign export (format {found!r}, expected {format!r})").format(
            found=document.get("format"), format=FORMAT))
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise Invalid(_("the export has no version number"))
    if version > VERSION:
        raise Invalid(
            _("the export has version {found}; this campaign release reads version {known}: upgrade campaign").format(
                found=version, known=VERSION
            )
        )
    _Reader(document, _("the file"), {key: False for key in (
        "format", "version", "campaign", "phases", "units", "members", "activity_types", "tasks", "activities")})

    head = _Reader(document.get("campaign"), "campaign", {
        "name": True, "locality": False, "level": False, "election_day": True, "lang": False,
        "issuing_body": False, "signer": False, "place": False, "created_at": False})
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
            "number": reader.integer("number"),
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

    types: dict[int, Any] = {}
    codes: set[str] = set()
    for index, record in enumerate(_records(document, "activity_types")):
        reader = _Reader(record, f"activity_types[{index}]", {
            "id": True, "code": True, "label_vi": True, "label_en": False, "unit": True})
        code = reader.record.get("code")
        if not isinstance(code, str) or len(code) > CODE_MAX_LEN or not CODE_PATTERN.fullmatch(code):
            problem = _("{value!r} is not a type code (lower-case letters, digits, hyphens)").format(value=code)
            raise reader.fail("code", problem)
        if code in codes:
            raise reader.fail("code", _("{value!r} appears twice").format(value=code))
        codes.add(code)
        values = activity_type_values(0, code, reader.text("label_vi", required=True), reader.text("label_en"),
                                      reader.text("unit", required=True))
        row = {key: value for key, value in values.items() if key != "campaign_id"}
        row["_id"] = _id(reader, types, row)
        rows.types.append(row)

    tasks: dict[int, Any] = {}
    for index, record in enumerate(_records(document, "tasks")):
        where = f"tasks[{index}]"
        reader = _Reader(record, where, {
            "id": True, "phase_id": True, "title": True, "type_id": False, "due": False, "target": False,
            "unit_of_measure": False, "themes": False, "status": False, "reason": False, "completed_on": False,
            "created_at": False, "assignments": False})
        themes = record.get("themes", [])
        if not isinstance(themes, list):
            raise reader.fail("themes", _("must be a list of texts"))
        theme_list = []
        for position, theme in enumerate(themes):
            theme_reader = _Reader({"theme": theme}, f"{where}.themes[{position}]", {"theme": True})
            theme_list.append(theme_reader.text("theme", required=True))
        row = {
            "phase_id": reader.ref("phase_id", phases, "phase", required=True),
            "title": reader.text("title", required=True),
            "type_id": reader.ref("type_id", types, "activity type"),
            "due": reader.date("due"),
            "target": reader.number("target"),
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

    seen: dict[int, Any] = {}
    for index, record in enumerate(_records(document, "activities")):
        reader = _Reader(record, f"activities[{index}]", {
            "id": True, "date": True, "type_id": True, "quantity": False, "task_id": False, "member_id": False,
            "unit_id": False, "place": False, "note": False, "created_at": False})
        row = {
            "on_date": reader.date("date", required=True),
            "type_id": reader.ref("type_id", types, "activity type", required=True),
            "quantity": reader.number("quantity", default=1),
            "task_id": reader.ref("task_id", tasks, "task"),
            "member_id": reader.ref("member_id", members, "member"),
            "unit_id": reader.ref("unit_id", units, "unit"),
            "place": reader.text("place", multiline=True),
            "note": reader.text("note", multiline=True),
            "created_at": reader.stamp("created_at"),
        }
        if row["member_id"] is not None and row["unit_id"] is not None:
            raise reader.fail("unit_id", _("a log entry is by a member or a unit, not both"))
        row["_id"] = _id(reader, seen, row)
        rows.activities.append(row)
    return rows


def _check_phase_overlap(phases: list[dict[str, Any]]) -> None:
    ordered = sorted(phases, key=lambda row: row["start_date"])
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier["end_date"] is None or later["start_date"] <= earlier["end_date"]:
            raise Invalid(_("phases {a} and {b} overlap; phases may not overlap").format(
                a=earlier["number"], b=later["number"]))


def read_document(path: str | Path) -> Any:
    """The JSON of an export file (``-``: standard input)."""
    import sys

    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Invalid(_("no file at {path}").format(path=path)) from None
    except UnicodeDecodeError:
        raise Invalid(_("{path} is not UTF-8 text").format(path=path)) from None
    except OSError as exc:
        raise Invalid(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(_("{path} is not valid JSON: {problem} (line {line}, column {column})").format(
            path=path, problem=exc.msg, line=exc.lineno, column=exc.colno)) from None


# == import: writing =========================================================
def import_campaign(ctx: Context, document: Any, *, name: str | None = None) -> dict[str, Any]:
    """Create the campaign the document describes; returns the new campaign row and counts."""
    from campaign_cli.storage.schema import ensure_schema

    rows = check_document(document, name=name)
    ensure_schema(ctx.db)
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as tx:
        existing = ctx.db.one("SELECT id FROM campaign WHERE name = ?", (rows.campaign["name"],))
        if existing:
            raise Conflict(
                _(
                    "this database already has a campaign named {name!r}: import into another database "
                    "(campaign --db OTHER.db import ...) or under another name (--name)"
                ).format(name=rows.campaign["name"])
            )
        campaign_id = tx.insert("campaign", rows.campaign)
        tx.campaign_id = campaign_id
        # The changeset was opened before the campaign had an id: file it under it.
        ctx.db.execute("UPDATE changeset SET campaign_id = ? WHERE id = ?", (campaign_id, tx.changeset_id))

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
            ids = tx.insert_many(table, names, values)
            return {record["_id"]: new_id for record, new_id in zip(records, ids, strict=True)}

        phase_ids = insert("phase", rows.phases, {})
        unit_ids = insert("unit", rows.units, {})
        member_ids = insert("member", rows.members, {"unit_id": unit_ids})
        type_ids = insert("activity_type", rows.types, {})
        task_ids = insert("task", rows.tasks, {"phase_id": phase_ids, "type_id": type_ids})
        if rows.assignments:
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
        insert(
            "activity",
            rows.activities,
            {"type_id": type_ids, "task_id": task_ids, "member_id": member_ids, "unit_id": unit_ids},
        )
    ctx.campaign_selector = str(campaign_id)
    ctx._campaign = None
    return {"campaign": ctx.campaign, "counts": rows.counts()}


# == backup and restore (SQLite files) =======================================
def _require_sqlite(ctx: Context, what: str) -> str:
    if ctx.db.dialect != "sqlite" or not ctx.db.path or ctx.db.path == ":memory:":
        raise StorageError(
            _("{what} copies SQLite database files; for PostgreSQL use pg_dump and pg_restore").format(what=what)
        )
    return ctx.db.path


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def backup_database(ctx: Context, target: str | Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A consistent copy of the whole database file at ``target`` (a folder: a dated name in it)."""
    from campaign_cli.services.context import find_campaign
    from campaign_cli.storage.schema import copy_database, stored_version, timestamp

    source = _require_sqlite(ctx, "backup")
    if stored_version(ctx.db) is None:
        find_campaign(ctx.db)  # the "no campaign yet: campaign init" error
    target = Path(target)
    if target.is_dir():
        target = target / f"campaign-{timestamp(now)}.db"
    if _same_file(source, target):
        raise Invalid(_("{path} is the database itself: give another file name").format(path=target))
    if not target.parent.is_dir():
        raise Invalid(_("there is no folder {path}").format(path=target.parent))
    try:
        copy_database(source, str(target))
    except OSError as exc:
        raise StorageError(_("cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc)) from None
    info = inspect_database(target)
    return {"path": str(target), **info}


def inspect_database(path: str | Path) -> dict[str, Any]:
    """Check that ``path`` is a sound campaign database this release can use; what it holds."""
    from campaign_cli.storage.schema import current_version

    path = Path(path)
    if not path.is_file():
        raise Invalid(_("no database file at {path}").format(path=path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    except sqlite3.Error as exc:
        raise Invalid(_("cannot open {path}: {reason}").format(path=path, reason=exc)) from None
    try:
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            raise Invalid(_("{path} is not an SQLite database ({reason})").format(path=path, reason=exc)) from None
        if verdict != ["ok"]:
            raise Invalid(_("{path} is damaged (integrity check: {problem}); it was not used").format(
                path=path, problem="; ".join(verdict[:3])))
        try:
            version = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        except sqlite3.DatabaseError:
            version = None
        if version is None:
            raise Invalid(_("{path} is not a campaign database (it has no schema version)").format(path=path))
        version = int(version[0])
        if version > current_version():
            raise Invalid(
                _("{path} has schema version {found}, newer than this release knows ({known}): upgrade campaign")
                .format(path=path, found=version, known=current_version())
            )
        campaigns = [name for (name,) in conn.execute("SELECT name FROM campaign ORDER BY id")]
        counts = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("phase", "member", "task", "activity")
        }
    finally:
        conn.close()
    return {"schema_version": version, "campaigns": campaigns, "counts": counts, "size": path.stat().st_size}


def restore_database(ctx: Context, source: str | Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Replace the database with the copy at ``source``, keeping the old one aside.

    ``source`` is checked first (:func:`inspect_database`); the database being
    replaced is copied to ``<db>.before-restore-<timestamp>``; then the copy is
    written into the database with the backup API (so processes that have it
    open see the new content), and brought up to the current schema.
    """
    from campaign_cli.storage.schema import ensure_schema, write_backup_copy

    target = _require_sqlite(ctx, "restore")
    if os.path.exists(target) and _same_file(source, target):
        raise Invalid(_("{path} is the database itself: nothing to restore").format(path=source))
    info = inspect_database(source)
    kept = None
    if os.path.exists(target) and os.path.getsize(target) > 0:
        kept = write_backup_copy(target, "before-restore", now=now)
    ctx.db.close()
    ctx._campaign = None
    reader = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    try:
        reader.backup(ctx.db.conn)
    except sqlite3.Error as exc:
        raise StorageError(
            _("restoring failed ({reason}); the database before the restore is kept at {kept}").format(
                reason=exc, kept=kept or "-")
        ) from None
    finally:
        reader.close()
    upgrade = ensure_schema(ctx.db)
    return {**info, "source": str(source), "kept": kept, "upgrade": upgrade}
