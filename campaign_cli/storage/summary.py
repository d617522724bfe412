"""Totals of the activity log, kept up to date by the database itself.

Reports read totals, not entries: how much of each type was logged on each
day, by whom, and against each task, so ``status`` and ``report weekly`` cost
the same with 10,000 entries or 1,000,000. Three tables (``storage.tables``)
hold them:

``log_day_type``   (campaign, day, activity type) -> entries, quantity
``log_day_party``  (campaign, day, activity type, member, unit) -> entries, quantity
                   (member_id / unit_id 0: none; an entry has at most one of them)
``log_task_day``   (task, day) -> entries, quantity, and the task's running
                   totals up to and including that day (cum_entries, cum_quantity),
                   so "logged against task T up to day D" is one index probe:
                   the last row of T dated on or before D.

Triggers on ``activity`` maintain them in the same transaction as every write,
whoever writes: ``log add``/``edit``/``remove``, imports, ``undo``, a restore, a
plan, even a hand-written ``UPDATE``. Nobody has to remember to call anything.
SQLite gets row triggers (it has no other kind); PostgreSQL gets statement
triggers over transition tables, so a bulk insert updates each total once
per statement and recomputes the running totals of the tasks it touched with
one window function. Both write exactly the rows :func:`rebuild` computes
from scratch (a property test checks it after random writes).

Quantities are floating-point: a total kept by adding and subtracting may
differ from a fresh sum in the last bits when quantities have decimals that
binary cannot hold (0.1); reports round to 4 decimals, so this never shows.
A row whose entry count falls to zero is deleted, so the totals hold exactly
the groups that have entries.

This module builds SQL text only; it imports nothing heavy and runs inside
the caller's transaction (schema creation, migration 4, the benchmark
generator).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from campaign_cli.storage.db import Database

#: The summary tables, in the order they are filled.
TABLES = ("log_day_type", "log_day_party", "log_task_day")
#: Columns of ``activity`` whose change moves an entry between totals.
COUNTED_COLUMNS = ("campaign_id", "on_date", "type_id", "quantity", "task_id", "member_id", "unit_id")

_TRIGGERS_SQLITE = ("log_summary_insert", "log_summary_delete", "log_summary_update")
_TRIGGERS_POSTGRES = ("log_summary_insert", "log_summary_delete", "log_summary_update")
_FUNCTIONS_POSTGRES = ("log_summary_insert_fn", "log_summary_delete_fn", "log_summary_update_fn", "log_summary_running")


# -- SQLite: row triggers ------------------------------------------------------------
def _sqlite_add(row: str) -> list[str]:
    """Statements adding the entry ``row`` (NEW) to every total."""
    return [
        "INSERT INTO log_day_type (campaign_id, on_date, type_id, entries, quantity) "
        f"VALUES ({row}.campaign_id, {row}.on_date, {row}.type_id, 1, {row}.quantity) "
        "ON CONFLICT (campaign_id, on_date, type_id) DO UPDATE SET "
        "entries = entries + 1, quantity = quantity + excluded.quantity",
        "INSERT INTO log_day_party (campaign_id, on_date, type_id, member_id, unit_id, entries, quantity) "
        f"VALUES ({row}.campaign_id, {row}.on_date, {row}.type_id, COALESCE({row}.member_id, 0), "
        f"COALESCE({row}.unit_id, 0), 1, {row}.quantity) "
        "ON CONFLICT (campaign_id, on_date, type_id, member_id, unit_id) DO UPDATE SET "
        "entries = entries + 1, quantity = quantity + excluded.quantity",
        # later days of the task: their running totals include this entry now
        f"UPDATE log_task_day SET cum_entries = cum_entries + 1, cum_quantity = cum_quantity + {row}.quantity "
        f"WHERE {row}.task_id IS NOT NULL AND task_id = {row}.task_id AND on_date > {row}.on_date",
        # its own day: a new row starts from the running total of the day before
        "INSERT INTO log_task_day (task_id, on_date, campaign_id, entries, quantity, cum_entries, cum_quantity) "
        f"SELECT {row}.task_id, {row}.on_date, {row}.campaign_id, 1, {row}.quantity, "
        f"1 + COALESCE(p.cum_entries, 0), {row}.quantity + COALESCE(p.cum_quantity, 0) "
        "FROM (SELECT 1 AS one) o LEFT JOIN (SELECT cum_entries, cum_quantity FROM log_task_day "
        f"WHERE task_id = {row}.task_id AND on_date < {row}.on_date ORDER BY on_date DESC LIMIT 1) p ON 1 = 1 "
        f"WHERE {row}.task_id IS NOT NULL "
        "ON CONFLICT (task_id, on_date) DO UPDATE SET entries = entries + 1, "
        "quantity = quantity + excluded.quantity, cum_entries = cum_entries + 1, "
        "cum_quantity = cum_quantity + excluded.quantity",
    ]


def _sqlite_remove(row: str) -> list[str]:
    """Statements taking the entry ``row`` (OLD) out of every total."""
    day_type = f"campaign_id = {row}.campaign_id AND on_date = {row}.on_date AND type_id = {row}.type_id"
    day_party = (
        f"{day_type} AND member_id = COALESCE({row}.member_id, 0) AND unit_id = COALESCE({row}.unit_id, 0)"
    )
    return [
        f"UPDATE log_day_type SET entries = entries - 1, quantity = quantity - {row}.quantity WHERE {day_type}",
        f"DELETE FROM log_day_type WHERE {day_type} AND entries <= 0",
        f"UPDATE log_day_party SET entries = entries - 1, quantity = quantity - {row}.quantity WHERE {day_party}",
        f"DELETE FROM log_day_party WHERE {day_party} AND entries <= 0",
        "UPDATE log_task_day SET "
        f"entries = entries - CASE WHEN on_date = {row}.on_date THEN 1 ELSE 0 END, "
        f"quantity = quantity - CASE WHEN on_date = {row}.on_date THEN {row}.quantity ELSE 0 END, "
        f"cum_entries = cum_entries - 1, cum_quantity = cum_quantity - {row}.quantity "
        f"WHERE {row}.task_id IS NOT NULL AND task_id = {row}.task_id AND on_date >= {row}.on_date",
        f"DELETE FROM log_task_day WHERE task_id = {row}.task_id AND on_date = {row}.on_date AND entries <= 0",
    ]


def _sqlite_triggers() -> list[str]:
    def body(statements: list[str]) -> str:
        return "BEGIN\n  " + ";\n  ".join(statements) + ";\nEND"

    columns = ", ".join(COUNTED_COLUMNS)
    return [
        f"CREATE TRIGGER log_summary_insert AFTER INSERT ON activity FOR EACH ROW {body(_sqlite_add('NEW'))}",
        f"CREATE TRIGGER log_summary_delete AFTER DELETE ON activity FOR EACH ROW {body(_sqlite_remove('OLD'))}",
        f"CREATE TRIGGER log_summary_update AFTER UPDATE OF {columns} ON activity FOR EACH ROW "
        f"{body(_sqlite_remove('OLD') + _sqlite_add('NEW'))}",
    ]


# -- PostgreSQL: statement triggers over transition tables ---------------------------------
def _postgres_add(rows: str) -> str:
    return f"""
  INSERT INTO log_day_type AS s (campaign_id, on_date, type_id, entries, quantity)
    SELECT campaign_id, on_date, type_id, COUNT(*), SUM(quantity) FROM {rows}
    GROUP BY campaign_id, on_date, type_id
    ON CONFLICT (campaign_id, on_date, type_id) DO UPDATE
    SET entries = s.entries + excluded.entries, quantity = s.quantity + excluded.quantity;
  INSERT INTO log_day_party AS s (campaign_id, on_date, type_id, member_id, unit_id, entries, quantity)
    SELECT campaign_id, on_date, type_id, COALESCE(member_id, 0), COALESCE(unit_id, 0), COUNT(*), SUM(quantity)
    FROM {rows} GROUP BY campaign_id, on_date, type_id, COALESCE(member_id, 0), COALESCE(unit_id, 0)
    ON CONFLICT (campaign_id, on_date, type_id, member_id, unit_id) DO UPDATE
    SET entries = s.entries + excluded.entries, quantity = s.quantity + excluded.quantity;
  INSERT INTO log_task_day AS s (task_id, on_date, campaign_id, entries, quantity, cum_entries, cum_quantity)
    SELECT task_id, on_date, MIN(campaign_id), COUNT(*), SUM(quantity), 0, 0 FROM {rows}
    WHERE task_id IS NOT NULL GROUP BY task_id, on_date
    ON CONFLICT (task_id, on_date) DO UPDATE
    SET entries = s.entries + excluded.entries, quantity = s.quantity + excluded.quantity;
  PERFORM log_summary_running(ARRAY(SELECT DISTINCT task_id FROM {rows} WHERE task_id IS NOT NULL));"""


def _postgres_remove(rows: str) -> str:
    return f"""
  UPDATE log_day_type s SET entries = s.entries - o.n, quantity = s.quantity - o.q
    FROM (SELECT campaign_id, on_date, type_id, COUNT(*) AS n, SUM(quantity) AS q FROM {rows}
          GROUP BY campaign_id, on_date, type_id) o
    WHERE s.campaign_id = o.campaign_id AND s.on_date = o.on_date AND s.type_id = o.type_id;
  DELETE FROM log_day_type s USING (SELECT DISTINCT campaign_id, on_date, type_id FROM {rows}) o
    WHERE s.campaign_id = o.campaign_id AND s.on_date = o.on_date AND s.type_id = o.type_id AND s.entries <= 0;
  UPDATE log_day_party s SET entries = s.entries - o.n, quantity = s.quantity - o.q
    FROM (SELECT campaign_id, on_date, type_id, COALESCE(member_id, 0) AS member_id,
                 COALESCE(unit_id, 0) AS unit_id, COUNT(*) AS n, SUM(quantity) AS q FROM {rows}
          GROUP BY campaign_id, on_date, type_id, COALESCE(member_id, 0), COALESCE(unit_id, 0)) o
    WHERE s.campaign_id = o.campaign_id AND s.on_date = o.on_date AND s.type_id = o.type_id
      AND s.member_id = o.member_id AND s.unit_id = o.unit_id;
  DELETE FROM log_day_party s USING (SELECT DISTINCT campaign_id, on_date, type_id, COALESCE(member_id, 0) AS member_id,
                                     COALESCE(unit_id, 0) AS unit_id FROM {rows}) o
    WHERE s.campaign_id = o.campaign_id AND s.on_date = o.on_date AND s.type_id = o.type_id
      AND s.member_id = o.member_id AND s.unit_id = o.unit_id AND s.entries <= 0;
  UPDATE log_task_day s SET entries = s.entries - o.n, quantity = s.quantity - o.q
    FROM (SELECT task_id, on_date, COUNT(*) AS n, SUM(quantity) AS q FROM {rows}
          WHERE task_id IS NOT NULL GROUP BY task_id, on_date) o
    WHERE s.task_id = o.task_id AND s.on_date = o.on_date;
  DELETE FROM log_task_day s USING (SELECT DISTINCT task_id, on_date FROM {rows} WHERE task_id IS NOT NULL) o
    WHERE s.task_id = o.task_id AND s.on_date = o.on_date AND s.entries <= 0;
  PERFORM log_summary_running(ARRAY(SELECT DISTINCT task_id FROM {rows} WHERE task_id IS NOT NULL));"""


#: A bulk write (:func:`set_based`) keeps the totals itself: the triggers stand aside.
_FLAG = "campaign.log_totals"
_SUSPENDED = f"""
  IF current_setting('{_FLAG}', true) = 'off' THEN
    RETURN NULL;
  END IF;"""


def _postgres_statements() -> list[str]:
    counted = " OR ".join(f"o.{name} IS DISTINCT FROM n.{name}" for name in COUNTED_COLUMNS)
    moved_old = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {counted})"
    moved_new = f"(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {counted})"
    return [
        # running totals of some tasks, recomputed from their day rows (exact: no drift)
        """CREATE FUNCTION log_summary_running(tasks integer[]) RETURNS void LANGUAGE sql AS $$
  UPDATE log_task_day s SET cum_entries = w.ce, cum_quantity = w.cq
  FROM (SELECT task_id, on_date,
               SUM(entries) OVER (PARTITION BY task_id ORDER BY on_date) AS ce,
               SUM(quantity) OVER (PARTITION BY task_id ORDER BY on_date) AS cq
        FROM log_task_day WHERE task_id = ANY(tasks)) w
  WHERE s.task_id = w.task_id AND s.on_date = w.on_date
    AND (s.cum_entries <> w.ce OR s.cum_quantity <> w.cq)
