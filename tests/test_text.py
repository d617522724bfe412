"""Tests for campaign_cli.services.text (Vietnamese text helpers)."""

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_cli.services.text import (
    VIETNAMESE_LETTERS,
    clean_user_text,
    collation_key,
    fold,
    matches,
    name_sort_key,
    nfc,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def shuffled(items: list) -> list:
    items = list(items)
    random.Random(2026).shuffle(items)
    return items


# --- fold ---------------------------------------------------------------------
# Every precomposed Vietnamese letter, by the ASCII letter it folds to.
FOLDS_TO = {
    "a": "àảãáạăằẳẵắặâầẩẫấậ",
    "e": "èẻẽéẹêềểễếệ",
    "i": "ìỉĩíị",
    "o": "òỏõóọôồổỗốộơờởỡớợ",
    "u": "ùủũúụưừửữứự",
    "y": "ỳỷỹýỵ",
    "d": "đ",
}
LETTER_CASES = [(ch, base) for base, chars in FOLDS_TO.items() for ch in chars]
LETTER_CASES += [(ch.upper(), base) for ch, base in LETTER_CASES]


def test_table_covers_all_134_letters():
    assert len(LETTER_CASES) == 134
    assert sorted(ch for ch, _ in LETTER_CASES) == sorted(VIETNAMESE_LETTERS)


@pytest.mark.parametrize(("letter", "base"), LETTER_CASES)
def test_fold_vietnamese_letter(letter, base):
    assert fold(letter) == base
    assert fold(nfd(letter)) == base
    assert fold(f"X{letter}y {letter.upper()}") == f"x{base}y {base}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Mạnh Hùng", "nguyen manh hung"),
        ("ĐƯỜNG", "duong"),
        ("  Ủy   ban\tnhân dân\n", "uy ban nhan dan"),
        ("HĐND xã Đông Hưng", "hdnd xa dong hung"),
        ("VHTT&TT", "vhtt&tt"),
        ("Müller Straße", "muller strasse"),  # non-Vietnamese: NFD fallback
        ("Ελληνικά", "ελληνικα"),
        ("", ""),
    ],
)
def test_fold_examples(text, expected):
    assert fold(text) == expected
    assert fold(nfd(text)) == expected


@pytest.mark.parametrize("query", ["hung", "Hung", "HÙNG", nfd("Hùng"),
                                   "nguyen manh", "MẠNH  HÙNG", ""])
def test_matches_name(query):
    assert matches(query, "Nguyễn Mạnh Hùng")


@pytest.mark.parametrize(
    ("query", "text"),
    [("duong", "Đường"), ("ap phich", "áp phích"), ("đường", "duong"),
     ("ubnd", "UBND tỉnh"), ("ĐBQH", "đại biểu ĐBQH")],
)
def test_matches(query, text):
    assert matches(query, text)


@pytest.mark.parametrize(("query", "text"),
                         [("hungg", "Hùng"), ("manh hung x", "Mạnh Hùng")])
def test_no_match(query, text):
    assert not matches(query, text)


def test_nfc():
    assert nfc(nfd("  Nguyễn \t Mạnh\nHùng ")) == "Nguyễn Mạnh Hùng"
    assert unicodedata.is_normalized("NFC", nfc(nfd("Trường Sa")))


# --- collation ------------------------------------------------------------------
WORDS_IN_ORDER = [
    "9", "a", "an", "ăn", "ân", "bà", "da", "dư", "đa",
    "ma", "Ma", "mà", "mả", "mã", "má", "mạ", "mác", "mạc",
    "o", "ô", "ơ", "phở", "u", "ư", "xa", "zê",
]


def test_collation_words():
    assert sorted(shuffled(WORDS_IN_ORDER), key=collation_key) == WORDS_IN_ORDER


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("a", "ă"), ("ă", "â"), ("â", "b"), ("d", "đ"), ("đ", "e"),
        ("e", "ê"), ("o", "ô"), ("ô", "ơ"), ("u", "ư"), ("ư", "v"),
        ("f", "g"), ("i", "j"), ("w", "x"), ("y", "z"),
        ("mạ", "mác"),  # letters beat tones
        ("ma mà", "mà ma"),  # tones compared syllable by syllable
        ("Hoa", "hoà"),
        ("hòa", "Hòa"),  # case only after tones
        ("an b", "anh"),  # space before letters
        ("a1", "aa"),  # digits before letters
    ],
)
def test_collation_pairs(lower, higher):
    assert collation_key(lower) < collation_key(higher)


def test_collation_nfd_and_whitespace():
    assert collation_key(nfd("Mạnh Hùng")) == collation_key("Mạnh Hùng")
    assert collation_key(" a  b")[:3] == collation_key("a b")[:3]


