"""The one schema: SQLModel tables.

These classes are the single definition of the database. They are used for
DDL (creating and migrating SQLite and PostgreSQL databases) and by code that
prefers the ORM; everyday commands run plain SQL against the same tables on a
DB-API connection (see ``storage/db.py`` and ``docs/storage.md``) because
importing SQLModel costs about half a second.

Importing this module is therefore slow: only ``storage.schema`` imports it,
and only when a database is created or migrated.

Conventions that keep the SQL portable between SQLite and PostgreSQL:
- no column is named after an SQL keyword (``start_date``, not ``start``);
- dates are ``DATE`` columns (ISO text in SQLite); timestamps are ISO text in
  UTC, written by the application, so both engines store the same thing;
- every text a user types has a ``*_folded`` twin (lower case, no diacritics,
  đ→d) maintained by the services layer, so diacritic-insensitive search is a
  plain indexed ``LIKE`` on both engines.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaign_cli.vocabulary import AssignmentRole, MemberRole, PlaceKind, TaskStatus, sql_list

#: Bumped by every migration; stored in ``meta`` under ``schema_version``.
DB_SCHEMA_VERSION = 6


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself (schema version, ...)."""

    __tablename__ = "meta"
    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class Campaign(SQLModel, table=True):
    """One election as one subcommittee sees it, with the settings of its documents.

    ``uid`` is random, made at creation and kept by export/import: it tells
    campaigns apart across databases (calendar UIDs, a province's copies of its
    communes). ``signer_id`` is the member who signs documents; ``signer`` is
    the name a plan file or an older release gave, used only while
    ``signer_id`` is empty. ``parent_id`` links a commune's campaign to its
    province's in the same database.
    """

    __tablename__ = "campaign"
    __table_args__ = (
        Index("ix_campaign_uid", "uid", unique=True),
        Index("ix_campaign_parent", "parent_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    locality: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    level: str = Field(default="district", max_length=16)
    election_day: dt.date
    lang: str = Field(default="vi", max_length=8)
    issuing_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    signer: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    place: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: str = Field(max_length=32)
    parent_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    symbol: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # member.campaign_id -> campaign and this -> member make a cycle: PostgreSQL adds this key last.
    signer_id: Optional[int] = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("member.id", ondelete="SET NULL", use_alter=True, name="campaign_signer_id_fkey"),
            nullable=True,
        ),
    )
    parent_id: Optional[int] = Field(default=None, foreign_key="campaign.id", ondelete="SET NULL")
    uid: str = Field(sa_column=Column(Text, nullable=False, server_default=""))


class Phase(SQLModel, table=True):
    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("campaign_id", "number"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="phase_dates"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    number: int
    name: str = Field(sa_column=Column(Text, nullable=False))
    start_date: dt.date
    end_date: Optional[dt.date] = None


class Unit(SQLModel, table=True):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    short: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    name_folded: str = Field(sa_column=Column(Text, nullable=False))


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_list(MemberRole)})", name="member_role"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    name_folded: str = Field(sa_column=Column(Text, nullable=False))
    role: str = Field(default="member", max_length=16)
    title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    unit_id: Optional[int] = Field(default=None, foreign_key="unit.id", ondelete="SET NULL")
    phone: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    email: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ActivityType(SQLModel, table=True):
    __tablename__ = "activity_type"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    code: str = Field(max_length=32)
    label_vi: str = Field(sa_column=Column(Text, nullable=False))
    label_en: str = Field(sa_column=Column(Text, nullable=False))
    unit: str = Field(sa_column=Column(Text, nullable=False))
    label_folded: str = Field(sa_column=Column(Text, nullable=False))


class Place(SQLModel, table=True):
    """A place in the campaign's registry: a province, district, commune or village, under its parent.

    The Vietnamese word is part of the name ("Xã Gia Vân", "Thôn Đông"); names
    are unique among the children of one parent once folded (services/places.py
    checks the top level, where SQL's NULLs would not).
    """

    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_list(PlaceKind)})", name="place_kind"),
        UniqueConstraint("campaign_id", "parent_id", "name_folded"),
        Index("ix_place_campaign_name", "campaign_id", "name_folded"),
        Index("ix_place_parent", "parent_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    name: str = Field(sa_column=Column(Text, nullable=False))
    name_folded: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(max_length=16)
    # no cascade: services/places.py moves or refuses children explicitly, so undo can put them back
    parent_id: Optional[int] = Field(default=None, foreign_key="place.id")


class Task(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(TaskStatus)})", name="task_status"),
        CheckConstraint("target IS NULL OR target >= 0", name="task_target"),
        Index("ix_task_campaign_status_due", "campaign_id", "status", "due"),
        Index("ix_task_phase", "phase_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    phase_id: int = Field(foreign_key="phase.id", ondelete="RESTRICT")
    title: str = Field(sa_column=Column(Text, nullable=False))
    title_folded: str = Field(sa_column=Column(Text, nullable=False))
    type_id: Optional[int] = Field(default=None, foreign_key="activity_type.id", ondelete="SET NULL")
    due: Optional[dt.date] = None
    target: Optional[float] = None
    unit_of_measure: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    themes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default="todo", max_length=16)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    completed_on: Optional[dt.date] = None
    created_at: str = Field(max_length=32)


class Assignment(SQLModel, table=True):
    """Chủ trì / phối hợp: one lead and any number of supporters per task."""

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_list(AssignmentRole)})", name="assignment_role"),
        CheckConstraint(
            "(member_id IS NULL) <> (unit_id IS NULL)", name="assignment_one_party"
        ),
        Index("ix_assignment_task", "task_id"),
        Index("ix_assignment_member", "member_id"),
        Index("ix_assignment_unit", "unit_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE")
    role: str = Field(max_length=8)
    member_id: Optional[int] = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    unit_id: Optional[int] = Field(default=None, foreign_key="unit.id", ondelete="CASCADE")


