"""Small helpers every command module uses: context, dates, output, confirmation."""


import datetime as dt
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from campaign_cli.cli.options import OutputFormat
from campaign_cli.cli.state import get_state
from campaign_cli.i18n import _


def new_typer(help_text: str, **kwargs: Any) -> typer.Typer:
    """A noun's command group (``campaign task``): plain help, no completion of its own."""
    return typer.Typer(
        help=help_text,
        rich_markup_mode=None,
        no_args_is_help=True,
        add_completion=False,
        **kwargs,
    )


def service_context(ctx: typer.Context, *, must_exist: bool = True, adopt_language: bool = False):
    """The services' context; ``adopt_language``: speak the campaign's language even when
    the database need not hold one (backup, restore, import)."""
    return get_state(ctx).context(must_exist=must_exist, adopt_language=adopt_language)


def parse_day(ctx: typer.Context, text: Optional[str], option: str = "") -> Optional[dt.date]:
    """A date as the user typed it, relative to the as-of date; None stays None."""
    if text is None:
        return None
    from campaign_cli.services.dates import DateError, parse_date

    state = get_state(ctx)
    try:
        return parse_date(text, state.today())
    except DateError as exc:
        prefix = f"{option}: " if option else ""
        raise DateError(prefix + str(exc)) from None


def parse_week_option(today: dt.date, text: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ``--week`` (2021-W17, a day in the week, this/last/next); errors name the option."""
    from campaign_cli.services.dates import DateError, parse_week

    try:
        return parse_week(text, today)
    except DateError as exc:
        raise DateError(f"--week: {exc}") from None


def show(view, fmt: OutputFormat, output: Optional[Path]) -> None:
    """Render ``view`` in ``fmt`` to standard output or ``output``; a table honours ``--wide``."""
    from campaign_cli import i18n
    from campaign_cli.cli.render import render

    render(view, fmt, output, i18n.current_language(), wide=wide_requested())


#: Where ``--wide`` leaves its value (cli/options.py adds the option to every command with --format).
WIDE_META = "campaign.wide"


def wide_requested() -> bool:
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(WIDE_META))


def done(message: str) -> None:
    """Confirmation of a write, on stderr so stdout stays clean for scripts."""
    typer.echo(message, err=True)


def removal_effects(assignments: int, kept_message: str, kept: list[str]) -> str:
    """The tail of a removal prompt or report: assignments that go, rows that stay detached."""
    from campaign_cli.i18n import ngettext

    text = ""
    if assignments:
        text += ngettext(" with {n} task assignment", " with {n} task assignments", assignments).format(n=assignments)
    if kept:
        text += " (" + kept_message.format(items=", ".join(kept)) + ")"
    return text


def confirm_removal(what: str, yes: bool) -> None:
    """Ask on a terminal; proceed without asking when there is none (scripts)."""
    if yes or not sys.stdin.isatty():
        return
    if not typer.confirm(_("Remove {what}?").format(what=what), default=False):
        typer.echo(_("Nothing removed."), err=True)
        raise typer.Exit(1)
