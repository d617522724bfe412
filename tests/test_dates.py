"""Dates as Vietnamese users write them: campaign_cli.services.dates."""

import subprocess
import sys
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_cli.errors import Invalid
from campaign_cli.services.dates import (
    DateError,
    coerce_date,
    days_between,
    format_date,
    format_date_long,
    format_date_weekday,
    iso_week_label,
    parse_date,
    parse_week,
    resolve_today,
)

TODAY = date(2021, 5, 4)  # a Tuesday, in phase 2 of the Gia Viễn plan
REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------
# parse_date: accepted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # day first, every separator, with and without leading zeros
        ("23/5/2021", date(2021, 5, 23)),
        ("23/05/2021", date(2021, 5, 23)),
        ("23-5-2021", date(2021, 5, 23)),
        ("23-05-2021", date(2021, 5, 23)),
        ("23.5.2021", date(2021, 5, 23)),
        ("23.05.2021", date(2021, 5, 23)),
        ("4/3/2021", date(2021, 3, 4)),
        ("04/03/2021", date(2021, 3, 4)),
        ("1/2/2021", date(2021, 2, 1)),
        ("01.02.2021", date(2021, 2, 1)),
        ("12/1/2021", date(2021, 1, 12)),
        ("31/12/2021", date(2021, 12, 31)),
        ("1/1/2000", date(2000, 1, 1)),
        ("15/3/2026", date(2026, 3, 15)),
        ("31/1/2021", date(2021, 1, 31)),
        ("30/4/2021", date(2021, 4, 30)),
        ("28/2/2021", date(2021, 2, 28)),
        # ISO and year-first variants
        ("2021-05-23", date(2021, 5, 23)),
        ("2021-5-23", date(2021, 5, 23)),
        ("2021-5-3", date(2021, 5, 3)),
        ("2021/05/23", date(2021, 5, 23)),
        ("2021.05.23", date(2021, 5, 23)),
        ("2026-03-15", date(2026, 3, 15)),
        # no year: the year of today
        ("23/5", date(2021, 5, 23)),
        ("1/1", date(2021, 1, 1)),
        ("23-5", date(2021, 5, 23)),
        ("23.05", date(2021, 5, 23)),
        # surrounding whitespace
        ("  23/5/2021  ", date(2021, 5, 23)),
        ("\t2021-05-23\n", date(2021, 5, 23)),
        # words, English
        ("today", TODAY),
        ("tomorrow", date(2021, 5, 5)),
        ("yesterday", date(2021, 5, 3)),
        ("Today", TODAY),
        ("TOMORROW", date(2021, 5, 5)),
        (" yesterday ", date(2021, 5, 3)),
        # words, Vietnamese, with and without diacritics, any case
        ("hôm nay", TODAY),
        ("Hôm nay", TODAY),
        ("HÔM NAY", TODAY),
        ("hom nay", TODAY),
        ("Hom Nay", TODAY),
        ("hôm  nay", TODAY),
        ("ngày mai", date(2021, 5, 5)),
        ("Ngày mai", date(2021, 5, 5)),
        ("ngay mai", date(2021, 5, 5)),
        ("NGAY MAI", date(2021, 5, 5)),
        ("hôm qua", date(2021, 5, 3)),
        ("hom qua", date(2021, 5, 3)),
        ("Hôm Qua", date(2021, 5, 3)),
        # offsets
        ("+0d", TODAY),
        ("+3d", date(2021, 5, 7)),
        ("-3d", date(2021, 5, 1)),
        ("+30d", date(2021, 6, 3)),
        ("+1w", date(2021, 5, 11)),
        ("-1w", date(2021, 4, 27)),
        ("+2w", date(2021, 5, 18)),
        ("+2m", date(2021, 7, 4)),
        ("-4m", date(2021, 1, 4)),
        ("+1y", date(2022, 5, 4)),
        ("-5y", date(2016, 5, 4)),
        ("+3D", date(2021, 5, 7)),
        ("-1W", date(2021, 4, 27)),
        (" +3d ", date(2021, 5, 7)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, TODAY) == expected


