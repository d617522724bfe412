"""History, undo and redo, over the changesets every :class:`Transaction` records.

Each command's writes are one ``changeset`` (who, when, the command line) with
one ``change`` row per row written: table, id, action and the row's values
before and after, as JSON. ``history`` lists changesets with a summary built
from their change rows; ``undo`` and ``redo`` revert whole changesets.

Undo works like Ctrl-Z: ``undo`` reverts the newest changeset of the campaign
that is neither an undo nor already undone, so repeating it walks further
back. Reverting is recorded as a new changeset, so it is in the history: its
``undoes`` names the reverted one, whose ``undone_by`` is set (a plain UPDATE
of ``changeset``, which is not itself tracked). ``redo`` is the undo of an
undo (Ctrl-Y): it reverts the newest undo not yet reverted, which makes the
change again; an ``undo`` after it reverts the redo. Whether a changeset is an
undo or a redo follows from its chain of ``undoes`` (:func:`_kinds`).

Reverting is set-based: the change rows of a changeset are cut into runs of
one table and one action ("gaps and islands" in SQL), and each run is
reverted, newest run first, by a few statements whatever its size: inserted
rows deleted by one DELETE, updated rows set back by one UPDATE ... FROM,
deleted rows put back by one INSERT ... SELECT, the values read from the
change rows' JSON by the database itself (``storage.db.SqlJson``), and the
revert's own history written by INSERT ... SELECT. An undo of a 200,000-row
import is a handful of statements, not 600,000.

Before touching a run, undo checks, for all its rows in one query, that each
still holds exactly what the change left in it. Rows are only ever changed by
later changesets, which ``undo`` reverts first; so a difference means a later
change that is not reverted (a redo after new work) or something outside the
history (a cascade, a manual edit), and undo refuses with a Conflict naming
the row and the later change, changing nothing. Where a run cannot be written
all at once (two rows swapping a unique value), it is reverted row by row,
backwards, inside a savepoint. ``undo N`` reverts N changesets in one
transaction: all or nothing. The changeset that created the campaign
(``init``, ``import``) is never undone: start over with a new database
instead.

Which changesets belong to a campaign: those recorded with its id, plus the
one that created it (recorded before the campaign had an id).

``history --member M`` lists the changesets that touched member M: the member
row itself, and assignment and log-entry rows whose ``member_id`` was M before
or after the change (bulk imports of M's entries included). Tasks M leads are
not followed further.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from campaign_cli.errors import CampaignError, Conflict, Invalid, NotFound
from campaign_cli.i18n import N_, NP_, _, pgettext
from campaign_cli.services.context import Context
from campaign_cli.storage.db import TRACKED_TABLES, Transaction

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
        "(c.campaign_id = ? OR (c.campaign_id IS NULL AND EXISTS (SELECT 1 FROM change ch0 "
        "WHERE ch0.changeset_id = c.id AND ch0.table_name = 'campaign' AND ch0.action = 'insert' "
        "AND ch0.row_id = ?)))",
        [campaign_id, campaign_id],
    )


def _member_condition(member_id: int) -> tuple[str, list[Any]]:
    """Changesets touching a member: its row, or assignments/log entries naming it.

    ``change`` keeps rows as JSON objects, written by Python (``"member_id":
    12``), by PostgreSQL (the same) or by SQLite's ``json_object`` for bulk
    writes (``"member_id":12``); the key followed by the number and then
    ``,`` or ``}`` is an exact, portable LIKE test for each spelling, without
    parsing every change row's JSON.
    """
    patterns = [
        f'%"member\\_id":{space}{member_id}{end}%' for space in (" ", "") for end in (",", "}")
    ]
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
    kinds = _kinds(ctx)
    for row in rows:
        row["summary"] = summaries.get(row["id"], "")
        kind = kinds.get(row["id"], {}).get("kind", "change")
        row["kind"] = kind
        if kind == UNDO:
            row["summary"] = _("undo of #{id}: {summary}").format(id=row["undoes"], summary=row["summary"])
        elif kind == REDO:
            # A redo reverts an undo: name the change it brings back.
            redone = kinds[row["undoes"]]["undoes"]
            row["summary"] = _("redo of #{id}: {summary}").format(id=redone, summary=row["summary"])
        undoer = kinds.get(row["undone_by"]) if row["undone_by"] is not None else None
        row["redone_by"] = undoer["undone_by"] if undoer is not None and kind != UNDO else None
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
            "kind": row["kind"],
            "redone_by": row["redone_by"],
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


# -- undo and redo ------------------------------------------------------------
UNDO = "undo"
REDO = "redo"


def _kinds(ctx: Context) -> dict[int, dict[str, Any]]:
    """Every changeset that reverted another: its kind (``undo`` or ``redo``), what it reverted,
    and what reverted it in turn.

    An undo reverts a change (or a redo); a redo reverts an undo. Which one a
    changeset is follows from the chain of ``undoes`` back to the original
    change: odd steps away it is an undo, even steps a redo. Only changesets
    that reverted something are listed, so this stays small.
    """
    where, params = _scope(ctx.campaign_id)
    rows = ctx.db.rows(
        f"SELECT c.id, c.undoes, c.undone_by FROM changeset c WHERE {where} AND c.undoes IS NOT NULL", params
    )
    reverted = {row[0]: row[1] for row in rows}
    kinds: dict[int, dict[str, Any]] = {}
    for changeset_id, undoes, undone_by in rows:
        steps, current = 0, changeset_id
        while current in reverted:
            steps += 1
            current = reverted[current]
        kinds[changeset_id] = {"kind": UNDO if steps % 2 else REDO, "undoes": undoes, "undone_by": undone_by}
    return kinds


def _candidates(ctx: Context, direction: str, count: int, kinds: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``count`` newest changesets ``undo`` (a change or a redo) or ``redo`` (an undo) would revert."""
    where, params = _scope(ctx.campaign_id)
    if direction == UNDO:
        condition = ""
        wanted = lambda changeset_id: kinds.get(changeset_id, {}).get("kind") != UNDO  # noqa: E731
    else:
        condition = "AND c.undoes IS NOT NULL "
        wanted = lambda changeset_id: kinds.get(changeset_id, {}).get("kind") == UNDO  # noqa: E731
    # Changesets of the other kind are skipped; there are at most len(kinds) of them.
    rows = ctx.db.dicts(
        f"SELECT {CHANGESET_COLUMNS} FROM changeset c WHERE {where} AND c.undone_by IS NULL {condition}"
        "ORDER BY c.id DESC LIMIT ?",
        [*params, count + len(kinds)],
    )
    return [row for row in rows if wanted(row["id"])][:count]


