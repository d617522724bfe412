"""Tasks (nhiệm vụ): what a phase plans, who leads and supports it, how far it got.

A task belongs to one phase, may have an activity type (its unit of measure
defaults to the type's), a due date inside its phase, a target quantity and
content themes. It is assigned the chủ trì / phối hợp way: at most one lead
and any number of supporters, each a member or a unit.

Statuses and the transitions between them (``set_status``)::

    to \\ from   todo   doing   blocked   done      cancelled
    doing       yes    -       yes       reopen    reopen      (campaign task start)
    done        yes    yes     yes       -         reopen      (campaign task done)
    todo        -      no      yes       yes       yes         (campaign task reopen)
    blocked     yes    yes     reason    reopen    reopen      (campaign task block)
    cancelled   yes    yes     yes       reopen    -           (campaign task cancel)

- "-": already in that status, a Conflict ("task 5 is already done").
- "reopen": a done or cancelled task is closed; it must be reopened first.
- "no": reopen is for closed or blocked tasks; a task in progress is not
  closed (``campaign undo`` takes back a mistaken start).
- "reason": blocking a blocked task replaces the reason.
- ``completed_on`` is set only while a task is done (the day given, else the
  as-of date; ``task done --on`` refuses a day after the as-of date);
  ``reason`` only while it is blocked (required) or cancelled (optional).
  Every other transition clears them.

A task as it stood on a day D (the as-of date, ``ctx.today``): every
report and list shows the campaign as it was on D, so what happened after D
does not count yet:

- status: a task is done on D only if its ``completed_on`` is on or before D.
  A task completed after D counts as it was before its completion: ``doing``
  when log entries against it are dated on or before D, else ``todo``.
  A done task *without* a completion date (an old database or an imported
  file may hold one; the commands always record the day) is done on every
  day: when it was finished is unknown, so it is never put back. Burndown
  leaves such a task out for the same reason (it cannot be placed in time).
  Other statuses (todo, doing, blocked, cancelled) carry no date and stand
  as recorded;
- logged = the sum of the quantities of the log entries against the task
  dated on or before D;
- progress (CLI.md "Meanings") = 1 when done on D; else min(1, logged /
  target) when target > 0; else 0;
- overdue = due before D and, on D, neither done nor cancelled (so a task
  completed after D but due before D was overdue on D).

:func:`task_progress` and :func:`is_overdue` state these rules in Python;
:func:`tasks_as_of` (the ``task`` table as it stood on D) and
:func:`task_progress_sql` are the same rules in SQL, for the list here and
for reports, so every number the tool shows is computed one way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from campaign_cli.errors import Conflict, Invalid, NotFound
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Transaction, utc_now
from campaign_cli.vocabulary import CLOSED_STATUSES, UNSET, TaskStatus, codes

STATUSES = codes(TaskStatus)
CLOSED = CLOSED_STATUSES
SORTS = ("phase", "due", "id")

MAX_TITLE = 500
MAX_THEME = 200
MAX_UNIT_OF_MEASURE = 50
MAX_REASON = 500

#: (from, to) pairs :func:`set_status` allows; see the module docstring.
TRANSITIONS = frozenset(
    {
        ("todo", "doing"), ("blocked", "doing"),
        ("todo", "done"), ("doing", "done"), ("blocked", "done"),
        ("blocked", "todo"), ("done", "todo"), ("cancelled", "todo"),
        ("todo", "blocked"), ("doing", "blocked"), ("blocked", "blocked"),
        ("todo", "cancelled"), ("doing", "cancelled"), ("blocked", "cancelled"),
    }
)  # fmt: skip


# -- progress and overdue: the one definition --------------------------------
def task_progress(status: str, target: float | None, logged: float | None) -> float:
    """A task's progress from 0 to 1 (CLI.md): done counts 1; with a target
    above zero, logged ÷ target capped at 1; otherwise 0."""
    if status == "done":
        return 1.0
    if target is not None and target > 0:
        return min(1.0, max(0.0, (logged or 0.0) / target))
    return 0.0


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """Due before the as-of date and neither done nor cancelled."""
    return due is not None and due < today and status not in CLOSED


class AsOfSQL(NamedTuple):
    """The ``task`` table as it stood on a day: a FROM-clause source and its parameters."""

    sql: str
    params: list[Any]


#: Columns of ``task`` the as-of table passes through as they are.
_PLAIN_COLUMNS = (
    "id", "campaign_id", "phase_id", "title", "title_folded", "type_id", "due", "target",
    "unit_of_measure", "themes", "reason", "created_at",
)  # fmt: skip


def tasks_as_of(as_of: dt.date, campaign_id: int, *, children: bool = False) -> AsOfSQL:
    """The campaign's tasks as they stood on ``as_of`` (module docstring), as a derived table.

    Use it where a query would say ``task``: ``f"SELECT ... FROM {asof.sql} t
    WHERE ..."`` with ``asof.params`` first among the statement's parameters
    (it sits in the FROM clause, before any WHERE placeholder). It has the
    columns of ``task``, where ``status`` and ``completed_on`` are those of
    the as-of date, plus ``overdue`` (1 or 0) and the row as recorded:
    ``recorded_status`` and ``recorded_completed_on``. Only tasks done after
    the as-of date look at the log (one indexed probe each). ``children``:
    the tasks of every campaign filed under ``campaign_id`` instead (a
    province's roll-up of its communes, in one query).
    """
    worked = "EXISTS (SELECT 1 FROM log_task_day w WHERE w.task_id = t.id AND w.on_date <= ?)"
    status = (
        "CASE WHEN t.status = 'done' AND t.completed_on > ? "
        f"THEN (CASE WHEN {worked} THEN 'doing' ELSE 'todo' END) ELSE t.status END"
    )
    completed = "CASE WHEN t.completed_on <= ? THEN t.completed_on END"
    closed = "(t.status = 'cancelled' OR (t.status = 'done' AND (t.completed_on IS NULL OR t.completed_on <= ?)))"
    overdue = f"CASE WHEN t.due < ? AND NOT {closed} THEN 1 ELSE 0 END"
    plain = ", ".join(f"t.{name}" for name in _PLAIN_COLUMNS)
    scope = "t.campaign_id IN (SELECT c.id FROM campaign c WHERE c.parent_id = ?)" if children else "+t.campaign_id = ?"
    sql = (
        f"(SELECT {plain}, {status} AS status, {completed} AS completed_on, {overdue} AS overdue, "
        "t.status AS recorded_status, t.completed_on AS recorded_completed_on "
        f"FROM task t WHERE {scope})"
    )
    # every placeholder before the campaign's is the as-of date
    return AsOfSQL(sql, [as_of] * (sql.count("?") - 1) + [campaign_id])


#: The quantity logged against task ``t.id`` up to a day (bind the day): its
#: running total on the last day with entries on or before it, one probe into
#: ``log_task_day`` (storage.summary); NULL when nothing was logged by then.
LOGGED_SQL = (
    "(SELECT c.cum_quantity FROM log_task_day c WHERE c.task_id = {task}.id AND c.on_date <= ? "
    "ORDER BY c.on_date DESC LIMIT 1)"
)


class ProgressSQL(NamedTuple):
    """SQL pieces computing logged quantity and progress per task, as of a day.

    ``tasks`` is a FROM-clause source: a grouped subquery (alias ``lg``)
    summing, for each task id the caller selects, the quantities logged
    against it up to the as-of date, joined to those tasks as they stood
    that day (alias ``t``, see :func:`tasks_as_of`: ``t.status`` and
    ``t.overdue`` are those of the as-of date). ``params`` bind its
    placeholders, in order, where ``tasks`` appears in the statement.
    ``logged`` and ``progress`` are expressions over ``lg`` and ``t``; they
    take no parameters.
    """

    tasks: str
    params: list[Any]
    logged: str
    progress: str


def task_progress_sql(
    as_of: dt.date,
    campaign_id: int,
    ids_sql: str,
    ids_params: Iterable[Any] = (),
    *,
    carry: Iterable[str] = (),
    task: str = "t",
    alias: str = "lg",
    children: bool = False,
) -> ProgressSQL:
    """Logged quantity and progress of the tasks that ``ids_sql`` selects.

    ``ids_sql`` yields a column ``id`` (task ids) and any ``carry`` columns,
    which come through as ``lg.<column>`` (a listing carries its sort
    position). The logged quantity of each is one probe into the running
    totals (:data:`LOGGED_SQL`), so a page of 25 tasks costs the same in a
    campaign of 30 tasks or 10,000, with 1,000 entries or 1,000,000. Example,
    mean progress per phase::

        p = task_progress_sql(ctx.today, ctx.campaign_id, "SELECT id FROM task WHERE campaign_id = ?",
                              [ctx.campaign_id])
        ctx.db.rows(f"SELECT t.phase_id, AVG({p.progress}) FROM {p.tasks} "
                    "WHERE t.status <> 'cancelled' GROUP BY t.phase_id", p.params)
    """
    asof = tasks_as_of(as_of, campaign_id, children=children)
    columns = ", ".join(f"i.{name}" for name in ("id", *carry))
    source = (
        f"(SELECT {columns}, {LOGGED_SQL.format(task='i')} AS logged FROM ({ids_sql}) i) {alias} "
        f"JOIN {asof.sql} {task} ON {task}.id = {alias}.id"
    )
    logged = f"COALESCE({alias}.logged, 0)"
    # CASE rather than MIN(a, b): two-argument MIN is SQLite only (LEAST in PostgreSQL).
    progress = (
        f"(CASE WHEN {task}.status = 'done' THEN 1.0 "
        f"WHEN {task}.target > 0 THEN (CASE WHEN {logged} >= {task}.target THEN 1.0 "
        f"ELSE {logged} * 1.0 / {task}.target END) "
        "ELSE 0.0 END)"
    )
    # The day's placeholder comes first: it sits in the select list, before ids_sql.
    # (A scalar subquery, which SQLite copies into the progress CASE where it is
    # needed: done tasks and tasks without a target are never probed.)
    return ProgressSQL(source, [as_of, *ids_params, *asof.params], logged, progress)


# -- cleaning what users type ------------------------------------------------
def _clean_title(title: str | None) -> str:
    return validate.text(title, "title", required=True, max_len=MAX_TITLE)


def _clean_themes(themes: Iterable[str] | None) -> list[str]:
    """Themes in NFC, empty ones dropped, duplicates (ignoring case and accents) once."""
    if isinstance(themes, str):
        themes = [themes]
    cleaned: list[str] = []
    seen: set[str] = set()
    for theme in themes or ():
        value = validate.text(str(theme), "theme", max_len=MAX_THEME)
        if value and fold(value) not in seen:
            seen.add(fold(value))
            cleaned.append(value)
    return cleaned


def _title_folded(title: str, themes: list[str]) -> str:
    """The search twin: title and themes, so ``--search`` finds either."""
    return fold(" ".join([title, *themes]))


def _clean_unit_of_measure(value: str | None) -> str:
    return validate.text(value, "unit of measure", max_len=MAX_UNIT_OF_MEASURE)


def _clean_target(value: Any) -> float | None:
    return validate.quantity(value, "target")


def _clean_status(status: str | None) -> str:
    value = (status or "").strip().lower()
    if value not in STATUSES:
        raise Invalid(
            _("unknown status {value!r}: use one of {choices}").format(value=status, choices=", ".join(STATUSES))
        )
    return value


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _phase_span(phase: dict[str, Any]) -> str:
    end = _day(phase["end_date"]) if phase["end_date"] else "…"
    return f"{_day(phase['start_date'])}–{end}"


def _check_due(due: dt.date | None, phase: dict[str, Any]) -> None:
    """A due date must fall inside the task's phase (inclusive, open end allowed)."""
    if due is None:
        return
    if due < phase["start_date"] or (phase["end_date"] is not None and due > phase["end_date"]):
        raise Invalid(
            _(
                "the due date {due} falls outside phase {number} ({name}, {span}); "
                "give a date inside the phase or another phase"
            ).format(due=_day(due), number=phase["number"], name=phase["name"], span=_phase_span(phase))
        )


def _party(ctx: Context, ref: Any) -> lookup.Party:
    if isinstance(ref, lookup.Party):
        return ref
    return lookup.party(ctx, str(ref))


def _parties(ctx: Context, refs: Iterable[Any] | None) -> list[lookup.Party]:
    """Resolved references, each party once, in the order given."""
    if isinstance(refs, str):
        refs = [refs]
    parties: list[lookup.Party] = []
    for ref in refs or ():
        party = _party(ctx, ref)
        if party not in parties:
            parties.append(party)
    return parties


def _check_lead_not_support(lead: lookup.Party | None, support: list[lookup.Party]) -> None:
    if lead is not None and lead in support:
        raise Invalid(
            _("{name} leads the task and cannot also support it; leave it out of the supporters").format(name=lead.name)
        )


def _assignment(task_id: int, role: str, party: lookup.Party) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "role": role,
        "member_id": party.id if party.kind == "member" else None,
        "unit_id": party.id if party.kind == "unit" else None,
    }


