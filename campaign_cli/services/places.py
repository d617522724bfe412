"""The campaign's places: a registry of provinces, districts, communes and villages.

Propaganda is judged by where it reached (every commune, every village), so
log entries and tasks point at places of a registry kept per campaign:
province → district (elections before 1/7/2025 only) → commune (xã, phường,
thị trấn, đặc khu) → village or residential group (thôn, xóm, bản, tổ dân
phố). The Vietnamese word is part of the name ("Xã Gia Vân"): it tells a
commune from a village of the same name and lets the kind be inferred.

Places are found like members: by id or by any part of the name without
diacritics or case ("gia van" finds "Xã Gia Vân"); "Thôn Đông, xã Gia Vân"
picks the Thôn Đông of that commune. A text that *names* a place ("Hội trường
UBND xã Gia Vân") points at it too, keeping the words as written. The rules
are in :meth:`Registry.resolve`.

Every write goes through the transaction (history, undo); a place with
children is never removed behind the user's back, and entries of a removed
place keep their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign_cli.errors import Ambiguous, CampaignError, Conflict, Invalid, NotFound
from campaign_cli.i18n import _
from campaign_cli.services import validate
from campaign_cli.services.context import Context
from campaign_cli.services.text import collation_key, fold
from campaign_cli.storage.db import Transaction
from campaign_cli.vocabulary import UNSET, PlaceKind, codes, levels_for

MAX_NAME = 200
MAX_CANDIDATES = 8
KINDS = codes(PlaceKind)
#: Top of the hierarchy first: a parent's rank is below its child's.
RANK = {kind: rank for rank, kind in enumerate(KINDS)}

#: The word a place's name starts with, folded, and the kind it makes (longest first when matching).
#: "Thành phố" is left out: a city may be a province (Hà Nội) or a district (Ninh Bình).
KIND_WORDS: dict[str, str] = {
    "tinh": "province",
    "huyen": "district", "quan": "district", "thi xa": "district",
    "xa": "commune", "phuong": "commune", "thi tran": "commune", "dac khu": "commune",
    "thon": "village", "xom": "village", "ban": "village", "to dan pho": "village", "khu pho": "village",
    "ap": "village", "lang": "village", "khom": "village", "to": "village", "khu": "village",
    "khu dan cu": "village", "cum dan cu": "village",
}  # fmt: skip
_WORDS_LONGEST_FIRST = sorted(KIND_WORDS, key=lambda word: (-len(word.split()), -len(word)))
#: "all communes" on a task: every commune of the registry (folded forms).
ALL_WORDS = ("all", "all communes", "tat ca", "tat ca cac xa", "tat ca xa", "toan bo", "moi xa")


# -- words -------------------------------------------------------------------------
def kind_word(name: str) -> tuple[str | None, str]:
    """(kind the name's first word makes, the folded rest): "Xã Gia Vân" -> ("commune", "gia van")."""
    folded = fold(name)
    for word in _WORDS_LONGEST_FIRST:
        if folded == word:
            return None, folded
        if folded.startswith(word + " "):
            return KIND_WORDS[word], folded[len(word) + 1 :]
    return None, folded


def kind_code(text: str | None) -> str | None:
    """A kind as users write it: the code, its label in either language, or the Vietnamese word (xã, thôn)."""
    if text is None or not text.strip():
        return None
    wanted = fold(text)
    if wanted in KINDS:
        return wanted
    if wanted in KIND_WORDS:
        return KIND_WORDS[wanted]
    from campaign_cli import i18n

    for code in KINDS:
        for lang in i18n.LANGUAGES:
            if wanted == fold(i18n.translation_for(lang).gettext(_KIND_MSGIDS[code])):
                return code
    raise Invalid(
        _("unknown kind of place {value!r}: use one of {kinds} (or the word: tỉnh, huyện, xã, thôn)").format(
            value=text.strip(), kinds=", ".join(KINDS)
        )
    )


_KIND_MSGIDS = {"province": "province", "district": "district", "commune": "commune", "village": "village"}


def allowed_kinds(ctx: Context) -> tuple[str, ...]:
    """No districts for an election from 1/7/2025 (two-level local government)."""
    from campaign_cli.services.dates import coerce_date

    levels = {str(level) for level in levels_for(coerce_date(ctx.campaign["election_day"]))}
    return tuple(kind for kind in KINDS if kind != "district" or "district" in levels)


def default_level(ctx: Context) -> str:
    """The level coverage is counted at: communes, or villages for a commune's own campaign."""
    return "village" if ctx.campaign["level"] == "commune" else "commune"


def _words(folded: str) -> str:
    """A folded text with single spaces and its punctuation as spaces, for whole-word search."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", folded).split()) + " "


# -- the registry in memory ------------------------------------------------------------
@dataclass
class Place:
    id: int
    name: str
    kind: str
    parent_id: int | None
    folded: str
    children: list[int] = field(default_factory=list)

    @property
    def bare(self) -> str:
        return kind_word(self.name)[1]


class Registry:
    """Every place of the campaign (a few thousand at most), read in one query.

    Lookups, the hierarchy (ancestors, descendants, tree order) and matching
    texts all work on this; it is read again after a write.
    """

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.places: dict[int, Place] = {}
        for row in ctx.db.dicts(
            "SELECT id, name, kind, parent_id, name_folded FROM place WHERE campaign_id = ? ORDER BY id",
            (ctx.campaign_id,),
        ):
            self.places[row["id"]] = Place(row["id"], row["name"], row["kind"], row["parent_id"], row["name_folded"])
        for place in self.places.values():
            if place.parent_id in self.places:
                self.places[place.parent_id].children.append(place.id)
        self._phrases: list[tuple[str, Place]] | None = None
        self._levels: dict[tuple[int, str], int | None] = {}

    def __bool__(self) -> bool:
        return bool(self.places)

    def __len__(self) -> int:
        return len(self.places)

    # -- hierarchy ---------------------------------------------------------------
    def ancestors(self, place_id: int) -> list[Place]:
        """Parent, grandparent, ... (nearest first)."""
        result: list[Place] = []
        seen = {place_id}
        parent = self.places[place_id].parent_id
        while parent is not None and parent in self.places and parent not in seen:
            seen.add(parent)
            result.append(self.places[parent])
            parent = self.places[parent].parent_id
        return result

    def descendants(self, place_id: int) -> list[int]:
        result: list[int] = []
        stack = list(self.places[place_id].children)
        while stack:
            child = stack.pop()
            result.append(child)
            stack.extend(self.places[child].children)
        return result

    def at_level(self, place_id: int, kind: str) -> int | None:
        """The place itself, or its ancestor, of ``kind``; None when neither is (an entry above the level).

        Remembered: a report asks it for every (place, activity type) group of the log."""
        key = (place_id, kind)
        if key in self._levels:
            return self._levels[key]
        place = self.places[place_id]
        found = place_id if place.kind == kind else next(
            (ancestor.id for ancestor in self.ancestors(place_id) if ancestor.kind == kind), None)
        self._levels[key] = found
        return found

    def tree_order(self, roots: Iterable[int] | None = None) -> list[tuple[Place, int]]:
        """(place, depth) parents before children, siblings in Vietnamese alphabetical order."""

        def ordered(ids: Iterable[int]) -> list[int]:
            return sorted(ids, key=lambda place_id: (collation_key(self.places[place_id].name), place_id))

        if roots is None:
            roots = [place.id for place in self.places.values() if place.parent_id not in self.places]
        result: list[tuple[Place, int]] = []
        stack = [(place_id, 0) for place_id in reversed(ordered(roots))]
        while stack:
            place_id, depth = stack.pop()
            result.append((self.places[place_id], depth))
            stack.extend((child, depth + 1) for child in reversed(ordered(self.places[place_id].children)))
        return result

    def describe(self, place: Place) -> str:
        """``12 Thôn Đông (Xã Gia Vân)``: the id, and the parent where names repeat."""
        parent = self.places.get(place.parent_id) if place.parent_id else None
        return f"{place.id} {place.name}" + (f" ({parent.name})" if parent else "")

    # -- finding ------------------------------------------------------------------
    def find(self, ref: str) -> Place:
        """A place the user refers to: by id, or a name or part of one (see :meth:`resolve`)."""
        place, _named = self.resolve(ref)
        return place

    def resolve(self, ref: str, *, fragments: bool = True, ids: bool = True) -> tuple[Place, bool]:
        """(the place ``ref`` means, whether ``ref`` is a text naming it rather than a name of it).

        In order: an id; the name or the name without its word (``gia van``,
        ``Gia Vân``, ``xã gia vân``); a part of one name (``van``: only when
        ``fragments``); "NAME, PARENT" (``Thôn Đông, xã Gia Vân``); a text
        that names one place (``Hội trường UBND xã Gia Vân``), the deepest
        when it names a place and its parent. No match lists the nearest
        names; several list the candidates.
        """
        text = " ".join(ref.split())
        if not text:
            raise Invalid(_("empty place: give an id or a name"))
        if ids and text.lstrip("#").isdigit():
            place = self.places.get(int(text.lstrip("#")))
            if place is None:
                raise NotFound(_("no place with id {id}; see  campaign place list").format(id=text.lstrip("#")))
            return place, False
        wanted = fold(text)
        exact = [place for place in self.places.values() if wanted in (place.folded, place.bare)]
        if len(exact) == 1:
            return exact[0], False
        if not exact and fragments:
            partial = [place for place in self.places.values() if wanted in place.folded]
            if len(partial) == 1:
                return partial[0], False
            if partial:
                raise self._ambiguous(text, partial)
        if "," in text:
            try:
                found = self._by_path(text)
            except NotFound:
                # "Thôn Tây, xã Gia Vân": a place missing there; "Hội trường UBND, xã Gia Vân": a hall in it
                if kind_word(text.partition(",")[0])[0] is not None:
                    raise
                found = None
            if found is not None:
                return found, False
        named = self.named_in(text)
        if len(named) == 1:
            return named[0], True
        if exact or named:
            raise self._ambiguous(text, exact or named)
        raise NotFound(self.not_found_message(text))

    def _by_path(self, text: str) -> Place | None:
        """"Thôn Đông, xã Gia Vân": the first part among the places under the rest.

        None when the rest names no place (the text may still name one); when
        it does and the first part is not under it, that place is missing:
        NotFound, which ``--new-place`` answers by adding it there.
        """
        head, _sep, rest = text.partition(",")
        try:
            parent = self.find(rest)
        except CampaignError:
            return None
        under = [self.places[i] for i in self.descendants(parent.id)]
        wanted = fold(head)
        hits = [place for place in under if wanted in (place.folded, place.bare)]
        if not hits:
            hits = [place for place in under if wanted and wanted in place.folded]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise self._ambiguous(text, hits)
        raise NotFound(
            _("no place {name!r} in {parent}; places there: {names}").format(
                name=head.strip(), parent=parent.name,
                names=", ".join(place.name for place in sorted(under, key=lambda p: collation_key(p.name))[:8]) or "-",
            )
        )

    def named_in(self, text: str) -> list[Place]:
        """The places a free text names (whole words): the deepest of a chain, best supported first.

        A name counts with its word ("xã Gia Vân"), or without it when the
        rest has two words or more ("Gia Vân"): a one-word bare name ("Me",
        "Đông") is too common a word to count alone.
        """
        words = _words(fold(text))
        if self._phrases is None:
            phrases = []
            for place in self.places.values():
                phrases.append((_words(place.folded), place))
                bare = place.bare
                if bare != place.folded and len(bare.split()) >= 2:
                    phrases.append((_words(bare), place))
            self._phrases = phrases
        matched = {place.id: place for phrase, place in self._phrases if phrase in words}
        if len(matched) <= 1:
            return list(matched.values())
        ancestors = {place_id: {a.id for a in self.ancestors(place_id)} for place_id in matched}
        deepest = [place for place in matched.values()
                   if not any(place.id in ancestors[other] for other in matched if other != place.id)]
        if len(deepest) <= 1:
            return deepest
        support = {place.id: len(ancestors[place.id] & matched.keys()) for place in deepest}
        best = max(support.values())
        chosen = [place for place in deepest if support[place.id] == best]
        return chosen

    def _ambiguous(self, text: str, places: list[Place]) -> Ambiguous:
        shown = [self.describe(place) for place in sorted(places, key=lambda p: p.id)[:MAX_CANDIDATES]]
        more = len(places) - len(shown)
        suffix = _(" and {n} more").format(n=more) if more > 0 else ""
        return Ambiguous(
            _("{query!r} matches several places: {candidates}{more}; use the id, or \"NAME, PARENT\"").format(
                query=text, candidates="; ".join(shown), more=suffix
            ),
            candidates=shown,
        )

    def near(self, text: str, count: int = 5) -> list[Place]:
        """The places whose names are closest to a misspelt one."""
        import difflib

        wanted = fold(text)
        keys: dict[str, Place] = {}
        for place in self.places.values():
            keys.setdefault(place.folded, place)
            keys.setdefault(place.bare, place)
        close = difflib.get_close_matches(wanted, list(keys), n=count * 2, cutoff=0.6)
        result: list[Place] = []
        for key in close:
            if keys[key] not in result:
                result.append(keys[key])
        return result[:count]

    def not_found_message(self, text: str) -> str:
        near = self.near(text)
        if near:
            return _("no place matches {query!r}; nearest: {names}").format(
                query=text, names="; ".join(self.describe(place) for place in near)
            )
        return _("no place matches {query!r}; see  campaign place list").format(query=text)


def registry(ctx: Context) -> Registry:
    return Registry(ctx)


def has_places(ctx: Context) -> bool:
    return ctx.db.scalar("SELECT 1 FROM place WHERE campaign_id = ? LIMIT 1", (ctx.campaign_id,)) is not None


# -- checking and writing ----------------------------------------------------------
def clean_name(name: str | None) -> str:
    cleaned = validate.text(name, "place name", required=True, max_len=MAX_NAME)
    if cleaned.lstrip("#").isdigit():
        raise Invalid(_("a place name cannot be only digits ({name}): numbers are read as ids").format(name=cleaned))
    if "," in cleaned:
        raise Invalid(
            _("a place name cannot hold a comma ({name}): \"NAME, PARENT\" names a place under its parent").format(
                name=cleaned
            )
        )
    return cleaned


def choose_kind(ctx: Context, name: str, kind: str | None, parent: Place | None) -> str:
    """The kind given, checked against the name's word; else the word's; else one below the parent."""
    said, _rest = kind_word(name)
    given = kind_code(kind)
    if given is not None and said is not None and given != said:
        raise Invalid(
            _("{name!r} names a {said} by its first word, not a {given}: fix --kind or the name").format(
                name=name, said=_(_KIND_MSGIDS[said]), given=_(_KIND_MSGIDS[given])
            )
        )
    chosen = given or said
    if chosen is None and parent is not None and RANK[parent.kind] + 1 < len(KINDS):
        chosen = KINDS[RANK[parent.kind] + 1]
        if chosen not in allowed_kinds(ctx):
            chosen = KINDS[RANK[chosen] + 1]
    if chosen is None:
        raise Invalid(
            _("cannot tell what kind of place {name!r} is: give --kind ({kinds}), or start the name with "
              "its word (Xã, Thôn, Tổ dân phố...)").format(name=name, kinds=", ".join(allowed_kinds(ctx)))
        )
    if chosen not in allowed_kinds(ctx):
        raise Invalid(
            _("there are no districts for an election from 1/7/2025 (two-level local government): "
              "put communes under the province")
        )
    return chosen


def check_parent(kind: str, parent: Place | None, name: str = "") -> None:
    if parent is not None and RANK[parent.kind] >= RANK[kind]:
        raise Invalid(
            _("a {kind} cannot be under {parent} ({parent_kind}): a place's parent is a level above it").format(
                kind=_(_KIND_MSGIDS[kind]), parent=parent.name, parent_kind=_(_KIND_MSGIDS[parent.kind])
            )
        )


def check_unique(reg: Registry, name: str, parent_id: int | None, ignore_id: int | None = None) -> None:
    wanted = fold(name)
    for place in reg.places.values():
        if place.id != ignore_id and place.parent_id == parent_id and place.folded == wanted:
            raise Conflict(
                _("place {id} ({name}) already has this name here; choose another").format(id=place.id, name=place.name)
            )


def create_place(
    ctx: Context, tx: Transaction, *, name: str, kind: str | None = None, parent: str | int | None = None,
    reg: Registry | None = None,
) -> int:
    """Validate and insert one place inside the caller's transaction; returns its id."""
    reg = reg or Registry(ctx)
    name = clean_name(name)
    parent_place = reg.find(str(parent)) if parent not in (None, "") else None
    chosen = choose_kind(ctx, name, kind, parent_place)
    check_parent(chosen, parent_place, name)
    check_unique(reg, name, parent_place.id if parent_place else None)
    place_id = tx.insert(
        "place",
        {
            "campaign_id": ctx.campaign_id,
            "name": name,
            "name_folded": fold(name),
            "kind": chosen,
            "parent_id": parent_place.id if parent_place else None,
        },
    )
    _remember(reg, place_id, name, chosen, parent_place.id if parent_place else None)
    return place_id


def _remember(reg: Registry, place_id: int, name: str, kind: str, parent_id: int | None) -> None:
    """A place just written, added to a registry still in use (imports add many in a row)."""
    reg.places[place_id] = Place(place_id, name, kind, parent_id, fold(name))
    if parent_id in reg.places:
        reg.places[parent_id].children.append(place_id)
    reg._phrases = None
    reg._levels = {}


def add_place(ctx: Context, *, name: str, kind: str | None = None, parent: str | None = None) -> dict[str, Any]:
    with ctx.transaction() as tx:
        place_id = create_place(ctx, tx, name=name, kind=kind, parent=parent)
    return get_place(ctx, str(place_id))


def edit_place(
    ctx: Context, ref: str, *, name: Any = UNSET, kind: Any = UNSET, parent: Any = UNSET
) -> dict[str, Any]:
    """Rename a place, change its kind or move it (``parent=None``: to the top).

    A new name also becomes the text of the log entries that carried the old
    one (entries written as "Hội trường UBND xã Gia Vân" keep their words).
    """
    if name is UNSET and kind is UNSET and parent is UNSET:
        raise Invalid(_("nothing to change: give --name, --kind or --in"))
    with ctx.transaction() as tx:
        reg = Registry(ctx)
        place = reg.find(ref)
        new_name = place.name if name is UNSET else clean_name(name)
        if parent is UNSET:
            new_parent = reg.places.get(place.parent_id) if place.parent_id else None
        elif parent is None:
            new_parent = None
        else:
            new_parent = reg.find(str(parent))
            if new_parent.id == place.id or new_parent.id in reg.descendants(place.id):
                raise Invalid(
                    _("{name} cannot go under {parent}, which is itself or lies under it").format(
                        name=place.name, parent=new_parent.name
                    )
                )
        if kind is UNSET:  # the name's word decides, else the kind stays
            said, _rest = kind_word(new_name)
            new_kind = said or place.kind
            if new_kind not in allowed_kinds(ctx):
                choose_kind(ctx, new_name, None, new_parent)  # says why
        else:
            new_kind = choose_kind(ctx, new_name, kind, new_parent)
        check_parent(new_kind, new_parent)
        for child in place.children:
            check_parent(reg.places[child].kind, Place(place.id, new_name, new_kind, None, ""))
        parent_id = new_parent.id if new_parent else None
        check_unique(reg, new_name, parent_id, ignore_id=place.id)
        tx.update(
            "place",
            place.id,
            {"name": new_name, "name_folded": fold(new_name), "kind": new_kind, "parent_id": parent_id},
        )
        if new_name != place.name:
            tx.update_where("activity", {"place": new_name}, "place_id = ? AND place = ?", (place.id, place.name))
    return get_place(ctx, str(place.id))


def removal_impact(ctx: Context, ref: str) -> dict[str, Any]:
    reg = Registry(ctx)
    place = reg.find(ref)
    return {**_counts(ctx, place), "id": place.id, "name": place.name, "children": len(place.children)}


def _counts(ctx: Context, place: Place) -> dict[str, int]:
    return ctx.db.one(
        "SELECT (SELECT COUNT(*) FROM activity WHERE place_id = ?) AS entries, "
        "(SELECT COUNT(*) FROM task_place WHERE place_id = ?) AS tasks",
        (place.id, place.id),
    )


def remove_place(ctx: Context, ref: str) -> dict[str, Any]:
    """Remove a place with no places under it: its entries keep their text, its tasks forget it."""
    with ctx.transaction() as tx:
        reg = Registry(ctx)
        place = reg.find(ref)
        if place.children:
            names = ", ".join(reg.places[child].name for child in sorted(place.children)[:3])
            more = len(place.children) - 3
            raise Conflict(
                _("{name} has {n} places under it ({names}{more}): remove them or move them first "
                  "(campaign place edit PLACE --in OTHER)").format(
                    name=place.name, n=len(place.children), names=names, more=", …" if more > 0 else ""
                )
            )
        entries = tx.update_where("activity", {"place_id": None}, "place_id = ?", (place.id,))
        tasks = tx.delete_where("task_place", "place_id = ?", (place.id,))
        tx.delete("place", place.id)
    return {"id": place.id, "name": place.name, "entries": entries, "tasks": tasks, "children": 0}


# -- reading --------------------------------------------------------------------------
def entries_by_place(ctx: Context) -> dict[int, int]:
    """Log entries (up to the as-of date) at each place itself."""
    direct = {
        place_id: int(count)
        for place_id, count in ctx.db.rows(
            "SELECT place_id, COUNT(*) FROM activity WHERE campaign_id = ? AND place_id IS NOT NULL "
            "AND on_date <= ? GROUP BY place_id",
            (ctx.campaign_id, ctx.today),
        )
    }
    return direct


def list_places(ctx: Context, within: str | None = None) -> list[dict[str, Any]]:
    """Places in tree order (parents first, siblings alphabetically), with their entries and children.

    ``within``: only the places under this one (and it).
    """
    reg = Registry(ctx)
    roots = None
    if within:
        roots = [reg.find(within).id]
    direct = entries_by_place(ctx)
    total: dict[int, int] = {}
    for place_id, count in direct.items():
        if place_id not in reg.places:
            continue
        for counted in (place_id, *(a.id for a in reg.ancestors(place_id))):
            total[counted] = total.get(counted, 0) + count
    rows = []
    for place, depth in reg.tree_order(roots):
        parent = reg.places.get(place.parent_id) if place.parent_id else None
        rows.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "parent": {"id": parent.id, "name": parent.name} if parent else None,
                "depth": depth,
                "children": len(place.children),
                "entries": total.get(place.id, 0),
            }
        )
    return rows


