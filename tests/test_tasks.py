"""Tasks: campaign task list | add | show | edit | start | done | reopen | block | cancel | remove.

The fresh campaign's phases: 1 = 01/02-30/04/2021, 2 = 01/05-23/05/2021,
3 = from 24/05/2021 (open). Members and units are inserted through a
Transaction (the member and unit commands are tested in their own files).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import open_database
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_cli.errors import Conflict, Invalid, NotFound
from campaign_cli.services import tasks
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Database, utc_now
from tests.conftest import db_snapshot

D = dt.date
AS_OF = "15/4/2021"

HUNG = {"kind": "member", "id": 1, "name": "Nguyễn Mạnh Hùng"}
DUC = {"kind": "member", "id": 2, "name": "Trần Minh Đức"}
HUONG = {"kind": "member", "id": 3, "name": "Hoàng Thu Hương"}
VHTT = {"kind": "unit", "id": 1, "name": "Phòng Văn hóa và Thông tin huyện"}
TTVH = {"kind": "unit", "id": 2, "name": "Trung tâm Văn hóa, Thể thao và Truyền thông huyện"}


# -- fixtures ----------------------------------------------------------------
@pytest.fixture
def service(isolated_environment):
    """A services Context on the test database, as of 15/4/2021; call it for another date."""
    opened: list[Database] = []

    def make(today: dt.date = D(2021, 4, 15)) -> Context:
        db = open_database(isolated_environment)
        opened.append(db)
        return Context(db=db, today=today, actor="tester", command="test")

    yield make
    for db in opened:
        db.close()


@pytest.fixture
def people(fresh, service):
    """Two units and three members (ids as in the constants above)."""
    ctx = service()
    with ctx.transaction() as tx:
        for name, short in ((VHTT["name"], "Phòng VH&TT"), (TTVH["name"], "Trung tâm VHTT&TT")):
            tx.insert("unit", {"campaign_id": ctx.campaign_id, "name": name, "short": short, "name_folded": fold(name)})
        for person, role in ((HUNG, "chair"), (DUC, "member"), (HUONG, "member")):
            tx.insert(
                "member",
                {
                    "campaign_id": ctx.campaign_id,
                    "name": person["name"],
                    "name_folded": fold(person["name"]),
                    "role": role,
                },
            )
    return fresh


def _log(
    ctx: Context, task_id: int | None, day: dt.date, quantity: float, type_code: str = "poster", member_id=None
) -> int:
    type_id = ctx.db.scalar(
        "SELECT id FROM activity_type WHERE campaign_id = ? AND code = ?", (ctx.campaign_id, type_code)
    )
    with ctx.transaction() as tx:
        return tx.insert(
            "activity",
            {
                "campaign_id": ctx.campaign_id,
                "on_date": day,
                "type_id": type_id,
                "quantity": quantity,
                "task_id": task_id,
                "member_id": member_id,
                "place": "Gia Vân",
                "note": "",
                "created_at": utc_now(),
            },
        )


PLAN = [
    # id 1
    dict(title="Hội nghị báo cáo viên", phase=1, type="conference", lead="hung", support=["u1"],
         due=D(2021, 3, 20), target=2, status="done", completed_on=D(2021, 3, 18)),
    # id 2
    dict(title="Cấp phát áp phích cổ động", phase=1, type="poster", lead="VH&TT", support=["duc"],
         due=D(2021, 4, 20), target=840, themes=["mục đích, ý nghĩa"], status="doing"),
    # id 3
    dict(title="Tọa đàm thanh niên với cuộc bầu cử", phase=1, type="seminar", lead="Hoàng Thu Hương",
         due=D(2021, 4, 10), themes=["thi đua, biểu dương"]),
    # id 4
    dict(title="Treo băng rôn chào mừng", phase=2, type="banner", lead="u2", support=["m1"],
         due=D(2021, 5, 15), target=80),
    # id 5
    dict(title="Hội thi tìm hiểu pháp luật", phase=1, type="qa", lead="u1", due=D(2021, 4, 5),
         status="cancelled", reason="COVID-19"),
    # id 6
    dict(title="Tờ rơi hướng dẫn cử tri", phase=1, type="leaflet", lead="u1", due=D(2021, 4, 25),
         target=2000, status="blocked", reason="Chờ mẫu tờ rơi của tỉnh"),
    # id 7
    dict(title="Rà soát kế hoạch đợt 1", phase=1),
    # id 8
    dict(title="Hội nghị tổng kết", phase=3, type="conference", lead="m1", due=D(2021, 6, 30), target=0),
]  # fmt: skip


@pytest.fixture
def plan(people, service):
    """The eight tasks of PLAN, created through create_task like the plan loader does."""
    ctx = service()
    with ctx.transaction() as tx:
        ids = [tasks.create_task(ctx, tx, **fields) for fields in PLAN]
    assert ids == [1, 2, 3, 4, 5, 6, 7, 8]
    return people


def ids(cli, *args):
    return [task["id"] for task in cli.json("--as-of", AS_OF, "task", "list", *args)]


# -- add and show ------------------------------------------------------------
def test_add_with_member_and_unit_lead_and_support(people):
    result = people(
        "task", "add", "Cấp phát áp phích cổ động", "--phase", "1", "--type", "ap phich",
        "--lead", "hung", "--support", "VH&TT", "--support", "m2", "--due", "20/4/2021",
        "--target", "840", "--theme", "mục đích, ý nghĩa", "--theme", "bối cảnh cuộc bầu cử", ok=True,
    )  # fmt: skip
    assert result.stderr == "Added task 1 to phase 1: Cấp phát áp phích cổ động\n"
    assert result.stdout == ""
    task = people.json("--as-of", AS_OF, "task", "show", "1")
    assert task == {
        "id": 1,
        "phase": 1,
        "title": "Cấp phát áp phích cổ động",
        "type": "poster",
        "lead": HUNG,
        "support": [VHTT, DUC],
        "due": "2021-04-20",
        "target": 840,
        "unit_of_measure": "tờ",
        "logged": 0,
        "progress": 0.0,
        "status": "todo",
        "overdue": False,
        "themes": ["mục đích, ý nghĩa", "bối cảnh cuộc bầu cử"],
        "completed_on": None,
        "reason": "",
        "phase_name": "Đợt 1: Tuyên truyền chung",
        "type_label": "áp phích",
        "created_at": task["created_at"],
        "logs": [],
        "places": [],
    }


def test_add_stores_nfc_title_and_folded_search_twin(people, service):
    nfd_title = "Tuye\u0302n truye\u0302\u0300n tre\u0302n ma\u0323ng"  # "Tuyên truyền trên mạng" decomposed
    people(
        "task",
        "add",
        nfd_title,
        "--phase",
        "2",
        "--lead",
        "Trung tâm VHTT&TT",
        "--theme",
        "Phản bác  sai trái",
        ok=True,
    )
    row = service().db.one("SELECT title, title_folded, themes, unit_of_measure, type_id FROM task WHERE id = 1")
    assert row == {
        "title": "Tuyên truyền trên mạng",
        "title_folded": "tuyen truyen tren mang phan bac sai trai",
        "themes": "Phản bác sai trái",
        "unit_of_measure": "",
        "type_id": None,
    }
    assert people.json("task", "show", "1")["lead"] == TTVH


def test_add_unit_of_measure_defaults_to_the_type_and_can_be_given(people):
    people("task", "add", "Phát thanh", "--phase", "1", "--type", "broadcast", ok=True)
    people(
        "task", "add", "Hỏi đáp", "--phase", "1", "--type", "hỏi - đáp", "--unit-of-measure", "chương trình", ok=True
    )
    rows = people.json("task", "list")
    assert [(row["type"], row["unit_of_measure"]) for row in rows] == [("broadcast", "lần"), ("qa", "chương trình")]


def test_add_due_on_the_phase_edges_and_in_the_open_phase(people):
    people("task", "add", "A", "--phase", "2", "--due", "1/5/2021", ok=True)
    people("task", "add", "B", "--phase", "2", "--due", "23/5/2021", ok=True)
    people("task", "add", "C", "--phase", "3", "--due", "31/12/2022", ok=True)
    assert [row["due"] for row in people.json("task", "list")] == ["2021-05-01", "2021-05-23", "2022-12-31"]


def test_show_lists_assignments_and_logs_and_what_is_not_counted_yet(plan, service):
    ctx = service()
    _log(ctx, 2, D(2021, 3, 31), 280, member_id=2)
    _log(ctx, 2, D(2021, 4, 7), 280)
    _log(ctx, 2, D(2021, 4, 20), 100)  # after the as-of date
    task = plan.json("--as-of", AS_OF, "task", "show", "2")
    assert task["logged"] == 560
    assert task["progress"] == pytest.approx(560 / 840)
    assert task["logs"] == [
        {"id": 1, "date": "2021-03-31", "type": "poster", "quantity": 280, "by": DUC, "place": "Gia Vân", "note": ""},
        {"id": 2, "date": "2021-04-07", "type": "poster", "quantity": 280, "by": None, "place": "Gia Vân", "note": ""},
        {"id": 3, "date": "2021-04-20", "type": "poster", "quantity": 100, "by": None, "place": "Gia Vân", "note": ""},
    ]
    table = plan("--as-of", AS_OF, "task", "show", "2", ok=True).stdout
    assert "Task 2: Cấp phát áp phích cổ động" in table
    assert "560 tờ" in table and "67%" in table and "in progress" in table
    assert re.search(r"Lead +unit +1 +Phòng Văn hóa và Thông tin huyện", table)
    assert re.search(r"Support +member +2 +Trần Minh Đức", table)
    assert "1 log entry is dated after the as-of date and not counted yet." in table
    csv_lines = plan("task", "show", "2", "--format", "csv", ok=True).stdout.splitlines()
    assert csv_lines[0] == "section,field,value,role,kind,id,name,date,type,quantity,by,place,note"
    assert "assignments,,,support,member,2,Trần Minh Đức,,,,,," in csv_lines


# -- list --------------------------------------------------------------------
def test_list_default_order_is_phase_then_due_with_undated_last(plan):
    assert ids(plan) == [1, 5, 3, 2, 6, 7, 4, 8]
    assert ids(plan, "--sort", "due") == [1, 5, 3, 2, 6, 4, 8, 7]
    assert ids(plan, "--sort", "id") == [1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--phase", "2"], [4]),
        (["--member", "hung"], [1, 4, 8]),  # leads 1 and 8, supports 4
        (["--member", "2"], [2]),  # supports 2
        (["--unit", "VH&TT"], [1, 5, 2, 6]),  # supports 1, leads 5, 2 and 6
        (["--unit", "trung tam"], [4]),
        (["--status", "todo", "--status", "blocked"], [3, 6, 7, 4, 8]),
        (["--status", "DONE"], [1]),
        (["--overdue"], [3]),
        (["--due-before", "10/4/2021"], [1, 5]),  # strictly before: 3 (due 10/4) is not
        (["--search", "ap phich"], [2]),
        (["--search", "thi dua"], [3]),  # a theme
        (["--search", "HỘI"], [1, 5, 8]),
        (["--search", "100%"], []),  # % is literal, not a wildcard
        (["--phase", "1", "--unit", "1", "--status", "blocked"], [6]),
        (["--limit", "3"], [1, 5, 3]),
        (["--sort", "due", "--limit", "2", "--phase", "2"], [4]),
    ],
)
def test_list_filters(plan, args, expected):
    assert ids(plan, *args) == expected


@pytest.mark.parametrize(("as_of", "expected"), [("15/4/2021", [3]), ("21/4/2021", [3, 2]), ("26/4/2021", [3, 2, 6])])
def test_overdue_depends_on_the_as_of_date(plan, as_of, expected):
    rows = plan.json("--as-of", as_of, "task", "list")
    assert [row["id"] for row in rows if row["overdue"]] == expected
    assert [row["id"] for row in plan.json("--as-of", as_of, "task", "list", "--overdue")] == expected


def test_list_json_objects(plan, service):
    _log(service(), 2, D(2021, 4, 1), 210)
    rows = plan.json("--as-of", AS_OF, "task", "list", "--phase", "1", "--status", "doing")
    assert rows == [
        {
            "id": 2,
            "phase": 1,
            "title": "Cấp phát áp phích cổ động",
            "type": "poster",
            "lead": VHTT,
            "support": [DUC],
            "due": "2021-04-20",
            "target": 840,
            "unit_of_measure": "tờ",
            "logged": 210,
            "progress": 0.25,
            "status": "doing",
            "overdue": False,
            "themes": ["mục đích, ý nghĩa"],
            "completed_on": None,
            "reason": "",
        }
    ]


def test_list_table_csv_and_truncation_footer(plan):
    table = plan("--as-of", AS_OF, "task", "list", "--limit", "3", ok=True).stdout
    assert "Showing 3 of 8 tasks; raise --limit to see more." in table
    assert "Hội nghị báo cáo viên" in table and "Cấp phát" not in table
    assert "Phòng VH&TT" in table  # units by their abbreviation in tables
    csv_text = plan("--as-of", AS_OF, "task", "list", "--format", "csv", "--phase", "1", "--limit", "3", ok=True).stdout
    assert csv_text.splitlines() == [
        "id,phase,title,type,lead,due,status,progress,overdue",
        "1,1,Hội nghị báo cáo viên,conference,Nguyễn Mạnh Hùng,2021-03-20,done,1,false",
        "5,1,Hội thi tìm hiểu pháp luật,qa,Phòng Văn hóa và Thông tin huyện,2021-04-05,cancelled,0,false",
        "3,1,Tọa đàm thanh niên với cuộc bầu cử,seminar,Hoàng Thu Hương,2021-04-10,todo,0,true",
    ]


def test_list_empty_messages(people):
    assert "No tasks yet: add one with  campaign task add TITLE --phase N" in people("task", "list", ok=True).stdout
    assert people.json("task", "list") == []
    people("task", "add", "A", "--phase", "1", ok=True)
    assert "No task matches these filters." in people("task", "list", "--phase", "2", ok=True).stdout


def test_list_by_an_ambiguous_member_lists_the_candidates(plan):
    result = plan.fails("task", "list", "--member", "h")
    assert result.stderr == (
        "Error: 'h' matches several members: 1 Nguyễn Mạnh Hùng; 2 Trần Minh Đức; 3 Hoàng Thu Hương; "
        "use the id or more of the name\n"
    )
    assert ids(plan, "--member", "huong") == [3]


# -- progress ----------------------------------------------------------------
def test_progress_with_target_without_target_zero_target_and_capped(plan, service):
    ctx = service()
    _log(ctx, 2, D(2021, 3, 31), 280)
    _log(ctx, 2, D(2021, 4, 7), 280)
    _log(ctx, 2, D(2021, 4, 13), 120)
    _log(ctx, 2, D(2021, 4, 20), 100)  # not yet on 15/4
    _log(ctx, 4, D(2021, 4, 1), 50, "banner")
    _log(ctx, 4, D(2021, 4, 2), 50, "banner")  # 100 of 80: capped
    _log(ctx, 8, D(2021, 4, 3), 5, "conference")  # target 0
    _log(ctx, None, D(2021, 4, 3), 999)  # against no task: counts for none
    rows = {row["id"]: row for row in plan.json("--as-of", AS_OF, "task", "list")}
    progress = {task_id: (row["logged"], row["progress"]) for task_id, row in rows.items()}
    assert progress == {
        1: (0, 1.0),  # done counts 1, target or not
        2: (680, pytest.approx(680 / 840)),
        3: (0, 0.0),  # no target, not done
        4: (100, 1.0),
        5: (0, 0.0),
        6: (0, 0.0),
        7: (0, 0.0),
        8: (5, 0.0),  # target 0, not done
    }
    later = {row["id"]: row for row in plan.json("--as-of", "21/4/2021", "task", "list")}
    assert later[2]["logged"] == 780
    plan("--as-of", AS_OF, "task", "done", "8", ok=True)
    assert plan.json("--as-of", AS_OF, "task", "show", "8")["progress"] == 1.0


@pytest.mark.parametrize(
    ("status", "target", "logged", "expected"),
    [
        ("todo", None, 0, 0.0),
        ("todo", None, 50, 0.0),
        ("done", None, 0, 1.0),
        ("doing", 840, 210, 0.25),
        ("doing", 80, 100, 1.0),
        ("done", 840, 10, 1.0),
        ("doing", 0, 5, 0.0),
        ("done", 0, 0, 1.0),
        ("cancelled", 10, 5, 0.5),
    ],
)
def test_task_progress(status, target, logged, expected):
    assert tasks.task_progress(status, target, logged) == expected


quantities = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(
    status=st.sampled_from(tasks.STATUSES),
    target=st.none() | quantities,
    logged=quantities,
    more=quantities,
)
def test_task_progress_is_bounded_and_monotone(status, target, logged, more):
    progress = tasks.task_progress(status, target, logged)
    assert 0.0 <= progress <= 1.0
    assert tasks.task_progress(status, target, logged + more) >= progress
    if status == "done":
        assert progress == 1.0


@settings(max_examples=50, deadline=None)
@given(
    status=st.sampled_from(tasks.STATUSES),
    target=st.none() | st.integers(min_value=0, max_value=10_000).map(float),
    quantities=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 500).map(float)), max_size=6),
)
def test_progress_sql_agrees_with_python(status, target, quantities):
    """The SQL fragment and task_progress are one rule: same answer on the same data."""
    import tempfile

    from campaign_cli.services import campaigns
    from campaign_cli.storage.db import Database
    from campaign_cli.storage.schema import create_schema

    as_of = D(2021, 4, 15)
    folder = tempfile.TemporaryDirectory()
    db = Database(f"{folder.name}/c.db")  # the real schema: the log's totals come from its triggers
    create_schema(db)
    ctx = Context(db=db, today=as_of, actor="t", command="t")
    campaigns.init_campaign(ctx, name="c", election_day=D(2021, 5, 23))
    completed = as_of - dt.timedelta(days=1) if status == "done" else None
    with ctx.transaction() as tx:
        tasks.create_task(ctx, tx, title="t", phase=1, type="poster", status=status, target=target,
                          completed_on=completed, reason="chờ" if status == "blocked" else "")  # fmt: skip
    conn = db.conn
    for offset, quantity in quantities:
        conn.execute(
            "INSERT INTO activity (campaign_id, task_id, type_id, on_date, quantity, created_at) "
            "SELECT 1, 1, type_id, ?, ?, 'x' FROM task WHERE id = 1",
            ((as_of + dt.timedelta(days=offset - 10)).isoformat(), quantity),
        )
    sql = tasks.task_progress_sql(as_of, 1, "SELECT id FROM task")
    logged, progress = conn.execute(
        f"SELECT {sql.logged}, {sql.progress} FROM {sql.tasks}",
        [p.isoformat() if isinstance(p, dt.date) else p for p in sql.params],
    ).fetchone()
    counted = sum(quantity for offset, quantity in quantities if offset <= 10)
    db.close()
    folder.cleanup()
    assert logged == counted
    assert progress == pytest.approx(tasks.task_progress(status, target, counted))


def test_progress_sql_serves_reports(plan, service):
    """The docstring's example: mean progress per phase, cancelled tasks left out."""
    ctx = service()
    _log(ctx, 2, D(2021, 4, 1), 420)
    p = tasks.task_progress_sql(
        ctx.today, ctx.campaign_id, "SELECT id FROM task WHERE campaign_id = ?", [ctx.campaign_id]
    )
    rows = ctx.db.rows(
        f"SELECT p.number, AVG({p.progress}) FROM {p.tasks} JOIN phase p ON p.id = t.phase_id "
        "WHERE t.status <> 'cancelled' GROUP BY p.number ORDER BY p.number",
        p.params,
    )
    # phase 1 without task 5: 1 (done), 0.5, 0, 0 (blocked), 0 -> 1.5 / 5
    assert rows == [(1, pytest.approx(0.3)), (2, 0.0), (3, 0.0)]


