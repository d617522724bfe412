"""campaign status | report weekly | phase | member | burndown | timeline

Each command asks ``services.reports`` once for the report as plain data and
lays it out as a View (heading lines and sections); ``render.py`` writes it as
a table, JSON, CSV or Markdown. Nothing here queries or aggregates: the
functions below only choose columns, labels and layout.

The two charts (``report burndown``, ``report timeline``) are drawn here as
lines of Unicode block characters and shown through rich like every other
table, not with plotext: that needs no extra dependency, rich's ~70 ms import
is already paid by every table, and plain block characters survive
``NO_COLOR``, pipes, files and 80-column terminals unchanged. They are drawn
only for the table format; JSON, CSV and Markdown carry the data instead.
"""


import datetime as dt
import math
import os
import shutil
import sys
from typing import Annotated, Any, Optional

import typer

from campaign_cli.cli import documents as doc
from campaign_cli.cli.common import new_typer, service_context, show
from campaign_cli.cli.labels import role_label, state_label, status_label
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption
from campaign_cli.i18n import _, ngettext, pgettext

#: Exit code of ``--fail-on-overdue`` when something is overdue.
EXIT_OVERDUE = 3
#: Rows of a list shown in a table or Markdown before "… and N more".
LIST_LIMIT = 15

FailOnOverdueOption = Annotated[
    bool,
    typer.Option(
        "--fail-on-overdue",
        help=_("Exit with code 3 (after printing) when any task is overdue: for scripts and reminders."),
    ),
]


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    report_app = new_typer(_("Reports: weekly, per phase, per member, burndown and timeline."))
    report_app.command("weekly")(report_weekly)
    report_app.command("phase")(report_phase)
    report_app.command("member")(report_member)
    report_app.command("burndown")(report_burndown)
    report_app.command("timeline")(report_timeline)
    report_app.command("final")(doc.report_final)
    app.add_typer(report_app, name="report")


# -- commands ------------------------------------------------------------------
def status(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    fail_on_overdue: FailOnOverdueOption = False,
) -> None:
    """The chair's report toward election day: countdown, phases, tasks, load, work done."""
    from campaign_cli import i18n
    from campaign_cli.services.reports import status_report

    service = service_context(ctx)
    lang = i18n.current_language()
    report = status_report(service, lang=lang)
    show(status_view(report, fmt, lang), fmt, output)
    _fail_if_overdue(fail_on_overdue, report["tasks"]["overdue"])


def report_weekly(
    ctx: typer.Context,
    week: Annotated[
        Optional[str],
        typer.Option(
            "--week",
            metavar="WEEK",
            help=_("2021-W17, any date in the week, or this, last, next (default: the as-of week)."),
        ),
    ] = None,
    fmt: doc.ReportFormatOption = doc.ReportFormat.table,
    output: OutputOption = None,
    fail_on_overdue: FailOnOverdueOption = False,
    doc_number: doc.NumberOption = None,
    to: doc.ToOption = None,
    parent_body: doc.ParentBodyOption = None,
    issuing_body: doc.IssuingBodyOption = None,
    signer: doc.SignerOption = None,
    signer_title: doc.SignerTitleOption = None,
    place: doc.PlaceOption = None,
    date: doc.DocDateOption = None,
    summary: doc.SummaryOption = None,
    proposal: doc.ProposalOption = None,
) -> None:
    """One week's work: activity by type and by member, completed, overdue, due next week."""
    from campaign_cli import i18n
    from campaign_cli.services.dates import DateError, parse_week
    from campaign_cli.services.reports import weekly_report

    service = service_context(ctx)
    try:
        start, end = parse_week(week if week is not None else "this", service.today)
    except DateError as exc:
        raise DateError(f"--week: {exc}") from None
    if fmt in doc.DOCUMENT_FORMATS:
        doc.write_document(ctx, "weekly", fmt, output, week=(start, end))
        return
    lang = i18n.current_language()
    report = weekly_report(service, start, end, lang=lang)
    show(weekly_view(report, fmt, lang), fmt, output)
    _fail_if_overdue(fail_on_overdue, len(report["overdue"]))


def report_phase(
    ctx: typer.Context,
    number: Annotated[
        Optional[str], typer.Argument(metavar="[N]", help=_("Phase number (default: every phase)."))
    ] = None,
    fmt: doc.ReportFormatOption = doc.ReportFormat.table,
    output: OutputOption = None,
    doc_number: doc.NumberOption = None,
    to: doc.ToOption = None,
    parent_body: doc.ParentBodyOption = None,
    issuing_body: doc.IssuingBodyOption = None,
    signer: doc.SignerOption = None,
    signer_title: doc.SignerTitleOption = None,
    place: doc.PlaceOption = None,
    date: doc.DocDateOption = None,
    summary: doc.SummaryOption = None,
    proposal: doc.ProposalOption = None,
) -> None:
    """Per phase: every task with lead, due date, status and progress; quantities against targets."""
    from campaign_cli import i18n
    from campaign_cli.services.reports import phase_report

    if fmt in doc.DOCUMENT_FORMATS:  # one phase: N, else the current one
        doc.write_document(ctx, "phase", fmt, output, phase=number)
        return
    service = service_context(ctx)
    lang = i18n.current_language()
    show(phase_view(phase_report(service, number, lang=lang), fmt, lang, width=chart_width(output)), fmt, output)


