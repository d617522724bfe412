"""The root ``campaign`` command: root options, error handling, the noun groups.

Importing this module builds the whole command tree, so it (and every module
it imports) must stay light: typer and the stdlib only. Services, rich and the
storage stack are imported inside the commands that use them.
"""


import os
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from campaign_cli import __version__, i18n
from campaign_cli.cli import click_i18n
from campaign_cli.cli.state import AppState, get_state
from campaign_cli.i18n import _


class CampaignGroup(TyperGroup):
    """Turns domain errors into one line on stderr and exit 1, anywhere below."""

    def main(self, *args, **kwargs):
        if os.environ.get("_CAMPAIGN_COMPLETE"):
            from campaign_cli.cli.complete import register_shells

            register_shells()  # after typer registered its own, so ours win
        return super().main(*args, **kwargs)

    def parse_args(self, ctx, args):
        ctx.meta["campaign.argv"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        from campaign_cli.errors import CampaignError  # DateError too: it is an Invalid

        try:
            return super().invoke(ctx)
        except CampaignError as exc:
            typer.echo(_("Error: {message}").format(message=exc.message), err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except Exception as exc:
            if _is_click_exception(exc) or os.environ.get("CAMPAIGN_DEBUG"):
                raise
            typer.echo(
                _("Error: unexpected {kind}: {message} (set CAMPAIGN_DEBUG=1 to see where)").format(
                    kind=type(exc).__name__, message=str(exc).splitlines()[0] if str(exc) else ""
                ),
                err=True,
            )
            raise typer.Exit(1) from None
        finally:
            state = ctx.obj
            if isinstance(state, AppState):
                state.close()


def _is_click_exception(exc: Exception) -> bool:
    from typer.exceptions import TyperException

    return isinstance(exc, (TyperException, typer.Exit, typer.Abort))


app = typer.Typer(
    cls=CampaignGroup,
    help=_("Plans, assignments, activity logs and reports of an election information-and-propaganda subcommittee."),
    rich_markup_mode=None,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"campaign {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            metavar="PATH_OR_URL",
            envvar="CAMPAIGN_DB",
            help=_("SQLite file or database URL (default: campaign.db in the user's app folder)."),
            show_envvar=True,
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="DATE",
            envvar="CAMPAIGN_TODAY",
            help=_("The date treated as today, e.g. 15/4/2021."),
            show_envvar=True,
        ),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang",
            metavar="vi|en",
            envvar="CAMPAIGN_LANG",
            help=_("Language of messages and labels: vi or en."),
            show_envvar=True,
        ),
    ] = None,
    campaign: Annotated[
        Optional[str],
        typer.Option(
            "--campaign",
            metavar="NAME",
            envvar="CAMPAIGN_NAME",
            help=_("Which campaign, when the database holds several (default: the newest)."),
            show_envvar=True,
        ),
    ] = None,
    user: Annotated[
        Optional[str],
        typer.Option(
            "--user",
            metavar="NAME",
            envvar="CAMPAIGN_USER",
            help=_("Your name as recorded in the history (default: the OS user)."),
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version and exit."))
    ] = False,
) -> None:
    if lang is not None:
        chosen = i18n.normalise_language(lang)
        if chosen is None:
            raise typer.BadParameter(_("use vi or en"), param_hint="--lang")
        i18n.set_language(chosen)
    state = get_state(ctx)
    state.db_url = db
    state.as_of = as_of
    state.lang = lang
    state.campaign = campaign
    state.user = user
    state.argv = ctx.meta.get("campaign.argv", [])


def _register() -> None:
    from campaign_cli.cli import admin, log, member, phase, report, safety, task, types, unit

    admin.register(app)
    app.add_typer(phase.app, name="phase")
    app.add_typer(unit.app, name="unit")
    app.add_typer(member.app, name="member")
    app.add_typer(task.app, name="task")
    app.add_typer(log.app, name="log")
    app.add_typer(types.app, name="type")
    report.register(app)
    safety.register(app)


_register()
# --help, usage errors and the commands' docstrings in the chosen language (cli/click_i18n.py)
click_i18n.install()
click_i18n.translate_command_help(app)
