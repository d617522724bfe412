"""Documents fit to sign (issue 12): the signer, the proposals, the PDF's fonts and lines, the words.

The PDF tests run LibreOffice and poppler-utils for real (``.ci/run``
installs them with fonts-liberation); they never skip. The others build the
DOCX, or catch the DOCX on its way to LibreOffice, and read it back.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from checks import one_line_error

from campaign_cli.cli.render import document as rendering
from campaign_cli.cli.render import pdf

AS_OF = "15/4/2021"
ELECTION_2026 = "15/3/2026"
WEEK_9 = "26/2/2026"  # Thursday of ISO week 9 of 2026: 23/2-1/3


# -- helpers ----------------------------------------------------------------------------
def plain(text: str) -> str:
    """Text as read: the marks that keep words on one line taken out."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def body_lines(document) -> list[str]:
    return [line for paragraph in document.paragraphs for line in plain(paragraph.text).split("\n")]


def signature_lines(document) -> list[str]:
    """The signature column: titles, then the name."""
    signer = document.tables[-1].rows[0].cells[1]
    return [plain(p.text) for p in signer.paragraphs if p.text]


def write_docx(cli, tmp_path: Path, *args: str, name: str = "r.docx", as_of: str = AS_OF, kind: str = "weekly"):
    path = tmp_path / name
    cli("--as-of", as_of, "report", kind, *args, "--format", "docx", "--output", path, ok=True)
    return docx.Document(str(path))


@pytest.fixture
def commune(cli):
    """A 2026 commune: chair, vice-chair and secretary, two tasks in phase 2, two entries in week 9."""
    cli("init", "Bầu cử đại biểu Quốc hội khóa XVI và HĐND các cấp nhiệm kỳ 2026-2031",
        "--election-day", ELECTION_2026, "--locality", "Xã Gia Vân", "--level", "commune", ok=True)
    cli("member", "add", "Đinh Văn Sơn", "--role", "chair", "--title", "Phó Bí thư Đảng ủy xã", ok=True)
    cli("member", "add", "Phạm Thị Lan", "--role", "vice-chair", "--title", "Chủ tịch UBMTTQ xã", ok=True)
    cli("member", "add", "Nguyễn Thị Hoa", "--role", "secretary", ok=True)
    today = ("--as-of", WEEK_9)
    cli(*today, "task", "add", "Treo băng rôn, khẩu hiệu tại trụ sở và các thôn", "--phase", "2", "--lead", "son",
        "--due", "28/2/2026", "--type", "banner", "--target", "20", ok=True)
    cli(*today, "task", "add", "Phát thanh tuyên truyền trên loa truyền thanh xã", "--phase", "2", "--lead", "lan",
        "--due", "5/3/2026", "--type", "broadcast", ok=True)
    cli(*today, "log", "add", "--type", "banner", "--qty", "8", "--date", "24/2/2026", "--by", "son", ok=True)
    cli(*today, "log", "add", "--type", "broadcast", "--qty", "3", "--date", "25/2/2026", "--by", "lan", ok=True)
    return cli


class CaughtConversion:
    """Stands in for LibreOffice: keeps the DOCX it was given and writes a token PDF."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, families: frozenset[str] | None):
        self.document = None
        monkeypatch.setattr(pdf, "find_office", lambda: "/usr/bin/soffice")
        monkeypatch.setattr(pdf, "vietnamese_fonts", lambda: families)
        monkeypatch.setattr(pdf, "convert_to_pdf", self.convert)

    def convert(self, source: Path, folder: Path, **kwargs) -> Path:
        self.document = docx.Document(str(source))
        produced = Path(folder) / (source.stem + ".pdf")
        produced.write_bytes(b"%PDF-1.4 token")
        return produced


def fonts_of(document) -> set[str]:
    """The font names of the document's defaults and of the styles it uses (every script)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    elements = [document.styles.element.find(f"{w}docDefaults")]
    elements += [document.styles[name].element for name in ("Normal", "Table Grid", "Header")]
    names = set()
    for element in elements:
        for fonts in element.iter(w + "rFonts"):
            names.update(fonts.get(f"{w}{script}") for script in ("ascii", "hAnsi", "cs", "eastAsia"))
    return names


