"""Words and columns several report views share: countdown, dates, spans, activity totals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.cli.labels import state_label
from campaign_cli.cli.render.model import LOW, Column
from campaign_cli.i18n import _, ngettext, pgettext


def countdown_text(days: int, election_day: dt.date) -> str:
    """'38 days to election day 23/05/2021', 'election day is today', '12 days after ...'."""
    day = date_text(election_day)
    if days > 0:
        return ngettext("{n} day to election day {day}", "{n} days to election day {day}", days).format(n=days, day=day)
    if days == 0:
        return _("election day is today ({day})").format(day=day)
    return ngettext("{n} day after election day {day}", "{n} days after election day {day}", -days).format(
        n=-days, day=day
    )


def date_text(value: dt.date | None) -> str:
    """dd/mm/yyyy; "…" for a date not set (an open end)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else "…"


def weekday_date(value: dt.date, lang: str) -> str:
    """Where the day of the week helps: "Thứ năm, 15/04/2021"."""
    from campaign_cli.services.dates import format_date_weekday

    return format_date_weekday(value, lang)


def heading_date(value: dt.date, lang: str) -> str:
    """Report headings: the formal "ngày 15 tháng 4 năm 2021" in Vietnamese."""
    from campaign_cli.services.dates import format_date_long

    return format_date_long(value, lang) if lang == "vi" else date_text(value)


def span(start: dt.date, end: dt.date | None) -> str:
    return f"{date_text(start)} – {date_text(end)}"


def short_span(start: dt.date, end: dt.date | None) -> str:
    first = f"{start.day:02d}/{start.month:02d}"
    last = f"{end.day:02d}/{end.month:02d}" if end else "…"
    return f"{first}–{last}"


def pct(value: float | None, lang: str) -> str:
    from campaign_cli.formatting import format_number

    return "-" if value is None else format_number(round(value * 100), lang) + "%"


def num(value: Any, lang: str) -> str:
    from campaign_cli.formatting import format_number

    return format_number(value, lang)


def as_of_line(as_of: dt.date, lang: str) -> str:
    return _("as of {day}").format(day=heading_date(as_of, lang))


def phase_state_line(phase: dict[str, Any], today: dt.date, lang: str) -> str:
    """Time against work for a phase: "Day 74 of 89: time 83% · work 71% · behind"."""
    if phase["end"] is None:
        return _("Open-ended (no end date): work {work} · {state}").format(
            work=pct(phase["progress"], lang), state=state_label(phase["state"])
        )
    day = min(max((today - phase["start"]).days + 1, 0), (phase["end"] - phase["start"]).days + 1)
    return _("Day {day} of {length}: time {time} · work {work} · {state}").format(
        day=day,
        length=(phase["end"] - phase["start"]).days + 1,
        time=pct(phase["time_elapsed"], lang),
        work=pct(phase["progress"], lang),
        state=state_label(phase["state"]),
    )


# -- activity totals (status, weekly, member) ------------------------------------------------
def activity_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": row["type"],
            "label": row["label"],
            "quantity": row["quantity"],
            "unit": row["unit"],
            "entries": row["entries"],
        }
        for row in rows
    ]


def activity_columns() -> list[Column]:
    return [
        Column("type", _("Type"), "code", detail=True),
        Column("label", _("Activity"), "text", min_width=14),
        Column("quantity", _("Quantity"), "quantity"),
        Column("unit", pgettext("measure", "Unit"), "text", min_width=8),
        Column("entries", _("Entries"), "int", priority=LOW),
    ]
