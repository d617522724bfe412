"""Keeping data safe: migrations, history and undo, export/import, backup/restore,
concurrent and killed writers, and hostile text.

The fixture ``tests/fixtures/schema-v1.db`` is a database made by the first
release (schema version 1, see ``tests/fixtures/make_schema_v1.py``); every
later release must open it and read the same data back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from checks import DELETE, export_document, one_line_error
from conftest import db_snapshot, open_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from campaign_cli.cli.app import app
from campaign_cli.storage import schema

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_V1 = FIXTURES / "schema-v1.db"
REPO = Path(__file__).resolve().parent.parent
HISTORY_TABLES = ("changeset", "change")


# -- helpers --------------------------------------------------------------------
def raw_snapshot(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Columns and rows of every table, read with plain sqlite3 (read-only)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        result = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY 1")
            result[table] = ([column[0] for column in cursor.description], cursor.fetchall())
        return result
    finally:
        conn.close()


def rows_of(path: Path, table: str, columns: list[str]) -> list[tuple]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()


def data_only(snapshot: dict) -> dict:
    return {table: rows for table, rows in snapshot.items() if table not in HISTORY_TABLES}


def copy_fixture(tmp_path: Path, name: str = "old.db") -> Path:
    target = tmp_path / name
    shutil.copyfile(SCHEMA_V1, target)
    return target


def stored_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()[0])
    finally:
        conn.close()


def run_campaign(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "campaign_cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


# == 1. migrations ================================================================


@pytest.mark.sqlite_only
def test_fixture_is_a_version_1_database_in_its_committed_state(tmp_path):
    # Never opened in place (even a read-only connection leaves -wal/-shm files
    # beside a WAL database): tests read copies.
    assert not Path(f"{SCHEMA_V1}-wal").exists(), "commit the fixture checkpointed, without a -wal file"
    copy = copy_fixture(tmp_path)
    assert stored_version(copy) == 1
    snapshot = raw_snapshot(copy)
    for table in ("campaign", "phase", "unit", "member", "activity_type", "task", "assignment", "activity",
                  "changeset", "change"):
        assert snapshot[table][1], f"the fixture should have rows in {table}"
    undone = [row for row in snapshot["changeset"][1] if row[snapshot["changeset"][0].index("undone_by")]]
    assert undone, "the fixture should hold an undone changeset"


@pytest.mark.sqlite_only
def test_old_database_opens_with_identical_data(cli, tmp_path):
    old = copy_fixture(tmp_path)
    before = raw_snapshot(copy_fixture(tmp_path, "untouched.db"))
    info = cli.json("--db", old, "info")
    assert info["schema_version"] == schema.current_version()
    assert info["counts"]["task"] == len(before["task"][1])
    phases = cli.json("--db", old, "phase", "list")
    assert [phase["number"] for phase in phases] == [1, 2, 3, 4]
    assert phases[3]["name"] == "Đợt 4: Tổng kết"
    # Every row of every old table reads back the same, column for column
    # (a later migration may add columns; those are not compared).
    for table, (columns, rows) in before.items():
        if table == "meta":  # holds the schema version, which the upgrade bumps
            continue
        assert rows_of(old, table, columns) == rows, table
    assert rows_of(old, "meta", ["name", "value"]) == [("schema_version", str(schema.current_version()))]
    # And the data round-trips through export/import as the current code sees it.
    first = cli("--db", old, "export", ok=True).stdout
    cli("--db", tmp_path / "copy.db", "import", "-", input=first, ok=True)
    assert cli("--db", tmp_path / "copy.db", "export", ok=True).stdout == first


@pytest.mark.sqlite_only
def test_upgraded_database_has_the_schema_of_a_new_one(tmp_path):
    from campaign_cli.storage.db import Database
    from campaign_cli.storage.tables import DB_SCHEMA_VERSION

    assert schema.current_version() == DB_SCHEMA_VERSION, "bump tables.DB_SCHEMA_VERSION with every migration"
    old = Database(str(copy_fixture(tmp_path)))
    new = Database(str(tmp_path / "new.db"))
    try:
        schema.ensure_schema(old)
        schema.ensure_schema(new)

        def shape(db):
            tables = {}
            for (name,) in db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
                tables[name] = sorted((row[1], row[2].upper(), row[3]) for row in db.rows(f"PRAGMA table_info({name})"))
            indexes = sorted(name for (name,) in db.rows(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'"))
            return tables, indexes

        assert shape(old) == shape(new)
        assert schema.stored_version(old) == schema.stored_version(new) == schema.current_version()
    finally:
        old.close()
        new.close()


def _add_nickname(db):
    schema.add_column(db, "member", "nickname", "TEXT NOT NULL DEFAULT ''")


@pytest.mark.sqlite_only
def test_migration_upgrades_in_place_and_keeps_a_backup(cli, tmp_path, monkeypatch):
    old = copy_fixture(tmp_path)
    original = raw_snapshot(old)
    # The release's own migrations first: the commands read the columns they add.
    following = schema.current_version() + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, (following, _add_nickname)])
    assert schema.current_version() == following

    info = cli.json("--db", old, "info")
    assert info["schema_version"] == following
    assert stored_version(old) == following
    conn = sqlite3.connect(old)
    assert "nickname" in [row[1] for row in conn.execute("PRAGMA table_info(member)")]
    assert conn.execute("SELECT COUNT(*) FROM member WHERE nickname = ''").fetchone()[0] == len(original["member"][1])
    conn.close()

    backups = sorted(tmp_path.glob("old.db.v1-backup-*"))
    assert len(backups) == 1
    assert len(backups[0].name) == len("old.db.v1-backup-") + len("YYYYmmddHHMMSS")
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert stored_version(backups[0]) == 1
    assert raw_snapshot(backups[0]) == original
    assert not list(tmp_path.glob(".*partial*")), "no temporary file is left behind"

    # Old data is intact in the upgraded database, and it is not upgraded twice.
    for table, (columns, rows) in original.items():
        if table != "meta":
            assert rows_of(old, table, columns) == rows, table
    cli("--db", old, "phase", "list", ok=True)
    assert len(list(tmp_path.glob("old.db.v1-backup-*"))) == 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("steps", ["fails-at-once", "fails-in-second-step"])
def test_failed_migration_leaves_the_database_untouched(cli, tmp_path, monkeypatch, steps):
    old = copy_fixture(tmp_path)
    before = old.read_bytes()

    def breaks_midway(db):
        schema.add_column(db, "member", "nickname", "TEXT NOT NULL DEFAULT ''")
        db.execute("UPDATE member SET nickname = name")
        raise RuntimeError("disk on fire")

    real = list(schema.MIGRATIONS)
    following = schema.current_version() + 1
    if steps == "fails-at-once":
        migrations = [*real, (following, breaks_midway)]
    else:
        migrations = [*real, (following, _add_nickname), (following + 1, breaks_midway)]
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    error = one_line_error(cli("--db", old, "phase", "list"))
    assert f"upgrading the database from schema 1 to {migrations[-1][0]} failed" in error
    assert "disk on fire" in error and "left unchanged" in error
    assert old.read_bytes() == before
    assert stored_version(old) == 1
    assert not list(tmp_path.glob("old.db.v1-backup-*")), "the copy of an untouched database is not kept"
    # With the broken migration gone, the same file opens fine.
    monkeypatch.setattr(schema, "MIGRATIONS", real)
    assert cli.json("--db", old, "info")["schema_version"] == following - 1


UPGRADER = textwrap.dedent(
    """
    import os, sys, time
    from campaign_cli.storage import schema

    def add_nickname(db):
        schema.add_column(db, "member", "nickname", "TEXT NOT NULL DEFAULT ''")
        time.sleep(0.5)  # a slow upgrade, so the other process has to wait for it

    schema.MIGRATIONS[:] = [*schema.MIGRATIONS, (schema.current_version() + 1, add_nickname)]
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.005)
    from campaign_cli.cli.main import main

    sys.argv = ["campaign", "phase", "list", "--format", "json"]
    main()
    """
)


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_two_processes_opening_an_old_database_upgrade_it_once(tmp_path):
    old = copy_fixture(tmp_path)
    script = tmp_path / "upgrader.py"
    script.write_text(UPGRADER, encoding="utf-8")
    go = tmp_path / "go"
    env = {**os.environ, "CAMPAIGN_DB": str(old)}
    processes = [
        subprocess.Popen([sys.executable, str(script), str(go)], env=env, cwd=REPO, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert len(json.loads(out)) == 4
    assert stored_version(old) == schema.current_version() + 1
    assert len(list(tmp_path.glob("old.db.v1-backup-*"))) == 1


def test_migrations_run_in_one_transaction_on_either_engine(fresh, isolated_environment, monkeypatch):
    """The same throwaway migrations on the test's engine (SQLite or PostgreSQL): all steps or none."""

    def columns():
        db = open_database(isolated_environment)
        try:
            return db.columns("member"), schema.stored_version(db)
        finally:
            db.close()

    def breaks(db):
        raise RuntimeError("step 3 fails")

    base = schema.current_version()  # what a new database is created at
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, (base + 1, _add_nickname), (base + 2, breaks)])
    assert "step 3 fails" in one_line_error(fresh("phase", "list"))
    names, version = columns()
    assert "nickname" not in names and version == base
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:-1]])
    assert fresh.json("info")["schema_version"] == base + 1
    names, version = columns()
    assert "nickname" in names and version == base + 1


