"""The workbench (工作台): each user's landing page. First what they must do next (the to-do list
of core.todo_selectors, ordered by core.todo), then their own group for middle managers and group
leaders, then the counters of their scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.access import groups_visible_to, home_node, is_school_manager, schools_visible_to, scope_of
from core.http import AuthedRequest
from core.models import RESEARCHER_ROLES, GroupKind, OrgKind, Role
from core.selectors import recent_grants, region_counters, school_rows, staff_summary
from core.terms import current_term
from core.todo_selectors import my_group_views, todos_for


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    node = home_node(user)
    ctx: dict[str, object] = {"node": node, "scope": scope,
                              "role_labels": sorted({Role(g.role).label for g in scope.grants})}
    if node is None:
        return render(request, "core/workbench.html", {**ctx, "kind": "none"})
    term = current_term(node)
    ctx["term"] = term
    ctx["todos"] = todos_for(user, node, term)
    ctx["group_views"] = my_group_views(user, term)
    if node.kind == OrgKind.SCHOOL:
        ctx["kind"] = "school"
        ctx["staff"] = staff_summary(user, node)
        ctx["grants"] = recent_grants(user, node)
        ctx["groups"] = (groups_visible_to(user).filter(school=node, term_key=term.key if term else "",
                                                        kind=GroupKind.SUBJECT)
                         if term else [])
        if scope.person_id is not None:
            ctx["my_groups"] = groups_visible_to(user).filter(memberships__person_id=scope.person_id,
                                                              term_key=term.key if term else "")
        ctx["is_manager"] = is_school_manager(user)
    else:
        ctx["kind"] = "region"
        # A provincial institute works with counties directly (000 §7: province links counties):
        # the cities and the counties from one scan of the province's schools.
        levels = (1, 2) if node.kind == OrgKind.PROVINCE else (1,) if node.kind == OrgKind.CITY else ()
        subject_ids = {g.subject_id for g in scope.grants if g.role in RESEARCHER_ROLES and g.subject_id}
        counted = region_counters(user, node, levels, subject_ids)
        counters = counted.value
        ctx["stats"], ctx["counted"] = counters.stats, counted
        ctx["children"], ctx["counties"] = counters.tables.get(1, []), counters.tables.get(2, [])
        if not levels:
            schools = schools_visible_to(user).under(node.path).order_by("path")
            ctx["schools"] = school_rows(user, schools, term.key if term else None)
        ctx["my_subjects"] = [{"subject": s, "teachers": n} for s, n in counters.subjects]
    return render(request, "core/workbench.html", ctx)