def report_member(
    ctx: typer.Context,
    member: Annotated[
        Optional[str],
        typer.Argument(metavar="[M]", help=_("A member or unit: id, m12/u3, or name (default: everyone).")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Each member's and unit's tasks (lead and support) and logged work."""
    from campaign_cli import i18n
    from campaign_cli.services.reports import member_report

    service = service_context(ctx)
    lang = i18n.current_language()
    show(member_view(member_report(service, member, lang=lang), fmt, lang), fmt, output)


def report_burndown(
    ctx: typer.Context,
    phase: Annotated[
        Optional[str], typer.Option("--phase", metavar="N", help=_("Only this phase's tasks, over its days."))
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Open tasks day by day toward election day, against an ideal line."""
    from campaign_cli import i18n
    from campaign_cli.services.reports import burndown_report

    service = service_context(ctx)
    lang = i18n.current_language()
    report = burndown_report(service, phase)
    show(burndown_view(report, fmt, lang, width=chart_width(output)), fmt, output)


def report_timeline(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Phases and their tasks on a date axis (a Gantt chart), election day marked."""
    from campaign_cli import i18n
    from campaign_cli.services.reports import timeline_report

    service = service_context(ctx)
    lang = i18n.current_language()
    show(timeline_view(timeline_report(service), fmt, lang, width=chart_width(output)), fmt, output)


def _fail_if_overdue(enabled: bool, count: int) -> None:
    if enabled and count:
        typer.echo(
            ngettext("{n} task is overdue.", "{n} tasks are overdue.", count).format(n=count),
            err=True,
        )
        raise typer.Exit(EXIT_OVERDUE)


# -- words -----------------------------------------------------------------------
def countdown_text(days: int, election_day: dt.date) -> str:
    """'38 days to election day 23/05/2021', 'election day is today', '12 days after ...'."""
    from campaign_cli.services.dates import format_date

    day = format_date(election_day)
    if days > 0:
        return ngettext("{n} day to election day {day}", "{n} days to election day {day}", days).format(n=days, day=day)
    if days == 0:
        return _("election day is today ({day})").format(day=day)
    return ngettext("{n} day after election day {day}", "{n} days after election day {day}", -days).format(
        n=-days, day=day
    )


def _date(value: dt.date | None) -> str:
    from campaign_cli.services.dates import format_date

    return format_date(value) if value else "…"


def _weekday_date(value: dt.date, lang: str) -> str:
    """Where the day of the week helps: "Thứ năm, 15/04/2021"."""
    from campaign_cli.services.dates import format_date_weekday

    return format_date_weekday(value, lang)


def _heading_date(value: dt.date, lang: str) -> str:
    """Report headings: the formal "ngày 15 tháng 4 năm 2021" in Vietnamese."""
    from campaign_cli.services.dates import format_date_long

    return format_date_long(value, lang) if lang == "vi" else _date(value)


def _span(start: dt.date, end: dt.date | None) -> str:
    return f"{_date(start)} – {_date(end)}"


def _short_span(start: dt.date, end: dt.date | None) -> str:
    first = f"{start.day:02d}/{start.month:02d}"
    last = f"{end.day:02d}/{end.month:02d}" if end else "…"
    return f"{first}–{last}"


def _pct(value: float | None, lang: str) -> str:
    from campaign_cli.formatting import format_number

    return "-" if value is None else format_number(round(value * 100), lang) + "%"


def _num(value: Any, lang: str) -> str:
    from campaign_cli.formatting import format_number

    return format_number(value, lang)


def _heading(fmt: OutputFormat, title: str, lines: list[str]) -> list[str]:
    """A title and fact lines: plain lines on a terminal; a heading and a list in Markdown."""
    if fmt == OutputFormat.md:
        return ["# " + title, "", *("- " + line for line in lines if line)]
    return [title, *lines]


def _limit(rows: list[dict[str, Any]], fmt: OutputFormat) -> tuple[list[dict[str, Any]], int]:
    """Long lists are cut in tables and Markdown (people), never in CSV (data)."""
    if fmt in (OutputFormat.table, OutputFormat.md) and len(rows) > LIST_LIMIT:
        return rows[:LIST_LIMIT], len(rows) - LIST_LIMIT
    return rows, 0


def _more(count: int, hint: str) -> list[str]:
    if not count:
        return []
    return [ngettext("… and {n} more: {hint}", "… and {n} more: {hint}", count).format(n=count, hint=hint)]


def _section(name: str, title: str, columns, rows: list[dict[str, Any]], empty: str = ""):
    """A Section whose rows hold exactly its columns' keys, so a multi-section CSV
    (one long table with a leading ``section`` column) never shows another
    section's values in a shared column."""
    from campaign_cli.cli.render import Section

    keys = [column.key for column in columns]
    return Section(name, title, columns, [{key: row.get(key) for key in keys} for row in rows], empty=empty)


def _terminal(fmt: OutputFormat) -> bool:
    return fmt == OutputFormat.table


# -- status ------------------------------------------------------------------------
def current_phase_lines(report: dict[str, Any], lang: str) -> list[str]:
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
                    day=_date(today), name=nxt["name"], start=_date(nxt["start"])
                )
            ]
        return [_("No phase holds {day}.").format(day=_date(today))]
    phase = next(row for row in report["phases"] if row["number"] == current["number"])
    lines = [_("Current phase: {name} ({span})").format(name=phase["name"], span=_span(phase["start"], phase["end"]))]
    if phase["end"] is not None:
        day = (today - phase["start"]).days + 1
        length = (phase["end"] - phase["start"]).days + 1
        lines.append(
            _("Day {day} of {length}: time {time} · work {work} · {state}").format(
                day=day,
                length=length,
                time=_pct(phase["time_elapsed"], lang),
                work=_pct(phase["progress"], lang),
                state=state_label(phase["state"]),
            )
        )
    else:
        lines.append(
            _("Open-ended (no end date): work {work} · {state}").format(
                work=_pct(phase["progress"], lang), state=state_label(phase["state"])
            )
        )
    return lines


def rule_footer() -> list[str]:
    return [
        _(
            "On track / behind: a phase is behind when its work (mean task progress) trails the share of "
            "its days gone by more than 10 points; an open-ended phase is behind when a task is overdue."
        )
    ]


def status_view(report: dict[str, Any], fmt: OutputFormat, lang: str):
    from campaign_cli.cli.render import Column, View
    from campaign_cli.services.reports import DUE_SOON_DAYS, STATUS_KEYS

    if fmt == OutputFormat.json:  # the contract's keys; the rest is for people
        return View(data={key: report[key] for key in STATUS_KEYS})
    campaign = report["campaign"]
    tasks = report["tasks"]
    place = f"{campaign['locality']} · " if campaign["locality"] else ""
    lines = [
        place
        + _("as of {day}").format(day=_weekday_date(report["as_of"], lang))
        + " · "
        + countdown_text(report["days_to_election"], campaign["election_day"]),
        *current_phase_lines(report, lang),
        _("Tasks: {total} · {done} done · {overdue} overdue · {soon} due in the next {days} days").format(
            total=tasks["total"],
            done=tasks["done"],
            overdue=tasks["overdue"],
            soon=len(report["due_soon"]),
            days=DUE_SOON_DAYS,
        ),
    ]
    compact = _terminal(fmt)

    phase_rows = [
        {
            "number": phase["number"],
            "name": phase["name"],
            "start": phase["start"],
            "end": phase["end"],
            "name_dates": f"{phase['name']} ({_short_span(phase['start'], phase['end'])})",
            "time_elapsed": phase["time_elapsed"],
            "progress": phase["progress"],
            "total": phase["tasks"]["total"],
            "done": phase["tasks"]["done"],
            "overdue": phase["tasks"]["overdue"],
            "done_of_total": f"{phase['tasks']['done']}/{phase['tasks']['total']}",
            "state": phase["state"] if fmt == OutputFormat.csv else state_label(phase["state"]),
        }
        for phase in report["phases"]
    ]
    if compact:
        phase_columns = [
            Column("number", _("No."), "int"),
            Column("name_dates", _("Phase"), max_width=34),
            Column("time_elapsed", _("Time"), "percent"),
            Column("progress", _("Work"), "progress"),
            Column("done_of_total", _("Done")),
            Column("overdue", _("Late"), "int"),
            Column("state", _("State")),
        ]
    else:
        phase_columns = [
            Column("number", _("No."), "int"),
            Column("name", _("Phase")),
            Column("start", _("Start"), "date"),
            Column("end", _("End"), "date"),
            Column("time_elapsed", _("Time"), "percent"),
            Column("progress", _("Work"), "progress"),
            Column("total", _("Tasks"), "int"),
            Column("done", _("Done"), "int"),
            Column("overdue", _("Overdue"), "int"),
            Column("state", _("State")),
        ]
    count_row = {key: tasks[key] for key in ("total", "todo", "doing", "done", "blocked", "cancelled", "overdue")}
    count_columns = [
        Column("total", _("Total"), "int"),
        Column("todo", status_label("todo"), "int"),
        Column("doing", status_label("doing"), "int"),
        Column("done", status_label("done"), "int"),
        Column("blocked", status_label("blocked"), "int"),
        Column("cancelled", status_label("cancelled"), "int"),
        Column("overdue", _("overdue"), "int"),
    ]

    overdue, overdue_more = _limit(report["overdue"], fmt)
    soon, soon_more = _limit(report["due_soon"], fmt)
    lead_key = "lead_short" if fmt != OutputFormat.csv else "lead"
    overdue_rows = [_task_row(task, fmt) for task in overdue]
    soon_rows = [_task_row(task, fmt) for task in soon]

    member_rows = [
        {
            "id": row["id"],
            "name": row["name"],
            "role": row["role"] if fmt == OutputFormat.csv else role_label(row["role"]),
            "tasks_total": row["tasks_total"],
            "tasks_lead": row["tasks_lead"],
            "tasks_support": row["tasks_support"],
            "tasks_done": row["tasks_done"],
            "open": row["tasks_total"] - row["tasks_done"],
            "overdue": row["overdue"],
        }
        for row in report["members"]
    ]
    unit_rows = [
        {
            "id": row["id"],
            "name": row["short"] if compact else row["name"],
            "tasks_total": row["tasks_total"],
            "tasks_lead": row["tasks_lead"],
            "tasks_support": row["tasks_support"],
            "tasks_done": row["tasks_done"],
            "open": row["open"],
            "overdue": row["overdue"],
        }
        for row in report["units"]
    ]
    load_columns = [
        Column("tasks_total", _("Tasks"), "int"),
        Column("tasks_lead", role_label("lead"), "int"),
        Column("tasks_support", role_label("support"), "int"),
        Column("tasks_done", _("Done"), "int"),
        Column("open", _("Open"), "int"),
        Column("overdue", _("Late"), "int"),
    ]
    recent_rows = [
        {
            "id": row["id"],
            "date": row["date"],
            "type": row["type"],
            "label": row["label"],
            "quantity": row["quantity"],
            "unit": row["unit"],
            "quantity_unit": f"{_num(row['quantity'], lang)} {row['unit']}".strip(),
            "by": row["by_short"] if fmt != OutputFormat.csv else row["by"],
            "task": row["task"],
            "note": row["note"] or row["place"],
        }
        for row in report["recent"]
    ]
    if compact:
        recent_columns = [
            Column("date", _("Date"), "date"),
            Column("label", _("Activity"), max_width=16),
            Column("quantity_unit", _("Quantity"), max_width=12),
            Column("by", _("By"), max_width=16),
            Column("task", _("Task"), "id"),
            Column("note", _("Note"), max_width=24),
        ]
    else:
        recent_columns = [
            Column("date", _("Date"), "date"),
            *([Column("type", _("Type"))] if fmt == OutputFormat.csv else []),
            Column("label", _("Activity")),
            Column("quantity", _("Quantity"), "number"),
            Column("unit", pgettext("measure", "Unit")),
            Column("by", _("By")),
            Column("task", _("Task"), "id"),
            Column("note", _("Note")),
        ]
    sections = [
        _section("phases", _("Phases"), phase_columns, phase_rows, empty=_("No phases yet.")),
        _section("tasks", _("Tasks by status"), count_columns, [count_row]),
        _section(
            "overdue",
            _("Overdue ({n})").format(n=len(report["overdue"])),
            _task_columns(fmt, lead_key, late=True),
            overdue_rows,
            empty=_("Nothing overdue."),
        ),
        _section(
            "due_soon",
            _("Due in the next {days} days ({n})").format(days=DUE_SOON_DAYS, n=len(report["due_soon"])),
            _task_columns(fmt, lead_key, late=False),
            soon_rows,
            empty=_("Nothing due in the next {days} days.").format(days=DUE_SOON_DAYS),
        ),
        _section(
            "members",
            _("Load per member (tasks not cancelled)"),
            [
                Column("id", _("ID"), "id"),
                Column("name", _("Member"), max_width=22),
                Column("role", _("Role")),
                *load_columns,
            ],
            member_rows,
            empty=_("No members yet."),
        ),
        _section(
            "units",
            _("Load per unit (tasks not cancelled)"),
            [Column("id", _("ID"), "id"), Column("name", _("Unit"), max_width=26), *load_columns],
            unit_rows,
            empty=_("No units yet."),
        ),
        _section(
            "activity",
            _("Activity to date"),
            _activity_columns(fmt),
            _activity_rows(report["activity"]),
            empty=_("Nothing logged yet."),
        ),
        _section(
            "recent",
            _("Last {n} log entries").format(n=len(report["recent"]) or 5),
            recent_columns,
            recent_rows,
            empty=_("Nothing logged yet."),
        ),
    ]
    footer = [
        *_more(overdue_more, _("campaign task list --overdue")),
        *_more(soon_more, _("campaign task list --due-before DATE")),
        *rule_footer(),
    ]
    data = {key: report[key] for key in STATUS_KEYS}
    return View(data=data, sections=sections, heading=_heading(fmt, campaign["name"], lines), footer=footer)


def _task_row(task: dict[str, Any], fmt: OutputFormat) -> dict[str, Any]:
    return {
        "id": task["id"],
        "title": task["title"],
        "lead": task["lead"],
        "lead_short": task["lead_short"],
        "due": task["due"],
        "days_late": task["days_late"],
        "days_left": task["days_left"],
        "status": task["status"] if fmt == OutputFormat.csv else status_label(task["status"]),
    }


def _task_columns(fmt: OutputFormat, lead_key: str, *, late: bool):
    from campaign_cli.cli.render import Column

    columns = [
        Column("id", _("ID"), "id"),
        Column("title", _("Task"), max_width=None if fmt != OutputFormat.table else 44),
        Column(lead_key, _("Lead"), max_width=18 if fmt == OutputFormat.table else None),
        Column("due", _("Due"), "date"),
    ]
    if late:
        columns.append(Column("days_late", _("Days late"), "int"))
    else:
        columns += [Column("days_left", _("In days"), "int"), Column("status", _("Status"))]
    return columns


def _activity_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": row["type"],
            "label": row["label"],
            "quantity": row["quantity"],
            "unit": row["unit"],
            "entries": row["entries"],
        }
        for row in rows
    ]


