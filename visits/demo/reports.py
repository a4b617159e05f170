"""Demo visits: reports (registered with core.demo.extensions, after plan, on-site and findings).

For the finished visits the earlier extensions wrote: every visit already REPORTED gets its issued
report; of the FINISHED ones, one in three is issued now (and the visit becomes REPORTED), one in
three has a draft waiting, and one in three has none yet — so VISIT.REPORT has visits to name. A
school's own check gets its 通报 the same way. The sections are drafted from the records as the
organiser's first draft would be. Only a handful of issued reports get their Word file now; the
rest render once, on their first download (visits.services.reports.report_stored_file), so the
seed does not write hundreds of documents.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from core.demo.extensions import SeedContext, register
from core.demo.tables import insert_objects
from core.norm_results import system_user
from visits.models import ReportStatus, Visit, VisitReport, VisitStatus
from visits.report_data import issuer_of, report_figures
from visits.report_draft import default_title, draft_sections

# Issued reports rendered to a stored Word file during the seed.
RENDERED = 3
# Visits drafted from their records; beyond this (large scales) a short generic draft.
DRAFTED_FROM_RECORDS = 150


def _sections(visit: Visit, index: int) -> tuple[str, dict[str, str]]:
    if index < DRAFTED_FROM_RECORDS:
        figures = report_figures(system_user(), visit)
        return default_title(figures)[:160], draft_sections(figures)
    text = f"{visit.start:%Y年%m月%d日}，{issuer_of(visit)}开展{visit.title}。"
    return f"{issuer_of(visit)}{visit.title}的反馈报告"[:160], {
        "overview": text, "seen": "", "strengths": "", "problems": "", "suggestions": ""}


def reports(ctx: SeedContext) -> None:
    visits = list(Visit.objects.filter(status__in=[VisitStatus.FINISHED, VisitStatus.REPORTED], reports__isnull=True)
                  .select_related("organiser").order_by("start", "id"))
    if not visits:
        return
    made: list[VisitReport] = []
    newly_reported: list[int] = []
    finished_seen = 0
    for i, visit in enumerate(visits):
        if visit.status == VisitStatus.REPORTED:
            issue = True
        else:
            turn = finished_seen % 3
            finished_seen += 1
            if turn == 2:
                continue
            issue = turn == 0
            if issue:
                newly_reported.append(visit.pk)
        title, sections = _sections(visit, i)
        issued_on = min(visit.end + dt.timedelta(days=ctx.rng.randint(3, 14)), ctx.today) if issue else None
        made.append(VisitReport(visit=visit, title=title, number=visit.number, issuer=issuer_of(visit)[:100],
                                sections=sections, status=ReportStatus.ISSUED if issue else ReportStatus.DRAFT,
                                issued_on=max(issued_on, visit.end) if issued_on else None))
    insert_objects(made)
    Visit.objects.filter(pk__in=newly_reported).update(status=VisitStatus.REPORTED)
    from visits.services.reports import report_render

    for report in (VisitReport.objects.filter(status=ReportStatus.ISSUED, file="")
                   .select_related("visit", "school").order_by("id")[:RENDERED]):
        report.file.save(f"{report.title[:60]}.docx", ContentFile(report_render(report, system_user())), save=True)


register("visits.reports", reports, order=230)