# == the signer ==============================================================================
def test_a_vice_chair_signs_on_the_chairs_behalf(sample, tmp_path: Path):
    document = write_docx(sample, tmp_path, "--signer", "tuan")
    assert signature_lines(document) == ["KT. TRƯỞNG TIỂU BAN", "PHÓ TRƯỞNG TIỂU BAN", "Đinh Văn Tuấn"]


def test_the_chair_is_found_by_id_or_by_part_of_the_name(sample, tmp_path: Path):
    by_id = write_docx(sample, tmp_path, "--signer", "1", name="a.docx")
    by_name = write_docx(sample, tmp_path, "--signer", "nguyen manh", name="b.docx")
    assert signature_lines(by_id) == signature_lines(by_name) == ["TRƯỞNG TIỂU BAN", "Nguyễn Mạnh Hùng"]


def test_the_campaigns_signer_signs_by_default_else_the_chair(commune, tmp_path: Path):
    commune("config", "--signer", "lan", ok=True)
    document = write_docx(commune, tmp_path, as_of=WEEK_9, name="a.docx")
    assert signature_lines(document) == ["KT. TRƯỞNG TIỂU BAN", "PHÓ TRƯỞNG TIỂU BAN", "Phạm Thị Lan"]
    commune("config", "--signer", "none", ok=True)
    document = write_docx(commune, tmp_path, as_of=WEEK_9, name="b.docx")
    assert signature_lines(document) == ["TRƯỞNG TIỂU BAN", "Đinh Văn Sơn"]


def test_an_unknown_signer_is_one_line_naming_who_can_sign(sample, tmp_path: Path):
    path = tmp_path / "r.docx"
    result = sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output", path,
                          "--signer", "Trần Văn Bình")
    error = one_line_error(result)
    assert "--signer: no member matches 'Trần Văn Bình'" in error
    assert "1 Nguyễn Mạnh Hùng, 2 Đinh Văn Tuấn, 3 Phạm Thị Lan" in error
    assert not path.exists()
    several = one_line_error(sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output",
                                          path, "--signer", "van"))
    assert several.startswith("Error: --signer: 'van' matches several members: 2 Đinh Văn Tuấn")
    assert not path.exists()


def test_a_member_who_is_not_chair_or_vice_chair_signs_only_under_a_title_given(sample, tmp_path: Path):
    error = one_line_error(sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output",
                                        tmp_path / "r.docx", "--signer", "duc"))
    assert "Trần Minh Đức is not the chair or a vice-chair" in error and "--signer-title" in error
    document = write_docx(sample, tmp_path, "--signer", "duc", "--signer-title", "TM. Tiểu ban / Thư ký")
    assert signature_lines(document) == ["TM. TIỂU BAN", "THƯ KÝ", "Trần Minh Đức"]


def test_without_members_the_name_is_left_to_write_by_hand(fresh, tmp_path: Path):
    document = write_docx(fresh, tmp_path)
    assert signature_lines(document) == ["TRƯỞNG TIỂU BAN"]