@pytest.mark.sqlite_only
def test_newer_database_is_refused(cli, tmp_path):
    old = copy_fixture(tmp_path)
    conn = sqlite3.connect(old)
    conn.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    conn.commit()
    conn.close()
    error = one_line_error(cli("--db", old, "phase", "list"))
    known = schema.current_version()
    assert f"schema version 99, newer than this campaign release knows ({known}): upgrade campaign" in error


def test_history_date_columns_are_the_schemas_date_columns():
    import sqlalchemy

    from campaign_cli.services.history import DATE_COLUMNS
    from campaign_cli.storage.tables import metadata

    dates = {
        column.name
        for table in metadata().sorted_tables
        for column in table.columns
        if isinstance(column.type, sqlalchemy.Date)
    }
    assert dates == DATE_COLUMNS


# == 2. history and undo ============================================================
def history(cli, *args):
    return cli.json("history", *args)


def test_history_lists_changes_newest_first_with_summaries(fresh):
    fresh("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    fresh("phase", "add", "Đợt 4", "--start", "1/7/2021", "--end", "31/7/2021", ok=True)
    fresh("--user", "Mai", "phase", "edit", "4", "--name", "Đợt 4: Tổng kết", ok=True)
    rows = history(fresh)
    assert [row["summary"] for row in rows] == [
        'phase 4 updated: name "Đợt 4"→"Đợt 4: Tổng kết"',
        'phase 4 added: "Đợt 4"',
        "phase 3 updated: end_date ∅→30/06/2021",
        'campaign 1 added: "Thử nghiệm"; 19 activity types added; 3 phases added',
    ]
    assert [row["actor"] for row in rows] == ["Mai", "tester", "tester", "tester"]
    assert rows[0]["command"] == "campaign --user Mai phase edit 4 --name Đợt 4: Tổng kết"
    assert rows[2]["command"] == "campaign phase edit 3 --end 30/6/2021"
    assert [row["changes"] for row in rows] == [1, 1, 1, 23]
    assert set(rows[0]) == {
        "id", "at", "actor", "command", "summary", "changes", "undoes", "undone_by", "kind", "redone_by"
    }
    at = dt.datetime.fromisoformat(rows[0]["at"])
    assert at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=5)

    assert [row["id"] for row in history(fresh, "--limit", "2")] == [rows[0]["id"], rows[1]["id"]]
    assert len(history(fresh, "--limit", "0")) == 4
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    assert history(fresh, "--since", tomorrow) == []
    assert len(history(fresh, "--since", "1/1/2020")) == 4
    table = fresh("history", ok=True).stdout
    assert "phase 4 updated" in table and "Mai" in table
    local = dt.datetime.fromisoformat(rows[0]["at"]).astimezone().strftime("%d/%m/%Y %H:%M")
    assert local in table


