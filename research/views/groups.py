"""Pages of subject-group life: a school's groups with their GROUP.MEET strips (a principal sees
at a glance which groups keep the biweekly rule), and a group's page with its plans, journals,
institutions, resources, leader, 包组 with attendance, and mentoring pairs. The record forms are
in groups_forms, the 联组 pages in groups_joint, the term summary (Word) in groups_summary."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from core.access import groups_visible_to
from core.compliance import effective_threshold
from core.http import AuthedRequest
from core.models import GroupKind, OrgNode, TeachingGroup, Term
from core.terms import term_by_key, term_name
from core.views.common import chosen_term
from research import group_selectors as sel
from research.access import (
    can_edit_group_records,
    can_manage_school_groups,
    get_group_school_for_user,
    get_teaching_group_for_user,
    group_schools_for,
    group_schools_visible_to,
    guides_visible_to,
    institutions_visible_to,
    journals_visible_to,
    leader_terms_visible_to,
    mentor_pairs_visible_to,
    plans_visible_to,
    resources_visible_to,
    school_institutions_for,
    school_key_subjects_for,
    school_mentor_pairs_for,
)
from research.group_rules import Strip
from research.models.groups import GroupResource, PlanKind
from research.views import groups_forms, groups_joint, groups_summary

SCHOOLS_SHOWN = 50
# The columns the school's page reads of its groups and its mentoring pairs (GroupRef, the strips'
# rows, 包组; the pairs' names, period, goals and contacts): no other joined rows.
GROUP_ROW = ("id", "school_id", "name", "kind", "leader_id", "parent_id", "leader__name")
PAIR_ROW = ("id", "school_id", "mentor_id", "mentee_id", "start", "end", "goals", "mentor__name", "mentee__name")


def school_strips(user: Any, school: OrgNode, term: Term, threshold: float) -> list[tuple[TeachingGroup, Strip]]:
    """The school's 教研组 the user sees, each with its GROUP.MEET strip for the term."""
    groups = list(groups_visible_to(user).filter(school=school, term_key=term.key, kind=GroupKind.SUBJECT)
                  .select_related(None).select_related("leader").only(*GROUP_ROW).order_by("name"))
    refs = [sel.GroupRef(g.pk, g.school_id, g.name, g.kind, g.leader_id, g.parent_id) for g in groups]
    strips = sel.meet_strips(refs, term, threshold, timezone.localdate())
    return [(g, strips[g.pk]) for g in groups]


@login_required
def groups_home(request: AuthedRequest) -> HttpResponse:
    """A school's groups: the strips of every group, key subjects, school institutions. Without
    ?school= a school's staff land on their school; region roles pick a school."""
    user = request.user
    code = request.GET.get("school", "").strip()
    school = None
    if not code:
        mine = group_schools_for(user)
        if len(mine) == 1:
            school = mine[0]  # the school of the user's own post: no second look-up
    if school is None and not code:
        q = request.GET.get("q", "").strip()
        schools = group_schools_visible_to(user).order_by("path")
        if q:
            schools = schools.filter(name__contains=q)
        return render(request, "research/groups/pick_school.html", {
            "schools": list(schools[:SCHOOLS_SHOWN]), "q": q, "total": schools.count(),
            "mine": group_schools_for(user)})
    if school is None:
        school = get_group_school_for_user(user, code)
    term, terms = chosen_term(request, school)
    threshold = effective_threshold("GROUP.MEET", school) or 2
    rows = school_strips(user, school, term, threshold) if term is not None else []
    year = term.school_year if term is not None else timezone.localdate().year
    return render(request, "research/groups/home.html", {
        "school": school, "term": term, "terms": terms, "rows": rows,
        "threshold": threshold,
        "short": [g for g, s in rows if s.missed],
        "key_subjects": list(school_key_subjects_for(user, school).order_by("-from_year")),
        "institutions": list(school_institutions_for(user, school)),
        "mentor_pairs": sel.mentor_pair_contacts(user, list(school_mentor_pairs_for(user, school)
                                                            .select_related(None).select_related("mentor", "mentee")
                                                            .only(*PAIR_ROW).order_by("-start")[:50])),
        "can_manage": can_manage_school_groups(user, school), "year": year,
        "guides": sel.guide_assignments(school, [g for g, _ in rows]) if rows else [],
    })


def _resources(request: AuthedRequest, user: Any, group: TeachingGroup) -> list[GroupResource]:
    """The group's resource bank, narrowed by ?grade= and ?tag= (words of a unit, title or tag;
    matched here rather than in SQL, since JSON keeps Chinese tags escaped)."""
    qs = resources_visible_to(user).filter(group=group)
    grade = request.GET.get("grade", "")
    if grade.isdigit():
        qs = qs.filter(grade=int(grade))
    items = list(qs[:500])
    tag = request.GET.get("tag", "").strip()
    if tag:
        items = [r for r in items if tag in r.unit or tag in r.title or any(tag in t for t in r.tags)]
    return items[:100]


@login_required
def group_detail(request: AuthedRequest, group_id: int) -> HttpResponse:
    user = request.user
    group = get_teaching_group_for_user(user, group_id)
    school = group.school
    term = term_by_key(school, group.term_key)
    strip = None
    threshold = effective_threshold("GROUP.MEET", school) or 2
    if term is not None and group.kind == GroupKind.SUBJECT:
        ref = sel.GroupRef(group.pk, group.school_id, group.name, group.kind, group.leader_id, group.parent_id)
        strip = sel.meet_strips([ref], term, threshold)[group.pk]
    same = {"group__school": school, "group__name": group.name}
    plans = list(plans_visible_to(user).filter(**same).order_by("kind", "-start_year", "-term_key"))
    year = term.school_year if term is not None else None
    journals = list(journals_visible_to(user).filter(**same, **({"year": year} if year else {})).order_by("title"))
    guides = list(guides_visible_to(user).filter(group=group))
    activities = sel.activities_of_groups([group.pk], term.start, term.end) if term is not None else []
    return render(request, "research/groups/detail.html", {
        "group": group, "school": school, "term": term, "strip": strip, "threshold": threshold,
        "term_label": term.label if term is not None else term_name(group.term_key),
        "development": [p for p in plans if p.kind == PlanKind.DEVELOPMENT],
        "semester": [p for p in plans if p.kind == PlanKind.SEMESTER],
        "journals": journals, "year": year,
        "institutions": list(institutions_visible_to(user).filter(group=group)),
        "resources": _resources(request, user, group),
        "grades": sorted(g for g in resources_visible_to(user).filter(group=group)
                         .values_list("grade", flat=True).distinct() if g is not None),
        "grade": request.GET.get("grade", ""), "tag": request.GET.get("tag", "").strip(),
        "leader_terms": list(leader_terms_visible_to(user).filter(group=group)),
        "guides": sel.guide_attendance(group, guides, term),
        "mentor_pairs": sel.mentor_pair_contacts(user, list(mentor_pairs_visible_to(user).filter(group=group))),
        "activities": activities,
        "subjects": list(group.subjects.all()),
        "prep_groups": list(groups_visible_to(user).filter(parent=group).order_by("name")),
        "can_edit": can_edit_group_records(user, group),
        "can_manage": can_manage_school_groups(user, school),
    })


urls: list[URLPattern] = [
    path("groups/", groups_home, name="groups_home"),
    path("groups/<int:group_id>/", group_detail, name="group_detail"),
    *groups_forms.urls,
    *groups_summary.urls,
    *groups_joint.urls,
]
