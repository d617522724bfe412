"""campaign log add | list | edit | remove | import | imports"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete, import_report
from campaign_cli.cli.common import (
    confirm_removal,
    done,
    new_typer,
    parse_day,
    parse_week_option,
    service_context,
    show,
)
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import N_, _, pgettext

app = new_typer(_("The activity log: what was done, on which day, how much, by whom, for which task."))

#: Values of --by and --task (in log edit) that detach the entry.
CLEAR_WORDS = ("none", "-", "")

TypeOption = Annotated[
    Optional[str],
    typer.Option(
        "--type", "-t", metavar="TYPE", help=_("Activity type: code (poster) or Vietnamese name (áp phích, ap phich)."),
            click_type=complete.TYPE
    ),
]
QtyOption = Annotated[
    Optional[str], typer.Option("--qty", "-q", metavar="N", help=_("How many, in the type's unit (default 1)."))
]
DateOption = Annotated[
    Optional[str], typer.Option("--date", "-d", metavar="DATE", help=_("Day it was done, e.g. 15/4/2021 or yesterday."))
]
PlaceOption = Annotated[
    Optional[str],
    typer.Option(
        "--place", metavar="PLACE",
        help=_('Where, e.g. "gia van" or "Thôn Đông, xã Gia Vân": a place of the registry when the campaign '
               'has one (campaign place list), else any text.'),
        click_type=complete.PLACE,
    ),
]
NewPlaceOption = Annotated[
    bool,
    typer.Option("--new-place", help=_("Add --place to the registry when it is not there yet (its kind from its "
                                       "word: Xã, Thôn...; \"NAME, PARENT\" puts it under PARENT).")),
]
NoteOption = Annotated[
    Optional[str], typer.Option("--note", metavar="TEXT", help=_("Free text: titles, attendance, remarks."))
]


def _what(entry: dict, lang: str) -> str:
    """``40 tờ áp phích (poster)``; ``2.098 tờ rơi (leaflet)``, not "tờ tờ rơi", when the label starts with the unit."""
    from campaign_cli.formatting import format_number

    unit, label = entry["unit"], entry["label"]
    counted = label if unit and (label == unit or label.startswith(unit + " ")) else f"{unit} {label}".strip()
    return f"{format_number(entry['quantity'], lang)} {counted} ({entry['type']})"


@app.command("add")
def log_add(
    ctx: typer.Context,
    type: TypeOption = None,
    qty: QtyOption = None,
    date: DateOption = None,
    by: Annotated[
        Optional[str],
        typer.Option("--by", "-b", metavar="MEMBER_OR_UNIT", help=_("Member or unit who did it: id or name."),
            click_type=complete.PARTY),
    ] = None,
    task: Annotated[
        Optional[str],
        typer.Option("--task", metavar="ID", help=_("Task id it counts toward; gives the type if --type is left out."),
            click_type=complete.TASK),
    ] = None,
    place: PlaceOption = None,
    new_place: NewPlaceOption = False,
    note: NoteOption = None,
) -> None:
    """Log an activity (default: one, on the as-of date)."""
    from campaign_cli.formatting import format_date
    from campaign_cli.i18n import current_language
    from campaign_cli.services.logs import add_log

    if type is None and task is None:
        raise typer.BadParameter(_("give --type TYPE, or --task ID of a task that has a type"), param_hint="--type")
    service = service_context(ctx)
    entry = add_log(
        service,
        type=type,
        quantity=qty,
        on_date=parse_day(ctx, date, "--date"),
        by=by,
        task=task,
        place=place or "",
        note=note or "",
        new_place=new_place,
    )
    _places_added(entry["places_added"])
    done(
        _("Logged {what} on {date} — entry {id}").format(
            what=_what(entry, current_language()), date=format_date(entry["date"]), id=entry["id"]
        )
    )
    _warn(entry["warnings"])


def _places_added(names: list[str], dry_run: bool = False) -> None:
    if names:
        message = _("Places to add to the registry: {names}") if dry_run else _("Added to the registry: {names}")
        done(message.format(names=", ".join(names)))


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(_("Warning: {message}").format(message=warning), err=True)


def _short_name(party: dict | None, unit_shorts: dict) -> str | None:
    """A unit by the abbreviation people use, where the table has no room for its full name."""
    if not party:
        return None
    return (unit_shorts.get(party["id"]) if party["kind"] == "unit" else None) or party["name"]


#: Entries a terminal table shows when --limit is not given (newest first).
TABLE_LIMIT = 50


def log_view(entries: list[dict], *, truncated: bool = False, limit: int = 0, unit_shorts: dict | None = None):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL

    rows = [
        {
            **entry,
            "by": entry["by"]["name"] if entry["by"] else None,
            "by_short": _short_name(entry["by"], unit_shorts or {}),
            "task": entry["task"]["id"] if entry["task"] else None,
        }
        for entry in entries
    ]
    columns = [
        Column("id", _("ID"), "id"),
        Column("date", _("Date"), "date", priority=ESSENTIAL),
        Column("type", _("Type"), "code", priority=7),
        Column("label", _("Activity"), "text", min_width=12, priority=ESSENTIAL),
        Column("quantity", _("Qty"), "quantity", priority=ESSENTIAL),
        Column("unit", pgettext("measure", "Unit"), "text", min_width=6),
        Column("by", _("By"), "name", short_key="by_short", priority=3),
        Column("task", _("Task"), "id", priority=4),
        Column("place", _("Place"), "text", min_width=10, priority=4),
        Column("note", _("Note"), "text", min_width=16, priority=4),
    ]
    footer = []
    if truncated:
        footer.append(_("Showing the latest {n} entries; --limit 0 shows them all.").format(n=limit))
    empty = _("No log entries match.")
    return View(data=entries, sections=[Section("entries", "", columns, rows, empty=empty)], footer=footer)


@app.command("list")
def log_list(
    ctx: typer.Context,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help=_("From this day (inclusive)."))
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help=_("Up to this day (inclusive)."))
    ] = None,
    week: Annotated[
        Optional[str],
        typer.Option("--week", "-w", metavar="WEEK", help=_("Only this week: 2021-W17, a date in it, this, last.")),
    ] = None,
    member: Annotated[
        Optional[str], typer.Option("--member", "-m", metavar="MEMBER", help=_("Entries by this member."),
            click_type=complete.MEMBER)
    ] = None,
    unit: Annotated[
        Optional[str], typer.Option("--unit", "-u", metavar="UNIT", help=_("Entries by this unit or by its members."),
            click_type=complete.UNIT)
    ] = None,
    task: Annotated[Optional[str], typer.Option("--task", metavar="ID", help=_("Entries toward this task."),
        click_type=complete.TASK)] = None,
    type: TypeOption = None,
    limit: Annotated[
        Optional[int],
        typer.Option(
            "--limit", "-n", min=0, metavar="N",
            help=_("Newest N entries; 0 for all (default: 50 in a table, all in json, csv, md and xlsx)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List log entries, newest first."""
    from campaign_cli.services.logs import list_logs

    if limit is None:  # a person reads the newest; a script never gets a silently cut list
        limit = TABLE_LIMIT if fmt == OutputFormat.table else 0
    service = service_context(ctx)
    start, end = parse_day(ctx, since, "--since"), parse_day(ctx, until, "--until")
    if week is not None:
        monday, sunday = parse_week_option(service.today, week)
        start = max(start, monday) if start else monday
        end = min(end, sunday) if end else sunday
    entries = list_logs(
        service,
        since=start,
        until=end,
        member=member,
        unit=unit,
        task=task,
        type=type,
        limit=limit + 1 if limit else 0,
    )
    truncated = bool(limit) and len(entries) > limit
    if truncated:
        entries = entries[:limit]
    from campaign_cli.services.units import list_units

    unit_shorts = {unit["id"]: unit["short"] for unit in list_units(service) if unit["short"]}
    show(log_view(entries, truncated=truncated, limit=limit, unit_shorts=unit_shorts), fmt, output)


