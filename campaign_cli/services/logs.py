"""The activity log: what was done, on which day, how much, by whom, for which task.

``log add`` is the hottest write path of the tool (secretaries log every
broadcast and every batch of leaflets), so an entry is checked and written in
one transaction with a handful of indexed queries, and this module imports
nothing beyond the services it needs; ``csv`` and ``io`` load only for imports.

An import checks every row before it writes any: each distinct type, member
and task reference is resolved once (:class:`EntryChecker` remembers them), all
problems are collected with their line numbers, and only a clean file is
written, in one transaction through ``tx.insert_many``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign_cli.errors import CampaignError, Invalid, NotFound, first_line
from campaign_cli.i18n import _
from campaign_cli.services import lookup, validate
from campaign_cli.services.context import Context
from campaign_cli.storage.db import Transaction, utc_now
from campaign_cli.vocabulary import UNSET

#: Columns written for one entry, in the order of the value tuples below.
ACTIVITY_COLUMNS = (
    "campaign_id",
    "on_date",
    "type_id",
    "quantity",
    "task_id",
    "member_id",
    "unit_id",
    "place",
    "note",
    "created_at",
    "place_id",  # schema 6: the registry's place (services/places.py), None when the text names none
)
#: Where the place id sits in a row of ACTIVITY_COLUMNS.
PLACE_ID = len(ACTIVITY_COLUMNS) - 1
TYPE_COLUMNS = "id, code, label_vi, label_en, unit"
PLACE_MAX_LEN = 200
NOTE_MAX_LEN = 1000
#: ``2.098`` or ``1,500``: a thousands group in vi, a decimal in en.
_GROUPED_NUMBER = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+", re.ASCII)



# -- checking one entry --------------------------------------------------------
class _Memo:
    """``compute(key)`` once per distinct key; a domain error is remembered too.

    An import of 100,000 rows has a few dozen distinct types, members, dates
    and places: each is resolved (one query, or one parse) the first time only.
    """

    __slots__ = ("compute", "values", "errors")

    def __init__(self, compute):
        self.compute = compute
        self.values: dict[Any, Any] = {}
        self.errors: dict[Any, CampaignError] = {}

    def __call__(self, key: Any) -> Any:
        try:
            return self.values[key]
        except KeyError:
            pass
        error = self.errors.get(key)
        if error is None:
            try:
                value = self.values[key] = self.compute(key)
                return value
            except CampaignError as exc:
                error = self.errors[key] = exc
        raise type(error)(error.message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class EntryChecker:
    """Turns what a user wrote into column values, resolving each distinct value once.

    One method per field, each raising a :class:`CampaignError` that names the
    problem; :meth:`entry` checks a whole entry and reports every problem.
    """

    def __init__(
        self, ctx: Context, *, brief: bool = False, bulk: bool = False, until: dt.date | None = None, hint: str = "",
        add_places: bool = False,
    ):
        self.ctx = ctx
        self.campaign_id = ctx.campaign_id
        #: The last day an entry may be dated (``log add``, ``edit`` and ``import``: the
        #: as-of date, nothing is logged in the future); None for a plan, which records history.
        self.until = until
        #: The option that fixes a date after ``until`` ("--date"); empty for a file.
        self.future_hint = hint
        #: Short messages for unknown types (an import lists the known ones once).
        self.brief = brief
        self.unknown_type = False
        self._date = _Memo(self._parse_date)
        self.activity_type = _Memo(self._find_type)  # None for a blank reference
        self.type_by_id = _Memo(
            lambda type_id: ctx.db.one(f"SELECT {TYPE_COLUMNS} FROM activity_type WHERE id = ?", (type_id,))
        )
        self.quantity = _Memo(_check_quantity)
        self.party = _Memo(lambda ref: None if _blank(ref) else lookup.party(ctx, str(ref)))
        # A bulk import refers to thousands of tasks: read them all at once.
        known_tasks = lookup.all_tasks(ctx) if bulk else None
        self.task = _Memo(lambda ref: None if _blank(ref) else lookup.task(ctx, ref, known_tasks))
        from campaign_cli.services.places import PlaceResolver

        #: (text, place id) of what was written as the place; ``add_places``: unknown places are planned.
        self.places = PlaceResolver(ctx, add=add_places)
        self.place = _Memo(self.places)
        self.note = _Memo(lambda text: validate.text(text, "note", multiline=True, max_len=NOTE_MAX_LEN))

    def date(self, value: dt.date | str | None) -> dt.date:
        day = value if isinstance(value, dt.date) else self._date(value)
        if self.until is not None and day > self.until:
            raise Invalid(future_message(day, self.until, self.future_hint))
        return day

    def _parse_date(self, text: str | None) -> dt.date:
        if _blank(text):
            raise Invalid(_("the date is missing: write it day first, e.g. 15/4/2021"))
        from campaign_cli.services.dates import parse_date

        return parse_date(text, self.ctx.today)

    def _find_type(self, ref: str | None) -> dict[str, Any] | None:
        if _blank(ref):
            return None
        try:
            return lookup.activity_type(self.ctx, ref)
        except NotFound:
            if not self.brief:
                raise
            self.unknown_type = True
            raise NotFound(_("unknown activity type {query!r}").format(query=ref.strip())) from None

    def _type_of(self, type_row: dict | None, task_row: dict | None) -> dict[str, Any]:
        """The type given, else the task's type; Invalid when there is neither."""
        if type_row is not None:
            return type_row
        if task_row is None:
            raise Invalid(_("the activity type is missing: give one, e.g. poster"))
        if task_row["type_id"] is None:
            raise Invalid(_("the activity type is missing and task {id} has none: give one, e.g. poster").format(
                id=task_row["id"]))
        return self.type_by_id(task_row["type_id"])

    def entry(
        self,
        *,
        on_date: dt.date | str | None,
        type: str | None,
        quantity: float | int | str | None,
        by: str | None,
        task: int | str | None,
        place: str | None,
        note: str | None,
        created_at: str,
    ) -> tuple[tuple, dict, lookup.Party | None, dict | None]:
        """(column values, type row, party, task row); raises one error naming every problem."""
        try:  # the common case, every value good: no bookkeeping
            task_row = self.task(task)
            type_row = self._type_of(self.activity_type(type), task_row)
            party = self.party(by)
            place_text, place_id = self.place(place or "")
            values = (
                self.campaign_id,
                self.date(on_date),
                type_row["id"],
                self.quantity(quantity),
                task_row["id"] if task_row else None,
                party.id if party and party.kind == "member" else None,
                party.id if party and party.kind == "unit" else None,
                place_text,
                self.note(note or ""),
                created_at,
                place_id,
            )
            return values, type_row, party, task_row
        except CampaignError as exc:
            first = exc
        problems: list[CampaignError] = []

        def check(method, value):
            try:
                return method(value)
            except CampaignError as exc:
                problems.append(exc)

        check(self.date, on_date)
        task_row = check(self.task, task)
        check(self.activity_type, type)
        if _blank(type) and (task_row is not None or _blank(task)):  # (a task that failed is reported)
            check(lambda _value: self._type_of(None, task_row), None)
        for method, value in ((self.quantity, quantity), (self.party, by), (self.place, place or ""),
                              (self.note, note or "")):
            check(method, value)
        if not problems:
            raise first
        raise problems[0].__class__("; ".join(problem.message for problem in problems))


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def future_message(day: dt.date, today: dt.date, option: str = "") -> str:
    """Why an entry dated after the as-of date is refused, and how to fix it."""
    if option:
        return _(
            "an activity cannot be logged in the future: {day} is after the as-of date {today}; "
            "give the day it was done with {option}, or set --as-of to a later day"
        ).format(day=_day(day), today=_day(today), option=option)
    return _(
        "an activity cannot be logged in the future: {day} is after the as-of date {today}; "
        "correct the date, or set --as-of to a later day"
    ).format(day=_day(day), today=_day(today))


