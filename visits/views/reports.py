"""Visit reports (Word, drafted from the records, edited, issued) and the institution's yearly statistics."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import echarts
from core.access import get_node_for_user, home_node, require
from core.documents import SONG_FONT, document_bytes, docx_response, new_document
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgNode
from visits import report_data
from visits.access import (
    can_manage_visit,
    can_read_visit_stats,
    get_report_for_user,
    get_visit_for_user,
)
from visits.errors import VisitError
from visits.models import ReportStatus, VisitReport, VisitSchool
from visits.report_draft import SECTION_KEYS, SECTION_TITLES
from visits.services import reports as services
from visits.statistics import YearStats, table_rows


class ReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)
    number = forms.CharField(label="文号", max_length=services.NUMBER_MAX, required=False)
    issued_on = forms.DateField(label="印发日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overview = forms.CharField(label=SECTION_TITLES["overview"], widget=forms.Textarea(attrs={"rows": 5}))
    seen = forms.CharField(label=SECTION_TITLES["seen"], required=False, widget=forms.Textarea(attrs={"rows": 8}))
    strengths = forms.CharField(label=SECTION_TITLES["strengths"], required=False,
                                widget=forms.Textarea(attrs={"rows": 6}))
    problems = forms.CharField(label=SECTION_TITLES["problems"], required=False,
                               widget=forms.Textarea(attrs={"rows": 6}))
    suggestions = forms.CharField(label=SECTION_TITLES["suggestions"], required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Chinese messages naming the field (the form is the edge; the service re-checks).
        for name, f in self.fields.items():
            f.error_messages = {**f.error_messages, "required": f"{f.label}：必填",
                                "invalid": f"{f.label}：格式不正确（如 2026-12-01）" if name == "issued_on"
                                else f"{f.label}：格式不正确",
                                "max_length": f"{f.label}：不能超过%(limit_value)d字"}


def _filename(report: VisitReport) -> str:
    return f"{report.title[:60]}.docx"


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """The reports the user sees: the organiser's drafts and issued reports, a school's issued ones;
    and the visits the user manages that have held their days but have no report yet."""
    node = home_node(request.user)
    return render(request, "visits/reports_list.html", {
        "reports": report_data.report_list(request.user), "to_draft": report_data.visits_to_report(request.user),
        "can_stats": node is not None and can_read_visit_stats(request.user, node)})


@login_required
@require_POST
def report_new(request: AuthedRequest, visit_id: int) -> HttpResponse:
    """Draft the visit's report (or one school's) from the records, then edit it."""
    visit = get_visit_for_user(request.user, visit_id, write=True)
    school: OrgNode | None = None
    code = request.POST.get("school", "").strip()
    if code:
        stop = VisitSchool.objects.filter(visit=visit, school__code=code).select_related("school").first()
        require(stop is not None, "没有找到该学校")
        assert stop is not None
        school = stop.school
    try:
        report = services.report_draft(actor=request.user, visit=visit, school=school,
                                       redraft=request.POST.get("redraft") == "1")
    except VisitError as e:
        return render(request, "visits/reports_error.html", {"visit": visit, "message": e.message}, status=400)
    return redirect("visits:report_edit", report.pk)


@login_required
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    """A report as its readers see it (the school reads its own issued report here)."""
    report = get_report_for_user(request.user, report_id)
    sections = [(SECTION_TITLES[k], report.sections.get(k, "")) for k in SECTION_KEYS]
    return render(request, "visits/reports_detail.html", {
        "report": report, "sections": sections, "can_manage": can_manage_visit(request.user, report.visit)})


@login_required
def report_edit(request: AuthedRequest, report_id: int) -> HttpResponse:
    """Edit a draft's text before issuing; the typed text stays in the form on an error."""
    report = get_report_for_user(request.user, report_id, write=True)
    if report.status != ReportStatus.DRAFT:
        return redirect("visits:report_detail", report.pk)
    error = ""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_save(actor=request.user, report=report, sections={k: d[k] for k in SECTION_KEYS},
                                     title=d["title"], number=d["number"], issued_on=d["issued_on"])
            except VisitError as e:
                error = e.message
            else:
                return redirect(reverse("visits:report_edit", args=[report.pk]) + "?saved=1")
    else:
        form = ReportForm(initial={"title": report.title, "number": report.number, "issued_on": report.issued_on,
                                   **{k: report.sections.get(k, "") for k in SECTION_KEYS}})
    figures = report_data.report_figures(request.user, report.visit, report.school)
    return render(request, "visits/reports_edit.html", {
        "report": report, "form": form, "error": error, "saved": request.GET.get("saved") == "1",
        "lessons": len(figures.lessons), "rectifications": figures.rectifications})