def test_is_overdue():
    assert tasks.is_overdue("todo", D(2021, 4, 14), D(2021, 4, 15))
    assert not tasks.is_overdue("todo", D(2021, 4, 15), D(2021, 4, 15))
    assert not tasks.is_overdue("done", D(2021, 4, 1), D(2021, 4, 15))
    assert not tasks.is_overdue("cancelled", D(2021, 4, 1), D(2021, 4, 15))
    assert not tasks.is_overdue("blocked", None, D(2021, 4, 15))


# -- status transitions ------------------------------------------------------
def status_of(cli, task_id):
    task = cli.json("--as-of", AS_OF, "task", "show", str(task_id))
    return task["status"], task["completed_on"], task["reason"]


def test_transitions_through_the_cli(plan):
    def run(*args, **kwargs):
        return plan("--as-of", AS_OF, "task", *args, **kwargs)

    assert run("start", "3", ok=True).stderr == "Started task 3 (was todo): Tọa đàm thanh niên với cuộc bầu cử\n"
    assert status_of(plan, 3) == ("doing", None, "")
    assert run("done", "3", "--on", "12/4/2021", ok=True).stderr == (
        "Task 3 done on 12/04/2021: Tọa đàm thanh niên với cuộc bầu cử\n"
    )
    assert status_of(plan, 3) == ("done", "2021-04-12", "")
    assert run("reopen", "3", ok=True).stderr == "Reopened task 3 (was done): Tọa đàm thanh niên với cuộc bầu cử\n"
    assert status_of(plan, 3) == ("todo", None, "")
    assert run("block", "3", "--reason", "Chờ kinh phí", ok=True).stderr == "Task 3 blocked: Chờ kinh phí\n"
    assert status_of(plan, 3) == ("blocked", None, "Chờ kinh phí")
    run("block", "3", "--reason", "Chờ hội trường", ok=True)  # a new reason
    assert status_of(plan, 3) == ("blocked", None, "Chờ hội trường")
    run("start", "3", ok=True)  # unblocked: the reason goes
    assert status_of(plan, 3) == ("doing", None, "")
    assert run("cancel", "3", "--reason", "Trùng nội dung", ok=True).stderr == (
        "Cancelled task 3: Tọa đàm thanh niên với cuộc bầu cử\n"
    )
    assert status_of(plan, 3) == ("cancelled", None, "Trùng nội dung")
    run("reopen", "3", ok=True)
    run("done", "3", ok=True)  # completed on the as-of date
    assert status_of(plan, 3) == ("done", "2021-04-15", "")


