"""campaign history | undo | export | import | backup | restore"""


import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.cli.common import done, parse_day, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _


class ExportFormat(str, Enum):
    json = "json"
    ics = "ics"
    taskwarrior = "taskwarrior"


class ImportFormat(str, Enum):
    json = "json"
    taskwarrior = "taskwarrior"


def register(app: typer.Typer) -> None:
    app.command("history")(history)
    app.command("undo")(undo)
    app.command("redo")(redo)
    app.command("export")(export)
    app.command("import")(import_)
    app.command("backup")(backup)
    app.command("restore")(restore)


# -- history, undo and redo ----------------------------------------------------
def local_time(at: str):
    """A stored UTC timestamp as an aware datetime in the user's time zone (renderers format it:
    day first in tables, ISO 8601 with the offset in CSV)."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def undo_state(row) -> str:
    """The Undo column: what reverted this change, or what it reverted."""
    if row.get("kind") == "redo":
        state = _("redoes #{id}").format(id=row["undoes"])
    elif row["undoes"] is not None:
        state = _("undoes #{id}").format(id=row["undoes"])
    else:
        state = ""
    if row["undone_by"] is not None:
        if row.get("kind") == "undo":
            done = _("redone by #{id}").format(id=row["undone_by"])
        else:
            done = _("undone by #{id}").format(id=row["undone_by"])
            if row.get("redone_by") is not None:
                done += ", " + _("redone by #{id}").format(id=row["redone_by"])
        state = f"{state}, {done}" if state else done
    return state


def history_view(rows, limit):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL, LOW

    table = [{**row, "at": local_time(row["at"]), "state": undo_state(row)} for row in rows]
    # At 80 columns: when and what changed; who, the command and undo state as room allows.
    columns = [
        Column("id", _("#"), "id"),
        Column("at", _("When"), min_width=19, priority=ESSENTIAL),
        Column("actor", _("Who"), max_width=16),
        Column("command", _("Command"), max_width=40, min_width=16, priority=LOW + 1),
        Column("summary", _("What changed"), min_width=24, priority=ESSENTIAL),
        Column("state", _("Undo"), priority=LOW),
    ]
    footer = []
    if limit and len(rows) == limit:
        footer.append(_("The {n} newest changes; --limit 0 shows all.").format(n=limit))
    return View(
        data=rows,
        sections=[Section("history", "", columns, table, empty=_("No changes recorded."))],
        footer=footer,
    )


def history(
    ctx: typer.Context,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help=_("Only changes made on or after this day."))
    ] = None,
    member: Annotated[
        Optional[str],
        typer.Option(
            "--member",
            metavar="M",
            help=_("Only changes touching this member: the member, their assignments and log entries."),
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=0, help=_("At most N changes, newest first; 0 for all."))
    ] = 50,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Every change to the campaign: who made it, when, with which command, and what it changed."""
    from campaign_cli.services.history import list_history

    service = service_context(ctx)
    rows = list_history(service, since=parse_day(ctx, since, "--since"), member=member, limit=limit)
    show(history_view(rows, limit), fmt, output)


def undo(
    ctx: typer.Context,
    count: Annotated[int, typer.Argument(metavar="[N]", min=1, help=_("How many changes to revert (default 1)."))] = 1,
    yes: YesOption = False,
) -> None:
    """Revert the last N changes, newest first; repeat to go further back (like Ctrl-Z)."""
    revert(ctx, count, "undo", yes)


def redo(
    ctx: typer.Context,
    count: Annotated[int, typer.Argument(metavar="[N]", min=1, help=_("How many undos to revert (default 1)."))] = 1,
    yes: YesOption = False,
) -> None:
    """Make the last N undone changes again, newest undo first (like Ctrl-Y)."""
    revert(ctx, count, "redo", yes)


def revert(ctx: typer.Context, count: int, direction: str, yes: bool) -> None:
    """Undo or redo; more than one change is listed and confirmed first on a terminal."""
    from campaign_cli.services import history as changes

    service = service_context(ctx)
    expected = None
    if count > 1 and not yes and on_terminal():
        targets = changes.pending(service, count, direction)
        heading = (
            _("These {n} changes will be undone, newest first:")
            if direction == "undo"
            else _("These {n} undone changes will be made again, newest first:")
        )
        typer.echo(heading.format(n=len(targets)), err=True)
        for target in targets:
            typer.echo(f"  #{target['id']} {printable(target['command'])}: {printable(target['summary'])}", err=True)
        question = _("Undo them?") if direction == "undo" else _("Redo them?")
        if not typer.confirm(question, default=False):
            typer.echo(_("Nothing undone.") if direction == "undo" else _("Nothing redone."), err=True)
            raise typer.Exit(1)
        expected = [target["reverts"] for target in targets]
    for entry in changes.revert_latest(service, count, direction, expected=expected):
        if direction == "undo":
            done(_("Undid #{id} ({command}): {summary}").format(**entry))
        else:
            done(_("Redid #{id} ({command}): {summary}").format(**entry))


