"""Official report documents from the command line: ``report weekly|phase|final --format docx|pdf``.

The report commands take :data:`ReportFormatOption` (the usual formats plus
``xlsx``, ``docx`` and ``pdf``) and the document options below; for docx and
pdf they call :func:`write_document`, which asks ``services.documents`` for
the content and the header and ``cli/office.py`` for the file. Imported at
start-up (the report commands' signatures use it): typer and stdlib only.
"""


import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli.common import done, parse_day, service_context
from campaign_cli.cli.options import OutputFormat, OutputOption
from campaign_cli.i18n import _, pgettext


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"


DOCUMENT_FORMATS = (ReportFormat.docx, ReportFormat.pdf)

ReportFormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format", "-f", case_sensitive=False,
        help=_("Output format: table, json, csv, md, xlsx; or an official document: docx, pdf (needs LibreOffice)."),
    ),
]
# The document options below are declared by every document command under these
# parameter names (doc_number, to, parent_body, issuing_body, signer, signer_title,
# place, date, summary, proposal); write_document() reads them from ctx.params.
NumberOption = Annotated[
    Optional[str],
    typer.Option("--number", metavar="NN", rich_help_panel="Document (docx, pdf)",
                 help=_("Document number: 5 gives \"Số: 05/BC-TBTT\" (default: left blank for the clerk).")),
]
ToOption = Annotated[
    Optional[list[str]],
    typer.Option("--to", metavar="RECIPIENT", rich_help_panel="Document (docx, pdf)",
                 help=_("A line of \"Nơi nhận\"; repeat for each (default: the election committee of the campaign's "
                        "level, e.g. Ủy ban bầu cử xã; Lưu: VT, TBTT).")),
]
ParentBodyOption = Annotated[
    Optional[str],
    typer.Option("--parent-body", metavar="TEXT", rich_help_panel="Document (docx, pdf)",
                 help=_("Body above the issuing body (default: the campaign's, else ỦY BAN BẦU CỬ + the level and "
                        "locality, e.g. ỦY BAN BẦU CỬ XÃ GIA VÂN; \"\" for none).")),
]
IssuingBodyOption = Annotated[
    Optional[str],
    typer.Option("--issuing-body", metavar="TEXT", rich_help_panel="Document (docx, pdf)",
                 help=_("Issuing body (default: the campaign's, else TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN).")),
]
SignerOption = Annotated[
    Optional[str],
    typer.Option("--signer", metavar="MEMBER", rich_help_panel="Document (docx, pdf)", click_type=complete.MEMBER,
                 help=_("The member who signs: id or part of the name (default: the campaign's signer, see "
                        "campaign config; else the chair). A vice-chair signs KT. TRƯỞNG TIỂU BAN / "
                        "PHÓ TRƯỞNG TIỂU BAN.")),
]
SignerTitleOption = Annotated[
    Optional[str],
    typer.Option("--signer-title", metavar="TEXT", rich_help_panel="Document (docx, pdf)",
                 help=_("Title above the signature instead of the signer's own, \" / \" between lines "
                        "(e.g. \"KT. TRƯỞNG TIỂU BAN / PHÓ TRƯỞNG TIỂU BAN\").")),
]
PlaceOption = Annotated[
    Optional[str],
    typer.Option("--place", metavar="TEXT", rich_help_panel="Document (docx, pdf)",
                 help=_("Place of the date line (default: the campaign's place, else its locality).")),
]
DocDateOption = Annotated[
    Optional[str],
    typer.Option("--date", metavar="DATE", rich_help_panel="Document (docx, pdf)",
                 help=_("Date of the document (default: the as-of date).")),
]
SummaryOption = Annotated[
    Optional[str],
    typer.Option("--summary", metavar="TEXT", rich_help_panel="Document (docx, pdf)",
                 help=_("Summary line under BÁO CÁO (default: one for the kind of report and its period).")),
]
ProposalOption = Annotated[
    Optional[list[str]],
    typer.Option("--proposals", "--proposal", metavar="TEXT|@FILE", rich_help_panel="Document (docx, pdf)",
                 help=_("Section IV, proposals: the text, or @FILE for a UTF-8 text file (@- reads standard "
                        "input; a blank line between paragraphs). Without it a DOCX keeps a highlighted "
                        "placeholder to replace and a PDF leaves the section out.")),
]


def output_format(fmt: ReportFormat) -> OutputFormat:
    """The render format of a report format that is not a document."""
    return OutputFormat(fmt.value)


def default_file_name(kind: str, fmt: ReportFormat, *, week: str | None = None, phase: str | None = None) -> Path:
    """bao-cao-tuan-2021-W17.docx, bao-cao-dot-1.pdf, bao-cao-tong-ket.docx."""
    stem = {"weekly": f"bao-cao-tuan-{week}", "phase": f"bao-cao-dot-{phase}", "final": "bao-cao-tong-ket"}[kind]
    return Path(f"{stem}.{fmt.value}")


