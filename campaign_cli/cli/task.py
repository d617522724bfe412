"""campaign task list | add | show | edit | start | done | reopen | block | cancel | remove"""


from enum import StrEnum
from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, parse_day, service_context, show
from campaign_cli.cli.labels import status_label
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, YesOption
from campaign_cli.i18n import _, ngettext, pgettext

app = new_typer(_("Tasks of the plan: who leads and supports them, when they are due, how far they got."))


class TaskSort(StrEnum):
    phase = "phase"
    due = "due"
    id = "id"


TaskArgument = Annotated[
    str, typer.Argument(metavar="ID", help=_("Task id (see  campaign task list)."),
        click_type=complete.TASK, show_default=False)
]
#: The keys of a task in JSON, in order (CLI.md).
TASK_KEYS = (
    "id", "phase", "title", "type", "lead", "support", "due", "target", "unit_of_measure",
    "logged", "progress", "status", "overdue", "themes", "completed_on", "reason",
)  # fmt: skip
PlacesOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--place", metavar="PLACE",
        help=_('A place the task covers (repeat for several); "all communes" for every commune of the registry.'),
        click_type=complete.PLACE,
    ),
]
#: Words that clear an optional value in ``task edit``.
NONE_WORDS = ("none", "-", "")


def previous_status(code: str) -> str:
    """The status a task had, in a confirmation: the code in English (what --status takes), words in Vietnamese."""
    words = {
        "todo": pgettext("status", "todo"),
        "doing": pgettext("status", "doing"),
        "done": pgettext("status", "done"),
        "blocked": pgettext("status", "blocked"),
        "cancelled": pgettext("status", "cancelled"),
    }
    return words.get(code, code)


def field_label(name: str) -> str:
    """A task field named in "Updated task 3 (due, lead)", in the user's language."""
    labels = {
        "title": _("title"),
        "phase": _("phase"),
        "type": _("type"),
        "lead": _("lead"),
        "support": _("support"),
        "due": _("due date"),
        "target": _("target"),
        "unit_of_measure": _("unit of measure"),
        "themes": _("themes"),
        "places": _("places"),
    }
    return labels.get(name, name)


def _party_name(party) -> str:
    return party["name"] if party else ""


def phase_label(number: int, name: str) -> str:
    """"Đợt 2: Cao điểm…" as it is (its name says its number); "2: Tổng kết" when the name does not."""
    import re

    if re.match(rf"^\D*\b{number}\b", name):
        return name
    return f"{number}: {name}"


def task_list_view(rows, *, total: int, filtered: bool):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL, LOW

    def data():  # built only for JSON
        return [{key: row[key] for key in TASK_KEYS} for row in rows]

    columns = [
        Column("id", _("ID"), "id"),
        Column("phase", _("Phase"), "int", priority=4),
        Column("title", _("Task"), "text", min_width=20, priority=ESSENTIAL),
        Column("type", _("Type"), "code", priority=LOW),
        Column("lead", _("Lead"), "name", short_key="lead_label", short_first=True),
        Column("due", _("Due"), "date"),
        Column("status", _("Status"), "status", tone_key="overdue", priority=ESSENTIAL),
        Column("progress", _("Progress"), "progress", tone_key="overdue", priority=3),
        Column("overdue", _("Overdue"), "bool", priority=LOW),
    ]
    if filtered:
        empty = _("No task matches these filters.")
    else:
        empty = _("No tasks yet: add one with  campaign task add TITLE --phase N")
    footer = []
    if total > len(rows):
        footer.append(
            _("Showing {shown} of {total} tasks; raise --limit to see more.").format(shown=len(rows), total=total)
        )
    # the service's rows as they are (a lead is a party dict: formats for people and CSV show its name)
    return View(data=data, sections=[Section("tasks", "", columns, rows, empty=empty)], footer=footer)


