"""Export and import that stream: the same bytes as before, any key order, forged and
damaged documents refused with one line, one quantity rule for every way in, and an
import into a new file that leaves nothing behind when it fails or is killed."""

from __future__ import annotations

import io
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from checks import export_document
from conftest import db_rows, db_snapshot, open_database
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_cli.jsonstream import JsonError, JsonStream
from campaign_cli.services import validate
from campaign_cli.services.transfer import _json

REPO = Path(__file__).resolve().parent.parent


def one_line_error(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def small_document(**changes):
    return export_document(**{"tasks.0.target": 10, **changes})


# -- the writer ------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
))
def test_the_writer_lays_out_json_exactly_as_json_dumps(value):
    for level in (0, 1, 2):
        expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
        if isinstance(value, float) and value.is_integer():
            expected = str(int(value))  # whole quantities are written without a decimal point
        if isinstance(value, (dict, list)):
            expected = json.dumps(_whole(value), ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
        assert _json(value, level) == expected


def _whole(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


def test_export_streams_the_same_bytes_to_stdout_and_to_a_file(sample, tmp_path):
    printed = sample("export", ok=True).stdout
    path = tmp_path / "c.json"
    result = sample("export", path, ok=True)
    assert path.read_text(encoding="utf-8") == printed
    document = json.loads(printed)
    assert printed == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert f"{len(document['activities'])} log entries" in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


# -- the reader ------------------------------------------------------------------------
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5),
    max_leaves=30,
)


def read_all(text: str, chunk: int):
    stream = JsonStream(io.StringIO(text), chunk=chunk)
    result = {}
    for key in stream.object_members():
        result[key] = list(stream.array_items()) if stream.is_array() else stream.value()
    stream.end()
    return result


@settings(max_examples=400, deadline=None)
@given(members=st.dictionaries(st.text(max_size=6), _JSON, max_size=6), chunk=st.integers(1, 300),
       indent=st.sampled_from([None, 0, 2]))
def test_the_reader_gives_what_json_loads_gives_whatever_the_chunks(members, chunk, indent):
    text = json.dumps(members, ensure_ascii=False, indent=indent)
    assert read_all(text, chunk) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(members=st.dictionaries(st.text(max_size=4), _JSON, min_size=1, max_size=4), chunk=st.integers(1, 32),
       cut=st.integers(0, 10_000), junk=st.sampled_from(["", "x", "]", "}", ",", '"', "\\", "1e", "NaN", "-"]))
def test_damaged_text_is_a_json_error_never_anything_else(members, chunk, cut, junk):
    text = json.dumps(members, ensure_ascii=False)
    damaged = text[: cut % (len(text) + 1)] + junk + text[cut % (len(text) + 1):]
    try:
        expected = json.loads(damaged)
    except ValueError:
        expected = None
    try:
        got = read_all(damaged, chunk)
    except JsonError as exc:
        assert "line" in str(exc) and "\n" not in str(exc)
        return
    assert isinstance(expected, dict) and got == expected