def test_history_of_a_member(sample):
    sample("member", "edit", "2", "--title", "Phó Trưởng Tiểu ban thường trực", ok=True)
    sample("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    sample("member", "remove", "3", "--yes", ok=True)
    sample("member", "remove", "2", "--yes", ok=True)
    mine = history(sample, "--member", "2")
    assert [row["command"] for row in mine] == [
        "campaign member remove 2 --yes",
        "campaign member edit 2 --title Phó Trưởng Tiểu ban thường trực",
        "campaign init --sample",
    ]
    assert mine[1]["summary"].startswith("member 2 updated: title ")
    # A member removed since is still found by id; by name only while they exist.
    assert history(sample, "--member", "#2") == mine
    one_line_error(sample("history", "--member", "khong co ai"))


def test_undo_walks_back_like_ctrl_z(fresh, isolated_environment):
    start = data_only(db_snapshot(isolated_environment))
    fresh("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    after_edit = data_only(db_snapshot(isolated_environment))
    fresh("phase", "add", "Đợt 4", "--start", "1/7/2021", "--end", "31/7/2021", ok=True)
    after_add = data_only(db_snapshot(isolated_environment))
    fresh("phase", "edit", "4", "--name", "Đợt 4: Tổng kết", ok=True)

    result = fresh("undo", ok=True)
    assert "Undid #4 (campaign phase edit 4 --name Đợt 4: Tổng kết)" in result.stderr
    assert data_only(db_snapshot(isolated_environment)) == after_add
    fresh("undo", ok=True)  # not the undo just made: the change before it
    assert data_only(db_snapshot(isolated_environment)) == after_edit
    fresh("undo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == start

    rows = {row["id"]: row for row in history(fresh)}
    assert rows[4]["undone_by"] == 5 and rows[5]["undoes"] == 4
    assert rows[3]["undone_by"] == 6 and rows[6]["undoes"] == 3
    assert rows[2]["undone_by"] == 7 and rows[7]["undoes"] == 2
    assert rows[5]["summary"] == 'undo of #4: phase 4 updated: name "Đợt 4: Tổng kết"→"Đợt 4"'
    assert rows[6]["command"] == "campaign undo"

    error = one_line_error(fresh("undo"))
    assert "created the campaign, which cannot be undone" in error and "new database" in error
    assert data_only(db_snapshot(isolated_environment)) == start


def test_undo_n_reverts_n_changes_or_nothing(fresh, isolated_environment):
    start = data_only(db_snapshot(isolated_environment))
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("phase", "edit", "2", "--name", "Hai", ok=True)
    fresh("phase", "edit", "3", "--name", "Ba", ok=True)
    before = db_snapshot(isolated_environment)
    error = one_line_error(fresh("undo", "4"))
    assert "only 3 change(s) can be undone" in error and "campaign undo 3" in error
    assert db_snapshot(isolated_environment) == before
    fresh.fails("undo", "0", code=2)
    result = fresh("undo", "3", ok=True)
    assert result.stderr.count("Undid #") == 3
    assert data_only(db_snapshot(isolated_environment)) == start
    assert [row["undoes"] for row in history(fresh)[:3]] == [2, 3, 4]


def test_undo_refuses_a_row_changed_outside_the_history(fresh, isolated_environment):
    fresh("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    db = open_database(isolated_environment)  # behind the tool's back: no history
    db.execute("UPDATE phase SET end_date = ? WHERE number = 3", (dt.date(2021, 7, 31),))
    db.close()
    before = db_snapshot(isolated_environment)
    error = one_line_error(fresh("undo"))
    assert "cannot undo #2 (campaign phase edit 3 --end 30/6/2021): phase 3 has been changed since" in error
    assert "(end_date)" in error and "nothing was undone" in error
    assert db_snapshot(isolated_environment) == before


def test_undo_puts_back_removed_rows_with_their_ids(sample, isolated_environment):
    start = data_only(db_snapshot(isolated_environment))
    removals = [("member", "remove", "1", "--yes"), ("unit", "remove", "3", "--yes"),
                ("task", "remove", "1", "--yes"), ("log", "remove", "5", "--yes")]  # fmt: skip
    for args in removals:
        sample(*args, ok=True)
    assert data_only(db_snapshot(isolated_environment)) != start
    changes = [row for row in history(sample) if row["command"] != "campaign init --sample"]
    assert [row["command"] for row in changes] == ["campaign " + " ".join(args) for args in reversed(removals)]
    assert [row["summary"] for row in changes] == [
        'log entry 5 removed: "Loạt bài “Những điểm mới của Luật Bầu c…"',
        '3 assignments removed; 2 log entries updated; task 1 removed: "Hội nghị thông tin, quán triệt nội dung…"',
        "2 members updated; 15 assignments removed; 16 log entries updated; "
        'unit 3 removed: "Trung tâm Văn hóa, Thể thao và Truyền t…"',
        "task 28: member 1 removed as lead; log entry 46 updated: member_id 1→∅; "
        'campaign 1 updated: signer_id 1→∅; member 1 removed: "Nguyễn Mạnh Hùng"',  # the signer: no longer
    ]
    result = sample("undo", "4", ok=True)
    assert result.stderr.count("Undid #") == 4
    assert data_only(db_snapshot(isolated_environment)) == start
    assert sample.json("member", "show", "1")["name"] == "Nguyễn Mạnh Hùng"
    # New rows after an undo get fresh ids and do not collide with restored ones.
    sample("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    sample("phase", "add", "Đợt 4", "--start", "1/7/2021", ok=True)


def test_undo_is_recorded_under_the_actor(fresh):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("--user", "Trần Thị Mai", "undo", ok=True)
    assert history(fresh)[0]["actor"] == "Trần Thị Mai"


# -- property: any sequence of commands, then undo of all of them ------------------
_WORD = st.text(alphabet="aăâđeêoôơuư bcghkmnt[]/=ÀẠ", min_size=1, max_size=10)
_DAY = st.integers(min_value=0, max_value=150).map(
    lambda n: (dt.date(2021, 7, 1) + dt.timedelta(days=n)).strftime("%d/%m/%Y")
)
_SMALL = st.integers(min_value=1, max_value=14).map(str)

COMMANDS = st.one_of(
    st.tuples(st.just("phase"), st.just("add"), _WORD, st.just("--start"), _DAY, st.just("--end"), _DAY),
    st.tuples(st.just("phase"), st.just("edit"), st.integers(1, 6).map(str), st.just("--name"), _WORD),
    st.tuples(st.just("phase"), st.just("edit"), st.integers(3, 6).map(str), st.just("--end"), _DAY),
    st.tuples(st.just("phase"), st.just("remove"), st.integers(1, 6).map(str), st.just("--yes")),
    st.tuples(st.just("unit"), st.just("add"), _WORD),
    st.tuples(st.just("unit"), st.just("edit"), _SMALL, st.just("--short"), _WORD),
    st.tuples(st.just("unit"), st.just("remove"), _SMALL, st.just("--yes")),
    st.tuples(st.just("member"), st.just("add"), _WORD, st.just("--unit"), _SMALL),
    st.tuples(st.just("member"), st.just("edit"), _SMALL, st.just("--title"), _WORD),
    st.tuples(st.just("member"), st.just("remove"), _SMALL, st.just("--yes")),
    st.tuples(st.just("task"), st.just("add"), _WORD, st.just("--phase"), st.just("2"), st.just("--lead"),
              _SMALL.map(lambda n: "m" + n), st.just("--support"), _SMALL.map(lambda n: "u" + n)),
    st.tuples(st.just("task"), st.sampled_from(["done", "start", "cancel", "reopen"]), st.integers(1, 30).map(str)),
    st.tuples(st.just("task"), st.just("edit"), st.integers(1, 30).map(str), st.just("--title"), _WORD),
    st.tuples(st.just("task"), st.just("remove"), st.integers(1, 30).map(str), st.just("--yes")),
    st.tuples(st.just("log"), st.just("add"), st.just("--type"), st.just("poster"), st.just("--qty"), _SMALL,
              st.just("--by"), _SMALL.map(lambda n: "m" + n), st.just("--note"), _WORD),
    st.tuples(st.just("log"), st.just("remove"), st.integers(1, 70).map(str), st.just("--yes")),
)

_TEMPLATES: dict[str, Path] = {}


def sample_template() -> Path:
    """The sample with phase 3 closed, built once per session and copied per example."""
    if "sample" not in _TEMPLATES:
        path = Path(tempfile.mkdtemp(prefix="campaign-template-")) / "sample.db"
        runner = CliRunner()
        env = {"CAMPAIGN_DB": str(path), "CAMPAIGN_TODAY": "15/4/2021"}
        for args in (["init", "--sample"], ["phase", "edit", "3", "--end", "30/6/2021"]):
            result = runner.invoke(app, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
        _TEMPLATES["sample"] = path
    return _TEMPLATES["sample"]


@pytest.mark.slow
@pytest.mark.sqlite_only
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands=st.lists(COMMANDS, min_size=1, max_size=10), one_by_one=st.booleans())
def test_any_commands_then_undo_of_all_leaves_the_database_as_it_was(cli, commands, one_by_one):
    available = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.db"
        shutil.copyfile(sample_template(), path)
        env = {"CAMPAIGN_DB": str(path), "CAMPAIGN_TODAY": "15/4/2021"}
        start = data_only(db_snapshot(path))
        first_changeset = max(row[0] for row in db_snapshot(path)["changeset"])
        for command in commands:
            noun_verb = command[:2]
            if noun_verb not in available:
                available[noun_verb] = cli(*noun_verb, "--help").exit_code == 0
            if not available[noun_verb]:
                continue
            result = cli(*command, env=env)
            assert result.exit_code in (0, 1), (command, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr
        made = len([row for row in db_snapshot(path)["changeset"] if row[0] > first_changeset])
        if made:
            if one_by_one:
                for _step in range(made):
                    cli("undo", env=env, ok=True)
            else:
                cli("undo", str(made), env=env, ok=True)
        assert data_only(db_snapshot(path)) == start


# == 4. export and import ============================================================
def test_export_writes_the_documented_document(sample, tmp_path):
    document = json.loads(sample("export", ok=True).stdout)
    assert list(document) == ["format", "version", "campaign", "phases", "units", "members", "activity_types",
                              "tasks", "activities"]
    assert document["format"] == "campaign-export" and document["version"] == 1
    assert document["campaign"]["election_day"] == "2021-05-23"
    assert [phase["id"] for phase in document["phases"]] == [1, 2, 3]
    assert len(document["activity_types"]) >= 19
    task = document["tasks"][0]
    assert set(task) == {"id", "phase_id", "title", "type_id", "due", "target", "unit_of_measure", "themes", "status",
                         "reason", "completed_on", "created_at", "assignments"}
    assert isinstance(task["themes"], list)
    members = {member["id"] for member in document["members"]}
    units = {unit["id"] for unit in document["units"]}
    for task in document["tasks"]:
        for assignment in task["assignments"]:
            assert (assignment["member_id"] in members) != (assignment["unit_id"] in units)
    path = tmp_path / "out" / "campaign.json"
    path.parent.mkdir()
    result = sample("export", path, ok=True)
    assert "Exported" in result.stderr
    assert json.loads(path.read_text(encoding="utf-8")) == document
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "exports hold phone numbers"
    assert [p.name for p in path.parent.iterdir()] == ["campaign.json"]


@pytest.mark.sqlite_only
def test_export_import_round_trip_is_exact_and_rows_are_identical(sample, isolated_environment, tmp_path):
    sample("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    sample("phase", "add", "Đợt 4", "--start", "1/7/2021", ok=True)
    sample("phase", "remove", "4", "--yes", ok=True)  # a gap in the ids
    sample("phase", "add", "Đợt 4: Tổng kết", "--start", "2/7/2021", ok=True)
    exported = sample("export", ok=True).stdout
    (tmp_path / "a.json").write_text(exported, encoding="utf-8")
    other = tmp_path / "other.db"
    result = sample("--db", other, "import", tmp_path / "a.json", ok=True)
    assert "Imported campaign" in result.stderr and "28 tasks" in result.stderr
    assert sample("--db", other, "export", ok=True).stdout == exported

    # Into a database that already holds a campaign, under another name.
    sample("--db", other, "import", tmp_path / "a.json", "--name", "Bản sao", ok=True)
    again = json.loads(sample("--db", other, "--campaign", "Bản sao", "export", ok=True).stdout)
    original = json.loads(exported)
    assert again["campaign"]["name"] == "Bản sao"
    again["campaign"]["name"] = original["campaign"]["name"]
    # A second copy beside the first is another campaign: it gets its own stored id.
    assert again["campaign"]["uid"] != original["campaign"]["uid"]
    again["campaign"]["uid"] = original["campaign"]["uid"]
    assert again == original

    # Every column of every row, folded search twins included, is what the commands stored.
    source, copy = raw_snapshot(isolated_environment), raw_snapshot(other)
    phase_ids = {row[0]: position for position, row in enumerate(source["phase"][1], start=1)}
    for table in ("unit", "member", "activity_type", "task", "assignment", "activity"):
        columns, rows = source[table]
        copied = copy[table][1][: len(rows)]
        if table == "task":
            phase_at = columns.index("phase_id")
            rows = [row[:phase_at] + (phase_ids[row[phase_at]],) + row[phase_at + 1:] for row in rows]
        assert copied == rows, table
    # The import is one changeset, filed under the new campaign; it cannot be undone.
    rows = sample.json("--db", other, "--campaign", "Bản sao", "history")
    assert len(rows) == 1 and rows[0]["command"].endswith("--name Bản sao")
    assert "cannot be undone" in one_line_error(sample("--db", other, "--campaign", "Bản sao", "undo"))


def test_import_refuses_a_campaign_name_already_there(fresh, tmp_path):
    path = tmp_path / "a.json"
    fresh("export", path, ok=True)
    error = one_line_error(fresh("import", path))
    assert "already has a campaign named 'Thử nghiệm'" in error and "--name" in error




@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "other"}, "not a campaign export"),
        ({"version": 2}, "version 2; this campaign release reads version 1"),
        ({"campaign.election_day": "23/5/2021"}, "campaign.election_day: '23/5/2021' is not an ISO date"),
        ({"campaign.name": "  "}, "campaign.name: may not be empty"),
        ({"campaign.name": "a\x1b[31mb"}, "campaign.name: the name contains the control character U+001B"),
        ({"tasks.0.phase_id": 9}, "tasks[0].phase_id: there is no phase with id 9 in this file"),
        ({"tasks.0.assignments": [{"role": "lead", "member_id": 1, "unit_id": 1}]},
         "tasks[0].assignments[0].member_id: give exactly one of member_id and unit_id"),
        ({"tasks.0.status": "finished"}, "tasks[0].status: 'finished' is not one of todo, doing"),
        ({"tasks.0.titel": "x"}, "tasks[0]: unknown field 'titel'"),
        ({"members.0.unit_id": 2}, "members[0].unit_id: there is no unit with id 2"),
        ({"activities.0.quantity": -1}, "activities[0].quantity: the quantity must be more than zero, not -1"),
        ({"activities.0.quantity": True}, "activities[0].quantity: must be a number"),
        ({"activities.0.type_id": DELETE}, "activities[0]: the field 'type_id' is missing"),
        ({"phases": [{"id": 1, "number": 1, "name": "A", "start": "2021-02-01", "end": "2021-04-30"},
                     {"id": 1, "number": 2, "name": "B", "start": "2021-05-01"}]}, "phases[1].id: 1 is used twice"),
        ({"phases": [{"id": 1, "number": 1, "name": "A", "start": "2021-02-01", "end": "2021-04-30"},
                     {"id": 2, "number": 2, "name": "B", "start": "2021-04-30"}]}, "phases 1 and 2 overlap"),
        ({"activity_types.0.code": "Áp phích"}, "activity_types[0].code: 'Áp phích' is not a type code"),
    ],
)
def test_import_checks_everything_before_writing(fresh, isolated_environment, tmp_path, changes, message):
    before = db_snapshot(isolated_environment)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export_document(**changes), ensure_ascii=False), encoding="utf-8")
    error = one_line_error(fresh("import", path))
    assert message in error
    assert db_snapshot(isolated_environment) == before


def test_import_reads_standard_input_and_rejects_non_json(cli, tmp_path):
    cli("import", "-", input=json.dumps(export_document()), ok=True)
    tasks = cli.json("task", "list")
    assert [task["title"] for task in tasks] == ["Treo áp phích"]
    (tmp_path / "x.json").write_text("{oops", encoding="utf-8")
    assert "is not valid JSON" in one_line_error(cli("import", tmp_path / "x.json"))
    assert "no file at" in one_line_error(cli("import", tmp_path / "missing.json"))


# -- property: random campaigns round-trip --------------------------------------------
_TEXT = st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁẠẾỆ[]=/&'\"", min_size=1, max_size=8),
                 min_size=1, max_size=3).map(" ".join)