def _work_text(row: dict[str, Any], lang: str) -> str:
    """``phát thanh: 5 lần; giới thiệu người ứng cử: 6 lượt``: each type's quantity in its own unit."""
    from campaign_cli.formatting import format_number

    return "; ".join(
        f"{item['label']}: {format_number(item['quantity'], lang)} {item['unit']}".rstrip() for item in row["activity"]
    )


def _activity_columns(fmt: OutputFormat):
    from campaign_cli.cli.render import Column

    columns = [Column("type", _("Type"))] if fmt == OutputFormat.csv else []
    return [
        *columns,
        Column("label", _("Activity")),
        Column("quantity", _("Quantity"), "number"),
        Column("unit", pgettext("measure", "Unit")),
        Column("entries", _("Entries"), "int"),
    ]


# -- weekly ------------------------------------------------------------------------
def weekly_view(report: dict[str, Any], fmt: OutputFormat, lang: str):
    from campaign_cli.cli.render import Column, View
    from campaign_cli.services.reports import WEEKLY_KEYS

    if fmt == OutputFormat.json:
        return View(data={key: report[key] for key in WEEKLY_KEYS})
    campaign = report["campaign"]
    title = _("Weekly report {week} ({span})").format(week=report["week"], span=_span(report["start"], report["end"]))
    place = f"{campaign['locality']} · " if campaign["locality"] else ""
    lines = [
        campaign["name"],
        place
        + _("as of {day}").format(day=_heading_date(report["as_of"], lang))
        + " · "
        + countdown_text(report["days_to_election"], campaign["election_day"]),
    ]
    current = report["current_phase"]
    lines.append(
        _("Current phase: {name}").format(name=current["name"]) if current else _("No phase holds the as-of date.")
    )
    week_phases = report["week_phases"]
    if len(week_phases) > 1:
        lines.append(
            _("This week spans {phases}.").format(
                phases="; ".join(
                    f"{phase['name']} ({_short_span(phase['start'], phase['end'])})" for phase in week_phases
                )
            )
        )
    elif not week_phases:
        lines.append(_("This week lies outside every phase."))
    if report["logged_until"] < report["end"]:
        if report["logged_until"] < report["start"]:
            lines.append(_("The week has not begun on the as-of date: nothing can be logged yet."))
        else:
            lines.append(_("Work logged up to the as-of date {day}.").format(day=_date(report["logged_until"])))
    compact = fmt == OutputFormat.table
    lead_key = "lead" if fmt == OutputFormat.csv else "lead_short"
    shorts = report["lead_short"]

    by_member_rows = [
        {"id": row["id"], "name": row["name"], "entries": row["entries"], "work": _work_text(row, lang)}
        for row in report["by_member"]
    ]
    by_unit_rows = [
        {
            "id": row["id"],
            "name": row["short"] if compact else row["name"],
            "entries": row["entries"],
            "work": _work_text(row, lang),
        }
        for row in report["by_unit"]
    ]
    completed_rows = [
        {
            "id": row["id"],
            "title": row["title"],
            "lead": row["lead"],
            "lead_short": shorts.get(row["id"]) or row["lead"],
            "completed_on": row["completed_on"],
        }
        for row in report["completed"]
    ]
    overdue, overdue_more = _limit(report["overdue"], fmt)
    due_next, due_more = _limit(report["due_next_week"], fmt)
    due_rows = [
        {
            "id": row["id"],
            "title": row["title"],
            "lead": row["lead"],
            "lead_short": shorts.get(row["id"]) or row["lead"],
            "due": row["due"],
            "status": row["status"] if fmt == OutputFormat.csv else status_label(row["status"]),
        }
        for row in due_next
    ]
    overdue_rows = [
        {
            "id": row["id"],
            "title": row["title"],
            "lead": row["lead"],
            "lead_short": shorts.get(row["id"]) or row["lead"],
            "due": row["due"],
            "days_late": row["days_late"],
        }
        for row in overdue
    ]
    title_width = 44 if compact else None
    lead_width = 22 if compact else None
    next_start, next_end = report["next_week"]

    def who_columns(header: str):
        # quantities per activity type, never added across units (issue 12)
        return [
            Column("id", _("ID"), "id"),
            Column("name", header),
            Column("entries", _("Entries"), "int"),
            Column("work", _("Work done"), max_width=60 if compact else None),
        ]

    sections = [
        _section(
            "activity",
            _("Work logged this week"),
            _activity_columns(fmt),
            _activity_rows(report["activity"]),
            empty=_("Nothing logged this week."),
        ),
        _section(
            "by_member",
            _("By member"),
            who_columns(_("Member")),
            by_member_rows,
            empty=_("No member logged work this week."),
        ),
        _section(
            "by_unit",
            _("By unit"),
            who_columns(_("Unit")),
            by_unit_rows,
            empty=_("No unit logged work this week."),
        ),
        _section(
            "completed",
            _("Completed this week ({n})").format(n=len(report["completed"])),
            [
                Column("id", _("ID"), "id"),
                Column("title", _("Task"), max_width=title_width),
                Column(lead_key, _("Lead"), max_width=lead_width),
                Column("completed_on", _("Completed"), "date"),
            ],
            completed_rows,
            empty=_("No task completed this week."),
        ),
        _section(
            "due_next_week",
            _("Due next week, {span} ({n})").format(
                span=_short_span(next_start, next_end), n=len(report["due_next_week"])
            ),
            [
                Column("id", _("ID"), "id"),
                Column("title", _("Task"), max_width=title_width),
                Column(lead_key, _("Lead"), max_width=lead_width),
                Column("due", _("Due"), "date"),
                Column("status", _("Status")),
            ],
            due_rows,
            empty=_("Nothing due next week."),
        ),
        _section(
            "overdue",
            _("Overdue on {day} ({n})").format(day=_date(report["as_of"]), n=len(report["overdue"])),
            [
                Column("id", _("ID"), "id"),
                Column("title", _("Task"), max_width=title_width),
                Column(lead_key, _("Lead"), max_width=lead_width),
                Column("due", _("Due"), "date"),
                Column("days_late", _("Days late"), "int"),
            ],
            overdue_rows,
            empty=_("Nothing overdue."),
        ),
    ]
    other = report["unattributed"]
    footer = []
    if other["entries"]:
        footer.append(
            _("{n} entries were logged by no member: {units} by units, {nobody} by no one.").format(
                n=other["entries"], units=other["entries"] - other["nobody_entries"], nobody=other["nobody_entries"]
            )
        )
    footer += _more(overdue_more, _("campaign task list --overdue"))
    footer += _more(due_more, _("campaign task list --due-before DATE"))
    data = {key: report[key] for key in WEEKLY_KEYS}
    return View(data=data, sections=sections, heading=_heading(fmt, title, lines), footer=footer)


