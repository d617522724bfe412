"""Issue 18: `log import` remembers what it imported, so the same rows never count twice.

A commune's sheet arrives twice (a reminder, a corrected copy, the attachment
forwarded by two people): the second import is refused, all or nothing, naming
the first; `--only-new` takes just the rows never seen, `--again` takes them all;
`--dry-run` says which is which and writes nothing; `log imports` lists them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from checks import one_line_error
from conftest import db_snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_cli.services.log_imports import FINGERPRINT_COLUMNS, fingerprints

AS_OF = ("--as-of", "30/4/2021")
HEADER = "date,type,quantity,member,task,place,note"
#: Twenty rows as a commune sends them: days of April, several types, places and notes.
ROWS = [
    f"{day}/4/2021,{kind},{qty},,,{place},{note}"
    for day, kind, qty, place, note in [
        (1, "poster", 40, "Gia Vân", "thôn 1"),
        (1, "broadcast", 2, "Gia Vân", ""),
        (2, "poster", 10, "Gia Vân", "thôn 2"),
        (3, "leaflet", 500, "Gia Vân", ""),
        (3, "banner", 3, "Gia Vân", "cổng UBND"),
        (4, "broadcast", 2, "Gia Vân", ""),
        (5, "poster", 12, "Gia Vân", "thôn 3"),
        (6, "flag", 30, "Gia Vân", ""),
        (7, "broadcast", 2, "Gia Vân", ""),
        (8, "leaflet", 300, "Gia Vân", "chợ"),
        (9, "poster", 8, "Gia Vân", "thôn 4"),
        (10, "broadcast", 2, "Gia Vân", ""),
        (11, "banner", 1, "Gia Vân", "nhà văn hóa"),
        (12, "poster", 6, "Gia Vân", "thôn 5"),
        (13, "broadcast", 2, "Gia Vân", ""),
        (14, "flag", 20, "Gia Vân", ""),
        (15, "leaflet", 200, "Gia Vân", "trường học"),
        (16, "broadcast", 2, "Gia Vân", ""),
        (17, "poster", 4, "Gia Vân", "thôn 6"),
        (18, "broadcast", 2, "Gia Vân", ""),
    ]
]
FIRST = "gia-van-tuan-15.csv"


def write_csv(path: Path, rows: list[str], *, crlf: bool = False, bom: bool = False) -> Path:
    end = "\r\n" if crlf else "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (end.join([HEADER, *rows]) + end).encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[str]) -> Path:
    """The same rows as a spreadsheet saves them: date cells, number cells, empty cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        day, kind, qty, member, task, place, note = row.split(",")
        d, m, y = (int(part) for part in day.split("/"))
        sheet.append([dt.datetime(y, m, d), kind, int(qty), member or None, task or None, place or None, note or None])
    workbook.save(path)
    return path


def entry_count(cli) -> int:
    return len(cli.json(*AS_OF, "log", "list", "--limit", "0"))


def total_quantity(cli) -> float:
    return sum(entry["quantity"] for entry in cli.json(*AS_OF, "log", "list", "--limit", "0"))


def imports(cli) -> list[dict]:
    return cli.json(*AS_OF, "log", "imports")


def import_day(record: dict) -> str:
    """How messages name the day of an import: its local day, day first."""
    return dt.datetime.fromisoformat(record["imported_at"]).astimezone().strftime("%d/%m/%Y")


@pytest.fixture
def first(fresh, tmp_path):
    """``gia-van-tuan-15.csv`` imported once: 20 entries, change and import recorded."""
    fresh(*AS_OF, "log", "import", write_csv(tmp_path / FIRST, ROWS), ok=True)
    [record] = imports(fresh)
    return fresh, record