_ISO = st.integers(0, 400).map(lambda n: (dt.date(2021, 1, 1) + dt.timedelta(days=n)).isoformat())
_QUANTITY = st.one_of(st.integers(0, 10_000), st.integers(1, 9999).map(lambda n: n / 4 if n % 4 else n / 4 + 0.5))


@st.composite
def export_documents(draw):
    phase_count = draw(st.integers(1, 4))
    phases, day = [], dt.date(2021, 1, 1)
    for number in range(1, phase_count + 1):
        length = draw(st.integers(0, 60))
        end = day + dt.timedelta(days=length)
        is_open = number == phase_count and draw(st.booleans())
        phases.append({"id": number, "number": number, "name": draw(_TEXT), "start": day.isoformat(),
                       "end": None if is_open else end.isoformat()})
        day = end + dt.timedelta(days=1)
    unit_names = draw(st.lists(_TEXT, max_size=4, unique_by=lambda text: "".join(text.lower().split())))
    from campaign_cli.services.text import fold

    units, taken = [], set()
    for name in unit_names:
        if fold(name) in taken:
            continue
        taken.add(fold(name))
        units.append({"id": len(units) + 1, "name": name, "short": ""})
    members = [
        {"id": index, "name": draw(_TEXT),
         "role": draw(st.sampled_from(["chair", "vice-chair", "secretary", "member"])),
         "title": draw(st.one_of(st.just(""), _TEXT)),
         "unit_id": draw(st.one_of(st.none(), st.sampled_from([u["id"] for u in units]))) if units else None,
         "phone": draw(st.sampled_from(["", "0229 3800 102"])), "email": ""}
        for index in range(1, draw(st.integers(0, 5)) + 1)
    ]
    types = [
        {"id": index, "code": code, "label_vi": f"loại {code}", "label_en": draw(st.sampled_from(["", code])),
         "unit": draw(st.sampled_from(["tờ", "buổi", "cái"]))}
        for index, code in enumerate(draw(st.lists(st.sampled_from(["poster", "seminar", "led-screen", "flag"]),
                                                   min_size=1, max_size=4, unique=True)), start=1)
    ]
    parties = [("member_id", m["id"]) for m in members] + [("unit_id", u["id"]) for u in units]
    tasks = []
    for index in range(1, draw(st.integers(0, 6)) + 1):
        chosen = draw(st.lists(st.sampled_from(parties), unique=True, max_size=3)) if parties else []
        assignments = []
        for position, (key, value) in enumerate(chosen):
            entry = {"role": "lead" if position == 0 else "support", "member_id": None, "unit_id": None}
            entry[key] = value
            assignments.append(entry)
        tasks.append({
            "id": index, "phase_id": draw(st.sampled_from([p["id"] for p in phases])), "title": draw(_TEXT),
            "type_id": draw(st.one_of(st.none(), st.sampled_from([t["id"] for t in types]))),
            "due": draw(st.one_of(st.none(), _ISO)), "target": draw(st.one_of(st.none(), _QUANTITY)),
            "unit_of_measure": draw(st.sampled_from(["", "tờ"])),
            "themes": draw(st.lists(_TEXT, max_size=2, unique_by=fold)),
            "status": draw(st.sampled_from(["todo", "doing", "done", "blocked", "cancelled"])),
            "reason": draw(st.sampled_from(["", "chờ kinh phí", "dòng một\ndòng hai"])),
            "completed_on": draw(st.one_of(st.none(), _ISO)), "created_at": "2021-03-04T08:00:00+00:00",
            "assignments": assignments,
        })
    activities = []
    for index in range(1, draw(st.integers(0, 8)) + 1):
        by = draw(st.one_of(st.none(), st.sampled_from(parties))) if parties else None
        activities.append({
            "id": index, "date": draw(_ISO), "type_id": draw(st.sampled_from([t["id"] for t in types])),
            "quantity": draw(_QUANTITY.filter(lambda quantity: quantity > 0)),
            "task_id": draw(st.one_of(st.none(), st.sampled_from([t["id"] for t in tasks]))) if tasks else None,
            "member_id": by[1] if by and by[0] == "member_id" else None,
            "unit_id": by[1] if by and by[0] == "unit_id" else None,
            "place": draw(st.sampled_from(["", "Thôn Đông"])), "note": draw(st.one_of(st.just(""), _TEXT)),
            "created_at": "2021-04-01T09:30:00+00:00",
        })
    return {
        "format": "campaign-export",
        "version": 1,
        "campaign": {"name": draw(_TEXT), "locality": draw(st.sampled_from(["", "Xã Gia Vân"])),
                     "level": draw(st.sampled_from(["province", "district", "commune"])),
                     "election_day": draw(_ISO), "lang": draw(st.sampled_from(["vi", "en"])),
                     "issuing_body": "", "signer": "", "place": "", "created_at": "2021-03-01T00:00:00+00:00",
                     "parent_body": draw(st.sampled_from(["", "ỦY BAN BẦU CỬ XÃ GIA VÂN"])),
                     "symbol": draw(st.sampled_from(["", "BC-TBTT"])),
                     "signer_id": draw(st.one_of(st.none(), st.sampled_from([m["id"] for m in members])))
                     if members else None,
                     "uid": draw(st.uuids()).hex},
        "phases": phases,
        "units": units,
        "members": members,
        "activity_types": types,
        "tasks": tasks,
        "activities": activities,
    }


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=export_documents())
def test_random_campaigns_round_trip_through_export_and_import(cli, document):
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        env = {"CAMPAIGN_DB": str(Path(folder) / "c.db")}
        cli("import", "-", input=text, env=env, ok=True)
        assert cli("export", env=env, ok=True).stdout == text
        # Into a database holding another campaign: other ids, the same document.
        other = {"CAMPAIGN_DB": str(Path(folder) / "d.db")}
        cli("init", "Khác", "--election-day", "1/1/2022", "--phases", "none", env=other, ok=True)
        cli("phase", "add", "x", "--start", "2/1/2023", env=other, ok=True)
        cli("import", "-", input=text, env=other, ok=True)
        assert cli("--campaign", document["campaign"]["name"], "export", env=other, ok=True).stdout == text


