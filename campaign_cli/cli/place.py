"""campaign place list | add | edit | remove | import | match"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _, ngettext

app = new_typer(
    _("The campaign's places: communes (xã, phường, thị trấn) and villages (thôn, tổ dân phố) that log "
      "entries and tasks point at, and coverage is counted by.")
)

#: Lines of a rejected import or of unmatched texts printed before "and N more".
MAX_SHOWN = 20
CLEAR_WORDS = ("none", "-", "")

PlaceArgument = Annotated[
    str,
    typer.Argument(
        metavar="PLACE",
        help=_('Place id or name, diacritics optional ("gia van"); "NAME, PARENT" where names repeat.'),
        click_type=complete.PLACE,
        show_default=False,
    ),
]
KindOption = Annotated[
    Optional[str],
    typer.Option(
        "--kind", metavar="KIND",
        help=_("province, district (elections before 1/7/2025), commune or village; the Vietnamese word (xã, "
               "thôn) too. Left out: read from the name's first word."),
    ),
]
InOption = Annotated[
    Optional[str],
    typer.Option("--in", metavar="PARENT", help=_("The place it lies in (a level above it)."),
                 click_type=complete.PLACE),
]


def place_view(rows):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL

    data = [{key: row[key] for key in ("id", "name", "kind", "parent", "children", "entries")} for row in rows]
    shown = [{**row, "parent": row["parent"]["name"] if row["parent"] else None} for row in data]
    columns = [
        Column("id", _("ID"), "id"),
        Column("name", _("Place"), "name", priority=ESSENTIAL),
        Column("kind", _("Kind"), "place_kind"),
        Column("parent", _("In"), "name", priority=3),
        Column("children", _("Places under it"), "int", priority=4),
        Column("entries", _("Log entries"), "int"),
    ]
    empty = _("No places yet: add them with  campaign place add NAME --kind KIND  or  campaign place import FILE")
    return View(data=data, sections=[Section("places", "", columns, shown, empty=empty)])


@app.command("list")
def place_list(
    ctx: typer.Context,
    within: InOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List the places, each under its parent, with the log entries at each (and the places under it)."""
    from campaign_cli.services.places import list_places

    show(place_view(list_places(service_context(ctx), within)), fmt, output)


def _label(place) -> str:
    from campaign_cli.cli.labels import place_kind_label

    where = f", {place['parent']['name']}" if place.get("parent") else ""
    return f"{place['name']} ({place_kind_label(place['kind'])}{where})"


@app.command("add")
def place_add(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help=_('The name with its word, e.g. "Xã Gia Vân", "Thôn Đông".'),
                       show_default=False),
    ],
    kind: KindOption = None,
    within: InOption = None,
) -> None:
    """Add a place to the registry."""
    from campaign_cli.services.places import add_place

    place = add_place(service_context(ctx), name=name, kind=kind, parent=within)
    done(_("Added place {id}: {label}").format(id=place["id"], label=_label(place)))


@app.command("edit")
def place_edit(
    ctx: typer.Context,
    ref: PlaceArgument,
    name: Annotated[Optional[str], typer.Option("--name", metavar="NAME", help=_("New name."))] = None,
    kind: KindOption = None,
    within: Annotated[
        Optional[str],
        typer.Option("--in", metavar="PARENT", help=_("Move it under this place; 'none' to the top."),
                     click_type=complete.PLACE),
    ] = None,
) -> None:
    """Rename a place, change its kind or move it; entries that carried the old name take the new one."""
    from campaign_cli.services.places import edit_place
    from campaign_cli.vocabulary import UNSET

    if name is None and kind is None and within is None:
        ctx.fail(_("nothing to change: give --name, --kind or --in"))
    parent = UNSET if within is None else (None if within.strip().lower() in CLEAR_WORDS else within)
    place = edit_place(
        service_context(ctx), ref,
        name=UNSET if name is None else name, kind=UNSET if kind is None else kind, parent=parent,
    )
    done(_("Updated place {id}: {label}").format(id=place["id"], label=_label(place)))


@app.command("remove")
def place_remove(ctx: typer.Context, ref: PlaceArgument, yes: YesOption = False) -> None:
    """Remove a place that has no places under it: its log entries keep their text, its tasks forget it."""
    from campaign_cli.services.places import removal_impact, remove_place

    service = service_context(ctx)
    impact = removal_impact(service, ref)
    confirm_removal(_("place {id} ({name})").format(id=impact["id"], name=impact["name"]) + _effects(impact), yes)
    removed = remove_place(service, str(impact["id"]))
    done(_("Removed place {id} ({name})").format(id=removed["id"], name=removed["name"]) + _effects(removed) + ".")


