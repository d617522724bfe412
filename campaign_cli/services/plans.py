"""Plan files: a whole campaign in TOML a secretary can read and edit.

``data/gia-vien-2021.toml`` is the bundled sample and documents the format.
A plan is loaded in one transaction through the same ``create_*`` services
the commands use, so it obeys the same rules; any error names the entry
(``tasks[3] (toa-dam-dot1): ...``) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from campaign_cli.errors import CampaignError, Invalid
from campaign_cli.i18n import _
from campaign_cli.services.context import Context

SAMPLE_NAME = "gia-vien-2021.toml"
PLAN_FORMAT = 1


def sample_path() -> Path:
    """The bundled sample: inside the installed package, or data/ in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_data" / SAMPLE_NAME
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "data" / SAMPLE_NAME


def read_plan(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            plan = tomllib.load(handle)
    except FileNotFoundError:
        raise Invalid(_("no plan file at {path}").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(_("{path} is not valid TOML: {error}").format(path=path, error=exc)) from None
    except UnicodeDecodeError:
        raise Invalid(_("{path} is not UTF-8 text").format(path=path)) from None
    if plan.get("format", PLAN_FORMAT) != PLAN_FORMAT:
        raise Invalid(
            _("{path}: plan format {found} is not supported (this release reads format {known})").format(
                path=path, found=plan.get("format"), known=PLAN_FORMAT
            )
        )
    if not isinstance(plan.get("campaign"), dict):
        raise Invalid(_("{path}: the plan needs a [campaign] table with name and election_day").format(path=path))
    return plan


def _date(value: Any, where: str, today: dt.date) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        from campaign_cli.services.dates import DateError, parse_date

        try:
            return parse_date(value, today)
        except DateError as exc:
            raise Invalid(f"{where}: {exc}") from None
    raise Invalid(_("{where}: {value!r} is not a date").format(where=where, value=value))


def _entries(plan: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = plan.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise Invalid(_("the plan's {key} must be a list of [[{key}]] tables").format(key=key))
    return entries


def load_plan(ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
    """Create the campaign the plan describes; returns the campaign row."""
    from campaign_cli.services import logs, lookup, members, places, tasks, units
    from campaign_cli.services.campaigns import create_campaign

    head = plan["campaign"]
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as tx:
        where = "[campaign]"
        try:
            election_day = _date(head.get("election_day"), where + " election_day", ctx.today)
            if election_day is None:
                raise Invalid(_("the campaign needs an election_day"))
            campaign_id = create_campaign(
                ctx,
                tx,
                name=str(head.get("name", "")),
                election_day=election_day,
                locality=str(head.get("locality", "")),
                level=str(head["level"]) if head.get("level") is not None else None,
                lang=str(head.get("lang", "vi")),
                issuing_body=str(head.get("issuing_body", "")),
                place=str(head.get("place", "")),
                parent_body=str(head.get("parent_body", "")),
                symbol=str(head.get("symbol", "")),
            )
            ctx.campaign_selector = str(campaign_id)
            ctx._campaign = None
            for index, entry in enumerate(_entries(plan, "phases")):
                where = f"phases[{index}]"
                tx.insert(
                    "phase",
                    {
                        "campaign_id": campaign_id,
                        "number": int(entry.get("number", index + 1)),
                        "name": _required_text(entry, "name", where),
                        "start_date": _date(entry.get("start"), where + " start", ctx.today),
                        "end_date": _date(entry.get("end"), where + " end", ctx.today),
                    },
                )
            for index, entry in enumerate(_entries(plan, "units")):
                where = f"units[{index}]"
                units.create_unit(ctx, tx, name=_required_text(entry, "name", where), short=str(entry.get("short", "")))
            for index, entry in enumerate(_entries(plan, "members")):
                where = f"members[{index}]"
                members.create_member(
                    ctx,
                    tx,
                    name=_required_text(entry, "name", where),
                    role=str(entry.get("role", "member")),
                    title=str(entry.get("title", "")),
                    unit=entry.get("unit"),
                    phone=str(entry.get("phone", "")),
                    email=str(entry.get("email", "")),
                )
            for index, entry in enumerate(_entries(plan, "places")):
                where = f"places[{index}]"
                places.create_place(
                    ctx, tx, name=_required_text(entry, "name", where),
                    kind=str(entry["kind"]) if entry.get("kind") else None,
                    parent=str(entry["in"]) if entry.get("in") else None,
                )
            if head.get("signer"):
                where = "[campaign] signer"
                signer = lookup.member(ctx, str(head["signer"]))
                tx.update("campaign", campaign_id, {"signer_id": signer["id"]})
            task_ids: dict[str, int] = {}
            for index, entry in enumerate(_entries(plan, "tasks")):
                where = f"tasks[{index}]" + (f" ({entry['key']})" if "key" in entry else "")
                task_id = tasks.create_task(
                    ctx,
                    tx,
                    title=_required_text(entry, "title", where),
                    phase=str(entry.get("phase", "")),
                    type=entry.get("type"),
                    lead=entry.get("lead"),
                    support=tuple(entry.get("support", ())),
                    due=_date(entry.get("due"), where + " due", ctx.today),
                    target=entry.get("target"),
                    unit_of_measure=entry.get("unit_of_measure"),
                    themes=tuple(entry.get("themes", ())),
                    status=str(entry.get("status", "todo")),
                    completed_on=_date(entry.get("completed_on"), where + " completed_on", ctx.today),
                    reason=str(entry.get("reason", "")),
                    places=_texts(entry, "places", where),
                )
                if "key" in entry:
                    task_ids[str(entry["key"])] = task_id
            for index, entry in enumerate(_entries(plan, "logs")):
                where = f"logs[{index}]"
                task_key = entry.get("task")
                if task_key is not None and str(task_key) not in task_ids:
                    raise Invalid(_("no task with key {key!r} in this plan").format(key=task_key))
                logs.create_log(
                    ctx,
                    tx,
                    on_date=_date(entry.get("date"), where + " date", ctx.today),
                    type=str(entry.get("type", "")),
                    quantity=entry.get("quantity", 1),
                    by=entry.get("by"),
                    task=task_ids[str(task_key)] if task_key is not None else None,
                    place=str(entry.get("place", "")),
                    note=str(entry.get("note", "")),
                )
        except CampaignError as exc:
            if exc.message.startswith(where):
                raise
            raise type(exc)(f"{where}: {exc.message}") from None
    return ctx.campaign


def _texts(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, ())
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise Invalid(_("{where}: {key} must be a list of texts").format(where=where, key=key))
    return tuple(value)


def _required_text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("{where}: {key} is required").format(where=where, key=key))
    return value