@pytest.mark.parametrize(
    ("task_id", "command", "message"),
    [
        (1, ["done"], "task 1 is already done (on 18/03/2021)"),
        (1, ["start"], "task 1 is done: reopen it first with  campaign task reopen 1"),
        (1, ["block", "--reason", "x"], "task 1 is done: reopen it first with  campaign task reopen 1"),
        (1, ["cancel"], "task 1 is done: reopen it first with  campaign task reopen 1"),
        (5, ["start"], "task 5 is cancelled: reopen it first with  campaign task reopen 5"),
        (5, ["done"], "task 5 is cancelled: reopen it first with  campaign task reopen 5"),
        (5, ["cancel"], "task 5 is already cancelled"),
        (2, ["start"], "task 2 is already in progress"),
        (2, ["reopen"], "task 2 is in progress, not closed: reopen is for done, cancelled or blocked tasks"),
        (3, ["reopen"], "task 3 is already open (todo): nothing to reopen"),
        (3, ["block", "--reason", "  "], "a blocked task needs a reason: say what it is waiting for"),
        (3, ["done", "--on", "16/4/2021"], "a task cannot be completed on 16/04/2021, after the as-of date 15/04/2021"),
        (99, ["start"], "no task with id 99; see  campaign task list"),
        ("x", ["start"], "a task is given by its id"),
    ],
)
def test_refused_transitions_change_nothing(plan, isolated_environment, task_id, command, message):
    before = db_snapshot(isolated_environment)
    result = plan.fails("--as-of", AS_OF, "task", command[0], str(task_id), *command[1:])
    assert result.stderr.startswith("Error: " + message)
    assert db_snapshot(isolated_environment) == before