def first_phase_start(ctx: Context) -> dt.date | None:
    """The day the campaign's first phase starts (None without phases)."""
    from campaign_cli.services.dates import coerce_date

    return coerce_date(ctx.db.scalar("SELECT MIN(start_date) FROM phase WHERE campaign_id = ?", (ctx.campaign_id,)))


def early_warning(day: dt.date, first: dt.date | None) -> str | None:
    """A warning for an entry dated before the first phase (it is written all the same)."""
    if first is None or day >= first:
        return None
    return _("{day} is before the first phase, which starts {first}; the entry was logged all the same").format(
        day=_day(day), first=_day(first)
    )


def _check_quantity(value: float | int | str | None) -> float:
    if _blank(value):
        return 1.0
    if isinstance(value, str) and _GROUPED_NUMBER.fullmatch(value.strip()):
        raise Invalid(
            _(
                "the quantity {value!r} is ambiguous: write whole numbers without a thousands separator "
                "(2098) and decimals with one mark (2.5)"
            ).format(value=value.strip())
        )
    return validate.quantity(value, allow_zero=False)


# -- writing ---------------------------------------------------------------------
def create_log(
    ctx: Context,
    tx: Transaction,
    *,
    on_date: dt.date,
    type: str | None,
    quantity: float | int | str = 1,
    by: str | None = None,
    task: int | str | None = None,
    place: str = "",
    note: str = "",
) -> int:
    """Check and insert one entry inside the caller's transaction; returns its id.

    ``type`` is a code or Vietnamese label (``None``: the task's type), ``by`` a
    member or unit reference, ``task`` a task id.
    """
    entry_id, _entry = _create(ctx, tx, on_date=on_date, type=type, quantity=quantity, by=by, task=task,
                               place=place, note=note)
    return entry_id


