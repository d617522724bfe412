"""campaign log ... and campaign type ...: end to end, plus the services directly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from conftest import db_snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_cli.errors import Conflict, Invalid, NotFound
from campaign_cli.services import activity_types, logs
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Database, utc_now

AS_OF = dt.date(2021, 4, 15)
ENTRY_KEYS = {"id", "date", "type", "label", "unit", "quantity", "by", "task", "place", "note", "place_id"}
HEADER = "date,type,quantity,member,task,place,note"


# -- fixtures: a subcommittee written straight into the database ------------------
@pytest.fixture
def service(fresh):
    """A services context on the test database, as the CLI would build it."""
    db = Database(os.environ["CAMPAIGN_DB"])
    yield Context(db=db, today=AS_OF, actor="tester", command="test")
    db.close()


@pytest.fixture
def board(service):
    """Two units, three members and three tasks (the unit, member and task commands are not this module's)."""
    ids = {}
    with service.transaction() as tx:

        def unit(key, name, short=""):
            ids[key] = tx.insert(
                "unit", {"campaign_id": service.campaign_id, "name": name, "short": short, "name_folded": fold(name)}
            )

        def member(key, name, unit_key=None):
            ids[key] = tx.insert(
                "member",
                {"campaign_id": service.campaign_id, "name": name, "name_folded": fold(name), "role": "member",
                 "unit_id": ids[unit_key] if unit_key else None},
            )

        def task(key, title, type_code):
            phase_id = service.db.scalar(
                "SELECT id FROM phase WHERE campaign_id = ? AND number = 1", (service.campaign_id,)
            )
            type_id = service.db.scalar(
                "SELECT id FROM activity_type WHERE campaign_id = ? AND code = ?", (service.campaign_id, type_code)
            )
            ids[key] = tx.insert(
                "task",
                {"campaign_id": service.campaign_id, "phase_id": phase_id, "title": title, "title_folded": fold(title),
                 "type_id": type_id, "status": "doing", "created_at": utc_now()},
            )

        unit("center", "Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "VHTT&TT")
        unit("radio", "Đài truyền thanh xã Gia Vân")
        member("lan", "Phạm Thị Lan", "center")
        member("vinh", "Bùi Quang Vinh")
        member("duc", "Trần Minh Đức")
        task("posters", "In và cấp phát áp phích", "poster")
        task("news", "Tin, bài về công tác bầu cử", "news")
        task("untyped", "Việc chung", None)
    return ids


def entries(cli, *args):
    return cli.json("log", "list", "--limit", "0", *args)


def write_csv(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# -- log add ---------------------------------------------------------------------
def test_add_defaults_to_one_on_the_as_of_date(fresh):
    result = fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", ok=True)
    assert result.stderr.strip() == "Logged 1 tờ áp phích (poster) on 15/04/2021 — entry 1"
    assert result.stdout == ""
    [entry] = entries(fresh)
    assert entry == {
        "id": 1, "date": "2021-04-15", "type": "poster", "label": "áp phích", "unit": "tờ", "quantity": 1,
        "by": None, "task": None, "place": "", "note": "", "place_id": None,
    }


def test_add_by_vietnamese_label_without_diacritics(fresh, board):
    result = fresh(
        "--as-of", "15/4/2021", "log", "add", "--type", "ap phich", "--qty", "40", "--date", "12/4/2021",
        "--by", "lan", "--task", str(board["posters"]), "--place", "xã Gia Vân", "--note", "Đợt 1, cấp cho 10 xã",
        ok=True,
    )
    assert result.stderr.strip() == "Logged 40 tờ áp phích (poster) on 12/04/2021 — entry 1"
    [entry] = entries(fresh)
    assert entry["type"] == "poster"
    assert entry["quantity"] == 40
    assert entry["date"] == "2021-04-12"
    assert entry["by"] == {"kind": "member", "id": board["lan"], "name": "Phạm Thị Lan"}
    assert entry["task"] == {"id": board["posters"], "title": "In và cấp phát áp phích"}
    assert entry["place"] == "xã Gia Vân"
    assert entry["note"] == "Đợt 1, cấp cho 10 xã"


@pytest.mark.parametrize("label", ["áp phích", "ÁP PHÍCH", "Ap Phich", "poster", "POSTER"])
def test_add_type_by_any_spelling(fresh, label):
    fresh("log", "add", "--type", label, ok=True)
    assert [entry["type"] for entry in entries(fresh)] == ["poster"]


def test_add_by_a_unit_and_a_decimal_quantity(fresh, board):
    fresh("--as-of", "15/4/2021", "log", "add", "--type", "phat thanh", "--qty", "1,5", "--by", "Gia Vân", ok=True)
    [entry] = entries(fresh)
    assert entry["quantity"] == 1.5
    assert entry["unit"] == "lần"
    assert entry["by"] == {"kind": "unit", "id": board["radio"], "name": "Đài truyền thanh xã Gia Vân"}


@pytest.mark.parametrize(
    ("qty", "message"),
    [
        ("0", "the quantity must be more than zero, not 0"),
        ("-1", "the quantity must be more than zero, not -1"),
        ("abc", "the quantity must be a number, not 'abc'"),
        ("nan", "the quantity must be a finite number"),
        ("2.098", "the quantity '2.098' is ambiguous"),
        ("1,500", "the quantity '1,500' is ambiguous"),
    ],
)
def test_add_rejects_a_bad_quantity_and_writes_nothing(fresh, isolated_environment, qty, message):
    before = db_snapshot(isolated_environment)
    result = fresh.fails("log", "add", "--type", "poster", "--qty", qty)
    assert message in result.stderr
    assert result.stderr.startswith("Error: ")
    assert db_snapshot(isolated_environment) == before


def test_add_unknown_type_lists_the_codes(fresh, isolated_environment):
    before = db_snapshot(isolated_environment)
    result = fresh.fails("log", "add", "--type", "postr", "--qty", "3")
    assert "no activity type 'postr'" in result.stderr
    assert "banner, booklet, broadcast, candidate-info, column," in result.stderr
    assert "poster" in result.stderr and "vehicle" in result.stderr
    assert db_snapshot(isolated_environment) == before


def test_add_takes_the_type_from_the_task(fresh, board):
    result = fresh("--as-of", "15/4/2021", "log", "add", "--task", str(board["news"]), "--qty", "2", ok=True)
    assert "Logged 2 tin bài tin, bài (news) on 15/04/2021" in result.stderr
    [entry] = entries(fresh)
    assert (entry["type"], entry["task"]["id"]) == ("news", board["news"])


def test_add_keeps_a_type_that_differs_from_the_task(fresh, board):
    fresh("log", "add", "--task", str(board["news"]), "--type", "interview", ok=True)
    [entry] = entries(fresh)
    assert (entry["type"], entry["task"]["id"]) == ("interview", board["news"])


def test_add_needs_a_type_from_somewhere(fresh, board):
    assert "--type" in fresh.fails("log", "add", "--qty", "3", code=2).stderr
    result = fresh.fails("log", "add", "--task", str(board["untyped"]))
    assert f"task {board['untyped']} has none" in result.stderr
    assert "no task with id 999" in fresh.fails("log", "add", "--task", "999").stderr


def test_add_reports_every_problem_at_once(fresh):
    result = fresh.fails("log", "add", "--type", "postr", "--qty", "-3", "--by", "nobody")
    assert "no activity type 'postr'" in result.stderr
    assert "more than zero" in result.stderr
    assert "no member or unit matches 'nobody'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_add_bad_date_and_text(fresh):
    assert "--date:" in fresh.fails("log", "add", "--type", "poster", "--date", "31/4/2021").stderr
    assert "control character" in fresh.fails("log", "add", "--type", "poster", "--place", "a\x1bb").stderr


@pytest.mark.sqlite_only  # counts statements with sqlite3's trace callback
def test_add_runs_a_handful_of_queries(service, board):
    """The hottest write path: no per-type or per-member scans, one small transaction."""
    statements = []
    service.db.conn.set_trace_callback(statements.append)
    try:
        logs.add_log(service, type="ap phich", quantity="40", by="Phạm Thị Lan", task=board["posters"])
    finally:
        service.db.conn.set_trace_callback(None)
    # The trace repeats a statement once per trigger step it runs (the log's totals,
    # storage/summary.py): those are not round trips, count each statement once.
    statements = [statement for index, statement in enumerate(statements) if statements[index - 1] != statement]
    # BEGIN; task; type by code, then by label; member and unit by name (lookup.party);
    # the insert and its history (changeset, change); COMMIT; the first phase's start (a warning)
    assert len(statements) <= 13, statements
    assert sum(statement.startswith("INSERT") for statement in statements) == 3


# -- log list --------------------------------------------------------------------
@pytest.fixture
def logged(service, board):
    """Entries around ISO week 2021-W17 (26/4-2/5), which spans two months and two phases."""
    rows = [
        ("2021-04-11", "poster", 10, "lan", None),  # W14, Sunday
        ("2021-04-26", "news", 2, "vinh", "news"),  # W17, Monday
        ("2021-04-30", "poster", 40, "radio", "posters"),  # W17, last day of phase 1
        ("2021-04-30", "leaflet", 500, "lan", None),  # same day, later id
        ("2021-05-02", "tờ rơi", 300, "duc", None),  # W17, Sunday, phase 2
        ("2021-05-03", "flag", 25, "center", None),  # W18
    ]
    ids = []
    with service.transaction() as tx:
        for day, type_ref, qty, by, task in rows:
            party = f"{'u' if by in ('radio', 'center') else 'm'}{board[by]}"
            ids.append(
                logs.create_log(
                    service, tx, on_date=dt.date.fromisoformat(day), type=type_ref, quantity=qty, by=party,
                    task=board[task] if task else None,
                )
            )
    return ids


def test_list_newest_first_then_by_id(fresh, logged):
    assert [entry["id"] for entry in entries(fresh)] == list(reversed(logged))
    assert all(set(entry) == ENTRY_KEYS for entry in entries(fresh))


@pytest.mark.parametrize("week", ["2021-W17", "2021w17", "28/4/2021", "2/5/2021", "2021-04-26"])
def test_list_a_week_spanning_two_months(fresh, logged, week):
    assert [entry["date"] for entry in entries(fresh, "--week", week)] == [
        "2021-05-02", "2021-04-30", "2021-04-30", "2021-04-26",
    ]


def test_list_relative_week(fresh, logged):
    # as of Thursday 6/5/2021 "last" week is 2021-W17
    got = fresh.json("--as-of", "6/5/2021", "log", "list", "--week", "last")
    assert {entry["date"] for entry in got} == {"2021-04-26", "2021-04-30", "2021-05-02"}


def test_list_since_until_are_inclusive(fresh, logged):
    got = entries(fresh, "--since", "30/4/2021", "--until", "2/5/2021")
    assert [entry["date"] for entry in got] == ["2021-05-02", "2021-04-30", "2021-04-30"]
    assert [entry["date"] for entry in entries(fresh, "--since", "3/5/2021")] == ["2021-05-03"]
    assert [entry["date"] for entry in entries(fresh, "--until", "11/4/2021")] == ["2021-04-11"]
    # combined with --week: both apply
    assert len(entries(fresh, "--week", "2021-W17", "--since", "1/5/2021")) == 1
    assert "after the end date" in fresh.fails("log", "list", "--since", "3/5/2021", "--until", "1/5/2021").stderr


def test_list_by_member_unit_task_type(fresh, logged, board):
    assert [entry["quantity"] for entry in entries(fresh, "--member", "pham thi lan")] == [500, 10]
    # a unit's own entries and those of its members
    assert [entry["quantity"] for entry in entries(fresh, "--unit", "VHTT&TT")] == [25, 500, 10]
    assert [entry["quantity"] for entry in entries(fresh, "--unit", "gia van")] == [40]
    assert [entry["quantity"] for entry in entries(fresh, "--task", str(board["posters"]))] == [40]
    assert [entry["quantity"] for entry in entries(fresh, "--type", "ap phich")] == [40, 10]
    assert [entry["quantity"] for entry in entries(fresh, "--type", "leaflet", "--member", "Lan")] == [500]
    by_unit = entries(fresh, "--type", "poster", "--week", "2021-W17")
    assert by_unit[0]["by"] == {"kind": "unit", "id": board["radio"], "name": "Đài truyền thanh xã Gia Vân"}
    assert by_unit[0]["task"] == {"id": board["posters"], "title": "In và cấp phát áp phích"}
    assert "no member matches 'nobody'" in fresh.fails("log", "list", "--member", "nobody").stderr


def test_list_limit(fresh, logged):
    assert len(fresh.json("log", "list")) == 6
    assert [entry["id"] for entry in fresh.json("log", "list", "--limit", "2")] == [logged[5], logged[4]]
    table = fresh("log", "list", "--limit", "2", ok=True).stdout
    assert "Showing the latest 2 entries; --limit 0 shows them all." in table
    assert "Showing" not in fresh("log", "list", "--limit", "6", ok=True).stdout
    assert "Showing" not in fresh("log", "list", "--limit", "0", ok=True).stdout
    fresh.fails("log", "list", "--limit", "-1", code=2)


def test_list_table_and_csv(fresh, logged, board):
    table = fresh("log", "list", ok=True).stdout
    assert "áp phích" in table and "Đài truyền thanh xã Gia Vân" in table and "02/05/2021" in table
    rows = list(csv.DictReader(io.StringIO(fresh("log", "list", "--format", "csv", ok=True).stdout)))
    assert list(rows[0]) == ["id", "date", "type", "label", "quantity", "unit", "by", "task", "place", "note"]
    assert rows[3] == {
        "id": str(logged[2]), "date": "2021-04-30", "type": "poster", "label": "áp phích", "quantity": "40",
        "unit": "tờ", "by": "Đài truyền thanh xã Gia Vân", "task": str(board["posters"]), "place": "", "note": "",
    }


def test_list_empty(fresh):
    assert fresh.json("log", "list") == []
    assert "No log entries match." in fresh("log", "list", ok=True).stdout


# -- log edit / remove -----------------------------------------------------------
def test_edit_and_detach(fresh, logged, board):
    entry_id = logged[2]
    result = fresh("log", "edit", str(entry_id), "--qty", "45", "--date", "29/4/2021", "--place", "xã Gia Hòa", ok=True)
    assert result.stderr.strip() == f"Updated entry {entry_id}: 45 tờ áp phích (poster) on 29/04/2021"
    fresh("log", "edit", str(entry_id), "--by", "none", "--task", "none", "--type", "banner", ok=True)
    entry = next(entry for entry in entries(fresh) if entry["id"] == entry_id)
    assert (entry["quantity"], entry["date"], entry["type"]) == (45, "2021-04-29", "banner")
    assert entry["place"] == "xã Gia Hòa"
    assert entry["by"] is None and entry["task"] is None
    fresh("log", "edit", f"#{entry_id}", "--by", "vinh", ok=True)
    entry = next(entry for entry in entries(fresh) if entry["id"] == entry_id)
    assert entry["by"]["id"] == board["vinh"]


def test_edit_rejects_bad_values(fresh, logged, isolated_environment):
    before = db_snapshot(isolated_environment)
    assert "nothing to change" in fresh.fails("log", "edit", str(logged[0])).stderr
    assert "more than zero" in fresh.fails("log", "edit", str(logged[0]), "--qty", "0").stderr
    assert "no log entry with id 999" in fresh.fails("log", "edit", "999", "--qty", "2").stderr
    assert "given by its id" in fresh.fails("log", "edit", "abc", "--qty", "2").stderr
    assert db_snapshot(isolated_environment) == before


def test_remove(fresh, logged):
    result = fresh("log", "remove", str(logged[0]), "--yes", ok=True)
    assert result.stderr.strip() == f"Removed entry {logged[0]}: 10 tờ áp phích (poster) on 11/04/2021"
    assert logged[0] not in [entry["id"] for entry in entries(fresh)]
    assert "no log entry" in fresh.fails("log", "remove", str(logged[0]), "--yes").stderr


def test_writes_are_recorded_in_history(service, logged):
    logs.edit_log(service, logged[0], quantity=11)
    logs.remove_log(service, logged[1])
    actions = service.db.rows(
        "SELECT action, row_id FROM change WHERE table_name = 'activity' ORDER BY id DESC LIMIT 2"
    )
    assert actions == [("delete", logged[1]), ("update", logged[0])]


# -- log import ------------------------------------------------------------------
def test_import_happy_path_with_bom_and_vietnamese(fresh, board, tmp_path):
    path = write_csv(
        tmp_path / "nhat-ky.csv",
        f"{HEADER}\r\n"
        "15/4/2021,áp phích,40,Phạm Thị Lan,,xã Gia Vân,\"Cấp phát đợt 1, 10 xã\"\r\n"
        "16/04/2021,phat thanh,,Gia Vân,,,\r\n"
        f"2021-04-17,news,2,m{board['vinh']},{board['news']},,\"Loạt bài “Điểm mới của Luật Bầu cử”\nkỳ 1 và kỳ 2\"\r\n"
        ",,,,,,\r\n"
        "\r\n",
        bom=True,
    )
    result = fresh("log", "import", str(path), ok=True)
    assert result.stderr.strip() == "Imported 3 entries (15/04/2021 – 17/04/2021)"
    got = entries(fresh)
    assert [(entry["date"], entry["type"], entry["quantity"]) for entry in got] == [
        ("2021-04-17", "news", 2), ("2021-04-16", "broadcast", 1), ("2021-04-15", "poster", 40),
    ]
    assert got[2]["by"]["name"] == "Phạm Thị Lan"
    assert got[2]["note"] == "Cấp phát đợt 1, 10 xã"
    assert got[1]["by"] == {"kind": "unit", "id": board["radio"], "name": "Đài truyền thanh xã Gia Vân"}
    assert got[0]["note"] == "Loạt bài “Điểm mới của Luật Bầu cử”\nkỳ 1 và kỳ 2"
    assert got[0]["task"]["id"] == board["news"]


def test_import_semicolons_any_column_order_and_vietnamese_header(fresh, tmp_path):
    path = write_csv(tmp_path / "a.csv", "Loại;Ngày;Số lượng;Ghi chú\ncờ;1/5/2021;2,5;hai; ba\n".replace("; ba", " ba"))
    fresh("log", "import", str(path), ok=True)
    [entry] = entries(fresh)
    assert (entry["type"], entry["date"], entry["quantity"], entry["note"]) == ("flag", "2021-05-01", 2.5, "hai ba")


def test_import_records_history_in_one_changeset(service, tmp_path):
    path = write_csv(tmp_path / "a.csv", f"{HEADER}\n" + "1/4/2021,poster,1,,,,\n" * 5)
    result = logs.import_logs(service, path)
    assert (result.ok, result.rows, result.imported) == (True, 5, 5)
    assert service.db.rows(
        "SELECT COUNT(DISTINCT changeset_id), COUNT(*) FROM change WHERE table_name = 'activity' AND action = 'insert'"
    ) == [(1, 5)]


def test_import_with_bad_rows_writes_nothing_and_reports_every_line(fresh, board, tmp_path, isolated_environment):
    path = write_csv(
        tmp_path / "bad.csv",
        f"{HEADER}\n"
        "15/4/2021,poster,40,Lan,,,\n"  # 2 good
        "31/4/2021,poster,1,,,,\n"  # 3 no such day
        "16/4/2021,postr,-3,,,,\n"  # 4 unknown type and a negative quantity
        "17/4/2021,leaflet,2,,,,\"a note\n"  # 5-6: a quoted note over two lines
        "on two lines\"\n"
        "18/4/2021,flag,,nobody,,,\n",  # 7 unknown member
        bom=True,
    )
    before = db_snapshot(isolated_environment)
    result = fresh.fails("log", "import", str(path))
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: 3 of 5 rows in bad.csv are wrong; nothing was imported:"
    assert lines[1] == '  line 3: "31/4/2021" is not a valid date: there is no 31 April; April has 30 days'
    assert lines[2] == "  line 4: unknown activity type 'postr'; the quantity must be more than zero, not -3"
    assert lines[3].startswith("  line 7: no member or unit matches 'nobody'")
    assert lines[4].startswith("known types: banner, booklet,")
    assert len(lines) == 5
    assert db_snapshot(isolated_environment) == before


def test_import_shows_twenty_problems_and_counts_the_rest(fresh, tmp_path, isolated_environment):
    path = write_csv(tmp_path / "bad.csv", f"{HEADER}\n" + "1/5/2021,poster,0,,,,\n" * 25)
    before = db_snapshot(isolated_environment)
    lines = fresh.fails("log", "import", str(path)).stderr.splitlines()
    assert lines[0] == "Error: 25 of 25 rows in bad.csv are wrong; nothing was imported:"
    assert lines[1:21] == [f"  line {n}: the quantity must be more than zero, not 0" for n in range(2, 22)]
    assert lines[21:] == ["  and 5 more"]
    assert db_snapshot(isolated_environment) == before


def test_import_dry_run_writes_nothing(fresh, tmp_path, isolated_environment):
    path = write_csv(tmp_path / "a.csv", f"{HEADER}\n1/5/2021,poster,3,,,,\n2/5/2021,flag,4,,,,\n")
    before = db_snapshot(isolated_environment)
    result = fresh("log", "import", str(path), "--dry-run", ok=True)
    assert result.stderr.strip() == (
        "All 2 entries are valid and none was imported before (01/05/2021 – 02/05/2021); nothing was written (dry run)"
    )
    assert db_snapshot(isolated_environment) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "a.csv is empty: the first line must be the header date,type,quantity,member,task,place,note"),
        (b"date,type\n", "a.csv holds no entries, only the header"),
        (b"date,type,qty2\n1/5/2021,poster,1\n", "unknown column(s) 'qty2' in the header of a.csv"),
        (b"date,quantity\n1/5/2021,1\n", "the header of a.csv has no 'type' column"),
        (b"15/4/2021,poster,1\n", "the first line of a.csv must be the header"),
        (b"date,type,date\n", "the column 'date' appears twice"),
        (b"date,type,note\n1/5/2021,poster,\xe1\n", "a.csv is not UTF-8 text (line 2)"),
    ],
)
def test_import_file_level_problems(fresh, tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    assert message in fresh.fails("log", "import", str(path)).stderr


def test_import_row_with_too_many_values(fresh, tmp_path):
    path = write_csv(tmp_path / "a.csv", "date,type,note\n1/5/2021,poster,a,b\n1/5/2021,poster,a,\n")
    stderr = fresh.fails("log", "import", str(path)).stderr
    assert "line 2: 4 values but the header has 3 columns" in stderr
    assert "line 3" not in stderr  # a trailing empty cell is harmless


def test_import_refuses_values_under_an_unnamed_column(fresh, tmp_path):
    path = write_csv(tmp_path / "a.csv", "date,type,,note\n1/5/2021,poster,,a\n1/5/2021,poster,7,b\n")
    stderr = fresh.fails("log", "import", str(path)).stderr
    assert "line 3: a value in column 3, which has no name in the header" in stderr
    assert "line 2" not in stderr


def test_import_missing_file_is_a_usage_error(fresh, tmp_path):
    fresh.fails("log", "import", str(tmp_path / "missing.csv"), code=2)


TYPE_REFS = ["poster", "áp phích", "ap phich", "news", "tin, bài", "broadcast", "flag", "Cờ", "leaflet", "tờ rơi"]
NOTE_TEXT = st.text(
    # Cf: invisible formatting characters (bidi controls, zero-width ones) are refused
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf")),
    max_size=40,
)
ROW = st.fixed_dictionaries(
    {
        "date": st.dates(dt.date(2021, 2, 1), AS_OF),  # nothing is logged after the as-of date
        "iso": st.booleans(),
        "type": st.sampled_from(TYPE_REFS),
        # whole numbers and halves: exact in binary, so sums compare exactly
        "quantity": st.one_of(st.none(), st.integers(1, 100_000), st.integers(1, 2000).map(lambda n: n + 0.5)),
        "comma": st.booleans(),
        "member": st.sampled_from(["", "Phạm Thị Lan", "pham thi lan", "vinh", "VHTT&TT", "Gia Vân"]),
        "place": NOTE_TEXT,
        "note": NOTE_TEXT,
    }
)


def csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    for row in rows:
        day = row["date"].isoformat() if row["iso"] else f"{row['date'].day}/{row['date'].month}/{row['date'].year}"
        quantity = "" if row["quantity"] is None else str(row["quantity"])
        if row["comma"]:
            quantity = quantity.replace(".", ",")
        writer.writerow([day, row["type"], quantity, row["member"], "", row["place"], row["note"]])
    return buffer.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=30))