def test_every_transition_follows_the_table(people, service):
    """Each (from, to) pair: allowed exactly when TRANSITIONS says so."""
    ctx = service()
    setup = {"todo": {}, "doing": {}, "done": {"completed_on": D(2021, 4, 1)}, "blocked": {"reason": "x"},
             "cancelled": {}}  # fmt: skip
    for start in tasks.STATUSES:
        for target in tasks.STATUSES:
            with ctx.transaction() as tx:
                task_id = tasks.create_task(
                    ctx, tx, title=f"{start} -> {target}", phase="1", status=start, **setup[start]
                )
            if (start, target) in tasks.TRANSITIONS:
                task = tasks.set_status(ctx, task_id, target, reason="y" if target == "blocked" else None)
                assert (task["status"], task["previous"]) == (target, start)
                assert task["completed_on"] == (ctx.today if target == "done" else None)
            else:
                with pytest.raises(Conflict):
                    tasks.set_status(ctx, task_id, target, reason="y")
    assert len(tasks.TRANSITIONS) == 14


def test_block_without_reason_is_a_usage_error(plan):
    plan.fails("task", "block", "3", code=2)


# -- edit --------------------------------------------------------------------
def test_edit_title_and_themes_update_the_search(plan):
    result = plan(
        "task", "edit", "2", "--title", "Cấp phát áp phích (bổ sung)", "--theme", "phản bác sai trái", ok=True
    )
    assert result.stderr == "Updated task 2 (title, themes): Cấp phát áp phích (bổ sung)\n"
    assert ids(plan, "--search", "bo sung") == [2]
    assert ids(plan, "--search", "phan bac") == [2]
    assert ids(plan, "--search", "muc dich") == []
    plan("task", "edit", "2", "--theme", "none", ok=True)
    assert plan.json("task", "show", "2")["themes"] == []


