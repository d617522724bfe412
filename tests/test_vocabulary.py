"""One domain vocabulary: the codes of campaign_cli/vocabulary.py are the ones every layer uses.

The enums are the single list of statuses, roles, levels and states; these
tests fail when a layer keeps a list of its own that drifts from them (a CHECK
constraint, an option's choices, a JSON Schema, a label).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from campaign_cli.vocabulary import (
    CLOSED_STATUSES,
    TWO_LEVEL_SINCE,
    UNSET,
    AssignmentRole,
    Level,
    MemberRole,
    PartyKind,
    PhaseState,
    TaskStatus,
    codes,
    default_level,
    levels_for,
    sql_list,
)

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_codes_are_the_contract():
    """CLI.md's codes, in their order (the order of a member list: chair first)."""
    assert codes(TaskStatus) == ("todo", "doing", "done", "blocked", "cancelled")
    assert codes(MemberRole) == ("chair", "vice-chair", "secretary", "member")
    assert codes(AssignmentRole) == ("lead", "support")
    assert codes(PhaseState) == ("on_track", "behind", "complete", "upcoming", "no_tasks")
    assert codes(Level) == ("province", "district", "commune")
    assert sql_list(AssignmentRole) == "'lead', 'support'"
    assert (TaskStatus.done, TaskStatus.cancelled) == CLOSED_STATUSES


def test_the_database_checks_the_same_codes():
    from campaign_cli.storage.schema import ddl_statements

    for dialect in ("sqlite", "postgresql"):
        ddl = " ".join(" ".join(ddl_statements(dialect)).split())
        assert f"CHECK (status IN ({sql_list(TaskStatus)}))" in ddl
        assert f"CHECK (role IN ({sql_list(MemberRole)}))" in ddl
        assert f"CHECK (role IN ({sql_list(AssignmentRole)}))" in ddl


def _command(*path: str):
    import typer.main

    from campaign_cli.cli.app import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


@pytest.mark.parametrize(
    ("path", "option", "enum"),
    [
        (("member", "add"), "role", MemberRole),
        (("member", "edit"), "role", MemberRole),
        (("member", "list"), "role", MemberRole),
    ],
)
def test_option_choices_are_the_codes(path, option, enum):
    (param,) = [param for param in _command(*path).params if param.name == option]
    assert tuple(param.type.choices) == codes(enum)


def test_the_status_option_takes_the_codes_and_their_labels(fresh):
    (param,) = [param for param in _command("task", "list").params if param.name == "status"]
    assert [param.type.convert(code, param, None) for code in codes(TaskStatus)] == list(codes(TaskStatus))
    assert fresh.json("task", "list", "--status", "đang thực hiện") == fresh.json("task", "list", "--status", "doing")


def test_an_unknown_code_is_refused_with_the_choices(fresh):
    result = fresh.fails("task", "list", "--status", "finished", code=2)
    assert "'finished' is not a status: use 'todo', 'doing', 'done', 'blocked', 'cancelled'" in result.stderr
    result = fresh.fails("member", "add", "An", "--role", "boss", code=2)
    assert "'boss' is not one of 'chair', 'vice-chair', 'secretary', 'member'" in result.stderr


def _enums(schema: dict) -> dict[str, list]:
    """Every ``enum`` of a JSON Schema by the path of its property."""
    found: dict[str, list] = {}

    def walk(node, path):
        if isinstance(node, dict):
            if "enum" in node:
                found[path] = node["enum"]
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(schema, "")
    return found


def test_the_json_schemas_list_the_same_codes():
    status = _enums(json.loads((SCHEMAS / "status.schema.json").read_text(encoding="utf-8")))
    weekly = _enums(json.loads((SCHEMAS / "weekly.schema.json").read_text(encoding="utf-8")))
    states = [enum for path, enum in status.items() if path.endswith("/state")]
    roles = [enum for path, enum in status.items() if path.endswith("/role")]
    assert states and all(tuple(enum) == codes(PhaseState) for enum in states)
    assert roles and all(tuple(enum) == codes(MemberRole) for enum in roles)
    open_statuses = tuple(code for code in codes(TaskStatus) if code not in CLOSED_STATUSES)
    statuses = [enum for path, enum in weekly.items() if path.endswith("/status")]
    assert statuses and all(tuple(enum) == open_statuses for enum in statuses)  # what falls due is still open


@pytest.mark.parametrize(
    ("label", "enum"),
    [
        ("status_label", TaskStatus),
        ("role_label", MemberRole),
        ("role_label", AssignmentRole),
        ("state_label", PhaseState),
        ("party_kind_label", PartyKind),
    ],
)
def test_every_code_has_a_label_in_each_language(label, enum):
    from campaign_cli.cli import labels

    words = getattr(labels, label)
    english = [words(code, lang="en") for code in codes(enum)]
    vietnamese = [words(code, lang="vi") for code in codes(enum)]
    assert len(set(english)) == len(set(vietnamese)) == len(codes(enum))  # no two codes read the same
    untranslated = [code for code, en, vi in zip(codes(enum), english, vietnamese, strict=True) if en == vi]
    assert not untranslated, f"{label}: no Vietnamese label for {untranslated}"
    assert not [text for text in english if re.search(r"[_-]", text) and text in codes(enum)]  # words, not codes


def test_levels_follow_the_two_level_reform():
    assert dt.date(2025, 7, 1) == TWO_LEVEL_SINCE
    assert levels_for(dt.date(2021, 5, 23)) == (Level.province, Level.district, Level.commune)
    assert levels_for(dt.date(2025, 6, 30)) == (Level.province, Level.district, Level.commune)
    assert levels_for(TWO_LEVEL_SINCE) == (Level.province, Level.commune)
    assert levels_for(dt.date(2026, 3, 15)) == (Level.province, Level.commune)
    assert default_level(dt.date(2021, 5, 23)) == Level.district
    assert default_level(dt.date(2025, 6, 30)) == Level.district
    assert default_level(TWO_LEVEL_SINCE) == Level.commune


def test_unset_is_one_falsy_sentinel():
    from campaign_cli.vocabulary import _Unset

    assert _Unset() is UNSET and not UNSET and repr(UNSET) == "UNSET"
    assert UNSET is not None
