"""Dates the Vietnamese way: parsing what people type, formatting what they read.

Everything here is relative to a ``today`` the caller passes in (the as-of
date of the command); only :func:`resolve_today` looks at the real clock.

Accepted dates, day first unless the year comes first (ISO)::

    23/5/2021  23/05/2021  23-5-2021  23.5.2021  23/5 (year of today)
    2021-05-23  2021-5-23  2021/05/23
    today tomorrow yesterday  hôm nay  ngày mai  hôm qua  (diacritics optional)
    +3d  -1w  +2m  +1y  (days, weeks, months, years from today)

Nothing is guessed: a two-digit year, a month-first date such as 5/23/2021
or an impossible day such as 31/4/2021 is a :class:`DateError` whose message
says what is wrong and how to write it.

This module sits on the start-up path of every command, so it imports only
cheap standard modules at the top; ``dateutil.relativedelta`` (month and year
offsets) and the text helpers (words) are imported where they are used. The
numbers are validated and built by hand, so ``dateutil.parser`` (about 35-60
ms to import) is never needed.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from campaign_cli.errors import Invalid
from campaign_cli.i18n import N_, _

__all__ = [
    "DateError",
    "coerce_date",
    "days_between",
    "format_date",
    "format_date_long",
    "format_date_weekday",
    "iso_week_label",
    "parse_date",
    "parse_week",
    "resolve_today",
]


class DateError(Invalid, ValueError):
    """A date or week the user wrote cannot be understood.

    The message is one line in English: what was wrong and how to write it.
    A domain error (``Invalid``: exit 1 in the CLI) and a ``ValueError``.
    """


# day/month[/year] with one separator used throughout; the year is captured
# with any number of digits so that 2-digit years get their own message.
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d+))?", re.ASCII)
# year first (ISO and its slash/dot variants)
_YMD = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_OFFSET = re.compile(r"([+-])(\d+)([dwmy])", re.ASCII)
_ISO_WEEK = re.compile(r"(\d{4})-?w(\d{1,2})", re.ASCII)
_STORED = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

_DATE_HINT = N_(
    "write it day first like 23/5/2021, as ISO 2021-05-23, "
    "as today, tomorrow, yesterday, or as an offset such as +3d, -1w, +2m"
)
_WEEK_HINT = N_(
    "write an ISO week like 2021-W17, a date in the week like 23/5/2021, "
    "or this, last or next"
)

# folded (lower case, no diacritics, single spaces) word -> days from today
_DAY_WORDS = {
    "today": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "hom nay": 0,
    "ngay mai": 1,
    "hom qua": -1,
}
# folded word -> weeks from the current week
_WEEK_WORDS = {
    "this": 0,
    "this week": 0,
    "last": -1,
    "last week": -1,
    "next": 1,
    "next week": 1,
    "tuan nay": 0,
    "tuan truoc": -1,
    "tuan sau": 1,
    "tuan toi": 1,
}

_MONTHS_EN = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
    N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_VI = (
    "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật",
)  # fmt: skip


# --------------------------------------------------------------------------
# parsing


def parse_date(text: str, today: date) -> date:
    """Parse a date as a Vietnamese user writes it; relative forms use ``today``.

    Raises :class:`DateError` for anything that is not exactly one of the
    accepted forms (see the module docstring).
    """
    result = _parse_date_or_none(text, today)
    if result is None:
        raise DateError(_unrecognised(text, _("{text} is not a date; {hint}"), _DATE_HINT))
    return _within_range(result, text)


def parse_week(text: str, today: date) -> tuple[date, date]:
    """Parse a week and return its (Monday, Sunday).

    Accepts an ISO week (``2021-W17``, ``2021w17``), ``this``/``last``/``next``
    (also ``tuần này``, ``tuần trước``, ``tuần sau``) relative to ``today``,
    or any date :func:`parse_date` accepts, meaning the ISO week holding it.
    """
    stripped = text.strip()
    if not stripped:
        raise DateError(_("no week given; {hint}").format(hint=_(_WEEK_HINT)))
    match = _ISO_WEEK.fullmatch(stripped.lower())
    if match:
        year, week = int(match[1]), int(match[2])
        if year < 1:
            reason = _("year 0 does not exist")
        elif week < 1:
            reason = _("week 0 does not exist")
        elif week > (weeks := _iso_weeks_in_year(year)):
            reason = _("{year} has {weeks} ISO weeks").format(year=year, weeks=weeks)
        else:
            reason = ""
        if reason:
            raise DateError(
                _("{text} is not a valid week: {reason}; write e.g. 2021-W17").format(
                    text=_quote(stripped), reason=reason
                )
            )
        monday = date.fromisocalendar(year, week, 1)
        return _week_of(_within_range(monday, stripped), stripped)

    offset = _WEEK_WORDS.get(_fold(stripped))
    if offset is not None:
        return _week_of(_shift(today, timedelta(weeks=offset), stripped), stripped)

    day = _parse_date_or_none(text, today)
    if day is None:
        raise DateError(_unrecognised(text, _("{text} is not a week; {hint}"), _WEEK_HINT))
    return _week_of(_within_range(day, stripped), stripped)


def resolve_today(value: str | None, env: Mapping[str, str]) -> date:
    """The as-of date of a command: ``value`` (``--as-of``), else the
    ``CAMPAIGN_TODAY`` environment variable, else the real today.

    Relative forms (``yesterday``, ``-1w``) count from the real today. An
    empty ``CAMPAIGN_TODAY`` counts as unset. Errors about the environment
    variable name it, since the user may have forgotten setting it.
    """
    real_today = date.today()
    if value is not None:
        return parse_date(value, real_today)
    from_env = env.get("CAMPAIGN_TODAY", "")
    if from_env.strip():
        try:
            return parse_date(from_env, real_today)
        except DateError as exc:
            raise DateError(f"CAMPAIGN_TODAY: {exc}") from None
    return real_today


def coerce_date(value: object) -> date | None:
    """A date from a value read back from the database.

    Accepts ``None``, a ``date`` (a ``datetime`` gives its date) or an ISO
    string ``YYYY-MM-DD``, optionally followed by a time as SQLite stores
    timestamps. Anything else stored is a :class:`DateError`; a value of
    another type is a ``TypeError``.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"cannot read a date from {type(value).__name__} {value!r}")
    text = value.strip()
    if _STORED.match(text):
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            if text[10] in "T ":
                return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise DateError(_("stored date {value} is not an ISO date YYYY-MM-DD").format(value=_quote(value)))