def test_edit_clears_due_and_target_and_moves_phase(plan):
    plan("task", "edit", "2", "--due", "none", "--target", "none", ok=True)
    task = plan.json("--as-of", AS_OF, "task", "show", "2")
    assert (task["due"], task["target"], task["progress"]) == (None, None, 0.0)
    plan("task", "edit", "2", "--phase", "2", "--due", "10/5/2021", "--target", "1,5", ok=True)
    task = plan.json("task", "show", "2")
    assert (task["phase"], task["due"], task["target"]) == (2, "2021-05-10", 1.5)


def test_edit_assignments(plan):
    # duc supports 2; making him lead replaces the unit and ends his support
    result = plan("task", "edit", "2", "--lead", "duc", ok=True)
    assert result.stderr == "Updated task 2 (support, lead): Cấp phát áp phích cổ động\n"
    task = plan.json("task", "show", "2")
    assert (task["lead"], task["support"]) == (DUC, [])
    plan("task", "edit", "2", "--add-support", "hung", "--add-support", "u2", "--add-support", "hung", ok=True)
    assert plan.json("task", "show", "2")["support"] == [HUNG, TTVH]
    plan("task", "edit", "2", "--remove-support", "m1", "--lead", "none", ok=True)
    task = plan.json("task", "show", "2")
    assert (task["lead"], task["support"]) == (None, [TTVH])
    assert ids(plan, "--member", "hung") == [1, 4, 8]


