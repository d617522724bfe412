"""Office formats: official reports (DOCX, PDF), spreadsheets (XLSX), calendars (ICS), Taskwarrior JSON.

Writers in this module lay out plain data that a service computed; they
compute no figure. Readers turn a file back into plain dicts for a service to
check and write. The heavy libraries (python-docx, openpyxl, icalendar) are
imported inside the functions that need them, so importing this module costs
nothing at start-up; they come with the ``office`` extra
(``pip install campaign-cli[office]``), and a missing one is a one-line error.

- :func:`write_report_docx` / :func:`write_report_pdf`: a report in the
  layout of Decree 30/2020/NĐ-CP (A4, Times New Roman, issuing body top left,
  national title and motto top right, number, place and date, BÁO CÁO and its
  summary, sections I-IV, signature block, "Nơi nhận"). The data comes from
  ``services.documents.report_document``, the header from
  ``services.documents.document_header``. PDF goes through LibreOffice.
- :func:`write_view_xlsx`: any :class:`~campaign_cli.cli.render.View` as a
  workbook, one sheet per section, typed cells. :func:`read_log_rows_xlsx`
  reads a log sheet back (the layout ``log list --format xlsx`` writes, or one
  with the CSV import header) for ``log import``.
- :func:`write_ics`: phases, election day and task due dates as iCalendar.
- :func:`taskwarrior_tasks` / :func:`write_taskwarrior` /
  :func:`read_taskwarrior`: Taskwarrior's JSON import and export format.
"""


import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from campaign_cli.errors import Invalid
from campaign_cli.i18n import _

# -- shared ------------------------------------------------------------------------------
_EXTRA = "office"


def _require(module: str, package: str):
    """Import an optional library, or fail with one line saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise Invalid(
            _("this format needs the Python package {package}: "
              "install it with  pip install 'campaign-cli[{extra}]'").format(package=package, extra=_EXTRA)
        ) from None


def _write_binary(path: Path | str, write: Callable[[IO[bytes]], None]) -> None:
    """Private, atomic, never over the database (campaign_cli.files)."""
    from campaign_cli.files import write_file

    write_file(path, write, binary=True)


def _short_date(day: dt.date | None) -> str:
    """23/5/2021: the way Vietnamese documents write a date in running text."""
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def _short_span(start: dt.date, end: dt.date | None) -> str:
    """19/4–25/4/2021; 28/12/2020–3/1/2021; 'từ 24/5/2021' without an end."""
    if end is None:
        return f"từ {_short_date(start)}"
    if start.year == end.year:
        return f"{start.day}/{start.month}–{_short_date(end)}"
    return f"{_short_date(start)}–{_short_date(end)}"


def _num(value: Any) -> str:
    from campaign_cli.formatting import format_number

    return format_number(value, "vi")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{_num(round(value * 100))}%"


# -- official report: DOCX -----------------------------------------------------------------
FONT = "Times New Roman"
#: Decree 30/2020/NĐ-CP, Appendix I: sizes in points.
BODY_PT = 14
HEADER_PT = 12  # parent body, issuing body, national title (12-13)
MOTTO_PT = 13  # motto (13-14), a size above the national title
NUMBER_PT = 13
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
TABLE_PT = 13
#: A4 and the margins of the decree (top and bottom 20-25 mm, left 30-35, right 15-20).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
#: The header table: issuing body on the left, national title and motto on the
#: right. As in the usual templates it reaches a little into the margins (the
#: text area is 16.5 cm), so "ỦY BAN BẦU CỬ HUYỆN GIA VIỄN" and the national
#: title each fit on one line.
LEFT_COLUMN_CM = 7.6
RIGHT_COLUMN_CM = 9.9
HEADER_INDENT_CM = -0.6
TEXT_WIDTH_CM = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
#: The rule under the motto is as long as the motto (bold 13 pt Times); the one
#: under the issuing body and the summary a third to a half of their line.
MOTTO_RULE_CM = 5.6
BODY_RULE_CM = 2.6
SUMMARY_RULE_CM = 4.0
FIRST_LINE_INDENT_CM = 1.27

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = "BÁO CÁO"
RECIPIENTS_TITLE = "Nơi nhận:"
PROPOSALS_PLACEHOLDER = (
    "(Thư ký Tiểu ban ghi các đề xuất, kiến nghị với cấp trên tại đây trước khi trình ký; "
    "nếu không có đề xuất, xóa đoạn này.)"
)
STATE_WORDS = {
    "on_track": "đúng tiến độ",
    "behind": "chậm so với tiến độ",
    "complete": "đã hoàn thành",
    "upcoming": "chưa bắt đầu",
    "no_tasks": "chưa có nhiệm vụ",
}
STATUS_WORDS = {
    "todo": "chưa triển khai",
    "doing": "đang thực hiện",
    "done": "đã hoàn thành",
    "blocked": "đang vướng mắc",
    "cancelled": "đã hủy",
}


def report_summary(data: dict[str, Any]) -> str:
    """The summary line (trích yếu) under BÁO CÁO."""
    period = data["period"]
    if data["kind"] == "weekly":
        return "Kết quả công tác thông tin, tuyên truyền tuần {n} ({span})".format(
            n=period["week_number"], span=_short_span(period["start"], period["end"])
        )
    if data["kind"] == "phase":
        phase = period["phase"]
        return "Kết quả công tác thông tin, tuyên truyền đợt {n} ({span})".format(
            n=phase["number"], span=_short_span(phase["start"], phase["end"])
        )
    name = data["campaign"]["name"]
    return "Tổng kết công tác thông tin, tuyên truyền cuộc " + (name[:1].lower() + name[1:] if name else "bầu cử")


def write_report_docx(data: dict[str, Any], header: dict[str, Any], path: Path | str) -> None:
    """An official report (Decree 30/2020/NĐ-CP) of ``data`` (services.documents.report_document).

    ``header`` is services.documents.document_header: parent and issuing
    body, number, place and date, signer, recipients, optional summary and
    proposals. The file is written atomically.
    """
    document = build_report_docx(data, header)
    _write_binary(path, document.save)


def build_report_docx(data: dict[str, Any], header: dict[str, Any]):
    """The python-docx Document of :func:`write_report_docx` (not saved)."""
    _require("docx", "python-docx")
    from docx import Document

    doc = Document()
    _page_setup(doc)
    _base_style(doc)
    _page_numbers(doc)
    _header_block(doc, header)
    summary = header.get("summary") or report_summary(data)
    _title_block(doc, summary)
    _body(doc, data, header, summary)
    _signature_block(doc, header)
    props = doc.core_properties
    props.title = f"{DOCUMENT_TYPE}: {summary}"
    props.author = header.get("issuing_body") or ""
    props.language = "vi-VN"
    return doc


# low-level helpers (python-docx has no API for borders, cell margins or fields)
def _qn(tag: str):
    from docx.oxml.ns import qn

    return qn(tag)


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(_qn(name), value)
    return element


#: Schema order of the property elements this module adds to (ECMA-376 part 1, 17.3 and 17.4).
_SCHEMA_ORDER = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
}


def _insert(parent, child) -> None:
    """Put ``child`` where the OOXML schema wants it among ``parent``'s children (replacing its kind).

    Word refuses a file whose property elements are out of schema order
    (LibreOffice does not mind). Row properties (trPr) are a free choice.
    """
    local = child.tag.split("}")[-1]
    existing = parent.find(child.tag)
    if existing is not None:
        parent.remove(existing)
    order = _SCHEMA_ORDER.get(parent.tag.split("}")[-1])
    if order and local in order:
        later = {f"{{{parent.nsmap['w']}}}{name}" for name in order[order.index(local) + 1 :]}
        for index, sibling in enumerate(parent):
            if sibling.tag in later:
                parent.insert(index, child)
                return
    parent.append(child)


def _fonts(style_or_run_element, name: str = FONT) -> None:
    """Set every script's font (ASCII, Latin, complex, East Asian) so no part falls back."""
    rpr = style_or_run_element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = _element("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(_qn(attribute), name)


def _page_setup(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _base_style(doc) -> None:
    from docx.shared import Pt

    for name in ("Normal", "Table Grid", "Header"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        _fonts(style.element)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(6)
    normal.line_spacing = 1.15
    # Vietnamese text for the spelling checker
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    _insert(rpr, _element("w:lang", **{"w:val": "vi-VN", "w:eastAsia": "vi-VN", "w:bidi": "ar-SA"}))


def _page_numbers(doc) -> None:
    """Page numbers from page 2, centred at the top (Decree 30, Appendix I)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
    instruction = _element("w:instrText", **{"xml:space": "preserve"})
    instruction.text = " PAGE "
    run._r.append(instruction)
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
    number = paragraph.add_run("2")
    number.font.size = Pt(BODY_PT)
    end = paragraph.add_run()
    end._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def _paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    before: float = 0,
    after: float | None = None,
    keep_with_next: bool = False,
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Cm(FIRST_LINE_INDENT_CM)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None):
    from docx.shared import Pt

    from campaign_cli.cli.render import printable

    run = paragraph.add_run(printable(text))
    run.bold = bold or None
    run.italic = italic or None
    run.font.size = Pt(size or BODY_PT)
    return run


def _rule(container, length_cm: float, width_cm: float) -> None:
    """A centred horizontal line ``length_cm`` long: an empty paragraph's bottom border."""
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    margin = max(0.0, (width_cm - length_cm) / 2)
    fmt.left_indent = Cm(margin)
    fmt.right_indent = Cm(margin)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", **{"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}))
    _insert(paragraph._p.get_or_add_pPr(), borders)
    paragraph.add_run().font.size = Pt(2)


