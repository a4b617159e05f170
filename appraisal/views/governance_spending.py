"""Pages of schools' spending against the floors of 004 四(三): the table of a region's schools
for a year, a school entering its figures, the import of a sheet (with its template), and the
county's check (confirm, or return with a reason)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import funding
from appraisal import governance_access as access
from appraisal.models.governance import SpendingStatus
from appraisal.services import governance_selectors as selectors
from appraisal.services import governance_spending as services
from appraisal.views.governance_common import page, scope_node, year_param
from core.access import require
from core.errors import DomainError
from core.exporting import XLSX
from core.http import AuthedRequest
from core.spreadsheets import check_upload_size

MONEY = {"min_value": Decimal(0), "max_digits": 14, "decimal_places": 2}


@login_required
def spending(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.sees_spending(user))
    year = year_param(request)
    node = scope_node(request, user)
    lines = selectors.spending_lines(user, node, year) if node is not None else []
    pending = sum(1 for ln in lines if ln.record is not None and ln.record.status == SpendingStatus.SUBMITTED)
    return page(request, "appraisal/governance/spending.html", {
        "year": year, "node": node, "lines": lines, "categories": funding.CATEGORIES, "pending": pending,
        "can_enter": access.can_enter_somewhere(user),
        "checkable": {ln.record.pk for ln in lines if ln.record is not None
                      and access.can_check_spending(user, ln.school)}})


class SpendingForm(forms.Form):
    school = forms.ChoiceField(label="学校")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    public_funds = forms.DecimalField(label="年度公用经费（元）", **MONEY)  # type: ignore[arg-type]  # Decimal bounds
    training = forms.DecimalField(label="教师培训经费（元）", help_text="不低于公用经费的5%", **MONEY)  # type: ignore[arg-type]  # Decimal bounds
    equipment = forms.DecimalField(label="仪器设备、图书经费（元）", help_text="不低于10%", **MONEY)  # type: ignore[arg-type]  # Decimal bounds
    teaching = forms.DecimalField(label="教学业务经费（元）", help_text="实验、教研、差旅、印刷、体育等，不低于35%",
                                  **MONEY)  # type: ignore[arg-type]  # Decimal bounds


@login_required
@require_http_methods(["GET", "POST"])
def spending_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    schools = {s.code: s for s in access.entry_schools(user).order_by("path")[:500]}
    require(bool(schools))
    year = year_param(request)
    initial: dict[str, object] = {"year": year}
    code = request.GET.get("school", "")
    if code in schools:
        initial["school"] = code
        existing = access.spendings_visible_to(user).filter(school=schools[code], year=year).first()
        if existing is not None:
            initial.update(public_funds=existing.public_funds, training=existing.training,
                           equipment=existing.equipment, teaching=existing.teaching)
    form = SpendingForm(request.POST or None, initial=initial)
    form.fields["school"].choices = [(c, s.name) for c, s in schools.items()]  # type: ignore[attr-defined]  # a ChoiceField
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            record = services.spending_save(actor=user, school=schools[d["school"]], year=d["year"],
                                            public_funds=d["public_funds"], training=d["training"],
                                            equipment=d["equipment"], teaching=d["teaching"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已提交{record.school.name}{record.year}年经费，等待区县审核")
            return redirect("appraisal:governance_spending_detail", record.pk)
    return page(request, "appraisal/governance/form.html", {
        "form": form, "title": "填报学校经费支出", "testid": "spending-form",
        "back": reverse("appraisal:governance_spending")})


@login_required
def spending_detail(request: AuthedRequest, spending_id: int) -> HttpResponse:
    user = request.user
    record = access.get_spending_for_user(user, spending_id)
    shares = [(c, funding.money(getattr(record, c.field)), funding.share(getattr(record, c.field), record.public_funds),
               funding.meets_floor(getattr(record, c.field), record.public_funds, c.floor),
               funding.money(funding.shortfall(getattr(record, c.field), record.public_funds, c.floor)))
              for c in funding.CATEGORIES]
    return page(request, "appraisal/governance/spending_detail.html", {
        "record": record, "shares": shares, "funds": funding.money(record.public_funds), "can_check": access.can_check_spending(user, record.school),
        "can_edit": access.can_enter_spending(user, record.school) and record.status != SpendingStatus.CONFIRMED})


@login_required
@require_POST
def spending_check(request: AuthedRequest, spending_id: int) -> HttpResponse:
    user = request.user
    record = access.get_spending_for_user(user, spending_id, check=True)
    try:
        if request.POST.get("action") == "confirm":
            services.spending_confirm(actor=user, record=record)
            messages.success(request, f"已确认{record.school.name}{record.year}年经费")
        else:
            services.spending_return(actor=user, record=record, reason=request.POST.get("reason", ""))
            messages.success(request, f"已退回{record.school.name}，原因：{record.return_reason}")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("appraisal:governance_spending_detail", record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def spending_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_enter_somewhere(user))
    report, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要导入的文件"
        else:
            try:
                check_upload_size(upload.size, services.SPENDING_LIMITS)
                report = services.spendings_import(actor=user, content=upload.read(), filename=upload.name or "")
            except DomainError as e:
                error = e.message
    return page(request, "appraisal/governance/spending_import.html", {
        "report": report, "error": error, "limits": services.SPENDING_LIMITS.describe(),
        "columns": services.COLUMNS})


@login_required
def spending_template(request: AuthedRequest) -> HttpResponse:
    require(access.can_enter_somewhere(request.user))
    response = HttpResponse(services.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AD%A6%E6%A0%A1%E7%BB%8F%E8%B4%B9%E6%94%AF%E5%87%BA%E6%A8%A1%E6%9D%BF.xlsx"
    return response


urls: list[URLPattern] = [
    path("governance/spending/", spending, name="governance_spending"),
    path("governance/spending/new/", spending_new, name="governance_spending_new"),
    path("governance/spending/import/", spending_import, name="governance_spending_import"),
    path("governance/spending/template/", spending_template, name="governance_spending_template"),
    path("governance/spending/<int:spending_id>/", spending_detail, name="governance_spending_detail"),
    path("governance/spending/<int:spending_id>/check/", spending_check, name="governance_spending_check"),
]
