"""The log's totals (storage/summary.py) always equal the sums over the entries (issue 14).

Triggers keep them on every write; bulk writes keep them set-based. Random
sequences of everything that writes log entries (add, edit, remove, import,
undo, removing a task or a member, raw bulk SQL) must leave totals that a
fresh computation reproduces, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_cli.services import history, logs, members, tasks
from campaign_cli.services.context import Context
from campaign_cli.storage import schema, summary

D = dt.date
FIRST, LAST = D(2021, 1, 25), D(2021, 6, 30)
TYPES = ("poster", "broadcast", "news", "flag")
_names = itertools.count(1)

days = st.dates(FIRST, LAST)
quantities = st.sampled_from((1, 2, 3, 40, 0.5, 0.1, 2.3, 1000))
entries = st.fixed_dictionaries(
    {
        "on_date": days,
        "type": st.sampled_from(TYPES),
        "quantity": quantities,
        "by": st.sampled_from((None, 0, 1, "u")),
        "task": st.none() | st.integers(0, 3),
    }
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), entries),
        st.tuples(st.just("edit"), st.integers(0, 30), entries, st.sets(st.sampled_from(sorted(entries_keys := (
            "on_date", "type", "quantity", "by", "task"))), min_size=1)),
        st.tuples(st.just("remove"), st.integers(0, 30)),
        st.tuples(st.just("import"), st.lists(entries, min_size=0, max_size=70)),
        st.tuples(st.just("undo"), st.integers(1, 2)),
        st.tuples(st.just("remove task"), st.integers(0, 3)),
        st.tuples(st.just("remove member"), st.integers(0, 1)),
        st.tuples(st.just("bulk sql"), days),
        st.tuples(st.just("set-based delete"), days),
    ),
    max_size=12,
)


def new_campaign(db) -> tuple[Context, dict]:
    from campaign_cli.services import campaigns
    from campaign_cli.services.text import fold

    schema.ensure_schema(db)
    ctx = Context(db=db, today=LAST, actor="tester", command="test")
    campaigns.init_campaign(ctx, name=f"Tổng {next(_names)}", election_day=D(2021, 5, 23))
    with ctx.transaction() as tx:
        people = [
            tx.insert("member", {"campaign_id": ctx.campaign_id, "name": name, "name_folded": fold(name),
                                 "role": "member"})
            for name in ("Nguyễn Văn An", "Trần Thị Bình")
        ]  # fmt: skip
        unit = tx.insert("unit", {"campaign_id": ctx.campaign_id, "name": "Đài TT", "name_folded": "dai tt"})
        task_ids = [
            tasks.create_task(ctx, tx, title=f"Nhiệm vụ {n}", phase=1 + n % 3, type=TYPES[n], target=100)
            for n in range(4)
        ]
    setup = db.scalar("SELECT MAX(id) FROM changeset")
    return ctx, {"members": people, "unit": unit, "tasks": task_ids, "setup": setup}


def _by(refs: dict, by) -> str | None:
    if by is None:
        return None
    if by == "u":
        return f"u{refs['unit']}"
    return f"m{refs['members'][by]}"


def _task(ctx: Context, refs: dict, index) -> int | None:
    if index is None:
        return None
    task_id = refs["tasks"][index]
    return task_id if ctx.db.scalar("SELECT id FROM task WHERE id = ?", (task_id,)) else None


def _entry_ids(ctx: Context) -> list[int]:
    return [row[0] for row in ctx.db.rows("SELECT id FROM activity WHERE campaign_id = ? ORDER BY id",
                                          (ctx.campaign_id,))]  # fmt: skip


def _member_alive(ctx: Context, refs: dict, by) -> bool:
    if by in (None, "u"):
        return True
    return ctx.db.scalar("SELECT id FROM member WHERE id = ?", (refs["members"][by],)) is not None


def run(ctx: Context, refs: dict, operation) -> None:
    kind = operation[0]
    ids = _entry_ids(ctx)
    if kind == "add":
        entry = operation[1]
        if _member_alive(ctx, refs, entry["by"]):
            logs.add_log(ctx, type=entry["type"], quantity=entry["quantity"], on_date=entry["on_date"],
                         by=_by(refs, entry["by"]), task=_task(ctx, refs, entry["task"]))  # fmt: skip
    elif kind == "edit" and ids:
        _, index, entry, fields = operation
        changes = {}
        if "on_date" in fields:
            changes["on_date"] = entry["on_date"]
        if "type" in fields:
            changes["type"] = entry["type"]
        if "quantity" in fields:
            changes["quantity"] = entry["quantity"]
        if "by" in fields and _member_alive(ctx, refs, entry["by"]):
            changes["by"] = _by(refs, entry["by"])
        if "task" in fields:
            changes["task"] = _task(ctx, refs, entry["task"])
        if changes:
            logs.edit_log(ctx, ids[index % len(ids)], **changes)
    elif kind == "remove" and ids:
        logs.remove_log(ctx, ids[operation[1] % len(ids)])
    elif kind == "import":
        records = [
            (line, {"date": entry["on_date"].isoformat(), "type": entry["type"], "quantity": str(entry["quantity"]),
                    "member": _by(refs, entry["by"]) or "", "task": str(_task(ctx, refs, entry["task"]) or ""),
                    "place": "", "note": ""})
            for line, entry in enumerate(operation[1], start=2)
            if _member_alive(ctx, refs, entry["by"])
        ]  # fmt: skip
        if records:
            result = logs.import_log_rows(ctx, records, source="t.csv")
            assert result.ok, result.errors
    elif kind == "undo":
        left = ctx.db.scalar(  # changes made after the campaign was set up (never undo the setup)
            "SELECT COUNT(*) FROM changeset WHERE id > ? AND undoes IS NULL AND undone_by IS NULL",
            (refs["setup"],),
        )
        if left < operation[1]:
            return
        try:
            history.undo(ctx, operation[1])
        except Exception as exc:  # nothing left to undo, or a later change in the way: fine
            from campaign_cli.errors import CampaignError

            assert isinstance(exc, CampaignError)
    elif kind == "remove task":
        task_id = _task(ctx, refs, operation[1])
        if task_id is not None:
            tasks.remove_task(ctx, task_id)
    elif kind == "remove member":
        member_id = refs["members"][operation[1]]
        if ctx.db.scalar("SELECT id FROM member WHERE id = ?", (member_id,)):
            members.remove_member(ctx, str(member_id))
    elif kind == "bulk sql":  # one statement touching many rows, as a set-based undo would
        db = ctx.db
        db.execute("BEGIN")
        db.execute(
            "UPDATE activity SET quantity = quantity + 1, on_date = ? WHERE campaign_id = ? AND id % 2 = 0",
            (operation[1], ctx.campaign_id),
        )
        db.execute("COMMIT")
    elif kind == "set-based delete":
        db = ctx.db
        db.execute("BEGIN")
        with summary.set_based(db, "a.campaign_id = ? AND a.on_date >= ?", (ctx.campaign_id, operation[1])):
            db.execute("DELETE FROM activity WHERE campaign_id = ? AND on_date >= ?", (ctx.campaign_id, operation[1]))
        db.execute("COMMIT")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_totals_always_equal_the_sums_over_the_entries(cli, campaign_db, steps):
    ctx, refs = new_campaign(campaign_db)
    for operation in steps:
        run(ctx, refs, operation)
        assert summary.differences(campaign_db) == {table: 0 for table in summary.TABLES}, operation


def test_a_big_import_keeps_the_totals_set_based_and_undo_takes_them_back(cli, campaign_db):
    ctx, refs = new_campaign(campaign_db)
    records = [
        (n + 2, {"date": (FIRST + dt.timedelta(days=n % 150)).isoformat(), "type": TYPES[n % 4],
                 "quantity": str(1 + n % 7), "member": _by(refs, (None, 0, 1, "u")[n % 4]) or "",
                 "task": str(refs["tasks"][n % 4]) if n % 3 else "", "place": "", "note": ""})
        for n in range(500)
    ]  # fmt: skip
    assert logs.import_log_rows(ctx, records, source="t.csv").imported == 500
    assert summary.differences(campaign_db) == {table: 0 for table in summary.TABLES}
    # the triggers are back after the bulk write
    logs.add_log(ctx, type="poster", quantity=3, on_date=D(2021, 3, 1), task=refs["tasks"][0])
    assert summary.differences(campaign_db) == {table: 0 for table in summary.TABLES}
    history.undo(ctx, 2)
    assert campaign_db.scalar("SELECT COUNT(*) FROM log_task_day") == 0
    assert campaign_db.scalar("SELECT COUNT(*) FROM log_day_type") == 0


def test_totals_of_a_task_run_up_to_each_day(cli, campaign_db):
    ctx, refs = new_campaign(campaign_db)
    task = refs["tasks"][0]
    for day, quantity in ((D(2021, 3, 5), 10), (D(2021, 3, 1), 5), (D(2021, 3, 5), 2), (D(2021, 3, 9), 1)):
        logs.add_log(ctx, type="poster", quantity=quantity, on_date=day, task=task)
    rows = campaign_db.rows(
        "SELECT on_date, entries, quantity, cum_entries, cum_quantity FROM log_task_day WHERE task_id = ? "
        "ORDER BY on_date",
        (task,),
    )
    assert [(row[0], row[1], row[2], row[3], row[4]) for row in rows] == [
        (D(2021, 3, 1), 1, 5, 1, 5),
        (D(2021, 3, 5), 2, 12, 3, 17),
        (D(2021, 3, 9), 1, 1, 4, 18),
    ]


@pytest.mark.sqlite_only
def test_an_old_database_gets_its_totals_when_upgraded(cli, tmp_path):
    import shutil
    import sqlite3
    from pathlib import Path

    from campaign_cli.storage.db import Database

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v1.db", old)
    before = sqlite3.connect(old).execute("SELECT COUNT(*), SUM(quantity) FROM activity").fetchone()
    assert before[0] > 0
    cli("--db", old, "info", ok=True)
    db = Database(str(old))
    try:
        assert summary.differences(db) == {table: 0 for table in summary.TABLES}
        assert db.rows("SELECT SUM(entries), SUM(quantity) FROM log_day_type") == [before]
        triggers = {name for (name,) in db.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert triggers == {"log_summary_insert", "log_summary_delete", "log_summary_update"}
    finally:
        db.close()
