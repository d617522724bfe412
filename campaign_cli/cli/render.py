"""One renderer per output format, over one plain description of what to show.

A command builds a :class:`View`: the JSON document (its contract lives in
CLI.md and ``schemas/``) and the same content as titled sections of rows.
Renderers only lay out; they never compute. User text is data: it is never
interpreted as rich markup, and control characters are shown escaped.
"""


import csv
import datetime as dt
import io
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from campaign_cli.cli.options import OutputFormat
from campaign_cli.formatting import format_number, format_value

JSON_CONTENT_INDENT = 2
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    key: str
    header: str
    kind: str = "text"  # text | id | int | number | date | progress | percent
    max_width: int | None = None
    #: Left out of terminal tables narrower than 100 columns (the data stays in every other format).
    optional: bool = False


@dataclass
class Section:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: str = ""


@dataclass
class View:
    data: Any
    sections: list[Section] = field(default_factory=list)
    heading: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def printable(text: str) -> str:
    """Control and bidi characters shown as escapes, so text cannot drive the terminal."""
    return _CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"), text)


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """JSON as the standard has it: a number too large for a double (a sum of absurd
    quantities stored by an older release) is written as null, never as ``Infinity``."""
    try:
        text = json.dumps(data, ensure_ascii=False, indent=JSON_CONTENT_INDENT, default=json_default, allow_nan=False)
    except ValueError:
        text = json.dumps(finite(data), ensure_ascii=False, indent=JSON_CONTENT_INDENT, default=json_default)
    return text + "\n"


def finite(data: Any) -> Any:
    """``data`` with every infinite or NaN float replaced by None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(value) for value in data]
    return data


def csv_cell(value: Any) -> Any:
    """Plain values; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    sections = view.sections
    if len(sections) == 1:
        section = sections[0]
        writer.writerow([column.key for column in section.columns])
        for row in section.rows:
            writer.writerow([csv_cell(row.get(column.key)) for column in section.columns])
        return buffer.getvalue()
    keys: list[str] = []
    for section in sections:
        for column in section.columns:
            if column.key not in keys:
                keys.append(column.key)
    writer.writerow(["section", *keys])
    for section in sections:
        for row in section.rows:
            writer.writerow([section.name, *(csv_cell(row.get(key)) for key in keys)])
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    text = printable(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return re.sub(r"([*_`<>\[\]])", r"\\\1", text)


def cell_text(value: Any, kind: str, lang: str) -> str:
    if kind == "progress" and value is not None:
        return format_number(round(value * 100), lang) + "%"
    return printable(format_value(value, kind, lang))


def to_markdown(view: View, lang: str) -> str:
    lines: list[str] = []
    for line in view.heading:
        lines.append(_md_escape(line) if line else "")
    if view.heading:
        lines.append("")
    for section in view.sections:
        if section.title:
            lines.append(f"## {_md_escape(section.title)}")
            lines.append("")
        if not section.rows:
            lines.append(_md_escape(section.empty or "-"))
            lines.append("")
            continue
        lines.append("| " + " | ".join(_md_escape(column.header) for column in section.columns) + " |")
        lines.append(
            "|"
            + "|".join(
                "---:" if column.kind in ("int", "number", "progress", "percent", "id") else "---"
                for column in section.columns
            )
            + "|"
        )
        for row in section.rows:
            cells = [_md_escape(cell_text(row.get(column.key), column.kind, lang)) for column in section.columns]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    for line in view.footer:
        lines.append(_md_escape(line))
    return "\n".join(lines).rstrip() + "\n"


def progress_bar(value: float | None, lang: str, width: int = 10):
    from rich.text import Text

    if value is None:
        return Text("-")
    filled = round(max(0.0, min(1.0, value)) * width)
    bar = Text("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    bar.append(f" {format_number(round(value * 100), lang)}%")
    return bar


def to_console(view: View, stream: TextIO, lang: str, *, width: int | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=stream,
        width=width,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        no_color="NO_COLOR" in os.environ or None,
    )
    bar_width = 10 if console.width >= 110 else 4  # 80 columns: room for the task's title
    for line in view.heading:
        console.print(Text(printable(line), style="bold" if line is view.heading[0] else ""))
    if view.heading:
        console.print()
    for section in view.sections:
        if not section.rows:
            if section.title:
                console.print(Text(printable(section.title), style="bold"))
            console.print(Text(printable(section.empty or "-"), style="dim"))
            console.print()
            continue
        table = Table(
            title=Text(printable(section.title), style="bold") if section.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        columns = [column for column in section.columns if console.width >= 100 or not column.optional]
        for column in columns:
            numeric = column.kind in ("int", "number", "percent", "id")
            table.add_column(
                Text(printable(column.header)),
                justify="right" if numeric else "left",
                no_wrap=column.kind in ("date", "id", "progress"),
                max_width=column.max_width,
                min_width=_min_width(column, section.rows),
                overflow="fold",
            )
        for row in section.rows:
            cells = []
            for column in columns:
                value = row.get(column.key)
                if column.kind == "progress":
                    cells.append(progress_bar(value, lang, width=bar_width))
                else:
                    cells.append(Text(cell_text(value, column.kind, lang)))
            table.add_row(*cells)
        console.print(table)
        console.print()
    for line in view.footer:
        console.print(Text(printable(line), style="dim"))


def _min_width(column: Column, rows: list[dict[str, Any]]) -> int | None:
    """Short headings never break ("Stat/us")."""
    if column.kind != "text":
        return None
    return len(column.header) if len(column.header) <= 10 else None


def render(view: View, fmt: OutputFormat, output: Path | None, lang: str) -> None:
    """Write the view to stdout or, atomically, to ``output``."""
    if fmt == OutputFormat.xlsx:
        write_xlsx(view, output, lang)
        return
    if output is None:
        emit(view, fmt, sys.stdout, lang)
        return
    write_atomically(output, lambda stream: emit(view, fmt, stream, lang, width=120))


def write_xlsx(view: View, output: Path | None, lang: str) -> None:
    """A workbook (cli/office.py) to ``output``, or to standard output when it is not a terminal."""
    from campaign_cli.cli.office import write_view_xlsx

    if output is None:
        if sys.stdout.isatty():
            from campaign_cli.errors import Invalid
            from campaign_cli.i18n import _

            raise Invalid(_("xlsx is a binary format: give --output FILE.xlsx or redirect standard output to a file"))
        sys.stdout.flush()
        write_view_xlsx(view, sys.stdout.buffer, lang)
        sys.stdout.buffer.flush()
        return
    write_view_xlsx(view, output, lang)


def emit(view: View, fmt: OutputFormat, stream: TextIO, lang: str, *, width: int | None = None) -> None:
    if fmt == OutputFormat.json:
        stream.write(to_json(view.data))
    elif fmt == OutputFormat.csv:
        stream.write(to_csv(view))
    elif fmt == OutputFormat.md:
        stream.write(to_markdown(view, lang))
    else:
        to_console(view, stream, lang, width=width)


def write_atomically(path: Path, write) -> None:
    """Private, atomic, never over the database (campaign_cli.files)."""
    from campaign_cli.files import write_file

    write_file(path, write)
