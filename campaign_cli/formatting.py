"""Numbers and dates for people: Vietnamese style (2.098; 1.234,5) or English (2,098; 1,234.5).

Machine formats (JSON, CSV) never go through here: they stay plain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def format_number(value: float | int | None, lang: str = "en", decimals: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_value(value: Any, kind: str = "text", lang: str = "en") -> str:
    """The text a table cell shows for a value of the given column kind."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # a moment (history): day first, to the second
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if kind == "date" or isinstance(value, dt.date):
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return format_date(value)
    if kind == "id":
        return str(value)
    if kind == "percent":
        return format_number(round(value * 100), lang) + "%"
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)
