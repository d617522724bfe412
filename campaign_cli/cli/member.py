"""campaign member list | add | show | edit | remove"""

from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import confirm_removal, done, new_typer, removal_effects, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption, Role, YesOption
from campaign_cli.i18n import _, ngettext

app = new_typer(_("Members of the subcommittee: chair, vice-chairs, secretary and members."))

MemberArgument = Annotated[
    str,
    typer.Argument(
        metavar="MEMBER",
        help=_("Member id or name (diacritics optional, e.g. hung)."),
        click_type=complete.MEMBER,
        show_default=False,
    ),
]
RoleOption = Annotated[
    Optional[Role], typer.Option("--role", help=_("chair, vice-chair, secretary or member."), case_sensitive=False)
]
#: The keys of a member in JSON, in order (CLI.md).
MEMBER_KEYS = ("id", "name", "role", "title", "unit", "unit_id", "phone", "email", "tasks_lead", "tasks_support")


def member_view(rows):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL

    data = [{key: row[key] for key in MEMBER_KEYS} for row in rows]
    shown = [{**row, "unit_short": full.get("unit_short")} for row, full in zip(data, rows, strict=True)]
    columns = [
        Column("id", _("ID"), "id"),
        Column("name", _("Name"), "name", priority=ESSENTIAL),
        Column("role", _("Role"), "role"),
        Column("title", _("Title"), "text", min_width=16, priority=4),
        Column("unit", _("Unit"), "name", short_key="unit_short", priority=3),
        Column("phone", _("Phone"), "code", priority=5),
        Column("email", _("Email"), "code", priority=6),
        Column("tasks_lead", _("Leads"), "int"),
        Column("tasks_support", _("Supports"), "int"),
    ]
    empty = _("No members yet: add one with  campaign member add NAME --role ROLE")
    return View(data=data, sections=[Section("members", "", columns, shown, empty=empty)])


def member_show_view(member):
    from campaign_cli.cli.labels import role_label
    from campaign_cli.cli.render import Column, Section, View

    data = {**{key: member[key] for key in MEMBER_KEYS}, "tasks": member["tasks"]}
    fields = [
        (_("ID"), member["id"]),
        (_("Name"), member["name"]),
        (_("Role"), role_label(member["role"])),
        (_("Title"), member["title"]),
        (_("Unit"), member["unit"] or ""),
        (_("Phone"), member["phone"]),
        (_("Email"), member["email"]),
        (_("Tasks led"), member["tasks_lead"]),
        (_("Tasks supported"), member["tasks_support"]),
    ]
    details = [{"field": field, "value": value} for field, value in fields]
    task_columns = [
        Column("id", _("ID"), "id"),
        Column("title", _("Task"), "text", min_width=20),
        Column("phase", _("Phase"), "int"),
        Column("role", _("Part"), "role"),
        Column("status", _("Status"), "status"),
        Column("due", _("Due"), "date"),
    ]
    return View(
        data=data,
        sections=[
            Section(
                "member",
                member["name"],
                [Column("field", _("Field"), min_width=8), Column("value", _("Value"), min_width=30, wrap=True)],
                details,
            ),
            Section("tasks", _("Tasks"), task_columns, member["tasks"], empty=_("No tasks assigned.")),
        ],
    )


