"""One renderer per output format, over one plain description of what to show.

A command builds a :class:`View` (``model.py``): the JSON document and the
same content as sections of typed columns. :func:`render` hands it to the
renderer of the chosen format; renderers only lay out, never compute:

- ``terminal.py``  tables that fit the terminal, streamed row by row
- ``json_out.py``  the view's data, as it is
- ``csv_out.py``   codes and plain values, every row and column
- ``markdown.py``  a document for people
- ``workbook.py``  XLSX, a sheet per section
- ``document.py``, ``pdf.py``  the official report (DOCX, PDF)
- ``charts.py``    burndown and Gantt in block characters
- ``values.py``    a value as people read it (labels, numbers, dates)
- ``textfit.py``   display widths, cutting at a word boundary, escaping

Every file goes through ``campaign_cli.files`` (atomic, 0600).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from campaign_cli.cli.options import OutputFormat
from campaign_cli.cli.render.csv_out import csv_cell, to_csv
from campaign_cli.cli.render.json_out import json_default, to_json
from campaign_cli.cli.render.markdown import to_markdown
from campaign_cli.cli.render.model import ESSENTIAL, LOW, NORMAL, Chart, Column, Section, View
from campaign_cli.cli.render.textfit import printable
from campaign_cli.cli.render.values import cell_text

__all__ = [
    "ESSENTIAL", "LOW", "NORMAL", "Chart", "Column", "Section", "View",
    "cell_text", "csv_cell", "emit", "json_default", "printable", "render", "to_csv", "to_json",
    "to_markdown", "write_atomically",
]  # fmt: skip


def render(view: View, fmt: OutputFormat, output: Path | None, lang: str, *, wide: bool = False) -> None:
    """Write the view to standard output or, atomically, to ``output``."""
    from campaign_cli.files import is_stdout, write_file

    if fmt == OutputFormat.xlsx:
        write_xlsx(view, output, lang)
        return
    if is_stdout(output):
        from campaign_cli.cli.render.terminal import colour_wanted, terminal_width

        stream = sys.stdout
        if fmt == OutputFormat.table:
            emit(view, fmt, stream, lang, width=terminal_width(stream), colour=colour_wanted(stream), wide=wide)
        else:
            emit(view, fmt, stream, lang)
        stream.flush()
        return
    from campaign_cli.cli.render.terminal import FILE_WIDTH

    write_file(output, lambda stream: emit(view, fmt, stream, lang, width=FILE_WIDTH, wide=wide))


def emit(
    view: View,
    fmt: OutputFormat,
    stream: TextIO,
    lang: str,
    *,
    width: int | None = None,
    colour: bool = False,
    wide: bool = False,
) -> None:
    if fmt == OutputFormat.json:
        stream.write(to_json(view.data))
    elif fmt == OutputFormat.csv:
        stream.write(to_csv(view))
    elif fmt == OutputFormat.md:
        stream.write(to_markdown(view, lang))
    else:
        from campaign_cli.cli.render.terminal import write_view

        write_view(view, stream, lang, width=width or 80, colour=colour, wide=wide)


def write_xlsx(view: View, output: Path | None, lang: str) -> None:
    """A workbook to ``output``, or to standard output when it is not a terminal."""
    from campaign_cli.cli.render.workbook import write_workbook
    from campaign_cli.files import is_stdout

    if is_stdout(output):
        if sys.stdout.isatty():
            from campaign_cli.errors import Invalid
            from campaign_cli.i18n import _

            raise Invalid(_("xlsx is a binary format: give --output FILE.xlsx or redirect standard output to a file"))
        sys.stdout.flush()
        write_workbook(view, sys.stdout.buffer, lang)
        sys.stdout.buffer.flush()
        return
    write_workbook(view, output, lang)


def write_atomically(path: Path, write: Any) -> None:
    """Private, atomic, never over the database (campaign_cli.files)."""
    from campaign_cli.files import write_file

    write_file(path, write)
