"""The renderers: text that fits, codes as words for people, files written one way, lists never cut for scripts."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from campaign_cli.cli.app import COMMAND_MODULES

AS_OF = "15/4/2021"


# -- text that fits --------------------------------------------------------------------------------
def test_cut_keeps_whole_words_and_marks_the_cut():
    from campaign_cli.cli.render.textfit import cut, width

    assert cut("Nguyễn Mạnh Hùng", 20) == "Nguyễn Mạnh Hùng"
    assert cut("Nguyễn Mạnh Hùng", 12) == "Nguyễn Mạnh…"
    assert cut("thị trấn Me", 10) == "thị trấn…"
    assert cut("commendation", 8) == "commend…"  # one long word: cut inside, but marked
    assert cut("Tin, bài về bầu cử", 6) == "Tin…"  # no comma left hanging
    assert width("日本語") == 6 and width("Nguyễn") == 6 and width("Nguye\u0302\u0303n") == 6
    assert cut("日本語のテキスト", 7) == "日本語…"


def test_wrap_breaks_between_facts_then_words():
    from campaign_cli.cli.render.textfit import wrap

    line = "38 days to election day 23/05/2021 · Huyện Hướng Hóa, tỉnh Quảng Trị · Thu 15/04/2021"
    assert wrap(line, 80) == ["38 days to election day 23/05/2021 · Huyện Hướng Hóa, tỉnh Quảng Trị", "Thu 15/04/2021"]
    assert all(len(part) <= 20 for part in wrap("một hai ba bốn năm sáu bảy tám chín mười", 20))


def test_user_text_cannot_drive_the_terminal():
    from campaign_cli.cli.options import OutputFormat
    from campaign_cli.cli.render import Column, Section, View, emit

    view = View([], sections=[Section("x", "", [Column("note", "Note")], [{"note": "a\x1b[31mred\u202eb\nc"}])])
    out = io.StringIO()
    emit(view, OutputFormat.table, out, "en", width=80)
    assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
    assert "a\\x1b[31mred\\u202eb c" in out.getvalue()


def test_layout_leaves_out_low_priority_columns_and_names_them():
    from campaign_cli.cli.options import OutputFormat
    from campaign_cli.cli.render import Column, Section, View, emit

    columns = [
        Column("id", "ID", "id"),
        Column("title", "Title", min_width=20, priority=1),
        Column("place", "Place", priority=5),
        Column("note", "Note", priority=6),
        Column("due", "Due", "date"),
    ]
    row = {"id": 1, "title": "A title that is rather long " * 2, "place": "Somewhere far away", "note": "x " * 30,
           "due": "2021-04-15"}  # fmt: skip
    view = View([], sections=[Section("t", "", columns, [row])])
    narrow = io.StringIO()
    emit(view, OutputFormat.table, narrow, "en", width=40)
    text = narrow.getvalue()
    assert "Left out at this width: Place, Note" in text
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "15/04/2021" in text and "A title that is rather…" in text
    wide = io.StringIO()
    emit(view, OutputFormat.table, wide, "en", width=40, wide=True)
    assert "Place" in wide.getvalue() and "Left out" not in wide.getvalue()
    assert row["title"].strip() in wide.getvalue()


# -- every format from one view ---------------------------------------------------------------------------
def test_codes_for_machines_words_for_people(sample, tmp_path: Path):
    rows = list(
        csv.DictReader(io.StringIO(sample("--as-of", AS_OF, "task", "list", "--format", "csv", ok=True).stdout))
    )
    assert {row["status"] for row in rows} == {"todo", "doing", "done", "blocked", "cancelled"}
    markdown = sample("--lang", "vi", "--as-of", AS_OF, "task", "list", "--format", "md", ok=True).stdout
    assert "| chưa bắt đầu |" in markdown and "| todo |" not in markdown
    table = sample("--lang", "vi", "--as-of", AS_OF, "task", "list", env={"COLUMNS": "120"}, ok=True).stdout
    assert "chưa bắt đầu" in table

    path = tmp_path / "tasks.xlsx"
    sample("--lang", "vi", "--as-of", AS_OF, "task", "list", "--format", "xlsx", "--output", path, ok=True)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    statuses = {row[headings.index("Trạng thái")].value for row in sheet.iter_rows(min_row=2)}
    assert statuses == {"chưa bắt đầu", "đang thực hiện", "hoàn thành", "vướng mắc", "đã hủy"}
    overdue = {row[headings.index("Quá hạn")].value for row in sheet.iter_rows(min_row=2)}
    assert overdue == {"có", "không"}  # not TRUE/FALSE in a Vietnamese workbook


def test_todo_reads_the_same_in_the_terminal_and_in_the_document(sample, tmp_path: Path):
    import docx

    from campaign_cli.cli.labels import status_label

    path = tmp_path / "w.docx"
    sample("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output", path, ok=True)
    text = "\n".join(paragraph.text for paragraph in docx.Document(path).paragraphs)
    assert f"; {status_label('blocked', 'vi')})" in text  # the upcoming task 13 is blocked
    assert "chưa triển khai" not in text and "đang vướng mắc" not in text


def test_no_vietnamese_word_tables_outside_the_catalog():
    root = Path(__file__).resolve().parent.parent / "campaign_cli" / "cli"
    for name in ("STATE_WORDS", "STATUS_WORDS", "_ICS_WORDS", "VI_HEADINGS"):
        assert not any(name in path.read_text(encoding="utf-8") for path in root.rglob("*.py")), name


def test_xlsx_sheet_names_are_cut_after_a_word_and_unique():
    from campaign_cli.cli.render.workbook import sheet_title

    taken: set[str] = set()
    long = "Đợt 1: Tuyên truyền chuẩn bị bầu cử: quantities"
    first = sheet_title(long, taken)
    second = sheet_title(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert first == "Đợt 1 Tuyên truyền chuẩn bị…"
    assert second.endswith(" (2)") and second.startswith("Đợt 1 Tuyên truyền")
    assert sheet_title("a/b [c]: d?", taken) == "a-b c d"


def test_csv_neutralises_formulas_and_control_characters():
    from campaign_cli.cli.render import csv_cell

    assert csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("ok\x1b[2J\u202e") == "ok\\x1b[2J\\u202e"
    assert csv_cell("line one\nline two") == "line one\nline two"  # quoted by the writer, not mangled
    assert csv_cell(3.0) == 3 and csv_cell(True) == "true"


def test_burndown_numbers_share_one_format(sample):
    out = sample("--lang", "vi", "--as-of", AS_OF, "report", "burndown", env={"COLUMNS": "80"}, ok=True).stdout
    ideal = [line.split()[-1] for line in out.splitlines() if line[:2].isdigit() and line[2:3] == "/"]
    assert ideal and all(value.count(",") == 1 and len(value.split(",")[1]) == 1 for value in ideal), ideal
    assert "(lý tưởng 2,7)" in out


# -- lists never cut for scripts -------------------------------------------------------------------------
@pytest.fixture
def many_entries(sample, campaign_db):
    """The sample with 120 more log entries (the table shows the newest 50)."""
    for day in range(120):
        sample("--as-of", AS_OF, "log", "add", "--type", "news", "--date", f"{1 + day % 28}/3/2021", ok=True)
    return sample


@pytest.mark.slow
def test_log_list_shows_50_in_a_table_and_everything_in_data(many_entries, tmp_path: Path):
    total = 67 + 120
    table = many_entries("--as-of", AS_OF, "log", "list", env={"COLUMNS": "120"}, ok=True).stdout
    assert "Showing the latest 50 entries; --limit 0 shows them all." in table
    assert len(many_entries.json("--as-of", AS_OF, "log", "list")) == total
    rows = many_entries("--as-of", AS_OF, "log", "list", "--format", "csv", ok=True).stdout.splitlines()
    assert len(rows) == total + 1
    markdown = many_entries("--as-of", AS_OF, "log", "list", "--format", "md", ok=True).stdout
    assert sum(line.startswith("| ") for line in markdown.splitlines()) == total + 1
    path = tmp_path / "log.xlsx"
    many_entries("--as-of", AS_OF, "log", "list", "--format", "xlsx", "--output", path, ok=True)
    assert openpyxl.load_workbook(path).worksheets[0].max_row == total + 1
    assert len(many_entries.json("--as-of", AS_OF, "log", "list", "--limit", "10")) == 10
    everything = many_entries("--as-of", AS_OF, "log", "list", "--limit", "0", env={"COLUMNS": "120"}, ok=True)
    assert "Showing the latest" not in everything.stdout


# -- task options and show ----------------------------------------------------------------------------------
@pytest.mark.parametrize("words", ["doing", "đang thực hiện", "dang thuc hien", "ĐANG THỰC HIỆN", "in progress"])
def test_task_list_status_takes_codes_and_names(sample, words):
    tasks = sample.json("--as-of", AS_OF, "task", "list", "--status", words)
    assert tasks and {task["status"] for task in tasks} == {"doing"}


def test_task_list_status_refuses_an_unknown_one(sample):
    result = sample.fails("task", "list", "--status", "xong roi", code=2)
    assert "'xong roi' is not a status: use 'todo', 'doing', 'done', 'blocked', 'cancelled' or to do, in progress" in (
        result.stderr
    )


def test_task_show_names_the_phase_once(sample):
    out = sample("--as-of", AS_OF, "task", "show", "11", env={"COLUMNS": "120"}, ok=True).stdout
    phase_line = next(line for line in out.splitlines() if line.startswith("Phase "))
    assert phase_line.split(None, 1)[1].strip() == "Đợt 1: Tuyên truyền chuẩn bị bầu cử"


def test_phase_label_adds_the_number_only_when_the_name_lacks_it():
    from campaign_cli.cli.task import phase_label

    assert phase_label(2, "Đợt 2: Cao điểm") == "Đợt 2: Cao điểm"
    assert phase_label(3, "Tổng kết năm 2021") == "3: Tổng kết năm 2021"
    assert phase_label(1, "Phase 1 - preparation") == "Phase 1 - preparation"


def test_every_table_command_takes_wide(sample):
    narrow = sample("--as-of", AS_OF, "member", "list", env={"COLUMNS": "80"}, ok=True).stdout
    assert "Left out at this width:" in narrow and "giavien.example" not in narrow
    wide = sample("--as-of", AS_OF, "member", "list", "--wide", env={"COLUMNS": "80"}, ok=True).stdout
    assert "Left out" not in wide and "tuan.dv@giavien.example" in wide
    for args in (["status"], ["report", "weekly"], ["log", "list"], ["type", "list"], ["phase", "list"]):
        assert "--wide" in sample(*args, "--help", ok=True).stdout


# -- one writer for every --output ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "csv", "json", "xlsx", "table"])
def test_every_output_file_is_private_and_a_bad_folder_is_one_line(sample, tmp_path: Path, fmt):
    path = tmp_path / f"status.{fmt}"
    sample("--as-of", AS_OF, "status", "--format", fmt, "--output", path, ok=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    missing = tmp_path / "no-such-folder" / f"status.{fmt}"
    result = sample.fails("--as-of", AS_OF, "status", "--format", fmt, "--output", missing)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "the folder" in result.stderr and "does not exist" in result.stderr


def test_table_in_a_file_is_120_columns_and_plain(sample, tmp_path: Path):
    path = tmp_path / "status.txt"
    sample("--as-of", AS_OF, "status", "--full", "--output", path, env={"COLUMNS": "80"}, ok=True)
    text = path.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) > 80 >= 0
    assert all(len(line) <= 120 for line in text.splitlines()) and "\x1b[" not in text


@pytest.mark.parametrize(
    "module", sorted({*COMMAND_MODULES.values(), "render", "office", "views.status", "documents", "labels"})
)
def test_every_cli_module_imports_on_its_own(module):
    """No import cycles: each module can be the first one imported."""
    result = subprocess.run(
        [sys.executable, "-c", f"import campaign_cli.cli.{module}"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_json_of_lists_is_plain(sample):
    data = json.loads(sample("--as-of", AS_OF, "member", "list", "--format", "json", ok=True).stdout)
    assert data[0]["role"] == "chair"
