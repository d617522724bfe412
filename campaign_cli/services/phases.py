"""Phases (đợt): numbered, dated, inclusive at both ends, never overlapping.

Moving a phase's dates (``phase edit``, ``phase remove``, ``config
--election-day --move-phases``) is refused when a task of the phase would be
due outside it, or when election day, held by a phase, would fall in none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date
from campaign_cli.vocabulary import UNSET

PHASE_COLUMNS = "id, number, name, start_date, end_date"
#: Tasks named in a refusal; the rest are counted.
SHOWN_TASKS = 5


def list_phases(ctx: Context) -> list[dict[str, Any]]:
    """Phases in order, with how many tasks each holds."""
    return ctx.db.dicts(
        "SELECT p.id, p.number, p.name, p.start_date, p.end_date, COUNT(t.id) AS tasks "
        "FROM phase p LEFT JOIN task t ON t.phase_id = p.id "
        "WHERE p.campaign_id = ? GROUP BY p.id, p.number, p.name, p.start_date, p.end_date ORDER BY p.number",
        (ctx.campaign_id,),
    )


def phase_of_day(phases: list[dict[str, Any]], day: dt.date) -> dict[str, Any] | None:
    """The phase whose dates contain ``day``; an open end runs on indefinitely."""
    for phase in phases:
        if phase["start_date"] <= day and (phase["end_date"] is None or day <= phase["end_date"]):
            return phase
    return None


def _check_dates(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise Invalid(
            _("the phase ends ({end}) before it starts ({start}): swap the dates").format(
                end=end.strftime("%d/%m/%Y"), start=start.strftime("%d/%m/%Y")
            )
        )


def _span(start: dt.date, end: dt.date | None) -> str:
    return f"{start.strftime('%d/%m/%Y')}–{end.strftime('%d/%m/%Y') if end else '…'}"


def check_tasks_inside(ctx: Context, phase: dict[str, Any], start: dt.date, end: dt.date | None) -> None:
    """Refuse new dates for ``phase`` that would leave some of its tasks due outside it."""
    stranded = ctx.db.dicts(
        "SELECT id, due FROM task WHERE phase_id = ? AND due IS NOT NULL AND (due < ? OR (? IS NOT NULL AND due > ?)) "
        "ORDER BY due, id",
        (phase["id"], start, end, end),
    )
    if not stranded:
        return
    shown = ", ".join(
        _("task {id} (due {due})").format(id=row["id"], due=coerce_date(row["due"]).strftime("%d/%m/%Y"))
        for row in stranded[:SHOWN_TASKS]
    )
    if len(stranded) > SHOWN_TASKS:
        shown += _(" and {n} more").format(n=len(stranded) - SHOWN_TASKS)
    raise Conflict(
        _(
            "phase {number} would run {span}, leaving {count} of its tasks due outside it: {tasks}; change their "
            "due dates first (campaign task edit ID --due DATE) or choose other dates"
        ).format(number=phase["number"], span=_span(start, end), count=len(stranded), tasks=shown)
    )


def check_election_day_kept(
    before: list[dict[str, Any]], after: list[dict[str, Any]], day_before: dt.date, day_after: dt.date
) -> None:
    """Election day, held by a phase before a change, must be held by one after it."""
    if phase_of_day(before, day_before) is not None and phase_of_day(after, day_after) is None:
        raise Conflict(
            _(
                "election day ({day}) would then fall in no phase: the phase that holds it is the campaign's peak; "
                "keep a phase around it"
            ).format(day=day_after.strftime("%d/%m/%Y"))
        )


def campaign_phases(ctx: Context) -> list[dict[str, Any]]:
    return ctx.db.dicts(f"SELECT {PHASE_COLUMNS} FROM phase WHERE campaign_id = ? ORDER BY number", (ctx.campaign_id,))


def _election_day(ctx: Context) -> dt.date:
    return coerce_date(ctx.campaign["election_day"])


def _check_overlap(ctx: Context, start: dt.date, end: dt.date | None, ignore_id: int | None = None) -> None:
    for other in ctx.db.dicts(
        f"SELECT {PHASE_COLUMNS} FROM phase WHERE campaign_id = ? ORDER BY number", (ctx.campaign_id,)
    ):
        if other["id"] == ignore_id:
            continue
        other_end = other["end_date"] or dt.date.max
        if start <= other_end and other["start_date"] <= (end or dt.date.max):
            raise _overlap_error(other)


def _overlap_error(other: dict[str, Any]) -> Conflict:
    return Conflict(
        _("these dates overlap phase {number} ({name}, {start}–{end}); phases may not overlap").format(
            number=other["number"],
            name=other["name"],
            start=other["start_date"].strftime("%d/%m/%Y"),
            end=other["end_date"].strftime("%d/%m/%Y") if other["end_date"] else "…",
        )
    )


def add_phase(
    ctx: Context, *, name: str, start: dt.date, end: dt.date | None = None, number: int | None = None
) -> dict[str, Any]:
    name = _clean_name(name)
    _check_dates(start, end)
    with ctx.transaction() as tx:
        if number is None:
            number = (ctx.db.scalar("SELECT MAX(number) FROM phase WHERE campaign_id = ?", (ctx.campaign_id,)) or 0) + 1
        elif number < 1:
            raise Invalid(_("a phase number is a whole number from 1"))
        elif ctx.db.scalar("SELECT 1 FROM phase WHERE campaign_id = ? AND number = ?", (ctx.campaign_id, number)):
            raise Conflict(_("phase {number} already exists; pick another number or edit it").format(number=number))
        _check_overlap(ctx, start, end)
        phase_id = tx.insert(
            "phase",
            {"campaign_id": ctx.campaign_id, "number": number, "name": name, "start_date": start, "end_date": end},
        )
    return get_phase(ctx, phase_id)


def get_phase(ctx: Context, phase_id: int) -> dict[str, Any]:
    return ctx.db.one(f"SELECT {PHASE_COLUMNS} FROM phase WHERE id = ?", (phase_id,))


def edit_phase(
    ctx: Context,
    ref: str,
    *,
    name: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None | Any = UNSET,
) -> dict[str, Any]:
    """Change a phase; ``end=None`` opens its end, leaving ``end`` out keeps it.

    A neighbour that touched the moved boundary (the phase ending the day
    before the old start, or starting the day after the old end) keeps
    touching it: phase 2 ending earlier hands its last days to phase 3. So
    election day can pass from one phase to the next in one edit, which the
    rules below would otherwise forbid in either order. The result also
    lists the neighbours moved (``neighbours``).
    """
    with ctx.transaction() as tx:
        phase = lookup.phase(ctx, ref)
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _clean_name(name)
        new_start = start or phase["start_date"]
        new_end = phase["end_date"] if end is UNSET else end
        _check_dates(new_start, new_end)
        before = campaign_phases(ctx)
        moved = _neighbours(before, phase, new_start, new_end)
        moved[phase["id"]] = {"start_date": new_start, "end_date": new_end}
        after = [{**row, **moved[row["id"]]} if row["id"] in moved else row for row in before]
        for row in after:
            if row["id"] in moved:
                _check_layout_overlap(after, row)
                check_tasks_inside(ctx, row, row["start_date"], row["end_date"])
        check_election_day_kept(before, after, _election_day(ctx), _election_day(ctx))
        values["start_date"] = new_start
        values["end_date"] = new_end
        tx.update("phase", phase["id"], values)
        neighbours = []
        for row in after:
            if row["id"] in moved and row["id"] != phase["id"]:
                tx.update("phase", row["id"], moved[row["id"]])
                neighbours.append({"number": row["number"], "name": row["name"], "start": row["start_date"],
                                   "end": row["end_date"]})
    return {**get_phase(ctx, phase["id"]), "neighbours": neighbours}


def _neighbours(
    before: list[dict[str, Any]], phase: dict[str, Any], new_start: dt.date, new_end: dt.date | None
) -> dict[int, dict[str, Any]]:
    """New dates of the adjacent phases that follow a moved boundary (edit_phase); {} when none does."""
    day = dt.timedelta(days=1)
    moved: dict[int, dict[str, Any]] = {}
    old_start, old_end = phase["start_date"], phase["end_date"]
    if new_start != old_start:
        earlier = next((row for row in before if row["end_date"] == old_start - day), None)
        if earlier is not None and earlier["start_date"] < new_start:
            moved[earlier["id"]] = {"start_date": earlier["start_date"], "end_date": new_start - day}
    if old_end is not None and new_end is not None and new_end != old_end:
        later = next((row for row in before if row["start_date"] == old_end + day), None)
        if later is not None and (later["end_date"] is None or new_end < later["end_date"]):
            moved[later["id"]] = {"start_date": new_end + day, "end_date": later["end_date"]}
    return moved


def _check_layout_overlap(layout: list[dict[str, Any]], phase: dict[str, Any]) -> None:
    for other in layout:
        if other["id"] == phase["id"]:
            continue
        if phase["start_date"] <= (other["end_date"] or dt.date.max) and other["start_date"] <= (
            phase["end_date"] or dt.date.max
        ):
            raise _overlap_error(other)


def remove_phase(ctx: Context, ref: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        phase = lookup.phase(ctx, ref)
        count = ctx.db.scalar("SELECT COUNT(*) FROM task WHERE phase_id = ?", (phase["id"],))
        if count:
            raise Conflict(
                _("phase {number} still holds {count} task(s): move or remove them first").format(
                    number=phase["number"], count=count
                )
            )
        before = campaign_phases(ctx)
        after = [row for row in before if row["id"] != phase["id"]]
        check_election_day_kept(before, after, _election_day(ctx), _election_day(ctx))
        tx.delete("phase", phase["id"])
    return phase


def _clean_name(name: str) -> str:
    return validate.text(name, "phase name", required=True)
