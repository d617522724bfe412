"""Message translation through gettext catalogs shipped in ``campaign_cli/locale``.

Message ids are English. The language is chosen once per process, before the
command tree is built, so that ``--help`` texts are translated too:
``--lang``, else ``CAMPAIGN_LANG``, else the locale (``LANG=vi_VN.UTF-8``),
else English. The campaign's own setting applies when none of those is given
(see :func:`set_language` callers in the CLI).
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
    if lang == "en":
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation("campaign", _LOCALE_DIR, languages=[lang], fallback=True)


def current_language() -> str:
    return _language


def normalise_language(value: str | None) -> str | None:
    """'vi_VN.UTF-8' -> 'vi'; unknown languages -> None."""
    if not value:
        return None
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None


def language_from_environment(environ=os.environ) -> str | None:
    explicit = normalise_language(environ.get("CAMPAIGN_LANG"))
    if explicit:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return normalise_language(value)
    return None


def gettext(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


_ = gettext