def get_place(ctx: Context, ref: str) -> dict[str, Any]:
    reg = Registry(ctx)
    place = reg.find(ref)
    rows = list_places(ctx, str(place.id))
    return rows[0]


# -- resolving the place of a log entry ---------------------------------------------------
class PlaceResolver:
    """What ``--place`` / a ``place`` column means: (text to store, place id).

    Without a registry the text is stored as written (the way entries were
    before places). With one, the text must find a place (see
    :meth:`Registry.resolve`): a name or part of one stores the place's name,
    a text naming it keeps its words. ``add`` (``--new-place``,
    ``--add-places``) plans a new place for a text that finds none: the
    entry gets a placeholder id (negative) that :meth:`settle` replaces once
    the places are written, so a dry run writes nothing.
    """

    def __init__(self, ctx: Context, *, add: bool = False):
        self.ctx = ctx
        self.add = add
        self._registry: Registry | None = None
        #: Planned new places: placeholder -> (name, kind, parent id).
        self.pending: dict[int, tuple[str, str, int | None]] = {}
        self._pending_keys: dict[tuple[str, int | None], int] = {}
        self.created: list[str] = []

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry(self.ctx)
        return self._registry

    def __call__(self, text: str) -> tuple[str, int | None]:
        cleaned = validate.text(text, "place", max_len=MAX_NAME)
        if not cleaned:
            return "", None
        reg = self.registry
        if not reg and not self.add:
            return cleaned, None
        try:
            place, named = reg.resolve(cleaned) if reg else (None, False)
        except NotFound as exc:
            place = None
            if not self.add:
                raise NotFound(
                    exc.message
                    + _(" (--new-place or --add-places adds it; or  campaign place add NAME --kind KIND --in PARENT)")
                ) from None
        if place is not None:
            return (cleaned if named and fold(cleaned) != place.folded else place.name), place.id
        return self._plan(cleaned)

    def _plan(self, text: str) -> tuple[str, int]:
        """A new place for ``text``: "NAME" or "NAME, PARENT", its kind from its word or its parent."""
        reg = self.registry
        head, _sep, rest = text.partition(",")
        name = clean_name(head)
        parent = reg.find(rest) if rest.strip() else None
        kind = choose_kind(self.ctx, name, None, parent)
        check_parent(kind, parent, name)
        parent_id = parent.id if parent else None
        check_unique(reg, name, parent_id)
        key = (fold(name), parent_id)
        placeholder = self._pending_keys.get(key)
        if placeholder is None:
            placeholder = self._pending_keys[key] = -(len(self.pending) + 1)
            self.pending[placeholder] = (name, kind, parent_id)
        return name, placeholder

    def settle(self, tx: Transaction, rows: list[tuple], position: int) -> list[tuple]:
        """Write the planned places and point the rows (column ``position``) at them."""
        if not self.pending:
            return rows
        ids = {}
        for placeholder, (name, kind, parent_id) in self.pending.items():
            ids[placeholder] = tx.insert(
                "place",
                {"campaign_id": self.ctx.campaign_id, "name": name, "name_folded": fold(name), "kind": kind,
                 "parent_id": parent_id},
            )
        self.created += [name for name, _kind, _parent in self.pending.values()]
        self.pending = {}
        self._pending_keys = {}
        self._registry = None
        return [
            row if row[position] is None or row[position] > 0
            else (*row[:position], ids[row[position]], *row[position + 1 :])
            for row in rows
        ]

    def planned(self) -> list[str]:
        """The names of the places :meth:`settle` will write (or wrote, once it has)."""
        return self.created + [name for name, _kind, _parent in self.pending.values()]


