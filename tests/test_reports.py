"""campaign status and campaign report: figures, formats, edge cases, contract.

Golden files in tests/golden/ hold the exact JSON, CSV and Markdown of the
sample campaign at fixed as-of dates. After a deliberate change, regenerate
them with ``UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py`` and
review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMAS = ROOT / "schemas"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"

D = dt.date


# -- helpers ------------------------------------------------------------------------
def golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME exactly; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"output differs from {path}; if the change is intended, rerun with UPDATE_GOLDEN=1"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def validate(document: dict, name: str) -> None:
    jsonschema.validate(
        document, schema(name), cls=jsonschema.Draft202012Validator, format_checker=jsonschema.FormatChecker()
    )


def context(db, today: dt.date):
    from campaign_cli.services.context import Context

    return Context(db=db, today=today, actor="tester", command="test")


class Seed:
    """Rows written straight through a Transaction (tests do not depend on other services)."""

    def __init__(self, db, today: dt.date = D(2021, 4, 15)):
        self.ctx = context(db, today)
        self.db = db

    @property
    def campaign_id(self) -> int:
        return self.ctx.campaign_id

    def phase_id(self, number: int) -> int:
        return self.db.scalar("SELECT id FROM phase WHERE campaign_id = ? AND number = ?", (self.campaign_id, number))

    def type_id(self, code: str) -> int:
        return self.db.scalar(
            "SELECT id FROM activity_type WHERE campaign_id = ? AND code = ?", (self.campaign_id, code)
        )

    def member(self, name: str, role: str = "member") -> int:
        from campaign_cli.services.text import fold

        with self.ctx.transaction() as tx:
            return tx.insert(
                "member", {"campaign_id": self.campaign_id, "name": name, "name_folded": fold(name), "role": role}
            )

    def unit(self, name: str, short: str = "") -> int:
        from campaign_cli.services.text import fold

        with self.ctx.transaction() as tx:
            return tx.insert(
                "unit", {"campaign_id": self.campaign_id, "name": name, "short": short, "name_folded": fold(name)}
            )

    def phase(self, number: int, name: str, start: dt.date, end: dt.date | None) -> int:
        with self.ctx.transaction() as tx:
            return tx.insert(
                "phase",
                {"campaign_id": self.campaign_id, "number": number, "name": name, "start_date": start, "end_date": end},
            )

    def task(
        self,
        title: str,
        *,
        phase: int = 1,
        status: str = "todo",
        due: dt.date | None = None,
        target: float | None = None,
        completed_on: dt.date | None = None,
        type_code: str | None = None,
        lead: tuple[str, int] | None = None,
        support: tuple[tuple[str, int], ...] = (),
        created: str = "2021-01-15T08:00:00+00:00",
    ) -> int:
        from campaign_cli.services.text import fold

        with self.ctx.transaction() as tx:
            task_id = tx.insert(
                "task",
                {
                    "campaign_id": self.campaign_id,
                    "phase_id": self.phase_id(phase),
                    "title": title,
                    "title_folded": fold(title),
                    "type_id": self.type_id(type_code) if type_code else None,
                    "due": due,
                    "target": target,
                    "status": status,
                    "completed_on": completed_on,
                    "created_at": created,
                },
            )
            for role, parties in (("lead", (lead,) if lead else ()), ("support", support)):
                for kind, party_id in parties:
                    tx.insert(
                        "assignment",
                        {
                            "task_id": task_id,
                            "role": role,
                            "member_id": party_id if kind == "member" else None,
                            "unit_id": party_id if kind == "unit" else None,
                        },
                    )
        return task_id

    def log(
        self,
        on: dt.date,
        type_code: str = "news",
        quantity: float = 1,
        *,
        task: int | None = None,
        member: int | None = None,
        unit: int | None = None,
    ) -> int:
        with self.ctx.transaction() as tx:
            return tx.insert(
                "activity",
                {
                    "campaign_id": self.campaign_id,
                    "on_date": on,
                    "type_id": self.type_id(type_code),
                    "quantity": quantity,
                    "task_id": task,
                    "member_id": member,
                    "unit_id": unit,
                    "created_at": "2021-01-15T08:00:00+00:00",
                },
            )


@pytest.fixture
def seed(fresh, campaign_db) -> Seed:
    return Seed(campaign_db)


# -- golden outputs of the sample ----------------------------------------------------
GOLDEN_CASES = [
    (as_of, command, fmt)
    for as_of in ("2021-04-15", "2021-05-23")
    for command in ("status", "weekly")
    for fmt in ("json", "csv", "md")
] + [
    ("2021-04-15", command, fmt)
    for command in ("phase", "member", "burndown", "timeline")
    for fmt in ("json", "csv", "md")
]


@pytest.mark.parametrize(("as_of", "command", "fmt"), GOLDEN_CASES)
def test_sample_golden(sample, as_of, command, fmt):
    args = ["status"] if command == "status" else ["report", command]
    result = sample("--as-of", as_of, *args, "--format", fmt, ok=True)
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    golden(f"{command}-{as_of}.{fmt}", result.stdout)


@pytest.mark.parametrize(
    "as_of", ["1/1/2021", "15/4/2021", "30/4/2021", "1/5/2021", "23/5/2021", "24/5/2021", "1/7/2021"]
)
def test_sample_json_matches_schemas(sample, as_of):
    validate(sample.json("--as-of", as_of, "status"), "status")
    validate(sample.json("--as-of", as_of, "report", "weekly"), "weekly")
    validate(sample.json("--as-of", as_of, "report", "weekly", "--week", "2021-W17"), "weekly")


def test_schema_files_are_valid_draft_2020_12():
    for name in ("status", "weekly", "coverage"):
        document = schema(name)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(document)


def test_status_json_keys_are_the_contract(sample):
    data = sample.json("--as-of", "15/4/2021", "status")
    assert list(data) == [
        "schema_version", "as_of", "days_to_election", "campaign", "current_phase",
        "phases", "tasks", "members", "activity",
        "units", "recent",  # additive: CLI.md's keys come first, unchanged
        "places_covered",  # additive (issue 16)
    ]  # fmt: skip
    assert {"id", "name", "short", "tasks_total", "tasks_lead", "tasks_support", "overdue"} <= set(data["units"][0])
    assert set(data["recent"][0]) == {"id", "date", "type", "label", "quantity", "unit", "by", "task", "place", "note"}
    assert set(data["campaign"]) == {"name", "locality", "election_day"}
    assert set(data["current_phase"]) == {"number", "name", "start", "end"}
    assert set(data["tasks"]) == {"total", "todo", "doing", "done", "blocked", "cancelled", "overdue"}
    assert {"number", "name", "start", "end", "progress", "time_elapsed", "tasks"} <= set(data["phases"][0])
    assert set(data["phases"][0]["tasks"]) == {"total", "done", "overdue"}
    assert {"id", "name", "role", "tasks_total", "tasks_done", "overdue"} <= set(data["members"][0])
    assert set(data["activity"][0]) == {"type", "label", "unit", "quantity", "entries"}


def test_weekly_json_keys_are_the_contract(sample):
    data = sample.json("--as-of", "15/4/2021", "report", "weekly")
    assert list(data) == [
        "schema_version", "week", "start", "end", "as_of", "days_to_election", "current_phase",
        "activity", "by_member", "completed", "due_next_week", "overdue",
        "by_unit",  # additive: CLI.md's keys come first, unchanged
        "by_place",  # additive (issue 16)
    ]  # fmt: skip
    assert {"id", "name", "entries", "quantity"} <= set(data["by_unit"][0])
    assert set(data["current_phase"]) == {"number", "name"}
    assert {"id", "name", "entries", "quantity", "activity"} == set(data["by_member"][0])  # activity: additive
    assert {"id", "title", "completed_on"} <= set(data["completed"][0])
    assert {"id", "title", "due", "lead"} <= set(data["due_next_week"][0])
    assert {"id", "title", "due", "lead"} <= set(data["overdue"][0])


# -- the sample's key figures -----------------------------------------------------------
def test_sample_status_figures_on_15_april(sample):
    data = sample.json("--as-of", "15/4/2021", "status")
    assert data["as_of"] == "2021-04-15"
    assert data["days_to_election"] == 38
    assert data["campaign"]["election_day"] == "2021-05-23"
    assert data["current_phase"]["number"] == 1
    assert data["tasks"]["total"] == 28
    assert sum(data["tasks"][s] for s in ("todo", "doing", "done", "blocked", "cancelled")) == 28
    assert data["tasks"]["cancelled"] == 1 and data["tasks"]["blocked"] == 1
    phase1 = data["phases"][0]
    # 74 of the 89 days of 1/2-30/4 have begun on 15/4
    assert phase1["time_elapsed"] == round(74 / 89, 4)
    # 71% of the work done against 83% of the time gone: more than 10 points behind
    assert (phase1["progress"], phase1["state"]) == (0.7096, "behind")
    assert phase1["tasks"] == {"total": 17, "done": 6, "overdue": 3}
    assert [phase["state"] for phase in data["phases"][1:]] == ["upcoming", "upcoming"]
    assert data["phases"][2]["end"] is None and data["phases"][2]["time_elapsed"] is None
    posters = next(row for row in data["activity"] if row["type"] == "poster")
    assert posters == {"type": "poster", "label": "poster", "unit": "tờ", "quantity": 680, "entries": 17}
    chair = data["members"][0]
    assert chair["role"] == "chair" and chair["name"] == "Nguyễn Mạnh Hùng"


def test_sample_status_table_fits_80_columns_and_names_key_figures(sample):
    from rich.cells import cell_len

    result = sample("--as-of", "15/4/2021", "status", env={"COLUMNS": "80"}, ok=True)
    out = result.stdout
    assert out.startswith("38 days to election day 23/05/2021")  # the countdown first
    assert "Tuyên truyền chuẩn bị bầu cử" in out and "Cao điểm tuyên truyền" in out
    assert "Current phase: Đợt 1: Tuyên truyền chuẩn bị bầu cử" in out
    assert "Overdue (3)" in out and "Late" in out
    assert len(out.splitlines()) <= 22  # one 80x24 screen, with the command line and the prompt
    assert "█" in out  # progress bars
    assert "\x1b[" not in out  # not a terminal, NO_COLOR: plain text
    too_wide = [line for line in out.splitlines() if cell_len(line) > 80]
    assert not too_wide, too_wide


@pytest.mark.parametrize(
    "args",
    [
        ["report", "weekly"],
        ["report", "phase"],
        ["report", "member"],
        ["report", "burndown"],
        ["report", "burndown", "--phase", "2"],
        ["report", "timeline"],
    ],
)
def test_sample_reports_fit_80_columns(sample, args):
    from rich.cells import cell_len

    out = sample("--as-of", "15/4/2021", *args, env={"COLUMNS": "80"}, ok=True).stdout
    too_wide = [line for line in out.splitlines() if cell_len(line) > 80]
    assert not too_wide, too_wide
    assert "\x1b[" not in out


def test_sample_on_election_day_and_after(sample):
    on_day = sample.json("--as-of", "23/5/2021", "status")
    assert on_day["days_to_election"] == 0
    assert on_day["current_phase"]["number"] == 2
    assert on_day["phases"][1]["time_elapsed"] == 1.0
    table = sample("--as-of", "23/5/2021", "status", ok=True).stdout
    assert "election day is today (23/05/2021)" in table.lower()
    after = sample.json("--as-of", "4/6/2021", "status")
    assert after["days_to_election"] == -12
    assert after["current_phase"]["number"] == 3
    assert "12 days after election day 23/05/2021" in sample("--as-of", "4/6/2021", "status", ok=True).stdout
    assert "1 day after election day" in sample("--as-of", "24/5/2021", "status", ok=True).stdout


def test_vietnamese_labels(sample):
    data = sample.json("--lang", "vi", "--as-of", "15/4/2021", "status")
    posters = next(row for row in data["activity"] if row["type"] == "poster")
    assert posters["label"] == "áp phích"
    assert data["phases"][0]["state"] == "behind"  # JSON keeps the codes whatever the language
    table = sample("--lang", "vi", "--as-of", "15/4/2021", "status", ok=True).stdout
    assert "Còn 38 ngày đến ngày bầu cử 23/05/2021" in table
    assert "Ngày thứ 74/89: thời gian 83% · tiến độ 71% · chậm tiến độ" in table
    assert "behind" not in table
    full = sample("--lang", "vi", "--as-of", "15/4/2021", "status", "--full", ok=True).stdout
    assert "Trưởng Tiểu ban" in full and "áp phích" in full and "behind" not in full


# -- countdown and phase boundaries ----------------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "days", "phase"),
    [
        ("31/1/2021", 112, None),
        ("1/2/2021", 111, 1),
        ("15/4/2021", 38, 1),
        ("30/4/2021", 23, 1),
        ("1/5/2021", 22, 2),
        ("22/5/2021", 1, 2),
        ("23/5/2021", 0, 2),
        ("24/5/2021", -1, 3),
        ("31/12/2021", -222, 3),
    ],
)
def test_countdown_and_current_phase(fresh, as_of, days, phase):
    status = fresh.json("--as-of", as_of, "status")
    assert status["days_to_election"] == days
    assert (status["current_phase"] or {}).get("number") == phase
    weekly = fresh.json("--as-of", as_of, "report", "weekly")
    assert weekly["days_to_election"] == days
    assert (weekly["current_phase"] or {}).get("number") == phase


def test_countdown_words():
    from campaign_cli.cli.views.common import countdown_text

    day = D(2021, 5, 23)
    assert countdown_text(38, day) == "38 days to election day 23/05/2021"
    assert countdown_text(1, day) == "1 day to election day 23/05/2021"
    assert countdown_text(0, day) == "election day is today (23/05/2021)"
    assert countdown_text(-1, day) == "1 day after election day 23/05/2021"
    assert countdown_text(-12, day) == "12 days after election day 23/05/2021"


def test_time_elapsed_and_state_rules():
    from campaign_cli.services.reports import phase_state, time_elapsed

    start, end = D(2021, 5, 1), D(2021, 5, 23)
    assert time_elapsed(start, end, D(2021, 4, 30)) == 0
    assert time_elapsed(start, end, start) == 1 / 23
    assert time_elapsed(start, end, end) == 1
    assert time_elapsed(start, end, D(2021, 6, 1)) == 1
    assert time_elapsed(start, None, D(2021, 6, 1)) is None
    assert phase_state(progress=0.5, elapsed=0.6, started=True, overdue=0, active=3) == "on_track"
    assert phase_state(progress=0.5, elapsed=0.61, started=True, overdue=0, active=3) == "behind"
    assert phase_state(progress=1.0, elapsed=0.2, started=True, overdue=0, active=3) == "complete"
    assert phase_state(progress=0.0, elapsed=0.0, started=False, overdue=0, active=3) == "upcoming"
    assert phase_state(progress=None, elapsed=0.5, started=True, overdue=0, active=0) == "no_tasks"
    assert phase_state(progress=0.1, elapsed=None, started=True, overdue=0, active=2) == "on_track"
    assert phase_state(progress=0.1, elapsed=None, started=True, overdue=1, active=2) == "behind"


# -- edge cases -----------------------------------------------------------------------------
def test_empty_campaign_without_phases(cli):
    cli("init", "Trống", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    status = cli.json("--as-of", "15/4/2021", "status")
    validate(status, "status")
    assert status["current_phase"] is None
    assert status["phases"] == [] and status["members"] == [] and status["activity"] == []
    assert status["tasks"] == {"total": 0, "todo": 0, "doing": 0, "done": 0, "blocked": 0, "cancelled": 0, "overdue": 0}
    weekly = cli.json("--as-of", "15/4/2021", "report", "weekly")
    validate(weekly, "weekly")
    assert weekly["current_phase"] is None and weekly["activity"] == []
    table = cli("--as-of", "15/4/2021", "status", ok=True).stdout
    assert "No phases yet" in table
    for args in (["report", "phase"], ["report", "member"], ["report", "burndown"], ["report", "timeline"]):
        for fmt in ("table", "json", "csv", "md"):
            result = cli("--as-of", "15/4/2021", *args, "--format", fmt)
            assert result.exit_code == 0, (args, fmt, result.stdout, result.stderr)
    assert cli.json("--as-of", "15/4/2021", "report", "burndown")["series"] == []


def test_phases_without_tasks(fresh):
    status = fresh.json("--as-of", "15/4/2021", "status")
    assert [phase["progress"] for phase in status["phases"]] == [None, None, None]
    assert [phase["state"] for phase in status["phases"]] == ["no_tasks"] * 3
    assert [phase["tasks"]["total"] for phase in status["phases"]] == [0, 0, 0]
    validate(status, "status")
    assert "no tasks" in fresh("--as-of", "15/4/2021", "status", ok=True).stdout


def test_task_with_target_zero_and_cancelled_tasks(seed, fresh):
    zero = seed.task("Không chỉ tiêu", target=0, type_code="news", due=D(2021, 4, 30))
    seed.log(D(2021, 4, 1), "news", 5, task=zero)
    seed.task("Đã xong", target=0, status="done", completed_on=D(2021, 4, 2))
    seed.task("Hủy", target=10, status="cancelled")
    phase = fresh.json("--as-of", "15/4/2021", "report", "phase", "1")["phases"][0]
    by_title = {task["title"]: task for task in phase["task_list"]}
    assert by_title["Không chỉ tiêu"]["progress"] == 0.0
    assert by_title["Không chỉ tiêu"]["logged"] == 5
    assert by_title["Đã xong"]["progress"] == 1.0
    # mean of the two tasks not cancelled
    assert phase["progress"] == 0.5
    assert phase["tasks"] == {"total": 3, "done": 1, "overdue": 0}
    news = next(row for row in phase["quantities"] if row["type"] == "news")
    assert news["target"] == 0 and news["logged"] == 5 and news["progress"] is None


def test_progress_counts_only_logs_up_to_the_as_of_date(seed, fresh):
    task = seed.task("Áp phích", target=100, type_code="poster", due=D(2021, 4, 30))
    seed.log(D(2021, 4, 10), "poster", 40, task=task)
    seed.log(D(2021, 4, 20), "poster", 40, task=task)
    assert fresh.json("--as-of", "15/4/2021", "status")["phases"][0]["progress"] == 0.4
    assert fresh.json("--as-of", "20/4/2021", "status")["phases"][0]["progress"] == 0.8
    early = fresh.json("--as-of", "15/4/2021", "status")["activity"]
    assert early == [{"type": "poster", "label": "poster", "unit": "tờ", "quantity": 40, "entries": 1}]


def test_logs_outside_every_phase(seed, fresh):
    seed.log(D(2021, 1, 10), "banner", 3)  # phase 1 starts on 1/2/2021
    seed.log(D(2021, 2, 10), "banner", 2)
    status = fresh.json("--as-of", "15/4/2021", "status")
    assert status["activity"] == [{"type": "banner", "label": "banner", "unit": "cái", "quantity": 5, "entries": 2}]
    report = fresh.json("--as-of", "15/4/2021", "report", "phase")
    assert report["outside_phases"] == {"entries": 1, "quantity": 3}
    assert report["phases"][0]["quantities"][0]["in_phase"] == 2
    assert (
        "1 log entry is dated outside every phase." in fresh("--as-of", "15/4/2021", "report", "phase", ok=True).stdout
    )
    weekly = fresh("--as-of", "15/4/2021", "report", "weekly", "--week", "10/1/2021", ok=True).stdout
    assert "outside every phase" in weekly
    assert fresh.json("--as-of", "15/4/2021", "report", "weekly", "--week", "10/1/2021")["activity"][0]["quantity"] == 3


def test_week_spanning_two_phases(seed, fresh):
    lan = seed.member("Phạm Thị Lan")
    seed.log(D(2021, 4, 29), "poster", 10, member=lan)  # phase 1
    seed.log(D(2021, 5, 2), "poster", 5, member=lan)  # phase 2
    seed.log(D(2021, 5, 3), "poster", 100, member=lan)  # next week
    data = fresh.json("--as-of", "5/5/2021", "report", "weekly", "--week", "2021-W17")
    assert (data["week"], data["start"], data["end"]) == ("2021-W17", "2021-04-26", "2021-05-02")
    assert data["activity"][0]["quantity"] == 15 and data["activity"][0]["entries"] == 2
    assert data["by_member"] == [
        {
            "id": lan, "name": "Phạm Thị Lan", "entries": 2, "quantity": 15,
            "activity": [{"type": "poster", "label": "poster", "unit": "tờ", "quantity": 15, "entries": 2}],
        }
    ]  # fmt: skip
    assert data["current_phase"]["number"] == 2
    text = fresh("--as-of", "5/5/2021", "report", "weekly", "--week", "2021-W17", ok=True).stdout
    assert "This week spans" in text and "Đợt 1" in text and "Đợt 2" in text


def test_weekly_lists(seed, fresh):
    hung = seed.member("Nguyễn Mạnh Hùng", "chair")
    seed.task("Xong tuần này", status="done", completed_on=D(2021, 4, 13), lead=("member", hung))
    seed.task("Xong tuần trước", status="done", completed_on=D(2021, 4, 6))
    seed.task("Quá hạn", due=D(2021, 4, 1), lead=("member", hung))
    seed.task("Hạn tuần sau", due=D(2021, 4, 21), status="doing")
    seed.task("Hạn tuần này", due=D(2021, 4, 16))
    seed.task("Hủy quá hạn", due=D(2021, 4, 1), status="cancelled")
    data = fresh.json("--as-of", "15/4/2021", "report", "weekly")
    assert data["week"] == "2021-W15"
    assert [row["title"] for row in data["completed"]] == ["Xong tuần này"]
    assert data["completed"][0]["completed_on"] == "2021-04-13"
    assert [row["title"] for row in data["due_next_week"]] == ["Hạn tuần sau"]
    assert [(row["title"], row["lead"], row["days_late"]) for row in data["overdue"]] == [
        ("Quá hạn", "Nguyễn Mạnh Hùng", 14)
    ]
    assert data == fresh.json("--as-of", "15/4/2021", "report", "weekly", "--week", "2021-W15")
    assert data == fresh.json("--as-of", "15/4/2021", "report", "weekly", "--week", "12/4/2021")


def test_weekly_bad_week_is_a_usage_message(fresh):
    result = fresh.fails("--as-of", "15/4/2021", "report", "weekly", "--week", "2021-W60")
    assert "--week" in result.stderr and "2021 has 52 ISO weeks" in result.stderr


def test_unknown_phase_and_member(fresh):
    assert "no phase 9" in fresh.fails("report", "phase", "9").stderr
    assert "Error:" in fresh.fails("report", "member", "nobody at all").stderr
    assert "no phase 7" in fresh.fails("report", "burndown", "--phase", "7").stderr


# -- status details ----------------------------------------------------------------------------
def test_status_overdue_due_soon_load_and_recent(seed, fresh):
    hung = seed.member("Nguyễn Mạnh Hùng", "chair")
    tuan = seed.member("Đinh Văn Tuấn", "vice-chair")
    centre = seed.unit("Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "Trung tâm VHTT&TT")
    late = seed.task("Dựng pano", due=D(2021, 4, 10), lead=("unit", centre), support=(("member", tuan),))
    seed.task("Tọa đàm", due=D(2021, 4, 20), lead=("member", hung), support=(("unit", centre),))
    seed.task("Sau 7 ngày", due=D(2021, 4, 23), lead=("member", hung))
    seed.task("Đã hủy", due=D(2021, 4, 1), status="cancelled", lead=("member", hung))
    for day in range(1, 8):
        seed.log(D(2021, 4, day), "broadcast", day, unit=centre, task=late)
    report = fresh.json("--as-of", "15/4/2021", "status")
    assert report["tasks"]["overdue"] == 1
    members = {row["name"]: row for row in report["members"]}
    assert members["Nguyễn Mạnh Hùng"] == {
        "id": hung, "name": "Nguyễn Mạnh Hùng", "role": "chair", "tasks_total": 2, "tasks_done": 0,
        "overdue": 0, "tasks_lead": 2, "tasks_support": 0,
    }  # fmt: skip
    assert members["Đinh Văn Tuấn"]["overdue"] == 1 and members["Đinh Văn Tuấn"]["tasks_support"] == 1
    assert [row["name"] for row in report["members"]] == ["Nguyễn Mạnh Hùng", "Đinh Văn Tuấn"]  # chair first
    out = fresh("--as-of", "15/4/2021", "status", "--format", "csv", ok=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    overdue = [row for row in rows if row["section"] == "overdue"]
    assert [(row["title"], row["lead"], row["days_late"]) for row in overdue] == [
        ("Dựng pano", "Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "5")
    ]
    soon = [row["title"] for row in rows if row["section"] == "due_soon"]
    assert soon == ["Tọa đàm"]  # 23/4 is 8 days away
    units = [row for row in rows if row["section"] == "units"]
    assert (units[0]["tasks_lead"], units[0]["tasks_support"], units[0]["overdue"]) == ("1", "1", "1")
    recent = [row for row in rows if row["section"] == "recent"]
    assert [row["date"] for row in recent] == ["2021-04-07", "2021-04-06", "2021-04-05", "2021-04-04", "2021-04-03"]
    table = fresh("--as-of", "15/4/2021", "status", ok=True).stdout
    assert "Trung tâm VHTT&TT" in table  # short unit names on screen


def test_csv_sections_have_stable_columns(sample):
    for args in (["status"], ["report", "weekly"], ["report", "phase"], ["report", "member"], ["report", "timeline"]):
        out = sample("--as-of", "15/4/2021", *args, "--format", "csv", ok=True).stdout
        rows = list(csv.reader(io.StringIO(out)))
        header = rows[0]
        assert header[0] == "section", args
        assert all(len(row) == len(header) for row in rows), args
        assert len({row[0] for row in rows[1:]}) >= 2, args


def test_markdown_is_plain_pasteable_text(sample):
    out = sample("--as-of", "15/4/2021", "report", "weekly", "--format", "md", ok=True).stdout
    assert out.startswith("# Weekly report 2021-W15 (12/04/2021 – 18/04/2021)\n")
    assert "\x1b[" not in out and "█" not in out
    for line in out.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


# -- fail on overdue ---------------------------------------------------------------------------
def test_fail_on_overdue(sample):
    result = sample("--as-of", "15/4/2021", "status", "--format", "json", "--fail-on-overdue")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["tasks"]["overdue"] == 3  # printed first
    assert "3 tasks are overdue" in result.stderr
    weekly = sample("--as-of", "15/4/2021", "report", "weekly", "--fail-on-overdue")
    assert weekly.exit_code == 3 and "Weekly report" in weekly.stdout
    assert sample("--as-of", "1/3/2021", "status", "--fail-on-overdue").exit_code == 0
    assert sample("--as-of", "1/3/2021", "report", "weekly", "--fail-on-overdue").exit_code == 0


def test_output_file(sample, tmp_path):
    target = tmp_path / "status.md"
    result = sample("--as-of", "15/4/2021", "status", "--format", "md", "--output", str(target), ok=True)
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# Bầu cử đại biểu Quốc hội")


# -- burndown and timeline ---------------------------------------------------------------------
def test_sample_burndown(sample):
    data = sample.json("--as-of", "15/4/2021", "report", "burndown")
    series = data["series"]
    assert series[0]["date"] == "2021-02-01" and series[-1]["date"] == "2021-05-23"
    assert len(series) == (D(2021, 5, 23) - D(2021, 2, 1)).days + 1
    assert series[-1]["ideal"] == 0
    today = next(point for point in series if point["date"] == "2021-04-15")
    status = sample.json("--as-of", "15/4/2021", "status")
    phase1, phase2 = status["phases"][:2]
    assert data["tasks"] == phase1["tasks"]["total"] - 1 + phase2["tasks"]["total"]  # one is cancelled
    # The sample is loaded after the fact, so its tasks open at their phase's
    # start: on 15/4 the open work is phase 1's tasks neither done nor cancelled.
    assert today["open"] == phase1["tasks"]["total"] - 1 - phase1["tasks"]["done"] == 10
    later = sample.json("--as-of", "1/5/2021", "report", "burndown")["series"]
    first_of_may = next(point for point in later if point["date"] == "2021-05-01")
    status = sample.json("--as-of", "1/5/2021", "status")
    assert first_of_may["open"] == data["tasks"] - sum(p["tasks"]["done"] for p in status["phases"][:2])
    assert all(point["open"] is None for point in series if point["date"] > "2021-04-15")
    assert all(point["open"] is not None for point in series if point["date"] <= "2021-04-15")
    one = sample.json("--as-of", "15/4/2021", "report", "burndown", "--phase", "1")
    ideal = [point["ideal"] for point in one["series"]]
    assert one["phase"]["number"] == 1
    assert ideal == sorted(ideal, reverse=True) and ideal[-1] == 0
    assert ideal[0] == pytest.approx(one["tasks"] * 88 / 89, abs=0.01)  # a straight line
    table = sample("--as-of", "15/4/2021", "report", "burndown", ok=True).stdout
    assert "█" in table and "◆" in table and "^" in table


def test_burndown_counts_by_day(seed, fresh):
    seed.task("A", phase=2, status="done", completed_on=D(2021, 5, 3))
    seed.task("B", phase=2, status="done", completed_on=D(2021, 5, 3))
    seed.task("C", phase=2, status="doing")
    seed.task("D", phase=2, status="cancelled")
    seed.task("E", phase=2, created="2021-05-10T09:00:00+00:00")  # added mid-phase, opens at phase start
    seed.task("F", phase=2, status="done")  # no completion date: cannot be placed
    data = fresh.json("--as-of", "5/5/2021", "report", "burndown", "--phase", "2")
    by_day = {point["date"]: point["open"] for point in data["series"]}
    assert data["tasks"] == 4
    assert by_day["2021-05-01"] == 4 and by_day["2021-05-02"] == 4
    assert by_day["2021-05-03"] == 2 and by_day["2021-05-05"] == 2
    assert by_day["2021-05-06"] is None
    assert data["series"][0]["ideal"] == pytest.approx(4 * 22 / 23, abs=0.01)


def test_sample_timeline(sample):
    data = sample.json("--as-of", "15/4/2021", "report", "timeline")
    assert data["election_day"] == "2021-05-23"
    assert [phase["number"] for phase in data["phases"]] == [1, 2, 3]
    first = data["phases"][0]["tasks"][0]
    assert set(first) >= {"id", "title", "start", "due"}
    assert all(task["start"] == data["phases"][1]["start"] for task in data["phases"][1]["tasks"])
    assert sum(len(phase["tasks"]) for phase in data["phases"]) == 28
    table = sample("--as-of", "15/4/2021", "report", "timeline", ok=True).stdout
    assert "▼" in table and "│" in table and "Đợt 2" in table


# -- properties: totals agree --------------------------------------------------------------------
entries_strategy = st.lists(
    st.tuples(
        st.dates(min_value=D(2021, 1, 20), max_value=D(2021, 6, 10)),
        st.sampled_from(["news", "poster", "broadcast"]),
        st.integers(min_value=0, max_value=500)
        | st.floats(min_value=0, max_value=50, allow_nan=False).map(lambda value: round(value, 1)),
        st.sampled_from(["member0", "member1", "unit0", "nobody"]),
    ),
    max_size=25,
)
tasks_strategy = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.sampled_from(["todo", "doing", "done", "blocked", "cancelled"]),
        st.none() | st.dates(min_value=D(2021, 2, 1), max_value=D(2021, 6, 30)),
        st.none() | st.integers(min_value=0, max_value=50),
    ),
    max_size=15,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=entries_strategy, tasks=tasks_strategy, today=st.dates(min_value=D(2021, 1, 1), max_value=D(2021, 7, 1)))
def test_totals_agree(fresh, campaign_db, entries, tasks, today):
    from campaign_cli.services import reports

    seed = Seed(campaign_db, today)
    campaign_db.execute("DELETE FROM activity")
    campaign_db.execute("DELETE FROM assignment")
    campaign_db.execute("DELETE FROM task")
    if not campaign_db.scalar("SELECT COUNT(*) FROM member"):
        seed.member("Nguyễn Văn An")
        seed.member("Trần Thị Bình")
        seed.unit("Phòng Văn hóa và Thông tin huyện", "Phòng VH&TT")
    members = [row[0] for row in campaign_db.rows("SELECT id FROM member ORDER BY id")]
    unit = campaign_db.scalar("SELECT id FROM unit")
    task_ids = []
    for phase, status, due, target in tasks:
        completed = due if status == "done" and due else None
        task_ids.append(
            seed.task("t", phase=phase, status=status, due=due, target=target, completed_on=completed,
                      lead=("member", members[0]), support=(("unit", unit),))
        )  # fmt: skip
    for index, (on, code, quantity, who) in enumerate(entries):
        by = {"member0": {"member": members[0]}, "member1": {"member": members[1]}, "unit0": {"unit": unit}}.get(
            who, {}
        )
        task = task_ids[index % len(task_ids)] if task_ids and index % 2 else None
        seed.log(on, code, quantity, task=task, **by)
    ctx = seed.ctx

    status = reports.status_report(ctx)
    # tasks: statuses add up, phases add up to the campaign
    counts = status["tasks"]
    assert counts["total"] == sum(counts[s] for s in ("todo", "doing", "done", "blocked", "cancelled")) == len(tasks)
    for key in ("total", "done", "overdue"):
        assert sum(phase["tasks"][key] for phase in status["phases"]) == counts[key if key != "total" else "total"]
    assert counts["overdue"] == sum(
        1 for _p, s, due, _t in tasks if due and due < today and s not in ("done", "cancelled")
    )
    for phase in status["phases"]:
        assert phase["progress"] is None or 0 <= phase["progress"] <= 1
        assert phase["time_elapsed"] is None or 0 <= phase["time_elapsed"] <= 1

    # activity: by type = by member + not by a member; = members + units + nobody
    counted = [(q, who) for on, _c, q, who in entries if on <= today]
    total_quantity = sum(row["quantity"] for row in status["activity"])
    assert total_quantity == pytest.approx(sum(q for q, _w in counted))
    assert sum(row["entries"] for row in status["activity"]) == len(counted)
    by_member = reports.work_by(ctx, "member")
    by_unit = reports.work_by(ctx, "unit")
    other = reports.unattributed(ctx)
    assert total_quantity == pytest.approx(sum(row["quantity"] for row in by_member) + other["quantity"])
    assert len(counted) == sum(row["entries"] for row in by_member) + other["entries"]
    assert other["entries"] == sum(row["entries"] for row in by_unit) + other["nobody_entries"]

    # one week: the same identities, restricted to its days
    start = today - dt.timedelta(days=today.weekday())
    weekly = reports.weekly_report(ctx, start, start + dt.timedelta(days=6))
    validate(json.loads(json.dumps({k: weekly[k] for k in reports.WEEKLY_KEYS}, default=str)), "weekly")
    week_entries = [(q, who) for on, _c, q, who in entries if start <= on <= today]
    week_total = sum(row["quantity"] for row in weekly["activity"])
    assert week_total == pytest.approx(sum(q for q, _w in week_entries))
    assert week_total == pytest.approx(
        sum(row["quantity"] for row in weekly["by_member"]) + weekly["unattributed"]["quantity"]
    )
    assert sum(row["entries"] for row in weekly["by_member"]) == sum(
        1 for _q, w in week_entries if w.startswith("member")
    )

    # phase figures: SQL (status) and Python over the task list (phase report) agree
    listed = reports.phase_report(ctx)["phases"]
    assert [{k: v for k, v in phase.items() if k not in ("task_list", "quantities")} for phase in listed] == status[
        "phases"
    ]

    # charts and the other reports hold up on any data
    from campaign_cli.cli.options import OutputFormat
    from campaign_cli.cli.render import emit
    from campaign_cli.cli.views.charts import burndown_view, timeline_view
    from campaign_cli.cli.views.member import member_view

    burndown = reports.burndown_report(ctx)
    assert all(point["open"] is None or point["open"] >= 0 for point in burndown["series"])
    assert all(point["ideal"] >= 0 for point in burndown["series"])
    for view, fmt in (
        (burndown_view(burndown, "en"), OutputFormat.table),
        (timeline_view(reports.timeline_report(ctx), "en"), OutputFormat.table),
        (member_view(reports.member_report(ctx), "en"), OutputFormat.csv),
    ):
        out = io.StringIO()
        emit(view, fmt, out, "en", width=80)
        assert all(len(line) <= 80 for line in out.getvalue().splitlines()) or fmt == OutputFormat.csv

    # the member load agrees with the assignments (every task led by member 0, not cancelled)
    active = sum(1 for _p, s, _d, _t in tasks if s != "cancelled")
    lead = next(row for row in status["members"] if row["id"] == members[0])
    assert lead["tasks_total"] == lead["tasks_lead"] == active
    unit_row = next(row for row in status["units"] if row["id"] == unit)
    assert unit_row["tasks_support"] == active


# -- scale (timings live in benchmarks/, never in tests) -------------------------------------
@pytest.mark.slow
@pytest.mark.sqlite_only
def test_reports_hold_together_with_10000_tasks_and_100000_logs(fresh, isolated_environment):
    import random
    import sqlite3

    from campaign_cli.cli.views.charts import burndown_view, timeline_view
    from campaign_cli.cli.views.member import member_view
    from campaign_cli.cli.views.phase import phase_view
    from campaign_cli.cli.views.status import status_view
    from campaign_cli.cli.views.weekly import weekly_view
    from campaign_cli.services import reports
    from campaign_cli.storage.db import Database

    rng = random.Random(7)
    conn = sqlite3.connect(isolated_environment)
    campaign_id = conn.execute("SELECT id FROM campaign").fetchone()[0]
    phases = [row[0] for row in conn.execute("SELECT id FROM phase ORDER BY number")]
    types = [row[0] for row in conn.execute("SELECT id FROM activity_type")]
    conn.executemany(
        "INSERT INTO member (campaign_id, name, name_folded, role) VALUES (?, ?, ?, 'member')",
        [(campaign_id, f"Thành viên {i}", f"thanh vien {i}") for i in range(40)],
    )
    conn.executemany(
        "INSERT INTO unit (campaign_id, name, short, name_folded) VALUES (?, ?, '', ?)",
        [(campaign_id, f"Đơn vị {i}", f"don vi {i}") for i in range(20)],
    )
    members = [row[0] for row in conn.execute("SELECT id FROM member")]
    units = [row[0] for row in conn.execute("SELECT id FROM unit")]
    start = D(2021, 2, 1)
    task_rows = []
    for i in range(10_000):
        status = rng.choice(["todo", "doing", "done", "blocked", "cancelled"])
        due = start + dt.timedelta(days=rng.randrange(140))
        task_rows.append(
            (campaign_id, rng.choice(phases), f"Nhiệm vụ {i}", f"nhiem vu {i}", rng.choice(types), due.isoformat(),
             rng.choice([None, 10, 100]), status, due.isoformat() if status == "done" else None,
             f"2021-0{rng.randrange(1, 5)}-1{rng.randrange(10)}T08:00:00+00:00")
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO task (campaign_id, phase_id, title, title_folded, type_id, due, target, status, completed_on, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        task_rows,
    )
    tasks = [row[0] for row in conn.execute("SELECT id FROM task")]
    conn.executemany(
        "INSERT INTO assignment (task_id, role, member_id, unit_id) VALUES (?, ?, ?, ?)",
        [(t, "lead", rng.choice(members), None) for t in tasks]
        + [(t, "support", None, rng.choice(units)) for t in tasks],
    )
    conn.executemany(
        "INSERT INTO activity (campaign_id, on_date, type_id, quantity, task_id, member_id, unit_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, '2021-01-01T00:00:00+00:00')",
        [
            (campaign_id, (start + dt.timedelta(days=rng.randrange(130))).isoformat(), rng.choice(types),
             rng.randrange(1, 20), rng.choice(tasks) if i % 3 else None,
             rng.choice(members) if i % 2 else None, rng.choice(units) if i % 2 == 0 and i % 5 else None)
            for i in range(100_000)
        ],
    )  # fmt: skip
    conn.commit()
    logged_by_as_of = conn.execute("SELECT COUNT(*) FROM activity WHERE on_date <= '2021-04-15'").fetchone()[0]
    logged_in_week = conn.execute(
        "SELECT COUNT(*) FROM activity WHERE on_date BETWEEN '2021-04-12' AND '2021-04-15'"
    ).fetchone()[0]
    burndown_tasks = conn.execute(
        "SELECT COUNT(*) FROM task JOIN phase ON phase.id = task.phase_id "
        "WHERE task.status <> 'cancelled' AND phase.start_date <= '2021-05-23'"
    ).fetchone()[0]
    conn.close()

    db = Database(str(isolated_environment))
    ctx = context(db, D(2021, 4, 15))
    cases = {
        "status": lambda: status_view(reports.status_report(ctx), "en"),
        "weekly": lambda: weekly_view(reports.weekly_report(ctx, D(2021, 4, 12), D(2021, 4, 18)), "en"),
        "phase": lambda: phase_view(reports.phase_report(ctx), "en"),
        "member": lambda: member_view(reports.member_report(ctx), "en"),
        "burndown": lambda: burndown_view(reports.burndown_report(ctx), "en"),
        "timeline": lambda: timeline_view(reports.timeline_report(ctx), "en"),
    }
    try:
        views = {name: build() for name, build in cases.items()}
        status = reports.status_report(ctx)
    finally:
        db.close()
    # every figure whole: nothing capped or dropped at this size
    assert sum(len(phase["task_list"]) for phase in views["phase"].data["phases"]) == 10_000
    assert sum(len(phase["tasks"]) for phase in views["timeline"].data["phases"]) == 10_000
    by_member = views["member"].data
    assert (len(by_member["members"]), len(by_member["units"])) == (40, 20)
    assert sum(len(row["tasks"]) for row in by_member["members"]) == 10_000  # each task's one lead
    assert sum(len(row["tasks"]) for row in by_member["units"]) == 10_000  # each task's one supporter
    assert sum(row["entries"] for row in views["weekly"].data["activity"]) == logged_in_week
    assert f"{burndown_tasks} tasks (not cancelled), 01/02/2021 – 23/05/2021" in views["burndown"].heading
    assert status["tasks"]["total"] == 10_000
    assert sum(phase["tasks"]["total"] for phase in status["phases"]) == 10_000
    assert 0 < logged_by_as_of < 100_000
    assert sum(row["entries"] for row in status["activity"]) == logged_by_as_of
