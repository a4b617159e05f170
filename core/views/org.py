"""Org browser: the tree from the user's home node down to schools; school list with export."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.access import (
    AnyUser,
    get_node_for_user,
    groups_visible_to,
    home_node,
    nodes_visible_to,
    schools_visible_to,
    scope_of,
)
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import GroupKind, Locale, OrgKind, OrgNode, SchoolType, Stage
from core.paging import paginate
from core.panels import panels_for
from core.selectors import (
    SchoolFilter,
    child_regions_table,
    recent_grants,
    region_stats,
    school_rows,
    schools_matching,
    staff_summary,
)
from core.terms import current_term


@login_required
def org_browser(request: AuthedRequest) -> HttpResponse:
    node = home_node(request.user)
    if node is None:
        return render(request, "core/org_empty.html")
    return redirect("node_detail", code=node.code)


def _crumbs(request: AuthedRequest, node: OrgNode) -> list[dict[str, object]]:
    """Ancestors as breadcrumbs; those outside the viewer's scope are names without links."""
    scope = scope_of(request.user)
    paths = node.ancestor_paths()[:-1]
    nodes = {n.path: n for n in OrgNode.objects.at_paths(paths)}
    return [{"node": nodes[p], "link": scope.covers(p)} for p in paths if p in nodes]


@login_required
def node_detail(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    node = get_node_for_user(user, code)
    term = current_term(node)
    ctx: dict[str, object] = {"node": node, "crumbs": _crumbs(request, node), "term": term}
    if node.kind == OrgKind.SCHOOL:
        ctx["staff"] = staff_summary(user, node)
        ctx["grants"] = recent_grants(user, node)
        ctx["panels"] = panels_for(user, school=node)
        ctx["groups"] = (groups_visible_to(user).filter(school=node, term_key=term.key, kind=GroupKind.SUBJECT)
                         .prefetch_related("subjects", "prep_groups") if term else [])
        return render(request, "core/school_detail.html", ctx)
    ctx["stats"] = region_stats(user, node)
    ctx["children"] = child_regions_table(user, node)
    schools = schools_visible_to(user).filter(parent=node).order_by("path")
    if node.kind in (OrgKind.COUNTY, OrgKind.TOWNSHIP):
        schools = schools_visible_to(user).under(node.path).order_by("path")
    page = paginate(request, schools, per_page=100)
    ctx["page"] = page
    ctx["schools"] = school_rows(user, schools.filter(pk__in=[s.pk for s in page.items]), term.key if term else None)
    return render(request, "core/region_detail.html", ctx)


SCHOOL_HEADERS = ["学校标识码", "学校名称", "所属区域", "办学类型", "学段", "城乡类别", "隶属关系", "薄弱学校",
                  "教学点", "班级数", "学生数", "地址"]


class SchoolFilterForm(forms.Form):
    """The schools page's filters, validated here and handed to core.selectors.schools_matching
    (the API validates the same filters with core.api.schools.SchoolQuery)."""

    q = forms.CharField(max_length=50, required=False)
    node = forms.CharField(max_length=16, required=False)
    type = forms.ChoiceField(choices=[("", ""), *SchoolType.choices], required=False)
    stage = forms.ChoiceField(choices=[("", ""), *Stage.choices], required=False)
    locale = forms.ChoiceField(choices=[("", ""), *Locale.choices], required=False)
    weak = forms.NullBooleanField(required=False, widget=forms.Select(choices=[("", ""), ("1", "是"), ("0", "否")]))
    teaching_point = forms.NullBooleanField(required=False)

    def school_filter(self, user: AnyUser) -> SchoolFilter:
        # A filter that does not validate is left out, as an unknown query parameter would be.
        self.is_valid()
        d = self.cleaned_data
        node = get_node_for_user(user, d["node"]) if d.get("node") else None
        return SchoolFilter(q=d.get("q") or "", under=node, stage=d.get("stage") or "",
                            school_type=d.get("type") or "", locale=d.get("locale") or "", weak=d.get("weak"),
                            teaching_point=d.get("teaching_point"))


@login_required
def schools_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    f = {k: request.GET.get(k, "").strip() for k in ("q", "node", "type", "stage", "locale", "weak")}
    chosen = SchoolFilterForm(request.GET).school_filter(user)
    scope_node = chosen.under
    qs = schools_matching(user, chosen)
    if request.GET.get("format") == "xlsx":
        rows = ([s.code, s.name, s.parent.name if s.parent else "", s.get_school_type_display(), s.stage_labels,
                 s.get_locale_display(), s.get_affiliation_display(), s.is_weak, s.is_teaching_point, s.class_count, s.student_count, s.address]
                for s in qs.iterator(chunk_size=2000))
        return xlsx_response("学校名单", "学校", SCHOOL_HEADERS, rows, note=_filter_note(f, scope_node))
    page = paginate(request, qs, per_page=50)
    term_node = scope_node or home_node(user)
    term = current_term(term_node) if term_node else None
    table = school_rows(user, qs.filter(pk__in=[s.pk for s in page.items]), term.key if term else None)
    return render(request, "core/schools_list.html", {
        "page": page, "rows": table, "f": f, "types": SchoolType.choices, "stages": Stage.choices,
        "locales": Locale.choices, "scope_node": scope_node,
        "regions": nodes_visible_to(user).regions().order_by("path")[:300],
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
