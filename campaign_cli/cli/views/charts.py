"""``campaign report burndown`` and ``report timeline``: the chart reports, as Views.

On a terminal each view draws its chart (``render/charts.py``); the data
formats carry its data as sections instead: the burndown every day (CSV,
XLSX) and week by week (table, Markdown), the timeline its phases and tasks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.cli.render.model import ESSENTIAL, Chart, Column, Section, View
from campaign_cli.cli.views.common import as_of_line, date_text, span
from campaign_cli.i18n import _

#: Open tasks are whole; the ideal line is shown to one decimal everywhere people read it.
IDEAL_DECIMALS = 1


def burndown_view(report: dict[str, Any], lang: str) -> View:
    from campaign_cli.cli.render import charts, values

    phase = report["phase"]
    if phase:
        title = _("Burndown: {name}").format(name=phase["name"])
    else:
        title = _("Burndown toward election day {day}").format(day=date_text(report["election_day"]))
    lines = [as_of_line(report["as_of"], lang)]
    series = report["series"]
    chart = None
    if series:
        lines.append(
            _("{n} tasks (not cancelled), {start} – {end}").format(
                n=report["tasks"], start=date_text(report["start"]), end=date_text(report["end"])
            )
        )
        known = [point for point in series if point["open"] is not None]
        if known:
            now = known[-1]
            lines.append(
                _("Open on {day}: {open} (ideal {ideal})").format(
                    day=date_text(now["date"]),
                    open=now["open"],
                    ideal=values.number(now["ideal"], lang, IDEAL_DECIMALS),
                )
            )
        chart = Chart(
            draw=lambda width: charts.burndown_chart(report, width),
            legend=_("█ open tasks   · ideal   ^ as-of date   ◆ election day"),
        )
    columns = [
        Column("date", _("Date"), "date"),
        Column("open", _("Open"), "int", priority=ESSENTIAL),
        Column("ideal", _("Ideal"), "number", decimals=IDEAL_DECIMALS, priority=ESSENTIAL),
    ]
    empty = _("No tasks to burn down: add phases and tasks first.")
    sections = [
        Section(
            "weekly",
            _("Open tasks, week by week"),
            columns,
            weekly_points(series, report["as_of"]),
            empty=empty,
            audience="people",
        ),
        Section("series", _("Open tasks by day"), columns, series, empty=empty, audience="data"),
    ]
    footer = [
        _(
            "A task is open from its creation or its phase's start, whichever is earlier, until it is done; "
            "cancelled tasks are left out. The ideal burns each phase's tasks evenly over its days."
        ),
    ]
    return View(data=report, title=title, heading=lines, sections=sections, footer=footer, chart=chart)


def weekly_points(series: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Every 7th day from the start, plus the as-of date and the last day."""
    picked = [point for index, point in enumerate(series) if index % 7 == 0 or point["date"] == today]
    if series and series[-1] not in picked:
        picked.append(series[-1])
    return picked


def timeline_view(report: dict[str, Any], lang: str) -> View:
    from campaign_cli.cli.render import charts

    title = _("Timeline: election day {day}").format(day=date_text(report["election_day"]))
    heading = [as_of_line(report["as_of"], lang) + " · " + span(report["start"], report["end"])]
    sections = [
        Section(
            "phases",
            _("Phases"),
            [
                Column("phase", _("No."), "int"),
                Column("name", _("Phase"), "text", min_width=16, priority=ESSENTIAL),
                Column("start", _("Start"), "date"),
                Column("end", _("End"), "date"),
                Column("tasks", _("Tasks"), "int"),
            ],
            [
                {
                    "phase": phase["number"],
                    "name": phase["name"],
                    "start": phase["start"],
                    "end": phase["end"],
                    "tasks": len(phase["tasks"]),
                }
                for phase in report["phases"]
            ],
            empty=_("No phases yet: add them with  campaign phase add NAME --start DATE"),
        )
    ]
    for phase in report["phases"]:
        sections.append(
            Section(
                "tasks",
                phase["name"],
                [
                    Column("phase", _("Phase"), "int", detail=True),
                    Column("id", _("ID"), "id"),
                    Column("title", _("Task"), "text", min_width=20, priority=ESSENTIAL),
                    Column("start", _("Start"), "date", priority=4),
                    Column("due", _("Due"), "date"),
                    Column("status", _("Status"), "status", tone_key="overdue"),
                    Column("lead", _("Lead"), "name", priority=3),
                ],
                [{**task, "phase": phase["number"]} for task in phase["tasks"]],
                empty=_("No tasks in this phase."),
            )
        )
    chart = None
    if report["phases"]:
        chart = Chart(
            draw=lambda width: charts.gantt_chart(report, width),
            legend=_("━ phase  █ done  ░ open  ! overdue  ╌ cancelled  │ election day  ┊ as-of date"),
            covers=tuple(section.name for section in sections),
        )
    return View(data=report, title=title, heading=heading, sections=sections, chart=chart)
