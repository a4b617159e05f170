"""Pages of the appraisal app's `reports` area: an institution's yearly report (教研机构年度工作报告)
generated from the records, its sections edited, issued, downloaded as Word and Excel.
`urls` is mounted by appraisal/urls.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from appraisal.models import YearlyReport
from appraisal.report_access import (
    can_issue_report,
    can_write_report,
    get_yearly_report_for_user,
    report_nodes,
    reports_visible_to,
)
from appraisal.services import reports as services
from appraisal.yearly_figures import charts, from_json, tables
from appraisal.yearly_text import SECTION_KEYS, SECTION_MAX, SECTION_TITLES
from core import echarts
from core.access import require
from core.documents import docx_response
from core.exporting import XLSX
from core.http import AuthedRequest
from core.models import OrgNode


class GenerateForm(forms.Form):
    region = forms.ChoiceField(label="教研机构")
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args: Any, nodes: list[OrgNode], today_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = {n.code: n for n in nodes}
        region, year = self.fields["region"], self.fields["year"]
        assert isinstance(region, forms.ChoiceField) and isinstance(year, forms.ChoiceField)
        region.choices = [(n.code, n.institute_name or n.name) for n in nodes]
        year.choices = [(y, f"{y}年度") for y in range(today_year, today_year - 5, -1)]
        for f in self.fields.values():
            f.error_messages = {**f.error_messages, "required": f"{f.label}：必填",
                                "invalid_choice": f"{f.label}：请从列表中选择"}


class ReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in SECTION_KEYS:
            self.fields[key] = forms.CharField(label=SECTION_TITLES[key], required=key == "overview",
                                               max_length=SECTION_MAX, widget=forms.Textarea(attrs={"rows": 5}))
        for f in self.fields.values():
            f.error_messages = {**f.error_messages, "required": f"{f.label}：必填",
                                "max_length": f"{f.label}：不能超过%(limit_value)d字"}


def _filename(report: YearlyReport, ext: str) -> str:
    suffix = "" if not report.is_draft else "（草稿）"
    return f"{report.title[:60]}{suffix}.{ext}"


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """The yearly reports the user reads (issued ones of their subtree, their institution's drafts)
    and, for the institution's own staff, the form that generates this year's draft."""
    today = timezone.localdate()
    nodes = report_nodes(request.user)
    form = GenerateForm(nodes=nodes, today_year=today.year, initial={"year": today.year})
    reports = list(reports_visible_to(request.user).order_by("-year", "region__path", "-revision")[:200])
    return render(request, "appraisal/reports/list.html", {"reports": reports, "form": form, "nodes": nodes})


@login_required
@require_POST
def report_generate(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    nodes = report_nodes(request.user)
    # Only the institution's own staff generate; any other region answers 404, like a missing one.
    require(any(n.code == request.POST.get("region", "") for n in nodes), "没有找到该区域")
    form = GenerateForm(request.POST, nodes=nodes, today_year=today.year)
    if form.is_valid():
        try:
            report = services.report_generate(actor=request.user, region=form.nodes[form.cleaned_data["region"]],
                                              year=form.cleaned_data["year"], today=today)
        except services.YearlyReportError as e:
            e.show_on(form)
        else:
            return redirect("appraisal:report_edit", report.pk)
    reports = list(reports_visible_to(request.user).order_by("-year", "region__path", "-revision")[:200])
    return render(request, "appraisal/reports/list.html", {"reports": reports, "form": form, "nodes": nodes},
                  status=400)


def _figures_context(report: YearlyReport) -> dict[str, Any]:
    figures = from_json(report.figures)
    all_tables, all_charts = tables(figures), charts(figures)
    chart_data: dict[str, Any] = {}
    sections = []
    for key in SECTION_KEYS:
        ids = []
        for i, c in enumerate(all_charts.get(key, [])):
            option = echarts.bars(c.labels, c.values, c.title, c.unit)
            option["yAxis"]["minInterval"] = 1
            chart_data[f"chart-{key}-{i}"] = option
            ids.append(f"chart-{key}-{i}")
        sections.append({"key": key, "title": SECTION_TITLES[key], "text": report.sections.get(key, ""),
                         "tables": all_tables.get(key, []), "charts": ids})
    return {"figures": figures, "sections": sections, "chart_data": chart_data}


@login_required
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_yearly_report_for_user(request.user, report_id)
    return render(request, "appraisal/reports/detail.html", {
        "report": report, "can_write": report.is_draft and can_write_report(request.user, report.region),
        **_figures_context(report)})


@login_required
def report_edit(request: AuthedRequest, report_id: int) -> HttpResponse:
    """Edit a draft's sections; the typed text stays in the form on a refusal."""
    report = get_yearly_report_for_user(request.user, report_id, write=True)
    if not report.is_draft:
        return redirect("appraisal:report_detail", report.pk)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_save(actor=request.user, report=report, title=d["title"],
                                     sections={k: d[k] for k in SECTION_KEYS})
            except services.YearlyReportError as e:
                e.show_on(form)
            else:
                return redirect(reverse("appraisal:report_edit", args=[report.pk]) + "?saved=1")
    else:
        form = ReportForm(initial={"title": report.title, **{k: report.sections.get(k, "") for k in SECTION_KEYS}})
    return render(request, "appraisal/reports/edit.html", {
        "report": report, "form": form, "saved": request.GET.get("saved") == "1",
        "can_issue": can_issue_report(request.user, report.region), **_figures_context(report)},
        status=400 if form.errors else 200)


@login_required
@require_POST
def report_regenerate(request: AuthedRequest, report_id: int) -> HttpResponse:
    """Generate the draft again from today's records (edited sections are kept)."""
    report = get_yearly_report_for_user(request.user, report_id, write=True)
    try:
        report = services.report_generate(actor=request.user, region=report.region, year=report.year)
    except services.YearlyReportError as e:
        return render(request, "appraisal/reports/error.html", {"report": report, "message": e.message}, status=400)
    return redirect("appraisal:report_edit", report.pk)


@login_required
@require_POST
def report_issue(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_yearly_report_for_user(request.user, report_id, write=True)
    require(can_issue_report(request.user, report.region))
    try:
        services.report_issue(actor=request.user, report=report)
    except services.YearlyReportError as e:
        return render(request, "appraisal/reports/error.html", {"report": report, "message": e.message}, status=400)
    return redirect("appraisal:report_detail", report.pk)


@login_required
def report_docx(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_yearly_report_for_user(request.user, report_id)
    return docx_response(services.report_docx(report), _filename(report, "docx"))


@login_required
def report_xlsx(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = get_yearly_report_for_user(request.user, report_id)
    response = HttpResponse(services.report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_filename(report, 'xlsx'))}"
    return response


urls: list[URLPattern] = [
    path("reports/", report_list, name="reports"),
    path("reports/generate/", report_generate, name="report_generate"),
    path("reports/<int:report_id>/", report_detail, name="report_detail"),
    path("reports/<int:report_id>/edit/", report_edit, name="report_edit"),
    path("reports/<int:report_id>/regenerate/", report_regenerate, name="report_regenerate"),
    path("reports/<int:report_id>/issue/", report_issue, name="report_issue"),
    path("reports/<int:report_id>/docx/", report_docx, name="report_docx"),
    path("reports/<int:report_id>/xlsx/", report_xlsx, name="report_xlsx"),
]
