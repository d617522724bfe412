"""A run of ``campaign`` builds only the module of its command (issue 14: start-up of log add)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from campaign_cli.cli.main import command_word


def test_the_command_map_names_every_top_level_command():
    import typer.main

    from campaign_cli.cli.app import COMMAND_MODULES, app  # imported by a test: the whole tree

    commands = set(typer.main.get_command(app).commands)
    assert set(COMMAND_MODULES) == commands, (
        "cli/app.py COMMAND_MODULES must name the module of every top-level command "
        f"(missing: {sorted(commands - set(COMMAND_MODULES))}, stale: {sorted(set(COMMAND_MODULES) - commands)})"
    )


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["log", "add", "--type", "poster"], "log"),
        (["--as-of", "15/4/2021", "status", "--format", "json"], "status"),
        (["--db", "x.db", "--lang=vi", "--user", "an", "--campaign", "c", "task", "list"], "task"),
        (["--as-of=1/4/2021", "report", "weekly"], "report"),
        (["--help"], None),
        (["--version"], None),
        (["--bogus", "log", "add"], None),
        ([], None),
        (["--db"], None),
    ],
)
def test_the_command_word_skips_root_options(argv, word):
    assert command_word(argv) == word


_PROBE = """
import json, sys
sys.argv = ["campaign", *json.loads(sys.argv[1])]
from campaign_cli.cli.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.startswith("campaign_cli.cli."))), file=sys.stderr)
"""


def _cli_modules(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))], capture_output=True, text=True, timeout=60
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_log_add_help_loads_only_the_log_commands():
    loaded = _cli_modules("--lang", "en", "log", "add", "--help")
    assert "campaign_cli.cli.log" in loaded
    for other in ("report", "task", "member", "phase", "safety", "admin", "documents", "office"):
        assert f"campaign_cli.cli.{other}" not in loaded, other


def test_root_help_still_lists_every_command():
    loaded = _cli_modules("--help")
    for module in ("report", "task", "log", "safety", "admin"):
        assert f"campaign_cli.cli.{module}" in loaded
