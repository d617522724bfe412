"""Every test gets its own database, English messages and a fixed user and date.

The suite runs on SQLite by default. ``--backend postgresql`` (or
``CAMPAIGN_TEST_DB=postgresql``) runs it against a PostgreSQL server instead:
``CAMPAIGN_TEST_PG_URL`` names a database on it (created if missing), e.g.
``postgresql://postgres@/campaign_test?host=/tmp/pg``, and every test gets its
own schema there (``CAMPAIGN_DB=...?options=-csearch_path%3Dt_...``), dropped
afterwards. Tests marked ``sqlite_only`` are skipped on PostgreSQL; tests
marked ``postgresql_only`` need a server and are skipped without one.

Under pytest-xdist (``-n auto``) each worker is a process of its own: its own
temporary folders (so its own SQLite files), its own server connection, and
schemas named at random, so workers never share a database. What many tests
start from (the ``sample`` and ``fresh`` campaigns) is built once per worker
and copied for each test on SQLite (``DatabaseTemplates``); an expensive
result that several tests read is computed once per run (``once_per_run``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from campaign_cli import i18n
from campaign_cli.cli.app import app

BACKENDS = ("sqlite", "postgresql")

#: The real ~/.pgpass, found before tests point HOME at a temporary folder.
_REAL_PGPASS = os.environ.get("PGPASSFILE") or os.path.expanduser("~/.pgpass")

#: Placeholder path of the running test -> its PostgreSQL URL (for db_snapshot).
_PG_TARGETS: dict[str, str] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="database the tests run on (default: $CAMPAIGN_TEST_DB or sqlite); "
        "postgresql needs CAMPAIGN_TEST_PG_URL",
    )


def selected_backend(config: pytest.Config) -> str:
    chosen = config.getoption("--backend") or os.environ.get("CAMPAIGN_TEST_DB") or "sqlite"
    chosen = "postgresql" if chosen.lower() in ("postgres", "pg", "postgresql") else chosen.lower()
    if chosen not in BACKENDS:
        raise pytest.UsageError(f"unknown test backend {chosen!r}: use sqlite or postgresql")
    return chosen




def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql_only: needs a PostgreSQL server (CAMPAIGN_TEST_PG_URL)")
    if selected_backend(config) == "postgresql" and not os.environ.get("CAMPAIGN_TEST_PG_URL"):
        raise pytest.UsageError(
            "--backend postgresql needs CAMPAIGN_TEST_PG_URL, e.g. postgresql://postgres@localhost/campaign_test"
        )


def pytest_report_header(config: pytest.Config) -> str:
    backend = selected_backend(config)
    if backend == "postgresql":
        from campaign_cli.storage.db import redact_url

        return f"campaign backend: postgresql ({redact_url(os.environ['CAMPAIGN_TEST_PG_URL'])})"
    return "campaign backend: sqlite"


def pdf_tools_missing() -> str:
    """Why the PDF tests cannot run here ('' when they can).

    They need LibreOffice, poppler-utils and a Times-compatible font with
    Vietnamese letters (Liberation Serif 2). On a developer's machine without
    them they are skipped, saying so; CI (.ci/run) installs them and sets
    CAMPAIGN_TEST_REQUIRE_PDF=1, which turns a missing tool into a failure.
    """
    import shutil

    if os.environ.get("CAMPAIGN_TEST_REQUIRE_PDF") == "1":
        return ""
    from campaign_cli.cli.render import pdf

    wanted = {"LibreOffice": pdf.find_office(), "pdftotext": shutil.which("pdftotext"),
              "pdffonts": shutil.which("pdffonts"), "fc-list": shutil.which("fc-list")}  # fmt: skip
    missing = [name for name, found in wanted.items() if not found]
    if missing:
        return f"needs {', '.join(missing)} (.ci/run installs them; CAMPAIGN_TEST_REQUIRE_PDF=1 makes this a failure)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backend = selected_backend(config)
    has_server = bool(os.environ.get("CAMPAIGN_TEST_PG_URL"))
    missing_pdf_tools = pdf_tools_missing()
    for item in items:
        if item.get_closest_marker("pdf_tools") and missing_pdf_tools:
            item.add_marker(pytest.mark.skip(reason=missing_pdf_tools))
        if backend == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite-specific; this run is on PostgreSQL"))
        if item.get_closest_marker("postgresql_only") and not has_server:
            item.add_marker(pytest.mark.skip(reason="needs a PostgreSQL server: set CAMPAIGN_TEST_PG_URL"))


# -- PostgreSQL: one schema per test --------------------------------------------
def with_query(url: str, **params: str) -> str:
    """``url`` with query parameters added (values already URL-encoded)."""
    extra = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}{'&' if '?' in url else '?'}{extra}"


class PgServer:
    """An admin connection to the test database; makes and drops test schemas."""

    def __init__(self, base_url: str):
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        from campaign_cli.storage.db import postgres_conninfo

        self.base_url = base_url
        self.lock_not_available = psycopg.errors.LockNotAvailable  # tests may hide psycopg later
        conninfo = postgres_conninfo(base_url)
        try:
            self.conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
            dbname = conninfo_to_dict(conninfo)["dbname"]
            with psycopg.connect(make_conninfo(conninfo, dbname="postgres"), autocommit=True) as maintenance:
                try:
                    maintenance.execute(f'CREATE DATABASE "{dbname}" TEMPLATE template0 ENCODING UTF8')
                except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    pass  # another pytest-xdist worker made it first
            self.conn = psycopg.connect(conninfo, autocommit=True)
        self.conn.execute("SET lock_timeout = '10s'")

    def url_for(self, schema: str) -> str:
        """The CAMPAIGN_DB URL of one test: the base database, searching ``schema``."""
        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", self.base_url)
        return with_query(url, options=f"-csearch_path%3D{schema}", application_name=schema)

    def create_schema(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        self.conn.execute(f"CREATE SCHEMA {schema}")
        return schema

    def drop_schema(self, schema: str) -> None:
        try:
            self.conn.execute(f"DROP SCHEMA {schema} CASCADE")
        except self.lock_not_available:
            # A test left a connection in a transaction: end it, then drop.
            self.conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (schema,)
            )
            self.conn.execute(f"DROP SCHEMA {schema} CASCADE")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the database this run's tests use."""
    return selected_backend(request.config)


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest):
    """The PostgreSQL test database (``postgresql_only`` tests and PostgreSQL runs)."""
    url = os.environ.get("CAMPAIGN_TEST_PG_URL")
    if not url:
        pytest.skip("needs a PostgreSQL server: set CAMPAIGN_TEST_PG_URL")
    server = PgServer(url)
    yield server
    server.close()