def pending(ctx: Context, count: int = 1, direction: str = UNDO) -> list[dict[str, Any]]:
    """What ``undo``/``redo`` of ``count`` would revert, newest first, without changing anything.

    Each: id, at, actor, command and summary of the changeset to be reverted
    (for a redo: of the change it brings back). Raises the errors the real
    thing would (nothing to undo, not that many, the campaign's creation).
    """
    if count < 1:
        raise Invalid(_("give a number of changes of 1 or more"))
    kinds = _kinds(ctx)
    targets = _candidates(ctx, direction, count, kinds)
    _check_targets(ctx, targets, count, direction)
    shown = [_original(ctx, target, kinds) if direction == REDO else target for target in targets]
    summaries = summarise(ctx.db, [row["id"] for row in shown])
    return [
        {
            "id": row["id"],
            "at": row["at"],
            "actor": row["actor"],
            "command": row["command"],
            "summary": summaries.get(row["id"], ""),
            "reverts": target["id"],
        }
        for row, target in zip(shown, targets, strict=True)
    ]


def _original(ctx: Context, undo_row: dict[str, Any], kinds: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The changeset an undo reverted (what a redo of it brings back)."""
    row = ctx.db.one(f"SELECT {CHANGESET_COLUMNS} FROM changeset c WHERE c.id = ?", (undo_row["undoes"],))
    return row or undo_row


def undo(ctx: Context, count: int = 1, *, expected: list[int] | None = None) -> list[dict[str, Any]]:
    """Revert the last ``count`` changes (newest first), in one transaction; see :func:`revert_latest`."""
    return revert_latest(ctx, count, UNDO, expected=expected)


def redo(ctx: Context, count: int = 1, *, expected: list[int] | None = None) -> list[dict[str, Any]]:
    """Revert the last ``count`` undos (newest first): the changes they reverted are made again."""
    return revert_latest(ctx, count, REDO, expected=expected)


def revert_latest(
    ctx: Context, count: int, direction: str, *, expected: list[int] | None = None
) -> list[dict[str, Any]]:
    """Revert the newest ``count`` changesets of the direction's kind, all or nothing.

    Each reverted changeset gets one new changeset recording what the revert
    wrote (``undoes`` names the reverted one, whose ``undone_by`` is set).
    ``expected``: the ``reverts`` ids of what :func:`pending` showed the
    user; if the history moved on meanwhile (another office wrote), nothing
    is done.

    Returns, per reverted changeset, newest first: ``id`` and ``command`` of
    the change undone or redone, ``summary`` of what the revert did (in the
    words of ``history``), and ``changeset`` (the id of the revert's own
    changeset).
    """
    if count < 1:
        raise Invalid(_("give a number of changes of 1 or more"))
    done: list[dict[str, Any]] = []
    with ctx.transaction() as outer:
        kinds = _kinds(ctx)
        targets = _candidates(ctx, direction, count, kinds)
        _check_targets(ctx, targets, count, direction)
        if expected is not None and [target["id"] for target in targets] != list(expected):
            raise Conflict(
                _("the history changed while you were deciding (another change was made): nothing was {done}; "
                  "look at  campaign history  and run the command again").format(
                    done=_("undone") if direction == UNDO else _("redone"))
            )
        for target in targets:
            target["direction"] = direction
            target["shown"] = _original(ctx, target, kinds) if direction == REDO else target
            # One changeset per reverted changeset, all in this one transaction.
            tx = Transaction(ctx.db, actor=ctx.actor, command=ctx.command, campaign_id=ctx.campaign_id)
            revert_id = tx._changeset()
            _revert_changeset(ctx, tx, target)
            # Rows put back with their old ids: the commit moves PostgreSQL's sequences past them.
            outer.explicit_ids |= tx.explicit_ids
            ctx.db.execute("UPDATE changeset SET undoes = ? WHERE id = ?", (target["id"], revert_id))
            ctx.db.execute("UPDATE changeset SET undone_by = ? WHERE id = ?", (revert_id, target["id"]))
            done.append({"id": target["shown"]["id"], "command": target["shown"]["command"], "changeset": revert_id})
        summaries = summarise(ctx.db, [entry["changeset"] for entry in done])
        for entry in done:
            entry["summary"] = summaries.get(entry["changeset"], "")
    ctx._campaign = None
    return done


def _creates_campaign(ctx: Context, changeset_id: int) -> bool:
    return bool(
        ctx.db.scalar(
            "SELECT 1 FROM change WHERE changeset_id = ? AND table_name = 'campaign' AND action = 'insert'",
            (changeset_id,),
        )
    )


def _check_targets(ctx: Context, targets: list[dict[str, Any]], count: int, direction: str = UNDO) -> None:
    if direction == REDO:
        if not targets:
            raise NotFound(_("nothing to redo: no undo is waiting to be redone"))
        if len(targets) < count:
            raise Conflict(
                _("only {n} undo(s) can be redone, not {count}: run  campaign redo {n}").format(
                    n=len(targets), count=count
                )
            )
        return
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


# -- reverting one changeset, set by set --------------------------------------
#: The order rows may be removed in without breaking a reference: children first.
_REFERENCE_ORDER = TRACKED_TABLES


def _plan(db, changeset_id: int) -> list[dict[str, Any]]:
    """The groups of change rows to revert, in the order to revert them.

    A group is a run of consecutive change rows on one table with one action
    ("gaps and islands" over the change ids, in SQL): reverting the runs
    newest first, each as a whole, reverts the changeset exactly as reverting
    its rows one by one backwards would. A changeset that only inserted (an
    import, an add) or only deleted rows is reverted table by table instead,
    in the order references allow, so an import of many tasks with their
    assignments takes a few statements, not two per task.
    """
    groups = db.dicts(
        "SELECT table_name, action, MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM change "
        "WHERE changeset_id = ? GROUP BY table_name, action",
        (changeset_id,),
    )
    actions = {group["action"] for group in groups}
    tables = {group["table_name"] for group in groups}
    if len(actions) == 1 and actions <= {"insert", "delete"} and tables <= set(_REFERENCE_ORDER):
        order = sorted(groups, key=lambda group: _REFERENCE_ORDER.index(group["table_name"]))
        return order[::-1] if actions == {"insert"} else order
    if len(groups) == 1:
        return groups
    return db.dicts(
        "SELECT table_name, action, MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM ("
        "SELECT id, table_name, action, ROW_NUMBER() OVER (ORDER BY id) - "
        "ROW_NUMBER() OVER (PARTITION BY table_name, action ORDER BY id) AS run "
        "FROM change WHERE changeset_id = ?) r GROUP BY table_name, action, run ORDER BY MAX(id) DESC",
        (changeset_id,),
    )


def _revert_changeset(ctx: Context, tx: Transaction, target: dict[str, Any]) -> None:
    for group in _plan(ctx.db, target["id"]):
        _revert_group(ctx, tx, target, group)


def _revert_group(ctx: Context, tx: Transaction, target: dict[str, Any], group: dict[str, Any]) -> None:
    """Revert one group of change rows in a few statements, checking first that every row
    still holds what the change left in it."""
    table, action = group["table_name"], group["action"]
    where = "changeset_id = ? AND table_name = ? AND action = ? AND id BETWEEN ? AND ?"
    params = [target["id"], table, action, group["lo"], group["hi"]]
    # Conditions on change rows "ch": all of the group (inserts and deletes touch a row once),
    # or the last (first) change of each row (a row may be updated twice in one changeset).
    every = "ch.changeset_id = ? AND ch.table_name = ? AND ch.action = ? AND ch.id BETWEEN ? AND ?"
    last = f"ch.id IN (SELECT MAX(id) FROM change WHERE {where} GROUP BY row_id)"
    if action in ("insert", "update"):
        keys = _loads(_change(ctx, where, params)["after_json"]) or {}
        row_id = tx.first_mismatch(table, every if action == "insert" else last, params, "after_json", keys)
        if row_id is not None:
            raise _mismatch(ctx, tx, target, table, row_id, f"{where} AND row_id = ?", [*params, row_id])
    elif action == "delete":
        row_id = tx.first_present(table, every, params)
        if row_id is not None:
            change = _change(ctx, f"{where} AND row_id = ?", [*params, row_id])
            raise _conflict(ctx, target, change, _("exists again"), later=True)
    else:
        raise _conflict(ctx, target, _change(ctx, where, params),
                        _("has an unknown kind of change {action!r}").format(action=action))
    try:
        with tx.savepoint("revert_group"), _log_totals(ctx, table, every, params, group.get("n", 0)):
            count = group.get("n", 0)
            if action == "insert":
                tx.delete_rows(table, every, params, count)
            elif action == "update":
                first = f"ch.id IN (SELECT MIN(id) FROM change WHERE {where} GROUP BY row_id)"
                tx.update_rows(table, first, params, "before_json", count)
            else:
                keys = _loads(_change(ctx, where, params)["before_json"]) or {}
                tx.restore_rows(table, every, params, "before_json", keys, count)
    except CampaignError:
        # A rule the rows break only all at once (two rows swapping a unique value), or a
        # reference in the way: revert the rows one by one, backwards, which either works
        # or names the row and the reason.
        changes = ctx.db.dicts(
            "SELECT id, table_name, row_id, action, before_json, after_json FROM change "
            f"WHERE {where} ORDER BY id DESC",
            params,
        )
        for change in changes:
            _revert(ctx, tx, target, change)


def _log_totals(ctx: Context, table: str, every: str, params: list[Any], count: int):
    """Many log entries reverted at once: the log's totals follow set-based, not row by row.

    Inside the savepoint: if the group falls back to row-by-row reverting, rolling
    the savepoint back also undoes the triggers' suspension (SQLite: the dropped
    triggers; PostgreSQL: the transaction-local setting), so the rows that follow
    go through the triggers again.
    """
    from contextlib import nullcontext

    from campaign_cli.storage.db import BULK_TOTALS

    if table != "activity" or count < BULK_TOTALS:
        return nullcontext()
    from campaign_cli.storage import summary

    return summary.set_based(ctx.db, f"a.id IN (SELECT ch.row_id FROM change ch WHERE {every})", params)


def _change(ctx: Context, where: str, params: list[Any]) -> dict[str, Any]:
    """The newest change row matching ``where`` (for messages)."""
    return ctx.db.one(
        "SELECT id, changeset_id, table_name, row_id, action, before_json, after_json FROM change "
        f"WHERE {where} ORDER BY id DESC LIMIT 1",
        params,
    )


def _mismatch(
    ctx: Context, tx: Transaction, target: dict[str, Any], table: str, row_id: int, where: str, params: list[Any]
) -> Conflict:
    """Why the row does not hold what the change left in it, in words."""
    change = _change(ctx, where, params)
    columns = tx._table_columns(table)
    current = ctx.db.one(f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (row_id,))
    if current is None:
        return _conflict(ctx, target, change, _("has been removed since"), later=True)
    fields = ", ".join(_differences(current, _loads(change["after_json"]) or {}))
    return _conflict(ctx, target, change, _("has been changed since"), later=True, fields=fields)


def _later_change(ctx: Context, change: dict[str, Any]) -> dict[str, Any] | None:
    """The newest recorded changeset after ``change`` that touched the same row."""
    return ctx.db.one(
        "SELECT c.id, c.command FROM change ch JOIN changeset c ON c.id = ch.changeset_id "
        "WHERE ch.table_name = ? AND ch.row_id = ? AND ch.changeset_id > ? ORDER BY ch.id DESC LIMIT 1",
        (change["table_name"], change["row_id"], change["changeset_id"]),
    )


def _conflict(
    ctx: Context, target: dict[str, Any], change: dict[str, Any], reason: str, *, later: bool = False, fields: str = ""
) -> Conflict:
    what = thing(change["table_name"], change["row_id"], _loads(change["after_json"]) or _loads(change["before_json"]))
    if later:
        by = _later_change(ctx, change)
        if by is not None:
            reason = _("{reason} by #{id} ({command})").format(reason=reason, id=by["id"], command=by["command"])
        else:
            reason = _("{reason}, outside the history").format(reason=reason)
    if fields:
        reason = f"{reason} ({fields})"
    return _cannot(target, what, reason)


def _cannot(target: dict[str, Any], what: str, reason: str) -> Conflict:
    shown = target.get("shown", target)
    if target.get("direction") == REDO:
        message = _("cannot redo #{id} ({command}): {what} {reason}; nothing was redone")
    else:
        message = _("cannot undo #{id} ({command}): {what} {reason}; nothing was undone")
    return Conflict(message.format(id=shown["id"], command=shown["command"], what=what, reason=reason))


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
        return _cannot(target, what, reason)

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
