"""Official report documents (Decree 30/2020/NĐ-CP): what a weekly, phase or final report says.

:func:`report_document` gathers, as plain data, every figure and list an
official report shows, from the same building blocks as ``services.reports``
(so the document and ``campaign report ... --format json`` agree). The writer
(``cli/office.py``) only lays the dict out; it computes nothing.

:func:`document_header` fills the document's header and signature block
(parent body, issuing body, number, place, date, signer, recipients) from the
campaign row, the chair and the caller's overrides. The campaign's settings
(``campaign config``) hold the issuing body, parent body, document symbol,
place and signer (a member); left empty, the parent body and recipients follow
the level and locality ("ỦY BAN BẦU CỬ XÃ GIA VÂN" for a commune), the symbol
is BC-TBTT and the chair signs.

The document's shape (every kind)::

    kind             "weekly" | "phase" | "final"
    as_of, days_to_election
    campaign         {name, locality, level, election_day}
    period           {start, end, week, week_number, phase}   (phase: {number, name, start, end} or None)
    current_phase    {number, name, start, end} | None
    phases           public phases in scope (see reports.public_phase)
    tasks            {total, done, overdue}                    (scope: the campaign; a phase's for "phase")
    activity         [{type, label, unit, quantity, entries}]  (logged in the period, up to the as-of date)
    activity_entries total entries of ``activity``
    targets          [{label, unit, target, logged, progress}]  ("phase" only; else [])
    completed        [{id, title, lead, completed_on}]          (completed in the period)
    overdue          [{id, title, lead, due, days_late}]        (on the as-of date, in scope)
    upcoming         [{id, title, lead, due, status}]           (due in ``upcoming_span``)
    upcoming_span    (first, last)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.errors import Invalid
from campaign_cli.services import reports
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date

KINDS = ("weekly", "phase", "final")
#: The document symbol after the number: BC (báo cáo) - TBTT (Tiểu ban Thông tin, tuyên truyền).
DEFAULT_SYMBOL = "BC-TBTT"
DEFAULT_ISSUING_BODY = "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN"
DEFAULT_SIGNER_TITLE = "TRƯỞNG TIỂU BAN"
#: The archive line that closes every "Nơi nhận" list (Decree 30: "Lưu: VT, <drafting unit>").
ARCHIVE_LINE = "Lưu: VT, TBTT"
LEVEL_WORDS = {"province": "tỉnh", "district": "huyện", "commune": "xã"}
_LOCALITY_PREFIXES = ("thành phố", "thị xã", "thị trấn", "phường", "huyện", "tỉnh", "quận", "xã")
UPCOMING_DAYS = 7


# -- header and signature ------------------------------------------------------------
def bare_locality(locality: str) -> str:
    """'Huyện Gia Viễn' -> 'Gia Viễn': the place name of the date line."""
    text = " ".join((locality or "").split())
    lowered = text.lower()
    for prefix in _LOCALITY_PREFIXES:
        if lowered.startswith(prefix + " "):
            return text[len(prefix) + 1 :]
    return text


def default_parent_body(campaign: dict[str, Any]) -> str:
    """'ỦY BAN BẦU CỬ HUYỆN GIA VIỄN': the election committee of the campaign's locality."""
    locality = " ".join((campaign.get("locality") or "").split())
    if not locality:
        return ""
    if bare_locality(locality) == locality:  # no level word in the locality: add the campaign's
        word = LEVEL_WORDS.get(campaign.get("level") or "", "")
        locality = f"{word} {locality}".strip()
    return f"ỦY BAN BẦU CỬ {locality}".upper()


def default_recipients(campaign: dict[str, Any]) -> list[str]:
    """'Ủy ban bầu cử xã' (the election committee of the campaign's level), then the archive line."""
    word = LEVEL_WORDS.get(campaign.get("level") or "", "")
    first = f"Ủy ban bầu cử {word}".strip()
    return [first, ARCHIVE_LINE]


def campaign_signer(ctx: Context, campaign: dict[str, Any]) -> str:
    """Who signs by default: the member set with ``config --signer``, else an older release's name, else the chair."""
    if campaign.get("signer_id") is not None:
        row = ctx.db.one("SELECT name FROM member WHERE id = ?", (campaign["signer_id"],))
        if row:
            return row["name"]
    if campaign.get("signer"):
        return campaign["signer"]
    head = chair(ctx)
    return head["name"] if head else ""


