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
    coverage         {as_of, level, places, reached, untouched, types [{label, covered, places, missing}]}
                     | None  (weekly and final; services.coverage.document_coverage)
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from campaign_cli.errors import Ambiguous, Invalid, NotFound
from campaign_cli.i18n import N_, _
from campaign_cli.services import reports, validate
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date

KINDS = ("weekly", "phase", "final")
#: The document symbol after the number: BC (báo cáo) - TBTT (Tiểu ban Thông tin, tuyên truyền).
DEFAULT_SYMBOL = "BC-TBTT"
DEFAULT_ISSUING_BODY = "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN"
#: The signature block's titles; a vice-chair signs on the chair's behalf: "KT." (ký thay).
CHAIR_TITLE = "TRƯỞNG TIỂU BAN"
VICE_CHAIR_TITLE = "PHÓ TRƯỞNG TIỂU BAN"
ON_BEHALF = "KT."
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


def chair(ctx: Context) -> dict[str, Any] | None:
    """The subcommittee's chair (the first by id when there are several), or None."""
    return ctx.db.one(
        "SELECT id, name, role, title FROM member WHERE campaign_id = ? AND role = 'chair' ORDER BY id LIMIT 1",
        (ctx.campaign_id,),
    )


def signers(ctx: Context) -> list[dict[str, Any]]:
    """The members who may sign the subcommittee's reports: the chair(s), then the vice-chairs."""
    return ctx.db.dicts(
        "SELECT id, name, role FROM member WHERE campaign_id = ? AND role IN ('chair', 'vice-chair') "
        "ORDER BY CASE role WHEN 'chair' THEN 0 ELSE 1 END, id",
        (ctx.campaign_id,),
    )


def _signer_member(ctx: Context, ref: str) -> dict[str, Any]:
    """``--signer``: a member by id or any part of the name; no match names who can sign."""
    from campaign_cli.services import lookup

    try:
        found = lookup.member(ctx, ref)
    except Ambiguous as exc:
        raise Ambiguous(f"--signer: {exc.message}", exc.candidates) from None
    except NotFound:
        can_sign = signers(ctx) or ctx.db.dicts(
            "SELECT id, name, role FROM member WHERE campaign_id = ? ORDER BY id LIMIT 8", (ctx.campaign_id,)
        )
        if not can_sign:
            raise NotFound(_("--signer: the campaign has no members yet; add the chair with  "
                             "campaign member add NAME --role chair")) from None
        raise NotFound(_("--signer: no member matches {ref!r}; members who can sign: {names}").format(
            ref=ref.strip(), names=", ".join(f"{row['id']} {row['name']}" for row in can_sign))) from None
    return ctx.db.one("SELECT id, name, role FROM member WHERE id = ?", (found["id"],))


def title_lines(text: str) -> list[str]:
    """``--signer-title``: capitals, one line per "/" or line break ("KT. TRƯỞNG TIỂU BAN / PHÓ TRƯỞNG ...")."""
    lines = [" ".join(line.split()).upper() for line in re.split(r"\s/\s|\n", text)]
    return [line for line in lines if line]


