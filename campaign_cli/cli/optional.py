"""The office libraries (python-docx, openpyxl, icalendar) are imported only by
the commands that write or read those formats, so that every other command
starts fast; a missing one is a one-line error saying how to install it."""

from __future__ import annotations

import importlib
from types import ModuleType

from campaign_cli.errors import Invalid
from campaign_cli.i18n import _

EXTRA = "office"


def require(module: str, package: str) -> ModuleType:
    """Import an optional library, or fail with one line saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Invalid(
            _("this format needs the Python package {package}: "
              "install it with  pip install 'campaign-cli[{extra}]'").format(package=package, extra=EXTRA)
        ) from None