# == the proposals ============================================================================
def proposals_section(document) -> list[str]:
    lines = body_lines(document)
    start = lines.index("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    end = next(index for index, line in enumerate(lines) if line.startswith("Trên đây là báo cáo"))
    return lines[start + 1 : end]


def test_proposals_from_a_utf8_file_keep_their_paragraphs_and_list_items(sample, tmp_path: Path):
    source = tmp_path / "de-xuat.txt"
    source.write_bytes(
        "\ufeffĐề nghị Ủy ban bầu cử huyện cấp bổ sung 500 tờ gấp\r\nhướng dẫn bỏ phiếu.\r\n\r\n"
        "Kiến nghị:\n- sửa pano hỏng sau mưa;\n- thêm một buổi phát thanh mỗi ngày.\n".encode()
    )
    document = write_docx(sample, tmp_path, "--proposals", f"@{source}", "--proposals", "@@ là ký hiệu")
    assert proposals_section(document) == [
        "Đề nghị Ủy ban bầu cử huyện cấp bổ sung 500 tờ gấp hướng dẫn bỏ phiếu.",
        "Kiến nghị:", "- sửa pano hỏng sau mưa;", "- thêm một buổi phát thanh mỗi ngày.",
        "@ là ký hiệu",
    ]
    assert "Thư ký Tiểu ban ghi" not in "\n".join(body_lines(document))


def test_a_docx_without_proposals_keeps_the_highlighted_placeholder(sample, tmp_path: Path):
    document = write_docx(sample, tmp_path)
    (placeholder,) = proposals_section(document)
    assert placeholder.startswith("(Thư ký Tiểu ban ghi các đề xuất") and placeholder.endswith("xóa đoạn này.)")
    run = next(run for paragraph in document.paragraphs for run in paragraph.runs
               if run.text.startswith("(Thư ký"))
    assert run.font.highlight_color is not None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "--proposals: there is no file"),
        (b"\xff\xfeD\x00e\x00", "is not UTF-8 text; save it as UTF-8"),
        ("Đề nghị\u200b bổ sung".encode(), "contains the invisible character U+200B"),
        (b"\n \n", "the proposals are empty"),
    ],
    ids=["missing", "utf-16", "invisible", "empty"],
)
def test_bad_proposals_are_one_line_and_write_nothing(sample, tmp_path: Path, content, expected):
    source = tmp_path / "p.txt"
    if content is not None:
        source.write_bytes(content)
    path = tmp_path / "r.docx"
    result = sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "docx", "--output", path,
                          "--proposals", f"@{source}")
    assert expected in one_line_error(result)
    assert not path.exists()


@pytest.mark.pdf_tools
def test_a_pdf_leaves_out_section_iv_without_proposals_and_says_so(sample, tmp_path: Path, monkeypatch):
    caught = CaughtConversion(monkeypatch, frozenset({"Liberation Serif"}))
    result = sample("--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output", tmp_path / "r.pdf",
                    ok=True)
    lines = body_lines(caught.document)
    assert not any(line.startswith("IV.") for line in lines)
    assert "Thư ký Tiểu ban ghi" not in "\n".join(lines)
    assert lines[-1].startswith("Trên đây là báo cáo") and lines[-1].endswith("./.")
    notes = [line for line in result.stderr.splitlines() if "--proposals" in line]
    assert notes == ["No --proposals given: the PDF leaves out section IV (proposals); "
                     "give --proposals TEXT or @FILE to include it"]
    vietnamese = sample("--lang", "vi", "--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output",
                        tmp_path / "r2.pdf", ok=True)
    assert "Không có --proposals" in vietnamese.stderr

    with_proposals = sample("--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output",
                            tmp_path / "r3.pdf", "--proposals", "Đề nghị cấp bổ sung 500 tờ gấp.", ok=True)
    assert "--proposals" not in with_proposals.stderr
    assert proposals_section(caught.document) == ["Đề nghị cấp bổ sung 500 tờ gấp."]


