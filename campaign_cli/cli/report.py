"""campaign status | report weekly | phase | member | burndown | timeline | final | coverage

The commands only: each asks ``services.reports`` once for the whole report
as plain data, picks its view (``cli/views/``) and hands it to ``show``,
which renders it in the chosen format (``cli/render/``). Official documents
(docx, pdf) go through ``cli/documents.py``.
"""

from typing import Annotated, Optional

import typer

from campaign_cli.cli import complete
from campaign_cli.cli import documents as doc
from campaign_cli.cli.common import new_typer, parse_week_option, service_context, show
from campaign_cli.cli.options import FormatOption, OutputFormat, OutputOption
from campaign_cli.i18n import _, ngettext

#: Exit code of ``--fail-on-overdue`` when something is overdue.
EXIT_OVERDUE = 3

FailOnOverdueOption = Annotated[
    bool,
    typer.Option(
        "--fail-on-overdue",
        help=_("Exit with code 3 (after printing) when any task is overdue: for scripts and reminders."),
    ),
]


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    report_app = new_typer(
        _("Reports: weekly, per phase, per member, burndown, timeline, coverage by place and a parent's roll-up.")
    )
    report_app.command("weekly")(report_weekly)
    report_app.command("phase")(report_phase)
    report_app.command("member")(report_member)
    report_app.command("burndown")(report_burndown)
    report_app.command("timeline")(report_timeline)
    report_app.command("final")(doc.report_final)
    report_app.command("coverage")(report_coverage)
    report_app.command("rollup")(report_rollup)
    app.add_typer(report_app, name="report")


# -- commands ------------------------------------------------------------------
def status(
    ctx: typer.Context,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help=_(
                "The whole report on a terminal: load per member and unit, work done, recent "
                "entries (other formats always hold it all)."
            ),
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    fail_on_overdue: FailOnOverdueOption = False,
) -> None:
    """The chair's report toward election day: countdown, phases, tasks, load, work done."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.status import status_screen_view, status_view
    from campaign_cli.services.reports import status_report

    service = service_context(ctx)
    lang = i18n.current_language()
    report = status_report(service, lang=lang)
    one_screen = fmt == OutputFormat.table and not full
    show((status_screen_view if one_screen else status_view)(report, lang), fmt, output)
    _fail_if_overdue(fail_on_overdue, report["tasks"]["overdue"])


def report_weekly(
    ctx: typer.Context,
    week: Annotated[
        Optional[str],
        typer.Option(
            "--week",
            metavar="WEEK",
            help=_("2021-W17, any date in the week, or this, last, next (default: the as-of week)."),
        ),
    ] = None,
    fmt: doc.ReportFormatOption = doc.ReportFormat.table,
    output: OutputOption = None,
    fail_on_overdue: FailOnOverdueOption = False,
    doc_number: doc.NumberOption = None,
    to: doc.ToOption = None,
    parent_body: doc.ParentBodyOption = None,
    issuing_body: doc.IssuingBodyOption = None,
    signer: doc.SignerOption = None,
    signer_title: doc.SignerTitleOption = None,
    place: doc.PlaceOption = None,
    date: doc.DocDateOption = None,
    summary: doc.SummaryOption = None,
    proposal: doc.ProposalOption = None,
) -> None:
    """One week's work: activity by type and by member, completed, overdue, due next week."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.weekly import weekly_view
    from campaign_cli.services.reports import weekly_report

    service = service_context(ctx)
    start, end = parse_week_option(service.today, week if week is not None else "this")
    if fmt in doc.DOCUMENT_FORMATS:
        doc.write_document(ctx, "weekly", fmt, output, week=(start, end))
        return
    lang = i18n.current_language()
    report = weekly_report(service, start, end, lang=lang)
    show(weekly_view(report, lang), doc.output_format(fmt), output)
    _fail_if_overdue(fail_on_overdue, len(report["overdue"]))


