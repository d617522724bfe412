"""Who may read and change which campaign on a shared PostgreSQL server: ``campaign access``.

A grant gives a login role (or a group role: its members too) one campaign:
read-write or read-only. A role reads the campaigns it was granted and
every campaign below them (a province's role reads its communes), and
writes only those it was granted read-write. The server enforces it with
row-level security (``storage/security.py``), set up in the schema by the
first grant; this module checks the request, records the grant and gives
the role the table privileges its access needs (the policies then pick its
rows). Only the owner of the campaign tables (or a superuser) may grant or
revoke, as only they may change the tables' security.

Grants are not campaign data: they are not in the history and ``undo``
does not revert them (``access revoke`` does).
"""

from __future__ import annotations

from typing import Any

from campaign_cli.errors import Ambiguous, Invalid, NotFound, StorageError
from campaign_cli.i18n import _
from campaign_cli.services.context import Context, find_campaign
from campaign_cli.storage import security
from campaign_cli.storage.db import utc_now


def require_postgres(ctx: Context) -> None:
    if ctx.db.dialect != "postgresql":
        raise Invalid(
            _(
                "campaign access needs a PostgreSQL database (--db postgresql+psycopg://...): an SQLite file has no "
                "login roles; who may read or write it is up to its file permissions"
            )
        )


def _require_owner(ctx: Context) -> str:
    """The current schema; refuses anyone who may not change the tables' security."""
    row = ctx.db.one(
        "SELECT current_schema() AS schema, pg_get_userbyid(c.relowner) AS owner, "
        "pg_has_role(current_user, c.relowner, 'USAGE') AS may FROM pg_class c "
        "WHERE c.oid = to_regclass('campaign')"
    )
    if row is None:
        from campaign_cli.services.context import no_campaign_message

        raise StorageError(no_campaign_message(ctx.db))
    if not row["may"]:
        raise StorageError(
            _(
                "only the owner of the campaign tables ({owner}) may grant or revoke access: run the command "
                "as that role (see docs/postgresql.md)"
            ).format(owner=row["owner"])
        )
    return row["schema"]


def _role(ctx: Context, name: str) -> dict[str, Any]:
    """The server role ``name`` names: exactly, else ignoring case (CREATE ROLE folds to lower case)."""
    text = (name or "").strip()
    if not text:
        raise Invalid(_("give the name of a role on the server"))
    rows = ctx.db.dicts(
        "SELECT r.rolname AS name, r.rolsuper OR r.rolbypassrls AS bypass, r.rolcanlogin AS login, "
        "pg_has_role(r.oid, c.relowner, 'USAGE') AS owner "
        "FROM pg_roles r, pg_class c WHERE c.oid = to_regclass('campaign') AND lower(r.rolname) = lower(?) "
        "ORDER BY r.rolname",
        (text,),
    )
    exact = [row for row in rows if row["name"] == text]
    if exact:
        return exact[0]
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise NotFound(
            _(
                "there is no role {name!r} on this server: create it first, e.g.  CREATE ROLE {name} LOGIN "
                "PASSWORD '...'  (see docs/postgresql.md)"
            ).format(name=text)
        )
    raise Ambiguous(
        _("{name!r} matches several roles: {names}; give it exactly").format(
            name=text, names=", ".join(row["name"] for row in rows)
        )
    )


def _campaign_tree(ctx: Context) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in ctx.db.dicts("SELECT id, name, level, parent_id FROM campaign ORDER BY id")}


def _below(tree: dict[int, dict[str, Any]], campaign_id: int) -> list[dict[str, Any]]:
    """The campaign and every campaign under it, in id order."""
    wanted, changed = {campaign_id}, True
    while changed:
        changed = False
        for row in tree.values():
            if row["parent_id"] in wanted and row["id"] not in wanted:
                wanted.add(row["id"])
                changed = True
    return [tree[key] for key in sorted(wanted) if key in tree]