def _layout_table(doc, widths_cm: list[float], rows: int = 1, indent_cm: float = 0.0):
    """A borderless table of fixed column widths without cell padding (header, signature)."""
    from docx.shared import Cm

    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.autofit = False  # w:tblLayout fixed
    properties = table._tbl.tblPr
    if indent_cm:
        _insert(properties, _element("w:tblInd", **{"w:w": str(round(indent_cm / 2.54 * 1440)), "w:type": "dxa"}))
    margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", **{"w:w": "0", "w:type": "dxa"}))
    _insert(properties, margins)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return table


def _clear(cell) -> None:
    """A new cell holds one empty paragraph; drop it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)


def _header_block(doc, header: dict[str, Any]) -> None:
    from campaign_cli.services.dates import format_date_long

    table = _layout_table(doc, [LEFT_COLUMN_CM, RIGHT_COLUMN_CM], rows=2, indent_cm=HEADER_INDENT_CM)
    left, right = table.rows[0].cells
    _clear(left)
    _clear(right)
    if header.get("parent_body"):
        _paragraph(left, header["parent_body"].upper(), size=HEADER_PT, align="center", after=0)
    for line in issuing_body_lines(header["issuing_body"]):
        _paragraph(left, line, bold=True, size=HEADER_PT, align="center", after=0)
    _rule(left, BODY_RULE_CM, LEFT_COLUMN_CM)
    _paragraph(right, NATIONAL_TITLE, bold=True, size=HEADER_PT, align="center", after=0)
    _paragraph(right, MOTTO, bold=True, size=MOTTO_PT, align="center", after=0)
    _rule(right, MOTTO_RULE_CM, RIGHT_COLUMN_CM)
    number_cell, date_cell = table.rows[1].cells
    _clear(number_cell)
    _clear(date_cell)
    _paragraph(number_cell, f"Số: {header['number']}", size=NUMBER_PT, align="center", before=6, after=0)
    place = header.get("place") or ""
    when = format_date_long(header["date"], "vi")
    line = f"{place}, {when}" if place else when[:1].upper() + when[1:]
    _paragraph(date_cell, line, italic=True, size=BODY_PT, align="center", before=6, after=0)


def issuing_body_lines(text: str) -> list[str]:
    """The issuing body in capitals, on two lines after its comma when it is long.

    "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN" is too wide for the column at 12 pt;
    breaking after the comma reads better than wherever the line runs out.
    A line break the user wrote is kept.
    """
    text = text.upper()
    if "\n" in text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if len(text) > 26 and ", " in text:
        head, tail = text.split(", ", 1)
        return [head + ",", tail]
    return [text]


def _title_block(doc, summary: str) -> None:
    _paragraph(doc, DOCUMENT_TYPE, bold=True, size=BODY_PT, align="center", before=18, after=0)
    _paragraph(doc, summary, bold=True, size=BODY_PT, align="center", after=0)
    _rule(doc, SUMMARY_RULE_CM, TEXT_WIDTH_CM)
    _paragraph(doc, "", after=6)


def _heading(doc, text: str) -> None:
    _paragraph(doc, text, bold=True, indent=True, before=6, keep_with_next=True)


def _text(doc, text: str, **kwargs) -> None:
    _paragraph(doc, text, indent=True, **kwargs)


def _bullets(doc, items: list[str]) -> None:
    """A list: "- item;" each, the last closed with a full stop."""
    for index, text in enumerate(items):
        end = "." if index == len(items) - 1 else ";"
        _paragraph(doc, f"- {text}{end}", indent=True, after=3)


def _table(doc, headers: list[str], rows: list[list[str]], widths_cm: list[float], numeric: set[int]) -> None:
    """A data table with a bold header row, ruled cells, numbers right-aligned."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
    # the header row repeats on every page the table runs onto; no row breaks across pages
    for row in table.rows:
        _insert(row._tr.get_or_add_trPr(), _element("w:cantSplit", **{"w:val": "true"}))
    _insert(table.rows[0]._tr.get_or_add_trPr(), _element("w:tblHeader", **{"w:val": "true"}))
    for row_index, values in enumerate([headers, *rows]):
        for column, value in enumerate(values):
            cell = table.rows[row_index].cells[column]
            cell.width = Cm(widths_cm[column])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(2)
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.paragraph_format.line_spacing = 1.0
            if row_index == 0:
                align = "center"
            elif column in numeric:
                align = "right"
            else:
                align = "left"
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                                   "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
            _run(paragraph, str(value), bold=row_index == 0, size=TABLE_PT)
    _paragraph(doc, "", after=0)


