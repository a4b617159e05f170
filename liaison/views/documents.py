"""The round's documents: the two attachments of 002 (Excel or Word) and the round report (Word)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from core.access import AnyUser
from core.compliance import effective_threshold
from core.documents import docx_response
from core.exporting import XLSX
from core.http import AuthedRequest
from core.models import OrgKind
from liaison import documents, rules
from liaison.access import get_round_for_user, guidance_visible_to, links_visible_to, onsite_days_visible_to
from liaison.models import GuidanceStatus, LinkerKind, LinkStatus, Round, Task, TaskCheck
from liaison.selectors import counties_of, county_for, coverage_by_county


def attachment_rows(user: AnyUser, r: Round, kind: str) -> list[documents.ListRow]:
    """The accepted links of the round of one kind, by county and school."""
    counties = counties_of(r)
    links = (links_visible_to(user).filter(round=r, status=LinkStatus.ACCEPTED, kind=kind)
             .prefetch_related("subjects").order_by("school__path", "person__pinyin"))
    rows = []
    for lk in links:
        found = county_for(lk.school, counties)
        county = lk.school.name if lk.school.kind == OrgKind.COUNTY else found.name if found else ""
        rows.append(documents.ListRow(
            county=county, school=lk.school.name if lk.school.kind == OrgKind.SCHOOL else "",
            stage=lk.get_stage_display() if lk.stage else "", subjects="、".join(s.name for s in lk.subjects.all()),
            person=lk.person.name, unit=lk.person.org.institute_name or lk.person.org.name,
            leader=lk.leader.name if lk.leader else "", note="延续上轮" if lk.continuity else ""))
    return rows


@login_required
def attachment(request: AuthedRequest, round_id: int, kind: str, fmt: str) -> HttpResponse:
    r = get_round_for_user(request.user, round_id)
    if kind not in (documents.RESEARCHER, documents.BACKBONE) or fmt not in ("xlsx", "docx"):
        raise Http404("没有这个附件")
    rows = attachment_rows(request.user, r, LinkerKind.RESEARCHER if kind == documents.RESEARCHER
                           else LinkerKind.BACKBONE)
    annex, title = documents.attachment_title(kind, r.institution_label)
    name = f"{annex} {title}.{fmt}"
    if fmt == "docx":
        return docx_response(documents.attachment_docx(kind, r.institution_label, rows), name)
    response = HttpResponse(documents.attachment_xlsx(kind, r.institution_label, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def report_data(user: AnyUser, r: Round) -> documents.ReportData:
    links = list(links_visible_to(user).filter(round=r, status=LinkStatus.ACCEPTED))
    coverage = coverage_by_county(user, r)
    entries: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    people = {lk.person_id: lk.person for lk in links}
    for pid, day, portion in (onsite_days_visible_to(user).filter(link__in=links)
                              .values_list("link__person_id", "date", "portion")):
        entries[pid].append((day, 1.0 if portion == "full" else 0.5))
    # The norm is per semester: the report counts the semesters of implementation so far.
    semesters = max(1, min(4, (min(timezone.localdate(), r.impl_end) - r.impl_start).days // 182 + 1))
    target = effective_threshold("RES.ONSITE", r.institution) or 5.0
    onsite = []
    for pid, person in sorted(people.items(), key=lambda kv: kv[1].pinyin):
        days = rules.working_days(entries.get(pid, []))
        onsite.append((person.name, days, days >= target * semesters))
    done: dict[int, int] = defaultdict(int)
    for task in TaskCheck.objects.filter(link__in=links, done=True).values_list("task", flat=True):
        done[task] += 1
    cases = [(g.teacher.name, g.link.school.name, g.case_text)
             for g in guidance_visible_to(user).filter(link__in=links, status=GuidanceStatus.DONE)]
    return documents.ReportData(
        institution=r.institution_label, title=r.title,
        phases=[("准备阶段", r.prep_start, r.prep_end), ("落实阶段", r.impl_start, r.impl_end),
                ("总结阶段", r.summary_start, r.summary_end)],
        links=len(links), researchers=len({lk.person_id for lk in links if lk.kind == LinkerKind.RESEARCHER}),
        backbone=len({lk.person_id for lk in links if lk.kind == LinkerKind.BACKBONE}),
        schools=len({lk.school_id for lk in links}),
        weak_covered=(sum(c.weak_linked for c in coverage), sum(c.weak for c in coverage)),
        rural_covered=(sum(c.rural_linked for c in coverage), sum(c.rural for c in coverage)),
        onsite=onsite, tasks=[(t.label, done[t.value], len(links)) for t in Task],
        meetings=[(m.date, m.title) for m in r.meetings.order_by("date")], cases=cases,
        summary=r.summary_text, outcomes=r.outcomes, next_round=r.next_round_plan, onsite_target=target)


@login_required
def report(request: AuthedRequest, round_id: int) -> HttpResponse:
    r = get_round_for_user(request.user, round_id)
    content = documents.report_docx(report_data(request.user, r), timezone.localdate())
    return docx_response(content, f"{r.title}工作总结报告.docx")


urls: list[URLPattern] = [
    path("rounds/<int:round_id>/attachment/<str:kind>.<str:fmt>", attachment, name="attachment"),
    path("rounds/<int:round_id>/report.docx", report, name="round_report"),
]
