"""Taskwarrior's JSON: the campaign's tasks for ``task import``, and ``task export`` read back.

project = the phase, tags = the themes, due = local midnight; a blocked task
carries the tag ``blocked``; annotations hold the lead and supporters, a
reason, and one line per log entry. The "Chủ trì:", "Phối hợp:" and "Lý do:"
prefixes are part of the format: a reason is read back from its annotation.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import IO, Any

from campaign_cli.errors import Invalid
from campaign_cli.formatting import format_number
from campaign_cli.i18n import _


def _short_date(day: dt.date | None) -> str:
    """23/5/2021, as Vietnamese text writes a date."""
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def _num(value: Any) -> str:
    return format_number(value, "vi")


def _write_binary(path, write) -> None:
    """Private, atomic, never over the database (campaign_cli.files)."""
    from campaign_cli.files import write_file

    write_file(path, write, binary=True)


#: Taskwarrior's tag for a blocked task (its own +BLOCKED is about dependencies).
TW_BLOCKED_TAG = "blocked"
_TW_TIME = "%Y%m%dT%H%M%SZ"


def tw_timestamp(day: dt.date | dt.datetime, seconds: int = 0) -> str:
    """A date as Taskwarrior stores it: local midnight (as ``due:2021-04-25`` gives) in UTC."""
    if isinstance(day, dt.datetime):
        moment = day if day.tzinfo else day.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime(day.year, day.month, day.day).astimezone()  # local midnight
    moment += dt.timedelta(seconds=seconds)
    return moment.astimezone(dt.UTC).strftime(_TW_TIME)


def tw_date(text: str | None) -> dt.date | None:
    """A Taskwarrior timestamp (UTC) as the local calendar day it falls on."""
    if not text:
        return None
    try:
        moment = dt.datetime.strptime(text, _TW_TIME).replace(tzinfo=dt.UTC)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(_("{value!r} is not a Taskwarrior date (like 20210425T170000Z)").format(value=text)) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().date()


def _annotation(log: dict[str, Any]) -> str:
    what = log["unit"] if log["unit"] == log["label"] else f"{log['unit']} {log['label']}"
    text = f"{_short_date(log['date'])}: {_num(log['quantity'])} {what}"
    details = [part for part in (log.get("by"), log.get("place"), log.get("note")) if part]
    return text + (f" ({'; '.join(details)})" if details else "")


def taskwarrior_tasks(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Taskwarrior's JSON import objects for ``data`` (services.interchange.taskwarrior_data).

    project = the phase (``giavien2021.dot1``), tags = the themes folded to
    ASCII with '_' for spaces (and ``blocked`` for a blocked task), due =
    local midnight, status pending / completed (end = completion day) /
    deleted (cancelled); a task in progress is started. Annotations: the
    lead and supporters, a block or cancel reason, and one per log entry.
    """
    result = []
    for task in data["tasks"]:
        created = None
        if task.get("created_at"):
            try:
                created = dt.datetime.fromisoformat(str(task["created_at"]).replace("Z", "+00:00"))
            except ValueError:
                created = None
        entry = tw_timestamp(created) if created else None
        item: dict[str, Any] = {
            "uuid": task["uuid"],
            "description": task["title"],
            "project": task["project"],
            "status": {"done": "completed", "cancelled": "deleted"}.get(task["status"], "pending"),
        }
        if entry:
            item["entry"] = entry
        if task["due"]:
            item["due"] = tw_timestamp(task["due"])
        tags = list(task["tags"])
        if task["status"] == "blocked":
            tags.append(TW_BLOCKED_TAG)
        if tags:
            item["tags"] = tags
        if task["status"] == "doing":
            item["start"] = entry or tw_timestamp(data.get("as_of") or dt.date.today())
        if task["status"] in ("done", "cancelled"):
            item["end"] = tw_timestamp(task["completed_on"]) if task.get("completed_on") else entry
            if item["end"] is None:
                item.pop("end")
        annotations = []
        people = []
        if task.get("lead"):
            people.append(f"Chủ trì: {task['lead']}")
        if task.get("support"):
            people.append(f"Phối hợp: {', '.join(task['support'])}")
        if people and entry:
            annotations.append({"entry": entry, "description": "; ".join(people)})
        if task.get("reason") and entry:
            annotations.append({"entry": tw_timestamp(created, 1), "description": f"Lý do: {task['reason']}"})
        same_day: dict[dt.date, int] = {}
        for log in task["logs"]:
            # Taskwarrior keys annotations by their time: a second apart, none is lost
            offset = same_day[log["date"]] = same_day.get(log["date"], -1) + 1
            annotations.append({"entry": tw_timestamp(log["date"], 8 * 3600 + offset),
                                "description": _annotation(log)})
        if annotations:
            item["annotations"] = annotations
        result.append(item)
    return result


