"""Org browser: the tree from the user's home node down to schools; school list with export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.access import (
    get_node_for_user,
    groups_visible_to,
    home_node,
    nodes_visible_to,
    schools_visible_to,
    scope_of,
)
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import SCHOOL_TYPE_STAGES, GroupKind, Locale, OrgKind, OrgNode, SchoolType, Stage
from core.paging import paginate
from core.selectors import child_regions_table, recent_grants, region_stats, school_rows, staff_summary
from core.terms import current_term


@login_required
def org_browser(request: AuthedRequest) -> HttpResponse:
    node = home_node(request.user)
    if node is None:
        return render(request, "core/org_empty.html")
    return redirect("node_detail", code=node.code)


def _crumbs(request: AuthedRequest, node_path: str) -> list[dict[str, object]]:
    """Ancestors as breadcrumbs; those outside the viewer's scope are names without links."""
    scope = scope_of(request.user)
    parts = [p for p in node_path.split("/") if p][:-1]
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    nodes = {n.path: n for n in OrgNode.objects.filter(path__in=paths)}
    return [{"node": nodes[p], "link": scope.covers(p)} for p in paths if p in nodes]


@login_required
def node_detail(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    node = get_node_for_user(user, code)
    term = current_term(node)
    ctx: dict[str, object] = {"node": node, "crumbs": _crumbs(request, node.path), "term": term}
    if node.kind == OrgKind.SCHOOL:
        ctx["staff"] = staff_summary(user, node)
        ctx["grants"] = recent_grants(user, node)
        ctx["groups"] = (groups_visible_to(user).filter(school=node, term_key=term.key, kind=GroupKind.SUBJECT)
                         .prefetch_related("subjects", "prep_groups") if term else [])
        return render(request, "core/school_detail.html", ctx)
    ctx["stats"] = region_stats(user, node)
    ctx["children"] = child_regions_table(user, node)
    schools = schools_visible_to(user).filter(parent=node).order_by("path")
    if node.kind in (OrgKind.COUNTY, OrgKind.TOWNSHIP):
        schools = schools_visible_to(user).filter(path__startswith=node.path).order_by("path")
    page = paginate(request, schools, per_page=100)
    ctx["page"] = page
    ctx["schools"] = school_rows(user, schools.filter(pk__in=[s.pk for s in page.items]), term.key if term else None)
    return render(request, "core/region_detail.html", ctx)


SCHOOL_HEADERS = ["学校标识码", "学校名称", "所属区域", "办学类型", "学段", "城乡类别", "薄弱学校", "教学点",
                  "班级数", "学生数", "地址"]


@login_required
def schools_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    qs = schools_visible_to(user).select_related("parent")
    f = {k: request.GET.get(k, "").strip() for k in ("q", "node", "type", "stage", "locale", "weak")}
    scope_node = None
    if f["node"]:
        scope_node = get_node_for_user(user, f["node"])
        qs = qs.filter(path__startswith=scope_node.path)
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"]) | Q(code__startswith=f["q"]))
    if f["type"]:
        qs = qs.filter(school_type=f["type"])
    if f["stage"]:
        types = [t for t, stages in SCHOOL_TYPE_STAGES.items() if f["stage"] in stages]
        qs = qs.filter(school_type__in=types)
    if f["locale"]:
        qs = qs.filter(locale=f["locale"])
    if f["weak"] == "1":
        qs = qs.filter(is_weak=True)
    elif f["weak"] == "0":
        qs = qs.filter(is_weak=False)
    qs = qs.order_by("path")
    if request.GET.get("format") == "xlsx":
        rows = ([s.code, s.name, s.parent.name if s.parent else "", s.get_school_type_display(), s.stage_labels,
                 s.get_locale_display(), s.is_weak, s.is_teaching_point, s.class_count, s.student_count, s.address]
                for s in qs.iterator(chunk_size=2000))
        return xlsx_response("学校名单", "学校", SCHOOL_HEADERS, rows, note=_filter_note(f, scope_node))
    page = paginate(request, qs, per_page=50)
    term_node = scope_node or home_node(user)
    term = current_term(term_node) if term_node else None
    table = school_rows(user, qs.filter(pk__in=[s.pk for s in page.items]), term.key if term else None)
    return render(request, "core/schools_list.html", {
        "page": page, "rows": table, "f": f, "types": SchoolType.choices, "stages": Stage.choices,
        "locales": Locale.choices, "scope_node": scope_node,
        "regions": nodes_visible_to(user).exclude(kind=OrgKind.SCHOOL).order_by("path")[:300],
    })


def _filter_note(f: dict[str, str], node: OrgNode | None) -> str:
    bits = []
    if node is not None:
        bits.append(f"区域：{node}")
    labels = {"q": "名称", "type": "类型", "stage": "学段", "locale": "城乡", "weak": "薄弱"}
    for key, label in labels.items():
        if f.get(key):
            bits.append(f"{label}：{f[key]}")
    return "筛选条件：" + ("；".join(bits) if bits else "全部")
