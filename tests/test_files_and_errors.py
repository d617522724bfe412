"""Files the tool writes and reads, and every failure as one clear line (issue 13; issue 12's
read-only database and restore --yes).

- No writer replaces the live database, its -wal/-shm/-journal files or the
  copies kept beside it, by any name (hard link, symlink, ``../``).
- A failed restore leaves the live database exactly as it was.
- Damaged CSV quotes and XLSX formulas without values are refused, naming where.
- Every file is 0600, every folder made for ``--db`` 0700, whatever the umask.
- A read-only database (file or folder) is read; writes say why they cannot.
- Full disks, missing folders, damaged databases, undecodable arguments, dates
  past any plan: one line each, never "unexpected", never a traceback.

Permission tests need an unprivileged user: as root (who may write anything)
they run the command as ``nobody`` in a folder that user owns.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import db_snapshot

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "15/4/2021"
HEADER = "date,type,quantity,member,task,place,note"


def one_line(result, code: int = 1) -> str:
    """The single error line of a failed command (no traceback, nothing else on stderr)."""
    output = result.stdout + result.stderr
    assert result.exit_code == code, (result.exit_code, output)
    assert "Traceback" not in output and "Error: unexpected" not in output, output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def file_bytes(path: Path) -> dict[str, bytes]:
    """The database file and its side files, byte for byte."""
    return {
        name: Path(f"{path}{name}").read_bytes() for name in ("", "-wal", "-shm") if Path(f"{path}{name}").exists()
    }


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# == 1. no writer replaces the database ============================================================
OUTPUT_COMMANDS = [
    ("task", "list", "--format", "csv", "--output", "{target}"),
    ("task", "list", "--format", "json", "--output", "{target}"),
    ("task", "list", "--format", "md", "--output", "{target}"),
    ("member", "list", "--format", "xlsx", "--output", "{target}"),
    ("status", "--format", "csv", "--output", "{target}"),
    ("history", "--format", "csv", "--output", "{target}"),
    ("report", "weekly", "--format", "docx", "--output", "{target}"),
    ("report", "weekly", "--format", "pdf", "--output", "{target}"),
    ("export", "{target}"),
    ("export", "--format", "ics", "{target}"),
    ("export", "--format", "taskwarrior", "{target}"),
    ("backup", "{target}"),
]


def _targets(db: Path) -> dict[str, Path]:
    """Every other name of the live database and of the files kept with it."""
    folder = db.parent
    hard = folder / "hard-link.db"
    os.link(db, hard)
    symlink = folder / "symlink.db"
    symlink.symlink_to(db.name)
    sub = folder / "sub"
    sub.mkdir()
    kept = folder / f"{db.name}.before-restore-20210415000000"
    shutil.copyfile(db, kept)
    upgrade_copy = folder / f"{db.name}.v1-backup-20210415000000"
    shutil.copyfile(db, upgrade_copy)
    return {
        "the database": db,
        "a hard link": hard,
        "a symlink": symlink,
        "a dotted path": sub / ".." / db.name,
        "the -wal file": Path(f"{db}-wal"),
        "the -shm file": Path(f"{db}-shm"),
        "the -journal name": Path(f"{db}-journal"),
        "a kept copy": kept,
        "an upgrade copy": upgrade_copy,
    }


@pytest.mark.sqlite_only
def test_no_writer_replaces_the_database_or_its_side_files(sample, isolated_environment):
    db = isolated_environment
    sample("--as-of", AS_OF, "log", "add", "--type", "poster", "--qty", "3", ok=True)  # a -wal with content
    targets = _targets(db)
    before = db_snapshot(db)
    kept_bytes = {name: path.read_bytes() for name, path in targets.items() if name.endswith("copy")}
    for command in OUTPUT_COMMANDS:
        for name, target in targets.items():
            args = [part.format(target=target) for part in command]
            error = one_line(sample("--as-of", AS_OF, *args))
            assert "is the campaign database (or a file kept with it)" in error, (args, name, error)
    assert db_snapshot(db) == before
    assert {name: targets[name].read_bytes() for name in kept_bytes} == kept_bytes
    assert os.path.samefile(targets["a hard link"], db) and targets["a symlink"].is_symlink()
    assert not list(db.parent.glob(".*partial*")), "no half-written output is left"


@pytest.mark.sqlite_only
def test_database_reached_through_a_symlinked_db_option_is_protected(sample, isolated_environment, tmp_path):
    link = tmp_path / "via-link.db"
    link.symlink_to(isolated_environment)
    before = db_snapshot(isolated_environment)
    for target in (isolated_environment, link):
        assert "is the campaign database" in one_line(sample("--db", link, "export", target))
        assert "is the campaign database" in one_line(sample("--db", link, "backup", target))
    assert db_snapshot(isolated_environment) == before


def test_output_dash_is_standard_output_everywhere(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    listed = sample("--as-of", AS_OF, "task", "list", "--format", "csv", "--output", "-", ok=True)
    assert listed.stdout.startswith("id,")
    tasks = json.loads(sample("--as-of", AS_OF, "task", "list", "--format", "json", "--output", "-", ok=True).stdout)
    assert len(tasks) == 28
    assert json.loads(sample("export", "-", ok=True).stdout)["format"] == "campaign-export"
    assert sample("export", "--format", "ics", "-", ok=True).stdout.startswith("BEGIN:VCALENDAR")
    workbook = sample("member", "list", "--format", "xlsx", "--output", "-", ok=True).stdout_bytes
    assert zipfile.ZipFile(io.BytesIO(workbook)).namelist()
    assert not (tmp_path / "-").exists()


@pytest.mark.sqlite_only
def test_backup_dash_writes_a_checked_copy_to_standard_output(sample, isolated_environment, tmp_path):
    result = sample("backup", "-", ok=True)
    copy = tmp_path / "piped.db"
    copy.write_bytes(result.stdout_bytes)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 28
    conn.close()
    assert "Backed up" in result.stderr and "standard output" in result.stderr


# == 2. a failed restore changes nothing ===========================================================
def _stub_database(path: Path, version: int) -> Path:
    """An SQLite file that passes restore's first checks: a schema version and stub tables."""
    conn = sqlite3.connect(path)
    conn.executescript(
        f"""
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '{version}');
        CREATE TABLE campaign (id INTEGER PRIMARY KEY, name TEXT);
        INSERT INTO campaign VALUES (1, 'Giả');
        CREATE TABLE phase (id INTEGER PRIMARY KEY);
        CREATE TABLE member (id INTEGER PRIMARY KEY);
        CREATE TABLE task (id INTEGER PRIMARY KEY);
        CREATE TABLE activity (id INTEGER PRIMARY KEY);
        """
    )
    conn.commit()
    conn.close()
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (1, "cannot be restored: upgrading it from schema 1 to"),
        (None, "cannot be restored: it does not open as a campaign (it lacks campaign.locality"),
    ],
)
def test_a_restore_that_fails_leaves_the_live_database_untouched(sample, isolated_environment, tmp_path, version,
                                                                   expected):
    from campaign_cli.storage.schema import current_version

    db = isolated_environment
    stub = _stub_database(tmp_path / "stub.db", version or current_version())  # None: a stub at today's schema
    before = file_bytes(db)
    error = one_line(sample("restore", stub, "--yes"))
    assert expected in error
    assert f"{db} was not changed" in error and str(stub) in error
    assert file_bytes(db) == before
    assert not list(tmp_path.glob("campaign.db.before-restore-*"))
    assert not list(tmp_path.glob(".*partial*"))
    assert sample("info", "--format", "json", ok=True).stdout
    assert len(sample.json("--as-of", AS_OF, "task", "list")) == 28