def _create(ctx: Context, tx: Transaction, *, checker: EntryChecker | None = None, **fields: Any):
    """Insert one entry; returns its id and the entry as ``list_logs`` shows it, without reading it back.

    A plan or an import of a whole campaign records history as it was: its
    checker takes any date. ``log add`` passes one that refuses the future.
    """
    checker = checker or EntryChecker(ctx)
    values, type_row, party, task_row = checker.entry(created_at=utc_now(), **fields)
    values = checker.places.settle(tx, [values], PLACE_ID)[0]  # a place --new-place asked for
    entry_id = tx.insert("activity", dict(zip(ACTIVITY_COLUMNS, values, strict=True)))
    return entry_id, _shape_new(entry_id, values, type_row, party, task_row)


def add_log(
    ctx: Context,
    *,
    type: str | None,
    quantity: float | int | str | None = None,
    on_date: dt.date | None = None,
    by: str | None = None,
    task: int | str | None = None,
    place: str = "",
    note: str = "",
    new_place: bool = False,
) -> dict[str, Any]:
    """Log one entry (date: the as-of date) and return it as ``list_logs`` shows it.

    A date after the as-of date is refused (nothing is logged in the future);
    one before the first phase is logged with a warning in ``warnings``.
    ``new_place``: a place the registry lacks is added (``places_added``).
    """
    checker = EntryChecker(ctx, until=ctx.today, hint="--date", add_places=new_place)
    with ctx.transaction() as tx:
        _entry_id, entry = _create(
            ctx, tx, checker=checker, on_date=on_date or ctx.today, type=type, quantity=quantity, by=by, task=task,
            place=place, note=note,
        )
    warning = early_warning(entry["date"], first_phase_start(ctx))
    entry["warnings"] = [warning] if warning else []
    entry["places_added"] = checker.places.planned()
    return entry


def edit_log(
    ctx: Context,
    ref: int | str,
    *,
    on_date: dt.date | None = None,
    type: str | None = None,
    quantity: float | int | str | None = None,
    by: str | None | Any = UNSET,
    task: int | str | None | Any = UNSET,
    place: str | None = None,
    note: str | None = None,
    new_place: bool = False,
) -> dict[str, Any]:
    """Correct an entry; ``by=None`` / ``task=None`` detach it, leaving them out keeps them.

    A new date follows the rules of :func:`add_log` (``warnings`` in the result).
    """
    if (on_date, type, quantity, place, note) == (None,) * 5 and by is UNSET and task is UNSET:
        raise Invalid(_("nothing to change: give --date, --type, --qty, --by, --task, --place or --note"))
    with ctx.transaction() as tx:
        entry_id = _entry_row_id(ctx, ref)
        checker = EntryChecker(ctx, until=ctx.today, hint="--date", add_places=new_place)
        values: dict[str, Any] = {}
        if on_date is not None:
            values["on_date"] = checker.date(on_date)
        if type is not None:
            type_row = checker.activity_type(type)
            if type_row is None:
                raise Invalid(_("the activity type may not be empty: give a code such as poster"))
            values["type_id"] = type_row["id"]
        if quantity is not None:
            values["quantity"] = checker.quantity(quantity)
        if by is not UNSET:
            party = checker.party(by)
            values["member_id"] = party.id if party and party.kind == "member" else None
            values["unit_id"] = party.id if party and party.kind == "unit" else None
        if task is not UNSET:
            task_row = checker.task(task)
            values["task_id"] = task_row["id"] if task_row else None
        if place is not None:
            text, place_id = checker.place(place)
            (values["place_id"],) = checker.places.settle(tx, [(place_id,)], 0)[0]
            values["place"] = text
        if note is not None:
            values["note"] = checker.note(note)
        tx.update("activity", entry_id, values)
    entry = get_log(ctx, entry_id)
    warning = early_warning(on_date, first_phase_start(ctx)) if on_date is not None else None
    entry["warnings"] = [warning] if warning else []
    return entry