def task_show_view(task, *, lang: str):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.formatting import format_date, format_number

    data = {key: task[key] for key in TASK_KEYS}
    data.update(
        phase_name=task["phase_name"], type_label=task["type_label"], created_at=task["created_at"], logs=task["logs"],
        places=task["places"],
    )
    unit = f" {task['unit_of_measure']}" if task["unit_of_measure"] else ""
    status = status_label(task["status"])
    if task["reason"]:
        status += f" ({task['reason']})"
    fields = [
        (_("ID"), task["id"]),
        (pgettext("task", "Title"), task["title"]),
        (_("Phase"), phase_label(task["phase"], task["phase_name"])),
        (_("Type"), f"{task['type']} ({task['type_label']})" if task["type"] else ""),
        (_("Due"), format_date(task["due"])),
        (_("Target"), format_number(task["target"], lang) + unit if task["target"] is not None else ""),
        (_("Logged"), format_number(task["logged"], lang) + unit),
        (_("Progress"), format_number(round(task["progress"] * 100), lang) + "%"),
        (_("Status"), status),
        (_("Completed"), format_date(task["completed_on"])),
        (_("Overdue"), _("yes") if task["overdue"] else _("no")),
        (_("Themes"), "; ".join(task["themes"])),
    ]
    if task["places"]:
        reached = [place for place in task["places"] if place["covered"]]
        waiting = [place["name"] for place in task["places"] if not place["covered"]]
        text = _("{covered} of {total} reached").format(covered=len(reached), total=len(task["places"]))
        if waiting:
            text += "; " + _("not yet: {names}").format(names=", ".join(waiting))
        fields.append((_("Places"), text))
    details = [{"field": field, "value": value} for field, value in fields]
    parties = ([("lead", task["lead"])] if task["lead"] else []) + [("support", party) for party in task["support"]]
    assignments = [{"role": role, **party} for role, party in parties]
    logs = [{**log, "by": _party_name(log["by"])} for log in task["logs"]]
    footer = []
    if task["logs_after"]:
        footer.append(
            ngettext(
                "{n} log entry is dated after the as-of date and not counted yet.",
                "{n} log entries are dated after the as-of date and not counted yet.",
                task["logs_after"],
            ).format(n=task["logs_after"])
        )
    return View(
        data=data,
        heading=[_("Task {id}: {title}").format(id=task["id"], title=task["title"])],
        sections=[
            Section(
                "task",
                _("Task"),
                [Column("field", _("Field"), min_width=8), Column("value", _("Value"), min_width=30, wrap=True)],
                details,
            ),
            Section(
                "assignments",
                _("Assigned to"),
                [
                    Column("role", _("Part"), "role"),
                    Column("kind", _("Kind"), "party"),
                    Column("id", _("ID"), "id"),
                    Column("name", _("Name"), "name"),
                ],
                assignments,
                empty=_("Nobody assigned: use  campaign task edit ID --lead M_OR_U"),
            ),
            Section(
                "logs",
                _("Log entries"),
                [
                    Column("date", _("Date"), "date"),
                    Column("type", _("Type"), "code"),
                    Column("quantity", _("Quantity"), "quantity"),
                    Column("by", _("By"), "name", priority=3),
                    Column("place", _("Place"), "text", priority=4),
                    Column("note", _("Note"), "text", priority=4),
                ],
                logs,
                empty=_("No log entries against this task yet."),
            ),
        ],
        footer=footer,
    )


