"""campaign phase list | add | edit | remove"""


from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, parse_day, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _

app = new_typer(_("Phases (đợt) of the campaign: numbered, with start and end dates."))


def phase_view(rows, today):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.services.phases import phase_of_day

    current = phase_of_day(rows, today)
    data = [
        {
            "id": row["id"],
            "number": row["number"],
            "name": row["name"],
            "start": row["start_date"],
            "end": row["end_date"],
            "tasks": row.get("tasks", 0),
            "current": current is not None and row["id"] == current["id"],
        }
        for row in rows
    ]
    columns = [
        Column("number", _("No."), "int"),
        Column("name", _("Phase"), "text", min_width=16, priority=1),
        Column("start", _("Start"), "date"),
        Column("end", _("End"), "date"),
        Column("tasks", _("Tasks"), "int"),
        Column("current", _("Now"), "bool"),
    ]
    return View(
        data=data,
        sections=[
            Section(
                "phases",
                "",
                columns,
                data,
                empty=_("No phases yet: add one with  campaign phase add NAME --start DATE"),
            )
        ],
    )


@app.command("list")
def phase_list(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """List the phases, marking the one that holds the as-of date."""
    from campaign_cli.services.phases import list_phases

    service = service_context(ctx)
    show(phase_view(list_phases(service), service.today), fmt, output)


@app.command("add")
def phase_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_('Name, e.g. "Đợt 4: Tổng kết".'))],
    start: Annotated[str, typer.Option("--start", metavar="DATE", help=_("First day, e.g. 24/5/2021."))],
    end: Annotated[
        Optional[str], typer.Option("--end", metavar="DATE", help=_("Last day (inclusive); leave out for an open end."))
    ] = None,
    number: Annotated[
        Optional[int], typer.Option("--number", help=_("Phase number (default: the next one)."), min=1)
    ] = None,
) -> None:
    """Add a phase."""
    from campaign_cli.services.phases import add_phase

    service = service_context(ctx)
    phase = add_phase(
        service, name=name, start=parse_day(ctx, start, "--start"), end=parse_day(ctx, end, "--end"), number=number
    )
    done(_("Added phase {number}: {name}").format(number=phase["number"], name=phase["name"]))


@app.command("edit")
def phase_edit(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("Phase number."), click_type=complete.PHASE)],
    name: Annotated[Optional[str], typer.Option("--name", help=_("New name."))] = None,
    start: Annotated[Optional[str], typer.Option("--start", metavar="DATE", help=_("New first day."))] = None,
    end: Annotated[
        Optional[str], typer.Option("--end", metavar="DATE", help=_("New last day; 'none' for an open end."))
    ] = None,
) -> None:
    """Rename a phase or move its dates."""
    from campaign_cli.services.phases import edit_phase
    from campaign_cli.vocabulary import UNSET

    service = service_context(ctx)
    if end is None:
        new_end = UNSET
    elif end.strip().lower() in ("none", "open", "-", ""):
        new_end = None
    else:
        new_end = parse_day(ctx, end, "--end")
    phase = edit_phase(service, number, name=name, start=parse_day(ctx, start, "--start"), end=new_end)
    done(_("Updated phase {number}: {name}").format(number=phase["number"], name=phase["name"]))
    for neighbour in phase["neighbours"]:  # an adjacent phase kept touching the moved boundary
        done(
            _("Phase {number}, next to it, now runs {start}–{end}").format(
                number=neighbour["number"],
                start=neighbour["start"].strftime("%d/%m/%Y"),
                end=neighbour["end"].strftime("%d/%m/%Y") if neighbour["end"] else "…",
            )
        )


@app.command("remove")
def phase_remove(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("Phase number."), click_type=complete.PHASE)],
    yes: YesOption = False,
) -> None:
    """Remove a phase that holds no tasks."""
    from campaign_cli.services import lookup
    from campaign_cli.services.phases import remove_phase

    service = service_context(ctx)
    phase = lookup.phase(service, number)
    confirm_removal(_("phase {number} ({name})").format(number=phase["number"], name=phase["name"]), yes)
    remove_phase(service, number)
    done(_("Removed phase {number}.").format(number=phase["number"]))
