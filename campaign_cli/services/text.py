"""Vietnamese-aware text helpers: normalisation, folding, matching, collation.

Everything here is stdlib-only and cheap to import: the only table built at
import time is a ~260-entry fold table; collation weights are cached lazily.

Conventions (see DOMAIN.md, "Vietnamese conventions the tool honours"):

* text is stored in NFC with whitespace collapsed (``nfc``);
* people often type without diacritics, so matching goes through ``fold``,
  which removes combining marks and maps đ/Đ to d (they do not decompose);
* sorting follows Vietnamese collation, letters first and tones only as a
  tie-breaker (``collation_key``); person lists sort by tên, họ, đệm
  (``name_sort_key``).
"""

import re
import unicodedata

from campaign_cli.i18n import _

__all__ = [
    "clean_user_text",
    "collation_key",
    "fold",
    "matches",
    "name_sort_key",
    "nfc",
]

_normalize = unicodedata.normalize
_combining = unicodedata.combining

# Vietnamese tone marks in NFD, in collation order. (The other marks, breve,
# circumflex and horn, make distinct letters: a -> ă, â; o -> ô, ơ; u -> ư.)
_TONES = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
_VOWELS = "aăâeêioôơuưy"
# Vietnamese alphabet with f j w z slotted in their Latin places.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"


def _vietnamese_letters() -> list[str]:
    """The 134 precomposed letters: 66 toned/marked vowels + đ, both cases."""
    lower = ["đ"]
    for vowel in _VOWELS:
        for mark in ("", *_TONES):
            ch = _normalize("NFC", vowel + mark)
            if not ch.isascii():
                lower.append(ch)
    return lower + [ch.upper() for ch in lower]


VIETNAMESE_LETTERS = tuple(_vietnamese_letters())

# Fast-path fold table: the Vietnamese letters to lowercase ASCII, so typical
# input folds with one C-level translate() call. All of ASCII is mapped too
# (A-Z lowered, the rest to itself): translate() raises and swallows a
# KeyError for every unmapped character, which made it 2.5x slower.
_FOLD_TABLE = {i: i for i in range(128)}
_FOLD_TABLE.update((i, i + 32) for i in range(ord("A"), ord("Z") + 1))
_FOLD_TABLE.update((ord(c), "d" if c in "đĐ" else _normalize("NFD", c)[0].lower())
                   for c in VIETNAMESE_LETTERS)


def nfc(text: str) -> str:
    """NFC-normalise, strip, and collapse whitespace runs to one space.

    This is the storage form: NFC so that equal-looking strings are equal,
    collapsed whitespace so stray double spaces never create near-duplicates.
    """
    return " ".join(_normalize("NFC", text).split())


def fold(text: str) -> str:
    """Matching key: lowercase, no diacritics, đ -> d, whitespace collapsed.

    Lets "nguyen manh hung" find "Nguyễn Mạnh Hùng". NFC and NFD input fold
    identically. Typical Vietnamese/ASCII text takes a translate() fast path;
    anything else goes through NFD, dropping combining marks, casefold
    (in that order, so Greek iota subscript is dropped as a mark).
    """
    if text.isascii():
        return " ".join(text.lower().split())
    folded = text.translate(_FOLD_TABLE)
    if folded.isascii():
        return " ".join(folded.split())
    decomposed = _normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not _combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "d")
    return " ".join(stripped.casefold().split())


def matches(query: str, text: str) -> bool:
    """True if ``query`` occurs in ``text`` ignoring case and diacritics.

    An empty (or all-whitespace) query matches everything, as a search box
    with nothing typed in should.
    """
    return fold(query) in fold(text)


# --- collation ---------------------------------------------------------------
# Primary weights are ints in bands: whitespace < punctuation/symbols (by
# codepoint) < digits (by value) < Latin/Vietnamese letters (alphabet order)
# < other scripts (by folded codepoint).
_SPACE = 0
_PUNCT = 1
_DIGIT = 0x110001
_LETTER = 0x110100
_OTHER = 0x110200
_LETTER_RANK = {c: _LETTER + i for i, c in enumerate(_ALPHABET)}


def _fallback_weight(ch: str) -> int:
    """Primary weight for one already-folded character."""
    if ch in _LETTER_RANK:
        return _LETTER_RANK[ch]
    if ch.isspace():
        return _SPACE
    if ch.isdecimal():
        return _DIGIT + unicodedata.decimal(ch)
    if ch.isalpha():
        return _OTHER + ord(ch)
    return _PUNCT + ord(ch)


def _collation_entry(ch: str) -> tuple[tuple[int, ...], int, int]:
    """(primary weights, tone, is_upper) for one NFC character.

    Vietnamese letters are decomposed into base letter (keeping breve,
    circumflex and horn, which make distinct letters) and tone. Anything
    else falls back to the weights of its folded form, so é sorts with e and
    ß with ss; a lone combining tone mark contributes only its tone.
    """
    tone = 0
    base = []
    for part in _normalize("NFD", ch):
        if part in _TONES:
            tone = tone or _TONES[part]
        else:
            base.append(part)
    upper = int(ch != ch.lower())
    letter = _normalize("NFC", "".join(base)).lower()
    if letter in _LETTER_RANK:
        return (_LETTER_RANK[letter],), tone, upper
    return tuple(_fallback_weight(c) for c in fold(ch)), tone, upper