@app.command("list")
def task_list(
    ctx: typer.Context,
    phase: Annotated[
        Optional[str], typer.Option("--phase", metavar="N", help=_("Only tasks of this phase number."),
            click_type=complete.PHASE)
    ] = None,
    member: Annotated[
        Optional[str], typer.Option("--member", metavar="M", help=_("Only tasks this member leads or supports."),
            click_type=complete.MEMBER)
    ] = None,
    unit: Annotated[
        Optional[str], typer.Option("--unit", metavar="U", help=_("Only tasks this unit leads or supports."),
            click_type=complete.UNIT)
    ] = None,
    status: Annotated[
        Optional[list[str]],
        typer.Option(
            "--status",
            metavar="STATUS",
            help=_("Only tasks with this status: todo, doing, done, blocked, cancelled, or its name "
                   "(\"đang thực hiện\", diacritics optional); repeat for several."),
        ),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("Only overdue tasks: due before the as-of date, not done or cancelled."))
    ] = False,
    due_before: Annotated[
        Optional[str],
        typer.Option("--due-before", metavar="DATE", help=_("Only tasks due before this day (not on it).")),
    ] = None,
    search: Annotated[
        Optional[str],
        typer.Option("--search", metavar="TEXT", help=_("Text in the title or a theme; diacritics optional.")),
    ] = None,
    limit: Annotated[
        Optional[int], typer.Option("--limit", metavar="N", help=_("Show at most this many tasks."), min=1)
    ] = None,
    sort: Annotated[
        TaskSort,
        typer.Option("--sort", help=_("Order: phase (then due date), due (then phase) or id."), case_sensitive=False),
    ] = TaskSort.phase,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List tasks with their lead, due date, status, progress and whether they are overdue."""
    from campaign_cli.services.tasks import list_tasks

    service = service_context(ctx)
    rows = list_tasks(
        service,
        phase=phase,
        member=member,
        unit=unit,
        statuses=[status_code(item) for item in status or ()],
        overdue=overdue,
        due_before=parse_day(ctx, due_before, "--due-before"),
        search=search,
        limit=limit,
        sort=sort.value,
    )
    filtered = any(value for value in (phase, member, unit, status, overdue, due_before, search))
    show(task_list_view(rows, total=rows.total, filtered=filtered), fmt, output)


@app.command("add")
def task_add(
    ctx: typer.Context,
    title: Annotated[
        str,
        typer.Argument(
            metavar="TITLE", help=_('What is to be done, e.g. "Treo băng rôn tại trụ sở xã".'), show_default=False
        ),
    ],
    phase: Annotated[str, typer.Option("--phase", metavar="N", help=_("Phase number (1, 2, 3)."),
        click_type=complete.PHASE, show_default=False)],
    type_: Annotated[
        Optional[str],
        typer.Option("--type", metavar="TYPE", help=_("Activity type: code (poster) or name (áp phích)."),
            click_type=complete.TYPE),
    ] = None,
    lead: Annotated[
        Optional[str],
        typer.Option("--lead", metavar="M_OR_U", help=_("Who leads (chủ trì): member or unit id or name."),
            click_type=complete.PARTY),
    ] = None,
    support: Annotated[
        Optional[list[str]],
        typer.Option("--support", metavar="M_OR_U", help=_("Who supports (phối hợp); repeat for several."),
            click_type=complete.PARTY),
    ] = None,
    due: Annotated[
        Optional[str], typer.Option("--due", metavar="DATE", help=_("Due date, inside the phase, e.g. 30/4/2021."))
    ] = None,
    target: Annotated[
        Optional[str], typer.Option("--target", metavar="QTY", help=_("Target quantity, e.g. 840."))
    ] = None,
    unit_of_measure: Annotated[
        Optional[str],
        typer.Option("--unit-of-measure", metavar="TEXT", help=_("Unit of the target (default: the type's unit).")),
    ] = None,
    theme: Annotated[
        Optional[list[str]], typer.Option("--theme", metavar="TEXT", help=_("Content theme; repeat for several."))
    ] = None,
    place: PlacesOption = None,
) -> None:
    """Add a task to a phase."""
    from campaign_cli.services.tasks import add_task

    task = add_task(
        service_context(ctx),
        title=title,
        phase=phase,
        type=type_,
        lead=lead,
        support=support or (),
        due=parse_day(ctx, due, "--due"),
        target=target,
        unit_of_measure=unit_of_measure,
        themes=theme or (),
        places=place or (),
    )
    done(_("Added task {id} to phase {phase}: {title}").format(id=task["id"], phase=task["phase"], title=task["title"]))


@app.command("show")
def task_show(
    ctx: typer.Context, ref: TaskArgument, fmt: FormatOption = OutputFormat.table, output: OutputOption = None
) -> None:
    """Show a task: its details, who it is assigned to and the log entries against it."""
    from campaign_cli import i18n
    from campaign_cli.services.tasks import get_task

    task = get_task(service_context(ctx), ref)
    show(task_show_view(task, lang=i18n.current_language()), fmt, output)


def status_code(text: str) -> str:
    """A --status value: the code or its name in either language, with or without diacritics."""
    from campaign_cli.cli.labels import status_from_words
    from campaign_cli.vocabulary import TaskStatus, codes

    code = status_from_words(text)
    if code is None:
        raise typer.BadParameter(
            _("{value!r} is not a status: use {codes} or {names}").format(
                value=text,
                codes=", ".join(repr(code) for code in codes(TaskStatus)),
                names=", ".join(status_label(code) for code in codes(TaskStatus)),
            ),
            param_hint="'--status'",
        )
    return code


def _clearable(value: Optional[str]):
    """None: not given; "none": clear; anything else: the new value."""
    from campaign_cli.vocabulary import UNSET

    if value is None:
        return UNSET
    return None if value.strip().lower() in NONE_WORDS else value


def _places(values: Optional[list[str]]):
    """--place on edit: left out keeps them, "none" clears them, else the new list."""
    from campaign_cli.vocabulary import UNSET

    if not values:
        return UNSET
    if len(values) == 1 and values[0].strip().lower() in NONE_WORDS:
        return []
    return values


@app.command("edit")
def task_edit(
    ctx: typer.Context,
    ref: TaskArgument,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help=_("New title."))] = None,
    phase: Annotated[
        Optional[str], typer.Option("--phase", metavar="N", help=_("Move to this phase (the due date must fit it)."),
            click_type=complete.PHASE)
    ] = None,
    type_: Annotated[
        Optional[str], typer.Option("--type", metavar="TYPE", help=_('New activity type; "none" clears it.'),
            click_type=complete.TYPE)
    ] = None,
    lead: Annotated[
        Optional[str], typer.Option("--lead", metavar="M_OR_U", help=_('New lead; "none" leaves the task without one.'),
            click_type=complete.PARTY)
    ] = None,
    add_support: Annotated[
        Optional[list[str]],
        typer.Option("--add-support", metavar="M_OR_U", help=_("Add a supporter; repeat for several."),
            click_type=complete.PARTY),
    ] = None,
    remove_support: Annotated[
        Optional[list[str]],
        typer.Option("--remove-support", metavar="M_OR_U", help=_("Remove a supporter; repeat for several."),
            click_type=complete.PARTY),
    ] = None,
    due: Annotated[
        Optional[str], typer.Option("--due", metavar="DATE", help=_('New due date; "none" clears it.'))
    ] = None,
    target: Annotated[
        Optional[str], typer.Option("--target", metavar="QTY", help=_('New target quantity; "none" clears it.'))
    ] = None,
    unit_of_measure: Annotated[
        Optional[str], typer.Option("--unit-of-measure", metavar="TEXT", help=_("New unit of the target."))
    ] = None,
    theme: Annotated[
        Optional[list[str]],
        typer.Option(
            "--theme", metavar="TEXT", help=_('Themes, replacing the old ones; repeat for several; "none" clears them.')
        ),
    ] = None,
    place: Annotated[
        Optional[list[str]],
        typer.Option(
            "--place", metavar="PLACE",
            help=_('The places it covers, replacing the old ones; repeat for several; "all communes"; '
                   '"none" clears them.'),
            click_type=complete.PLACE,
        ),
    ] = None,
) -> None:
    """Change a task's title, phase, type, assignments, due date, target or themes."""
    from campaign_cli.services.tasks import edit_task
    from campaign_cli.vocabulary import UNSET

    new_due = _clearable(due)
    if new_due is not UNSET and new_due is not None:
        new_due = parse_day(ctx, new_due, "--due")
    if theme is None or len(theme) == 0:
        themes = UNSET
    elif len(theme) == 1 and theme[0].strip().lower() in NONE_WORDS:
        themes = []
    else:
        themes = theme
    task = edit_task(
        service_context(ctx),
        ref,
        title=UNSET if title is None else title,
        phase=UNSET if phase is None else phase,
        type=_clearable(type_),
        lead=_clearable(lead),
        add_support=add_support or (),
        remove_support=remove_support or (),
        due=new_due,
        target=_clearable(target),
        unit_of_measure=UNSET if unit_of_measure is None else unit_of_measure,
        themes=themes,
        places=_places(place),
    )
    if task["changed"]:
        done(
            _("Updated task {id} ({fields}): {title}").format(
                id=task["id"], fields=", ".join(field_label(name) for name in task["changed"]), title=task["title"]
            )
        )
    else:
        done(_("Task {id} unchanged: it already had these values.").format(id=task["id"]))


