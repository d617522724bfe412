"""Text that fits: display widths, cutting at a word boundary, wrapping, escaping.

A terminal cell is measured in columns, not characters: a combining mark
takes none, a CJK character or an emoji two. Vietnamese text stored in NFC
(the tool stores everything so) is one column per character, so the common
case is ``len``; the slow path runs only for text that needs it.

User text is data: control and bidi characters are shown escaped
(:func:`printable`) so that a name cannot move the cursor or reverse a line.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Anything that is not one column wide: combining marks, zero-width and wide characters.
_NOT_SINGLE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
    "\u1100-\u115f\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f\u20d0-\u20ff\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)
_SPACES = re.compile(r"\s+")


def printable(text: str) -> str:
    """Control and bidi characters shown as escapes, so text cannot drive the terminal."""
    return _CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    """Escaped, with every run of whitespace (newlines too) as one space: a table cell."""
    if text.isprintable() and "  " not in text:  # the common case, at C speed
        return text
    text = printable(text)
    if "  " in text or "\n" in text or "\t" in text:
        text = _SPACES.sub(" ", text).strip()
    return text


def char_width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff" or "\ufe00" <= char <= "\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    if text.isascii() or not _NOT_SINGLE.search(text):
        return len(text)
    return sum(char_width(char) for char in text)


def _take(text: str, room: int) -> str:
    """The longest start of ``text`` that fits in ``room`` columns."""
    if width(text) <= room:
        return text
    if text.isascii() or not _NOT_SINGLE.search(text):
        return text[:room]
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > room:
            return text[:index]
    return text


def cut(text: str, room: int) -> str:
    """``text`` in at most ``room`` columns: whole if it fits, else cut after a
    whole word and ended with "…"; a first word longer than the room is cut
    inside (it still ends in "…"), so no word is ever shown split without a mark."""
    simple = text.isascii() or not _NOT_SINGLE.search(text)  # one column per character
    if (len(text) if simple else width(text)) <= room:
        return text
    if room <= 1:
        return ELLIPSIS if room == 1 else ""
    head = text[: room - 1] if simple else _take(text, room - 1)
    if not head[-1:].isspace() and not text[len(head)].isspace():  # the cut falls inside a word
        boundary = head.rfind(" ")
        if boundary > 0:
            head = head[:boundary]
    return head.rstrip(" ,;:·–-") + ELLIPSIS


#: Heading lines join their facts with this; a line breaks between facts first.
SEPARATOR = " · "


def wrap(text: str, room: int) -> list[str]:
    """``text`` as lines of at most ``room`` columns, broken between facts
    ("a · b · c") where it can, else between words (a word longer than a line
    is cut with "…")."""
    if width(text) <= room:
        return [text]
    if SEPARATOR in text:
        lines = []
        line = ""
        for part in text.split(SEPARATOR):
            candidate = f"{line}{SEPARATOR}{part}" if line else part
            if width(candidate) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            if width(part) <= room:
                line = part
            else:
                *whole, line = _wrap_words(part, room)
                lines += whole
        if line:
            lines.append(line)
        return lines
    return _wrap_words(text, room)


def _wrap_words(text: str, room: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word if width(word) <= room else cut(word, room)
    if line:
        lines.append(line)
    return lines


def pad(text: str, room: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``room`` columns, on the left when ``right``."""
    gap = room - width(text)
    if gap <= 0:
        return text
    return " " * gap + text if right else text + " " * gap
