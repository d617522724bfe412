"""Setting up a campaign the way offices are today (issue 12): levels, language, init, info, config.

The 2026 examples are a commune's campaign for the election of 15/3/2026:
since 1/7/2025 local government has two levels, province and commune.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from checks import one_line_error
from conftest import database_url, db_rows, db_snapshot

ELECTION_2026 = "15/3/2026"
AS_OF = "25/2/2026"


@pytest.fixture
def commune(cli):
    """The README's commune: one unit, a chair, a secretary and a poster task due 5/3/2026 in phase 2."""
    cli("init", "Bầu cử ĐBQH khóa XVI và HĐND 2026–2031", "--election-day", ELECTION_2026,
        "--locality", "Xã Gia Vân", ok=True)
    cli("unit", "add", "Đài truyền thanh xã", "--short", "Đài TT xã", ok=True)
    cli("member", "add", "Nguyễn Văn Hùng", "--role", "chair", "--title", "Phó Bí thư Đảng ủy xã", ok=True)
    cli("member", "add", "Trần Thị Mai", "--role", "secretary", "--unit", "dai tt", ok=True)
    cli("--as-of", AS_OF, "task", "add", "Treo áp phích tại các thôn", "--phase", "2", "--type", "poster",
        "--lead", "mai", "--support", "dai tt", "--due", "5/3/2026", "--target", "200", ok=True)
    return cli


def settings(cli, *args):
    return cli.json(*args, "config")


# == levels ======================================================================
def test_a_2026_campaign_is_at_commune_level_by_default(commune):
    data = settings(commune)
    assert data["level"] == "commune"
    assert data["defaults"]["parent_body"] == "ỦY BAN BẦU CỬ XÃ GIA VÂN"


def test_district_is_refused_for_an_election_after_the_two_level_reform(cli):
    error = one_line_error(cli("init", "Huyện cũ", "--election-day", ELECTION_2026, "--level", "district"))
    assert "no district level for an election on 15/03/2026" in error
    assert "since 1/7/2025" in error and "province and commune" in error
    assert cli.json("info")["campaigns"] == 0
    cli("init", "Tỉnh", "--election-day", ELECTION_2026, "--level", "province", ok=True)
    assert settings(cli)["level"] == "province"


def test_elections_before_the_reform_keep_three_levels(cli):
    cli("init", "2021", "--election-day", "23/5/2021", ok=True)
    assert settings(cli)["level"] == "district"
    cli("init", "2021 xã", "--election-day", "23/5/2021", "--level", "commune", ok=True)
    assert settings(cli)["level"] == "commune"
    # The day the reform took effect already has two levels.
    error = one_line_error(cli("init", "1/7", "--election-day", "1/7/2025", "--level", "district"))
    assert "no district level" in error
    assert "unknown level 'ward'" in one_line_error(cli("init", "x", "--election-day", "1/1/2021", "--level", "ward"))