def on_terminal() -> bool:
    """Someone can answer a question (scripts and pipes proceed without one)."""
    return sys.stdin.isatty()


def printable(text: str) -> str:
    from campaign_cli.cli.render import printable as escape

    return escape(text)


# -- export and import --------------------------------------------------------
def export(
    ctx: typer.Context,
    file: Annotated[
        Optional[Path],
        typer.Argument(
            metavar="[FILE]", dir_okay=False, help=_("Write here (atomically); standard output without it.")
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help=_("json (the whole campaign), ics (calendar) or taskwarrior.")),
    ] = ExportFormat.json,
    tasks_as: Annotated[
        str,
        typer.Option("--tasks-as", metavar="event|todo", help=_("ics: task due dates as all-day events or to-dos.")),
    ] = "event",
) -> None:
    """Write the whole campaign as one JSON document (see docs/export-format.md), a calendar or Taskwarrior tasks."""
    from campaign_cli.files import is_stdout, write_file
    from campaign_cli.services.transfer import export_campaign

    service = service_context(ctx)
    if fmt != ExportFormat.json:
        export_interchange(service, fmt, file, tasks_as)
        return
    written = {}
    # Streamed: each record is written as it is read (to a temporary file renamed at the end).
    write_file(file, lambda stream: written.update(export_campaign(service, stream)))
    if is_stdout(file):
        return
    counts = written["counts"]
    message = _("Exported {name!r} to {path}: {phases} phases, {members} members, {tasks} tasks, {entries} log entries")
    done(
        message.format(
            name=written["name"],
            path=file,
            phases=counts["phases"],
            members=counts["members"],
            tasks=counts["tasks"],
            entries=counts["activities"],
        )
    )


def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help=_("An export made by  campaign export  ('-': standard input)."))
    ],
    name: Annotated[
        Optional[str], typer.Option("--name", help=_("Import under this campaign name instead of the one in the file."))
    ] = None,
    fmt: Annotated[
        ImportFormat,
        typer.Option("--format", "-f", help=_("json (a campaign export) or taskwarrior (task export output).")),
    ] = ImportFormat.json,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("taskwarrior: check and count, write nothing."))] = False,
    parent: Annotated[
        Optional[str],
        typer.Option(
            "--parent",
            metavar="CAMPAIGN",
            help=_("File the campaign under this one (a commune's export at its province); a later export of "
                   "the same campaign replaces the copy."),
        ),
    ] = None,
) -> None:
    """Read an exported campaign into this database (new ids; all or nothing), or Taskwarrior tasks into this campaign."""  # noqa: E501
    from campaign_cli.services.transfer import import_campaign

    if fmt == ImportFormat.taskwarrior:
        import_taskwarrior_tasks(service_context(ctx), file, dry_run)
        return
    if parent is not None and fmt != ImportFormat.json:
        raise typer.BadParameter(_("--parent goes with a campaign export (--format json)"), param_hint="--parent")
    service = service_context(ctx, must_exist=parent is not None)
    result = import_campaign(service, file, name=name, parent=parent)
    speak_language_of(ctx, result["campaign"])
    if result["unchanged"]:
        done(
            _("{name!r} under {parent!r} already holds what the file holds: nothing changed.").format(
                name=result["campaign"]["name"], parent=result["parent"]["name"]
            )
        )
        return
    counts = result["counts"]
    if result["replaced"]:
        done(
            _(
                "Replaced the copy of {name!r} under {parent!r} with the file's: {phases} phases, {units} units, "
                "{members} members, {tasks} tasks, {entries} log entries"
            ).format(
                name=result["campaign"]["name"], parent=result["parent"]["name"], phases=counts["phases"],
                units=counts["units"], members=counts["members"], tasks=counts["tasks"],
                entries=counts["activities"],
            )
        )
        return
    message = _(
        "Imported campaign {name!r} into {db}: {phases} phases, {units} units, {members} members, {tasks} tasks, "
        "{entries} log entries"
    )
    done(
        message.format(
            name=result["campaign"]["name"],
            db=service.db.url,
            phases=counts["phases"],
            units=counts["units"],
            members=counts["members"],
            tasks=counts["tasks"],
            entries=counts["activities"],
        )
    )
    if result["parent"] is not None:
        done(_("Filed under {parent!r}: see  campaign report rollup").format(parent=result["parent"]["name"]))