def remove_log(ctx: Context, ref: int | str) -> dict[str, Any]:
    """Delete an entry (undo puts it back); returns it as it was."""
    with ctx.transaction() as tx:
        entry = get_log(ctx, ref)
        tx.delete("activity", entry["id"])
    return entry


# -- reading ---------------------------------------------------------------------
_SELECT = (
    "SELECT a.id, a.on_date, t.code, t.label_vi, t.unit, a.quantity, a.member_id, m.name, "
    "a.unit_id, u.name, a.task_id, k.title, a.place, a.note, a.place_id "
    "FROM activity a JOIN activity_type t ON t.id = a.type_id "
    "LEFT JOIN member m ON m.id = a.member_id "
    "LEFT JOIN unit u ON u.id = a.unit_id "
    "LEFT JOIN task k ON k.id = a.task_id "
)


def get_log(ctx: Context, ref: int | str) -> dict[str, Any]:
    entry_id = _entry_id(ref)
    rows = ctx.db.rows(_SELECT + "WHERE a.campaign_id = ? AND a.id = ?", (ctx.campaign_id, entry_id))
    if not rows:
        raise NotFound(_("no log entry with id {id}; see  campaign log list").format(id=entry_id))
    return _shape(rows[0])


def list_logs(
    ctx: Context,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    member: str | None = None,
    unit: str | None = None,
    task: int | str | None = None,
    type: str | None = None,
    limit: int | None = 50,
) -> list[dict[str, Any]]:
    """Entries newest first (date, then id); ``unit`` also takes in the entries of its members.

    ``limit`` of 0 or None returns every entry.
    """
    if since and until and since > until:
        raise Invalid(
            _("the start date {since} is after the end date {until}: swap them").format(
                since=since.strftime("%d/%m/%Y"), until=until.strftime("%d/%m/%Y")
            )
        )
    where = ["a.campaign_id = ?"]
    params: list[Any] = [ctx.campaign_id]
    if since:
        where.append("a.on_date >= ?")
        params.append(since)
    if until:
        where.append("a.on_date <= ?")
        params.append(until)
    if member:
        where.append("a.member_id = ?")
        params.append(lookup.member(ctx, member)["id"])
    if unit:
        unit_id = lookup.unit(ctx, unit)["id"]
        where.append("(a.unit_id = ? OR a.member_id IN (SELECT id FROM member WHERE unit_id = ?))")
        params += [unit_id, unit_id]
    if task is not None:
        where.append("a.task_id = ?")
        params.append(lookup.task(ctx, task)["id"])
    if type:
        where.append("a.type_id = ?")
        params.append(lookup.activity_type(ctx, type)["id"])
    sql = _SELECT + "WHERE " + " AND ".join(where) + " ORDER BY a.on_date DESC, a.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_shape(row) for row in ctx.db.rows(sql, params)]


def _shape(row: tuple) -> dict[str, Any]:
    (entry_id, on_date, code, label, unit, quantity, member_id, member_name,
     unit_id, unit_name, task_id, task_title, place, note, place_id) = row
    if member_id is not None:
        by = {"kind": "member", "id": member_id, "name": member_name}
    elif unit_id is not None:
        by = {"kind": "unit", "id": unit_id, "name": unit_name}
    else:
        by = None
    return {
        "id": entry_id,
        "date": on_date,
        "type": code,
        "label": label,
        "unit": unit,
        "quantity": plain_number(quantity),
        "by": by,
        "task": {"id": task_id, "title": task_title} if task_id is not None else None,
        "place": place,
        "note": note,
        "place_id": place_id,
    }


