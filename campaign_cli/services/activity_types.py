"""Activity types: what a log entry counts (posters, broadcasts, ...) and in which unit.

Every campaign starts with the seeded types of CLI.md, whose codes scripts rely
on; users add their own. A code is lower-case ASCII letters, digits and
hyphens (``candidate-info``); the Vietnamese label is what people type instead
(``áp phích``, ``ap phich``), so no two types may share a label.
"""

from __future__ import annotations

import re
from typing import Any

from campaign_cli.errors import Conflict, Invalid
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.campaigns import SEED_ACTIVITY_TYPES, activity_type_values
from campaign_cli.services.context import Context
from campaign_cli.services.text import fold
from campaign_cli.storage.db import Transaction

CODE_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", re.ASCII)
CODE_MAX_LEN = 32
SEED_CODES = frozenset(code for code, *_rest in SEED_ACTIVITY_TYPES)
TYPE_COLUMNS = "id, code, label_vi, label_en, unit"


def list_types(ctx: Context) -> list[dict[str, Any]]:
    """Every type of the campaign by code, with how many log entries use it."""
    return ctx.db.dicts(
        "SELECT t.id, t.code, t.label_vi, t.label_en, t.unit, COUNT(a.id) AS entries "
        "FROM activity_type t LEFT JOIN activity a ON a.type_id = t.id "
        "WHERE t.campaign_id = ? GROUP BY t.id, t.code, t.label_vi, t.label_en, t.unit ORDER BY t.code",
        (ctx.campaign_id,),
    )


def get_type(ctx: Context, type_id: int) -> dict[str, Any]:
    return ctx.db.one(f"SELECT {TYPE_COLUMNS} FROM activity_type WHERE id = ?", (type_id,))


def clean_code(code: str) -> str:
    """A new code as typed, lower-cased; Invalid unless letters, digits and hyphens."""
    value = (code or "").strip().lower()
    if not value:
        raise Invalid(_("the type code may not be empty: use e.g. loudspeaker"))
    if len(value) > CODE_MAX_LEN or not CODE_PATTERN.fullmatch(value):
        raise Invalid(
            _(
                "invalid type code {code!r}: use up to {max} lower-case letters a-z, digits and hyphens, "
                "starting with a letter, e.g. led-screen"
            ).format(code=code, max=CODE_MAX_LEN)
        )
    return value


def create_type(ctx: Context, tx: Transaction, *, code: str, label_vi: str, label_en: str = "", unit: str) -> int:
    """Validate and insert one activity type inside the caller's transaction."""
    code = clean_code(code)
    label_vi = validate.text(label_vi, "label", required=True, max_len=200)
    label_en = validate.text(label_en, "English label", max_len=200)
    unit = validate.text(unit, "unit", required=True, max_len=50)
    existing = ctx.db.one(
        "SELECT code, label_vi FROM activity_type WHERE campaign_id = ? AND code = ?", (ctx.campaign_id, code)
    )
    if existing:
        raise Conflict(
            _("type {code!r} already exists ({label}); change it with  campaign type edit {code}").format(
                code=code, label=existing["label_vi"]
            )
        )
    _check_label_free(ctx, label_vi)
    return tx.insert("activity_type", activity_type_values(ctx.campaign_id, code, label_vi, label_en, unit))


def add_type(ctx: Context, *, code: str, label_vi: str, label_en: str = "", unit: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        type_id = create_type(ctx, tx, code=code, label_vi=label_vi, label_en=label_en, unit=unit)
    return get_type(ctx, type_id)


def edit_type(
    ctx: Context,
    ref: str,
    *,
    code: str | None = None,
    label_vi: str | None = None,
    label_en: str | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    """Change labels or unit; a code may change only for a type users added."""
    if code is None and label_vi is None and label_en is None and unit is None:
        raise Invalid(_("nothing to change: give --code, --label, --label-en or --unit"))
    with ctx.transaction() as tx:
        row = lookup.activity_type(ctx, ref)
        new = {
            "code": row["code"],
            "label_vi": row["label_vi"],
            "label_en": row["label_en"],
            "unit": row["unit"],
        }
        if code is not None:
            new["code"] = clean_code(code)
            if new["code"] != row["code"]:
                if row["code"] in SEED_CODES:
                    raise Conflict(
                        _("{code!r} is a standard type code that scripts rely on; it cannot be renamed").format(
                            code=row["code"]
                        )
                    )
                if ctx.db.scalar(
                    "SELECT 1 FROM activity_type WHERE campaign_id = ? AND code = ?", (ctx.campaign_id, new["code"])
                ):
                    raise Conflict(_("type {code!r} already exists").format(code=new["code"]))
        if label_vi is not None:
            new["label_vi"] = validate.text(label_vi, "label", required=True, max_len=200)
            _check_label_free(ctx, new["label_vi"], ignore_id=row["id"])
        if label_en is not None:
            new["label_en"] = validate.text(label_en, "English label", max_len=200)
        if unit is not None:
            new["unit"] = validate.text(unit, "unit", required=True, max_len=50)
        values = activity_type_values(ctx.campaign_id, new["code"], new["label_vi"], new["label_en"], new["unit"])
        del values["campaign_id"]
        tx.update("activity_type", row["id"], values)
    return get_type(ctx, row["id"])


def remove_type(ctx: Context, ref: str) -> dict[str, Any]:
    """Remove a type nothing uses yet (no log entry, no task)."""
    with ctx.transaction() as tx:
        row = lookup.activity_type(ctx, ref)
        entries = ctx.db.scalar("SELECT COUNT(*) FROM activity WHERE type_id = ?", (row["id"],))
        tasks = ctx.db.scalar("SELECT COUNT(*) FROM task WHERE type_id = ?", (row["id"],))
        if entries or tasks:
            raise Conflict(
                _(
                    "type {code!r} is still in use (log entries: {entries}, tasks: {tasks}); "
                    "change or remove those first, e.g. see  campaign log list --type {code}"
                ).format(code=row["code"], entries=entries, tasks=tasks)
            )
        tx.delete("activity_type", row["id"])
    return row


def _check_label_free(ctx: Context, label_vi: str, ignore_id: int | None = None) -> None:
    """Labels are references too (``--type "ap phich"``): two equal ones could never be told apart."""
    folded = fold(label_vi)
    for other in ctx.db.dicts(
        "SELECT id, code, label_vi FROM activity_type WHERE campaign_id = ?", (ctx.campaign_id,)
    ):
        if other["id"] != ignore_id and fold(other["label_vi"]) == folded:
            raise Conflict(
                _("type {code!r} already has the label {label!r}; choose another label").format(
                    code=other["code"], label=other["label_vi"]
                )
            )