def _status_fields(ctx: Context, status: str, completed_on: dt.date | None, reason: str | None) -> dict[str, Any]:
    """completed_on and reason that fit ``status`` (see the module docstring)."""
    reason = validate.text(reason, "reason", max_len=MAX_REASON)
    if status == "done":
        completed_on = completed_on or ctx.today
    elif completed_on is not None:
        raise Invalid(_("only a done task has a completion date (the status is {status})").format(status=status))
    if status == "blocked" and not reason:
        raise Invalid(_("a blocked task needs a reason: say what it is waiting for"))
    if reason and status not in ("blocked", "cancelled"):
        raise Invalid(_("only a blocked or cancelled task has a reason (the status is {status})").format(status=status))
    return {"status": status, "completed_on": completed_on, "reason": reason}


# -- writing -----------------------------------------------------------------
def create_task(
    ctx: Context,
    tx: Transaction,
    *,
    title: str,
    phase: str | int,
    type: str | None = None,
    lead: str | None = None,
    support: Iterable[str] = (),
    due: dt.date | None = None,
    target: float | int | str | None = None,
    unit_of_measure: str | None = None,
    themes: Iterable[str] = (),
    status: str = "todo",
    completed_on: dt.date | None = None,
    reason: str = "",
    places: Iterable[str] = (),
) -> int:
    """Validate and insert one task with its assignments; returns its id.

    ``phase`` is a phase number, ``type`` an activity type code or label,
    ``lead`` and ``support`` member or unit references (ids, ``m12``/``u3``,
    names). ``unit_of_measure`` defaults to the type's unit. ``places``: the
    places it covers (references, or "all communes").
    """
    title = _clean_title(title)
    phase_row = lookup.phase(ctx, phase)
    type_row = lookup.activity_type(ctx, type) if type not in (None, "") else None
    _check_due(due, phase_row)
    lead_party = _party(ctx, lead) if lead not in (None, "") else None
    supporters = _parties(ctx, support)
    _check_lead_not_support(lead_party, supporters)
    if unit_of_measure is None:
        unit_of_measure = type_row["unit"] if type_row else ""
    theme_list = _clean_themes(themes)
    values = {
        "campaign_id": ctx.campaign_id,
        "phase_id": phase_row["id"],
        "title": title,
        "title_folded": _title_folded(title, theme_list),
        "type_id": type_row["id"] if type_row else None,
        "due": due,
        "target": _clean_target(target),
        "unit_of_measure": _clean_unit_of_measure(unit_of_measure),
        "themes": "\n".join(theme_list),
        **_status_fields(ctx, _clean_status(status), completed_on, reason),
        "created_at": utc_now(),
    }
    task_id = tx.insert("task", values)
    if lead_party is not None:
        tx.insert("assignment", _assignment(task_id, "lead", lead_party))
    for party in supporters:
        tx.insert("assignment", _assignment(task_id, "support", party))
    if places:
        from campaign_cli.services.places import set_task_places, task_place_ids

        set_task_places(ctx, tx, task_id, task_place_ids(ctx, places))
    return task_id


