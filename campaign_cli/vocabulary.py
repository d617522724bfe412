"""The domain's words, each listed once: statuses, roles, levels, place kinds.

Everything else derives from these enums: the CHECK constraints of
``storage/tables.py``, the choices of command options, the validation of
export documents, and the labels people read (``cli/labels.py``, through the
gettext catalog). Codes are the contract (CLI.md): JSON and CSV carry them.

This module is imported at start-up (option types): stdlib only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any


class TaskStatus(StrEnum):
    todo = "todo"
    doing = "doing"
    done = "done"
    blocked = "blocked"
    cancelled = "cancelled"


#: Statuses that end a task's life; only ``reopen`` leads out of them.
CLOSED_STATUSES = (TaskStatus.done, TaskStatus.cancelled)


class MemberRole(StrEnum):
    """Roles on the subcommittee, in the official order (chair first)."""

    chair = "chair"
    vice_chair = "vice-chair"
    secretary = "secretary"
    member = "member"


class AssignmentRole(StrEnum):
    """Chủ trì / phối hợp."""

    lead = "lead"
    support = "support"


class Level(StrEnum):
    """Administrative level of the subcommittee's election committee."""

    province = "province"
    district = "district"
    commune = "commune"


#: Since 1 July 2025 Vietnam's local government has two levels: no districts.
TWO_LEVEL_SINCE = dt.date(2025, 7, 1)


def levels_for(election_day: dt.date) -> tuple[Level, ...]:
    """The levels an election held on ``election_day`` can be run at."""
    if election_day >= TWO_LEVEL_SINCE:
        return (Level.province, Level.commune)
    return (Level.province, Level.district, Level.commune)


def default_level(election_day: dt.date) -> Level:
    return Level.commune if election_day >= TWO_LEVEL_SINCE else Level.district


class PlaceKind(StrEnum):
    """Kinds of place in the registry, from the top of the hierarchy down."""

    province = "province"
    district = "district"
    commune = "commune"
    village = "village"


class PhaseState(StrEnum):
    """How a phase stands (services.reports.phase_state)."""

    on_track = "on_track"
    behind = "behind"
    complete = "complete"
    upcoming = "upcoming"
    no_tasks = "no_tasks"


class PartyKind(StrEnum):
    """Who an assignment or a log entry names: a member or a unit."""

    member = "member"
    unit = "unit"


def codes(enum: type[StrEnum]) -> tuple[str, ...]:
    """The codes of an enum, in order, as plain strings."""
    return tuple(item.value for item in enum)


def sql_list(enum: type[StrEnum]) -> str:
    """``'a', 'b', 'c'``: the codes as an SQL list (CHECK constraints, IN clauses)."""
    return ", ".join(f"'{code}'" for code in codes(enum))


class _Unset:
    """Leaving an optional argument of an ``edit_*`` service out keeps the value."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: The one "not given" sentinel (``None`` means "clear it").
UNSET: Any = _Unset()
