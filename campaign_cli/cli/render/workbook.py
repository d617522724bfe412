"""XLSX: any View as a workbook, one sheet per section, typed cells, never cut.

Dates are date cells shown dd/mm/yyyy, quantities numbers, progress a
percentage, statuses and roles their labels, yes/no in words; headings as
the view gives them (in the interface language, through the catalog); the
heading and footer lines on a last sheet. A sheet holds the columns people
read and every row of the complete series (a burndown's every day); a log
sheet keeps the type code, so it can be imported back (``log import``).
openpyxl is imported only here, only when a workbook is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import IO, Any

from campaign_cli.cli.optional import require
from campaign_cli.cli.render import values
from campaign_cli.cli.render.model import LABEL_KINDS, Column, View, columns_for, section_for
from campaign_cli.cli.render.textfit import ELLIPSIS, printable
from campaign_cli.i18n import N_

NOTES_SHEET = N_("Notes")
DATE_FORMAT = "dd/mm/yyyy"
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_NUMERIC_KINDS = ("int", "number", "quantity", "id")
#: The fill of a cell that is a gap (``Column.gap_mark``): Excel's own light red.
GAP_FILL = "FFC7CE"


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, cut after a whole word, none of []:*?/\\."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", text.replace("/", "-")).split()).strip("'") or "Sheet"
    title = _fit_words(base, SHEET_NAME_MAX)
    counter = 2
    while title.lower() in taken:
        suffix = f" ({counter})"
        title = _fit_words(base, SHEET_NAME_MAX - len(suffix)) + suffix
        counter += 1
    taken.add(title.lower())
    return title


def _fit_words(text: str, room: int) -> str:
    """``text`` in ``room`` characters, cut after a whole word (with "…") when it is longer."""
    if len(text) <= room:
        return text
    head = text[: room - 1]
    if not text[room - 1].isspace() and " " in head:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:-–(") + ELLIPSIS


def cell_value(value: Any, column: Column, lang: str) -> tuple[Any, str | None]:
    """(cell value, number format): dates as dates, numbers as numbers, codes as words, lists joined."""
    kind = column.kind
    if value is None:
        return None, None
    if kind in LABEL_KINDS:
        return values.label(kind, value, lang), None
    if isinstance(value, bool) or kind == "bool":
        return values.yes_no(value, lang), None
    if isinstance(value, dt.datetime):  # Excel has no time zones: the wall-clock time
        return value.replace(tzinfo=None), "dd/mm/yyyy hh:mm"
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]), DATE_FORMAT
        except ValueError:
            return printable(value), None
    if isinstance(value, (int, float)):
        if kind in ("progress", "percent"):
            return float(value), "0%"
        if kind == "id":
            return value, "0"
        if isinstance(value, float) and value.is_integer():
            return int(value), "#,##0"
        if column.decimals is not None:
            return value, "#,##0." + "0" * column.decimals if column.decimals else "#,##0"
        return value, "#,##0" if isinstance(value, int) else "#,##0.##"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = value.get("name") or value.get("title") or json.dumps(value, ensure_ascii=False, default=str)
    return printable(str(value)), None


def _display_width(value: Any, number_format: str | None, lang: str) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10 if number_format == DATE_FORMAT else 16
    if isinstance(value, (int, float)):
        return len(values.number(value, lang)) + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def build_workbook(view: View, lang: str | None = None):
    """An openpyxl Workbook of ``view``: a sheet per section (not saved)."""
    require("openpyxl", "openpyxl")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from campaign_cli import i18n

    lang = lang or i18n.current_language()
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    gap_fill = PatternFill("solid", fgColor=GAP_FILL)
    sections = [section for section in view.sections if section.columns and section_for(section, "data")]
    for section in sections:
        columns = columns_for(section, "people")
        sheet = workbook.create_sheet(sheet_title(section.title or section.name, taken))
        widths = []
        for index, column in enumerate(columns, 1):
            cell = sheet.cell(row=1, column=index, value=printable(column.header))
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(
                wrap_text=True, vertical="center", horizontal="right" if column.kind in _NUMERIC_KINDS else "left"
            )
            widths.append(min(len(column.header), 24) + 2)
        for row_number, row in enumerate(section.rows, 2):
            for index, column in enumerate(columns, 1):
                value, number_format = cell_value(row.get(column.key), column, lang)
                cell = sheet.cell(row=row_number, column=index)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: "=1+1" or "@x" is never a formula
                    if "\n" in value or len(value) > _MAX_WIDTH:
                        cell.alignment = wrap_top
                if number_format:
                    cell.number_format = number_format
                if column.gap_mark is not None and values.is_gap(column, row.get(column.key)):
                    cell.fill = gap_fill  # a gap, red as on the terminal
                widths[index - 1] = max(widths[index - 1], _display_width(value, number_format, lang) + 2)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6), _MAX_WIDTH)
        sheet.freeze_panes = "A2"
        if section.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(section.rows) + 1}"
        sheet.sheet_view.zoomScale = 100
    title_lines = [view.title] if view.title else []
    notes = [line for line in (*title_lines, *view.heading, *view.footer) if line]
    if notes or not sections:
        name = i18n.translation_for(lang).gettext(NOTES_SHEET)
        sheet = workbook.create_sheet(sheet_title(name, taken))
        for row_number, line in enumerate(notes, 1):
            sheet.cell(row=row_number, column=1, value=printable(line)).data_type = "s"
        if notes:
            sheet.cell(row=1, column=1).font = bold
        sheet.column_dimensions["A"].width = min(max((len(line) for line in notes), default=10) + 2, 120)
    if view.title or view.heading:
        workbook.properties.title = view.title or view.heading[0]
    workbook.properties.language = "vi-VN" if lang == "vi" else "en"
    return workbook


def write_workbook(view: View, path: Path | str | IO[bytes] | None, lang: str | None = None) -> None:
    """Any View as a workbook to ``path`` (atomically, 0600) or to a binary stream."""
    workbook = build_workbook(view, lang)
    if hasattr(path, "write"):
        workbook.save(path)
        return
    from campaign_cli.files import write_file

    write_file(path, workbook.save, binary=True)
