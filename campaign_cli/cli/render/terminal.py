"""Tables for a terminal: every table fits its width, every row is one line, rows stream.

How a section becomes a table:

1. Every cell is turned into text once (``values.formatter``: labels for
   codes, numbers and dates for people), on one line.
2. Each column gets a natural width (its longest cell or heading) and a
   minimum: headings are never cut; numbers, dates and labels never shrink;
   text and names may shrink to their ``min_width``.
3. If the minimums do not fit, columns are left out, the highest priority
   number first (never an ``ESSENTIAL`` one), and a note under the table
   names them and says how to see them (``--wide`` or a wider terminal).
4. The room left is shared among the text columns up to their natural
   width; a longer text is cut after a whole word and ends in "…" (the full
   text stays in ``show``, JSON, CSV, Markdown and XLSX).
5. Rows are written one line each, as they come.

Layout costs one pass over the cells, writing a second: linear in the rows,
with no per-row layout engine (20,000 log entries print in well under a
second). Colour carries meaning only (red bad, yellow soon, green good) and
only on a terminal without ``NO_COLOR``.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, TextIO

from campaign_cli.cli.render import textfit, values
from campaign_cli.cli.render.model import ESSENTIAL, LOW, Column, Section, View, columns_for, section_for
from campaign_cli.i18n import _, ngettext

GAP = 2
#: Columns of a progress bar: as wide as there is room for, within these.
BAR_MAX, BAR_MIN = 10, 5
#: Shortest a text or a name column is cut to, unless the view says otherwise.
TEXT_MIN, NAME_MIN = 12, 22
#: Low-priority columns give way while an essential text is cut shorter than this.
COMFORT = 40
#: Width of a table written to a file (read later in an editor, not an 80-column terminal).
FILE_WIDTH = 120

_NUMERIC = ("id", "int", "number", "quantity", "percent")
#: Kinds that may be cut to fit (at a word boundary, with "…"); codes, e-mail
#: addresses and phone numbers are never cut: a cut one is a wrong one.
_FLEXIBLE = ("text", "name")
_STYLE = {"bad": "31", "warn": "33", "good": "32", "bold": "1", "dim": "2"}


def terminal_width(stream: TextIO) -> int:
    """COLUMNS when set (scripts and tests choose), else the terminal's width, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if _isatty(stream):
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def colour_wanted(stream: TextIO) -> bool:
    """Colour only for a person at a terminal that wants it (https://no-color.org)."""
    return _isatty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Painter:
    """ANSI styles when colour is on; the text unchanged when it is off."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, style: str | None) -> str:
        if not self.colour or not style or not text:
            return text
        return f"\x1b[{_STYLE[style]}m{text}\x1b[0m"


def write_view(view: View, stream: TextIO, lang: str, *, width: int, colour: bool = False, wide: bool = False) -> None:
    paint = Painter(colour)
    write = stream.write
    lines = _heading_lines(view)
    for index, (line, style) in enumerate(lines):
        for part in textfit.wrap(textfit.printable(line), width) if line else [""]:
            write(paint(part, style if index == 0 or style != "bold" else None) + "\n")
    if lines:
        write("\n")
    covered: tuple[str, ...] = ()
    if view.chart is not None:
        covered = view.chart.covers
        for line in view.chart.draw(width):
            write(line.rstrip() + "\n")
        if view.chart.legend:
            write(paint(view.chart.legend, "dim") + "\n")
        write("\n")
    sections = [section for section in view.sections if section_for(section, "people") and section.name not in covered]
    for index, section in enumerate(sections):
        if index:
            write("\n")  # a blank line between blocks, none after the last
        write_section(section, stream, lang, width=width, paint=paint, wide=wide)
    if sections and view.footer:
        write("\n")
    for line in view.footer:
        for part in textfit.wrap(textfit.printable(line), width):
            write(paint(part, "dim") + "\n")


def _heading_lines(view: View) -> list[tuple[str, str | None]]:
    if view.title:
        return [(view.title, "bold"), *((line, None) for line in view.heading)]
    return [(line, "bold" if index == 0 else None) for index, line in enumerate(view.heading)]


# -- one section --------------------------------------------------------------------------
def heading(column: Column) -> str:
    """What a terminal prints above a column: its short heading when it has one."""
    return column.short_header or column.header


class _Layout:
    """The columns a section shows at a width, and how wide each is."""

    def __init__(self, columns: list[Column], widths: list[int], bars: dict[int, int], left_out: list[Column]):
        self.columns = columns
        self.widths = widths
        self.bars = bars  # column index -> bar width
        self.left_out = left_out


def write_section(
    section: Section, stream: TextIO, lang: str, *, width: int, paint: Painter, wide: bool = False
) -> None:
    write = stream.write
    if section.title:
        for part in textfit.wrap(textfit.printable(section.title), width):
            write(paint(part, "bold") + "\n")
    if not section.rows:
        for part in textfit.wrap(textfit.printable(section.empty or "-"), width):
            write(paint(part, "dim") + "\n")
        return
    columns = columns_for(section, "people")
    rows = section.rows
    if section.preview is not None and not wide and len(rows) > section.preview:
        shown, hidden = rows[: section.preview], len(rows) - section.preview
    else:
        shown, hidden = rows, 0
    cells, shorts, tones, raws = _cells(columns, shown, lang)
    measure = textfit.width
    measured = [[len(text) if text.isascii() else measure(text) for text in texts] for texts in cells]
    layout = lay_out(columns, cells, shorts, width=None if wide else width, measured=measured)
    _write_rows(layout, columns, cells, measured, shorts, tones, raws, write, paint, rule=not section.compact)
    if hidden:
        more = ngettext("… and {n} more", "… and {n} more", hidden).format(n=hidden)
        if section.more:
            more += ": " + section.more
        for part in textfit.wrap(more, width):
            write(part + "\n")
    if layout.left_out:
        note = _("Left out at this width: {columns} (--wide or a wider terminal shows them).").format(
            columns=", ".join(column.header for column in layout.left_out)
        )
        for part in textfit.wrap(note, width):
            write(paint(part, "dim") + "\n")


def _cells(columns: list[Column], rows: list[dict[str, Any]], lang: str):
    """Every cell's text (one line), the short forms of names, each cell's tone, progress values."""
    texts: list[list[str]] = []
    shorts: dict[int, list[str]] = {}
    tones: dict[int, list[str | None]] = {}
    raws: dict[int, list[Any]] = {}
    for index, column in enumerate(columns):
        show = values.formatter(column, lang)
        key = column.key
        if column.short_first and column.short_key:
            short_key = column.short_key
            rows_key = [row.get(short_key) or row.get(key) for row in rows]
            texts.append([textfit.one_line(show(value)) for value in rows_key])
            continue
        if column.kind == "progress":
            raws[index] = [row.get(key) for row in rows]
        if column.kind in _FLEXIBLE:
            column_texts = [textfit.one_line(show(row.get(key))) for row in rows]
        else:
            column_texts = [show(row.get(key)) for row in rows]
        if column.tone is not None or column.tone_key is not None or column.kind == "state":
            column_tones = [values.tone_of(column, row) for row in rows]
            if column.kind == "status":
                column_texts = [
                    text + values.ALERT_MARK if tone == values.BAD and text else text
                    for text, tone in zip(column_texts, column_tones, strict=True)
                ]
            tones[index] = column_tones
        if column.gap_mark is not None:  # nothing there: the mark, in red
            gaps = [values.is_gap(column, row.get(key)) for row in rows]
            column_texts = [column.gap_mark if gap else text for text, gap in zip(column_texts, gaps, strict=True)]
            known = tones.get(index) or [None] * len(rows)
            tones[index] = [values.BAD if gap else tone for gap, tone in zip(gaps, known, strict=True)]
        if column.short_key:
            short_key = column.short_key
            shorts[index] = [textfit.one_line(show(row.get(short_key) or row.get(key))) for row in rows]
        texts.append(column_texts)
    return texts, shorts, tones, raws


def lay_out(
    columns: list[Column],
    cells: list[list[str]],
    shorts: dict[int, list[str]],
    *,
    width: int | None,
    measured: list[list[int]] | None = None,
) -> _Layout:
    """Which columns fit in ``width`` (None: all, at their natural width) and how wide each is.

    ``measured`` holds each cell's display width (``textfit.width``), when the caller has it.
    """
    measure = textfit.width
    if measured is None:
        measured = [[measure(text) for text in texts] for texts in cells]
    heads = [measure(heading(column)) for column in columns]
    natural: list[int] = []
    minimum: list[int] = []
    bars: dict[int, int] = {}
    percents: dict[int, int] = {}
    for index, column in enumerate(columns):
        longest = max(measured[index], default=0)
        if column.kind == "progress":
            percents[index] = longest
            natural.append(max(heads[index], BAR_MAX + 1 + longest))
            minimum.append(max(heads[index], BAR_MIN + 1 + longest))
            bars[index] = BAR_MAX
            continue
        full = max(heads[index], longest)
        if column.kind not in _FLEXIBLE:
            natural.append(full)
            minimum.append(full)
            continue
        if width is not None and column.max_width:
            full = min(full, max(column.max_width, heads[index]))
        if index in shorts:  # a name whose short form (an abbreviation) is shown whole where there is room
            short = max((measure(text) for text in shorts[index]), default=0)
            floor = column.min_width or min(short, NAME_MIN)
        else:
            floor = column.min_width or (NAME_MIN if column.kind == "name" else TEXT_MIN)
        natural.append(full)
        minimum.append(min(full, max(heads[index], floor)))
    keep = list(range(len(columns)))
    left_out: list[int] = []
    if width is None:
        widths = {i: natural[i] for i in keep}
    else:

        def needed(indices: list[int]) -> int:
            return sum(minimum[i] for i in indices) + GAP * (len(indices) - 1)

        def drop_worst(candidates: list[int]) -> None:
            worst = max(candidates, key=lambda i: (columns[i].rank, i))
            keep.remove(worst)
            left_out.append(worst)

        while needed(keep) > width:
            droppable = [i for i in keep if columns[i].rank > ESSENTIAL]
            if not droppable:
                break
            drop_worst(droppable)
        if needed(keep) > width:  # only essential columns left: shrink text to its heading
            for i in keep:
                if columns[i].kind in _FLEXIBLE:
                    minimum[i] = heads[i]
        widths = _share(keep, minimum, natural, bars, width - needed(keep))
        # low-priority columns only where the essential text is not cut short for them
        while True:
            squeezed = [
                i
                for i in keep
                if columns[i].rank == ESSENTIAL
                and columns[i].kind in _FLEXIBLE
                and widths[i] < min(natural[i], COMFORT)
            ]
            optional = [i for i in keep if columns[i].rank >= LOW]
            if not squeezed or not optional:
                break
            drop_worst(optional)
            widths = _share(keep, minimum, natural, bars, width - needed(keep))
        for i in keep:
            if i in bars:
                bars[i] = max(BAR_MIN, min(BAR_MAX, widths[i] - 1 - percents[i]))
    return _Layout(
        [columns[i] for i in keep],
        [widths[i] for i in keep],
        {keep.index(i): bars[i] for i in keep if i in bars},
        [columns[i] for i in sorted(left_out)],
    )


def _share(keep: list[int], minimum: list[int], natural: list[int], bars: dict, spare: int) -> dict[int, int]:
    """Each kept column's width: its minimum, plus a share of the room left, text first (what it
    says), then the bars (how it looks), none beyond its natural width."""
    widths = {i: minimum[i] for i in keep}
    for group in ([i for i in keep if i not in bars], [i for i in keep if i in bars]):
        growing = [i for i in group if natural[i] > widths[i]]
        while spare > 0 and growing:
            share = max(1, spare // len(growing))
            for i in list(growing):
                step = min(share, natural[i] - widths[i], spare)
                widths[i] += step
                spare -= step
                if widths[i] >= natural[i]:
                    growing.remove(i)
                if spare <= 0:
                    break
    return widths


#: Rows written to the stream at a time: a long list streams out in chunks, not line by line.
CHUNK = 500


def _write_rows(layout, columns, cells, measured, shorts, tones, raws, write, paint, *, rule: bool) -> None:
    indices = [columns.index(column) for column in layout.columns]
    widths = layout.widths
    right = [column.kind in _NUMERIC for column in layout.columns]
    pad = textfit.pad
    head = (
        (" " * GAP)
        .join(pad(heading(column), widths[n], right=right[n]) for n, column in enumerate(layout.columns))
        .rstrip()
    )
    write(paint(head, "bold") + "\n")
    if rule:
        write("─" * (sum(widths) + GAP * (len(widths) - 1)) + "\n")
    last = len(indices) - 1
    shown = []
    continued: dict[int, list[tuple[int, list[str]]]] = {}  # row -> (column, its wrapped lines after the first)
    for n, index in enumerate(indices):
        if layout.columns[n].wrap and max(measured[index], default=0) > widths[n]:
            column_cells = []
            for row, text in enumerate(cells[index]):
                first, *rest = textfit.wrap(text, widths[n]) or [""]
                column_cells.append(pad(first, widths[n]) if n != last else first)
                if rest:
                    continued.setdefault(row, []).append((n, rest))
        elif n in layout.bars:
            tone_list = tones.get(index) or [None] * len(cells[index])
            column_cells = [
                _bar(value, text, layout.bars[n], paint, tone, widths[n])
                for value, text, tone in zip(raws[index], cells[index], tone_list, strict=True)
            ]
        else:
            column_cells = _fit_column(
                cells[index], measured[index], widths[n], right=right[n], pad_last=n != last,
                shorts=shorts.get(index),
            )  # fmt: skip
            if index in tones and paint.colour:
                column_cells = [
                    _paint_cell(cell, tone, paint) for cell, tone in zip(column_cells, tones[index], strict=True)
                ]
        shown.append(column_cells)
    gap = " " * GAP
    lines = [gap.join(parts).rstrip() for parts in zip(*shown, strict=True)]
    for row in sorted(continued, reverse=True):  # wrapped values: more lines under their row
        extra: list[str] = []
        depth = max(len(rest) for _n, rest in continued[row])
        for step in range(depth):
            parts = [" " * room for room in widths]
            for n, rest in continued[row]:
                if step < len(rest):
                    parts[n] = pad(rest[step], widths[n])
            extra.append(gap.join(parts).rstrip())
        lines[row + 1 : row + 1] = extra
    for start in range(0, len(lines), CHUNK):
        write("\n".join(lines[start : start + CHUNK]) + "\n")


def _fit_column(
    texts: list[str], widths: list[int], room: int, *, right: bool, pad_last: bool, shorts: list[str] | None
) -> list[str]:
    """Each cell padded to ``room``; a longer one shortened (its short form, else cut after a word)."""
    if max(widths, default=0) <= room:
        if right:
            return [" " * (room - used) + text for text, used in zip(texts, widths, strict=True)]
        if not pad_last:
            return texts
        return [text + " " * (room - used) for text, used in zip(texts, widths, strict=True)]
    measure, cut = textfit.width, textfit.cut
    fitted = []
    for row, (text, used) in enumerate(zip(texts, widths, strict=True)):
        if used > room:
            text = shorts[row] if shorts is not None and measure(shorts[row]) <= room else cut(text, room)
            used = measure(text)
        gap = " " * (room - used)
        fitted.append(gap + text if right else text + gap if pad_last or used > room else text)
    return fitted


def _paint_cell(cell: str, tone: str | None, paint: Painter) -> str:
    stripped = cell.strip()
    return cell.replace(stripped, paint(stripped, tone), 1) if tone and stripped else cell


def _bar(value: float | None, percent_text: str, bar: int, paint: Painter, tone: str | None, room: int) -> str:
    """█████░░░░░ 71%: the share filled, coloured by what it means."""
    if value is None:
        return " " * room
    filled = round(max(0.0, min(1.0, float(value))) * bar)
    text = paint("█" * filled, tone) + paint("░" * (bar - filled), "dim") + " " + percent_text
    shown = bar + 1 + textfit.width(percent_text)
    return text + " " * max(0, room - shown)