@pytest.mark.sqlite_only
def test_a_backup_with_another_page_size_restores(sample, isolated_environment, tmp_path):
    copy = tmp_path / "copy.db"
    sample("backup", copy, ok=True)
    sample("--as-of", AS_OF, "task", "add", "Sau sao lưu", "--phase", "2", ok=True)
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    conn.close()
    assert int.from_bytes(copy.read_bytes()[16:18], "big") == 8192
    result = sample("restore", copy, "--yes", ok=True)
    assert "Restored" in result.stderr
    assert len(sample.json("--as-of", AS_OF, "task", "list")) == 28
    conn = sqlite3.connect(isolated_environment)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.sqlite_only
def test_restore_from_an_old_schema_upgrades_the_copy_not_the_file(sample, isolated_environment, tmp_path):
    old = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v1.db", old)
    original = old.read_bytes()
    sample("restore", old, "--yes", ok=True)
    assert old.read_bytes() == original
    assert not list(tmp_path.glob("old.db.v1-backup-*")) and not list(tmp_path.glob(".*partial*"))
    assert sample.json("info")["schema_version"] >= 2


@pytest.mark.sqlite_only
def test_restore_without_a_terminal_needs_yes(sample, isolated_environment, tmp_path):
    copy = tmp_path / "copy.db"
    sample("backup", copy, ok=True)
    sample("--as-of", AS_OF, "task", "add", "Sau sao lưu", "--phase", "2", ok=True)
    before = file_bytes(isolated_environment)
    error = one_line(sample("restore", copy, input="n\n"))
    assert "add --yes" in error
    assert file_bytes(isolated_environment) == before
    assert not list(tmp_path.glob("campaign.db.before-restore-*"))


