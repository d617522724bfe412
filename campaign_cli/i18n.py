"""Message translation through gettext catalogs shipped in ``campaign_cli/locale``.

Message ids are English; the Vietnamese catalog is ``locale/vi/LC_MESSAGES/
campaign.po``, compiled to the ``.mo`` next to it by ``scripts/i18n.py compile``.

Which language: ``--lang``, else ``CAMPAIGN_LANG``, else the campaign's own
setting (``lang``, chosen at ``init``), else the locale (``LANG=vi_VN.UTF-8``),
else English. The language is first chosen before the command tree is built
(from the arguments and the environment: no database yet), so that ``--help``
is translated; once a command opens the database, the campaign's setting
replaces a language that came only from the locale (``cli/state.py``).
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

LANGUAGES = ("vi", "en")
_LOCALE_DIR = Path(__file__).with_name("locale")
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> None:
    global _translation, _language
    lang = normalise_language(lang) or "en"
    _language = lang
    _translation = translation_for(lang)


def translation_for(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (English: none), whatever the current language is."""
    lang = normalise_language(lang) or "en"
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation("campaign", _LOCALE_DIR, languages=[lang], fallback=True)


def current_language() -> str:
    return _language


def normalise_language(value: str | None) -> str | None:
    """'vi_VN.UTF-8' -> 'vi'; unknown languages -> None."""
    if not value:
        return None
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None


def explicit_language(environ=os.environ) -> str | None:
    """``CAMPAIGN_LANG``: chosen on purpose, so it beats the campaign's own setting."""
    return normalise_language(environ.get("CAMPAIGN_LANG"))


def locale_language(environ=os.environ) -> str | None:
    """The language of the user's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), if vi or en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return normalise_language(value)
    return None


def language_from_environment(environ=os.environ) -> str | None:
    return explicit_language(environ) or locale_language(environ)


def gettext(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a context, for an English word that needs two translations (a role "Member")."""
    return _translation.pgettext(context, message)


def NP_(context: str, message: str) -> str:
    """Marks ``message`` in ``context`` for extraction, translated later with ``pgettext(context, variable)``."""
    return message


def N_(message: str) -> str:
    """Marks a message for extraction that is translated later with ``_(variable)``."""
    return message


_ = gettext