def test_edit_type_changes_a_default_unit_of_measure_only(plan):
    plan("task", "edit", "4", "--type", "poster", ok=True)  # banner "cái" -> poster "tờ"
    assert plan.json("task", "show", "4")["unit_of_measure"] == "tờ"
    plan("task", "edit", "4", "--unit-of-measure", "bộ", ok=True)
    plan("task", "edit", "4", "--type", "flag", ok=True)
    task = plan.json("task", "show", "4")
    assert (task["type"], task["unit_of_measure"]) == ("flag", "bộ")
    plan("task", "edit", "4", "--type", "none", ok=True)
    assert plan.json("task", "show", "4")["type"] is None


def test_edit_with_the_same_values_says_so(plan, isolated_environment):
    before = db_snapshot(isolated_environment)
    result = plan("task", "edit", "2", "--title", "Cấp phát áp phích cổ động", "--lead", "u1", ok=True)
    assert result.stderr == "Task 2 unchanged: it already had these values.\n"
    assert db_snapshot(isolated_environment) == before


# -- remove ------------------------------------------------------------------
def test_remove_keeps_logs_detached_and_records_every_row_for_undo(plan, service):
    ctx = service()
    for day in (D(2021, 3, 31), D(2021, 4, 7)):
        _log(ctx, 2, day, 280)
    result = plan("task", "remove", "2", "--yes", ok=True)
    assert (
        result.stderr == "Removed task 2 (Cấp phát áp phích cổ động); 2 log entries kept, no longer linked to a task.\n"
    )
    assert ctx.db.scalar("SELECT COUNT(*) FROM task WHERE id = 2") == 0
    assert ctx.db.scalar("SELECT COUNT(*) FROM assignment WHERE task_id = 2") == 0
    assert ctx.db.rows("SELECT id, task_id, quantity FROM activity ORDER BY id") == [(1, None, 280.0), (2, None, 280.0)]
    changes = ctx.db.rows(
        "SELECT table_name, row_id, action FROM change WHERE changeset_id = (SELECT MAX(id) FROM changeset) ORDER BY id"
    )
    assert changes == [
        ("assignment", 3, "delete"),
        ("assignment", 4, "delete"),
        ("activity", 1, "update"),
        ("activity", 2, "update"),
        ("task", 2, "delete"),
    ]
    assert ids(plan) == [1, 5, 3, 6, 7, 4, 8]
    plan.fails("task", "show", "2")