class TaskPlace(SQLModel, table=True):
    """The places a task covers ("áp phích cho 20 xã và thị trấn Me")."""

    __tablename__ = "task_place"
    __table_args__ = (
        UniqueConstraint("task_id", "place_id"),
        Index("ix_task_place_place", "place_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE")
    place_id: int = Field(foreign_key="place.id", ondelete="CASCADE")


class Activity(SQLModel, table=True):
    """One log entry: something done on a date, counted in the type's unit."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="activity_quantity"),
        CheckConstraint("NOT (member_id IS NOT NULL AND unit_id IS NOT NULL)", name="activity_by"),
        Index("ix_activity_campaign_date", "campaign_id", "on_date", "type_id", "quantity"),
        Index("ix_activity_task", "task_id", "on_date", "quantity"),
        Index("ix_activity_member", "member_id"),
        # coverage by place: one index-only pass per report (services/coverage.py)
        Index("ix_activity_place", "campaign_id", "place_id", "type_id", "on_date", "quantity"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    on_date: dt.date
    type_id: int = Field(foreign_key="activity_type.id", ondelete="RESTRICT")
    quantity: float = 1
    task_id: Optional[int] = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    member_id: Optional[int] = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    unit_id: Optional[int] = Field(default=None, foreign_key="unit.id", ondelete="SET NULL")
    place: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: str = Field(max_length=32)
    # the registry's place (schema 6); ``place`` keeps the text as it was written
    place_id: Optional[int] = Field(default=None, foreign_key="place.id", ondelete="SET NULL")


class LogImport(SQLModel, table=True):
    """One ``log import``: which file, when, how many rows, and the change that wrote them.

    ``imported_at`` is the moment of the import (UTC, as ``changeset.at``; the
    entries it made carry the same ``created_at``), ``as_of`` the campaign day
    it was made as of. ``file_rows`` counts the rows the file held,
    ``row_count`` those imported (fewer with ``--only-new``); ``mode`` is
    ``all``, ``only-new`` or ``again``. Tracked in the history, so undoing the
    import removes this record with its entries.
    """

    __tablename__ = "log_import"
    __table_args__ = (Index("ix_log_import_campaign", "campaign_id", "id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    imported_at: str = Field(max_length=32)
    as_of: dt.date
    file_rows: int
    row_count: int
    start_date: dt.date
    end_date: dt.date
    mode: str = Field(default="all", max_length=16)
    changeset_id: Optional[int] = Field(default=None)


class LogImportRow(SQLModel, table=True):
    """The fingerprint of one imported row (``services/log_imports.py``): a 64-bit hash of the
    row's checked values and of how many identical rows came before it in its file.

    Looked up by fingerprint for every row of a later import, hence the index.
    ``activity_id`` is the entry the row became; no foreign key, so removing
    an entry (an undoable change) never rewrites this row behind the history.
    """

    __tablename__ = "log_import_row"
    __table_args__ = (
        Index("ix_log_import_row_fingerprint", "fingerprint"),
        Index("ix_log_import_row_import", "import_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="log_import.id", ondelete="CASCADE")
    line: int
    fingerprint: int = Field(sa_column=Column(BigInteger, nullable=False))
    activity_id: Optional[int] = Field(default=None)


# -- totals of the log, kept by triggers (storage/summary.py) -------------------------------
# Derived data: no history, no export, no foreign keys (the triggers remove a
# total when its last entry goes, whatever removed it). WITHOUT ROWID on
# SQLite: the primary key is the table, so a probe reads one B-tree.
class LogDayType(SQLModel, table=True):
    """Entries and quantity per campaign, day and activity type."""

    __tablename__ = "log_day_type"
    __table_args__ = {"sqlite_with_rowid": False}
    campaign_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    on_date: dt.date = Field(primary_key=True)
    type_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    entries: int
    quantity: float


class LogDayParty(SQLModel, table=True):
    """Entries and quantity per campaign, day, activity type and who logged them (0: nobody)."""

    __tablename__ = "log_day_party"
    __table_args__ = {"sqlite_with_rowid": False}
    campaign_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    on_date: dt.date = Field(primary_key=True)
    type_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    member_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    unit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    entries: int
    quantity: float


class LogTaskDay(SQLModel, table=True):
    """Entries and quantity logged against a task on a day, with the task's running totals up to that day."""

    __tablename__ = "log_task_day"
    __table_args__ = {"sqlite_with_rowid": False}
    task_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    on_date: dt.date = Field(primary_key=True)
    campaign_id: int
    entries: int
    quantity: float
    cum_entries: int
    cum_quantity: float


class Changeset(SQLModel, table=True):
    """One command's writes: the unit that ``undo`` reverts."""

    __tablename__ = "changeset"
    __table_args__ = (Index("ix_changeset_campaign", "campaign_id", "id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = Field(default=None)
    at: str = Field(max_length=32)
    actor: str = Field(sa_column=Column(Text, nullable=False))
    command: str = Field(sa_column=Column(Text, nullable=False))
    undoes: Optional[int] = Field(default=None)
    undone_by: Optional[int] = Field(default=None)


class Change(SQLModel, table=True):
    """One row written, with its values before and after (JSON), append-only."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_changeset", "changeset_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    changeset_id: int = Field(foreign_key="changeset.id", ondelete="CASCADE")
    table_name: str = Field(max_length=32)
    row_id: int
    action: str = Field(max_length=8)
    before_json: Optional[str] = Field(default=None, sa_column=Column(Text))
    after_json: Optional[str] = Field(default=None, sa_column=Column(Text))


def metadata():
    return SQLModel.metadata
