"""Words for codes: the one place a status, role, level, place kind or state becomes text.

JSON and CSV carry the codes (``campaign_cli.vocabulary``); tables, Markdown,
spreadsheets and documents show these labels, which come from the gettext
catalog like every other message. ``lang`` picks a language other than the
current one (an official document is Vietnamese whatever the terminal speaks).
"""

from __future__ import annotations

from campaign_cli import i18n
from campaign_cli.i18n import N_, NP_

_STATUS = {
    "todo": N_("to do"),
    "doing": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    "cancelled": N_("cancelled"),
}
_ROLE = {
    "chair": N_("Chair"),
    "vice-chair": N_("Vice-chair"),
    "secretary": N_("Secretary"),
    "lead": N_("Lead"),
    "support": N_("Support"),
}
_MEMBER_ROLE = NP_("role", "Member")
_STATE = {
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "complete": N_("complete"),
    "upcoming": N_("upcoming"),
    "no_tasks": N_("no tasks"),
    "finished": N_("finished"),
}
_PARTY_KIND = {"member": N_("member"), "unit": N_("unit")}
_LEVEL = {"province": N_("province"), "district": N_("district"), "commune": N_("commune")}
_PLACE_KIND = {**_LEVEL, "village": N_("village")}

#: (language, code) -> label: long lists label thousands of rows.
_CACHE: dict[tuple[str, str, str], str] = {}


def _translate(kind: str, code: str, message: str | None, lang: str | None, context: str | None = None) -> str:
    if message is None:
        return code
    language = lang or i18n.current_language()
    key = (language, kind, code)
    if key not in _CACHE:
        translation = i18n.translation_for(language)
        _CACHE[key] = translation.pgettext(context, message) if context else translation.gettext(message)
    return _CACHE[key]


def status_label(code: str, lang: str | None = None) -> str:
    """A task status for people ("đang thực hiện"); JSON and CSV keep the code."""
    return _translate("status", code, _STATUS.get(code), lang)


def role_label(code: str, lang: str | None = None) -> str:
    """A member's role (Trưởng Tiểu ban…) or an assignment role (chủ trì / phối hợp)."""
    if code == "member":
        return _translate("role", code, _MEMBER_ROLE, lang, context="role")
    return _translate("role", code, _ROLE.get(code), lang)


def state_label(code: str, lang: str | None = None) -> str:
    """How a phase stands (services.reports.phase_state)."""
    return _translate("state", code, _STATE.get(code), lang)


def party_kind_label(code: str, lang: str | None = None) -> str:
    """member or unit."""
    return _translate("party", code, _PARTY_KIND.get(code), lang)


def level_label(code: str, lang: str | None = None) -> str:
    """The administrative level of the election committee (tỉnh, huyện, xã)."""
    return _translate("level", code, _LEVEL.get(code), lang)


def place_kind_label(code: str, lang: str | None = None) -> str:
    """A kind of place in the registry (tỉnh, huyện, xã, thôn)."""
    return _translate("place_kind", code, _PLACE_KIND.get(code), lang)


def status_from_words(text: str) -> str | None:
    """The status code a user means: the code, or its label in either language,
    with or without diacritics ("đang thực hiện", "dang thuc hien", "in progress")."""
    from campaign_cli.services.text import fold

    wanted = fold(text)
    for code in _STATUS:
        if wanted == code or wanted in (fold(status_label(code, lang)) for lang in i18n.LANGUAGES):
            return code
    return None