$$""",
        "CREATE FUNCTION log_summary_insert_fn() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN"
        + _SUSPENDED
        + _postgres_add("new_rows")
        + "\n  RETURN NULL;\nEND\n$$",
        "CREATE FUNCTION log_summary_delete_fn() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN"
        + _SUSPENDED
        + _postgres_remove("old_rows")
        + "\n  RETURN NULL;\nEND\n$$",
        # an update moves the entries whose counted columns changed; place and note do not count
        "CREATE FUNCTION log_summary_update_fn() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN"
        + _SUSPENDED
        + _postgres_remove(f"{moved_old} AS moved")
        + _postgres_add(f"{moved_new} AS moved")
        + "\n  RETURN NULL;\nEND\n$$",
        "CREATE TRIGGER log_summary_insert AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION log_summary_insert_fn()",
        "CREATE TRIGGER log_summary_delete AFTER DELETE ON activity REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION log_summary_delete_fn()",
        "CREATE TRIGGER log_summary_update AFTER UPDATE ON activity "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION log_summary_update_fn()",
    ]


# -- bulk writes: totals kept set-based ------------------------------------------------------
#: Above this many tasks touched, running totals are recomputed for the whole campaign.
_MANY_TASKS = 2_000


@contextmanager
def set_based(db: Database, where: str, params: Sequence[Any] = ()) -> Iterator[None]:
    """Around a bulk write on ``activity``: the totals follow with a few set-based statements.

    ``where`` (over ``activity a``) selects the entries the write touches, the
    same way before and after it: ``"a.id > ?"`` for rows about to be inserted
    with new ids, ``"a.id BETWEEN ? AND ?"`` for a range, ``"a.campaign_id = ?"``.
    Rows it selects that the write leaves alone are taken out and put back:
    correct, only a little slower. Entering takes the selected entries out of
    the totals; leaving puts back those that are there then. Meanwhile the
    row triggers stand aside (SQLite: dropped and created again, inside the
    caller's transaction, as a bulk load drops indexes; PostgreSQL: a
    transaction-local setting the trigger functions read). A row-by-row write
    of 100,000 entries through the triggers costs several seconds; this, a
    fraction of a second.
    """
    # an insert selects nothing yet: then there is nothing to take out (and no totals to scan for zeros)
    present = db.scalar(f"SELECT 1 FROM activity a WHERE {where} LIMIT 1", params) is not None
    tasks = _tasks_of(db, where, params) if present else set()
    _suspend(db)
    if present:
        _apply(db, where, params, sign=-1)
    yield
    _apply(db, where, params, sign=+1)
    tasks |= _tasks_of(db, where, params)
    _recompute_running(db, sorted(tasks))
    _resume(db)


def _tasks_of(db: Database, where: str, params: Sequence[Any]) -> set[int]:
    return {
        task_id
        for (task_id,) in db.rows(f"SELECT DISTINCT a.task_id FROM activity a WHERE {where}", params)
        if task_id is not None
    }


def _suspend(db: Database) -> None:
    if db.dialect == "postgresql":
        db.execute(f"SELECT set_config('{_FLAG}', 'off', true)")
    else:
        drop_triggers(db)


def _resume(db: Database) -> None:
    if db.dialect == "postgresql":
        db.execute(f"SELECT set_config('{_FLAG}', 'on', true)")
    else:
        create_triggers(db)


def _apply(db: Database, where: str, params: Sequence[Any], *, sign: int) -> None:
    """Add (sign +1) or take out (-1) the entries ``where`` selects; running totals are left to the caller."""
    groups = {
        "log_day_type": ("a.campaign_id", "a.on_date", "a.type_id"),
        "log_day_party": ("a.campaign_id", "a.on_date", "a.type_id", "COALESCE(a.member_id, 0)",
                          "COALESCE(a.unit_id, 0)"),
        "log_task_day": ("a.task_id", "a.on_date"),
    }  # fmt: skip
    keys = {
        "log_day_type": ("campaign_id", "on_date", "type_id"),
        "log_day_party": ("campaign_id", "on_date", "type_id", "member_id", "unit_id"),
        "log_task_day": ("task_id", "on_date"),
    }
    for table, columns in groups.items():
        names = keys[table]
        selected = ", ".join(f"{column} AS {name}" for column, name in zip(columns, names, strict=True))
        linked = " AND a.task_id IS NOT NULL" if table == "log_task_day" else ""
        grouped = (
            f"SELECT {selected}, COUNT(*) AS n, SUM(a.quantity) AS q FROM activity a "
            f"WHERE ({where}){linked} GROUP BY {', '.join(columns)}"
        )
        if sign > 0:
            extra_names, extra_values = ("", "")
            if table == "log_task_day":
                extra_names, extra_values = (", campaign_id, cum_entries, cum_quantity", ", MIN(a.campaign_id), 0, 0")
            db.execute(
                f"INSERT INTO {table} ({', '.join(names)}, entries, quantity{extra_names}) "
                f"SELECT {', '.join(columns)}, COUNT(*), SUM(a.quantity){extra_values} FROM activity a "
                f"WHERE ({where}){linked} GROUP BY {', '.join(columns)} "
                f"ON CONFLICT ({', '.join(names)}) DO UPDATE SET "
                f"entries = {table}.entries + excluded.entries, quantity = {table}.quantity + excluded.quantity",
                params,
            )
        else:
            match = " AND ".join(f"{table}.{name} = d.{name}" for name in names)
            db.execute(
                f"UPDATE {table} SET entries = {table}.entries - d.n, quantity = {table}.quantity - d.q "
                f"FROM ({grouped}) d WHERE {match}",
                params,
            )
            db.execute(f"DELETE FROM {table} WHERE entries <= 0")


def _recompute_running(db: Database, tasks: list[int]) -> None:
    """Running totals of these tasks, from their day rows (one window function)."""
    if not tasks:
        return
    chosen = "TRUE" if len(tasks) > _MANY_TASKS else f"task_id IN ({', '.join(str(int(task)) for task in tasks)})"
    db.execute(
        "UPDATE log_task_day SET cum_entries = w.ce, cum_quantity = w.cq FROM ("
        "SELECT task_id, on_date, SUM(entries) OVER (PARTITION BY task_id ORDER BY on_date) AS ce, "
        "SUM(quantity) OVER (PARTITION BY task_id ORDER BY on_date) AS cq "
        f"FROM log_task_day WHERE {chosen}) w "
        "WHERE log_task_day.task_id = w.task_id AND log_task_day.on_date = w.on_date "
        "AND (log_task_day.cum_entries <> w.ce OR log_task_day.cum_quantity <> w.cq)"
    )


# -- what schema creation, migration 4 and the generator call ------------------------------
def trigger_statements(dialect: str) -> list[str]:
    """The DDL that keeps the totals (functions and triggers) for ``dialect``."""
    return _postgres_statements() if dialect == "postgresql" else _sqlite_triggers()


def create_triggers(db: Database) -> None:
    for statement in trigger_statements(db.dialect):
        db.execute(statement)


def drop_triggers(db: Database) -> None:
    """Remove the triggers (and PostgreSQL's functions): bulk loads that call :func:`rebuild` after."""
    for name in _TRIGGERS_SQLITE if db.dialect == "sqlite" else _TRIGGERS_POSTGRES:
        db.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if db.dialect == "sqlite" else " ON activity"))
    if db.dialect == "postgresql":
        for name in _FUNCTIONS_POSTGRES:
            db.execute(f"DROP FUNCTION IF EXISTS {name}")