def test_import_property_every_valid_row_lands(service, board, tmp_path, rows):
    path = write_csv(tmp_path / "p.csv", csv_text(rows), bom=True)
    count, total = service.db.rows("SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM activity")[0]
    result = logs.import_logs(service, path, repeated="again")  # examples share the database: rows may repeat
    assert result.errors == []
    assert result.imported == len(rows)
    new_count, new_total = service.db.rows("SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM activity")[0]
    assert new_count - count == len(rows)
    assert new_total - total == sum(1 if row["quantity"] is None else row["quantity"] for row in rows)


# -- services ----------------------------------------------------------------------
def test_create_log_signature_used_by_the_plan_loader(service, board):
    with service.transaction() as tx:
        first = logs.create_log(
            service, tx, on_date=dt.date(2021, 3, 5), type="", quantity=1, by="VHTT&TT",
            task=board["news"], place="", note="Tin Ủy ban bầu cử huyện",
        )
        second = logs.create_log(service, tx, on_date=dt.date(2021, 3, 6), type="cờ", by=None)
    assert (first, second) == (1, 2)
    entry = logs.get_log(service, first)
    assert (entry["type"], entry["by"]["kind"], entry["task"]["id"]) == ("news", "unit", board["news"])
    assert logs.get_log(service, second)["quantity"] == 1


