"""Office formats, each in its own module; this module only says where they live.

- official report, DOCX: ``cli/render/document.py`` (Decree 30/2020/NĐ-CP layout)
- official report, PDF:  ``cli/render/pdf.py`` (the DOCX through LibreOffice)
- any View as XLSX:      ``cli/render/workbook.py``
- log sheet read back:   ``cli/interchange/xlsx_log.py``
- iCalendar:             ``cli/interchange/ics.py``
- Taskwarrior JSON:      ``cli/interchange/taskwarrior.py``

The names below are kept for callers that import them from here. Importing
this module imports none of the office libraries (python-docx, openpyxl,
icalendar): each is imported by the function that needs it.
"""

from __future__ import annotations

from campaign_cli.cli.interchange.ics import build_calendar, write_ics
from campaign_cli.cli.interchange.taskwarrior import (
    TW_BLOCKED_TAG,
    read_taskwarrior,
    taskwarrior_tasks,
    tw_date,
    tw_timestamp,
    write_taskwarrior,
)
from campaign_cli.cli.interchange.xlsx_log import LOG_SHEET_HEADINGS, read_log_rows_xlsx
from campaign_cli.cli.render.document import (
    _SCHEMA_ORDER,
    build_report_docx,
    issuing_body_lines,
    report_summary,
    write_report_docx,
)
from campaign_cli.cli.render.pdf import convert_to_pdf, find_office, write_report_pdf
from campaign_cli.cli.render.workbook import build_workbook as build_view_workbook
from campaign_cli.cli.render.workbook import write_workbook as write_view_xlsx

__all__ = [
    "LOG_SHEET_HEADINGS", "TW_BLOCKED_TAG", "_SCHEMA_ORDER",
    "build_calendar", "build_report_docx", "build_view_workbook", "convert_to_pdf", "find_office",
    "issuing_body_lines", "read_log_rows_xlsx", "read_taskwarrior", "report_summary", "taskwarrior_tasks",
    "tw_date", "tw_timestamp", "write_ics", "write_report_docx", "write_report_pdf", "write_taskwarrior",
    "write_view_xlsx",
]  # fmt: skip
