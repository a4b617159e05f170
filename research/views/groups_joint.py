"""联组 pages: the cross-school subject groups the user sees, one 联组 with its member schools'
groups and its own activities, and the form that sets one up (003 三(一): 各乡镇、教育集团或片区
可按学科设立教研联组)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from core.access import groups_visible_to, require
from core.http import AuthedRequest
from core.models import GroupKind, OrgNode, Stage, Subject, TeachingGroup
from core.terms import current_term
from research.access import (
    can_manage_joint_group,
    get_joint_group_for_user,
    group_schools_visible_to,
    joint_group_regions,
    joint_groups_visible_to,
)
from research.group_errors import GroupError
from research.models.activities import Activity
from research.services import groups as services
from research.views.groups_forms import GroupForm

MAX_SCHOOLS = 60


class JointGroupForm(GroupForm):
    region = forms.ChoiceField(label="所属区域（乡镇、教育集团所在县区或片区）")
    name = forms.CharField(label="名称", max_length=60)
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False, empty_label="—")
    stage = forms.ChoiceField(label="学段", choices=[("", "—"), *Stage.choices], required=False)
    schools = forms.CharField(label="成员学校（学校标识码，每行一个或用逗号分隔）",
                              widget=forms.Textarea(attrs={"rows": 4}))
    lead_school = forms.CharField(label="牵头学校（学校标识码）", max_length=16, required=False)

    def __init__(self, *args: Any, regions: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {n.code: n for n in regions}
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n.code, n.name) for n in regions]

    def school_codes(self) -> list[str]:
        raw = self.cleaned_data["schools"].replace("，", ",").replace("\n", ",").replace(" ", ",")
        codes = list(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))
        if len(codes) > MAX_SCHOOLS:
            raise GroupError(f"成员学校：最多{MAX_SCHOOLS}所", field="schools")
        return codes


@login_required
def joint_groups(request: AuthedRequest) -> HttpResponse:
    items = list(joint_groups_visible_to(request.user).order_by("region__path", "name")[:200])
    return render(request, "research/groups/joint_list.html", {
        "items": items, "can_create": bool(joint_group_regions(request.user))})


@login_required
def joint_group_detail(request: AuthedRequest, jg_id: int) -> HttpResponse:
    user = request.user
    jg = get_joint_group_for_user(user, jg_id)
    schools = list(group_schools_visible_to(user).filter(joint_groups=jg).order_by("path"))
    term = current_term(jg.region)
    groups = list(groups_visible_to(user).filter(school__in=schools, kind=GroupKind.SUBJECT,
                                                 term_key=term.key if term else "").order_by("school__path", "name"))
    linked = set(jg.groups.values_list("pk", flat=True))
    by_school: dict[int, list[Any]] = {}
    for g in groups:
        by_school.setdefault(g.school_id, []).append((g, g.pk in linked))
    activities = list(Activity.objects.filter(joint_group=jg).select_related("organiser", "host")
                      .order_by("-start")[:100])
    return render(request, "research/groups/joint_detail.html", {
        "jg": jg, "schools": [(s, by_school.get(s.pk, [])) for s in schools], "term": term,
        "activities": activities, "can_manage": can_manage_joint_group(user, jg)})


@login_required
def joint_group_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    regions = joint_group_regions(user)
    require(bool(regions), "没有可设立联组的区域")
    form = JointGroupForm(request.POST or None, regions=regions)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                codes = form.school_codes()
                visible = {s.code: s for s in group_schools_visible_to(user).filter(code__in=codes)}
                unknown = [c for c in codes if c not in visible]
                if unknown:
                    raise GroupError("成员学校：找不到学校标识码 " + "、".join(unknown[:5]), field="schools")
                lead = visible.get(d["lead_school"].strip()) if d["lead_school"].strip() else None
                if d["lead_school"].strip() and lead is None:
                    raise GroupError("牵头学校：应是成员学校之一", field="lead_school")
                schools = [visible[c] for c in codes]
                groups = _matching_groups(user, schools, d["subject"])
                jg = services.joint_group_save(actor=user, region=form.regions[d["region"]], name=d["name"],
                                               schools=schools, subject=d["subject"], stage=d["stage"],
                                               lead_school=lead, leader=user.person, groups=groups)
            except GroupError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, "联组已设立。")
                return redirect("research:joint_group_detail", jg.pk)
    return render(request, "research/groups/form.html", {
        "form": form, "title": "设立联组", "heading": "设立联组", "back": reverse("research:joint_groups"),
        "multipart": False}, status=status)


def _matching_groups(user: Any, schools: list[OrgNode], subject: Subject | None) -> list[Any]:
    """The member schools' 教研组 of the subject in their current term."""
    if subject is None:
        return []
    out: list[TeachingGroup] = []
    for s in schools:
        term = current_term(s)
        if term is None:
            continue
        out.extend(groups_visible_to(user).filter(school=s, term_key=term.key, kind=GroupKind.SUBJECT,
                                                  subjects=subject))
    return out


urls: list[URLPattern] = [
    path("groups/joint/", joint_groups, name="joint_groups"),
    path("groups/joint/new/", joint_group_new, name="joint_group_new"),
    path("groups/joint/<int:jg_id>/", joint_group_detail, name="joint_group_detail"),
]
