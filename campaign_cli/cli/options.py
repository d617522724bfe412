"""Option types shared by many commands; no heavy imports (they load at start-up)."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.i18n import _
from campaign_cli.vocabulary import MemberRole, TaskStatus


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"  # a workbook (cli/office.py): needs --output or a redirected standard output


Role = MemberRole
Status = TaskStatus


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help=_("Output format: table, json, csv, md or xlsx."), case_sensitive=False),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option(
        "--output", "-o", help=_("Write to this file (atomically) instead of standard output."), dir_okay=False
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help=_("Do not ask for confirmation."))]


def add_wide_option(group) -> None:
    """Give every command that takes ``--format`` a ``--wide`` flag, in one place.

    ``--wide`` asks a terminal table for every column, whatever the width
    (otherwise low-priority columns are left out with a note when the
    terminal is narrow). The flag is not passed to the command function: it
    is left in the context (``common.WIDE_META``) where ``show`` reads it, so
    a command that renders through ``show`` honours it without declaring it.
    """
    from typer.core import TyperOption

    from campaign_cli.cli.common import WIDE_META

    def remember(ctx, _param, value: bool) -> bool:
        if value:
            ctx.meta[WIDE_META] = True
        return value

    for command in getattr(group, "commands", {}).values():
        add_wide_option(command)
    names = {param.name for param in getattr(group, "params", [])}
    if "fmt" in names and "wide" not in names:
        option = TyperOption(
            param_decls=["--wide"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=remember,
            help=_("Tables: show every column, whatever the terminal's width."),
        )
        position = next(index for index, param in enumerate(group.params) if param.name == "fmt") + 1
        group.params.insert(position, option)