# -- the same file twice ---------------------------------------------------------------------------
def test_the_same_csv_twice_is_refused_naming_the_first_import(first, tmp_path, isolated_environment):
    cli, record = first
    assert (record["file"], record["rows"], record["file_rows"], record["mode"]) == (FIRST, 20, 20, "all")
    assert entry_count(cli) == 20
    before = db_snapshot(isolated_environment)
    message = one_line_error(cli(*AS_OF, "log", "import", tmp_path / FIRST))
    assert message == (
        f"Error: these 20 rows were imported on {import_day(record)} from {FIRST}, change #{record['change']}; "
        "use --again to import them once more"
    )
    assert db_snapshot(isolated_environment) == before
    assert entry_count(cli) == 20


def test_a_resaved_copy_crlf_bom_other_date_and_number_forms_is_the_same_rows(first, tmp_path, isolated_environment):
    cli, record = first
    resaved = [
        row.replace("/4/2021", "/04/2021").replace(",2,", ",2.0,") if index % 2 else row
        for index, row in enumerate(ROWS)
    ]
    path = write_csv(tmp_path / "forwarded.csv", [row.replace(",,,", ",,,", 1) for row in resaved], crlf=True, bom=True)
    before = db_snapshot(isolated_environment)
    message = one_line_error(cli(*AS_OF, "log", "import", path))
    assert f"these 20 rows were imported on {import_day(record)} from {FIRST}, change #{record['change']}" in message
    assert db_snapshot(isolated_environment) == before


def test_the_same_rows_as_xlsx_after_the_csv_are_refused(first, tmp_path, isolated_environment):
    cli, record = first
    path = write_xlsx(tmp_path / "gia-van.xlsx", ROWS)
    before = db_snapshot(isolated_environment)
    message = one_line_error(cli(*AS_OF, "log", "import", path))
    assert message.startswith("Error: these 20 rows were imported on ")
    assert f"from {FIRST}, change #{record['change']};" in message
    assert db_snapshot(isolated_environment) == before
    # and the other way round: --only-new finds nothing new in the workbook
    result = cli(*AS_OF, "log", "import", path, "--only-new", ok=True)
    assert result.stderr.splitlines()[0] == (
        "Nothing new to import: every row of gia-van.xlsx was imported before; nothing was written:"
    )
    assert entry_count(cli) == 20 and len(imports(cli)) == 1


def test_an_xlsx_first_then_its_csv_export_is_refused(fresh, tmp_path):
    fresh(*AS_OF, "log", "import", write_xlsx(tmp_path / "tuan.xlsx", ROWS[:5]), ok=True)
    message = one_line_error(fresh(*AS_OF, "log", "import", write_csv(tmp_path / "tuan.csv", ROWS[:5], crlf=True)))
    assert "these 5 rows were imported on " in message and "from tuan.xlsx" in message


# -- a corrected copy ----------------------------------------------------------------------------
#: The corrected copy: row 6 (file line 7, 2 broadcasts on 4/4) now says 3, and three rows are new.
CORRECTED = [
    *ROWS[:5],
    "4/4/2021,broadcast,3,,,Gia Vân,",
    *ROWS[6:],
    "19/4/2021,poster,7,,,Gia Vân,thôn 7",
    "19/4/2021,broadcast,2,,,Gia Vân,",
    "20/4/2021,seminar,1,,,Gia Vân,hội nghị cử tri",
]


def test_a_corrected_copy_is_refused_with_its_overlapping_and_new_lines(first, tmp_path, isolated_environment):
    cli, record = first
    path = write_csv(tmp_path / "gia-van-tuan-15-sua.csv", CORRECTED)
    before = db_snapshot(isolated_environment)
    result = cli.fails(*AS_OF, "log", "import", path)
    day, change = import_day(record), record["change"]
    assert result.stderr.splitlines() == [
        "Error: 19 of the 23 rows in gia-van-tuan-15-sua.csv were imported before; nothing was imported:",
        f"  19 rows (lines 2–6, 8–21) imported on {day} from {FIRST}, change #{change}",
        "  4 new rows: lines 7, 22–24",
        f"Warning: {FIRST} (change #{change}) also held 1 row that is not in this file (line 7 there, now entry 6); "
        "if this file corrects it, remove that entry with  campaign log remove ID",
        "Use --only-new to import the 4 new rows, or --again to import all 23 once more.",
    ]
    assert db_snapshot(isolated_environment) == before


