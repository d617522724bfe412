"""Units (đơn vị): offices and stations that lead (chủ trì) or support (phối hợp) tasks.

A unit has a name and an optional abbreviation (``short``); both are found
diacritic-insensitively, so ``name_folded`` holds the folded name *and*
abbreviation. Names and abbreviations must be unique once folded, so that a
reference a user types can always pick out one unit.
"""

from __future__ import annotations

from typing import Any

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.context import Context
from campaign_cli.services.text import collation_key, fold
from campaign_cli.storage.db import Transaction

MAX_NAME = 200
MAX_SHORT = 60

# Counts per unit, aggregated in SQL: members attached, tasks led and supported.
_UNIT_QUERY = (
    "SELECT u.id, u.name, u.short, COALESCE(m.members, 0) AS members, "
    "COALESCE(a.tasks_lead, 0) AS tasks_lead, COALESCE(a.tasks_support, 0) AS tasks_support "
    "FROM unit u "
    "LEFT JOIN (SELECT unit_id, COUNT(*) AS members FROM member WHERE campaign_id = ? AND unit_id IS NOT NULL "
    "GROUP BY unit_id) m ON m.unit_id = u.id "
    "LEFT JOIN (SELECT unit_id, "
    "COUNT(DISTINCT CASE WHEN role = 'lead' THEN task_id END) AS tasks_lead, "
    "COUNT(DISTINCT CASE WHEN role = 'support' THEN task_id END) AS tasks_support "
    "FROM assignment WHERE unit_id IS NOT NULL GROUP BY unit_id) a ON a.unit_id = u.id "
    "WHERE u.campaign_id = ?"
)


def folded_name(name: str, short: str) -> str:
    """The search twin: name and abbreviation, so either finds the unit in SQL."""
    return fold(f"{name} | {short}") if short else fold(name)


def _clean_name(name: str | None) -> str:
    cleaned = validate.text(name, "unit name", required=True, max_len=MAX_NAME)
    if cleaned.isdigit():
        raise Invalid(_("a unit name cannot be only digits ({name}): numbers are read as ids").format(name=cleaned))
    return cleaned


def _clean_short(short: str | None) -> str:
    cleaned = validate.text(short, "abbreviation", max_len=MAX_SHORT)
    if cleaned.isdigit():
        raise Invalid(
            _("an abbreviation cannot be only digits ({short}): numbers are read as ids").format(short=cleaned)
        )
    return cleaned


def _check_unique(ctx: Context, name: str, short: str, ignore_id: int | None = None) -> None:
    """Folded names and abbreviations must not collide, or lookups turn ambiguous."""
    others = ctx.db.dicts("SELECT id, name, short FROM unit WHERE campaign_id = ?", (ctx.campaign_id,))
    keys = {fold(name)} | ({fold(short)} if short else set())
    for other in others:
        if other["id"] == ignore_id:
            continue
        taken = {fold(other["name"])} | ({fold(other["short"])} if other["short"] else set())
        clash = keys & taken
        if clash:
            raise Conflict(
                _("unit {id} ({name}) already uses the name or abbreviation {value!r}; choose another").format(
                    id=other["id"], name=other["name"], value=name if fold(name) in clash else short
                )
            )


def create_unit(ctx: Context, tx: Transaction, *, name: str, short: str = "") -> int:
    """Validate and insert one unit inside the caller's transaction; returns its id."""
    name = _clean_name(name)
    short = _clean_short(short)
    _check_unique(ctx, name, short)
    return tx.insert(
        "unit",
        {"campaign_id": ctx.campaign_id, "name": name, "short": short, "name_folded": folded_name(name, short)},
    )


def add_unit(ctx: Context, *, name: str, short: str = "") -> dict[str, Any]:
    with ctx.transaction() as tx:
        unit_id = create_unit(ctx, tx, name=name, short=short)
    return unit_row(ctx, unit_id)


def list_units(ctx: Context) -> list[dict[str, Any]]:
    """Units in Vietnamese alphabetical order, with their members and task counts."""
    rows = ctx.db.dicts(_UNIT_QUERY, (ctx.campaign_id, ctx.campaign_id))
    return sorted(rows, key=lambda row: collation_key(row["name"]))


def unit_row(ctx: Context, unit_id: int) -> dict[str, Any]:
    return ctx.db.one(_UNIT_QUERY + " AND u.id = ?", (ctx.campaign_id, ctx.campaign_id, unit_id))


def get_unit(ctx: Context, ref: str) -> dict[str, Any]:
    return unit_row(ctx, lookup.unit(ctx, ref)["id"])


def edit_unit(ctx: Context, ref: str, *, name: str | None = None, short: str | None = None) -> dict[str, Any]:
    """Rename a unit or change its abbreviation (``short=""`` clears it)."""
    with ctx.transaction() as tx:
        unit = lookup.unit(ctx, ref)
        new_name = unit["name"] if name is None else _clean_name(name)
        new_short = unit["short"] if short is None else _clean_short(short)
        _check_unique(ctx, new_name, new_short, ignore_id=unit["id"])
        tx.update(
            "unit",
            unit["id"],
            {"name": new_name, "short": new_short, "name_folded": folded_name(new_name, new_short)},
        )
    return unit_row(ctx, unit["id"])


def removal_impact(ctx: Context, ref: str) -> dict[str, Any]:
    """What removing a unit touches: its members, assignments and log entries."""
    unit = lookup.unit(ctx, ref)
    counts = ctx.db.one(
        "SELECT (SELECT COUNT(*) FROM member WHERE unit_id = ?) AS members, "
        "(SELECT COUNT(*) FROM assignment WHERE unit_id = ?) AS assignments, "
        "(SELECT COUNT(*) FROM activity WHERE unit_id = ?) AS activities",
        (unit["id"], unit["id"], unit["id"]),
    )
    return {**unit, **counts}


def remove_unit(ctx: Context, ref: str) -> dict[str, Any]:
    """Remove a unit; its assignments go, its members and log entries stay without it.

    Each dependent row is changed through the transaction (not left to the
    foreign keys' cascades) so that ``undo`` can put everything back.
    """
    with ctx.transaction() as tx:
        unit = lookup.unit(ctx, ref)
        members = tx.update_where("member", {"unit_id": None}, "unit_id = ?", (unit["id"],))
        assignments = tx.delete_where("assignment", "unit_id = ?", (unit["id"],))
        activities = tx.update_where("activity", {"unit_id": None}, "unit_id = ?", (unit["id"],))
        tx.delete("unit", unit["id"])
    return {**unit, "members": members, "assignments": assignments, "activities": activities}