@app.command("start")
def task_start(ctx: typer.Context, ref: TaskArgument) -> None:
    """Mark a task as in progress (doing)."""
    from campaign_cli.services.tasks import set_status

    task = set_status(service_context(ctx), ref, "doing")
    done(
        _("Started task {id} (was {previous}): {title}").format(
            id=task["id"], previous=previous_status(task["previous"]), title=task["title"]
        )
    )


@app.command("done")
def task_done(
    ctx: typer.Context,
    ref: TaskArgument,
    on: Annotated[
        Optional[str], typer.Option("--on", metavar="DATE", help=_("Day it was completed (default: the as-of date)."))
    ] = None,
) -> None:
    """Mark a task as done."""
    from campaign_cli.formatting import format_date
    from campaign_cli.services.tasks import set_status

    task = set_status(service_context(ctx), ref, "done", on=parse_day(ctx, on, "--on"))
    done(
        _("Task {id} done on {day}: {title}").format(
            id=task["id"], day=format_date(task["completed_on"]), title=task["title"]
        )
    )


@app.command("reopen")
def task_reopen(ctx: typer.Context, ref: TaskArgument) -> None:
    """Put a done, cancelled or blocked task back to todo."""
    from campaign_cli.services.tasks import set_status

    task = set_status(service_context(ctx), ref, "todo")
    done(
        _("Reopened task {id} (was {previous}): {title}").format(
            id=task["id"], previous=previous_status(task["previous"]), title=task["title"]
        )
    )