# == fonts ===================================================================================
@pytest.mark.parametrize(
    ("families", "font", "warns"),
    [
        (frozenset({"Times New Roman", "Liberation Serif", "DejaVu Serif"}), "Times New Roman", False),
        (frozenset({"Liberation Serif", "DejaVu Serif"}), "Liberation Serif", False),
        (frozenset({"Tinos", "DejaVu Serif"}), "Tinos", False),
        (frozenset({"DejaVu Serif"}), "Times New Roman", True),  # Liberation 1.x has no Vietnamese letters
        (None, "Times New Roman", False),  # no fontconfig: LibreOffice on Windows or macOS finds Times
    ],
)
@pytest.mark.pdf_tools
def test_the_pdf_is_set_in_times_or_a_twin_with_vietnamese_letters(sample, tmp_path, monkeypatch,
                                                                    families, font, warns):
    caught = CaughtConversion(monkeypatch, families)
    result = sample("--as-of", AS_OF, "report", "weekly", "--format", "pdf", "--output", tmp_path / "r.pdf",
                    "--proposals", "Không.", ok=True)
    assert fonts_of(caught.document) == {font}
    warning = "Times New Roman is not installed, nor a font of the same widths with Vietnamese letters"
    assert (warning in result.stderr) is warns
    if warns:
        assert len([line for line in result.stderr.splitlines() if "fonts-liberation" in line]) == 1


def test_the_docx_stays_in_times_new_roman_where_it_is_missing(sample, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf, "vietnamese_fonts", lambda: frozenset({"Liberation Serif"}))
    document = write_docx(sample, tmp_path)
    assert fonts_of(document) == {"Times New Roman"}


@pytest.mark.pdf_tools
def test_fontconfig_tells_which_fonts_have_vietnamese_letters(tmp_path: Path, monkeypatch):
    """The real fc-list: Liberation Serif 2 (installed by .ci/run) qualifies; hidden, nothing replaces it."""
    pdf.vietnamese_fonts.cache_clear()
    try:
        families = pdf.vietnamese_fonts()
        assert families is not None and "Liberation Serif" in families
        assert pdf.pdf_font() == ("Times New Roman" if "Times New Roman" in families else "Liberation Serif", None)
        config = tmp_path / "fonts.conf"
        config.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            "  <selectfont><rejectfont><glob>*/liberation*</glob><glob>*/Liberation*</glob>"
            "<glob>*/msttcorefonts/*</glob><glob>*/croscore/*</glob><glob>*/texgyre/*</glob>"
            "</rejectfont></selectfont>\n</fontconfig>\n"
        )
        monkeypatch.setenv("FONTCONFIG_FILE", str(config))
        pdf.vietnamese_fonts.cache_clear()
        hidden = pdf.vietnamese_fonts()
        assert hidden is not None and not hidden & {"Liberation Serif", "Times New Roman", "Tinos"}
        font, warning = pdf.pdf_font()
        assert font == "Times New Roman" and "fonts-liberation" in warning
    finally:
        pdf.vietnamese_fonts.cache_clear()


