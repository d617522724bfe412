"""Members of the subcommittee: chair, vice-chairs, secretary and members (ủy viên).

Lists follow the official order: role first (Trưởng, Phó Trưởng Tiểu ban, thư
ký, ủy viên), then the person's name sorted the Vietnamese way (tên, họ, đệm).
Two people may share a name (common in Vietnam); references then need the id.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from campaign_cli.errors import Invalid
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold, matches, name_sort_key
from campaign_cli.storage.db import Transaction
from campaign_cli.vocabulary import UNSET, MemberRole, codes

#: Roles in the order official lists use.
ROLES = codes(MemberRole)
ROLE_ORDER = {role: index for index, role in enumerate(ROLES)}

MAX_NAME = 200
MAX_PHONE = 40
MAX_EMAIL = 254

_PHONE = re.compile(r"[0-9 +().\-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

#: Leaving an optional argument of :func:`edit_member` out keeps the value.

# One row per member with its unit and task counts, aggregated in SQL.
_MEMBER_QUERY = (
    "SELECT m.id, m.name, m.role, m.title, u.name AS unit, m.unit_id, m.phone, m.email, u.short AS unit_short, "
    "COALESCE(a.tasks_lead, 0) AS tasks_lead, COALESCE(a.tasks_support, 0) AS tasks_support "
    "FROM member m LEFT JOIN unit u ON u.id = m.unit_id "
    "LEFT JOIN (SELECT member_id, "
    "COUNT(DISTINCT CASE WHEN role = 'lead' THEN task_id END) AS tasks_lead, "
    "COUNT(DISTINCT CASE WHEN role = 'support' THEN task_id END) AS tasks_support "
    "FROM assignment WHERE member_id IS NOT NULL GROUP BY member_id) a ON a.member_id = m.id "
    "WHERE m.campaign_id = ?"
)


def official_order(row: dict[str, Any]) -> tuple:
    """Sort key: role rank, then tên, họ, đệm in Vietnamese collation, then id."""
    return ROLE_ORDER.get(row["role"], len(ROLES)), name_sort_key(row["name"]), row["id"]


# -- validation -------------------------------------------------------------
def clean_role(role: str | None) -> str:
    value = (role or "").strip().lower().replace("_", "-")
    if value not in ROLE_ORDER:
        raise Invalid(_("unknown role {value!r}: use one of {choices}").format(value=role, choices=", ".join(ROLES)))
    return value


def _clean_name(name: str | None) -> str:
    cleaned = validate.text(name, "member name", required=True, max_len=MAX_NAME)
    if cleaned.isdigit():
        raise Invalid(_("a member name cannot be only digits ({name}): numbers are read as ids").format(name=cleaned))
    return cleaned


def _clean_phone(phone: str | None) -> str:
    cleaned = validate.text(phone, "phone number", max_len=MAX_PHONE)
    if cleaned and (not _PHONE.fullmatch(cleaned) or not any(ch.isdigit() for ch in cleaned)):
        raise Invalid(
            _("the phone number {value!r} may hold only digits, spaces and + ( ) . -, e.g. 0229 3800 102").format(
                value=cleaned
            )
        )
    return cleaned


def _clean_email(email: str | None) -> str:
    cleaned = validate.text(email, "email", max_len=MAX_EMAIL)
    if cleaned and not _EMAIL.fullmatch(cleaned):
        raise Invalid(_("{value!r} does not look like an email address (name@example.vn)").format(value=cleaned))
    return cleaned


def _unit_id(ctx: Context, unit: str | None) -> int | None:
    if unit is None or not unit.strip():
        return None
    return lookup.unit(ctx, unit)["id"]


# -- writes -----------------------------------------------------------------
def create_member(
    ctx: Context,
    tx: Transaction,
    *,
    name: str,
    role: str = "member",
    title: str = "",
    unit: str | None = None,
    phone: str = "",
    email: str = "",
) -> int:
    """Validate and insert one member inside the caller's transaction; returns its id.

    ``unit`` is a reference as a user would type it (id, name or abbreviation).
    """
    name = _clean_name(name)
    values = {
        "campaign_id": ctx.campaign_id,
        "name": name,
        "name_folded": fold(name),
        "role": clean_role(role),
        "title": validate.text(title, "title"),
        "unit_id": _unit_id(ctx, unit),
        "phone": _clean_phone(phone),
        "email": _clean_email(email),
    }
    return tx.insert("member", values)


def add_member(
    ctx: Context,
    *,
    name: str,
    role: str = "member",
    title: str = "",
    unit: str | None = None,
    phone: str = "",
    email: str = "",
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        member_id = create_member(ctx, tx, name=name, role=role, title=title, unit=unit, phone=phone, email=email)
    return member_row(ctx, member_id)


def edit_member(
    ctx: Context,
    ref: str,
    *,
    name: str | None = None,
    role: str | None = None,
    title: str | None = None,
    unit: str | None | Any = UNSET,
    phone: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """Change some fields; ``None`` keeps a field, ``""`` clears an optional text,
    ``unit=None`` detaches the member from their unit."""
    with ctx.transaction() as tx:
        member = lookup.member(ctx, ref)
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _clean_name(name)
            values["name_folded"] = fold(values["name"])
        if role is not None:
            values["role"] = clean_role(role)
        if title is not None:
            values["title"] = validate.text(title, "title")
        if unit is not UNSET:
            values["unit_id"] = _unit_id(ctx, unit)
        if phone is not None:
            values["phone"] = _clean_phone(phone)
        if email is not None:
            values["email"] = _clean_email(email)
        tx.update("member", member["id"], values)
    return member_row(ctx, member["id"])


def removal_impact(ctx: Context, ref: str) -> dict[str, Any]:
    """What removing a member touches: their assignments and the log entries naming them."""
    member = lookup.member(ctx, ref)
    counts = ctx.db.one(
        "SELECT (SELECT COUNT(*) FROM assignment WHERE member_id = ?) AS assignments, "
        "(SELECT COUNT(*) FROM activity WHERE member_id = ?) AS activities",
        (member["id"], member["id"]),
    )
    return {**member, **counts}


def remove_member(ctx: Context, ref: str) -> dict[str, Any]:
    """Remove a member; their assignments go, their log entries stay without a name.

    Dependent rows are changed through the transaction rather than by the
    foreign keys' cascades, so that ``undo`` restores them with the member.
    """
    with ctx.transaction() as tx:
        member = lookup.member(ctx, ref)
        assignments = tx.delete_where("assignment", "member_id = ?", (member["id"],))
        activities = tx.update_where("activity", {"member_id": None}, "member_id = ?", (member["id"],))
        tx.update_where("campaign", {"signer_id": None}, "signer_id = ?", (member["id"],))  # documents: the chair signs
        tx.delete("member", member["id"])
    return {**member, "assignments": assignments, "activities": activities}


# -- reads ------------------------------------------------------------------
def list_members(
    ctx: Context, *, unit: str | None = None, role: str | None = None, search: str | None = None
) -> list[dict[str, Any]]:
    """Members in official order, optionally of one unit (``"none"``: without a unit),
    of one role, or matching ``search`` in name, title, unit (name or abbreviation), phone or email."""
    sql, params = _MEMBER_QUERY, [ctx.campaign_id]
    if unit is not None:
        if fold(unit) in ("none", "-"):
            sql += " AND m.unit_id IS NULL"
        else:
            sql += " AND m.unit_id = ?"
            params.append(lookup.unit(ctx, unit)["id"])
    if role is not None:
        sql += " AND m.role = ?"
        params.append(clean_role(role))
    rows = ctx.db.dicts(sql, params)
    if search:
        # Only the name has a folded twin; the other fields are matched here
        # (a subcommittee has a few dozen members at most).
        rows = [
            row
            for row in rows
            if any(matches(search, row[key] or "") for key in ("name", "title", "unit", "unit_short", "phone", "email"))
        ]
    return sorted(rows, key=official_order)


def member_row(ctx: Context, member_id: int) -> dict[str, Any]:
    return ctx.db.one(_MEMBER_QUERY + " AND m.id = ?", (ctx.campaign_id, member_id))


def member_tasks(ctx: Context, member_id: int) -> list[dict[str, Any]]:
    """The member's tasks with their part in each (lead or support), by phase and due date."""
    rows = ctx.db.dicts(
        "SELECT t.id, t.title, p.number AS phase, a.role, t.status, t.due "
        "FROM assignment a JOIN task t ON t.id = a.task_id JOIN phase p ON p.id = t.phase_id "
        "WHERE a.member_id = ?",
        (member_id,),
    )
    # Sorted here: SQLite and PostgreSQL put NULL due dates at opposite ends.
    return sorted(rows, key=lambda row: (row["phase"], row["due"] is None, row["due"] or dt.date.min, row["id"]))


def namesakes(ctx: Context, member_id: int) -> list[dict[str, Any]]:
    """Other members whose name folds the same: worth a note, since names then need ids."""
    return ctx.db.dicts(
        "SELECT o.id, o.name FROM member m JOIN member o ON o.campaign_id = m.campaign_id "
        "AND o.name_folded = m.name_folded AND o.id <> m.id WHERE m.id = ? ORDER BY o.id",
        (member_id,),
    )


def get_member(ctx: Context, ref: str) -> dict[str, Any]:
    """One member with their tasks: the data of ``member show``."""
    member = member_row(ctx, lookup.member(ctx, ref)["id"])
    return {**member, "tasks": member_tasks(ctx, member["id"])}