def test_undo_puts_a_removed_task_back_with_its_assignments_and_logs(plan, service):
    ctx = service()
    _log(ctx, 2, D(2021, 3, 31), 280)
    before = plan.json("--as-of", AS_OF, "task", "show", "2")
    plan("task", "remove", "2", "--yes", ok=True)
    plan("undo", ok=True)
    after = plan.json("--as-of", AS_OF, "task", "show", "2")
    assert after == before
    assert (after["lead"], after["support"], after["logged"]) == (VHTT, [DUC], 280)


def test_remove_asks_on_a_terminal(plan, monkeypatch):
    from types import SimpleNamespace

    from campaign_cli.cli import common

    monkeypatch.setattr(common, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))
    result = plan("task", "remove", "7", input="n\n")
    assert result.exit_code == 1
    assert "Remove task 7 (Rà soát kế hoạch đợt 1)?" in result.stdout + result.stderr
    assert ids(plan, "--sort", "id") == [1, 2, 3, 4, 5, 6, 7, 8]


# -- bad input ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add", "X", "--phase", "9"], 1, "no phase 9; phases of this campaign: 1, 2, 3"),
        (["add", "X", "--phase", "one"], 1, "a phase is given by its number"),
        (["add", "X", "--phase", "1", "--due", "15/5/2021"], 1,
         "the due date 15/05/2021 falls outside phase 1 (Đợt 1: Tuyên truyền chung, 01/02/2021–30/04/2021)"),
        (["add", "X", "--phase", "3", "--due", "20/5/2021"], 1, "the due date 20/05/2021 falls outside phase 3"),
        (["add", "  ", "--phase", "1"], 1, "the title may not be empty"),
        (["add", "X", "--phase", "1", "--target", "-5"], 1, "the target must be zero or more, not -5"),
        (["add", "X", "--phase", "1", "--target", "nhiều"], 1, "the target must be a number"),
        (["add", "X", "--phase", "1", "--due", "31/4/2021"], 1,
         "--due: \"31/4/2021\" is not a valid date: there is no 31 April"),
        (["add", "X", "--phase", "1", "--lead", "nobody"], 1, "no member or unit matches 'nobody'"),
        (["add", "X", "--phase", "1", "--lead", "hung", "--support", "m1"], 1,
         "Nguyễn Mạnh Hùng leads the task and cannot also support it"),
        (["add", "X", "--phase", "1", "--type", "rocket"], 1, "no activity type 'rocket'"),
        (["add", "X\x1b[31m", "--phase", "1"], 1, "the title contains the control character U+001B"),
        (["add", "X", "--phase", "1", "--colour", "red"], 2, "No such option: --colour"),
        (["add", "X"], 2, "Missing option '--phase'"),
        (["list", "--status", "finished"], 2, "Invalid value for '--status'"),
        (["list", "--limit", "0"], 2, "Invalid value for '--limit'"),
        (["list", "--phase", "7"], 1, "no phase 7"),
        (["list", "--due-before", "31/4/2021"], 1, "--due-before: \"31/4/2021\" is not a valid date"),
        (["show", "99"], 1, "no task with id 99"),
        (["edit", "2"], 1, "nothing to change"),
        (["edit", "2", "--phase", "2"], 1, "the due date 20/04/2021 falls outside phase 2"),
        (["edit", "2", "--remove-support", "hung"], 1, "Nguyễn Mạnh Hùng does not support this task"),
        (["edit", "2", "--title", ""], 1, "the title may not be empty"),
        (["edit", "2", "--target", "-1"], 1, "the target must be zero or more"),
        (["edit", "2", "--lead", "duc", "--add-support", "duc"], 1, "Trần Minh Đức leads the task"),
        (["done", "2", "--on", "31/4/2021"], 1, "--on: \"31/4/2021\" is not a valid date"),
        (["remove", "99", "--yes"], 1, "no task with id 99"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_writes_nothing(plan, isolated_environment, args, code, message):
    before = db_snapshot(isolated_environment)
    result = plan.fails("--as-of", AS_OF, "task", *args, code=code)
    assert message in result.stderr
    assert result.stdout == ""
    assert db_snapshot(isolated_environment) == before


def test_create_task_checks_status_fields(people, service):
    ctx = service()
    cases = [
        (dict(status="finished"), Invalid, "unknown status 'finished'"),
        (dict(status="todo", reason="why"), Invalid, "only a blocked or cancelled task has a reason"),
        (dict(status="blocked"), Invalid, "a blocked task needs a reason"),
        (dict(status="doing", completed_on=D(2021, 4, 1)), Invalid, "only a done task has a completion date"),
        (dict(lead="m99"), NotFound, "no member with id 99"),
    ]
    for fields, error, message in cases:
        with pytest.raises(error, match=message), ctx.transaction() as tx:
            tasks.create_task(ctx, tx, title="X", phase=1, **fields)
    with ctx.transaction() as tx:
        task_id = tasks.create_task(ctx, tx, title="X", phase=1, status="done", target="12")
        later_id = tasks.create_task(ctx, tx, title="Y", phase=1, status="done", completed_on=D(2021, 4, 28))
    task = tasks.get_task(ctx, task_id)
    assert (task["status"], task["completed_on"], task["target"]) == ("done", D(2021, 4, 15), 12)
    # a plan records history: a completion after the as-of date is data, not a typing slip
    # (stored as given; as of 15/4 the task is not done yet: issue 12, "as of a day")
    later = tasks.get_task(ctx, later_id)
    assert (later["status"], later["completed_on"], later["completed_later"]) == ("todo", None, D(2021, 4, 28))
    assert ctx.db.scalar("SELECT completed_on FROM task WHERE id = ?", (later_id,)) == D(2021, 4, 28)


# -- scale -------------------------------------------------------------------
def _many_tasks(ctx: Context, count: int, logs_per_task: int = 3) -> None:
    phase_id = ctx.db.scalar("SELECT id FROM phase WHERE campaign_id = ? AND number = 1", (ctx.campaign_id,))
    type_id = ctx.db.scalar("SELECT id FROM activity_type WHERE code = 'poster'")
    conn = ctx.db
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO task (campaign_id, phase_id, title, title_folded, type_id, due, target, unit_of_measure, themes, "
        "status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'tờ', '', ?, '', 'x')",
        [
            (ctx.campaign_id, phase_id, f"Nhiệm vụ {n}", f"nhiem vu {n}", type_id,
             D(2021, 2, 1) + dt.timedelta(days=n % 70), 100, ("todo", "doing", "done")[n % 3])
            for n in range(count)
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO assignment (task_id, role, member_id) VALUES (?, ?, ?)",
        [(n, role, member) for n in range(1, count + 1) for role, member in (("lead", 1), ("support", 2))],
    )
    conn.executemany(
        "INSERT INTO activity (campaign_id, on_date, type_id, quantity, task_id, created_at) "
        "VALUES (?, ?, ?, 10, ?, 'x')",
        [(ctx.campaign_id, D(2021, 3, 1) + dt.timedelta(days=k), type_id, n)
         for n in range(1, count + 1) for k in range(logs_per_task)],
    )  # fmt: skip
    conn.execute("COMMIT")


def test_list_is_the_page_and_a_count(people, service):
    """One query for the page (sorted with LIMIT, which keeps only the first rows) and,
    when the limit cuts the list, one COUNT: cheaper than numbering every match."""
    ctx = service()
    _many_tasks(ctx, 200)
    statements = []
    execute = ctx.db.execute

    def counting(text, params=()):
        statements.append(text)
        return execute(text, params)

    ctx.db.execute = counting
    rows = tasks.list_tasks(ctx, limit=25)
    assert len(statements) == 2
    assert len(rows) == 25 and rows.total == 200
    statements.clear()
    assert tasks.list_tasks(ctx, limit=500).total == 200 and len(statements) == 1
    assert rows[0]["logged"] == 30 and rows[0]["progress"] == pytest.approx(0.3)


@pytest.mark.slow
def test_list_pages_and_filters_ten_thousand_tasks(people, service):
    """Scale, not speed: timings live in benchmarks/ (task list: 25 of 10,000)."""
    ctx = service()
    _many_tasks(ctx, 10_000)
    page = tasks.list_tasks(ctx, limit=25, sort="due")
    assert page.total == 10_000 and len(page) == 25
    assert [row["due"] for row in page] == sorted(row["due"] for row in page)
    everything = tasks.list_tasks(ctx, overdue=True)
    assert len(everything) == 6667  # not done, due before 15/4 (every due date is)