# -- phase -------------------------------------------------------------------------
def phase_view(report: dict[str, Any], fmt: OutputFormat, lang: str, *, width: int = 80):
    from campaign_cli.cli.render import Column, View

    if fmt == OutputFormat.json:
        return View(data=report)

    compact = fmt == OutputFormat.table
    csv = fmt == OutputFormat.csv
    sections = []
    for phase in report["phases"]:
        head = _("{name} ({span}): work {work}, time {time}, {state}").format(
            name=phase["name"],
            span=_span(phase["start"], phase["end"]),
            work=_pct(phase["progress"], lang),
            time=_pct(phase["time_elapsed"], lang),
            state=state_label(phase["state"]),
        )
        task_rows = [
            {
                "phase": phase["number"],
                "id": task["id"],
                "title": task["title"],
                "lead": task["lead"] if csv else task["lead_short"],
                "support": "; ".join(task["support"]),
                "due": task["due"],
                "status": task["status"] if csv else status_label(task["status"]) + (" !" if task["overdue"] else ""),
                "progress": task["progress"],
                "logged": task["logged"],
                "target": task["target"],
                "unit": task["unit"],
                "logged_of_target": _of(task["logged"], task["target"], task["unit"], lang),
            }
            for task in phase["task_list"]
        ]
        if compact:
            # quantities per task only when the terminal has room; per type below
            task_columns = [
                Column("id", _("ID"), "id"),
                Column("title", _("Task"), max_width=50),
                Column("lead", _("Lead"), max_width=14),
                Column("due", _("Due"), "date"),
                Column("status", _("Status"), max_width=11),
                Column("progress", _("Done"), "percent"),
                *([Column("logged_of_target", _("Logged / target"), max_width=18)] if width >= 110 else []),
            ]
        else:
            task_columns = [
                *([Column("phase", _("Phase"), "int")] if csv else []),
                Column("id", _("ID"), "id"),
                Column("title", _("Task")),
                Column("lead", _("Lead")),
                *([Column("support", _("Support"))] if csv else []),
                Column("due", _("Due"), "date"),
                Column("status", _("Status")),
                Column("progress", _("Progress"), "progress"),
                *(
                    [
                        Column("logged", _("Logged"), "number"),
                        Column("target", _("Target"), "number"),
                        Column("unit", pgettext("measure", "Unit")),
                    ]
                    if csv
                    else [Column("logged_of_target", _("Logged / target"))]
                ),
            ]
        sections.append(_section("tasks", head, task_columns, task_rows, empty=_("No tasks in this phase.")))
        quantity_rows = [
            {
                "phase": phase["number"],
                "type": row["type"],
                "label": row["label"],
                "unit": row["unit"],
                "tasks": row["tasks"],
                "target": row["target"],
                "logged": row["logged"],
                "progress": row["progress"],
                "in_phase": row["in_phase"],
                "entries_in_phase": row["entries_in_phase"],
            }
            for row in phase["quantities"]
        ]
        sections.append(
            _section(
                "quantities",
                _("{name}: quantities").format(name=phase["name"]),
                [
                    *([Column("phase", _("Phase"), "int"), Column("type", _("Type"))] if csv else []),
                    Column("label", _("Activity"), max_width=22 if compact else None),
                    Column("unit", pgettext("measure", "Unit")),
                    Column("target", _("Target"), "number"),
                    Column("logged", _("On tasks"), "number"),
                    Column("progress", _("Done"), "percent"),
                    Column("in_phase", _("In phase days"), "number"),
                    *([Column("entries_in_phase", _("Entries"), "int")] if csv else []),
                ],
                quantity_rows,
                empty=_("No quantities planned or logged."),
            )
        )
    outside = report["outside_phases"]
    footer = [
        _(
            "Targets and 'on tasks' count tasks not cancelled and entries linked to them; "
            "'in phase days' counts every entry dated within the phase."
        ),
    ]
    if outside["entries"]:
        footer.append(
            ngettext(
                "{n} log entry is dated outside every phase.",
                "{n} log entries are dated outside every phase.",
                outside["entries"],
            ).format(n=outside["entries"])
        )
    heading = _heading(
        fmt,
        _("Phase report")
        if len(report["phases"]) != 1
        else _("Phase report: {name}").format(name=report["phases"][0]["name"]),
        [_("as of {day}").format(day=_heading_date(report["as_of"], lang))],
    )
    if not report["phases"]:
        sections.append(_section("tasks", "", [Column("id", _("ID"), "id")], [], empty=_("No phases yet.")))
    return View(data=report, sections=sections, heading=heading, footer=footer)