# -- forged documents --------------------------------------------------------------------
FORGED = [
    ('{"format": "campaign-export", "version": 1, "campaign": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nested too deeply"),
    (json.dumps(small_document(**{"phases.0.number": 2**63})), "phases[0].number: must be a whole number of at most"),
    (json.dumps(small_document(**{"tasks.0.target": 10**400})), "tasks[0].target: the target"),
    (json.dumps(small_document(**{"tasks.0.target": 1e300})), "is implausibly large"),
    (json.dumps(small_document()).replace('"quantity": 3', '"quantity": ' + "9" * 5000), "thousands of digits"),
    (json.dumps(small_document(**{"activities.0.quantity": 2**64})), "activities[0].quantity: the quantity"),
    (json.dumps(small_document(**{"activities.0.quantity": 0})), "activities[0].quantity: the quantity must be more"),
    (json.dumps(small_document(**{"activities.0.quantity": "3"})), "activities[0].quantity: must be a number"),
    (json.dumps(small_document(**{"activities.0.quantity": None})), "activities[0].quantity: a number is required"),
    (json.dumps(small_document()).replace('"quantity": 3', '"quantity": NaN'), "NaN is not a JSON number"),
    (json.dumps(small_document()).replace('"quantity": 3', '"quantity": Infinity'), "is not a JSON number"),
    (json.dumps(small_document(campaign=["Nhập"])), "campaign must be an object, not a list"),
    (json.dumps(small_document(phases={"id": 1})), "phases must be a list"),
    (json.dumps(small_document(activities=5)), "activities must be a list, not 5"),
    (json.dumps(small_document(activities=[5])), "activities[0] must be an object, not 5"),
    (json.dumps(small_document(**{"activities.0.type_id": True})), "activities[0].type_id: there is no activity type"),
    (json.dumps(small_document(**{"activities.0.task_id": [1]})), "activities[0].task_id: there is no task with id"),
    (json.dumps(small_document(**{"activities.0.date": 20210401})), "activities[0].date: must be an ISO date"),
    (json.dumps(small_document(**{"activities.0.date": "20210401"})), "'20210401' is not an ISO date"),
    (json.dumps(small_document(**{"tasks.0.status": ["done"]})), "tasks[0].status: a list is not one of"),
    (json.dumps(small_document(**{"tasks.0.themes": [1]})), "tasks[0].themes[0].theme: must be text, not 1"),
    (json.dumps(small_document(**{"members.0.name": {"x": 1}})), "members[0].name: must be text, not an object"),
    (json.dumps(small_document(version=2**70)), "this campaign release reads version 1"),
    (json.dumps(small_document(**{"campaign.name": "x" * 100_000})), "campaign.name: the name is too long"),
    (json.dumps(small_document())[:-30], "not valid JSON: the text ends too early"),
    (json.dumps(small_document()) + " []", "text follows the end of the document"),
    (json.dumps(small_document())[:-1] + ', "activities": []}', "the field 'activities' appears twice"),
    (json.dumps(small_document())[:-1] + ', "extra": 1}', "the file: unknown field 'extra'"),
    ("[]", "not valid JSON: expected an object"),
    ("", "not valid JSON"),
]


@pytest.mark.parametrize(("text", "message"), FORGED, ids=[message[:40] for _text, message in FORGED])
def test_forged_documents_give_one_clear_line_and_change_nothing(fresh, isolated_environment, tmp_path, text,
                                                                message):
    before = db_snapshot(isolated_environment)
    path = tmp_path / "forged.json"
    path.write_text(text, encoding="utf-8")
    error = one_line_error(fresh("import", path))
    assert message in error
    assert len(error) < 400
    assert db_snapshot(isolated_environment) == before


def test_bytes_that_are_not_utf8_and_a_bom(cli, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(small_document(), ensure_ascii=False).encode("latin-1", "replace").replace(
        b"Nh?p", b"Nh\xe2p"))
    assert "is not UTF-8 text" in one_line_error(cli("import", path))
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(small_document(), ensure_ascii=False).encode("utf-8"))
    cli("import", path, ok=True)
    assert cli.json("task", "list")[0]["title"] == "Treo áp phích"


def test_sections_in_another_order_are_read_all_the_same(cli, tmp_path):
    document = small_document()
    reordered = {key: document[key] for key in ("activities", "tasks", "format", "members", "units", "phases",
                                                "activity_types", "campaign", "version")}
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps(reordered, ensure_ascii=False), encoding="utf-8")
    cli("import", path, ok=True)
    exported = json.loads(cli("export", ok=True).stdout)
    assert exported["activities"][0]["quantity"] == 3 and exported["tasks"][0]["target"] == 10


