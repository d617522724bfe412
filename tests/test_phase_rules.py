"""Moving a phase never strands a task outside it or leaves election day in no phase (issue 12)."""

from __future__ import annotations

import pytest
from checks import one_line_error
from conftest import db_snapshot

AS_OF = "25/2/2026"


@pytest.fixture
def campaign(cli):
    """15/3/2026 with the standard phases; tasks due 5/3 and 10/3 in phase 2, 20/1 in phase 1."""
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", ok=True)
    for title, phase, due in (("Áp phích", "2", "5/3/2026"), ("Băng rôn", "2", "10/3/2026"),
                              ("Hội nghị", "1", "20/1/2026"), ("Không hạn", "2", None)):
        cli("--as-of", AS_OF, "task", "add", title, "--phase", phase, *(("--due", due) if due else ()), ok=True)
    return cli


def phases(cli):
    return [(p["number"], p["start"], p["end"]) for p in cli.json("phase", "list")]


def test_ending_a_phase_before_its_tasks_fall_due_is_refused(campaign, isolated_environment):
    before = db_snapshot(isolated_environment)
    error = one_line_error(campaign("phase", "edit", "2", "--end", "1/3/2026"))
    assert "phase 2 would run 01/02/2026–01/03/2026, leaving 2 of its tasks due outside it" in error
    assert "task 1 (due 05/03/2026), task 2 (due 10/03/2026)" in error
    assert "campaign task edit ID --due DATE" in error
    assert db_snapshot(isolated_environment) == before


def test_starting_a_phase_after_a_task_falls_due_is_refused(campaign):
    error = one_line_error(campaign("phase", "edit", "1", "--start", "1/2/2026", "--end", "10/2/2026"))
    assert "leaving 1 of its tasks due outside it: task 3 (due 20/01/2026)" in error
    error = one_line_error(campaign("phase", "edit", "2", "--start", "6/3/2026"))
    assert "task 1 (due 05/03/2026)" in error and "task 2" not in error


def test_election_day_may_not_fall_out_of_every_phase(campaign):
    campaign("task", "edit", "1", "--due", "1/3/2026", ok=True)
    campaign("task", "edit", "2", "--due", "1/3/2026", ok=True)
    campaign("phase", "remove", "3", "--yes", ok=True)
    error = one_line_error(campaign("phase", "edit", "2", "--end", "1/3/2026"))
    assert "election day (15/03/2026) would then fall in no phase" in error
    assert phases(campaign)[1] == (2, "2026-02-01", "2026-03-15")
    error = one_line_error(campaign("phase", "edit", "2", "--start", "1/2/2026", "--end", "14/3/2026"))
    assert "would then fall in no phase" in error


def test_an_adjacent_phase_takes_over_the_days_a_phase_gives_up(campaign):
    campaign("task", "edit", "1", "--due", "1/3/2026", ok=True)
    campaign("task", "edit", "2", "--due", "1/3/2026", ok=True)
    result = campaign("phase", "edit", "2", "--end", "1/3/2026", ok=True)
    assert "Phase 3, next to it, now runs 02/03/2026–…" in result.stderr
    assert phases(campaign) == [(1, "2025-11-01", "2026-01-31"), (2, "2026-02-01", "2026-03-01"),
                                (3, "2026-03-02", None)]
    campaign("undo", ok=True)  # one change: both phases go back
    assert phases(campaign)[1:] == [(2, "2026-02-01", "2026-03-15"), (3, "2026-03-16", None)]


def test_a_phase_may_move_while_everything_stays_inside(campaign):
    campaign("phase", "edit", "1", "--end", "25/1/2026", ok=True)  # phase 2 now starts 26/1
    campaign("phase", "edit", "2", "--end", "16/3/2026", ok=True)  # phase 3 now starts 17/3
    assert phases(campaign) == [(1, "2025-11-01", "2026-01-25"), (2, "2026-01-26", "2026-03-16"),
                                (3, "2026-03-17", None)]
    # A phase that does not touch the moved boundary stays; overlapping it is refused as before.
    campaign("phase", "edit", "3", "--end", "31/3/2026", ok=True)
    campaign("phase", "add", "Tổng kết", "--start", "10/4/2026", ok=True)
    assert "overlap phase 4" in one_line_error(campaign("phase", "edit", "3", "--end", "15/4/2026"))
    campaign("phase", "edit", "3", "--end", "5/4/2026", ok=True)
    assert phases(campaign)[3] == (4, "2026-04-10", None)


def test_removing_the_phase_that_holds_election_day_is_refused(cli):
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", ok=True)
    error = one_line_error(cli("phase", "remove", "2", "--yes"))
    assert "election day (15/03/2026) would then fall in no phase" in error
    cli("phase", "remove", "3", "--yes", ok=True)
    assert [number for number, _start, _end in phases(cli)] == [1, 2]


def test_a_campaign_without_phases_around_election_day_can_still_be_planned(cli):
    # Election day in no phase before the change is no reason to refuse one.
    cli("init", "Bầu cử 2026", "--election-day", "15/3/2026", "--phases", "none", ok=True)
    cli("phase", "add", "Chuẩn bị", "--start", "1/1/2026", "--end", "31/1/2026", ok=True)
    cli("phase", "edit", "1", "--end", "10/2/2026", ok=True)
    cli("phase", "remove", "1", "--yes", ok=True)