def _of(logged: Any, target: Any, unit: str, lang: str) -> str:
    if target is None:
        return _num(logged, lang) if logged else ""
    return f"{_num(logged or 0, lang)}/{_num(target, lang)} {unit}".strip()


# -- member ------------------------------------------------------------------------
def member_view(report: dict[str, Any], fmt: OutputFormat, lang: str):
    from campaign_cli.cli.render import Column, View

    if fmt == OutputFormat.json:
        return View(data=report)

    compact = fmt == OutputFormat.table
    csv = fmt == OutputFormat.csv
    load_columns = [
        Column("tasks_total", _("Tasks"), "int"),
        Column("tasks_lead", role_label("lead"), "int"),
        Column("tasks_support", role_label("support"), "int"),
        Column("tasks_done", _("Done"), "int"),
        Column("overdue", _("Late"), "int"),
        Column("entries", _("Entries"), "int"),
    ]

    def summary(rows, kind):
        return [
            {
                "id": row["id"],
                "name": (row.get("short") if compact and kind == "unit" else row["name"]),
                "role": (row["role"] if csv else role_label(row["role"])) if kind == "member" else "",
                **{
                    key: row[key]
                    for key in ("tasks_total", "tasks_lead", "tasks_support", "tasks_done", "overdue", "entries")
                },
            }
            for row in rows
        ]

    sections = []
    single = len(report["members"]) + len(report["units"]) == 1
    if not single:
        sections.append(
            _section(
                "members",
                _("Members"),
                [
                    Column("id", _("ID"), "id"),
                    Column("name", _("Member"), max_width=24 if compact else None),
                    Column("role", _("Role")),
                    *load_columns,
                ],
                summary(report["members"], "member"),
                empty=_("No members yet."),
            )
        )
        sections.append(
            _section(
                "units",
                _("Units"),
                [
                    Column("id", _("ID"), "id"),
                    Column("name", _("Unit"), max_width=28 if compact else None),
                    *load_columns,
                ],
                summary(report["units"], "unit"),
                empty=_("No units yet."),
            )
        )
    for kind, rows in (("member", report["members"]), ("unit", report["units"])):
        for row in rows:
            if not single and not row["tasks"] and not row["activity"]:
                continue
            who = row["name"]
            if kind == "member":
                who = f"{who} ({role_label(row['role'])})"
            party = {"party": kind, "party_id": row["id"], "party_name": row["name"]}
            task_rows = [
                {
                    **party,
                    "id": task["id"],
                    "title": task["title"],
                    "assignment": task["role"] if csv else role_label(task["role"]),
                    "due": task["due"],
                    "status": task["status"]
                    if csv
                    else status_label(task["status"]) + (" !" if task["overdue"] else ""),
                    "progress": task["progress"],
                }
                for task in row["tasks"]
            ]
            party_columns = (
                [Column("party", _("Kind")), Column("party_id", _("Party ID"), "id"), Column("party_name", _("Name"))]
                if csv
                else []
            )
            sections.append(
                _section(
                    f"{kind}_tasks",
                    _("{who}: tasks").format(who=who),
                    [
                        *party_columns,
                        Column("id", _("ID"), "id"),
                        Column("title", _("Task"), max_width=44 if compact else None),
                        Column("assignment", _("As")),
                        Column("due", _("Due"), "date"),
                        Column("status", _("Status")),
                        Column("progress", _("Done"), "percent"),
                    ],
                    task_rows,
                    empty=_("No tasks."),
                )
            )
            work_rows = [{**party, **item} for item in _activity_rows(row["activity"])]
            sections.append(
                _section(
                    f"{kind}_work",
                    _("{who}: logged work").format(who=who),
                    [*party_columns, *_activity_columns(fmt)],
                    work_rows,
                    empty=_("Nothing logged."),
                )
            )
    heading = _heading(
        fmt,
        _("Tasks and work per member and unit"),
        [_("as of {day}").format(day=_heading_date(report["as_of"], lang))],
    )
    footer = [_("Tasks count those not cancelled; work counts entries logged by the member or unit themselves.")]
    return View(data=report, sections=sections, heading=heading, footer=footer)


