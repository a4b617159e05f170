"""The institution's managers' forms: a programme and its tiers with their duties, a competition, a
studio, a base school, and a researcher's stint in a school (000 §12). Each form keeps what was
typed when a service refuses, with the refusal next to its field."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from core.access import require, schools_visible_to
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Level, OrgNode, Stage, Subject
from growth import access
from growth.models import CompetitionKind, DutyPeriod, ProgrammeKind
from growth.services import programmes, records, regional

DATE = forms.DateInput(attrs={"type": "date"})
DUTY_KINDS = [(k.value, k.label) for k in programmes.DUTY_LESSON_KINDS]




def _regions(user: Any, form: forms.Form) -> dict[str, OrgNode]:
    regions = {r.code: r for r in access.managed_regions(user)}
    cast(forms.ChoiceField, form.fields["region"]).choices = [(c, r.institute_name or r.name)
                                                              for c, r in regions.items()]
    return regions


def _subjects(form: forms.Form, required: bool = False) -> dict[str, Subject]:
    subjects = {s.code: s for s in Subject.objects.all()}
    cast(forms.ChoiceField, form.fields["subject"]).choices = ([] if required else [("", "—")]) + [
        (c, s.name) for c, s in subjects.items()]
    return subjects


class ProgrammeForm(forms.Form):
    region = forms.ChoiceField(label="组织区域")
    name = forms.CharField(label="项目名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=ProgrammeKind.choices)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    quota = forms.IntegerField(label="总名额", min_value=0, required=False)
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProgrammeForm(request.POST or None)
    regions = _regions(user, form)
    require(bool(regions))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = programmes.programme_create(actor=user, region=regions[d["region"]], name=d["name"], kind=d["kind"],
                                            level=d["level"], start=d["start"], end=d["end"], quota=d["quota"] or 0,
                                            description=d["description"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已创建{p.name}，请添加层级与职责")
            return redirect("growth:tier_add", p.pk)
    return render(request, "growth/form.html", {"form": form, "title": "新建人才培养项目", "back": "growth:programmes"})


class TierForm(forms.Form):
    name = forms.CharField(label="层级名称", max_length=40)
    kind = forms.ChoiceField(label="称号类别", choices=ProgrammeKind.choices)
    rank = forms.IntegerField(label="排序", min_value=1, max_value=20, initial=1)
    quota = forms.IntegerField(label="名额", min_value=0, required=False)
    lesson_kind = forms.ChoiceField(label="职责课型", choices=[("", "（暂不设职责）"), *DUTY_KINDS], required=False)
    count = forms.IntegerField(label="节数", min_value=1, max_value=20, initial=1)
    period = forms.ChoiceField(label="周期", choices=DutyPeriod.choices)


@login_required
@require_http_methods(["GET", "POST"])
def tier_add(request: AuthedRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = access.get_programme_for_user(user, programme_id, write=True)
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            tier = programmes.tier_add(actor=user, programme=programme, name=d["name"], kind=d["kind"],
                                       rank=d["rank"], quota=d["quota"] or 0)
            if d["lesson_kind"]:
                programmes.duty_set(actor=user, tier=tier, lesson_kind=d["lesson_kind"], count=d["count"],
                                    period=d["period"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已添加层级“{tier.name}”")
            return redirect("growth:programme_detail", programme.pk)
    return render(request, "growth/form.html", {"form": form, "title": f"{programme.name}：添加层级",
                                                "back": "growth:programme_detail", "back_url": programme.pk})


class CompetitionForm(forms.Form):
    region = forms.ChoiceField(label="组织区域")
    name = forms.CharField(label="比赛名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=CompetitionKind.choices)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    subject = forms.ChoiceField(label="学科", required=False)
    stage = forms.ChoiceField(label="学段", choices=[("", "—"), *Stage.choices], required=False)
    held_on = forms.DateField(label="举办日期", widget=DATE)
    entrants = forms.IntegerField(label="参赛人数", min_value=0, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def competition_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = CompetitionForm(request.POST or None)
    regions = _regions(user, form)
    subjects = _subjects(form)
    require(bool(regions))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = regional.competition_create(actor=user, region=regions[d["region"]], name=d["name"], kind=d["kind"],
                                            level=d["level"], held_on=d["held_on"], subject=subjects.get(d["subject"]),
                                            stage=d["stage"], entrants=d["entrants"] or 0)
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已登记{c.name}")
            return redirect("growth:competitions")
    return render(request, "growth/form.html", {"form": form, "title": "登记教学比赛", "back": "growth:competitions"})


class StudioForm(forms.Form):
    region = forms.ChoiceField(label="批准区域")
    name = forms.CharField(label="工作室名称", max_length=100)
    host = forms.CharField(label="主持人编号", max_length=32)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    subject = forms.ChoiceField(label="学科", required=False)
    start = forms.DateField(label="成立日期", widget=DATE)
    plan = forms.CharField(label="建设方案", widget=forms.Textarea(attrs={"rows": 3}), required=False)


@login_required
@require_http_methods(["GET", "POST"])
def studio_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = StudioForm(request.POST or None)
    regions = _regions(user, form)
    subjects = _subjects(form)
    require(bool(regions))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        host = (access.record_people_visible_to(user).filter(code=d["host"].strip().upper())
                .select_related("org").first())
        if host is None:
            form.add_error("host", "主持人编号：没有找到该人员")
        else:
            try:
                s = regional.studio_create(actor=user, region=regions[d["region"]], name=d["name"], host=host,
                                           level=d["level"], start=d["start"], subject=subjects.get(d["subject"]),
                                           plan=d["plan"])
            except DomainError as e:
                e.show_on(form)
            else:
                messages.success(request, f"已登记{s.name}")
                return redirect("growth:studio_detail", s.pk)
    return render(request, "growth/form.html", {"form": form, "title": "登记名师工作室", "back": "growth:studios"})


class BaseForm(forms.Form):
    region = forms.ChoiceField(label="评定区域")
    school = forms.CharField(label="学校标识码", max_length=16)
    stage = forms.ChoiceField(label="学段", choices=[(s.value, s.label) for s in Stage if s != Stage.PRESCHOOL])
    subject = forms.ChoiceField(label="学科")
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)


@login_required
@require_http_methods(["GET", "POST"])
def base_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = BaseForm(request.POST or None)
    regions = _regions(user, form)
    subjects = _subjects(form, required=True)
    require(bool(regions))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        school = schools_visible_to(user).filter(code=d["school"].strip()).first()
        if school is None:
            form.add_error("school", "学校标识码：没有找到该学校")
        else:
            try:
                regional.base_create(actor=user, region=regions[d["region"]], school=school, stage=d["stage"],
                                     subject=subjects[d["subject"]], start=d["start"], end=d["end"])
            except DomainError as e:
                e.show_on(form)
            else:
                messages.success(request, f"已将{school.name}评定为基地学校")
                return redirect("growth:bases")
    return render(request, "growth/form.html", {"form": form, "title": "评定优质学科基地学校", "back": "growth:bases"})


class RotationForm(forms.Form):
    person = forms.CharField(label="教研员编号", max_length=32)
    school = forms.CharField(label="任教学校标识码", max_length=16)
    subject = forms.ChoiceField(label="任教学科", required=False)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def rotation_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_import_trainings(user))  # the institution's managers
    form = RotationForm(request.POST or None)
    subjects = _subjects(form)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = access.recordable_people(user).filter(code=d["person"].strip().upper()).select_related("org").first()
        school = schools_visible_to(user).filter(code=d["school"].strip()).first()
        if person is None:
            form.add_error("person", "教研员编号：没有找到该人员，或不在您的管理范围内")
        elif school is None:
            form.add_error("school", "学校标识码：没有找到该学校")
        else:
            try:
                records.rotation_record(actor=user, person=person, school=school, start=d["start"], end=d["end"],
                                        subject=subjects.get(d["subject"]), note=d["note"])
            except DomainError as e:
                e.show_on(form)
            else:
                messages.success(request, f"已登记{person.name}到{school.name}任教")
                return redirect("growth:rotation")
    return render(request, "growth/form.html", {"form": form, "title": "登记到校任教", "back": "growth:rotation"})


urls: list[URLPattern] = [
    path("programmes/new/", programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/tiers/new/", tier_add, name="tier_add"),
    path("competitions/new/", competition_new, name="competition_new"),
    path("studios/new/", studio_new, name="studio_new"),
    path("bases/new/", base_new, name="base_new"),
    path("rotation/new/", rotation_new, name="rotation_new"),
]