def rebuild(db: Database) -> None:
    """Every total computed afresh from the entries (inside the caller's transaction)."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    for statement in rebuild_statements():
        db.execute(statement)


def rebuild_statements(where: str = "") -> list[str]:
    """INSERT ... SELECT statements filling the totals from ``activity`` (``where``: a filter on it, alias a)."""
    filtered = f"WHERE {where}" if where else ""
    linked = f"WHERE a.task_id IS NOT NULL{f' AND {where}' if where else ''}"
    return [
        "INSERT INTO log_day_type (campaign_id, on_date, type_id, entries, quantity) "
        f"SELECT a.campaign_id, a.on_date, a.type_id, COUNT(*), SUM(a.quantity) FROM activity a {filtered} "
        "GROUP BY a.campaign_id, a.on_date, a.type_id",
        "INSERT INTO log_day_party (campaign_id, on_date, type_id, member_id, unit_id, entries, quantity) "
        "SELECT a.campaign_id, a.on_date, a.type_id, COALESCE(a.member_id, 0), COALESCE(a.unit_id, 0), "
        f"COUNT(*), SUM(a.quantity) FROM activity a {filtered} "
        "GROUP BY a.campaign_id, a.on_date, a.type_id, COALESCE(a.member_id, 0), COALESCE(a.unit_id, 0)",
        "INSERT INTO log_task_day (task_id, on_date, campaign_id, entries, quantity, cum_entries, cum_quantity) "
        "SELECT a.task_id, a.on_date, MIN(a.campaign_id), COUNT(*), SUM(a.quantity), "
        "SUM(COUNT(*)) OVER (PARTITION BY a.task_id ORDER BY a.on_date), "
        "SUM(SUM(a.quantity)) OVER (PARTITION BY a.task_id ORDER BY a.on_date) "
        f"FROM activity a {linked} GROUP BY a.task_id, a.on_date",
    ]


def differences(db: Database) -> dict[str, int]:
    """How many rows of each total differ from a fresh computation (0 everywhere: all good).

    Quantities are compared with a tolerance of 1e-6 (see the module docstring).
    """
    fresh = {
        "log_day_type": (
            "SELECT a.campaign_id, a.on_date, a.type_id, COUNT(*) AS entries, SUM(a.quantity) AS quantity "
            "FROM activity a GROUP BY a.campaign_id, a.on_date, a.type_id",
            ("campaign_id", "on_date", "type_id"),
            ("entries", "quantity"),
        ),
        "log_day_party": (
            "SELECT a.campaign_id, a.on_date, a.type_id, COALESCE(a.member_id, 0) AS member_id, "
            "COALESCE(a.unit_id, 0) AS unit_id, COUNT(*) AS entries, SUM(a.quantity) AS quantity FROM activity a "
            "GROUP BY a.campaign_id, a.on_date, a.type_id, COALESCE(a.member_id, 0), COALESCE(a.unit_id, 0)",
            ("campaign_id", "on_date", "type_id", "member_id", "unit_id"),
            ("entries", "quantity"),
        ),
        "log_task_day": (
            "SELECT a.task_id, a.on_date, MIN(a.campaign_id) AS campaign_id, COUNT(*) AS entries, "
            "SUM(a.quantity) AS quantity, "
            "SUM(COUNT(*)) OVER (PARTITION BY a.task_id ORDER BY a.on_date) AS cum_entries, "
            "SUM(SUM(a.quantity)) OVER (PARTITION BY a.task_id ORDER BY a.on_date) AS cum_quantity "
            "FROM activity a WHERE a.task_id IS NOT NULL GROUP BY a.task_id, a.on_date",
            ("task_id", "on_date"),
            ("campaign_id", "entries", "quantity", "cum_entries", "cum_quantity"),
        ),
    }
    result = {}
    for table, (query, keys, values) in fresh.items():
        expected = {tuple(row[key] for key in keys): row for row in db.dicts(query)}
        stored = {tuple(row[key] for key in keys): row for row in db.dicts(f"SELECT * FROM {table}")}
        wrong = set(expected) ^ set(stored)
        for key in set(expected) & set(stored):
            for name in values:
                if abs(float(expected[key][name]) - float(stored[key][name])) > 1e-6:
                    wrong.add(key)
        result[table] = len(wrong)
    return result