# == the PDF as LibreOffice lays it out ================================================================
def pdf_text(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return [" ".join(line.split()) for line in done.stdout.splitlines()]


@pytest.mark.slow
@pytest.mark.pdf_tools
def test_the_pdf_of_a_2026_commune_keeps_the_lines_of_the_layout(commune, tmp_path: Path):
    path = tmp_path / "tuan-9.pdf"
    result = commune("--as-of", WEEK_9, "report", "weekly", "--format", "pdf", "--output", path,
                     "--signer", "lan", "--number", "3", ok=True)
    assert "Times New Roman is not installed" not in result.stderr
    lines = pdf_text(path)
    # the header: parent body and national title on one line, issuing body and motto on the next
    top = lines.index("ỦY BAN BẦU CỬ XÃ GIA VÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert lines[top + 1] == "TIỂU BAN THÔNG TIN, Độc lập - Tự do - Hạnh phúc"
    assert lines[top + 2] == "TUYÊN TRUYỀN"
    assert "Số: 03/BC-TBTT Gia Vân, ngày 26 tháng 02 năm 2026" in lines
    title = lines.index("BÁO CÁO")
    assert lines[title + 1] == "Kết quả công tác thông tin, tuyên truyền tuần 9 (23/2–1/3/2026)"
    # the signature block: recipients beside the titles, then the name
    block = next(index for index, line in enumerate(lines) if line.startswith("Nơi nhận:"))
    assert lines[block] == "Nơi nhận: KT. TRƯỞNG TIỂU BAN"
    assert lines[block + 1] == "- Ủy ban bầu cử xã; PHÓ TRƯỞNG TIỂU BAN"
    assert lines[block + 2] == "- Lưu: VT, TBTT."
    assert [line for line in lines[block + 3 :] if line] == ["Phạm Thị Lan"]
    text = "\n".join(lines)
    assert "Tiểu ban Thông tin, tuyên truyền./." in text
    assert "Thư ký Tiểu ban ghi" not in text and "IV. ĐỀ XUẤT" not in text
    # one family of fonts: no glyph borrowed from DejaVu Serif
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts.splitlines()[2:] if line.strip()}
    assert names in ({"LiberationSerif"}, {"TimesNewRomanPSMT"}, {"TimesNewRoman"}), fonts


@pytest.mark.slow
@pytest.mark.pdf_tools
def test_the_final_pdf_of_the_sample(sample, tmp_path: Path):
    path = tmp_path / "tong-ket.pdf"
    sample("--as-of", "30/5/2021", "report", "final", "--format", "pdf", "--output", path, "--signer", "tuan",
           "--proposals", "Đề nghị biểu dương các đơn vị hoàn thành tốt nhiệm vụ.", ok=True)
    lines = pdf_text(path)
    title = lines.index("BÁO CÁO")
    # the summary breaks between words that may part, never inside "khóa XV" or "2021–2026"
    assert lines[title + 1 : title + 3] == [
        "Tổng kết công tác thông tin, tuyên truyền cuộc bầu cử đại biểu Quốc hội",
        "khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021–2026",
    ]
    text = " ".join(lines)
    assert "nhiệm kỳ 2021–2026 đã diễn ra ngày 23/5/2021." in text
    assert "tuần tới" not in text
    assert "IV. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị biểu dương các đơn vị hoàn thành tốt nhiệm vụ." in text
    assert [line for line in lines if "TRƯỞNG TIỂU BAN" in line] == [
        "Nơi nhận: KT. TRƯỞNG TIỂU BAN", "- Ủy ban bầu cử huyện; PHÓ TRƯỞNG TIỂU BAN"]


# == the words =====================================================================================
@pytest.mark.parametrize(
    ("body", "locality", "running"),
    [
        ("TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN", "Huyện Gia Viễn", "Tiểu ban Thông tin, tuyên truyền"),
        ("TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN XÃ GIA VÂN", "Xã Gia Vân", "Tiểu ban Thông tin, tuyên truyền xã Gia Vân"),
        ("ỦY BAN BẦU CỬ XÃ GIA VÂN", "Xã Gia Vân", "Ủy ban bầu cử xã Gia Vân"),
        ("BAN CHỈ ĐẠO TRUNG ƯƠNG VỀ PHÒNG, CHỐNG THAM NHŨNG", "", "Ban Chỉ đạo Trung ương về phòng, chống tham nhũng"),
        ("Tiểu ban Tuyên truyền xã Gia Vân", "Xã Gia Vân", "Tiểu ban Tuyên truyền xã Gia Vân"),  # as written
    ],
)
def test_a_body_in_running_text_has_its_official_capitals(body, locality, running):
    from campaign_cli.services.documents import running_name

    assert running_name(body, locality) == running


def test_the_closing_line_names_the_subcommittee_in_its_official_capitals(commune, tmp_path: Path):
    document = write_docx(commune, tmp_path, as_of=WEEK_9, name="a.docx")
    closing = body_lines(document)[-1]
    assert closing == ("Trên đây là báo cáo kết quả công tác thông tin, tuyên truyền tuần 9 (23/2–1/3/2026) "
                       "của Tiểu ban Thông tin, tuyên truyền./.")
    commune("config", "--issuing-body", "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN XÃ GIA VÂN", ok=True)
    document = write_docx(commune, tmp_path, as_of=WEEK_9, name="b.docx")
    assert body_lines(document)[-1].endswith("của Tiểu ban Thông tin, tuyên truyền xã Gia Vân./.")


@pytest.mark.parametrize("as_of", [ELECTION_2026, "20/3/2026"])
def test_the_final_report_speaks_of_election_day_in_the_past(commune, tmp_path: Path, as_of: str):
    document = write_docx(commune, tmp_path, as_of=as_of, kind="final")
    lines = body_lines(document)
    assert ("Cuộc bầu cử đại biểu Quốc hội khóa XVI và HĐND các cấp nhiệm kỳ 2026-2031 "
            "đã diễn ra ngày 15/3/2026.") in lines
    sections = [line for line in lines if line[:3] in ("I. ", "II.", "III", "IV.")]
    assert sections == ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN", "III. NHIỆM VỤ QUÁ HẠN",
                        "IV. ĐỀ XUẤT, KIẾN NGHỊ"]
    assert not any("tuần tới" in line or "đến hạn" in line for line in lines)
    overdue = [line for line in lines if line.startswith("- ")]
    assert len(overdue) == 2 and lines[lines.index("III. NHIỆM VỤ QUÁ HẠN") + 1] == (
        f"Đến ngày {as_of}, còn 2 nhiệm vụ quá hạn chưa hoàn thành:")