def _who(task: dict[str, Any]) -> str:
    return f"chủ trì: {task['lead']}" if task.get("lead") else "chưa phân công chủ trì"


def _period_words(data: dict[str, Any]) -> str:
    period = data["period"]
    if data["kind"] == "weekly":
        return f"Trong tuần (từ {_short_date(period['start'])} đến {_short_date(period['end'])})"
    if data["kind"] == "phase":
        phase = period["phase"]
        if phase["end"] is None:
            return f"Trong {phase['name']} (từ {_short_date(phase['start'])} đến ngày {_short_date(data['as_of'])})"
        return f"Trong {phase['name']} (từ {_short_date(phase['start'])} đến {_short_date(phase['end'])})"
    return f"Từ khi triển khai ({_short_date(period['start'])}) đến ngày {_short_date(data['as_of'])}"


def _body(doc, data: dict[str, Any], header: dict[str, Any], summary: str) -> None:
    as_of = data["as_of"]
    election = data["campaign"]["election_day"]
    days = data["days_to_election"]
    tasks = data["tasks"]

    # I. general situation: countdown, current phase, tasks
    _heading(doc, "I. TÌNH HÌNH CHUNG")
    if days > 0:
        _text(doc, f"Tính đến ngày {_short_date(as_of)}, còn {_num(days)} ngày nữa đến ngày bầu cử "
                   f"({_short_date(election)}).")
    elif days == 0:
        _text(doc, f"Ngày {_short_date(as_of)} là ngày bầu cử.")
    else:
        _text(doc, f"Cuộc bầu cử đã diễn ra ngày {_short_date(election)} ({_num(-days)} ngày trước ngày "
                   f"{_short_date(as_of)}).")
    current = data["current_phase"]
    if current:
        _text(doc, f"Công tác thông tin, tuyên truyền đang triển khai {current['name']} "
                   f"({_short_span(current['start'], current['end'])}).")
    else:
        _text(doc, f"Ngày {_short_date(as_of)} không thuộc đợt tuyên truyền nào.")
    if data["kind"] == "phase":
        phase = data["phases"][0]
        elapsed = "" if phase["time_elapsed"] is None else f", thời gian đã qua {_pct(phase['time_elapsed'])}"
        _text(doc, f"Tiến độ {phase['name']}: khối lượng công việc đạt {_pct(phase['progress'])}{elapsed}; "
                   f"đánh giá: {STATE_WORDS.get(phase['state'], phase['state'])}.")
    scope = "của đợt" if data["kind"] == "phase" else "của Tiểu ban"
    _text(doc, f"Tổng số nhiệm vụ {scope}: {_num(tasks['total'])}; đã hoàn thành: {_num(tasks['done'])}; "
               f"quá hạn: {_num(tasks['overdue'])}.")
    if data["kind"] == "final" and data["phases"]:
        _phases_table(doc, data["phases"])

    # II. results: activity totals, targets, tasks completed
    _heading(doc, "II. KẾT QUẢ THỰC HIỆN")
    _heading(doc, "1. Hoạt động thông tin, tuyên truyền")
    if data["activity"]:
        _text(doc, f"{_period_words(data)}, đã ghi nhận {_num(data['activity_entries'])} lượt hoạt động "
                   "thông tin, tuyên truyền, cụ thể:", keep_with_next=True)
        _activity_table(doc, data["activity"])
    else:
        _text(doc, f"{_period_words(data)}, chưa ghi nhận hoạt động thông tin, tuyên truyền nào.")
    if data["targets"]:
        _text(doc, "Kết quả so với chỉ tiêu của các nhiệm vụ trong đợt:", keep_with_next=True)
        _targets_table(doc, data["targets"])
    _heading(doc, "2. Kết quả thực hiện nhiệm vụ")
    completed = data["completed"]
    if completed:
        _text(doc, f"{_period_words(data)}, đã hoàn thành {_num(len(completed))} nhiệm vụ:", keep_with_next=True)
        _bullets(doc, [f"{task['title']} ({_who(task)}; hoàn thành ngày {_short_date(task['completed_on'])})"
                       for task in completed])
    else:
        _text(doc, f"{_period_words(data)}, chưa có nhiệm vụ nào được hoàn thành.")

    # III. overdue and coming tasks
    _heading(doc, "III. NHIỆM VỤ QUÁ HẠN VÀ NHIỆM VỤ TUẦN TỚI")
    overdue = data["overdue"]
    _heading(doc, f"1. Nhiệm vụ quá hạn ({_num(len(overdue))})")
    if overdue:
        _bullets(doc, [f"{task['title']} ({_who(task)}; hạn {_short_date(task['due'])}, "
                       f"quá hạn {_num(task['days_late'])} ngày)" for task in overdue])
    else:
        _text(doc, "Không có nhiệm vụ quá hạn.")
    first, last = data["upcoming_span"]
    upcoming = data["upcoming"]
    _heading(doc, f"2. Nhiệm vụ đến hạn tuần tới (từ {_short_date(first)} đến {_short_date(last)})")
    if upcoming:
        _bullets(doc, [
            f"{task['title']} ({_who(task)}; hạn {_short_date(task['due'])}"
            + (f"; {STATUS_WORDS[task['status']]}" if task.get("status") in STATUS_WORDS else "") + ")"
            for task in upcoming
        ])
    else:
        _text(doc, "Không có nhiệm vụ đến hạn.")

    # IV. proposals: the secretary's words
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    if header.get("proposals"):
        for text in header["proposals"]:
            _text(doc, text)
    else:
        paragraph = _paragraph(doc, indent=True)
        run = _run(paragraph, PROPOSALS_PLACEHOLDER, italic=True)
        from docx.enum.text import WD_COLOR_INDEX

        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    closing = summary[:1].lower() + summary[1:]
    body = header["issuing_body"]
    _text(doc, f"Trên đây là báo cáo {closing} của {body[:1].upper() + body[1:].lower()}./.", before=6)


