"""What every service call needs: the database, the as-of date, the actor, the campaign."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass, field
from typing import Any

from campaign_cli.errors import Ambiguous, NoCampaign
from campaign_cli.i18n import _
from campaign_cli.storage.db import Database

CAMPAIGN_COLUMNS = (
    "id, name, locality, level, election_day, lang, issuing_body, signer, place, created_at, "
    "parent_body, symbol, signer_id, parent_id, uid"
)


def default_actor(environ=os.environ) -> str:
    """Who is making the change: CAMPAIGN_USER, else the OS user."""
    explicit = environ.get("CAMPAIGN_USER")
    if explicit:
        return explicit.strip()
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "unknown"


@dataclass
class Context:
    """One command's view of the world; ``today`` is the as-of date."""

    db: Database
    today: dt.date
    actor: str = ""
    command: str = ""
    campaign_selector: str | None = None
    _campaign: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def campaign(self) -> dict[str, Any]:
        if self._campaign is None:
            self._campaign = find_campaign(self.db, self.campaign_selector)
        return self._campaign

    @property
    def campaign_id(self) -> int:
        return self.campaign["id"]

    def transaction(self, campaign_id: int | None = None):
        """One command's writes, recorded in history under the actor's name."""
        return self.db.transaction(
            actor=self.actor,
            command=self.command,
            campaign_id=campaign_id if campaign_id is not None else self.campaign_id,
        )


def find_campaign(db: Database, selector: str | None = None) -> dict[str, Any]:
    """The campaign commands act on: the one named, else the newest not filed under another (``TOP_LEVEL``)."""
    if not db.exists():
        raise NoCampaign(no_campaign_message(db))
    if selector:
        from campaign_cli.services.text import fold

        if selector.isdigit():
            row = db.one(f"SELECT {CAMPAIGN_COLUMNS} FROM campaign WHERE id = ?", (int(selector),))
            if row:
                return row
        rows = db.dicts(f"SELECT {CAMPAIGN_COLUMNS} FROM campaign ORDER BY id")
        hits = [row for row in rows if fold(selector) in fold(row["name"])]
        exact = [row for row in hits if fold(selector) == fold(row["name"])]
        if len(exact) == 1:
            return exact[0]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise NoCampaign(
                _("no campaign matches {query!r}; campaigns here: {names}").format(
                    query=selector, names=", ".join(row["name"] for row in rows) or "-"
                )
            )
        raise Ambiguous(
            _("{query!r} matches several campaigns: {names}").format(
                query=selector, names=", ".join(row["name"] for row in hits)
            )
        )
    row = db.one(f"SELECT {CAMPAIGN_COLUMNS} FROM campaign c WHERE {TOP_LEVEL} ORDER BY id DESC LIMIT 1")
    if row is None:
        raise NoCampaign(no_campaign_message(db))
    return row


#: The default campaign is the newest of these: not filed under another campaign this
#: connection sees. A province's database holds the province and its communes' copies:
#: commands act on the province unless --campaign names a commune. On a shared server a
#: commune's role does not see its province, so its own campaign is the default there.
TOP_LEVEL = "NOT EXISTS (SELECT 1 FROM campaign p WHERE p.id = c.parent_id)"


def no_campaign_message(db: Database) -> str:
    """Names the database: a wrong --db or CAMPAIGN_DB is the usual cause."""
    if hidden_by_row_security(db):
        return _(
            "your database role sees no campaign in {db}: ask the administrator for access "
            "(campaign access grant ROLE --campaign C, see docs/postgresql.md)"
        ).format(db=db.url)
    return _(
        "no campaign in {db} yet: create one with  campaign init NAME --election-day DATE  "
        "or  campaign init --sample  (or point --db or CAMPAIGN_DB at another database)"
    ).format(db=db.url)


def hidden_by_row_security(db: Database) -> bool:
    """PostgreSQL: campaigns exist but row-level security hides them from this role."""
    if db.dialect != "postgresql":
        return False
    try:
        return bool(db.scalar("SELECT COALESCE(row_security_active(to_regclass('campaign')), FALSE)"))
    except Exception:  # an error on the way to the real error: say the usual thing
        return False
