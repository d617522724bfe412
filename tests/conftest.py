"""Every test gets its own database, English messages and a fixed user and date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaign_cli import i18n
from campaign_cli.cli.app import app


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch a real user's data or depend on the machine's settings."""
    db_path = tmp_path / "campaign.db"
    monkeypatch.setenv("CAMPAIGN_DB", str(db_path))
    monkeypatch.setenv("CAMPAIGN_LANG", "en")
    monkeypatch.setenv("CAMPAIGN_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("CAMPAIGN_TODAY", "CAMPAIGN_NAME", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_language("en")
    yield db_path
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
        assert result.exit_code == code, f"expected exit {code}, got {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr
        return result


@pytest.fixture
def cli(isolated_environment: Path) -> Cli:
    return Cli(isolated_environment)


@pytest.fixture
def sample(cli: Cli) -> Cli:
    """The bundled Gia Viễn 2021 campaign, loaded."""
    cli("init", "--sample", ok=True)
    return cli


@pytest.fixture
def fresh(cli: Cli) -> Cli:
    """An empty campaign with the three standard phases around 23/5/2021."""
    cli("init", "Thử nghiệm", "--election-day", "23/5/2021", "--locality", "Huyện Gia Viễn", ok=True)
    return cli


def db_snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to check that a failed command wrote nothing."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables}
    finally:
        conn.close()
