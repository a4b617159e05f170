"""Pages of the appraisal app's `researchers` area (000 §13): the yearly researcher appraisal of
an institution. The entry page lists the appraisals the user reads, starts one, and offers the
rating questionnaires open to the user and the user's own published results; an appraisal's page
shows the computation's progress, every researcher's figures (each linked to the records behind
it), response rates and results; an entry's page shows one researcher's figures, adjustments and
result. The rating questionnaire is in appraisal/views/researcher_rating.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import researcher_access as access
from appraisal import workload
from appraisal.models import AppraisalStatus, ResearcherAppraisal, ResearcherEntry
from appraisal.services import researchers as svc
from appraisal.services.researchers_figures import figure_records
from appraisal.views import researcher_rating
from core.access import scope_of
from core.errors import DomainError
from core.http import AuthedRequest
from core.progress import bar_class, percent

ENTRY_LIMIT = 500


class StartForm(forms.Form):
    region = forms.TypedChoiceField(label="教研机构", coerce=int)
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    rating_weight = forms.IntegerField(label="教师和学校评价权重（%）", min_value=0, max_value=100, initial=30)
    cut_excellent = forms.IntegerField(label="优秀分数线", min_value=0, max_value=100, initial=90)
    cut_pass = forms.IntegerField(label="合格分数线", min_value=0, max_value=100, initial=75)
    cut_basic = forms.IntegerField(label="基本合格分数线", min_value=0, max_value=100, initial=60)

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {r.pk: r for r in regions}
        field = self.fields["region"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, f"{r.name}（{r.institute_name or r.get_kind_display()}）") for r in regions]


class AdjustForm(forms.Form):
    figure = forms.ChoiceField(label="工作量指标", choices=[(f.code, f.label) for f in workload.FIGURES])
    value = forms.DecimalField(label="调整为", min_value=0, max_digits=8, decimal_places=1)
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class StandardsForm(forms.Form):
    def __init__(self, *args: Any, standards: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in workload.FIGURES:
            self.fields[f.code] = forms.DecimalField(
                label=f"{f.label}（{f.unit}）", min_value=0, max_digits=7, decimal_places=1,
                initial=standards[f.code], help_text=f"默认{f.standard:g}{f.unit}；{f.source}")


def _bar(a: ResearcherAppraisal) -> dict[str, Any]:
    p = percent(a.progress_done, a.progress_total, when_no_target=0 if a.is_running else 100)
    return {"percent": p, "bar": bar_class(p)}


@login_required
@require_http_methods(["GET", "POST"])
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    regions = access.runnable_regions(user)
    form = None
    if regions:
        if request.method == "POST":
            form = StartForm(request.POST, regions=regions)
            if form.is_valid():
                d = form.cleaned_data
                region = form.regions[d["region"]]
                try:
                    appraisal = svc.appraisal_start(
                        actor=user, region=region, year=d["year"], rating_weight=d["rating_weight"],
                        cut_excellent=d["cut_excellent"], cut_pass=d["cut_pass"], cut_basic=d["cut_basic"])
                except DomainError as e:
                    e.show_on(form)
                else:
                    messages.success(request, "考核已发起，正在后台计算工作量")
                    return redirect("appraisal:researcher_appraisal", appraisal.pk)
        else:
            form = StartForm(regions=regions, initial={"year": timezone.localdate().year - 1})
    elif request.method == "POST":
        raise Http404("没有权限")
    person_id = scope_of(user).person_id
    mine = (ResearcherEntry.objects.filter(person_id=person_id, appraisal__status=AppraisalStatus.PUBLISHED)
            .select_related("appraisal", "appraisal__region").order_by("-appraisal__year")
            if person_id is not None else ResearcherEntry.objects.none())
    appraisals = [a for a in access.appraisals_visible_to(user).order_by("-year", "region__path")[:100]
                  if access.can_read_all(user, a)]
    return render(request, "appraisal/researchers/home.html", {
        "appraisals": appraisals, "form": form, "mine": list(mine),
        "to_rate": list(access.ratable_appraisals(user)), "figures": workload.FIGURES,
        "dimensions": workload.DIMENSIONS})


def _entry_rows(appraisal: ResearcherAppraisal, entries: list[ResearcherEntry]) -> list[dict[str, Any]]:
    rows = []
    for e in entries:
        final = e.scores.get("final", {}) if e.scores else {}
        rows.append({
            "entry": e, "dims": [final.get(code) for code, _ in workload.DIMENSIONS],
            "figures": [(f, e.value(f.code), f.code in e.adjusted) for f in workload.FIGURES],
            "teacher_rate": workload.response_rate(e.teacher_responses, e.teachers_invited),
            "school_rate": workload.response_rate(e.school_responses, e.schools_invited),
        })
    return rows


@login_required
def appraisal_detail(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    user = request.user
    appraisal = access.get_appraisal_for_user(user, appraisal_id)
    if not access.can_read_all(user, appraisal):
        mine = access.entries_visible_to(user, appraisal).first()
        if mine is None:
            raise Http404("没有找到该考核")
        return redirect("appraisal:researcher_entry", mine.pk)
    entries = list(access.entries_visible_to(user, appraisal)[:ENTRY_LIMIT])
    total = appraisal.entries.count()
    levels = {lv: 0 for lv in workload.LEVELS}
    for lv in appraisal.entries.exclude(level="").values_list("level", flat=True):
        levels[lv] = levels.get(lv, 0) + 1
    return render(request, "appraisal/researchers/appraisal.html", {
        "appraisal": appraisal, "rows": _entry_rows(appraisal, entries), "total": total,
        "shown": len(entries), "figures": workload.FIGURES, "dimensions": workload.DIMENSIONS,
        "progress": _bar(appraisal), "polling": appraisal.is_running, "levels": levels,
        "can_run": access.can_run(user, appraisal.region), "sheets": appraisal.sheets.count(),
        "standards": svc.standards_for(appraisal.region)})


@login_required
@require_POST
def appraisal_state(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    """Recompute, open the ratings or publish (the runners of the appraisal's node)."""
    user = request.user
    appraisal = access.get_appraisal_for_user(user, appraisal_id, run=True)
    action = request.POST.get("action", "")
    try:
        if action == "recompute":
            svc.appraisal_recompute(actor=user, appraisal=appraisal)
            messages.success(request, "已重新排队计算")
        elif action == "open":
            svc.ratings_open(actor=user, appraisal=appraisal)
            messages.success(request, "评价问卷已开放，教师和学校登录后即可评价")
        elif action == "publish":
            n = svc.appraisal_publish(actor=user, appraisal=appraisal)
            messages.success(request, f"已公布{n}名教研员的考核结果")
        else:
            messages.error(request, "未知操作")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("appraisal:researcher_appraisal", appraisal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def standards(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    """The institution's workload standards (used by this and later appraisals of its node)."""
    user = request.user
    appraisal = access.get_appraisal_for_user(user, appraisal_id, run=True)
    current = svc.standards_for(appraisal.region)
    form = StandardsForm(request.POST or None, standards=current)
    if request.method == "POST" and form.is_valid():
        try:
            for f in workload.FIGURES:
                if float(form.cleaned_data[f.code]) != current[f.code]:
                    svc.standard_set(actor=user, region=appraisal.region, figure=f.code,
                                     target=form.cleaned_data[f.code])
            if appraisal.status != AppraisalStatus.PUBLISHED:
                svc.score(appraisal)
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, "工作量标准已保存，考核得分已按新标准计算")
            return redirect("appraisal:researcher_appraisal", appraisal.pk)
    return render(request, "appraisal/researchers/standards.html", {"appraisal": appraisal, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: AuthedRequest, entry_id: int) -> HttpResponse:
    user = request.user
    entry = access.get_entry_for_user(user, entry_id)
    appraisal = entry.appraisal
    can_adjust = access.can_run(user, appraisal.region) and appraisal.status != AppraisalStatus.PUBLISHED
    form = None
    if can_adjust:
        form = AdjustForm(request.POST or None, initial={"figure": request.GET.get("figure", "")})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                svc.figure_adjust(actor=user, entry=entry, figure=d["figure"], value=d["value"], reason=d["reason"])
            except DomainError as e:
                e.show_on(form)
            else:
                messages.success(request, f"已调整“{workload.FIGURE_BY_CODE[d['figure']].label}”")
                return redirect("appraisal:researcher_entry", entry.pk)
    elif request.method == "POST":
        raise Http404("没有权限")
    standards_now = svc.standards_for(appraisal.region)
    workload_scores = entry.scores.get("workload", {}) if entry.scores else {}
    final = entry.scores.get("final", {}) if entry.scores else {}
    dims = []
    for code, label in workload.DIMENSIONS:
        figs = [{"f": f, "computed": entry.figures.get(f.code, 0), "value": entry.value(f.code),
                 "adjusted": f.code in entry.adjusted, "standard": standards_now[f.code]}
                for f in workload.FIGURES if f.dimension == code]
        dims.append({"code": code, "label": label, "figures": figs, "workload": workload_scores.get(code),
                     "final": final.get(code)})
    return render(request, "appraisal/researchers/entry.html", {
        "entry": entry, "appraisal": appraisal, "dims": dims, "form": form,
        "adjustments": entry.adjustments.select_related("by")[:50],
        "teacher_rate": workload.response_rate(entry.teacher_responses, entry.teachers_invited),
        "school_rate": workload.response_rate(entry.school_responses, entry.schools_invited),
        "published": appraisal.status == AppraisalStatus.PUBLISHED,
        "can_read_all": access.can_read_all(user, appraisal)})


@login_required
def figure_records_page(request: AuthedRequest, entry_id: int, figure: str) -> HttpResponse:
    """The records behind one figure of one researcher, as the viewer may see them."""
    user = request.user
    entry = access.get_entry_for_user(user, entry_id)
    spec = workload.FIGURE_BY_CODE.get(figure)
    if spec is None:
        raise Http404("没有这个工作量指标")
    year = entry.appraisal.year
    lines = figure_records(figure, user, dt.date(year, 1, 1), dt.date(year, 12, 31), entry.person_id)
    return render(request, "appraisal/researchers/records.html", {
        "entry": entry, "figure": spec, "lines": lines, "computed": entry.figures.get(figure, 0),
        "adjustment": entry.adjustments.filter(figure=figure).first()})


urls: list[URLPattern] = [
    path("researchers/", home, name="researchers"),
    path("researchers/<int:appraisal_id>/", appraisal_detail, name="researcher_appraisal"),
    path("researchers/<int:appraisal_id>/state/", appraisal_state, name="researcher_state"),
    path("researchers/<int:appraisal_id>/standards/", standards, name="researcher_standards"),
    path("researchers/<int:appraisal_id>/rate/", researcher_rating.rate, name="researcher_rate"),
    path("researchers/entries/<int:entry_id>/", entry_detail, name="researcher_entry"),
    path("researchers/entries/<int:entry_id>/records/<str:figure>/", figure_records_page, name="researcher_records"),
]
