"""Office formats work after the README's install, and cost nothing to the commands that do not use them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ("python-docx", "openpyxl", "icalendar")
HEAVY_MODULES = ("docx", "openpyxl", "icalendar", "lxml", "sqlmodel", "sqlalchemy")


def test_office_libraries_are_ordinary_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0] for requirement in project["dependencies"]}
    assert set(OFFICE) <= names
    assert project["optional-dependencies"]["office"] == []  # kept so old install lines still work
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[office]" not in readme
    for package in OFFICE:
        assert re.search(rf"^\| {package} \| .*imported only", readme, flags=re.M | re.I), package


def imported_modules(*args: str, env: dict | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "campaign_cli", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [("--help",), ("--as-of", "15/4/2021", "status"), ("config",), ("info",)])
def test_everyday_commands_do_not_load_the_office_libraries(sample, args):
    loaded = imported_modules(*args)
    assert not loaded & set(HEAVY_MODULES), loaded & set(HEAVY_MODULES)


@pytest.mark.sqlite_only
def test_the_office_formats_work_without_an_extra_step(sample, tmp_path: Path):
    sample("--as-of", "15/4/2021", "task", "list", "--format", "xlsx", "--output", tmp_path / "t.xlsx", ok=True)
    sample("--as-of", "15/4/2021", "report", "weekly", "--format", "docx", "--output", tmp_path / "w.docx", ok=True)
    sample("--as-of", "15/4/2021", "export", "--format", "ics", tmp_path / "c.ics", ok=True)
    assert (tmp_path / "t.xlsx").read_bytes()[:2] == b"PK" and (tmp_path / "w.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "c.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
