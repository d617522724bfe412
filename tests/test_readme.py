"""The README's examples run as written (issue 12): a commune's campaign for 15/3/2026, then its settings."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def shell_block(heading: str) -> list[list[str]]:
    """The commands of the first ```sh block under ``heading``: continuations joined, comments dropped."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S).group(1)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] != "export":
            commands.append(words)
    return commands


def run_block(cli, commands: list[list[str]], folder: Path) -> None:
    for words in commands:
        assert words[0] == "campaign", words
        args, target = words[1:], None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        result = cli(*args, env={"CAMPAIGN_TODAY": "25/2/2026"})
        assert result.exit_code == 0, (words, result.stdout, result.stderr)
        if target:
            (folder / target).write_text(result.stdout, encoding="utf-8")


def test_a_campaign_in_ten_commands(cli, tmp_path: Path):
    commands = shell_block("A campaign in ten commands")
    assert len(commands) == 9 and commands[0][:2] == ["campaign", "init"]  # and the export line
    run_block(cli, commands, tmp_path)
    settings = cli.json("config")
    assert (settings["level"], settings["election_day"]) == ("commune", "2026-03-15")
    status = cli.json("--as-of", "25/2/2026", "status")
    assert status["tasks"]["total"] == 1 and status["current_phase"]["number"] == 2
    assert [(row["type"], row["quantity"]) for row in status["activity"]] == [("poster", 40)]
    weekly = (tmp_path / "tuan-nay.md").read_text(encoding="utf-8")
    assert weekly.startswith("# Weekly report 2026-W09") and "| Treo áp phích tại các thôn |" in weekly


def test_the_settings_examples(cli, tmp_path: Path):
    run_block(cli, shell_block("A campaign in ten commands"), tmp_path)
    run_block(cli, shell_block("The campaign's settings"), tmp_path)
    settings = cli.json("config")
    assert settings["symbol"] == "BC-TBTT" and settings["place"] == "Gia Vân"
    assert settings["signer"]["name"] == "Nguyễn Văn Hùng" and settings["lang"] == "en"
    assert settings["election_day"] == "2026-03-22"
    assert [phase["end"] for phase in cli.json("phase", "list")] == ["2026-02-28", "2026-03-22", None]
