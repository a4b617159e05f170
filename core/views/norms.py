"""Norms and compliance: every norm of spec/norms.md for any scope and term, who meets it,
progress, who falls short; regional threshold overrides (recorded and audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core import services
from core.access import can_override_norms, nodes_visible_to, require
from core.compliance import compliance_for, evaluate
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import Norm, NormOverride, OrgKind, OrgNode
from core.views.common import chosen_node, chosen_term


@login_required
def compliance(request: AuthedRequest) -> HttpResponse:
    node = chosen_node(request, request.user)
    if node is None:
        return render(request, "core/compliance.html", {"node": None})
    term, terms = chosen_term(request, node)
    results = compliance_for(request.user, node, term)
    if request.GET.get("format") == "xlsx":
        rows = ((r.norm.code, r.norm.category, r.norm.title, r.norm.source, r.threshold,
                 "暂无数据" if not r.has_metric else f"{r.met}/{r.total}", r.percent if r.has_metric else None)
                for r in results)
        return xlsx_response("规范达标", "规范达标", ["编码", "类别", "要求", "出处", "阈值", "达标", "达标率%"], rows,
                             note=f"范围：{node.name}；{term.label if term else ''}")
    categories: dict[str, list[object]] = {}
    for r in results:
        categories.setdefault(r.norm.category, []).append(r)
    return render(request, "core/compliance.html", {
        "node": node, "term": term, "terms": terms, "categories": categories,
        "measured": sum(1 for r in results if r.has_metric), "total": len(results),
        "regions": nodes_visible_to(request.user).exclude(kind=OrgKind.SCHOOL).order_by("path")[:300],
    })


class OverrideForm(forms.Form):
    threshold = forms.FloatField(label="阈值", min_value=0, error_messages={"required": "请填写阈值",
                                                                           "invalid": "阈值应为数字"})
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
                                           threshold=form.cleaned_data["threshold"], note=form.cleaned_data["note"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已为{node.name}及其下级设置阈值 {form.cleaned_data['threshold']:g}。")
                return redirect(f"{reverse('norm_detail', args=[code])}?node={node.code}"
                                f"&term={term.key if term else ''}")
    result = evaluate(user, node, term, norm)
    if request.GET.get("format") == "xlsx":
        cells = ((r.label, r.context, "达标" if r.meets else "未达标", r.value, r.target, r.detail) for r in result.rows)
        return xlsx_response(f"{norm.code}达标情况", norm.code, ["对象", "所属", "结论", "实际值", "要求", "说明"], cells,
                             note=f"{norm.code} {norm.title}；范围：{node.name}；{term.label if term else ''}")
    only = request.GET.get("only", "")
    rows = [r for r in result.rows if not r.meets] if only == "short" else result.rows
    overrides = NormOverride.objects.filter(norm=norm, region__in=OrgNode.objects.at_paths(node.ancestor_paths())
                                            ).select_related("region", "set_by").order_by("region__depth")
    return render(request, "core/norm_detail.html", {
        "norm": norm, "node": node, "term": term, "terms": terms, "result": result, "rows": rows[:1000],
        "truncated": len(rows) > 1000, "only": only, "can_override": can_override, "form": form,
        "overrides": overrides,
    })