@app.command("block")
def task_block(
    ctx: typer.Context,
    ref: TaskArgument,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help=_("What the task is waiting for."), show_default=False)
    ],
) -> None:
    """Mark a task as blocked, saying why; blocking it again replaces the reason."""
    from campaign_cli.services.tasks import set_status

    task = set_status(service_context(ctx), ref, "blocked", reason=reason)
    done(_("Task {id} blocked: {reason}").format(id=task["id"], reason=task["reason"]))


@app.command("cancel")
def task_cancel(
    ctx: typer.Context,
    ref: TaskArgument,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=_("Why it was cancelled."))] = "",
) -> None:
    """Cancel a task: it stays in the plan but no longer counts as overdue or in phase progress."""
    from campaign_cli.services.tasks import set_status

    task = set_status(service_context(ctx), ref, "cancelled", reason=reason)
    done(_("Cancelled task {id}: {title}").format(id=task["id"], title=task["title"]))


@app.command("remove")
def task_remove(ctx: typer.Context, ref: TaskArgument, yes: YesOption = False) -> None:
    """Remove a task and its assignments; its log entries stay, no longer linked to it."""
    from campaign_cli.services.tasks import get_task, remove_task

    service = service_context(ctx)
    task = get_task(service, ref)
    confirm_removal(_("task {id} ({title})").format(id=task["id"], title=task["title"]), yes)
    removed = remove_task(service, str(task["id"]))
    message = _("Removed task {id} ({title})").format(id=removed["id"], title=removed["title"])
    if removed["logs"]:
        message += ngettext(
            "; {n} log entry kept, no longer linked to a task",
            "; {n} log entries kept, no longer linked to a task",
            removed["logs"],
        ).format(n=removed["logs"])
    done(message + ".")