def report_phase(
    ctx: typer.Context,
    number: Annotated[
        Optional[str], typer.Argument(metavar="[N]", help=_("Phase number (default: every phase)."))
    ] = None,
    fmt: doc.ReportFormatOption = doc.ReportFormat.table,
    output: OutputOption = None,
    doc_number: doc.NumberOption = None,
    to: doc.ToOption = None,
    parent_body: doc.ParentBodyOption = None,
    issuing_body: doc.IssuingBodyOption = None,
    signer: doc.SignerOption = None,
    signer_title: doc.SignerTitleOption = None,
    place: doc.PlaceOption = None,
    date: doc.DocDateOption = None,
    summary: doc.SummaryOption = None,
    proposal: doc.ProposalOption = None,
) -> None:
    """Per phase: every task with lead, due date, status and progress; quantities against targets."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.phase import phase_view
    from campaign_cli.services.reports import phase_report

    if fmt in doc.DOCUMENT_FORMATS:  # one phase: N, else the current one
        doc.write_document(ctx, "phase", fmt, output, phase=number)
        return
    service = service_context(ctx)
    lang = i18n.current_language()
    show(phase_view(phase_report(service, number, lang=lang), lang), doc.output_format(fmt), output)


def report_member(
    ctx: typer.Context,
    member: Annotated[
        Optional[str],
        typer.Argument(metavar="[M]", help=_("A member or unit: id, m12/u3, or name (default: everyone).")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Each member's and unit's tasks (lead and support) and logged work."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.member import member_view
    from campaign_cli.services.reports import member_report

    service = service_context(ctx)
    lang = i18n.current_language()
    show(member_view(member_report(service, member, lang=lang), lang), fmt, output)


def report_burndown(
    ctx: typer.Context,
    phase: Annotated[
        Optional[str], typer.Option("--phase", metavar="N", help=_("Only this phase's tasks, over its days."))
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Open tasks day by day toward election day, against an ideal line."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.charts import burndown_view
    from campaign_cli.services.reports import burndown_report

    service = service_context(ctx)
    lang = i18n.current_language()
    show(burndown_view(burndown_report(service, phase), lang), fmt, output)


def report_timeline(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Phases and their tasks on a date axis (a Gantt chart), election day marked."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.charts import timeline_view
    from campaign_cli.services.reports import timeline_report

    service = service_context(ctx)
    lang = i18n.current_language()
    show(timeline_view(timeline_report(service), lang), fmt, output)


def report_coverage(
    ctx: typer.Context,
    types: Annotated[
        Optional[list[str]],
        typer.Option("--type", "-t", metavar="TYPE", help=_("An activity type to show (repeat it); default: the "
                                                             "ones done at a place (posters, seminars...)."),
                     click_type=complete.TYPE),
    ] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help=_("Count entries from this day."))]
    = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help=_("Count entries up to this day (at most the "
                                                                      "as-of date)."))
    ] = None,
    level: Annotated[
        Optional[str],
        typer.Option("--level", metavar="commune|village", help=_("Rows: communes (an entry at a village counts "
                                                                  "for its commune) or villages.")),
    ] = None,
    within: Annotated[
        Optional[str], typer.Option("--in", metavar="PLACE", help=_("Only the places in this one."),
                                    click_type=complete.PLACE)
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Where each activity reached: places × activity types, the gaps marked, the last activity in each place."""
    from campaign_cli import i18n
    from campaign_cli.cli.common import parse_day
    from campaign_cli.cli.views.coverage import coverage_view
    from campaign_cli.services.coverage import coverage_report

    service = service_context(ctx)
    lang = i18n.current_language()
    report = coverage_report(
        service, types=types, since=parse_day(ctx, since, "--since"), until=parse_day(ctx, until, "--until"),
        level=level.strip().lower() if level else None, within=within, lang=lang,
    )
    show(coverage_view(report, lang), fmt, output)


def report_rollup(
    ctx: typer.Context,
    week: Annotated[
        Optional[str],
        typer.Option(
            "--week",
            metavar="WEEK",
            help=_("2021-W17, any date in the week, or this, last, next (default: the as-of week)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    fail_on_overdue: FailOnOverdueOption = False,
) -> None:
    """On a parent campaign: one row per campaign under it (a province's communes), those behind first."""
    from campaign_cli import i18n
    from campaign_cli.cli.views.rollup import rollup_view
    from campaign_cli.services.rollup import rollup_report

    service = service_context(ctx)
    start, end = parse_week_option(service.today, week if week is not None else "this")
    lang = i18n.current_language()
    report = rollup_report(service, start, end, lang=lang)
    show(rollup_view(report, lang), fmt, output)
    _fail_if_overdue(fail_on_overdue, report["totals"]["tasks"]["overdue"])


def _fail_if_overdue(enabled: bool, count: int) -> None:
    if enabled and count:
        typer.echo(
            ngettext("{n} task is overdue.", "{n} tasks are overdue.", count).format(n=count),
            err=True,
        )
        raise typer.Exit(EXIT_OVERDUE)
