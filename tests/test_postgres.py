"""PostgreSQL as the shared database: same results as SQLite, clear errors, many writers.

Tests marked ``postgresql_only`` need a server (``CAMPAIGN_TEST_PG_URL``) and
are skipped without one; the others run on whichever backend the suite uses
(``--backend``), so they check SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import Cli, db_rows, db_snapshot, open_database, with_query

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.storage.db import Database, redact_url

PG_URL = "postgresql+psycopg://someone@/campaign?host=/nonexistent-campaign-socket-dir"


# -- without a server -------------------------------------------------------------
def test_missing_driver_is_one_line_saying_what_to_install(cli: Cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" raises ImportError
    result = cli.fails("--db", PG_URL, "phase", "list")
    assert result.stderr.strip().splitlines() == [
        "Error: PostgreSQL support is not installed: run  pip install 'campaign-cli[postgres]'"
    ]
    assert result.stdout == ""


def test_unreachable_server_is_one_line(cli: Cli):
    pytest.importorskip("psycopg")
    result = cli.fails("--db", PG_URL, "phase", "list")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot connect to the PostgreSQL server: ")
    assert "is the server running" in lines[0]


def test_passwords_in_urls_are_never_shown():
    assert redact_url("postgresql+psycopg://clerk:s3cr%40t@db.example/campaign") == (
        "postgresql+psycopg://clerk:***@db.example/campaign"
    )
    assert redact_url("postgresql://clerk@db.example/campaign?sslmode=require") == (
        "postgresql://clerk@db.example/campaign?sslmode=require"
    )
    assert Database("postgresql://a:b@h/d").url == "postgresql://a:***@h/d"


# -- both backends: same types, same error messages ---------------------------------
def test_values_read_back_have_the_same_types_on_both_backends(fresh: Cli, campaign_db: Database):
    fresh("unit", "add", "Ban Tuyên giáo", ok=True)
    fresh("log", "add", "--type", "poster", "--qty", "40", "--date", "1/5/2021", ok=True)
    fresh("log", "add", "--type", "poster", "--qty", "2.5", "--date", "3/5/2021", ok=True)
    row = campaign_db.one(
        "SELECT MIN(a.quantity) AS low, SUM(a.quantity) AS total, COUNT(*) AS entries, "
        "SUM(CAST(a.type_id AS BIGINT)) AS type_sum, AVG(a.quantity) AS mean, COUNT(*) * 1.0 / 4 AS share, "
        "SUM(CASE WHEN a.quantity > 10 THEN 1 ELSE 0 END) AS big, AVG(a.type_id) AS mean_type, "
        "COUNT(*) > 1 AS several "
        "FROM activity a"
    )
    assert row == {"low": 2.5, "total": 42.5, "entries": 2, "type_sum": row["type_sum"], "mean": 21.25,
                   "share": 0.5, "big": 1, "mean_type": row["mean_type"], "several": 1}
    for name, kind in (("low", float), ("total", float), ("entries", int), ("type_sum", int), ("mean", float),
                       ("share", float), ("big", int), ("mean_type", float), ("several", int)):
        assert type(row[name]) is kind, (name, row[name])
    dates = campaign_db.dicts("SELECT on_date, quantity FROM activity ORDER BY on_date")
    assert [(type(r["on_date"]), r["on_date"], type(r["quantity"])) for r in dates] == [
        (dt.date, dt.date(2021, 5, 1), float),
        (dt.date, dt.date(2021, 5, 3), float),
    ]
    # None parameters work in "? IS NULL" (client-side binding on PostgreSQL).
    assert campaign_db.scalar("SELECT COUNT(*) FROM activity WHERE (? IS NULL OR on_date >= ?)", (None, None)) == 2
    assert campaign_db.scalar("SELECT COUNT(*) FROM activity WHERE note LIKE '%'") == 2


def test_constraint_errors_read_the_same_on_both_backends(fresh: Cli, campaign_db: Database):
    campaign_id = campaign_db.scalar("SELECT id FROM campaign")
    with pytest.raises(Conflict) as duplicate, campaign_db.transaction(campaign_id=campaign_id) as tx:
        tx.insert("phase", {"campaign_id": campaign_id, "number": 1, "name": "again",
                            "start_date": dt.date(2030, 1, 1), "end_date": None})
    assert duplicate.value.message == "another phase row already has the same campaign_id, number: pick another value"
    with pytest.raises(Invalid) as broken, campaign_db.transaction(campaign_id=campaign_id) as tx:
        tx.insert("phase", {"campaign_id": campaign_id, "number": 9, "name": "backwards",
                            "start_date": dt.date(2030, 1, 2), "end_date": dt.date(2030, 1, 1)})
    assert broken.value.message == "a value breaks the database rule 'phase_dates': check the values given"
    with pytest.raises(Conflict) as dangling, campaign_db.transaction(campaign_id=campaign_id) as tx:
        tx.insert("phase", {"campaign_id": 999, "number": 9, "name": "nowhere", "start_date": dt.date(2030, 1, 2)})
    assert "foreign key" in dangling.value.message
    # Nothing of the failed transactions stayed, and the connection is usable.
    assert campaign_db.scalar("SELECT COUNT(*) FROM phase") == 3
    assert campaign_db.scalar("SELECT COUNT(*) FROM changeset") == 1


def test_rows_written_with_explicit_ids_do_not_block_new_ids(fresh: Cli, isolated_environment: Path):
    """Imports and undo write old ids; PostgreSQL's sequences must move past them."""
    db = open_database(isolated_environment)
    try:
        campaign_id = db.scalar("SELECT id FROM campaign")
        with db.transaction(campaign_id=campaign_id) as tx:
            tx.insert("unit", {"id": 50, "campaign_id": campaign_id, "name": "Imported", "short": "",
                               "name_folded": "imported"})
    finally:
        db.close()
    added = fresh("unit", "add", "Added later", ok=True)
    assert "Added later" in added.stderr
    assert db_rows(isolated_environment, "SELECT id, name FROM unit ORDER BY id") == [
        (50, "Imported"), (51, "Added later")
    ]
    fresh("unit", "remove", "51", "--yes", ok=True)
    fresh("undo", ok=True)
    fresh("unit", "add", "Third", ok=True)
    assert [name for _id, name in db_rows(isolated_environment, "SELECT id, name FROM unit ORDER BY id")] == [
        "Imported", "Added later", "Third"
    ]