def test_only_new_imports_the_three_new_rows_and_the_changed_one(first, tmp_path):
    cli, record = first
    quantity = total_quantity(cli)
    path = write_csv(tmp_path / "gia-van-tuan-15-sua.csv", CORRECTED)
    result = cli(*AS_OF, "log", "import", path, "--only-new", ok=True)
    assert result.stderr.splitlines()[:2] == [
        "Imported 4 new entries (04/04/2021 – 20/04/2021); left out, as imported before:",
        f"  19 rows (lines 2–6, 8–21) imported on {import_day(record)} from {FIRST}, change #{record['change']}",
    ]
    assert entry_count(cli) == 24
    assert total_quantity(cli) == quantity + 3 + 7 + 2 + 1
    newest = imports(cli)[0]
    assert (newest["file"], newest["rows"], newest["file_rows"], newest["mode"]) == (
        "gia-van-tuan-15-sua.csv", 4, 23, "only-new"
    )
    assert (newest["first_date"], newest["last_date"]) == ("2021-04-04", "2021-04-20")
    # the entries written are exactly the four rows
    added = [entry for entry in cli.json(*AS_OF, "log", "list", "--limit", "0") if entry["id"] > 20]
    assert sorted((entry["date"], entry["type"], entry["quantity"]) for entry in added) == [
        ("2021-04-04", "broadcast", 3), ("2021-04-19", "broadcast", 2), ("2021-04-19", "poster", 7),
        ("2021-04-20", "seminar", 1),
    ]
    # the corrected copy again: every row is known now, through one import or the other
    message = cli.fails(*AS_OF, "log", "import", path).stderr.splitlines()
    assert message[0] == "Error: these 23 rows in gia-van-tuan-15-sua.csv were imported before; nothing was imported:"
    assert message[1:3] == [
        f"  19 rows (lines 2–6, 8–21) imported on {import_day(record)} from {FIRST}, change #{record['change']}",
        f"  4 rows (lines 7, 22–24) imported on {import_day(newest)} from gia-van-tuan-15-sua.csv, "
        f"change #{newest['change']}",
    ]


def test_identical_rows_in_one_file_are_separate_entries(fresh, tmp_path):
    """Two broadcasts on one day are two rows alike: a later file with three holds one new."""
    row = "2/4/2021,broadcast,1,,,Gia Vân,"
    fresh(*AS_OF, "log", "import", write_csv(tmp_path / "a.csv", [row, row]), ok=True)
    assert entry_count(fresh) == 2
    result = fresh.fails(*AS_OF, "log", "import", write_csv(tmp_path / "b.csv", [row, row, row]))
    assert result.stderr.splitlines()[2] == "  1 new row: line 4"
    fresh(*AS_OF, "log", "import", tmp_path / "b.csv", "--only-new", ok=True)
    assert entry_count(fresh) == 3


# -- --again ------------------------------------------------------------------------------------------
def test_again_imports_every_row_once_more_and_says_they_count_twice(first, tmp_path):
    cli, record = first
    quantity = total_quantity(cli)
    result = cli(*AS_OF, "log", "import", tmp_path / FIRST, "--again", ok=True)
    assert result.stderr.splitlines() == [
        "Imported 20 entries (01/04/2021 – 18/04/2021)",
        "Warning: 20 of these rows were imported before and now count twice:",
        f"  20 rows (lines 2–21) imported on {import_day(record)} from {FIRST}, change #{record['change']}",
    ]
    assert entry_count(cli) == 40 and total_quantity(cli) == 2 * quantity
    assert [(item["mode"], item["rows"]) for item in imports(cli)] == [("again", 20), ("all", 20)]