def test_create_log_errors(service, board):
    with pytest.raises(NotFound, match="no activity type 'xyz'"), service.transaction() as tx:
        logs.create_log(service, tx, on_date=AS_OF, type="xyz")
    with pytest.raises(Invalid, match="more than zero"), service.transaction() as tx:
        logs.create_log(service, tx, on_date=AS_OF, type="poster", quantity=0)
    assert service.db.scalar("SELECT COUNT(*) FROM activity") == 0


def test_add_log_returns_the_entry(service, board):
    entry = logs.add_log(service, type="poster", quantity="40", by="lan")
    assert entry.pop("warnings") == []
    assert entry.pop("places_added") == []
    assert entry == logs.get_log(service, entry["id"])
    assert entry["date"] == AS_OF


def test_sample_plan_logs_load(sample):
    got = sample.json("log", "list", "--limit", "0")
    plan = (Path(__file__).resolve().parent.parent / "data" / "gia-vien-2021.toml").read_text(encoding="utf-8")
    assert len(got) == plan.count("[[logs]]")
    assert {entry["type"] for entry in got} >= {"news", "broadcast", "column"}


# -- activity types ----------------------------------------------------------------
def test_type_list(fresh, logged):
    got = fresh.json("type", "list")
    assert [row["code"] for row in got] == sorted(row["code"] for row in got)
    assert len(got) == 19
    poster = next(row for row in got if row["code"] == "poster")
    assert poster == {"id": poster["id"], "code": "poster", "label_vi": "áp phích", "label_en": "poster",
                      "unit": "tờ", "entries": 2}
    assert next(row for row in got if row["code"] == "seminar")["entries"] == 0


