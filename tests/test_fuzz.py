"""Every command against damaged databases and forged input files (issue 13).

The corpus is built at test time, deterministically, from the bundled sample:
random bit flips (seeded, so a failure names its seed), a truncated file, an
empty file, garbage, a schema marker that is not a number, dates that are not
ISO, text that is not UTF-8, values of the wrong type, a missing table, a
newer schema, an SQLite file that is no campaign; and CSV/XLSX files forged
for ``log import``. (Forged export JSON is tested with ``import``.)

Each command runs on a fresh copy of a damaged database. The test fails on:
- a traceback, or "Error: unexpected" (what only a bug may print);
- an exit code other than 0-3, or a failure without an "Error:" line;
- a read that exits 0 but changed the database file;
- a write that exits 0 on a damaged database and changed rows it had no
  business touching (every table but its own and the history), or left the
  file more damaged than it found it;
- a restore that exits 0 with a damaged file, or changes the live database
  when it fails.

Runs in well under a minute (about 800 commands in-process).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaign_cli.cli.app import app

pytestmark = pytest.mark.sqlite_only

AS_OF = "15/4/2021"
HISTORY = {"change", "changeset"}
#: The log's totals (storage/summary.py) change with the log entries, by trigger.
LOG_TOTALS = {"log_day_type", "log_day_party", "log_task_day"}
EVERYTHING = None  # a write that may touch any table (undo, restore, init)

#: (arguments, tables a successful write may change; empty for a read). ``{out}`` is a scratch folder.
COMMANDS: list[tuple[tuple[str, ...], set[str] | None]] = [
    (("status",), set()),
    (("status", "--format", "json"), set()),
    (("status", "--format", "csv", "--output", "{out}/s.csv"), set()),
    (("info",), set()),
    (("info", "--format", "json"), set()),
    (("phase", "list"), set()),
    (("unit", "list"), set()),
    (("member", "list"), set()),
    (("member", "list", "--format", "xlsx", "--output", "{out}/m.xlsx"), set()),
    (("member", "show", "1"), set()),
    (("task", "list"), set()),
    (("task", "list", "--overdue", "--format", "json"), set()),
    (("task", "list", "--search", "ap phich"), set()),
    (("task", "show", "3"), set()),
    (("log", "list", "--limit", "0"), set()),
    (("log", "list", "--format", "md"), set()),
    (("type", "list"), set()),
    (("report", "weekly"), set()),
    (("report", "weekly", "--format", "json"), set()),
    (("report", "phase", "2"), set()),
    (("report", "member"), set()),
    (("report", "burndown"), set()),
    (("report", "timeline"), set()),
    (("report", "final", "--format", "md"), set()),
    (("report", "weekly", "--format", "docx", "--output", "{out}/w.docx"), set()),
    (("history",), set()),
    (("history", "--format", "csv"), set()),
    (("export",), set()),
    (("export", "--format", "ics"), set()),
    (("export", "--format", "taskwarrior"), set()),
    (("backup", "{out}/b.db"), set()),
    (("phase", "add", "Đợt 4", "--start", "1/7/2021", "--end", "31/7/2021"), {"phase"}),
    (("phase", "edit", "3", "--name", "Đợt ba"), {"phase"}),
    (("unit", "add", "Đơn vị thử"), {"unit"}),
    (("unit", "edit", "1", "--short", "ĐV1"), {"unit"}),
    (("member", "add", "Người Thử", "--role", "member"), {"member"}),
    (("member", "edit", "2", "--title", "Ủy viên"), {"member"}),
    (("member", "remove", "11", "--yes"), {"member", "assignment", "activity"}),
    (("task", "add", "Việc thử", "--phase", "2", "--lead", "m1", "--due", "30/4/2021"), {"task", "assignment"}),
    (("task", "edit", "3", "--title", "Việc đã sửa"), {"task", "assignment"}),
    (("task", "start", "16"), {"task"}),
    (("task", "done", "6"), {"task"}),
    (("task", "reopen", "1"), {"task"}),
    (("task", "remove", "7", "--yes"), {"task", "assignment", "activity", "task_place"}),
    (("log", "add", "--type", "poster", "--qty", "3", "--by", "1"), {"activity"}),
    (("log", "edit", "1", "--qty", "2"), {"activity"}),
    (("log", "remove", "2", "--yes"), {"activity"}),
    (("log", "import", "{out}/good.csv"), {"activity"}),
    (("type", "add", "thu-nghiem", "--label", "Thử nghiệm", "--unit", "lần"), {"activity_type"}),
    (("type", "edit", "poster", "--unit", "tấm"), {"activity_type"}),
    (("undo",), EVERYTHING),
    (("restore", "{out}/good.db", "--yes"), EVERYTHING),
]


# -- the corpus of damaged databases ---------------------------------------------------------------
def _sql(*statements: str):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("PRAGMA foreign_keys = OFF")
        # Damage lands in the file as a flipped byte would: no trigger keeps the log's totals up to date.
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _sql_text in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        for statement in statements:
            conn.execute(statement)
        for _name, sql_text in triggers:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'activity'").fetchone():
                conn.execute(sql_text)
        conn.commit()
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()

    return damage


def _flips(seed: int, count: int):
    def damage(path: Path) -> None:
        rng = random.Random(seed)
        data = bytearray(path.read_bytes())
        for _ in range(count):
            position = rng.randrange(100, len(data))  # the 100-byte file header stays (tested apart)
            data[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))

    return damage


def _bytes(transform):
    def damage(path: Path) -> None:
        path.write_bytes(transform(path.read_bytes()))

    return damage


def _page_size_lie(data: bytes) -> bytes:
    return data[:16] + (8192).to_bytes(2, "big") + data[18:]


DAMAGE = {
    **{f"flips-seed{seed}-x{count}": _flips(seed, count) for seed, count in
       ((1, 1), (2, 3), (3, 8), (4, 32), (5, 128), (6, 512), (7, 16), (8, 64))},
    "truncated": _bytes(lambda data: data[: len(data) // 2]),
    "empty": _bytes(lambda data: b""),
    "garbage": _bytes(lambda data: random.Random(9).randbytes(len(data))),
    "header-page-size-lie": _bytes(_page_size_lie),
    "schema-marker-not-a-number": _sql("UPDATE meta SET value = 'hai' WHERE name = 'schema_version'"),
    "schema-marker-missing": _sql("DELETE FROM meta"),
    "newer-schema": _sql("UPDATE meta SET value = '99' WHERE name = 'schema_version'"),
    "dates-not-iso": _sql(
        "UPDATE task SET due = '2021-0x-23' WHERE id = 3",
        "UPDATE activity SET on_date = '15/04/2021' WHERE id = 1",
        "UPDATE phase SET end_date = '2021-02-30' WHERE number = 1",
        "UPDATE campaign SET election_day = 'ngày bầu cử'",
    ),
    "text-not-utf8": _sql(
        "UPDATE member SET name = CAST(X'4e67c3ff' AS TEXT) WHERE id = 1",
        "UPDATE task SET title = CAST(X'ff' AS TEXT) WHERE id = 3",
        "UPDATE activity SET note = CAST(X'c3' AS TEXT) WHERE id = 1",
    ),
    "wrong-types": _sql(
        "UPDATE task SET phase_id = 'hai' WHERE id = 3",
        "UPDATE activity SET quantity = 'nhiều' WHERE id = 1",
        "UPDATE task SET target = X'00ff' WHERE id = 4",
        "UPDATE member SET unit_id = 2.5 WHERE id = 2",
    ),
    "nulls-where-none-belong": _sql(
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = replace(replace(replace(sql, 'title TEXT NOT NULL', 'title TEXT'), "
        "'type_id INTEGER NOT NULL', 'type_id INTEGER'), 'name TEXT NOT NULL', 'name TEXT') "
        "WHERE name IN ('task', 'activity', 'campaign')",
        "PRAGMA writable_schema = RESET",
        "UPDATE task SET title = NULL WHERE id = 3",
        "UPDATE activity SET type_id = NULL WHERE id = 1",
        "UPDATE campaign SET name = NULL",
    ),
    "dangling-references": _sql(
        "UPDATE task SET phase_id = 999 WHERE id = 3",
        "UPDATE assignment SET member_id = 999 WHERE id = 1",
        "UPDATE activity SET type_id = 999 WHERE id = 1",
    ),
    "missing-table": _sql("DROP TABLE activity"),
    "not-a-campaign": _sql("DROP TABLE meta", "DROP TABLE campaign"),
    "dates-out-of-range": _sql("UPDATE task SET due = '9999-12-31' WHERE id = 3",
                               "UPDATE phase SET end_date = '0001-01-01' WHERE number = 3"),
}


@pytest.fixture(scope="module", autouse=True)
def command_tree_built_once():
    """CliRunner builds click's command tree from the Typer app on every call (75 ms);
    800 calls on one unchanged tree need it once."""
    import typer.testing

    built = typer.main.get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _app: built)
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The sample database, a sound backup of it, and every damaged variant."""
    folder = tmp_path_factory.mktemp("fuzz-corpus")
    base = folder / "sample.db"
    runner = CliRunner()
    env = {"CAMPAIGN_LANG": "en", "CAMPAIGN_USER": "fuzz", "CAMPAIGN_TODAY": AS_OF}
    result = runner.invoke(app, ["--db", str(base), "init", "--sample"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for args in (["log", "add", "--type", "poster", "--qty", "2"], ["task", "done", "14"]):  # some history
        assert runner.invoke(app, ["--db", str(base), *args], env=env).exit_code == 0
    conn = sqlite3.connect(base)
    conn.execute("PRAGMA journal_mode = DELETE")  # everything in the one file, for byte-level damage
    conn.close()
    damaged = {}
    for name, damage in DAMAGE.items():
        path = folder / f"{name}.db"
        shutil.copyfile(base, path)
        damage(path)
        damaged[name] = path
    return base, damaged


def _snapshot(path: Path) -> dict[str, list] | None:
    """Every row of every table as raw values, or None when SQLite cannot read the file."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = bytes
        try:
            tables = [name.decode("utf-8", "backslashreplace") for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # SQLite's message may quote the damaged schema
        return None


def _damage_of(path: Path) -> list[str]:
    from campaign_cli.storage.health import damage

    return damage(path) if path.exists() and path.stat().st_size else []


def _scratch(folder: Path, base: Path) -> Path:
    out = folder / "out"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    (out / "good.csv").write_text("date,type,quantity,member,task,place,note\n14/4/2021,poster,4,1,,Thôn Đông,x\n",
                                  encoding="utf-8")
    shutil.copyfile(base, out / "good.db")
    return out


def _problems_of(result, args) -> list[str]:
    output = result.stdout + result.stderr
    problems = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"raised {type(result.exception).__name__}: {result.exception}")
    if "Traceback" in output:
        problems.append("printed a traceback")
    if "Error: unexpected" in output or "Lỗi: unexpected" in output:
        problems.append("printed " + next(line for line in output.splitlines() if "unexpected" in line))
    if result.exit_code not in (0, 1, 2, 3):
        problems.append(f"exit {result.exit_code}")
    if result.exit_code not in (0, 3) and "Error" not in result.stderr:
        problems.append(f"exit {result.exit_code} without an error line: {result.stderr[:200]!r}")
    return problems


@pytest.mark.parametrize("name", sorted(DAMAGE))
def test_every_command_on_a_damaged_database(corpus, tmp_path, name):
    base, damaged = corpus
    source = damaged[name]
    runner = CliRunner()
    env = {"CAMPAIGN_LANG": "en", "CAMPAIGN_USER": "fuzz", "CAMPAIGN_TODAY": AS_OF, "COLUMNS": "100"}
    failures = []
    before_bytes, before, damage_before = source.read_bytes(), _snapshot(source), _damage_of(source)
    for command, may_change in [*COMMANDS, *_other_commands()]:
        db = tmp_path / "live.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, db)
        out = _scratch(tmp_path, base)
        args = [part.format(out=out) for part in command]
        result = runner.invoke(app, ["--db", str(db), *args], env=env)
        problems = _problems_of(result, args)
        if result.exit_code == 0:
            if not may_change and may_change is not EVERYTHING:
                if db.exists() and db.read_bytes() != before_bytes and _snapshot(db) != before:
                    problems.append("a read changed the database")
            elif before is not None and may_change is not EVERYTHING:
                after = _snapshot(db)
                touched = sorted(table for table in set(before) | set(after or {})
                                 if (after or {}).get(table) != before.get(table))
                owned = may_change | HISTORY | (LOG_TOTALS if "activity" in may_change else set())
                stray = [table for table in touched if table not in owned]
                if after is None or stray:
                    problems.append(f"a write changed tables it does not own: {stray or 'unreadable'}")
            if may_change and not damage_before and _damage_of(db):
                problems.append(f"a write left a sound-looking file damaged: {_damage_of(db)[:2]}")
            if command[0] == "restore" and _damage_of(db):
                problems.append("restore left a damaged database")
        if problems:
            failures.append(f"{' '.join(args)}: {'; '.join(problems)}\n    stderr: {result.stderr.strip()[:300]}")
    assert not failures, f"{name}: {len(failures)} commands misbehaved:\n" + "\n".join(failures)


def _other_commands() -> list[tuple[tuple[str, ...], set[str] | None]]:
    """Commands added after this list was written still run (without arguments): no traceback, ever."""
    import typer

    known = {tuple(word for word in args if not word.startswith("-"))[:2] for args, _tables in COMMANDS}
    known |= {(args[0],) for args, _tables in COMMANDS}
    found = []

    def walk(command, path):
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, (*path, name))
        elif path and path not in known and path[:2] not in known:
            found.append((path, EVERYTHING))

    walk(typer.main.get_command(app), ())
    return found


def test_restore_refuses_every_damaged_file_and_leaves_the_database(corpus, tmp_path):
    base, damaged = corpus
    runner = CliRunner()
    env = {"CAMPAIGN_LANG": "en", "CAMPAIGN_USER": "fuzz", "CAMPAIGN_TODAY": AS_OF}
    failures = []
    for name, source in sorted(damaged.items()):
        db = tmp_path / "live.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(base, db)
        before = db.read_bytes()
        result = runner.invoke(app, ["--db", str(db), "restore", str(source), "--yes"], env=env)
        problems = _problems_of(result, ["restore"])
        if result.exit_code == 0 and _damage_of(db):
            problems.append(f"restored a damaged file: {_damage_of(db)[:2]}")
        if result.exit_code != 0 and db.read_bytes() != before:
            problems.append("a failed restore changed the live database")
        if result.exit_code != 0 and len(result.stderr.strip().splitlines()) != 1:
            problems.append("more than one line")
        for kept in tmp_path.glob("live.db.before-restore-*"):
            kept.unlink()
        if list(tmp_path.glob(".*partial*")):
            problems.append("left a partial copy")
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}\n    stderr: {result.stderr.strip()[:300]}")
    assert not failures, "\n".join(failures)


# -- forged input files for log import -----------------------------------------------------------
HEADER = "date,type,quantity,member,task,place,note\n"


def _xlsx(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def _forged_files(folder: Path) -> dict[str, Path]:
    import datetime as dt

    files = {
        "unterminated-quote.csv": HEADER + '15/4/2021,poster,1,,,A,"mở\n16/4/2021,poster,1,,,B,x\n',
        "quote-then-text.csv": HEADER + '15/4/2021,poster,1,,,"A" b,x\n',
        "nul-bytes.csv": HEADER + "15/4/2021,poster,1,,,A\x00,x\n",
        "huge-field.csv": HEADER + "15/4/2021,poster,1,,,A," + '"' + "x" * 200_000 + '"\n',
        "mixed-separators.csv": "date;type,quantity\n15/4/2021;poster,1\n",
        "only-separators.csv": ",,,,,,\n,,,\n",
        "formula-injection.csv": HEADER + "15/4/2021,poster,1,,,=cmd|' /C calc'!A0,@SUM(1)\n",
        "quantity-nonsense.csv": HEADER + "15/4/2021,poster,1e309,,,A,x\n16/4/2021,poster,-0,,,A,x\n"
                                          "17/4/2021,poster,NaN,,,A,x\n18/4/2021,poster,0x10,,,A,x\n",
        "dates-nonsense.csv": HEADER + "31/12/9999,poster,1,,,A,x\n0/0/0,poster,1,,,A,x\n1/1/1,poster,1,,,A,x\n"
                                       "15/4/2021T10:00,poster,1,,,A,x\n",
        "task-nonsense.csv": HEADER + "15/4/2021,poster,1,,99999999999999999999,A,x\n15/4/2021,poster,1,,-1,A,x\n"
                                      "15/4/2021,poster,1,,3.5,A,x\n",
        "member-escape.csv": HEADER + "15/4/2021,poster,1,\x1b[31mred,,A,x\n",
        "zero-width.csv": HEADER + "15/4/2021,poster,1,,,Thôn\u200bA,x\n",
        "bidi.csv": HEADER + "15/4/2021,poster,1,,,A,\u202egnp.exe\n",
    }
    paths = {}
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        paths[name] = path
    raw = {
        "utf16.csv": ("\ufeff" + HEADER + "15/4/2021,poster,1,,,Thôn A,x\n").encode("utf-16-le"),
        "latin1.csv": (HEADER + "15/4/2021,poster,1,,,Th\xf4n A,x\n").encode("latin-1"),
        "random-bytes.csv": random.Random(11).randbytes(4000),
        "not-a-zip.xlsx": b"PK\x03\x04 this is no workbook",
        "random-bytes.xlsx": random.Random(12).randbytes(4000),
    }
    for name, data in raw.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    header = ["date", "type", "quantity", "member", "task", "place", "note"]
    sheets = {
        "formula-uncached.xlsx": [header, ["15/4/2021", "poster", "=1+1", None, None, "A", "x"]],
        "serial-date.xlsx": [header, [44301, "poster", 1, None, None, "A", "x"]],
        "time-as-date.xlsx": [header, [dt.time(8, 0), "poster", 1, None, None, "A", "x"]],
        "bool-quantity.xlsx": [header, ["15/4/2021", "poster", False, None, None, "A", "x"]],
        "date-quantity.xlsx": [header, ["15/4/2021", "poster", dt.datetime(2021, 1, 1), None, None, "A", "x"]],
        "error-cell.xlsx": [header, ["15/4/2021", "poster", "#DIV/0!", None, None, "A", "x"]],
        "float-task.xlsx": [header, ["15/4/2021", "poster", 1, None, 3.5, "A", "x"]],
        "huge-number.xlsx": [header, ["15/4/2021", "poster", 1e308, None, 10**30, "A", "x"]],
        "header-only.xlsx": [header],
        "no-header.xlsx": [],
        "unknown-column.xlsx": [[*header, "extra"], ["15/4/2021", "poster", 1, None, None, "A", "x", "y"]],
    }
    for name, rows in sheets.items():
        _xlsx(folder / name, rows)
        paths[name] = folder / name
    empty_zip = folder / "empty-zip.xlsx"
    with zipfile.ZipFile(empty_zip, "w"):
        pass
    paths["empty-zip.xlsx"] = empty_zip
    return paths


def test_log_import_of_forged_files(corpus, tmp_path):
    base, _damaged = corpus
    runner = CliRunner()
    env = {"CAMPAIGN_LANG": "en", "CAMPAIGN_USER": "fuzz", "CAMPAIGN_TODAY": AS_OF}
    failures = []
    for name, path in sorted(_forged_files(tmp_path).items()):
        db = tmp_path / "live.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(base, db)
        for dry_run in ((), ("--dry-run",)):
            before = _snapshot(db)  # a dry run after an import is refused: its rows were imported
            result = runner.invoke(app, ["--db", str(db), "log", "import", str(path), *dry_run], env=env)
            problems = _problems_of(result, ["log", "import"])
            if result.exit_code != 0 and _snapshot(db) != before:
                problems.append("a refused import wrote rows")
            if problems:
                failures.append(f"{name} {dry_run}: {'; '.join(problems)}\n    stderr: {result.stderr.strip()[:300]}")
    assert not failures, "\n".join(failures)