# -- places of a task -----------------------------------------------------------------------
def task_place_ids(ctx: Context, refs: Iterable[str], reg: Registry | None = None) -> list[int]:
    """The places a task covers: each reference, or "all communes" (every commune of the registry)."""
    reg = reg or Registry(ctx)
    chosen: list[int] = []
    for ref in refs:
        if fold(ref) in ALL_WORDS:
            communes = [place.id for place, _depth in reg.tree_order() if place.kind == "commune"]
            if not communes:
                raise Invalid(_("the registry has no communes yet: add them with  campaign place add  or  import"))
            chosen += communes
        else:
            chosen.append(reg.find(ref).id)
    return list(dict.fromkeys(chosen))


def set_task_places(ctx: Context, tx: Transaction, task_id: int, place_ids: list[int]) -> bool:
    """Make the task cover exactly these places; True when that changed anything."""
    current = {
        place_id: row_id
        for row_id, place_id in ctx.db.rows("SELECT id, place_id FROM task_place WHERE task_id = ?", (task_id,))
    }
    wanted = list(dict.fromkeys(place_ids))
    changed = False
    for place_id, row_id in current.items():
        if place_id not in wanted:
            tx.delete("task_place", row_id)
            changed = True
    for place_id in wanted:
        if place_id not in current:
            tx.insert("task_place", {"task_id": task_id, "place_id": place_id})
            changed = True
    return changed


