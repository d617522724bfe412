"""The official report as a Word document, in the layout of Decree 30/2020/NĐ-CP.

A4, Times New Roman, issuing body top left, national title and motto top
right, number, place and date, BÁO CÁO and its summary, sections I-IV,
signature block, "Nơi nhận". The content comes from
``services.documents.report_document`` (plain data: it computes nothing
here), the header from ``services.documents.document_header``. The document
is Vietnamese whatever the interface language: statuses and phase states are
asked of ``cli/labels.py`` with ``lang="vi"``, the same words a Vietnamese
terminal shows. python-docx is imported only when a document is written.

The body is a list of section functions (:func:`body_sections`; the parts of
section II in :func:`result_parts`), each ``(outline, data, header)``: it
writes its heading through :class:`Outline`, which numbers I., II. ... and
1., 2. ... as they come, then its text and tables. A new section (coverage by
place, a province's roll-up of its communes) is one more function in the
list, fed by one more key of ``data``; nothing else is renumbered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign_cli.cli.labels import state_label, status_label
from campaign_cli.cli.optional import require
from campaign_cli.cli.render.textfit import printable
from campaign_cli.formatting import format_number

#: Official documents are Vietnamese (Decree 30/2020/NĐ-CP).
LANG = "vi"


def _short_date(day) -> str:
    """23/5/2021: the way Vietnamese documents write a date in running text."""
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def _short_span(start, end) -> str:
    """19/4–25/4/2021; 28/12/2020–3/1/2021; 'từ 24/5/2021' without an end."""
    if end is None:
        return f"từ {_short_date(start)}"
    if start.year == end.year:
        return f"{start.day}/{start.month}–{_short_date(end)}"
    return f"{_short_date(start)}–{_short_date(end)}"


#: U+2060 WORD JOINER: invisible, and no line may break at it (LibreOffice and Word honour it; it does
#: not come out in the PDF's text). After the dash of a span of dates or years: never "23/2–" / "1/3/2026".
WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
_SPAN_DASH = re.compile(r"(?<=\d)([-–])(?=\d)")
#: A word that belongs on the line of the number after it: "khóa XV", "nhiệm kỳ 2021–2026", "tuần 9", "ngày 15/3".
_WORD_BEFORE_NUMBER = re.compile(
    r"(?<!\S)(nhiệm kỳ|khóa|khoá|kỳ|tuần|đợt|ngày|tháng|năm) (?=[\dIVXL]+\b)", re.IGNORECASE
)


def keep_together(text: str) -> str:
    """``text`` with the places a line may not break marked: inside a span, between a word and its number."""
    text = _SPAN_DASH.sub(lambda match: match.group(1) + WORD_JOINER, text)
    return _WORD_BEFORE_NUMBER.sub(lambda match: match.group(1).replace(" ", NO_BREAK_SPACE) + NO_BREAK_SPACE, text)


def _num(value: Any) -> str:
    return format_number(value, LANG)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{_num(round(value * 100))}%"


def _require(module: str, package: str):
    return require(module, package)


def _write_binary(path, write) -> None:
    """Private, atomic, never over the database (campaign_cli.files)."""
    from campaign_cli.files import write_file

    write_file(path, write, binary=True)


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
    return "Tổng kết công tác thông tin, tuyên truyền " + election_words(data["campaign"]["name"])


def election_words(name: str) -> str:
    """'cuộc bầu cử đại biểu Quốc hội khóa XV ...' from a campaign named 'Bầu cử đại biểu ...'.

    A name that does not start with "bầu cử" (say "Gia Vân 2026") is not an
    election's name: the words are then "cuộc bầu cử" alone.
    """
    from campaign_cli.services.text import fold

    text = " ".join((name or "").split())
    if fold(text).startswith("bau cu"):
        return "cuộc " + text[:1].lower() + text[1:]
    return "cuộc bầu cử"


def write_report_docx(
    data: dict[str, Any], header: dict[str, Any], path: Path | str, *, font: str = FONT, draft: bool = True
) -> None:
    """An official report (Decree 30/2020/NĐ-CP) of ``data`` (services.documents.report_document).

    ``header`` is services.documents.document_header: parent and issuing
    body, number, place and date, signer, recipients, optional summary and
    proposals. ``draft``: a document still to be edited, which shows the
    proposals placeholder when there are none (a PDF is not: it leaves
    section IV out). ``font``: Times New Roman, or for a PDF made where it is
    missing, a font of the same widths (render/pdf.py). Written atomically.
    """
    document = build_report_docx(data, header, font=font, draft=draft)
    _write_binary(path, document.save)


def build_report_docx(data: dict[str, Any], header: dict[str, Any], *, font: str = FONT, draft: bool = True):
    """The python-docx Document of :func:`write_report_docx` (not saved)."""
    _require("docx", "python-docx")
    from docx import Document

    doc = Document()
    _page_setup(doc)
    _base_style(doc, font)
    _page_numbers(doc)
    _header_block(doc, header)
    summary = header.get("summary") or report_summary(data)
    _title_block(doc, summary)
    _body(doc, data, header, summary, draft=draft)
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


def _base_style(doc, font: str = FONT) -> None:
    from docx.shared import Pt

    for name in ("Normal", "Table Grid", "Header"):
        style = doc.styles[name]
        style.font.name = font
        style.font.size = Pt(BODY_PT)
        _fonts(style.element, font)
    # the document's defaults too (python-docx's template names theme fonts there: Calibri, Cambria)
    defaults = doc.styles.element.find(_qn("w:docDefaults"))
    run_defaults = defaults.find(_qn("w:rPrDefault")) if defaults is not None else None
    if run_defaults is not None and run_defaults.find(_qn("w:rPr")) is not None:
        fonts = _element("w:rFonts", **{f"w:{script}": font for script in ("ascii", "hAnsi", "cs", "eastAsia")})
        _insert(run_defaults.find(_qn("w:rPr")), fonts)
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

    run = paragraph.add_run(keep_together(printable(text)))
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


def _heading(doc, text: str):
    """A bold heading at the paragraph indent, kept with what follows it."""
    from docx.shared import Cm

    paragraph = _paragraph(doc, text, bold=True, align="left", before=6, keep_with_next=True)
    paragraph.paragraph_format.left_indent = Cm(FIRST_LINE_INDENT_CM)
    return paragraph


def _text(doc, text: str, **kwargs) -> None:
    """A paragraph of running text. ``keep_with_next`` only before a table or the signature: LibreOffice
    keeps two paragraphs together but not three, so a heading, a sentence kept with a list and the list's
    first item would leave the heading alone at the foot of a page (a table may split, so it is safe)."""
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


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class Outline:
    """The body's headings, numbered as they come: sections I., II. ...; parts of a section 1., 2. ...

    A section or part that is left out leaves no gap in the numbering, so
    sections can be added (coverage by place, a province's roll-up) or
    dropped (no proposals in a PDF) without renumbering anything by hand.
    """

    def __init__(self, doc):
        self.doc = doc
        self.sections = 0
        self.parts = 0
        self._section_heading = None

    def section(self, title: str) -> None:
        self.sections += 1
        self.parts = 0
        self._section_heading = _heading(self.doc, f"{ROMAN[self.sections - 1]}. {title}")

    def part(self, title: str) -> None:
        """A part's heading; right under its section's heading, it shares that paragraph (a line break).

        LibreOffice keeps a paragraph with the next one, but not a chain of
        three: "III." and "1." as two paragraphs let "III." stay alone at the
        foot of a page while "1." and its text went over. One paragraph of
        two lines moves as one.
        """
        self.parts += 1
        text = f"{self.parts}. {title}"
        heading = self._section_heading
        body = self.doc.element.body
        if heading is not None and len(body) >= 2 and body[-2] is heading._p:
            heading.add_run().add_break()
            _run(heading, text, bold=True)
        else:
            _heading(self.doc, text)
        self._section_heading = None


#: A section (or a part of one) of the body: it writes its heading through the outline, then its text.
BodySection = Callable[[Outline, dict[str, Any], dict[str, Any]], None]


def body_sections(data: dict[str, Any], header: dict[str, Any], *, draft: bool) -> list[BodySection]:
    """The body's sections in order. Add a section here; a part of "Kết quả" in :func:`result_parts`."""
    sections: list[BodySection] = [general_section, results_section, tasks_section]
    if data.get("rollup"):
        sections.insert(sections.index(results_section) + 1, rollup_section)
    if header.get("proposals") or draft:
        sections.append(proposals_section)
    return sections


def result_parts(data: dict[str, Any]) -> list[BodySection]:
    """The parts of section "Kết quả thực hiện": activity (and targets), tasks completed, coverage by place."""
    return [activity_part, completed_part, *([coverage_part] if data.get("coverage") else [])]


def _body(doc, data: dict[str, Any], header: dict[str, Any], summary: str, *, draft: bool = True) -> None:
    outline = Outline(doc)
    for section in body_sections(data, header, draft=draft):
        section(outline, data, header)
    closing = summary[:1].lower() + summary[1:]
    # the closing line goes with the signature: a signature alone on its page signs nothing written
    _text(doc, f"Trên đây là báo cáo {closing} của {header['issuing_body_name']}./.", before=6, keep_with_next=True)


def countdown_sentence(data: dict[str, Any]) -> str:
    """Where the campaign stands against election day; past tense from election day on in a final report."""
    as_of, election = data["as_of"], data["campaign"]["election_day"]
    days = data["days_to_election"]
    if days > 0:
        return (f"Tính đến ngày {_short_date(as_of)}, còn {_num(days)} ngày nữa đến ngày bầu cử "
                f"({_short_date(election)}).")
    if data["kind"] == "final":
        words = election_words(data["campaign"]["name"])
        return f"{words[:1].upper()}{words[1:]} đã diễn ra ngày {_short_date(election)}."
    if days == 0:
        return f"Ngày {_short_date(as_of)} là ngày bầu cử."
    return (f"Cuộc bầu cử đã diễn ra ngày {_short_date(election)} ({_num(-days)} ngày trước ngày "
            f"{_short_date(as_of)}).")


def general_section(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """I. The countdown, the current phase, the tasks (and in a final report, every phase)."""
    doc = out.doc
    out.section("TÌNH HÌNH CHUNG")
    _text(doc, countdown_sentence(data))
    current = data["current_phase"]
    if current:
        _text(doc, f"Công tác thông tin, tuyên truyền đang triển khai {current['name']} "
                   f"({_short_span(current['start'], current['end'])}).")
    elif data["kind"] != "final":
        _text(doc, f"Ngày {_short_date(data['as_of'])} không thuộc đợt tuyên truyền nào.")
    if data["kind"] == "phase":
        phase = data["phases"][0]
        elapsed = "" if phase["time_elapsed"] is None else f", thời gian đã qua {_pct(phase['time_elapsed'])}"
        _text(doc, f"Tiến độ {phase['name']}: khối lượng công việc đạt {_pct(phase['progress'])}{elapsed}; "
                   f"đánh giá: {state_label(phase['state'], LANG)}.")
    tasks = data["tasks"]
    scope = "của đợt" if data["kind"] == "phase" else "của Tiểu ban"
    _text(doc, f"Tổng số nhiệm vụ {scope}: {_num(tasks['total'])}; đã hoàn thành: {_num(tasks['done'])}; "
               f"quá hạn: {_num(tasks['overdue'])}.")
    if data["kind"] == "final" and data["phases"]:
        _text(doc, "Kết quả thực hiện theo từng đợt:", keep_with_next=True)
        _phases_table(doc, data["phases"])


def results_section(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """II. What was done: its parts come from :func:`result_parts`."""
    out.section("KẾT QUẢ THỰC HIỆN")
    for part in result_parts(data):
        part(out, data, header)


def activity_part(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    doc = out.doc
    out.part("Hoạt động thông tin, tuyên truyền")
    if data["activity"]:
        _text(doc, f"{_period_words(data)}, đã ghi nhận {_num(data['activity_entries'])} lượt hoạt động "
                   "thông tin, tuyên truyền, cụ thể:", keep_with_next=True)
        _activity_table(doc, data["activity"])
    else:
        _text(doc, f"{_period_words(data)}, chưa ghi nhận hoạt động thông tin, tuyên truyền nào.")
    if data["targets"]:
        _text(doc, "Kết quả so với chỉ tiêu của các nhiệm vụ trong đợt:", keep_with_next=True)
        _targets_table(doc, data["targets"])


def completed_part(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    doc = out.doc
    out.part("Kết quả thực hiện nhiệm vụ")
    completed = data["completed"]
    if completed:
        _text(doc, f"{_period_words(data)}, đã hoàn thành {_num(len(completed))} nhiệm vụ:")
        _bullets(doc, [f"{task['title']} ({_who(task)}; hoàn thành ngày {_short_date(task['completed_on'])})"
                       for task in completed])
    else:
        _text(doc, f"{_period_words(data)}, chưa có nhiệm vụ nào được hoàn thành.")


def tasks_section(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """III. Overdue tasks, and (not in a final report: the campaign is over) the tasks due next week."""
    doc = out.doc
    overdue = data["overdue"]
    if data["kind"] == "final":
        out.section("NHIỆM VỤ QUÁ HẠN")
        if overdue:
            _text(doc, f"Đến ngày {_short_date(data['as_of'])}, còn {_num(len(overdue))} nhiệm vụ quá hạn "
                       "chưa hoàn thành:")
            _overdue_bullets(doc, overdue)
        else:
            _text(doc, "Không có nhiệm vụ quá hạn.")
        return
    out.section("NHIỆM VỤ QUÁ HẠN VÀ NHIỆM VỤ TUẦN TỚI")
    out.part(f"Nhiệm vụ quá hạn ({_num(len(overdue))})")
    if overdue:
        _overdue_bullets(doc, overdue)
    else:
        _text(doc, "Không có nhiệm vụ quá hạn.")
    first, last = data["upcoming_span"]
    upcoming = data["upcoming"]
    out.part(f"Nhiệm vụ đến hạn tuần tới (từ {_short_date(first)} đến {_short_date(last)})")
    if upcoming:
        _bullets(doc, [
            f"{task['title']} ({_who(task)}; hạn {_short_date(task['due'])}"
            + (f"; {status_label(task['status'], LANG)}" if task.get("status") else "") + ")"
            for task in upcoming
        ])
    else:
        _text(doc, "Không có nhiệm vụ đến hạn.")


def _overdue_bullets(doc, overdue: list[dict[str, Any]]) -> None:
    _bullets(doc, [f"{task['title']} ({_who(task)}; hạn {_short_date(task['due'])}, "
                   f"quá hạn {_num(task['days_late'])} ngày)" for task in overdue])


def proposals_section(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """IV. The secretary's words (``--proposals``), or in a draft the highlighted placeholder to replace."""
    doc = out.doc
    out.section("ĐỀ XUẤT, KIẾN NGHỊ")
    if header.get("proposals"):
        for text in header["proposals"]:
            _text(doc, text)
        return
    from docx.enum.text import WD_COLOR_INDEX

    paragraph = _paragraph(doc, indent=True)
    run = _run(paragraph, PROPOSALS_PLACEHOLDER, italic=True)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


#: How a document names the places of a level, by the words their names start with.
_LEVEL_WORDS = {"commune": ("xã", "phường", "thị trấn", "đặc khu"), "village": ("thôn", "xóm", "bản", "tổ dân phố")}


def _level_words(coverage: dict[str, Any]) -> str:
    """"xã, thị trấn": the words the places of the level are called by (in their names), in official order."""
    from campaign_cli.services.text import fold

    names = [fold(name) for name in [*coverage["untouched"], *(n for row in coverage["types"] for n in row["missing"])]]
    words = _LEVEL_WORDS.get(coverage["level"], ())
    used = [word for word in words if any(name.startswith(fold(word) + " ") for name in names)]
    return ", ".join(used or words[:1])


def _missing_words(row: dict[str, Any]) -> str:
    """The places not reached, or "Tất cả, trừ ..." the ones reached when that is shorter."""
    if not row["missing"]:
        return "-"
    if not row["reached"]:
        return "Tất cả"
    if len(row["reached"]) < len(row["missing"]):
        return "Tất cả, trừ: " + ", ".join(row["reached"])
    return ", ".join(row["missing"])


def coverage_part(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """Coverage by place: how many communes each activity has reached, and which not yet."""
    doc = out.doc
    coverage = data["coverage"]
    words = _level_words(coverage)
    out.part("Độ phủ theo địa bàn")
    text = (f"Tính đến ngày {_short_date(coverage['as_of'])}, hoạt động thông tin, tuyên truyền đã đến "
            f"{_num(coverage['reached'])}/{_num(coverage['places'])} {words}")
    if coverage["untouched"]:
        text += f"; chưa có hoạt động tại: {', '.join(coverage['untouched'])}."
    else:
        text += "."
    _text(doc, text)
    _text(doc, f"Kết quả theo từng hình thức hoạt động ({words} đã có / tổng số):", keep_with_next=True)
    _table(
        doc,
        ["TT", "Hình thức", "Đã có", f"Còn thiếu ({words})"],
        [
            [str(index), row["label"], f"{_num(row['covered'])}/{_num(row['places'])}", _missing_words(row)]
            for index, row in enumerate(coverage["types"], 1)
        ],
        [1.2, 3.4, 2.0, 9.9],
        numeric={0, 2},
    )


#: Plural words for the levels of the campaigns a roll-up lists ("các xã").
_ROLLUP_LEVEL_WORDS = {"commune": "xã", "district": "huyện", "province": "tỉnh"}


def rollup_section(out: Outline, data: dict[str, Any], header: dict[str, Any]) -> None:
    """The campaigns under this one (a province's communes), one row each, those behind first."""
    rollup = data["rollup"]
    children = rollup["children"]
    levels = {child["level"] for child in children}
    word = _ROLLUP_LEVEL_WORDS.get(next(iter(levels)), "đơn vị") if len(levels) == 1 else "đơn vị cấp dưới"
    doc = out.doc
    out.section(f"TÌNH HÌNH THỰC HIỆN Ở CÁC {word.upper()}")
    reported = sum(1 for child in children if child["reported_this_week"])
    behind = [child["locality"] or child["name"] for child in children if child["state"] == "behind"]
    sentence = f"{_period_words(data)}, có {_num(reported)}/{_num(len(children))} {word} ghi nhận hoạt động"
    if behind:
        sentence += f"; {_num(len(behind))} {word} chậm tiến độ: {', '.join(behind)}"
    _text(doc, sentence + ".", keep_with_next=True)
    _rollup_table(doc, children)


def _rollup_table(doc, children: list[dict[str, Any]]) -> None:
    _table(
        doc,
        ["TT", "Địa phương", "Tiến độ", "Đánh giá", "Nhiệm vụ hoàn thành", "Quá hạn", "Lượt hoạt động trong tuần"],
        [
            [str(index), child["locality"] or child["name"], _pct(child["progress"]),
             state_label(child["state"], LANG), f"{_num(child['tasks']['done'])}/{_num(child['tasks']['total'])}",
             _num(child["tasks"]["overdue"]),
             _num(sum(item["entries"] for item in child["activity"])) if child["reported_this_week"] else "chưa có"]
            for index, child in enumerate(children, 1)
        ],
        [1.1, 3.6, 2.0, 3.1, 2.4, 1.8, 2.5],
        numeric={0, 2, 4, 5, 6},
    )


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
    # one block: never the titles on one page and the name on the next
    _insert(table.rows[0]._tr.get_or_add_trPr(), _element("w:cantSplit", **{"w:val": "true"}))
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
    for index, title in enumerate(header["signer_titles"]):
        _paragraph(right, title, bold=True, size=BODY_PT, align="center", before=6 if index == 0 else 0, after=0)
    for _line in range(4):  # room for the signature and the seal
        _paragraph(right, "", after=0).paragraph_format.space_after = Pt(6)
    if header.get("signer"):
        _paragraph(right, header["signer"], bold=True, size=BODY_PT, align="center", after=0)