def test_only_new_and_again_together_is_a_usage_error(first, tmp_path):
    cli, _record = first
    result = cli.fails(*AS_OF, "log", "import", tmp_path / FIRST, "--only-new", "--again", code=2)
    assert "--only-new or --again, not both" in result.stderr


# -- --dry-run ------------------------------------------------------------------------------------
def test_dry_run_says_what_is_new_and_writes_nothing(first, tmp_path, isolated_environment):
    cli, record = first
    path = write_csv(tmp_path / "sua.csv", CORRECTED)
    before = db_snapshot(isolated_environment)
    cli.fails(*AS_OF, "log", "import", path, "--dry-run")  # refused, as the import would be
    assert db_snapshot(isolated_environment) == before
    for options in (("--only-new",), ("--again",)):
        cli(*AS_OF, "log", "import", path, "--dry-run", *options, ok=True)
        assert db_snapshot(isolated_environment) == before
    lines = cli(*AS_OF, "log", "import", path, "--dry-run", "--only-new", ok=True).stderr.splitlines()
    assert lines[0] == (
        "4 new entries are valid (04/04/2021 – 20/04/2021); the rows imported before would be left out; "
        "nothing was written (dry run):"
    )
    assert entry_count(cli) == 20 and len(imports(cli)) == 1


def test_dry_run_refused_file_exits_1_and_writes_nothing(first, tmp_path, isolated_environment):
    cli, _record = first
    before = db_snapshot(isolated_environment)
    message = one_line_error(cli(*AS_OF, "log", "import", tmp_path / FIRST, "--dry-run"))
    assert message.startswith("Error: these 20 rows were imported on ")
    assert db_snapshot(isolated_environment) == before


def test_dry_run_json_names_new_and_overlapping_lines(first, tmp_path, isolated_environment):
    cli, record = first
    path = write_csv(tmp_path / "sua.csv", CORRECTED)
    before = db_snapshot(isolated_environment)
    result = cli(*AS_OF, "log", "import", path, "--dry-run", "--only-new", "--format", "json", ok=True)
    import json

    document = json.loads(result.stdout)
    assert db_snapshot(isolated_environment) == before
    assert document == {
        "schema_version": 1,
        "file": "sua.csv",
        "outcome": "dry-run",
        "dry_run": True,
        "on_repeated": "only-new",
        "rows": 23,
        "new": 4,
        "new_lines": [7, 22, 23, 24],
        "overlapping": 19,
        "overlapping_lines": [2, 3, 4, 5, 6, *range(8, 22)],
        "to_import": 4,
        "imported": 0,
        "first_date": "2021-04-04",
        "last_date": "2021-04-20",
        "import_id": None,
        "change": None,
        "earlier": [
            {
                "import_id": record["id"],
                "file": FIRST,
                "imported_at": record["imported_at"],
                "change": record["change"],
                "rows": 20,
                "lines": [2, 3, 4, 5, 6, *range(8, 22)],
                "left_out": [{"line": 7, "entry": 6}],
            }
        ],
        "warnings": [],
    }


def test_json_of_a_refused_file_on_stdout_and_one_line_on_stderr(first, tmp_path, isolated_environment):
    cli, record = first
    before = db_snapshot(isolated_environment)
    result = cli.fails(*AS_OF, "log", "import", tmp_path / FIRST, "--format", "json")
    import json

    document = json.loads(result.stdout)
    assert (document["outcome"], document["overlapping"], document["new"], document["imported"]) == (
        "refused", 20, 0, 0
    )
    assert [earlier["change"] for earlier in document["earlier"]] == [record["change"]]
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("Error: these 20 rows")
    assert db_snapshot(isolated_environment) == before


def test_json_of_an_import_names_its_record_and_change(fresh, tmp_path):
    import json

    result = fresh(*AS_OF, "log", "import", write_csv(tmp_path / "a.csv", ROWS[:3]), "--format", "json", ok=True)
    document = json.loads(result.stdout)
    [record] = imports(fresh)
    assert (document["outcome"], document["imported"], document["to_import"], document["new"]) == (
        "imported", 3, 3, 3
    )
    assert (document["import_id"], document["change"]) == (record["id"], record["change"])


