"""Forms of subject-group life, one page each, working on a phone: a group's plans, journal
subscriptions, institutions, resources, 包组 and leader appointments; a school's key subjects,
institutions and mentoring pairs; deletions; and the download of a stored document.

Every form keeps what the user typed when it is refused (a field's error, or the service's
`GroupError` shown next to the field it names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import require
from core.http import AuthedRequest
from core.models import OrgNode, Person, Subject, TeachingGroup
from observe.attachments import LIMITS_TEXT, served_type
from research import group_selectors as sel
from research.access import (
    get_group_school_for_user,
    get_guide_for_user,
    get_institution_for_user,
    get_journal_for_user,
    get_key_subject_for_user,
    get_plan_for_user,
    get_resource_for_user,
    get_teaching_group_for_user,
)
from research.group_errors import GroupError
from research.models.groups import InstitutionKind, JournalKind, LeaderMethod, PlanKind, ResourceKind
from research.services import groups as services

# A served document may load nothing and runs sandboxed if a browser ever renders it (as
# observe's attachments, docs/security.md "Attachments").
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupForm(forms.Form):
    """Chinese messages naming the field, for every field of the subclasses."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.error_messages = {**f.error_messages, "required": f"{f.label}：必填",
                                "invalid": f"{f.label}：格式不正确",
                                "invalid_choice": f"{f.label}：请从列表中选择",
                                "max_length": f"{f.label}：不能超过%(limit_value)d字",
                                "min_value": f"{f.label}：不能小于%(limit_value)s",
                                "max_value": f"{f.label}：不能大于%(limit_value)s"}
            if isinstance(f, forms.DateField):
                f.error_messages["invalid"] = f"{f.label}：日期格式不正确（如 2026-09-01）"


def _year_field(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100, required=required,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class PlanForm(GroupForm):
    kind = forms.ChoiceField(label="类别", choices=PlanKind.choices)
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)
    start_year = _year_field("起始学年（发展规划）", required=False)
    years = forms.TypedChoiceField(label="规划年限（发展规划）", coerce=int, required=False, empty_value=None,
                                   choices=[("", "—"), (3, "3年"), (5, "5年")])
    text = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label="或上传文件", required=False, help_text=LIMITS_TEXT)


class JournalForm(GroupForm):
    title = forms.CharField(label="报刊名称", max_length=80)
    kind = forms.ChoiceField(label="类别", choices=JournalKind.choices)
    year = _year_field("学年（起始年）")


class InstitutionForm(GroupForm):
    kind = forms.ChoiceField(label="制度", choices=InstitutionKind.choices)
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)
    issued_on = forms.DateField(label="印发日期", widget=DATE)
    text = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label="或上传文件", required=False, help_text=LIMITS_TEXT)


class ResourceForm(GroupForm):
    kind = forms.ChoiceField(label="类别", choices=ResourceKind.choices)
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)
    grade = forms.IntegerField(label="年级", min_value=1, max_value=12, required=False)
    unit = forms.CharField(label="单元", max_length=60, required=False)
    tags = forms.CharField(label="标签（用逗号或空格分隔）", max_length=200, required=False)
    file = forms.FileField(label="文件", help_text=LIMITS_TEXT)


class PersonChoiceForm(GroupForm):
    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        choices = [("", "请选择")] + [(str(p.pk), p.name) for p in people]
        for name in self.person_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    person_fields: tuple[str, ...] = ("person",)

    def chosen(self, name: str = "person") -> Person:
        return self.people[self.cleaned_data[name]]


class GuideForm(PersonChoiceForm):
    person = forms.ChoiceField(label="包组领导")
    note = forms.CharField(label="分工说明", max_length=200, required=False)