def _activity_table(doc, rows: list[dict[str, Any]]) -> None:
    _table(
        doc,
        ["TT", "Hình thức hoạt động", "Đơn vị tính", "Số lượng", "Số lượt ghi nhận"],
        [
            [str(index), row["label"], row["unit"], _num(row["quantity"]), _num(row["entries"])]
            for index, row in enumerate(rows, 1)
        ],
        [1.2, 6.6, 3.0, 2.6, 3.0],
        numeric={0, 3, 4},
    )


def _targets_table(doc, rows: list[dict[str, Any]]) -> None:
    _table(
        doc,
        ["TT", "Hình thức", "Đơn vị tính", "Chỉ tiêu", "Đã thực hiện", "Tỷ lệ"],
        [
            [str(index), row["label"], row["unit"], _num(row["target"]), _num(row["logged"]), _pct(row["progress"])]
            for index, row in enumerate(rows, 1)
        ],
        [1.2, 5.6, 2.8, 2.4, 2.6, 1.8],
        numeric={0, 3, 4, 5},
    )


def _phases_table(doc, phases: list[dict[str, Any]]) -> None:
    _table(
        doc,
        ["Đợt", "Thời gian", "Số nhiệm vụ", "Hoàn thành", "Quá hạn", "Tiến độ"],
        [
            [str(phase["number"]), _short_span(phase["start"], phase["end"]), _num(phase["tasks"]["total"]),
             _num(phase["tasks"]["done"]), _num(phase["tasks"]["overdue"]), _pct(phase["progress"])]
            for phase in phases
        ],
        [1.4, 5.0, 2.6, 2.6, 2.2, 2.6],
        numeric={0, 2, 3, 4, 5},
    )


def _signature_block(doc, header: dict[str, Any]) -> None:
    from docx.shared import Pt

    table = _layout_table(doc, [LEFT_COLUMN_CM + 0.5, RIGHT_COLUMN_CM - 0.5])
    left, right = table.rows[0].cells
    _clear(left)
    _clear(right)
    _paragraph(left, RECIPIENTS_TITLE, bold=True, italic=True, size=RECIPIENTS_TITLE_PT, align="left", before=6,
               after=0)
    recipients = header["recipients"]
    for index, line in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        paragraph = _paragraph(left, f"- {line}{end}", size=RECIPIENTS_PT, align="left", after=0)
        paragraph.paragraph_format.line_spacing = 1.0
    _paragraph(right, header["signer_title"], bold=True, size=BODY_PT, align="center", before=6, after=0)
    for _line in range(4):  # room for the signature and the seal
        _paragraph(right, "", after=0).paragraph_format.space_after = Pt(6)
    if header.get("signer"):
        _paragraph(right, header["signer"], bold=True, size=BODY_PT, align="center", after=0)