@pytest.mark.sqlite_only
def test_backup_and_restore_speak_the_campaigns_language(sample, tmp_path, monkeypatch):
    sample("--lang", "vi", "init", "Bầu cử thử", "--election-day", "15/3/2026", ok=True)
    monkeypatch.delenv("CAMPAIGN_LANG")
    copy = tmp_path / "copy.db"
    assert sample("backup", copy, ok=True).stderr.startswith("Đã sao lưu")
    assert sample("restore", copy, "--yes", ok=True).stderr.startswith("Đã khôi phục")
    result = sample("restore", copy)  # no terminal, no --yes
    assert result.exit_code == 1 and result.stderr.startswith("Lỗi: ")


# == 3. CSV quotes =================================================================================
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('15/4/2021,poster,2,,,Thôn A,"Ghi chú chưa đóng\n16/4/2021,poster,3,,,Thôn B,ok\n',
         "line 2: a quote opens a value here and never closes"),
        ('15/4/2021,poster,2,,,Thôn A,ok\n16/4/2021,poster,3,,,Thôn B,"chưa đóng\n',
         "line 3: a quote opens a value here and never closes"),
        ('15/4/2021,poster,2,,,"Thôn A" bên sông,ok\n',
         "line 2: text follows the closing quote of a quoted value"),
        ('15/4/2021,poster,2,,,Thôn A,"mở\n16/4/2021,poster,3,,,"Thôn B",ok\n',
         "line 2: a quote opens a value here that only closes on line 3, followed by more text"),
        ('15/4/2021,poster,2,,,Thôn A,"mở\n16/4/2021,poster,3,,,Thôn B,""ok""\n17/4/2021,poster,1,,,C,x"\n',
         "line 2: a quoted value opens here and runs on to line 3, which reads as an entry of its own"),
    ],
)
def test_csv_with_a_quote_left_open_is_refused_naming_its_line(fresh, tmp_path, isolated_environment, body,
                                                               message):
    path = _write(tmp_path / "nhat-ky.csv", f"{HEADER}\n{body}")
    before = db_snapshot(isolated_environment)
    error = one_line(fresh("--as-of", "30/4/2021", "log", "import", path))
    assert f"nhat-ky.csv {message}" in error
    assert db_snapshot(isolated_environment) == before


def test_csv_line_breaks_inside_quotes_stay_one_row(fresh, tmp_path):
    path = _write(
        tmp_path / "a.csv",
        f'{HEADER}\r\n15/4/2021,poster,2,,,Thôn A,"dòng một\r\ndòng hai, có phẩy"\r\n'
        "16/4/2021,poster,3,,,Thôn B,ok\r\n",
    )
    result = fresh("--as-of", "30/4/2021", "log", "import", path, ok=True)
    assert "Imported 2 entries" in result.stderr
    notes = [entry["note"] for entry in fresh.json("--as-of", "30/4/2021", "log", "list")]
    assert notes == ["ok", "dòng một\ndòng hai, có phẩy"]


