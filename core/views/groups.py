"""Subject groups (教研组, 备课组): the proposal the rules give, the principal's confirmation and
edits, kept per term (GROUP.FORM, GROUP.MEMBERSHIP, GROUP.PREP)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import services
from core.access import (
    can_edit_groups,
    get_group_for_user,
    get_node_for_user,
    group_members_visible_to,
    groups_visible_to,
    home_node,
    people_visible_to,
    require,
    visible_member_counts,
)
from core.errors import DomainError
from core.exporting import xlsx_response
from core.grouping import MoveTarget, is_related_target, order_move_targets
from core.http import AuthedRequest
from core.models import GroupKind, GroupStatus, OrgKind, OrgNode, Person, TeachingGroup
from core.paging import paginate
from core.panels import panels_for
from core.policy import group_policy
from core.views.common import chosen_term


@login_required
def groups_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    node = home_node(user)
    term, terms = chosen_term(request, node)
    qs = (groups_visible_to(user).filter(kind=GroupKind.SUBJECT, term_key=term.key if term else "")
          .order_by("school__path", "name"))
    if request.GET.get("format") == "xlsx":
        counts = visible_member_counts(user, qs)
        rows = ((g.school.code, g.school.name, g.name, g.leader.name if g.leader else "",
                 counts.get(g.pk, 0), g.get_status_display()) for g in qs)
        return xlsx_response("教研组", "教研组", ["学校标识码", "学校", "教研组", "组长", "成员数", "状态"], rows,
                             note=f"{term.label if term else ''}")
    page = paginate(request, qs, per_page=50)
    counts = visible_member_counts(user, page.items)
    return render(request, "core/groups_list.html", {
        "page": page, "rows": [(g, counts.get(g.pk, 0)) for g in page.items], "term": term, "terms": terms})


@login_required
def school_groups(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    school = get_node_for_user(user, code)
    require(school.kind == OrgKind.SCHOOL, "不是学校")
    term, terms = chosen_term(request, school)
    groups = list(groups_visible_to(user).filter(school=school, term_key=term.key if term else "",
                                                 kind=GroupKind.SUBJECT)
                  .prefetch_related("subjects", "memberships__person", "prep_groups__memberships__person")
                  .order_by("name"))
    return render(request, "core/school_groups.html", {
        "school": school, "term": term, "terms": terms, "groups": groups,
        "can_edit": can_edit_groups(user, school),
        "confirmed": bool(groups) and all(g.status == GroupStatus.CONFIRMED for g in groups),
        "policy": group_policy([n.name for n in sorted(OrgNode.objects.at_paths(school.ancestor_paths()),
                                                        key=lambda n: -n.depth)]),
    })


@login_required
@require_POST
def school_groups_propose(request: AuthedRequest, code: str) -> HttpResponse:
    school = get_node_for_user(request.user, code)
    require(school.kind == OrgKind.SCHOOL and can_edit_groups(request.user, school))
    term, _ = chosen_term(request, school)
    require(term is not None, "没有学期")
    assert term is not None
    try:
        created = services.groups_propose(actor=request.user, school=school, term=term)
        n = sum(1 for g in created if g.kind == GroupKind.SUBJECT)
        messages.success(request, f"已按规则生成{n}个教研组的建议方案，请核对后确认。")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('school_groups', args=[school.code])}?term={term.key}")


@login_required
@require_POST
def school_groups_confirm(request: AuthedRequest, code: str) -> HttpResponse:
    school = get_node_for_user(request.user, code)
    require(school.kind == OrgKind.SCHOOL and can_edit_groups(request.user, school))
    term, _ = chosen_term(request, school)
    require(term is not None, "没有学期")
    assert term is not None
    n = services.groups_confirm(actor=request.user, school=school, term=term)
    messages.success(request, f"已确认{n}个教研组、备课组。")
    return redirect(f"{reverse('school_groups', args=[school.code])}?term={term.key}")


class GroupEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=40)
    leader = forms.ChoiceField(label="组长", required=False)

    def __init__(self, *args: Any, leaders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"] = forms.ChoiceField(label="组长", required=False, choices=leaders)


class MoveForm(forms.Form):
    person = forms.CharField()
    target = forms.IntegerField()
    new_leader = forms.CharField(required=False)
    leave_without_leader = forms.BooleanField(required=False)
    confirm = forms.BooleanField(required=False)


def _move_targets(group: TeachingGroup) -> list[MoveTarget]:
    """The other groups of the school and term, with the subjects each stands for."""
    siblings = (TeachingGroup.objects.filter(school=group.school, term_key=group.term_key).exclude(pk=group.pk)
                .prefetch_related("subjects", "parent__subjects"))
    out = []
    for s in siblings:
        ids = {x.pk for x in s.subjects.all()} | ({x.pk for x in s.parent.subjects.all()} if s.parent else set())
        out.append(MoveTarget(s.pk, s.name, frozenset(ids), is_prep=s.kind != GroupKind.SUBJECT))
    return out


def _person_subjects(person: Person) -> set[int]:
    return {x.pk for x in person.subjects.all()} | ({person.main_subject_id} if person.main_subject_id else set())


@login_required
def group_detail(request: AuthedRequest, group_id: int) -> HttpResponse:
    user = request.user
    group = get_group_for_user(user, group_id)
    can_edit = can_edit_groups(user, group.school)
    memberships = group_members_visible_to(user, group)
    choices = [("", "（未指定）")] + [(m.person.code, m.person.name) for m in memberships]
    form = GroupEditForm(initial={"name": group.name, "leader": group.leader.code if group.leader else ""},
                         leaders=choices)
    if request.method == "POST":
        require(can_edit)
        form = GroupEditForm(request.POST, leaders=choices)
        if form.is_valid():
            leader = next((m.person for m in memberships if m.person.code == form.cleaned_data["leader"]), None)
            try:
                services.group_update(actor=user, group=group, name=form.cleaned_data["name"], leader=leader)
                messages.success(request, "已保存。")
                return redirect("group_detail", group_id=group.pk)
            except DomainError as exc:
                form.add_error(None, str(exc))
    rows = []
    if can_edit:
        targets = _move_targets(group)
        for m in memberships.prefetch_related("person__subjects"):
            rows.append({"m": m, "targets": order_move_targets(targets, _person_subjects(m.person),
                                                               m.person.main_subject_id)})
    else:
        rows = [{"m": m, "targets": []} for m in memberships]
    return render(request, "core/group_detail.html", {
        "group": group, "memberships": memberships, "rows": rows, "form": form, "can_edit": can_edit,
        "prep_groups": group.prep_groups.all(), "panels": panels_for(user, group=group),
    })


@login_required
@require_POST
def group_move_member(request: AuthedRequest, group_id: int) -> HttpResponse:
    """Move a member to another group, after a confirmation page that says what will happen
    (and, when the member leads the group, asks who leads it now)."""
    user = request.user
    group = get_group_for_user(user, group_id, write=True)
    form = MoveForm(request.POST)
    require(form.is_valid())
    data = form.cleaned_data
    target = get_group_for_user(user, data["target"], write=True)
    person = people_visible_to(user).filter(code=data["person"]).first()
    require(person is not None)
    assert person is not None
    is_leader = group.leader_id == person.pk
    error = ""
    if data["confirm"]:
        new_leader = None
        if is_leader and data["new_leader"]:
            new_leader = people_visible_to(user).filter(code=data["new_leader"]).first()
            require(new_leader is not None)
        try:
            services.group_member_move(actor=user, person=person, source=group, target=target,
                                       new_leader=new_leader, leave_without_leader=data["leave_without_leader"])
        except DomainError as exc:
            error = exc.message
        else:
            done = f"已将{person.name}调整到{target.name}。"
            if is_leader:
                done += f"{group.name}组长：{new_leader.name}。" if new_leader else f"{group.name}暂未设组长。"
            messages.success(request, done)
            return redirect("group_detail", group_id=group.pk)
    stays = [m.person for m in group_members_visible_to(user, group) if m.person.pk != person.pk]
    related = is_related_target(
        next(t for t in _move_targets(group) if t.group_id == target.pk),
        _person_subjects(person), person.main_subject_id)
    return render(request, "core/group_move_confirm.html", {
        "group": group, "target": target, "person": person, "is_leader": is_leader, "stays": stays,
        "related": related, "error": error,
    })