def test_parse_date_accepts_decomposed_vietnamese():
    # Some keyboards and terminals send NFD (base letter + combining marks).
    assert parse_date(unicodedata.normalize("NFD", "hôm qua"), TODAY) == date(
        2021, 5, 3
    )
    assert parse_date(unicodedata.normalize("NFD", "Ngày mai"), TODAY) == date(
        2021, 5, 5
    )


def test_no_year_takes_the_year_of_today():
    assert parse_date("23/5", date(2026, 1, 10)) == date(2026, 5, 23)
    assert parse_date("29/2", date(2024, 6, 1)) == date(2024, 2, 29)
    with pytest.raises(DateError, match="there is no 29 February in 2021"):
        parse_date("29/2", date(2021, 6, 1))


def test_absolute_dates_ignore_today():
    for today in (date(1999, 1, 1), date(2021, 5, 4), date(2100, 12, 31)):
        assert parse_date("23/5/2021", today) == date(2021, 5, 23)
        assert parse_date("2021-05-23", today) == date(2021, 5, 23)


# --------------------------------------------------------------------------
# parse_date: rejected, with a message that says why and how


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # month first is an error, with the day-first spelling as hint
        ("5/23/2021", "month 23 does not exist; write dates day first, e.g. 23/5/2021"),
        ("05/23/2021", "write dates day first, e.g. 23/05/2021"),
        ("12-31-2021", "write dates day first, e.g. 31-12-2021"),
        ("5/23", "write dates day first, e.g. 23/5"),
        ("13/13/2021", "month 13 does not exist"),
        ("1/0/2021", "month 0 does not exist"),
        (
            "2021-23-05",
            "month 23 does not exist; ISO dates are year-month-day, e.g. 2021-05-23",
        ),
        ("2021-13-13", "ISO dates are year-month-day"),
        # impossible days are named
        ("31/2/2021", "there is no 31 February; February has 28 days in 2021"),
        ("30/02/2024", "there is no 30 February; February has 29 days in 2024"),
        ("29/02/2021", "there is no 29 February in 2021, which is not a leap year"),
        ("29/2/1900", "there is no 29 February in 1900"),
        ("29/2/2100", "there is no 29 February in 2100"),
        ("31/04/2021", "there is no 31 April; April has 30 days"),
        ("31/4/2021", "there is no 31 April"),
        ("31/6/2021", "there is no 31 June; June has 30 days"),
        ("31/9/2021", "there is no 31 September"),
        ("31/11/2021", "there is no 31 November"),
        ("2021-04-31", "there is no 31 April"),
        ("2021-02-29", "there is no 29 February in 2021"),
        ("32/5/2021", "day 32 does not exist"),
        ("0/5/2021", "day 0 does not exist"),
        ("00/05/2021", "day 0 does not exist"),
        ("2021-05-00", "day 0 does not exist"),
        ("0000-05-23", "year 0 does not exist"),
        ("23/5/0000", "year 0 does not exist"),
        # two-digit (and other short) years are ambiguous
        (
            "23/5/21",
            "a two-digit year is ambiguous; write the year in full, e.g. 23/5/2021",
        ),
        ("23.05.21", "write the year in full, e.g. 23.05.2021"),
        ("21-05-23", "a two-digit year is ambiguous"),
        ("23/5/021", "the year 021 does not have four digits"),
        ("23/5/1", "does not have four digits"),
        ("23/5/20211", "the year 20211 does not have four digits"),
        # shapes that are not dates at all
        ("", "no date given"),
        ("   ", "no date given"),
        ("garbage", '"garbage" is not a date; write it day first like 23/5/2021'),
        ("23 May 2021", "is not a date"),
        ("May 23, 2021", "is not a date"),
        ("23/5-2021", "is not a date"),  # mixed separators
        ("23 / 5 / 2021", "is not a date"),
        ("23/5/2021/1", "is not a date"),
        ("123/5/2021", "is not a date"),
        ("20210523", "is not a date"),
        ("2021-05", "is not a date"),
        ("2021", "is not a date"),
        ("23", "is not a date"),
        ("2021-W17", "is not a date"),
        ("3d", "is not a date"),  # an offset needs its sign
        ("+3", "is not a date"),
        ("+3x", "is not a date"),
        ("+3n", "is not a date"),
        ("+ 3d", "is not a date"),
        ("+-3d", "is not a date"),
        ("now", "is not a date"),
        ("mai", "is not a date"),
        ("hôm", "is not a date"),
        ("\uff12\uff13/\uff15/\uff12\uff10\uff12\uff11", "is not a date"),  # full-width
        (
            "\u0662\u0663/\u0665/\u0662\u0660\u0662\u0661",
            "is not a date",
        ),  # Arabic-Indic
        # out of range
        ("+99999999d", "out of range"),
        ("+9000y", "out of range"),
        ("-3000y", "out of range"),
        ("+600000w", "out of range"),
    ],
)
def test_parse_date_rejects(text, message):
    with pytest.raises(DateError) as caught:
        parse_date(text, TODAY)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_error_is_a_value_error_and_a_domain_error():
    with pytest.raises(ValueError):
        parse_date("31/4/2021", TODAY)
    with pytest.raises(Invalid) as caught:
        parse_date("31/4/2021", TODAY)
    assert caught.value.message == str(caught.value)


