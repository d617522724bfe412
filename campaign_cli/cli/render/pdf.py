"""The official report as PDF: the DOCX of ``render/document.py`` converted by LibreOffice, headless."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from campaign_cli.cli.render.document import _write_binary, write_report_docx
from campaign_cli.errors import Invalid
from campaign_cli.i18n import _


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


