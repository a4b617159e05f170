"""The quota page (LEAD.OBSERVE_HEAD, LEAD.OBSERVE_MIDDLE, LEAD.COVERAGE): a leader's own
progress, a school's leaders and unobserved teachers, a county's or city's schools, with those
behind pace named first (004 (一)1)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.access import get_node_for_user, require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode
from observe import charts
from observe.access import can_read_quota, quota_roots
from observe.quotas import BEHIND, HEAD_CODE, quota_report
from observe.views.common import chosen_term

ROW_LIMIT = 500


def _default_node(user: Any) -> OrgNode | None:
    roots = quota_roots(user)
    if not roots:
        return None
    if roots == [""]:
        return OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
    return OrgNode.objects.filter(path__in=roots).order_by("depth", "path").first()


@login_required
def quota(request: AuthedRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("node", "").strip()
    node = get_node_for_user(user, code) if code else _default_node(user)
    require(node is not None and can_read_quota(user, node))
    assert node is not None
    term, terms = chosen_term(request, node)
    ctx: dict[str, Any] = {"node": node, "term": term, "terms": terms}
    if term is None:
        return render(request, "observe/quota.html", ctx)
    report = quota_report(user, node, term)
    if request.GET.get("format") == "xlsx":
        rows = ([r.name, r.school_name, r.role_label, r.count, r.quota, r.expected, r.status_label]
                for r in report.leaders)
        return xlsx_response("听课任务完成情况", "校领导听课",
                             ["姓名", "学校", "类别", "已听节数", "学期任务", "按进度应听", "状态"], rows,
                             note=f"{node.name} · {term.label} · 学期已过{round(100 * report.fraction)}%")
    children: list[dict[str, Any]] = []
    if node.kind != OrgKind.SCHOOL:
        # Per child region (a city's counties) or per school (a county's schools).
        depth = node.depth + 1
        by_child: dict[str, dict[str, Any]] = defaultdict(lambda: {"leaders": 0, "behind": 0, "met": 0,
                                                                   "teachers": 0, "observed": 0, "schools": 0})
        school_paths = {s.pk: s for s in OrgNode.objects.filter(pk__in=[c.school_id for c in report.schools])
                        .only("id", "path")}
        for c in report.schools:
            key = "/".join(school_paths[c.school_id].path.split("/")[: depth + 1]) + "/"
            row = by_child[key]
            row["teachers"] += c.teachers
            row["observed"] += c.observed
            row["schools"] += 1
        for r in report.leaders:
            key = "/".join(school_paths[r.school_id].path.split("/")[: depth + 1]) + "/"
            row = by_child[key]
            row["leaders"] += 1
            row["behind"] += r.status == BEHIND
            row["met"] += r.count >= r.quota
        nodes = {n.path: n for n in OrgNode.objects.filter(path__in=list(by_child))}
        for path, row in sorted(by_child.items()):
            if path in nodes:
                row["node"] = nodes[path]
                row["coverage"] = round(100 * row["observed"] / row["teachers"], 1) if row["teachers"] else 100.0
                children.append(row)
    heads = [r for r in report.leaders if r.norm == HEAD_CODE]
    middles = [r for r in report.leaders if r.norm != HEAD_CODE]
    chart_data = {}
    if report.leaders and node.kind == OrgKind.SCHOOL:
        chart_data["chart-quota"] = charts.bars([r.name for r in report.leaders],
                                                [float(r.count) for r in report.leaders], "本学期听课节数")
    ctx.update({
        "report": report, "fraction": round(100 * report.fraction), "heads": heads[:ROW_LIMIT],
        "middles": middles[:ROW_LIMIT], "children": children, "is_school": node.kind == OrgKind.SCHOOL,
        "behind": report.behind[:ROW_LIMIT], "truncated": max(len(heads), len(middles)) > ROW_LIMIT,
        "coverage_rows": report.schools[:ROW_LIMIT], "chart_data": chart_data,
        "met": sum(1 for r in report.leaders if r.count >= r.quota),
    })
    return render(request, "observe/quota.html", ctx)
