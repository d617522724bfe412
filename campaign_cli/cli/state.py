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
    _prepared: bool = False
    _actor_checked: bool = False

    @property
    def url(self) -> str:
        return self.db_url or default_db_path()

    def today(self) -> dt.date:
        from campaign_cli.services.dates import DateError, resolve_today

        try:
            return resolve_today(self.as_of, {})
        except DateError as exc:
            raise DateError(f"--as-of: {exc}") from None

    def context(self, *, must_exist: bool = True, adopt_language: bool = False):
        """Open the database (upgrading an old schema) and make the services' context.

        The as-of date is read after the campaign's language is chosen, so a
        wrong ``--as-of`` is reported in the campaign's language.
        """
        if self._context is None:
            from campaign_cli.services.context import Context, default_actor
            from campaign_cli.storage.db import Database

            db = Database(self.url)
            files.protect_database(db.path)
            self._context = Context(
                db=db,
                today=None,  # type: ignore[arg-type]  # set below, once the language is known
                actor=self.user or system_actor(default_actor()),
                command=" ".join(["campaign", *self.argv]),
                campaign_selector=self.campaign,
            )
        if self.user is None and self._context.db.dialect == "postgresql" and not self._actor_checked:
            # On a shared server the history names the role that logged in, unless --user says otherwise.
            self._actor_checked = True
            self._context.actor = system_actor(self._context.db.login_role())
        explicit_language = bool(self.lang or i18n.explicit_language())
        if must_exist and not self._prepared:
            prepare_existing(self._context, explicit_language=explicit_language)
            self._prepared = True
        elif adopt_language and not explicit_language and not self._prepared:
            speak_campaign_language(self._context)
        if self._context.today is None:
            self._context.today = self.today()
        return self._context

    def close(self) -> None:
        if self._context is not None:
            self._context.db.close()
            self._context = None
            self._prepared = False
            self._actor_checked = False


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
        # The newest campaign's language first, so that "--campaign X matches
        # several campaigns" is said in it too; then the chosen campaign's.
        newest = ctx.db.scalar("SELECT lang FROM campaign ORDER BY id DESC LIMIT 1")
        if newest:
            i18n.set_language(newest)
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


def choose_language(argv: list[str], environ=None) -> None:
    """Before the command tree is built, so --help and usage errors speak the user's language.

    --lang, else CAMPAIGN_LANG, else the language of the campaign in the
    database (a quick read-only look at an SQLite file; PostgreSQL is asked
    only once the command connects), else the locale, else English.
    """
    import os

    environ = os.environ if environ is None else environ
    lang = (
        _language_from_argv(argv)
        or i18n.explicit_language(environ)
        or campaign_language(argv, environ)
        or i18n.locale_language(environ)
        or "en"
    )
    i18n.set_language(lang)


def _option_from_argv(argv: list[str], name: str) -> str | None:
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def campaign_language(argv: list[str], environ) -> str | None:
    """The stored language of the campaign this command will use, if cheaply known (SQLite only)."""
    import os

    url = _option_from_argv(argv, "--db") or environ.get("CAMPAIGN_DB") or default_db_path()
    if "://" in url and not url.startswith("sqlite:"):
        return None
    path = os.path.expanduser(url.split(":///", 1)[1] if url.startswith("sqlite:") else url)
    if not path or not os.path.isfile(path):
        return None
    import sqlite3

    selector = (_option_from_argv(argv, "--campaign") or environ.get("CAMPAIGN_NAME") or "").strip()
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            try:  # the default first: the newest not filed under another (services/context.py)
                rows = conn.execute(
                    "SELECT id, name, lang FROM campaign c ORDER BY "
                    "CASE WHEN EXISTS (SELECT 1 FROM campaign p WHERE p.id = c.parent_id) THEN 1 ELSE 0 END, id DESC"
                ).fetchall()
            except sqlite3.OperationalError:  # a database from before schema 3: no parents
                rows = conn.execute("SELECT id, name, lang FROM campaign ORDER BY id DESC").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    chosen = [row for row in rows if selector and (str(row[0]) == selector or row[1] == selector)] or rows
    return i18n.normalise_language(chosen[0][2]) if chosen else None


def get_state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