def _shape_new(entry_id: int, values: tuple, type_row: dict, party, task_row: dict | None) -> dict[str, Any]:
    row = dict(zip(ACTIVITY_COLUMNS, values, strict=True))
    return {
        "id": entry_id,
        "date": row["on_date"],
        "type": type_row["code"],
        "label": type_row["label_vi"],
        "unit": type_row["unit"],
        "quantity": plain_number(row["quantity"]),
        "by": {"kind": party.kind, "id": party.id, "name": party.name} if party else None,
        "task": {"id": task_row["id"], "title": task_row["title"]} if task_row else None,
        "place": row["place"],
        "note": row["note"],
        "place_id": row["place_id"],
    }


def plain_number(value: float | int | None) -> float | int | None:
    """40.0 -> 40: counts read as counts in JSON and CSV."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _entry_id(ref: int | str) -> int:
    text = str(ref).strip().lstrip("#")
    if not text.isdigit():
        raise Invalid(
            _("a log entry is given by its id (see  campaign log list), not {value!r}").format(value=str(ref))
        )
    return int(text)


def _entry_row_id(ctx: Context, ref: int | str) -> int:
    entry_id = _entry_id(ref)
    if ctx.db.scalar("SELECT id FROM activity WHERE campaign_id = ? AND id = ?", (ctx.campaign_id, entry_id)) is None:
        raise NotFound(_("no log entry with id {id}; see  campaign log list").format(id=entry_id))
    return entry_id


# -- CSV import --------------------------------------------------------------------
IMPORT_COLUMNS = ("date", "type", "quantity", "member", "task", "place", "note")
#: Header names, folded: the contract's English ones and what a Vietnamese
#: secretary would write in a spreadsheet.
HEADER_NAMES = {
    "date": "date", "ngay": "date",
    "type": "type", "loai": "type", "hinh thuc": "type",
    "quantity": "quantity", "qty": "quantity", "so luong": "quantity",
    "member": "member", "by": "member", "nguoi thuc hien": "member",
    "task": "task", "nhiem vu": "task",
    "place": "place", "dia diem": "place",
    "note": "note", "ghi chu": "note",
}  # fmt: skip


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass
class ImportResult:
    path: str
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[ImportProblem] = field(default_factory=list)
    #: Advice given once for the whole file (e.g. the known type codes).
    hints: list[str] = field(default_factory=list)
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    #: Written all the same, but worth a look (entries dated before the first phase).
    warnings: list[str] = field(default_factory=list)
    #: Places ``--add-places`` added to the registry (or would add, on a dry run).
    places_added: list[str] = field(default_factory=list)
    #: Rows imported before (services/log_imports.py): the earlier imports holding some of
    #: them, the lines that are new, and whether the file was refused for them.
    earlier: list = field(default_factory=list)
    new_lines: list[int] = field(default_factory=list)
    repeated_lines: list[int] = field(default_factory=list)
    repeated: int = 0
    refused: bool = False
    #: Rows written, or that a dry run would write, and the import's ``log_import.mode``.
    taken: int = 0
    mode: str = ""
    #: The record of this import and the change that wrote it (None on a dry run).
    import_id: int | None = None
    change_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_logs(
    ctx: Context, path: str | Path, dry_run: bool = False, *, repeated: str = "refuse", add_places: bool = False
) -> ImportResult:
    """Import a CSV of entries: all of them or, if any row is wrong, none.

    Header ``date,type,quantity,member,task,place,note`` (any order; date and
    type required, the rest optional); UTF-8 with or without BOM; separated by
    commas, or by semicolons or tabs when the header is. Dates are day first.
    Problems come back in ``result.errors`` with their line numbers; nothing
    is written unless there are none (and never on a dry run). Rows imported
    before are handled as ``repeated`` says (see :func:`import_log_rows`).
    """
    path = Path(path)
    return import_log_rows(ctx, _csv_records(path), source=str(path), dry_run=dry_run, repeated=repeated,
                           add_places=add_places)


def import_log_rows(
    ctx: Context, records, *, source: str, dry_run: bool = False, repeated: str = "refuse",
    add_places: bool = False,
) -> ImportResult:
    """Check and write entries read from any file: ``(line, row)`` pairs.

    ``row`` is a dict with the CSV header keys, or an :class:`ImportProblem`
    when the reader already found the line unusable. Shared by the CSV and
    the spreadsheet (XLSX) readers so both obey exactly the same rules.

    A clean file is then screened against earlier imports
    (``services/log_imports.py``). ``repeated``: ``refuse`` writes nothing
    when any row was imported before (``result.refused``, with the earlier
    imports in ``result.earlier``); ``only-new`` writes only the rows never
    imported; ``again`` writes every row. The import is recorded with its rows'
    fingerprints in the same transaction as its entries.
    """
    from campaign_cli.services import log_imports

    if repeated not in (log_imports.REFUSE, log_imports.ONLY_NEW, log_imports.AGAIN):
        raise ValueError(f"unknown way to treat repeated rows: {repeated!r}")
    result = ImportResult(path=source, dry_run=dry_run)
    checker = EntryChecker(ctx, brief=True, bulk=True, until=ctx.today, add_places=add_places)
    check, created_at = checker.entry, utc_now()
    first_phase = first_phase_start(ctx)
    early: list[int] = []
    rows: list[tuple] = []
    lines: list[int] = []
    with ctx.transaction() as tx:
        for line, row in records:
            result.rows += 1
            if isinstance(row, ImportProblem):
                result.errors.append(row)
                continue
            try:
                values = check(on_date=row.get("date"), type=row.get("type"), quantity=row.get("quantity"),
                               by=row.get("member"), task=row.get("task"), place=row.get("place"),
                               note=row.get("note"), created_at=created_at)[0]
            except CampaignError as exc:
                result.errors.append(ImportProblem(line, exc.message))
                continue
            if first_phase is not None and values[1] < first_phase:
                early.append(line)
            if not result.errors:
                rows.append(values)
                lines.append(line)
        if result.rows == 0:
            raise Invalid(_("{path} holds no entries, only the header").format(path=Path(source).name))
        if checker.unknown_type:
            codes = [code for (code,) in ctx.db.rows(
                "SELECT code FROM activity_type WHERE campaign_id = ? ORDER BY code", (ctx.campaign_id,))]
            result.hints.append(
                _("known types: {codes} (add one with  campaign type add)").format(codes=", ".join(codes))
            )
        if result.errors:
            return result
        screening = log_imports.screen(ctx, rows, ACTIVITY_COLUMNS, lines)
        rows, lines, prints, result.mode = _repeated_rows(result, screening, rows, lines, repeated)
        result.taken = len(rows)
        if result.refused or not rows:
            return result
        if early:
            taken = set(lines)
            early = [line for line in early if line in taken]
            if early:
                result.warnings.append(_early_lines(early, first_phase))
        days = [values[1] for values in rows]
        result.first_date, result.last_date = min(days), max(days)
        result.places_added = checker.places.planned()
        if not dry_run:
            rows = checker.places.settle(tx, rows, PLACE_ID)  # places --add-places found missing
            entry_ids = tx.insert_many("activity", ACTIVITY_COLUMNS, rows)
            result.imported = len(rows)
            result.change_id = tx.changeset_id
            result.import_id = log_imports.record_import(
                ctx, tx, file_name=Path(source).name, imported_at=created_at, file_rows=result.rows, mode=result.mode,
                span=(result.first_date, result.last_date), lines=lines, prints=prints, entry_ids=entry_ids,
            )
    return result


def _repeated_rows(result: ImportResult, screening, rows: list[tuple], lines: list[int], repeated: str):
    """The rows to write, their lines and fingerprints, and the import's mode, as ``repeated`` says
    for rows imported before; sets what ``result`` tells of them."""
    from campaign_cli.services import log_imports

    result.earlier = screening.earlier
    result.new_lines = [lines[position] for position in screening.new]
    if screening.repeated:
        new = set(screening.new)
        result.repeated_lines = [line for position, line in enumerate(lines) if position not in new]
    result.repeated = screening.repeated
    if not screening.repeated:
        return rows, lines, screening.prints, log_imports.MODE_ALL
    if repeated == log_imports.REFUSE:
        result.refused = True
        return [], [], [], log_imports.MODE_ALL
    if repeated == log_imports.AGAIN:
        return rows, lines, screening.prints, log_imports.AGAIN
    keep = screening.new
    return ([rows[position] for position in keep], [lines[position] for position in keep],
            [screening.prints[position] for position in keep], log_imports.ONLY_NEW)


def _early_lines(lines: list[int], first: dt.date, shown: int = 10) -> str:
    """One warning for every line dated before the first phase (the first few named)."""
    from campaign_cli.i18n import ngettext

    named = ", ".join(str(line) for line in lines[:shown]) + (", …" if len(lines) > shown else "")
    return ngettext(
        "{n} entry is dated before the first phase, which starts {first} (line {lines}); it was imported all the same",
        "{n} entries are dated before the first phase, which starts {first} (lines {lines}); "
        "they were imported all the same",
        len(lines),
    ).format(n=len(lines), first=_day(first), lines=named)


def _csv_records(path: Path):
    """``(line, row)`` pairs of a CSV file; malformed lines come as problems.

    Lines are physical lines, as an editor numbers them; a record whose quoted
    value holds line breaks (a note over two lines) is one row, as a
    spreadsheet shows it. A quote that never closes, or a quoted value
    followed by more text, makes the whole file :class:`Invalid`, naming the
    line where the quote opened: read leniently, it would swallow the rows
    after it into one value.
    """
    import csv
    import io

    text = _read_text(path)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = _rows(reader, path, text, delimiter)
    header = next((cells for _line, cells in rows if any(cell.strip() for cell in cells)), None)
    if header is None:
        raise Invalid(_("{path} is empty: the first line must be the header {columns}").format(
            path=path.name, columns=",".join(IMPORT_COLUMNS)))
    index = _header_index(header, path)
    width = len(header)
    unnamed = [position for position, cell in enumerate(header) if not cell.strip()]
    lines: list[str] = []
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        if reader.line_num > line:  # quoted line breaks: rare, so checked closely
            if not lines:
                lines = list(io.StringIO(text, newline=""))
            _refuse_swallowed_rows(path, lines, line, reader.line_num, delimiter, index)
        if len(cells) != width:
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                yield line, ImportProblem(line, _(
                    "{count} values but the header has {width} columns; put text holding the separator "
                    "in double quotes").format(count=len(cells), width=width))
                continue
            cells = (cells + [""] * width)[:width]
        if unnamed and any(cells[position].strip() for position in unnamed):
            yield line, ImportProblem(line, _(
                "a value in column {column}, which has no name in the header; name the column or clear it"
            ).format(column=next(position for position in unnamed if cells[position].strip()) + 1))
            continue
        yield line, {name: cells[position] for name, position in index.items()}


def _rows(reader, path: Path, text: str, delimiter: str):
    """``(first line, cells)`` of each record; a malformed file is a one-line error."""
    import csv

    line_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Invalid(_quote_problem(path, text, line_end + 1, delimiter) or _(
                "{path} line {line}: {reason}").format(path=path.name, line=reader.line_num, reason=first_line(exc))
            ) from None
        line, line_end = line_end + 1, reader.line_num
        yield line, cells


def _quote_problem(path: Path, text: str, start_line: int, delimiter: str) -> str | None:
    """What is wrong with the quotes of the record starting at ``start_line``, naming where the quote opened."""
    spans, unclosed = _quoted_values(text, start_line, delimiter)
    if unclosed is not None:
        return _(
            "{path} line {line}: a quote opens a value here and never closes, so every line after it would be "
            "read into that value; close the quote or remove it"
        ).format(path=path.name, line=unclosed)
    for opened, closed, followed in spans:
        if followed:
            if opened == closed:
                return _(
                    "{path} line {line}: text follows the closing quote of a quoted value; put the whole value "
                    "in quotes and double any quote inside it (\"\")"
                ).format(path=path.name, line=opened)
            return _(
                "{path} line {line}: a quote opens a value here that only closes on line {end}, followed by more "
                "text; close the quote on line {line}, or double the quotes inside the value (\"\")"
            ).format(path=path.name, line=opened, end=closed)
    return None


def _quoted_values(text: str, start_line: int, delimiter: str) -> tuple[list[tuple[int, int, bool]], int | None]:
    """The quoted values of one record: (line opened, line closed, text after the quote), and the
    line of a quote still open at the end of the file (None if every quote closed)."""
    position = _line_offset(text, start_line)
    line = start_line
    spans: list[tuple[int, int, bool]] = []
    at_start, quoted, opened = True, False, 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\r" or char == "\n":
            if char == "\r" and text[position + 1 : position + 2] == "\n":
                position += 1
            if not quoted:
                return spans, None  # end of the record
            line += 1
        elif quoted:
            if char == '"':
                if text[position + 1 : position + 2] == '"':
                    position += 1
                else:
                    quoted = False
                    after = text[position + 1 : position + 2]
                    spans.append((opened, line, after not in ("", delimiter, "\r", "\n")))
                    at_start = False
        elif char == delimiter:
            at_start = True
        else:
            if char == '"' and at_start:
                quoted, opened = True, line
            at_start = False
        position += 1
    return spans, (opened if quoted else None)


def _line_offset(text: str, line: int) -> int:
    """Where physical line ``line`` starts (lines end at \\n, \\r\\n or \\r, as the csv reader counts)."""
    position, current = 0, 1
    length = len(text)
    while current < line and position < length:
        char = text[position]
        position += 1
        if char == "\r" and text[position : position + 1] == "\n":
            position += 1
        if char in "\r\n":
            current += 1
    return position


#: A value a spreadsheet row could hold in its date column.
_DATE_LIKE = re.compile(r"\s*\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?\s*")


def _refuse_swallowed_rows(path: Path, lines: list[str], first: int, last: int, delimiter: str,
                           index: dict[str, int]) -> None:
    """A quoted value over several lines is legal, unless a line inside it reads as an entry of its own:
    then a quote was left open by mistake and that entry would vanish into a note."""
    import csv

    date_column = index.get("date")
    if date_column is None:
        return
    for number in range(first + 1, last + 1):
        cells = next(csv.reader([lines[number - 1].rstrip("\r\n")], delimiter=delimiter), [])
        if len(cells) >= len(index) and date_column < len(cells) and _DATE_LIKE.fullmatch(cells[date_column]):
            raise Invalid(_(
                "{path} line {line}: a quoted value opens here and runs on to line {end}, which reads as an entry "
                "of its own; close the quote where the value ends"
            ).format(path=path.name, line=first, end=number))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    # A UTF-16 BOM: "Unicode text" saved from a spreadsheet.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(
            _("{path} is not UTF-8 text (line {line}); save it from the spreadsheet as \"CSV UTF-8\"").format(
                path=path.name, line=line
            )
        ) from None


def _delimiter(text: str) -> str:
    """Commas, unless the header line uses semicolons (or tabs) and no commas."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip():
            if "," not in line and ";" in line:
                return ";"
            if "," not in line and "\t" in line:
                return "\t"
            return ","
        start = len(text) if end < 0 else end + 1
    return ","


def _header_index(header: list[str], path: Path) -> dict[str, int]:
    from campaign_cli.services.text import fold

    expected = ",".join(IMPORT_COLUMNS)
    index: dict[str, int] = {}
    unknown = []
    for position, cell in enumerate(header):
        name = HEADER_NAMES.get(fold(cell))
        if name is None:
            if cell.strip():
                unknown.append(cell.strip())
            continue
        if name in index:
            raise Invalid(
                _("the column {name!r} appears twice in the header of {path}").format(name=name, path=path.name)
            )
        index[name] = position
    if not index:
        raise Invalid(_("the first line of {path} must be the header {columns}, not {found!r}").format(
            path=path.name, columns=expected, found=",".join(header)[:60]))
    if unknown:
        raise Invalid(_("unknown column(s) {names} in the header of {path}; the columns are {columns}").format(
            names=", ".join(repr(name) for name in unknown), path=path.name, columns=expected))
    missing = [name for name in ("date", "type") if name not in index]
    if missing:
        raise Invalid(_("the header of {path} has no {names} column; the columns are {columns}").format(
            names=" or ".join(repr(name) for name in missing), path=path.name, columns=expected))
    return index
