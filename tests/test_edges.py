"""Edges and refusals that no test held: each was a mutant of ``services/`` that survived
(``scripts/mutate.py``): a limit moved by one, a check removed, a comparison turned.

Every test goes through the command line, as a user would, and checks that a refusal
changes nothing and says what was wrong in one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import db_snapshot, open_database


def refused(cli, db_path, *args: str) -> str:
    """A command that must fail with exit 1, write nothing and say why in one line: that line."""
    before = db_snapshot(db_path)
    result = cli.fails(*args)
    assert db_snapshot(db_path) == before
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# -- activity types ---------------------------------------------------------------------------
def test_a_type_code_has_at_most_32_characters(fresh, isolated_environment):
    fresh("type", "add", "a" * 32, "--label", "ba mươi hai", "--unit", "lượt", ok=True)
    error = refused(fresh, isolated_environment, "type", "add", "b" * 33, "--label", "ba mươi ba", "--unit", "lượt")
    assert "use up to 32 lower-case letters" in error


def test_a_type_needs_a_unit_of_at_most_50_characters(fresh, isolated_environment):
    error = refused(fresh, isolated_environment, "type", "add", "loa", "--label", "loa di động", "--unit", "  ")
    assert error == "Error: the unit may not be empty"
    fresh("type", "add", "loa", "--label", "loa di động", "--unit", "x" * 50, ok=True)
    error = refused(fresh, isolated_environment, "type", "edit", "loa", "--unit", "x" * 51)
    assert "unit" in error and "too long" in error
    error = refused(fresh, isolated_environment, "type", "edit", "loa", "--unit", "")
    assert error == "Error: the unit may not be empty"


def test_editing_a_type_keeps_labels_apart(fresh, isolated_environment):
    fresh("type", "add", "loa", "--label", "loa di động", "--unit", "lượt", ok=True)
    error = refused(fresh, isolated_environment, "type", "edit", "loa", "--label", "Áp phích")
    assert "áp phích" in error.lower() and "poster" in error
    error = refused(fresh, isolated_environment, "type", "edit", "loa", "--label", "y" * 201)
    assert "label" in error and "too long" in error
    fresh("type", "edit", "loa", "--label", "loa phóng thanh", "--label-en", "loudspeaker van", ok=True)
    row = next(row for row in fresh.json("type", "list") if row["code"] == "loa")
    assert (row["label_vi"], row["label_en"], row["unit"]) == ("loa phóng thanh", "loudspeaker van", "lượt")
    fresh("type", "edit", "loa", "--unit", "buổi", ok=True)  # the English label stays when not given
    row = next(row for row in fresh.json("type", "list") if row["code"] == "loa")
    assert (row["label_en"], row["unit"]) == ("loudspeaker van", "buổi")


# -- campaigns ----------------------------------------------------------------------------------
def test_a_campaign_name_is_required_and_unique_in_a_database(cli, isolated_environment):
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", ok=True)
    error = refused(cli, isolated_environment, "init", "Bầu cử 2026", "--election-day", "15/3/2026")
    assert error == "Error: a campaign named 'Bầu cử 2026' already exists in this database"
    error = refused(cli, isolated_environment, "init", "   ", "--election-day", "15/3/2026")
    assert error == "Error: the campaign name may not be empty"
    error = refused(cli, isolated_environment, "init", "Khác", "--election-day", "15/3/2026", "--phases", "weekly")
    assert error == "Error: unknown phase template 'weekly': use standard or none"


def test_choosing_a_campaign_by_name(cli):
    cli("init", "Bầu cử ĐBQH 2021", "--election-day", "23/5/2021", ok=True)
    cli("init", "Bầu cử HĐND xã 2021", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", "--phases", "none", ok=True)
    campaign = lambda *args: cli.json(*args, "info")["campaign"]  # noqa: E731
    assert campaign() == "Bầu cử 2026"  # the newest
    assert campaign("--campaign", "bau cu dbqh") == "Bầu cử ĐBQH 2021"  # one partial match, folded
    assert campaign("--campaign", "Bầu cử 2026") == "Bầu cử 2026"  # exact, though "2026" is in no other
    assert campaign("--campaign", "1") == "Bầu cử ĐBQH 2021"  # by id
    error = cli.fails("--campaign", "2021", "info").stderr.strip()
    assert error == "Error: '2021' matches several campaigns: Bầu cử ĐBQH 2021, Bầu cử HĐND xã 2021"
    error = cli.fails("--campaign", "quốc hội", "info").stderr.strip()
    assert error.startswith("Error: no campaign matches 'quốc hội'; campaigns here: Bầu cử ĐBQH 2021, ")


def test_an_exact_name_wins_over_longer_ones(cli):
    cli("init", "Bầu cử", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    cli("init", "Bầu cử bổ sung", "--election-day", "23/5/2022", "--phases", "none", ok=True)
    assert cli.json("--campaign", "bau cu", "info")["campaign"] == "Bầu cử"


# -- members or units by id ------------------------------------------------------------------------
@pytest.fixture
def parties(fresh):
    """Member 1 and unit 1 share the id 1; "Văn hóa" names both a member and a unit."""
    fresh("member", "add", "Nguyễn Văn Hóa", ok=True)
    fresh("unit", "add", "Phòng Văn hóa và Thông tin huyện", "--short", "Phòng VH&TT", ok=True)
    fresh("unit", "add", "Đài truyền thanh", "--short", "Đài TT", ok=True)
    return fresh


def test_an_id_of_both_a_member_and_a_unit_must_say_which(parties, isolated_environment):
    error = refused(parties, isolated_environment, "task", "add", "Pano", "--phase", "1", "--lead", "1")
    assert error == (
        "Error: 1 is both member 'Nguyễn Văn Hóa' and unit 'Phòng Văn hóa và Thông tin huyện': write m1 or u1"
    )
    parties("task", "add", "Pano", "--phase", "1", "--lead", "u1", "--support", "m1", ok=True)
    parties("task", "add", "Loa", "--phase", "1", "--lead", "2", ok=True)  # only a unit has id 2
    tasks = {row["title"]: row for row in parties.json("task", "list")}
    assert tasks["Pano"]["lead"] == {"kind": "unit", "id": 1, "name": "Phòng Văn hóa và Thông tin huyện"}
    assert tasks["Loa"]["lead"] == {"kind": "unit", "id": 2, "name": "Đài truyền thanh"}
    error = refused(parties, isolated_environment, "task", "add", "Băng rôn", "--phase", "1", "--lead", "7")
    assert error == "Error: no member or unit with id 7"


def test_a_name_of_both_a_member_and_a_unit_must_say_which(parties, isolated_environment):
    error = refused(parties, isolated_environment, "task", "add", "Pano", "--phase", "1", "--lead", "van hoa")
    assert error == (
        "Error: 'van hoa' matches member 'Nguyễn Văn Hóa' and unit 'Phòng Văn hóa và Thông tin huyện': write m1 or u1"
    )
    error = refused(parties, isolated_environment, "task", "add", "Pano", "--phase", "1", "--lead", "  ")
    assert "member or unit" in error and "empty" in error


# -- units and members ---------------------------------------------------------------------------
def test_unit_names_and_abbreviations_have_limits(fresh, isolated_environment):
    fresh("unit", "add", "n" * 200, "--short", "s" * 60, ok=True)
    error = refused(fresh, isolated_environment, "unit", "add", "m" * 201)
    assert "unit name" in error and "too long" in error
    error = refused(fresh, isolated_environment, "unit", "add", "Đài", "--short", "t" * 61)
    assert "abbreviation" in error and "too long" in error
    error = refused(fresh, isolated_environment, "unit", "add", "Đài truyền thanh", "--short", "123")
    assert error == "Error: an abbreviation cannot be only digits (123): numbers are read as ids"
    error = refused(fresh, isolated_environment, "unit", "add", "")
    assert error == "Error: the unit name may not be empty"


def test_a_clash_names_the_clashing_value(fresh, isolated_environment):
    fresh("unit", "add", "Ban Tuyên giáo", "--short", "BTG", ok=True)
    error = refused(fresh, isolated_environment, "unit", "add", "Ban khác", "--short", "btg")
    assert error == "Error: unit 1 (Ban Tuyên giáo) already uses the name or abbreviation 'btg'; choose another"
    error = refused(fresh, isolated_environment, "unit", "add", "ban tuyen giao", "--short", "BTG2")
    assert "already uses the name or abbreviation 'ban tuyen giao'" in error


def test_unit_list_counts_only_members_attached(fresh):
    fresh("unit", "add", "Đài truyền thanh", ok=True)
    fresh("unit", "add", "Ban Tuyên giáo", ok=True)
    fresh("member", "add", "Trần Thị Mai", "--unit", "dai", ok=True)
    fresh("member", "add", "Lê Văn Nam", "--unit", "dai", ok=True)
    fresh("member", "add", "Phạm Văn Bình", ok=True)  # in no unit
    assert {row["name"]: row["members"] for row in fresh.json("unit", "list")} == {
        "Đài truyền thanh": 2,
        "Ban Tuyên giáo": 0,
    }


def test_member_phone_numbers_have_at_most_40_characters(fresh, isolated_environment):
    fresh("member", "add", "Trần Thị Mai", "--phone", "0" * 40, ok=True)
    error = refused(fresh, isolated_environment, "member", "add", "Lê Văn Nam", "--phone", "0" * 41)
    assert "phone number" in error and "too long" in error
    error = refused(fresh, isolated_environment, "member", "add", "  ", "--role", "chair")
    assert error == "Error: the member name may not be empty"


# -- texts and quantities --------------------------------------------------------------------------
def test_free_text_has_at_most_500_characters_on_one_line(fresh, isolated_environment):
    fresh("unit", "add", "Đài", ok=True)
    fresh("member", "add", "Trần Thị Mai", "--title", "t" * 500, ok=True)
    error = refused(fresh, isolated_environment, "member", "add", "Lê Văn Nam", "--title", "t" * 501)
    assert "title" in error and "too long" in error
    error = refused(fresh, isolated_environment, "member", "add", "Lê Văn Nam", "--title", "Phó\nTrưởng ban")
    assert "control character U+000A" in error


def test_quantities_up_to_a_billion(fresh, isolated_environment):
    fresh("log", "add", "--type", "leaflet", "--qty", "1000000000", "--date", "1/3/2021", ok=True)
    error = refused(fresh, isolated_environment, "log", "add", "--type", "leaflet", "--qty", "1000000001")
    assert error == "Error: the quantity 1000000001 is implausibly large (at most 1,000,000,000)"


# -- the log -----------------------------------------------------------------------------------------
def test_log_list_shows_the_newest_50_unless_asked(fresh, campaign_db):
    type_id = campaign_db.scalar("SELECT id FROM activity_type WHERE code = 'poster'")
    campaign_id = campaign_db.scalar("SELECT id FROM campaign")
    import datetime as dt

    campaign_db.executemany(
        "INSERT INTO activity (campaign_id, on_date, type_id, quantity, created_at) VALUES (?, ?, ?, ?, ?)",
        [(campaign_id, dt.date(2021, 3, 1) + dt.timedelta(days=i), type_id, i + 1, "2021-03-01T00:00:00+00:00")
         for i in range(55)],
    )  # fmt: skip
    table = fresh("--as-of", "1/6/2021", "log", "list", ok=True).stdout
    dates = [line.split()[1] for line in table.splitlines() if line[:1].isdigit() or line.strip()[:1].isdigit()]
    assert len(dates) == 50 and dates[0] == "24/04/2021" and dates[-1] == "06/03/2021"  # the newest 50
    assert len(fresh.json("--as-of", "1/6/2021", "log", "list")) == 55  # a script never gets a cut list
    assert len(fresh.json("--as-of", "1/6/2021", "log", "list", "--limit", "0")) == 55
    assert [row["quantity"] for row in fresh.json("--as-of", "1/6/2021", "log", "list", "-n", "2")] == [55, 54]


def test_log_import_reads_tab_separated_files(fresh, tmp_path: Path):
    path = tmp_path / "xa.tsv"
    path.write_text("date\ttype\tquantity\tnote\n1/3/2021\tposter\t40\tThôn Đông, thôn Tây\n", encoding="utf-8")
    fresh("log", "import", path, ok=True)
    (entry,) = fresh.json("log", "list")
    assert (entry["date"], entry["type"], entry["quantity"], entry["note"]) == (
        "2021-03-01", "poster", 40, "Thôn Đông, thôn Tây"
    )  # fmt: skip


# -- undo ------------------------------------------------------------------------------------------
def test_undo_refuses_when_the_row_was_removed_outside_the_history(fresh, isolated_environment):
    fresh("unit", "add", "Đài truyền thanh", ok=True)
    db = open_database(isolated_environment)  # behind the tool's back: no history
    db.execute("DELETE FROM unit WHERE id = 1")
    db.close()
    error = refused(fresh, isolated_environment, "undo")
    assert error == (
        "Error: cannot undo #2 (campaign unit add Đài truyền thanh): unit 1 has been removed since, "
        "outside the history; nothing was undone"
    )


# -- import --------------------------------------------------------------------------------------------
def _export(cli) -> dict:
    return json.loads(cli("export", ok=True).stdout)


def test_import_refuses_a_phase_number_twice_and_a_missing_reference(fresh, tmp_path: Path, isolated_environment):
    document = _export(fresh)
    document["phases"][1]["number"] = document["phases"][0]["number"]
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "other.db"
    error = fresh.fails("--db", target, "import", path).stderr
    assert "phase 1 appears twice" in error and "phases[1]" in error
    assert not target.exists() or db_snapshot(target).get("campaign", []) == []


# -- plan files ------------------------------------------------------------------------------------------
PLAN = """
format = 1

