"""``campaign report weekly``: one ISO week's work, as a View."""

from __future__ import annotations

from typing import Any

from campaign_cli.cli.render.model import ESSENTIAL, LOW, Column, Section, View
from campaign_cli.cli.views.common import (
    activity_columns,
    activity_rows,
    as_of_line,
    countdown_text,
    date_text,
    short_span,
    span,
)
from campaign_cli.i18n import _, ngettext


def weekly_data(report: dict[str, Any]) -> dict[str, Any]:
    from campaign_cli.services.reports import WEEKLY_KEYS

    return {key: report[key] for key in WEEKLY_KEYS}


def work_text(row: dict[str, Any], lang: str) -> str:
    """``phát thanh: 5 lần; giới thiệu người ứng cử: 6 lượt``: each type's quantity in its own unit."""
    from campaign_cli.formatting import format_number

    return "; ".join(
        f"{item['label']}: {format_number(item['quantity'], lang)} {item['unit']}".rstrip() for item in row["activity"]
    )


def weekly_view(report: dict[str, Any], lang: str) -> View:
    campaign = report["campaign"]
    title = _("Weekly report {week} ({span})").format(week=report["week"], span=span(report["start"], report["end"]))
    place = f"{campaign['locality']} · " if campaign["locality"] else ""
    lines = [
        campaign["name"],
        place
        + as_of_line(report["as_of"], lang)
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
                    f"{phase['name']} ({short_span(phase['start'], phase['end'])})" for phase in week_phases
                )
            )
        )
    elif not week_phases:
        lines.append(_("This week lies outside every phase."))
    if report["logged_until"] < report["end"]:
        if report["logged_until"] < report["start"]:
            lines.append(_("The week has not begun on the as-of date: nothing can be logged yet."))
        else:
            lines.append(_("Work logged up to the as-of date {day}.").format(day=date_text(report["logged_until"])))
    shorts = report["lead_short"]

    def with_short(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "lead_short": shorts.get(row["id"]) or row["lead"]} for row in rows]

    def who_columns(header: str, short_key: str | None = None) -> list[Column]:
        # Each type's quantity in its own unit, never a sum across units (the JSON's
        # per-row "activity" holds them as numbers).
        return [
            Column("id", _("ID"), "id"),
            Column("name", header, "name", short_key=short_key, priority=ESSENTIAL),
            Column("entries", _("Entries"), "int"),
            Column("work", _("Work done"), "text", min_width=20, wrap=True),
        ]

    def with_work(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "work": work_text(row, lang)} for row in rows]

    def task_columns(*last: Column) -> list[Column]:
        return [
            Column("id", _("ID"), "id"),
            Column("title", _("Task"), "text", min_width=20, priority=ESSENTIAL),
            Column("lead", _("Lead"), "name", short_key="lead_short", short_first=True),
            *last,
        ]

    next_start, next_end = report["next_week"]
    sections = [
        Section(
            "activity",
            _("Work logged this week"),
            activity_columns(),
            activity_rows(report["activity"]),
            empty=_("Nothing logged this week."),
        ),
        Section(
            "by_member",
            _("By member"),
            who_columns(_("Member")),
            with_work(report["by_member"]),
            empty=_("No member logged work this week."),
        ),
        Section(
            "by_unit",
            _("By unit"),
            who_columns(_("Unit"), "short"),
            with_work(report["by_unit"]),
            empty=_("No unit logged work this week."),
        ),
        Section(
            "by_place",
            _("By place"),
            who_columns(_("Place")),
            with_work(report["by_place"]),
            empty=_("Nothing logged at a place of the registry this week (campaign place list)."),
        ),
        Section(
            "completed",
            _("Completed this week ({n})").format(n=len(report["completed"])),
            task_columns(Column("completed_on", _("Completed"), "date")),
            with_short(report["completed"]),
            empty=_("No task completed this week."),
        ),
        Section(
            "due_next_week",
            _("Due next week, {span} ({n})").format(
                span=short_span(next_start, next_end), n=len(report["due_next_week"])
            ),
            task_columns(Column("due", _("Due"), "date"), Column("status", _("Status"), "status", priority=LOW)),
            with_short(report["due_next_week"]),
            empty=_("Nothing due next week."),
        ),
        Section(
            "overdue",
            _("Overdue on {day} ({n})").format(day=date_text(report["as_of"]), n=len(report["overdue"])),
            task_columns(
                Column("due", _("Due"), "date", priority=3),
                Column("days_late", _("Days late"), "int", tone="bad", priority=ESSENTIAL),
            ),
            with_short(report["overdue"]),
            empty=_("Nothing overdue."),
        ),
    ]
    if not report.get("has_places"):  # a campaign without a registry of places: nothing to say by place
        sections = [section for section in sections if section.name != "by_place"]
    other = report["unattributed"]
    footer = []
    if other["entries"]:
        footer.append(
            _("{n} entries were logged by no member: {units} by units, {nobody} by no one.").format(
                n=other["entries"], units=other["entries"] - other["nobody_entries"], nobody=other["nobody_entries"]
            )
        )
    if report.get("unplaced_entries"):
        footer.append(
            ngettext(
                "{n} entry this week has no place of the registry.",
                "{n} entries this week have no place of the registry.",
                report["unplaced_entries"],
            ).format(n=report["unplaced_entries"])
        )
    return View(data=weekly_data(report), title=title, heading=lines, sections=sections, footer=footer)
