"""The campaign for other tools: calendars (iCalendar) and Taskwarrior, and Taskwarrior's edits back.

:func:`calendar_data` and :func:`taskwarrior_data` gather, as plain data, what
``cli/office.py`` writes as an ``.ics`` file or as Taskwarrior's JSON import
format. Identifiers are stable, so that importing a newer export updates
what the other tool holds instead of duplicating it:

- iCalendar UIDs: ``task-<id>@<uid>``, ``phase-<n>@<uid>``, ``election@<uid>``;
- Taskwarrior UUIDs: a version-5 UUID of the task's iCalendar UID.

``uid`` is the campaign's random id, stored with it at creation
(``campaign.uid``): two databases never share it, even when their campaigns
have the same name, and renaming a campaign keeps it. Releases before schema
3 used the campaign's name folded to ASCII (:func:`campaign_slug`); Taskwarrior
tasks exported then are still recognised when they come back.

:func:`import_taskwarrior` applies what ``task export`` gives back (as read by
``cli/office.read_taskwarrior``): a known UUID updates its task (title, phase,
due date, themes, status), an unknown one in one of the campaign's projects
creates a task; everything else (the user's other tasks) is skipped. All of it
is written in one transaction, or nothing when any item is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from campaign_cli.errors import CampaignError
from campaign_cli.i18n import _
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date
from campaign_cli.services.text import fold

SLUG_MAX = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
#: Taskwarrior project of a phase: ``<prefix>.dot<number>`` (đợt = phase).
_PHASE_PROJECT = re.compile(r"(?:^|[._ -])(?:dot|phase)[ _-]?(\d+)$")


# -- identifiers ----------------------------------------------------------------------
def campaign_slug(name: str) -> str:
    """'Bầu cử đại biểu Quốc hội khóa XV ...' -> 'bau-cu-dai-bieu-quoc-hoi-khoa-xv-...' (at most 48)."""
    slug = _NOT_SLUG.sub("-", fold(name)).strip("-") or "campaign"
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] or slug[:SLUG_MAX]
    return slug


def task_uid(task_id: int, domain: str) -> str:
    return f"task-{task_id}@{domain}"


def task_uuid(task_id: int, domain: str) -> str:
    """The Taskwarrior UUID of a task: the same for the same task and campaign, every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"campaign:{task_uid(task_id, domain)}"))


def project_prefix(campaign: dict[str, Any]) -> str:
    """'giavien2021': the locality folded, then the election year (Taskwarrior project root)."""
    from campaign_cli.services.documents import bare_locality

    place = _NOT_SLUG.sub("", fold(bare_locality(campaign.get("locality") or ""))) or "baucu"
    return f"{place}{coerce_date(campaign['election_day']).year}"


def phase_project(prefix: str, number: int) -> str:
    return f"{prefix}.dot{number}"


def phase_of_project(project: str | None) -> int | None:
    """The phase number a Taskwarrior project names: 'giavien2021.dot2' -> 2; 'Đợt 3' -> 3."""
    if not project:
        return None
    match = _PHASE_PROJECT.search(fold(project))
    return int(match.group(1)) if match else None


# -- gathering ------------------------------------------------------------------------
def _campaign(ctx: Context) -> dict[str, Any]:
    campaign = ctx.campaign
    return {
        "id": campaign["id"],
        "name": campaign["name"],
        "locality": campaign["locality"] or "",
        "election_day": coerce_date(campaign["election_day"]),
        "lang": campaign.get("lang") or "vi",
        "uid": campaign["uid"],
        "legacy_slug": campaign_slug(campaign["name"]),
    }


def _tasks(ctx: Context) -> list[dict[str, Any]]:
    from campaign_cli.services.tasks import list_tasks

    return list_tasks(ctx, sort="id")