def test_csv_problems_after_a_quoted_line_break_name_the_physical_line(fresh, tmp_path):
    path = _write(tmp_path / "a.csv", f'{HEADER}\n15/4/2021,poster,2,,,A,"một\nhai"\n16/4/2021,postr,1,,,B,x\n')
    stderr = fresh.fails("--as-of", "30/4/2021", "log", "import", path).stderr
    assert "1 of 2 rows" in stderr and "line 4: unknown activity type 'postr'" in stderr


# == 4. XLSX formulas and odd cells ================================================================
def _workbook(path: Path, rows: list[list], cached: dict[str, str] | None = None) -> Path:
    """A workbook; ``cached`` gives formula cells the value a spreadsheet would have saved with them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    if cached:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for cell, value in cached.items():
            start = xml.index(f'<c r="{cell}"')
            end = xml.index("</c>", start)
            kind = "" if value.replace(".", "").isdigit() else ' t="str"'
            saved = xml[start:end].replace(f'<c r="{cell}"', f'<c r="{cell}"{kind}', 1).replace(
                "<v></v>", f"<v>{value}</v>")
            xml = xml[:start] + saved + xml[end:]
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


XLSX_HEADER = ["date", "type", "quantity", "member", "task", "place", "note"]


def test_xlsx_formulas_are_read_from_their_saved_values(fresh, tmp_path):
    import datetime as dt

    path = _workbook(
        tmp_path / "f.xlsx",
        [XLSX_HEADER, [dt.datetime(2021, 4, 15), "poster", "=2*3", None, None, "Thôn A", '=HYPERLINK("http://x","ảnh")']],
        cached={"C2": "6", "G2": "ảnh"},
    )
    fresh("--as-of", "30/4/2021", "log", "import", path, ok=True)
    [entry] = fresh.json("--as-of", "30/4/2021", "log", "list")
    assert (entry["quantity"], entry["note"], entry["place"]) == (6, "ảnh", "Thôn A")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["15/4/2021", "poster", "=2*3", None, None, "A", "x"],
         "f.xlsx cell C2: the formula =2*3 has no saved value"),
        (["15/4/2021", "poster", 2, None, None, "A", '=HYPERLINK("http://x","y")'],
         'f.xlsx cell G2: the formula =HYPERLINK("http://x","y") has no saved value'),
        ([44301, "poster", 2, None, None, "A", "x"], "f.xlsx cell A2: 44301 is a number, not a date"),
        ([44301.5, "poster", 2, None, None, "A", "x"], "f.xlsx cell A2: 44301.5 is a number, not a date"),
        (["time", "poster", 2, None, None, "A", "x"], "f.xlsx cell A2: 10:30 is a time of day, not a date"),
        (["15/4/2021", "poster", True, None, None, "A", "x"], "f.xlsx cell C2: True is not a quantity"),
    ],
)
def test_xlsx_cells_that_cannot_be_read_are_refused_naming_the_cell(fresh, tmp_path, isolated_environment, row,
                                                                    message):
    import datetime as dt

    row = [dt.time(10, 30) if cell == "time" else cell for cell in row]
    path = _workbook(tmp_path / "f.xlsx", [XLSX_HEADER, row])
    before = db_snapshot(isolated_environment)
    assert message in one_line(fresh("--as-of", "30/4/2021", "log", "import", path))
    assert db_snapshot(isolated_environment) == before


# == 5. names from --user, CAMPAIGN_USER, and zero-width characters ================================
@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("x" * 100_000, "the user name is too long (100000 characters)"),
        ("evil\x1b[31mred", "control character U+001B"),
        ("Hùng\u200b", "invisible character U+200B"),
        ("   ", "the user name may not be empty"),
    ],
)
def test_user_names_are_checked_like_any_name(fresh, isolated_environment, user, message):
    before = db_snapshot(isolated_environment)
    for args, env in ((("--user", user), None), ((), {"CAMPAIGN_USER": user})):
        result = fresh(*args, "task", "add", "X", "--phase", "1", env=env)
        assert result.exit_code == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert db_snapshot(isolated_environment) == before


def test_history_records_the_checked_user_name(fresh):
    fresh("--user", "  Trần   Thị Mai ", "task", "add", "X", "--phase", "1", ok=True)
    rows = fresh("history", "--format", "csv", ok=True).stdout.splitlines()
    assert "Trần Thị Mai" in rows[1] and "\x1b" not in "".join(rows)


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_are_refused_in_names(fresh, isolated_environment, char):
    before = db_snapshot(isolated_environment)
    error = one_line(fresh("member", "add", f"Nguyễn Văn Hùng{char}"))
    assert f"invisible character U+{ord(char):04X}" in error
    error = one_line(fresh("unit", "add", f"Đài{char} truyền thanh"))
    assert f"invisible character U+{ord(char):04X}" in error
    assert db_snapshot(isolated_environment) == before


def test_the_invisible_characters_are_every_format_character():
    import re
    import unicodedata

    from campaign_cli.services import text

    pattern = re.compile(f"[{text._BIDI}{text._INVISIBLE}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf":
            assert pattern.match(char), f"U+{code:04X} is a format character the list misses"
        elif pattern.match(char):
            assert category == "Cn", f"U+{code:04X} ({category}) is refused but is no format character"


def test_memory_database_is_refused_with_a_reason(cli):
    for url in (":memory:", "sqlite://", "sqlite:///:memory:"):
        error = one_line(cli("--db", url, "init", "X", "--election-day", "1/1/2026"))
        assert "--db :memory: would keep the campaign in memory only while one command runs" in error
        assert "would keep the campaign in memory" in one_line(cli("--db", url, "status"))


# == 6. file modes =================================================================================
@pytest.fixture
def open_umask():
    """Umask 000, as some servers and containers run: the tool must not rely on the umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.sqlite_only
