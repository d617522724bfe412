"""``campaign report coverage``: places × activity types, the gaps made obvious, as a View.

The grid's type columns carry the type's label as heading (Markdown, XLSX)
and an abbreviation of it for the terminal ("ÁP" for áp phích, "PT" for phát
thanh), explained in a legend under the table; an empty cell is a gap
(``Column.gap_mark``: a red "·" on the terminal, a red fill in a spreadsheet).
"""

from __future__ import annotations

import re
from typing import Any

from campaign_cli.cli.render.model import ESSENTIAL, LOW, Column, Section, View
from campaign_cli.cli.views.common import date_text
from campaign_cli.i18n import _, ngettext

#: What an empty cell shows to people.
GAP_MARK = "·"


def coverage_data(report: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: exactly the keys of issue 16 (schemas/coverage.schema.json)."""
    from campaign_cli.services.coverage import COVERAGE_KEYS

    return {key: report[key] for key in COVERAGE_KEYS}


def abbreviations(labels: list[str]) -> list[str]:
    """Short headings, one per label, all different: initials of a label of several words
    ("áp phích" -> "ÁP", "xe cổ động" -> "XCĐ"), the first letters of a one-word label ("Pano")."""
    result: list[str] = []
    for label in labels:
        words = re.findall(r"\w+", label) or [label or "?"]
        short = "".join(word[0] for word in words).upper() if len(words) > 1 else words[0][:4].capitalize()
        extra = 1
        while short in result:  # a clash: take more of the last word
            extra += 1
            tail = words[-1][:extra]
            short = ("".join(word[0] for word in words[:-1]).upper() + tail.capitalize()) if len(words) > 1 \
                else words[0][: 4 + extra - 1].capitalize()
            if extra > 12:
                short = f"{short}{len(result)}"
                break
        result.append(short)
    return result


def _gap(code: str | None, label: str, missing: list[int], names: dict[int, str]) -> dict[str, Any]:
    """A row of "not reached yet": every place in the data; for people the shorter of the places
    missing and "everywhere but" the places reached."""
    listed = [names[place_id] for place_id in missing]
    gone = set(missing)
    reached = [name for place_id, name in names.items() if place_id not in gone]
    where = "; ".join(listed)
    if not reached:
        where = _("everywhere")
    elif len(reached) < len(listed):
        where = _("everywhere but {names}").format(names="; ".join(reached))
    return {"type": code, "label": label, "missing": len(missing), "places": "; ".join(listed), "where": where}


def level_word(level: str) -> str:
    from campaign_cli.cli.labels import place_kind_label

    return place_kind_label(level)


def window_text(report: dict[str, Any]) -> str:
    if report["since"] is not None:
        return _("entries from {since} to {until}").format(
            since=date_text(report["since"]), until=date_text(report["until"])
        )
    return _("entries up to {until}").format(until=date_text(report["until"]))


def coverage_view(report: dict[str, Any], lang: str) -> View:
    kinds = report["type_rows"]
    shorts = abbreviations([kind["label"] for kind in kinds])
    word = level_word(report["level"])
    lines = [
        _("As of {day} · {window} · by {level}").format(
            day=date_text(report["as_of"]), window=window_text(report), level=word
        )
    ]
    if report["within"]:
        lines.append(_("Places in {name}").format(name=report["within"]))
    total = len(report["places"])
    if total:
        reached = sum(1 for place in report["places"] if place["entries"])
        lines.append(
            _("{reached} of {total} ({level}) have had at least one of these activities.").format(
                reached=reached, total=total, level=word
            )
        )
    rows = []
    for place in report["places"]:
        row = {
            "id": place["id"],
            "name": place["name"],
            "parent": place["parent"]["name"] if place["parent"] else None,
            "entries": place["entries"],
            "last_date": place["last_date"],
        }
        row.update(place["quantities"])
        rows.append(row)
    columns = [
        Column("id", _("ID"), "id", detail=True),
        Column("name", _("Place"), "name", priority=ESSENTIAL, min_width=10),
        Column("parent", _("In"), "name", detail=True),
        *(
            Column(kind["code"], kind["label"], "quantity", short_header=short, gap_mark=GAP_MARK)
            for kind, short in zip(kinds, shorts, strict=True)
        ),
        Column("entries", _("Entries"), "int", priority=LOW),
        Column("last_date", _("Last activity"), "date", short_header=_("Last"), priority=3),
    ]
    if report["registry_size"]:
        empty = _("No place of this level ({level}) in the registry here.").format(level=word)
    else:
        empty = _("No places yet: add the communes with  campaign place add NAME --kind commune  or  "
                  "campaign place import FILE")
    grid = Section("places", "", columns, rows, empty=empty)
    names = {place["id"]: place["name"] for place in report["places"]}
    gaps = []
    untouched = [place["id"] for place in report["places"] if not place["entries"]]
    if untouched and total:
        gaps.append(_gap(None, _("none of these activities"), untouched, names))
    for kind in kinds:
        missing = report["uncovered"][kind["code"]]
        if missing:
            gaps.append(_gap(kind["code"], kind["label"], missing, names))
    uncovered = Section(
        "uncovered",
        _("Not reached yet"),
        [
            Column("type", _("Type"), "code", detail=True),
            Column("label", _("Activity"), "text", min_width=10, priority=ESSENTIAL),
            Column("missing", _("Places"), "int", priority=ESSENTIAL),
            Column("places", _("Where not yet"), "text", detail=True),
            Column("where", _("Where not yet"), "text", min_width=30, wrap=True, priority=ESSENTIAL, digest=True),
        ],
        gaps if total else [],
        empty=_("Every place has had every one of these activities.") if total else "",
    )
    footer = []
    if kinds and total:
        footer.append(
            _("Columns: {legend}; {mark} none yet.").format(
                legend="; ".join(f"{short} {kind['label']} ({kind['unit']})" for kind, short in zip(kinds, shorts,
                                                                                                     strict=True)),
                mark=GAP_MARK,
            )
        )
    if report["unplaced_entries"]:
        footer.append(
            ngettext(
                "{n} entry of these activities has no place of the registry: campaign place match links "
                "the ones whose text names a place.",
                "{n} entries of these activities have no place of the registry: campaign place match links "
                "the ones whose text names a place.",
                report["unplaced_entries"],
            ).format(n=report["unplaced_entries"])
        )
    if report["above_level_entries"]:
        footer.append(
            ngettext(
                "{n} entry was logged at a place above this level and counts for no {level}.",
                "{n} entries were logged at places above this level and count for no {level}.",
                report["above_level_entries"],
            ).format(n=report["above_level_entries"], level=word)
        )
    sections = [grid] + ([uncovered] if total else [])
    return View(data=coverage_data(report), title=_("Coverage by place"), heading=lines, sections=sections,
                footer=footer)
