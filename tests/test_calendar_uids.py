"""Calendar UIDs and Taskwarrior UUIDs are unique across databases (issue 12).

Two communes whose campaigns have the same name used to emit the same
``UID:task-1@bau-cu-...``: a calendar holding both merged their tasks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NAME = "Bầu cử ĐBQH khóa XVI và HĐND 2026–2031"


def uids(cli, db: Path) -> list[str]:
    text = cli("--db", db, "--as-of", "25/2/2026", "export", "--format", "ics", ok=True).stdout
    return re.findall(r"^UID:(.+?)\r?$", text, flags=re.M)


@pytest.fixture
def two_communes(cli, tmp_path: Path):
    dbs = []
    for commune in ("Xã Gia Vân", "Xã Gia Hưng"):
        db = tmp_path / f"{commune}.db"
        cli("--db", db, "init", NAME, "--election-day", "15/3/2026", "--locality", commune, ok=True)
        cli("--db", db, "--as-of", "25/2/2026", "task", "add", "Treo áp phích", "--phase", "2", "--due", "5/3/2026",
            ok=True)
        dbs.append(db)
    return dbs


def test_two_campaigns_of_the_same_name_share_no_calendar_uid(cli, two_communes):
    first, second = (uids(cli, db) for db in two_communes)
    assert "task-1@" + cli.json("--db", two_communes[0], "config")["uid"] in first
    assert len(first) == len(second) == 5  # 3 phases, election day, 1 task
    assert not set(first) & set(second)


def test_uids_stay_when_the_campaign_is_renamed(cli, two_communes):
    db = two_communes[0]
    before = uids(cli, db)
    cli("--db", db, "config", "--name", "Bầu cử 2026", ok=True)
    assert uids(cli, db) == before


def test_taskwarrior_uuids_differ_between_the_communes(cli, two_communes):
    def uuids(db):
        text = cli("--db", db, "export", "--format", "taskwarrior", ok=True).stdout
        return {json.loads(line)["uuid"] for line in text.splitlines() if line.strip()}

    first, second = (uuids(db) for db in two_communes)
    assert len(first) == len(second) == 1 and not first & second


def test_taskwarrior_tasks_exported_before_the_upgrade_are_still_recognised(cli, two_communes, tmp_path: Path):
    from campaign_cli.services.interchange import campaign_slug, task_uuid

    db = two_communes[0]
    legacy = task_uuid(1, campaign_slug(NAME))  # how releases before schema 3 named task 1
    item = {"uuid": legacy, "description": "Treo áp phích ở 5 thôn", "project": "giavan2026.dot2",
            "status": "pending", "due": "20260305T000000Z", "entry": "20260201T000000Z"}
    path = tmp_path / "back.json"
    path.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    result = cli("--db", db, "--as-of", "25/2/2026", "import", "--format", "taskwarrior", path, ok=True)
    assert "0 created, 1 updated" in result.stderr
    assert cli.json("--db", db, "task", "show", "1")["title"] == "Treo áp phích ở 5 thôn"
