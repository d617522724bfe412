"""Root options and the per-invocation context built from them."""


import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from campaign_cli import files, i18n
from campaign_cli.i18n import _


def default_db_path() -> str:
    return str(Path(typer.get_app_dir("campaign")) / "campaign.db")


@dataclass
class AppState:
    db_url: str | None = None
    as_of: str | None = None
    lang: str | None = None
    campaign: str | None = None
    user: str | None = None
    argv: list[str] = field(default_factory=list)
    _context: Any = None

    @property
    def url(self) -> str:
        return self.db_url or default_db_path()

    def today(self) -> dt.date:
        from campaign_cli.services.dates import resolve_today

        return resolve_today(self.as_of, {})

    def context(self, *, must_exist: bool = True, adopt_language: bool = False):
        """Open the database (upgrading an old schema) and make the services' context."""
        if self._context is None:
            from campaign_cli.services.context import Context, default_actor
            from campaign_cli.storage.db import Database

            db = Database(self.url)
            files.protect_database(db.path)
            self._context = Context(
                db=db,
                today=self.today(),
                actor=self.user or system_actor(default_actor()),
                command=" ".join(["campaign", *self.argv]),
                campaign_selector=self.campaign,
            )
            explicit_language = bool(self.lang or i18n.explicit_language())
            if must_exist:
                prepare_existing(self._context, explicit_language=explicit_language)
            elif adopt_language and not explicit_language:
                speak_campaign_language(self._context)
        return self._context

    def close(self) -> None:
        if self._context is not None:
            self._context.db.close()
            self._context = None


def system_actor(name: str) -> str:
    """The OS user's name, checked like a name given with --user."""
    from campaign_cli.errors import Invalid
    from campaign_cli.services import validate

    try:
        return validate.actor(name)
    except Invalid as exc:
        raise Invalid(
            _("your system user name cannot be recorded in the history ({reason}): give one with --user NAME").format(
                reason=exc.message
            )
        ) from None


def prepare_existing(ctx, *, explicit_language: bool = True) -> None:
    """Fail early on an empty database; bring an old schema up to date; pick the language."""
    from campaign_cli.services.context import find_campaign
    from campaign_cli.storage import schema

    version = schema.stored_version(ctx.db)
    if version is None:
        find_campaign(ctx.db)  # raises the "run campaign init" error
    if version is not None and version != schema.current_version():
        upgrade = schema.ensure_schema(ctx.db)
        if upgrade is not None:
            message = _("Upgraded the database from schema {old} to {new}.").format(
                old=upgrade.from_version, new=upgrade.to_version
            )
            if upgrade.backup:
                message += " " + _("The old database is kept at {path}").format(path=upgrade.backup)
            typer.echo(message, err=True)
    if not explicit_language:
        campaign_lang = ctx.campaign.get("lang")
        if campaign_lang:
            i18n.set_language(campaign_lang)


def speak_campaign_language(ctx) -> None:
    """Commands that may run on an empty database (backup, restore, import) still
    speak the language of the campaign it holds, when it holds one."""
    from campaign_cli.errors import CampaignError
    from campaign_cli.storage.schema import stored_version

    try:
        if stored_version(ctx.db) is None:
            return
        lang = ctx.db.scalar("SELECT lang FROM campaign ORDER BY id DESC LIMIT 1")
    except CampaignError:
        return  # the command itself will say what is wrong
    if lang:
        i18n.set_language(lang)


def _language_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return i18n.normalise_language(argv[index + 1])
        if arg.startswith("--lang="):
            return i18n.normalise_language(arg.split("=", 1)[1])
    return None


def choose_language(argv: list[str]) -> None:
    """Before the command tree is built, so --help speaks the user's language."""
    lang = _language_from_argv(argv) or i18n.language_from_environment() or "en"
    i18n.set_language(lang)


def get_state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