def write_taskwarrior(data: dict[str, Any], path_or_stream: Path | str | IO[str]) -> None:
    """Taskwarrior's import format, one JSON object per line (``task import FILE``)."""
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in taskwarrior_tasks(data))
    if hasattr(path_or_stream, "write"):
        path_or_stream.write(text)
    else:
        _write_binary(path_or_stream, lambda stream: stream.write(text.encode("utf-8")))


def read_taskwarrior(source: Path | str | IO[str] | list | str) -> list[dict[str, Any]]:
    """What ``task export`` prints (a JSON array, or one object per line) as plain task dicts.

    Each: uuid, title, project, phase (number or None), due (date or None),
    status (todo, doing, blocked, done, cancelled), completed_on, tags
    (without ``blocked``), reason (from a "Lý do:" annotation). Recurring
    templates are left out: they are not tasks.
    """
    if isinstance(source, list):
        raw = source
    else:
        if hasattr(source, "read"):
            text = source.read()
        elif isinstance(source, str) and source.lstrip().startswith(("[", "{")):
            text = source
        else:
            try:
                text = Path(source).read_text(encoding="utf-8-sig")
            except OSError as exc:
                reason = exc.strerror or exc
                raise Invalid(_("cannot read {path}: {reason}").format(path=source, reason=reason)) from None
        raw = _parse_tw_json(text)
    from campaign_cli.services.interchange import phase_of_project

    tasks = []
    for item in raw:
        if not isinstance(item, dict) or item.get("status") == "recurring":
            continue
        tags = [str(tag) for tag in item.get("tags") or []]
        status = item.get("status") or "pending"
        if status == "completed":
            mapped = "done"
        elif status == "deleted":
            mapped = "cancelled"
        elif TW_BLOCKED_TAG in tags:
            mapped = "blocked"
        elif item.get("start"):
            mapped = "doing"
        else:
            mapped = "todo"
        reason = ""
        for note in item.get("annotations") or []:
            description = str(note.get("description") or "")
            if description.startswith("Lý do:"):
                reason = description[len("Lý do:"):].strip()
        tasks.append(
            {
                "uuid": str(item.get("uuid") or "").lower(),
                "title": str(item.get("description") or ""),
                "project": item.get("project"),
                "phase": phase_of_project(item.get("project")),
                "due": tw_date(item.get("due")),
                "status": mapped,
                "completed_on": tw_date(item.get("end")) if mapped == "done" else None,
                "tags": [tag for tag in tags if tag != TW_BLOCKED_TAG],
                "reason": reason,
            }
        )
    return tasks


def _parse_tw_json(text: str) -> list[Any]:
    text = text.strip()
    if not text:
        return []
    try:
        parsed = json.loads(text)
        return parsed if isinstance(parsed, list) else [parsed]
    except json.JSONDecodeError:
        pass
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().rstrip(",")
        if not line or line in ("[", "]"):
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            message = _("line {line} is not Taskwarrior JSON: {reason}").format(line=number, reason=exc.msg)
            raise Invalid(message) from None
    return items
