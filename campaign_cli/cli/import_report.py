"""What ``log import`` says once its rows are checked: what it wrote or would write, and what
it did with rows imported before (refused, left out, imported again).

Messages go to stderr; stdout stays empty for scripts, or holds the JSON of
``--format json`` (``services.log_imports.summary``). A file with wrong rows, or
refused for rows imported before, ends in exit 1.
"""

import json
from enum import Enum

import typer

from campaign_cli.cli.common import done
from campaign_cli.i18n import _, ngettext

#: Entry ids named in one note before "…".
ENTRIES_SHOWN = 10
#: Problems of a rejected import printed before "and N more".
MAX_ERRORS_SHOWN = 20


class ImportFormat(str, Enum):
    table = "table"
    json = "json"


def report(result, file_name: str, lang: str, fmt: ImportFormat = ImportFormat.table, on_repeated: str = "") -> None:
    """Print the outcome of a checked import (``services.logs.ImportResult``); exit 1 if nothing could be."""
    if not result.ok:
        _errors(result, file_name, lang)
        raise typer.Exit(1)
    if fmt == ImportFormat.json:
        from campaign_cli.services.log_imports import REFUSE, summary

        document = summary(result, file_name, on_repeated or REFUSE)
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        if result.refused:  # the one-line reason on stderr too, and the exit code
            _refusal(result, file_name, lang, brief=True)
            raise typer.Exit(1)
        return
    _messages(result, file_name, lang)


def _errors(result, file_name: str, lang: str) -> None:
    """Wrong rows: how many, each with its line and reason (the first few), and the hints."""
    summary = _("Error: {bad} of {rows} rows in {file} are wrong; nothing was imported:").format(
        bad=_number(len(result.errors), lang), rows=_number(result.rows, lang), file=file_name
    )
    typer.echo(summary, err=True)
    for problem in result.errors[:MAX_ERRORS_SHOWN]:
        typer.echo(f"  {problem}", err=True)
    more = len(result.errors) - MAX_ERRORS_SHOWN
    if more > 0:
        typer.echo("  " + _("and {n} more").format(n=_number(more, lang)), err=True)
    for hint in result.hints:
        typer.echo(hint, err=True)


def _messages(result, file_name: str, lang: str) -> None:
    if result.refused:
        _refusal(result, file_name, lang)
        raise typer.Exit(1)
    taken = result.taken
    if taken == 0:
        done(_("Nothing new to import: every row of {file} was imported before; nothing was written:").format(
            file=file_name))
        _details(result, lang)
        return
    _warn(result.warnings)
    n = _number(taken, lang)
    span = _span(result)
    if result.dry_run:
        if not result.repeated:
            done(ngettext(
                "The entry is valid and was not imported before ({span}); nothing was written (dry run)",
                "All {n} entries are valid and none was imported before ({span}); nothing was written (dry run)",
                taken).format(n=n, span=span))
        elif _only_new(result):
            done(ngettext(
                "{n} new entry is valid ({span}); the rows imported before would be left out; "
                "nothing was written (dry run):",
                "{n} new entries are valid ({span}); the rows imported before would be left out; "
                "nothing was written (dry run):",
                taken).format(n=n, span=span))
            _details(result, lang)
        else:
            done(ngettext(
                "The entry is valid ({span}); nothing was written (dry run)",
                "All {n} entries are valid ({span}); nothing was written (dry run)",
                taken).format(n=n, span=span))
            _counted_again(result, lang, would=True)
    elif _only_new(result):
        done(ngettext(
            "Imported {n} new entry ({span}); left out, as imported before:",
            "Imported {n} new entries ({span}); left out, as imported before:",
            taken).format(n=n, span=span))
        _details(result, lang)
    else:
        done(ngettext("Imported {n} entry ({span})", "Imported {n} entries ({span})", taken).format(n=n, span=span))
        if result.repeated:
            _counted_again(result, lang, would=False)
    if result.repeated and result.new_lines:
        _left_out_notes(result, lang)


