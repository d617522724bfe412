"""History and undo, over the changesets every :class:`Transaction` records.

Each command's writes are one ``changeset`` (who, when, the command line) with
one ``change`` row per row written: table, id, action and the row's values
before and after, as JSON. ``history`` lists changesets with a summary built
from their change rows; ``undo`` reverts whole changesets.

Undo works like Ctrl-Z: ``undo`` reverts the newest changeset of the campaign
that is neither an undo nor already undone, so repeating it walks further
back. Reverting applies the changes backwards (an insert is deleted, an update
gets its old values back, a deleted row is put back with its old id), through
a new :class:`Transaction`, so the undo is itself in the history: its
changeset's ``undoes`` names the reverted one, whose ``undone_by`` is set (a
plain UPDATE of ``changeset``, which is not itself tracked).

Before touching a row, undo checks that it still holds exactly what the
change left in it. Rows are only ever changed by later changesets, which
``undo`` reverts first; so a difference means something changed it outside
the history (a cascade, a manual edit) and undo refuses with a Conflict,
changing nothing. ``undo N`` reverts N changesets in one transaction: all or
nothing. The changeset that created the campaign (``init``, ``import``) is
never undone: start over with a new database instead.

Which changesets belong to a campaign: those recorded with its id, plus the
one that created it (recorded before the campaign had an id).

``history --member M`` lists the changesets that touched member M: the member
row itself, and assignment and log-entry rows whose ``member_id`` was M before
or after the change. Tasks M leads are not followed further.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from campaign_cli.errors import CampaignError, Conflict, Invalid, NotFound
from campaign_cli.i18n import N_, NP_, _, pgettext
from campaign_cli.services.context import Context
from campaign_cli.storage.db import Transaction

#: DATE columns: history keeps them as ISO text; undo writes them back as dates.
DATE_COLUMNS = frozenset({"election_day", "start_date", "end_date", "due", "completed_on", "on_date"})

#: How tables are named in summaries (singular, plural).
TABLE_NAMES = {
    "campaign": (N_("campaign"), N_("campaigns")),
    "phase": (N_("phase"), N_("phases")),
    "unit": (N_("unit"), N_("units")),
    "member": (N_("member"), N_("members")),
    "activity_type": (N_("activity type"), N_("activity types")),
    "task": (N_("task"), N_("tasks")),
    "assignment": (N_("assignment"), N_("assignments")),
    "activity": (N_("log entry"), N_("log entries")),
}
ACTION_WORDS = {"insert": N_("added"), "update": N_("updated"), "delete": N_("removed")}
#: Columns named in "task 12 updated: status todo→done": as stored in English, in words in Vietnamese
#: (``pgettext("field", column)``); listed here for the message catalog.
FIELD_WORDS = (
    NP_("field", "name"), NP_("field", "locality"), NP_("field", "level"), NP_("field", "election_day"),
    NP_("field", "lang"), NP_("field", "issuing_body"), NP_("field", "signer"), NP_("field", "place"),
    NP_("field", "number"), NP_("field", "start_date"), NP_("field", "end_date"), NP_("field", "short"),
    NP_("field", "role"), NP_("field", "title"), NP_("field", "unit_id"), NP_("field", "phone"),
    NP_("field", "email"), NP_("field", "code"), NP_("field", "label_vi"), NP_("field", "label_en"),
    NP_("field", "unit"), NP_("field", "phase_id"), NP_("field", "type_id"), NP_("field", "due"),
    NP_("field", "target"), NP_("field", "unit_of_measure"), NP_("field", "themes"), NP_("field", "status"),
    NP_("field", "reason"), NP_("field", "completed_on"), NP_("field", "on_date"), NP_("field", "quantity"),
    NP_("field", "task_id"), NP_("field", "member_id"), NP_("field", "note"),
    NP_("field", "parent_body"), NP_("field", "symbol"), NP_("field", "signer_id"), NP_("field", "parent_id"),
)  # fmt: skip

DEFAULT_LIMIT = 50
_SUMMARY_PARTS = 4
_SUMMARY_FIELDS = 4
_VALUE_WIDTH = 40
_CHUNK = 500

CHANGESET_COLUMNS = "c.id, c.at, c.actor, c.command, c.undoes, c.undone_by"


# -- which changesets -------------------------------------------------------
def _scope(campaign_id: int) -> tuple[str, list[Any]]:
    """SQL condition on changeset ``c``: the campaign's changesets."""
    return (
        "(c.campaign_id = ? OR (c.campaign_id IS NULL AND c.id IN (SELECT changeset_id FROM change "
        "WHERE table_name = 'campaign' AND action = 'insert' AND row_id = ?)))",
        [campaign_id, campaign_id],
    )


