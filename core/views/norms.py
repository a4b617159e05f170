"""Norms and compliance: every norm of spec/norms.md for any scope and term, who meets it,
progress, who falls short; regional threshold overrides (recorded and audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core import services
from core.access import can_override_norms, nodes_visible_to, require
from core.compliance import NormResult, as_rows, compliance_for, override_source, stored_rows
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import Norm, NormOverride, OrgKind, OrgNode, Term, range_text
from core.norm_catalogue import source_for
from core.norm_results import ensure_fresh
from core.paging import paginate
from core.urlmaker import url_maker
from core.views.common import chosen_node, chosen_term

DETAIL_PAGE = 50


def _split(results: list[NormResult]) -> tuple[list[NormResult], list[NormResult]]:
    """Norms with figures, and those with none yet (no module records them, or nothing here to
    count), which the page and its export group apart."""
    return [r for r in results if r.has_data], [r for r in results if not r.has_data]


def _status_text(r: NormResult) -> str:
    if r.status == "nodata":
        return "尚未开展（相应业务模块上线后计量）"
    if r.status == "empty":
        return "暂无记录"
    return f"{r.met}/{r.total}"


@dataclass(frozen=True)
class NormCard:
    """One norm's line on the page, its figures and link worked out once: the table and the
    phone cards show each norm twice, and a province page lists 57 of them."""

    code: str
    title: str
    category: str
    link: str
    source_text: str
    requirement: str
    override_text: str
    status: str
    met: int
    total: int
    percent: int
    bar: str
    short_count: int


def _cards(results: list[NormResult], node: OrgNode, term: Term | None) -> list[NormCard]:
    detail = url_maker("norm_detail")
    query = f"?node={node.code}" + (f"&term={term.key}" if term else "")
    return [NormCard(
        code=r.norm.code, title=r.norm.title, category=r.norm.category, link=detail(r.norm.code) + query,
        source_text=r.source_text or "", requirement=r.norm.default_text,
        override_text=f"（{r.override.region_name}调整为 {r.threshold_text}）" if r.override else "",
        status=r.status, met=r.met, total=r.total, percent=r.percent, bar=r.bar, short_count=r.short_count)
        for r in results]


@login_required
def compliance(request: AuthedRequest) -> HttpResponse:
    node = chosen_node(request, request.user)
    if node is None:
        return render(request, "core/compliance.html", {"node": None})
    term, terms = chosen_term(request, node)
    fresh = ensure_fresh(node, term)
    results = compliance_for(request.user, node, term, refresh=False)
    measured, waiting = _split(results)
    if request.GET.get("format") == "xlsx":
        # Norms with figures first, then those with none yet, apart (the page's grouping).
        rows = ((r.norm.category, r.norm.title, r.source_text, r.threshold_text,
                 _status_text(r), r.percent if r.has_data else None, r.norm.code)
                for r in [*measured, *waiting])
        return xlsx_response("规范达标", "规范达标", ["类别", "要求", "出处", "阈值", "达标", "达标率%", "编码"], rows,
                             note=f"范围：{node.name}；{term.label if term else ''}；"
                                  f"有数据 {len(measured)} 项，尚未开展或暂无记录 {len(waiting)} 项")
    categories: dict[str, list[NormCard]] = {}
    for card in _cards(measured, node, term):
        categories.setdefault(card.category, []).append(card)
    return render(request, "core/compliance.html", {
        "node": node, "term": term, "terms": terms, "categories": categories,
        "waiting": _cards(waiting, node, term), "fresh": fresh,
        "measured": sum(1 for r in results if r.has_metric), "total": len(results),
        "regions": nodes_visible_to(request.user).exclude(kind=OrgKind.SCHOOL).order_by("path")[:300],
    })


class OverrideForm(forms.Form):
    threshold = forms.FloatField(label="最低值", min_value=0, required=False,
                                 error_messages={"invalid": "最低值应为数字", "min_value": "最低值不能为负数"})
    threshold_max = forms.FloatField(label="最高值", min_value=0, required=False,
                                     error_messages={"invalid": "最高值应为数字", "min_value": "最高值不能为负数"})
    note = forms.CharField(label="说明", max_length=200, required=False)


@login_required
def norm_detail(request: AuthedRequest, code: str) -> HttpResponse:
    norm = Norm.objects.filter(code=code).first()
    if norm is None:
        raise Http404("没有该规范")
    user = request.user
    node = chosen_node(request, user)
    require(node is not None)
    assert node is not None
    term, terms = chosen_term(request, node)
    can_override = can_override_norms(user, node)
    form = OverrideForm()
    if request.method == "POST":
        require(can_override)
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.norm_override_set(actor=user, norm=norm, region=node,
                                           threshold=form.cleaned_data["threshold"],
                                           threshold_max=form.cleaned_data["threshold_max"],
                                           note=form.cleaned_data["note"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                shown = range_text(form.cleaned_data["threshold"], form.cleaned_data["threshold_max"])
                messages.success(request, f"已为{node.name}及其下级设置阈值 {shown}。")
                return redirect(f"{reverse('norm_detail', args=[code])}?node={node.code}"
                                f"&term={term.key if term else ''}")
    fresh = ensure_fresh(node, term)
    result = compliance_for(user, node, term, codes=[norm.code], refresh=False)[0]
    only = request.GET.get("only", "")
    qs = stored_rows(user, node, term, norm.code)
    if only == "short":
        qs = qs.filter(meets=False)
    if request.GET.get("format") == "xlsx":
        cells = ((r.label, r.context, "达标" if r.meets else "未达标", r.value, r.target, r.detail)
                 for r in as_rows(qs.iterator(chunk_size=2000), user))
        return xlsx_response(f"{norm.title[:40]}达标情况", "达标情况", ["对象", "所属", "结论", "实际值", "要求", "说明"],
                             cells, note=f"{norm.title}；范围：{node.name}；{term.label if term else ''}")
    page = paginate(request, qs, DETAIL_PAGE)
    page.items = as_rows(page.items, user)
    overrides = NormOverride.objects.filter(norm=norm, region__in=OrgNode.objects.at_paths(node.ancestor_paths())
                                            ).select_related("region", "set_by").order_by("region__depth")
    return render(request, "core/norm_detail.html", {
        "norm": norm, "node": node, "term": term, "terms": terms, "result": result, "page": page,
        "rows": page.items, "only": only, "can_override": can_override, "form": form, "fresh": fresh,
        "overrides": overrides, "override": override_source(norm.code, node),
        "source_text": source_for(norm.code, node, norm.source),
    })