def test_migrations_run_in_one_transaction(fresh: Cli, campaign_db: Database, monkeypatch: pytest.MonkeyPatch):
    from campaign_cli.storage import schema

    created = schema.current_version()
    following = created + 1

    def broken(db: Database) -> None:
        db.execute("CREATE TABLE probe_table (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    def works(db: Database) -> None:
        db.execute("CREATE TABLE probe_table (id INTEGER PRIMARY KEY)")

    def stored() -> str:
        return campaign_db.scalar("SELECT value FROM meta WHERE name = 'schema_version'")

    assert stored() == str(created)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, (following, broken)])
    failed = fresh.fails("phase", "list")
    assert len(failed.stderr.strip().splitlines()) == 1
    assert stored() == str(created)
    assert "probe_table" not in _tables(campaign_db)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:-1], (following, works)])
    fresh("phase", "list", ok=True)
    assert stored() == str(following)
    assert "probe_table" in _tables(campaign_db)


def _tables(db: Database) -> set[str]:
    if db.dialect == "postgresql":
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {name for (name,) in db.rows(sql)}


# -- many writers at once ---------------------------------------------------------------
WORKER = textwrap.dedent(
    """
    import sys, time
    from typer.testing import CliRunner
    from campaign_cli.cli.app import app

    worker, rounds, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    runner = CliRunner()
    failures = []

    def run(*args):
        result = runner.invoke(app, list(args), catch_exceptions=True)
        if result.exit_code != 0:
            failures.append(f"{args}: exit {result.exit_code}: {result.stderr.strip()} {result.exception!r}")

    run("phase", "list")  # import everything before the start line
    time.sleep(max(0.0, start_at - time.time()))
    for index in range(rounds):
        day = 1 + worker * rounds + index  # a day of its own: phases may not overlap
        run("phase", "add", f"Worker {worker} round {index}", "--start", f"{day}/1/2031", "--end", f"{day}/1/2031")
        run("unit", "add", f"Unit {worker}-{index}")
        run("log", "add", "--type", "poster", "--qty", "2", "--date", "1/5/2021", "--note", f"w{worker} r{index}")
    print("\\n".join(failures))
    sys.exit(1 if failures else 0)
    """
)