@app.command("list")
def member_list(
    ctx: typer.Context,
    unit: Annotated[
        Optional[str],
        typer.Option(
            "--unit",
            metavar="UNIT",
            help=_('Only members of this unit; "none" for those without one.'),
            click_type=complete.UNIT,
        ),
    ] = None,
    role: RoleOption = None,
    search: Annotated[
        Optional[str],
        typer.Option("--search", metavar="TEXT", help=_("Text in the name, title, unit, phone or email.")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List members in the official order: chair, vice-chairs, secretary, members; by name within each."""
    from campaign_cli.services.members import list_members

    rows = list_members(service_context(ctx), unit=unit, role=role.value if role else None, search=search)
    show(member_view(rows), fmt, output)


@app.command("add")
def member_add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help=_('Full name, e.g. "Nguyễn Mạnh Hùng".'), show_default=False)
    ],
    role: Annotated[
        Role, typer.Option("--role", help=_("chair, vice-chair, secretary or member."), case_sensitive=False)
    ] = Role.member,
    title: Annotated[
        str,
        typer.Option("--title", metavar="TEXT", help=_('Position (chức vụ), e.g. "Trưởng Ban Tuyên giáo Huyện ủy".')),
    ] = "",
    unit: Annotated[
        Optional[str],
        typer.Option("--unit", metavar="UNIT", help=_("Unit id, name or abbreviation."), click_type=complete.UNIT),
    ] = None,
    phone: Annotated[str, typer.Option("--phone", metavar="TEXT", help=_('Phone number, e.g. "0229 3800 102".'))] = "",
    email: Annotated[str, typer.Option("--email", metavar="TEXT", help=_("Email address."))] = "",
) -> None:
    """Add a member to the subcommittee."""
    from campaign_cli.services.members import add_member

    service = service_context(ctx)
    member = add_member(service, name=name, role=role.value, title=title, unit=unit, phone=phone, email=email)
    done(_("Added member {id}: {name}").format(id=member["id"], name=member["name"]))
    _note_namesakes(service, member)


def _note_namesakes(service, member) -> None:
    """Two people may share a name; say so, since names then no longer pick one out."""
    from campaign_cli.services.members import namesakes

    others = namesakes(service, member["id"])
    if others:
        done(
            _("Note: {others} has the same name; refer to these members by id").format(
                others=", ".join(f"{other['id']} {other['name']}" for other in others)
            )
        )


@app.command("show")
def member_show(
    ctx: typer.Context, ref: MemberArgument, fmt: FormatOption = OutputFormat.table, output: OutputOption = None
) -> None:
    """Show a member's details and the tasks they lead or support."""
    from campaign_cli.services.members import get_member

    show(member_show_view(get_member(service_context(ctx), ref)), fmt, output)


@app.command("edit")
def member_edit(
    ctx: typer.Context,
    ref: MemberArgument,
    name: Annotated[Optional[str], typer.Option("--name", metavar="NAME", help=_("New full name."))] = None,
    role: RoleOption = None,
    title: Annotated[
        Optional[str], typer.Option("--title", metavar="TEXT", help=_('New position; "" clears it.'))
    ] = None,
    unit: Annotated[
        Optional[str],
        typer.Option(
            "--unit",
            metavar="UNIT",
            help=_('New unit; "none" detaches the member from any unit.'),
            click_type=complete.UNIT,
        ),
    ] = None,
    phone: Annotated[
        Optional[str], typer.Option("--phone", metavar="TEXT", help=_('New phone number; "" clears it.'))
    ] = None,
    email: Annotated[
        Optional[str], typer.Option("--email", metavar="TEXT", help=_('New email address; "" clears it.'))
    ] = None,
) -> None:
    """Change a member's name, role, position, unit or contact details."""
    from campaign_cli.services.members import edit_member
    from campaign_cli.vocabulary import UNSET

    if all(value is None for value in (name, role, title, unit, phone, email)):
        ctx.fail(_("nothing to change: give --name, --role, --title, --unit, --phone or --email"))
    if unit is None:
        new_unit = UNSET
    elif unit.strip().lower() in ("none", "-", ""):
        new_unit = None
    else:
        new_unit = unit
    service = service_context(ctx)
    member = edit_member(
        service,
        ref,
        name=name,
        role=role.value if role else None,
        title=title,
        unit=new_unit,
        phone=phone,
        email=email,
    )
    done(_("Updated member {id}: {name}").format(id=member["id"], name=member["name"]))
    if name is not None:
        _note_namesakes(service, member)


@app.command("remove")
def member_remove(ctx: typer.Context, ref: MemberArgument, yes: YesOption = False) -> None:
    """Remove a member: their task assignments go; their log entries stay, without their name."""
    from campaign_cli.services.members import removal_impact, remove_member

    service = service_context(ctx)
    impact = removal_impact(service, ref)
    confirm_removal(
        _("member {id} ({name})").format(id=impact["id"], name=impact["name"]) + member_effects(impact), yes
    )
    removed = remove_member(service, str(impact["id"]))
    done(
        _("Removed member {id} ({name})").format(id=removed["id"], name=removed["name"]) + member_effects(removed) + "."
    )


def member_effects(counts) -> str:
    """What else changes, e.g. " with 3 task assignments (kept without the member: 5 log entries)"."""
    n = counts["activities"]
    kept = [ngettext("{n} log entry", "{n} log entries", n).format(n=n)] if n else []
    return removal_effects(counts["assignments"], _("kept without the member: {items}"), kept)