def test_error_message_stays_on_one_line_and_short():
    with pytest.raises(DateError) as caught:
        parse_date("a\nb\r\x1b[31m", TODAY)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    with pytest.raises(DateError) as caught:
        parse_date("x" * 500, TODAY)
    assert len(str(caught.value)) < 250


@pytest.mark.parametrize("year", [1904, 2000, 2020, 2024, 2028, 2400])
def test_29_february_in_leap_years(year):
    assert parse_date(f"29/02/{year}", TODAY) == date(year, 2, 29)
    assert parse_date(f"29/2/{year}", TODAY) == date(year, 2, 29)
    assert parse_date(f"{year}-02-29", TODAY) == date(year, 2, 29)


@pytest.mark.parametrize("year", [1900, 2019, 2021, 2022, 2023, 2100])
def test_29_february_in_other_years(year):
    for text in (f"29/02/{year}", f"29.2.{year}", f"{year}-02-29"):
        with pytest.raises(DateError, match=f"there is no 29 February in {year}"):
            parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        # months clamp to the last day of a shorter month
        (date(2021, 1, 31), "+1m", date(2021, 2, 28)),
        (date(2024, 1, 31), "+1m", date(2024, 2, 29)),
        (date(2021, 3, 31), "-1m", date(2021, 2, 28)),
        (date(2021, 3, 31), "+1m", date(2021, 4, 30)),
        (date(2021, 5, 31), "+1m", date(2021, 6, 30)),
        (date(2021, 8, 31), "+1m", date(2021, 9, 30)),
        (date(2021, 1, 31), "+2m", date(2021, 3, 31)),
        (date(2021, 12, 31), "+2m", date(2022, 2, 28)),
        (date(2021, 11, 30), "+3m", date(2022, 2, 28)),
        (date(2021, 1, 15), "-1m", date(2020, 12, 15)),
        (date(2021, 5, 4), "+12m", date(2022, 5, 4)),
        (date(2024, 2, 29), "+1y", date(2025, 2, 28)),
        (date(2024, 2, 29), "-4y", date(2020, 2, 29)),
        (date(2024, 2, 29), "+12m", date(2025, 2, 28)),
        # days and weeks cross month and year ends
        (date(2021, 1, 31), "+1d", date(2021, 2, 1)),
        (date(2021, 2, 28), "+1d", date(2021, 3, 1)),
        (date(2024, 2, 28), "+1d", date(2024, 2, 29)),
        (date(2021, 12, 31), "+1d", date(2022, 1, 1)),
        (date(2021, 1, 1), "-1d", date(2020, 12, 31)),
        (date(2021, 12, 28), "+1w", date(2022, 1, 4)),
        (date(2021, 3, 1), "-1w", date(2021, 2, 22)),
        (date(2021, 12, 31), "tomorrow", date(2022, 1, 1)),
        (date(2021, 3, 1), "hôm qua", date(2021, 2, 28)),
        (date(2024, 3, 1), "hom qua", date(2024, 2, 29)),
    ],
)
def test_offsets_across_month_and_year_ends(today, text, expected):
    assert parse_date(text, today) == expected