# -- official report: PDF through LibreOffice -----------------------------------------------
def find_office() -> str | None:
    """The LibreOffice program on PATH (soffice or libreoffice), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_report_pdf(data: dict[str, Any], header: dict[str, Any], path: Path | str, *, timeout: int = 180) -> None:
    """The report as PDF: the DOCX converted by LibreOffice, headless."""
    office = find_office()
    if office is None:
        raise Invalid(
            _("--format pdf needs LibreOffice (soffice or libreoffice on PATH); install it, or use --format docx")
        )
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="campaign-pdf-") as folder:
        source = Path(folder) / (path.stem + ".docx")
        write_report_docx(data, header, source)
        convert_to_pdf(source, Path(folder), office=office, timeout=timeout)
        produced = Path(folder) / (path.stem + ".pdf")
        _write_binary(path, lambda stream: stream.write(produced.read_bytes()))


def convert_to_pdf(source: Path, folder: Path, *, office: str | None = None, timeout: int = 180) -> Path:
    """``source`` (DOCX) -> ``folder/<stem>.pdf`` with LibreOffice, in a private profile."""
    office = office or find_office()
    if office is None:
        raise Invalid(_("converting to PDF needs LibreOffice (soffice or libreoffice on PATH)"))
    profile = Path(folder) / "lo-profile"
    command = [
        office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
        "--convert-to", "pdf", "--outdir", str(folder), str(source),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise Invalid(_("LibreOffice did not convert {file} to PDF within {n} seconds").format(
            file=source.name, n=timeout)) from None
    produced = Path(folder) / (source.stem + ".pdf")
    if completed.returncode != 0 or not produced.exists():
        reason = (completed.stderr or completed.stdout or "").strip().splitlines()
        raise Invalid(_("LibreOffice could not convert {file} to PDF: {reason}").format(
            file=source.name, reason=reason[-1] if reason else f"exit {completed.returncode}"))
    return produced


# -- spreadsheets: XLSX ----------------------------------------------------------------------
#: Column headings in Vietnamese for a workbook written in Vietnamese when the
#: message catalog does not translate them (yet): the English msgid -> Vietnamese.
#: Keys are (column key, heading) first, then the heading alone.
VI_HEADINGS = {
    ("unit", "Unit"): "Đơn vị tính",
    ("name", "Unit"): "Đơn vị",
    ("number", "No."): "Đợt",
    ("phase", "No."): "Đợt",
    "ID": "Mã",
    "No.": "Số",
    "Date": "Ngày",
    "Type": "Mã loại",
    "Activity": "Hình thức hoạt động",
    "Qty": "Số lượng",
    "Quantity": "Số lượng",
    "Unit": "Đơn vị tính",
    "By": "Người/đơn vị thực hiện",
    "Task": "Nhiệm vụ",
    "Place": "Địa điểm",
    "Note": "Ghi chú",
    "Phase": "Đợt",
    "Lead": "Chủ trì",
    "Support": "Phối hợp",
    "Due": "Hạn",
    "Status": "Trạng thái",
    "Progress": "Tiến độ",
    "Overdue": "Quá hạn",
    "Late": "Quá hạn",
    "Days late": "Số ngày quá hạn",
    "In days": "Còn (ngày)",
    "Entries": "Số lượt",
    "Member": "Thành viên",
    "Name": "Tên",
    "Role": "Vai trò",
    "Title": "Chức vụ",
    "Completed": "Ngày hoàn thành",
    "Target": "Chỉ tiêu",
    "Logged": "Đã thực hiện",
    "On tasks": "Trên nhiệm vụ",
    "Start": "Bắt đầu",
    "End": "Kết thúc",
    "Tasks": "Số nhiệm vụ",
    "Done": "Đã xong",
    "Open": "Đang mở",
    "Total": "Tổng",
    "Time": "Thời gian",
    "Work": "Khối lượng",
    "State": "Đánh giá",
    "Phone": "Điện thoại",
    "Email": "Thư điện tử",
    "Short": "Viết tắt",
    "Themes": "Nội dung",
}
NOTES_SHEET = {"vi": "Ghi chú", "en": "Notes"}
DATE_FORMAT = "dd/mm/yyyy"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_NUMERIC_KINDS = ("int", "number", "id")


def xlsx_heading(column, lang: str) -> str:
    """The heading a workbook shows: the view's, in Vietnamese when the catalog left it English."""
    header = column.header
    if lang == "vi":
        return VI_HEADINGS.get((column.key, header)) or VI_HEADINGS.get(header) or header
    return header


def _sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", text.replace("/", "-")).split()).strip("'") or "Sheet"
    title = base[:31]
    counter = 2
    while title.lower() in taken:
        suffix = f" ({counter})"
        title = base[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(title.lower())
    return title


def _xlsx_value(value: Any, kind: str) -> tuple[Any, str | None]:
    """(cell value, number format): dates as dates, numbers as numbers, lists joined."""
    from campaign_cli.cli.render import printable

    if value is None:
        return None, None
    if isinstance(value, dt.datetime):  # Excel has no time zones: the wall-clock time
        return value.replace(tzinfo=None), "dd/mm/yyyy hh:mm"
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]), DATE_FORMAT
        except ValueError:
            return printable(value), None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)):
        if kind in ("progress", "percent"):
            return float(value), "0%"
        if kind == "id":
            return value, "0"
        if isinstance(value, float) and value.is_integer():
            return int(value), "#,##0"
        return value, "#,##0" if isinstance(value, int) else "#,##0.##"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = value.get("name") or value.get("title") or json.dumps(value, ensure_ascii=False, default=str)
    return printable(str(value)), None


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10 if number_format == DATE_FORMAT else 16
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        return len(_num(value)) + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def build_view_workbook(view, lang: str | None = None):
    """An openpyxl Workbook of ``view``: a sheet per section (not saved)."""
    _require("openpyxl", "openpyxl")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from campaign_cli import i18n
    from campaign_cli.cli.render import printable

    lang = lang or i18n.current_language()
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    sections = [section for section in view.sections if section.columns] or []
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section.title or section.name, taken))
        widths = []
        for index, column in enumerate(section.columns, 1):
            heading = xlsx_heading(column, lang)
            cell = sheet.cell(row=1, column=index, value=printable(heading))
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="right" if column.kind in _NUMERIC_KINDS else "left")
            widths.append(min(len(heading), 24) + 2)
        for row_number, row in enumerate(section.rows, 2):
            for index, column in enumerate(section.columns, 1):
                value, number_format = _xlsx_value(row.get(column.key), column.kind)
                cell = sheet.cell(row=row_number, column=index)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: "=1+1" or "@x" is never a formula
                    if "\n" in value or len(value) > _MAX_WIDTH:
                        cell.alignment = wrap_top
                if number_format:
                    cell.number_format = number_format
                widths[index - 1] = max(widths[index - 1], _display_width(value, number_format) + 2)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6), _MAX_WIDTH)
        sheet.freeze_panes = "A2"
        if section.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(section.columns))}{len(section.rows) + 1}"
        sheet.sheet_view.zoomScale = 100
    notes = [line for line in (*view.heading, *view.footer) if line]
    if notes or not sections:
        sheet = workbook.create_sheet(_sheet_title(NOTES_SHEET.get(lang, "Notes"), taken))
        for row_number, line in enumerate(notes, 1):
            sheet.cell(row=row_number, column=1, value=printable(line)).data_type = "s"
        if notes:
            sheet.cell(row=1, column=1).font = bold
        sheet.column_dimensions["A"].width = min(max((len(line) for line in notes), default=10) + 2, 120)
    if view.heading:
        workbook.properties.title = view.heading[0]
    workbook.properties.language = "vi-VN" if lang == "vi" else "en"
    return workbook


