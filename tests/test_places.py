"""The registry of places (issue 16): place list/add/edit/remove/import/match, and log entries
and tasks pointing at places (--place, the import's place column, --new-place, --add-places)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks import one_line_error

AS_OF = ("--as-of", "15/4/2021")


@pytest.fixture
def places(fresh):
    """A district with two communes, one of them with two villages (ids 1-5)."""
    fresh("place", "add", "Huyện Gia Viễn", ok=True)
    fresh("place", "add", "Xã Gia Vân", "--in", "1", ok=True)
    fresh("place", "add", "Thị trấn Me", "--in", "gia vien", ok=True)
    fresh("place", "add", "Thôn Đông", "--in", "gia van", ok=True)
    fresh("place", "add", "Thôn Tây", "--kind", "village", "--in", "Xã Gia Vân", ok=True)
    return fresh


def listed(cli, *args):
    return {row["name"]: row for row in cli.json("place", "list", *args)}


# -- the registry ------------------------------------------------------------------------------
def test_add_reads_the_kind_from_the_word_and_lists_in_tree_order(places):
    rows = places.json("place", "list")
    assert [(row["id"], row["name"], row["kind"]) for row in rows] == [
        (1, "Huyện Gia Viễn", "district"), (3, "Thị trấn Me", "commune"), (2, "Xã Gia Vân", "commune"),
        (4, "Thôn Đông", "village"), (5, "Thôn Tây", "village"),
    ]  # fmt: skip
    assert rows[2]["parent"] == {"id": 1, "name": "Huyện Gia Viễn"} and rows[2]["children"] == 2
    assert [row["name"] for row in places.json("place", "list", "--in", "gia van")] == [
        "Xã Gia Vân", "Thôn Đông", "Thôn Tây"]


def test_places_are_found_without_diacritics_or_case(places):
    result = places("place", "edit", "GIA VAN", "--name", "Xã Gia Vân mới", ok=True)
    assert result.stderr.strip() == "Updated place 2: Xã Gia Vân mới (commune, Huyện Gia Viễn)"
    assert "Thôn Đông" in listed(places, "--in", "van moi")
    # "Thôn Đông, xã Gia Vân mới": the village of that commune
    places("place", "edit", "thon dong, gia van moi", "--name", "Thôn Đông Một", ok=True)
    assert "Thôn Đông Một" in listed(places)


def test_wrong_places_are_refused_with_one_line(places):
    assert "nearest: 2 Xã Gia Vân (Huyện Gia Viễn)" in one_line_error(places("place", "edit", "gia vam", "--name", "x"))
    assert "matches several places" in one_line_error(places("place", "remove", "thon", "--yes"))
    error = one_line_error(places("place", "add", "Thôn Bắc", "--in", "Thôn Đông"))
    assert "a village cannot be under Thôn Đông (village)" in error
    error = one_line_error(places("place", "add", "Xã Gia Vân", "--in", "1"))
    assert "place 2 (Xã Gia Vân) already has this name here" in error
    error = one_line_error(places("place", "add", "Gia Lạc"))
    assert "cannot tell what kind of place 'Gia Lạc' is" in error
    error = one_line_error(places("place", "add", "Xã Gia Lạc", "--kind", "village"))
    assert "names a commune by its first word, not a village" in error
    error = one_line_error(places("place", "remove", "gia van", "--yes"))
    assert "Xã Gia Vân has 2 places under it" in error
    assert len(places.json("place", "list")) == 5


def test_no_districts_for_an_election_after_july_2025(cli):
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", ok=True)
    error = one_line_error(cli("place", "add", "Huyện Gia Viễn"))
    assert "no districts for an election from 1/7/2025" in error
    cli("place", "add", "Tỉnh Ninh Bình", ok=True)
    cli("place", "add", "Xã Gia Vân", "--in", "ninh binh", ok=True)
    assert [row["kind"] for row in cli.json("place", "list")] == ["province", "commune"]


def test_remove_keeps_the_entries_text_and_undo_puts_it_back(places):
    places(*AS_OF, "log", "add", "--type", "poster", "--qty", "5", "--place", "thon tay", ok=True)
    [entry] = places.json(*AS_OF, "log", "list")
    assert (entry["place"], entry["place_id"]) == ("Thôn Tây", 5)
    result = places("place", "remove", "thon tay", "--yes", ok=True)
    assert "1 log entry keeps its text" in result.stderr
    [entry] = places.json(*AS_OF, "log", "list")
    assert (entry["place"], entry["place_id"]) == ("Thôn Tây", None)
    places("undo", ok=True)
    [entry] = places.json(*AS_OF, "log", "list")
    assert entry["place_id"] == 5 and "Thôn Tây" in listed(places)


def test_import_adds_all_or_nothing(fresh, tmp_path: Path):
    good = tmp_path / "places.csv"
    good.write_text(
        "name,kind,parent\nThôn Đông,,Xã Gia Vân\nXã Gia Vân,,Huyện Gia Viễn\nHuyện Gia Viễn,district,\n"
        "Tổ dân phố 1,,Thị trấn Me\nThị trấn Me,commune,Huyện Gia Viễn\n",
        encoding="utf-8",
    )
    assert "5 places would be added" in fresh("place", "import", good, "--dry-run", ok=True).stderr
    assert fresh.json("place", "list") == []
    assert fresh("place", "import", good, ok=True).stderr.strip() == "Added 5 places"
    rows = listed(fresh)
    assert rows["Tổ dân phố 1"]["kind"] == "village" and rows["Tổ dân phố 1"]["parent"]["name"] == "Thị trấn Me"
    again = fresh("place", "import", good, ok=True).stderr.strip()
    assert again == "Added 0 places (5 already in the registry)"
    bad = tmp_path / "bad.csv"
    bad.write_text("tên,loại,trực thuộc\nThôn Mới,,Xã Gia Vân\nThôn Lạ,,Xã Không Có\n2021,commune,\n",
                   encoding="utf-8")
    result = fresh.fails("place", "import", bad)
    assert "Error: 2 of 3 lines in bad.csv are wrong; nothing was imported:" in result.stderr
    assert "line 3: no place matches 'Xã Không Có'" in result.stderr
    assert "line 4: a place name cannot be only digits (2021)" in result.stderr
    assert "Thôn Mới" not in listed(fresh)


# -- log entries point at places -----------------------------------------------------------------
def test_log_place_resolves_and_unknown_places_list_near_matches(places):
    places(*AS_OF, "log", "add", "--type", "poster", "--place", "thon dong", ok=True)
    places(*AS_OF, "log", "add", "--type", "poster", "--place", "Hội trường UBND xã Gia Vân", ok=True)
    entries = places.json(*AS_OF, "log", "list")
    assert [(entry["place"], entry["place_id"]) for entry in entries] == [
        ("Hội trường UBND xã Gia Vân", 2), ("Thôn Đông", 4)]  # a text naming a place keeps its words
    error = one_line_error(places(*AS_OF, "log", "add", "--type", "poster", "--place", "Thôn Đôg"))
    assert "no place matches 'Thôn Đôg'; nearest: 4 Thôn Đông (Xã Gia Vân)" in error
    assert "--new-place" in error
    assert len(places.json(*AS_OF, "log", "list")) == 2


def test_new_place_adds_it_under_its_parent(places):
    result = places(*AS_OF, "log", "add", "--type", "poster", "--place", "Thôn Bắc, xã Gia Vân", "--new-place",
                    ok=True)
    assert "Added to the registry: Thôn Bắc" in result.stderr
    row = listed(places)["Thôn Bắc"]
    assert (row["kind"], row["parent"]["name"], row["entries"]) == ("village", "Xã Gia Vân", 1)
    places("undo", ok=True)
    assert "Thôn Bắc" not in listed(places) and places.json(*AS_OF, "log", "list") == []


def test_without_a_registry_the_place_stays_free_text(fresh):
    fresh(*AS_OF, "log", "add", "--type", "poster", "--place", "Nhà văn hóa thôn Đông", ok=True)
    [entry] = fresh.json(*AS_OF, "log", "list")
    assert (entry["place"], entry["place_id"]) == ("Nhà văn hóa thôn Đông", None)


def test_log_import_resolves_the_place_column_all_or_nothing(places, tmp_path: Path):
    rows = tmp_path / "log.csv"
    rows.write_text("date,type,quantity,place\n1/4/2021,poster,10,gia van\n2/4/2021,poster,5,Thôn Nam\n"
                    "3/4/2021,poster,5,\"Thôn Bắc, xã Gia Vân\"\n", encoding="utf-8")
    result = places.fails(*AS_OF, "log", "import", rows)
    assert "2 of 3 rows in log.csv are wrong; nothing was imported" in result.stderr
    assert "line 3: no place matches 'Thôn Nam'" in result.stderr
    assert places.json(*AS_OF, "log", "list") == []
    result = places(*AS_OF, "log", "import", rows, "--add-places", "--dry-run", ok=True)
    assert "Places to add to the registry: Thôn Nam, Thôn Bắc" in result.stderr
    assert "Thôn Nam" not in listed(places)
    places(*AS_OF, "log", "import", rows, "--add-places", ok=True)
    added = listed(places)
    assert added["Thôn Bắc"]["parent"]["name"] == "Xã Gia Vân" and added["Thôn Bắc"]["kind"] == "village"
    assert added["Thôn Nam"]["parent"] is None
    assert sorted(entry["place_id"] for entry in places.json(*AS_OF, "log", "list")) == [
        2, added["Thôn Nam"]["id"], added["Thôn Bắc"]["id"]]


def test_match_links_old_entries_whose_text_names_one_place(fresh):
    for text in ("xã Gia Vân", "Hội trường thôn Đông, xã Gia Vân", "Sân vận động huyện", "thôn Tây"):
        fresh(*AS_OF, "log", "add", "--type", "poster", "--place", text, ok=True)
    fresh("place", "add", "Xã Gia Vân", ok=True)
    fresh("place", "add", "Thôn Đông", "--in", "1", ok=True)
    fresh("place", "add", "Xã Gia Lạc", ok=True)
    fresh("place", "add", "Thôn Tây", "--in", "gia van", ok=True)
    fresh("place", "add", "Thôn Tây", "--in", "gia lac", ok=True)
    report = fresh.json("place", "match", "--dry-run")
    assert report["linked"] == 2 and report["dry_run"] is True
    assert [(row["text"], row["place"]["name"]) for row in report["matched"]] == [
        ("Hội trường thôn Đông, xã Gia Vân", "Thôn Đông"), ("xã Gia Vân", "Xã Gia Vân")]
    assert {row["text"]: len(row["candidates"]) for row in report["unmatched"]} == {
        "Sân vận động huyện": 0, "thôn Tây": 2}
    assert all(entry["place_id"] is None for entry in fresh.json(*AS_OF, "log", "list"))
    result = fresh("place", "match", ok=True)
    assert "Linked 2 entries to their places" in result.stderr
    linked = {entry["place"]: entry["place_id"] for entry in fresh.json(*AS_OF, "log", "list")}
    assert linked == {"xã Gia Vân": 1, "Hội trường thôn Đông, xã Gia Vân": 2, "Sân vận động huyện": None,
                      "thôn Tây": None}


# -- tasks name places --------------------------------------------------------------------------
def test_task_places_and_the_all_communes_shorthand(places):
    places("task", "add", "Dán áp phích", "--phase", "1", "--type", "poster", "--place", "all communes", ok=True)
    places("task", "add", "Pano", "--phase", "1", "--type", "panel", "--place", "gia van", "--place", "thon dong",
           ok=True)
    first = places.json(*AS_OF, "task", "show", "1")
    assert [place["name"] for place in first["places"]] == ["Thị trấn Me", "Xã Gia Vân"]
    places(*AS_OF, "log", "add", "--type", "poster", "--place", "thon tay", "--date", "10/4/2021", ok=True)
    reached = {place["name"]: place["covered"] for place in places.json(*AS_OF, "task", "show", "1")["places"]}
    assert reached == {"Thị trấn Me": False, "Xã Gia Vân": True}  # a village's entry reaches its commune
    places("task", "edit", "2", "--place", "none", ok=True)
    assert places.json(*AS_OF, "task", "show", "2")["places"] == []
    assert "no place matches 'Xã Lạ'" in one_line_error(
        places("task", "add", "Cờ", "--phase", "1", "--place", "Xã Lạ"))


# -- schema 6 on an older database --------------------------------------------------------------
def test_upgrade_adds_the_registry_and_keeps_the_place_texts(fresh, campaign_db, backend):
    """On PostgreSQL (SQLite cannot drop a column a foreign key names; it upgrades the committed
    version-1 fixture in test_safety.py, through migration 6 too)."""
    if backend != "postgresql":
        pytest.skip("SQLite: test_safety.py::test_migration_upgrades_in_place_and_keeps_a_backup")
    from campaign_cli.storage import schema

    fresh(*AS_OF, "log", "add", "--type", "poster", "--place", "Nhà văn hóa xã Gia Vân", ok=True)
    db = campaign_db
    db.execute("BEGIN")
    for statement in ("DROP INDEX ix_activity_place", "ALTER TABLE activity DROP COLUMN place_id",
                      "DROP TABLE task_place", "DROP TABLE place"):
        db.execute(statement)
    db.execute("UPDATE meta SET value = '4' WHERE name = 'schema_version'")
    db.execute("COMMIT")
    [entry] = fresh.json(*AS_OF, "log", "list")  # the upgrade runs first
    assert schema.stored_version(db) == schema.current_version()
    assert (entry["place"], entry["place_id"]) == ("Nhà văn hóa xã Gia Vân", None)
    fresh("place", "add", "Xã Gia Vân", ok=True)
    fresh("place", "match", ok=True)
    assert fresh.json(*AS_OF, "log", "list")[0]["place_id"] == 1