def add_task(ctx: Context, **fields: Any) -> dict[str, Any]:
    """Create a task (the fields of :func:`create_task`) in its own transaction."""
    with ctx.transaction() as tx:
        task_id = create_task(ctx, tx, **fields)
    return get_task(ctx, task_id)


def edit_task(
    ctx: Context,
    ref: str | int,
    *,
    title: Any = UNSET,
    phase: Any = UNSET,
    type: Any = UNSET,
    lead: Any = UNSET,
    add_support: Iterable[str] = (),
    remove_support: Iterable[str] = (),
    due: Any = UNSET,
    target: Any = UNSET,
    unit_of_measure: Any = UNSET,
    themes: Any = UNSET,
    places: Any = UNSET,
) -> dict[str, Any]:
    """Change a task; ``None`` clears type, lead, due and target; ``places=()`` the places it covers.

    Returns the task as :func:`get_task` does, plus ``changed``: the names of
    the fields that changed (empty when the values given were the same).
    A new lead who was a supporter stops being one. Changing the type also
    changes a unit of measure that was the old type's default.
    """
    givens = (title, phase, type, lead, due, target, unit_of_measure, themes, places)
    if all(value is UNSET for value in givens) and not add_support and not remove_support:
        raise Invalid(_("nothing to change: give at least one option (see  campaign task edit --help)"))
    with ctx.transaction() as tx:
        row = _task_row(ctx, ref)
        task_id = row["id"]
        values: dict[str, Any] = {}
        changed: list[str] = []

        new_title = row["title"] if title is UNSET else _clean_title(title)
        new_themes = _split_themes(row["themes"]) if themes is UNSET else _clean_themes(themes)
        values["title"] = new_title
        values["themes"] = "\n".join(new_themes)
        values["title_folded"] = _title_folded(new_title, new_themes)

        if phase is not UNSET or due is not UNSET:
            phase_row = lookup.phase(ctx, phase) if phase is not UNSET else _phase_by_id(ctx, row["phase_id"])
            new_due = row["due"] if due is UNSET else due
            _check_due(new_due, phase_row)
            values["phase_id"] = phase_row["id"]
            values["due"] = new_due

        if type is not UNSET:
            new_type = lookup.activity_type(ctx, type) if type not in (None, "") else None
            values["type_id"] = new_type["id"] if new_type else None
            if unit_of_measure is UNSET and new_type and values["type_id"] != row["type_id"]:
                old_unit = ctx.db.scalar("SELECT unit FROM activity_type WHERE id = ?", (row["type_id"],))
                if row["unit_of_measure"] in ("", old_unit):
                    values["unit_of_measure"] = new_type["unit"]
        if unit_of_measure is not UNSET:
            values["unit_of_measure"] = _clean_unit_of_measure(unit_of_measure)
        if target is not UNSET:
            values["target"] = _clean_target(target)

        changed += [
            name
            for name in ("title", "phase_id", "type_id", "due", "target", "unit_of_measure", "themes")
            if name in values and values[name] != row[name]
        ]
        tx.update("task", task_id, values)
        changed += _edit_assignments(ctx, tx, task_id, lead, add_support, remove_support)
        if places is not UNSET:
            from campaign_cli.services.places import set_task_places, task_place_ids

            if set_task_places(ctx, tx, task_id, task_place_ids(ctx, places)):
                changed.append("places")
    task = get_task(ctx, task_id)
    task["changed"] = [{"phase_id": "phase", "type_id": "type"}.get(name, name) for name in changed]
    return task