def places_of_tasks(ctx: Context, task_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """task id -> [{id, name, kind}] in Vietnamese alphabetical order."""
    if not task_ids:
        return {}
    result: dict[int, list[dict[str, Any]]] = {task_id: [] for task_id in task_ids}
    for start in range(0, len(task_ids), 500):
        chunk = task_ids[start : start + 500]
        for task_id, place_id, name, kind in ctx.db.rows(
            "SELECT tp.task_id, p.id, p.name, p.kind FROM task_place tp JOIN place p ON p.id = tp.place_id "
            f"WHERE tp.task_id IN ({', '.join('?' for _item in chunk)})",
            chunk,
        ):
            result[task_id].append({"id": place_id, "name": name, "kind": kind})
    for places in result.values():
        places.sort(key=lambda row: (collation_key(row["name"]), row["id"]))
    return result


# -- linking entries written before the registry ----------------------------------------------
@dataclass
class MatchResult:
    linked: int = 0
    texts: int = 0
    dry_run: bool = False
    #: Texts that name no place, or several: [{text, entries, places}] (places: the candidates).
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    #: Texts linked: [{text, entries, place}].
    matched: list[dict[str, Any]] = field(default_factory=list)


def match_places(ctx: Context, *, dry_run: bool = False) -> MatchResult:
    """Link the entries with a place text and no place where the text names exactly one place.

    The texts are grouped (a campaign has a few hundred at most); each is
    matched once: its name or its name without the word (``Gia Vân``), or a
    text naming one place (``Hội trường UBND xã Gia Vân``, the village in
    ``Thôn Đông, xã Gia Vân``). The rest is listed, with the candidates when
    it names several. The text itself never changes.
    """
    result = MatchResult(dry_run=dry_run)
    with ctx.transaction() as tx:
        reg = Registry(ctx)
        if not reg:
            raise Invalid(_("the registry has no places yet: add them with  campaign place add  or  "
                            "campaign place import FILE"))
        groups = ctx.db.rows(
            "SELECT place, COUNT(*) FROM activity WHERE campaign_id = ? AND place_id IS NULL AND place <> '' "
            "GROUP BY place",
            (ctx.campaign_id,),
        )
        for text, count in sorted(groups, key=lambda group: collation_key(group[0])):
            result.texts += 1
            try:
                place, _named = reg.resolve(text, fragments=False, ids=False)
            except Ambiguous as exc:
                result.unmatched.append({"text": text, "entries": int(count), "places": exc.candidates})
                continue
            except CampaignError:
                result.unmatched.append({"text": text, "entries": int(count), "places": []})
                continue
            result.matched.append({"text": text, "entries": int(count), "place": {"id": place.id, "name": place.name}})
            result.linked += int(count)
            if not dry_run:
                tx.update_where(
                    "activity", {"place_id": place.id},
                    "campaign_id = ? AND place_id IS NULL AND place = ?", (ctx.campaign_id, text),
                )
    return result


# -- import -----------------------------------------------------------------------------------
HEADER_NAMES = {
    "name": "name", "ten": "name", "ten dia ban": "name", "dia ban": "name", "place": "name",
    "kind": "kind", "loai": "kind", "cap": "kind", "type": "kind",
    "parent": "parent", "in": "parent", "truc thuoc": "parent", "thuoc": "parent", "cap tren": "parent",
}  # fmt: skip
IMPORT_COLUMNS = ("name", "kind", "parent")


@dataclass
class PlaceImport:
    path: str
    rows: int = 0
    added: int = 0
    existing: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)


