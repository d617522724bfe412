"""A province's roll-up of its communes: ``campaign report rollup``.

One row per campaign filed directly under the current one (a province's
communes; before 1/7/2025 a district's communes, a province's districts):
its locality, current phase, time against work and how it stands, its
tasks, the week's activity by type, its last log entry and whether it
reported in the week; totals below. The as-of rule holds for every child as
for a campaign of its own (``services/tasks.py``): entries dated after the
as-of date do not count, a task completed later is open.

The figures are those each child's own reports give: tasks and the current
phase as ``status`` computes them (``services/reports.py``, the same
definitions and helpers), the week's activity as ``report weekly`` does, from
the log's totals (``storage/summary.py``). They are computed for all the
children at once, in six queries whatever their number (the children, their
phases, their tasks grouped by campaign, phase and status, the week's totals
by campaign and type, the last entry of each, the parent's activity types),
never by running the status report once per child.

How a child stands (``state``), in this order:

- ``upcoming``: it has no phase yet, or its first phase starts after the
  as-of date;
- ``finished``: every phase has an end and the last has passed, or election
  day has passed and no task is open (every task done or cancelled) as of
  the as-of date: there is nothing left to do or to report;
- ``behind``: its current phase is behind (``reports.phase_state``: work
  trails time by more than 10 points; an open-ended phase with an overdue
  task); between two phases, when a task is overdue;
- ``on_track`` otherwise (a current phase on track, complete or without
  tasks).

Rows come behind first (the widest gap between time and work first), then
on track, upcoming and finished, each group by locality in Vietnamese order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date, iso_week_label
from campaign_cli.services.reports import (
    JSON_SCHEMA_VERSION,
    STATUSES,
    number,
    phase_of_day,
    phase_state,
    ratio,
    time_elapsed,
)
from campaign_cli.services.tasks import task_progress_sql

#: The top-level JSON keys (issue 17): the contract.
ROLLUP_KEYS = ("schema_version", "as_of", "week", "campaign", "children", "totals")
#: The keys of each child in the JSON.
CHILD_KEYS = (
    "name", "locality", "level", "current_phase", "progress", "time_elapsed", "state", "tasks", "activity",
    "last_entry", "reported_this_week",
)  # fmt: skip
STATES = ("behind", "on_track", "upcoming", "finished")

_CHILDREN = "SELECT c.id FROM campaign c WHERE c.parent_id = ?"


def rollup_report(
    ctx: Context, week_start: dt.date, week_end: dt.date, *, lang: str | None = None
) -> dict[str, Any]:
    """The roll-up of the current campaign's children for the ISO week ``week_start``..``week_end``."""
    today = ctx.today
    parent = ctx.campaign
    parent_id = parent["id"]
    children = ctx.db.dicts(
        "SELECT id, name, locality, level, election_day FROM campaign WHERE parent_id = ? ORDER BY id", (parent_id,)
    )
    phases = _phases(ctx, parent_id)
    groups = _task_groups(ctx, parent_id)
    last = min(week_end, today)
    activity = _week_activity(ctx, parent_id, week_start, last, lang)
    last_entries = {
        campaign_id: coerce_date(day)
        for campaign_id, day in ctx.db.rows(
            f"SELECT s.campaign_id, MAX(s.on_date) FROM log_day_type s WHERE s.campaign_id IN ({_CHILDREN}) "
            "AND s.on_date <= ? GROUP BY s.campaign_id",
            (parent_id, today),
        )
    }
    rows = []
    for child in children:
        row = _child(child, phases.get(child["id"], []), groups.get(child["id"], {}), today)
        row["activity"] = [
            {"type": item["type"], "quantity": number(item["quantity"]), "entries": item["entries"]}
            for item in activity.get(child["id"], [])
        ]
        row["entries"] = sum(item["entries"] for item in row["activity"])
        row["last_entry"] = last_entries.get(child["id"])
        row["reported_this_week"] = bool(row["activity"])
        rows.append(row)
    rows.sort(key=_order)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": today,
        "week": iso_week_label(week_start),
        "campaign": {"name": parent["name"], "locality": parent["locality"] or "", "level": parent["level"]},
        "children": rows,
        "totals": _totals(ctx, rows, activity, lang),
        # for people (not in the JSON)
        "start": week_start,
        "end": week_end,
        "logged_until": last,
        "counts": {state: sum(1 for row in rows if row["state"] == state) for state in STATES},
    }