@pytest.fixture
def pg_schema(pg_server: PgServer):
    """A fresh, empty schema on the test server; yields its CAMPAIGN_DB URL."""
    schema = pg_server.create_schema()
    try:
        yield pg_server.url_for(schema)
    finally:
        pg_server.drop_schema(schema)


# -- every test --------------------------------------------------------------------
@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """No test may touch a real user's data or depend on the machine's settings.

    Yields the path of the test's SQLite database. On PostgreSQL runs
    CAMPAIGN_DB is the test's own schema instead and the path is never
    created; ``db_snapshot(path)`` and the ``campaign_db`` fixture still work.
    """
    db_path = tmp_path / "campaign.db"
    postgres_url = None
    if selected_backend(request.config) == "postgresql":
        postgres_url = request.getfixturevalue("pg_schema")
        if os.path.exists(_REAL_PGPASS):
            monkeypatch.setenv("PGPASSFILE", _REAL_PGPASS)
    monkeypatch.setenv("CAMPAIGN_DB", postgres_url or str(db_path))
    monkeypatch.setenv("CAMPAIGN_LANG", "en")
    monkeypatch.setenv("CAMPAIGN_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("CAMPAIGN_TODAY", "CAMPAIGN_NAME", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_language("en")
    if postgres_url:
        _PG_TARGETS[str(db_path)] = postgres_url
    try:
        yield db_path
    finally:
        _PG_TARGETS.pop(str(db_path), None)
        i18n.set_language("en")


class Cli:
    """Runs ``campaign`` in-process; ``cli.json(...)`` parses what it prints."""

    def __init__(self, db_path: Path):
        self.runner = CliRunner()
        self.db_path = db_path

    def __call__(self, *args: str, input: str | None = None, ok: bool | None = None, env: dict | None = None):
        result = self.runner.invoke(app, [str(arg) for arg in args], input=input, env=env, catch_exceptions=False)
        if ok is True:
            assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    def json(self, *args: str, **kwargs):
        result = self(*args, "--format", "json", ok=True, **kwargs)
        return json.loads(result.stdout)

    def fails(self, *args: str, code: int = 1, **kwargs):
        result = self(*args, **kwargs)
        assert result.exit_code == code, (
            f"expected exit {code}, got {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        )
        assert "Traceback" not in result.stdout + result.stderr
        return result


@pytest.fixture
def cli(isolated_environment: Path) -> Cli:
    return Cli(isolated_environment)


class DatabaseTemplates:
    """Databases that many tests start from, built once per worker and copied for each test.

    ``load(name, cli, build)`` leaves the test's database as ``build()`` would.
    On SQLite the first test of a worker runs ``build()`` and keeps a copy of the
    file; later tests get a copy of that (a few milliseconds instead of an
    ``init --sample``). On PostgreSQL every test runs ``build()`` in its schema.
    The copy is exact, history included: only the times in it are those of the
    first build. A template is keyed by the settings a build reads.
    ``CAMPAIGN_TEST_TEMPLATES=0`` builds every time (``scripts/mutate.py`` needs
    each test to run the code its database comes from).
    """

    SETTINGS = ("CAMPAIGN_USER", "CAMPAIGN_LANG", "CAMPAIGN_TODAY", "CAMPAIGN_NAME")

    def __init__(self, folder: Path, backend: str):
        self.folder, self.backend = folder, backend

    def load(self, name: str, cli: Cli, build) -> None:
        target = cli.db_path
        if (
            self.backend != "sqlite"
            or os.environ.get("CAMPAIGN_DB") != str(target)
            or os.environ.get("CAMPAIGN_TEST_TEMPLATES") == "0"
        ):
            build()
            return
        key = "-".join([name, *(os.environ.get(setting, "") for setting in self.SETTINGS)])
        template = self.folder / f"{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}.db"
        if template.exists():
            shutil.copy2(template, target)  # keeps the database's 0600
            return
        build()
        conn = sqlite3.connect(target)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        finally:
            conn.close()
        shutil.copy2(target, template)


@pytest.fixture(scope="session")
def once_per_run(tmp_path_factory: pytest.TempPathFactory):
    """``once_per_run(name, compute)``: the text ``compute()`` returns, computed once for the whole run.

    For expensive results several tests read (a run of 30 subprocesses, the extracted
    messages): under pytest-xdist the first worker to ask computes and stores it in
    the run's temporary folder while the others wait on a lock, then read it.
    """
    import fcntl

    folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = folder.parent  # the run's folder, above each worker's own

    def once(name: str, compute) -> str:
        path = folder / f"once-{name}.txt"
        with open(folder / f"once-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                text = compute()
                path.with_suffix(".tmp").write_text(text, encoding="utf-8")
                path.with_suffix(".tmp").replace(path)
            return path.read_text(encoding="utf-8")

    return once


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory, backend: str) -> DatabaseTemplates:
    return DatabaseTemplates(tmp_path_factory.mktemp("templates"), backend)


@pytest.fixture
def sample(cli: Cli, database_templates: DatabaseTemplates) -> Cli:
    """The bundled Gia Viễn 2021 campaign, loaded."""
    database_templates.load("sample", cli, lambda: cli("init", "--sample", ok=True))
    return cli


@pytest.fixture
def fresh(cli: Cli, database_templates: DatabaseTemplates) -> Cli:
    """An empty campaign with the three standard phases around 23/5/2021."""
    database_templates.load(
        "fresh",
        cli,
        lambda: cli("init", "Thử nghiệm", "--election-day", "23/5/2021", "--locality", "Huyện Gia Viễn", ok=True),
    )
    return cli


@pytest.fixture
def campaign_db(isolated_environment: Path):
    """The test's database (SQLite or PostgreSQL) as a storage ``Database``, for direct queries."""
    from campaign_cli.storage.db import Database

    db = Database(os.environ["CAMPAIGN_DB"])
    yield db
    db.close()


def database_url(db_path: Path) -> str:
    """CAMPAIGN_DB of the test whose placeholder path is ``db_path`` (SQLite: the path itself)."""
    postgres_url = _PG_TARGETS.get(str(db_path))
    if postgres_url and not os.path.exists(db_path):
        return postgres_url
    return str(db_path)


def open_database(db_path: Path):
    """A storage ``Database`` on the test's database, on either backend; close it after use."""
    from campaign_cli.storage.db import Database

    return Database(database_url(db_path))


def db_rows(db_path: Path, sql: str, params: tuple | list = ()) -> list[tuple]:
    """Rows of one query (``?`` placeholders) on the test's database, on either backend."""
    db = open_database(db_path)
    try:
        return [tuple(row) for row in db.rows(sql, params)]
    finally:
        db.close()


def db_snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to check that a failed command wrote nothing.

    ``db_path`` is an SQLite file, or the test's placeholder path on a
    PostgreSQL run (then the test's schema is read).
    """
    postgres_url = _PG_TARGETS.get(str(db_path))
    if postgres_url and not os.path.exists(db_path):
        return _pg_snapshot(postgres_url)
    conn = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables}
    finally:
        conn.close()


def _pg_snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg

    from campaign_cli.storage.db import postgres_conninfo

    with psycopg.connect(postgres_conninfo(url), autocommit=True) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        return {table: conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}