@pytest.mark.slow
def test_many_writers_at_once_lose_nothing_and_see_no_errors(fresh: Cli, isolated_environment: Path, tmp_path: Path):
    workers, rounds = 4, 6
    fresh("phase", "edit", "3", "--end", "30/6/2021", ok=True)  # room for the workers' phases
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    start_at = time.time() + 6.0
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(worker), str(rounds), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for worker in range(workers)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, f"stdout: {stdout}\nstderr: {stderr}"
    total = workers * rounds
    rows = db_rows(isolated_environment, "SELECT number FROM phase WHERE number > 3 ORDER BY number")
    assert [number for (number,) in rows] == list(range(4, 4 + total))  # no number given twice, none lost
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM unit") == [(total,)]
    assert db_rows(isolated_environment, "SELECT COUNT(*), SUM(quantity) FROM activity") == [(total, 2.0 * total)]
    # Every command is one changeset in the history: init, the edit, 3 writes per round.
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM changeset") == [(2 + 3 * total,)]


# -- PostgreSQL only ------------------------------------------------------------------------
@pytest.fixture
def viewer(pg_server, backend: str):
    """A read-only role: may read the test's schema, may write nothing."""
    if backend != "postgresql":
        pytest.skip("the read-only role test runs on PostgreSQL runs")
    import psycopg

    role = f"viewer_{os.getpid()}_{int(time.time() * 1000) % 1_000_000}"
    try:
        pg_server.conn.execute(f"CREATE ROLE {role} LOGIN")
    except psycopg.errors.InsufficientPrivilege:
        pytest.skip("the test server's role may not create roles")
    try:
        yield role
    finally:
        pg_server.conn.execute(f"DROP OWNED BY {role}")
        pg_server.conn.execute(f"DROP ROLE {role}")


def _schema_of(url: str) -> str:
    return url.split("csearch_path%3D", 1)[1].split("&", 1)[0]


@pytest.mark.postgresql_only
def test_read_only_role_reads_and_gets_one_line_on_writes(sample: Cli, viewer: str, pg_server, isolated_environment):
    url = os.environ["CAMPAIGN_DB"]
    schema = _schema_of(url)
    pg_server.conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {viewer}")
    pg_server.conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {viewer}")
    viewer_url = with_query(url, user=viewer)
    as_viewer = {"CAMPAIGN_DB": viewer_url}
    assert sample.json("status", env=as_viewer) == sample.json("status")
    assert sample.json("task", "list", env=as_viewer) == sample.json("task", "list")
    open_task = db_rows(isolated_environment, "SELECT MIN(id) FROM task WHERE status = 'todo'")[0][0]
    sample("unit", "add", "Văn phòng của chủ", ok=True)  # something the viewer's undo would revert
    before = db_snapshot(isolated_environment)
    for command in (
        ("unit", "add", "Văn phòng mới"),
        ("log", "add", "--type", "poster", "--qty", "5"),
        ("phase", "edit", "3", "--end", "30/6/2021"),
        ("task", "done", str(open_task)),
        ("undo",),
    ):
        result = sample.fails(*command, env=as_viewer)
        assert result.stderr.strip().splitlines() == [
            "Error: your database role may not write here (read-only); ask the campaign's database "
            "administrator for a read-write role (see docs/postgresql.md)"
        ], command
    assert db_snapshot(isolated_environment) == before


