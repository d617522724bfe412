"""Every list and report fits a terminal: golden outputs at 80 and 120 columns.

For the sample campaign and for one whose every name is long
(``tests/fixtures/long-names.toml``), in Vietnamese, as of 15/4/2021, each
command's table output is compared with ``tests/golden/terminal/`` (rewrite
with ``UPDATE_GOLDEN=1``) and checked:

- no line is wider than the terminal;
- every column heading of a table appears whole, and a heading the wide
  output has but the narrow one does not is named in the "left out" note;
- every word is either whole (the ``--wide`` output at 1000 columns has it)
  or ends in "…".
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "terminal"
LONG_NAMES = Path(__file__).resolve().parent / "fixtures" / "long-names.toml"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
AS_OF = "15/4/2021"
WIDTHS = (80, 120)

COMMANDS = {
    "status": ["status"],
    "status-full": ["status", "--full"],
    "weekly": ["report", "weekly"],
    "phase": ["report", "phase"],
    "member-report": ["report", "member"],
    "burndown": ["report", "burndown"],
    "timeline": ["report", "timeline"],
    "final": ["report", "final"],
    "task-list": ["task", "list"],
    "log-list": ["log", "list"],
    "member-list": ["member", "list"],
    "unit-list": ["unit", "list"],
    "phase-list": ["phase", "list"],
    "type-list": ["type", "list"],
    "coverage": ["report", "coverage"],
    "place-list": ["place", "list"],
}
SHOW = {
    "sample": {"task-show": ["task", "show", "11"], "member-show": ["member", "show", "hung"]},
    "long": {"task-show": ["task", "show", "4"], "member-show": ["member", "show", "thao"]},
}
CASES = [
    (campaign, name, width)
    for campaign in ("sample", "long")
    for name in (*COMMANDS, *SHOW[campaign])
    for width in WIDTHS
]

TOKEN = re.compile(r"[^\s│┃|─━┼╋┬┴├┤┌┐└┘╭╮╰╯═║█░▁▂▃▄▅▆▇▏▎▍▌▋▊▉╌┊▼◆^·]+")
PUNCTUATION = ".,:;()[]\"'“”!?"
RULE = re.compile(r"^─{3,}$")


def display_width(line: str) -> int:
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line
    )


def vi(message: str) -> str:
    from campaign_cli import i18n

    return i18n.translation_for("vi").gettext(message)


@pytest.fixture
def campaign(request, cli, tmp_path):
    if request.param == "sample":
        cli("--as-of", AS_OF, "init", "--sample", ok=True)
    else:
        cli("--as-of", AS_OF, "init", "--from", LONG_NAMES, ok=True)
    return cli


def run(cli, args: list[str], width: int) -> str:
    env = {"COLUMNS": str(width), "CAMPAIGN_LANG": "vi", "NO_COLOR": "1"}
    result = cli("--as-of", AS_OF, *args, env=env, ok=True)
    assert result.stderr == ""
    return result.stdout


def notes_and_more(output: str) -> tuple[list[str], set[int]]:
    """The "left out" notes (joined over their wrapped lines) and the line numbers they and "… more" take."""
    head = vi("Left out at this width: {columns} (--wide or a wider terminal shows them).").split("{columns}")[0]
    lines = output.splitlines()
    notes, taken = [], set()
    index = 0
    while index < len(lines):
        if lines[index].startswith(head):
            start = index
            while index + 1 < len(lines) and lines[index + 1].strip():
                index += 1
            notes.append(" ".join(lines[start : index + 1]))
            taken.update(range(start, index + 1))
        elif lines[index].startswith("… "):
            taken.add(index)
        index += 1
    return notes, taken


def header_cells(line: str) -> list[str]:
    return [cell for cell in re.split(r" {2,}", line.strip()) if cell]


def tables(output: str) -> list[tuple[int, list[str]]]:
    """(line number, heading cells) of every table with a rule under its headings."""
    lines = output.splitlines()
    return [(index - 1, header_cells(lines[index - 1])) for index, line in enumerate(lines) if RULE.match(line)]


@pytest.mark.parametrize(("campaign", "name", "width"), CASES, indirect=["campaign"])
def test_terminal_output_fits(campaign, name, width, request):
    which = request.node.callspec.params["campaign"]
    args = COMMANDS.get(name) or SHOW[which][name]
    narrow = run(campaign, args, width)
    wide = run(campaign, [*args, "--wide"], 1000)
    golden = GOLDEN / f"{which}-{name}-{width}.txt"
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(narrow, encoding="utf-8")
    else:
        assert golden.exists(), f"missing {golden}: run with UPDATE_GOLDEN=1"
        assert narrow == golden.read_text(encoding="utf-8"), f"{golden} differs; UPDATE_GOLDEN=1 if intended"

    # no line is wider than the terminal
    too_wide = [line for line in narrow.splitlines() if display_width(line) > width]
    assert not too_wide, too_wide

    # every heading whole; the ones left out are named
    notes, skipped = notes_and_more(narrow)
    wide_tables = tables(wide)
    narrow_tables = tables(narrow)
    assert len(narrow_tables) == len(wide_tables)
    for (_line, cells), (_wide_line, wide_cells) in zip(narrow_tables, wide_tables, strict=True):
        assert all(cell in wide_cells for cell in cells), (cells, wide_cells)
        assert not any(cell.endswith("…") for cell in cells)
        missing = [cell for cell in wide_cells if cell not in cells]
        if missing:
            assert any(all(cell in note for cell in missing) for note in notes), (missing, notes)

    # every word whole, or cut with "…"
    # (a unit may be shown by its abbreviation where its name does not fit: unit list has both)
    known = wide + run(campaign, ["unit", "list", "--wide"], 1000)
    vocabulary = {token.strip(PUNCTUATION) for token in TOKEN.findall(known)}
    lines = narrow.splitlines()
    split = set()
    for index, line in enumerate(lines):
        if index in skipped or line.startswith(vi("(one column = {n} days)").split("{n}")[0]):
            continue
        for token in TOKEN.findall(line):
            core = token.strip(PUNCTUATION)
            if core and not token.endswith("…") and core not in vocabulary:
                split.add(core)
    assert not split, sorted(split)
