"""campaign unit list | add | edit | remove"""


from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, removal_effects, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _, ngettext

app = new_typer(_("Units (đơn vị) that lead or support tasks: offices, centres, radio stations."))

UnitArgument = Annotated[
    str,
    typer.Argument(metavar="UNIT", help=_("Unit id, name or abbreviation (diacritics optional)."),
        click_type=complete.UNIT, show_default=False),
]


def unit_view(rows):
    from campaign_cli.cli.render import Column, Section, View

    data = [
        {key: row[key] for key in ("id", "name", "short", "members", "tasks_lead", "tasks_support")} for row in rows
    ]
    columns = [
        Column("id", _("ID"), "id"),
        Column("name", _("Unit"), "name", min_width=16, priority=1),
        Column("short", _("Abbreviation"), "name", priority=3),
        Column("members", _("Members"), "int"),
        Column("tasks_lead", _("Leads"), "int"),
        Column("tasks_support", _("Supports"), "int"),
    ]
    empty = _("No units yet: add one with  campaign unit add NAME --short ABBR")
    return View(data=data, sections=[Section("units", "", columns, data, empty=empty)])


def _label(unit) -> str:
    return f"{unit['name']} ({unit['short']})" if unit["short"] else unit["name"]


@app.command("list")
def unit_list(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """List the units alphabetically (Vietnamese order) with their members and tasks."""
    from campaign_cli.services.units import list_units

    show(unit_view(list_units(service_context(ctx))), fmt, output)


@app.command("add")
def unit_add(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help=_('Full name, e.g. "Phòng Văn hóa và Thông tin huyện".'), show_default=False
        ),
    ],
    short: Annotated[
        str, typer.Option("--short", metavar="ABBR", help=_('Abbreviation people use, e.g. "Phòng VH&TT".'))
    ] = "",
) -> None:
    """Add a unit."""
    from campaign_cli.services.units import add_unit

    unit = add_unit(service_context(ctx), name=name, short=short)
    done(_("Added unit {id}: {label}").format(id=unit["id"], label=_label(unit)))


@app.command("edit")
def unit_edit(
    ctx: typer.Context,
    ref: UnitArgument,
    name: Annotated[Optional[str], typer.Option("--name", metavar="NAME", help=_("New full name."))] = None,
    short: Annotated[
        Optional[str], typer.Option("--short", metavar="ABBR", help=_('New abbreviation; "" removes it.'))
    ] = None,
) -> None:
    """Rename a unit or change its abbreviation."""
    from campaign_cli.services.units import edit_unit

    if name is None and short is None:
        ctx.fail(_("nothing to change: give --name or --short"))
    unit = edit_unit(service_context(ctx), ref, name=name, short=short)
    done(_("Updated unit {id}: {label}").format(id=unit["id"], label=_label(unit)))


@app.command("remove")
def unit_remove(ctx: typer.Context, ref: UnitArgument, yes: YesOption = False) -> None:
    """Remove a unit: its task assignments go; its members and log entries stay, without the unit."""
    from campaign_cli.services.units import removal_impact, remove_unit

    service = service_context(ctx)
    impact = removal_impact(service, ref)
    confirm_removal(_("unit {id} ({name})").format(id=impact["id"], name=impact["name"]) + unit_effects(impact), yes)
    removed = remove_unit(service, str(impact["id"]))
    done(_("Removed unit {id} ({name})").format(id=removed["id"], name=removed["name"]) + unit_effects(removed) + ".")


def unit_effects(counts) -> str:
    """What else changes, e.g. " with 2 task assignments (kept without the unit: 1 member)"."""
    kept = []
    if counts["members"]:
        kept.append(ngettext("{n} member", "{n} members", counts["members"]).format(n=counts["members"]))
    if counts["activities"]:
        kept.append(ngettext("{n} log entry", "{n} log entries", counts["activities"]).format(n=counts["activities"]))
    return removal_effects(counts["assignments"], _("kept without the unit: {items}"), kept)