def speak_language_of(ctx: typer.Context, campaign) -> None:
    """Messages in the campaign's language, as every command that opens one speaks it,
    unless --lang or CAMPAIGN_LANG chose one."""
    from campaign_cli import i18n
    from campaign_cli.cli.state import get_state

    if not (get_state(ctx).lang or i18n.explicit_language()) and campaign.get("lang"):
        i18n.set_language(campaign["lang"])


def export_interchange(service, fmt: ExportFormat, file: Optional[Path], tasks_as: str) -> None:
    """Calendars and Taskwarrior: the office formats' writers over plain service data."""
    from campaign_cli.cli import office
    from campaign_cli.services import interchange

    to_stdout = file is None or str(file) == "-"
    if tasks_as not in ("event", "todo"):
        raise typer.BadParameter(_("use event or todo"), param_hint="--tasks-as")
    if fmt == ExportFormat.ics:
        office.write_ics(
            interchange.calendar_data(service), sys.stdout.buffer if to_stdout else file, tasks_as=tasks_as
        )
    else:
        office.write_taskwarrior(interchange.taskwarrior_data(service), sys.stdout if to_stdout else file)
    if not to_stdout:
        done(_("Wrote {path}").format(path=file))


def import_taskwarrior_tasks(service, file: str, dry_run: bool) -> None:
    from campaign_cli.cli import office
    from campaign_cli.services import interchange

    items = office.read_taskwarrior(sys.stdin if file == "-" else Path(file))
    result = interchange.import_taskwarrior(service, items, dry_run=dry_run)
    if result.problems:
        typer.echo(_("Error: nothing was imported:"), err=True)
        for problem in result.problems[:20]:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    done(
        _(
            "Taskwarrior tasks: {created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped{dry}"
        ).format(
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
            skipped=result.skipped,
            dry=_(" (dry run: nothing written)") if dry_run else "",
        )
    )


# -- backup and restore -------------------------------------------------------
def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help=_("Where to write the copy (a folder: a dated file in it; '-': standard output).")
        ),
    ],
) -> None:
    """Copy the whole database to FILE, consistently, even while others write (SQLite)."""
    from campaign_cli import files
    from campaign_cli.services.backups import backup_database, backup_to_stream

    # No upgrade first: a copy of an old database as it is has its uses.
    service = service_context(ctx, must_exist=False, adopt_language=True)
    if files.is_stdout(file):
        if sys.stdout.isatty():
            from campaign_cli.errors import Invalid

            raise Invalid(_("a backup is a binary file: give a FILE, or redirect standard output to a file"))
        result = backup_to_stream(service, sys.stdout.buffer)
        done(_("Backed up {db} to standard output ({size}, integrity ok)").format(
            db=service.db.url, size=_size(result["size"])))
        return
    result = backup_database(service, file)
    done(
        _("Backed up {db} to {path} ({size}, integrity ok)").format(
            db=service.db.url, path=result["path"], size=_size(result["size"])
        )
    )


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("A copy made by  campaign backup."))],
    yes: YesOption = False,
) -> None:
    """Replace the database with a backup copy; the current one is kept aside (SQLite)."""
    import os

    from campaign_cli.services.backups import inspect_database, require_sqlite_file, restore_database

    service = service_context(ctx, must_exist=False, adopt_language=True)
    target = require_sqlite_file(service, "restore")
    info = inspect_database(file)
    if not yes and os.path.exists(target) and os.path.getsize(target) > 0:
        _confirm_restore(target, file, info)
    result = restore_database(service, file)
    if result["kept"]:
        done(
            _("Restored {db} from {path}; the database it replaced is kept as {kept}").format(
                db=target, path=file, kept=result["kept"]
            )
        )
    else:
        done(_("Restored {db} from {path}").format(db=target, path=file))


def _confirm_restore(target: str, file: Path, info: dict) -> None:
    """Ask on a terminal; without one, replacing a database needs --yes."""
    from campaign_cli.errors import Invalid

    if not sys.stdin.isatty():
        raise Invalid(
            _("restore replaces {db}, and there is no terminal to ask on: add --yes to confirm").format(db=target)
        )
    question = _("Replace {db} with {path} (campaigns: {campaigns}; {tasks} tasks, {entries} log entries)?").format(
        db=target,
        path=file,
        campaigns=", ".join(info["campaigns"]) or "-",
        tasks=info["counts"]["task"],
        entries=info["counts"]["activity"],
    )
    if not typer.confirm(question, default=False):
        typer.echo(_("Nothing restored."), err=True)
        raise typer.Exit(1)
