"""``campaign report member``: each member's and unit's tasks and logged work, as a View."""

from __future__ import annotations

from typing import Any

from campaign_cli.cli.labels import role_label
from campaign_cli.cli.render.model import ESSENTIAL, Column, Section, View
from campaign_cli.cli.views.common import activity_columns, activity_rows, as_of_line
from campaign_cli.i18n import _


def member_view(report: dict[str, Any], lang: str) -> View:
    load = [
        Column("tasks_total", _("Tasks"), "int"),
        Column("tasks_lead", role_label("lead"), "int", priority=3),
        Column("tasks_support", role_label("support"), "int", priority=3),
        Column("tasks_done", _("Done"), "int"),
        Column("overdue", _("Late"), "int", tone_key="overdue", priority=ESSENTIAL),
        Column("entries", _("Entries"), "int"),
    ]
    #: Who a row of a per-party section belongs to: the section's title says it to people.
    party = [
        Column("party", _("Kind"), "code", detail=True),
        Column("party_id", _("Party ID"), "id", detail=True),
        Column("party_name", _("Name"), "name", detail=True),
    ]
    sections = []
    single = len(report["members"]) + len(report["units"]) == 1
    if not single:
        sections.append(
            Section(
                "members",
                _("Members"),
                [
                    Column("id", _("ID"), "id"),
                    Column("name", _("Member"), "name", priority=ESSENTIAL),
                    Column("role", _("Role"), "role", priority=4),
                    *load,
                ],
                report["members"],
                empty=_("No members yet."),
            )
        )
        sections.append(
            Section(
                "units",
                _("Units"),
                [
                    Column("id", _("ID"), "id"),
                    Column("name", _("Unit"), "name", short_key="short", priority=ESSENTIAL),
                    *load,
                ],
                report["units"],
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
            owner = {"party": kind, "party_id": row["id"], "party_name": row["name"]}
            sections.append(
                Section(
                    f"{kind}_tasks",
                    _("{who}: tasks").format(who=who),
                    [
                        *party,
                        Column("id", _("ID"), "id"),
                        Column("title", _("Task"), "text", min_width=20, priority=ESSENTIAL),
                        Column("assignment", _("As"), "role"),
                        Column("due", _("Due"), "date", priority=3),
                        Column("status", _("Status"), "status", tone_key="overdue"),
                        Column("progress", _("Done"), "percent"),
                    ],
                    [{**owner, **task, "assignment": task["role"]} for task in row["tasks"]],
                    empty=_("No tasks."),
                )
            )
            sections.append(
                Section(
                    f"{kind}_work",
                    _("{who}: logged work").format(who=who),
                    [*party, *activity_columns()],
                    [{**owner, **item} for item in activity_rows(row["activity"])],
                    empty=_("Nothing logged."),
                )
            )
    footer = [_("Tasks count those not cancelled; work counts entries logged by the member or unit themselves.")]
    return View(
        data=report,
        title=_("Tasks and work per member and unit"),
        heading=[as_of_line(report["as_of"], lang)],
        sections=sections,
        footer=footer,
    )
