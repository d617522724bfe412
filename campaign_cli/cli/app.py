"""The root ``campaign`` command: root options, error handling, the noun groups.

Importing this module builds the whole command tree, so it (and every module
it imports) must stay light: typer and the stdlib only. Services, rich and the
storage stack are imported inside the commands that use them.
"""


import os
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from campaign_cli import __version__, cli, i18n
from campaign_cli.cli import click_i18n
from campaign_cli.cli.state import AppState, get_state
from campaign_cli.i18n import _


class CampaignGroup(TyperGroup):
    """Turns domain errors into one line on stderr and exit 1, anywhere below;
    gives every command with ``--format`` the ``--wide`` flag (cli/options.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from campaign_cli.cli.options import add_wide_option

        add_wide_option(self)

    def main(self, *args, **kwargs):
        if os.environ.get("_CAMPAIGN_COMPLETE"):
            from campaign_cli.cli.complete import register_shells

            register_shells()  # after typer registered its own, so ours win
        return super().main(*args, **kwargs)

    def parse_args(self, ctx, args):
        for position, arg in enumerate(args, 1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise click_usage_error(
                    _("argument {n} ({value}) is not UTF-8 text; type it again in a UTF-8 terminal").format(
                        n=position, value=os.fsencode(arg)[:60]
                    ),
                    ctx,
                ) from None
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
            typer.echo(_("Error: {message}").format(message=explain_failure(ctx.obj, exc)), err=True)
            raise typer.Exit(1) from None
        finally:
            state = ctx.obj
            if isinstance(state, AppState):
                state.close()


def explain_failure(state, exc: Exception) -> str:
    """One line for an exception no layer turned into a domain error.

    The environment (a file that cannot be read or written, memory) or a
    damaged database file explains most; what remains is a bug, said as such.
    """
    from campaign_cli import files

    if isinstance(exc, OSError):
        where = exc.filename or _("a file")
        return _("cannot read or write {path}: {reason}").format(path=where, reason=files.os_error_reason(exc))
    if isinstance(exc, MemoryError):
        return _("not enough memory for this command; close other programs or work on a smaller file")
    if isinstance(exc, RecursionError):
        return _("the input is nested too deeply to be read")
    path = None
    context = getattr(state, "_context", None)
    if context is not None and context.db.dialect == "sqlite":
        path = context.db.path
    if path and os.path.exists(path):
        from campaign_cli.storage.health import damage

        problems = damage(path, current_schema=True)
        if problems:
            return _(
                "the database {path} is damaged ({problem}); restore the last good copy with  campaign restore FILE"
            ).format(path=path, problem="; ".join(problems[:2]))
    return _("unexpected {kind}: {message} (a bug: please report it; set CAMPAIGN_DEBUG=1 to see where)").format(
        kind=type(exc).__name__, message=str(exc).splitlines()[0] if str(exc) else ""
    )


def click_usage_error(message: str, ctx):
    from typer._click.exceptions import UsageError

    return UsageError(message, ctx)


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


def refuse_undecodable(value: Optional[str], option: str) -> None:
    """Bytes that are not UTF-8 (from argv or the environment) cannot be stored or matched."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(value)[:60]
        raise typer.BadParameter(
            _("{value} is not UTF-8 text; type it again in a UTF-8 terminal").format(value=shown), param_hint=option
        ) from None


def checked_user(user: str) -> str:
    """--user / CAMPAIGN_USER: a name like any other (no control characters, at most 100 characters)."""
    from campaign_cli.errors import Invalid
    from campaign_cli.services import validate

    try:
        return validate.actor(user)
    except Invalid as exc:
        raise typer.BadParameter(exc.message, param_hint="--user / CAMPAIGN_USER") from None


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
    for value, option in ((db, "--db"), (as_of, "--as-of"), (lang, "--lang"), (campaign, "--campaign"),
                          (user, "--user")):
        refuse_undecodable(value, option)
    if user is not None:
        user = checked_user(user)
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


#: The module of every top-level command. A run of ``campaign`` builds only
#: the module its command lives in (cli/main.py): importing and converting the
#: whole tree for ``log add`` costs about as much as the command itself. A
#: command missing here still works (the whole tree is built), only slower;
#: tests/test_startup.py checks that this map and the tree agree.
#: Noun groups (``campaign task ...``): the command word and the module whose ``app`` it is.
NOUN_GROUPS = {
    "phase": "phase", "unit": "unit", "member": "member", "task": "task", "log": "log", "type": "activity_types",
    "place": "place",
    "access": "access",
}  # fmt: skip
#: Commands that modules put on the root app themselves (``register(app)``), and where they live.
ROOT_COMMANDS = {
    "init": "admin", "info": "admin", "config": "admin",
    "status": "report", "report": "report",
    "history": "safety", "undo": "safety", "redo": "safety", "export": "safety", "import": "safety",
    "backup": "safety", "restore": "safety",
}  # fmt: skip
#: A run builds only its command's module (``cli/main.py``); --help and completion build them all,
#: in this order (the order --help lists them in).
_HELP_ORDER = ("admin", *NOUN_GROUPS.values(), "report", "safety")
COMMAND_MODULES = dict(
    sorted({**NOUN_GROUPS, **ROOT_COMMANDS}.items(), key=lambda item: _HELP_ORDER.index(item[1]))
)


def _register(command: str | None = None) -> None:
    """Put the commands on ``app``: all of them, or only the module that holds ``command``."""
    from importlib import import_module

    wanted = {COMMAND_MODULES[command]} if command in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in dict.fromkeys(COMMAND_MODULES.values()):  # in the order of the table: help lists them so
        if module not in wanted:
            continue
        loaded = import_module(f"campaign_cli.cli.{module}")
        if module in NOUN_GROUPS.values():
            name = next(word for word, owner in NOUN_GROUPS.items() if owner == module)
            app.add_typer(loaded.app, name=name)
        else:
            loaded.register(app)


_register(cli.ONLY_COMMAND)
# --help, usage errors and the commands' docstrings in the chosen language (cli/click_i18n.py)
click_i18n.install()
click_i18n.translate_command_help(app)
