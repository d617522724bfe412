"""A value as people read it, by its column's kind: the one place codes become words.

Terminal tables, Markdown, XLSX and documents ask here; JSON and CSV do not
(they keep codes and plain numbers). Each column gets one function
(:func:`formatter`), chosen once, so a list of 20,000 rows pays no branching
per cell beyond what its kind needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from campaign_cli.cli.labels import (
    level_label,
    party_kind_label,
    place_kind_label,
    role_label,
    state_label,
    status_label,
)
from campaign_cli.cli.render.model import Column
from campaign_cli.formatting import format_number

BAD, WARN, GOOD = "bad", "warn", "good"
#: Codes and flags -> how a cell reads at a glance (the terminal colours it).
TONES: dict[str, str] = {
    "behind": BAD,
    "overdue": BAD,
    "blocked": BAD,
    "late": BAD,
    "due_soon": WARN,
    "soon": WARN,
    "warn": WARN,
    "on_track": GOOD,
    "complete": GOOD,
    "finished": GOOD,
    "done": GOOD,
    "good": GOOD,
    "bad": BAD,
}
#: Marks a status cell whose tone is bad, so the meaning survives without colour.
ALERT_MARK = " !"

_LABELS: dict[str, Callable[[str, str | None], str]] = {
    "status": status_label,
    "role": role_label,
    "state": state_label,
    "level": level_label,
    "party": party_kind_label,
    "place_kind": place_kind_label,
}


def tone_of(column: Column, row: dict[str, Any]) -> str | None:
    """How this cell reads at a glance: "bad", "warn", "good" or None.

    From ``tone_key``: a flag (True is bad), a count (above 0 is bad) or a
    code (a phase state, "due_soon"...); else the column's fixed ``tone``;
    a phase-state column reads its own code.
    """
    if column.tone_key is not None:
        value = row.get(column.tone_key)
        if value is None or isinstance(value, bool):
            return BAD if value else None
        if isinstance(value, (int, float)):  # a count of late things
            return BAD if value > 0 else None
        return TONES.get(value)
    if column.tone is not None:
        return column.tone
    if column.kind == "state":
        return TONES.get(row.get(column.key))
    return None


def is_gap(column: Column, value: Any) -> bool:
    """A cell of a ``gap_mark`` column that holds nothing (None, 0 or empty)."""
    return column.gap_mark is not None and (value is None or value == 0 or value == "")


def label(kind: str, code: Any, lang: str | None = None) -> str:
    """The words for a code of a label kind (status, role, state, level, party)."""
    if code is None or code == "":
        return ""
    return _LABELS[kind](str(code), lang)


def yes_no(value: Any, lang: str | None = None) -> str:
    """A yes/no cell in words ("có" / "không"), for spreadsheets and documents."""
    from campaign_cli import i18n

    translation = i18n.translation_for(lang or i18n.current_language())
    return translation.gettext("yes") if value else translation.gettext("no")


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    share = round(value * 100)
    return (str(share) if -1000 < share < 1000 else format_number(share, lang)) + "%"


def number(value: Any, lang: str, decimals: int | None = None) -> str:
    if value is None or value == "":
        return ""
    if decimals is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{value:,.{decimals}f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if lang == "vi" else text
    return format_number(value, lang)


def date_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):  # a moment (history): day first, to the second
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(plain_text(item) for item in value)
    if isinstance(value, dict):  # a member or unit: its name
        return str(value.get("name") or "")
    if isinstance(value, dt.date):  # and datetimes
        return date_text(value)
    return str(value)


def formatter(column: Column, lang: str) -> Callable[[Any], str]:
    """The function that turns this column's values into text for people.

    Progress is its percentage here; the terminal draws a bar beside it.
    """
    kind = column.kind
    if kind in _LABELS:
        translate = _LABELS[kind]
        known: dict[Any, str] = {None: "", "": ""}  # a few codes, thousands of rows

        def words(value: Any) -> str:
            text = known.get(value)
            if text is None:
                text = known[value] = translate(str(value), lang)
            return text

        return words
    if kind == "date":
        return date_text
    if kind in ("percent", "progress"):
        return lambda value: percent(value, lang) if value is not None else ""
    if kind == "id":
        return lambda value: "" if value is None else str(value)
    if kind in ("int", "number", "quantity"):
        decimals = column.decimals
        return lambda value: number(value, lang, decimals) if not isinstance(value, str) else value
    if kind == "bool":
        return lambda value: "✓" if value else ""
    return plain_text


def cell_text(value: Any, kind: str, lang: str) -> str:
    """One value as people read it (the old single-call form)."""
    return formatter(Column("", "", kind), lang)(value)