def calendar_data(ctx: Context, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Phases, election day and tasks with their due dates, for an iCalendar file.

    ``stamp`` (UTC) is when the export was made (iCalendar's DTSTAMP).
    """
    campaign = _campaign(ctx)
    domain = campaign["uid"]
    phases = [
        {
            "uid": f"phase-{row['number']}@{domain}",
            "number": row["number"],
            "name": row["name"],
            "start": coerce_date(row["start_date"]),
            "end": coerce_date(row["end_date"]),
        }
        for row in ctx.db.dicts(
            "SELECT number, name, start_date, end_date FROM phase WHERE campaign_id = ? ORDER BY number",
            (ctx.campaign_id,),
        )
    ]
    tasks = []
    for task in _tasks(ctx):
        tasks.append(
            {
                "uid": task_uid(task["id"], domain),
                "id": task["id"],
                "title": task["title"],
                "phase": task["phase"],
                "phase_name": task["phase_name"],
                "due": coerce_date(task["due"]),
                "status": task["status"],
                "completed_on": coerce_date(task["completed_on"]),
                "lead": task["lead"]["name"] if task["lead"] else None,
                "support": [party["name"] for party in task["support"]],
                "themes": list(task["themes"]),
                "type_label": task["type_label"],
                "target": task["target"],
                "unit": task["unit_of_measure"],
                "progress": task["progress"],
                "reason": task["reason"] or "",
            }
        )
    return {
        "campaign": campaign,
        "stamp": now or dt.datetime.now(dt.UTC),
        "as_of": ctx.today,
        "election": {"uid": f"election@{domain}", "date": campaign["election_day"]},
        "phases": phases,
        "tasks": tasks,
    }


def taskwarrior_data(ctx: Context) -> dict[str, Any]:
    """Every task with its Taskwarrior UUID and project, and its log entries as notes."""
    campaign = _campaign(ctx)
    domain, prefix = campaign["uid"], project_prefix(campaign)
    notes: dict[int, list[dict[str, Any]]] = {}
    for row in ctx.db.dicts(
        "SELECT a.task_id, a.on_date, a.quantity, at.unit, at.label_vi, a.place, a.note, "
        "m.name AS member_name, u.name AS unit_name "
        "FROM activity a JOIN activity_type at ON at.id = a.type_id "
        "LEFT JOIN member m ON m.id = a.member_id LEFT JOIN unit u ON u.id = a.unit_id "
        "WHERE a.campaign_id = ? AND a.task_id IS NOT NULL ORDER BY a.task_id, a.on_date, a.id",
        (ctx.campaign_id,),
    ):
        notes.setdefault(row["task_id"], []).append(
            {
                "date": coerce_date(row["on_date"]),
                "quantity": _plain(row["quantity"]),
                "unit": row["unit"],
                "label": row["label_vi"],
                "by": row["member_name"] or row["unit_name"],
                "place": row["place"] or "",
                "note": row["note"] or "",
            }
        )
    tasks = []
    for task in _tasks(ctx):
        tasks.append(
            {
                "id": task["id"],
                "uuid": task_uuid(task["id"], domain),
                "title": task["title"],
                "phase": task["phase"],
                "project": phase_project(prefix, task["phase"]),
                "due": coerce_date(task["due"]),
                "status": task["status"],
                "completed_on": coerce_date(task["completed_on"]),
                "reason": task["reason"] or "",
                "themes": list(task["themes"]),
                "tags": [tag for tag in dict.fromkeys(tag_key(theme) for theme in task["themes"]) if tag],
                "lead": task["lead"]["name"] if task["lead"] else None,
                "support": [party["name"] for party in task["support"]],
                "created_at": task["created_at"],
                "logs": notes.get(task["id"], []),
            }
        )
    return {"campaign": campaign, "project_prefix": prefix, "tasks": tasks}


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# -- Taskwarrior back into tasks ----------------------------------------------------------
@dataclass
class TaskImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    #: Items that are not the campaign's (other projects, unknown UUIDs).
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def import_taskwarrior(ctx: Context, items: list[dict[str, Any]], *, dry_run: bool = False) -> TaskImportResult:
    """Apply Taskwarrior's tasks (``cli/office.read_taskwarrior``) to the campaign's tasks.

    Each item: ``uuid``, ``title``, ``project``, ``due`` (date or None),
    ``status`` (one of the campaign's), ``completed_on``, ``tags``,
    ``reason``. Tags come back as themes: a tag that folds to a theme the
    campaign uses becomes that theme with its diacritics; other tags become
    themes with '_' read as spaces. Problems are collected per item (with
    its title); when there is any, nothing is written.
    """
    from campaign_cli.services import lookup
    from campaign_cli.services.tasks import _check_due, _clean_themes, _clean_title, _status_fields, _title_folded

    campaign = _campaign(ctx)
    domain, prefix = campaign["uid"], project_prefix(campaign)
    rows = ctx.db.dicts(
        "SELECT t.id, t.title, t.phase_id, p.number AS phase, t.due, t.themes, t.status, t.completed_on, t.reason "
        "FROM task t JOIN phase p ON p.id = t.phase_id WHERE t.campaign_id = ?",
        (ctx.campaign_id,),
    )
    by_uuid = {task_uuid(row["id"], campaign["legacy_slug"]): row for row in rows}  # exported before schema 3
    by_uuid.update({task_uuid(row["id"], domain): row for row in rows})
    known_themes: dict[str, str] = {}
    for row in rows:
        for theme in (row["themes"] or "").split("\n"):
            if theme:
                known_themes.setdefault(tag_key(theme), theme)
    result = TaskImportResult(dry_run=dry_run)

    def themes_of(tags: list[str]) -> list[str]:
        return [known_themes.get(tag_key(tag), tag.replace("_", " ")) for tag in tags]

    try:
        with ctx.transaction() as tx:
            for item in items:
                row = by_uuid.get(str(item.get("uuid") or "").lower())
                project = (item.get("project") or "").lower()
                ours = project == prefix or project.startswith(prefix + ".")
                if row is None and not ours:
                    result.skipped += 1
                    continue
                label = (item.get("title") or "").strip()[:60] or str(item.get("uuid"))
                try:
                    number = phase_of_project(item.get("project"))
                    if row is None:
                        if number is None:
                            raise CampaignError(_("its project {project!r} names no phase; use {example}").format(
                                project=item.get("project"), example=phase_project(prefix, 1)))
                        task_id = _create(ctx, tx, item, number, themes_of(item.get("tags") or []))
                        result.created.append(task_id)
                        continue
                    values: dict[str, Any] = {}
                    title = _clean_title(item.get("title"))
                    themes = _clean_themes(themes_of(item.get("tags") or []))
                    old_themes = [theme for theme in (row["themes"] or "").split("\n") if theme]
                    if sorted(map(tag_key, themes)) == sorted(map(tag_key, old_themes)):
                        themes = old_themes  # Taskwarrior sorts tags: the same themes keep their order
                    stored_themes = "\n".join(themes)
                    if title != row["title"] or stored_themes != (row["themes"] or ""):
                        values.update(title=title, themes=stored_themes, title_folded=_title_folded(title, themes))
                    phase_row = lookup.phase(ctx, number) if number is not None else None
                    due = item.get("due")
                    if phase_row is None:
                        phase_row = ctx.db.one(
                            "SELECT id, number, name, start_date, end_date FROM phase WHERE id = ?", (row["phase_id"],)
                        )
                    _check_due(due, phase_row)
                    if phase_row["id"] != row["phase_id"]:
                        values["phase_id"] = phase_row["id"]
                    if due != coerce_date(row["due"]):
                        values["due"] = due
                    status = item.get("status") or "todo"
                    completed = item.get("completed_on") if status == "done" else None
                    if status == "done" and row["status"] == "done":
                        completed = coerce_date(row["completed_on"])  # the campaign's day stands
                    reason = item.get("reason") or (row["reason"] if status == row["status"] else "")
                    if status in ("blocked", "cancelled") and not reason and status == "blocked":
                        reason = _("set in Taskwarrior")
                    if status not in ("blocked", "cancelled"):
                        reason = ""
                    fields = _status_fields(ctx, status, completed, reason)
                    current = {"status": row["status"], "completed_on": coerce_date(row["completed_on"]),
                               "reason": row["reason"] or ""}
                    if fields != current:
                        values.update(fields)
                    if values:
                        tx.update("task", row["id"], values)
                        result.updated.append(row["id"])
                    else:
                        result.unchanged.append(row["id"])
                except CampaignError as exc:
                    result.problems.append(_("task {title!r}: {message}").format(title=label, message=exc.message))
            if result.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _create(ctx: Context, tx, item: dict[str, Any], phase: int, themes: list[str]) -> int:
    from campaign_cli.services.tasks import create_task

    status = item.get("status") or "todo"
    reason = item.get("reason") or ""
    if status == "blocked" and not reason:
        reason = _("set in Taskwarrior")
    return create_task(
        ctx, tx, title=item.get("title") or "", phase=phase, due=item.get("due"), themes=themes, status=status,
        completed_on=item.get("completed_on") if status == "done" else None,
        reason=reason if status in ("blocked", "cancelled") else "",
    )


def tag_key(text: str) -> str:
    """A theme as a Taskwarrior tag: ASCII, lower case, '_' between words.

    'mục đích, ý nghĩa' -> 'muc_dich_y_nghia'
    """
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")