def test_a_campaign_not_named_after_the_election_reads_cuoc_bau_cu(cli, tmp_path: Path):
    cli("init", "Gia Vân 2026", "--election-day", ELECTION_2026, "--locality", "Xã Gia Vân", ok=True)
    document = write_docx(cli, tmp_path, as_of="20/3/2026", kind="final")
    lines = body_lines(document)
    assert lines[lines.index("BÁO CÁO") + 1] == "Tổng kết công tác thông tin, tuyên truyền cuộc bầu cử"
    assert "Cuộc bầu cử đã diễn ra ngày 15/3/2026." in lines


def test_document_texts_are_checked_like_any_user_text(sample, tmp_path: Path):
    path = tmp_path / "r.docx"
    for option, value in (("--summary", "Báo cáo\x1b[31m"), ("--place", "Gia\u202eViễn"), ("--to", "Huyện\x00ủy")):
        error = one_line_error(sample.fails("--as-of", AS_OF, "report", "weekly", "--format", "docx",
                                            "--output", path, option, value))
        assert "character U+" in error
    assert not path.exists()


# == layout ============================================================================================
def test_a_date_span_and_a_word_with_its_number_never_part_at_a_line_end(commune, tmp_path: Path):
    document = write_docx(commune, tmp_path, as_of=WEEK_9)
    summary = next(p for p in document.paragraphs if plain(p.text).startswith("Kết quả công tác"))
    assert summary.text == "Kết quả công tác thông tin, tuyên truyền tuần\u00a09 (23/2–\u20601/3/2026)"
    assert rendering.keep_together("nhiệm kỳ 2026-2031, khóa XVI") == (
        "nhiệm\u00a0kỳ\u00a02026-\u20602031, khóa\u00a0XVI")


def test_a_section_heading_and_its_first_part_move_as_one_paragraph(sample, tmp_path: Path):
    """LibreOffice does not keep a chain of three paragraphs: "III." was left alone at a page's foot."""
    document = write_docx(sample, tmp_path)
    texts = [plain(p.text) for p in document.paragraphs]
    assert "III. NHIỆM VỤ QUÁ HẠN VÀ NHIỆM VỤ TUẦN TỚI\n1. Nhiệm vụ quá hạn (3)" in texts
    assert "II. KẾT QUẢ THỰC HIỆN\n1. Hoạt động thông tin, tuyên truyền" in texts
    heading = next(p for p in document.paragraphs if p.text.startswith("III."))
    assert heading.paragraph_format.keep_with_next and heading.alignment == 0  # left: no stretched first line
    closing = next(p for p in document.paragraphs if p.text.startswith("Trên đây"))
    assert closing.paragraph_format.keep_with_next  # with the signature block


