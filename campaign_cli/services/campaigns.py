"""Starting a campaign: from scratch with standard phases, or from a plan file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.i18n import _
from campaign_cli.services import validate
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Transaction, utc_now
from campaign_cli.vocabulary import Level, codes

LEVELS = codes(Level)
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


def validate_level(level: str) -> str:
    value = (level or "").strip().lower()
    if value not in LEVELS:
        raise Invalid(_("unknown level {value!r}: use one of {choices}").format(value=level, choices=", ".join(LEVELS)))
    return value


def create_campaign(
    ctx: Context,
    tx: Transaction,
    *,
    name: str,
    election_day: dt.date,
    locality: str = "",
    level: str = "district",
    lang: str = "vi",
    issuing_body: str = "",
    signer: str = "",
    place: str = "",
) -> int:
    """Insert the campaign row and its seeded activity types; returns its id."""
    name = validate.text(name, "campaign name", required=True)
    existing = ctx.db.one("SELECT id FROM campaign WHERE name = ?", (name,))
    if existing:
        raise Conflict(_("a campaign named {name!r} already exists in this database").format(name=name))
    campaign_id = tx.insert(
        "campaign",
        {
            "name": name,
            "locality": validate.text(locality, "locality"),
            "level": validate_level(level),
            "election_day": election_day,
            "lang": lang,
            "issuing_body": validate.text(issuing_body, "issuing body"),
            "signer": validate.text(signer, "signer"),
            "place": validate.text(place, "place"),
            "created_at": utc_now(),
        },
    )
    tx.campaign_id = campaign_id
    for code, label_vi, label_en, unit in SEED_ACTIVITY_TYPES:
        tx.insert("activity_type", activity_type_values(campaign_id, code, label_vi, label_en, unit))
    return campaign_id


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
    election_day: dt.date,
    locality: str = "",
    level: str = "district",
    phases: str = "standard",
    lang: str = "vi",
) -> dict[str, Any]:
    if phases not in PHASE_TEMPLATES:
        raise Invalid(_("unknown phase template {value!r}: use standard or none").format(value=phases))
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as tx:
        campaign_id = create_campaign(
            ctx, tx, name=name, election_day=election_day, locality=locality, level=level, lang=lang
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


def database_info(ctx: Context) -> dict[str, Any]:
    from campaign_cli.storage.schema import stored_version

    campaign = ctx.campaign
    counts = {}
    for table in ("phase", "unit", "member", "task", "activity", "activity_type"):
        counts[table] = ctx.db.scalar(f"SELECT COUNT(*) FROM {table} WHERE campaign_id = ?", (campaign["id"],))
    counts["changeset"] = ctx.db.scalar("SELECT COUNT(*) FROM changeset")
    return {
        "database": ctx.db.url,
        "engine": ctx.db.dialect,
        "schema_version": stored_version(ctx.db),
        "campaign": campaign["name"],
        "campaign_id": campaign["id"],
        "election_day": campaign["election_day"],
        "campaigns": ctx.db.scalar("SELECT COUNT(*) FROM campaign"),
        "counts": counts,
    }