# -- undo, redo -----------------------------------------------------------------------------------
def test_undo_forgets_the_import_and_redo_brings_it_back(first, tmp_path):
    cli, record = first
    history = cli.json(*AS_OF, "history")
    assert history[0]["id"] == record["change"]
    cli(*AS_OF, "undo", ok=True)
    assert imports(cli) == [] and entry_count(cli) == 0
    # undone: the same file imports again, as new
    cli(*AS_OF, "log", "import", tmp_path / FIRST, ok=True)
    assert entry_count(cli) == 20
    [again] = imports(cli)
    assert (again["rows"], again["mode"]) == (20, "all")
    # undo that, then redo the first import's undo... the redo stack now holds the second import
    cli(*AS_OF, "undo", ok=True)
    cli(*AS_OF, "redo", ok=True)
    assert [item["rows"] for item in imports(cli)] == [20]
    message = one_line_error(cli(*AS_OF, "log", "import", tmp_path / FIRST))
    assert f"these 20 rows were imported on {import_day(again)} from {FIRST}, change #{again['change']}" in message


def test_redo_of_an_undone_import_restores_its_fingerprints(first, tmp_path):
    cli, record = first
    cli(*AS_OF, "undo", ok=True)
    cli(*AS_OF, "redo", ok=True)
    assert [(item["id"], item["change"], item["rows"]) for item in imports(cli)] == [
        (record["id"], record["change"], 20)
    ]
    message = one_line_error(cli(*AS_OF, "log", "import", tmp_path / FIRST))
    assert f"from {FIRST}, change #{record['change']};" in message
    assert entry_count(cli) == 20


# -- log imports ------------------------------------------------------------------------------------
def test_log_imports_lists_newest_first_in_every_format(first, tmp_path):
    cli, record = first
    cli(*AS_OF, "log", "import", write_csv(tmp_path / "gia-van-sua.csv", CORRECTED), "--only-new", ok=True)
    listed = imports(cli)
    assert [(item["file"], item["rows"], item["file_rows"], item["mode"]) for item in listed] == [
        ("gia-van-sua.csv", 4, 23, "only-new"), (FIRST, 20, 20, "all"),
    ]
    assert listed[1] == {**record}
    assert set(listed[0]) >= {"id", "imported_at", "file", "rows", "change", "first_date", "last_date", "as_of"}
    assert listed[0]["as_of"] == "2021-04-30" and listed[0]["actor"] == "tester"
    table = cli(*AS_OF, "log", "imports", ok=True).stdout
    assert FIRST in table and "gia-van-sua.csv" in table and str(record["change"]) in table
    csv_text = cli(*AS_OF, "log", "imports", "--format", "csv", ok=True).stdout
    header, *lines = csv_text.splitlines()
    assert header == "id,imported_at,file,rows,file_rows,first_date,last_date,change,mode,as_of,actor"
    assert lines[1].split(",")[2:5] == [FIRST, "20", "20"] and lines[0].split(",")[8] == "only-new"


def test_log_imports_on_a_campaign_without_imports(fresh):
    assert imports(fresh) == []
    assert "No log imports recorded." in fresh(*AS_OF, "log", "imports", ok=True).stdout


def test_log_imports_is_listed_in_the_log_group_help(fresh):
    assert "imports" in fresh("log", "--help", ok=True).stdout