def _effects(counts) -> str:
    parts = []
    if counts["entries"]:
        parts.append(ngettext("{n} log entry keeps its text", "{n} log entries keep their text",
                              counts["entries"]).format(n=counts["entries"]))
    if counts["tasks"]:
        parts.append(ngettext("{n} task no longer names it", "{n} tasks no longer name it",
                              counts["tasks"]).format(n=counts["tasks"]))
    return f" ({'; '.join(parts)})" if parts else ""


@app.command("import")
def place_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help=_("CSV file with the columns name,kind,parent."), exists=True,
                       dir_okay=False, readable=True),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Check every line, write nothing."))] = False,
) -> None:
    """Add places from a CSV file: all of them, or none if any line is wrong.

    Columns name,kind,parent (tên, loại, trực thuộc work too). kind may be
    left empty when the name starts with its word (Xã, Thôn...); parent names
    a place of the file, in any order, or of the registry. Places already in
    the registry are left as they are.
    """
    from campaign_cli.formatting import format_number
    from campaign_cli.i18n import current_language
    from campaign_cli.services.places import import_places

    service = service_context(ctx)
    lang = current_language()
    result = import_places(service, file, dry_run=dry_run)
    if result.errors:
        typer.echo(_("Error: {bad} of {rows} lines in {file} are wrong; nothing was imported:").format(
            bad=format_number(len(result.errors), lang), rows=format_number(result.rows, lang), file=file.name),
            err=True)
        for problem in result.errors[:MAX_SHOWN]:
            typer.echo(f"  {problem}", err=True)
        if len(result.errors) > MAX_SHOWN:
            typer.echo("  " + _("and {n} more").format(n=len(result.errors) - MAX_SHOWN), err=True)
        raise typer.Exit(1)
    kept = ngettext(" ({n} already in the registry)", " ({n} already in the registry)", result.existing).format(
        n=result.existing) if result.existing else ""
    if dry_run:
        done(ngettext("{n} place would be added", "{n} places would be added", result.added).format(
            n=result.added) + kept + _("; nothing was written (dry run)"))
    else:
        done(ngettext("Added {n} place", "Added {n} places", result.added).format(n=result.added) + kept)


@app.command("match")
def place_match(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Show what would be linked, write nothing."))] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Link log entries written before the registry to the place their text names; list the rest.

    An entry's place text links when it names exactly one place: its name,
    its name without the word (Gia Vân), or a text holding it ("Hội trường
    UBND xã Gia Vân"). The text itself is kept. Texts naming no place or
    several are listed with the candidates; fix them with  campaign log edit
    ID --place PLACE.
    """
    from campaign_cli.services.places import match_places

    result = match_places(service_context(ctx), dry_run=dry_run)
    show(match_view(result), fmt, output)
    entries = ngettext("{n} entry", "{n} entries", result.linked).format(n=result.linked)
    if dry_run:
        done(_("Would link {entries}; nothing was written (dry run)").format(entries=entries))
    else:
        done(_("Linked {entries} to their places").format(entries=entries))


def match_view(result):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL

    matched = [
        {"text": row["text"], "entries": row["entries"], "place_id": row["place"]["id"], "place": row["place"]["name"]}
        for row in result.matched
    ]
    unmatched = [
        {"text": row["text"], "entries": row["entries"],
         "candidates": "; ".join(row["places"]) if row["places"] else _("names no place")}
        for row in result.unmatched
    ]
    data = {
        "dry_run": result.dry_run,
        "linked": result.linked,
        "matched": [{"text": row["text"], "entries": row["entries"], "place": row["place"]} for row in result.matched],
        "unmatched": [{"text": row["text"], "entries": row["entries"], "candidates": row["places"]}
                      for row in result.unmatched],
    }
    sections = [
        Section(
            "matched", _("Linked") if not result.dry_run else _("Would link"),
            [Column("text", _("Place as written"), "text", priority=ESSENTIAL, min_width=20),
             Column("entries", _("Entries"), "int"),
             Column("place_id", _("ID"), "id", priority=3),
             Column("place", _("Place"), "name", priority=ESSENTIAL)],
            matched, empty=_("No entry to link."),
        ),
        Section(
            "unmatched", _("Not linked: fix with  campaign log edit ID --place PLACE"),
            [Column("text", _("Place as written"), "text", priority=ESSENTIAL, min_width=20),
             Column("entries", _("Entries"), "int"),
             Column("candidates", _("Why"), "text", min_width=20, wrap=True)],
            unmatched, empty=_("Every place text names a place."),
        ),
    ]
    return View(data=data, sections=sections)
