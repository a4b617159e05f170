"""Pages of on-demand 送教 orders (订单式, 002 四(九)): the order list, posting an order, an
order's page (the match with its reasons, the organiser's edit, accept, delivered, ratings) and
the organiser's matching run with the greedy baseline beside it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.http import AuthedRequest
from core.models import Stage, Subject
from core.paging import paginate
from core.terms import current_term, term_by_key, terms_for
from research import access
from research.models.orders import OrderStatus, RatingSide
from research.order_selectors import OrderFilter, order_list
from research.services import orders as svc

DATE = {"type": "date"}


def _msgs(label: str) -> dict[str, str]:
    return {"required": f"{label}：请填写", "invalid": f"{label}：格式不正确", "invalid_choice": f"{label}：请选择"}


class OrderForm(forms.Form):
    org = forms.ChoiceField(label="下单单位", error_messages=_msgs("下单单位"))
    subject = forms.TypedChoiceField(label="学科", coerce=int, error_messages=_msgs("学科"))
    stage = forms.ChoiceField(label="学段", choices=Stage.choices, error_messages=_msgs("学段"))
    topic = forms.CharField(label="主题", max_length=120, error_messages=_msgs("主题"))
    problem = forms.CharField(label="需要解决的问题", max_length=svc.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages=_msgs("需要解决的问题"))
    preferred_from = forms.DateField(label="期望开始日期", widget=forms.DateInput(attrs=DATE),
                                     error_messages=_msgs("期望开始日期"))
    preferred_to = forms.DateField(label="期望结束日期", widget=forms.DateInput(attrs=DATE),
                                   error_messages=_msgs("期望结束日期"))


class EditForm(forms.Form):
    teacher = forms.CharField(label="送教教师（人员编号）", max_length=32, error_messages=_msgs("送教教师"))
    date = forms.DateField(label="送教日期", widget=forms.DateInput(attrs=DATE), error_messages=_msgs("送教日期"))


class RateForm(forms.Form):
    score = forms.TypedChoiceField(label="评分", coerce=int, choices=[(i, f"{i}分") for i in range(5, 0, -1)],
                                   error_messages=_msgs("评分"))
    comment = forms.CharField(label="评价", max_length=svc.TEXT_LIMIT, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def orders_list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    f = OrderFilter(status=g.get("status", "")[:10], org=g.get("org", "")[:16], term=g.get("term", "")[:8])
    page = paginate(request, order_list(request.user, f), per_page=30)
    return render(request, "research/orders/list.html", {
        "page": page, "f": f, "statuses": OrderStatus.choices,
        "can_post": bool(access.order_orgs_for(request.user)),
        "can_match": bool(access.organiser_regions(request.user))})


@login_required
def order_new_view(request: AuthedRequest) -> HttpResponse:
    orgs = {n.code: n for n in access.order_orgs_for(request.user)}
    if not orgs:
        raise Http404("没有可以下单的单位")
    form = OrderForm(request.POST or None)
    form.fields["org"].choices = [(c, n.name) for c, n in orgs.items()]  # type: ignore[attr-defined]  # a ChoiceField
    subjects = {s.pk: s for s in Subject.objects.order_by("sort", "code")}
    form.fields["subject"].choices = [(s.pk, s.name) for s in subjects.values()]  # type: ignore[attr-defined]  # a ChoiceField
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org = orgs[d["org"]]
        term = current_term(org, d["preferred_from"])
        if term is None:
            form.add_error("preferred_from", "期望开始日期：该单位尚未设置学期")
        else:
            try:
                order = svc.order_post(actor=request.user, org=org, term=term, subject=subjects[d["subject"]],
                                       stage=d["stage"], topic=d["topic"], problem=d["problem"],
                                       preferred_from=d["preferred_from"], preferred_to=d["preferred_to"])
            except svc.OrderError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, "订单已发布，等待教研机构匹配送教教师")
                return redirect("research:order_detail", order.pk)
    return render(request, "research/orders/new.html", {"form": form})


def _act(request: AuthedRequest, order: Any, action: str, forms_: dict[str, forms.Form]) -> str | None:
    """Run one action; a message on refusal (the bound form keeps what was typed)."""
    user = request.user
    try:
        if action == "cancel":
            svc.order_cancel(actor=user, order=order)
        elif action == "accept":
            access.get_order_for_user(user, order.pk, write=True)
            svc.order_accept(actor=user, order=order)
        elif action == "deliver":
            access.get_order_for_user(user, order.pk, write=True)
            svc.order_deliver(actor=user, order=order)
        elif action == "edit":
            access.get_order_for_user(user, order.pk, write=True)
            form = forms_["edit"]
            if not form.is_valid():
                return "请检查填写的内容"
            teacher = access.get_order_teacher_for_user(user, order, form.cleaned_data["teacher"].strip())
            if teacher is None:
                form.add_error("teacher", "送教教师：没有找到该人员编号")
                return "请检查填写的内容"
            svc.order_match_edit(actor=user, order=order, teacher=teacher, date=form.cleaned_data["date"])
        elif action == "rate":
            form = forms_["rate"]
            if not form.is_valid():
                return "请检查填写的内容"
            svc.order_rate(actor=user, order=order, score=form.cleaned_data["score"],
                           comment=form.cleaned_data["comment"])
        else:
            raise Http404("未知操作")
    except svc.OrderError as e:
        form_ = forms_.get(action)
        if form_ is not None and e.field in form_.fields:
            form_.add_error(e.field, e.message)
        return e.message
    return None


@login_required
def order_detail_view(request: AuthedRequest, order_id: int) -> HttpResponse:
    order = access.get_order_for_user(request.user, order_id)
    match = getattr(order, "match", None)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if data is not None else ""
    forms_: dict[str, forms.Form] = {
        "edit": EditForm(data if action == "edit" else None,
                         initial={"teacher": match.teacher.code if match else "",
                                  "date": match.date if match else order.preferred_from}),
        "rate": RateForm(data if action == "rate" else None),
    }
    error = None
    if data is not None:
        error = _act(request, order, action, forms_)
        if error is None:
            messages.success(request, "已保存")
            return redirect("research:order_detail", order.pk)
        order = access.get_order_for_user(request.user, order_id)
        match = getattr(order, "match", None)
    side = access.rating_side_for(request.user, order)
    ratings = list(order.ratings.all())
    return render(request, "research/orders/detail.html", {
        "o": order, "m": match, "error": error, "edit_form": forms_["edit"], "rate_form": forms_["rate"],
        "organiser": access.can_organise_order(request.user, order),
        "can_cancel": order.status in (OrderStatus.OPEN, OrderStatus.MATCHED, OrderStatus.ACCEPTED)
        and (access.can_organise_order(request.user, order) or access.can_post_order(request.user, order.org)),
        "side": side, "side_label": RatingSide(side).label if side else "", "ratings": ratings,
        "rated_sides": {r.side for r in ratings}})


@login_required
def orders_match_view(request: AuthedRequest) -> HttpResponse:
    regions = access.organiser_regions(request.user)
    if not regions:
        raise Http404("没有可以匹配订单的区域")
    by_code = {r.code: r for r in regions}
    code = (request.POST.get("region") or request.GET.get("region") or regions[0].code)[:16]
    region = by_code.get(code)
    if region is None:
        raise Http404("没有找到该区域")
    terms = terms_for(region)
    key = request.POST.get("term") or request.GET.get("term") or ""
    term = term_by_key(region, key) if key else current_term(region)
    run = None
    error = ""
    if request.method == "POST" and term is not None:
        try:
            run = svc.orders_match(actor=request.user, region=region, term=term)
        except svc.OrderError as e:
            error = e.message
    orders = {o.pk: o for o in order_list(request.user, OrderFilter(org=region.code, term=term.key if term else ""))
              .filter(status__in=(OrderStatus.OPEN, OrderStatus.MATCHED))[:500]}
    return render(request, "research/orders/match.html", {
        "regions": regions, "region": region, "terms": terms, "term": term, "run": run, "error": error,
        "orders": orders})


urls: list[URLPattern] = [
    path("orders/", orders_list_view, name="orders_list"),
    path("orders/new/", order_new_view, name="order_new"),
    path("orders/match/", orders_match_view, name="orders_match"),
    path("orders/<int:order_id>/", order_detail_view, name="order_detail"),
]