# == 3. backup and restore ===========================================================
@pytest.mark.sqlite_only
def test_backup_and_restore(sample, isolated_environment, tmp_path):
    copy = tmp_path / "copy.db"
    result = sample("backup", copy, ok=True)
    assert "integrity ok" in result.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert raw_snapshot(copy) == raw_snapshot(isolated_environment)
    assert not Path(f"{copy}-wal").exists()

    folder = tmp_path / "backups"
    folder.mkdir()
    sample("backup", folder, ok=True)
    assert [p.name.startswith("campaign-") and p.name.endswith(".db") for p in folder.iterdir()] == [True]

    saved = raw_snapshot(isolated_environment)
    sample("phase", "edit", "3", "--end", "30/6/2021", ok=True)
    changed = raw_snapshot(isolated_environment)
    result = sample("restore", copy, "--yes", ok=True)
    assert raw_snapshot(isolated_environment) == saved
    kept = sorted(tmp_path.glob("campaign.db.before-restore-*"))
    assert len(kept) == 1 and str(kept[0]) in result.stderr
    assert raw_snapshot(kept[0]) == changed
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    conn = sqlite3.connect(isolated_environment)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    sample("phase", "list", ok=True)

    assert "is the campaign database" in one_line_error(sample("backup", isolated_environment))


