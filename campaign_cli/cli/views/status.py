"""``campaign status``: the chair's report toward election day, as a View.

Two views of one report (``services.reports.status_report``):

- :func:`status_screen_view`, what ``status`` shows on a terminal: one
  80×24 screen, the countdown first, the current phase with time against
  work, a line per phase, the task counts, the worst overdue tasks and what
  falls due in the next days, each with "… and N more" and where to see them;
- :func:`status_view`, the whole report (``status --full``, and every other
  format): phases, counts, every overdue and due-soon task, the load per
  member and per unit, activity totals, the last entries.
"""

from __future__ import annotations

from typing import Any

from campaign_cli.cli.render.model import ESSENTIAL, Column, Section, View
from campaign_cli.cli.views.common import (
    activity_columns,
    activity_rows,
    countdown_text,
    date_text,
    phase_state_line,
    short_span,
    span,
    weekday_date,
)
from campaign_cli.i18n import _, pgettext

#: Tasks the one-screen status lists before "… and N more".
SCREEN_OVERDUE = 3
SCREEN_DUE_SOON = 3
#: Keys of a recent log entry in the status JSON.
RECENT_KEYS = ("id", "date", "type", "label", "quantity", "unit", "by", "task", "place", "note")


def status_data(report: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: the contract's keys (services.reports.STATUS_KEYS), recent entries trimmed."""
    from campaign_cli.services.reports import STATUS_KEYS

    data = {key: report[key] for key in STATUS_KEYS if key in report}
    if "recent" in data:
        data["recent"] = [{key: entry.get(key) for key in RECENT_KEYS} for entry in report["recent"]]
    return data


def current_phase_lines(report: dict[str, Any], lang: str, *, short: bool = False) -> list[str]:
    """What the heading says about the current phase: time against work, on track or behind."""
    today = report["as_of"]
    current = report["current_phase"]
    if current is None:
        if not report["phases"]:
            return [_("No phases yet: add them with  campaign phase add NAME --start DATE")]
        nxt = report.get("next_phase")
        if nxt:
            return [
                _("No phase holds {day}; next: {name} from {start}").format(
                    day=date_text(today), name=nxt["name"], start=date_text(nxt["start"])
                )
            ]
        return [_("No phase holds {day}.").format(day=date_text(today))]
    phase = next(row for row in report["phases"] if row["number"] == current["number"])
    dates = short_span(phase["start"], phase["end"]) if short else span(phase["start"], phase["end"])
    return [
        _("Current phase: {name} ({span})").format(name=phase["name"], span=dates),
        phase_state_line(phase, today, lang),
    ]


def tasks_line(report: dict[str, Any]) -> str:
    from campaign_cli.services.reports import DUE_SOON_DAYS

    tasks = report["tasks"]
    return _("Tasks: {total} · {done} done · {overdue} overdue · {soon} due in the next {days} days").format(
        total=tasks["total"],
        done=tasks["done"],
        overdue=tasks["overdue"],
        soon=len(report["due_soon"]),
        days=DUE_SOON_DAYS,
    )


def behind_places(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The activity types done at a place that have not reached every place their begun tasks name."""
    covered = report.get("places_covered")
    return [row for row in covered["types"] if row["behind"]] if covered else []


def reach_text(row: dict[str, Any], level: str) -> str:
    """"17/21 xã": places reached of those expected."""
    from campaign_cli.cli.labels import place_kind_label

    return f"{row['covered']}/{row['places']} {place_kind_label(level)}"


#: Types behind the screen names before "+N" (one line of 80 columns; --full lists them all).
SCREEN_BEHIND = 3


def coverage_line(report: dict[str, Any]) -> list[str]:
    """The screen's one line on coverage: the types furthest behind, "tờ rơi 0/21 · phát thanh 2/21 · …"."""
    from campaign_cli.cli.labels import place_kind_label

    behind = sorted(behind_places(report), key=lambda row: row["covered"] / row["places"])
    if not behind:
        return []
    items = [f"{row['label']} {row['covered']}/{row['places']}" for row in behind[:SCREEN_BEHIND]]
    if len(behind) > SCREEN_BEHIND:
        items.append(f"+{len(behind) - SCREEN_BEHIND}")
    level = place_kind_label(report["places_covered"]["level"])
    return [_("Not every {level} reached: {items}").format(level=level, items=" · ".join(items))]


def rule_footer() -> list[str]:
    return [
        _(
            "On track / behind: a phase is behind when its work (mean task progress) trails the share of "
            "its days gone by more than 10 points; an open-ended phase is behind when a task is overdue."
        )
    ]


# -- one screen -----------------------------------------------------------------------------------
def status_screen_view(report: dict[str, Any], lang: str) -> View:
    from campaign_cli.services.reports import DUE_SOON_DAYS

    campaign = report["campaign"]
    countdown = countdown_text(report["days_to_election"], campaign["election_day"])
    title = " · ".join(
        part
        for part in (countdown[:1].upper() + countdown[1:], campaign["locality"], weekday_date(report["as_of"], lang))
        if part
    )
    heading = [campaign["name"], *current_phase_lines(report, lang, short=True), tasks_line(report),
               *coverage_line(report)]
    phases = Section(
        "phases",
        "",
        [
            Column("number", _("No."), "int", priority=ESSENTIAL),
            Column("name", _("Phase"), "text", min_width=16, priority=ESSENTIAL),
            Column("time_elapsed", _("Time"), "percent"),
            Column("progress", _("Work"), "progress", tone_key="state", priority=ESSENTIAL),
            Column("done_of_total", _("Done"), "text"),
            Column("overdue", _("Late"), "int", tone_key="overdue"),
            Column("state", _("State"), "state"),
        ],
        [
            {
                **_phase_row(phase),
                "name": bare_phase_name(phase["number"], phase["name"]),
                "done_of_total": f"{phase['tasks']['done']}/{phase['tasks']['total']}",
            }
            for phase in report["phases"]
        ],
        empty=_("No phases yet: add them with  campaign phase add NAME --start DATE"),
        compact=True,
    )
    overdue = Section(
        "overdue",
        "",
        _task_columns(_("Overdue ({n})").format(n=len(report["overdue"])), late=True, screen=True),
        [_task_row(task) for task in report["overdue"]],
        empty=_("Nothing overdue."),
        preview=SCREEN_OVERDUE,
        more=_("campaign task list --overdue"),
        compact=True,
    )
    due_soon = Section(
        "due_soon",
        "",
        _task_columns(
            _("Due in {days} days ({n})").format(days=DUE_SOON_DAYS, n=len(report["due_soon"])), late=False, screen=True
        ),
        [_task_row(task) for task in report["due_soon"]],
        empty=_("Nothing due in the next {days} days.").format(days=DUE_SOON_DAYS),
        preview=SCREEN_DUE_SOON,
        more=_("campaign status --full"),
        compact=True,
    )
    footer = [] if len(report["due_soon"]) > SCREEN_DUE_SOON else [_("The whole report: campaign status --full")]
    return View(
        data=status_data(report), title=title, heading=heading, sections=[phases, overdue, due_soon], footer=footer
    )


# -- the whole report -------------------------------------------------------------------------------
def status_view(report: dict[str, Any], lang: str) -> View:
    from campaign_cli.services.reports import DUE_SOON_DAYS

    campaign = report["campaign"]
    tasks = report["tasks"]
    place = f"{campaign['locality']} · " if campaign["locality"] else ""
    lines = [
        place
        + _("as of {day}").format(day=weekday_date(report["as_of"], lang))
        + " · "
        + countdown_text(report["days_to_election"], campaign["election_day"]),
        *current_phase_lines(report, lang),
        tasks_line(report),
    ]
    phases = Section(
        "phases",
        _("Phases"),
        [
            Column("number", _("No."), "int", priority=ESSENTIAL),
            Column("name", _("Phase"), "text", min_width=16, priority=ESSENTIAL),
            Column("start", _("Start"), "date", priority=4),
            Column("end", _("End"), "date", priority=4),
            Column("time_elapsed", _("Time"), "percent"),
            Column("progress", _("Work"), "progress", tone_key="state", priority=ESSENTIAL),
            Column("total", _("Tasks"), "int", priority=3),
            Column("done", _("Done"), "int"),
            Column("overdue", _("Overdue"), "int", tone_key="overdue"),
            Column("state", _("State"), "state"),
        ],
        [_phase_row(phase) for phase in report["phases"]],
        empty=_("No phases yet."),
    )
    counts = Section(
        "tasks",
        _("Tasks by status"),
        [
            Column("total", _("Total"), "int"),
            *(Column(code, _status_heading(code), "int") for code in ("todo", "doing", "done", "blocked", "cancelled")),
            Column("overdue", _("overdue"), "int"),
        ],
        [{key: tasks[key] for key in ("total", "todo", "doing", "done", "blocked", "cancelled", "overdue")}],
    )
    overdue = Section(
        "overdue",
        _("Overdue ({n})").format(n=len(report["overdue"])),
        _task_columns(_("Task"), late=True),
        [_task_row(task) for task in report["overdue"]],
        empty=_("Nothing overdue."),
    )
    due_soon = Section(
        "due_soon",
        _("Due in the next {days} days ({n})").format(days=DUE_SOON_DAYS, n=len(report["due_soon"])),
        _task_columns(_("Task"), late=False),
        [_task_row(task) for task in report["due_soon"]],
        empty=_("Nothing due in the next {days} days.").format(days=DUE_SOON_DAYS),
    )
    load = _load_columns()
    members = Section(
        "members",
        _("Load per member (tasks not cancelled)"),
        [
            Column("id", _("ID"), "id"),
            Column("name", _("Member"), "name", priority=ESSENTIAL),
            Column("role", _("Role"), "role", priority=4),
            *load,
        ],
        [{**row, "open": row["tasks_total"] - row["tasks_done"]} for row in report["members"]],
        empty=_("No members yet."),
    )
    units = Section(
        "units",
        _("Load per unit (tasks not cancelled)"),
        [Column("id", _("ID"), "id"), Column("name", _("Unit"), "name", short_key="short", priority=ESSENTIAL), *load],
        report["units"],
        empty=_("No units yet."),
    )
    activity = Section(
        "activity",
        _("Activity to date"),
        activity_columns(),
        activity_rows(report["activity"]),
        empty=_("Nothing logged yet."),
    )
    recent = Section(
        "recent",
        _("Last {n} log entries").format(n=len(report["recent"]) or 5),
        [
            Column("date", _("Date"), "date"),
            Column("type", _("Type"), "code", detail=True),
            Column("label", _("Activity"), "text", min_width=12),
            Column("quantity", _("Quantity"), "quantity"),
            Column("unit", pgettext("measure", "Unit"), "text", min_width=6),
            Column("by", _("By"), "name", short_key="by_short", short_first=True, priority=3),
            Column("task", _("Task"), "id", priority=4),
            Column("place", _("Place"), "text", priority=4),
            Column("note", _("Note"), "text", priority=4),
        ],
        report["recent"],
        empty=_("Nothing logged yet."),
    )
    places = Section(
        "places_covered",
        _("Coverage by place: behind"),
        [
            Column("type", _("Type"), "code", detail=True),
            Column("label", _("Activity"), "text", min_width=12, priority=ESSENTIAL),
            Column("reach", _("Reached"), "text", priority=ESSENTIAL),
            Column("share", _("Share"), "progress", tone="bad"),
        ],
        [
            {"type": row["type"], "label": row["label"],
             "reach": reach_text(row, report["places_covered"]["level"]),
             "share": row["covered"] / row["places"] if row["places"] else None}
            for row in behind_places(report)
        ],
        empty=_("Every activity has reached the places its tasks name (see  campaign report coverage)."),
    )
    sections = [phases, counts, overdue, due_soon, members, units, activity, recent]
    if report.get("places_covered"):
        sections.append(places)
    return View(
        data=status_data(report),
        title=campaign["name"],
        heading=lines,
        sections=sections,
        footer=rule_footer(),
    )


def bare_phase_name(number: int, name: str) -> str:
    """"Tuyên truyền chuẩn bị bầu cử" for "Đợt 1: Tuyên truyền chuẩn bị bầu cử" beside its number."""
    import re

    bare = re.sub(rf"^\s*(?:đợt|dot|phase|giai đoạn)\s*{number}\s*[:.\-–—]\s*", "", name, flags=re.IGNORECASE)
    return bare or name


def _status_heading(code: str) -> str:
    from campaign_cli.cli.labels import status_label

    return status_label(code)


def _phase_row(phase: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": phase["number"],
        "name": phase["name"],
        "start": phase["start"],
        "end": phase["end"],
        "time_elapsed": phase["time_elapsed"],
        "progress": phase["progress"],
        "total": phase["tasks"]["total"],
        "done": phase["tasks"]["done"],
        "overdue": phase["tasks"]["overdue"],
        "state": phase["state"],
    }


def _task_row(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"],
        "title": task["title"],
        "lead": task["lead"],
        "lead_short": task["lead_short"],
        "due": task["due"],
        "days_late": task["days_late"],
        "days_left": task["days_left"],
        "status": task["status"],
    }


def _task_columns(title_heading: str, *, late: bool, screen: bool = False) -> list[Column]:
    columns = [
        Column("id", _("ID"), "id"),
        Column("title", title_heading, "text", min_width=20, priority=ESSENTIAL),
        Column("lead", _("Lead"), "name", short_key="lead_short", short_first=True),
        Column("due", _("Due"), "date", priority=3),
    ]
    if late:
        header = _("Late") if screen else _("Days late")
        columns.append(Column("days_late", header, "int", tone="bad", priority=ESSENTIAL))
    else:
        columns.append(Column("days_left", _("In days"), "int", tone="warn", priority=ESSENTIAL))
        if not screen:  # the screen has room for when, not for how far along
            columns.append(Column("status", _("Status"), "status"))
    return columns


def _load_columns() -> list[Column]:
    from campaign_cli.cli.labels import role_label

    return [
        Column("tasks_total", _("Tasks"), "int"),
        Column("tasks_lead", role_label("lead"), "int", priority=3),
        Column("tasks_support", role_label("support"), "int", priority=3),
        Column("tasks_done", _("Done"), "int"),
        Column("open", _("Open"), "int", priority=4),
        Column("overdue", _("Late"), "int", tone_key="overdue", priority=ESSENTIAL),
    ]