def rollup_data(report: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: exactly the contract's keys."""
    data = {key: report[key] for key in ROLLUP_KEYS}
    data["children"] = [{key: row[key] for key in CHILD_KEYS} for row in report["children"]]
    return data


# -- the queries ------------------------------------------------------------------------
def _phases(ctx: Context, parent_id: int) -> dict[int, list[dict[str, Any]]]:
    result: dict[int, list[dict[str, Any]]] = {}
    for row in ctx.db.dicts(
        f"SELECT id, campaign_id, number, name, start_date, end_date FROM phase WHERE campaign_id IN ({_CHILDREN}) "
        "ORDER BY campaign_id, number",
        (parent_id,),
    ):
        result.setdefault(row["campaign_id"], []).append(
            {
                "id": row["id"],
                "number": row["number"],
                "name": row["name"],
                "start": coerce_date(row["start_date"]),
                "end": coerce_date(row["end_date"]),
            }
        )
    return result


def _task_groups(ctx: Context, parent_id: int) -> dict[int, list[tuple]]:
    """Per child: (phase id, status, tasks, overdue, summed progress) as of the as-of date, as status groups them."""
    p = task_progress_sql(
        ctx.today, parent_id, f"SELECT t.id FROM task t WHERE t.campaign_id IN ({_CHILDREN})", [parent_id],
        children=True,
    )  # fmt: skip
    result: dict[int, list[tuple]] = {}
    for campaign_id, phase_id, status, count, overdue, progress in ctx.db.rows(
        f"SELECT t.campaign_id, t.phase_id, t.status, COUNT(*), SUM(t.overdue), SUM({p.progress}) FROM {p.tasks} "
        "GROUP BY t.campaign_id, t.phase_id, t.status",
        p.params,
    ):
        result.setdefault(campaign_id, []).append((phase_id, status, int(count), int(overdue or 0), progress))
    return result


def _label_column(lang: str | None) -> str:
    if lang is None:
        from campaign_cli import i18n

        lang = i18n.current_language()
    return "label_vi" if lang == "vi" else "label_en"


def _week_activity(
    ctx: Context, parent_id: int, first: dt.date, last: dt.date, lang: str | None
) -> dict[int, list[dict[str, Any]]]:
    """Per child, its activity types with entries dated first..last, in the child's type order (as weekly)."""
    label = _label_column(lang)
    result: dict[int, list[dict[str, Any]]] = {}
    for row in ctx.db.dicts(
        f"SELECT x.campaign_id, at.code, at.{label} AS label, at.unit, x.quantity, x.entries FROM ("
        "SELECT s.campaign_id, s.type_id, SUM(s.quantity) AS quantity, SUM(s.entries) AS entries "
        f"FROM log_day_type s WHERE s.campaign_id IN ({_CHILDREN}) AND s.on_date >= ? AND s.on_date <= ? "
        "GROUP BY s.campaign_id, s.type_id"
        ") x JOIN activity_type at ON at.id = x.type_id ORDER BY x.campaign_id, at.id",
        (parent_id, first, last),
    ):
        result.setdefault(row["campaign_id"], []).append(
            {
                "type": row["code"],
                "label": row["label"],
                "unit": row["unit"],
                "quantity": float(row["quantity"] or 0),
                "entries": int(row["entries"]),
            }
        )
    return result


# -- per child ----------------------------------------------------------------------------
def _child(
    child: dict[str, Any], phases: list[dict[str, Any]], groups: list[tuple], today: dt.date
) -> dict[str, Any]:
    """A child's figures from its phases and task groups, by status's own definitions."""
    counts = {status: 0 for status in STATUSES}
    overdue_total = 0
    per_phase: dict[int, dict[str, float]] = {}
    for phase_id, status, count, overdue, progress in groups:
        counts[status] += count
        overdue_total += overdue
        figures = per_phase.setdefault(phase_id, {"total": 0, "done": 0, "overdue": 0, "active": 0, "progress": 0.0})
        figures["total"] += count
        figures["overdue"] += overdue
        if status == "done":
            figures["done"] += count
        if status != "cancelled":
            figures["active"] += count
            figures["progress"] += float(progress or 0)
    figured = []
    for phase in phases:
        figures = per_phase.get(phase["id"], {"total": 0, "done": 0, "overdue": 0, "active": 0, "progress": 0.0})
        elapsed = time_elapsed(phase["start"], phase["end"], today)
        active, overdue = int(figures["active"]), int(figures["overdue"])
        progress = ratio(figures["progress"] / active) if active else None
        figured.append(
            {
                **phase,
                "progress": progress,
                "time_elapsed": ratio(elapsed),
                "state": phase_state(
                    progress=progress, elapsed=elapsed, started=today >= phase["start"], overdue=overdue, active=active
                ),
            }
        )
    current = phase_of_day(figured, today)
    open_tasks = counts["todo"] + counts["doing"] + counts["blocked"]
    election_day = coerce_date(child["election_day"])
    state = child_state(figured, current, today, election_day, open_tasks=open_tasks, overdue=overdue_total)
    return {
        "id": child["id"],
        "name": child["name"],
        "locality": child["locality"] or "",
        "level": child["level"],
        "current_phase": {"number": current["number"], "name": current["name"]} if current else None,
        "progress": current["progress"] if current else None,
        "time_elapsed": current["time_elapsed"] if current else None,
        "state": state,
        "tasks": {"total": sum(counts.values()), "done": counts["done"], "overdue": overdue_total},
        "election_day": election_day,
    }


def child_state(
    phases: list[dict[str, Any]],
    current: dict[str, Any] | None,
    today: dt.date,
    election_day: dt.date,
    *,
    open_tasks: int,
    overdue: int,
) -> str:
    """upcoming, finished, behind or on_track (module docstring)."""
    if not phases or today < min(phase["start"] for phase in phases):
        return "upcoming"
    ends = [phase["end"] for phase in phases]
    if (None not in ends and today > max(ends)) or (today > election_day and open_tasks == 0):
        return "finished"
    if current is None:
        return "behind" if overdue else "on_track"
    return "behind" if current["state"] == "behind" else "on_track"


def _order(row: dict[str, Any]) -> tuple:
    from campaign_cli.services.text import collation_key

    gap = 0.0
    if row["state"] == "behind" and row["time_elapsed"] is not None and row["progress"] is not None:
        gap = row["time_elapsed"] - row["progress"]
    behind_first = (-gap, -row["tasks"]["overdue"]) if row["state"] == "behind" else (0.0, 0)
    return (STATES.index(row["state"]), *behind_first, collation_key(row["locality"] or row["name"]), row["id"])


# -- totals -------------------------------------------------------------------------------
def _totals(
    ctx: Context, rows: list[dict[str, Any]], activity: dict[int, list[dict[str, Any]]], lang: str | None
) -> dict[str, Any]:
    """Tasks added up; the week's activity per type and unit (a child may count a type in another unit:
    then the type has a row per unit, never one sum across units), labelled as the parent labels it."""
    label = _label_column(lang)
    own = {
        row["code"]: row["label"]
        for row in ctx.db.dicts(
            f"SELECT code, {label} AS label FROM activity_type WHERE campaign_id = ? ORDER BY id", (ctx.campaign_id,)
        )
    }
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for child in rows:
        for item in activity.get(child["id"], []):
            key = (item["type"], item["unit"])
            entry = totals.setdefault(
                key,
                {"type": item["type"], "label": own.get(item["type"], item["label"]), "unit": item["unit"],
                 "quantity": 0.0, "entries": 0},
            )  # fmt: skip
            entry["quantity"] += item["quantity"]
            entry["entries"] += item["entries"]
    order = {code: position for position, code in enumerate(own)}
    listed = sorted(totals.values(), key=lambda entry: (order.get(entry["type"], len(order)), entry["type"],
                                                        entry["unit"]))  # fmt: skip
    return {
        "tasks": {key: sum(row["tasks"][key] for row in rows) for key in ("total", "done", "overdue")},
        "activity": [{**entry, "quantity": number(entry["quantity"])} for entry in listed],
    }
