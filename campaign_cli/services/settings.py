"""The campaign's own settings: what ``campaign config`` shows and changes.

Name, locality, level, election day, language, the document settings
(issuing body, parent body, document symbol, place, signer) and the parent
campaign. A change is one transaction through ``tx.update``, so it is in the
history and ``undo`` reverts it.

Changing election day leaves the phases where they are, unless
``move_phases``: then every phase that follows the standard template of the
old day (``campaigns.standard_phases``) takes the template's dates for the
new day, and every other phase keeps its distance to election day (it moves
by as many days as election day does). Task due dates never move: a move
that would leave a task due outside its phase, make phases overlap, or leave
election day in no phase is refused, changing nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.i18n import N_, _
from campaign_cli.services import campaigns, lookup, phases, validate
from campaign_cli.services.context import Context, find_campaign
from campaign_cli.services.dates import coerce_date
from campaign_cli.vocabulary import UNSET

#: Words that clear ``--signer`` or ``--parent``.
CLEAR_WORDS = ("none", "-")


def campaign_settings(ctx: Context) -> dict[str, Any]:
    """The settings as stored, with the member who signs, the parent, and what documents use by default."""
    from campaign_cli.services import documents

    campaign = ctx.campaign
    signer = None
    if campaign["signer_id"] is not None:
        row = ctx.db.one("SELECT id, name, role FROM member WHERE id = ?", (campaign["signer_id"],))
        if row:
            signer = {"id": row["id"], "name": row["name"], "role": row["role"]}
    elif campaign["signer"]:
        signer = {"id": None, "name": campaign["signer"], "role": None}
    parent = None
    if campaign["parent_id"] is not None:
        row = ctx.db.one("SELECT id, name, level FROM campaign WHERE id = ?", (campaign["parent_id"],))
        if row:
            parent = {"id": row["id"], "name": row["name"], "level": row["level"]}
    children = ctx.db.dicts("SELECT id, name, level FROM campaign WHERE parent_id = ? ORDER BY id", (campaign["id"],))
    head = documents.chair(ctx)
    return {
        "id": campaign["id"],
        "name": campaign["name"],
        "locality": campaign["locality"] or "",
        "level": campaign["level"],
        "election_day": coerce_date(campaign["election_day"]),
        "lang": campaign["lang"],
        "issuing_body": campaign["issuing_body"] or "",
        "parent_body": campaign["parent_body"] or "",
        "symbol": campaign["symbol"] or "",
        "place": campaign["place"] or "",
        "signer": signer,
        "parent": parent,
        "children": children,
        "uid": campaign["uid"],
        "defaults": {
            "issuing_body": documents.DEFAULT_ISSUING_BODY,
            "parent_body": documents.default_parent_body(campaign),
            "symbol": documents.DEFAULT_SYMBOL,
            "place": documents.bare_locality(campaign["locality"] or ""),
            "signer": head["name"] if head else None,
        },
    }


def _clears(value: str | None) -> bool:
    return value is None or value.strip().lower() in CLEAR_WORDS


def configure_campaign(
    ctx: Context,
    *,
    name: Any = UNSET,
    locality: Any = UNSET,
    level: Any = UNSET,
    election_day: Any = UNSET,
    move_phases: bool = False,
    issuing_body: Any = UNSET,
    parent_body: Any = UNSET,
    symbol: Any = UNSET,
    place: Any = UNSET,
    signer: Any = UNSET,
    lang: Any = UNSET,
    parent: Any = UNSET,
) -> dict[str, Any]:
    """Change the settings given (UNSET keeps one); returns what changed and the phases moved.

    ``signer`` is a member reference and ``parent`` a campaign (id or name);
    ``None``, "none" or "-" clears either.
    """
    if move_phases and election_day is UNSET:
        raise Invalid(_("--move-phases moves the phases with a new election day: give --election-day DATE too"))
    with ctx.transaction() as tx:
        campaign = ctx.campaign
        values: dict[str, Any] = {}
        if name is not UNSET:
            values["name"] = validate.text(name, "campaign name", required=True)
            other = ctx.db.one("SELECT id FROM campaign WHERE name = ? AND id <> ?", (values["name"], campaign["id"]))
            if other:
                raise Conflict(
                    _("a campaign named {name!r} already exists in this database").format(name=values["name"])
                )
        texts = {
            "locality": (locality, N_("locality")),
            "issuing_body": (issuing_body, N_("issuing body")),
            "parent_body": (parent_body, N_("parent body")),
            "place": (place, N_("place")),
        }
        for key, (given, field) in texts.items():
            if given is not UNSET:
                values[key] = validate.text(given, field)
        if symbol is not UNSET:
            values["symbol"] = campaigns.validate_symbol(symbol)
        if lang is not UNSET:
            values["lang"] = campaigns.validate_lang(lang)
        old_day = coerce_date(campaign["election_day"])
        new_day = old_day if election_day is UNSET else election_day
        if election_day is not UNSET:
            values["election_day"] = new_day
        if level is not UNSET:
            values["level"] = campaigns.validate_level(level, new_day)
        elif new_day != old_day:
            _check_level_for_day(campaign["level"], new_day)
        new_level = values.get("level", campaign["level"])
        if signer is not UNSET:
            values["signer_id"] = None if _clears(signer) else lookup.member(ctx, signer)["id"]
            values["signer"] = ""  # the member is the signer now; an old release's text is no longer used
        if parent is not UNSET:
            values["parent_id"] = None if _clears(parent) else find_campaign(ctx.db, parent.strip())["id"]
        parent_id = values.get("parent_id", campaign["parent_id"])
        if parent_id is not None and ("parent_id" in values or "level" in values):
            campaigns.check_parent(ctx, campaign["id"], new_level, parent_id)
        if "level" in values:
            campaigns.check_children(ctx, campaign["id"], new_level)
        moved = []
        if new_day != old_day:
            moved = _move_phases(ctx, tx, old_day, new_day) if move_phases else _keep_phases(ctx, old_day, new_day)
        before = tx.update("campaign", campaign["id"], values)
    ctx._campaign = None
    changed = [key for key, value in values.items() if before.get(key) != value]
    return {"settings": campaign_settings(ctx), "changed": changed, "before": before, "moved": moved}


def _check_level_for_day(level: str, day: dt.date) -> None:
    try:
        campaigns.validate_level(level, day)
    except Invalid:
        raise Invalid(
            _(
                "this is a district-level campaign, and since 1/7/2025 there are no districts: for an election on "
                "{day} give --level province or --level commune too"
            ).format(day=day.strftime("%d/%m/%Y"))
        ) from None


def _keep_phases(ctx: Context, old_day: dt.date, new_day: dt.date) -> list[dict[str, Any]]:
    """Without --move-phases: the phases stay, but election day must still fall in one."""
    rows = phases.campaign_phases(ctx)
    try:
        phases.check_election_day_kept(rows, rows, old_day, new_day)
    except Conflict:
        raise Conflict(
            _(
                "the new election day ({day}) falls in no phase: add --move-phases to move the phases with it, "
                "or move them first (campaign phase edit N --start DATE --end DATE)"
            ).format(day=new_day.strftime("%d/%m/%Y"))
        ) from None
    return []


def moved_phase_dates(
    rows: list[dict[str, Any]], old_day: dt.date, new_day: dt.date
) -> list[dict[str, Any]]:
    """Where each phase goes when election day moves (module docstring); rows gain ``template``."""
    old_template = {plan.number: plan for plan in campaigns.standard_phases(old_day)}
    new_template = {plan.number: plan for plan in campaigns.standard_phases(new_day)}
    shift = new_day - old_day
    result = []
    for row in rows:
        start, end = coerce_date(row["start_date"]), coerce_date(row["end_date"])
        plan = old_template.get(row["number"])
        if plan is not None and (plan.start, plan.end) == (start, end):
            target = new_template[row["number"]]
            result.append({**row, "start_date": target.start, "end_date": target.end, "template": True})
        else:
            result.append(
                {**row, "start_date": start + shift, "end_date": end + shift if end else None, "template": False}
            )
    return result


def _move_phases(ctx: Context, tx, old_day: dt.date, new_day: dt.date) -> list[dict[str, Any]]:
    rows = phases.campaign_phases(ctx)
    targets = moved_phase_dates(rows, old_day, new_day)
    ordered = sorted(targets, key=lambda row: row["start_date"])
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier["end_date"] is None or later["start_date"] <= earlier["end_date"]:
            raise Conflict(
                _(
                    "moved with election day, phases {a} and {b} would overlap; move the phases by hand "
                    "(campaign phase edit N --start DATE --end DATE), then change election day without --move-phases"
                ).format(a=earlier["number"], b=later["number"])
            )
    for target in targets:
        phases.check_tasks_inside(ctx, target, target["start_date"], target["end_date"])
    phases.check_election_day_kept(rows, targets, old_day, new_day)
    moved = []
    for row, target in zip(rows, targets, strict=True):
        if (row["start_date"], row["end_date"]) != (target["start_date"], target["end_date"]):
            tx.update("phase", row["id"], {"start_date": target["start_date"], "end_date": target["end_date"]})
            moved.append(
                {
                    "number": row["number"],
                    "name": row["name"],
                    "from": {"start": row["start_date"], "end": row["end_date"]},
                    "to": {"start": target["start_date"], "end": target["end_date"]},
                    "template": target["template"],
                }
            )
    return moved
