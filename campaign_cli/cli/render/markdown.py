"""Markdown: a document for people (labels, numbers for people), never cut.

A report with a title reads ``# title`` followed by its heading lines as a
list; each section is ``## title`` and a pipe table. User text is escaped
so that it cannot become markup.
"""

from __future__ import annotations

import re

from campaign_cli.cli.render import values
from campaign_cli.cli.render.model import View, columns_for, section_for
from campaign_cli.cli.render.textfit import printable

_NUMERIC = ("id", "int", "number", "quantity", "percent", "progress")


def escape(text: str) -> str:
    text = printable(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return re.sub(r"([*_`<>\[\]])", r"\\\1", text)


def to_markdown(view: View, lang: str) -> str:
    lines: list[str] = []
    if view.title:
        lines += ["# " + escape(view.title), ""]
        lines += ["- " + escape(line) for line in view.heading if line]
    else:
        lines += [escape(line) if line else "" for line in view.heading]
    if view.title or view.heading:
        lines.append("")
    for section in view.sections:
        if not section_for(section, "people"):
            continue
        if section.title:
            lines += [f"## {escape(section.title)}", ""]
        if not section.rows:
            lines += [escape(section.empty or "-"), ""]
            continue
        columns = columns_for(section, "people")
        shows = [values.formatter(column, lang) for column in columns]
        lines.append("| " + " | ".join(escape(column.header) for column in columns) + " |")
        lines.append("|" + "|".join("---:" if column.kind in _NUMERIC else "---" for column in columns) + "|")
        for row in section.rows:
            cells = []
            for column, show in zip(columns, shows, strict=True):
                value = row.get(column.key)
                if column.short_first and column.short_key:
                    value = row.get(column.short_key) or value
                text = column.gap_mark if values.is_gap(column, value) else show(value)
                if column.kind == "status" and text and values.tone_of(column, row) == values.BAD:
                    text += values.ALERT_MARK
                cells.append(escape(text))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [escape(line) for line in view.footer]
    return "\n".join(lines).rstrip() + "\n"
