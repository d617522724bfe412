"""Undo and redo as set operations: whole changesets reverted in a few statements,
the conflict check done for all rows at once, redo as the undo of an undo, and
a question before reverting several changes on a terminal."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from checks import one_line_error
from conftest import db_rows, db_snapshot, open_database

from campaign_cli.cli import safety

HISTORY_TABLES = ("changeset", "change")
AS_OF = ("--as-of", "30/6/2021")


def data_only(snapshot: dict) -> dict:
    return {table: rows for table, rows in snapshot.items() if table not in HISTORY_TABLES}


def write_log_csv(path: Path, rows: int, member: str = "Trần Minh Đức") -> Path:
    lines = ["date,type,quantity,member,task,place,note"]
    for number in range(rows):
        day = dt.date(2021, 3, 1) + dt.timedelta(days=number % 60)
        lines.append(f"{day:%d/%m/%Y},poster,{number % 7 + 1},{member},{number % 5 + 1},Thôn {number},ghi chú {number}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def history(cli, *args):
    return cli.json("history", *args)


# -- undo of a bulk import -----------------------------------------------------------
def test_undo_of_a_log_import_removes_every_row_and_says_so(sample, isolated_environment, tmp_path):
    start = data_only(db_snapshot(isolated_environment))
    sample(*AS_OF, "log", "import", str(write_log_csv(tmp_path / "rows.csv", 1500)), ok=True)
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM activity")[0][0] == 67 + 1500

    result = sample(*AS_OF, "undo", ok=True)
    assert result.stderr.strip().endswith(": 1500 log entries removed")
    assert data_only(db_snapshot(isolated_environment)) == start
    rows = history(sample)
    assert rows[0]["summary"] == f"undo of #{rows[1]['id']}: 1500 log entries removed"
    assert rows[0]["changes"] == 1500 and rows[0]["kind"] == "undo"

    result = sample(*AS_OF, "redo", ok=True)
    assert result.stderr.startswith(f"Redid #{rows[1]['id']} (campaign --as-of 30/6/2021 log import ")
    assert result.stderr.strip().endswith(": 1500 log entries added")
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM activity")[0][0] == 67 + 1500
    # The rows came back with their ids and every value.
    assert db_rows(
        isolated_environment, "SELECT MIN(id), MAX(id), SUM(quantity) FROM activity WHERE id > 67"
    )[0] == (68, 1567, sum(number % 7 + 1 for number in range(1500)))


def test_undo_says_what_it_did_in_the_words_of_history(sample):
    sample(*AS_OF, "log", "add", "--type", "poster", "--qty", "40", "--date", "20/4/2021", "--by", "duc",
           "--note", "Thôn Đông", ok=True)
    entry = db_rows(sample.db_path, "SELECT MAX(id) FROM activity")[0][0]
    result = sample(*AS_OF, "undo", ok=True)
    assert f'log entry {entry} removed: "Thôn Đông"' in result.stderr
    assert history(sample)[0]["summary"].endswith(f'log entry {entry} removed: "Thôn Đông"')


def test_a_bulk_row_changed_outside_the_history_stops_the_undo(sample, isolated_environment, tmp_path):
    sample(*AS_OF, "log", "import", str(write_log_csv(tmp_path / "rows.csv", 300)), ok=True)
    db = open_database(isolated_environment)  # behind the tool's back: no history
    db.execute("UPDATE activity SET quantity = 99 WHERE id = 200")
    db.close()
    before = db_snapshot(isolated_environment)
    error = one_line_error(sample(*AS_OF, "undo"))
    assert "log entry 200 has been changed since, outside the history (quantity)" in error
    assert "nothing was undone" in error
    assert db_snapshot(isolated_environment) == before


# -- redo ----------------------------------------------------------------------------
def test_redo_walks_back_through_undos_and_undo_then_reverts_the_redo(fresh, isolated_environment):
    states = [data_only(db_snapshot(isolated_environment))]
    for name in ("Một", "Hai", "Ba"):
        fresh("phase", "edit", "1", "--name", name, ok=True)
        states.append(data_only(db_snapshot(isolated_environment)))
    fresh("undo", "2", "--yes", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == states[1]

    result = fresh("redo", ok=True)
    assert result.stderr.startswith("Redid #3 (campaign phase edit 1 --name Hai): phase 1 updated: name Một→Hai")
    assert data_only(db_snapshot(isolated_environment)) == states[2]
    fresh("redo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == states[3]
    error = one_line_error(fresh("redo"))
    assert "nothing to redo" in error

    # After a redo, undo reverts the change that came back (Ctrl-Z after Ctrl-Y).
    fresh("undo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == states[2]
    rows = {row["id"]: row for row in history(fresh, "--limit", "0")}
    redo_rows = [row for row in rows.values() if row["kind"] == "redo"]
    assert [row["summary"] for row in sorted(redo_rows, key=lambda row: row["id"])] == [
        "redo of #3: phase 1 updated: name Một→Hai",
        "redo of #4: phase 1 updated: name Hai→Ba",
    ]
    assert rows[3]["undone_by"] is not None and rows[3]["redone_by"] is not None
    table = fresh("history", "--limit", "0", ok=True).stdout
    assert "redoes #" in table and "redone by #" in table


def test_redo_refuses_when_a_later_change_touched_the_same_row(fresh, isolated_environment):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("undo", ok=True)
    fresh("phase", "edit", "1", "--name", "Khác", ok=True)
    before = db_snapshot(isolated_environment)
    error = one_line_error(fresh("redo"))
    assert error.startswith("Error: cannot redo #2 (campaign phase edit 1 --name Một): phase 1 has been changed since")
    assert "by #4 (campaign phase edit 1 --name Khác)" in error and "nothing was redone" in error
    assert db_snapshot(isolated_environment) == before


def test_redo_n_and_counts(fresh):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("undo", ok=True)
    error = one_line_error(fresh("redo", "2"))
    assert "only 1 undo(s) can be redone, not 2" in error and "campaign redo 1" in error
    fresh.fails("redo", "0", code=2)


# -- asking first ---------------------------------------------------------------------
def test_undo_of_several_changes_asks_on_a_terminal(fresh, isolated_environment, monkeypatch):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("phase", "edit", "2", "--name", "Hai", ok=True)
    before = db_snapshot(isolated_environment)
    monkeypatch.setattr(safety, "on_terminal", lambda: True)

    declined = fresh("undo", "2", input="n\n")
    assert declined.exit_code == 1
    assert "These 2 changes will be undone, newest first:" in declined.stderr
    assert "#3 campaign phase edit 2 --name Hai: phase 2 updated" in declined.stderr
    assert "Nothing undone." in declined.stderr
    assert db_snapshot(isolated_environment) == before

    fresh("undo", "2", input="y\n", ok=True)
    assert [row["kind"] for row in history(fresh)[:2]] == ["undo", "undo"]
    # One change needs no question; --yes skips it; redo asks the same way.
    fresh("redo", "2", "--yes", ok=True)
    fresh("phase", "edit", "3", "--name", "Ba", ok=True)
    fresh("undo", ok=True)


def test_no_terminal_proceeds_without_asking(fresh):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("phase", "edit", "2", "--name", "Hai", ok=True)
    result = fresh("undo", "2", ok=True)
    assert "These" not in result.stderr and result.stderr.count("Undid #") == 2


def test_the_question_is_asked_in_the_campaigns_language(fresh, monkeypatch):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("phase", "edit", "2", "--name", "Hai", ok=True)
    monkeypatch.setattr(safety, "on_terminal", lambda: True)
    result = fresh("--lang", "vi", "undo", "2", input="n\n")
    assert result.exit_code == 1
    assert "Nothing undone." not in result.stderr and "Undo them?" not in result.stderr
    aborted = fresh("--lang", "vi", "undo", "2", input="")  # end of input: click aborts
    assert aborted.exit_code == 1 and "Aborted!" not in aborted.stderr


def test_a_change_made_while_the_question_waits_stops_the_undo(fresh, isolated_environment, monkeypatch):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    fresh("phase", "edit", "2", "--name", "Hai", ok=True)
    monkeypatch.setattr(safety, "on_terminal", lambda: True)
    import typer

    def answer_after_another_office_wrote(*_args, **_kwargs):
        db = open_database(isolated_environment)
        with db.transaction(actor="other", command="campaign phase edit 3 --name Ba", campaign_id=1) as tx:
            tx.update("phase", db.scalar("SELECT id FROM phase WHERE number = 3"), {"name": "Ba"})
        db.close()
        return True

    monkeypatch.setattr(typer, "confirm", answer_after_another_office_wrote)
    result = fresh("undo", "2")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: the history changed while you were deciding")
    # Not the change the user saw listed, nor the one the other office made.
    assert db_rows(isolated_environment, "SELECT number, name FROM phase ORDER BY number") == [
        (1, "Một"), (2, "Hai"), (3, "Ba")
    ]


# -- set-based writes that only work row by row ---------------------------------------
def test_rows_swapping_a_unique_value_are_reverted_one_by_one(fresh, isolated_environment):
    """One UPDATE cannot swap two phases' numbers (the unique rule is checked row by row);
    undo then reverts the rows one by one, backwards, as they were changed."""
    db = open_database(isolated_environment)
    ids = dict(db.rows("SELECT number, id FROM phase"))
    with db.transaction(actor="tester", command="swap phases 1 and 2", campaign_id=1) as tx:
        tx.update("phase", ids[1], {"number": 99})
        tx.update("phase", ids[2], {"number": 1})
        tx.update("phase", ids[1], {"number": 2})
    db.close()
    assert dict(db_rows(isolated_environment, "SELECT id, number FROM phase")) == {ids[1]: 2, ids[2]: 1, ids[3]: 3}
    fresh("undo", ok=True)
    assert dict(db_rows(isolated_environment, "SELECT id, number FROM phase")) == {ids[1]: 1, ids[2]: 2, ids[3]: 3}
    fresh("redo", ok=True)
    assert dict(db_rows(isolated_environment, "SELECT id, number FROM phase")) == {ids[1]: 2, ids[2]: 1, ids[3]: 3}


def test_task_removal_with_entries_and_assignments_undoes_and_redoes(sample, isolated_environment):
    start = data_only(db_snapshot(isolated_environment))
    sample("task", "remove", "7", "--yes", ok=True)
    removed = data_only(db_snapshot(isolated_environment))
    sample("undo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == start
    sample("redo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == removed
    sample("undo", ok=True)
    assert data_only(db_snapshot(isolated_environment)) == start


# -- history ------------------------------------------------------------------------------
def test_history_of_a_member_includes_bulk_imports_of_their_entries(sample, tmp_path):
    sample(*AS_OF, "log", "import", str(write_log_csv(tmp_path / "rows.csv", 20, member="Phạm Thị Lan")), ok=True)
    commands = [row["command"] for row in history(sample, "--member", "lan")]
    assert commands[0].startswith("campaign --as-of 30/6/2021 log import ")
    assert all("log import" not in command for command in
               [row["command"] for row in history(sample, "--member", "hung")])


def test_history_csv_time_is_iso(fresh):
    fresh("phase", "edit", "1", "--name", "Một", ok=True)
    rows = list(csv.DictReader(io.StringIO(fresh("history", "--format", "csv", ok=True).stdout)))
    moment = dt.datetime.fromisoformat(rows[0]["at"])
    assert moment.tzinfo is not None
    assert abs(dt.datetime.now(dt.UTC) - moment) < dt.timedelta(minutes=5)
    stored = history(fresh)[0]["at"]
    assert dt.datetime.fromisoformat(stored) == moment


@pytest.mark.parametrize("member_id", [1, 12])
def test_member_filter_matches_the_id_exactly(sample, tmp_path, member_id):
    # "member_id": 1 must not match 12 or 10 (and the other way round).
    rows = history(sample, "--member", f"#{member_id}")
    assert all(row["command"] == "campaign init --sample" for row in rows)


def test_messages_speak_the_campaigns_language(cli, tmp_path, monkeypatch):
    """A Vietnamese campaign, no --lang and no CAMPAIGN_LANG: undo, redo, import, export and
    the question before undoing several changes all speak Vietnamese, "Aborted!" included."""
    monkeypatch.delenv("CAMPAIGN_LANG")
    cli("init", "--sample", ok=True)
    cli("phase", "edit", "1", "--name", "Một", ok=True)
    cli("phase", "edit", "2", "--name", "Hai", ok=True)
    assert cli("undo", ok=True).stderr.startswith("Đã hoàn tác #")
    assert cli("redo", ok=True).stderr.startswith("Đã làm lại #")
    nothing = cli("redo")
    assert nothing.exit_code == 1 and nothing.stderr.startswith("Lỗi: không có gì để làm lại")
    monkeypatch.setattr(safety, "on_terminal", lambda: True)
    declined = cli("undo", "2", input="n\n")
    assert "Sẽ hoàn tác 2 thay đổi sau" in declined.stderr and "Chưa hoàn tác gì." in declined.stderr
    aborted = cli("undo", "2", input="")
    assert aborted.exit_code == 1 and "Đã hủy!" in aborted.stderr and "Aborted!" not in aborted.stderr
    path = tmp_path / "c.json"
    assert cli("export", path, ok=True).stderr.startswith("Đã xuất")
    result = cli("--db", tmp_path / "copy.db", "import", path, ok=True)
    assert result.stderr.startswith("Đã nhập chiến dịch")


def _indexes(path):
    return sorted(db_rows(path, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def _statements(cli, monkeypatch, *args) -> list[str]:
    """Run a command; the SQL statements it executed."""
    from campaign_cli.storage import db as storage

    seen: list[str] = []
    execute = storage.Database.execute

    def watch(self, text, params=()):
        seen.append(text)
        return execute(self, text, params)

    with monkeypatch.context() as patch:
        patch.setattr(storage.Database, "execute", watch)
        cli(*args, ok=True)
    return seen


@pytest.mark.sqlite_only
def test_a_big_undo_sets_indexes_aside_and_builds_them_again(sample, isolated_environment, tmp_path, monkeypatch):
    """Over 20,000 rows, and most of the table, the undo drops the table's secondary indexes
    and builds them again: the schema after it is the schema before."""
    indexes = _indexes(isolated_environment)
    start = data_only(db_snapshot(isolated_environment))
    sample(*AS_OF, "log", "import", str(write_log_csv(tmp_path / "rows.csv", 21_000)), ok=True)
    undo = _statements(sample, monkeypatch, *AS_OF, "undo")
    assert [text for text in undo if text.startswith("DROP INDEX")]
    assert data_only(db_snapshot(isolated_environment)) == start
    assert _indexes(isolated_environment) == indexes
    sample(*AS_OF, "redo", ok=True)
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM activity")[0][0] == 67 + 21_000
    assert _indexes(isolated_environment) == indexes

    # A trigger that reads the table keeps its indexes in place (it would scan without them).
    db = open_database(isolated_environment)
    db.execute("CREATE TABLE audit (n INTEGER)")
    db.execute("CREATE TRIGGER audit_delete AFTER DELETE ON activity BEGIN "
               "INSERT INTO audit SELECT COUNT(*) FROM activity WHERE task_id = OLD.task_id; END")
    db.close()
    undo = _statements(sample, monkeypatch, *AS_OF, "undo")
    assert not [text for text in undo if text.startswith("DROP INDEX")]
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM activity")[0][0] == 67
