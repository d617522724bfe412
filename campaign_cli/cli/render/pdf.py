"""The official report as PDF: the DOCX of ``render/document.py`` converted by LibreOffice, headless.

A PDF is a finished document: it never carries the editor's placeholder
(section IV is left out when there are no proposals; the caller says so).

Fonts. The layout of Decree 30 is measured in Times New Roman: the national
title and the motto each fill one line of their column, the summary one line
of the page. Where Times New Roman is missing, LibreOffice substitutes a
font of its own choosing; a wider one (DejaVu Serif) breaks "CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM" onto two lines, and Liberation Serif 1.x (Debian 12's
``fonts-liberation``) has no Vietnamese letters, so LibreOffice mixes in
DejaVu glyph by glyph. So :func:`pdf_font` asks fontconfig (``fc-list``)
which fonts cover Vietnamese: Times New Roman if there, else the first of
:data:`TIMES_TWINS` (same widths as Times New Roman letter for letter), and
the DOCX made for the conversion names that font. The DOCX a user asks for
(``--format docx``) keeps Times New Roman: it is what offices expect and
what Word has. With neither, the PDF is still made and one line on stderr
says what to install.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from campaign_cli.cli.render.document import FONT, _write_binary, write_report_docx
from campaign_cli.errors import Invalid
from campaign_cli.i18n import _

#: Fonts with the widths of Times New Roman, by preference: Liberation Serif 2 (fonts-liberation2 on
#: Debian 12, fonts-liberation from Debian 13), Tinos (fonts-croscore), TeX Gyre Termes (fonts-texgyre).
TIMES_TWINS = ("Liberation Serif", "Tinos", "TeX Gyre Termes")
#: The precomposed Vietnamese letters (Ạ ... ỹ): a font that lacks them is no use for these documents.
VIETNAMESE_RANGE = "1ea0-1ef9"


def find_office() -> str | None:
    """The LibreOffice program on PATH (soffice or libreoffice), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def vietnamese_fonts() -> frozenset[str] | None:
    """The font families that have every Vietnamese letter, or None when fontconfig cannot tell."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        listed = subprocess.run(
            [program, f":charset={VIETNAMESE_RANGE}", "family"],
            capture_output=True, text=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    families = set()
    for line in listed.stdout.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)


def pdf_font() -> tuple[str, str | None]:
    """The font the PDF is set in, and a warning when none keeps the layout of Times New Roman.

    Without fontconfig (Windows, macOS) LibreOffice finds fonts its own way
    and Times New Roman is there: keep it.
    """
    families = vietnamese_fonts()
    if families is None or FONT in families:
        return FONT, None
    for twin in TIMES_TWINS:
        if twin in families:
            return twin, None
    return FONT, _(
        "Times New Roman is not installed, nor a font of the same widths with Vietnamese letters: the PDF's "
        "header and title may break onto more lines; install fonts-liberation2 (Debian 12) or fonts-liberation"
    )


def write_report_pdf(
    data: dict[str, Any], header: dict[str, Any], path: Path | str, *, timeout: int = 180
) -> list[str]:
    """The report as PDF: the DOCX converted by LibreOffice, headless. Returns warnings for stderr."""
    office = find_office()
    if office is None:
        raise Invalid(
            _("--format pdf needs LibreOffice (soffice or libreoffice on PATH); install it, or use --format docx")
        )
    font, warning = pdf_font()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="campaign-pdf-") as folder:
        source = Path(folder) / (path.stem + ".docx")
        write_report_docx(data, header, source, font=font, draft=False)
        produced = convert_to_pdf(source, Path(folder), office=office, timeout=timeout)
        _write_binary(path, lambda stream: stream.write(produced.read_bytes()))
    return [warning] if warning else []


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