def _member_condition(member_id: int) -> tuple[str, list[Any]]:
    """Changesets touching a member: its row, or assignments/log entries naming it.

    ``change`` keeps rows as JSON written with sorted keys and ``": "``
    separators (``Transaction._record``), so ``"member_id": 12`` followed by
    ``,`` or ``}`` is an exact, portable LIKE test (no JSON functions needed).
    """
    key = '%"member\\_id": ' + str(member_id)
    patterns = [key + ",%", key + "}%"]
    json_test = " OR ".join(
        f"{column} LIKE ? ESCAPE '\\'" for column in ("before_json", "after_json") for _pattern in patterns
    )
    return (
        "c.id IN (SELECT changeset_id FROM change WHERE (table_name = 'member' AND row_id = ?) "
        f"OR (table_name IN ('assignment', 'activity') AND ({json_test})))",
        [member_id, *patterns, *patterns],
    )


def utc_start_of(day: dt.date) -> str:
    """Local midnight of ``day`` as the UTC ISO text ``changeset.at`` holds."""
    local = dt.datetime.combine(day, dt.time.min).astimezone()
    return local.astimezone(dt.UTC).isoformat(timespec="seconds")


def _member_id(ctx: Context, ref: str) -> int:
    text = ref.strip().lstrip("#")
    if text.isdigit():
        # An id works even for a member removed since: history is about the past.
        return int(text)
    from campaign_cli.services import lookup

    return lookup.member(ctx, ref)["id"]