def _edit_assignments(
    ctx: Context, tx: Transaction, task_id: int, lead: Any, add_support: Iterable[str], remove_support: Iterable[str]
) -> list[str]:
    current = _assignments(ctx, task_id)
    current_lead = next((party for role, party, _id in current if role == "lead"), None)
    supporters = {party: assignment_id for role, party, assignment_id in current if role == "support"}
    changed: list[str] = []

    for party in _parties(ctx, remove_support):
        if party not in supporters:
            raise NotFound(_("{name} does not support this task; nothing to remove").format(name=party.name))
        tx.delete("assignment", supporters.pop(party))
        changed.append("support")

    new_lead = current_lead
    if lead is not UNSET:
        new_lead = _party(ctx, lead) if lead not in (None, "") else None
        if new_lead != current_lead:
            tx.delete_where("assignment", "task_id = ? AND role = 'lead'", (task_id,))
            if new_lead is not None:
                if new_lead in supporters:  # promoted from supporter to lead
                    tx.delete("assignment", supporters.pop(new_lead))
                    changed.append("support")
                tx.insert("assignment", _assignment(task_id, "lead", new_lead))
            changed.append("lead")

    additions = [party for party in _parties(ctx, add_support) if party not in supporters]
    _check_lead_not_support(new_lead, additions)
    for party in additions:
        tx.insert("assignment", _assignment(task_id, "support", party))
        changed.append("support")
    return list(dict.fromkeys(changed))


