"""``campaign status``: one screen on a terminal, the whole report everywhere else, nothing capped."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
AS_OF = "15/4/2021"


@pytest.fixture
def crowded(fresh):
    """20 overdue tasks and 18 due in the next 7 days (as of 15/4/2021), in phase 1 (1/2-30/4/2021)."""
    for index in range(20):
        fresh("task", "add", f"Quá hạn số {index + 1}", "--phase", "1", "--due", f"{1 + index % 10}/4/2021", ok=True)
    for index in range(18):
        fresh(
            "task", "add", f"Sắp đến hạn số {index + 1}", "--phase", "1", "--due", f"{15 + index % 8}/4/2021", ok=True
        )
    return fresh


def test_status_counts_and_lists_every_overdue_and_due_soon_task(crowded):
    data = crowded.json("--as-of", AS_OF, "status")
    assert data["tasks"]["overdue"] == 20
    assert data["phases"][0]["tasks"]["overdue"] == 20

    rows = list(csv.DictReader(io.StringIO(crowded("--as-of", AS_OF, "status", "--format", "csv", ok=True).stdout)))
    assert sum(row["section"] == "overdue" for row in rows) == 20
    assert sum(row["section"] == "due_soon" for row in rows) == 18

    markdown = crowded("--as-of", AS_OF, "status", "--format", "md", ok=True).stdout
    assert "## Overdue (20)" in markdown and "## Due in the next 7 days (18)" in markdown
    assert "Tasks: 38 · 0 done · 20 overdue · 18 due in the next 7 days" in markdown
    assert sum(line.startswith("| ") and "Quá hạn số" in line for line in markdown.splitlines()) == 20
    assert sum(line.startswith("| ") and "Sắp đến hạn số" in line for line in markdown.splitlines()) == 18
    assert "… and" not in markdown  # machine formats are never cut

    full = crowded("--as-of", AS_OF, "status", "--full", env={"COLUMNS": "120"}, ok=True).stdout
    assert sum("Quá hạn số" in line for line in full.splitlines()) == 20
    assert sum("Sắp đến hạn số" in line for line in full.splitlines()) == 18


def test_status_screen_shows_the_worst_and_says_how_many_more(crowded):
    out = crowded("--as-of", AS_OF, "status", env={"COLUMNS": "80"}, ok=True).stdout
    lines = out.splitlines()
    assert len(lines) <= 22, out
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("38 days to election day 23/05/2021")
    assert "Overdue (20)" in out and "Due in 7 days (18)" in out
    assert "… and 17 more: campaign task list --overdue" in out
    assert "… and 15 more: campaign status --full" in out
    # the worst first: the longest overdue (due 1/4) before the others
    overdue_rows = [line for line in lines if "Quá hạn số" in line]
    assert len(overdue_rows) == 3 and all("01/04/2021" in line for line in overdue_rows[:2])


def test_status_screen_of_the_sample_fits_one_screen(sample):
    out = sample("--as-of", AS_OF, "status", env={"COLUMNS": "80"}, ok=True).stdout
    lines = out.splitlines()
    assert len(lines) <= 22
    assert lines[0] == "38 days to election day 23/05/2021 · Huyện Gia Viễn · Thu 15/04/2021"
    assert "Day 74 of 89: time 83% · work 71% · behind" in out
    # every heading of the three compact tables whole
    for heading in ("No.", "Phase", "Time", "Work", "Done", "Late", "State", "Overdue (3)", "Lead", "Due",
                    "Due in 7 days (1)", "In days"):  # fmt: skip
        assert heading in out
    # one line per phase with its bar and its state
    for name, state in (("Tuyên truyền chuẩn bị bầu cử", "behind"), ("Cao điểm tuyên truyền", "upcoming")):
        line = next(line for line in lines if name in line and "░" in line)
        assert line.rstrip().endswith(state)
    assert "Load per member" not in out  # the long report is --full
    full = sample("--as-of", AS_OF, "status", "--full", env={"COLUMNS": "80"}, ok=True).stdout
    assert "Load per member (tasks not cancelled)" in full and "Last 5 log entries" in full


def test_status_json_has_the_recent_entries_with_place_and_note_apart(sample):
    data = sample.json("--as-of", AS_OF, "status")
    schema = json.loads((SCHEMAS / "status.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    first = data["recent"][0]
    assert first == {
        "id": 83, "date": "2021-04-14", "type": "broadcast", "label": "radio broadcast", "quantity": 6,
        "unit": "lần", "by": "Đài truyền thanh thị trấn Me", "task": 7, "place": "Thị trấn Me", "note": "",
    }  # fmt: skip
    news = next(entry for entry in data["recent"] if entry["type"] == "news")
    assert news["place"] == "" and news["note"] == "Tin hội nghị hiệp thương lần thứ ba"
    rows = list(csv.DictReader(io.StringIO(sample("--as-of", AS_OF, "status", "--format", "csv", ok=True).stdout)))
    recent = [row for row in rows if row["section"] == "recent"]
    assert recent[0]["place"] == "Thị trấn Me" and recent[0]["note"] == ""


def test_status_colours_carry_meaning_only_on_a_terminal(sample):
    """Behind and overdue red, due soon yellow, on track green; no colour without a terminal or with NO_COLOR."""
    import datetime as dt
    import os

    from campaign_cli.cli.render.terminal import write_view
    from campaign_cli.cli.views.status import status_screen_view
    from campaign_cli.services.context import Context
    from campaign_cli.services.reports import status_report
    from campaign_cli.storage.db import Database

    db = Database(os.environ["CAMPAIGN_DB"])
    try:
        report = status_report(Context(db=db, today=dt.date(2021, 4, 15), actor="t", command="t"), lang="en")
    finally:
        db.close()
    stream = io.StringIO()
    write_view(status_screen_view(report, "en"), stream, "en", width=80, colour=True)
    out = stream.getvalue()
    red, yellow = "\x1b[31m", "\x1b[33m"
    behind = next(line for line in out.splitlines() if "Tuyên truyền chuẩn bị" in line and "░" in line)
    assert f"{red}behind" in behind and f"{red}███" in behind  # the state and its bar
    overdue = next(line for line in out.splitlines() if "Dựng pano" in line)
    assert re.search(re.escape(red) + r"5\x1b\[0m", overdue)  # days late
    soon = next(line for line in out.splitlines() if "Cấp phát áp phích" in line)
    assert f"{yellow}5" in soon
    plain = sample("--as-of", AS_OF, "status", ok=True).stdout  # not a terminal
    assert "\x1b[" not in plain
