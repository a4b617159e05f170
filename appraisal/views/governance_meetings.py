"""Pages of a region's yearly meetings on 教研 (000 §14): the list, recording one with its
minutes and decisions, a decision turned into a task, the tasks of the user's units."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import governance_access as access
from appraisal.models.governance import GovTask, TaskStatus
from appraisal.services import governance as services
from appraisal.views.governance_common import page, scope_node, year_param
from core.access import nodes_visible_to, people_visible_to, require
from core.errors import DomainError
from core.http import AuthedRequest
from core.pickers import picker_label, resolve_node, resolve_person

DATE = forms.DateInput(attrs={"type": "date"})


@login_required
def meetings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = year_param(request)
    node = scope_node(request, user) if request.GET.get("node") else None
    qs = access.meetings_visible_to(user).filter(held_on__year=year).prefetch_related("decisions")
    if node is not None:
        qs = qs.filter(region=node)
    return page(request, "appraisal/governance/meetings.html", {
        "year": year, "node": node, "meetings": list(qs[:200]),
        "can_record": bool(access.meeting_regions(user))})


class MeetingForm(forms.Form):
    region = forms.ChoiceField(label="召开单位（教育行政部门）")
    title = forms.CharField(label="会议名称", max_length=120)
    held_on = forms.DateField(label="会议日期", widget=DATE)
    convened_by = forms.CharField(label="召集人", max_length=100, help_text="如：县教育局局长 王某")
    attendees = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    minutes_file = forms.FileField(label="纪要附件（可代替纪要文字）", required=False,
                                   help_text="上传限制：PDF、Word 或图片文件，不超过 20 MB")
    decisions = forms.CharField(label="决定事项（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 4}))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    regions = {r.code: r for r in access.meeting_regions(user)}
    require(bool(regions))
    form = MeetingForm(request.POST or None, request.FILES or None)
    cast(forms.ChoiceField, form.fields["region"]).choices = [(c, r.name) for c, r in regions.items()]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_record(
                actor=user, region=regions[d["region"]], title=d["title"], held_on=d["held_on"],
                convened_by=d["convened_by"], attendees=d["attendees"], minutes=d["minutes"],
                minutes_file=d["minutes_file"], decisions=tuple(d["decisions"].splitlines()))
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已登记会议：{meeting.title}")
            return redirect("appraisal:governance_meeting_detail", meeting.pk)
    return page(request, "appraisal/governance/form.html", {
        "form": form, "title": "登记教研工作专题会议", "back": reverse("appraisal:governance_meetings"),
        "multipart": True, "testid": "meeting-form"})


class DecisionForm(forms.Form):
    text = forms.CharField(label="决定事项", max_length=300)


class TaskForm(forms.Form):
    node = forms.CharField(label="责任单位", required=False, help_text="单位名称或代码")
    owner = forms.CharField(label="责任人", required=False, help_text="姓名或人员编号")
    due = forms.DateField(label="完成期限", widget=DATE)

    def __init__(self, *args: object, region_nodes: object, region_people: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's Form takes data, files, ... positionally
        self.region_nodes = region_nodes
        self.region_people = region_people

    def clean_node(self) -> object:
        raw = self.cleaned_data["node"].strip()
        return resolve_node(self.region_nodes, raw, "责任单位") if raw else None  # type: ignore[arg-type]  # a QuerySet of OrgNode

    def clean_owner(self) -> object:
        raw = self.cleaned_data["owner"].strip()
        return resolve_person(self.region_people, raw, "责任人") if raw else None  # type: ignore[arg-type]  # a QuerySet of Person


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = access.get_meeting_for_user(user, meeting_id)
    can_edit = access.can_record_meeting(user, meeting.region)
    decisions = list(meeting.decisions.all())
    tasks: dict[int, list[GovTask]] = {}
    for t in access.tasks_visible_to(user).filter(decision__meeting=meeting):
        if t.decision_id is not None:
            tasks.setdefault(t.decision_id, []).append(t)
    rows = [(d, tasks.get(d.pk, [])) for d in decisions]
    units = list(nodes_visible_to(user).under(meeting.region.path).order_by("depth", "path")[:200]) if can_edit else []
    return page(request, "appraisal/governance/meeting_detail.html", {
        "meeting": meeting, "rows": rows, "can_edit": can_edit, "decision_form": DecisionForm(),
        "units": [picker_label(u) for u in units], "today": timezone.localdate(),
        "can_update": {t.pk for ts in tasks.values() for t in ts if access.can_update_task(user, t)}})


@login_required
@require_POST
def decision_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = access.get_meeting_for_user(user, meeting_id, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_add(actor=user, meeting=meeting, text=form.cleaned_data["text"])
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "已添加决定事项")
    else:
        messages.error(request, "决定事项：必填，不超过300个字")
    return redirect("appraisal:governance_meeting_detail", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_task(request: AuthedRequest, decision_id: int) -> HttpResponse:
    user = request.user
    decision = access.get_decision_for_user(user, decision_id, write=True)
    region = decision.meeting.region
    form = TaskForm(request.POST or None, region_nodes=nodes_visible_to(user).under(region.path),
                    region_people=people_visible_to(user).under(region.path))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task = services.decision_task_create(actor=user, decision=decision, due=d["due"], node=d["node"],
                                                 owner=d["owner"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已分派任务给{task.owner.name if task.owner else task.node.name}")
            return redirect("appraisal:governance_meeting_detail", decision.meeting_id)
    return page(request, "appraisal/governance/form.html", {
        "form": form, "title": f"分派任务：{decision.text}", "testid": "task-form",
        "back": reverse("appraisal:governance_meeting_detail", args=[decision.meeting_id])})


@login_required
def minutes_file(request: AuthedRequest, meeting_id: int) -> FileResponse:
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    require(bool(meeting.minutes_file), "没有纪要附件")
    return FileResponse(meeting.minutes_file.open("rb"), as_attachment=True,
                        filename=(meeting.minutes_file.name or "").rsplit("/", 1)[-1])


@login_required
def tasks(request: AuthedRequest) -> HttpResponse:
    user = request.user
    show = request.GET.get("show", "open")
    qs = access.tasks_visible_to(user).order_by("status", "due", "node__path")
    if show == "open":
        qs = qs.filter(status=TaskStatus.OPEN)
    items = list(qs[:300])
    return page(request, "appraisal/governance/tasks.html", {
        "tasks": items, "show": show, "today": timezone.localdate(),
        "can_update": {t.pk for t in items if access.can_update_task(user, t)}})


@login_required
@require_POST
def task_done(request: AuthedRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = access.get_task_for_user(user, task_id, write=True)
    try:
        if request.POST.get("reopen"):
            services.task_reopen(actor=user, task=task)
            messages.success(request, "已重新打开任务")
        else:
            services.task_complete(actor=user, task=task, on=timezone.localdate(), note=request.POST.get("note", ""))
            messages.success(request, f"已完成：{task.title}")
    except DomainError as e:
        messages.error(request, e.message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("appraisal:governance_tasks")


urls: list[URLPattern] = [
    path("governance/meetings/", meetings, name="governance_meetings"),
    path("governance/meetings/new/", meeting_new, name="governance_meeting_new"),
    path("governance/meetings/<int:meeting_id>/", meeting_detail, name="governance_meeting_detail"),
    path("governance/meetings/<int:meeting_id>/decisions/", decision_add, name="governance_decision_add"),
    path("governance/meetings/<int:meeting_id>/minutes/", minutes_file, name="governance_minutes_file"),
    path("governance/decisions/<int:decision_id>/task/", decision_task, name="governance_decision_task"),
    path("governance/tasks/", tasks, name="governance_tasks"),
    path("governance/tasks/<int:task_id>/done/", task_done, name="governance_task_done"),
]