# --------------------------------------------------------------------------
# weeks


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2021-W17", date(2021, 4, 26)),
        ("2021-w17", date(2021, 4, 26)),
        ("2021W17", date(2021, 4, 26)),
        ("2021w17", date(2021, 4, 26)),
        (" 2021-W17 ", date(2021, 4, 26)),
        ("2021-W1", date(2021, 1, 4)),
        ("2021-W01", date(2021, 1, 4)),
        ("2021-W20", date(2021, 5, 17)),
        ("2021-W52", date(2021, 12, 27)),
        # year boundaries: ISO week-years do not follow calendar years
        ("2020-W53", date(2020, 12, 28)),
        ("2015-W53", date(2015, 12, 28)),
        ("2026-W53", date(2026, 12, 28)),
        ("2025-W01", date(2024, 12, 30)),
        ("2009-W01", date(2008, 12, 29)),
        ("2010-W01", date(2010, 1, 4)),
        # any date means the week holding it
        ("23/5/2021", date(2021, 5, 17)),  # a Sunday
        ("17/5/2021", date(2021, 5, 17)),  # a Monday
        ("2021-05-20", date(2021, 5, 17)),
        ("1/1/2021", date(2020, 12, 28)),  # in 2020-W53
        ("3/1/2021", date(2020, 12, 28)),
        ("4/1/2021", date(2021, 1, 4)),
        ("31/12/2024", date(2024, 12, 30)),  # in 2025-W01
        ("today", date(2021, 5, 3)),
        ("+1w", date(2021, 5, 10)),
        # words, relative to today
        ("this", date(2021, 5, 3)),
        ("last", date(2021, 4, 26)),
        ("next", date(2021, 5, 10)),
        ("This", date(2021, 5, 3)),
        ("this week", date(2021, 5, 3)),
        ("last week", date(2021, 4, 26)),
        ("next week", date(2021, 5, 10)),
        ("tuần này", date(2021, 5, 3)),
        ("tuan nay", date(2021, 5, 3)),
        ("Tuần Này", date(2021, 5, 3)),
        ("tuần trước", date(2021, 4, 26)),
        ("tuan truoc", date(2021, 4, 26)),
        ("tuần sau", date(2021, 5, 10)),
        ("tuan sau", date(2021, 5, 10)),
        ("tuần tới", date(2021, 5, 10)),
    ],
)
def test_parse_week(text, monday):
    assert parse_week(text, TODAY) == (monday, monday + timedelta(days=6))


@pytest.mark.parametrize(
    ("today", "text", "monday"),
    [
        (date(2021, 1, 2), "last", date(2020, 12, 21)),
        (date(2021, 1, 2), "this", date(2020, 12, 28)),
        (date(2021, 12, 30), "next", date(2022, 1, 3)),
        (date(2021, 5, 3), "this", date(2021, 5, 3)),  # Monday
        (date(2021, 5, 9), "this", date(2021, 5, 3)),  # Sunday
    ],
)
def test_week_words_at_boundaries(today, text, monday):
    assert parse_week(text, today) == (monday, monday + timedelta(days=6))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-W53", "2021 has 52 ISO weeks; write e.g. 2021-W17"),
        ("2021-W54", "2021 has 52 ISO weeks"),
        ("2020-W54", "2020 has 53 ISO weeks"),
        ("2021-W00", "week 0 does not exist"),
        ("2021-W0", "week 0 does not exist"),
        ("0000-W01", "year 0 does not exist"),
        ("2021-W100", "is not a week"),
        ("21-W17", "is not a week"),
        ("W17", "is not a week"),
        ("2021-W17-1", "is not a week"),
        ("xyz", '"xyz" is not a week; write an ISO week like 2021-W17'),
        ("", "no week given"),
        ("tuần", "is not a week"),
        ("31/4/2021", "there is no 31 April"),  # a date's own error wins
        ("23/5/21", "a two-digit year is ambiguous"),
        ("9999-12-31", "out of range"),
    ],
)
def test_parse_week_rejects(text, message):
    with pytest.raises(DateError) as caught:
        parse_week(text, TODAY)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2021, 5, 23), "2021-W20"),
        (date(2021, 4, 26), "2021-W17"),
        (date(2021, 1, 1), "2020-W53"),
        (date(2021, 1, 3), "2020-W53"),
        (date(2021, 1, 4), "2021-W01"),
        (date(2024, 12, 30), "2025-W01"),
        (date(2008, 12, 29), "2009-W01"),
        (date(2026, 3, 15), "2026-W11"),
    ],
)
def test_iso_week_label(day, label):
    assert iso_week_label(day) == label


