"""JSON: the view's data as it is (the contract's keys, codes, ISO dates, plain numbers)."""

from __future__ import annotations

import datetime as dt
import json
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
    return json.dumps(data, ensure_ascii=False, indent=INDENT, default=json_default) + "\n"