def test_an_error_in_the_last_log_entry_writes_nothing(fresh, isolated_environment, tmp_path):
    document = json.loads(fresh("export", ok=True).stdout)
    document["campaign"]["name"] = "Bản sao"
    base = {"date": "2021-04-01", "type_id": 1, "quantity": 1, "task_id": None, "member_id": None, "unit_id": None,
            "place": "", "note": "", "created_at": "2021-04-01T00:00:00+00:00"}
    document["activities"] = [{**base, "id": index} for index in range(1, 12_001)]
    document["activities"][-1]["quantity"] = -5
    path = tmp_path / "late.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    before = db_snapshot(isolated_environment)
    error = one_line_error(fresh("import", path))
    assert "activities[11999].quantity: the quantity must be more than zero, not -5" in error
    assert db_snapshot(isolated_environment) == before


# -- one quantity rule ---------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, -1, 1e300, 2**64, 10**400, float("inf"), float("nan"), True, "abc", [1]])
def test_log_quantities_outside_the_rule_are_refused(value):
    with pytest.raises(validate.Invalid):
        validate.log_quantity(value)


@pytest.mark.parametrize(("value", "expected"), [(1, 1.0), ("2,5", 2.5), (1_000_000_000, 1e9), ("0.25", 0.25)])
def test_log_quantities_inside_the_rule(value, expected):
    assert validate.log_quantity(value) == expected


def test_targets_may_be_zero_but_not_implausible():
    assert validate.target(0) == 0.0 and validate.target(None) is None
    for value in (1e10, 10**400, -1, True):
        with pytest.raises(validate.Invalid):
            validate.target(value)
    with pytest.raises(validate.Invalid, match="a number of 401 digits"):
        validate.target(10**400)


def test_every_way_in_applies_the_rule(fresh, tmp_path):
    assert "implausibly large" in one_line_error(fresh("log", "add", "--type", "poster", "--qty", "1e300",
                                                      "--date", "1/4/2021"))
    assert "implausibly large" in one_line_error(fresh("task", "add", "Pano", "--phase", "1", "--target", "2e9"))
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("date,type,quantity\n1/4/2021,poster,1e300\n", encoding="utf-8")
    result = fresh("log", "import", csv_path)
    assert result.exit_code == 1 and "implausibly large" in result.stderr
    plan = tmp_path / "plan.toml"
    head = (
        'format = 1\n[campaign]\nname = "Kế hoạch"\nelection_day = 2021-05-23\n\n'
        '[[phases]]\nnumber = 1\nname = "Đợt 1"\nstart = 2021-02-01\nend = 2021-04-30\n\n'
    )
    plan.write_text(head + '[[tasks]]\ntitle = "Pano"\nphase = 1\ntarget = 1e300\n', encoding="utf-8")
    result = fresh("--db", tmp_path / "plan.db", "init", "--from", plan)
    assert result.exit_code == 1 and "implausibly large" in result.stderr, result.stderr
    plan.write_text(head + '[[logs]]\ndate = 2021-03-05\ntype = "news"\nquantity = 0\n', encoding="utf-8")
    result = fresh("--db", tmp_path / "plan2.db", "init", "--from", plan)
    assert result.exit_code == 1 and "more than zero" in result.stderr, result.stderr


@pytest.mark.sqlite_only  # PostgreSQL's SUM refuses to overflow ("value out of range"): one line, no Infinity
def test_json_output_never_prints_infinity(fresh, isolated_environment):
    # Two absurd entries an older release let in: their sum is beyond any double.
    db = open_database(isolated_environment)
    with db.transaction(actor="old release", command="import", campaign_id=1) as tx:
        type_id = db.scalar("SELECT id FROM activity_type WHERE code = 'poster'")
        for _ in range(2):
            tx.insert("activity", {"campaign_id": 1, "on_date": __import__("datetime").date(2021, 4, 1),
                                   "type_id": type_id, "quantity": 1.7e308, "created_at": "2021-04-01T00:00:00"})
    db.close()
    text = fresh("--as-of", "15/4/2021", "status", "--format", "json", ok=True).stdout

    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    status = json.loads(text, parse_constant=refuse)
    poster = [row for row in status["activity"] if row["type"] == "poster"]
    assert poster and (poster[0]["quantity"] is None or math.isfinite(poster[0]["quantity"]))


