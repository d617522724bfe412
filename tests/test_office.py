"""Office formats: report documents (docx, pdf), workbooks (xlsx), calendars (ics), Taskwarrior.

Every file is opened again with the library that reads it (python-docx,
openpyxl, icalendar, the real ``task`` binary) and checked against what the
JSON reports say.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")
icalendar = pytest.importorskip("icalendar")

from campaign_cli.cli import office  # noqa: E402
from campaign_cli.formatting import format_number  # noqa: E402

AS_OF = "15/4/2021"
WEEK = "2021-W15"


# -- helpers --------------------------------------------------------------------------
def plain(text: str) -> str:
    """Text as read: the marks that keep words on one line (word joiner, no-break space) taken out."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def paragraphs(document) -> list[str]:
    """The body's paragraphs as read; a heading's two lines ("III. ...", "1. ...") count as two."""
    return [line for paragraph in document.paragraphs for line in plain(paragraph.text).split("\n")]


def all_text(document) -> str:
    """Every paragraph of the body and of every table cell, in order, one per line."""
    lines = paragraphs(document)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [plain(paragraph.text) for paragraph in cell.paragraphs]
    return "\n".join(lines)


def runs(document):
    """Every run of the document: body paragraphs and table cells."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for paragraph in paragraphs:
        yield from paragraph.runs


def find_run(document, text: str):
    return next(run for run in runs(document) if plain(run.text) == text)


def table_with(document, heading: str):
    for table in document.tables:
        if heading in [cell.text for cell in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table with the heading {heading!r}")


def context(today: dt.date):
    from campaign_cli.services.context import Context
    from campaign_cli.storage.db import Database

    return Context(Database(os.environ["CAMPAIGN_DB"]), today, actor="tester", command="test")


@pytest.fixture
def weekly_docx(sample, tmp_path: Path):
    path = tmp_path / "bao-cao.docx"
    sample("--as-of", AS_OF, "report", "weekly", "--week", WEEK, "--format", "docx", "--number", "5",
           "--output", path, ok=True)
    return docx.Document(str(path))


# -- official report: docx -------------------------------------------------------------------
def test_weekly_docx_has_the_decree_30_layout(weekly_docx):
    text = all_text(weekly_docx)
    header = weekly_docx.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ỦY BAN BẦU CỬ HUYỆN GIA VIỄN", "TIỂU BAN THÔNG TIN,", "TUYÊN TRUYỀN",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    ]
    number, date_line = header.rows[1].cells
    assert number.text.strip() == "Số: 05/BC-TBTT"
    assert plain(date_line.text).strip() == "Gia Viễn, ngày 15 tháng 4 năm 2021"
    body = paragraphs(weekly_docx)
    title = body.index("BÁO CÁO")
    assert body[title + 1] == "Kết quả công tác thông tin, tuyên truyền tuần 15 (12/4–18/4/2021)"
    sections = [line for line in body if line[:3] in ("I. ", "II.", "III", "IV.")]
    assert sections == ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN",
                        "III. NHIỆM VỤ QUÁ HẠN VÀ NHIỆM VỤ TUẦN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ"]
    assert "Tính đến ngày 15/4/2021, còn 38 ngày nữa đến ngày bầu cử (23/5/2021)." in body
    phase = "Đợt 1: Tuyên truyền chuẩn bị bầu cử (1/2–30/4/2021)"
    assert f"Công tác thông tin, tuyên truyền đang triển khai {phase}." in body
    signature = weekly_docx.tables[-1]
    recipients, signer = signature.rows[0].cells
    assert [p.text for p in recipients.paragraphs] == ["Nơi nhận:", "- Ủy ban bầu cử huyện;", "- Lưu: VT, TBTT."]
    assert [p.text for p in signer.paragraphs if p.text] == ["TRƯỞNG TIỂU BAN", "Nguyễn Mạnh Hùng"]
    closing = "Trên đây là báo cáo kết quả công tác thông tin, tuyên truyền tuần 15 (12/4–18/4/2021)"
    assert closing in text and text.count("./.") == 1


def test_weekly_docx_formatting_follows_the_decree(weekly_docx):
    section = weekly_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = {side: round(getattr(section, f"{side}_margin").mm) for side in ("top", "bottom", "left", "right")}
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    normal = weekly_docx.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{name}") for name in ("ascii", "hAnsi", "cs", "eastAsia")} == {
        "Times New Roman"}
    sizes = {run.font.size.pt for run in runs(weekly_docx) if run.text and run.font.size}
    assert sizes <= {11, 12, 13, 14}
    assert all(run.font.name in (None, "Times New Roman") for run in runs(weekly_docx))
    body = [run for run in runs(weekly_docx) if plain(run.text).startswith("Tính đến ngày")]
    assert body and all(run.font.size.pt in (13, 14) for run in body)
    assert find_run(weekly_docx, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold
    assert find_run(weekly_docx, "Độc lập - Tự do - Hạnh phúc").bold
    assert find_run(weekly_docx, "Gia Viễn, ngày 15 tháng 4 năm 2021").italic
    assert find_run(weekly_docx, "BÁO CÁO").bold
    assert find_run(weekly_docx, "Nơi nhận:").bold and find_run(weekly_docx, "Nơi nhận:").italic
    assert find_run(weekly_docx, "Nguyễn Mạnh Hùng").bold
    # the short rules under the issuing body and the motto are paragraph borders
    xml = weekly_docx.tables[0]._tbl.xml
    assert xml.count("<w:bottom ") == 2


def test_docx_property_elements_are_in_schema_order(sample, tmp_path: Path):
    """Word rejects a file whose pPr/tblPr/rPr children are out of order (LibreOffice would not tell)."""
    import zipfile

    from lxml import etree

    path = tmp_path / "r.docx"
    sample("--as-of", AS_OF, "report", "phase", "1", "--format", "docx", "--output", path, ok=True)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
            if part not in archive.namelist():
                continue
            root = etree.fromstring(archive.read(part))
            for kind, order in office._SCHEMA_ORDER.items():
                for element in root.iter(w + kind):
                    tags = [child.tag.replace(w, "") for child in element]
                    positions = [order.index(tag) for tag in tags if tag in order]
                    assert positions == sorted(positions), (part, kind, tags)


def test_weekly_docx_activity_table_matches_the_json_report(sample, weekly_docx):
    report = sample.json("--lang", "vi", "--as-of", AS_OF, "report", "weekly", "--week", WEEK)
    assert report["activity"], "the sample logs work in week 15"
    table = table_with(weekly_docx, "Hình thức hoạt động")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert rows == [
        [str(index), item["label"], item["unit"], format_number(item["quantity"], "vi"),
         format_number(item["entries"], "vi")]
        for index, item in enumerate(report["activity"], 1)
    ]
    entries = sum(item["entries"] for item in report["activity"])
    assert f"đã ghi nhận {entries} lượt hoạt động" in all_text(weekly_docx)
    completed = [line for line in paragraphs(weekly_docx) if line.startswith("- ")]
    for task in report["completed"]:
        assert any(line.startswith(f"- {task['title']} (chủ trì: {task['lead']}") for line in completed)
    overdue_heading = f"1. Nhiệm vụ quá hạn ({len(report['overdue'])})"
    assert overdue_heading in paragraphs(weekly_docx)


def test_document_options_replace_the_defaults(sample, tmp_path: Path):
    path = tmp_path / "r.docx"
    sample("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output", path,
           "--parent-body", "", "--to", "Ủy ban bầu cử huyện", "--to", "Thường trực Huyện ủy;",
           "--to", "Lưu: VT, TBTT.", "--signer", "Đinh Văn Tuấn", "--signer-title", "Phó Trưởng tiểu ban phụ trách",
           "--date", "16/4/2021", "--place", "Me", "--summary", "Tình hình tuần 15",
           "--proposal", "Đề nghị cấp bổ sung 500 tờ gấp.", ok=True)
    document = docx.Document(str(path))
    text = all_text(document)
    left = document.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text][0] == "TIỂU BAN THÔNG TIN,"  # no parent body
    assert "Số:       /BC-TBTT" in text  # no number: blank for the clerk
    assert "Me, ngày 16 tháng 4 năm 2021" in text
    assert "Tình hình tuần 15" in paragraphs(document)
    assert "Đề nghị cấp bổ sung 500 tờ gấp." in paragraphs(document)
    recipients, signer = document.tables[-1].rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:", "- Ủy ban bầu cử huyện;", "- Thường trực Huyện ủy;", "- Lưu: VT, TBTT."]
    assert [p.text for p in signer.paragraphs if p.text] == ["PHÓ TRƯỞNG TIỂU BAN PHỤ TRÁCH", "Đinh Văn Tuấn"]


def test_phase_and_final_documents(sample, tmp_path: Path):
    phase = tmp_path / "dot1.docx"
    sample("--as-of", AS_OF, "report", "phase", "1", "--format", "docx", "--output", phase, ok=True)
    document = docx.Document(str(phase))
    body = paragraphs(document)
    assert "Kết quả công tác thông tin, tuyên truyền đợt 1 (1/2–30/4/2021)" in body
    report = sample.json("--lang", "vi", "--as-of", AS_OF, "report", "phase", "1")["phases"][0]
    targets = table_with(document, "Chỉ tiêu")
    planned = [row for row in report["quantities"] if row["target"]]
    assert [row.cells[1].text for row in targets.rows[1:]] == [row["label"] for row in planned]
    assert [row.cells[3].text for row in targets.rows[1:]] == [format_number(row["target"], "vi") for row in planned]

    final = tmp_path / "final.docx"
    sample("--as-of", "30/5/2021", "report", "final", "--format", "docx", "--output", final, ok=True)
    document = docx.Document(str(final))
    body = paragraphs(document)
    summary = "Tổng kết công tác thông tin, tuyên truyền cuộc bầu cử đại biểu Quốc hội"
    assert any(line.startswith(summary) for line in body)
    assert ("Cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021–2026 "
            "đã diễn ra ngày 23/5/2021.") in body
    phases = table_with(document, "Thời gian")
    assert [row.cells[0].text for row in phases.rows[1:]] == ["1", "2", "3"]
    status = sample.json("--lang", "vi", "--as-of", "30/5/2021", "status")
    totals = table_with(document, "Hình thức hoạt động")
    assert [row.cells[3].text for row in totals.rows[1:]] == [
        format_number(item["quantity"], "vi") for item in status["activity"]]


def test_final_report_as_data(sample):
    data = sample.json("--as-of", AS_OF, "report", "final")
    assert data["kind"] == "final"
    assert [phase["number"] for phase in data["phases"]] == [1, 2, 3]
    assert data["activity_entries"] == sum(item["entries"] for item in data["activity"])


def test_docx_default_file_name(sample, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = sample("--as-of", AS_OF, "report", "weekly", "--format", "docx", ok=True)
    assert (tmp_path / "bao-cao-tuan-2021-W15.docx").exists()
    assert "bao-cao-tuan-2021-W15.docx" in result.stderr


def test_pdf_without_libreoffice_is_a_one_line_error(sample, tmp_path: Path, monkeypatch):
    from campaign_cli.cli.render import pdf

    monkeypatch.setattr(pdf, "find_office", lambda: None)
    result = sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output", tmp_path / "r.pdf")
    assert "LibreOffice" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
@pytest.mark.pdf_tools
def test_pdf_through_libreoffice(sample, tmp_path: Path):
    """LibreOffice and poppler-utils are installed by .ci/run: this test never skips."""
    path = tmp_path / "r.pdf"
    sample("--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output", path, ok=True)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "BÁO CÁO" in text and "Nơi nhận:" in text


# -- workbooks: xlsx ----------------------------------------------------------------------------
def test_log_list_xlsx_has_typed_cells(sample, tmp_path: Path):
    path = tmp_path / "log.xlsx"
    sample("--lang", "vi", "--as-of", AS_OF, "log", "list", "--limit", "0", "--format", "xlsx", "--output", path,
           ok=True)
    entries = sample.json("--as-of", AS_OF, "log", "list", "--limit", "0")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.freeze_panes == "A2"
    headings = [cell.value for cell in sheet[1]]
    assert headings[:5] == ["Mã", "Ngày", "Mã loại", "Hình thức hoạt động", "Số lượng"]
    assert sheet.max_row == len(entries) + 1
    for row, entry in zip(sheet.iter_rows(min_row=2), entries, strict=True):
        date_cell, quantity_cell = row[1], row[4]
        assert isinstance(date_cell.value, dt.datetime)
        assert date_cell.value.date().isoformat() == entry["date"]
        assert date_cell.number_format == "dd/mm/yyyy"
        assert isinstance(quantity_cell.value, (int, float)) and not isinstance(quantity_cell.value, bool)
        assert quantity_cell.value == entry["quantity"]
        assert row[0].value == entry["id"]
    widths = sheet.column_dimensions
    assert widths["B"].width >= 10 and widths["D"].width >= len("hình thức hoạt động")


def test_task_list_and_weekly_report_xlsx(sample, tmp_path: Path):
    tasks_path = tmp_path / "tasks.xlsx"
    sample("--as-of", AS_OF, "task", "list", "--format", "xlsx", "--output", tasks_path, ok=True)
    tasks = sample.json("--as-of", AS_OF, "task", "list")
    sheet = openpyxl.load_workbook(tasks_path).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    due = headings.index("Due")
    dues = [row[due].value for row in sheet.iter_rows(min_row=2)]
    assert [value.date().isoformat() if value else None for value in dues] == [task["due"] for task in tasks]

    weekly_path = tmp_path / "weekly.xlsx"
    sample("--as-of", AS_OF, "report", "weekly", "--week", WEEK, "--format", "xlsx", "--output", weekly_path,
           ok=True)
    report = sample.json("--as-of", AS_OF, "report", "weekly", "--week", WEEK)
    workbook = openpyxl.load_workbook(weekly_path)
    activity = workbook.worksheets[0]
    assert activity.freeze_panes == "A2"
    quantities = [row[1].value for row in activity.iter_rows(min_row=2)]
    assert quantities == [item["quantity"] for item in report["activity"]]
    assert all(isinstance(value, (int, float)) for value in quantities)
    assert workbook.sheetnames[-1] == "Notes"  # heading lines
    assert not any(set(name) & set("[]:*?/\\") for name in workbook.sheetnames)


def test_xlsx_to_a_pipe_and_text_that_looks_like_a_formula(sample, tmp_path: Path):
    sample("--as-of", AS_OF, "log", "add", "--type", "poster", "--qty", "3", "--note", "=HYPERLINK(\"x\")", ok=True)
    result = sample("--as-of", AS_OF, "log", "list", "--limit", "1", "--format", "xlsx", ok=True)
    assert result.stdout_bytes.startswith(b"PK")
    path = tmp_path / "piped.xlsx"
    path.write_bytes(result.stdout_bytes)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    note = sheet.cell(row=2, column=10)
    assert note.value == "=HYPERLINK(\"x\")" and note.data_type == "s"


def test_log_workbook_imports_back(sample, tmp_path: Path):
    """The sheet ``log list --format xlsx`` writes reads back into the rows ``log import`` takes."""
    path = tmp_path / "log.xlsx"
    sample("--lang", "vi", "--as-of", AS_OF, "log", "list", "--limit", "0", "--format", "xlsx", "--output", path,
           ok=True)
    entries = sample.json("--as-of", AS_OF, "log", "list", "--limit", "0")
    rows = list(office.read_log_rows_xlsx(path))
    assert len(rows) == len(entries)
    first = rows[0]
    assert set(first) == {"line", "date", "type", "quantity", "member", "task", "place", "note"}
    assert first["line"] == 2
    assert first["date"] == dt.date.fromisoformat(entries[0]["date"])
    assert first["type"] == entries[0]["type"] and first["quantity"] == entries[0]["quantity"]
    assert first["task"] == (entries[0]["task"] or {}).get("id")
    # the same rows through today's CSV import: every entry is accepted again
    csv_path = tmp_path / "log.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["date", "type", "quantity", "member", "task", "place", "note"])
        writer.writeheader()
        for row in rows:
            writer.writerow({key: (value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value)
                             for key, value in row.items() if key != "line"})
    sample("--as-of", AS_OF, "log", "import", csv_path, ok=True)
    after = sample.json("--as-of", AS_OF, "log", "list", "--limit", "0")
    assert len(after) == 2 * len(entries)


def test_log_workbook_with_the_csv_header_and_a_bad_header(tmp_path: Path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Ngày", "Loại", "Số lượng", "Người thực hiện", "Nhiệm vụ", "Địa điểm", "Ghi chú"])
    sheet.append([dt.datetime(2021, 4, 14), "poster", 40.0, "Hùng", 3, "xã Gia Vân", None])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["15/4/2021", "leaflet", "200", None, None, None, "tờ gấp"])
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    rows = list(office.read_log_rows_xlsx(path))
    assert rows == [
        {"line": 2, "date": dt.date(2021, 4, 14), "type": "poster", "quantity": 40, "member": "Hùng", "task": 3,
         "place": "xã Gia Vân", "note": None},
        {"line": 4, "date": "15/4/2021", "type": "leaflet", "quantity": "200", "member": None, "task": None,
         "place": None, "note": "tờ gấp"},
    ]
    sheet.cell(row=1, column=7, value="Ghi chu them")
    workbook.save(path)
    from campaign_cli.errors import Invalid

    with pytest.raises(Invalid, match="unknown column"):
        list(office.read_log_rows_xlsx(path))
    (tmp_path / "not.xlsx").write_text("date,type\n")
    with pytest.raises(Invalid, match="not an Excel workbook"):
        list(office.read_log_rows_xlsx(tmp_path / "not.xlsx"))


# -- calendars: ics ---------------------------------------------------------------------------
def export_ics(tmp_path: Path, name: str, **kwargs) -> icalendar.Calendar:
    from campaign_cli.services.interchange import calendar_data

    ctx = context(dt.date(2021, 4, 15))
    try:
        path = tmp_path / name
        office.write_ics(calendar_data(ctx), path, **kwargs)
    finally:
        ctx.db.close()
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_ics_has_phases_election_day_and_due_dates(sample, tmp_path: Path):
    calendar = export_ics(tmp_path, "a.ics")
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    slug = sample.json("config")["uid"]  # the campaign's stored random id (test_campaign_settings.py)
    phase1 = events[f"phase-1@{slug}"]
    assert phase1.decoded("DTSTART") == dt.date(2021, 2, 1)
    assert phase1.decoded("DTEND") == dt.date(2021, 5, 1)  # exclusive: 30/4 is the last day
    assert events[f"phase-3@{slug}"].decoded("DTSTART") == dt.date(2021, 5, 24)
    election = events[f"election@{slug}"]
    assert election.decoded("DTSTART") == dt.date(2021, 5, 23)
    assert str(election["SUMMARY"]) == "Ngày bầu cử"
    tasks = sample.json("--as-of", AS_OF, "task", "list")
    due = {task["id"]: task for task in tasks if task["due"]}
    task_events = {uid: event for uid, event in events.items() if uid.startswith("task-")}
    assert set(task_events) == {f"task-{task_id}@{slug}" for task_id in due}
    for task_id, task in due.items():
        event = task_events[f"task-{task_id}@{slug}"]
        assert event.decoded("DTSTART") == dt.date.fromisoformat(task["due"])
        assert task["title"] in str(event["SUMMARY"])
        if task["status"] == "cancelled":
            assert str(event["STATUS"]) == "CANCELLED"


def test_ics_uids_are_stable_and_todos_carry_due(sample, tmp_path: Path):
    first = export_ics(tmp_path, "a.ics")
    sample("--as-of", AS_OF, "task", "edit", "3", "--title", "Tiêu đề mới", ok=True)
    second = export_ics(tmp_path, "b.ics")
    uids = [str(component["UID"]) for component in first.walk("VEVENT")]
    assert uids == [str(component["UID"]) for component in second.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    todos = export_ics(tmp_path, "c.ics", tasks_as="todo").walk("VTODO")
    tasks = sample.json("--as-of", AS_OF, "task", "list")
    assert len(todos) == len(tasks)
    by_uid = {str(todo["UID"]): todo for todo in todos}
    done = next(task for task in tasks if task["status"] == "done" and task["due"])
    todo = next(todo for uid, todo in by_uid.items() if uid.startswith(f"task-{done['id']}@"))
    assert todo.decoded("DUE") == dt.date.fromisoformat(done["due"])
    assert str(todo["STATUS"]) == "COMPLETED"


# -- Taskwarrior ----------------------------------------------------------------------------------
def taskwarrior_export(today: dt.date = dt.date(2021, 4, 15)) -> list[dict]:
    from campaign_cli.services.interchange import taskwarrior_data

    ctx = context(today)
    try:
        return office.taskwarrior_tasks(taskwarrior_data(ctx))
    finally:
        ctx.db.close()


def taskwarrior_import(items: list[dict], today: dt.date = dt.date(2021, 4, 15), *, dry_run: bool = False):
    from campaign_cli.services.interchange import import_taskwarrior

    ctx = context(today)
    try:
        return import_taskwarrior(ctx, office.read_taskwarrior(items), dry_run=dry_run)
    finally:
        ctx.db.close()


def test_taskwarrior_format(sample):
    items = taskwarrior_export()
    tasks = {task["id"]: task for task in sample.json("--as-of", AS_OF, "task", "list")}
    assert len(items) == len(tasks)
    assert len({item["uuid"] for item in items}) == len(items)
    assert items == taskwarrior_export()  # the same UUIDs every time
    by_status = {}
    for item, task in zip(items, sorted(tasks.values(), key=lambda task: task["id"]), strict=True):
        assert item["description"] == task["title"]
        assert item["project"] == f"giavien2021.dot{task['phase']}"
        by_status.setdefault(task["status"], item)
        for tag in item.get("tags", []):
            assert tag.isascii() and " " not in tag and "," not in tag
        stamps = [note["entry"] for note in item.get("annotations", [])]
        assert len(stamps) == len(set(stamps))  # Taskwarrior keys annotations by time
    assert by_status["done"]["status"] == "completed" and "end" in by_status["done"]
    assert by_status["cancelled"]["status"] == "deleted"
    assert by_status["doing"]["status"] == "pending" and "start" in by_status["doing"]
    assert "blocked" in by_status["blocked"]["tags"]
    first = next(item for item in items if item["description"].startswith("Hội nghị thông tin"))
    assert first["tags"][:2] == ["muc_dich_y_nghia", "boi_canh_cuoc_bau_cu"]
    # a round trip of the format itself changes nothing
    result = taskwarrior_import(items)
    assert result.ok and not result.created and not result.updated
    assert len(result.unchanged) == len(items)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("task") is None, reason="Taskwarrior (task) is not installed")
def test_taskwarrior_round_trip_through_the_real_binary(sample, tmp_path: Path):
    data = tmp_path / "taskdata"
    data.mkdir()
    rc = tmp_path / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}

    def task(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(["task", *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    items = taskwarrior_export()
    exported = tmp_path / "campaign.json"
    exported.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
    task("import", str(exported))
    back = json.loads(task("export"))
    assert sorted(item["uuid"] for item in back) == sorted(item["uuid"] for item in items)
    # unchanged in Taskwarrior: unchanged here
    result = taskwarrior_import(back)
    assert result.ok and not result.created and not result.updated, result
    # importing the campaign's export again updates instead of duplicating
    task("import", str(exported))
    assert len(json.loads(task("export"))) == len(items)

    tasks = sample.json("--as-of", AS_OF, "task", "list")
    todo = next(t for t in tasks if t["status"] == "todo" and t["phase"] == 1 and t["due"])
    uuid_of = {item["description"]: item["uuid"] for item in items}
    target = uuid_of[todo["title"]]
    task(target, "modify", "due:2021-04-28", "+phan_bac_thong_tin_sai_trai")
    task(target, "done")
    task("add", "Rà soát pano hỏng sau mưa", "project:giavien2021.dot2", "due:2021-05-10", "+thi_dua_bieu_duong")
    task("add", "Việc riêng", "project:nha")
    result = taskwarrior_import(json.loads(task("export")))
    assert result.ok, result.problems
    assert result.updated == [todo["id"]] and len(result.created) == 1 and result.skipped == 1
    # done in Taskwarrior today: done as of today, not yet as of 15/4/2021 (issue 12)
    changed = sample.json("task", "show", str(todo["id"]))
    assert changed["status"] == "done" and changed["due"] == "2021-04-28"
    assert sample.json("--as-of", AS_OF, "task", "show", str(todo["id"]))["status"] != "done"
    assert "phan bac thong tin sai trai" in changed["themes"] or "phản bác thông tin sai trái" in changed["themes"]
    created = sample.json("--as-of", AS_OF, "task", "show", str(result.created[0]))
    assert created["phase"] == 2 and created["due"] == "2021-05-10" and created["title"] == "Rà soát pano hỏng sau mưa"
    assert created["themes"] == ["thi đua, biểu dương"]


def test_taskwarrior_problems_write_nothing(sample):
    items = taskwarrior_export()
    items[0]["due"] = "20211231T000000Z"  # outside phase 1
    items.append({"uuid": "00000000-0000-0000-0000-000000000001", "description": "Không có đợt",
                  "project": "giavien2021", "status": "pending"})
    result = taskwarrior_import(items)
    assert not result.ok and len(result.problems) == 2
    assert "falls outside phase 1" in result.problems[0]
    assert "names no phase" in result.problems[1]
    again = taskwarrior_import(taskwarrior_export())
    assert not again.updated and not again.created  # nothing of the failed import stayed
