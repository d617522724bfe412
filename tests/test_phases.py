"""campaign phase: numbered, dated phases, inclusive at both ends, that never overlap.

The ``fresh`` campaign has the standard phases for 23/5/2021: 1 is 01/02–30/04,
2 is 01/05–23/05, 3 runs from 24/05 with no end.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import db_snapshot, open_database

D = dt.date


def phases(cli) -> list[tuple]:
    return [(row["number"], row["name"], row["start"], row["end"]) for row in cli.json("phase", "list")]


def refused(cli, db_path, *args: str, code: int = 1) -> str:
    """Run a command that must fail, change nothing and say why in one line; the line."""
    before = db_snapshot(db_path)
    result = cli.fails(*args, code=code)
    assert db_snapshot(db_path) == before
    lines = result.stderr.strip().splitlines()
    if code == 2:  # a usage error: typer's usage line, then the error
        assert lines[-1].startswith("Error: "), result.stderr
    else:
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[-1]


@pytest.fixture
def closed(fresh):
    """The standard phases with phase 3 closed on 31/5/2021, so later dates are free."""
    fresh("phase", "edit", "3", "--end", "31/5/2021", ok=True)
    return fresh


STANDARD = [
    (1, "Đợt 1: Tuyên truyền chung", "2021-02-01", "2021-04-30"),
    (2, "Đợt 2: Cao điểm đến ngày bầu cử", "2021-05-01", "2021-05-23"),
    (3, "Đợt 3: Sau ngày bầu cử", "2021-05-24", None),
]


# -- list ---------------------------------------------------------------------------------------
def test_standard_phases_and_the_current_one(fresh):
    assert phases(fresh) == STANDARD
    rows = fresh.json("--as-of", "1/5/2021", "phase", "list")
    assert [row["current"] for row in rows] == [False, True, False]
    assert [row["current"] for row in fresh.json("--as-of", "30/4/2021", "phase", "list")] == [True, False, False]
    assert [row["current"] for row in fresh.json("--as-of", "31/1/2021", "phase", "list")] == [False] * 3
    assert [row["current"] for row in fresh.json("--as-of", "1/1/2030", "phase", "list")] == [False, False, True]
    assert [row["tasks"] for row in rows] == [0, 0, 0]


# -- overlap --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "other"),
    [
        ("30/5/2021", "2/6/2021", 3),  # starts inside phase 3
        ("31/5/2021", "31/5/2021", 3),  # one day: phase 3's last (inclusive)
        ("20/5/2021", "1/6/2021", 2),  # covers the end of 2 and all of 3: the first in order is named
        ("1/1/2021", "1/2/2021", 1),  # ends on phase 1's first day
        ("1/1/2021", "30/6/2021", 1),  # spans every phase
        ("15/3/2021", "20/3/2021", 1),  # inside phase 1
    ],
)
def test_a_new_phase_may_not_overlap_another(closed, isolated_environment, start, end, other):
    error = refused(closed, isolated_environment, "phase", "add", "Chen", "--start", start, "--end", end)
    assert f"these dates overlap phase {other} (" in error and "phases may not overlap" in error
    assert [row[0] for row in phases(closed)] == [1, 2, 3]


def test_the_overlap_message_names_the_phase_and_its_dates(fresh, isolated_environment):
    error = refused(fresh, isolated_environment, "phase", "add", "Chen", "--start", "10/4/2021", "--end", "12/4/2021")
    assert error == (
        "Error: these dates overlap phase 1 (Đợt 1: Tuyên truyền chung, 01/02/2021–30/04/2021); "
        "phases may not overlap"
    )
    error = refused(fresh, isolated_environment, "phase", "add", "Sau", "--start", "1/1/2022")
    assert "overlap phase 3 (Đợt 3: Sau ngày bầu cử, 24/05/2021–…)" in error


def test_an_open_end_runs_on_forever(fresh, isolated_environment):
    # phase 3 has no end: nothing may start after it
    refused(fresh, isolated_environment, "phase", "add", "Năm sau", "--start", "1/1/2031", "--end", "2/1/2031")
    # a new open-ended phase before phase 1 runs into phase 1
    error = refused(fresh, isolated_environment, "phase", "add", "Trước", "--start", "1/1/2021")
    assert "overlap phase 1 (" in error


def test_phases_may_touch_day_to_day(closed):
    closed("phase", "add", "Đợt 4", "--start", "1/6/2021", "--end", "30/6/2021", ok=True)  # the day after 3 ends
    closed("phase", "add", "Đợt 0", "--start", "1/1/2021", "--end", "31/1/2021", "--number", "9", ok=True)
    closed("phase", "add", "Đợt 5", "--start", "1/7/2021", ok=True)  # open end, after every other
    assert phases(closed)[3:] == [
        (4, "Đợt 4", "2021-06-01", "2021-06-30"),
        (9, "Đợt 0", "2021-01-01", "2021-01-31"),
        (10, "Đợt 5", "2021-07-01", None),  # numbers go on after the highest
    ]


def test_moving_a_phase_onto_another_is_refused(fresh, isolated_environment):
    # a neighbour that touched the moved boundary follows it; one that would be swallowed is an overlap
    error = refused(fresh, isolated_environment, "phase", "edit", "1", "--end", "23/5/2021")
    assert "overlap phase 2 (" in error
    error = refused(fresh, isolated_environment, "phase", "edit", "2", "--start", "1/2/2021")
    assert "overlap phase 1 (" in error
    error = refused(fresh, isolated_environment, "phase", "edit", "1", "--end", "none")  # open: runs into 2 and 3
    assert "overlap phase 2 (" in error
    error = refused(fresh, isolated_environment, "phase", "add", "Đợt phụ", "--start", "20/4/2021", "--end", "5/5/2021")
    assert "overlap phase 1 (" in error
    assert phases(fresh) == STANDARD


def test_a_neighbour_that_touched_the_boundary_follows_it(fresh):
    fresh("phase", "edit", "1", "--end", "1/5/2021", ok=True)
    assert phases(fresh)[:2] == [
        (1, "Đợt 1: Tuyên truyền chung", "2021-02-01", "2021-05-01"),
        (2, "Đợt 2: Cao điểm đến ngày bầu cử", "2021-05-02", "2021-05-23"),
    ]
    fresh("undo", ok=True)
    assert phases(fresh) == STANDARD  # one change: both phases come back together


def test_a_phase_does_not_overlap_itself(fresh):
    fresh("phase", "edit", "2", "--start", "2/5/2021", "--end", "22/5/2021", ok=True)  # shrink
    fresh("phase", "edit", "2", "--start", "1/5/2021", "--end", "23/5/2021", ok=True)  # and back
    fresh("phase", "edit", "3", "--name", "Đợt 3: Tổng kết", ok=True)  # dates unchanged, still open
    fresh("phase", "edit", "1", "--start", "1/1/2021", ok=True)  # earlier: nothing there
    assert phases(fresh) == [
        (1, STANDARD[0][1], "2021-01-01", "2021-04-30"),
        STANDARD[1],
        (3, "Đợt 3: Tổng kết", "2021-05-24", None),
    ]


def test_the_overlap_rule_in_the_service(fresh, isolated_environment):
    from campaign_cli.errors import Conflict, Invalid
    from campaign_cli.services.context import Context
    from campaign_cli.services.phases import _check_overlap, add_phase

    db = open_database(isolated_environment)
    try:
        ctx = Context(db=db, today=D(2021, 4, 15), actor="tester", command="test")
        ids = {row[0]: row[1] for row in db.rows("SELECT number, id FROM phase")}
        _check_overlap(ctx, D(2021, 1, 1), D(2021, 1, 31))  # before phase 1: free
        with pytest.raises(Conflict, match="phase 1 "):
            _check_overlap(ctx, D(2021, 1, 1), D(2021, 2, 1))
        with pytest.raises(Conflict, match="phase 2 "):
            _check_overlap(ctx, D(2021, 5, 23), D(2021, 5, 23))
        with pytest.raises(Conflict, match="phase 3 "):
            _check_overlap(ctx, D(2099, 1, 1), None)
        _check_overlap(ctx, D(2021, 5, 1), D(2021, 5, 23), ignore_id=ids[2])  # its own dates
        with pytest.raises(Conflict, match="phase 1 "):
            _check_overlap(ctx, D(2021, 4, 30), D(2021, 5, 23), ignore_id=ids[2])
        with pytest.raises(Invalid, match="a phase number is a whole number from 1"):  # the CLI says so first
            add_phase(ctx, name="Số 0", start=D(2099, 1, 1), end=D(2099, 1, 2), number=0)
    finally:
        db.close()


# -- dates, numbers, names ------------------------------------------------------------------------
def test_a_phase_may_not_end_before_it_starts(closed, isolated_environment):
    error = refused(closed, isolated_environment, "phase", "add", "Ngược", "--start", "10/6/2021", "--end", "9/6/2021")
    assert error == "Error: the phase ends (09/06/2021) before it starts (10/06/2021): swap the dates"
    error = refused(closed, isolated_environment, "phase", "edit", "2", "--end", "30/4/2021")
    assert "the phase ends (30/04/2021) before it starts (01/05/2021)" in error
    closed("phase", "add", "Một ngày", "--start", "10/6/2021", "--end", "10/6/2021", ok=True)  # one day is fine
    assert phases(closed)[-1] == (4, "Một ngày", "2021-06-10", "2021-06-10")


def test_numbers_follow_on_and_may_be_chosen(closed, isolated_environment):
    added = closed("phase", "add", "Đợt bổ sung", "--start", "1/6/2021", "--end", "5/6/2021", ok=True)
    assert "Added phase 4: Đợt bổ sung" in added.stderr
    error = refused(closed, isolated_environment, "phase", "add", "Trùng", "--start", "6/6/2021", "--number", "2")
    assert error == "Error: phase 2 already exists; pick another number or edit it"
    error = refused(closed, isolated_environment, "phase", "add", "Số 0", "--start", "6/6/2021", "--number", "0",
                    code=2)  # fmt: skip
    assert "'--number': 0 is not in the range x>=1" in error
    closed("phase", "add", "Đợt 7", "--start", "6/6/2021", "--end", "7/6/2021", "--number", "7", ok=True)
    closed("phase", "add", "Tiếp", "--start", "8/6/2021", "--end", "9/6/2021", ok=True)
    assert [row[0] for row in phases(closed)] == [1, 2, 3, 4, 7, 8]  # after the highest


def test_the_first_phase_of_an_empty_campaign_is_number_1(cli):
    cli("init", "Không đợt", "--election-day", "23/5/2021", "--phases", "none", ok=True)
    cli("phase", "add", "Đầu tiên", "--start", "1/3/2021", ok=True)
    assert phases(cli) == [(1, "Đầu tiên", "2021-03-01", None)]


def test_phase_names_are_cleaned_and_required(closed, isolated_environment):
    closed("phase", "add", "  Đợt   4  ", "--start", "1/6/2021", "--end", "2/6/2021", ok=True)
    assert phases(closed)[-1][1] == "Đợt 4"  # spaces trimmed and collapsed
    error = refused(closed, isolated_environment, "phase", "add", "   ", "--start", "3/6/2021")
    assert "phase name" in error and "may not be empty" in error


def test_edit_opens_an_end_and_keeps_what_is_left_out(fresh):
    fresh("phase", "edit", "3", "--end", "31/5/2021", ok=True)
    assert phases(fresh)[2][3] == "2021-05-31"
    fresh("phase", "edit", "3", "--name", "Cuối", ok=True)  # --end left out: kept
    assert phases(fresh)[2] == (3, "Cuối", "2021-05-24", "2021-05-31")
    fresh("phase", "edit", "3", "--end", "none", ok=True)
    assert phases(fresh)[2] == (3, "Cuối", "2021-05-24", None)


# -- remove ------------------------------------------------------------------------------------------
def test_remove_a_phase_only_when_it_holds_no_tasks(fresh, isolated_environment):
    fresh("task", "add", "Treo băng rôn", "--phase", "2", ok=True)
    error = refused(fresh, isolated_environment, "phase", "remove", "2", "--yes")
    assert error == "Error: phase 2 still holds 1 task(s): move or remove them first"
    result = fresh("phase", "remove", "1", "--yes", ok=True)
    assert "Removed phase 1." in result.stderr
    assert [row[0] for row in phases(fresh)] == [2, 3]
    assert "no phase 9" in refused(fresh, isolated_environment, "phase", "remove", "9", "--yes")


def test_the_phase_of_a_day():
    from campaign_cli.services.phases import phase_of_day

    rows = [
        {"id": 1, "start_date": D(2021, 2, 1), "end_date": D(2021, 4, 30)},
        {"id": 2, "start_date": D(2021, 5, 1), "end_date": D(2021, 5, 23)},
        {"id": 3, "start_date": D(2021, 5, 24), "end_date": None},
    ]
    found = {day: (phase_of_day(rows, day) or {}).get("id") for day in (
        D(2021, 1, 31), D(2021, 2, 1), D(2021, 4, 30), D(2021, 5, 1), D(2021, 5, 23), D(2021, 5, 24), D(2099, 1, 1)
    )}  # fmt: skip
    assert list(found.values()) == [None, 1, 1, 2, 2, 3, 3]
    assert phase_of_day(rows[:2], D(2021, 5, 24)) is None


def test_number_1_may_be_chosen_again_once_free(fresh):
    fresh("phase", "remove", "1", "--yes", ok=True)
    fresh("phase", "add", "Đợt đầu", "--start", "1/1/2021", "--end", "31/1/2021", "--number", "1", ok=True)
    assert phases(fresh)[0] == (1, "Đợt đầu", "2021-01-01", "2021-01-31")
