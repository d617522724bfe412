"""The two charts, drawn in Unicode block characters to a width: burndown and Gantt.

Drawn here rather than with plotext: no extra dependency, and plain block
characters survive ``NO_COLOR``, pipes, files and 80-column terminals
unchanged. The terminal renderer draws them (``View.chart``); JSON, CSV,
Markdown and XLSX carry the data instead.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from campaign_cli.cli.render.textfit import cut
from campaign_cli.cli.render.textfit import width as text_width
from campaign_cli.i18n import _

#: Charts do not grow past this many columns, however wide the terminal.
MAX_WIDTH = 200
_EIGHTHS = " ▁▂▃▄▅▆▇█"


def burndown_chart(report: dict[str, Any], width: int, height: int = 10) -> list[str]:
    """A bar per day (or per few days) of open tasks, the ideal as dots, block characters only."""
    width = min(width, MAX_WIDTH)
    series = report["series"]
    if not series:
        return []
    top = max([1.0, *(point["ideal"] for point in series), *(point["open"] or 0 for point in series)])
    top = math.ceil(top)
    label_width = len(str(top)) + 1
    room = max(10, width - label_width - 2)
    step = max(1, math.ceil(len(series) / room))
    buckets = [series[index : index + step] for index in range(0, len(series), step)]
    stretch = max(1, min(3, room // len(buckets)))
    columns = []
    for bucket in buckets:
        known = [point for point in bucket if point["open"] is not None]
        last = bucket[-1]
        columns.append((known[-1]["open"] if known else None, last["ideal"], bucket[0]["date"], last["date"]))
    grid = []
    for level in range(height - 1, -1, -1):
        cells = []
        for value, ideal, _first, _last in columns:
            cell = " "
            if value is not None:
                eighths = round(value / top * height * 8)
                full, rest = divmod(eighths, 8)
                if level < full:
                    cell = "█"
                elif level == full and rest:
                    cell = _EIGHTHS[rest]
            if ideal > 0 and min(height - 1, int(ideal / top * height)) == level:
                cell = "·"  # also across a bar: where work should be matters most when behind
            cells.append(cell * stretch)
        if level == height - 1:
            label = str(top)
        elif level == 0:
            label = "0"
        elif level == height // 2:
            label = str(round(top * (level + 0.5) / height))
        else:
            label = ""
        grid.append(f"{label:>{label_width}}┤" + "".join(cells))
    grid.append(" " * label_width + "└" + "─" * (len(columns) * stretch))
    marks = [" "] * (len(columns) * stretch)
    today, election = report["as_of"], report["election_day"]
    for index, (_value, _ideal, first, last) in enumerate(columns):
        if first <= today <= last:
            marks[index * stretch + stretch - 1] = "^"
        if first <= election <= last:
            marks[index * stretch + stretch - 1] = "◆"
    grid.append(" " * (label_width + 1) + "".join(marks).rstrip())
    start, end = report["start"], report["end"]
    left = f"{start.day:02d}/{start.month:02d}"
    right = f"{end.day:02d}/{end.month:02d}"
    gap = max(1, len(columns) * stretch - len(left) - len(right))
    grid.append(" " * (label_width + 1) + left + " " * gap + right)
    if step > 1:
        grid.append(_("(one column = {n} days)").format(n=step))
    return grid



def gantt_chart(report: dict[str, Any], width: int) -> list[str]:
    """Phases and tasks as bars on one date axis; election day and the as-of date marked."""
    width = min(width, MAX_WIDTH)
    start, end = report["start"], report["end"]
    days = (end - start).days + 1
    label_width = max(16, min(34, width // 3))
    room = max(20, width - label_width - 1)
    scale = room / days

    def col(day: dt.date) -> int:
        return max(0, min(room - 1, int((day - start).days * scale)))

    election, today = report["election_day"], report["as_of"]
    marks: dict[int, str] = {}
    if start <= today <= end:
        marks[col(today)] = "┊"
    if start <= election <= end:
        marks[col(election)] = "│"

    empty = [marks.get(index, " ") for index in range(room)]

    def bar(first: dt.date, last: dt.date, char: str, tail: str = "") -> str:
        cells = empty.copy()
        a, b = col(max(first, start)), col(min(last, end))
        cells[a : b + 1] = [char] * (b + 1 - a)
        if tail and b + 1 < room:
            cells[b + 1] = tail
        return "".join(cells).rstrip()

    def label(text: str) -> str:
        indent = " " * (len(text) - len(text.lstrip(" ")))
        text = indent + cut(" ".join(text.split()), label_width - len(indent))
        return text + " " * (label_width - text_width(text))

    # month ticks on top
    axis = [" "] * room
    day = dt.date(start.year, start.month, 1)
    last_written = -10
    while day <= end:
        if day >= start:
            index = col(day)
            text = f"{day.month:02d}/{day.year % 100:02d}"
            if index >= last_written + 1 and index + len(text) <= room:
                axis[index : index + len(text)] = list(text)
                last_written = index + len(text)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    top = [" " * label_width + " " + "".join(axis).rstrip()]
    pointer = [" "] * room
    if start <= election <= end:
        pointer[col(election)] = "▼"
    top.append(" " * label_width + " " + "".join(pointer).rstrip())
    lines = top
    for phase in report["phases"]:
        phase_end = phase["end"] or end
        lines.append(label(phase["name"]) + " " + bar(phase["start"], phase_end, "━"))
        for task in phase["tasks"]:
            due = task["due"] or phase_end
            first = min(task["start"], due)
            if task["status"] == "done":
                char, tail = "█", ""
            elif task["status"] == "cancelled":
                char, tail = "╌", ""
            else:
                char, tail = "░", ("!" if task["overdue"] else "")
            lines.append(label(f"  #{task['id']} {task['title']}") + " " + bar(first, due, char, tail))
    return lines