def test_every_file_the_tool_writes_is_private(cli, tmp_path, open_umask, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "a" / "b" / "c.db"
    cli("--db", db, "init", "--sample", ok=True)
    assert [mode(folder) for folder in (tmp_path / "a", tmp_path / "a" / "b")] == [0o700, 0o700]
    # SQLite makes the -wal and -shm files with the database's mode; a reader keeps them there
    reader = sqlite3.connect(db)
    reader.execute("SELECT COUNT(*) FROM task").fetchone()
    written = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    assert all(path.exists() for path in written)
    for fmt in ("csv", "json", "md", "xlsx"):
        path = tmp_path / f"members.{fmt}"
        cli("--db", db, "member", "list", "--format", fmt, "--output", path, ok=True)
        written.append(path)
    cli("--db", db, "--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output", tmp_path / "r.docx", ok=True)
    cli("--db", db, "export", tmp_path / "e.json", ok=True)
    cli("--db", db, "export", "--format", "ics", tmp_path / "e.ics", ok=True)
    cli("--db", db, "export", "--format", "taskwarrior", tmp_path / "e.tw", ok=True)
    cli("--db", db, "backup", tmp_path / "b.db", ok=True)
    cli("--db", db, "restore", tmp_path / "b.db", "--yes", ok=True)
    written += [tmp_path / name for name in ("r.docx", "e.json", "e.ics", "e.tw", "b.db")]
    written += list(db.parent.glob("c.db.before-restore-*"))
    old = tmp_path / "old" / "v1.db"
    old.parent.mkdir(mode=0o755)
    shutil.copyfile(FIXTURES / "schema-v1.db", old)
    os.chmod(old, 0o600)
    cli("--db", old, "status", ok=True)
    written += list(old.parent.glob("v1.db.v1-backup-*"))
    assert len(written) == 14  # one kept copy of each kind
    assert {str(path.relative_to(tmp_path)): mode(path) for path in written} == {
        str(path.relative_to(tmp_path)): 0o600 for path in written
    }
    reader.close()


# == errors: full disks, missing folders ===========================================================
def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command",
    [
        ("backup", "{folder}/b.db"),
        ("export", "{folder}/e.json"),
        ("export", "--format", "ics", "{folder}/e.ics"),
        ("task", "list", "--format", "xlsx", "--output", "{folder}/t.xlsx"),
        ("report", "weekly", "--format", "docx", "--output", "{folder}/r.docx"),
    ],
)
def test_a_full_disk_is_one_line_and_leaves_no_partial_file(sample, tmp_path, monkeypatch, command):
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(os, "fsync", _disk_full)
    args = [part.format(folder=folder) for part in command]
    error = one_line(sample("--as-of", AS_OF, *args))
    assert "the disk is full" in error and str(folder) in error
    assert list(folder.iterdir()) == []