@pytest.mark.parametrize(("kind", "as_of"), [("weekly", AS_OF), ("phase", AS_OF), ("final", "30/5/2021")])
def test_no_three_paragraphs_are_chained_to_keep_together(sample, tmp_path: Path, kind: str, as_of: str):
    """LibreOffice keeps a paragraph with the next, not a chain of three: the first would stay behind."""
    document = write_docx(sample, tmp_path, "--signer", "tuan", kind=kind, as_of=as_of)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def kept(element) -> bool:
        return element.tag == w + "p" and element.find(f"{w}pPr/{w}keepNext") is not None

    blocks = list(document.element.body)
    chains = [plain("".join(blocks[index].itertext()))
              for index in range(len(blocks) - 2)
              if kept(blocks[index]) and kept(blocks[index + 1]) and blocks[index + 2].tag == w + "p"]
    assert chains == []


def test_sections_and_parts_plug_in_and_are_numbered_in_order(sample, tmp_path: Path, monkeypatch):
    """Coverage by place (issue 16) and a province's roll-up (issue 17) come in as functions."""
    def coverage_part(out, data, header):
        out.part("Địa bàn đã tuyên truyền")

    def rollup_section(out, data, header):
        out.section("TÌNH HÌNH CÁC XÃ")

    parts, sections = rendering.result_parts, rendering.body_sections
    monkeypatch.setattr(rendering, "result_parts", lambda data: [*parts(data), coverage_part])
    monkeypatch.setattr(rendering, "body_sections",
                        lambda data, header, draft: [sections(data, header, draft=draft)[0], rollup_section,
                                                     *sections(data, header, draft=draft)[1:]])
    lines = body_lines(write_docx(sample, tmp_path))
    assert [line for line in lines if line[:3] in ("I. ", "II.", "III", "IV.", "V. ")] == [
        "I. TÌNH HÌNH CHUNG", "II. TÌNH HÌNH CÁC XÃ", "III. KẾT QUẢ THỰC HIỆN",
        "IV. NHIỆM VỤ QUÁ HẠN VÀ NHIỆM VỤ TUẦN TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    assert "3. Địa bàn đã tuyên truyền" in lines


@pytest.mark.pdf_tools
def test_soffice_and_poppler_are_installed_for_these_tests():
    """.ci/run installs them: a PDF test must run, not skip."""
    assert pdf.find_office() and shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("fc-list")


@pytest.mark.slow
@pytest.mark.pdf_tools
def test_the_readme_examples_make_the_documents(cli, tmp_path: Path, monkeypatch):
    from test_readme import run_block, shell_block

    monkeypatch.chdir(tmp_path)
    (tmp_path / "de-xuat.txt").write_text("Đề nghị cấp bổ sung 200 áp phích cho các thôn.\n", encoding="utf-8")
    run_block(cli, shell_block("A campaign in ten commands"), tmp_path)
    run_block(cli, shell_block("Official documents"), tmp_path)
    weekly = docx.Document(str(tmp_path / "bao-cao-tuan-2026-W09.docx"))
    assert signature_lines(weekly) == ["TRƯỞNG TIỂU BAN", "Nguyễn Văn Hùng"]
    assert proposals_section(weekly)[0].startswith("(Thư ký Tiểu ban ghi")
    text = " ".join(pdf_text(tmp_path / "bao-cao-tuan-2026-W09.pdf"))
    assert "KT. TRƯỞNG TIỂU BAN" in text and "Lê Thị Thu" in text
    assert "IV. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị cấp bổ sung 200 áp phích cho các thôn." in text
    assert (tmp_path / "bao-cao-tong-ket.pdf").read_bytes().startswith(b"%PDF")
