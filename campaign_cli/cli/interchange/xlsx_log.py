"""Reading a log sheet back: the rows of a workbook for ``campaign log import``.

The first sheet's header may be the CSV import header, its Vietnamese names,
or the headings ``log list --format xlsx`` writes (in either language).
openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from campaign_cli.cli.optional import require as _require
from campaign_cli.errors import Invalid
from campaign_cli.i18n import _

#: Headings of a log sheet, folded, -> the CSV import column (None: shown only, ignored on import).
LOG_SHEET_HEADINGS: dict[str, str | None] = {
    "id": None, "ma": None, "stt": None, "tt": None,
    "activity": None, "hinh thuc hoat dong": None, "hoat dong": None, "label": None,
    "unit": None, "don vi tinh": None, "dvt": None,
    "ma loai": "type", "loai hoat dong": "type",
    "by": "member", "nguoi/don vi thuc hien": "member", "nguoi thuc hien": "member", "don vi thuc hien": "member",
    "qty": "quantity",
}


def read_log_rows_xlsx(path: Path | str) -> Iterator[dict[str, Any]]:
    """Rows of the first sheet of a workbook as log-import dicts.

    Each dict has the CSV import keys (date, type, quantity, member, task,
    place, note; absent ones are None) and ``line``, the row number for error
    messages. The header is the first non-empty row; it may be the CSV
    header, its Vietnamese names, or the headings ``log list --format xlsx``
    writes (ID, activity label and unit columns are ignored). Date cells come
    back as ``datetime.date``, numbers as numbers, text as text; blank rows
    are skipped. A header without date and type, or with an unknown column,
    is :class:`Invalid`.
    """
    _require("openpyxl", "openpyxl")
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from campaign_cli.services.logs import HEADER_NAMES, IMPORT_COLUMNS
    from campaign_cli.services.text import fold

    path = Path(path)
    errors = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")

    def refuse(line: int, position: int, problem: str) -> Invalid:
        cell = f"{get_column_letter(position + 1)}{line}"
        return Invalid(_("{file} cell {cell}: {problem}").format(file=path.name, cell=cell, problem=problem))

    try:
        # Cached values, as the spreadsheet last computed them; formulas are read
        # too (second pass) only if the file has any, to tell "empty" from "never computed".
        workbook = load_workbook(path, read_only=True, data_only=True)
        with zipfile.ZipFile(path) as archive:
            has_formulas = any(
                name.startswith("xl/worksheets/") and b"<f" in archive.read(name)
                for name in archive.namelist() if name.endswith(".xml")
            )
        formulas = load_workbook(path, read_only=True, data_only=False) if has_formulas else None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise Invalid(_("{file} is not an Excel workbook (.xlsx): {reason}").format(
            file=path.name, reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None
    try:
        if not workbook.worksheets:
            raise Invalid(_("{file} has no worksheet").format(file=path.name))
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        formula_rows = formulas.worksheets[0].iter_rows(values_only=True) if formulas is not None else None
        header: list[Any] | None = None
        header_line = 0
        for line, cells in enumerate(rows, 1):
            if formula_rows is not None:
                next(formula_rows, None)
            if any(cell not in (None, "") for cell in cells):
                header, header_line = list(cells), line
                break
        if header is None:
            raise Invalid(_("{file} is empty: the first row must be the header {columns}").format(
                file=path.name, columns=",".join(IMPORT_COLUMNS)))
        index: dict[str, int] = {}
        unknown = []
        for position, cell in enumerate(header):
            name = fold(str(cell)) if cell is not None else ""
            if not name:
                continue
            if name in HEADER_NAMES:
                key: str | None = HEADER_NAMES[name]
            elif name in LOG_SHEET_HEADINGS:
                key = LOG_SHEET_HEADINGS[name]
            else:
                unknown.append(str(cell).strip())
                continue
            if key is None:
                continue
            if key in index:
                raise Invalid(_("the column {name!r} appears twice in the header of {file}").format(
                    name=key, file=path.name))
            index[key] = position
        if unknown:
            raise Invalid(_("unknown column(s) {names} in the header of {file}; the columns are {columns}").format(
                names=", ".join(repr(name) for name in unknown), file=path.name, columns=",".join(IMPORT_COLUMNS)))
        missing = [name for name in ("date", "type") if name not in index]
        if missing:
            raise Invalid(_("the header of {file} has no {names} column; the columns are {columns}").format(
                names=" or ".join(repr(name) for name in missing), file=path.name, columns=",".join(IMPORT_COLUMNS)))
        for line, cells in enumerate(rows, header_line + 1):
            written = next(formula_rows, ()) if formula_rows is not None else ()
            blank = not any(cell not in (None, "") and not (isinstance(cell, str) and not cell.strip())
                            for cell in cells)
            if blank and not any(isinstance(cell, str) and cell.startswith("=") for cell in written):
                continue
            entry: dict[str, Any] = {"line": line}
            for key in IMPORT_COLUMNS:
                position = index.get(key)
                value = cells[position] if position is not None and position < len(cells) else None
                if position is not None and value is None and position < len(written):
                    formula = written[position]
                    if isinstance(formula, str) and formula.startswith("="):
                        raise refuse(line, position, _(
                            "the formula {formula} has no saved value; open the file in a spreadsheet, let it "
                            "calculate and save it, or type the value").format(formula=formula[:60]))
                if isinstance(value, str) and value.strip() in errors:
                    raise refuse(line, position, _("the cell shows the error {error}; correct it or type the value")
                                 .format(error=value.strip()))
                if isinstance(value, dt.datetime):
                    if value.year < 1900:  # a time typed in a date-formatted cell
                        raise refuse(line, position, _("{value} is a time of day, not a date").format(
                            value=value.strftime("%H:%M")))
                    value = value.date()
                if key == "date":
                    if isinstance(value, dt.time):
                        raise refuse(line, position, _("{value} is a time of day, not a date").format(
                            value=value.strftime("%H:%M")))
                    if isinstance(value, (bool, int, float)):
                        raise refuse(line, position, _(
                            "{value} is a number, not a date; format the column as dates (dd/mm/yyyy) or type "
                            "the date, e.g. 15/4/2021").format(value=value))
                elif key == "quantity":
                    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
                        raise refuse(line, position, _("{value} is not a quantity; type a number").format(
                            value=value))
                elif isinstance(value, (dt.date, dt.time, dt.timedelta, bool)):
                    value = str(value)
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if key in ("member", "place", "note", "type") and value is not None and not isinstance(value, str):
                    value = str(value)
                if key == "task" and isinstance(value, float):
                    value = str(value)
                entry[key] = value
            yield entry
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()