def set_status(
    ctx: Context, ref: str | int, status: str, *, on: dt.date | None = None, reason: str | None = None
) -> dict[str, Any]:
    """Move a task to ``status`` if the transition is allowed (module docstring).

    ``on`` is the completion day for ``done`` (default: the as-of date);
    ``reason`` is required for ``blocked`` and optional for ``cancelled``.
    Returns the task as :func:`get_task` does, plus ``previous``: the status
    it had.
    """
    status = _clean_status(status)
    with ctx.transaction() as tx:
        row = _task_row(ctx, ref)
        current = row["status"]
        if (current, status) not in TRANSITIONS:
            raise Conflict(_transition_refusal(row, status))
        if status == "done":
            if on is not None and on > ctx.today:
                # A plan may record any completion date; a user marking a task
                # done now cannot have finished it in the future.
                raise Invalid(
                    _(
                        "a task cannot be completed on {day}, after the as-of date {today}; give a date on or before it"
                    ).format(day=_day(on), today=_day(ctx.today))
                )
            fields = _status_fields(ctx, status, on, "")
        elif status in ("blocked", "cancelled"):
            fields = _status_fields(ctx, status, None, reason)
        else:
            fields = _status_fields(ctx, status, None, "")
        tx.update("task", row["id"], fields)
    task = get_task(ctx, row["id"])
    task["previous"] = current
    return task