def _detach(value: Optional[str]):
    """For edit: None keeps, 'none' detaches (None to the service), else the reference."""
    from campaign_cli.vocabulary import UNSET

    if value is None:
        return UNSET
    return None if value.strip().lower() in CLEAR_WORDS else value


@app.command("edit")
def log_edit(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help=_("Entry id (see  campaign log list)."))],
    type: TypeOption = None,
    qty: QtyOption = None,
    date: DateOption = None,
    by: Annotated[
        Optional[str],
        typer.Option("--by", "-b", metavar="MEMBER_OR_UNIT", help=_("Member or unit who did it; 'none' to clear."),
            click_type=complete.PARTY),
    ] = None,
    task: Annotated[
        Optional[str], typer.Option("--task", metavar="ID", help=_("Task id it counts toward; 'none' to detach."),
            click_type=complete.TASK)
    ] = None,
    place: PlaceOption = None,
    new_place: NewPlaceOption = False,
    note: NoteOption = None,
) -> None:
    """Correct a log entry ('--place none' clears its place)."""
    from campaign_cli.formatting import format_date
    from campaign_cli.i18n import current_language
    from campaign_cli.services.logs import edit_log

    service = service_context(ctx)
    entry = edit_log(
        service,
        entry_id,
        on_date=parse_day(ctx, date, "--date"),
        type=type,
        quantity=qty,
        by=_detach(by),
        task=_detach(task),
        place="" if place is not None and place.strip().lower() in CLEAR_WORDS else place,
        note=note,
        new_place=new_place,
    )
    done(
        _("Updated entry {id}: {what} on {date}").format(
            id=entry["id"], what=_what(entry, current_language()), date=format_date(entry["date"])
        )
    )
    _warn(entry["warnings"])


