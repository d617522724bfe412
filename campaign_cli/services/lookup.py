"""Turning what a user typed (an id, a name without diacritics, a code) into rows.

Names match case- and diacritic-insensitively on the ``*_folded`` columns, so
``hung`` finds "Nguyễn Mạnh Hùng". An exact folded match wins over partial
ones; no match or several matches is an error listing the candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from campaign_cli.errors import Ambiguous, Invalid, NotFound
from campaign_cli.i18n import N_, _
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold

MAX_CANDIDATES = 8


def like_pattern(text: str) -> str:
    """A LIKE pattern for 'contains', with the user's % and _ taken literally."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Party:
    """Who a task is assigned to or who did an activity: a member or a unit."""

    kind: str  # "member" | "unit"
    id: int
    name: str


def _pick(rows: list[dict[str, Any]], query: str, what: str, describe) -> dict[str, Any]:
    folded = fold(query)
    if not rows:
        raise NotFound(_("no {what} matches {query!r}").format(what=_(what), query=query))
    exact = [row for row in rows if fold(row["name"]) == folded or fold(row.get("short") or "") == folded]
    if len(exact) == 1:
        return exact[0]
    if len(rows) == 1:
        return rows[0]
    shown = [describe(row) for row in (exact or rows)[:MAX_CANDIDATES]]
    more = len(exact or rows) - len(shown)
    suffix = _(" and {n} more").format(n=more) if more > 0 else ""
    raise Ambiguous(
        _("{query!r} matches several {what}s: {candidates}{more}; use the id or more of the name").format(
            query=query, what=_(what), candidates="; ".join(shown), more=suffix
        ),
        candidates=shown,
    )


def _describe(row: dict[str, Any]) -> str:
    return f"{row['id']} {row['name']}"


def member(ctx: Context, ref: str) -> dict[str, Any]:
    ref = ref.strip()
    if ref.isdigit():
        row = ctx.db.one("SELECT id, name FROM member WHERE campaign_id = ? AND id = ?", (ctx.campaign_id, int(ref)))
        if row is None:
            raise NotFound(_("no member with id {id}; see  campaign member list").format(id=ref))
        return row
    _require_text(ref, N_("member"))
    rows = ctx.db.dicts(
        "SELECT id, name FROM member WHERE campaign_id = ? AND name_folded LIKE ? ESCAPE '\\' ORDER BY id",
        (ctx.campaign_id, like_pattern(ref)),
    )
    return _pick(rows, ref, N_("member"), _describe)


def unit(ctx: Context, ref: str) -> dict[str, Any]:
    ref = ref.strip()
    if ref.isdigit():
        row = ctx.db.one(
            "SELECT id, name, short FROM unit WHERE campaign_id = ? AND id = ?", (ctx.campaign_id, int(ref))
        )
        if row is None:
            raise NotFound(_("no unit with id {id}; see  campaign unit list").format(id=ref))
        return row
    _require_text(ref, N_("unit"))
    pattern = like_pattern(ref)
    rows = ctx.db.dicts(
        "SELECT id, name, short FROM unit WHERE campaign_id = ? AND (name_folded LIKE ? ESCAPE '\\' "
        "OR LOWER(short) LIKE ? ESCAPE '\\') ORDER BY id",
        (ctx.campaign_id, pattern, pattern),
    )
    # LOWER() does not fold diacritics in the short name; check in Python too.
    if not rows:
        rows = [
            row
            for row in ctx.db.dicts(
                "SELECT id, name, short FROM unit WHERE campaign_id = ? ORDER BY id", (ctx.campaign_id,)
            )
            if fold(ref) in fold(row["short"])
        ]
    return _pick(rows, ref, N_("unit"), _describe)


_PARTY_ID = re.compile(r"^([mu]):?(\d+)$", re.IGNORECASE)


