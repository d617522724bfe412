"""Campaigns in a hierarchy (issue 17): init/config --parent, and a commune's exports
filed under its province with ``import FILE --parent P`` — a later export replaces the
copy (matched by the campaign's stored uid), the same file again changes nothing."""

from __future__ import annotations

import json
import os

import pytest
from checks import one_line_error
from conftest import db_rows, db_snapshot

PROVINCE = "Tỉnh Ninh Bình"


@pytest.fixture
def province(cli):
    cli("init", PROVINCE, "--election-day", "15/3/2026", "--level", "province", "--locality", "tỉnh Ninh Bình",
        ok=True)  # fmt: skip
    return cli


@pytest.fixture
def commune_db(tmp_path, backend, request):
    """A second database, the commune's own: a file on SQLite, another schema on PostgreSQL."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        schema = server.create_schema()
        yield server.url_for(schema)
        server.drop_schema(schema)
    else:
        yield str(tmp_path / "commune.db")


def test_init_under_a_parent_takes_its_election_day_and_the_level_below(province):
    province("init", "Xã Gia Hưng", "--parent", PROVINCE, "--locality", "xã Gia Hưng", ok=True)
    info = province.json("--campaign", "Gia Hưng", "config")
    assert info["parent"]["name"] == PROVINCE
    assert info["level"] == "commune"
    assert info["election_day"] == "2026-03-15"
    # the default campaign stays the province, the newest not filed under another
    assert province.json("status")["campaign"]["name"] == PROVINCE
    assert province.json("--campaign", "Gia Hưng", "status")["campaign"]["name"] == "Xã Gia Hưng"


def test_a_parent_must_be_a_level_above(province):
    province("init", "Tỉnh khác", "--election-day", "15/3/2026", "--level", "province", ok=True)
    line = one_line_error(province("init", "Tỉnh con", "--parent", PROVINCE, "--level", "province"))
    assert "level above" in line
    assert [row[0] for row in db_rows(province.db_path, "SELECT name FROM campaign ORDER BY id")] == [
        PROVINCE, "Tỉnh khác"]  # fmt: skip


def test_config_parent_links_and_unlinks_an_existing_campaign(province):
    province("init", "Xã Gia Vân", "--election-day", "15/3/2026", "--level", "commune", ok=True)
    province("--campaign", "Gia Vân", "config", "--parent", PROVINCE, ok=True)
    rollup = province.json("report", "rollup", env={"CAMPAIGN_TODAY": "10/2/2026"})
    assert [child["name"] for child in rollup["children"]] == ["Xã Gia Vân"]
    # a province cannot be filed under its own commune
    line = one_line_error(province("--campaign", PROVINCE, "config", "--parent", "Gia Vân"))
    assert "level above" in line or "loop" in line
    province("--campaign", "Gia Vân", "config", "--parent", "none", ok=True)
    assert province.json("report", "rollup", env={"CAMPAIGN_TODAY": "10/2/2026"})["children"] == []


def _commune(cli, db: str, *entries: int) -> None:
    cli("--db", db, "init", "Xã Gia Lạc", "--election-day", "15/3/2026", "--locality", "xã Gia Lạc", ok=True)
    cli("--db", db, "member", "add", "Đinh Văn Thư", "--role", "secretary", ok=True)
    cli("--db", db, "task", "add", "Treo áp phích", "--phase", "2", "--type", "poster", "--target", "100",
        "--due", "28/2/2026", "--lead", "Thư", ok=True)  # fmt: skip
    for quantity in entries:
        cli("--db", db, "log", "add", "--type", "poster", "--qty", quantity, "--task", "1", "--date", "5/2/2026",
            ok=True)  # fmt: skip


def test_import_parent_files_the_copy_and_a_later_export_replaces_it(province, commune_db, tmp_path):
    env = {"CAMPAIGN_TODAY": "10/2/2026"}
    _commune(province, commune_db, 30)
    first = tmp_path / "gia-lac-1.json"
    province("--db", commune_db, "export", first, ok=True)
    result = province("import", first, "--parent", PROVINCE, ok=True)
    assert "Filed under" in result.stderr
    copy_id, parent_id, uid = db_rows(province.db_path, "SELECT id, parent_id, uid FROM campaign WHERE name = ?",
                                      ("Xã Gia Lạc",))[0]  # fmt: skip
    assert parent_id == db_rows(province.db_path, "SELECT id FROM campaign WHERE name = ?", (PROVINCE,))[0][0]
    assert uid == json.loads(first.read_text(encoding="utf-8"))["campaign"]["uid"]

    # the same file again: nothing at all changes, not even the history
    before = db_snapshot(province.db_path)
    result = province("import", first, "--parent", PROVINCE, ok=True)
    assert "nothing changed" in result.stderr
    assert db_snapshot(province.db_path) == before

    # the commune works on; its later export replaces the copy in place
    province("--db", commune_db, "log", "add", "--type", "poster", "--qty", "25", "--task", "1", "--date",
             "9/2/2026", ok=True)  # fmt: skip
    province("--db", commune_db, "task", "add", "Phát thanh", "--phase", "2", "--type", "broadcast", ok=True)
    second = tmp_path / "gia-lac-2.json"
    province("--db", commune_db, "export", second, ok=True)
    result = province("import", second, "--parent", PROVINCE, ok=True)
    assert "Replaced the copy" in result.stderr
    rows = db_rows(province.db_path, "SELECT id, parent_id FROM campaign WHERE name = ?", ("Xã Gia Lạc",))
    assert rows == [(copy_id, parent_id)]  # one copy, the same id and parent
    copy = province.json("--campaign", "Gia Lạc", "status", env=env)
    own = province.json("--db", commune_db, "status", env=env)
    assert copy["tasks"] == own["tasks"] and copy["activity"] == own["activity"] and copy["phases"] == own["phases"]
    assert copy["activity"][0]["quantity"] == 55
    rollup = province.json("report", "rollup", env=env)
    assert rollup["children"][0]["tasks"] == {"total": 2, "done": 0, "overdue": 0}
    # the week of 10/2/2026 began on Monday 9/2: the entry of 5/2 is last week's
    assert rollup["children"][0]["activity"] == [{"type": "poster", "quantity": 25, "entries": 1}]
    assert rollup["children"][0]["last_entry"] == "2026-02-09"

    # and the later export again: unchanged; the replacement can be undone
    before = db_snapshot(province.db_path)
    assert "nothing changed" in province("import", second, "--parent", PROVINCE, ok=True).stderr
    assert db_snapshot(province.db_path) == before
    province("--campaign", "Gia Lạc", "undo", ok=True)
    assert province.json("--campaign", "Gia Lạc", "status", env=env)["activity"][0]["quantity"] == 30


def test_import_parent_refuses_a_copy_filed_elsewhere(province, commune_db, tmp_path):
    _commune(province, commune_db, 5)
    export = tmp_path / "gia-lac.json"
    province("--db", commune_db, "export", export, ok=True)
    province("import", export, ok=True)  # top level, not under the province
    before = db_snapshot(province.db_path)
    line = one_line_error(province("import", export, "--parent", PROVINCE))
    assert "not under 'Tỉnh Ninh Bình'" in line and "config --parent" in line
    assert db_snapshot(province.db_path) == before


def test_import_parent_needs_an_existing_parent_and_a_level_below(province, commune_db, tmp_path):
    _commune(province, commune_db)
    export = tmp_path / "gia-lac.json"
    province("--db", commune_db, "export", export, ok=True)
    before = db_snapshot(province.db_path)
    assert "no campaign matches" in one_line_error(province("import", export, "--parent", "Tỉnh Hà Nam"))
    province("--db", commune_db, "config", "--level", "province", ok=True)
    province("--db", commune_db, "export", export, ok=True)
    assert "level above" in one_line_error(province("import", export, "--parent", PROVINCE))
    assert db_snapshot(province.db_path) == before


def test_import_parent_into_a_database_without_the_parent(cli, tmp_path):
    export = tmp_path / "x.json"
    cli("init", "Xã X", "--election-day", "15/3/2026", ok=True)
    cli("export", export, ok=True)
    empty = tmp_path / "empty.db"
    assert "no campaign in" in one_line_error(cli("--db", empty, "import", export, "--parent", PROVINCE))
    assert not os.path.exists(empty)
