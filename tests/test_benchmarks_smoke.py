"""Smoke test of the benchmark tools: a tiny campaign, checked row by row; no timings."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from campaign_cli.services.text import fold
from campaign_cli.storage.db import Database
from campaign_cli.storage.tables import DB_SCHEMA_VERSION

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TASKS, LOGS, CSV_ROWS = 200, 2_000, 300


def _load(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # run.py imports generate by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _load("generate")


@pytest.fixture(scope="module")
def built(gen, tmp_path_factory):
    """Generated once through the command line: database, Taskwarrior JSON and CSV."""
    folder = tmp_path_factory.mktemp("bench")
    paths = {"db": folder / "bench.db", "json": folder / "tasks.json", "csv": folder / "logs.csv"}
    code = gen.main(["--tasks", str(TASKS), "--logs", str(LOGS), "--db", str(paths["db"]),
                     "--taskwarrior-json", str(paths["json"]), "--csv", str(paths["csv"]),
                     "--csv-rows", str(CSV_ROWS)])
    assert code == 0
    conn = sqlite3.connect(paths["db"])
    yield paths, conn
    conn.close()


def test_counts(built):
    _, conn = built
    count = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
             for table in ("campaign", "phase", "unit", "member", "activity_type", "task", "assignment", "activity",
                           "changeset", "change")}
    assert count == {"campaign": 1, "phase": 3, "unit": 10, "member": 50, "activity_type": 19, "task": TASKS,
                     "assignment": count["assignment"], "activity": LOGS, "changeset": 0, "change": 0}
    assert TASKS <= count["assignment"] <= 3 * TASKS
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == (str(DB_SCHEMA_VERSION),)


def test_tasks_are_realistic(built, gen):
    _, conn = built
    phases = {row[0]: (dt.date.fromisoformat(row[1]), row[2]) for row in
              conn.execute("SELECT id, start_date, end_date FROM phase")}
    election_day = dt.date.fromisoformat(conn.execute("SELECT election_day FROM campaign").fetchone()[0])
    rows = conn.execute("SELECT id, phase_id, title, title_folded, due, status, completed_on, themes, created_at, "
                        "target, unit_of_measure FROM task").fetchall()
    done = 0
    for _id, phase_id, title, title_folded, due, status, completed_on, themes, created_at, target, uom in rows:
        start, end = phases[phase_id]
        end = dt.date.fromisoformat(end) if end else election_day + gen.AFTER_ELECTION
        assert start <= dt.date.fromisoformat(due) <= end
        assert (status == "done") == (completed_on is not None)
        done += status == "done"
        theme_list = themes.split("\n")
        assert 1 <= len(theme_list) <= 3 and set(theme_list) <= set(gen.THEMES)
        assert title_folded == fold(" ".join([title, *theme_list]))
        assert dt.datetime.fromisoformat(created_at).tzinfo is not None
        assert (target is None) == (uom == "")
    assert 0.15 < done / TASKS < 0.45
    leads = conn.execute("SELECT task_id, COUNT(*) FROM assignment WHERE role = 'lead' GROUP BY task_id").fetchall()
    assert len(leads) == TASKS and {n for _, n in leads} == {1}
    assert conn.execute("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM assignment "
                        "WHERE role = 'support' GROUP BY task_id)").fetchone()[0] <= 2


def test_people_and_logs(built, gen):
    _, conn = built
    members = conn.execute("SELECT name, name_folded FROM member").fetchall()
    assert all(folded == fold(name) for name, folded in members)
    assert len({name for name, _ in members}) == 50
    assert any(not name.isascii() for name, _ in members)  # Vietnamese names, with diacritics
    assert conn.execute("SELECT COUNT(*) FROM member WHERE role = 'chair'").fetchone() == (1,)
    low, high = conn.execute("SELECT MIN(on_date), MAX(on_date) FROM activity").fetchone()
    first = conn.execute("SELECT MIN(start_date) FROM phase").fetchone()[0]
    assert low >= first and high <= (dt.date(2021, 5, 23) + gen.AFTER_ELECTION).isoformat()
    assert conn.execute("SELECT COUNT(*) FROM activity WHERE member_id IS NOT NULL AND unit_id IS NOT NULL"
                        ).fetchone() == (0,)
    assert conn.execute("SELECT COUNT(*) FROM activity WHERE quantity <= 0").fetchone() == (0,)
    # the peak phase is denser than the first
    per_day = dict(conn.execute("SELECT p.number, COUNT(*) * 1.0 / (julianday(COALESCE(p.end_date, p.start_date)) - "
                                "julianday(p.start_date) + 1) FROM activity a JOIN phase p ON a.on_date "
                                "BETWEEN p.start_date AND p.end_date GROUP BY p.number").fetchall())
    assert per_day[2] > per_day[1]


def test_taskwarrior_json(built):
    paths, conn = built
    records = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == TASKS
    assert len({record["uuid"] for record in records}) == TASKS
    stamp = re.compile(r"^\d{8}T\d{6}Z$")
    for record in records:
        assert record["description"]
        assert record["project"].isascii() and " " not in record["project"]
        assert all(tag.isascii() and re.fullmatch(r"[a-z0-9-]+", tag) for tag in record["tags"])
        assert stamp.match(record["due"]) and stamp.match(record["entry"])
        assert record["status"] in ("pending", "completed")
        assert ("end" in record) == (record["status"] == "completed")
        for annotation in record.get("annotations", ()):
            assert stamp.match(annotation["entry"]) and annotation["description"]
    completed = sum(record["status"] == "completed" for record in records)
    assert completed == conn.execute("SELECT COUNT(*) FROM task WHERE status = 'done'").fetchone()[0]
    assert any("annotations" in record for record in records)


def test_log_csv(built):
    paths, _ = built
    with open(paths["csv"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == CSV_ROWS
    assert list(rows[0]) == ["date", "type", "quantity", "member", "task", "place", "note"]
    assert all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", row["date"]) and float(row["quantity"]) > 0 for row in rows)


def test_campaign_reads_the_generated_database(built, cli):
    paths, _ = built
    info = cli.json("--db", str(paths["db"]), "info")
    assert info["counts"]["task"] == TASKS and info["counts"]["activity"] == LOGS


def test_generator_appends_a_second_campaign(gen, tmp_path):
    db = Database(str(tmp_path / "two.db"))
    try:
        first = gen.generate(db, tasks=5, logs=10)
        second = gen.generate(db, tasks=7, logs=20, seed=7)
        assert second.campaign_id == first.campaign_id + 1
        assert db.scalar("SELECT COUNT(*) FROM task WHERE campaign_id = ?", (second.campaign_id,)) == 7
        assert db.scalar("SELECT COUNT(*) FROM activity") == 30
        assert db.rows("PRAGMA foreign_key_check") == []
    finally:
        db.close()


def test_runner_pieces(tmp_path):
    run = _load("run")
    ok = run.Command("python", [sys.executable, "-c", "pass"], {})
    bad = run.Command("fails", [sys.executable, "-c", "import sys; sys.exit('Error: no such thing')"], {})
    for command in (ok, bad):
        command.run(tmp_path)
        command.run(tmp_path)  # a failed command is not run again
    assert len(ok.times) == 2 and ok.median > 0 and ok.peak_mb > 1 and ok.error is None
    assert bad.error == "exit 1: Error: no such thing" and bad.times == []
    pair = run.Pair("p", ok, bad, "<= 2x", lambda p: None if p.ratio() is None else p.ratio() <= 2)
    assert pair.verdict() == "n/a" and "ERROR" in run.report_pairs([pair])
    assert run.linear_verdicts([(10, 100.0), (100, 110.0), (1000, 180.0)]) == ["-", "PASS", "PASS"]
    assert run.linear_verdicts([(10, 100.0), (100, 110.0), (1000, 900.0)]) == ["-", "PASS", "FAIL"]
    args = run.parse_args(["--quick"])
    assert args.runs == 3 and args.sizes == [1000, 5000, 20000]
    assert run.parse_args(["--sizes", "10_000,20000"]).sizes == [10000, 20000]