@login_required
@require_POST
def report_issue(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id, write=True)
    try:
        services.report_issue(actor=request.user, report=report)
    except VisitError as e:
        return render(request, "visits/reports_error.html", {"visit": report.visit, "report": report,
                                                             "message": e.message}, status=400)
    return redirect("visits:report_detail", report.pk)


@login_required
def report_docx(request: AuthedRequest, report_id: int) -> HttpResponse:
    """Download: a draft renders fresh from its current text, an issued report is its kept file."""
    report = get_report_for_user(request.user, report_id)
    if report.status == ReportStatus.ISSUED:
        content = services.report_stored_file(report)
    else:
        content = services.report_render(report, request.user)
    return docx_response(content, _filename(report))


# ---------------------------------------------------------------- yearly statistics


def _stats_scope(request: AuthedRequest) -> tuple[OrgNode, int]:
    code = request.GET.get("node", "").strip()
    node = get_node_for_user(request.user, code) if code else home_node(request.user)
    require(node is not None and can_read_visit_stats(request.user, node))
    assert node is not None
    today = timezone.localdate()
    default = today.year if today.month >= 9 else today.year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    if not 2000 <= year <= 2100:
        year = default
    return node, year


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    """The institution's yearly visit statistics (001 一(一)) with a chart."""
    node, year = _stats_scope(request)
    s = report_data.yearly_stats(request.user, node, year)
    institutions = [n for n in report_data.institutions_for_stats(request.user) if can_read_visit_stats(request.user, n)]
    chart_data: dict[str, Any] = {}
    if s.by_stage:
        chart_data["chart-stage"] = echarts.bars([a for a, _n in s.by_stage], [n for _a, n in s.by_stage],
                                                 "集体视导校次（按学段）", "校次")
        chart_data["chart-stage"]["yAxis"]["minInterval"] = 1  # counts: whole numbers on the axis
    if s.by_affiliation:
        chart_data["chart-affiliation"] = echarts.pie(s.by_affiliation, "集体视导校次（按隶属关系）")
    return render(request, "visits/reports_stats.html", {
        "node": node, "year": year, "stats": s, "rows": table_rows(s), "chart_data": chart_data,
        "institutions": institutions, "years": list(range(year + 1, year - 5, -1))})


@login_required
def stats_xlsx(request: AuthedRequest) -> HttpResponse:
    node, year = _stats_scope(request)
    s = report_data.yearly_stats(request.user, node, year)
    return xlsx_response(f"{node.name}{year}学年视导统计", "视导统计", ["项目", "数量"],
                         [[item.strip("　"), int(value) if value.isdigit() else value]
                          for item, value in table_rows(s)],
                         note=f"{s.institution}{year}学年教学视导统计")


def _stats_document(s: YearStats) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from quality import chart_png

    doc = new_document(font=SONG_FONT, size_pt=12)
    head = doc.add_paragraph()
    run = head.add_run(f"{s.institution}{s.year}学年教学视导工作统计")
    run.bold = True
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(s.summary)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "数量"
    for item, value in table_rows(s):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = item, value
    if s.by_stage:
        png = chart_png.bars([a for a, _n in s.by_stage], [n for _a, n in s.by_stage], "集体视导校次（按学段）", "校次")
        doc.add_picture(io.BytesIO(png), width=Cm(14))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document_bytes(doc)


@login_required
def stats_docx(request: AuthedRequest) -> HttpResponse:
    node, year = _stats_scope(request)
    s = report_data.yearly_stats(request.user, node, year)
    return docx_response(_stats_document(s), f"{node.name}{year}学年视导统计.docx")


urls: list[URLPattern] = [
    path("reports/", report_list, name="reports"),
    path("<int:visit_id>/reports/new/", report_new, name="report_new"),
    path("reports/<int:report_id>/", report_detail, name="report_detail"),
    path("reports/<int:report_id>/edit/", report_edit, name="report_edit"),
    path("reports/<int:report_id>/issue/", report_issue, name="report_issue"),
    path("reports/<int:report_id>/docx/", report_docx, name="report_docx"),
    path("stats/", stats, name="stats"),
    path("stats/xlsx/", stats_xlsx, name="stats_xlsx"),
    path("stats/docx/", stats_docx, name="stats_docx"),
]