def test_type_add_edit_remove(fresh):
    result = fresh("type", "add", "led-screen", "--label", "màn hình LED", "--unit", "lượt", "--label-en", "LED screen",
                   ok=True)
    assert result.stderr.strip() == "Added type led-screen: màn hình LED (lượt)"
    fresh("log", "add", "--type", "man hinh led", "--qty", "3", ok=True)
    assert entries(fresh)[0]["type"] == "led-screen"
    fresh("type", "edit", "led-screen", "--unit", "buổi", "--label", "trình chiếu màn hình LED", ok=True)
    row = next(row for row in fresh.json("type", "list") if row["code"] == "led-screen")
    assert (row["label_vi"], row["unit"], row["entries"]) == ("trình chiếu màn hình LED", "buổi", 1)
    assert "still in use (log entries: 1, tasks: 0)" in fresh.fails("type", "remove", "led-screen", "--yes").stderr
    fresh("log", "remove", "1", "--yes", ok=True)
    fresh("type", "edit", "led-screen", "--code", "led", ok=True)
    assert fresh("type", "remove", "led", "--yes", ok=True).stderr.strip() == "Removed type led."
    assert "led" not in [row["code"] for row in fresh.json("type", "list")]


@pytest.mark.parametrize("code", ["LED Screen", "led_screen", "led-", "led--screen", "1led", "màn-hình", "x" * 33, ""])
def test_type_add_rejects_bad_codes(fresh, code):
    assert "type code" in fresh.fails("type", "add", code, "--label", "màn hình", "--unit", "lượt").stderr


def test_type_code_format():
    assert activity_types.clean_code(" Led-Screen2 ") == "led-screen2"
    with pytest.raises(Invalid, match="starting with a letter"):
        activity_types.clean_code("-led")


def test_type_conflicts(service):
    with pytest.raises(Conflict, match="type 'poster' already exists"):
        activity_types.add_type(service, code="Poster", label_vi="áp phích lớn", unit="tờ")
    with pytest.raises(Conflict, match="already has the label 'áp phích'"):
        activity_types.add_type(service, code="poster2", label_vi="Ap Phich", unit="tờ")
    with pytest.raises(Conflict, match="cannot be renamed"):
        activity_types.edit_type(service, "poster", code="posters")
    with pytest.raises(Invalid, match="nothing to change"):
        activity_types.edit_type(service, "poster")
    assert activity_types.add_type(service, code=" Loa ", label_vi="loa di động", unit="lượt")["code"] == "loa"


def test_type_used_by_a_task_cannot_be_removed(service, board):
    with pytest.raises(Conflict, match=r"log entries: 0, tasks: 1"):
        activity_types.remove_type(service, "news")