[campaign]
name = "Kế hoạch xã Gia Vân"
election_day = 2026-03-15
level = "commune"

[[phases]]
name = "Chuẩn bị"
start = 2025-12-01
end = 2026-01-31

[[phases]]
name = "Cao điểm"
start = 2026-02-01
end = 2026-03-15

[[tasks]]
key = "pano"
phase = 2
title = "Dựng pano"

[[logs]]
date = 2026-02-10
type = "poster"
task = "pano"

[[logs]]
date = 2026-02-11
type = "poster"
quantity = 12
"""


def test_a_plan_file_numbers_its_phases_and_counts_one_by_default(cli, tmp_path: Path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    cli("init", "--from", path, ok=True)
    assert [(row["number"], row["name"]) for row in cli.json("phase", "list")] == [(1, "Chuẩn bị"), (2, "Cao điểm")]
    assert sorted(row["quantity"] for row in cli.json("log", "list")) == [1, 12]  # quantity left out: 1


def test_a_plan_file_must_be_utf8_toml_of_a_known_format(cli, tmp_path: Path, isolated_environment):
    path = tmp_path / "plan.toml"
    path.write_bytes(PLAN.encode("utf-8").replace("Gia Vân".encode(), "Gia Vân".encode("cp1258")))
    error = cli.fails("init", "--from", path).stderr.strip()
    assert error == f"Error: {path} is not UTF-8 text"
    path.write_text(PLAN.replace("format = 1", "format = 2"), encoding="utf-8")
    error = cli.fails("init", "--from", path).stderr.strip()
    assert error == f"Error: {path}: plan format 2 is not supported (this release reads format 1)"
    path.write_text(PLAN.replace('type = "poster"\nquantity = 12', 'type = "poster"\nquantity = -3'), encoding="utf-8")
    error = cli.fails("init", "--from", path).stderr.strip()
    assert error.startswith("Error: logs[1]: ") and "quantity" in error
    assert not isolated_environment.exists() or db_snapshot(isolated_environment).get("campaign", []) == []


# -- dates, databases ------------------------------------------------------------------------------------
def test_offsets_have_at_most_six_digits(fresh, isolated_environment):
    fresh("--as-of", "1/3/2021", "task", "add", "Xa", "--phase", "3", "--due", "+99999d", ok=True)  # year 2295
    error = refused(fresh, isolated_environment, "--as-of", "1/3/2021", "task", "add", "Xa hơn", "--phase", "3",
                    "--due", "+999999d")  # fmt: skip
    assert "+999999d" in error and "31/12/2999" in error  # within six digits, but past the last date kept
    error = refused(fresh, isolated_environment, "--as-of", "1/3/2021", "task", "add", "Xa hơn", "--phase", "3",
                    "--due", "+1000000d")  # fmt: skip
    assert "+1000000d" in error


def test_a_database_without_a_campaign_says_how_to_make_one(cli, tmp_path: Path):
    missing = tmp_path / "none.db"
    error = cli.fails("--db", missing, "status").stderr.strip()
    assert error.startswith("Error: ") and "campaign init" in error
    assert not missing.exists()


def test_a_log_row_without_a_date_is_refused_by_line(fresh, tmp_path: Path, isolated_environment):
    path = tmp_path / "xa.csv"
    path.write_text("date,type,quantity\n1/3/2021,poster,4\n ,poster,5\n", encoding="utf-8")
    before = db_snapshot(isolated_environment)
    error = fresh.fails("log", "import", path).stderr
    assert "line 3" in error and "the date is missing: write it day first, e.g. 15/4/2021" in error
    assert db_snapshot(isolated_environment) == before


# -- reports ---------------------------------------------------------------------------------------------
def test_burndown_covers_the_phases_that_start_by_election_day(cli):
    cli("--as-of", "1/4/2021", "init", "Thử", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    cli("phase", "add", "Trước", "--start", "1/4/2021", "--end", "22/5/2021", ok=True)
    cli("phase", "add", "Ngày bầu cử", "--start", "23/5/2021", "--end", "23/5/2021", ok=True)
    cli("phase", "add", "Sau", "--start", "24/5/2021", ok=True)
    for phase, title, due in ((1, "Trước 1", "20/5/2021"), (2, "Trực ngày bầu cử", "23/5/2021"),
                              (3, "Tổng kết", "30/6/2021")):  # fmt: skip
        cli("task", "add", title, "--phase", str(phase), "--due", due, ok=True)
    burndown = cli.json("--as-of", "15/4/2021", "report", "burndown")
    assert (burndown["tasks"], burndown["start"], burndown["end"]) == (2, "2021-04-01", "2021-05-23")


def test_the_timeline_reaches_the_start_of_an_open_last_phase(fresh):
    timeline = fresh.json("--as-of", "15/4/2021", "report", "timeline")
    assert (timeline["start"], timeline["end"]) == ("2021-02-01", "2021-05-24")  # phase 3: from 24/5, no end


def test_import_refuses_a_task_without_its_phase(fresh, tmp_path: Path):
    fresh("task", "add", "Pano", "--phase", "1", ok=True)
    document = _export(fresh)
    path = tmp_path / "no-phase.json"
    target = tmp_path / "other.db"
    document["tasks"][0]["phase_id"] = None
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    error = fresh.fails("--db", target, "import", path).stderr
    assert "tasks[0]" in error and "a phase id is required" in error
    del document["tasks"][0]["phase_id"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert fresh.fails("--db", target, "import", path).stderr == "Error: tasks[0]: the field 'phase_id' is missing\n"
    assert not target.exists() or db_snapshot(target).get("task", []) == []


def test_an_empty_reference_is_refused_not_matched_to_everyone(parties, isolated_environment):
    parties("member", "add", "Trần Thị Mai", ok=True)
    error = refused(parties, isolated_environment, "member", "show", "  ")
    assert error == "Error: empty member: give an id or a name"
    error = refused(parties, isolated_environment, "unit", "edit", "", "--short", "X")
    assert error == "Error: empty unit: give an id or a name"
