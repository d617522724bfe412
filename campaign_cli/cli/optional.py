"""The office libraries (python-docx, openpyxl, icalendar) are imported only by
the commands that write or read those formats, so that every other command
starts fast. They are ordinary dependencies of campaign; a missing one (a
broken installation) is a one-line error saying how to repair it."""

from __future__ import annotations

import importlib
from types import ModuleType

from campaign_cli.errors import Invalid
from campaign_cli.i18n import _


def require(module: str, package: str) -> ModuleType:
    """Import an office library, or fail with one line if the installation lost it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Invalid(
            _("this format needs the Python package {package}, which campaign installs; it is missing here: "
              "reinstall campaign (pip install --force-reinstall campaign-cli)").format(package=package)
        ) from None
