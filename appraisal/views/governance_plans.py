"""Pages of the yearly plans (年度教研工作要点, 000 §14): the list, a new plan, and a plan's page
with its tree of progress level by level, where each level pushes items down and adds its own
sub-items."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import governance_access as access
from appraisal.services import governance as services
from appraisal.services import governance_selectors as selectors
from appraisal.views.governance_common import page, year_param
from core.access import get_node_for_user, require
from core.errors import DomainError
from core.http import AuthedRequest

DATE = forms.DateInput(attrs={"type": "date"})


@login_required
def plans(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = year_param(request)
    items = list(access.plans_visible_to(user).filter(year=year)[:100])
    return page(request, "appraisal/governance/plans.html", {
        "year": year, "plans": items, "can_create": bool(access.plan_regions(user))})


class PlanForm(forms.Form):
    region = forms.ChoiceField(label="制定单位")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="标题", max_length=120)
    items = forms.CharField(label="工作事项（每行一项：事项｜完成期限，如“开展学科视导｜2026-11-30”）", required=False,
                            widget=forms.Textarea(attrs={"rows": 6}))

    def clean_items(self) -> list[tuple[str, object]]:
        out = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            text, sep, day = line.replace("|", "｜").rpartition("｜")
            field = forms.DateField()
            try:
                due = field.clean(day.strip())
            except forms.ValidationError as e:
                raise forms.ValidationError(f"工作事项第{n}行：完成期限应为日期，如 2026-11-30") from e
            if not sep or not text.strip():
                raise forms.ValidationError(f"工作事项第{n}行：请写成“事项｜完成期限”")
            out.append((text.strip(), due))
        return out


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    regions = {r.code: r for r in access.plan_regions(user)}
    require(bool(regions))
    form = PlanForm(request.POST or None, initial={"year": year_param(request)})
    cast(forms.ChoiceField, form.fields["region"]).choices = [(c, r.name) for c, r in regions.items()]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = services.plan_create(actor=user, region=regions[d["region"]], year=d["year"], title=d["title"],
                                        items=tuple(d["items"]))
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已建立{plan}")
            return redirect("appraisal:governance_plan_detail", plan.pk)
    return page(request, "appraisal/governance/form.html", {
        "form": form, "title": "制定年度教研工作要点", "back": reverse("appraisal:governance_plans"),
        "testid": "plan-form"})


@login_required
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = access.get_plan_for_user(user, plan_id)
    today = timezone.localdate()
    tree, totals = selectors.plan_progress(user, plan, today)
    holds = selectors.holdings(user, plan)
    return page(request, "appraisal/governance/plan_detail.html", {
        "plan": plan, "tree": tree, "totals": totals, "holdings": holds, "today": today,
        "can_add_top": access.can_manage_region(user, plan.region),
        "own_tasks": [h.task for h in holds if h.task is not None]})


@login_required
@require_POST
def item_add(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = access.get_plan_for_user(user, plan_id)
    at = get_node_for_user(user, request.POST.get("at", ""))
    require(access.can_act_at(user, at))
    parent = None
    if request.POST.get("parent"):
        parent = access.get_item_for_user(user, int(request.POST["parent"])) if request.POST["parent"].isdigit() else None
        require(parent is not None, "没有找到该工作事项")
    try:
        due = forms.DateField().clean(request.POST.get("due", ""))
    except forms.ValidationError:
        messages.error(request, "完成期限：请填写日期")
        return redirect("appraisal:governance_plan_detail", plan.pk)
    try:
        item = services.item_add(actor=user, plan=plan, at=at, text=request.POST.get("text", ""), due=due,
                                 parent=parent)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已添加工作事项：{item.text}")
    return redirect("appraisal:governance_plan_detail", plan.pk)


@login_required
@require_POST
def item_push(request: AuthedRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = access.get_item_for_user(user, item_id)
    from_node = get_node_for_user(user, request.POST.get("from", ""))
    require(access.can_act_at(user, from_node))
    due = None
    if request.POST.get("due"):
        try:
            due = forms.DateField().clean(request.POST["due"])
        except forms.ValidationError:
            messages.error(request, "完成期限：请填写日期")
            return redirect("appraisal:governance_plan_detail", item.plan_id)
    try:
        n = services.item_push(actor=user, item=item, from_node=from_node, through=request.POST.get("through") == "1",
                               due=due)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已下达“{item.text}”到{n}个单位" if n else "下级单位都已收到这项工作")
    return redirect("appraisal:governance_plan_detail", item.plan_id)


urls: list[URLPattern] = [
    path("governance/plans/", plans, name="governance_plans"),
    path("governance/plans/new/", plan_new, name="governance_plan_new"),
    path("governance/plans/<int:plan_id>/", plan_detail, name="governance_plan_detail"),
    path("governance/plans/<int:plan_id>/items/", item_add, name="governance_item_add"),
    path("governance/items/<int:item_id>/push/", item_push, name="governance_item_push"),
]