def party(ctx: Context, ref: str) -> Party:
    """A member or a unit: ``12``, ``m12``, ``u3`` or a name of either."""
    ref = ref.strip()
    tagged = _PARTY_ID.match(ref)
    if tagged:
        kind, number = tagged.group(1).lower(), tagged.group(2)
        row = member(ctx, number) if kind == "m" else unit(ctx, number)
        return Party("member" if kind == "m" else "unit", row["id"], row["name"])
    if ref.isdigit():
        found = []
        for kind, finder in (("member", member), ("unit", unit)):
            try:
                row = finder(ctx, ref)
            except NotFound:
                continue
            found.append(Party(kind, row["id"], row["name"]))
        if not found:
            raise NotFound(_("no member or unit with id {id}").format(id=ref))
        if len(found) > 1:
            raise Ambiguous(
                _("{id} is both member {member!r} and unit {unit!r}: write m{id} or u{id}").format(
                    id=ref, member=found[0].name, unit=found[1].name
                ),
                candidates=[f"m{ref}", f"u{ref}"],
            )
        return found[0]
    _require_text(ref, N_("member or unit"))
    errors = []
    hits: list[Party] = []
    for kind, finder in (("member", member), ("unit", unit)):
        try:
            row = finder(ctx, ref)
            hits.append(Party(kind, row["id"], row["name"]))
        except NotFound:
            continue
        except Ambiguous as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
    if not hits:
        raise NotFound(
            _("no member or unit matches {query!r}; see  campaign member list  and  campaign unit list").format(
                query=ref
            )
        )
    if len(hits) > 1:
        raise Ambiguous(
            _("{query!r} matches member {member!r} and unit {unit!r}: write m{mid} or u{uid}").format(
                query=ref, member=hits[0].name, unit=hits[1].name, mid=hits[0].id, uid=hits[1].id
            ),
            candidates=[f"m{hits[0].id}", f"u{hits[1].id}"],
        )
    return hits[0]


def phase(ctx: Context, ref: str | int) -> dict[str, Any]:
    text = str(ref).strip()
    if not text.isdigit():
        raise Invalid(_("a phase is given by its number (1, 2, 3), not {value!r}").format(value=text))
    row = ctx.db.one(
        "SELECT id, number, name, start_date, end_date FROM phase WHERE campaign_id = ? AND number = ?",
        (ctx.campaign_id, int(text)),
    )
    if row is None:
        numbers = [
            str(n)
            for (n,) in ctx.db.rows(
                "SELECT number FROM phase WHERE campaign_id = ? ORDER BY number", (ctx.campaign_id,)
            )
        ]
        raise NotFound(
            _("no phase {number}; phases of this campaign: {numbers}").format(
                number=text, numbers=", ".join(numbers) or "-"
            )
        )
    return row


TASK_COLUMNS = "id, title, status, phase_id, type_id, due, target, completed_on"


def all_tasks(ctx: Context) -> dict[int, dict[str, Any]]:
    """Every task of the campaign by id, in one query (bulk imports resolve thousands)."""
    rows = ctx.db.dicts(f"SELECT {TASK_COLUMNS} FROM task WHERE campaign_id = ?", (ctx.campaign_id,))
    return {row["id"]: row for row in rows}


def task(ctx: Context, ref: str | int, known: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    text = str(ref).strip().lstrip("#")
    if not text.isdigit():
        raise Invalid(_("a task is given by its id (see  campaign task list), not {value!r}").format(value=str(ref)))
    if known is not None:
        row = known.get(int(text))
    else:
        row = ctx.db.one(
            f"SELECT {TASK_COLUMNS} FROM task WHERE campaign_id = ? AND id = ?", (ctx.campaign_id, int(text))
        )
    if row is None:
        raise NotFound(_("no task with id {id}; see  campaign task list").format(id=text))
    return row


def activity_type(ctx: Context, ref: str) -> dict[str, Any]:
    """By code (``poster``) or Vietnamese label with or without diacritics."""
    text = ref.strip()
    _require_text(text, N_("activity type"))
    columns = "id, code, label_vi, label_en, unit"
    row = ctx.db.one(
        f"SELECT {columns} FROM activity_type WHERE campaign_id = ? AND code = ?", (ctx.campaign_id, text.lower())
    )
    if row:
        return row
    folded = fold(text)
    rows = ctx.db.dicts(
        f"SELECT {columns} FROM activity_type WHERE campaign_id = ? AND label_folded LIKE ? ESCAPE '\\' ORDER BY id",
        (ctx.campaign_id, like_pattern(text)),
    )
    exact = [row for row in rows if fold(row["label_vi"]) == folded or fold(row["label_en"]) == folded]
    if len(exact) == 1:
        return exact[0]
    if len(rows) == 1:
        return rows[0]
    if not rows:
        codes = [
            code
            for (code,) in ctx.db.rows(
                "SELECT code FROM activity_type WHERE campaign_id = ? ORDER BY code", (ctx.campaign_id,)
            )
        ]
        raise NotFound(
            _("no activity type {query!r}; known types: {codes} (add one with  campaign type add)").format(
                query=text, codes=", ".join(codes)
            )
        )
    shown = [f"{row['code']} ({row['label_vi']})" for row in rows[:MAX_CANDIDATES]]
    raise Ambiguous(
        _("{query!r} matches several activity types: {candidates}; use the code").format(
            query=text, candidates="; ".join(shown)
        ),
        candidates=shown,
    )


def _require_text(ref: str, what: str) -> None:
    if not ref:
        raise Invalid(_("empty {what}: give an id or a name").format(what=_(what)))