# --- name sorting ---------------------------------------------------------------
# Order by tên, then họ, then đệm. Worked out by hand. Two tricky pairs:
# * "Vũ Đức Anh" before "Bùi Thị Ngọc Ánh": tên is compared completely, tones
#   included, before họ is looked at; Anh and Ánh have the same letters and
#   no tone < sắc, so Anh wins although Bùi < Vũ.
# * "Dương Văn Đức" before "Đinh Văn Đức": same tên, so họ decides, and d < đ
#   is decided at the first letter (ư vs i is never reached).
# Also: "Lê Thị Hòa" before "Ngô Quang Hoà": Hòa/Hoà are the same name in new
# and old tone placement, so they tie and họ (Lê < Ngô) decides; names with
# no họ or no đệm come first (Hoa, Nguyễn Anh); Tú < Tư because u < ư.
NAMES_IN_ORDER = [
    "Lê Văn An",
    "Mai Anh",
    "Nguyễn Anh",
    "Nguyễn Văn Anh",
    "Vũ Đức Anh",
    "Bùi Thị Ngọc Ánh",
    "Phạm Thị Ánh",
    "Võ Văn Ân",
    "Lê Thị Bích",
    "Nguyễn Thị Bích",
    "Trần Văn Bình",
    "Dương Văn Đức",
    "Đinh Văn Đức",
    "Đặng Thị Thu Hà",
    "Đỗ Thị Hà",
    "Nguyễn Văn Hải",
    "Hoa",
    "Trần Thị Hoa",
    "Lê Thị Hòa",
    "Ngô Quang Hoà",
    "Nguyễn Mạnh Hùng",
    "Hoàng Văn Hưng",
    "Lý Thị Lan",
    "Nguyễn Văn Tú",
    "Lê Văn Tư",
    "Trịnh Thị Hải Yến",
]


def test_name_sort():
    assert sorted(shuffled(NAMES_IN_ORDER), key=name_sort_key) == NAMES_IN_ORDER


def test_name_sort_key_tolerates_nfd_and_spacing():
    assert name_sort_key(nfd(" Nguyễn  Mạnh Hùng"))[:3] == \
        name_sort_key("Nguyễn Mạnh Hùng")[:3]
    assert name_sort_key("") < name_sort_key("An")


# --- clean_user_text ------------------------------------------------------------
def test_clean_single_line():
    assert clean_user_text(nfd("  Họp   Ban chỉ đạo "), field="title") == \
        "Họp Ban chỉ đạo"
    assert clean_user_text("   ", field="title") == ""


def test_clean_multiline():
    text = "Dòng 1\r\n\tthụt lề  \n\n\n\nDòng 3\n\n"
    assert clean_user_text(text, field="note", multiline=True) == \
        "Dòng 1\nthụt lề\n\nDòng 3"


@pytest.mark.parametrize(
    "bad",
    ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\x9f",
     "\u202a", "\u202e", "\u2066", "\u2069"],
)
@pytest.mark.parametrize("multiline", [False, True])
def test_clean_rejects(bad, multiline):
    with pytest.raises(ValueError, match=r"^the title contains the .*U\+") as err:
        clean_user_text(f"ab{bad}cd", field="title", multiline=multiline)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("ws", ["\n", "\t", "\r"])
def test_clean_single_line_rejects_newline_and_tab(ws):
    with pytest.raises(ValueError, match="title"):
        clean_user_text(f"a{ws}b", field="title")


def test_clean_max_len():
    assert clean_user_text("a" * 500, field="name") == "a" * 500
    with pytest.raises(ValueError, match=r"^the name is too long \(501 characters\); shorten it to at most 500$"):
        clean_user_text("a" * 501, field="name")
    # measured after normalisation: NFD input is not penalised
    assert clean_user_text(nfd("ệ") * 5, field="name", max_len=5) == "ệ" * 5


# --- properties -------------------------------------------------------------------
VIET_CHARS = "".join(VIETNAMESE_LETTERS) + (
    "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY fjwz09 -.,\t\n"
    "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031bßüñİ"
)
viet_text = st.text(alphabet=VIET_CHARS, max_size=20)
any_text = st.text(max_size=30)


@given(st.one_of(viet_text, any_text))
def test_fold_idempotent(s):
    assert fold(fold(s)) == fold(s)


@given(st.one_of(viet_text, any_text))
def test_fold_normalisation_invariant(s):
    assert fold(nfc(s)) == fold(nfd(s)) == fold(s)


@given(st.one_of(viet_text, any_text))
def test_fold_matches_reference(s):
    """The translate() fast path agrees with the plain definition."""
    stripped = "".join(c for c in nfd(s) if not unicodedata.combining(c))
    ref = stripped.replace("đ", "d").replace("Đ", "d").casefold()
    assert fold(s) == " ".join(ref.split())


@given(st.lists(st.one_of(viet_text, any_text), min_size=2, max_size=8))
def test_collation_total_order(items):
    keys = [collation_key(s) for s in items]
    for a, ka in zip(items, keys, strict=True):
        for b, kb in zip(items, keys, strict=True):
            same = unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
            assert (ka == kb) == same
            assert (ka < kb) + (ka > kb) + (ka == kb) == 1
    # distinct texts never tie, so sorting does not depend on input order
    canon = sorted({unicodedata.normalize("NFC", s) for s in items})
    assert sorted(canon, key=collation_key) == \
        sorted(shuffled(canon), key=collation_key)


@given(viet_text)
def test_collation_key_nfd_invariant(s):
    assert collation_key(nfd(s)) == collation_key(s)


@given(any_text, st.booleans())
def test_clean_user_text_never_returns_controls(s, multiline):
    try:
        out = clean_user_text(s, field="x", max_len=1000, multiline=multiline)
    except ValueError:
        return
    allowed = "\n" if multiline else ""
    assert not any(
        (unicodedata.category(c) == "Cc" and c not in allowed)
        or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"
        for c in out
    )
    assert out == out.strip()
    assert unicodedata.is_normalized("NFC", out)
