"""Checks on values users type, raising :class:`Invalid` with a one-line message."""

from __future__ import annotations

import math

from campaign_cli.errors import Invalid
from campaign_cli.i18n import N_, _
from campaign_cli.services.text import clean_user_text

MAX_QUANTITY = 1_000_000_000
#: A person's name as history records it (``--user``, ``CAMPAIGN_USER``, the OS user).
ACTOR_MAX_LEN = 100


def text(value: str | None, field: str, *, required: bool = False, multiline: bool = False, max_len: int = 500) -> str:
    """User text in NFC, without control characters; empty only if allowed."""
    if value is None:
        value = ""
    try:
        cleaned = clean_user_text(value, field=field, multiline=multiline, max_len=max_len)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if required and not cleaned:
        raise Invalid(_("the {field} may not be empty").format(field=_(field)))
    return cleaned


def quantity(value: float | int | str | None, field: str = N_("quantity"), *, allow_zero: bool = True) -> float | None:
    """A non-negative finite number (targets, logged quantities)."""
    if value is None:
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        raise Invalid(_("the {field} must be a number, not {value!r}").format(field=_(field), value=value)) from None
    if math.isnan(number) or math.isinf(number):
        raise Invalid(_("the {field} must be a finite number").format(field=_(field)))
    if number < 0 or (number == 0 and not allow_zero):
        raise Invalid(
            _("the {field} must be {bound}, not {value}").format(
                field=_(field), bound=_("zero or more") if allow_zero else _("more than zero"), value=value
            )
        )
    if number > MAX_QUANTITY:
        raise Invalid(_("the {field} {value} is implausibly large").format(field=_(field), value=value))
    return number


def actor(value: str) -> str:
    """The name recorded in the history: checked like any name a user types."""
    return text(value, N_("user name"), required=True, max_len=ACTOR_MAX_LEN)
