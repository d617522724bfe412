"""Weekly work per member and unit: quantities per activity type, never added across units (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "weekly.schema.json").read_text())


def test_by_member_keeps_each_type_in_its_unit(fresh):
    fresh("member", "add", "Nguyễn Văn An", ok=True)
    for args in (("broadcast", "5"), ("candidate-info", "6"), ("broadcast", "2")):
        fresh("--as-of", "15/4/2021", "log", "add", "--type", args[0], "--qty", args[1], "--by", "an", ok=True)
    weekly = fresh.json("--as-of", "15/4/2021", "report", "weekly")
    jsonschema.validate(weekly, SCHEMA, cls=jsonschema.Draft202012Validator)
    (row,) = weekly["by_member"]
    assert row["entries"] == 3
    assert row["activity"] == [
        {"type": "broadcast", "label": "radio broadcast", "unit": "lần", "quantity": 7, "entries": 2},
        {"type": "candidate-info", "label": "candidate introduction", "unit": "lượt", "quantity": 6, "entries": 1},
    ]
    assert row["quantity"] == 13  # CLI.md's key, kept: the sum over every type (see the schema)
    table = fresh("--as-of", "15/4/2021", "report", "weekly", "--format", "md", ok=True).stdout
    assert "radio broadcast: 7 lần; candidate introduction: 6 lượt" in table
    assert "| 13 |" not in table


def test_by_unit_has_the_same_shape(fresh):
    fresh("unit", "add", "Đài truyền thanh xã", "--short", "Đài TT", ok=True)
    fresh("--as-of", "15/4/2021", "log", "add", "--type", "poster", "--qty", "40", "--by", "dai tt", ok=True)
    fresh("--as-of", "15/4/2021", "log", "add", "--type", "flag", "--qty", "10", "--by", "dai tt", ok=True)
    (row,) = fresh.json("--as-of", "15/4/2021", "report", "weekly")["by_unit"]
    # in the order of the seeded types, as the report's activity list
    assert [(item["type"], item["quantity"], item["unit"]) for item in row["activity"]] == [
        ("poster", 40, "tờ"),
        ("flag", 10, "lá"),
    ]
    assert row["entries"] == 2