# --------------------------------------------------------------------------
# the as-of date


def test_resolve_today_prefers_the_option():
    env = {"CAMPAIGN_TODAY": "1/1/2020"}
    assert resolve_today("4/5/2021", env) == date(2021, 5, 4)


def test_resolve_today_falls_back_to_the_environment():
    assert resolve_today(None, {"CAMPAIGN_TODAY": "2021-05-04"}) == date(2021, 5, 4)
    assert resolve_today(None, {"CAMPAIGN_TODAY": " 4.5.2021 "}) == date(2021, 5, 4)


def test_resolve_today_falls_back_to_the_clock():
    before = date.today()
    for env in (
        {},
        {"CAMPAIGN_TODAY": ""},
        {"CAMPAIGN_TODAY": "  "},
        {"OTHER": "1/1/2020"},
    ):
        assert before <= resolve_today(None, env) <= date.today()


def test_resolve_today_relative_forms_count_from_the_clock():
    before = date.today()
    assert before - timedelta(days=1) <= resolve_today("yesterday", {}) <= date.today()
    assert before - timedelta(days=1) <= resolve_today(
        None, {"CAMPAIGN_TODAY": "hôm qua"}
    )
    assert resolve_today("+1w", {}) - before in (timedelta(days=7), timedelta(days=8))


def test_resolve_today_errors():
    with pytest.raises(DateError, match="there is no 31 April"):
        resolve_today("31/4/2021", {})
    with pytest.raises(DateError, match=r'^CAMPAIGN_TODAY: "soon" is not a date'):
        resolve_today(None, {"CAMPAIGN_TODAY": "soon"})
    with pytest.raises(DateError, match="no date given"):
        resolve_today("", {"CAMPAIGN_TODAY": "4/5/2021"})


# --------------------------------------------------------------------------
# formatting


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_format_date(lang):
    assert format_date(date(2021, 5, 23), lang) == "23/05/2021"
    assert format_date(date(2021, 3, 4), lang) == "04/03/2021"
    assert format_date(date(999, 1, 2), lang) == "02/01/0999"
    assert format_date(None, lang) == ""
    assert format_date(date(2021, 5, 23)) == "23/05/2021"


@pytest.mark.parametrize(
    ("day", "vi", "en"),
    [
        (date(2021, 5, 17), "Thứ hai, 17/05/2021", "Mon 17/05/2021"),
        (date(2021, 5, 18), "Thứ ba, 18/05/2021", "Tue 18/05/2021"),
        (date(2021, 5, 19), "Thứ tư, 19/05/2021", "Wed 19/05/2021"),
        (date(2021, 5, 20), "Thứ năm, 20/05/2021", "Thu 20/05/2021"),
        (date(2021, 5, 21), "Thứ sáu, 21/05/2021", "Fri 21/05/2021"),
        (date(2021, 5, 22), "Thứ bảy, 22/05/2021", "Sat 22/05/2021"),
        (date(2021, 5, 23), "Chủ nhật, 23/05/2021", "Sun 23/05/2021"),
    ],
)
def test_format_date_weekday(day, vi, en):
    assert format_date_weekday(day, "vi") == vi
    assert format_date_weekday(day, "en") == en
    assert format_date_weekday(None, "vi") == ""