def list_history(
    ctx: Context,
    *,
    since: dt.date | None = None,
    member: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    """The campaign's changesets, newest first, each with a one-line summary.

    ``limit`` None or 0 lists them all.
    """
    if limit is not None and limit < 0:
        raise Invalid(_("--limit must be 0 (all) or more"))
    where, params = _scope(ctx.campaign_id)
    conditions = [where]
    if since is not None:
        conditions.append("c.at >= ?")
        params.append(utc_start_of(since))
    if member is not None:
        condition, extra = _member_condition(_member_id(ctx, member))
        conditions.append(condition)
        params.extend(extra)
    sql = (
        f"SELECT {CHANGESET_COLUMNS}, COUNT(ch.id) AS changes FROM changeset c "
        f"LEFT JOIN change ch ON ch.changeset_id = c.id WHERE {' AND '.join(conditions)} "
        "GROUP BY c.id, c.at, c.actor, c.command, c.undoes, c.undone_by ORDER BY c.id DESC"
    )
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    rows = ctx.db.dicts(sql, params)
    summaries = summarise(ctx.db, [row["id"] for row in rows])
    for row in rows:
        row["summary"] = summaries.get(row["id"], "")
        if row["undoes"] is not None:
            row["summary"] = _("undo of #{id}: {summary}").format(id=row["undoes"], summary=row["summary"])
    return [
        {
            "id": row["id"],
            "at": row["at"],
            "actor": row["actor"],
            "command": row["command"],
            "summary": row["summary"],
            "changes": row["changes"],
            "undoes": row["undoes"],
            "undone_by": row["undone_by"],
        }
        for row in rows
    ]


# -- summaries --------------------------------------------------------------
def summarise(db, changeset_ids: list[int]) -> dict[int, str]:
    """``task 12 updated: status todo→done; 3 log entries added`` per changeset.

    Counted in SQL per (table, action); only groups of one row are loaded and
    described in detail, so an import of 10,000 rows costs one GROUP BY.
    """
    groups: dict[int, list[dict[str, Any]]] = {}
    single_ids: list[int] = []
    for chunk in _chunks(changeset_ids):
        marks = ", ".join("?" for _id in chunk)
        for group in db.dicts(
            "SELECT changeset_id, table_name, action, COUNT(*) AS n, MIN(id) AS first FROM change "
            f"WHERE changeset_id IN ({marks}) GROUP BY changeset_id, table_name, action",
            chunk,
        ):
            groups.setdefault(group["changeset_id"], []).append(group)
            if group["n"] == 1:
                single_ids.append(group["first"])
    details: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(single_ids):
        marks = ", ".join("?" for _id in chunk)
        for change in db.dicts(
            f"SELECT id, table_name, row_id, action, before_json, after_json FROM change WHERE id IN ({marks})", chunk
        ):
            details[change["id"]] = change
    summaries = {}
    for changeset_id, parts in groups.items():
        parts.sort(key=lambda group: group["first"])
        texts = []
        for group in parts:
            if group["n"] == 1 and group["first"] in details:
                texts.append(describe_change(details[group["first"]]))
            else:
                texts.append(
                    _("{count} {things} {action}").format(
                        count=group["n"],
                        things=_(TABLE_NAMES.get(group["table_name"], (group["table_name"],) * 2)[1]),
                        action=_(ACTION_WORDS.get(group["action"], group["action"])),
                    )
                )
        if len(texts) > _SUMMARY_PARTS:
            texts = [*texts[:_SUMMARY_PARTS], "…"]
        summaries[changeset_id] = "; ".join(texts)
    return summaries


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _loads(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def thing(table: str, row_id: int, values: dict[str, Any] | None) -> str:
    """How users name a row: ``phase 2`` (by number), ``activity type poster``, ``task 12``."""
    values = values or {}
    name = _(TABLE_NAMES.get(table, (table,))[0])
    if table == "phase" and values.get("number") is not None:
        return f"{name} {values['number']}"
    if table == "activity_type" and values.get("code"):
        return f"{name} {values['code']}"
    return f"{name} {row_id}"


def _label(values: dict[str, Any]) -> str | None:
    for key in ("name", "title", "label_vi", "note"):
        if values.get(key):
            return values[key]
    return None


def _show(name: str, value: Any) -> str:
    if value is None:
        return "∅"
    if name == "status" and isinstance(value, str):
        return pgettext("status", value)  # the code in English, words in Vietnamese
    if name in DATE_COLUMNS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if isinstance(value, str):
        if len(text) > _VALUE_WIDTH:
            text = text[: _VALUE_WIDTH - 1] + "…"
        return f'"{text}"' if (not text or " " in text) else text
    return text


def describe_change(change: dict[str, Any]) -> str:
    """One change in words: ``task 12 updated: status todo→done``."""
    table, row_id, action = change["table_name"], change["row_id"], change["action"]
    before, after = _loads(change["before_json"]), _loads(change["after_json"])
    if table == "assignment":
        values = after or before or {}
        if values.get("member_id") is not None:
            party = _("member {id}").format(id=values["member_id"])
        else:
            party = _("unit {id}").format(id=values.get("unit_id"))
        if action in ("insert", "delete"):
            role = values.get("role")
            return _("task {task}: {party} {action} as {role}").format(
                task=values.get("task_id"), party=party, action=_(ACTION_WORDS[action]), role=_(role) if role else role
            )
    subject = thing(table, row_id, after or before)
    verb = _(ACTION_WORDS.get(action, action))
    if action == "update" and before is not None and after is not None:
        fields = [
            f"{pgettext('field', key)} {_show(key, before.get(key))}→{_show(key, after.get(key))}"
            for key in after
            if key != "id" and not key.endswith("_folded") and before.get(key) != after.get(key)
        ]
        more = len(fields) - _SUMMARY_FIELDS
        if more > 0:
            fields = [*fields[:_SUMMARY_FIELDS], _("+{n} more").format(n=more)]
        return f"{subject} {verb}: {', '.join(fields)}" if fields else f"{subject} {verb}"
    label = _label(after or before or {})
    if label:
        return f"{subject} {verb}: {_show('label', label)}"
    return f"{subject} {verb}"


# -- undo -------------------------------------------------------------------
def undo(ctx: Context, count: int = 1) -> list[dict[str, Any]]:
    """Revert the last ``count`` changesets (newest first), in one transaction.

    Returns, per reverted changeset: its id, command and summary, and the id
    of the changeset that records the undo.
    """
    if count < 1:
        raise Invalid(_("undo needs a number of changes of 1 or more"))
    done: list[dict[str, Any]] = []
    with ctx.transaction() as outer:
        where, params = _scope(ctx.campaign_id)
        targets = ctx.db.dicts(
            f"SELECT {CHANGESET_COLUMNS} FROM changeset c WHERE {where} AND c.undoes IS NULL "
            "AND c.undone_by IS NULL ORDER BY c.id DESC LIMIT ?",
            [*params, count],
        )
        _check_targets(ctx, targets, count)
        summaries = summarise(ctx.db, [target["id"] for target in targets])
        for target in targets:
            # One changeset per undone changeset, all in this one transaction.
            tx = Transaction(ctx.db, actor=ctx.actor, command=ctx.command, campaign_id=ctx.campaign_id)
            undo_id = tx._changeset()
            changes = ctx.db.dicts(
                "SELECT id, table_name, row_id, action, before_json, after_json FROM change "
                "WHERE changeset_id = ? ORDER BY id DESC",
                (target["id"],),
            )
            for change in changes:
                _revert(ctx, tx, target, change)
            # Rows put back with their old ids: the commit moves PostgreSQL's sequences past them.
            outer.explicit_ids |= tx.explicit_ids
            ctx.db.execute("UPDATE changeset SET undoes = ? WHERE id = ?", (target["id"], undo_id))
            ctx.db.execute("UPDATE changeset SET undone_by = ? WHERE id = ?", (undo_id, target["id"]))
            done.append(
                {
                    "id": target["id"],
                    "command": target["command"],
                    "summary": summaries.get(target["id"], ""),
                    "undo_id": undo_id,
                }
            )
    ctx._campaign = None
    return done


def _creates_campaign(ctx: Context, changeset_id: int) -> bool:
    return bool(
        ctx.db.scalar(
            "SELECT 1 FROM change WHERE changeset_id = ? AND table_name = 'campaign' AND action = 'insert'",
            (changeset_id,),
        )
    )


def _check_targets(ctx: Context, targets: list[dict[str, Any]], count: int) -> None:
    for position, target in enumerate(targets):
        if _creates_campaign(ctx, target["id"]):
            if position == 0:
                raise Conflict(
                    _(
                        "nothing left to undo: #{id} ({command}) created the campaign, which cannot be undone; "
                        "to start over, use a new database (campaign --db NEW.db init ...)"
                    ).format(id=target["id"], command=target["command"])
                )
            raise Conflict(
                _(
                    "only {n} change(s) can be undone: the one before them, #{id} ({command}), created the "
                    "campaign and cannot be undone; run  campaign undo {n}"
                ).format(n=position, id=target["id"], command=target["command"])
            )
    if not targets:
        raise NotFound(_("nothing to undo: this campaign has no recorded changes"))
    if len(targets) < count:
        raise Conflict(
            _("only {n} change(s) can be undone, not {count}: run  campaign undo {n}").format(
                n=len(targets), count=count
            )
        )


def _normal(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _differences(current: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Columns whose current value is not what the change left there."""
    return [
        key
        for key, value in expected.items()
        if key in current and _normal(current[key]) != value
    ]


def _for_storage(values: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """Values from the JSON history as the database takes them (dates as dates)."""
    stored = {}
    for key, value in values.items():
        if key not in columns:  # a column a later migration dropped
            continue
        if key in DATE_COLUMNS and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        stored[key] = value
    return stored


def _revert(ctx: Context, tx: Transaction, target: dict[str, Any], change: dict[str, Any]) -> None:
    table, row_id, action = change["table_name"], change["row_id"], change["action"]
    before, after = _loads(change["before_json"]), _loads(change["after_json"])
    columns = tx._table_columns(table)  # cached per table
    current = ctx.db.one(f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (row_id,))
    what = thing(table, row_id, after or before)

    def conflict(reason: str) -> Conflict:
        return Conflict(
            _("cannot undo #{id} ({command}): {what} {reason}; nothing was undone").format(
                id=target["id"], command=target["command"], what=what, reason=reason
            )
        )

    if action in ("insert", "update"):
        if current is None:
            raise conflict(_("has been removed since, outside the history"))
        changed = _differences(current, after or {})
        if changed:
            fields = ", ".join(changed)
            raise conflict(_("has been changed since, outside the history ({fields})").format(fields=fields))
    elif action == "delete":
        if current is not None:
            raise conflict(_("exists again, outside the history"))
    else:
        raise conflict(_("has an unknown kind of change {action!r}").format(action=action))
    try:
        if action == "insert":
            tx.delete(table, row_id)
        elif action == "update":
            old = {key: value for key, value in (before or {}).items() if key != "id"}
            tx.update(table, row_id, _for_storage(old, columns))
        else:
            tx.restore(table, _for_storage(before or {}, columns))
    except CampaignError as exc:  # a constraint: something refers to the row, or took its place
        raise conflict(_("cannot be put back ({error})").format(error=exc.message)) from None