def _transition_refusal(row: dict[str, Any], status: str) -> str:
    task_id, current = row["id"], row["status"]
    if current == status:
        if current == "done":
            return _("task {id} is already done (on {day})").format(id=task_id, day=_day(row["completed_on"]))
        if current == "doing":
            return _("task {id} is already in progress").format(id=task_id)
        if current == "cancelled":
            return _("task {id} is already cancelled").format(id=task_id)
        return _("task {id} is already open (todo): nothing to reopen").format(id=task_id)
    if current in CLOSED:
        return _("task {id} is {status}: reopen it first with  campaign task reopen {id}").format(
            id=task_id, status=current
        )
    # doing -> todo
    return _("task {id} is in progress, not closed: reopen is for done, cancelled or blocked tasks").format(id=task_id)


def remove_task(ctx: Context, ref: str | int) -> dict[str, Any]:
    """Delete a task and its assignments; its log entries stay, detached.

    Everything goes through the transaction explicitly (not ON DELETE) so
    ``undo`` puts the task, its assignments and the links back. Returns the
    task row plus ``assignments`` and ``logs``: how many were removed / detached.
    """
    with ctx.transaction() as tx:
        row = _task_row(ctx, ref)
        assignments = tx.delete_where("assignment", "task_id = ?", (row["id"],))
        tx.delete_where("task_place", "task_id = ?", (row["id"],))
        logs = tx.update_where("activity", {"task_id": None}, "task_id = ?", (row["id"],))
        tx.delete("task", row["id"])
    return {**row, "assignments": assignments, "logs": logs}


# -- reading -----------------------------------------------------------------
_ORDER = {
    "phase": "p.number, CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due, t.id",
    "due": "CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due, p.number, t.id",
    "id": "t.id",
}


class TaskList(list):
    """The tasks shown, plus ``total``: how many matched before ``limit``."""

    total: int = 0