def test_plan_files_follow_the_levels(cli, tmp_path: Path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[campaign]\nname = "Xã"\nelection_day = 2026-03-15\nlevel = "district"\n', encoding="utf-8")
    error = one_line_error(cli("init", "--from", plan))
    assert error.startswith("Error: [campaign]:") and "no district level" in error
    plan.write_text('[campaign]\nname = "Xã"\nelection_day = 2026-03-15\n', encoding="utf-8")
    cli("init", "--from", plan, ok=True)
    assert settings(cli)["level"] == "commune"


def test_an_export_with_a_district_after_the_reform_is_refused(commune, tmp_path: Path):
    document = json.loads(commune("export", ok=True).stdout)
    document["campaign"]["level"] = "district"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    error = one_line_error(commune("--db", tmp_path / "other.db", "import", path))
    assert "campaign.level: 'district' is not one of province, commune for an election on 2026-03-15" in error


def test_config_keeps_level_and_election_day_consistent(cli):
    cli("init", "2021", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    error = one_line_error(cli("config", "--election-day", ELECTION_2026))
    assert "district-level campaign" in error and "--level province or --level commune" in error
    assert "no district level" in one_line_error(cli("config", "--level", "district", "--election-day", "1/8/2025"))
    cli("config", "--election-day", ELECTION_2026, "--level", "commune", ok=True)
    data = settings(cli)
    assert (data["level"], data["election_day"]) == ("commune", "2026-03-15")


def document_header_of(db_path: Path, **options) -> dict:
    """The header a document of the test's campaign would carry (services.documents)."""
    from campaign_cli.services.context import Context
    from campaign_cli.services.documents import document_header
    from campaign_cli.storage.db import Database

    ctx = Context(db=Database(database_url(db_path)), today=dt.date(2026, 2, 25))
    try:
        return document_header(ctx, **options)
    finally:
        ctx.db.close()


def test_documents_name_the_committee_of_the_campaigns_level(commune, isolated_environment):
    header = document_header_of(isolated_environment)
    assert header["parent_body"] == "ỦY BAN BẦU CỬ XÃ GIA VÂN"
    assert header["recipients"][0] == "Ủy ban bầu cử xã"
    assert header["number"].endswith("/BC-TBTT") and header["signer"] == "Nguyễn Văn Hùng"


def test_help_speaks_of_two_levels_and_no_district_committee(cli):
    init_help = " ".join(cli("init", "--help", ok=True).stdout.split())
    assert "1/7/2025" in init_help and "province or commune (default commune)" in init_help
    weekly_help = " ".join(cli("report", "weekly", "--help", ok=True).stdout.split())
    assert "Ủy ban bầu cử huyện" not in weekly_help and "Ủy ban bầu cử xã" in weekly_help


# == language ======================================================================
def test_a_campaign_speaks_vietnamese_whatever_the_machine_locale(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CAMPAIGN_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    made = cli("init", "Bầu cử", "--election-day", ELECTION_2026, ok=True)
    assert "Đã tạo chiến dịch" in made.stderr
    assert settings(cli)["lang"] == "vi"
    assert "Bắt đầu" in cli("phase", "list", ok=True).stdout


@pytest.mark.parametrize("args", [("--lang", "en", "init", "Election"), ("init", "Election", "--lang", "en")])
def test_english_only_when_asked_for(cli, monkeypatch: pytest.MonkeyPatch, args):
    monkeypatch.delenv("CAMPAIGN_LANG")
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    cli(*args, "--election-day", ELECTION_2026, ok=True)
    assert settings(cli)["lang"] == "en"
    assert "Start" in cli("phase", "list", ok=True).stdout


# == init and info =================================================================
def test_a_second_init_says_which_campaign_is_now_the_default(commune):
    first = commune("init", "Thử lần hai", "--election-day", ELECTION_2026, ok=True)
    assert "holds" not in first.stdout
    lines = first.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Created campaign 'Thử lần hai'")
    assert "now holds 2 campaigns; 'Thử lần hai', the newest, is the default" in lines[1]
    assert "--campaign NAME" in lines[1]
    assert commune.json("info")["campaign"] == "Thử lần hai"


@pytest.mark.sqlite_only
def test_init_refuses_an_sqlite_file_of_another_program(cli, tmp_path: Path):
    other = tmp_path / "contacts.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE person (name TEXT)")
    conn.execute("INSERT INTO person VALUES ('Mai')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    error = one_line_error(cli("--db", other, "init", "X", "--election-day", ELECTION_2026))
    assert f"{other} holds tables of another program (person)" in error and "another --db" in error
    assert other.read_bytes() == before
    conn = sqlite3.connect(other)
    assert [name for (name,) in conn.execute("SELECT name FROM sqlite_master")] == ["person"]
    conn.close()
    # An empty file is fine: it becomes the campaign's database.
    empty = tmp_path / "empty.db"
    empty.touch()
    cli("--db", empty, "init", "X", "--election-day", ELECTION_2026, ok=True)


@pytest.mark.sqlite_only
def test_without_a_campaign_info_says_where_the_database_is(cli, tmp_path: Path):
    missing = tmp_path / "nowhere" / "campaign.db"
    info = cli.json("--db", missing, "info")
    assert info["database"] == str(missing) and info["schema_version"] is None
    assert info["campaign"] is None and info["campaigns"] == 0
    table = cli("--db", missing, "info", ok=True).stdout
    assert str(missing) in table and "campaign init" in table
    assert not missing.exists() and not missing.parent.exists(), "info creates nothing"
    error = one_line_error(cli("--db", missing, "status"))
    assert f"no campaign in {missing} yet" in error and "campaign init" in error


def test_no_campaign_error_names_the_database(cli, isolated_environment):
    error = one_line_error(cli("task", "list"))
    assert f"no campaign in {database_url(isolated_environment).split('?')[0]}" in error


# == config ========================================================================
def test_config_shows_the_settings(commune):
    data = settings(commune)
    assert data["name"] == "Bầu cử ĐBQH khóa XVI và HĐND 2026–2031"
    assert data["locality"] == "Xã Gia Vân" and data["election_day"] == "2026-03-15" and data["lang"] == "en"
    assert (data["issuing_body"], data["parent_body"], data["symbol"], data["place"]) == ("", "", "", "")
    assert data["signer"] is None and data["parent"] is None and data["children"] == []
    assert len(data["uid"]) == 32
    assert data["defaults"] == {
        "issuing_body": "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN",
        "parent_body": "ỦY BAN BẦU CỬ XÃ GIA VÂN",
        "symbol": "BC-TBTT",
        "place": "Gia Vân",
        "signer": "Nguyễn Văn Hùng",
    }
    table = commune("config", ok=True).stdout
    assert "(default: BC-TBTT)" in table and "(default: the chair, Nguyễn Văn Hùng)" in table
    csv = commune("config", "--format", "csv", ok=True).stdout.splitlines()
    assert csv[0] == "key,value" and "symbol," in csv


def test_config_changes_every_setting_in_one_undoable_change(commune, monkeypatch: pytest.MonkeyPatch):
    before = settings(commune)
    monkeypatch.delenv("CAMPAIGN_LANG")
    result = commune(
        "config", "--name", "Bầu cử 2026", "--locality", "Xã Gia Vân, tỉnh Ninh Bình", "--issuing-body",
        "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN XÃ", "--parent-body", "ỦY BAN BẦU CỬ XÃ GIA VÂN", "--symbol", "BC-TTTT",
        "--place", "Gia Vân", "--signer", "mai", "--lang", "vi", ok=True,
    )
    assert result.stderr.startswith("Đã cập nhật thiết lập của chiến dịch:")  # confirmed in the new language
    data = settings(commune)
    assert data["name"] == "Bầu cử 2026" and data["locality"] == "Xã Gia Vân, tỉnh Ninh Bình"
    assert data["issuing_body"] == "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN XÃ" and data["symbol"] == "BC-TTTT"
    assert data["place"] == "Gia Vân" and data["lang"] == "vi"
    assert data["signer"] == {"id": 2, "name": "Trần Thị Mai", "role": "secretary"}
    history = commune.json("--lang", "en", "history", "--limit", "1")
    assert history[0]["command"].startswith("campaign config --name") and "campaign 1 updated" in history[0]["summary"]
    commune("--lang", "en", "undo", ok=True)
    assert settings(commune) == before


def test_config_refuses_bad_values_and_changes_nothing(commune, isolated_environment):
    snapshot = db_snapshot(isolated_environment)
    assert "neither spaces nor '/'" in one_line_error(commune("config", "--symbol", "05/BC"))
    assert "use vi or en" in one_line_error(commune("config", "--lang", "fr"))
    assert "no member matches 'nobody'" in one_line_error(commune("config", "--signer", "nobody"))
    assert "may not be empty" in one_line_error(commune("config", "--name", " "))
    assert commune("config", "--move-phases").exit_code == 2
    assert db_snapshot(isolated_environment) == snapshot
    commune("init", "Khác", "--election-day", ELECTION_2026, ok=True)
    first_name = "Bầu cử ĐBQH khóa XVI và HĐND 2026–2031"
    conflict = one_line_error(commune("--campaign", "Khác", "config", "--name", first_name))
    assert "already exists" in conflict
    commune("--campaign", "Khác", "config", "--lang", "vi", ok=True)  # the second campaign changes, not the first
    assert settings(commune, "--campaign", "Bầu cử ĐBQH")["lang"] == "en"
    assert settings(commune, "--campaign", "Khác")["lang"] == "vi"


def test_the_signer_is_a_member_and_goes_with_them(commune):
    commune("config", "--signer", "hung", ok=True)
    assert settings(commune)["signer"]["name"] == "Nguyễn Văn Hùng"
    commune("member", "remove", "hung", "--yes", ok=True)
    assert settings(commune)["signer"] is None
    commune("undo", ok=True)  # the member and the signature come back together
    assert settings(commune)["signer"]["name"] == "Nguyễn Văn Hùng"
    commune("config", "--signer", "none", ok=True)
    assert settings(commune)["signer"] is None


def test_election_day_moves_alone_unless_move_phases(commune):
    phases_before = commune.json("phase", "list")
    commune("config", "--election-day", "22/3/2026", ok=True)
    assert commune.json("phase", "list") == phases_before  # phase 3 (open) now holds election day
    assert settings(commune)["election_day"] == "2026-03-22"


def test_a_new_election_day_outside_every_phase_is_refused_without_move_phases(commune):
    commune("phase", "edit", "3", "--end", "31/3/2026", ok=True)
    error = one_line_error(commune("config", "--election-day", "12/4/2026"))
    assert "the new election day (12/04/2026) falls in no phase" in error and "--move-phases" in error
    assert settings(commune)["election_day"] == "2026-03-15"


def test_move_phases_moves_template_phases_as_the_template_would(cli):
    cli("init", "Thử", "--election-day", ELECTION_2026, ok=True)
    result = cli("config", "--election-day", "12/4/2026", "--move-phases", ok=True)
    assert "phase 1" in result.stderr and "01/11/2025–31/01/2026 → 01/12/2025–28/02/2026" in result.stderr
    phases = cli.json("phase", "list")
    assert [(p["start"], p["end"]) for p in phases] == [
        ("2025-12-01", "2026-02-28"), ("2026-03-01", "2026-04-12"), ("2026-04-13", None)]
    cli("undo", ok=True)
    assert [(p["start"], p["end"]) for p in cli.json("phase", "list")] == [
        ("2025-11-01", "2026-01-31"), ("2026-02-01", "2026-03-15"), ("2026-03-16", None)]
    assert settings(cli)["election_day"] == "2026-03-15"


def test_move_phases_shifts_custom_phases_by_as_many_days(cli):
    cli("init", "Thử", "--election-day", ELECTION_2026, "--phases", "none", ok=True)
    cli("phase", "add", "Chuẩn bị", "--start", "1/1/2026", "--end", "28/2/2026", ok=True)
    cli("phase", "add", "Cao điểm", "--start", "1/3/2026", "--end", "20/3/2026", ok=True)
    cli("config", "--election-day", "22/3/2026", "--move-phases", ok=True)
    assert [(p["start"], p["end"]) for p in cli.json("phase", "list")] == [
        ("2026-01-08", "2026-03-07"), ("2026-03-08", "2026-03-27")]


def test_move_phases_refuses_to_leave_a_task_outside_its_phase(commune, isolated_environment):
    before = db_snapshot(isolated_environment)
    # Phase 2 would become 01/03-05/04/2026: the poster task due 5/3 stays inside; phase 1 has none.
    error = one_line_error(commune("config", "--election-day", "5/5/2026", "--move-phases"))
    assert "phase 2 would run 01/04/2026–05/05/2026" in error and "task 1 (due 05/03/2026)" in error
    assert "campaign task edit ID --due DATE" in error
    assert db_snapshot(isolated_environment) == before


def test_move_phases_refuses_overlaps(cli):
    cli("init", "Thử", "--election-day", ELECTION_2026, ok=True)
    cli("phase", "edit", "1", "--start", "15/11/2025", ok=True)  # no longer the template's phase 1
    # Phase 1 moves 5 days later (to 05/02/2026), the template's phase 2 still starts on 01/02/2026.
    error = one_line_error(cli("config", "--election-day", "20/3/2026", "--move-phases"))
    assert "phases 1 and 2 would overlap" in error


def test_parent_campaigns(cli):
    cli("init", "Tỉnh Ninh Bình", "--election-day", ELECTION_2026, "--level", "province", ok=True)
    cli("init", "Xã Gia Vân", "--election-day", ELECTION_2026, "--parent", "ninh binh", ok=True)
    # commands act on the newest campaign not filed under another: the province (issue 17)
    assert settings(cli)["name"] == "Tỉnh Ninh Bình"
    assert settings(cli, "--campaign", "Gia Vân")["parent"] == {"id": 1, "name": "Tỉnh Ninh Bình", "level": "province"}
    assert settings(cli, "--campaign", "1")["children"] == [{"id": 2, "name": "Xã Gia Vân", "level": "commune"}]
    cli("init", "Xã Gia Hưng", "--election-day", ELECTION_2026, ok=True)
    cli("config", "--parent", "1", ok=True)  # the newest top-level campaign: Gia Hưng
    hung = ("--campaign", "Gia Hưng")
    assert settings(cli, *hung)["parent"]["name"] == "Tỉnh Ninh Bình"
    # Refused: itself, a loop, a parent not above it, a level no longer above a child.
    assert "its own parent" in one_line_error(cli("--campaign", "1", "config", "--parent", "1"))
    error = one_line_error(cli("--campaign", "1", "config", "--parent", "Gia Hưng"))
    assert "under this campaign already" in error
    error = one_line_error(cli(*hung, "config", "--parent", "Gia Vân"))
    assert "'Xã Gia Vân' is a commune-level campaign" in error
    error = one_line_error(cli("--campaign", "1", "config", "--level", "commune"))
    assert "is under this campaign" in error
    assert "no campaign matches 'zz'" in one_line_error(cli(*hung, "config", "--parent", "zz"))
    cli(*hung, "config", "--parent", "none", ok=True)
    assert settings(cli, *hung)["parent"] is None
    cli(*hung, "undo", ok=True)
    assert settings(cli, *hung)["parent"]["id"] == 1


def test_config_needs_a_campaign(cli):
    assert "no campaign in" in one_line_error(cli("config"))


def test_symbol_parent_body_and_signer_reach_the_documents(commune, isolated_environment):
    commune("config", "--symbol", "BC-TTTT", "--parent-body", "ĐẢNG ỦY XÃ GIA VÂN", "--signer", "mai", ok=True)
    # Mai is the secretary: she signs only under a title given (test_documents_sign.py)
    header = document_header_of(isolated_environment, number="5", signer_title="TM. TIỂU BAN / THƯ KÝ")
    assert header["number"] == "05/BC-TTTT"
    assert header["parent_body"] == "ĐẢNG ỦY XÃ GIA VÂN" and header["signer"] == "Trần Thị Mai"


# == the stored id ===================================================================
def test_every_campaign_gets_its_own_random_uid(cli, tmp_path: Path):
    for name in ("a.db", "b.db"):
        cli("--db", tmp_path / name, "init", "Bầu cử", "--election-day", ELECTION_2026, ok=True)
    uids = {settings(cli, "--db", tmp_path / name)["uid"] for name in ("a.db", "b.db")}
    assert len(uids) == 2


@pytest.mark.sqlite_only
def test_the_upgrade_gives_old_campaigns_a_uid_and_their_signer_a_member(cli, tmp_path: Path):
    import shutil

    old = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-v1.db", old)
    data = settings(cli, "--db", old)
    assert len(data["uid"]) == 32
    assert data["signer"] == {"id": 1, "name": "Nguyễn Mạnh Hùng", "role": "chair"}
    rows = db_rows(old, "SELECT signer, parent_body, symbol, parent_id FROM campaign")
    assert rows == [("Nguyễn Mạnh Hùng", "", "", None)]  # the old text stays as it was


def test_migration_3_on_the_tests_engine(cli, campaign_db, backend):
    """On PostgreSQL (SQLite upgrades the committed v1 fixture above): a schema-2 campaign gains the settings."""
    if backend != "postgresql":
        pytest.skip("SQLite: test_the_upgrade_gives_old_campaigns_a_uid_and_their_signer_a_member")
    from campaign_cli.storage import schema

    cli("init", "Bầu cử", "--election-day", ELECTION_2026, ok=True)
    cli("member", "add", "Nguyễn Văn Hùng", "--role", "chair", ok=True)
    db = campaign_db
    db.execute("BEGIN")
    db.execute("UPDATE campaign SET signer = ' nguyễn  văn hùng'")
    for statement in ("DROP INDEX ix_campaign_uid", "DROP INDEX ix_campaign_parent",
                      *(f"ALTER TABLE campaign DROP COLUMN {column}"
                        for column in ("parent_body", "symbol", "signer_id", "parent_id", "uid"))):
        db.execute(statement)
    db.execute("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    db.execute("COMMIT")
    data = settings(cli)
    assert schema.stored_version(db) == schema.current_version()
    assert len(data["uid"]) == 32 and data["signer"]["name"] == "Nguyễn Văn Hùng"
    cli("member", "remove", "hung", "--yes", ok=True)  # the key to member works: the signer goes with them
    assert settings(cli)["signer"] == {"id": None, "name": " nguyễn  văn hùng", "role": None}


def test_export_carries_the_settings_and_an_older_export_still_imports(commune, tmp_path: Path):
    commune("config", "--symbol", "BC-TTTT", "--parent-body", "ĐẢNG ỦY XÃ", "--signer", "mai", ok=True)
    document = json.loads(commune("export", ok=True).stdout)
    head = dict(document["campaign"])
    assert list(head)[-4:] == ["parent_body", "symbol", "signer_id", "uid"]
    assert (head["parent_body"], head["symbol"], head["signer_id"]) == ("ĐẢNG ỦY XÃ", "BC-TTTT", 2)
    assert head["uid"] == settings(commune)["uid"]
    copy = tmp_path / "copy.db"
    path = tmp_path / "a.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    commune("--db", copy, "import", path, ok=True)
    imported = settings(commune, "--db", copy)
    assert imported["uid"] == head["uid"] and imported["signer"]["name"] == "Trần Thị Mai"
    # An export made before schema 3: no such fields; the import makes a uid.
    for key in ("parent_body", "symbol", "signer_id", "uid"):
        del document["campaign"][key]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    commune("--db", tmp_path / "old.db", "import", path, ok=True)
    old = settings(commune, "--db", tmp_path / "old.db")
    assert len(old["uid"]) == 32 and old["uid"] != head["uid"] and old["symbol"] == "" and old["signer"] is None
    document["campaign"]["signer_id"] = 99
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    error = one_line_error(commune("--db", tmp_path / "bad.db", "import", path))
    assert "campaign.signer_id: there is no member with id 99 in this file" in error
