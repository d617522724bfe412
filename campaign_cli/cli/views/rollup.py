"""``campaign report rollup``: a province's communes, one row each, as a View.

At 80 columns a table cannot hold every activity type beside the figures
that say who is behind: the week's work is there as the number of entries
and the day of the last one, and each type's quantity is a column of its
own that a narrow terminal leaves out first (named in a note; ``--wide``
shows them). CSV, Markdown and XLSX hold every column; the JSON holds each
child's activity as a list (``services/rollup.py``).
"""

from __future__ import annotations

from typing import Any

from campaign_cli.cli.render.model import ESSENTIAL, LOW, Column, Section, View
from campaign_cli.cli.views.common import activity_columns, activity_rows, as_of_line, date_text, span
from campaign_cli.i18n import _

#: Per-type columns: after every other column when a terminal is narrow.
TYPE_PRIORITY = LOW + 1


def _type_key(code: str, unit: str, units_of_code: int) -> str:
    return f"activity.{code}" if units_of_code == 1 else f"activity.{code}.{unit}"


def rollup_view(report: dict[str, Any], lang: str) -> View:
    from campaign_cli.services.documents import bare_locality
    from campaign_cli.services.rollup import rollup_data

    campaign = report["campaign"]
    totals = report["totals"]
    units_of = {}
    for entry in totals["activity"]:
        units_of[entry["type"]] = units_of.get(entry["type"], 0) + 1
    type_columns = [
        Column(
            _type_key(entry["type"], entry["unit"], units_of[entry["type"]]),
            f"{entry['label']} ({entry['unit']})" if entry["unit"] else entry["label"],
            "quantity",
            priority=TYPE_PRIORITY,
        )
        for entry in totals["activity"]
    ]
    rows = []
    for child in report["children"]:
        place = child["locality"] or child["name"]
        row = {
            "locality": place,
            "place": bare_locality(place) or place,
            "name": child["name"],
            "level": child["level"],
            "phase": child["current_phase"]["number"] if child["current_phase"] else None,
            "time_elapsed": child["time_elapsed"],
            "progress": child["progress"],
            "state": child["state"],
            "tasks_total": child["tasks"]["total"],
            "tasks_done": child["tasks"]["done"],
            "tasks_overdue": child["tasks"]["overdue"],
            "entries": child["entries"],
            "last_entry": child["last_entry"],
            "reported_this_week": child["reported_this_week"],
        }
        for item in child["activity"]:
            unit = next((entry["unit"] for entry in totals["activity"] if entry["type"] == item["type"]), "")
            row[_type_key(item["type"], unit, units_of.get(item["type"], 1))] = item["quantity"]
        rows.append(row)
    columns = [
        Column("locality", _("Locality"), "name", short_key="place", min_width=10, priority=ESSENTIAL),
        Column("name", _("Campaign"), "name", detail=True),
        Column("level", _("Level"), "level", detail=True),
        Column("phase", _("Phase"), "int", priority=4),
        Column("time_elapsed", _("Time"), "percent", priority=3),
        Column("progress", _("Work"), "percent", tone_key="state", priority=ESSENTIAL),
        Column("state", _("State"), "state", priority=ESSENTIAL),
        Column("tasks_total", _("Tasks"), "int", priority=3),
        Column("tasks_done", _("Done"), "int", priority=4),
        Column("tasks_overdue", _("Overdue"), "int", tone_key="tasks_overdue", priority=ESSENTIAL),
        Column("entries", _("Entries"), "int", priority=LOW),
        Column("last_entry", _("Last entry"), "date"),
        Column("reported_this_week", _("Reported"), "bool", priority=ESSENTIAL),
        *type_columns,
    ]
    what = _("Campaigns under {name}").format(name=campaign["name"])
    empty = _(
        "No campaign is filed under {name} yet: file one with  campaign init NAME --parent P,  "
        "campaign config --parent P  or  campaign import FILE --parent P"
    ).format(name=campaign["name"])
    sections = [
        Section("children", what, columns, rows, empty=empty),
        Section(
            "totals",
            _("Work logged this week, all of them"),
            activity_columns(),
            activity_rows(totals["activity"]),
            empty=_("Nothing logged this week."),
        ),
    ]
    return View(
        data=rollup_data(report),
        title=_("Roll-up, week {week} ({span})").format(week=report["week"], span=span(report["start"], report["end"])),
        heading=_heading(report, lang),
        sections=sections,
        footer=_footer(report),
    )


def _heading(report: dict[str, Any], lang: str) -> list[str]:
    campaign = report["campaign"]
    place = f"{campaign['locality']} · " if campaign["locality"] else ""
    lines = [campaign["name"], place + as_of_line(report["as_of"], lang)]
    counts = report["counts"]
    if report["children"]:
        lines.append(
            _("{behind} behind · {on_track} on track · {upcoming} not started · {finished} finished").format(**counts)
        )
    if report["logged_until"] < report["end"]:
        if report["logged_until"] < report["start"]:
            lines.append(_("The week has not begun on the as-of date: nothing can be logged yet."))
        else:
            lines.append(_("Work logged up to the as-of date {day}.").format(day=date_text(report["logged_until"])))
    return lines


def _footer(report: dict[str, Any]) -> list[str]:
    children = report["children"]
    if not children:
        return []
    tasks = report["totals"]["tasks"]
    reported = sum(1 for child in children if child["reported_this_week"])
    return [
        _(
            "All of them: {total} tasks, {done} done, {overdue} overdue; {reported} of {count} reported this week."
        ).format(
            total=tasks["total"], done=tasks["done"], overdue=tasks["overdue"], reported=reported, count=len(children)
        ),
        _(
            "Work and time: the current phase's, as each campaign's own status gives them; behind: work trails "
            "time by more than 10 points (an open-ended phase: a task is overdue)."
        ),
    ]