def list_tasks(
    ctx: Context,
    *,
    phase: str | int | None = None,
    member: str | None = None,
    unit: str | None = None,
    statuses: Iterable[str] = (),
    overdue: bool = False,
    due_before: dt.date | None = None,
    search: str | None = None,
    limit: int | None = None,
    sort: str = "phase",
) -> TaskList:
    """Tasks matching every filter given, in ``sort`` order, at most ``limit``.

    ``member``/``unit`` match tasks the member or unit leads or supports;
    ``statuses`` any of them; ``due_before`` strictly before that day;
    ``search`` the title or a theme, ignoring case and diacritics.
    Default order: phase, then due date (tasks without one last), then id.
    """
    if sort not in _ORDER:
        raise Invalid(_("unknown sort {value!r}: use one of {choices}").format(value=sort, choices=", ".join(SORTS)))
    if limit is not None and limit < 1:
        raise Invalid(_("the limit must be 1 or more"))
    asof = tasks_as_of(ctx.today, ctx.campaign_id)
    where = ["1 = 1"]
    params: list[Any] = list(asof.params)
    if phase is not None:
        where.append("t.phase_id = ?")
        params.append(lookup.phase(ctx, phase)["id"])
    if member is not None:
        where.append("EXISTS (SELECT 1 FROM assignment x WHERE x.task_id = t.id AND x.member_id = ?)")
        params.append(lookup.member(ctx, member)["id"])
    if unit is not None:
        where.append("EXISTS (SELECT 1 FROM assignment x WHERE x.task_id = t.id AND x.unit_id = ?)")
        params.append(lookup.unit(ctx, unit)["id"])
    wanted = list(dict.fromkeys(_clean_status(status) for status in statuses))
    if wanted:
        where.append(f"t.status IN ({', '.join('?' for _ in wanted)})")
        params.extend(wanted)
    if overdue:
        where.append("t.overdue = 1")
    if due_before is not None:
        where.append("t.due < ?")
        params.append(due_before)
    if search is not None and search.strip():
        where.append("t.title_folded LIKE ? ESCAPE '\\'")
        params.append(lookup.like_pattern(search))
    order = _ORDER[sort]
    matching = "FROM {tasks} t JOIN phase p ON p.id = t.phase_id WHERE {where}".format(
        where=" AND ".join(where), tasks=asof.sql
    )
    # ORDER BY ... LIMIT keeps only the first rows while it sorts; a window
    # function numbering every match (and counting them) sorted them all: 3x slower.
    page = f"SELECT t.id {matching} ORDER BY {order}"
    page_params = list(params)
    if limit is not None:
        page += " LIMIT ?"
        page_params.append(limit)
    rows = _query(ctx, page, page_params, order)
    result = TaskList(rows)
    if limit is not None and len(rows) == limit:
        result.total = int(ctx.db.scalar(f"SELECT COUNT(*) {matching}", params))
    else:
        result.total = len(rows)
    return result


def _query(ctx: Context, page_sql: str, page_params: list[Any], order: str = "t.id") -> list[dict[str, Any]]:
    """The tasks that ``page_sql`` (a column id) selects, in full and in ``order``, in one query.

    One row comes back per task and assignment (lead first, then supporters
    in the order they were added); they are folded into one dict per task.
    Logged quantities are read only for the tasks of the page.
    """
    progress = task_progress_sql(ctx.today, ctx.campaign_id, page_sql, page_params)
    sql = (
        "SELECT t.id, p.number AS phase, p.name AS phase_name, t.title, ty.code AS type, "
        "ty.label_vi AS type_label, t.due, t.target, t.unit_of_measure, t.status, t.reason, t.completed_on, "
        "t.recorded_completed_on, "
        f"t.themes, t.created_at, {progress.logged} AS logged, {progress.progress} AS progress, t.overdue, "
        "asg.role, asg.member_id, asg.unit_id, m.name AS member_name, u.name AS unit_name, u.short AS unit_short "
        f"FROM {progress.tasks} JOIN phase p ON p.id = t.phase_id "
        "LEFT JOIN activity_type ty ON ty.id = t.type_id "
        "LEFT JOIN assignment asg ON asg.task_id = t.id "
        "LEFT JOIN member m ON m.id = asg.member_id LEFT JOIN unit u ON u.id = asg.unit_id "
        f"ORDER BY {order}, CASE WHEN asg.role = 'lead' THEN 0 ELSE 1 END, asg.id"
    )
    rows = ctx.db.dicts(sql, progress.params)
    tasks: dict[int, dict[str, Any]] = {}
    for row in rows:
        task = tasks.get(row["id"])
        if task is None:
            task = tasks[row["id"]] = {
                "id": row["id"],
                "phase": row["phase"],
                "title": row["title"],
                "type": row["type"],
                "lead": None,
                "support": [],
                "due": row["due"],
                "target": _plain(row["target"]),
                "unit_of_measure": row["unit_of_measure"],
                "logged": _plain(row["logged"]),
                "progress": float(row["progress"]),
                "status": row["status"],
                "overdue": bool(row["overdue"]),
                "themes": _split_themes(row["themes"]),
                "completed_on": coerce_date(row["completed_on"]),
                # a completion recorded after the as-of date (the task is not done yet on that day)
                "completed_later": coerce_date(row["recorded_completed_on"]) if row["completed_on"] is None else None,
                "reason": row["reason"],
                "phase_name": row["phase_name"],
                "type_label": row["type_label"],
                "created_at": row["created_at"],
                "lead_label": "",
            }
        if row["role"] is not None:
            party = _party_dict(row["member_id"], row["unit_id"], row["member_name"], row["unit_name"])
            if row["role"] == "lead":
                task["lead"] = party
                # Tables show a unit by its abbreviation when it has one.
                task["lead_label"] = (row["unit_short"] if party["kind"] == "unit" else None) or party["name"]
            else:
                task["support"].append(party)
    return list(tasks.values())