def _refusal(result, file_name: str, lang: str, *, brief: bool = False) -> None:
    """Rows imported before and neither --only-new nor --again: say which, where, and the way on
    (``brief``: the first line only, beside the JSON)."""
    repeated, total, new = result.repeated, result.rows, len(result.new_lines)
    if not new and len(result.earlier) == 1:
        earlier = result.earlier[0]
        typer.echo(_("Error: {message}").format(message=ngettext(
            "this row was imported on {date} from {file}, change #{change}; use --again to import it once more",
            "these {n} rows were imported on {date} from {file}, change #{change}; "
            "use --again to import them once more",
            repeated).format(n=_number(repeated, lang), **_facts(earlier))), err=True)
        return
    if new:
        heading = ngettext(
            "{n} of the {total} rows in {file} was imported before; nothing was imported:",
            "{n} of the {total} rows in {file} were imported before; nothing was imported:",
            repeated)
    else:
        heading = ngettext(
            "the row in {file} was imported before; nothing was imported:",
            "these {n} rows in {file} were imported before; nothing was imported:",
            repeated)
    message = heading.format(n=_number(repeated, lang), total=_number(total, lang), file=file_name)
    if brief:  # the heading's colon announces the details: none follow
        typer.echo(_("Error: {message}").format(message=message.rstrip(":")), err=True)
        return
    typer.echo(_("Error: {message}").format(message=message), err=True)
    _details(result, lang)
    if new:
        typer.echo("  " + ngettext("{n} new row: line {lines}", "{n} new rows: lines {lines}", new).format(
            n=_number(new, lang), lines=line_ranges(result.new_lines)), err=True)
        _left_out_notes(result, lang)
        typer.echo(ngettext(
            "Use --only-new to import the new row, or --again to import all {total} once more.",
            "Use --only-new to import the {n} new rows, or --again to import all {total} once more.",
            new).format(n=_number(new, lang), total=_number(total, lang)), err=True)
    else:
        typer.echo(_("Use --again to import them once more."), err=True)


def _details(result, lang: str) -> None:
    """One line per earlier import holding rows of this file."""
    for earlier in result.earlier:
        count = len(earlier.lines)
        typer.echo("  " + ngettext(
            "{n} row (line {lines}) imported on {date} from {file}, change #{change}",
            "{n} rows (lines {lines}) imported on {date} from {file}, change #{change}",
            count).format(n=_number(count, lang), lines=line_ranges(earlier.lines), **_facts(earlier)), err=True)


def _counted_again(result, lang: str, *, would: bool) -> None:
    if would:
        heading = ngettext("{n} of these rows was imported before and would count twice:",
                           "{n} of these rows were imported before and would count twice:", result.repeated)
    else:
        heading = ngettext("{n} of these rows was imported before and now counts twice:",
                           "{n} of these rows were imported before and now count twice:", result.repeated)
    _warn([heading.format(n=_number(result.repeated, lang))])
    _details(result, lang)


def _left_out_notes(result, lang: str) -> None:
    """A corrected copy leaves out the rows it corrects: name the entries they became."""
    for earlier in result.earlier:
        if not earlier.left_out:
            continue
        count = len(earlier.left_out)
        entries = [str(entry) for _line, entry in earlier.left_out]
        shown = ", ".join(entries[:ENTRIES_SHOWN]) + (", …" if len(entries) > ENTRIES_SHOWN else "")
        _warn([ngettext(
            "{file} (change #{change}) also held {n} row that is not in this file (line {lines} there, now entry "
            "{entries}); if this file corrects it, remove that entry with  campaign log remove ID",
            "{file} (change #{change}) also held {n} rows that are not in this file (lines {lines} there, now "
            "entries {entries}); if this file corrects them, remove those entries with  campaign log remove ID",
            count).format(n=_number(count, lang), lines=line_ranges([line for line, _entry in earlier.left_out]),
                          entries=shown, **_facts(earlier))])


def _facts(earlier) -> dict:
    """How an earlier import is named: the local day it was made, its file and its change."""
    from campaign_cli.cli.safety import local_time
    from campaign_cli.formatting import format_date

    moment = local_time(earlier.imported_at)
    day = moment.date() if hasattr(moment, "date") else earlier.as_of
    change = earlier.changeset_id if earlier.changeset_id is not None else "?"
    return {"date": format_date(day), "file": earlier.file_name, "change": change}


def _only_new(result) -> bool:
    from campaign_cli.services.log_imports import ONLY_NEW

    return result.mode == ONLY_NEW


def _span(result) -> str:
    from campaign_cli.formatting import format_date

    span = format_date(result.first_date)
    if result.last_date != result.first_date:
        span += f" – {format_date(result.last_date)}"
    return span


def _number(value: int, lang: str) -> str:
    from campaign_cli.formatting import format_number

    return format_number(value, lang)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(_("Warning: {message}").format(message=warning), err=True)


def line_ranges(lines, shown: int = 12) -> str:
    """``2–18, 20, 25–27``: line numbers as runs, the first ``shown`` runs, then ``…``."""
    runs: list[list[int]] = []
    for line in sorted(lines):
        if runs and line <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], line)
        else:
            runs.append([line, line])
    texts = [str(first) if first == last else f"{first}–{last}" for first, last in runs[:shown]]
    return ", ".join(texts) + (", …" if len(runs) > shown else "")