@pytest.mark.sqlite_only
def test_restore_checks_the_file_before_replacing_anything(sample, isolated_environment, tmp_path):
    before = isolated_environment.read_bytes()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert "is not an SQLite database" in one_line_error(sample("restore", garbage, "--yes"))

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert "is not a campaign database" in one_line_error(sample("restore", other, "--yes"))

    newer = tmp_path / "newer.db"
    sample("backup", newer, ok=True)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '7' WHERE name = 'schema_version'")
    conn.commit()
    conn.close()
    assert "schema version 7, newer than this release knows" in one_line_error(sample("restore", newer, "--yes"))

    damaged = tmp_path / "damaged.db"
    sample("backup", damaged, ok=True)
    data = bytearray(damaged.read_bytes())
    page = 4096
    for number in range(1, 6):  # scribble over the headers of some b-tree pages
        data[number * page : number * page + 12] = b"\xff" * 12
    damaged.write_bytes(bytes(data))
    error = one_line_error(sample("restore", damaged, "--yes"))
    assert "damaged" in error or "not an SQLite database" in error

    assert "no database file" in one_line_error(sample("restore", tmp_path / "missing.db", "--yes"))
    assert isolated_environment.read_bytes() == before
    assert not list(tmp_path.glob("campaign.db.before-restore-*"))