@pytest.mark.postgresql_only
def test_role_without_create_gets_one_line_from_init(pg_server, viewer: str, backend: str, cli: Cli):
    url = os.environ["CAMPAIGN_DB"]
    pg_server.conn.execute(f"GRANT USAGE ON SCHEMA {_schema_of(url)} TO {viewer}")
    result = cli.fails("init", "Thử", "--election-day", "23/5/2021", env={"CAMPAIGN_DB": with_query(url, user=viewer)})
    assert result.stderr.strip().splitlines() == [
        "Error: your database role may not create or change tables here; run  campaign init  and upgrades "
        "as the database's owner role (see docs/postgresql.md)"
    ]


@pytest.mark.postgresql_only
def test_password_in_the_url_is_masked_in_messages(cli: Cli, backend: str):
    if backend != "postgresql":
        pytest.skip("runs on PostgreSQL runs")
    url = os.environ["CAMPAIGN_DB"]
    url = url.replace("@", ":not-shown@", 1) if "@" in url else url.replace("://", "://:not-shown@", 1)
    result = cli("init", "Thử", "--election-day", "23/5/2021", env={"CAMPAIGN_DB": url})
    if result.exit_code != 0:
        pytest.skip(f"the server checks passwords: {result.stderr.strip()}")
    info = cli.json("info", env={"CAMPAIGN_DB": url})
    assert "not-shown" not in json.dumps(info) + result.stderr
    assert ":***@" in info["database"]


def _run_scenario(cli: Cli, db_url: str) -> list[tuple[str, int, str, str]]:
    """A small campaign through the CLI; every command's exit code and output."""
    env = {"CAMPAIGN_DB": db_url, "CAMPAIGN_TODAY": "2021-05-04"}
    steps = [
        ("init", "Thử nghiệm", "--election-day", "23/5/2021", "--locality", "Huyện Gia Viễn"),
        ("unit", "add", "Ban Tuyên giáo Huyện ủy", "--short", "BTG"),
        ("unit", "add", "Ban Tuyên giáo Huyện ủy"),  # duplicate: an error
        ("member", "add", "Nguyễn Mạnh Hùng", "--role", "chair", "--unit", "BTG"),
        ("member", "add", "Đinh Văn Đức", "--role", "secretary"),
        ("task", "add", "Treo áp phích", "--phase", "2", "--type", "poster", "--lead", "hung", "--target", "840",
         "--due", "10/5/2021"),
        ("task", "add", "Hội nghị triển khai", "--phase", "1", "--type", "conference", "--lead", "BTG",
         "--support", "duc", "--due", "15/4/2021"),
        ("task", "add", "Phát thanh", "--phase", "2", "--type", "broadcast", "--target", "30", "--due", "20/5/2021"),
        ("task", "add", "Nowhere", "--phase", "7"),  # no such phase: an error
        ("task", "start", "1"),
        ("task", "done", "2"),
        ("log", "add", "--task", "1", "--type", "poster", "--qty", "300", "--date", "2/5/2021", "--by", "hung"),
        ("log", "add", "--task", "1", "--type", "poster", "--qty", "120.5", "--date", "3/5/2021"),
        ("log", "add", "--task", "3", "--type", "broadcast", "--qty", "4", "--date", "28/4/2021", "--by", "duc"),
        ("log", "add", "--type", "poster", "--qty", "-1"),  # negative: an error
        ("phase", "list", "--format", "json"),
        ("unit", "list", "--format", "json"),
        ("member", "list", "--format", "json"),
        ("member", "show", "hung", "--format", "json"),
        ("task", "list", "--format", "json"),
        ("task", "list", "--overdue", "--format", "json"),
        ("task", "list", "--search", "ap phich", "--format", "json"),
        ("task", "show", "1", "--format", "json"),
        ("log", "list", "--format", "json"),
        ("log", "list", "--week", "2021-W18", "--format", "csv"),
        ("status", "--format", "json"),
        ("report", "weekly", "--format", "json"),
        ("report", "phase", "2", "--format", "json"),
        ("report", "member", "--format", "json"),
        ("report", "burndown", "--format", "json"),
        ("type", "list", "--format", "json"),
        ("undo",),
        ("log", "list", "--format", "json"),
    ]
    outcomes = []
    for step in steps:
        result = cli(*step, env=env)
        normalised = [_without_volatile(text.replace(redact_url(db_url), "<db>").replace(db_url, "<db>"))
                      for text in (result.stdout, result.stderr)]
        outcomes.append((" ".join(step), result.exit_code, *normalised))
    return outcomes


