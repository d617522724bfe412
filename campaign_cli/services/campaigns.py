"""Starting a campaign: from scratch with standard phases, or from a plan file."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from campaign_cli.errors import Conflict, Invalid, NoCampaign, NotFound
from campaign_cli.i18n import N_, _
from campaign_cli.services import validate
from campaign_cli.services.context import Context, find_campaign
from campaign_cli.services.dates import coerce_date
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Transaction, utc_now
from campaign_cli.vocabulary import Level, codes, default_level, levels_for

LEVELS = codes(Level)
#: The levels in messages ("a commune-level campaign"), translated with ``_(level)``.
LEVEL_NAMES = (N_("province"), N_("district"), N_("commune"))
PHASE_TEMPLATES = ("standard", "none")

#: The activity types every new campaign starts with (CLI.md): code, Vietnamese
#: label, English label, default unit of measure.
SEED_ACTIVITY_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("conference", "hội nghị", "conference", "hội nghị"),
    ("seminar", "tọa đàm", "seminar", "buổi"),
    ("column", "chuyên mục, chuyên đề", "column, special topic", "số"),
    ("news", "tin, bài", "news item, article", "tin bài"),
    ("interview", "phỏng vấn", "interview", "cuộc"),
    ("reportage", "phóng sự", "reportage", "phóng sự"),
    ("qa", "hỏi - đáp", "Q&A", "buổi"),
    ("broadcast", "phát thanh", "radio broadcast", "lần"),
    ("candidate-info", "giới thiệu người ứng cử", "candidate introduction", "lượt"),
    ("slogan", "khẩu hiệu", "slogan", "cái"),
    ("banner", "băng rôn", "banner", "cái"),
    ("panel", "pano", "billboard", "cái"),
    ("poster", "áp phích", "poster", "tờ"),
    ("leaflet", "tờ rơi", "leaflet", "tờ"),
    ("booklet", "tài liệu hỏi - đáp", "Q&A booklet", "cuốn"),
    ("flag", "cờ", "flag", "lá"),
    ("vehicle", "xe cổ động", "propaganda vehicle", "lượt"),
    ("online", "tuyên truyền, phản bác trên mạng", "online propaganda and rebuttal", "bài"),
    ("commendation", "biểu dương, khen thưởng", "commendation", "lượt"),
)


@dataclass(frozen=True)
class PhasePlan:
    number: int
    name: str
    start: dt.date
    end: dt.date | None


def standard_phases(election_day: dt.date) -> list[PhasePlan]:
    """Three phases around election day, the way the 2021 plans ran.

    - Phase 2, the peak, starts on the first day of the month that holds the
      day three weeks before the election, and ends on election day (which it
      holds). 23/5/2021 -> 01/05/2021; 15/3/2026 -> 01/02/2026.
    - Phase 1 runs the three months before phase 2.
      23/5/2021 -> 01/02/2021-30/04/2021; 15/3/2026 -> 01/11/2025-31/01/2026.
    - Phase 3 starts the day after the election and stays open until its end
      is set (``campaign phase edit 3 --end DATE``).
    """
    from dateutil.relativedelta import relativedelta

    peak_start = election_day - relativedelta(weeks=3) + relativedelta(day=1)
    first_start = peak_start - relativedelta(months=3)
    return [
        PhasePlan(1, "Đợt 1: Tuyên truyền chung", first_start, peak_start - dt.timedelta(days=1)),
        PhasePlan(2, "Đợt 2: Cao điểm đến ngày bầu cử", peak_start, election_day),
        PhasePlan(3, "Đợt 3: Sau ngày bầu cử", election_day + dt.timedelta(days=1), None),
    ]


def validate_level(level: str | None, election_day: dt.date) -> str:
    """The level code for an election on ``election_day``; None or "" gives the default.

    Since 1/7/2025 Vietnam's local government has two levels (province and
    commune): a district-level campaign is refused for elections from then on.
    """
    if level is None or not str(level).strip():
        return default_level(election_day).value
    value = str(level).strip().lower()
    allowed = codes_of(levels_for(election_day))
    if value not in LEVELS:
        raise Invalid(
            _("unknown level {value!r}: use one of {choices}").format(value=level, choices=", ".join(allowed))
        )
    if value not in allowed:
        raise Invalid(
            _(
                "there is no district level for an election on {day}: since 1/7/2025 local government has two "
                "levels, province and commune; use one of them"
            ).format(day=election_day.strftime("%d/%m/%Y"))
        )
    return value


def codes_of(levels) -> tuple[str, ...]:
    return tuple(level.value for level in levels)


def new_uid() -> str:
    """The campaign's random id: 128 bits, so two databases never pick the same."""
    import uuid

    return uuid.uuid4().hex


