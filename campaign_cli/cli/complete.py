"""Shell completion from the campaign's database: members, units, phases, tasks, activity types.

Wired on options and arguments as ``click_type=complete.MEMBER`` (and UNIT,
PARTY, PHASE, TASK, TYPE). Typing ``hu`` offers "Nguyễn Mạnh Hùng": names match
diacritic- and case-insensitively at the start of any word of the name, on the
``*_folded`` columns (``nguyen m`` works too), with one SQL query. Numbers match
ids (and phase numbers) by prefix.

``typer``'s ``autocompletion=`` keeps only values that start with what was typed,
which would drop every name typed without its diacritics; a Click parameter type
completes without that filter. Bash inserts a completion as it is, so values
with spaces are escaped there (``Nguyễn\\ Mạnh\\ Hùng``, one argument); zsh
gets them through ``compadd -U`` (no prefix filter of its own, zsh quotes);
fish filters by prefix itself, so there only prefixes of the real name complete.

Start-up matters (completion runs on every Tab): this module imports typer and
the stdlib only; the database layer (DB-API, never sqlmodel) is imported when a
value is completed. A missing database, or one without a campaign, completes
nothing and is never created.
"""


import os
import re
import shlex
from collections.abc import Callable
from typing import Any

from typer._click.shell_completion import CompletionItem
from typer._click.types import StringParamType

#: At most this many values are offered.
LIMIT = 50
#: The newest campaign, unless --campaign/CAMPAIGN_NAME names another (see services.context).
_NEWEST = "(SELECT MAX(id) FROM campaign)"


class Completing(StringParamType):
    """Text, completed by ``complete(ctx, incomplete) -> [(value, help)]``."""

    name = "text"

    def __init__(self, complete: Callable[[Any, str], list[tuple[str, str]]]):
        self._complete = complete

    def shell_complete(self, ctx, param, incomplete: str) -> list[CompletionItem]:
        try:
            found = self._complete(ctx, incomplete)
        except Exception:  # noqa: BLE001 - a broken database must never break the shell
            if os.environ.get("CAMPAIGN_DEBUG"):
                raise
            return []
        return [CompletionItem(value, help=help_text or None) for value, help_text in found]


# -- the database -------------------------------------------------------------------------------
def _root_value(ctx, name: str) -> str | None:
    root = ctx.find_root() if ctx is not None else None
    value = root.params.get(name) if root is not None else None
    return value or None


def _database(ctx):
    """The database the command would use, or None when there is none (yet)."""
    from campaign_cli.storage.db import Database, is_postgres_url, sqlite_path

    url = _root_value(ctx, "db") or os.environ.get("CAMPAIGN_DB")
    if not url:
        from campaign_cli.cli.state import default_db_path

        url = default_db_path()
    if not is_postgres_url(url):
        path = sqlite_path(url)
        if path == ":memory:" or not os.path.exists(path):
            return None
    return Database(url)


