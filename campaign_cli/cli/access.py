"""campaign access grant | revoke | list: which office reads and changes which campaign (PostgreSQL)."""


from typing import Annotated

import typer

from campaign_cli.cli.common import done, new_typer, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption
from campaign_cli.i18n import _, ngettext

app = new_typer(
    _(
        "Who may read and change which campaign on a shared PostgreSQL server, enforced by the server "
        "(row-level security); run as the owner of the tables."
    )
)

RoleArgument = Annotated[
    str,
    typer.Argument(metavar="ROLE", help=_("A login role (or group role) on the server."), show_default=False),
]
CampaignOption = Annotated[
    str,
    typer.Option(
        "--campaign", "-c", metavar="CAMPAIGN", help=_("The campaign (id or name)."), show_default=False
    ),
]


def _postgres_context(ctx: typer.Context):
    """Say it needs PostgreSQL before opening anything (an SQLite file has no roles)."""
    from campaign_cli.services.access import require_postgres

    require_postgres(service_context(ctx, must_exist=False))
    return service_context(ctx)


@app.command("grant")
def access_grant(
    ctx: typer.Context,
    role: RoleArgument,
    campaign: CampaignOption,
    read_only: Annotated[
        bool, typer.Option("--read-only", help=_("Read only: reports and lists, no changes."))
    ] = False,
) -> None:
    """Let ROLE read the campaign and every campaign under it, and change the campaign itself (unless --read-only)."""
    from campaign_cli.services.access import grant

    result = grant(_postgres_context(ctx), role, campaign, read_only=read_only)
    if result["enabled_now"]:
        done(_("Row-level security is now on in this database: every role but the owner sees only what it is "
               "granted."))
    message = (
        _("{role} may now read and change {campaign!r}")
        if result["access"] == "read-write"
        else _("{role} may now read {campaign!r}")
    )
    line = message.format(role=result["role"], campaign=result["campaign"]["name"])
    below = len(result["reads"]) - 1
    if below:
        line += " " + ngettext(
            "and read the campaign under it", "and read the {n} campaigns under it", below
        ).format(n=below)
    done(line + ".")
    if result["bypasses"]:
        done(_("Warning: {role} is a superuser, has BYPASSRLS or owns the tables: it sees and changes every "
               "campaign whatever its grants; give offices roles of their own.").format(role=result["role"]))
    if not result["can_login"]:
        done(_("Note: {role} cannot log in: its members get this access.").format(role=result["role"]))


@app.command("revoke")
def access_revoke(ctx: typer.Context, role: RoleArgument, campaign: CampaignOption) -> None:
    """Take a campaign back from ROLE; with no campaign left, its privileges on the tables go too."""
    from campaign_cli.services.access import revoke

    result = revoke(_postgres_context(ctx), role, campaign)
    done(_("{role} no longer has access to {campaign!r}.").format(role=result["role"],
                                                                   campaign=result["campaign"]["name"]))


def access_view(result):
    from campaign_cli.cli.render import Column, Section, View
    from campaign_cli.cli.render.model import ESSENTIAL, LOW

    columns = [
        Column("role", _("Role"), "code", priority=ESSENTIAL),
        Column("campaign_id", _("ID"), "id"),
        Column("campaign", _("Campaign"), "name", min_width=16, priority=ESSENTIAL),
        Column("level", _("Level"), "level", priority=LOW),
        Column("access", _("Access"), "code"),
        Column("reads", _("Reads"), "int", priority=3),
        Column("granted_at", _("Granted"), "text", priority=LOW + 1),
    ]
    if not result["enabled"]:
        empty = _("No access granted yet: every role with table privileges reads every campaign. "
                  "Grant one with  campaign access grant ROLE --campaign C")
    else:
        empty = _("No grants: only the owner sees the campaigns.")
    footer = [
        _("{role}: no such role on the server any more (revoke it).").format(role=row["role"])
        for row in result["grants"]
        if not row["role_exists"]
    ]
    return View(data=result["grants"], sections=[Section("grants", "", columns, result["grants"], empty=empty)],
                footer=footer)


@app.command("list")
def access_list(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """Every grant: role, campaign, read-write or read-only, and how many campaigns it reads."""
    from campaign_cli.services.access import list_access

    show(access_view(list_access(_postgres_context(ctx))), fmt, output)
