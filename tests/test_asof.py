"""Issue 12, "as of a day means as it stood that day".

A task is done on day D only if its ``completed_on`` is on or before D; before
that it counts as it was before completion (doing when it has log entries by
D, else todo); its progress uses only entries dated on or before D; overdue on
D accordingly. The same rule in every report, list and document.

The property test builds random campaigns through the services and checks
that every report as of D equals the same report computed after everything
that happened after D was removed (entries after D deleted, tasks completed
after D put back to doing or todo).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_cli.services import documents, reports, tasks
from campaign_cli.services.context import Context

D = dt.date
ELECTION = D(2021, 5, 23)
#: Standard phases of 23/5/2021: 1/2–30/4, 1/5–23/5, from 24/5.
PHASE_SPANS = {
    1: (D(2021, 2, 1), D(2021, 4, 30)),
    2: (D(2021, 5, 1), D(2021, 5, 23)),
    3: (D(2021, 5, 24), D(2021, 6, 30)),
}
FIRST, LAST = D(2021, 1, 20), D(2021, 7, 10)


def cli_json(sample, as_of: str, *args: str) -> Any:
    return sample.json("--as-of", as_of, *args)


# -- the sample, by hand ------------------------------------------------------------------
# Done tasks of the sample (phase 1) and their completion days:
# 1: 18/3, 5: 30/3, 10: 2/4, 2: 8/4, 9: 9/4, 4: 12/4.
def test_sample_status_counts_only_completions_up_to_the_day(sample):
    early = cli_json(sample, "1/4/2021", "status")
    assert early["tasks"]["done"] == 2  # tasks 1 and 5; 2, 4, 9 and 10 were finished later
    assert early["phases"][0]["tasks"]["done"] == 2
    late = cli_json(sample, "15/4/2021", "status")
    assert late["tasks"]["done"] == 6
    # before phase 1 starts nothing is done, and no task has a log entry yet
    before = cli_json(sample, "1/2/2021", "status")
    assert before["tasks"]["done"] == 0
    assert before["tasks"]["doing"] == late["tasks"]["doing"]  # the ones recorded as doing stay doing
    assert before["phases"][0]["progress"] == 0.0


def test_sample_task_completed_later_counts_as_doing_or_todo(sample):
    # task 2 (done 8/4) has a log entry before 1/4: doing then; task 10 (done 2/4) likewise
    listed = {task["id"]: task for task in cli_json(sample, "1/4/2021", "task", "list")}
    assert listed[1]["status"] == "done"
    assert listed[2]["status"] == "doing"
    assert listed[2]["progress"] < 1
    shown = cli_json(sample, "1/4/2021", "task", "show", "2")
    assert (shown["status"], shown["completed_on"]) == ("doing", None)
    # status filters work on the day's statuses
    done_ids = [task["id"] for task in cli_json(sample, "1/4/2021", "task", "list", "--status", "done")]
    assert done_ids == [1, 5]
    assert listed[10]["status"] == "doing"
    before = {task["id"]: task for task in cli_json(sample, "1/3/2021", "task", "list")}
    assert before[10]["status"] == "todo"  # no entry by 1/3


def test_completed_after_the_day_but_due_before_it_was_overdue(sample):
    # task 5 was due 31/3 and completed 30/3; task 1 due 20/3 and done 18/3: neither overdue.
    # Task 2 is due 10/4 and completed 8/4; as of 9/4 it is open and not yet due;
    # task 10 is due 5/4 and was completed 2/4: on 6/4 done, on 1/4 not due yet.
    # So take task 2 on 9/4 and move its completion to 12/4 first.
    sample("--as-of", "15/4/2021", "task", "reopen", "2", ok=True)
    sample("--as-of", "15/4/2021", "task", "done", "2", "--on", "12/4/2021", ok=True)
    on_11 = {task["id"]: task for task in cli_json(sample, "11/4/2021", "task", "list")}
    assert on_11[2]["overdue"] is True
    assert 2 in [task["id"] for task in cli_json(sample, "11/4/2021", "task", "list", "--overdue")]
    on_12 = {task["id"]: task for task in cli_json(sample, "12/4/2021", "task", "list")}
    assert on_12[2]["overdue"] is False and on_12[2]["status"] == "done"
    weekly = cli_json(sample, "11/4/2021", "report", "weekly")
    assert 2 in [task["id"] for task in weekly["overdue"]]
    assert 2 not in [task["id"] for task in weekly["completed"]]


def test_burndown_and_status_agree_on_the_sample(sample):
    for as_of in ("1/2/2021", "1/3/2021", "1/4/2021", "9/4/2021", "15/4/2021", "30/4/2021"):
        day = dt.datetime.strptime(as_of, "%d/%m/%Y").date()
        status = cli_json(sample, as_of, "status")
        burndown = cli_json(sample, as_of, "report", "burndown")
        point = next(p for p in burndown["series"] if p["date"] == day.isoformat())
        phase_report = cli_json(sample, as_of, "report", "phase")
        # tasks open on the day in the phases the burndown covers that have started by then
        started = [p for p in phase_report["phases"] if p["start"] <= day.isoformat()]
        open_tasks = sum(
            1 for phase in started for task in phase["task_list"] if task["status"] not in ("done", "cancelled")
        )
        assert point["open"] == open_tasks, as_of
        done = sum(phase["tasks"]["done"] for phase in status["phases"] if phase["start"] <= day.isoformat())
        assert done == status["tasks"]["done"]


def test_documents_report_the_day(sample):
    ctx = Context(db=_db(sample), today=D(2021, 4, 1), actor="t", command="t")
    try:
        final = documents.report_document(ctx, "final")
        assert final["tasks"]["done"] == 2
        assert [task["id"] for task in final["completed"]] == [1, 5]
        phase = documents.report_document(ctx, "phase", phase=1)
        assert [task["id"] for task in phase["completed"]] == [1, 5]
    finally:
        ctx.db.close()


def _db(cli):
    from conftest import open_database

    return open_database(cli.db_path)


# -- a done task without a completion date ---------------------------------------------------
def test_done_without_completion_date_is_done_every_day_and_left_out_of_burndown(sample, campaign_db):
    campaign_db.execute("UPDATE task SET completed_on = NULL WHERE id = 2")
    for as_of in ("1/2/2021", "15/4/2021"):
        listed = {task["id"]: task for task in cli_json(sample, as_of, "task", "list")}
        assert listed[2]["status"] == "done" and listed[2]["progress"] == 1
    burndown = cli_json(sample, "15/4/2021", "report", "burndown")
    scope = cli_json(sample, "15/4/2021", "report", "phase")["phases"][:2]
    not_cancelled = sum(1 for phase in scope for task in phase["task_list"] if task["status"] != "cancelled")
    assert burndown["tasks"] == not_cancelled - 1


# -- property: the reports as of D equal the reports of the campaign cut at D -------------------
TYPES = ("poster", "broadcast", "news")
PARTIES = (None, "m1", "m2", "u1")


@st.composite
def campaigns(draw):
    task_list = []
    for _ in range(draw(st.integers(0, 7))):
        phase = draw(st.sampled_from((1, 2, 3)))
        start, end = PHASE_SPANS[phase]
        status = draw(st.sampled_from(tasks.STATUSES))
        completed = draw(st.dates(FIRST, LAST)) if status == "done" else None
        task_list.append(
            {
                "phase": phase,
                "due": draw(st.none() | st.dates(start, end)),
                "status": status,
                "completed_on": completed,
                "undated": status == "done" and draw(st.booleans()),
                "target": draw(st.none() | st.integers(0, 40)),
                "type": draw(st.sampled_from((None, *TYPES))),
                "lead": draw(st.sampled_from(PARTIES)),
                "support": draw(st.sampled_from(((), ("u1",), ("m2",)))),
            }
        )
    logs = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "on_date": st.dates(FIRST, LAST),
                    "type": st.sampled_from(TYPES),
                    # whole and half quantities: sums are exact in floating point
                    "quantity": st.integers(1, 60).map(lambda n: n / 2),
                    "by": st.sampled_from(PARTIES),
                    "task": st.none() | st.integers(0, 6),
                }
            ),
            max_size=25,
        )
    )
    return task_list, logs, draw(st.dates(FIRST, LAST))


_names = itertools.count(1)


def build(db, task_list, logs) -> Context:
    from campaign_cli.services import campaigns as campaign_service
    from campaign_cli.services import logs as log_service
    from campaign_cli.services.text import fold
    from campaign_cli.storage.schema import ensure_schema

    ensure_schema(db)
    ctx = Context(db=db, today=LAST, actor="tester", command="test")
    campaign_service.init_campaign(ctx, name=f"Thử {next(_names)}", election_day=ELECTION)
    with ctx.transaction() as tx:
        for name in ("Nguyễn Văn An", "Trần Thị Bình"):
            tx.insert(
                "member", {"campaign_id": ctx.campaign_id, "name": name, "name_folded": fold(name), "role": "member"}
            )
        tx.insert("unit", {"campaign_id": ctx.campaign_id, "name": "Phòng VH&TT", "name_folded": "phong vh&tt"})
    members = [row[0] for row in db.rows("SELECT id FROM member WHERE campaign_id = ? ORDER BY id", (ctx.campaign_id,))]
    unit = db.scalar("SELECT id FROM unit WHERE campaign_id = ?", (ctx.campaign_id,))
    refs = {None: None, "m1": f"m{members[0]}", "m2": f"m{members[1]}", "u1": f"u{unit}"}
    ids = []
    with ctx.transaction() as tx:
        for task in task_list:
            ids.append(
                tasks.create_task(
                    ctx, tx, title="Nhiệm vụ", phase=task["phase"], type=task["type"], due=task["due"],
                    target=task["target"], status=task["status"], completed_on=task["completed_on"],
                    reason="chờ kinh phí" if task["status"] == "blocked" else "",
                    lead=refs[task["lead"]], support=[refs[ref] for ref in task["support"] if ref != task["lead"]],
                )
            )  # fmt: skip
            if task["undated"]:
                tx.update("task", ids[-1], {"completed_on": None})
        for entry in logs:
            task_id = ids[entry["task"]] if entry["task"] is not None and entry["task"] < len(ids) else None
            log_service.create_log(
                ctx, tx, on_date=entry["on_date"], type=entry["type"], quantity=entry["quantity"],
                by=refs[entry["by"]], task=task_id,
            )  # fmt: skip
    return ctx


def cut_at(ctx: Context, day: dt.date) -> None:
    """The campaign as it stood on ``day``: later entries gone, later completions undone."""
    db = ctx.db
    db.execute("BEGIN")
    db.execute("DELETE FROM activity WHERE campaign_id = ? AND on_date > ?", (ctx.campaign_id, day))
    db.execute(
        "UPDATE task SET status = CASE WHEN EXISTS (SELECT 1 FROM activity a WHERE a.task_id = task.id) "
        "THEN 'doing' ELSE 'todo' END, completed_on = NULL "
        "WHERE campaign_id = ? AND status = 'done' AND completed_on > ?",
        (ctx.campaign_id, day),
    )
    db.execute("COMMIT")


def everything(ctx: Context) -> dict[str, Any]:
    """Every report, list and document as plain data, as of ``ctx.today``."""
    day = ctx.today
    monday = day - dt.timedelta(days=day.weekday())
    listed = tasks.list_tasks(ctx)
    shown = [tasks.get_task(ctx, task["id"]) for task in listed]
    for task in (*listed, *shown):
        task.pop("completed_later")  # the one field that says what happened after the day
    for task in shown:
        task["logs"] = [log for log in task["logs"] if log["date"] <= day]
        task.pop("logs_after")
    return {
        "status": reports.status_report(ctx, lang="en"),
        "weekly": reports.weekly_report(ctx, monday, monday + dt.timedelta(days=6), lang="en"),
        "last week": reports.weekly_report(ctx, monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        "phase": reports.phase_report(ctx, lang="en"),
        "member": reports.member_report(ctx, lang="en"),
        "burndown": reports.burndown_report(ctx),
        "burndown 3": reports.burndown_report(ctx, 3),
        "timeline": reports.timeline_report(ctx),
        "tasks": list(listed),
        "overdue": [task["id"] for task in tasks.list_tasks(ctx, overdue=True)],
        "done": [task["id"] for task in tasks.list_tasks(ctx, statuses=["done"])],
        "shown": shown,
        "documents": [documents.report_document(ctx, kind) for kind in documents.KINDS],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(campaign=campaigns())
def test_every_report_as_of_a_day_is_the_campaign_cut_at_that_day(cli, campaign_db, campaign):
    task_list, logs, day = campaign
    ctx = build(campaign_db, task_list, logs)
    ctx.today = day
    before = everything(ctx)
    cut_at(ctx, day)
    assert everything(ctx) == before
    # and the burndown agrees with the status on that day
    started = [phase for phase in before["phase"]["phases"] if phase["start"] <= day]
    point = next((p for p in before["burndown"]["series"] if p["date"] == day), None)
    if point is not None:
        in_scope = [phase for phase in started if phase["start"] <= ELECTION]
        open_tasks = sum(
            1
            for phase in in_scope
            for task in phase["task_list"]
            if task["status"] not in ("done", "cancelled")
        )
        assert point["open"] == open_tasks  # (a done task without a date is done: never open)


# -- nothing is logged in the future; a day without a year is in the as-of year ----------------
FUTURE = "an activity cannot be logged in the future"


def test_log_add_refuses_a_day_after_the_as_of_date(fresh, isolated_environment):
    from conftest import db_snapshot

    before = db_snapshot(isolated_environment)
    error = fresh.fails("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "16/4/2021").stderr
    assert error == (
        f"Error: {FUTURE}: 16/04/2021 is after the as-of date 15/04/2021; "
        "give the day it was done with --date, or set --as-of to a later day\n"
    )
    assert db_snapshot(isolated_environment) == before
    # tomorrow, relative to the as-of date, is the future too
    assert FUTURE in fresh.fails("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "+1d").stderr
    fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "15/4/2021", ok=True)


def test_a_day_without_a_year_is_read_in_the_as_of_year(fresh):
    result = fresh("--as-of", "1/4/2021", "log", "add", "--type", "poster", "--date", "15/3", ok=True)
    assert "on 15/03/2021" in result.stderr
    # in February 15/3 of the as-of year is still to come: refused, with the full date named
    error = fresh.fails("--as-of", "1/2/2021", "log", "add", "--type", "poster", "--date", "15/3").stderr
    assert f"{FUTURE}: 15/03/2021 is after the as-of date 01/02/2021" in error


def test_a_day_before_the_first_phase_is_logged_with_a_warning(fresh):
    result = fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "20/1/2021", ok=True)
    assert result.stderr.splitlines()[1] == (
        "Warning: 20/01/2021 is before the first phase, which starts 01/02/2021; the entry was logged all the same"
    )
    entries = fresh.json("--as-of", "15/4/2021", "log", "list")
    assert [entry["date"] for entry in entries] == ["2021-01-20"]
    quiet = fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "1/2/2021", ok=True)
    assert "Warning" not in quiet.stderr


def test_log_edit_follows_the_same_rules(fresh):
    fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--date", "10/4/2021", ok=True)
    error = fresh.fails("--as-of", "15/4/2021", "log", "edit", "1", "--date", "20/4/2021").stderr
    assert f"{FUTURE}: 20/04/2021 is after the as-of date 15/04/2021; give the day it was done with --date" in error
    assert fresh.json("--as-of", "15/4/2021", "log", "list")[0]["date"] == "2021-04-10"
    early = fresh("--as-of", "15/4/2021", "log", "edit", "1", "--date", "25/1/2021", ok=True)
    assert "Warning: 25/01/2021 is before the first phase" in early.stderr
    # other corrections of an entry dated before the first phase say nothing about its date
    assert "Warning" not in fresh("--as-of", "15/4/2021", "log", "edit", "1", "--qty", "3", ok=True).stderr


def test_log_import_refuses_future_lines_all_or_nothing(fresh, tmp_path, isolated_environment):
    from conftest import db_snapshot

    path = tmp_path / "week.csv"
    path.write_text(
        "date,type,quantity\n14/4/2021,poster,3\n16/4/2021,poster,2\n15/4/2021,news,1\n30/4/2021,flag,4\n",
        encoding="utf-8",
    )
    before = db_snapshot(isolated_environment)
    lines = fresh.fails("--as-of", "15/4/2021", "log", "import", str(path)).stderr.splitlines()
    assert lines == [
        "Error: 2 of 4 rows in week.csv are wrong; nothing was imported:",
        f"  line 3: {FUTURE}: 16/04/2021 is after the as-of date 15/04/2021; correct the date, "
        "or set --as-of to a later day",
        f"  line 5: {FUTURE}: 30/04/2021 is after the as-of date 15/04/2021; correct the date, "
        "or set --as-of to a later day",
    ]
    assert db_snapshot(isolated_environment) == before
    done = fresh("--as-of", "30/4/2021", "log", "import", str(path), ok=True)
    assert done.stderr == "Imported 4 entries (14/04/2021 – 30/04/2021)\n"


def test_log_import_warns_about_lines_before_the_first_phase(fresh, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("date,type\n20/1/2021,poster\n2/2/2021,poster\n31/1/2021,news\n", encoding="utf-8")
    result = fresh("--as-of", "15/4/2021", "log", "import", str(path), ok=True)
    assert result.stderr.splitlines() == [
        "Warning: 2 entries are dated before the first phase, which starts 01/02/2021 (lines 2, 4); "
        "they were imported all the same",
        "Imported 3 entries (20/01/2021 – 02/02/2021)",
    ]