def import_places(ctx: Context, path: str | Path, *, dry_run: bool = False) -> PlaceImport:
    """Add the places of a CSV file (``name,kind,parent``): all of them, or none if any line is wrong.

    ``kind`` may be a code, its label or the Vietnamese word, or empty when
    the name starts with its word; ``parent`` names a place of the file (in
    any order) or of the registry. A place already in the registry (same
    name under the same parent) is left as it is, so a file can be imported
    again after lines were added to it.
    """
    path = Path(path)
    result = PlaceImport(path=str(path), dry_run=dry_run)
    records = list(_csv_records(path))
    try:
        _import_rows(ctx, records, result)
    except _Discard:  # a wrong file, or a dry run: rolled back, nothing written
        pass
    return result


def _import_rows(ctx: Context, records: list[tuple[int, dict[str, str]]], result: PlaceImport) -> None:
    path = Path(result.path)
    with ctx.transaction() as tx:
        reg = Registry(ctx)
        lines: list[tuple[int, str, str, str]] = []
        for line, row in records:
            result.rows += 1
            try:
                name = clean_name(row.get("name"))
                kind = kind_code(row.get("kind"))
                parent = validate.text(row.get("parent"), "parent", max_len=MAX_NAME)
            except CampaignError as exc:
                result.errors.append(_("line {line}: {message}").format(line=line, message=exc.message))
                continue
            lines.append((line, name, kind or "", parent))
        if result.rows == 0:
            raise Invalid(_("{path} holds no places, only the header").format(path=path.name))
        in_file: dict[str, list[int]] = {}
        for index, (_line, name, _kind, _parent) in enumerate(lines):
            in_file.setdefault(fold(name), []).append(index)
        done: dict[int, int] = {}  # index in lines -> place id
        waiting = list(range(len(lines)))
        while waiting:
            progress = False
            later = []
            for index in waiting:
                line, name, kind, parent_text = lines[index]
                parent_id: int | None = None
                if parent_text:
                    mates = [other for other in in_file.get(fold(parent_text), []) if other != index]
                    if len(mates) > 1:
                        result.errors.append(_("line {line}: the parent {name!r} appears on several lines").format(
                            line=line, name=parent_text))
                        continue
                    if mates:
                        if mates[0] not in done:
                            later.append(index)
                            continue
                        parent_id = done[mates[0]]
                    else:
                        try:
                            parent_id = reg.find(parent_text).id
                        except CampaignError as exc:
                            result.errors.append(_("line {line}: {message}").format(line=line, message=exc.message))
                            continue
                progress = True
                existing = next((place for place in reg.places.values()
                                 if place.parent_id == parent_id and place.folded == fold(name)), None)
                if existing is not None:
                    done[index] = existing.id
                    result.existing += 1
                    continue
                try:
                    done[index] = create_place(ctx, tx, name=name, kind=kind or None,
                                               parent=str(parent_id) if parent_id else None, reg=reg)
                    result.added += 1
                except CampaignError as exc:
                    result.errors.append(_("line {line}: {message}").format(line=line, message=exc.message))
            if not progress:
                for index in later:
                    result.errors.append(_("line {line}: its parent {name!r} is itself, or under it").format(
                        line=lines[index][0], name=lines[index][3]))
                break
            waiting = later
        result.errors.sort(key=lambda message: int(re.search(r"\d+", message).group()))
        if result.errors or result.dry_run:
            raise _Discard()


