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