def chair(ctx: Context) -> dict[str, Any] | None:
    """The subcommittee's chair (the first by id when there are several), or None."""
    return ctx.db.one(
        "SELECT id, name, title FROM member WHERE campaign_id = ? AND role = 'chair' ORDER BY id LIMIT 1",
        (ctx.campaign_id,),
    )


def document_number(number: str | None, symbol: str = DEFAULT_SYMBOL) -> str:
    """'5' -> '05/BC-TBTT'; '05/BC-TBTT' stays; None -> '   /BC-TBTT' (the clerk writes it in)."""
    text = " ".join((number or "").split())
    if not text:
        return f"{' ' * 6}/{symbol}"
    if "/" in text:
        return text
    if text.isdigit() and len(text) == 1:
        text = "0" + text  # Decree 30: numbers below 10 take a leading zero
    return f"{text}/{symbol}"


def document_header(
    ctx: Context,
    *,
    number: str | None = None,
    parent_body: str | None = None,
    issuing_body: str | None = None,
    recipients: list[str] | None = None,
    signer: str | None = None,
    signer_title: str | None = None,
    place: str | None = None,
    on: dt.date | None = None,
    summary: str | None = None,
    proposals: list[str] | None = None,
) -> dict[str, Any]:
    """The header, signature and recipients of a document: the options given, else the campaign's.

    ``parent_body=""`` leaves the parent line out; ``recipients`` are the lines
    of "Nơi nhận" without their leading dash and closing punctuation.
    """
    campaign = ctx.campaign
    signer_name = signer if signer is not None else campaign_signer(ctx, campaign)
    if parent_body is None:
        parent_body = campaign.get("parent_body") or default_parent_body(campaign)
    return {
        "parent_body": parent_body.strip(),
        "issuing_body": ((issuing_body or campaign.get("issuing_body") or DEFAULT_ISSUING_BODY).strip()).upper(),
        "number": document_number(number, campaign.get("symbol") or DEFAULT_SYMBOL),
        "place": (place or campaign.get("place") or bare_locality(campaign.get("locality") or "")).strip(),
        "date": on or ctx.today,
        "signer": " ".join(signer_name.split()),
        "signer_title": " ".join((signer_title or DEFAULT_SIGNER_TITLE).split()).upper(),
        "recipients": [line.strip().rstrip(";.").strip() for line in (recipients or default_recipients(campaign))
                       if line.strip().rstrip(";.").strip()],
        "summary": " ".join((summary or "").split()) or None,
        "proposals": [text.strip() for text in (proposals or []) if text.strip()],
    }


# -- the report's content ----------------------------------------------------------------
def _facts(ctx: Context) -> dict[str, Any]:
    campaign = ctx.campaign
    return {
        "name": campaign["name"],
        "locality": campaign["locality"] or "",
        "level": campaign["level"] or "",
        "election_day": coerce_date(campaign["election_day"]),
    }


def _span_phase(phase: dict[str, Any] | None) -> dict[str, Any] | None:
    if phase is None:
        return None
    return {"number": phase["number"], "name": phase["name"], "start": phase["start"], "end": phase["end"]}