# -- the fingerprint itself -------------------------------------------------------------------------
def test_fingerprint_reads_values_not_spelling():
    columns = ("campaign_id", *FINGERPRINT_COLUMNS, "created_at")
    row = (1, dt.date(2021, 4, 1), 3, 2.0, None, 7, None, "Gia Vân", "a\nb", "2021-04-30T00:00:00+00:00")
    same = (1, dt.date(2021, 4, 1), 3, 2, None, 7, None, "Gia Vân", "a\nb", "2026-01-01T00:00:00+00:00")
    other_note = (*row[:8], "a b", row[9])
    place_into_note = (*row[:7], "Gia Vân\x1f'a", "b", row[9])
    prints = fingerprints([row, same, other_note, place_into_note], columns)
    assert prints[0] != prints[1]  # the second identical row of a file is a row of its own ...
    assert fingerprints([same], columns) == fingerprints([row], columns)  # ... but its values print alike
    assert len(set(prints)) == 4
    assert all(-(2**63) <= value < 2**63 for value in prints)


# -- the upgrade ----------------------------------------------------------------------------------
def test_a_schema_4_database_gains_the_import_record_on_the_tests_engine(fresh, campaign_db, tmp_path):
    from campaign_cli.storage import schema

    fresh(*AS_OF, "log", "import", write_csv(tmp_path / "old.csv", ROWS[:2]), ok=True)
    db = campaign_db
    db.execute("BEGIN")
    for statement in ("DROP TABLE log_import_row", "DROP TABLE log_import",
                      "UPDATE meta SET value = '4' WHERE name = 'schema_version'"):
        db.execute(statement)
    db.execute("COMMIT")
    assert imports(fresh) == []  # upgraded: imports made before have no record
    assert schema.stored_version(db) == schema.current_version() == 6
    fresh(*AS_OF, "log", "import", tmp_path / "old.csv", ok=True)  # not recognised: counted twice, as before
    one_line_error(fresh(*AS_OF, "log", "import", tmp_path / "old.csv"))  # from now on it is
    assert entry_count(fresh) == 4


ROW_VALUES = st.tuples(
    st.dates(dt.date(2021, 1, 1), dt.date(2021, 6, 30)),
    st.integers(1, 20),
    st.sampled_from([1.0, 2.0, 2.5, 40.0, 1000.0]),
    st.none() | st.integers(1, 50),
    st.none() | st.integers(1, 50),
    st.none() | st.integers(1, 10),
    st.sampled_from(["", "Gia Vân", "Gia Vân'", "thôn 1"]),
    st.sampled_from(["", "a", "a\nb", "a\x1fb", "'"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW_VALUES, max_size=30), st.randoms(use_true_random=False))
def test_a_sheet_in_another_order_has_the_same_fingerprints(rows, random):
    """Sorting a sheet in a spreadsheet changes no row: the fingerprints are those of the rows
    as a multiset, one per row, distinct (identical rows are told apart by their count)."""
    columns = FINGERPRINT_COLUMNS
    shuffled = rows[:]
    random.shuffle(shuffled)
    prints = fingerprints(rows, columns)
    assert sorted(prints) == sorted(fingerprints(shuffled, columns))
    assert len(set(prints)) == len(rows)


def test_a_sorted_copy_of_the_sheet_is_refused(first, tmp_path):
    cli, _record = first
    path = write_csv(tmp_path / "sorted.csv", sorted(ROWS, key=lambda row: row.split(",")[1]))
    assert "these 20 rows were imported on " in one_line_error(cli(*AS_OF, "log", "import", path))


def test_another_campaigns_import_does_not_count(first, tmp_path):
    """Two communes' campaigns in one database may receive the same sheet: each imports it once."""
    cli, _record = first
    cli("init", "Xã Gia Hòa", "--election-day", "23/5/2021", ok=True)
    other = ("--campaign", "Xã Gia Hòa")
    cli(*other, *AS_OF, "log", "import", tmp_path / FIRST, ok=True)
    assert len(cli.json(*other, *AS_OF, "log", "list", "--limit", "0")) == 20
    assert [item["file"] for item in cli.json(*other, *AS_OF, "log", "imports")] == [FIRST]
    assert "these 20 rows were imported on " in one_line_error(cli(*other, *AS_OF, "log", "import", tmp_path / FIRST))
