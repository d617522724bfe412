"""JSON: the view's data as it is (the contract's keys, codes, ISO dates, plain numbers)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

INDENT = 2


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """``data``, or what it returns when it is a function (a long list that only JSON needs)."""
    if callable(data):
        data = data()
    # JSON as the standard has it: a number too large for a double (a sum of absurd
    # quantities stored by an older release) is written as null, never as Infinity.
    try:
        text = json.dumps(data, ensure_ascii=False, indent=INDENT, default=json_default, allow_nan=False)
    except ValueError:
        text = json.dumps(finite(data), ensure_ascii=False, indent=INDENT, default=json_default)
    return text + "\n"


def finite(data: Any) -> Any:
    """``data`` with every infinite or NaN float replaced by None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(value) for value in data]
    return data
