"""Coverage by place: which communes (or villages) have had which activity, and where not yet.

The chair's question in the peak weeks is "where not yet": the plan asks that
propaganda reach every grassroots unit. Every figure here comes from one SQL
aggregate of the log per place and activity type (the index
``ix_activity_place`` answers it without reading the entries), rolled up in
Python over those groups, never over entries:

- an entry at a village counts for its commune (a place counts for its
  ancestor at the level asked for); an entry at a place above the level (the
  district itself, or a commune when counting villages) counts for none;
- as of a day: entries dated after the as-of date do not count, and the
  window ends there whatever ``until`` says;
- an entry with no place of the registry (free text, or none) is counted in
  ``unplaced_entries``; ``campaign place match`` links those whose text names
  a place.

A type is *behind* (``status``) when a task of that type that has begun
(its phase started by the as-of date, not cancelled) names places, and some
of them have not had the type yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from campaign_cli.errors import Invalid
from campaign_cli.i18n import _
from campaign_cli.services import lookup
from campaign_cli.services.context import Context
from campaign_cli.services.dates import coerce_date
from campaign_cli.services.places import Registry, default_level
from campaign_cli.services.reports import JSON_SCHEMA_VERSION, number

#: The activity types that are done at a place, in the order the grid shows them.
DEFAULT_TYPES = (
    "conference", "seminar", "slogan", "banner", "panel", "poster", "leaflet", "flag", "vehicle", "broadcast",
)  # fmt: skip
LEVELS = ("commune", "village")
#: The report's JSON keys (issue 16), in order.
COVERAGE_KEYS = ("schema_version", "as_of", "since", "until", "level", "types", "places", "uncovered",
                 "unplaced_entries")  # fmt: skip


def _label_column(lang: str | None) -> str:
    if lang is None:
        from campaign_cli import i18n

        lang = i18n.current_language()
    return "label_vi" if lang == "vi" else "label_en"


def chosen_types(ctx: Context, refs: list[str] | None = None, *, lang: str | None = None) -> list[dict[str, Any]]:
    """The activity types asked for (codes or labels), else the default ones the campaign has."""
    label = _label_column(lang)
    if refs:
        rows = []
        for ref in refs:
            row = lookup.activity_type(ctx, ref)
            if row["id"] not in (chosen["id"] for chosen in rows):
                rows.append(row)
        ids = [row["id"] for row in rows]
        found = {
            row["id"]: row
            for row in ctx.db.dicts(
                f"SELECT id, code, {label} AS label, unit FROM activity_type WHERE id IN ({_marks(ids)})", ids
            )
        }
        return [found[type_id] for type_id in ids]
    rows = ctx.db.dicts(
        f"SELECT id, code, {label} AS label, unit FROM activity_type WHERE campaign_id = ? "
        f"AND code IN ({_marks(DEFAULT_TYPES)})",
        (ctx.campaign_id, *DEFAULT_TYPES),
    )
    return sorted(rows, key=lambda row: DEFAULT_TYPES.index(row["code"]))


def _marks(values) -> str:
    return ", ".join("?" for _value in values)


def _groups(
    ctx: Context, type_ids: list[int], since: dt.date | None, until: dt.date
) -> list[tuple[int, int, int, float, dt.date]]:
    """(place, type, entries, quantity, last day) of the placed entries of these types in the window."""
    if not type_ids:
        return []
    where = f"a.campaign_id = ? AND a.place_id IS NOT NULL AND a.type_id IN ({_marks(type_ids)}) AND a.on_date <= ?"
    params: list[Any] = [ctx.campaign_id, *type_ids, until]
    if since is not None:
        where += " AND a.on_date >= ?"
        params.append(since)
    # ``last`` stays as the database gives it (ISO text or a date: either compares in order); the
    # callers convert the few they show, not the thousands of groups
    return [
        (place_id, type_id, int(entries), float(quantity or 0), last)
        for place_id, type_id, entries, quantity, last in ctx.db.rows(
            "SELECT a.place_id, a.type_id, COUNT(*), SUM(a.quantity), MAX(a.on_date) FROM activity a "
            f"WHERE {where} GROUP BY a.place_id, a.type_id",
            params,
        )
    ]


def _unplaced(ctx: Context, type_ids: list[int], since: dt.date | None, until: dt.date) -> int:
    if not type_ids:
        return 0
    where = f"a.campaign_id = ? AND a.place_id IS NULL AND a.type_id IN ({_marks(type_ids)}) AND a.on_date <= ?"
    params: list[Any] = [ctx.campaign_id, *type_ids, until]
    if since is not None:
        where += " AND a.on_date >= ?"
        params.append(since)
    return int(ctx.db.scalar(f"SELECT COUNT(*) FROM activity a WHERE {where}", params) or 0)


def _window(ctx: Context, since: dt.date | None, until: dt.date | None) -> dt.date:
    """The last day counted: ``until``, never after the as-of date."""
    if since is not None and until is not None and since > until:
        raise Invalid(_("the start date {since} is after the end date {until}: swap them").format(
            since=since.strftime("%d/%m/%Y"), until=until.strftime("%d/%m/%Y")))
    last = ctx.today if until is None else min(until, ctx.today)
    if since is not None and since > ctx.today:
        raise Invalid(_("--since {since} is after the as-of date {today}: nothing is logged yet then").format(
            since=since.strftime("%d/%m/%Y"), today=ctx.today.strftime("%d/%m/%Y")))
    return last


def places_at_level(reg: Registry, level: str, within: str | None = None, *, ordered: bool = True) -> list[Any]:
    """The places of ``level`` (under ``within``, or ``within`` itself), in tree order when ``ordered``."""
    if not ordered and not within:
        return [place for place in reg.places.values() if place.kind == level]
    roots = None
    if within:
        root = reg.find(within)
        roots = [root.id]
    return [place for place, _depth in reg.tree_order(roots) if place.kind == level]


def coverage_report(
    ctx: Context,
    *,
    types: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    level: str | None = None,
    within: str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """The grid: places of the level × activity types, quantities, last day, gaps (module docstring)."""
    level = level or default_level(ctx)
    if level not in LEVELS:
        raise Invalid(_("--level: {value!r} is not one of {levels}").format(value=level, levels=", ".join(LEVELS)))
    last_day = _window(ctx, since, until)
    kinds = chosen_types(ctx, types, lang=lang)
    reg = Registry(ctx)
    rows = places_at_level(reg, level, within)
    shown = {place.id for place in rows}
    by_id = {kind["id"]: kind for kind in kinds}
    cells: dict[int, dict[int, list]] = {place.id: {} for place in rows}
    inside = None
    if within:
        root = reg.find(within).id
        inside = {root, *reg.descendants(root)}
    above = 0
    for place_id, type_id, entries, quantity, last in _groups(ctx, list(by_id), since, last_day):
        if place_id not in reg.places:
            continue
        target = reg.at_level(place_id, level)
        if target is None:
            if inside is None or place_id in inside:
                above += entries
            continue
        if target not in shown:
            continue
        cell = cells[target].setdefault(type_id, [0, 0.0, None])
        cell[0] += entries
        cell[1] += quantity
        cell[2] = last if cell[2] is None or last > cell[2] else cell[2]
    places = []
    uncovered: dict[str, list[int]] = {kind["code"]: [] for kind in kinds}
    for place in rows:
        parent = reg.places.get(place.parent_id) if place.parent_id else None
        own = cells[place.id]
        quantities = {kind["code"]: number(own.get(kind["id"], (0, 0.0))[1]) for kind in kinds}
        missing = [kind["code"] for kind in kinds if kind["id"] not in own]
        for code in missing:
            uncovered[code].append(place.id)
        days = [cell[2] for cell in own.values() if cell[2] is not None]
        places.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "parent": {"id": parent.id, "name": parent.name} if parent else None,
                "quantities": quantities,
                "entries": sum(cell[0] for cell in own.values()),
                "last_date": coerce_date(max(days)) if days else None,
                "missing": missing,
            }
        )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "as_of": ctx.today,
        "since": since,
        "until": last_day,
        "level": level,
        "types": [kind["code"] for kind in kinds],
        "places": places,
        "uncovered": uncovered,
        "unplaced_entries": _unplaced(ctx, list(by_id), since, last_day),
        # for people (not in the JSON): labels and units of the types, what the grid leaves out
        "type_rows": [{"code": kind["code"], "label": kind["label"], "unit": kind["unit"]} for kind in kinds],
        "above_level_entries": above,
        "within": reg.find(within).name if within else None,
        "registry_size": len(reg),
    }


# -- coverage in the everyday reports -----------------------------------------------------------
def _task_places(ctx: Context, reg: Registry, level: str, type_ids: list[int]) -> dict[int, set[int]]:
    """type -> the places of ``level`` named by its begun tasks (a place above the level: all under it)."""
    if not type_ids:
        return {}
    expected: dict[int, set[int]] = {}
    for type_id, place_id in ctx.db.rows(
        "SELECT DISTINCT t.type_id, tp.place_id FROM task t JOIN task_place tp ON tp.task_id = t.id "
        "JOIN phase p ON p.id = t.phase_id WHERE t.campaign_id = ? AND t.status <> 'cancelled' "
        f"AND p.start_date <= ? AND t.type_id IN ({_marks(type_ids)})",
        (ctx.campaign_id, ctx.today, *type_ids),
    ):
        if place_id not in reg.places:
            continue
        target = reg.at_level(place_id, level)
        places = {target} if target is not None else {
            child for child in reg.descendants(place_id) if reg.places[child].kind == level
        }
        expected.setdefault(type_id, set()).update(places)
    return expected


def status_coverage(ctx: Context, *, lang: str | None = None) -> dict[str, Any] | None:
    """``places_covered`` of the status report; None when the registry has no place of the level.

    For each default type: ``places`` the places it is expected at (those its
    begun tasks name; without such a task, every place of the level),
    ``covered`` how many of them have had it by the as-of date, ``behind``
    when a begun task names places that have not had it yet.
    """
    level = default_level(ctx)
    reg = Registry(ctx)
    rows = places_at_level(reg, level, ordered=False)  # only counted here
    if not rows:
        return None
    everywhere = {place.id for place in rows}
    kinds = chosen_types(ctx, lang=lang)
    reached: dict[int, set[int]] = {}
    for place_id, type_id, _entries, _quantity, _last in _groups(ctx, [kind["id"] for kind in kinds], None,
                                                                  ctx.today):
        target = reg.at_level(place_id, level) if place_id in reg.places else None
        if target in everywhere:
            reached.setdefault(type_id, set()).add(target)
    expected = _task_places(ctx, reg, level, [kind["id"] for kind in kinds])
    types = []
    for kind in kinds:
        wanted = expected.get(kind["id"]) or everywhere
        covered = len(reached.get(kind["id"], set()) & wanted)
        types.append(
            {
                "type": kind["code"],
                "label": kind["label"],
                "covered": covered,
                "places": len(wanted),
                "behind": bool(expected.get(kind["id"])) and covered < len(wanted),
            }
        )
    return {"level": level, "places": len(everywhere), "types": types}


def week_by_place(ctx: Context, first: dt.date, last: dt.date, *, lang: str | None = None) -> dict[str, Any]:
    """``by_place`` of the weekly report: per place of the level with entries in the window, the quantity
    of each type in its unit; and the entries with no place. Every activity type counts here."""
    level = default_level(ctx)
    reg = Registry(ctx)
    if not reg:
        return {"rows": [], "unplaced_entries": 0, "level": level, "has_places": False}
    label = _label_column(lang)
    upto = min(last, ctx.today)
    kinds = {
        row["id"]: row
        for row in ctx.db.dicts(
            f"SELECT id, code, {label} AS label, unit FROM activity_type WHERE campaign_id = ?", (ctx.campaign_id,)
        )
    }
    result: dict[int, dict[int, list]] = {}
    if upto >= first:
        for place_id, type_id, entries, quantity, _last in _groups(ctx, list(kinds), first, upto):
            target = reg.at_level(place_id, level) if place_id in reg.places else None
            if target is None:
                target = place_id if place_id in reg.places else None
            if target is None:
                continue
            cell = result.setdefault(target, {}).setdefault(type_id, [0, 0.0])
            cell[0] += entries
            cell[1] += quantity
    order = {place.id: index for index, (place, _depth) in enumerate(reg.tree_order())}
    rows = []
    for place_id in sorted(result, key=lambda key: order.get(key, 0)):
        place = reg.places[place_id]
        activity = [
            {"type": kinds[type_id]["code"], "label": kinds[type_id]["label"], "unit": kinds[type_id]["unit"],
             "quantity": number(cell[1]), "entries": cell[0]}
            for type_id, cell in sorted(result[place_id].items())
        ]
        rows.append({"id": place.id, "name": place.name, "kind": place.kind,
                     "entries": sum(item["entries"] for item in activity), "activity": activity})
    unplaced = _unplaced(ctx, list(kinds), first, upto) if upto >= first else 0
    return {"rows": rows, "unplaced_entries": unplaced, "level": level, "has_places": True}


def document_coverage(ctx: Context, *, lang: str = "vi") -> dict[str, Any] | None:
    """For an official report: per default type, the places of the level that have had it by the
    as-of date and those that have not; the places with no activity at all. None without places."""
    report = coverage_report(ctx, lang=lang)
    if not report["places"]:
        return None
    names = {place["id"]: place["name"] for place in report["places"]}
    total = len(report["places"])
    rows = []
    for kind in report["type_rows"]:
        missing = report["uncovered"][kind["code"]]
        gone = set(missing)
        rows.append({"type": kind["code"], "label": kind["label"], "covered": total - len(missing),
                     "places": total, "missing": [names[place_id] for place_id in missing],
                     "reached": [name for place_id, name in names.items() if place_id not in gone]})
    untouched = [place["name"] for place in report["places"] if not place["entries"]]
    return {
        "as_of": report["as_of"],
        "level": report["level"],
        "places": total,
        "reached": total - len(untouched),
        "untouched": untouched,
        "types": rows,
        "unplaced_entries": report["unplaced_entries"],
    }


def task_places(ctx: Context, task_id: int) -> list[dict[str, Any]]:
    """The places a task covers, each with ``covered``: whether an entry of the task's type (or, for a
    task without one, an entry logged against it) was made there or below, from the task's phase start
    to the as-of date."""
    rows = ctx.db.dicts(
        "SELECT p.id, p.name, p.kind FROM task_place tp JOIN place p ON p.id = tp.place_id WHERE tp.task_id = ?",
        (task_id,),
    )
    if not rows:
        return []
    task = ctx.db.one(
        "SELECT t.type_id, ph.start_date FROM task t JOIN phase ph ON ph.id = t.phase_id WHERE t.id = ?", (task_id,)
    )
    which, params = ("a.type_id = ?", [task["type_id"]]) if task["type_id"] is not None else ("a.task_id = ?",
                                                                                             [task_id])
    reg = Registry(ctx)
    reached: set[int] = set()
    for (place_id,) in ctx.db.rows(
        f"SELECT DISTINCT a.place_id FROM activity a WHERE a.campaign_id = ? AND a.place_id IS NOT NULL AND {which} "
        "AND a.on_date >= ? AND a.on_date <= ?",
        (ctx.campaign_id, *params, coerce_date(task["start_date"]), ctx.today),
    ):
        if place_id in reg.places:
            reached.update({place_id, *(ancestor.id for ancestor in reg.ancestors(place_id))})
    from campaign_cli.services.text import collation_key

    return [
        {"id": row["id"], "name": row["name"], "kind": row["kind"], "covered": row["id"] in reached}
        for row in sorted(rows, key=lambda row: (collation_key(row["name"]), row["id"]))
    ]
