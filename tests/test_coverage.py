"""``campaign report coverage`` and coverage in status, weekly and the documents (issue 16).

Every figure is checked against entries counted by hand: an entry exactly on
--since, an entry at a village counted for its commune, an entry at the
district (above the level), an unplaced entry, an entry after the as-of date,
and a commune with no entries at all.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from test_reports import golden

AS_OF = ("--as-of", "15/4/2021")
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "coverage.schema.json").read_text("utf-8"))
COVERAGE_KEYS = ["schema_version", "as_of", "since", "until", "level", "types", "places", "uncovered",
                 "unplaced_entries"]  # fmt: skip


@pytest.fixture
def counted(fresh):
    """Huyện Gia Viễn (1) > Xã Gia Vân (2) > Thôn Đông (4); Xã Gia Tân (3); Xã Liên Sơn (5), nothing logged."""
    for args in (("Huyện Gia Viễn",), ("Xã Gia Vân", "--in", "1"), ("Xã Gia Tân", "--in", "1"),
                 ("Thôn Đông", "--in", "2"), ("Xã Liên Sơn", "--in", "1")):
        fresh("place", "add", *args, ok=True)
    for date, kind, qty, place in (
        ("1/4/2021", "poster", "40", "Xã Gia Vân"),
        ("5/4/2021", "poster", "10", "Thôn Đông"),  # a village: counts for Xã Gia Vân
        ("5/4/2021", "seminar", "1", "Xã Gia Tân"),
        ("10/4/2021", "poster", "20", "gia tan"),
        ("8/4/2021", "poster", "7", ""),  # no place
        ("3/4/2021", "banner", "3", "Huyện Gia Viễn"),  # above the level: counts for no commune
    ):
        fresh(*AS_OF, "log", "add", "--type", kind, "--qty", qty, "--date", date,
              *(("--place", place) if place else ()), ok=True)
    fresh("--as-of", "30/4/2021", "log", "add", "--type", "poster", "--qty", "100", "--date", "20/4/2021",
          "--place", "Xã Liên Sơn", ok=True)  # after the as-of date: does not count on 15/4
    return fresh


def coverage(cli, *args):
    data = cli.json(*AS_OF, "report", "coverage", "--type", "poster", "--type", "seminar", *args)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert list(data) == COVERAGE_KEYS
    return data


def grid(data):
    return {place["name"]: (place["quantities"], place["entries"], place["last_date"], place["missing"])
            for place in data["places"]}


def test_figures_counted_by_hand(counted):
    data = coverage(counted)
    assert (data["as_of"], data["since"], data["until"], data["level"]) == ("2021-04-15", None, "2021-04-15",
                                                                            "commune")
    assert data["types"] == ["poster", "seminar"]
    assert [place["name"] for place in data["places"]] == ["Xã Gia Tân", "Xã Gia Vân", "Xã Liên Sơn"]
    assert grid(data) == {
        "Xã Gia Tân": ({"poster": 20, "seminar": 1}, 2, "2021-04-10", []),
        "Xã Gia Vân": ({"poster": 50, "seminar": 0}, 2, "2021-04-05", ["seminar"]),
        "Xã Liên Sơn": ({"poster": 0, "seminar": 0}, 0, None, ["poster", "seminar"]),
    }
    assert data["places"][1]["parent"] == {"id": 1, "name": "Huyện Gia Viễn"}
    assert data["places"][1]["id"] == 2 and data["places"][1]["kind"] == "commune"
    assert data["uncovered"] == {"poster": [5], "seminar": [2, 5]}
    assert data["unplaced_entries"] == 1


def test_since_counts_the_entry_on_that_day(counted):
    on = grid(coverage(counted, "--since", "5/4/2021"))
    assert on["Xã Gia Vân"][:2] == ({"poster": 10, "seminar": 0}, 1)  # the village's entry of 5/4
    assert on["Xã Gia Tân"][:2] == ({"poster": 20, "seminar": 1}, 2)
    after = coverage(counted, "--since", "6/4/2021", "--until", "9/4/2021")
    assert after["until"] == "2021-04-09" and after["since"] == "2021-04-06"
    assert after["uncovered"] == {"poster": [3, 2, 5], "seminar": [3, 2, 5]}
    assert after["unplaced_entries"] == 1  # 8/4


def test_levels_and_in(counted):
    villages = coverage(counted, "--level", "village")
    assert grid(villages) == {"Thôn Đông": ({"poster": 10, "seminar": 0}, 1, "2021-04-05", ["seminar"])}
    inside = coverage(counted, "--in", "gia van")
    assert [place["name"] for place in inside["places"]] == ["Xã Gia Vân"]
    assert inside["uncovered"] == {"poster": [], "seminar": [2]}


def test_default_types_and_wrong_options(counted):
    data = counted.json(*AS_OF, "report", "coverage")
    assert data["types"] == ["conference", "seminar", "slogan", "banner", "panel", "poster", "leaflet", "flag",
                             "vehicle", "broadcast"]
    assert data["uncovered"]["banner"] == [3, 2, 5]  # the district's banners reached no commune
    for args, message in (
        (("--level", "district"), "--level: 'district' is not one of commune, village"),
        (("--since", "20/4/2021"), "--since 20/04/2021 is after the as-of date 15/04/2021"),
        (("--since", "10/4/2021", "--until", "1/4/2021"), "the start date 10/04/2021 is after the end date"),
        (("--in", "xa khong co"), "no place matches 'xa khong co'"),
    ):
        result = counted.fails(*AS_OF, "report", "coverage", *args)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_table_marks_gaps_and_fits_80_columns(counted):
    table = counted(*AS_OF, "report", "coverage", env={"COLUMNS": "80"}, ok=True).stdout
    assert all(len(line) <= 80 for line in table.splitlines())
    row = next(line for line in table.splitlines() if line.startswith("Xã Liên Sơn"))
    assert row.split()[3:13] == ["·"] * 10
    assert "Not reached yet" in table and "1 entry of these activities has no place of the registry" in table
    assert "1 entry was logged at a place above this level" in table
    assert "\x1b[" not in table  # not a terminal: no colour


def test_terminal_shows_the_gaps_red(counted):
    import datetime as dt
    import os

    from campaign_cli.cli.render.terminal import write_view
    from campaign_cli.cli.views.coverage import coverage_view
    from campaign_cli.services.context import Context
    from campaign_cli.services.coverage import coverage_report
    from campaign_cli.storage.db import Database

    db = Database(os.environ["CAMPAIGN_DB"])
    try:
        context = Context(db=db, today=dt.date(2021, 4, 15), actor="t", command="t")
        report = coverage_report(context, types=["poster", "seminar"], lang="en")
    finally:
        db.close()
    stream = io.StringIO()
    write_view(coverage_view(report, "en"), stream, "en", width=80, colour=True)
    row = next(line for line in stream.getvalue().splitlines() if line.startswith("Xã Liên Sơn"))
    assert row.count("\x1b[31m·") == 2


def test_xlsx_fills_the_gaps_red(counted, tmp_path):
    from openpyxl import load_workbook

    from campaign_cli.cli.render.workbook import GAP_FILL

    path = tmp_path / "coverage.xlsx"
    counted(*AS_OF, "report", "coverage", "--type", "poster", "--type", "seminar", "--format", "xlsx",
            "--output", path, ok=True)
    sheet = load_workbook(path).worksheets[0]
    red = [(cell.row, cell.value) for row in sheet.iter_rows() for cell in row
           if cell.fill is not None and cell.fill.fgColor is not None and str(cell.fill.fgColor.rgb).endswith(GAP_FILL)]
    assert len(red) == 3  # Gia Vân's seminar, Liên Sơn's poster and seminar


def test_csv_and_markdown_hold_every_place(counted):
    text = counted(*AS_OF, "report", "coverage", "--type", "poster", "--format", "csv", ok=True).stdout
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["section"] == "places"]
    assert [(row["name"], row["poster"]) for row in rows] == [("Xã Gia Tân", "20"), ("Xã Gia Vân", "50"),
                                                              ("Xã Liên Sơn", "0")]
    markdown = counted(*AS_OF, "report", "coverage", "--format", "md", ok=True).stdout
    assert "| Xã Liên Sơn |" in markdown


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_sample_golden(sample, fmt):
    result = sample("--as-of", "15/4/2021", "report", "coverage", "--format", fmt, ok=True)
    assert result.stderr == ""
    golden(f"coverage-2021-04-15.{fmt}", result.stdout)


def test_sample_shows_real_gaps_on_15_april(sample):
    data = sample.json("--as-of", "15/4/2021", "report", "coverage", "--type", "poster")
    assert len(data["places"]) == 21  # thị trấn Me and 20 xã, as in 2021
    names = {place["id"]: place["name"] for place in data["places"]}
    assert sorted(names[place_id] for place_id in data["uncovered"]["poster"]) == [
        "Thị trấn Me", "Xã Gia Thắng", "Xã Gia Tiến", "Xã Gia Trấn"]
    assert sum(place["quantities"]["poster"] for place in data["places"]) == 680


# -- coverage in the everyday reports --------------------------------------------------------
def test_status_places_covered(sample):
    data = sample.json("--as-of", "15/4/2021", "status")
    covered = {row["type"]: row for row in data["places_covered"]["types"]}
    assert data["places_covered"]["level"] == "commune" and data["places_covered"]["places"] == 21
    assert (covered["poster"]["covered"], covered["poster"]["places"], covered["poster"]["behind"]) == (17, 21, True)
    assert (covered["panel"]["covered"], covered["panel"]["places"]) == (3, 5)  # the pano task names 5 places
    table = sample("--lang", "vi", "--as-of", "15/4/2021", "status", "--full", ok=True).stdout
    assert "17/21 xã" in table


def test_status_without_a_registry_has_no_coverage(fresh):
    assert fresh.json(*AS_OF, "status")["places_covered"] is None


def test_weekly_by_place(counted):
    data = counted.json("--as-of", "11/4/2021", "report", "weekly")
    assert data["start"] == "2021-04-05"
    rows = {row["name"]: row for row in data["by_place"]}
    assert set(rows) == {"Xã Gia Vân", "Xã Gia Tân", "Huyện Gia Viễn"} - {"Huyện Gia Viễn"}
    assert rows["Xã Gia Vân"]["activity"] == [
        {"type": "poster", "label": "poster", "unit": "tờ", "quantity": 10, "entries": 1}]
    assert rows["Xã Gia Tân"]["entries"] == 2


def test_weekly_docx_has_a_coverage_table(sample, tmp_path):
    from docx import Document

    path = tmp_path / "weekly.docx"
    sample("--as-of", "15/4/2021", "report", "weekly", "--format", "docx", "--output", path, ok=True)
    document = Document(str(path))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "3. Độ phủ theo địa bàn" in text
    assert ("đã đến 18/21 xã, thị trấn; chưa có hoạt động tại: Xã Gia Thắng, Xã Gia Tiến, Xã Gia Trấn."
            in text)
    assert "áp phích" in cells and "17/21" in cells
