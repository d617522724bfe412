"""Checks on values users type, raising :class:`Invalid` with a one-line message."""

from __future__ import annotations

import math
from typing import Any

from campaign_cli.errors import Invalid
from campaign_cli.formatting import format_number
from campaign_cli.i18n import N_, _, current_language
from campaign_cli.services.text import clean_user_text

#: The largest quantity or target anyone logs or sets (posters, broadcasts, leaflets): a billion.
#: Far below where sums of many entries could overflow a double (and print "Infinity").
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


def quantity(value: Any, field: str = N_("quantity"), *, allow_zero: bool = True) -> float | None:
    """THE rule for every amount that enters the database, whatever the way in
    (``log add``/``edit``, CSV and XLSX log import, JSON import, plan files,
    task targets; Taskwarrior import sets none): a finite number, not a
    boolean, from 0 (``allow_zero``) or from just above it, up to
    :data:`MAX_QUANTITY`. Text is read with ``,`` or ``.`` as the decimal
    mark (``2,5``). ``None`` stays None. Use :func:`log_quantity` and
    :func:`target`, which say which bound applies.
    """
    if value is None:
        return None
    shown = _shown(value)
    if isinstance(value, bool):
        raise Invalid(_("the {field} must be a number, not {value}").format(field=_(field), value=shown))
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except OverflowError:  # an integer beyond any float (10**400)
        number = math.inf
    except (TypeError, ValueError):
        raise Invalid(
            _("the {field} must be a number, not {value}").format(field=_(field), value=_shown(value, quoted=True))
        ) from None
    if math.isnan(number):
        raise Invalid(_("the {field} must be a finite number").format(field=_(field)))
    if number < 0 or (number == 0 and not allow_zero):
        raise Invalid(
            _("the {field} must be {bound}, not {value}").format(
                field=_(field), bound=_("zero or more") if allow_zero else _("more than zero"), value=shown
            )
        )
    if number > MAX_QUANTITY:
        raise Invalid(
            _("the {field} {value} is implausibly large (at most {limit})").format(
                field=_(field), value=shown, limit=format_number(MAX_QUANTITY, current_language())
            )
        )
    return number


def actor(value: str) -> str:
    """The name recorded in the history: checked like any name a user types."""
    return text(value, N_("user name"), required=True, max_len=ACTOR_MAX_LEN)


def log_quantity(value: Any) -> float:
    """A log entry's quantity: more than zero (an activity that happened did something)."""
    return quantity(value, N_("quantity"), allow_zero=False)


def target(value: Any) -> float | None:
    """A task's target quantity: zero or more (0: a task counted by its status, not a quantity)."""
    return quantity(value, N_("target"), allow_zero=True)


def _shown(value: Any, *, quoted: bool = False) -> str:
    """A value in a message, never thousands of characters long (a 5,000-digit number)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return _("a number of {digits} digits").format(digits=int(value.bit_length() * math.log10(2)) + 1)
    text = repr(value) if quoted and isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"