@pytest.mark.parametrize(
    ("day", "vi", "en"),
    [
        # Decree 30/2020: days below 10 and months 1 and 2 take a leading zero
        (date(2021, 5, 23), "ngày 23 tháng 5 năm 2021", "23 May 2021"),
        (date(2021, 5, 5), "ngày 05 tháng 5 năm 2021", "5 May 2021"),
        (date(2021, 3, 4), "ngày 04 tháng 3 năm 2021", "4 March 2021"),
        (date(2021, 1, 15), "ngày 15 tháng 01 năm 2021", "15 January 2021"),
        (date(2021, 2, 1), "ngày 01 tháng 02 năm 2021", "1 February 2021"),
        (date(2021, 10, 9), "ngày 09 tháng 10 năm 2021", "9 October 2021"),
        (date(2021, 11, 11), "ngày 11 tháng 11 năm 2021", "11 November 2021"),
        (date(2021, 12, 31), "ngày 31 tháng 12 năm 2021", "31 December 2021"),
        (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026", "15 March 2026"),
    ],
)
def test_format_date_long(day, vi, en):
    assert format_date_long(day, "vi") == vi
    assert format_date_long(day, "en") == en
    assert format_date_long(None, "vi") == ""


def test_days_between():
    assert days_between(date(2021, 5, 4), date(2021, 5, 23)) == 19
    assert days_between(date(2021, 5, 23), date(2021, 5, 23)) == 0
    assert days_between(date(2021, 5, 24), date(2021, 5, 23)) == -1
    assert days_between(date(2020, 12, 31), date(2021, 3, 1)) == 60


# --------------------------------------------------------------------------
# values read back from the database


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (date(2021, 5, 23), date(2021, 5, 23)),
        (datetime(2021, 5, 23, 22, 30), date(2021, 5, 23)),
        ("2021-05-23", date(2021, 5, 23)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2021-05-23 22:30:00", date(2021, 5, 23)),
        ("2021-05-23T22:30:00.123456", date(2021, 5, 23)),
        ("2021-05-23T22:30:00+00:00", date(2021, 5, 23)),
    ],
)
def test_coerce_date(value, expected):
    result = coerce_date(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "value",
    ["", "23/05/2021", "2021-5-23", "2021-02-29", "20210523", "2021-05-23x", "today"],
)
def test_coerce_date_rejects_what_is_not_a_stored_date(value):
    with pytest.raises(DateError, match="is not an ISO date YYYY-MM-DD"):
        coerce_date(value)


def test_coerce_date_rejects_other_types():
    with pytest.raises(TypeError):
        coerce_date(20210523)


# --------------------------------------------------------------------------
# properties

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=150, deadline=None)
@given(DATES, DATES)
def test_every_written_form_parses_back(d, today):
    forms = [
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day:02d}-{d.month:02d}-{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        d.isoformat(),
        format_date(d),
    ]
    for text in forms:
        assert parse_date(text, today) == d, text
    assert coerce_date(d.isoformat()) == d


@settings(max_examples=150, deadline=None)
@given(DATES)
def test_week_label_round_trips(d):
    monday, sunday = parse_week(iso_week_label(d), TODAY)
    assert monday <= d <= sunday
    assert monday.weekday() == 0 and sunday - monday == timedelta(days=6)
    assert parse_week(format_date(d), TODAY) == (monday, sunday)


@settings(max_examples=100, deadline=None)
@given(DATES, st.integers(min_value=-1000, max_value=1000))
def test_day_and_week_offsets(today, n):
    sign = "+" if n >= 0 else "-"
    assert parse_date(f"{sign}{abs(n)}d", today) == today + timedelta(days=n)
    assert parse_date(f"{sign}{abs(n)}w", today) == today + timedelta(weeks=n)


# --------------------------------------------------------------------------
# start-up cost


def test_import_and_common_parsing_stay_off_dateutil():
    """Importing the module and parsing ordinary dates must not load dateutil
    (about 60 ms); only month/year offsets import relativedelta."""
    code = (
        "import sys, datetime\n"
        "from campaign_cli.services import dates\n"
        "assert not [m for m in sys.modules if m.startswith('dateutil')], 'import'\n"
        "t = datetime.date(2021, 5, 4)\n"
        "for s in ('23/5/2021', '2021-05-23', 'hôm nay', '+3d', '-1w', '2021-W17'):\n"
        "    dates.parse_week(s, t); dates.parse_date(s, t) if 'W' not in s else None\n"
        "assert not [m for m in sys.modules if m.startswith('dateutil')], 'parse'\n"
        "dates.parse_date('+1m', t)\n"
        "assert 'dateutil.relativedelta' in sys.modules\n"
        "assert 'dateutil.parser' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
