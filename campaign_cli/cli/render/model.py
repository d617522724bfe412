"""What a command shows, described once for every format: a View of Sections of Columns.

A view says *what* each column holds (its kind: a date, a task status code,
a person's name, a quantity, free text...) and how much it matters; it never
says how a format shows it. Each renderer decides for itself: the terminal
turns a status code into its label, colours an overdue cell, cuts a long
title at a word boundary and leaves out low-priority columns when the
terminal is narrow; CSV keeps the code and every character; Markdown and
XLSX show labels and keep the whole text.

Stdlib only: views are built by commands that must start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Kinds a column can have. Old names stay valid: "int" and "number" are
#: quantities without a unit, "percent" a share shown as "71%".
TEXT_KINDS = ("text", "name", "code")
NUMBER_KINDS = ("id", "int", "number", "quantity", "percent")
#: Codes that people read as words (cli/labels.py); JSON and CSV keep the code.
LABEL_KINDS = ("status", "role", "state", "level", "party", "place_kind")
OTHER_KINDS = ("date", "progress", "bool")
KINDS = TEXT_KINDS + NUMBER_KINDS + LABEL_KINDS + OTHER_KINDS

#: Priorities: 1 is never left out of a terminal table; higher numbers go first.
ESSENTIAL = 1
NORMAL = 2
LOW = 5


@dataclass
class Column:
    """One column: the row key it shows, its heading, and what kind of value it is.

    - ``max_width``: the terminal never makes it wider (longer text is cut at
      a word boundary and ends in "…"; every other format keeps it whole).
    - ``optional``: the old way to say ``priority=LOW``.
    - ``priority``: when a terminal is too narrow, columns with the highest
      number are left out first (and named in a note); ``ESSENTIAL`` never.
      Default: ``LOW`` if optional, else ``NORMAL`` (``ESSENTIAL`` for ids).
    - ``min_width``: text and names are not cut shorter than this.
    - ``short_key``: a shorter form of a name in the row (a unit's
      abbreviation), used where the full name does not fit.
    - ``detail``: only in CSV, where every row stands alone: e.g. an
      activity type's code beside its label, or the phase a row of a
      per-phase section belongs to; people (terminal, Markdown, XLSX) read
      it from the label or the section's title.
    - ``digest``: only in the formats for people (terminal, Markdown): a
      value composed for reading ("680/840 tờ") whose parts the data
      formats carry as their own columns.
    - ``short_first``: people read the short form (``short_key``) even where
      the full one fits, as in lists of tasks ("Trung tâm VHTT&TT"); the data
      formats keep the full name.
    - ``tone`` / ``tone_key``: what a cell means at a glance, fixed
      ("bad", "warn", "good") or read from the row (a phase state, a task's
      overdue flag). The terminal colours it; a status cell whose tone is
      bad also reads "… !" in every format for people, colour or not.
    - ``decimals``: numbers for people with exactly this many decimals.
    - ``wrap``: a terminal wraps a long value over several lines instead of
      cutting it (the values of a ``show`` view, which exist to be read whole).
    - ``short_header``: the heading a terminal shows (an abbreviation, where a
      grid has many columns: "ÁP" for áp phích); the note naming columns left
      out, and every other format, use ``header``.
    - ``gap_mark``: a cell with nothing in it (None or 0) is a gap to see at
      a glance: people read this mark instead (the terminal in red, Markdown
      as it is) and a spreadsheet fills the cell red; JSON and CSV keep the value.
    """

    key: str
    header: str
    kind: str = "text"
    max_width: int | None = None
    optional: bool = False
    priority: int | None = None
    min_width: int | None = None
    short_key: str | None = None
    detail: bool = False
    digest: bool = False
    short_first: bool = False
    tone: str | None = None
    tone_key: str | None = None
    decimals: int | None = None
    wrap: bool = False
    short_header: str | None = None
    gap_mark: str | None = None

    @property
    def rank(self) -> int:
        if self.priority is not None:
            return self.priority
        if self.optional:
            return LOW
        return ESSENTIAL if self.kind == "id" else NORMAL


@dataclass
class Section:
    """A titled table of rows (plain dicts: values keep their types and codes).

    - ``preview``: a terminal shows the first this-many rows, then "… and N
      more" with ``more`` (where to see them all). Every other format shows
      every row: a script never gets a silently cut list.
    - ``audience``: "all"; "people" for a digest shown by the table and
      Markdown only (a burndown week by week); "data" for the complete
      series behind it, shown by CSV and XLSX only (every day).

    Which format shows what: the terminal and Markdown show sections for
    "people" and columns that are not details; CSV sections for "data" and
    columns that are not digests; XLSX, a sheet for people that holds the
    whole series, sections for "data" and the columns people see.
    - ``compact``: a terminal draws it without a rule under the headings (a
      one-screen summary).
    """

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: str = ""
    preview: int | None = None
    more: str = ""
    audience: str = "all"
    compact: bool = False


@dataclass
class Chart:
    """A figure the terminal draws to its width (burndown, Gantt); other formats
    carry the data in sections instead. ``covers`` names the sections the
    figure stands for on a terminal (they are not printed there)."""

    draw: Callable[[int], list[str]]
    legend: str = ""
    covers: tuple[str, ...] = ()


@dataclass
class View:
    """``data`` is the JSON document (its keys are the contract: CLI.md and
    ``schemas/``), or a function that returns it, for a long list whose JSON
    shape costs something to build; sections, heading and footer the same
    content for people.

    ``title`` is a report's title: bold on a terminal, ``# title`` in
    Markdown, with the heading lines under it as a list. Without a title the
    heading lines are printed as they are (the first one bold).
    """

    data: Any
    sections: list[Section] = field(default_factory=list)
    heading: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    title: str = ""
    chart: Chart | None = None


def section_for(section: Section, audience: str) -> bool:
    """Whether a renderer for ``audience`` ("people" or "data") shows this section."""
    return section.audience in ("all", audience)


def columns_for(section: Section, audience: str) -> list[Column]:
    """The columns a renderer for ``audience`` shows: details are for CSV only, digests for people."""
    if audience == "data":
        return [column for column in section.columns if not column.digest]
    return [column for column in section.columns if not column.detail]