def create_campaign(
    ctx: Context,
    tx: Transaction,
    *,
    name: str,
    election_day: dt.date,
    locality: str = "",
    level: str | None = None,
    lang: str = "vi",
    issuing_body: str = "",
    signer: str = "",
    place: str = "",
    parent_body: str = "",
    symbol: str = "",
    parent_id: int | None = None,
    uid: str | None = None,
) -> int:
    """Insert the campaign row and its seeded activity types; returns its id.

    ``level`` None takes the default for the election day (commune since
    1/7/2025, else district). ``signer`` is a name kept as text (plan files
    and imports resolve it to a member, ``signer_id``, once members exist).
    """
    name = validate.text(name, "campaign name", required=True)
    existing = ctx.db.one("SELECT id FROM campaign WHERE name = ?", (name,))
    if existing:
        raise Conflict(_("a campaign named {name!r} already exists in this database").format(name=name))
    level = validate_level(level, election_day)
    if parent_id is not None:
        check_parent(ctx, None, level, parent_id)
    campaign_id = tx.insert(
        "campaign",
        {
            "name": name,
            "locality": validate.text(locality, "locality"),
            "level": level,
            "election_day": election_day,
            "lang": validate_lang(lang),
            "issuing_body": validate.text(issuing_body, "issuing body"),
            "signer": validate.text(signer, "signer"),
            "place": validate.text(place, "place"),
            "created_at": utc_now(),
            "parent_body": validate.text(parent_body, "parent body"),
            "symbol": validate_symbol(symbol),
            "parent_id": parent_id,
            "uid": uid or new_uid(),
        },
    )
    tx.campaign_id = campaign_id
    for code, label_vi, label_en, unit in SEED_ACTIVITY_TYPES:
        tx.insert("activity_type", activity_type_values(campaign_id, code, label_vi, label_en, unit))
    return campaign_id


def validate_lang(lang: str | None) -> str:
    from campaign_cli.i18n import normalise_language

    chosen = normalise_language(lang) if lang else None
    if chosen is None:
        raise Invalid(_("unknown language {value!r}: use vi or en").format(value=lang))
    return chosen


def validate_symbol(symbol: str | None) -> str:
    """A document symbol as Decree 30 writes it after the number: 'BC-TBTT' ('' = the default)."""
    text = validate.text(symbol, "document symbol", max_len=40)
    if text and (any(char.isspace() for char in text) or "/" in text):
        raise Invalid(
            _("the document symbol {value!r} may hold neither spaces nor '/': write it like BC-TBTT").format(
                value=text
            )
        )
    return text


# -- the hierarchy (a commune's campaign under its province's) ------------------------
LEVEL_RANK = {Level.province.value: 0, Level.district.value: 1, Level.commune.value: 2}


def check_parent(ctx: Context, campaign_id: int | None, level: str, parent_id: int) -> dict[str, Any]:
    """Refuse a parent that is the campaign itself, one of its descendants, or not a level above it."""
    parent = ctx.db.one("SELECT id, name, level, parent_id FROM campaign WHERE id = ?", (parent_id,))
    if parent is None:
        raise NotFound(_("no campaign with id {id}").format(id=parent_id))
    if campaign_id is not None:
        if parent["id"] == campaign_id:
            raise Invalid(_("a campaign cannot be its own parent"))
        seen = set()
        ancestor = parent
        while ancestor is not None and ancestor["id"] not in seen:
            if ancestor["parent_id"] == campaign_id:
                raise Invalid(
                    _("{parent!r} is under this campaign already: making it the parent would make a loop").format(
                        parent=parent["name"]
                    )
                )
            seen.add(ancestor["id"])
            ancestor = (
                ctx.db.one("SELECT id, name, level, parent_id FROM campaign WHERE id = ?", (ancestor["parent_id"],))
                if ancestor["parent_id"] is not None
                else None
            )
    if LEVEL_RANK.get(parent["level"], 0) >= LEVEL_RANK.get(level, 0):
        raise Invalid(
            _("{parent!r} is a {parent_level}-level campaign: a {level}-level campaign's parent must be "
              "a level above it").format(
                parent=parent["name"], parent_level=_(parent["level"]), level=_(level)
            )
        )
    return parent


def level_below(level: str, election_day: dt.date) -> str | None:
    """The level just below ``level`` among those of an election on ``election_day`` (None: the default)."""
    allowed = sorted(codes_of(levels_for(election_day)), key=lambda code: LEVEL_RANK.get(code, 0))
    below = [code for code in allowed if LEVEL_RANK.get(code, 0) > LEVEL_RANK.get(level, 0)]
    return below[0] if below else None


