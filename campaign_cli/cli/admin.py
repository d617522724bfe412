"""campaign init | info: starting a campaign and seeing what a database holds."""


import os
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.cli.common import done, parse_day, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption
from campaign_cli.cli.state import get_state
from campaign_cli.i18n import _


def register(app: typer.Typer) -> None:
    from campaign_cli.cli.config import config

    app.command("init")(init)
    app.command("info")(info)
    app.command("config")(config)


LEVEL_HELP = _(
    "For an election from 1/7/2025: province or commune (default commune), since local government has two levels; "
    "before it: province, district or commune (default district)."
)


def init(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(metavar="NAME", help=_("Name of the new campaign."))] = None,
    election_day: Annotated[
        Optional[str], typer.Option("--election-day", metavar="DATE", help=_("Election day, e.g. 15/3/2026."))
    ] = None,
    locality: Annotated[
        str, typer.Option("--locality", metavar="TEXT", help=_('Locality, e.g. "Xã Gia Vân".'))
    ] = "",
    level: Annotated[Optional[str], typer.Option("--level", metavar="LEVEL", help=LEVEL_HELP)] = None,
    phases: Annotated[
        str,
        typer.Option(
            "--phases",
            metavar="standard|none",
            help=_("standard: three phases around election day; none: add your own."),
        ),
    ] = "standard",
    campaign_lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang", metavar="vi|en", help=_("Language of the campaign's messages and reports (default: vi).")
        ),
    ] = None,
    parent: Annotated[
        Optional[str],
        typer.Option(
            "--parent", metavar="CAMPAIGN",
            help=_("File the campaign under another of this database (a commune's under its province's)."),
        ),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help=_("Load the bundled Gia Viễn 2021 sample campaign."))
    ] = False,
    from_file: Annotated[
        Optional[Path],
        typer.Option(
            "--from",
            metavar="FILE",
            help=_("Load a plan file (TOML, the format of data/gia-vien-2021.toml)."),
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Create a campaign: a new one, the bundled sample, or one from a plan file."""
    from campaign_cli import i18n
    from campaign_cli.errors import Invalid
    from campaign_cli.services.campaigns import campaign_count, foreign_tables, init_campaign
    from campaign_cli.storage.schema import ensure_schema

    chosen = [bool(name), sample, from_file is not None]
    if sum(chosen) != 1:
        raise typer.BadParameter(_("give either NAME --election-day DATE, or --sample, or --from FILE"))
    if name and election_day is None and parent is None:
        raise typer.BadParameter(
            _("a new campaign needs --election-day DATE (under --parent P it takes P's)"), param_hint="--election-day"
        )
    if not name and (level or parent or campaign_lang or election_day):
        raise typer.BadParameter(
            _("--election-day, --level, --lang and --parent go with NAME; a plan file holds its own settings")
        )
    lang = _campaign_language(ctx, campaign_lang)
    day = parse_day(ctx, election_day, "--election-day")
    service = service_context(ctx, must_exist=False)
    other_tables = foreign_tables(service)
    if other_tables:
        raise Invalid(
            _(
                "{path} holds tables of another program ({tables}): campaign keeps its data in a database of "
                "its own; give another --db"
            ).format(path=service.db.path, tables=", ".join(other_tables[:5]) + (", …" if other_tables[5:] else ""))
        )
    with _removed_if_it_fails(service.db):
        ensure_schema(service.db)
        if name:
            campaign = init_campaign(
                service,
                name=name,
                election_day=day,
                locality=locality,
                level=level,
                phases=phases,
                lang=lang,
                parent=parent,
            )
        else:
            from campaign_cli.services import plans

            plan = plans.read_plan(plans.sample_path() if sample else from_file)
            campaign = plans.load_plan(service, plan)
    if not (get_state(ctx).lang or i18n.explicit_language()):
        i18n.set_language(campaign["lang"])  # from now on, as every later command will speak
    done(
        _("Created campaign {name!r} (election day {day}) in {db}").format(
            name=campaign["name"], day=campaign["election_day"].strftime("%d/%m/%Y"), db=service.db.url
        )
    )
    count = campaign_count(service)
    if count > 1:
        _say_default(service, campaign, count)


def _say_default(service, campaign, count: int) -> None:
    """Which campaign commands now act on: the new one, or (under a parent) the newest top-level one."""
    from campaign_cli.services.context import find_campaign

    default = find_campaign(service.db)
    if default["id"] == campaign["id"]:
        done(
            _(
                "The database now holds {count} campaigns; {name!r}, the newest, is the default: pick another "
                "with  campaign --campaign NAME ...  or CAMPAIGN_NAME"
            ).format(count=count, name=campaign["name"])
        )
        return
    parent = service.db.scalar("SELECT name FROM campaign WHERE id = ?", (campaign["parent_id"],))
    done(
        _(
            "{name!r} is filed under {parent!r}. Commands act on {default!r}, the newest campaign not filed under "
            "another; reach this one with  campaign --campaign {id} ...  or CAMPAIGN_NAME"
        ).format(name=campaign["name"], parent=parent, default=default["name"], id=campaign["id"])
    )


def _campaign_language(ctx: typer.Context, given: Optional[str]) -> str:
    """Vietnamese unless English is asked for (init --lang, or the root --lang / CAMPAIGN_LANG).

    The machine's locale does not decide: a campaign made on a computer without
    a Vietnamese locale still speaks Vietnamese, as its users do.
    """
    from campaign_cli import i18n

    if given is not None:
        chosen = i18n.normalise_language(given)
        if chosen is None:
            raise typer.BadParameter(_("use vi or en"), param_hint="--lang")
        return chosen
    return i18n.normalise_language(get_state(ctx).lang) or "vi"


@contextmanager
def _removed_if_it_fails(db):
    """A failed init leaves no new, empty database file behind."""
    fresh_file = db.path not in (None, ":memory:") and not os.path.exists(db.path)
    try:
        yield
    except BaseException:
        if fresh_file:
            db.close()
            for suffix in ("", "-wal", "-shm"):
                with suppress(FileNotFoundError):
                    os.remove(db.path + suffix)
        raise


def info(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """Where the database is, its schema version, and how much it holds (also when it holds no campaign)."""
    from campaign_cli.errors import NoCampaign
    from campaign_cli.services.campaigns import database_info

    try:
        service = service_context(ctx)
    except NoCampaign:
        service = service_context(ctx, must_exist=False)  # says where the database is all the same
    show(info_view(database_info(service), human=fmt in (OutputFormat.table, OutputFormat.md)), fmt, output)


def info_label(key: str) -> str:
    """What an ``info`` row is, for people (CSV and JSON keep the key)."""
    labels = {
        "database": _("Database"),
        "engine": _("Database engine"),
        "schema_version": _("Schema version"),
        "campaign": _("Campaign"),
        "campaign_id": _("Campaign id"),
        "election_day": _("Election day"),
        "campaigns": _("Campaigns in the database"),
        "phase": _("Phases"),
        "unit": _("Units"),
        "member": _("Members"),
        "task": _("Tasks"),
        "activity": _("Log entries"),
        "activity_type": _("Activity types"),
        "changeset": _("Recorded changes"),
    }
    return labels.get(key, key)


def info_view(data, human: bool = False):
    from campaign_cli.cli.render import Column, Section, View

    rows = [{"key": key, "value": value} for key, value in data.items() if not isinstance(value, dict)]
    rows += [{"key": key, "value": value} for key, value in data["counts"].items()]
    footer = []
    if data["campaign"] is None:
        footer.append(
            _("No campaign in this database yet: create one with  campaign init NAME --election-day DATE  "
              "or  campaign init --sample")
        )
    if human:
        rows = [{**row, "key": info_label(row["key"]), "value": "—" if row["value"] is None else row["value"]}
                for row in rows]
    return View(
        data=data,
        sections=[Section("info", "", [Column("key", _("What")), Column("value", _("Value"), wrap=True)], rows)],
        footer=footer,
    )