# -- a killed import into a new file ------------------------------------------------------
@pytest.mark.sqlite_only
def test_import_into_a_new_file_leaves_nothing_when_killed_or_failing(sample, tmp_path):
    document = json.loads(sample("export", ok=True).stdout)
    base = document["activities"][0]
    document["activities"] = [{**base, "id": index, "note": f"entry {index}"} for index in range(1, 60_001)]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    target = tmp_path / "new" / "campaign.db"
    target.parent.mkdir()
    killed = False
    for _attempt in range(3):
        process = subprocess.Popen([sys.executable, "-m", "campaign_cli", "--db", str(target), "import", str(big)],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            partials = list(target.parent.glob(".campaign.db.partial-*"))
            if any(path.stat().st_size > 2_000_000 for path in partials if path.exists()):
                os.kill(process.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
        process.wait(timeout=120)
        if killed:
            break
        for leftover in target.parent.iterdir():
            leftover.unlink()
    assert killed, "the kill never landed inside the import"
    assert not target.exists(), "a killed import left a database where the docs promise nothing"
    assert list(target.parent.glob(".campaign.db.partial-*"))  # what it left is aside, under its own name

    # A failing import leaves nothing either, and the next one clears what the killed one left.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(small_document(**{"activities.0.quantity": -1})), encoding="utf-8")
    one_line_error(sample("--db", target, "import", bad))
    assert sorted(path.name for path in target.parent.iterdir()) == []
    sample("--db", target, "import", big, ok=True)
    assert sorted(path.name for path in target.parent.iterdir()) == ["campaign.db"]
    assert db_rows(target, "SELECT COUNT(*) FROM activity")[0][0] == 60_000
    assert db_rows(target, "PRAGMA journal_mode")[0][0] == "wal"
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    assert db_rows(target, indexes) == db_rows(sample.db_path, indexes)  # set aside for the load, built again
    assert oct(target.stat().st_mode & 0o777) == "0o600"


@pytest.mark.sqlite_only
def test_a_folder_that_refuses_the_new_file_is_one_line(cli, tmp_path, monkeypatch):
    from campaign_cli.storage import db as storage

    document = tmp_path / "c.json"
    document.write_text(json.dumps(small_document()), encoding="utf-8")
    opened = storage.open_sqlite

    def read_only_folder(path):
        if ".partial-" in str(path):
            raise PermissionError(13, "Permission denied", path)
        return opened(path)

    monkeypatch.setattr(storage, "open_sqlite", read_only_folder)
    folder = tmp_path / "locked"
    folder.mkdir()
    error = one_line_error(cli("--db", folder / "c.db", "import", document))
    assert "c.db" in error and "permission denied" in error
    assert list(folder.iterdir()) == []


def test_round_trip_beside_the_original_on_either_backend(sample, tmp_path):
    sample("--as-of", "30/6/2021", "log", "add", "--type", "poster", "--qty", "2.5", "--date", "1/5/2021",
           "--note", "dòng một\ndòng hai", "--place", "Thôn \"Đông\"", ok=True)
    exported = sample("export", ok=True).stdout
    path = tmp_path / "c.json"
    path.write_text(exported, encoding="utf-8")
    sample("import", path, "--name", "Bản sao", ok=True)
    again = sample("--campaign", "Bản sao", "export", ok=True).stdout
    original = json.loads(exported)
    assert json.loads(again)["campaign"]["name"] == "Bản sao"
    original["campaign"]["name"] = "Bản sao"
    assert json.loads(again)["campaign"]["uid"] != original["campaign"]["uid"]  # a second copy: another campaign
    original["campaign"]["uid"] = json.loads(again)["campaign"]["uid"]
    assert again == json.dumps(original, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(again)["activities"][-1]["quantity"] == 2.5