def grant(ctx: Context, role: str, campaign: str, *, read_only: bool = False) -> dict[str, Any]:
    """Give ``role`` the campaign ``campaign`` (read-write, or read-only); returns what it may do now.

    The first grant in a schema switches row-level security on there
    (``enabled_now``): from then on every role but the owner sees only what
    it was granted.
    """
    require_postgres(ctx)
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as _tx:  # nothing recorded in history
        schema = _require_owner(ctx)
        chosen = _role(ctx, role)
        target = find_campaign(ctx.db, campaign)
        enabled_now = not security.enabled(ctx.db)
        if enabled_now:
            security.apply(ctx.db)
        before = ctx.db.scalar(
            f"SELECT writable FROM {security.ACCESS_TABLE} WHERE role_name = ? AND campaign_id = ?",
            (chosen["name"], target["id"]),
        )
        writable = not read_only
        ctx.db.execute(
            f"INSERT INTO {security.ACCESS_TABLE} (role_name, campaign_id, writable, granted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (role_name, campaign_id) DO UPDATE SET writable = excluded.writable, "
            "granted_at = excluded.granted_at",
            (chosen["name"], target["id"], writable, utc_now()),
        )
        still_writes = bool(
            ctx.db.scalar(
                f"SELECT 1 FROM {security.ACCESS_TABLE} WHERE role_name = ? AND writable LIMIT 1", (chosen["name"],)
            )
        )
        statements = security.privileges(chosen["name"], schema, writable=still_writes)
        if not still_writes:
            statements = security.withdrawals(chosen["name"], schema, keep_reading=True) + statements
        for statement in statements:
            ctx.db.execute(statement)
        tree = _campaign_tree(ctx)
    return {
        "role": chosen["name"],
        "campaign": {"id": target["id"], "name": target["name"], "level": target["level"]},
        "access": "read-write" if writable else "read-only",
        "changed": before is None or bool(before) != writable,
        "reads": [row["name"] for row in _below(tree, target["id"])],
        "enabled_now": enabled_now,
        "bypasses": bool(chosen["bypass"] or chosen["owner"]),
        "can_login": bool(chosen["login"]),
    }


def revoke(ctx: Context, role: str, campaign: str) -> dict[str, Any]:
    """Take the campaign back from ``role``; with no grant left, its privileges on the tables go too."""
    require_postgres(ctx)
    with ctx.db.transaction(actor=ctx.actor, command=ctx.command) as _tx:
        schema = _require_owner(ctx)
        target = find_campaign(ctx.db, campaign)
        name = role.strip()
        if security.enabled(ctx.db):
            # A role dropped since its grant is still named in the table: match it there first.
            stored = [
                row[0]
                for row in ctx.db.rows(
                    f"SELECT role_name FROM {security.ACCESS_TABLE} "
                    "WHERE campaign_id = ? AND lower(role_name) = lower(?)",
                    (target["id"], name),
                )
            ]
            name = name if name in stored else (stored[0] if len(stored) == 1 else name)
            removed = ctx.db.execute(
                f"DELETE FROM {security.ACCESS_TABLE} WHERE role_name = ? AND campaign_id = ?", (name, target["id"])
            ).rowcount
        else:
            removed = 0
        if not removed:
            raise NotFound(
                _("{role!r} has no access to {campaign!r} to revoke; see  campaign access list").format(
                    role=name, campaign=target["name"]
                )
            )
        left = [
            bool(writable)
            for (writable,) in ctx.db.rows(
                f"SELECT writable FROM {security.ACCESS_TABLE} WHERE role_name = ?", (name,)
            )
        ]
        exists = ctx.db.scalar("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)) is not None
        if exists and not any(left):
            for statement in security.withdrawals(name, schema, keep_reading=bool(left)):
                ctx.db.execute(statement)
    return {"role": name, "campaign": {"id": target["id"], "name": target["name"]}, "grants_left": len(left)}


def list_access(ctx: Context) -> dict[str, Any]:
    """Every grant, with the campaigns it lets the role read; ``enabled``: row-level security is on."""
    require_postgres(ctx)
    if not security.enabled(ctx.db):
        return {"enabled": False, "grants": []}
    _require_owner(ctx)
    tree = _campaign_tree(ctx)
    rows = ctx.db.dicts(
        f"SELECT a.role_name, a.campaign_id, a.writable, a.granted_at, r.rolname IS NOT NULL AS role_exists, "
        "COALESCE(r.rolsuper OR r.rolbypassrls, FALSE) AS bypass "
        f"FROM {security.ACCESS_TABLE} a LEFT JOIN pg_roles r ON r.rolname = a.role_name "
        "ORDER BY a.role_name, a.campaign_id"
    )
    grants = []
    for row in rows:
        campaign = tree.get(row["campaign_id"], {"name": "?", "level": None})
        grants.append(
            {
                "role": row["role_name"],
                "campaign_id": row["campaign_id"],
                "campaign": campaign["name"],
                "level": campaign["level"],
                "access": "read-write" if row["writable"] else "read-only",
                "reads": len(_below(tree, row["campaign_id"])),
                "granted_at": row["granted_at"],
                "role_exists": bool(row["role_exists"]),
                "bypasses": bool(row["bypass"]),
            }
        )
    return {"enabled": True, "grants": grants}