# --------------------------------------------------------------------------
# formatting and arithmetic


def iso_week_label(d: date) -> str:
    """The ISO week holding ``d``, e.g. ``"2021-W17"``."""
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def format_date(d: date | None, lang: str = "en") -> str:
    """``dd/mm/yyyy`` in both languages; ``""`` for ``None``."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_date_weekday(d: date | None, lang: str = "en") -> str:
    """``Chủ nhật, 23/05/2021`` (vi) or ``Sun 23/05/2021`` (en); ``""`` for None."""
    if d is None:
        return ""
    if _is_vi(lang):
        return f"{_WEEKDAYS_VI[d.weekday()]}, {format_date(d)}"
    return f"{_WEEKDAYS_EN[d.weekday()]} {format_date(d)}"


def format_date_long(d: date | None, lang: str = "en") -> str:
    """The formal long form; ``""`` for None.

    vi follows Decree 30/2020/NĐ-CP: a day below 10 and the months 1 and 2
    take a leading zero (``ngày 05 tháng 02 năm 2021``, ``ngày 23 tháng 5
    năm 2021``). en: ``23 May 2021``.
    """
    if d is None:
        return ""
    if _is_vi(lang):
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        return f"ngày {d.day:02d} tháng {month} năm {d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def days_between(a: date, b: date) -> int:
    """Days from ``a`` to ``b``: positive when ``b`` is later."""
    return (b - a).days


# --------------------------------------------------------------------------
# internals


def _parse_date_or_none(text: str, today: date) -> date | None:
    """The date ``text`` means, None if it has none of the accepted shapes.

    A text of an accepted shape that is still wrong (month 13, 31/4, a
    two-digit year) raises DateError with the precise reason.
    """
    stripped = text.strip()
    if not stripped:
        raise DateError(_("no date given; {hint}").format(hint=_(_DATE_HINT)))

    match = _YMD.fullmatch(stripped)
    if match:
        year, sep, month, day = match.groups()
        return _make_date(stripped, int(year), int(month), int(day), iso=sep)

    match = _DMY.fullmatch(stripped)
    if match:
        day, sep, month, year = match.groups()
        if year is None:
            return _make_date(
                stripped, today.year, int(month), int(day), dmy=(day, sep, month, "")
            )
        if len(year) != 4:
            example = f"{day}{sep}{month}{sep}{_four_digit_example(year)}"
            reason = (
                _("a two-digit year is ambiguous")
                if len(year) == 2
                else _("the year {year} does not have four digits").format(year=year)
            )
            raise DateError(
                _("{text} is not a valid date: {reason}; write the year in full, e.g. {example}").format(
                    text=_quote(stripped), reason=reason, example=example
                )
            )
        return _make_date(
            stripped, int(year), int(month), int(day), dmy=(day, sep, month, year)
        )

    match = _OFFSET.fullmatch(stripped.lower())
    if match:
        return _apply_offset(stripped, today, match[1], match[2], match[3])

    days = _DAY_WORDS.get(_fold(stripped))
    if days is not None:
        return _shift(today, timedelta(days=days), stripped)
    return None


def _make_date(
    text: str,
    year: int,
    month: int,
    day: int,
    *,
    iso: str = "",
    dmy: tuple[str, str, str, str] | None = None,
) -> date:
    """Build the date or raise a DateError naming what does not exist.

    ``iso`` is the separator of a year-first text; ``dmy`` the raw
    (day, separator, month, year) of a day-first one, to build hints from
    what the user typed.
    """

    def invalid(reason: str) -> DateError:
        return DateError(_("{text} is not a valid date: {reason}").format(text=_quote(text), reason=reason))

    if year < 1:
        raise invalid(_("year 0 does not exist; write e.g. 23/5/2021"))
    if not 1 <= month <= 12:
        swapped = 1 <= day <= 12
        if dmy is None:
            example = (
                f"{year:04d}{iso}{day:02d}{iso}{month:02d}" if swapped else "2021-05-23"
            )
            hint = _("ISO dates are year-month-day, e.g. {example}").format(example=example)
        elif swapped:
            raw_day, sep, raw_month, raw_year = dmy
            example = sep.join(p for p in (raw_month, raw_day, raw_year) if p)
            hint = _("write dates day first, e.g. {example}").format(example=example)
        else:
            hint = _("write dates day/month/year, e.g. 23/5/2021")
        raise invalid(_("month {month} does not exist; {hint}").format(month=month, hint=hint))
    if not 1 <= day <= 31:
        raise invalid(_("day {day} does not exist; write e.g. 23/5/2021").format(day=day))
    last = _days_in_month(year, month)
    if day > last:
        name = _(_MONTHS_EN[month - 1])
        if month != 2:
            raise invalid(
                _("there is no {day} {month}; {month} has {last} days").format(day=day, month=name, last=last)
            )
        if day == 29:
            raise invalid(
                _("there is no 29 February in {year}, which is not a leap year").format(year=year)
            )
        raise invalid(
            _("there is no {day} February; February has {last} days in {year}").format(day=day, last=last, year=year)
        )
    return date(year, month, day)


def _apply_offset(text: str, today: date, sign: str, amount: str, unit: str) -> date:
    if len(amount) > 6:
        raise _out_of_range(text)
    n = int(amount) if sign == "+" else -int(amount)
    if unit == "d":
        return _shift(today, timedelta(days=n), text)
    if unit == "w":
        return _shift(today, timedelta(weeks=n), text)
    # Months and years clamp to the end of the month: 31/1 +1m is 28/2 (29/2).
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(months=n) if unit == "m" else relativedelta(years=n)
    return _shift(today, delta, text)


def _shift(day: date, delta, text: str) -> date:
    """``day + delta`` (a timedelta or relativedelta), range errors as DateError."""
    try:
        return day + delta
    except (OverflowError, ValueError):
        raise _out_of_range(text) from None


#: The dates a campaign can use. Python's own range (years 1 to 9999) is not
#: enough: a report adds days and weeks to them, and 31/12/9999 + 1 day fails.
MIN_DATE = date(1800, 1, 1)
MAX_DATE = date(2999, 12, 31)


def _within_range(day: date, text: str) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateError(
            _("{text} is out of range: dates run from {first} to {last}").format(
                text=_quote(text.strip()), first=format_date(MIN_DATE), last=format_date(MAX_DATE)
            )
        )
    return day


def _week_of(day: date, text: str) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    try:
        return monday, monday + timedelta(days=6)
    except OverflowError:
        raise _out_of_range(text) from None


def _out_of_range(text: str) -> DateError:
    return DateError(
        _("{text} is out of range: dates run from {first} to {last}").format(
            text=_quote(text.strip()), first=format_date(MIN_DATE), last=format_date(MAX_DATE)
        )
    )


def _unrecognised(text: str, message: str, hint: str) -> str:
    return message.format(text=_quote(text.strip()), hint=_(hint))


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _iso_weeks_in_year(year: int) -> int:
    # 28 December is always in the last ISO week of its year.
    return date(year, 12, 28).isocalendar()[1]


def _four_digit_example(year: str) -> str:
    return f"20{year}" if len(year) == 2 else "2021"


def _fold(text: str) -> str:
    from campaign_cli.services.text import fold

    return fold(text)


def _is_vi(lang: str) -> bool:
    return lang.lower().startswith("vi")


def _quote(text: str, limit: int = 40) -> str:
    """Quote user text for a one-line message."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return f'"{text}"'
    return repr(text)
