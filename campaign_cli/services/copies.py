"""A commune's export filed under its province: ``campaign import FILE --parent P``.

Offline, a province gathers its communes' ``campaign export`` files week
after week. Each export carries the campaign's stored id (``uid``, made once
by ``init`` and kept by export and import), so a later export of the same
commune is recognised: it replaces the copy imported before, in place, instead
of adding a second campaign beside it. In place means the copy keeps its id,
its parent and the grants made on it (``campaign access``); its settings and
everything in it (phases, units, members, types, tasks, log entries) become
the file's, in the one transaction of the import, recorded in the history as
deletions and insertions.

Whether a file changes anything is decided by content, not by file names or
dates: the copy is exported before and after (``export_campaign`` is
deterministic: the same content gives the same bytes) and if the two digests
agree the transaction is rolled back, so re-importing the same file leaves the
database exactly as it was: no new ids, no history.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from campaign_cli.errors import Conflict
from campaign_cli.i18n import _
from campaign_cli.services.context import Context, find_campaign

#: The tables holding a campaign's contents, children before their parents, with the rows of
#: the campaign ``?`` each holds (a table added later that holds a campaign's rows belongs here).
CONTENTS = (
    ("assignment", "task_id IN (SELECT x.id FROM task x WHERE x.campaign_id = ?)"),
    ("task_place", "task_id IN (SELECT x.id FROM task x WHERE x.campaign_id = ?)"),
    ("log_import_row", "import_id IN (SELECT x.id FROM log_import x WHERE x.campaign_id = ?)"),
    ("log_import", "campaign_id = ?"),
    ("activity", "campaign_id = ?"),
    ("place", "campaign_id = ?"),
    ("task", "campaign_id = ?"),
    ("member", "campaign_id = ?"),
    ("unit", "campaign_id = ?"),
    ("phase", "campaign_id = ?"),
    ("activity_type", "campaign_id = ?"),
)


class Unchanged(Exception):
    """The file holds what the copy holds: roll the import back."""


def find_parent(ctx: Context, parent: str) -> dict[str, Any]:
    return find_campaign(ctx.db, parent.strip())


def earlier_copy(ctx: Context, uid: str, name: str, parent: dict[str, Any]) -> dict[str, Any] | None:
    """The campaign with the file's stored id, when it is filed under ``parent``; None when there is none.

    A campaign with that id elsewhere (the parent itself, top level, under
    another parent) is not replaced: that would move or overwrite a campaign
    the user did not name.
    """
    row = ctx.db.one("SELECT id, name, parent_id FROM campaign WHERE uid = ?", (uid,))
    if row is None:
        return None
    if row["parent_id"] != parent["id"]:
        raise Conflict(
            _(
                "the file is campaign {name!r}, which this database holds already, but not under {parent!r}: "
                "file it there first ( campaign --campaign {id} config --parent {parent_id} ) or import the file "
                "into another database"
            ).format(name=row["name"], parent=parent["name"], id=row["id"], parent_id=parent["id"])
        )
    clash = ctx.db.one("SELECT id FROM campaign WHERE name = ? AND id <> ?", (name, row["id"]))
    if clash:
        raise Conflict(
            _(
                "this database already has another campaign named {name!r}: import the file under another "
                "name (--name)"
            ).format(name=name)
        )
    return row


def digest(ctx: Context, campaign_id: int) -> str:
    """A digest of everything an export of the campaign holds, read inside the current transaction."""
    from campaign_cli.services.transfer import export_campaign

    hasher = hashlib.sha256()
    stream = SimpleNamespace(write=lambda text: hasher.update(text.encode("utf-8")))
    export_campaign(SimpleNamespace(db=ctx.db, campaign_id=campaign_id), stream, snapshot=False)
    return hasher.hexdigest()


def clear(tx, campaign_id: int) -> dict[str, int]:
    """Delete the copy's contents (its campaign row stays), recorded in the history; how many rows per table."""
    tx.update("campaign", campaign_id, {"signer_id": None})  # the signer is a member, about to go
    return {table: tx.delete_set(table, where, (campaign_id,)) for table, where in CONTENTS}