def write_document(
    ctx: typer.Context,
    kind: str,
    fmt: ReportFormat,
    output: Optional[Path],
    *,
    week: tuple[dt.date, dt.date] | None = None,
    phase: Optional[str] = None,
) -> Path:
    """Write the official report of ``kind`` as DOCX or PDF; returns the path written.

    Without ``output`` the file is named after the report in the current
    folder (``bao-cao-tuan-2021-W17.docx``). The document is in Vietnamese
    whatever the interface language: it is an official Vietnamese document.
    """
    from campaign_cli.cli import office
    from campaign_cli.services import documents

    service = service_context(ctx)
    data = documents.report_document(service, kind, week=week, phase=phase, lang="vi")
    # The document options (NumberOption ... ProposalOption) that every
    # document command declares, read once here from the command's parameters.
    given = ctx.params
    header = documents.document_header(
        service,
        number=given.get("doc_number"),
        parent_body=given.get("parent_body"),
        issuing_body=given.get("issuing_body"),
        recipients=given.get("to") or None,
        signer=given.get("signer"),
        signer_title=given.get("signer_title"),
        place=given.get("place"),
        on=parse_day(ctx, given.get("date"), "--date"),
        summary=given.get("summary"),
        proposals=given.get("proposal"),
    )
    if output is None:
        period = data["period"]
        output = default_file_name(
            kind, fmt, week=period["week"], phase=str(period["phase"]["number"]) if period["phase"] else None
        )
    if fmt == ReportFormat.pdf:
        from campaign_cli import files

        files.check_target(output)  # before LibreOffice spends seconds on it
        warnings = office.write_report_pdf(data, header, output)
        if not header["proposals"]:
            warnings.append(_("No --proposals given: the PDF leaves out section IV (proposals); "
                              "give --proposals TEXT or @FILE to include it"))
    else:
        office.write_report_docx(data, header, output)
        warnings = []
    done(_("Wrote {file}").format(file=output))
    for warning in warnings:
        done(warning)
    return output


def report_final(
    ctx: typer.Context,
    fmt: ReportFormatOption = ReportFormat.table,
    output: OutputOption = None,
    doc_number: NumberOption = None,
    to: ToOption = None,
    parent_body: ParentBodyOption = None,
    issuing_body: IssuingBodyOption = None,
    signer: SignerOption = None,
    signer_title: SignerTitleOption = None,
    place: PlaceOption = None,
    date: DocDateOption = None,
    summary: SummaryOption = None,
    proposal: ProposalOption = None,
) -> None:
    """The final report of the whole campaign (every phase); --format docx or pdf for the official document."""
    if fmt not in DOCUMENT_FORMATS:
        from campaign_cli.cli.common import show
        from campaign_cli.services import documents

        # the same content as data, for scripts and checks
        show(document_view(documents.report_document(service_context(ctx), "final")), output_format(fmt), output)
        return
    write_document(ctx, "final", fmt, output)


def document_view(data: dict):
    """The final report's content as a View (json: the document dict; tables: its lists)."""
    from campaign_cli.cli.render import Column, Section, View

    activity = Section(
        "activity", _("Activity to date"),
        [Column("type", _("Type"), "code", detail=True), Column("label", _("Activity")),
         Column("quantity", _("Quantity"), "quantity"), Column("unit", pgettext("measure", "Unit")),
         Column("entries", _("Entries"), "int")],
        data["activity"], empty=_("Nothing logged yet."),
    )
    phases = Section(
        "phases", _("Phases"),
        [Column("number", _("No."), "int"), Column("name", _("Phase"), min_width=16, priority=1),
         Column("start", _("Start"), "date"),
         Column("end", _("End"), "date"), Column("progress", _("Work"), "percent")],
        data["phases"], empty=_("No phases yet."),
    )
    completed = Section(
        "completed", _("Completed"),
        [Column("id", _("ID"), "id"), Column("title", _("Task"), min_width=20, priority=1),
         Column("lead", _("Lead"), "name"), Column("completed_on", _("Completed"), "date")],
        data["completed"], empty=_("No task completed yet."),
    )
    overdue = Section(
        "overdue", _("Overdue"),
        [Column("id", _("ID"), "id"), Column("title", _("Task"), min_width=20, priority=1),
         Column("lead", _("Lead"), "name"), Column("due", _("Due"), "date"),
         Column("days_late", _("Days late"), "int", tone="bad", priority=1)],
        data["overdue"], empty=_("Nothing overdue."),
    )
    return View(data=data, sections=[phases, activity, completed, overdue], heading=[_("Final report")])
