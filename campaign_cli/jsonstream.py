"""Reading one big JSON object member by member, its arrays element by element.

A campaign export of 100,000 log entries is a 35 MB document; ``json.load``
holds all of it as text and as objects at once (about 280 MB). This reads the
top-level object from a text stream in pieces of a megabyte: each member's
value is decoded by the standard library's C decoder (``raw_decode``) where it
starts in the buffer, and an array member can be read element by element, so
only one element at a time is alive.

Every problem becomes a :class:`JsonError` with a one-line message and the
line and column where it is: broken syntax, a value cut off by the end of the
file, ``NaN``/``Infinity`` (not JSON), nesting so deep the decoder would
recurse without end, integers with more digits than Python converts.

Stdlib only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from campaign_cli.i18n import _

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_ITEM_GAP = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
#: Read this much at a time.
CHUNK = 1 << 20
#: A single value (an element of an array, or a member that is not read
#: element by element) larger than this is not a campaign record: report the
#: syntax error found rather than read on.
MAX_VALUE = 64 << 20


class JsonError(ValueError):
    """The text is not the JSON expected; ``str()`` is one line with the place."""

    def __init__(self, problem: str, line: int, column: int, *, syntax: bool = True):
        where = _("{problem} (line {line}, column {column})")
        super().__init__(where.format(problem=problem, line=line, column=column))
        self.problem, self.line, self.column = problem, line, column
        #: False for JSON that is well-formed but refused (nesting, thousand-digit numbers).
        self.syntax = syntax


def _no_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a JSON number").format(name=name))


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


class JsonStream:
    """A cursor over JSON text read from ``stream`` a chunk at a time."""

    def __init__(self, stream: TextIO, *, chunk: int = CHUNK):
        self._stream = stream
        self._chunk = chunk
        self._buffer = ""
        self._pos = 0
        self._eof = False
        #: Lines and the column reached by the text already dropped from the buffer.
        self._line = 1
        self._column = 0

    # -- the buffer ---------------------------------------------------------
    def _fill(self, at_least: int = 0) -> bool:
        """Read more text (at least ``at_least`` characters if there are); False at the end."""
        if self._eof:
            return False
        if self._pos > 0:  # drop what has been read, counting its lines for messages
            done = self._buffer[: self._pos]
            newlines = done.count("\n")
            if newlines:
                self._line += newlines
                self._column = len(done) - done.rfind("\n") - 1
            else:
                self._column += len(done)
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        wanted = max(self._chunk, at_least)
        parts = []
        while wanted > 0:
            piece = self._stream.read(wanted)
            if not piece:
                self._eof = True
                break
            parts.append(piece)
            wanted -= len(piece)
        self._buffer += "".join(parts)
        return bool(parts)

    def where(self, pos: int | None = None) -> tuple[int, int]:
        """Line and column (from 1) of a position in the buffer."""
        pos = self._pos if pos is None else pos
        newlines = self._buffer.count("\n", 0, pos)
        if newlines:
            return self._line + newlines, pos - self._buffer.rfind("\n", 0, pos)
        return self._line, self._column + pos + 1

    def error(self, problem: str, pos: int | None = None, *, syntax: bool = True) -> JsonError:
        line, column = self.where(pos)
        return JsonError(problem, line, column, syntax=syntax)

    def _skip_whitespace(self) -> str:
        """The next character that is not white space ('' at the end of the text)."""
        while True:
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def _expect(self, expected: str, what: str) -> None:
        found = self._skip_whitespace()
        if found != expected:
            raise self.error(_("expected {what}, found {found}").format(what=what, found=_describe(found)))
        self._pos += 1

    # -- values -------------------------------------------------------------
    def value(self) -> Any:
        """Decode the value that starts here (after white space)."""
        if not self._skip_whitespace():
            raise self.error(_("the text ends where a value was expected"))
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                # Cut off by the end of the buffer (not of the text)? Read on and decode again.
                cut = exc.pos >= len(self._buffer) - 32 or exc.msg.startswith("Unterminated string")
                if cut and self._grow():
                    continue
                rest = self._buffer[exc.pos :]
                at_end = self._eof and (exc.msg.startswith("Unterminated string") or not rest.strip())
                problem = _("the text ends too early") if at_end else exc.msg
                raise self.error(problem, exc.pos) from None
            except RecursionError:
                raise self.error(_("values are nested too deeply"), syntax=False) from None
            except ValueError as exc:  # an integer of thousands of digits, NaN, Infinity
                if "integer string conversion" in str(exc):
                    problem = _("a number has thousands of digits; no value in a campaign is that long")
                    raise self.error(problem, syntax=False) from None
                raise self.error(_first_line(exc)) from None
            if len(self._buffer) - end < 64 and self._grow():
                continue  # a number cut by the end of the buffer ("1." of "1.5"): decode it again whole
            self._pos = end
            return value

    def _grow(self) -> bool:
        """Read more for a value that may go on past the buffer; True when the caller must
        decode again (the buffer moved: positions taken before are void). The buffer grows
        by doubling, so a long value is decoded a few times, not once per chunk."""
        if self._eof or len(self._buffer) - self._pos > MAX_VALUE:
            return False
        self._fill(at_least=len(self._buffer))
        return True

    def object_members(self) -> Iterator[str]:
        """The keys of the object that starts here, one by one; after each key, the caller
        reads its value (:meth:`value` or :meth:`array_items`) before asking for the next."""
        self._expect("{", _("an object"))
        if self._skip_whitespace() == "}":
            self._pos += 1
            return
        while True:
            if self._skip_whitespace() != '"':
                raise self.error(_("expected a key in double quotes, found {found}").format(
                    found=_describe(self._skip_whitespace())))
            key = self.value()
            self._expect(":", _("':' after a key"))
            yield key
            following = self._skip_whitespace()
            if following == ",":
                self._pos += 1
                continue
            if following == "}":
                self._pos += 1
                return
            raise self.error(_("expected ',' or '}}' after a value, found {found}").format(found=_describe(following)))

    def array_items(self) -> Iterator[Any]:
        """The elements of the array that starts here, decoded one at a time."""
        self._expect("[", _("a list"))
        if self._skip_whitespace() == "]":
            self._pos += 1
            return
        scan = _DECODER.scan_once
        while True:
            # The common case first, without a Python call per step: a whole element and the
            # comma after it are in the buffer. Anything else takes the careful way.
            try:
                value, end = scan(self._buffer, self._pos)
            except (StopIteration, ValueError, RecursionError):
                pass
            else:
                gap = _ITEM_GAP.match(self._buffer, end)
                if gap is not None and gap.end() < len(self._buffer):
                    self._pos = gap.end()
                    yield value
                    continue
            yield self.value()
            following = self._skip_whitespace()
            if following == ",":
                self._pos += 1
                self._skip_whitespace()  # to the next element, where the quick way starts
                continue
            if following == "]":
                self._pos += 1
                return
            raise self.error(_("expected ',' or ']' after a list element, found {found}").format(
                found=_describe(following)))

    def is_array(self) -> bool:
        return self._skip_whitespace() == "["

    def end(self) -> None:
        """Nothing but white space may follow the document."""
        found = self._skip_whitespace()
        if found:
            raise self.error(_("text follows the end of the document: {found}").format(
                found=_describe(found)))


def _describe(character: str) -> str:
    return repr(character) if character else _("the end of the text")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