def test_backup_and_restore_refuse_postgresql(cli, tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    for args in (("backup", tmp_path / "x.db"), ("restore", tmp_path / "x.db", "--yes")):
        error = one_line_error(cli("--db", url, *args))
        assert "for PostgreSQL use pg_dump and pg_restore" in error


# == 5. concurrent writers ============================================================
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from typer.testing import CliRunner
    from campaign_cli.cli.app import app

    worker, count, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    runner = CliRunner()
    open(f"{go}.ready{worker}", "w").close()
    while not os.path.exists(go):
        time.sleep(0.005)
    slowest = 0.0
    for i in range(count):
        day = 1 + worker * count + i
        for args in (
            ["phase", "add", f"P{worker}-{i}", "--start", f"+{day}d", "--end", f"+{day}d"],
            ["log", "add", "--type", "poster", "--qty", "1", "--note", f"w{worker} n{i}"],
        ):
            started = time.perf_counter()
            result = runner.invoke(app, args)
            slowest = max(slowest, time.perf_counter() - started)
            if result.exit_code != 0:
                sys.stderr.write(f"{args}: {result.output}")
                sys.exit(1)
    print(f"{slowest:.3f}")
    """
)


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_parallel_writers_lose_nothing(cli, isolated_environment, tmp_path):
    workers, count = 4, 25
    cli("--as-of", "1/1/2021", "init", "Song song", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    go = tmp_path / "go"
    env = {**os.environ, "CAMPAIGN_DB": str(isolated_environment), "CAMPAIGN_TODAY": "1/1/2021"}
    processes = [
        subprocess.Popen([sys.executable, str(script), str(worker), str(count), str(go)], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for worker in range(workers)
    ]
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}.ready{worker}").exists() for worker in range(workers)):  # imported, at the line
        assert time.monotonic() < deadline and all(process.poll() is None for process in processes)
        time.sleep(0.01)
    started = time.perf_counter()
    go.touch()
    # Backups taken while they write are consistent snapshots.
    backups = []
    while any(process.poll() is None for process in processes) and len(backups) < 5:
        backups.append(tmp_path / f"during-{len(backups)}.db")
        cli("backup", backups[-1], ok=True)
    outputs = [process.communicate(timeout=300) for process in processes]
    elapsed = time.perf_counter() - started
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err and "busy" not in err
    slowest = max(float(out.strip()) for out, _err in outputs)
    print(f"\n{workers} writers x {2 * count} commands: {elapsed:.2f} s, slowest command {slowest:.3f} s, "
          f"{len(backups)} backups taken meanwhile")
    conn = sqlite3.connect(isolated_environment)
    try:
        numbers = [n for (n,) in conn.execute("SELECT number FROM phase ORDER BY number")]
        notes = {note for (note,) in conn.execute("SELECT note FROM activity")}
        changesets = conn.execute("SELECT COUNT(*) FROM changeset").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert numbers == list(range(1, workers * count + 1))  # no number handed out twice
    assert notes == {f"w{w} n{i}" for w in range(workers) for i in range(count)}
    assert changesets == 1 + 2 * workers * count
    assert backups
    for backup in backups:
        conn = _consistent(backup)
        for table in ("phase", "activity"):
            rows = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            recorded = conn.execute(
                "SELECT COUNT(*) FROM change WHERE table_name = ? AND action = 'insert'", (table,)).fetchone()[0]
            assert rows == recorded, (backup.name, table)  # every write with its history, none half-copied
        conn.close()


# == 6. killed writers ===================================================================
KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from campaign_cli.services.context import Context, find_campaign
    from campaign_cli.storage.db import Database, utc_now

    db = Database(sys.argv[1])
    campaign = find_campaign(db)
    type_id = db.scalar("SELECT id FROM activity_type WHERE code = 'poster' AND campaign_id = ?", (campaign["id"],))
    import datetime as dt
    with db.transaction(actor="killed", command="loop", campaign_id=campaign["id"]) as tx:
        for i in range(10**9):
            tx.insert("activity", {"campaign_id": campaign["id"], "on_date": dt.date(2021, 4, 1), "type_id": type_id,
                                   "quantity": 1, "note": f"killed {i}", "created_at": utc_now()})
            if i == 5000:
                print("halfway", flush=True)
    """
)