# Filled lazily (keeps import cheap); bounded by the number of code points.
_COLLATION_CACHE: dict[str, tuple[tuple[int, ...], int, int]] = {}


def collation_key(text: str) -> tuple:
    """Sort key implementing Vietnamese collation.

    Levels, each a tie-breaker for the previous one:
    1. letters (a < ă < â < b ... d < đ ... o < ô < ơ ... u < ư ...), case-
       and tone-insensitive, whitespace collapsed; digits before letters;
    2. tones, one per word/syllable: none < huyền < hỏi < ngã < sắc < nặng
       (per syllable so "hoà" and "hòa" tie here, as they are one word);
    3. case, lowercase first;
    4. the NFC text itself, so keys are equal only for canonically equal
       strings and the order is total.
    """
    raw = _normalize("NFC", text)
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    word_tone = 0
    in_word = False
    cache = _COLLATION_CACHE
    for ch in " ".join(raw.split()):
        entry = cache.get(ch)
        if entry is None:
            entry = cache[ch] = _collation_entry(ch)
        weights, tone, upper = entry
        primary.extend(weights)
        is_letter = bool(weights) and weights[0] >= _LETTER
        if is_letter or (not weights and in_word):
            in_word = True
            word_tone = word_tone or tone
            cases.append(upper)
        elif in_word:
            tones.append(word_tone)
            word_tone, in_word = 0, False
    if in_word:
        tones.append(word_tone)
    return tuple(primary), tuple(tones), tuple(cases), raw


def name_sort_key(full_name: str) -> tuple:
    """Official list order: tên (last word), then họ (first), then đệm.

    Each part is compared fully (letters, then tones) before the next part is
    looked at, so "Anh" < "Ánh" whatever the family names are. A one-word
    name is its tên; a missing họ or đệm sorts before any.
    """
    words = nfc(full_name).split(" ")
    ten, ho, dem = words[-1], " ".join(words[:-1][:1]), " ".join(words[1:-1])
    # Compare every part by letters, tones and case first; only then fall
    # back to exact spelling, so the variants "Hoà"/"Hòa" (old and new tone
    # placement) count as the same tên and the họ decides between them.
    return (*(collation_key(part)[:3] for part in (ten, ho, dem)),
            _normalize("NFC", full_name))


# --- user input --------------------------------------------------------------
# C0, DEL, C1 controls, plus bidi embeddings/overrides/isolates, which can make
# text display differently from what it is (e.g. in a terminal table).
# Pattern strings, not compiled: re compiles and caches them on first use,
# which keeps importing this module cheap.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Invisible formatting characters (Unicode category Cf, less the bidi ones
#: above): zero-width spaces and joiners, word joiner, BOM, soft hyphen, tags.
#: "Hùng\u200b" looks like "Hùng" but never matches it. ``tests/test_files_and_errors.py``
#: checks this list against ``unicodedata``.
_INVISIBLE = (
    "\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_BAD_SINGLE = f"[\x00-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]"
_BAD_MULTI = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]"


def clean_user_text(text: str, *, field: str, max_len: int = 500,
                    multiline: bool = False) -> str:
    """Normalise user input to NFC with tidy whitespace, or raise ValueError.

    Rejected: control characters (all of them in single-line fields; all but
    tab and newline in multiline ones), bidi override/isolate characters and
    invisible formatting characters (zero-width space and joiners, BOM, soft
    hyphen...), because they can hide or disguise text when it is printed
    later, or make a name that looks like another never match it; and text
    longer than ``max_len`` characters after normalisation.

    Multiline text keeps its line breaks (CRLF/CR become LF): each line is
    stripped with inner whitespace collapsed (tabs become spaces), blank-line
    runs collapse to one blank line, leading/trailing blank lines go.
    The result may be "": the caller decides whether empty is allowed.
    """
    text = _normalize("NFC", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = re.search(_BAD_MULTI if multiline else _BAD_SINGLE, text)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        if unicodedata.category(bad.group()) == "Cc":
            raise ValueError(_("the {field} contains the control character {code}; remove it").format(
                field=_(field), code=code))
        if not re.match(f"[{_BIDI}]", bad.group()):
            raise ValueError(_("the {field} contains the invisible character {code}; remove it "
                               "(retype the text if it was pasted)").format(field=_(field), code=code))
        raise ValueError(_("the {field} contains the bidirectional-control character {code}, "
                           "which can disguise text; remove it").format(field=_(field), code=code))
    if multiline:
        lines = "\n".join(" ".join(line.split()) for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", lines).strip("\n")
    else:
        text = " ".join(text.split())
    if len(text) > max_len:
        raise ValueError(_("the {field} is too long ({length} characters); shorten it to at most {max_len}").format(
            field=_(field), length=len(text), max_len=max_len))
    return text