@pytest.mark.sqlite_only
def test_sqlite_reporting_a_full_disk_during_a_backup_is_one_line(sample, tmp_path, monkeypatch):
    from campaign_cli.storage import schema

    real_connect = sqlite3.connect

    class FullDisk:
        def __init__(self, conn):
            self._conn = conn

        def __getattr__(self, name):
            return getattr(self._conn, name)

        def backup(self, target, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

    def connect(path, *args, **kwargs):
        conn = real_connect(path, *args, **kwargs)
        return FullDisk(conn) if str(path).endswith("campaign.db") else conn

    monkeypatch.setattr(schema, "_open_source", lambda path, read_only: FullDisk(real_connect(path)))
    error = one_line(sample("backup", tmp_path / "b.db"))
    assert error == f"Error: cannot write {tmp_path / 'b.db'}: the disk is full"
    assert not list(tmp_path.glob(".b.db*"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_output_into_a_missing_folder_is_one_line(sample, tmp_path, fmt):
    target = tmp_path / "no" / "such" / f"t.{fmt}"
    error = one_line(sample("--as-of", AS_OF, "task", "list", "--format", fmt, "--output", target))
    assert "the folder" in error and "does not exist" in error


# == errors: damaged databases =====================================================================
def _damage(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("sql", "command", "message"),
    [
        ("UPDATE meta SET value = 'hai' WHERE name = 'schema_version'", "status",
         "its schema version is 'hai', not a number"),
        ("UPDATE task SET due = '2021-0x-23' WHERE id = 3", "task list", "it holds '2021-0x-23' where a date belongs"),
        ("UPDATE task SET title = CAST(X'54e1bb' || X'ff' AS TEXT) WHERE id = 3", "task show 3",
         "is damaged (Could not decode to UTF-8 column 'title'"),
        ("UPDATE task SET completed_on = 'hôm qua' WHERE id = 1", "task show 1", "where a date belongs"),
        ("UPDATE phase SET end_date = '2021-02-30' WHERE number = 1", "phase list", "where a date belongs"),
    ],
)
def test_damaged_values_say_the_database_is_damaged(sample, isolated_environment, sql, command, message):
    _damage(isolated_environment, sql)
    error = one_line(sample("--as-of", AS_OF, *command.split()))
    assert message in error
    assert "damaged" in error and "campaign restore FILE" in error


@pytest.mark.sqlite_only
def test_damaged_pages_say_the_database_is_damaged(sample, isolated_environment):
    sample("--as-of", AS_OF, "status", ok=True)  # the WAL folded back into the file
    data = bytearray(isolated_environment.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for number in range(2, len(data) // page):
        data[number * page : number * page + 8] = b"\x0d\xff\xff\xff\xff\xff\xff\xff"
    isolated_environment.write_bytes(bytes(data))
    for args in (("status",), ("task", "list"), ("task", "add", "X", "--phase", "1"), ("export",)):
        error = one_line(sample("--as-of", AS_OF, *args))
        assert "damaged" in error or "not an SQLite database" in error, error


def test_undecodable_arguments_are_usage_errors(fresh, tmp_path):
    result = fresh("task", "add", "Ti\udcffêu", "--phase", "1")
    assert result.exit_code == 2 and "argument 3 (b'Ti\\xff\\xc3\\xaau') is not UTF-8 text" in result.stderr
    result = fresh("--campaign", "x\udce9", "status")
    assert result.exit_code == 2 and "is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr


def test_dates_past_any_plan_are_refused_where_they_are_typed(fresh):
    assert "out of range" in one_line(fresh("task", "add", "X", "--phase", "2", "--due", "31/12/9999"))
    assert "out of range" in one_line(fresh("--as-of", "31/12/9999", "status"))
    assert "out of range" in one_line(fresh("report", "weekly", "--week", "9999-W52"))


# == read-only databases (issue 12), as an unprivileged user =======================================
def _without_override():
    """A preexec function that makes file permissions apply to this process, or None if they do.

    Root ignores permission bits through two capabilities; dropping them from
    the bounding set (as ``setpriv --bounding-set -dac_override`` does) makes
    the command meet read-only files and folders as any user would.
    """
    if os.geteuid() != 0:
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2

    def drop():
        for capability in (cap_dac_override, cap_dac_read_search):
            if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


@pytest.fixture
def as_user(tmp_path):
    """Runs ``campaign`` in a folder where permissions apply (also for root); yields (run, folder)."""
    work = tmp_path / "work"
    work.mkdir()
    drop = _without_override()

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(work), "CAMPAIGN_LANG": "en", "CAMPAIGN_USER": "tester",
            "CAMPAIGN_TODAY": AS_OF, "PYTHONDONTWRITEBYTECODE": "1",
        }
        return subprocess.run([sys.executable, "-m", "campaign_cli", *map(str, args)], env=env, cwd=work,
                              capture_output=True, text=True, preexec_fn=drop, timeout=120)

    try:
        yield run, work
    finally:
        for path in [work, *work.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o700)


def _one_line(completed: subprocess.CompletedProcess) -> str:
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "Traceback" not in output and "Error: unexpected" not in output, output
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), completed.stderr
    return lines[0]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("what", ["file and folder", "folder only", "file only"])
def test_a_read_only_database_is_read_and_writes_say_why_not(as_user, what):
    run, work = as_user
    folder = work / "db"
    assert run("--db", "db/c.db", "init", "--sample").returncode == 0
    assert run("--db", "db/c.db", "log", "add", "--type", "poster").returncode == 0
    db = folder / "c.db"
    before = db.read_bytes()
    if what != "folder only":
        os.chmod(db, 0o400)
    if what != "file only":
        os.chmod(folder, 0o555)
    status = run("--db", "db/c.db", "status", "--format", "json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["as_of"] == "2021-04-15"
    tasks = run("--db", "db/c.db", "task", "list", "--format", "json")
    assert len(json.loads(tasks.stdout)) == 28
    error = _one_line(run("--db", "db/c.db", "task", "add", "X", "--phase", "2"))
    assert "can only be read" in error and "nothing was changed" in error
    expected = "is not writable" if what == "folder only" else "is read-only"
    assert expected in error
    os.chmod(folder, 0o755)
    assert db.read_bytes() == before


@pytest.mark.sqlite_only
def test_init_and_output_in_a_read_only_folder_are_one_line(as_user):
    run, work = as_user
    locked = work / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    error = _one_line(run("--db", "locked/new.db", "init", "--sample"))
    assert "cannot create the database locked/new.db: permission denied" in error
    assert not list(locked.iterdir())
    error = _one_line(run("--db", "locked/deeper/new.db", "init", "--sample"))
    assert "cannot create the folder" in error and "permission denied" in error
    assert run("--db", "c.db", "init", "--sample").returncode == 0
    for args in (("task", "list", "--format", "csv", "--output", "locked/t.csv"), ("export", "locked/e.json"),
                 ("backup", "locked/b.db"), ("member", "list", "--format", "xlsx", "--output", "locked/m.xlsx")):
        error = _one_line(run("--db", "c.db", *args))
        assert "permission denied" in error, error
    assert not list(locked.iterdir())


# == killed copies leave nothing behind ============================================================
@pytest.mark.sqlite_only
def test_partial_copies_of_dead_processes_are_removed_by_the_next_command(sample, isolated_environment):
    folder = isolated_environment.parent
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = [folder / f".campaign.db.v1-backup-20210415.partial-{dead.pid}",
             folder / f".campaign.db.restore.partial-{dead.pid}",
             folder / f".campaign.db.restore.partial-{dead.pid}-journal",
             folder / f".report.csv.abc123.partial-{dead.pid}"]
    alive = folder / f".campaign.db.v1-backup-20210415.partial-{os.getppid()}"
    for path in [*stale, alive]:
        path.write_bytes(b"half a copy")
    sample("--as-of", AS_OF, "status", ok=True)
    assert [path.exists() for path in stale] == [False] * len(stale)
    assert alive.exists(), "a copy still being written by a live process is left alone"


@pytest.mark.sqlite_only
def test_backup_into_another_folder_removes_its_own_stale_partial(sample, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = folder / f".b.db.partial-{dead.pid}"
    stale.write_bytes(b"half")
    sample("backup", folder / "b.db", ok=True)
    assert sorted(path.name for path in folder.iterdir()) == ["b.db"]


# == PostgreSQL ====================================================================================
@pytest.mark.postgresql_only
def test_a_missing_schema_in_search_path_is_named(cli, pg_server):
    url = pg_server.url_for("no_such_schema_h3a")
    for args in (("status",), ("init", "X", "--election-day", "1/1/2026"), ("info",)):
        error = one_line(cli("--db", url, *args))
        assert "the schema this URL searches (options=-csearch_path=...) does not exist" in error, error


CUT_OFF_MID_IMPORT = """
import sys
import psycopg
from campaign_cli.storage import db as storage
from campaign_cli.cli.main import main

admin, url, schema, path = sys.argv[1:5]
real = storage.Transaction._insert_many_copy  # the path bulk log inserts take on PostgreSQL

def cut_off(self, *args):
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (schema,))
    return real(self, *args)

storage.Transaction._insert_many_copy = cut_off
sys.argv = ["campaign", "--db", url, "--as-of", "30/4/2021", "log", "import", path]
main()
"""


@pytest.mark.postgresql_only
def test_a_connection_lost_mid_import_is_one_line(cli, pg_schema, tmp_path):
    """In a process of its own: pytest's log capture would hide what psycopg prints."""
    cli("--db", pg_schema, "init", "Thử", "--election-day", "23/5/2021", ok=True)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + "15/4/2021,poster,1,,,A,x\n" * 5000, encoding="utf-8")
    schema = pg_schema.split("search_path%3D")[1].split("&")[0]
    completed = subprocess.run(
        [sys.executable, "-c", CUT_OFF_MID_IMPORT, os.environ["CAMPAIGN_TEST_PG_URL"], pg_schema, schema, str(path)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CAMPAIGN_LANG": "en"},
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr.startswith("Error: lost the connection to the PostgreSQL server"), completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1, completed.stderr


KILLED_AT = """
import os, signal, sys
from campaign_cli.services import backups
from campaign_cli.storage import schema
from campaign_cli.cli.main import main

point = sys.argv[1]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "prepare":  # the copy is half upgraded
    schema.MIGRATIONS = [(reached, die) for reached, _step in schema.MIGRATIONS]
elif point == "swap":  # the live database kept aside, not yet replaced
    backups._swap_in = die
sys.argv = ["campaign", *sys.argv[2:]]
main()
"""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("point", ["prepare", "swap"])
def test_a_killed_restore_leaves_the_live_database_and_the_next_command_cleans_up(sample, isolated_environment,
                                                                                 tmp_path, point):
    old = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v1.db", old)
    before = isolated_environment.read_bytes()
    completed = subprocess.run(
        [sys.executable, "-c", KILLED_AT, point, "--db", str(isolated_environment), "restore", str(old), "--yes"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == -9, completed.stderr
    assert list(tmp_path.glob(".campaign.db.restore.partial-*")), "the kill left the prepared copy"
    assert isolated_environment.read_bytes() == before
    assert len(sample.json("--as-of", AS_OF, "task", "list")) == 28
    assert not list(tmp_path.glob(".*partial*"))
