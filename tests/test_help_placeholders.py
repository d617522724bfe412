"""Help in Vietnamese writes its placeholders in Vietnamese: ``--due NGÀY``, not ``--due DATE``.

The Vietnamese messages already say ``campaign task edit MÃ --due NGÀY``; the
help they point to must use the same words. Choices (``vi|en``) stay as typed.
"""

from __future__ import annotations

import re

import pytest
import typer.main
from typer import _click as click

from campaign_cli import i18n
from campaign_cli.cli import click_i18n
from campaign_cli.cli.app import app


@pytest.fixture
def vietnamese():
    before = i18n.current_language()
    i18n.set_language("vi")
    yield
    i18n.set_language(before)


def every_placeholder() -> set[str]:
    root = typer.main.get_command(app)
    found: set[str] = set()

    def walk(command, ctx):
        for param in command.params:
            if not (getattr(param, "is_flag", False) or getattr(param, "count", False)):
                found.add(param.make_metavar(ctx))
        for sub in getattr(command, "commands", {}).values():
            walk(sub, click.Context(sub, parent=ctx))

    walk(root, click.Context(root))
    return found


def test_every_placeholder_word_is_in_the_catalog():
    before = i18n.current_language()
    i18n.set_language("en")
    try:
        placeholders = every_placeholder()
    finally:
        i18n.set_language("vi")
    try:
        words = {word for placeholder in placeholders for word in re.findall(r"\b[A-Z][A-Z_]*\b", placeholder)}
        untranslated = {word for word in words if i18n.pgettext("metavar", word) == word}
    finally:
        i18n.set_language(before)
    assert len(words) > 20
    assert untranslated == set(), "add these to click_i18n.METAVARS and translate them"


def test_placeholders_read_in_vietnamese_and_choices_stay(cli, vietnamese):
    helped = cli("--lang", "vi", "task", "add", "--help", ok=True).stdout
    assert re.search(r"--due NGÀY\s", helped)
    assert re.search(r"--lead TV_HOẶC_ĐV\s", helped)
    assert "task add [TÙY CHỌN] TÊN_VIỆC" in helped
    assert "DATE" not in helped and "M_OR_U" not in helped
    assert re.search(r"--lang vi\|en\s", cli("--lang", "vi", "--help", ok=True).stdout)
    assert "<tệp>" in cli("--lang", "vi", "report", "weekly", "--help", ok=True).stdout


def test_english_help_is_unchanged(cli):
    helped = cli("--lang", "en", "task", "add", "--help", ok=True).stdout
    assert re.search(r"--due DATE\s", helped)
    assert "task add [OPTIONS] TITLE" in helped


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [("DATE", "NGÀY"), ("[N]", "[SỐ]"), ("TEXT|@FILE", "NỘI_DUNG|@TỆP"), ("<file>", "<tệp>"),
     ("vi|en", "vi|en"), ("'TITLE'", "'TÊN_VIỆC'"), ("--limit", "--limit")],
)
def test_translate_metavar(vietnamese, placeholder, expected):
    assert click_i18n.translate_metavar(placeholder) == expected
