"""The quota page (LEAD.OBSERVE_HEAD, LEAD.OBSERVE_MIDDLE, LEAD.COVERAGE): a leader's own
progress, a school's leaders and unobserved teachers, a county's or city's schools, with those
behind pace named first (004 (一)1)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import format_html

from core import echarts
from core.access import get_node_for_user, require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.kept import kept
from core.models import OrgKind, OrgNode, Term
from core.norm_catalogue import source_for
from core.norm_results import ensure_fresh, small_scope
from core.progress import bar_class
from core.views.common import chosen_term
from observe.access import archives_readable, can_read_quota, quota_roots
from observe.quota_rollups import ChildRollup, rollup_by_child
from observe.quota_stored import stored_leaders, stored_quota
from observe.quotas import BEHIND, HEAD_CODE, MET, LeaderQuota, SchoolCoverage, elapsed_fraction, quota_report

ROW_LIMIT = 500
# A large region's page lists this many leaders and schools behind pace (the rest: the export and
# the norm's page).
STORED_LIMIT = 100
# What a large region's page reads (core.kept versions): the stored rows (their refresh bumps
# them), and the observations, people and posts of the schools it names.
QUOTA_MODELS = ("core.NormResultRow", "observe.Observation", "core.Person", "core.Post")


def _default_node(user: Any) -> OrgNode | None:
    roots = quota_roots(user)
    if not roots:
        return None
    if roots == [""]:
        return OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
    return OrgNode.objects.at_paths(roots).order_by("depth", "path").first()


def _href(code: str, term_key: str) -> str:
    """The page of another node for the same term (a relative query string, escaped as the
    template would have escaped each part)."""
    return format_html("?node={}&term={}", code, term_key)


def _tag(status: str) -> str:
    return "tag-bad" if status == BEHIND else "tag-ok" if status == MET else ""


def _leader_rows(rows: list[LeaderQuota], term_key: str) -> list[dict[str, Any]]:
    """Display rows for observe/_leader_table.html: every value formatted once here, so the
    template does plain dict lookups (a county lists hundreds of leaders)."""
    return [{
        "name": r.name, "school_name": r.school_name, "school_href": _href(r.school_code, term_key),
        "count": str(r.count), "quota": floatformat(r.quota, -1), "expected": str(r.expected),
        "bar": f"{'short' if r.status == BEHIND else ''} {bar_class(r.percent)}",
        "tag": _tag(r.status), "status_label": r.status_label,
    } for r in rows]


def _coverage_rows(schools: list[SchoolCoverage], term_key: str, is_school: bool) -> list[dict[str, Any]]:
    """Display rows for the coverage table. A region's page names the first eight unobserved
    teachers of each school; a school's page links every one to the teacher's archive."""
    out = []
    for s in schools:
        row: dict[str, Any] = {
            "school_name": s.school_name, "school_href": _href(s.school_code, term_key),
            "teachers": str(s.teachers), "observed": str(s.observed), "percent": str(s.percent),
            "tag": _tag(s.status), "status_label": s.status_label,
        }
        if is_school:
            row["unobserved"] = s.unobserved
        else:
            row["names"] = "、".join(t.name for t in s.unobserved[:8]) or "—"
            row["more"] = s.unobserved_count if s.unobserved_count > 8 else 0
        out.append(row)
    return out


def _child_rows(rollups: list[ChildRollup], term_key: str) -> list[dict[str, Any]]:
    nodes = {n.path: n for n in OrgNode.objects.at_paths(r.path for r in rollups).only("code", "name", "path")}
    return [{"href": _href(nodes[r.path].code, term_key), "name": nodes[r.path].name, "leaders": r.leaders,
             "behind": r.behind, "met": r.met, "teachers": r.teachers, "observed": r.observed, "schools": r.schools,
             "coverage": r.coverage} for r in rollups if r.path in nodes]


def _export(node: OrgNode, term: Term, leaders: list[LeaderQuota], fraction: float) -> HttpResponse:
    rows = ([r.name, r.school_name, r.role_label, r.count, r.quota, r.expected, r.status_label] for r in leaders)
    return xlsx_response("听课任务完成情况", "校领导听课",
                         ["姓名", "学校", "类别", "已听节数", "学期任务", "按进度应听", "状态"], rows,
                         note=f"{node.name} · {term.label} · 学期已过{round(100 * fraction)}%")


def _stored_page(request: AuthedRequest, node: OrgNode, term: Term, ctx: dict[str, Any]) -> HttpResponse:
    """A large region (more schools than a page computes: core.norm_results.small_scope) from the
    stored LEAD.* rows: its counts, its children, the leaders and the schools behind pace."""
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        return _export(node, term, stored_leaders(request.user, node, term, today=today),
                       elapsed_fraction(term, today))
    fresh = ensure_fresh(node, term)  # a large region waits for nothing: the task refreshes
    counted = kept(request.user, node, f"quota:{term.pk}:{today.isoformat()}",
                   lambda: stored_quota(request.user, node, term, today=today, limit=STORED_LIMIT), reads=QUOTA_MODELS)
    q = counted.value
    ctx.update({
        "stored": True, "fresh": fresh, "fraction": round(100 * q.fraction), "is_school": False,
        "children": _child_rows(q.children, term.key),
        "behind": _leader_rows(q.behind, term.key), "behind_count": q.behind_count, "leader_count": q.leaders,
        "met": q.met, "schools_behind_count": q.schools_behind, "school_count": q.schools,
        "coverage_rows": _coverage_rows(q.coverage, term.key, False), "stored_limit": STORED_LIMIT,
    })
    return render(request, "observe/quota.html", ctx)


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
    ctx["source_text"] = source_for(HEAD_CODE, node, "004 (一)1")
    if node.kind != OrgKind.SCHOOL and not small_scope(node):
        return _stored_page(request, node, term, ctx)
    # A school's page names every unobserved teacher; a region's the first few of each school.
    report = quota_report(user, node, term, names_per_school=1000 if node.kind == OrgKind.SCHOOL else 10)
    if request.GET.get("format") == "xlsx":
        return _export(node, term, report.leaders, report.fraction)
    # Per child region (a city's counties) or per school (a county's schools).
    children = (_child_rows(rollup_by_child(report.schools, report.leaders, node.depth + 1), term.key)
                if node.kind != OrgKind.SCHOOL else [])
    heads = [r for r in report.leaders if r.norm == HEAD_CODE]
    middles = [r for r in report.leaders if r.norm != HEAD_CODE]
    behind = report.behind
    is_school = node.kind == OrgKind.SCHOOL
    chart_data = {}
    if report.leaders and is_school:
        chart_data["chart-quota"] = echarts.bars([r.name for r in report.leaders],
                                                 [float(r.count) for r in report.leaders], "本学期听课节数")
    ctx.update({
        "report": report, "fraction": round(100 * report.fraction), "children": children, "is_school": is_school,
        "heads": _leader_rows(heads[:ROW_LIMIT], term.key) if is_school else [],
        "middles": _leader_rows(middles[:ROW_LIMIT], term.key) if is_school else [],
        "behind": _leader_rows(behind[:ROW_LIMIT], term.key) if not is_school else [],
        "behind_count": len(behind), "leader_count": len(report.leaders),
        "schools_behind_count": sum(1 for c in report.schools if c.status == BEHIND),
        "school_count": len(report.schools),
        "truncated": max(len(heads), len(middles)) > ROW_LIMIT,
        "coverage_rows": _coverage_rows(report.schools[:ROW_LIMIT], term.key, is_school), "chart_data": chart_data,
        "met": sum(1 for r in report.leaders if r.count >= r.quota),
        "archive_ids": (archives_readable(request.user, (t.person_id for s in report.schools[:ROW_LIMIT]
                                                         for t in s.unobserved)) if is_school else set()),
    })
    return render(request, "observe/quota.html", ctx)
