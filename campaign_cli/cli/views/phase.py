"""``campaign report phase``: every task of a phase and its quantities against targets, as a View."""

from __future__ import annotations

from typing import Any

from campaign_cli.cli.labels import state_label
from campaign_cli.cli.render.model import ESSENTIAL, LOW, Column, Section, View
from campaign_cli.cli.views.common import as_of_line, num, pct, span
from campaign_cli.i18n import _, ngettext, pgettext


def phase_view(report: dict[str, Any], lang: str) -> View:
    sections = []
    for phase in report["phases"]:
        head = _("{name} ({span}): work {work}, time {time}, {state}").format(
            name=phase["name"],
            span=span(phase["start"], phase["end"]),
            work=pct(phase["progress"], lang),
            time=pct(phase["time_elapsed"], lang),
            state=state_label(phase["state"]),
        )
        task_rows = [
            {
                **task,
                "phase": phase["number"],
                "logged_of_target": logged_of_target(task["logged"], task["target"], task["unit"], lang),
            }
            for task in phase["task_list"]
        ]
        sections.append(
            Section(
                "tasks",
                head,
                [
                    Column("phase", _("Phase"), "int", detail=True),
                    Column("id", _("ID"), "id"),
                    Column("title", _("Task"), "text", min_width=20, priority=ESSENTIAL),
                    Column("lead", _("Lead"), "name", short_key="lead_short", short_first=True),
                    Column("support", _("Support"), "text", detail=True),
                    Column("due", _("Due"), "date"),
                    Column("status", _("Status"), "status", tone_key="overdue", priority=ESSENTIAL),
                    Column("progress", _("Progress"), "progress", tone_key="overdue", priority=3),
                    Column("logged", _("Logged"), "quantity", detail=True),
                    Column("target", _("Target"), "quantity", detail=True),
                    Column("unit", pgettext("measure", "Unit"), "text", detail=True),
                    Column("logged_of_target", _("Logged / target"), "text", digest=True, priority=LOW),
                ],
                task_rows,
                empty=_("No tasks in this phase."),
            )
        )
        sections.append(
            Section(
                "quantities",
                _("{name}: quantities").format(name=phase["name"]),
                [
                    Column("phase", _("Phase"), "int", detail=True),
                    Column("type", _("Type"), "code", detail=True),
                    Column("label", _("Activity"), "text", min_width=14, priority=ESSENTIAL),
                    Column("unit", pgettext("measure", "Unit"), "text", min_width=6),
                    Column("target", _("Target"), "quantity"),
                    Column("logged", _("On tasks"), "quantity"),
                    Column("progress", _("Done"), "percent"),
                    Column("in_phase", _("In phase days"), "quantity", priority=4),
                    Column("entries_in_phase", _("Entries"), "int", detail=True),
                ],
                [{**row, "phase": phase["number"]} for row in phase["quantities"]],
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
    if len(report["phases"]) == 1:
        title = _("Phase report: {name}").format(name=report["phases"][0]["name"])
    else:
        title = _("Phase report")
    if not report["phases"]:
        sections.append(Section("tasks", "", [Column("id", _("ID"), "id")], [], empty=_("No phases yet.")))
    return View(data=report, title=title, heading=[as_of_line(report["as_of"], lang)], sections=sections, footer=footer)


def logged_of_target(logged: Any, target: Any, unit: str, lang: str) -> str:
    """ "680/840 tờ": logged quantity against the target, in the target's unit."""
    if target is None:
        return num(logged, lang) if logged else ""
    return f"{num(logged or 0, lang)}/{num(target, lang)} {unit}".strip()