class LeaderTermForm(PersonChoiceForm):
    person = forms.ChoiceField(label="组长")
    method = forms.ChoiceField(label="产生方式", choices=LeaderMethod.choices)
    start = forms.DateField(label="聘期开始", widget=DATE)
    end = forms.DateField(label="聘期结束", widget=DATE)
    duties = forms.CharField(label="工作职责", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class MentorPairForm(PersonChoiceForm):
    person_fields = ("mentor", "mentee")
    mentor = forms.ChoiceField(label="师傅")
    mentee = forms.ChoiceField(label="徒弟")
    group = forms.ChoiceField(label="所在教研组", required=False)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    goals = forms.CharField(label="培养目标", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, groups: list[TeachingGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups}
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(str(g.pk), g.name) for g in groups]


class KeySubjectForm(GroupForm):
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), empty_label="请选择")
    from_year = _year_field("起始学年")
    until_year = _year_field("截止学年", required=False)
    reason = forms.CharField(label="确定理由与扶持措施", max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))


def _form_page(request: AuthedRequest, form: forms.Form, *, title: str, back: str, save: Callable[[], Any],
               heading: str, done: str) -> HttpResponse:
    """Validate, save through the service, and on any refusal show the form again with what was
    typed and the message next to its field."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save()
            except GroupError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, done)
                return redirect(back)
        status = 400
    return render(request, "research/groups/form.html", {
        "form": form, "title": title, "heading": heading, "back": back,
        "multipart": any(isinstance(f, forms.FileField) for f in form.fields.values())}, status=status)


def _group_back(group: TeachingGroup) -> str:
    return reverse("research:group_detail", args=[group.pk])


def _school_back(school: OrgNode) -> str:
    return reverse("research:groups_home") + f"?school={school.code}"


def _post(request: AuthedRequest) -> tuple[Any, Any] | tuple[None, None]:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@login_required
def plan_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id, write=True)
    data, files = _post(request)
    initial = {"kind": request.GET.get("kind", PlanKind.SEMESTER), "start_year": int(group.term_key[:4]),
               "years": 3}
    form = PlanForm(data, files, initial=initial)

    def save() -> None:
        d = form.cleaned_data
        services.plan_save(actor=request.user, group=group, kind=d["kind"], title=d["title"], text=d["text"],
                           start_year=d["start_year"], years=d["years"], upload=d["file"])
    return _form_page(request, form, title="填写计划", heading=f"{group.name} · 发展规划或学期活动计划",
                      back=_group_back(group), save=save, done="计划已保存。")


@login_required
def plan_edit(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, write=True)
    group = plan.group
    data, files = _post(request)
    form = PlanForm(data, files, initial={"kind": plan.kind, "title": plan.title, "start_year": plan.start_year,
                                          "years": plan.years, "text": plan.text})

    def save() -> None:
        d = form.cleaned_data
        services.plan_save(actor=request.user, group=group, kind=d["kind"], title=d["title"], text=d["text"],
                           start_year=d["start_year"], years=d["years"], term_key=plan.term_key, upload=d["file"],
                           plan=plan)
    return _form_page(request, form, title="修改计划", heading=f"{group.name} · {plan.title}",
                      back=_group_back(group), save=save, done="计划已修改。")


@login_required
def journal_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id, write=True)
    data, _ = _post(request)
    form = JournalForm(data, initial={"year": int(group.term_key[:4]), "kind": JournalKind.JOURNAL})

    def save() -> None:
        d = form.cleaned_data
        services.journal_add(actor=request.user, group=group, year=d["year"], title=d["title"], kind=d["kind"])
    return _form_page(request, form, title="登记报刊订阅", heading=f"{group.name} · 报刊订阅",
                      back=_group_back(group), save=save, done="订阅已登记。")


@login_required
def institution_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id, write=True)
    data, files = _post(request)
    form = InstitutionForm(data, files, initial={"issued_on": timezone.localdate()})

    def save() -> None:
        d = form.cleaned_data
        services.institution_save(actor=request.user, school=group.school, group=group, kind=d["kind"],
                                  title=d["title"], issued_on=d["issued_on"], text=d["text"], upload=d["file"])
    return _form_page(request, form, title="登记教研制度", heading=f"{group.name} · 教研制度",
                      back=_group_back(group), save=save, done="制度已登记。")


@login_required
def school_institution_new(request: AuthedRequest, code: str) -> HttpResponse:
    school = get_group_school_for_user(request.user, code, write=True)
    data, files = _post(request)
    form = InstitutionForm(data, files, initial={"issued_on": timezone.localdate()})

    def save() -> None:
        d = form.cleaned_data
        services.institution_save(actor=request.user, school=school, kind=d["kind"], title=d["title"],
                                  issued_on=d["issued_on"], text=d["text"], upload=d["file"])
    return _form_page(request, form, title="登记教研制度", heading=f"{school.name} · 全校教研制度",
                      back=_school_back(school), save=save, done="制度已登记。")


@login_required
def resource_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id, write=True)
    data, files = _post(request)
    form = ResourceForm(data, files, initial={"grade": group.grade})

    def save() -> None:
        d = form.cleaned_data
        tags = [t for t in d["tags"].replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if t]
        services.resource_add(actor=request.user, group=group, kind=d["kind"], title=d["title"], upload=d["file"],
                              grade=d["grade"], unit=d["unit"], tags=tags, author=request.user.person)
    return _form_page(request, form, title="上传资源", heading=f"{group.name} · 校本学科资源库",
                      back=_group_back(group), save=save, done="资源已上传。")


@login_required
def guide_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id)
    school = get_group_school_for_user(request.user, group.school.code, write=True)
    data, _ = _post(request)
    form = GuideForm(data, people=sel.school_leaders(school))

    def save() -> None:
        services.guide_assign(actor=request.user, group=group, person=form.chosen(), note=form.cleaned_data["note"])
    return _form_page(request, form, title="安排包组", heading=f"{group.name} · 包组领导",
                      back=_group_back(group), save=save, done="包组已安排。")


@login_required
def leader_term_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id)
    get_group_school_for_user(request.user, group.school.code, write=True)
    data, _ = _post(request)
    form = LeaderTermForm(data, people=sel.group_members(group))

    def save() -> None:
        d = form.cleaned_data
        services.leader_term_save(actor=request.user, group=group, person=form.chosen(), method=d["method"],
                                  start=d["start"], end=d["end"], duties=d["duties"])
    return _form_page(request, form, title="聘任组长", heading=f"{group.name} · 组长聘任",
                      back=_group_back(group), save=save, done="组长聘任已登记。")


@login_required
def key_subject_new(request: AuthedRequest, code: str) -> HttpResponse:
    school = get_group_school_for_user(request.user, code, write=True)
    data, _ = _post(request)
    form = KeySubjectForm(data, initial={"from_year": timezone.localdate().year})

    def save() -> None:
        d = form.cleaned_data
        services.key_subject_add(actor=request.user, school=school, subject=d["subject"], from_year=d["from_year"],
                                 until_year=d["until_year"], reason=d["reason"])
    return _form_page(request, form, title="确定重点学科", heading=f"{school.name} · 重点建设学科",
                      back=_school_back(school), save=save, done="重点学科已确定。")


@login_required
def mentor_pair_new(request: AuthedRequest, code: str) -> HttpResponse:
    school = get_group_school_for_user(request.user, code, write=True)
    data, _ = _post(request)
    form = MentorPairForm(data, people=sel.school_staff(request.user, school),
                          groups=sel.current_subject_groups(request.user, school))

    def save() -> None:
        d = form.cleaned_data
        services.mentor_pair_save(actor=request.user, school=school, mentor=form.chosen("mentor"),
                                  mentee=form.chosen("mentee"), start=d["start"], end=d["end"], goals=d["goals"],
                                  group=form.groups.get(d["group"] or ""))
    return _form_page(request, form, title="登记师徒结对", heading=f"{school.name} · 青蓝工程",
                      back=_school_back(school), save=save, done="师徒结对已登记。")


# ---------------------------------------------------------------- deletions


def _deleted(request: AuthedRequest, back: str, fn: Callable[[], None], done: str) -> HttpResponse:
    try:
        fn()
    except GroupError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def plan_delete(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, write=True)
    return _deleted(request, _group_back(plan.group),
                    lambda: services.plan_delete(actor=request.user, plan=plan), "计划已删除。")


@login_required
@require_POST
def journal_delete(request: AuthedRequest, journal_id: int) -> HttpResponse:
    journal = get_journal_for_user(request.user, journal_id, write=True)
    return _deleted(request, _group_back(journal.group),
                    lambda: services.journal_delete(actor=request.user, journal=journal), "订阅已删除。")


@login_required
@require_POST
def resource_delete(request: AuthedRequest, resource_id: int) -> HttpResponse:
    res = get_resource_for_user(request.user, resource_id, write=True)
    return _deleted(request, _group_back(res.group),
                    lambda: services.resource_delete(actor=request.user, resource=res), "资源已删除。")


@login_required
@require_POST
def guide_delete(request: AuthedRequest, guide_id: int) -> HttpResponse:
    guide = get_guide_for_user(request.user, guide_id, write=True)
    return _deleted(request, _group_back(guide.group),
                    lambda: services.guide_remove(actor=request.user, guide=guide), "包组已取消。")


@login_required
@require_POST
def key_subject_delete(request: AuthedRequest, key_id: int) -> HttpResponse:
    ks = get_key_subject_for_user(request.user, key_id, write=True)
    return _deleted(request, _school_back(ks.school),
                    lambda: services.key_subject_delete(actor=request.user, key_subject=ks), "重点学科已撤销。")


# ---------------------------------------------------------------- documents

FILE_GETTERS: dict[str, Callable[..., Any]] = {
    "plan": get_plan_for_user, "institution": get_institution_for_user, "resource": get_resource_for_user}


@login_required
def group_file(request: AuthedRequest, kind: str, record_id: int) -> FileResponse:
    """A plan's, institution's or resource's document: inline only when its stored bytes open as
    a photo, otherwise a download; the type decided from the bytes each time (observe's check)."""
    getter = FILE_GETTERS.get(kind)
    require(getter is not None, "没有找到该文件")
    assert getter is not None
    record = getter(request.user, record_id)
    require(bool(record.file), "没有找到该文件")
    stream = record.file.open("rb")
    content_type, inline = served_type(stream, record.original_name)
    response = FileResponse(stream, as_attachment=not inline, filename=record.original_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response


urls: list[URLPattern] = [
    path("groups/<int:group_id>/plans/new/", plan_new, name="group_plan_new"),
    path("groups/plans/<int:plan_id>/edit/", plan_edit, name="group_plan_edit"),
    path("groups/<int:group_id>/journals/new/", journal_new, name="group_journal_new"),
    path("groups/<int:group_id>/institutions/new/", institution_new, name="group_institution_new"),
    path("groups/<int:group_id>/resources/new/", resource_new, name="group_resource_new"),
    path("groups/<int:group_id>/guides/new/", guide_new, name="group_guide_new"),
    path("groups/<int:group_id>/leaders/new/", leader_term_new, name="group_leader_new"),
    path("groups/school/<str:code>/key-subjects/new/", key_subject_new, name="key_subject_new"),
    path("groups/school/<str:code>/institutions/new/", school_institution_new, name="school_institution_new"),
    path("groups/school/<str:code>/mentoring/new/", mentor_pair_new, name="mentor_pair_new"),
    path("groups/plans/<int:plan_id>/delete/", plan_delete, name="group_plan_delete"),
    path("groups/journals/<int:journal_id>/delete/", journal_delete, name="group_journal_delete"),
    path("groups/resources/<int:resource_id>/delete/", resource_delete, name="group_resource_delete"),
    path("groups/guides/<int:guide_id>/delete/", guide_delete, name="group_guide_delete"),
    path("groups/key-subjects/<int:key_id>/delete/", key_subject_delete, name="key_subject_delete"),
    path("groups/files/<str:kind>/<int:record_id>/", group_file, name="group_file"),
]