def _query(ctx, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query in the campaign's scope: ``{campaign}`` in ``sql`` is its id."""
    db = _database(ctx)
    if db is None:
        return []
    try:
        if not db.exists():
            return []
        selector = _root_value(ctx, "campaign")
        if selector:
            from campaign_cli.services.context import find_campaign

            campaign = str(find_campaign(db, selector)["id"])
        else:
            campaign = _NEWEST
        return db.rows(sql.replace("{campaign}", campaign) + f" LIMIT {LIMIT}", params)
    finally:
        db.close()


def _words(incomplete: str) -> tuple[str, str, str]:
    """(folded text, LIKE pattern for the start, LIKE pattern for the start of a later word)."""
    from campaign_cli.services.text import fold

    folded = fold(incomplete.strip().strip("'\""))
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded, escaped + "%", "% " + escaped + "%"


def _by_name(ctx, table: str, incomplete: str, extra_folded: str = "") -> list[tuple]:
    folded, start, word = _words(incomplete)
    text = incomplete.strip()
    if text.isdigit():
        return _query(
            ctx,
            f"SELECT CAST(id AS VARCHAR(20)), name FROM {table} WHERE campaign_id = {{campaign}} "
            "AND CAST(id AS VARCHAR(20)) LIKE ? ORDER BY id",
            (text + "%",),
        )
    where = "name_folded LIKE ? ESCAPE '\\' OR name_folded LIKE ? ESCAPE '\\'"
    params: tuple = (start, word)
    if extra_folded:
        where += f" OR {extra_folded} LIKE ? ESCAPE '\\'"
        params += (start,)
    return _query(
        ctx,
        f"SELECT name, CAST(id AS VARCHAR(20)) FROM {table} WHERE campaign_id = {{campaign}} AND ({where}) "
        "ORDER BY name_folded, id",
        params,
    )


# -- the completers -------------------------------------------------------------------------------
def members(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Member names (or ids when digits are typed), help: the id or the name."""
    return [(str(value), str(other)) for value, other in _by_name(ctx, "member", incomplete)]


def units(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Unit names, also found by their abbreviation (``vh`` finds Phòng VH&TT)."""
    return [(str(value), str(other)) for value, other in _by_name(ctx, "unit", incomplete, "LOWER(short)")]


def parties(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Members, then units (``--lead``, ``--support``, ``--by``)."""
    if incomplete.strip().isdigit():
        return [(f"m{v}", n) for v, n in members(ctx, incomplete)] + [(f"u{v}", n) for v, n in units(ctx, incomplete)]
    return members(ctx, incomplete) + units(ctx, incomplete)


def phases(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Phase numbers, help: the phase's name."""
    rows = _query(ctx, "SELECT number, name FROM phase WHERE campaign_id = {campaign} ORDER BY number")
    text = incomplete.strip()
    return [(str(number), name) for number, name in rows if str(number).startswith(text)]


def tasks(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Task ids by prefix, or by words of the title; help: the title."""
    text = incomplete.strip().lstrip("#")
    if text.isdigit() or not text:
        rows = _query(
            ctx,
            "SELECT id, title FROM task WHERE campaign_id = {campaign} AND CAST(id AS VARCHAR(20)) LIKE ? ORDER BY id",
            (text + "%",),
        )
    else:
        _, start, word = _words(text)
        rows = _query(
            ctx,
            "SELECT id, title FROM task WHERE campaign_id = {campaign} "
            "AND (title_folded LIKE ? ESCAPE '\\' OR title_folded LIKE ? ESCAPE '\\') ORDER BY id",
            (start, word),
        )
    return [(str(task_id), title) for task_id, title in rows]


def activity_types(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Codes of activity types, found by code or by words of the Vietnamese label (``ap`` -> poster)."""
    _, start, word = _words(incomplete)
    rows = _query(
        ctx,
        "SELECT code, label_vi FROM activity_type WHERE campaign_id = {campaign} "
        "AND (code LIKE ? ESCAPE '\\' OR label_folded LIKE ? ESCAPE '\\' OR label_folded LIKE ? ESCAPE '\\') "
        "ORDER BY code",
        (start, start, word),
    )
    return [(code, label) for code, label in rows]


def places(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Places of the registry by any word of their name (``van`` finds Xã Gia Vân)."""
    return [(str(value), str(other)) for value, other in _by_name(ctx, "place", incomplete)]


MEMBER = Completing(members)
UNIT = Completing(units)
PARTY = Completing(parties)
PHASE = Completing(phases)
TASK = Completing(tasks)
TYPE = Completing(activity_types)
PLACE = Completing(places)


# -- shells ------------------------------------------------------------------------------------------
_BASH_SPECIAL = re.compile(r"([^\w@%+=:,./-])")


def bash_escape(value: str) -> str:
    """``Nguyễn\\ Mạnh\\ Hùng``: backslashes, as bash escapes file names. Not quotes: bash would
    insert a lone ``'`` (the candidates' common prefix) over what was typed when several match."""
    return _BASH_SPECIAL.sub(r"\\\1", value)


def register_shells() -> None:
    """Bash and zsh classes that insert names with spaces and diacritics intact (see the module doc)."""
    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import BashComplete, ZshComplete

    class QuotingBashComplete(BashComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return bash_escape(item.value)

    class UnfilteredZshComplete(ZshComplete):
        def complete(self) -> str:
            args, incomplete = self.get_completion_args()
            values = [item.value for item in self.get_completions(args, incomplete)]
            if not values:
                return "_files"
            return "compadd -U -V campaign -- " + " ".join(shlex.quote(value) for value in values)

    add_completion_class(QuotingBashComplete, "bash")
    add_completion_class(UnfilteredZshComplete, "zsh")