@pytest.mark.postgresql_only
def test_same_outputs_and_exit_codes_on_sqlite_and_postgresql(cli: Cli, pg_schema: str, tmp_path: Path):
    on_sqlite = _run_scenario(cli, str(tmp_path / "parity.db"))
    on_postgres = _run_scenario(cli, pg_schema)
    assert [code for _step, code, _out, _err in on_sqlite].count(0) >= 25, on_sqlite
    for sqlite_outcome, postgres_outcome in zip(on_sqlite, on_postgres, strict=True):
        assert postgres_outcome == sqlite_outcome


@pytest.mark.postgresql_only
@pytest.mark.slow
def test_sample_reports_are_identical_on_sqlite_and_postgresql(cli: Cli, pg_schema: str, tmp_path: Path):
    commands = [
        ("status",),
        ("report", "weekly", "--week", "2021-W17"),
        ("report", "phase"),
        ("report", "member"),
        ("report", "burndown"),
        ("report", "timeline"),
        ("task", "list"),
        ("log", "list"),
        ("member", "list"),
        ("unit", "list"),
        ("export",),
    ]

    def outputs(db_url: str) -> list[tuple[int, str, str]]:
        env = {"CAMPAIGN_DB": db_url, "CAMPAIGN_TODAY": "2021-04-28"}
        cli("init", "--sample", env=env, ok=True)
        results = []
        for command in commands:
            args = [*command] if command == ("export",) else [*command, "--format", "json"]
            result = cli(*args, env=env)
            results.append((" ".join(command), result.exit_code, _without_volatile(result.stdout), result.stderr))
        return results

    on_sqlite = outputs(str(tmp_path / "sample.db"))
    on_postgres = outputs(pg_schema)
    for sqlite_outcome, postgres_outcome in zip(on_sqlite, on_postgres, strict=True):
        assert postgres_outcome == sqlite_outcome


def _without_volatile(stdout: str) -> str:
    """Export documents carry when they were made and where from; the rest must match."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return stdout
    return json.dumps(_drop_keys(data, VOLATILE_KEYS), ensure_ascii=False, sort_keys=True)


#: Keys whose values are the clock's or the database's, not the campaign's (uid: random at creation).
VOLATILE_KEYS = frozenset({"exported_at", "generated_at", "created_at", "at", "database", "source", "uid"})


def _drop_keys(data, keys):
    if isinstance(data, dict):
        return {key: _drop_keys(value, keys) for key, value in data.items() if key not in keys}
    if isinstance(data, list):
        return [_drop_keys(value, keys) for value in data]
    return data


@pytest.mark.postgresql_only
def test_a_campaign_moves_to_postgresql_and_back_with_nothing_lost(cli: Cli, pg_schema: str, tmp_path: Path):
    """The office's SQLite file goes to the shared server and back: export, import, compare."""
    office = {"CAMPAIGN_DB": str(tmp_path / "office.db")}
    server = {"CAMPAIGN_DB": pg_schema}
    back = {"CAMPAIGN_DB": str(tmp_path / "back.db")}
    cli("init", "--sample", env=office, ok=True)
    cli("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--qty", "40", "--by", "hung", env=office, ok=True)
    from_office = cli("export", env=office, ok=True).stdout
    cli("import", "-", input=from_office, env=server, ok=True)
    from_server = cli("export", env=server, ok=True).stdout
    cli("import", "-", input=from_server, env=back, ok=True)
    from_back = cli("export", env=back, ok=True).stdout
    assert _without_volatile(from_server) == _without_volatile(from_office)
    assert _without_volatile(from_back) == _without_volatile(from_office)
    document = json.loads(from_back)
    assert len(document["tasks"]) == 28 and len(document["activities"]) == 84
