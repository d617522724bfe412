"""campaign config: show or change the campaign's settings."""


from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import done, parse_day, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption
from campaign_cli.i18n import N_, NP_, _, pgettext

#: Settings as rows of the table, in this order (CSV and JSON keep the keys).
SETTING_LABELS = {
    "name": N_("Campaign name"),
    "locality": N_("Locality"),
    "level": N_("Level"),
    "election_day": N_("Election day"),
    "lang": N_("Language"),
    "issuing_body": N_("Issuing body"),
    "parent_body": N_("Parent body"),
    "symbol": N_("Document symbol"),
    "place": N_("Place on documents"),
    "signer": N_("Signer"),
    "parent": N_("Parent campaign"),
    "children": N_("Campaigns under it"),
    "uid": N_("Campaign's stored id"),
}
_LANGUAGES = {"vi": NP_("language", "Vietnamese"), "en": NP_("language", "English")}
_LEVELS = {
    "province": NP_("level", "province"),
    "district": NP_("level", "district"),
    "commune": NP_("level", "commune"),
}


def level_label(code: str) -> str:
    return pgettext("level", _LEVELS[code]) if code in _LEVELS else code


def config(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Option("--name", metavar="TEXT", help=_("Rename the campaign."))] = None,
    locality: Annotated[
        Optional[str], typer.Option("--locality", metavar="TEXT", help=_('Locality, e.g. "Xã Gia Vân".'))
    ] = None,
    level: Annotated[
        Optional[str],
        typer.Option(
            "--level",
            metavar="LEVEL",
            help=_("province or commune (district only for elections before 1/7/2025)."),
        ),
    ] = None,
    election_day: Annotated[
        Optional[str], typer.Option("--election-day", metavar="DATE", help=_("A new election day."))
    ] = None,
    move_phases: Annotated[
        bool,
        typer.Option(
            "--move-phases",
            help=_(
                "With --election-day: move the phases too (standard ones as the template would, others by as "
                "many days as election day moves); refused if a task would fall outside its phase."
            ),
        ),
    ] = False,
    issuing_body: Annotated[
        Optional[str],
        typer.Option(
            "--issuing-body", metavar="TEXT", help=_('Issuing body on documents ("" for the default).')
        ),
    ] = None,
    parent_body: Annotated[
        Optional[str],
        typer.Option(
            "--parent-body",
            metavar="TEXT",
            help=_('Body above the issuing body, e.g. "ỦY BAN BẦU CỬ XÃ GIA VÂN" ("" for the default).'),
        ),
    ] = None,
    symbol: Annotated[
        Optional[str],
        typer.Option(
            "--symbol", metavar="TEXT", help=_('Document symbol after the number, e.g. BC-TBTT ("" for the default).')
        ),
    ] = None,
    place: Annotated[
        Optional[str],
        typer.Option("--place", metavar="TEXT", help=_('Place on the date line, e.g. "Gia Vân" ("" for the default).')),
    ] = None,
    signer: Annotated[
        Optional[str],
        typer.Option(
            "--signer",
            metavar="MEMBER",
            click_type=complete.MEMBER,
            help=_("The member who signs documents; none: the chair."),
        ),
    ] = None,
    campaign_lang: Annotated[
        Optional[str], typer.Option("--lang", metavar="vi|en", help=_("Language of the campaign."))
    ] = None,
    parent: Annotated[
        Optional[str],
        typer.Option(
            "--parent",
            metavar="CAMPAIGN",
            help=_("File this campaign under another of the database (id or name); none: no parent."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Show the campaign's settings, or change them (every change is in the history and can be undone)."""
    from campaign_cli.services import settings
    from campaign_cli.vocabulary import UNSET

    given = {
        "name": name,
        "locality": locality,
        "level": level,
        "issuing_body": issuing_body,
        "parent_body": parent_body,
        "symbol": symbol,
        "place": place,
        "signer": signer,
        "lang": campaign_lang,
        "parent": parent,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    if move_phases and election_day is None:
        raise typer.BadParameter(_("goes with --election-day DATE"), param_hint="--move-phases")
    service = service_context(ctx)  # first: a bad date is reported in the campaign's language
    if election_day is not None:
        changes["election_day"] = parse_day(ctx, election_day, "--election-day")
    if not changes:
        show(settings_view(settings.campaign_settings(service), human=fmt in (OutputFormat.table, OutputFormat.md)),
             fmt, output)
        return
    result = settings.configure_campaign(service, move_phases=move_phases, **{**dict.fromkeys(given, UNSET), **changes})
    _follow_language(ctx, result["settings"]["lang"])
    _report(result)


def _follow_language(ctx: typer.Context, lang: str) -> None:
    """After --lang, confirm in the campaign's new language (unless the user chose one for this run)."""
    from campaign_cli import i18n
    from campaign_cli.cli.state import get_state

    if not (get_state(ctx).lang or i18n.explicit_language()):
        i18n.set_language(lang)


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "election_day":
        return value.strftime("%d/%m/%Y")
    if key == "level":
        return level_label(value)
    if key == "lang":
        return pgettext("language", _LANGUAGES[value]) if value in _LANGUAGES else value
    if key in ("signer_id", "parent_id"):
        return f"#{value}"
    return str(value)


def _report(result) -> None:
    changed = result["changed"]
    if not changed and not result["moved"]:
        done(_("Nothing changed: the settings already hold these values."))
        return
    after = result["settings"]
    before = result["before"]
    parts = []
    shown_labels = set()
    for key in changed:
        label_key = {"signer_id": "signer", "parent_id": "parent"}.get(key, key)
        if label_key in shown_labels:
            continue
        shown_labels.add(label_key)
        if label_key == "signer":  # the member (or, cleared, the chair); an old release's text goes with it
            new = after["signer"]["name"] if after["signer"] else _("the chair")
        elif label_key == "parent":
            new = after["parent"]["name"] if after["parent"] else "—"
        else:
            new = _shown(key, after[key])
        old = _shown(key, before.get(key)) if label_key not in ("signer", "parent") else None
        label = _(SETTING_LABELS[label_key])
        parts.append(f"{label}: {old} → {new}" if old is not None else f"{label}: {new}")
    done(_("Updated the campaign's settings: {changes}").format(changes="; ".join(parts)))
    for move in result["moved"]:
        done(
            _("  phase {number} ({name}): {old} → {new}").format(
                number=move["number"],
                name=move["name"],
                old=_span(move["from"]["start"], move["from"]["end"]),
                new=_span(move["to"]["start"], move["to"]["end"]),
            )
        )


def _span(start, end) -> str:
    return f"{start.strftime('%d/%m/%Y')}–{end.strftime('%d/%m/%Y') if end else '…'}"


def settings_view(data, human: bool = False):
    """Key/value rows; a document setting left empty shows what documents use instead."""
    from campaign_cli.cli.labels import role_label
    from campaign_cli.cli.render import Column, Section, View

    defaults = data["defaults"]
    rows = []
    for key in SETTING_LABELS:
        value = data[key]
        if key == "signer":
            if value is None:
                shown = _("(default: the chair, {name})").format(name=defaults["signer"]) if defaults["signer"] else ""
            elif value["id"] is None:
                shown = _("{name} (not a member: set one with  campaign config --signer MEMBER)").format(
                    name=value["name"]
                )
            else:
                shown = f"{value['name']} ({role_label(value['role'])})" if human else value["name"]
        elif key == "parent":
            shown = value["name"] if value else ""
        elif key == "children":
            shown = "; ".join(child["name"] for child in value)
        elif key in defaults and not value:
            shown = _("(default: {value})").format(value=defaults[key]) if defaults[key] and human else ""
        elif human:
            shown = _shown(key, value)
        else:
            shown = value
        rows.append({"key": _(SETTING_LABELS[key]) if human else key, "value": shown})
    if human:
        rows = [{**row, "value": row["value"] if row["value"] not in (None, "") else "—"} for row in rows]
    return View(
        data=data,
        sections=[Section("settings", "", [Column("key", _("Setting")), Column("value", _("Value"), wrap=True)], rows)],
        footer=[_("Change one with  campaign config --OPTION VALUE  (campaign config --help lists them).")]
        if human
        else [],
    )