def get_task(ctx: Context, ref: str | int) -> dict[str, Any]:
    """One task with everything :func:`list_tasks` gives, plus its log entries.

    ``logs`` lists every entry against the task (date, type, quantity, by,
    place, note), oldest first; those dated after the as-of date are listed
    too but not counted in ``logged`` (``logs_after``: how many).
    """
    task_id = lookup.task(ctx, ref)["id"]
    rows = _query(ctx, "SELECT t.id FROM task t WHERE t.id = ?", [task_id])
    task = rows[0]
    logs = ctx.db.dicts(
        "SELECT a.id, a.on_date AS date, ty.code AS type, a.quantity, a.member_id, a.unit_id, "
        "m.name AS member_name, u.name AS unit_name, a.place, a.note "
        "FROM activity a JOIN activity_type ty ON ty.id = a.type_id "
        "LEFT JOIN member m ON m.id = a.member_id LEFT JOIN unit u ON u.id = a.unit_id "
        "WHERE a.task_id = ? ORDER BY a.on_date, a.id",
        (task_id,),
    )
    task["logs"] = [
        {
            "id": log["id"],
            "date": log["date"],
            "type": log["type"],
            "quantity": _plain(log["quantity"]),
            "by": _party_dict(log["member_id"], log["unit_id"], log["member_name"], log["unit_name"]),
            "place": log["place"],
            "note": log["note"],
        }
        for log in logs
    ]
    task["logs_after"] = sum(1 for log in logs if log["date"] > ctx.today)
    from campaign_cli.services.coverage import task_places

    task["places"] = task_places(ctx, task_id)
    return task


# -- helpers -----------------------------------------------------------------
_TASK_COLUMNS = "id, phase_id, title, type_id, due, target, unit_of_measure, themes, status, reason, completed_on"


def _task_row(ctx: Context, ref: str | int) -> dict[str, Any]:
    task_id = lookup.task(ctx, ref)["id"]
    return ctx.db.one(f"SELECT {_TASK_COLUMNS} FROM task WHERE id = ?", (task_id,))


def _phase_by_id(ctx: Context, phase_id: int) -> dict[str, Any]:
    return ctx.db.one("SELECT id, number, name, start_date, end_date FROM phase WHERE id = ?", (phase_id,))


def _assignments(ctx: Context, task_id: int) -> list[tuple[str, lookup.Party, int]]:
    """(role, party, assignment id) of a task, lead first."""
    rows = ctx.db.dicts(
        "SELECT asg.id, asg.role, asg.member_id, asg.unit_id, m.name AS member_name, u.name AS unit_name "
        "FROM assignment asg LEFT JOIN member m ON m.id = asg.member_id LEFT JOIN unit u ON u.id = asg.unit_id "
        "WHERE asg.task_id = ? ORDER BY CASE WHEN asg.role = 'lead' THEN 0 ELSE 1 END, asg.id",
        (task_id,),
    )
    result = []
    for row in rows:
        party = _party_dict(row["member_id"], row["unit_id"], row["member_name"], row["unit_name"])
        result.append((row["role"], lookup.Party(party["kind"], party["id"], party["name"]), row["id"]))
    return result


def _party_dict(member_id: int | None, unit_id: int | None, member_name: str | None, unit_name: str | None):
    if member_id is not None:
        return {"kind": "member", "id": member_id, "name": member_name}
    if unit_id is not None:
        return {"kind": "unit", "id": unit_id, "name": unit_name}
    return None


def _split_themes(stored: str | None) -> list[str]:
    return [theme for theme in (stored or "").split("\n") if theme]


def _plain(number: float | int | None) -> float | int | None:
    """12.0 -> 12, so JSON and tables show quantities as people write them."""
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number
