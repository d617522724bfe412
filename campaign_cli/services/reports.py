"""Reports computed once, as plain data: status, weekly, phase, member, burndown, timeline.

Every report is a function of the context (database, as-of date ``ctx.today``)
returning a dict of plain values (``datetime.date`` for dates, ``int``/``float``
for numbers). The CLI turns it into a View; no renderer computes anything.
Aggregation happens in SQL (``GROUP BY``); Python loops only over groups,
tasks, members, units or days, never over log rows. Quantities logged come
from the log's totals (``storage/summary.py``: per day and type, per day and
who, per task with running totals), kept by triggers, never from the entries
themselves (except the last few entries ``status`` lists), so a report costs
the same with 10,000 entries or 1,000,000.

Definitions (see CLI.md, "Meanings"):

- As of a day means as it stood that day (services/tasks.py): only log
  entries dated on or before the as-of date count, everywhere, and a task is
  done only if it was completed by then.
- Overdue: due before the as-of date, status on that day not ``done`` or ``cancelled``.
- Task progress: a task marked done counts 1; with a target above zero,
  logged quantity (entries linked to the task) / target, capped at 1;
  otherwise (no target, or a target of 0, which sets no quantity) 0.
- Phase progress: mean progress of the phase's tasks that are not cancelled;
  ``None`` when it has none.
- Time elapsed of a phase: the share of its days (inclusive at both ends)
  that have begun by the as-of date: 0 before its first day, 1/N on it,
  1 on and after its last day; ``None`` for a phase with no end.
- Days to election: election day minus the as-of date (0 on the day,
  negative after it).

On track or behind (``phase_state``), in this order:

- ``no_tasks``: the phase holds no task that is not cancelled;
- ``complete``: its progress is 1;
- ``upcoming``: it has not started;
- ``behind``: work trails time by more than ``BEHIND_MARGIN`` (10 points),
  i.e. progress < time elapsed - 0.10; for a phase with no end date, whose
  time cannot be measured, behind when any of its tasks is overdue;
- ``on_track`` otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date, iso_week_label
from campaign_cli.services.tasks import LOGGED_SQL, task_progress, task_progress_sql, tasks_as_of
from campaign_cli.vocabulary import TaskStatus, codes

JSON_SCHEMA_VERSION = 1
BEHIND_MARGIN = 0.10
DUE_SOON_DAYS = 7
RECENT_LOGS = 5

#: The top-level JSON keys of ``status`` and ``report weekly`` (CLI.md): the
#: contract. The report dicts carry more (unit load, recent entries...) for
#: the human formats; the CLI emits exactly these keys as JSON.
STATUS_KEYS = (
    "schema_version",
    "as_of",
    "days_to_election",
    "campaign",
    "current_phase",
    "phases",
    "tasks",
    "members",
    "activity",
    "units",  # additive to CLI.md's keys: units do much of the work
    "recent",  # additive: the last log entries, place and note apart
    "places_covered",  # additive (issue 16): how far each activity done at a place has reached
)
WEEKLY_KEYS = (
    "schema_version",
    "week",
    "start",
    "end",
    "as_of",
    "days_to_election",
    "current_phase",
    "activity",
    "by_member",
    "completed",
    "due_next_week",
    "overdue",
    "by_unit",  # additive to CLI.md's keys: work logged by units
    "by_place",  # additive (issue 16): work logged at each place
)

STATUSES = codes(TaskStatus)

# -- shared SQL ---------------------------------------------------------------
# Tasks as they stood on the as-of date, their progress and overdue come from
# services.tasks (tasks_as_of, task_progress_sql), so every number the tool
# shows is computed one way. Every ``t`` below is a task as of that day.
OPEN_SQL = "t.status NOT IN ('done', 'cancelled')"
#: A task's unit of measure: its own, else its activity type's (``at``).
TASK_UNIT_SQL = "COALESCE(NULLIF(t.unit_of_measure, ''), at.unit, '')"


def _progress(ctx: Context, ids_sql: str, params: tuple | list = ()):
    """Progress of the tasks ``ids_sql`` selects: tasks.task_progress_sql, one probe
    per task into the log's running totals (storage/summary.py)."""
    return task_progress_sql(ctx.today, ctx.campaign_id, ids_sql, list(params))


def _as_of(ctx: Context):
    """The campaign's tasks as they stood on the as-of date (tasks.tasks_as_of)."""
    return tasks_as_of(ctx.today, ctx.campaign_id)


def _campaign_tasks(ctx: Context):
    """Progress of every task of the campaign; use as ``FROM {tasks} WHERE t.campaign_id = ?``."""
    return _progress(ctx, "SELECT id FROM task WHERE campaign_id = ?", (ctx.campaign_id,))


#: Above this many tasks, a list fetches the logged quantities and the
#: assignments of the whole campaign in one pass instead of per task.
MANY_TASKS = 500


# -- small pure helpers ---------------------------------------------------------
def number(value: Any) -> int | float | None:
    """A quantity for output: whole numbers as int, others as given."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


def ratio(value: Any) -> float | None:
    """A 0..1 share rounded to 4 decimals (stable output), or None."""
    if value is None:
        return None
    return round(min(1.0, max(0.0, float(value))), 4)


def days_to_election(election_day: dt.date, today: dt.date) -> int:
    return (election_day - today).days


def time_elapsed(start: dt.date, end: dt.date | None, today: dt.date) -> float | None:
    """Share of the phase's days begun by ``today``; None without an end."""
    if end is None:
        return None
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def phase_state(*, progress: float | None, elapsed: float | None, started: bool, overdue: int, active: int) -> str:
    """on_track / behind / complete / upcoming / no_tasks (module docstring)."""
    if active == 0 or progress is None:
        return "no_tasks"
    if progress >= 1.0:
        return "complete"
    if not started:
        return "upcoming"
    if elapsed is None:
        return "behind" if overdue else "on_track"
    return "behind" if progress < elapsed - BEHIND_MARGIN else "on_track"