def write_view_xlsx(view, path: Path | str | IO[bytes], lang: str | None = None) -> None:
    """Any View as a workbook: one sheet per section, typed cells, frozen header row.

    Dates are date cells shown dd/mm/yyyy, quantities numbers, progress a
    percentage; headings in the interface language (Vietnamese when it is
    vi); heading and footer lines on a last sheet. ``path`` may be a binary
    stream (standard output); a file is written atomically.
    """
    workbook = build_view_workbook(view, lang)
    if hasattr(path, "write"):
        workbook.save(path)
    else:
        _write_binary(path, workbook.save)


#: Headings of a log sheet, folded, -> the CSV import column (None: shown only, ignored on import).
LOG_SHEET_HEADINGS: dict[str, str | None] = {
    "id": None, "ma": None, "stt": None, "tt": None,
    "activity": None, "hinh thuc hoat dong": None, "hoat dong": None, "label": None,
    "unit": None, "don vi tinh": None, "dvt": None,
    "ma loai": "type", "loai hoat dong": "type",
    "by": "member", "nguoi/don vi thuc hien": "member", "nguoi thuc hien": "member", "don vi thuc hien": "member",
    "qty": "quantity",
}


def read_log_rows_xlsx(path: Path | str) -> Iterator[dict[str, Any]]:
    """Rows of the first sheet of a workbook as log-import dicts.

    Each dict has the CSV import keys (date, type, quantity, member, task,
    place, note; absent ones are None) and ``line``, the row number for error
    messages. The header is the first non-empty row; it may be the CSV
    header, its Vietnamese names, or the headings ``log list --format xlsx``
    writes (ID, activity label and unit columns are ignored). Date cells come
    back as ``datetime.date``, numbers as numbers, text as text; blank rows
    are skipped. A header without date and type, or with an unknown column,
    is :class:`Invalid`.
    """
    _require("openpyxl", "openpyxl")
    from openpyxl import load_workbook

    from campaign_cli.services.logs import HEADER_NAMES, IMPORT_COLUMNS
    from campaign_cli.services.text import fold

    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise Invalid(_("{file} is not an Excel workbook (.xlsx): {reason}").format(
            file=path.name, reason=str(exc) or type(exc).__name__)) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header: list[Any] | None = None
        header_line = 0
        for line, cells in enumerate(rows, 1):
            if any(cell not in (None, "") for cell in cells):
                header, header_line = list(cells), line
                break
        if header is None:
            raise Invalid(_("{file} is empty: the first row must be the header {columns}").format(
                file=path.name, columns=",".join(IMPORT_COLUMNS)))
        index: dict[str, int] = {}
        unknown = []
        for position, cell in enumerate(header):
            name = fold(str(cell)) if cell is not None else ""
            if not name:
                continue
            if name in HEADER_NAMES:
                key: str | None = HEADER_NAMES[name]
            elif name in LOG_SHEET_HEADINGS:
                key = LOG_SHEET_HEADINGS[name]
            else:
                unknown.append(str(cell).strip())
                continue
            if key is None:
                continue
            if key in index:
                raise Invalid(_("the column {name!r} appears twice in the header of {file}").format(
                    name=key, file=path.name))
            index[key] = position
        if unknown:
            raise Invalid(_("unknown column(s) {names} in the header of {file}; the columns are {columns}").format(
                names=", ".join(repr(name) for name in unknown), file=path.name, columns=",".join(IMPORT_COLUMNS)))
        missing = [name for name in ("date", "type") if name not in index]
        if missing:
            raise Invalid(_("the header of {file} has no {names} column; the columns are {columns}").format(
                names=" or ".join(repr(name) for name in missing), file=path.name, columns=",".join(IMPORT_COLUMNS)))
        for line, cells in enumerate(rows, header_line + 1):
            if not any(cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            entry: dict[str, Any] = {"line": line}
            for key in IMPORT_COLUMNS:
                position = index.get(key)
                value = cells[position] if position is not None and position < len(cells) else None
                if isinstance(value, dt.datetime):
                    value = value.date()
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                if key in ("member", "place", "note", "type") and value is not None and not isinstance(value, str):
                    value = str(value)
                entry[key] = value
            yield entry
    finally:
        workbook.close()


# -- calendars: iCalendar (RFC 5545) -------------------------------------------------------------
_ICS_WORDS = {
    "vi": {
        "calendar": "Lịch tuyên truyền bầu cử: {name}",
        "election": "Ngày bầu cử",
        "open_end": "(chưa có ngày kết thúc)",
        "due": "Hạn: {title}",
        "phase": "Đợt",
        "lead": "Chủ trì",
        "support": "Phối hợp",
        "status": "Trạng thái",
        "target": "Chỉ tiêu",
        "reason": "Lý do",
        "done": " (đã xong)",
        "cancelled": " (đã hủy)",
    },
    "en": {
        "calendar": "Election propaganda calendar: {name}",
        "election": "Election day",
        "open_end": "(no end date yet)",
        "due": "Due: {title}",
        "phase": "Phase",
        "lead": "Lead",
        "support": "Support",
        "status": "Status",
        "target": "Target",
        "reason": "Reason",
        "done": " (done)",
        "cancelled": " (cancelled)",
    },
}
_VTODO_STATUS = {"todo": "NEEDS-ACTION", "doing": "IN-PROCESS", "blocked": "NEEDS-ACTION", "done": "COMPLETED",
                 "cancelled": "CANCELLED"}
_DAY = dt.timedelta(days=1)


def build_calendar(data: dict[str, Any], *, tasks_as: str = "event", lang: str | None = None):
    """The icalendar Calendar of ``data`` (services.interchange.calendar_data).

    Phases and election day are all-day events (a phase spans its days;
    one without an end shows on its first day). Each task with a due date is
    an all-day event on that day (``tasks_as="event"``, what every calendar
    app shows) or a VTODO with DUE (``"todo"``, for task-aware clients; tasks
    without a due date are included too). UIDs are stable across exports.
    """
    _require("icalendar", "icalendar")
    from icalendar import Calendar, Event, Todo

    if tasks_as not in ("event", "todo"):
        raise Invalid(_("tasks go into a calendar as event or todo, not {value!r}").format(value=tasks_as))
    campaign = data["campaign"]
    words = _ICS_WORDS["vi" if (lang or campaign.get("lang") or "vi") == "vi" else "en"]
    stamp = data["stamp"]
    calendar = Calendar()
    calendar.add("prodid", "-//campaign-cli//election propaganda calendar//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words["calendar"].format(name=campaign["name"]))
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")

    def all_day(component, uid: str, summary: str, start: dt.date, end: dt.date | None, description: str = ""):
        component.add("uid", uid)
        component.add("dtstamp", stamp)
        component.add("summary", summary)
        component.add("dtstart", start)
        component.add("dtend", (end or start) + _DAY)  # DTEND of an all-day event is exclusive
        component.add("transp", "TRANSPARENT")
        if description:
            component.add("description", description)
        return component

    for phase in data["phases"]:
        event = all_day(Event(), phase["uid"], phase["name"], phase["start"], phase["end"],
                        "" if phase["end"] else words["open_end"])
        event.add("categories", [words["phase"]])
        calendar.add_component(event)
    election = all_day(Event(), data["election"]["uid"], words["election"], data["election"]["date"], None,
                       campaign["name"])
    calendar.add_component(election)

    for task in data["tasks"]:
        lines = [f"{words['phase']} {task['phase']}: {task['phase_name']}"]
        if task["lead"]:
            lines.append(f"{words['lead']}: {task['lead']}")
        if task["support"]:
            lines.append(f"{words['support']}: {', '.join(task['support'])}")
        if task["target"] is not None:
            lines.append(f"{words['target']}: {_num(task['target'])} {task['unit'] or ''}".rstrip())
        lines.append(f"{words['status']}: {STATUS_WORDS.get(task['status'], task['status'])}")
        if task["reason"]:
            lines.append(f"{words['reason']}: {task['reason']}")
        description = "\n".join(lines)
        if tasks_as == "event":
            if task["due"] is None:
                continue
            suffix = words.get(task["status"], "") if task["status"] in ("done", "cancelled") else ""
            component = all_day(Event(), task["uid"], words["due"].format(title=task["title"]) + suffix,
                                task["due"], None, description)
            if task["status"] == "cancelled":
                component.add("status", "CANCELLED")
        else:
            component = Todo()
            component.add("uid", task["uid"])
            component.add("dtstamp", stamp)
            component.add("summary", task["title"])
            component.add("description", description)
            if task["due"] is not None:
                component.add("due", task["due"])
            component.add("status", _VTODO_STATUS.get(task["status"], "NEEDS-ACTION"))
            if task["status"] == "done" and task["completed_on"]:
                component.add("completed", dt.datetime.combine(task["completed_on"], dt.time(), tzinfo=dt.UTC))
            if task["progress"] is not None:
                component.add("percent-complete", int(round(task["progress"] * 100)))
        if task["themes"]:
            component.add("categories", task["themes"])
        calendar.add_component(component)
    return calendar


def write_ics(data: dict[str, Any], path_or_stream: Path | str | IO[bytes], *, tasks_as: str = "event",
              lang: str | None = None) -> None:
    """The calendar of :func:`build_calendar` as an .ics file (atomically) or to a binary stream."""
    payload = build_calendar(data, tasks_as=tasks_as, lang=lang).to_ical()
    if hasattr(path_or_stream, "write"):
        path_or_stream.write(payload)
    else:
        _write_binary(path_or_stream, lambda stream: stream.write(payload))


# -- Taskwarrior: JSON import and export ---------------------------------------------------------
#: Taskwarrior's tag for a blocked task (its own +BLOCKED is about dependencies).
TW_BLOCKED_TAG = "blocked"
_TW_TIME = "%Y%m%dT%H%M%SZ"


def tw_timestamp(day: dt.date | dt.datetime, seconds: int = 0) -> str:
    """A date as Taskwarrior stores it: local midnight (as ``due:2021-04-25`` gives) in UTC."""
    if isinstance(day, dt.datetime):
        moment = day if day.tzinfo else day.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime(day.year, day.month, day.day).astimezone()  # local midnight
    moment += dt.timedelta(seconds=seconds)
    return moment.astimezone(dt.UTC).strftime(_TW_TIME)


def tw_date(text: str | None) -> dt.date | None:
    """A Taskwarrior timestamp (UTC) as the local calendar day it falls on."""
    if not text:
        return None
    try:
        moment = dt.datetime.strptime(text, _TW_TIME).replace(tzinfo=dt.UTC)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(_("{value!r} is not a Taskwarrior date (like 20210425T170000Z)").format(value=text)) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().date()


def _annotation(log: dict[str, Any]) -> str:
    what = log["unit"] if log["unit"] == log["label"] else f"{log['unit']} {log['label']}"
    text = f"{_short_date(log['date'])}: {_num(log['quantity'])} {what}"
    details = [part for part in (log.get("by"), log.get("place"), log.get("note")) if part]
    return text + (f" ({'; '.join(details)})" if details else "")


def taskwarrior_tasks(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Taskwarrior's JSON import objects for ``data`` (services.interchange.taskwarrior_data).

    project = the phase (``giavien2021.dot1``), tags = the themes folded to
    ASCII with '_' for spaces (and ``blocked`` for a blocked task), due =
    local midnight, status pending / completed (end = completion day) /
    deleted (cancelled); a task in progress is started. Annotations: the
    lead and supporters, a block or cancel reason, and one per log entry.
    """
    result = []
    for task in data["tasks"]:
        created = None
        if task.get("created_at"):
            try:
                created = dt.datetime.fromisoformat(str(task["created_at"]).replace("Z", "+00:00"))
            except ValueError:
                created = None
        entry = tw_timestamp(created) if created else None
        item: dict[str, Any] = {
            "uuid": task["uuid"],
            "description": task["title"],
            "project": task["project"],
            "status": {"done": "completed", "cancelled": "deleted"}.get(task["status"], "pending"),
        }
        if entry:
            item["entry"] = entry
        if task["due"]:
            item["due"] = tw_timestamp(task["due"])
        tags = list(task["tags"])
        if task["status"] == "blocked":
            tags.append(TW_BLOCKED_TAG)
        if tags:
            item["tags"] = tags
        if task["status"] == "doing":
            item["start"] = entry or tw_timestamp(data.get("as_of") or dt.date.today())
        if task["status"] in ("done", "cancelled"):
            item["end"] = tw_timestamp(task["completed_on"]) if task.get("completed_on") else entry
            if item["end"] is None:
                item.pop("end")
        annotations = []
        people = []
        if task.get("lead"):
            people.append(f"Chủ trì: {task['lead']}")
        if task.get("support"):
            people.append(f"Phối hợp: {', '.join(task['support'])}")
        if people and entry:
            annotations.append({"entry": entry, "description": "; ".join(people)})
        if task.get("reason") and entry:
            annotations.append({"entry": tw_timestamp(created, 1), "description": f"Lý do: {task['reason']}"})
        same_day: dict[dt.date, int] = {}
        for log in task["logs"]:
            # Taskwarrior keys annotations by their time: a second apart, none is lost
            offset = same_day[log["date"]] = same_day.get(log["date"], -1) + 1
            annotations.append({"entry": tw_timestamp(log["date"], 8 * 3600 + offset),
                                "description": _annotation(log)})
        if annotations:
            item["annotations"] = annotations
        result.append(item)
    return result


def write_taskwarrior(data: dict[str, Any], path_or_stream: Path | str | IO[str]) -> None:
    """Taskwarrior's import format, one JSON object per line (``task import FILE``)."""
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in taskwarrior_tasks(data))
    if hasattr(path_or_stream, "write"):
        path_or_stream.write(text)
    else:
        _write_binary(path_or_stream, lambda stream: stream.write(text.encode("utf-8")))


def read_taskwarrior(source: Path | str | IO[str] | list | str) -> list[dict[str, Any]]:
    """What ``task export`` prints (a JSON array, or one object per line) as plain task dicts.

    Each: uuid, title, project, phase (number or None), due (date or None),
    status (todo, doing, blocked, done, cancelled), completed_on, tags
    (without ``blocked``), reason (from a "Lý do:" annotation). Recurring
    templates are left out: they are not tasks.
    """
    if isinstance(source, list):
        raw = source
    else:
        if hasattr(source, "read"):
            text = source.read()
        elif isinstance(source, str) and source.lstrip().startswith(("[", "{")):
            text = source
        else:
            try:
                text = Path(source).read_text(encoding="utf-8-sig")
            except OSError as exc:
                reason = exc.strerror or exc
                raise Invalid(_("cannot read {path}: {reason}").format(path=source, reason=reason)) from None
        raw = _parse_tw_json(text)
    from campaign_cli.services.interchange import phase_of_project

    tasks = []
    for item in raw:
        if not isinstance(item, dict) or item.get("status") == "recurring":
            continue
        tags = [str(tag) for tag in item.get("tags") or []]
        status = item.get("status") or "pending"
        if status == "completed":
            mapped = "done"
        elif status == "deleted":
            mapped = "cancelled"
        elif TW_BLOCKED_TAG in tags:
            mapped = "blocked"
        elif item.get("start"):
            mapped = "doing"
        else:
            mapped = "todo"
        reason = ""
        for note in item.get("annotations") or []:
            description = str(note.get("description") or "")
            if description.startswith("Lý do:"):
                reason = description[len("Lý do:"):].strip()
        tasks.append(
            {
                "uuid": str(item.get("uuid") or "").lower(),
                "title": str(item.get("description") or ""),
                "project": item.get("project"),
                "phase": phase_of_project(item.get("project")),
                "due": tw_date(item.get("due")),
                "status": mapped,
                "completed_on": tw_date(item.get("end")) if mapped == "done" else None,
                "tags": [tag for tag in tags if tag != TW_BLOCKED_TAG],
                "reason": reason,
            }
        )
    return tasks


def _parse_tw_json(text: str) -> list[Any]:
    text = text.strip()
    if not text:
        return []
    try:
        parsed = json.loads(text)
        return parsed if isinstance(parsed, list) else [parsed]
    except json.JSONDecodeError:
        pass
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().rstrip(",")
        if not line or line in ("[", "]"):
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            message = _("line {line} is not Taskwarrior JSON: {reason}").format(line=number, reason=exc.msg)
            raise Invalid(message) from None
    return items
