"""Domain errors: one family, turned into a one-line message and exit 1 by the CLI."""

from __future__ import annotations


class CampaignError(Exception):
    """Something the user can fix; the message says what and how."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(CampaignError):
    pass


class Ambiguous(CampaignError):
    def __init__(self, message: str, candidates: list[str] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class Invalid(CampaignError):
    pass


class Conflict(CampaignError):
    pass


class StorageError(CampaignError):
    """The database could not be opened, read or written."""


class NoCampaign(NotFound):
    pass


def first_line(exc: BaseException) -> str:
    """What an exception says, on one line (driver messages may quote whole SQL statements)."""
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__