def phase_of_day(phases: list[dict[str, Any]], day: dt.date) -> dict[str, Any] | None:
    for phase in phases:
        if phase["start"] <= day and (phase["end"] is None or day <= phase["end"]):
            return phase
    return None


def _label_column(lang: str | None) -> str:
    if lang is None:
        from campaign_cli import i18n

        lang = i18n.current_language()
    return "label_vi" if lang == "vi" else "label_en"


def _in_clause(ids: list[int]) -> str:
    return ", ".join("?" for _ in ids)


def _chunks(ids: list[int], size: int = 500):
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


# -- building blocks (each one or two SQL statements) -----------------------------
def campaign_facts(ctx: Context) -> dict[str, Any]:
    campaign = ctx.campaign
    election = coerce_date(campaign["election_day"])
    return {
        "name": campaign["name"],
        "locality": campaign["locality"] or "",
        "election_day": election,
    }


def phase_rows(ctx: Context) -> list[dict[str, Any]]:
    """Every phase with its task counts, progress, time elapsed and state."""
    return _task_figures(ctx)[0]


def _task_figures(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """(:func:`phase_rows`, :func:`task_counts`) from one pass over the tasks as of the as-of date.

    SQL groups the tasks by phase and status (at most phases x 5 groups,
    with their progress summed); Python adds the groups up.
    """
    today = ctx.today
    p = _campaign_tasks(ctx)
    groups = ctx.db.rows(
        f"SELECT t.phase_id, t.status, COUNT(*), SUM(t.overdue), SUM({p.progress}) FROM {p.tasks} "
        "GROUP BY t.phase_id, t.status",
        p.params,
    )
    counts = {status: 0 for status in STATUSES}
    overdue_total = 0
    per_phase: dict[int, dict[str, float]] = {}
    for phase_id, status, count, overdue, progress in groups:
        count, overdue = int(count), int(overdue or 0)
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
    phases = []
    for phase in phase_dates(ctx):
        figures = per_phase.get(phase["id"], {"total": 0, "done": 0, "overdue": 0, "active": 0, "progress": 0.0})
        start, end = phase["start"], phase["end"]
        elapsed = time_elapsed(start, end, today)
        active, overdue = int(figures["active"]), int(figures["overdue"])
        progress = ratio(figures["progress"] / active) if active else None
        phases.append(
            {
                "id": phase["id"],
                "number": phase["number"],
                "name": phase["name"],
                "start": start,
                "end": end,
                "progress": progress,
                "time_elapsed": ratio(elapsed),
                "state": phase_state(
                    progress=progress, elapsed=elapsed, started=today >= start, overdue=overdue, active=active
                ),
                "tasks": {"total": int(figures["total"]), "done": int(figures["done"]), "overdue": overdue},
                "active": active,
            }
        )
    return phases, {"total": sum(counts.values()), **counts, "overdue": overdue_total}


def phase_dates(ctx: Context) -> list[dict[str, Any]]:
    """Phases with their dates only (no task figures), by number."""
    return [
        {
            "id": row["id"],
            "number": row["number"],
            "name": row["name"],
            "start": coerce_date(row["start_date"]),
            "end": coerce_date(row["end_date"]),
        }
        for row in ctx.db.dicts(
            "SELECT id, number, name, start_date, end_date FROM phase WHERE campaign_id = ? ORDER BY number",
            (ctx.campaign_id,),
        )
    ]


def public_phase(phase: dict[str, Any]) -> dict[str, Any]:
    """A phase as the status JSON lists it."""
    return {
        "number": phase["number"],
        "name": phase["name"],
        "start": phase["start"],
        "end": phase["end"],
        "progress": phase["progress"],
        "time_elapsed": phase["time_elapsed"],
        "state": phase["state"],
        "tasks": dict(phase["tasks"]),
    }


def task_counts(ctx: Context) -> dict[str, int]:
    """Tasks per status as of the as-of date, and how many were overdue that day."""
    counts = {status: 0 for status in STATUSES}
    overdue = 0
    asof = _as_of(ctx)
    for status, count, late in ctx.db.rows(
        f"SELECT t.status, COUNT(*), SUM(t.overdue) FROM {asof.sql} t GROUP BY t.status", asof.params
    ):
        counts[status] = int(count)
        overdue += int(late or 0)
    return {"total": sum(counts.values()), **counts, "overdue": overdue}


def assignees(ctx: Context, task_ids: list[int]) -> dict[int, dict[str, Any]]:
    """task id -> {"lead": party or None, "support": [party...]} (party = kind, id, name, short)."""
    result: dict[int, dict[str, Any]] = {task_id: {"lead": None, "support": []} for task_id in task_ids}
    select = (
        "SELECT a.task_id, a.role, a.member_id, a.unit_id, m.name AS member_name, "
        "u.name AS unit_name, u.short AS unit_short "
        "FROM assignment a LEFT JOIN member m ON m.id = a.member_id LEFT JOIN unit u ON u.id = a.unit_id "
    )
    if len(result) > MANY_TASKS:
        batches = [
            ctx.db.dicts(
                select + "JOIN task t ON t.id = a.task_id WHERE t.campaign_id = ? ORDER BY a.task_id, a.id",
                (ctx.campaign_id,),
            )
        ]
    else:
        batches = (
            ctx.db.dicts(select + f"WHERE a.task_id IN ({_in_clause(chunk)}) ORDER BY a.task_id, a.id", chunk)
            for chunk in _chunks(sorted(result))
        )
    for rows in batches:
        for row in rows:
            if row["task_id"] not in result:
                continue
            party = _party(row["member_id"], row["member_name"], row["unit_id"], row["unit_name"], row["unit_short"])
            entry = result[row["task_id"]]
            if row["role"] == "lead" and entry["lead"] is None:
                entry["lead"] = party
            else:
                entry["support"].append(party)
    return result


def _party(member_id, member_name, unit_id, unit_name, unit_short) -> dict[str, Any] | None:
    if member_id is not None:
        return {"kind": "member", "id": member_id, "name": member_name, "short": member_name}
    if unit_id is not None:
        return {"kind": "unit", "id": unit_id, "name": unit_name, "short": unit_short or unit_name}
    return None


def logged_by_task(ctx: Context) -> dict[int, float]:
    """Quantity logged against each task of the campaign up to the as-of date.

    One probe per task into the running totals (``log_task_day``): the cost
    follows the number of tasks, not of entries.
    """
    return {
        task_id: total
        for task_id, total in ctx.db.rows(
            f"SELECT t.id, {LOGGED_SQL.format(task='t')} FROM task t WHERE t.campaign_id = ?",
            (ctx.today, ctx.campaign_id),
        )
        if total is not None
    }


def _task_list(
    ctx: Context,
    where: str,
    params: tuple,
    order: str = "t.due, t.id",
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Tasks matching ``where`` (over the tasks as of the as-of date, ``t``) with progress, lead and support.

    Logged quantities and progress come from tasks.task_progress_sql: one
    probe into the log's running totals per task listed, whether the list
    holds 15 tasks or every task of the campaign. ``limit``: the first ones
    in ``order``.
    """
    select = (
        "SELECT t.id, t.title, t.status, t.due, t.target, t.completed_on, t.phase_id, t.type_id, t.overdue, "
        f"{TASK_UNIT_SQL} AS unit"
    )
    asof = _as_of(ctx)
    ids = f"SELECT t.id FROM {asof.sql} t WHERE {where}"
    ids_params: tuple = (*asof.params, *params)
    if limit is not None:
        ids, ids_params = f"{ids} ORDER BY {order} LIMIT ?", (*ids_params, limit)
    p = _progress(ctx, ids, ids_params)
    rows = ctx.db.dicts(
        f"{select}, {p.logged} AS logged, {p.progress} AS progress "
        f"FROM {p.tasks} LEFT JOIN activity_type at ON at.id = t.type_id ORDER BY {order}",
        p.params,
    )
    people = assignees(ctx, [row["id"] for row in rows])
    today = ctx.today
    tasks = []
    for row in rows:
        due = coerce_date(row["due"])
        lead = people.get(row["id"], {}).get("lead")
        support = people.get(row["id"], {}).get("support", [])
        is_late = bool(row["overdue"])
        tasks.append(
            {
                "id": row["id"],
                "title": row["title"],
                "status": row["status"],
                "phase_id": row["phase_id"],
                "type_id": row["type_id"],
                "due": due,
                "completed_on": coerce_date(row["completed_on"]),
                "target": number(row["target"]),
                "logged": number(row["logged"]),
                "unit": row["unit"],
                "progress": ratio(row["progress"]),
                "progress_exact": float(row["progress"]),  # unrounded, for means (summarise_phase)
                "lead": lead["name"] if lead else None,
                "lead_short": lead["short"] if lead else None,
                "support": [party["name"] for party in support],
                "support_short": [party["short"] for party in support],
                "overdue": is_late,
                "days_late": (today - due).days if is_late else None,
                "days_left": (due - today).days if due is not None else None,
            }
        )
    return tasks


def task_briefs(
    ctx: Context, where: str, params: tuple, order: str = "t.due, t.id", *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Tasks matching ``where`` (over the tasks as of the as-of date, ``t``) for a list of names and dates.

    One query: id, title, status, due, completed_on, lead, overdue, days
    late or left; no progress and no supporters (see :func:`_task_list` for
    those). The lists of ``status`` and ``report weekly`` may hold thousands
    of overdue tasks: they cost one indexed lookup of the lead each.
    """
    asof = _as_of(ctx)
    sql = (
        "SELECT t.id, t.title, t.status, t.due, t.completed_on, t.phase_id, t.overdue, "
        "a.member_id, m.name AS member_name, a.unit_id, u.name AS unit_name, u.short AS unit_short "
        f"FROM {asof.sql} t "
        "LEFT JOIN assignment a "
        "ON a.id = (SELECT MIN(x.id) FROM assignment x WHERE x.task_id = t.id AND x.role = 'lead') "
        "LEFT JOIN member m ON m.id = a.member_id LEFT JOIN unit u ON u.id = a.unit_id "
        f"WHERE {where} ORDER BY {order}"
    )
    values: tuple = (*asof.params, *params)
    if limit is not None:
        sql, values = sql + " LIMIT ?", (*values, limit)
    today = ctx.today
    result = []
    for (task_id, title, status, due, completed_on, phase_id, overdue,
         member_id, member_name, unit_id, unit_name, unit_short) in ctx.db.rows(sql, values):  # fmt: skip
        due = coerce_date(due)
        lead = _party(member_id, member_name, unit_id, unit_name, unit_short)
        late = bool(overdue)
        result.append(
            {
                "id": task_id,
                "title": title,
                "status": status,
                "phase_id": phase_id,
                "due": due,
                "completed_on": coerce_date(completed_on),
                "lead": lead["name"] if lead else None,
                "lead_short": lead["short"] if lead else None,
                "overdue": late,
                "days_late": (today - due).days if late else None,
                "days_left": (due - today).days if due is not None else None,
            }
        )
    return result


def overdue_tasks(ctx: Context, limit: int | None = None) -> list[dict[str, Any]]:
    """Overdue tasks, longest overdue first (the first ``limit`` of them)."""
    return task_briefs(ctx, "t.overdue = 1", (), limit=limit)


def tasks_due_between(ctx: Context, first: dt.date, last: dt.date, limit: int | None = None) -> list[dict[str, Any]]:
    """Open tasks due from ``first`` to ``last`` inclusive, soonest first."""
    return task_briefs(ctx, f"{OPEN_SQL} AND t.due >= ? AND t.due <= ?", (first, last), limit=limit)


def count_due_between(ctx: Context, first: dt.date, last: dt.date) -> int:
    asof = _as_of(ctx)
    return int(
        ctx.db.scalar(
            f"SELECT COUNT(*) FROM {asof.sql} t WHERE {OPEN_SQL} AND t.due >= ? AND t.due <= ?",
            (*asof.params, first, last),
        )
    )


def party_load(ctx: Context, kind: str) -> list[dict[str, Any]]:
    """Per member (or unit): tasks not cancelled, as lead and as support, done, overdue (as of the as-of date)."""
    return party_loads(ctx)[kind]


def party_loads(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """The load of every member and every unit (:func:`party_load`), in one pass over the assignments.

    The join starts from the tasks and probes each one's assignments (CROSS
    JOIN fixes that order in SQLite): starting from the assignments in
    member order, which SQLite prefers to save a sort, reads the wide task
    rows at random and costs twice as much.
    """
    asof = _as_of(ctx)
    load: dict[tuple[str, int], tuple] = {}
    for member_id, unit_id, *counts in ctx.db.rows(
        "SELECT a.member_id, a.unit_id, COUNT(DISTINCT t.id), "
        "COUNT(DISTINCT CASE WHEN a.role = 'lead' THEN t.id END), "
        "COUNT(DISTINCT CASE WHEN a.role = 'support' THEN t.id END), "
        "COUNT(DISTINCT CASE WHEN t.status = 'done' THEN t.id END), "
        "COUNT(DISTINCT CASE WHEN t.overdue = 1 THEN t.id END) "
        f"FROM {asof.sql} t CROSS JOIN assignment a WHERE a.task_id = t.id AND t.status <> 'cancelled' "
        "GROUP BY a.member_id, a.unit_id",
        asof.params,
    ):
        key = ("member", member_id) if member_id is not None else ("unit", unit_id)
        load[key] = tuple(int(count or 0) for count in counts)
    members = ctx.db.dicts(
        "SELECT m.id, m.name, m.role, m.title, u.name AS unit, u.short AS unit_short "
        "FROM member m LEFT JOIN unit u ON u.id = m.unit_id WHERE m.campaign_id = ?",
        (ctx.campaign_id,),
    )
    units = ctx.db.dicts("SELECT id, name, short FROM unit WHERE campaign_id = ?", (ctx.campaign_id,))
    result: dict[str, list[dict[str, Any]]] = {}
    for kind, parties in (("member", members), ("unit", units)):
        rows = []
        for party in sort_parties(parties, kind):
            row = {"id": party["id"], "name": party["name"]}
            if kind == "member":
                row["role"] = party["role"]
            else:
                row["short"] = party["short"] or party["name"]
            counts = load.get((kind, party["id"]), (0, 0, 0, 0, 0))
            for key, count in zip(("tasks_total", "tasks_lead", "tasks_support", "tasks_done", "overdue"), counts,
                                  strict=True):  # fmt: skip
                row[key] = count
            row["open"] = row["tasks_total"] - row["tasks_done"]
            rows.append(row)
        result[kind] = rows
    return result


def sort_parties(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Members in the official order (members.official_order: chair first, then tên,
    họ, đệm); units by name in Vietnamese collation."""
    from campaign_cli.services.members import official_order
    from campaign_cli.services.text import collation_key

    if kind == "member":
        return sorted(rows, key=official_order)
    return sorted(rows, key=lambda row: (collation_key(row["name"]), row["id"]))


def activity_totals(
    ctx: Context, first: dt.date | None = None, last: dt.date | None = None, *, lang: str | None = None
) -> list[dict[str, Any]]:
    """Quantity and number of entries per activity type, dated first..last (and <= as-of), from the day totals."""
    where, params = _log_window(ctx, first, last)
    label = _label_column(lang)
    rows = ctx.db.dicts(
        f"SELECT at.id, at.code, at.{label} AS label, at.unit, x.quantity, x.entries FROM ("
        "SELECT s.type_id, SUM(s.quantity) AS quantity, SUM(s.entries) AS entries "
        f"FROM log_day_type s WHERE {where} GROUP BY s.type_id"
        ") x JOIN activity_type at ON at.id = x.type_id ORDER BY at.id",
        params,
    )
    return [
        {
            "type": row["code"],
            "label": row["label"],
            "unit": row["unit"],
            "quantity": number(row["quantity"]),
            "entries": int(row["entries"]),
        }
        for row in rows
    ]


def _log_window(ctx: Context, first: dt.date | None, last: dt.date | None, alias: str = "s") -> tuple[str, tuple]:
    """Days ``first``..``last`` (and not after the as-of date) of a log total table (storage.summary)."""
    last = ctx.today if last is None else min(last, ctx.today)
    where = f"{alias}.campaign_id = ? AND {alias}.on_date <= ?"
    params: tuple = (ctx.campaign_id, last)
    if first is not None:
        where += f" AND {alias}.on_date >= ?"
        params += (first,)
    return where, params


def work_by(
    ctx: Context, kind: str, first: dt.date | None = None, last: dt.date | None = None, *, lang: str | None = None
) -> list[dict[str, Any]]:
    """Per member (or unit) who logged work in the window: entries, and quantities per activity type.

    Quantities of different types are in different units (5 broadcasts and 6
    candidate introductions are not "11"): ``activity`` gives each type's
    quantity in its unit, as ``activity_totals`` does for the whole log.
    ``quantity`` (CLI.md's key, kept) adds up the quantities of every type
    regardless of unit; it means something only when there is one type.
    """
    where, params = _log_window(ctx, first, last)
    column = "member_id" if kind == "member" else "unit_id"
    label = _label_column(lang)
    groups = ctx.db.dicts(
        f"SELECT x.party, at.id AS type_id, at.code, at.{label} AS label, at.unit, x.entries, x.quantity FROM ("
        f"SELECT s.{column} AS party, s.type_id, SUM(s.entries) AS entries, SUM(s.quantity) AS quantity "
        f"FROM log_day_party s WHERE {where} AND s.{column} <> 0 GROUP BY s.{column}, s.type_id"
        ") x JOIN activity_type at ON at.id = x.type_id ORDER BY x.party, at.id",
        params,
    )
    work: dict[int, list[dict[str, Any]]] = {}
    for group in groups:
        work.setdefault(group["party"], []).append(group)
    if not work:
        return []
    table = "member" if kind == "member" else "unit"
    extra = "" if kind == "member" else ", short"
    ids = sorted(work)
    parties = {
        row["id"]: row
        for chunk in _chunks(ids)
        for row in ctx.db.dicts(f"SELECT id, name{extra} FROM {table} WHERE id IN ({_in_clause(chunk)})", chunk)
    }
    from campaign_cli.services.text import collation_key

    result = []
    for party_id, types in work.items():
        party = parties[party_id]
        item = {
            "id": party_id,
            "name": party["name"],
            "entries": sum(int(group["entries"]) for group in types),
            "quantity": number(sum(group["quantity"] or 0 for group in types)),
            "activity": [
                {
                    "type": group["code"],
                    "label": group["label"],
                    "unit": group["unit"],
                    "quantity": number(group["quantity"]),
                    "entries": int(group["entries"]),
                }
                for group in types
            ],
        }
        if kind == "unit":
            item["short"] = party["short"] or party["name"]
        result.append(item)
    result.sort(key=lambda row: (-row["entries"], collation_key(row["name"]), row["id"]))
    return result


def unattributed(ctx: Context, first: dt.date | None = None, last: dt.date | None = None) -> dict[str, Any]:
    """Entries logged by no member (by a unit or by nobody): entries and quantity."""
    where, params = _log_window(ctx, first, last)
    row = ctx.db.one(
        "SELECT SUM(s.entries) AS entries, SUM(s.quantity) AS quantity, "
        "SUM(CASE WHEN s.unit_id = 0 THEN s.entries ELSE 0 END) AS nobody_entries, "
        "SUM(CASE WHEN s.unit_id = 0 THEN s.quantity ELSE 0 END) AS nobody_quantity "
        f"FROM log_day_party s WHERE {where} AND s.member_id = 0",
        params,
    )
    return {
        "entries": int(row["entries"] or 0),
        "quantity": number(row["quantity"] or 0),
        "nobody_entries": int(row["nobody_entries"] or 0),
        "nobody_quantity": number(row["nobody_quantity"] or 0),
    }


def recent_logs(ctx: Context, limit: int = RECENT_LOGS, *, lang: str | None = None) -> list[dict[str, Any]]:
    label = _label_column(lang)
    rows = ctx.db.dicts(
        f"SELECT a.id, a.on_date, at.code, at.{label} AS label, at.unit, a.quantity, a.task_id, a.place, a.note, "
        "a.member_id, m.name AS member_name, a.unit_id, u.name AS unit_name, u.short AS unit_short "
        "FROM activity a JOIN activity_type at ON at.id = a.type_id "
        "LEFT JOIN member m ON m.id = a.member_id LEFT JOIN unit u ON u.id = a.unit_id "
        "WHERE a.campaign_id = ? AND a.on_date <= ? ORDER BY a.on_date DESC, a.id DESC LIMIT ?",
        (ctx.campaign_id, ctx.today, limit),
    )
    result = []
    for row in rows:
        by = _party(row["member_id"], row["member_name"], row["unit_id"], row["unit_name"], row["unit_short"])
        result.append(
            {
                "id": row["id"],
                "date": coerce_date(row["on_date"]),
                "type": row["code"],
                "label": row["label"],
                "quantity": number(row["quantity"]),
                "unit": row["unit"],
                "by": by["name"] if by else None,
                "by_short": by["short"] if by else None,
                "task": row["task_id"],
                "place": row["place"],
                "note": row["note"],
            }
        )
    return result


# -- status ----------------------------------------------------------------------
def status_report(ctx: Context, *, lang: str | None = None) -> dict[str, Any]:
    """The chair's report toward election day (CLI.md keys, plus extras for people)."""
    today = ctx.today
    campaign = campaign_facts(ctx)
    phases, counts = _task_figures(ctx)
    current = phase_of_day(phases, today)
    loads = party_loads(ctx)
    members = loads["member"]
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": today,
        "days_to_election": days_to_election(campaign["election_day"], today),
        "campaign": campaign,
        "current_phase": _current(current, full=True),
        "phases": [public_phase(phase) for phase in phases],
        "tasks": counts,
        "members": [
            {
                "id": row["id"],
                "name": row["name"],
                "role": row["role"],
                "tasks_total": row["tasks_total"],
                "tasks_done": row["tasks_done"],
                "overdue": row["overdue"],
                "tasks_lead": row["tasks_lead"],
                "tasks_support": row["tasks_support"],
            }
            for row in members
        ],
        "activity": activity_totals(ctx, lang=lang),
        # extras for the human formats (not in the JSON contract)
        "units": loads["unit"],
        "overdue": overdue_tasks(ctx),
        "due_soon": tasks_due_between(ctx, today, soon),
        "due_soon_count": count_due_between(ctx, today, soon),
        "recent": recent_logs(ctx, lang=lang),
        "next_phase": _current(_next_phase(phases, today), full=True),
        "places_covered": _places_covered(ctx, lang),
    }


def _places_covered(ctx: Context, lang: str | None) -> dict[str, Any] | None:
    """Coverage by place of the activities done at a place (services/coverage.py)."""
    from campaign_cli.services.coverage import status_coverage

    return status_coverage(ctx, lang=lang)


def _by_place(ctx: Context, first: dt.date, last: dt.date, lang: str | None) -> dict[str, Any]:
    """``by_place``: work logged at each place in a week, and ``unplaced_entries`` (services/coverage.py)."""
    from campaign_cli.services.coverage import week_by_place

    places = week_by_place(ctx, first, last, lang=lang)
    return {"by_place": places["rows"], "unplaced_entries": places["unplaced_entries"],
            "has_places": places["has_places"]}


def _current(phase: dict[str, Any] | None, *, full: bool) -> dict[str, Any] | None:
    if phase is None:
        return None
    if not full:
        return {"number": phase["number"], "name": phase["name"]}
    return {"number": phase["number"], "name": phase["name"], "start": phase["start"], "end": phase["end"]}


def _next_phase(phases: list[dict[str, Any]], today: dt.date) -> dict[str, Any] | None:
    later = [phase for phase in phases if phase["start"] > today]
    return min(later, key=lambda phase: phase["start"]) if later else None


# -- weekly ----------------------------------------------------------------------
def weekly_report(ctx: Context, week_start: dt.date, week_end: dt.date, *, lang: str | None = None) -> dict[str, Any]:
    """One ISO week: work logged, tasks completed, overdue now, due the week after."""
    today = ctx.today
    campaign = campaign_facts(ctx)
    phases = phase_dates(ctx)
    upto = min(week_end, today)
    completed = task_briefs(
        ctx,
        "t.status = 'done' AND t.completed_on >= ? AND t.completed_on <= ?",
        (week_start, upto),
        order="t.completed_on, t.id",
    )
    next_start, next_end = week_end + dt.timedelta(days=1), week_end + dt.timedelta(days=7)
    due_next = tasks_due_between(ctx, next_start, next_end)
    overdue = overdue_tasks(ctx)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "week": iso_week_label(week_start),
        "start": week_start,
        "end": week_end,
        "as_of": today,
        "days_to_election": days_to_election(campaign["election_day"], today),
        "current_phase": _current(phase_of_day(phases, today), full=False),
        "activity": activity_totals(ctx, week_start, week_end, lang=lang),
        "by_member": work_by(ctx, "member", week_start, week_end, lang=lang),
        "completed": [_pick(task, "id", "title", "completed_on", "lead") for task in completed],
        "due_next_week": [_pick(task, "id", "title", "due", "lead", "status") for task in due_next],
        "overdue": [_pick(task, "id", "title", "due", "lead", "days_late") for task in overdue],
        # extras for the human formats
        "campaign": campaign,
        "by_unit": work_by(ctx, "unit", week_start, week_end, lang=lang),
        **_by_place(ctx, week_start, week_end, lang),
        "unattributed": unattributed(ctx, week_start, week_end),
        "week_phases": [
            _current(phase, full=True)
            for phase in phases
            if phase["start"] <= week_end and (phase["end"] is None or phase["end"] >= week_start)
        ],
        "lead_short": {task["id"]: task["lead_short"] for task in (*completed, *due_next, *overdue)},
        "next_week": (next_start, next_end),
        "logged_until": upto,
    }


def _pick(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: row[key] for key in keys}


# -- phase -----------------------------------------------------------------------
def summarise_phase(phase: dict[str, Any], tasks: list[dict[str, Any]], today: dt.date) -> dict[str, Any]:
    """A phase's figures from its task list (as :func:`_task_list` gives it).

    The same definitions as :func:`phase_rows`, which computes them in SQL
    for the status report (the tests check that both agree).
    """
    active = [task for task in tasks if task["status"] != "cancelled"]
    overdue = sum(1 for task in tasks if task["overdue"])
    progress = ratio(sum(task["progress_exact"] for task in active) / len(active)) if active else None
    elapsed = time_elapsed(phase["start"], phase["end"], today)
    return {
        **phase,
        "progress": progress,
        "time_elapsed": ratio(elapsed),
        "state": phase_state(
            progress=progress, elapsed=elapsed, started=today >= phase["start"], overdue=overdue, active=len(active)
        ),
        "tasks": {
            "total": len(tasks),
            "done": sum(1 for task in tasks if task["status"] == "done"),
            "overdue": overdue,
        },
        "active": len(active),
    }


def logs_by_day_and_type(ctx: Context) -> list[dict[str, Any]]:
    """Entries and quantity per day and activity type, up to the as-of date (the day totals as they are)."""
    return [
        {"date": coerce_date(row["on_date"]), "type_id": row["type_id"], "entries": int(row["entries"]),
         "quantity": float(row["quantity"] or 0)}
        for row in ctx.db.dicts(
            "SELECT s.on_date, s.type_id, s.entries, s.quantity FROM log_day_type s "
            "WHERE s.campaign_id = ? AND s.on_date <= ?",
            (ctx.campaign_id, ctx.today),
        )
    ]  # fmt: skip


def activity_types(ctx: Context, *, lang: str | None = None) -> dict[int, dict[str, Any]]:
    label = _label_column(lang)
    return {
        row["id"]: row
        for row in ctx.db.dicts(
            f"SELECT id, code, {label} AS label, unit FROM activity_type WHERE campaign_id = ?", (ctx.campaign_id,)
        )
    }


def phase_report(ctx: Context, ref: str | int | None = None, *, lang: str | None = None) -> dict[str, Any]:
    """Per phase: every task with lead, due, status, progress; quantities against targets.

    Quantities per activity type: the targets of the phase's tasks that are
    not cancelled, what was logged against those tasks, and everything
    logged on the phase's days (linked to a task or not). Log entries are
    aggregated in SQL (per task; per day and type); the phase's tasks are
    then summed up per type.
    """
    from campaign_cli.services import lookup

    today = ctx.today
    phases = phase_dates(ctx)
    if ref is not None:
        wanted = lookup.phase(ctx, ref)["id"]
        phases = [phase for phase in phases if phase["id"] == wanted]
    ids = [phase["id"] for phase in phases]
    by_phase: dict[int, list[dict[str, Any]]] = {phase_id: [] for phase_id in ids}
    if ids:
        where = f"t.phase_id IN ({_in_clause(ids)})"
        order = "CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due, t.id"
        for task in _task_list(ctx, where, tuple(ids), order=order):
            by_phase[task["phase_id"]].append(task)
    types = activity_types(ctx, lang=lang)
    days = logs_by_day_and_type(ctx)
    all_phases = phases if ref is None else phase_dates(ctx)
    outside = [group for group in days if phase_of_day(all_phases, group["date"]) is None]
    result = []
    for phase in phases:
        tasks = by_phase[phase["id"]]
        quantities: dict[int, dict[str, Any]] = {}
        units: dict[int, set[str]] = {}
        for task in tasks:
            if task["status"] == "cancelled" or task["type_id"] not in types:
                continue
            entry = quantities.setdefault(task["type_id"], _quantity_row(types[task["type_id"]]))
            entry["tasks"] += 1
            entry["target"] += task["target"] or 0
            entry["logged"] += task["logged"] or 0
            units.setdefault(task["type_id"], set()).add(task["unit"])
        for group in days:
            if phase["start"] <= group["date"] and (phase["end"] is None or group["date"] <= phase["end"]):
                entry = quantities.setdefault(group["type_id"], _quantity_row(types[group["type_id"]]))
                entry["in_phase"] += group["quantity"]
                entry["entries_in_phase"] += group["entries"]
        rows = []
        for type_id in sorted(quantities):
            entry = quantities[type_id]
            # logs count in the type's unit; a task may name its own ("chương
            # trình" for a Q&A), shown when all the phase's tasks agree
            if len(units.get(type_id, ())) == 1:
                entry["unit"] = next(iter(units[type_id]))
            entry["progress"] = ratio(entry["logged"] / entry["target"]) if entry["target"] else None
            for key in ("target", "logged", "in_phase"):
                entry[key] = number(entry[key])
            rows.append(entry)
        result.append(
            {
                **public_phase(summarise_phase(phase, tasks, today)),
                "task_list": [_phase_task(task) for task in tasks],
                "quantities": rows,
            }
        )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": today,
        "phases": result,
        "outside_phases": {
            "entries": sum(group["entries"] for group in outside),
            "quantity": number(sum(group["quantity"] for group in outside)),
        },
    }


def _quantity_row(kind: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind["code"],
        "label": kind["label"],
        "unit": kind["unit"],
        "tasks": 0,
        "target": 0.0,
        "logged": 0.0,
        "progress": None,
        "in_phase": 0.0,
        "entries_in_phase": 0,
    }


def _phase_task(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"],
        "title": task["title"],
        "lead": task["lead"],
        "support": task["support"],
        "due": task["due"],
        "status": task["status"],
        "overdue": task["overdue"],
        "progress": task["progress"],
        "target": task["target"],
        "logged": task["logged"],
        "unit": task["unit"],
        "lead_short": task["lead_short"],
    }


# -- member ----------------------------------------------------------------------
def member_report(ctx: Context, ref: str | None = None, *, lang: str | None = None) -> dict[str, Any]:
    """Each member's and unit's tasks (as lead or support) and logged work."""
    from campaign_cli.services import lookup

    only = lookup.party(ctx, ref) if ref else None
    label = _label_column(lang)
    loads = party_loads(ctx)
    members, units = loads["member"], loads["unit"]
    if only is not None:
        members = [row for row in members if only.kind == "member" and row["id"] == only.id]
        units = [row for row in units if only.kind == "unit" and row["id"] == only.id]
    # one row per task and party; progress from the one rule, over logged_by_task
    logged = logged_by_task(ctx)
    asof = _as_of(ctx)
    assignments = ctx.db.dicts(
        "SELECT a.member_id, a.unit_id, a.role, t.id, t.title, t.due, t.status, t.target, t.overdue "
        f"FROM assignment a JOIN {asof.sql} t ON t.id = a.task_id "
        "ORDER BY CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due, t.id, a.id",
        asof.params,
    )
    tasks: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in assignments:
        key = ("member", row["member_id"]) if row["member_id"] is not None else ("unit", row["unit_id"])
        due = coerce_date(row["due"])
        tasks.setdefault(key, []).append(
            {
                "id": row["id"],
                "title": row["title"],
                "role": row["role"],
                "due": due,
                "status": row["status"],
                "overdue": bool(row["overdue"]),
                "progress": ratio(task_progress(row["status"], row["target"], logged.get(row["id"], 0))),
            }
        )
    # logged work per party and type
    work: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in ctx.db.dicts(
        f"SELECT x.member_id, x.unit_id, at.id AS type_id, at.code, at.{label} AS label, at.unit, "
        "x.entries, x.quantity FROM ("
        "SELECT s.member_id, s.unit_id, s.type_id, SUM(s.entries) AS entries, SUM(s.quantity) AS quantity "
        "FROM log_day_party s "
        "WHERE s.campaign_id = ? AND s.on_date <= ? AND (s.member_id <> 0 OR s.unit_id <> 0) "
        "GROUP BY s.member_id, s.unit_id, s.type_id"
        ") x JOIN activity_type at ON at.id = x.type_id ORDER BY at.id",
        (ctx.campaign_id, ctx.today),
    ):
        key = ("member", row["member_id"]) if row["member_id"] != 0 else ("unit", row["unit_id"])
        work.setdefault(key, []).append(
            {
                "type": row["code"],
                "label": row["label"],
                "unit": row["unit"],
                "quantity": number(row["quantity"]),
                "entries": int(row["entries"]),
            }
        )

    def detail(kind: str, row: dict[str, Any]) -> dict[str, Any]:
        logged = work.get((kind, row["id"]), [])
        return {
            **row,
            "entries": sum(item["entries"] for item in logged),
            "tasks": tasks.get((kind, row["id"]), []),
            "activity": logged,
        }

    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": ctx.today,
        "members": [detail("member", row) for row in members],
        "units": [detail("unit", row) for row in units],
    }


# -- burndown --------------------------------------------------------------------
def burndown_report(ctx: Context, ref: str | int | None = None) -> dict[str, Any]:
    """Open tasks per day toward election day (or over one phase), with an ideal line.

    Scope: tasks not cancelled, of the phase asked for, or by default of the
    phases that start on or before election day, as they stood on the as-of
    date (a completion after it is not known yet: the task is open). A done
    task without a completion date cannot be placed in time and is left out.

    A task counts as open from its creation date or its phase's start,
    whichever is earlier (plans are often entered, imported or loaded after
    work began; a burndown shows the work as it is now known), and never
    later than its completion, until the day it was completed.

    Range: the phase's days, or from the first phase's start to election day.
    A phase with no end runs to its last due date or the as-of date, whichever
    is later. Days after the as-of date have ``open`` None.

    The ideal line burns each phase's tasks linearly over that phase's days:
    ideal(d) = sum over phases of (its tasks open by d) × (days of the phase
    left after d) / (days of the phase), so a single phase gives a straight
    line from its task count on the day before it starts to 0 on its last
    day, and the next phase's tasks join when they open.

    All counting is done by SQL GROUP BY (per creation day, phase and
    completion day); Python only sums the groups over days.
    """
    from campaign_cli.services import lookup

    today = ctx.today
    campaign = campaign_facts(ctx)
    election = campaign["election_day"]
    phases = phase_dates(ctx)
    chosen = None
    if ref is not None:
        wanted = lookup.phase(ctx, ref)["id"]
        chosen = next(phase for phase in phases if phase["id"] == wanted)
        scope = [chosen]
    else:
        scope = [phase for phase in phases if phase["start"] <= election] or phases
    base = {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": today,
        "election_day": election,
        "phase": _current(chosen, full=False),
        "start": None,
        "end": None,
        "tasks": 0,
        "series": [],
    }
    if not scope:
        return base
    ids = [phase["id"] for phase in scope]
    asof = _as_of(ctx)  # a completion after the as-of date is not known yet
    groups = ctx.db.dicts(
        "SELECT SUBSTR(t.created_at, 1, 10) AS created, t.phase_id, "
        "CASE WHEN t.status = 'done' THEN t.completed_on END AS closed, COUNT(*) AS n "
        f"FROM {asof.sql} t WHERE t.phase_id IN ({_in_clause(ids)}) "
        "AND t.status <> 'cancelled' AND (t.status <> 'done' OR t.completed_on IS NOT NULL) "
        "GROUP BY SUBSTR(t.created_at, 1, 10), t.phase_id, CASE WHEN t.status = 'done' THEN t.completed_on END",
        (*asof.params, *ids),
    )
    start = min(phase["start"] for phase in scope)
    if chosen is not None:
        end = chosen["end"]
        if end is None:
            last_due = coerce_date(
                ctx.db.scalar("SELECT MAX(due) FROM task WHERE phase_id = ? AND status <> 'cancelled'", (chosen["id"],))
            )
            end = max(day for day in (today, last_due, start) if day is not None)
    else:
        end = max(election, start)
    phase_start = {phase["id"]: phase["start"] for phase in scope}
    phase_end = {phase["id"]: min(phase["end"] or end, end) for phase in scope}
    opened: dict[int, dict[dt.date, int]] = {phase_id: {} for phase_id in phase_start}
    closed: dict[dt.date, int] = {}
    per_phase: dict[int, int] = {}
    for group in groups:
        count, phase_id = int(group["n"]), group["phase_id"]
        done_on = coerce_date(group["closed"])
        created = _created_day(group["created"]) or phase_start[phase_id]
        open_from = min(created, phase_start[phase_id])
        if done_on is not None:
            open_from = min(open_from, done_on)
            closed[done_on] = closed.get(done_on, 0) + count
        opened[phase_id][open_from] = opened[phase_id].get(open_from, 0) + count
        per_phase[phase_id] = per_phase.get(phase_id, 0) + count
    # running totals: everything up to the first day, then day by day
    known = {phase_id: sum(n for day, n in days.items() if day <= start) for phase_id, days in opened.items()}
    gone = sum(n for day, n in closed.items() if day <= start)
    series = []
    day = start
    while day <= end:
        if day > start:
            for phase_id, days in opened.items():
                known[phase_id] += days.get(day, 0)
            gone += closed.get(day, 0)
        ideal = 0.0
        for phase_id, count in known.items():
            first, last = phase_start[phase_id], phase_end[phase_id]
            length = (last - first).days + 1
            ideal += count * min(length, max(0, (last - day).days)) / length
        open_now = sum(known.values()) - gone
        series.append({"date": day, "open": open_now if day <= today else None, "ideal": round(ideal, 2)})
        day += dt.timedelta(days=1)
    return {**base, "start": start, "end": end, "tasks": sum(per_phase.values()), "series": series}


def _created_day(value: Any) -> dt.date | None:
    try:
        return coerce_date(value)
    except (ValueError, TypeError):
        return None


# -- timeline --------------------------------------------------------------------
def timeline_report(ctx: Context) -> dict[str, Any]:
    """Phases and their tasks on a date axis: each task from its phase's start to its due date."""
    today = ctx.today
    campaign = campaign_facts(ctx)
    phases = phase_dates(ctx)
    tasks = _task_list(ctx, "1 = 1", (), order="CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due, t.id")
    by_phase: dict[int, list[dict[str, Any]]] = {phase["id"]: [] for phase in phases}
    for task in tasks:
        by_phase.setdefault(task["phase_id"], []).append(task)
    # The axis spans the plan (phases, due dates, election day); the as-of
    # date is marked only when it falls inside.
    days = [campaign["election_day"]]
    for phase in phases:
        days.append(phase["start"])
        if phase["end"]:
            days.append(phase["end"])
    days += [task["due"] for task in tasks if task["due"] is not None]
    start = min(phase["start"] for phase in phases) if phases else min(days)
    end = max(days)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": today,
        "election_day": campaign["election_day"],
        "start": start,
        "end": end,
        "phases": [
            {
                "number": phase["number"],
                "name": phase["name"],
                "start": phase["start"],
                "end": phase["end"],
                "tasks": [
                    {
                        "id": task["id"],
                        "title": task["title"],
                        "start": phase["start"],
                        "due": task["due"],
                        "status": task["status"],
                        "lead": task["lead"],
                        "overdue": task["overdue"],
                    }
                    for task in by_phase.get(phase["id"], [])
                ],
            }
            for phase in phases
        ],
    }
