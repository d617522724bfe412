"""campaign type list | add | edit | remove"""

from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _, pgettext

app = new_typer(_("Activity types: what log entries count (posters, broadcasts, ...) and in which unit."))

RefArgument = Annotated[str, typer.Argument(metavar="CODE", help=_("Type code (poster) or Vietnamese name."),
    click_type=complete.TYPE)]


def type_view(rows):
    from campaign_cli.cli.render import Column, Section, View

    columns = [
        Column("code", _("Code"), "code"),
        Column("label_vi", _("Label"), "text", min_width=14, priority=1),
        Column("label_en", _("English"), "text", min_width=14, priority=4),
        Column("unit", pgettext("measure", "Unit"), "text"),
        Column("entries", _("Entries"), "int"),
    ]
    return View(data=rows, sections=[Section("types", "", columns, rows, empty=_("No activity types."))])


@app.command("list")
def type_list(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """List the activity types by code, with how many log entries each has."""
    from campaign_cli.services.activity_types import list_types

    show(type_view(list_types(service_context(ctx))), fmt, output)


@app.command("add")
def type_add(
    ctx: typer.Context,
    code: Annotated[
        str, typer.Argument(metavar="CODE", help=_("New code: lower-case letters, digits, hyphens (led-screen)."))
    ],
    label: Annotated[str, typer.Option("--label", metavar="TEXT", help=_('Vietnamese name, e.g. "màn hình LED".'))],
    unit: Annotated[str, typer.Option("--unit", metavar="TEXT", help=_('Unit it is counted in, e.g. "lượt".'))],
    label_en: Annotated[str, typer.Option("--label-en", metavar="TEXT", help=_("English name."))] = "",
) -> None:
    """Add an activity type."""
    from campaign_cli.services.activity_types import add_type

    row = add_type(service_context(ctx), code=code, label_vi=label, label_en=label_en, unit=unit)
    done(_("Added type {code}: {label} ({unit})").format(code=row["code"], label=row["label_vi"], unit=row["unit"]))


@app.command("edit")
def type_edit(
    ctx: typer.Context,
    ref: RefArgument,
    code: Annotated[
        Optional[str], typer.Option("--code", metavar="CODE", help=_("New code (only for types you added)."))
    ] = None,
    label: Annotated[Optional[str], typer.Option("--label", metavar="TEXT", help=_("New Vietnamese name."))] = None,
    label_en: Annotated[Optional[str], typer.Option("--label-en", metavar="TEXT", help=_("New English name."))] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", metavar="TEXT", help=_("New unit."))] = None,
) -> None:
    """Change the names or the unit of an activity type."""
    from campaign_cli.services.activity_types import edit_type

    row = edit_type(service_context(ctx), ref, code=code, label_vi=label, label_en=label_en, unit=unit)
    done(_("Updated type {code}: {label} ({unit})").format(code=row["code"], label=row["label_vi"], unit=row["unit"]))


@app.command("remove")
def type_remove(ctx: typer.Context, ref: RefArgument, yes: YesOption = False) -> None:
    """Remove an activity type that no log entry or task uses."""
    from campaign_cli.services import lookup
    from campaign_cli.services.activity_types import remove_type

    service = service_context(ctx)
    row = lookup.activity_type(service, ref)
    confirm_removal(_("type {code} ({label})").format(code=row["code"], label=row["label_vi"]), yes)
    remove_type(service, row["code"])
    done(_("Removed type {code}.").format(code=row["code"]))