def _task_brief(task: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {"id": task["id"], "title": task["title"], "lead": task.get("lead"), **{key: task.get(key) for key in keys}}


def report_document(
    ctx: Context,
    kind: str,
    *,
    week: tuple[dt.date, dt.date] | None = None,
    phase: str | int | None = None,
    lang: str = "vi",
) -> dict[str, Any]:
    """Everything an official report of ``kind`` shows (module docstring).

    ``week`` (Monday, Sunday) for "weekly" (default: the as-of week);
    ``phase`` (a number) for "phase" (default: the phase holding the as-of
    date, else the last one that started); "final" covers the whole campaign.
    """
    if kind not in KINDS:
        from campaign_cli.i18n import _

        raise Invalid(_("unknown report kind {kind!r}: use one of {kinds}").format(kind=kind, kinds=", ".join(KINDS)))
    today = ctx.today
    facts = _facts(ctx)
    phases = reports.phase_rows(ctx)
    current = reports.phase_of_day(phases, today)
    upcoming_span = (today + dt.timedelta(days=1), today + dt.timedelta(days=UPCOMING_DAYS))
    document: dict[str, Any] = {
        "schema_version": reports.JSON_SCHEMA_VERSION,
        "kind": kind,
        "as_of": today,
        "days_to_election": reports.days_to_election(facts["election_day"], today),
        "campaign": facts,
        "current_phase": _span_phase(current),
        "targets": [],
    }
    if kind == "weekly":
        if week is None:
            monday = today - dt.timedelta(days=today.weekday())
            week = (monday, monday + dt.timedelta(days=6))
        start, end = week
        weekly = reports.weekly_report(ctx, start, end, lang=lang)
        counts = reports.task_counts(ctx)
        document.update(
            period={"start": start, "end": end, "week": weekly["week"], "week_number": start.isocalendar()[1],
                    "phase": None},
            phases=[reports.public_phase(row) for row in phases
                    if row["start"] <= end and (row["end"] is None or row["end"] >= start)],
            tasks={"total": counts["total"], "done": counts["done"], "overdue": counts["overdue"]},
            activity=weekly["activity"],
            completed=[dict(row) for row in weekly["completed"]],
            overdue=[dict(row) for row in weekly["overdue"]],
            upcoming=[dict(row) for row in weekly["due_next_week"]],
            upcoming_span=weekly["next_week"],
        )
    elif kind == "phase":
        chosen = _choose_phase(ctx, phases, phase)
        start, end = chosen["start"], chosen["end"]
        report = reports.phase_report(ctx, chosen["number"], lang=lang)["phases"][0]
        task_list = report["task_list"]
        completed = reports._task_list(  # noqa: SLF001 - the one task query of the reports
            ctx, "t.phase_id = ? AND t.status = 'done'", (chosen["id"],), order="t.completed_on, t.id"
        )
        first, last = upcoming_span
        document.update(
            period={"start": start, "end": end, "week": None, "week_number": None, "phase": _span_phase(chosen)},
            phases=[reports.public_phase(chosen)],
            tasks=dict(report["tasks"]),
            activity=reports.activity_totals(ctx, start, end, lang=lang),
            targets=[
                {key: row[key] for key in ("type", "label", "unit", "target", "logged", "progress")}
                for row in report["quantities"]
                if row["target"]
            ],
            completed=[_task_brief(task, "completed_on") for task in completed],
            overdue=[
                {**_task_brief(task, "due"), "days_late": (today - task["due"]).days}
                for task in task_list
                if task["overdue"]
            ],
            upcoming=[
                _task_brief(task, "due", "status")
                for task in task_list
                if task["status"] not in ("done", "cancelled") and task["due"] and first <= task["due"] <= last
            ],
            upcoming_span=upcoming_span,
        )
    else:
        counts = reports.task_counts(ctx)
        start = min((row["start"] for row in phases), default=facts["election_day"])
        ends = [row["end"] for row in phases]
        end = None if (not ends or None in ends) else max(ends)
        completed = reports._task_list(  # noqa: SLF001
            ctx, "t.status = 'done'", (), order="t.completed_on, t.id"
        )
        document.update(
            period={"start": start, "end": end, "week": None, "week_number": None, "phase": None},
            phases=[reports.public_phase(row) for row in phases],
            tasks={"total": counts["total"], "done": counts["done"], "overdue": counts["overdue"]},
            activity=reports.activity_totals(ctx, lang=lang),
            completed=[_task_brief(task, "completed_on") for task in completed],
            overdue=[_task_brief(task, "due", "days_late") for task in reports.overdue_tasks(ctx)],
            upcoming=[_task_brief(task, "due", "status") for task in reports.tasks_due_between(ctx, *upcoming_span)],
            upcoming_span=upcoming_span,
        )
    document["activity_entries"] = sum(row["entries"] for row in document["activity"])
    return document


def _choose_phase(ctx: Context, phases: list[dict[str, Any]], ref: str | int | None) -> dict[str, Any]:
    from campaign_cli.i18n import _
    from campaign_cli.services import lookup

    if ref is not None:
        wanted = lookup.phase(ctx, ref)["id"]
        return next(row for row in phases if row["id"] == wanted)
    current = reports.phase_of_day(phases, ctx.today)
    if current is not None:
        return current
    started = [row for row in phases if row["start"] <= ctx.today]
    if started:
        return max(started, key=lambda row: row["start"])
    if phases:
        return phases[0]
    raise Invalid(_("the campaign has no phases yet: add one with  campaign phase add NAME --start DATE"))