# -- charts ------------------------------------------------------------------------
def chart_width(output) -> int:
    """Columns a chart may use: 120 in a file (as render.py), else the terminal's."""
    if output is not None:
        return 120
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), 200)
    if sys.stdout.isatty():
        return min(shutil.get_terminal_size((80, 24)).columns, 200)
    return 80


_EIGHTHS = " ▁▂▃▄▅▆▇█"


def _block(lines: list[str]) -> str:
    """A chart as one heading entry: rich prints it in one go (a line at a time
    costs ~0.3 ms each, seconds for a 10,000-task Gantt); newlines are kept as
    they are by render.printable."""
    return "\n".join(lines)


def burndown_chart(report: dict[str, Any], width: int, height: int = 10) -> list[str]:
    """A bar per day (or per few days) of open tasks, the ideal as dots, block characters only."""
    series = report["series"]
    if not series:
        return []
    top = max([1.0, *(point["ideal"] for point in series), *(point["open"] or 0 for point in series)])
    top = math.ceil(top)
    label_width = len(str(top)) + 1
    room = max(10, width - label_width - 2)
    step = max(1, math.ceil(len(series) / room))
    buckets = [series[index : index + step] for index in range(0, len(series), step)]
    stretch = max(1, min(3, room // len(buckets)))
    columns = []
    for bucket in buckets:
        known = [point for point in bucket if point["open"] is not None]
        last = bucket[-1]
        columns.append((known[-1]["open"] if known else None, last["ideal"], bucket[0]["date"], last["date"]))
    grid = []
    for level in range(height - 1, -1, -1):
        cells = []
        for value, ideal, _first, _last in columns:
            cell = " "
            if value is not None:
                eighths = round(value / top * height * 8)
                full, rest = divmod(eighths, 8)
                if level < full:
                    cell = "█"
                elif level == full and rest:
                    cell = _EIGHTHS[rest]
            if ideal > 0 and min(height - 1, int(ideal / top * height)) == level:
                cell = "·"  # also across a bar: where work should be matters most when behind
            cells.append(cell * stretch)
        if level == height - 1:
            label = str(top)
        elif level == 0:
            label = "0"
        elif level == height // 2:
            label = str(round(top * (level + 0.5) / height))
        else:
            label = ""
        grid.append(f"{label:>{label_width}}┤" + "".join(cells))
    grid.append(" " * label_width + "└" + "─" * (len(columns) * stretch))
    marks = [" "] * (len(columns) * stretch)
    today, election = report["as_of"], report["election_day"]
    for index, (_value, _ideal, first, last) in enumerate(columns):
        if first <= today <= last:
            marks[index * stretch + stretch - 1] = "^"
        if first <= election <= last:
            marks[index * stretch + stretch - 1] = "◆"
    grid.append(" " * (label_width + 1) + "".join(marks).rstrip())
    start, end = report["start"], report["end"]
    left = f"{start.day:02d}/{start.month:02d}"
    right = f"{end.day:02d}/{end.month:02d}"
    gap = max(1, len(columns) * stretch - len(left) - len(right))
    grid.append(" " * (label_width + 1) + left + " " * gap + right)
    if step > 1:
        grid.append(_("(one column = {n} days)").format(n=step))
    return grid


def burndown_view(report: dict[str, Any], fmt: OutputFormat, lang: str, *, width: int = 80):
    from campaign_cli.cli.render import Column, View

    if fmt == OutputFormat.json:
        return View(data=report)

    phase = report["phase"]
    if phase:
        title = _("Burndown: {name}").format(name=phase["name"])
    else:
        title = _("Burndown toward election day {day}").format(day=_date(report["election_day"]))
    lines = [_("as of {day}").format(day=_heading_date(report["as_of"], lang))]
    series = report["series"]
    if series:
        lines.append(
            _("{n} tasks (not cancelled), {start} – {end}").format(
                n=report["tasks"], start=_date(report["start"]), end=_date(report["end"])
            )
        )
        known = [point for point in series if point["open"] is not None]
        if known:
            now = known[-1]
            lines.append(
                _("Open on {day}: {open} (ideal {ideal})").format(
                    day=_date(now["date"]), open=now["open"], ideal=_num(now["ideal"], lang)
                )
            )
    heading = _heading(fmt, title, lines)
    if fmt == OutputFormat.table and series:
        heading += ["", _block(burndown_chart(report, width)), ""]
        heading.append(_("█ open tasks   · ideal   ^ as-of date   ◆ election day"))
    rows = series
    if fmt in (OutputFormat.table, OutputFormat.md):
        rows = _weekly_points(series, report["as_of"])
    section = _section(
        "series",
        _("Open tasks by day") if fmt not in (OutputFormat.table, OutputFormat.md) else _("Open tasks, week by week"),
        [Column("date", _("Date"), "date"), Column("open", _("Open"), "int"), Column("ideal", _("Ideal"), "number")],
        rows,
        empty=_("No tasks to burn down: add phases and tasks first."),
    )
    footer = [
        _(
            "A task is open from its creation or its phase's start, whichever is earlier, until it is done; "
            "cancelled tasks are left out. The ideal burns each phase's tasks evenly over its days."
        ),
    ]
    return View(data=report, sections=[section], heading=heading, footer=footer)


def _weekly_points(series: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Every 7th day from the start, plus the as-of date and the last day."""
    picked = [point for index, point in enumerate(series) if index % 7 == 0 or point["date"] == today]
    if series and series[-1] not in picked:
        picked.append(series[-1])
    return picked


def gantt_chart(report: dict[str, Any], width: int) -> list[str]:
    """Phases and tasks as bars on one date axis; election day and the as-of date marked."""
    from rich.cells import cell_len

    start, end = report["start"], report["end"]
    days = (end - start).days + 1
    label_width = max(16, min(34, width // 3))
    room = max(20, width - label_width - 1)
    scale = room / days

    def col(day: dt.date) -> int:
        return max(0, min(room - 1, int((day - start).days * scale)))

    election, today = report["election_day"], report["as_of"]
    marks: dict[int, str] = {}
    if start <= today <= end:
        marks[col(today)] = "┊"
    if start <= election <= end:
        marks[col(election)] = "│"

    empty = [marks.get(index, " ") for index in range(room)]

    def bar(first: dt.date, last: dt.date, char: str, tail: str = "") -> str:
        cells = empty.copy()
        a, b = col(max(first, start)), col(min(last, end))
        cells[a : b + 1] = [char] * (b + 1 - a)
        if tail and b + 1 < room:
            cells[b + 1] = tail
        return "".join(cells).rstrip()

    def label(text: str) -> str:
        text = " ".join(text.split())
        cells = cell_len(text)
        if cells > label_width:
            if cells == len(text):  # one column per character (NFC Vietnamese): cut directly
                text = text[: label_width - 1]
            else:
                while cell_len(text) > label_width - 1:
                    text = text[:-1]
            text += "…"
            cells = cell_len(text)
        return text + " " * (label_width - cells)

    # month ticks on top
    axis = [" "] * room
    day = dt.date(start.year, start.month, 1)
    last_written = -10
    while day <= end:
        if day >= start:
            index = col(day)
            text = f"{day.month:02d}/{day.year % 100:02d}"
            if index >= last_written + 1 and index + len(text) <= room:
                axis[index : index + len(text)] = list(text)
                last_written = index + len(text)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    top = [" " * label_width + " " + "".join(axis).rstrip()]
    pointer = [" "] * room
    if start <= election <= end:
        pointer[col(election)] = "▼"
    top.append(" " * label_width + " " + "".join(pointer).rstrip())
    lines = top
    for phase in report["phases"]:
        phase_end = phase["end"] or end
        lines.append(label(phase["name"]) + " " + bar(phase["start"], phase_end, "━"))
        for task in phase["tasks"]:
            due = task["due"] or phase_end
            first = min(task["start"], due)
            if task["status"] == "done":
                char, tail = "█", ""
            elif task["status"] == "cancelled":
                char, tail = "╌", ""
            else:
                char, tail = "░", ("!" if task["overdue"] else "")
            lines.append(label(f"  #{task['id']} {task['title']}") + " " + bar(first, due, char, tail))
    return lines


def timeline_view(report: dict[str, Any], fmt: OutputFormat, lang: str, *, width: int = 80):
    from campaign_cli.cli.render import Column, View

    if fmt == OutputFormat.json:
        return View(data=report)

    title = _("Timeline: election day {day}").format(day=_date(report["election_day"]))
    lines = [
        _("as of {day}").format(day=_heading_date(report["as_of"], lang))
        + " · "
        + _span(report["start"], report["end"]),
    ]
    heading = _heading(fmt, title, lines)
    csv = fmt == OutputFormat.csv
    sections = []
    if fmt == OutputFormat.table:
        if report["phases"]:
            heading += ["", _block(gantt_chart(report, width)), ""]
            heading.append(_("━ phase  █ done  ░ open  ! overdue  ╌ cancelled  │ election day  ┊ as-of date"))
        else:
            heading.append(_("No phases yet: add them with  campaign phase add NAME --start DATE"))
        return View(data=report, sections=[], heading=heading)
    phase_rows = [
        {
            "phase": phase["number"],
            "name": phase["name"],
            "start": phase["start"],
            "end": phase["end"],
            "tasks": len(phase["tasks"]),
        }
        for phase in report["phases"]
    ]
    sections.append(
        _section(
            "phases",
            _("Phases"),
            [
                Column("phase", _("No."), "int"),
                Column("name", _("Phase")),
                Column("start", _("Start"), "date"),
                Column("end", _("End"), "date"),
                Column("tasks", _("Tasks"), "int"),
            ],
            phase_rows,
            empty=_("No phases yet."),
        )
    )
    for phase in report["phases"]:
        rows = [
            {
                "phase": phase["number"],
                "id": task["id"],
                "title": task["title"],
                "start": task["start"],
                "due": task["due"],
                "status": task["status"] if csv else status_label(task["status"]) + (" !" if task["overdue"] else ""),
                "lead": task["lead"],
            }
            for task in phase["tasks"]
        ]
        sections.append(
            _section(
                "tasks",
                phase["name"],
                [
                    *([Column("phase", _("Phase"), "int")] if csv else []),
                    Column("id", _("ID"), "id"),
                    Column("title", _("Task")),
                    Column("start", _("Start"), "date"),
                    Column("due", _("Due"), "date"),
                    Column("status", _("Status")),
                    Column("lead", _("Lead")),
                ],
                rows,
                empty=_("No tasks in this phase."),
            )
        )
    return View(data=report, sections=sections, heading=heading)