@app.command("remove")
def log_remove(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help=_("Entry id (see  campaign log list)."))],
    yes: YesOption = False,
) -> None:
    """Remove a log entry (campaign undo brings it back)."""
    from campaign_cli.formatting import format_date
    from campaign_cli.i18n import current_language
    from campaign_cli.services.logs import get_log, remove_log

    service = service_context(ctx)
    entry = get_log(service, entry_id)
    what = _what(entry, current_language())
    confirm_removal(
        _("log entry {id} ({what} on {date})").format(id=entry["id"], what=what, date=format_date(entry["date"])), yes
    )
    remove_log(service, entry["id"])
    done(_("Removed entry {id}: {what} on {date}").format(id=entry["id"], what=what, date=format_date(entry["date"])))


@app.command("import")
def log_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help=_("CSV or XLSX file with the columns date,type,quantity,member,task,place,note."),
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=_("Check every row and say what is new and what was imported before; write nothing.")
        ),
    ] = False,
    add_places: Annotated[
        bool,
        typer.Option("--add-places", help=_("Add the places the registry does not have yet, instead of refusing "
                                            "their rows.")),
    ] = False,
    only_new: Annotated[
        bool, typer.Option("--only-new", help=_("Import only the rows no earlier import holds (a corrected copy)."))
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help=_("Import every row even if it was imported before: they count again."))
    ] = False,
    output_format: Annotated[
        import_report.ImportFormat,
        typer.Option(
            "--format", "-f", case_sensitive=False,
            help=_("table: messages on stderr; json: what was (or would be) imported, on stdout."),
        ),
    ] = import_report.ImportFormat.table,
) -> None:
    """Import log entries from a CSV or XLSX file: all of them, or none if any row is wrong.

    UTF-8 (with or without BOM), separated by commas (or semicolons if the
    header is). date and type are required; quantity defaults to 1; member is
    a member or unit; task is a task id; place a place of the registry when
    the campaign has one. Dates are day first (15/4/2021).
    Rows imported before are refused (see  campaign log imports) unless
    --only-new or --again says what to do with them.
    """
    from campaign_cli.i18n import current_language
    from campaign_cli.services.log_imports import AGAIN, ONLY_NEW, REFUSE
    from campaign_cli.services.logs import import_log_rows, import_logs

    if only_new and again:
        raise typer.BadParameter(_("give --only-new or --again, not both"), param_hint="--only-new / --again")
    repeated = ONLY_NEW if only_new else AGAIN if again else REFUSE
    service = service_context(ctx)  # may switch to the campaign's language
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from campaign_cli.cli.interchange.xlsx_log import read_log_rows_xlsx

        records = ((row["line"], row) for row in read_log_rows_xlsx(file))
        result = import_log_rows(
            service, records, source=str(file), dry_run=dry_run, repeated=repeated, add_places=add_places
        )
    else:
        result = import_logs(service, file, dry_run=dry_run, repeated=repeated, add_places=add_places)
    if result.ok:
        _places_added(result.places_added, dry_run)
    import_report.report(result, file.name, current_language(), output_format, repeated)


#: ``log_import.mode`` in words: which rows of its file an import took.
IMPORT_MODES = {"all": N_("all"), "only-new": N_("only new"), "again": N_("all, again")}


def imports_view(imports: list[dict]):
    """Earlier imports, newest first: enough to find the wrong one and the change to undo."""
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL, LOW
    from campaign_cli.cli.safety import local_time
    from campaign_cli.formatting import format_date

    rows = [
        {
            **record,
            "imported_at": local_time(record["imported_at"]),
            "dates": format_date(record["first_date"])
            + ("" if record["last_date"] == record["first_date"] else " – " + format_date(record["last_date"])),
            "mode_label": _(IMPORT_MODES.get(record["mode"], record["mode"])),
        }
        for record in imports
    ]
    # At 80 columns: which import (when, file, rows) and the change to undo; the rest as room allows.
    columns = [
        Column("id", _("#"), "id"),
        Column("imported_at", _("Imported"), min_width=19, priority=ESSENTIAL),
        Column("file", _("File"), "text", min_width=14, priority=ESSENTIAL),
        Column("rows", _("Rows"), "int", priority=ESSENTIAL),
        Column("file_rows", _("In file"), "int", priority=LOW),
        Column("dates", _("Dates"), "text", min_width=23, priority=3, digest=True),
        Column("first_date", _("First date"), "date", detail=True),
        Column("last_date", _("Last date"), "date", detail=True),
        Column("change", _("Change"), "id", priority=ESSENTIAL),
        Column("mode_label", _("Rows taken"), "text", priority=LOW, digest=True),
        Column("mode", _("Mode"), "code", detail=True),
        Column("as_of", _("As of"), "date", priority=LOW + 1),
        Column("actor", _("Who"), "name", max_width=16, priority=LOW),
    ]
    footer = [_("campaign undo  takes back the latest change; see  campaign history  for what came after.")]
    footer = footer if imports else []
    empty = _("No log imports recorded.")
    return View(data=imports, sections=[Section("imports", "", columns, rows, empty=empty)], footer=footer)


@app.command("imports")
def log_imports(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """List earlier log imports, newest first: when, which file, how many rows, and the change that made them."""
    from campaign_cli.services.log_imports import list_imports

    show(imports_view(list_imports(service_context(ctx))), fmt, output)