class _Discard(Exception):
    """Leaves the import's transaction rolled back."""


def _csv_records(path: Path):
    import csv
    import io

    from campaign_cli.services.logs import _delimiter, _read_text

    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: dict[str, int] | None = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(cells, path)
                continue
            yield reader.line_num, {key: cells[position] if position < len(cells) else ""
                                    for key, position in header.items()}
    except csv.Error as exc:
        raise Invalid(_("{path} line {line}: {reason}").format(path=path.name, line=reader.line_num, reason=exc)) \
            from None
    if header is None:
        raise Invalid(_("{path} is empty: the first line must be the header {columns}").format(
            path=path.name, columns=",".join(IMPORT_COLUMNS)))


def _header(cells: list[str], path: Path) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = HEADER_NAMES.get(fold(cell))
        if name is None:
            if cell.strip():
                raise Invalid(_("unknown column {name!r} in the header of {path}; the columns are {columns}").format(
                    name=cell.strip(), path=path.name, columns=",".join(IMPORT_COLUMNS)))
            continue
        if name in index:
            raise Invalid(_("the column {name!r} appears twice in the header of {path}").format(name=name,
                                                                                               path=path.name))
        index[name] = position
    if "name" not in index:
        raise Invalid(_("the header of {path} has no name column; the columns are {columns}").format(
            path=path.name, columns=",".join(IMPORT_COLUMNS)))
    return index