def _consistent(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_writer_killed_mid_transaction_leaves_nothing_half_done(fresh, isolated_environment, tmp_path):
    before = data_only(db_snapshot(isolated_environment))
    script = tmp_path / "killed.py"
    script.write_text(KILLED_WRITER, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(isolated_environment)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "halfway", process.stderr.read()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert Path(f"{isolated_environment}-wal").exists()  # it did write, uncommitted
    conn = _consistent(isolated_environment)
    assert conn.execute("SELECT COUNT(*) FROM activity WHERE note LIKE 'killed %'").fetchone()[0] == 0
    conn.close()
    assert data_only(db_snapshot(isolated_environment)) == before
    fresh("log", "add", "--type", "poster", "--date", "1/4/2021", ok=True)  # and it is writable again


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_import_killed_midway_leaves_all_or_nothing(sample, tmp_path):
    ENTRIES = 40_000
    document = json.loads(sample("export", ok=True).stdout)
    base = document["activities"][0]
    document["activities"] = [
        {**base, "id": index, "note": f"entry {index}"} for index in range(1, ENTRIES + 1)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "target.db"
    wal = Path(f"{target}-wal")
    outcomes = []
    for attempt in range(3):
        for leftover in tmp_path.glob("target.db*"):
            leftover.unlink()
        run_campaign("--db", str(target), "init", "Có sẵn", "--election-day", "1/1/2022")
        process = subprocess.Popen([sys.executable, "-m", "campaign_cli", "--db", str(target), "import", str(big)],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        # Kill once the import is writing its rows (the WAL grows past 1 MB).
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > (1 + attempt) * 1_000_000:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        process.wait(timeout=60)
        conn = _consistent(target)
        campaigns = conn.execute("SELECT COUNT(*) FROM campaign").fetchone()[0]
        entries = conn.execute("SELECT COUNT(*) FROM activity").fetchone()[0]
        conn.close()
        assert (campaigns, entries) in ((1, 0), (2, ENTRIES)), (campaigns, entries)
        outcomes.append("none" if campaigns == 1 else "all")
        if outcomes[-1] == "none":
            break
    print(f"\nkilled imports of {ENTRIES} entries: {outcomes}")
    assert "none" in outcomes, "the kill never landed inside the import's transaction"


# == 7. hostile text =====================================================================
SHOWN_LITERALLY = [
    "[red]x[/red]",
    "[link=http://x]y[/link]",
    "[bold magenta]Đợt[/]",
    "Robert'); DROP TABLE phase;--",
    "' OR '1'='1",
    "100% _off_ \\ back",
    "=HYPERLINK(\"http://x\",\"y\")",
    "@SUM(A1)",
    "😀 Bầu cử – “ngày hội”",
    "<script>alert(1)</script>",
    "a" * 200,
]
REFUSED = [
    ("\x1b[31mred\x1b[0m", "control character U+001B"),
    ("bell\x07", "control character U+0007"),
    ("nul\x00byte", "control character U+0000"),
    ("cr\rreturn", "control character U+000D"),
    ("line\nbreak", "control character U+000A"),
    ("c1\x9bcontrol", "control character U+009B"),
    ("\u202eevil", "bidirectional-control character U+202E"),
    ("\u2067isolate\u2069", "bidirectional-control character U+2067"),
    ("a" * 1001, "too long"),
]


def _adders():
    """(noun, add arguments for a text, JSON key of the text) per noun."""
    return [
        ("phase", lambda text, day=1: ["phase", "add", text, "--start", f"{day}/6/2021", "--end", f"{day}/6/2021"],
         "name"),
        ("unit", lambda text, day=1: ["unit", "add", text], "name"),
        ("member", lambda text, day=1: ["member", "add", text], "name"),
        ("task", lambda text, day=1: ["task", "add", text, "--phase", "1"], "title"),
        ("log", lambda text, day=1: ["log", "add", "--type", "poster", "--date", "1/3/2021", "--note", text], "note"),
    ]


@pytest.fixture
def closed(fresh):
    fresh("phase", "edit", "3", "--end", "31/5/2021", ok=True)
    return fresh


@pytest.mark.parametrize("noun", ["phase", "unit", "member", "task", "log"])
def test_hostile_text_is_stored_and_printed_literally(closed, noun):
    [(_noun, add, key)] = [entry for entry in _adders() if entry[0] == noun]
    for day, text in enumerate(SHOWN_LITERALLY, start=1):
        closed(*add(text, day), ok=True)
    stored = [row[key] for row in closed.json(noun, "list")]
    table = closed(noun, "list", "--format", "table", env={"COLUMNS": "3000"}, ok=True).stdout
    csv_text = closed(noun, "list", "--format", "csv", ok=True).stdout
    markdown = closed(noun, "list", "--format", "md", ok=True).stdout
    summaries = " ".join(row["summary"] for row in closed.json("history", "--limit", "0"))
    for text in SHOWN_LITERALLY:
        assert text in stored
        if len(text) < 60:
            assert text in table, (text, table)
            assert text[:30] in summaries
        if text.startswith(("=", "@", "+", "-")):
            assert "'" + text.replace('"', '""') in csv_text
            assert f",{text}" not in csv_text and f"\n{text}" not in csv_text
    assert "[red]" not in markdown and "<script>" not in markdown
    assert "\\[red\\]x\\[/red\\]" in markdown


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=lambda value: repr(value[:12]))
def test_hostile_text_is_refused_with_one_clear_line(closed, isolated_environment, text, message):
    before = db_snapshot(isolated_environment)
    for noun, add, _key in _adders():
        if noun == "log" and text in ("line\nbreak", "cr\rreturn"):
            continue  # notes may span lines (a lone CR is read as a line break)
        error = one_line_error(closed(*add(text)))
        assert message in error, (noun, error)
        assert "\x1b" not in error and "\x00" not in error
    assert db_snapshot(isolated_environment) == before


def test_bidi_marks_are_refused(closed):
    one_line_error(closed("unit", "add", "abc\u200fdef"))


def test_multiline_note_keeps_its_lines(closed):
    closed("log", "add", "--type", "poster", "--date", "1/3/2021", "--note", "dòng một\ndòng hai", ok=True)
    assert closed.json("log", "list")[0]["note"] == "dòng một\ndòng hai"


def test_hostile_campaign_name(cli, tmp_path):
    cli("init", "[red]Bầu cử[/red]", "--election-day", "23/5/2021", ok=True)
    assert cli.json("info")["campaign"] == "[red]Bầu cử[/red]"
    assert "[red]Bầu cử[/red]" in cli("info", ok=True).stdout
    error = one_line_error(cli("--db", tmp_path / "other.db", "init", "a\x1bb", "--election-day", "1/1/2022"))
    assert "control character" in error


def test_csv_cells_neutralise_formulas():
    from campaign_cli.cli.render import csv_cell

    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("+84 229 3800 102") == "'+84 229 3800 102"
    assert csv_cell("-5") == "'-5"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("\tx") == "'\tx"
    assert csv_cell("an ordinary = sign") == "an ordinary = sign"
    assert csv_cell(-5) == -5 and csv_cell(2.0) == 2


@pytest.mark.sqlite_only
def test_database_file_is_private(fresh, isolated_environment):
    assert stat.S_IMODE(isolated_environment.stat().st_mode) == 0o600
