"""iCalendar (RFC 5545): phases, election day and task due dates for any calendar app.

Words in the calendar (its name, "Election day", "Due: …", the description
lines) come from the gettext catalog in the calendar's language, statuses
from ``cli/labels.py``. UIDs are stable across exports, so a re-import
updates instead of duplicating. icalendar is imported only here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO, Any

from campaign_cli import i18n
from campaign_cli.cli.labels import status_label
from campaign_cli.cli.optional import require as _require
from campaign_cli.errors import Invalid
from campaign_cli.formatting import format_number
from campaign_cli.i18n import N_, _

#: The calendar's words, translated into the calendar's language when it is built.
_WORDS = {
    "calendar": N_("Election propaganda calendar: {name}"),
    "election": N_("Election day"),
    "open_end": N_("(no end date yet)"),
    "due": N_("Due: {title}"),
    "phase": N_("Phase"),
    "lead": N_("Lead"),
    "support": N_("Support"),
    "status": N_("Status"),
    "target": N_("Target"),
    "reason": N_("Reason"),
    "done": N_("(done)"),
    "cancelled": N_("(cancelled)"),
}
_VTODO_STATUS = {"todo": "NEEDS-ACTION", "doing": "IN-PROCESS", "blocked": "NEEDS-ACTION", "done": "COMPLETED",
                 "cancelled": "CANCELLED"}
_DAY = dt.timedelta(days=1)


def build_calendar(data: dict[str, Any], *, tasks_as: str = "event", lang: str | None = None):
    """The icalendar Calendar of ``data`` (services.interchange.calendar_data).

    Phases and election day are all-day events (a phase spans its days;
    one without an end shows on its first day). Each task with a due date is
    an all-day event on that day (``tasks_as="event"``, what every calendar
    app shows) or a VTODO with DUE (``"todo"``, for task-aware clients; tasks
    without a due date are included too). UIDs are stable across exports.
    """
    _require("icalendar", "icalendar")
    from icalendar import Calendar, Event, Todo

    if tasks_as not in ("event", "todo"):
        raise Invalid(_("tasks go into a calendar as event or todo, not {value!r}").format(value=tasks_as))
    campaign = data["campaign"]
    language = lang or campaign.get("lang") or "vi"
    translation = i18n.translation_for(language)
    words = {key: translation.gettext(message) for key, message in _WORDS.items()}
    stamp = data["stamp"]
    calendar = Calendar()
    calendar.add("prodid", "-//campaign-cli//election propaganda calendar//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words["calendar"].format(name=campaign["name"]))
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")

    def all_day(component, uid: str, summary: str, start: dt.date, end: dt.date | None, description: str = ""):
        component.add("uid", uid)
        component.add("dtstamp", stamp)
        component.add("summary", summary)
        component.add("dtstart", start)
        component.add("dtend", (end or start) + _DAY)  # DTEND of an all-day event is exclusive
        component.add("transp", "TRANSPARENT")
        if description:
            component.add("description", description)
        return component

    for phase in data["phases"]:
        event = all_day(Event(), phase["uid"], phase["name"], phase["start"], phase["end"],
                        "" if phase["end"] else words["open_end"])
        event.add("categories", [words["phase"]])
        calendar.add_component(event)
    election = all_day(Event(), data["election"]["uid"], words["election"], data["election"]["date"], None,
                       campaign["name"])
    calendar.add_component(election)

    for task in data["tasks"]:
        lines = [f"{words['phase']} {task['phase']}: {task['phase_name']}"]
        if task["lead"]:
            lines.append(f"{words['lead']}: {task['lead']}")
        if task["support"]:
            lines.append(f"{words['support']}: {', '.join(task['support'])}")
        if task["target"] is not None:
            lines.append(f"{words['target']}: {format_number(task['target'], language)} {task['unit'] or ''}".rstrip())
        lines.append(f"{words['status']}: {status_label(task['status'], language)}")
        if task["reason"]:
            lines.append(f"{words['reason']}: {task['reason']}")
        description = "\n".join(lines)
        if tasks_as == "event":
            if task["due"] is None:
                continue
            suffix = " " + words[task["status"]] if task["status"] in ("done", "cancelled") else ""
            component = all_day(Event(), task["uid"], words["due"].format(title=task["title"]) + suffix,
                                task["due"], None, description)
            if task["status"] == "cancelled":
                component.add("status", "CANCELLED")
        else:
            component = Todo()
            component.add("uid", task["uid"])
            component.add("dtstamp", stamp)
            component.add("summary", task["title"])
            component.add("description", description)
            if task["due"] is not None:
                component.add("due", task["due"])
            component.add("status", _VTODO_STATUS.get(task["status"], "NEEDS-ACTION"))
            if task["status"] == "done" and task["completed_on"]:
                component.add("completed", dt.datetime.combine(task["completed_on"], dt.time(), tzinfo=dt.UTC))
            if task["progress"] is not None:
                component.add("percent-complete", int(round(task["progress"] * 100)))
        if task["themes"]:
            component.add("categories", task["themes"])
        calendar.add_component(component)
    return calendar


def write_ics(data: dict[str, Any], path_or_stream: Path | str | IO[bytes], *, tasks_as: str = "event",
              lang: str | None = None) -> None:
    """The calendar of :func:`build_calendar` as an .ics file (atomically) or to a binary stream."""
    payload = build_calendar(data, tasks_as=tasks_as, lang=lang).to_ical()
    if hasattr(path_or_stream, "write"):
        path_or_stream.write(payload)
    else:
        from campaign_cli.files import write_bytes

        write_bytes(path_or_stream, payload)