def signature(ctx: Context, signer: str | None = None, signer_title: str | None = None) -> dict[str, Any]:
    """Who signs and the title above the name (Decree 30/2020/NĐ-CP, Article 13 and Appendix I).

    The chair signs as TRƯỞNG TIỂU BAN; a vice-chair signs on the chair's
    behalf: KT. TRƯỞNG TIỂU BAN over PHÓ TRƯỞNG TIỂU BAN. ``signer`` is a
    member reference; without it the campaign's signer (``campaign config
    --signer``), else the chair. Another member signs only under a title the
    caller gives (``signer_title``), which always wins.
    """
    campaign = ctx.campaign
    member: dict[str, Any] | None = None
    name = ""
    if signer is not None and signer.strip():
        member = _signer_member(ctx, signer)
    elif campaign.get("signer_id") is not None:
        member = ctx.db.one("SELECT id, name, role FROM member WHERE id = ?", (campaign["signer_id"],))
    if member is None and not (signer or "").strip() and campaign.get("signer"):
        name = campaign["signer"]  # an older release's text: no member, no role
    elif member is None:
        member = chair(ctx)
    if member is not None:
        name = member["name"]
    if signer_title is not None and signer_title.strip():
        titles = title_lines(validate.text(signer_title, N_("signer title"), multiline=True))
    elif member is None or member["role"] == "chair":
        titles = [CHAIR_TITLE]
    elif member["role"] == "vice-chair":
        titles = [f"{ON_BEHALF} {CHAIR_TITLE}", VICE_CHAIR_TITLE]
    else:
        raise Invalid(_(
            "{name} is not the chair or a vice-chair, who sign the subcommittee's reports: choose one with "
            "--signer (or campaign config --signer), or give the title to sign under with --signer-title"
        ).format(name=member["name"]))
    return {"name": " ".join(name.split()), "titles": titles, "member_id": member["id"] if member else None}


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
    of "Nơi nhận" without their leading dash and closing punctuation;
    ``signer`` is a member reference (:func:`signature`); ``proposals`` are
    texts or ``@FILE`` (:func:`proposal_paragraphs`). Every text is checked
    like any other user text (no control or invisible characters).
    """
    campaign = ctx.campaign
    if parent_body is None:
        parent_body = campaign.get("parent_body") or default_parent_body(campaign)
    issuing = (validate.text(issuing_body, N_("issuing body"), multiline=True) or campaign.get("issuing_body")
               or DEFAULT_ISSUING_BODY)
    number = validate.text(number, N_("document number"))
    place = validate.text(place, N_("place")) or campaign.get("place") or bare_locality(campaign.get("locality") or "")
    lines = [validate.text(line, N_("recipient")).rstrip(";.").strip() for line in (recipients or [])]
    signed = signature(ctx, signer, signer_title)
    return {
        "parent_body": validate.text(parent_body, N_("parent body")),
        "issuing_body": issuing.upper(),
        "issuing_body_name": running_name(issuing, campaign.get("locality") or ""),
        "number": document_number(number, campaign.get("symbol") or DEFAULT_SYMBOL),
        "place": place,
        "date": on or ctx.today,
        "signer": signed["name"],
        "signer_titles": signed["titles"],
        "recipients": [line for line in lines if line] or default_recipients(campaign),
        "summary": validate.text(summary, N_("summary")) or None,
        "proposals": proposal_paragraphs(proposals or []),
    }


#: Kinds of body as the law writes them in running text: the kind, then the field with a capital
#: (Decree 30/2020/NĐ-CP, Appendix II: "Tiểu ban Thông tin, tuyên truyền"), or the whole name as it
#: stands in the Law on Elections ("Ủy ban bầu cử", "Ban bầu cử", "Tổ bầu cử": no capital after them).
_FIXED_KINDS = ("ủy ban bầu cử", "hội đồng bầu cử quốc gia", "ban bầu cử", "tổ bầu cử")
_KINDS_BEFORE_A_FIELD = {"tiểu ban": "Tiểu ban", "ban chỉ đạo": "Ban Chỉ đạo", "ủy ban": "Ủy ban",
                         "hội đồng": "Hội đồng", "ban": "Ban", "tổ": "Tổ"}


def running_name(body: str, locality: str = "") -> str:
    """A body's name in running text: 'TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN' -> 'Tiểu ban Thông tin, tuyên truyền'.

    A name the user wrote in mixed case is theirs and kept. A name in
    capitals is lowered but for the kind's first letter and the field's
    (Decree 30/2020/NĐ-CP, Appendix II, I.2); a trailing place that is the
    campaign's locality keeps the locality's own capitals ("... xã Gia Vân").
    """
    text = " ".join(body.split())
    if text != text.upper():
        return text
    lowered = text.lower()
    place = ""
    locality_text = " ".join(locality.split())
    if locality_text and lowered.endswith(" " + locality_text.lower()):
        lowered = lowered[: -len(locality_text) - 1]
        place = " " + locality_text[:1].lower() + locality_text[1:]
    for kind in _FIXED_KINDS:
        if lowered == kind or lowered.startswith(kind + " "):
            return _capitalised(lowered) + place
    for kind, written in _KINDS_BEFORE_A_FIELD.items():
        if lowered.startswith(kind + " "):
            return written + " " + _capitalised(lowered[len(kind) + 1 :]) + place
    return _capitalised(lowered) + place


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


#: A line that starts a paragraph of its own in a proposals file: a dash, a bullet, "1." or "a)".
_LIST_ITEM = re.compile(r"^(?:[-+*•–]\s|\d{1,2}[.)]\s|[a-zđ][.)]\s)")
MAX_PROPOSALS_CHARS = 20_000


def proposal_paragraphs(values: list[str]) -> list[str]:
    """``--proposals``: each value is text, ``@FILE`` (UTF-8) or ``@-`` (standard input); ``@@`` is a literal @.

    Paragraphs are separated by blank lines; the lines of one paragraph are
    joined, except that a list item ("- ...", "1. ...", "a) ...") starts a
    paragraph of its own. Checked as user text: control and invisible
    characters are refused.
    """
    paragraphs: list[str] = []
    for value in values:
        source = "--proposals"
        if value.startswith("@@"):
            text = value[1:]
        elif value.startswith("@"):
            text, source = _read_proposals(value[1:]), value[1:]
        else:
            text = value
        try:
            cleaned = validate.text(text, N_("proposals"), multiline=True, max_len=MAX_PROPOSALS_CHARS)
        except Invalid as exc:
            raise Invalid(f"{source}: {exc.message}") from None
        if not cleaned:
            raise Invalid(_("{source}: the proposals are empty; write them, or leave --proposals out").format(
                source=source))
        paragraphs += _paragraphs(cleaned)
    return paragraphs


def _paragraphs(text: str) -> list[str]:
    result: list[str] = []
    for block in text.split("\n\n"):
        current: list[str] = []
        for line in block.split("\n"):
            if current and _LIST_ITEM.match(line.lower()):
                result.append(" ".join(current))
                current = []
            if line:
                current.append(line)
        if current:
            result.append(" ".join(current))
    return result


def _read_proposals(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        if not name:
            raise Invalid(_("--proposals: give a file name after @ (@de-xuat.txt), or @- to read standard input"))
        try:
            data = Path(name).read_bytes()
        except IsADirectoryError:
            raise Invalid(_("--proposals: {file} is a folder, not a text file").format(file=name)) from None
        except FileNotFoundError:
            raise Invalid(_("--proposals: there is no file {file}").format(file=name)) from None
        except OSError as exc:
            raise Invalid(_("--proposals: cannot read {file}: {reason}").format(
                file=name, reason=exc.strerror or exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("--proposals: {file} is not UTF-8 text; save it as UTF-8 (Unicode) and try again").format(
            file=name if name != "-" else _("standard input"))) from None


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
    document["coverage"] = _coverage(ctx, kind)
    if kind == "weekly":  # a province's weekly report sums up its communes (services/rollup.py)
        document["rollup"] = _rollup(ctx, document["period"], lang)
    return document


def _coverage(ctx: Context, kind: str) -> dict[str, Any] | None:
    """Coverage by place up to the as-of date, for the weekly and final reports (None: no places)."""
    from campaign_cli.services.coverage import document_coverage

    return document_coverage(ctx) if kind in ("weekly", "final") else None


def _rollup(ctx: Context, period: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The roll-up of the campaigns under this one for the report's week; None without any."""
    if not ctx.db.scalar("SELECT 1 FROM campaign WHERE parent_id = ? LIMIT 1", (ctx.campaign_id,)):
        return None
    from campaign_cli.services.rollup import rollup_report

    return rollup_report(ctx, period["start"], period["end"], lang=lang)


def _choose_phase(ctx: Context, phases: list[dict[str, Any]], ref: str | int | None) -> dict[str, Any]:
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