def check_children(ctx: Context, campaign_id: int, level: str) -> None:
    """A new level must stay above the campaigns under this one."""
    for child in ctx.db.dicts(
        "SELECT name, level FROM campaign WHERE parent_id = ? ORDER BY id", (campaign_id,)
    ):
        if LEVEL_RANK.get(child["level"], 0) <= LEVEL_RANK.get(level, 0):
            raise Invalid(
                _("{child!r} ({child_level}) is under this campaign: its level must stay above the child's").format(
                    child=child["name"], child_level=_(child["level"])
                )
            )


def activity_type_values(campaign_id: int, code: str, label_vi: str, label_en: str, unit: str) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "code": code,
        "label_vi": label_vi,
        "label_en": label_en,
        "unit": unit,
        "label_folded": fold(f"{label_vi} | {label_en}"),
    }


def init_campaign(
    ctx: Context,
    *,
    name: str,
    election_day: dt.date | None,
    locality: str = "",
    level: str | None = None,
    phases: str = "standard",
    lang: str = "vi",
    parent: str | None = None,
) -> dict[str, Any]:
    """A new campaign with the standard phases (or none); returns its row and how many campaigns there are.

    ``parent`` names another campaign of the database (id or name) to file
    this one under (a commune's under its province's). Under a parent,
    ``election_day`` None takes the parent's, and ``level`` None the level
    just below the parent's (a province's communes, since 1/7/2025).
    """
    if phases not in PHASE_TEMPLATES:
        raise Invalid(_("unknown phase template {value!r}: use standard or none").format(value=phases))
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as tx:
        parent_id = None
        if parent:
            above = find_campaign(ctx.db, parent)
            parent_id = above["id"]
            if election_day is None:
                election_day = coerce_date(above["election_day"])
            if level is None or not str(level).strip():
                level = level_below(above["level"], election_day)
        if election_day is None:
            raise Invalid(_("a new campaign needs an election day: give --election-day DATE"))
        campaign_id = create_campaign(
            ctx,
            tx,
            name=name,
            election_day=election_day,
            locality=locality,
            level=level,
            lang=lang,
            parent_id=parent_id,
        )
        if phases == "standard":
            for plan in standard_phases(election_day):
                tx.insert(
                    "phase",
                    {
                        "campaign_id": campaign_id,
                        "number": plan.number,
                        "name": plan.name,
                        "start_date": plan.start,
                        "end_date": plan.end,
                    },
                )
    ctx.campaign_selector = str(campaign_id)
    ctx._campaign = None
    return ctx.campaign


def campaign_count(ctx: Context) -> int:
    return ctx.db.scalar("SELECT COUNT(*) FROM campaign") if ctx.db.exists() else 0


def foreign_tables(ctx: Context) -> list[str]:
    """Tables of another program in an existing SQLite file that has no campaign schema ([] otherwise).

    ``init`` refuses such a file rather than adding its tables beside
    somebody else's data.
    """
    import sqlite3
    from pathlib import Path

    db = ctx.db
    if db.dialect != "sqlite" or db.path in (None, ":memory:") or not os.path.isfile(db.path):
        return []
    if os.path.getsize(db.path) == 0:
        return []
    try:  # read-only and apart from ours, which would switch the file to WAL
        conn = sqlite3.connect(f"{Path(db.path).resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
        try:
            names = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name"
                )
            ]
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # not an SQLite file: opening it says so
    return [] if "meta" in names and "campaign" in names else names


def database_info(ctx: Context) -> dict[str, Any]:
    """Where the database is and what it holds; works on an empty or missing database too."""
    from campaign_cli.storage.schema import stored_version

    version = stored_version(ctx.db)
    info: dict[str, Any] = {"database": ctx.db.url, "engine": ctx.db.dialect, "schema_version": version}
    campaign = None
    if version is not None:
        try:
            campaign = ctx.campaign
        except NoCampaign:
            if ctx.campaign_selector:  # one was named and is not here: that is the answer
                raise
            campaign = None
    counts = {}
    if campaign is not None:
        for table in ("phase", "unit", "member", "task", "activity", "activity_type"):
            counts[table] = ctx.db.scalar(f"SELECT COUNT(*) FROM {table} WHERE campaign_id = ?", (campaign["id"],))
    if version is not None:
        counts["changeset"] = ctx.db.scalar("SELECT COUNT(*) FROM changeset")
    info.update(
        campaign=campaign["name"] if campaign else None,
        campaign_id=campaign["id"] if campaign else None,
        election_day=campaign["election_day"] if campaign else None,
        campaigns=campaign_count(ctx) if version is not None else 0,
        counts=counts,
    )
    return info
