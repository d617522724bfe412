"""CSV: codes and plain values, every row and every column, nothing a spreadsheet would run.

One section is one table with its columns' keys as the header; several
sections are one long table with a leading ``section`` column. Text is
neutralised for spreadsheets: control characters are shown escaped (as
everywhere) and a cell that starts like a formula gets a leading quote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from campaign_cli.cli.render.model import View, columns_for, section_for
from campaign_cli.cli.render.textfit import printable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Plain values; control characters escaped; text a spreadsheet would run as a formula defused."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):  # a member or unit: its name
        value = value.get("name") or ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item.get("name") if isinstance(item, dict) else item) for item in value)
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        return printable(value)
    return value


def to_csv(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    sections = [section for section in view.sections if section_for(section, "data")]
    if len(sections) == 1:
        section = sections[0]
        keys = [column.key for column in columns_for(section, "data")]
        writer.writerow(keys)
        writer.writerows([csv_cell(row.get(key)) for key in keys] for row in section.rows)
        return buffer.getvalue()
    keys: list[str] = []
    for section in sections:
        for column in columns_for(section, "data"):
            if column.key not in keys:
                keys.append(column.key)
    writer.writerow(["section", *keys])
    for section in sections:
        own = {column.key for column in columns_for(section, "data")}
        # a shared column shows only the values of the sections that have it
        writer.writerows(
            [section.name, *(csv_cell(row.get(key)) if key in own else "" for key in keys)] for row in section.rows
        )
    return buffer.getvalue()
