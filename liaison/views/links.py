"""A link's page and the work on it: the plan agreed with the school, on-site days logged from a
phone, the nine tasks as a checklist with evidence, follow-up guidance plans; and the preschool
responsibility zones."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import people_visible_to, require
from core.http import AuthedRequest
from core.models import OrgNode
from core.pickers import picker_label as label
from core.pickers import resolve_person
from liaison import rules
from liaison.access import (
    can_agree_plan,
    can_edit_zone,
    can_log_link,
    can_organise_round,
    get_guidance_for_user,
    get_link_for_user,
    get_zone_for_user,
    guidance_visible_to,
    kindergartens_visible_to,
    onsite_days_visible_to,
    organiser_nodes,
    zones_visible_to,
)
from liaison.errors import LiaisonError
from liaison.models import DayPortion, LinkPlan, LinkStatus, Task, TaskCheck, ZoneActivityKind
from liaison.services import links as services
from liaison.services import rounds as round_services
from observe.access import observations_visible_to

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@login_required
def link_detail(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id)
    plan = LinkPlan.objects.filter(link=link).first()
    checks = {c.task: c for c in TaskCheck.objects.filter(link=link)}
    tasks = [{"value": t.value, "label": t.label, "check": checks.get(t.value)} for t in Task]
    done = sum(1 for c in checks.values() if c.done)
    days = list(onsite_days_visible_to(user).filter(link=link).select_related("observation", "visit"))
    today = timezone.localdate()
    total = rules.working_days([(d.date, d.days) for d in days])
    return render(request, "liaison/link_detail.html", {
        "link": link, "r": link.round, "plan": plan, "tasks": tasks, "done": done,
        "days": days, "total_days": total, "guidance": list(guidance_visible_to(user).filter(link=link)),
        "can_log": can_log_link(user, link) and link.status == LinkStatus.ACCEPTED,
        "can_plan": can_log_link(user, link) and link.status != LinkStatus.ENDED,
        "can_agree": can_agree_plan(user, link) and plan is not None and plan.status == "draft",
        "organiser": can_organise_round(user, link.round), "today": today,
        "plan_form": PlanForm(initial={"school_needs": plan.school_needs if plan else "",
                                       "goals": plan.goals if plan else "", "activities": plan.activities if plan else ""})})


class PlanForm(forms.Form):
    school_needs = forms.CharField(label="学校需求（先填）", widget=forms.Textarea(attrs={"rows": 3}))
    goals = forms.CharField(label="工作目标", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    activities = forms.CharField(label="活动安排", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def plan_edit(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id, write=True)
    plan = LinkPlan.objects.filter(link=link).first()
    form = PlanForm(request.POST or None, initial={"school_needs": plan.school_needs, "goals": plan.goals,
                                                   "activities": plan.activities} if plan else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_save(actor=user, link=link, school_needs=d["school_needs"], goals=d["goals"],
                               activities=d["activities"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "工作计划已保存，请联系学校确认。")
            return redirect("liaison:link_detail", link.pk)
    return render(request, "liaison/plan_form.html", {"link": link, "form": form})


@login_required
@require_POST
def plan_agree(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id)
    require(can_agree_plan(user, link))
    try:
        services.plan_agree(actor=user, link=link)
    except LiaisonError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认工作计划。")
    return redirect("liaison:link_detail", link.pk)


class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    portion = forms.ChoiceField(label="时长", choices=DayPortion.choices, initial=DayPortion.FULL,
                                widget=forms.RadioSelect)
    work = forms.CharField(label="工作内容", widget=forms.Textarea(attrs={"rows": 4,
                                                                       "placeholder": "调研、听评课、教研活动、送教……"}))
    observation = forms.ChoiceField(label="关联听评课记录", required=False)
    other_refs = forms.CharField(label="其他关联记录（教研活动、送教等）", max_length=300, required=False)
    client_uuid = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)


@login_required
def day_new(request: AuthedRequest, link_id: int) -> HttpResponse:
    """Log a day on site: a short form for a phone."""
    user = request.user
    link = get_link_for_user(user, link_id, write=True)
    require(link.status == LinkStatus.ACCEPTED)
    observations = {str(o.pk): o for o in observations_visible_to(user).filter(school=link.school)
                    .select_related("teacher").order_by("-date")[:30]}
    # A fresh id per form shown: a phone that sends it twice (a retry over a bad connection)
    # logs the day once (liaison.services.links.onsite_day_log).
    form = DayForm(request.POST or None, initial={"date": timezone.localdate(), "client_uuid": str(uuid.uuid4())})
    form.fields["observation"].choices = [("", "（无）")] + [  # type: ignore[attr-defined]  # a ChoiceField
        (k, f"{o.date:%m-%d} {o.teacher.name}") for k, o in observations.items()]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.onsite_day_log(actor=user, link=link, date=d["date"], portion=d["portion"], work=d["work"],
                                    observation=observations.get(d["observation"] or ""),
                                    other_refs=d["other_refs"], client_uuid=d["client_uuid"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已记录{d['date']:%m月%d日}的驻校工作。")
            return redirect("liaison:link_detail", link.pk)
    return render(request, "liaison/day_form.html", {"link": link, "form": form})


@login_required
@require_POST
def task_check(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id, write=True)
    raw = request.POST.get("task", "")
    task = int(raw) if raw.isdigit() else 0
    try:
        services.task_check(actor=user, link=link, task=task, done=request.POST.get("done") == "1",
                            evidence=request.POST.get("evidence", ""))
    except LiaisonError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "任务清单已更新。")
    return redirect(f"{link_detail_url(link.pk)}#tasks")


def link_detail_url(link_id: int) -> str:
    from django.urls import reverse

    return reverse("liaison:link_detail", args=[link_id])


class GuidanceForm(forms.Form):
    teacher = forms.CharField(label="教师", max_length=80,
                              widget=forms.TextInput(attrs={"list": "teacher-list", "placeholder": "姓名或人员编号"}))
    current_level = forms.CharField(label="教师现状", widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(label="发展目标", widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="指导措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    case_text = forms.CharField(label="跟进式指导案例（联系期结束时填写）", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teachers = teachers

    def clean_teacher(self) -> Any:
        return resolve_person(self.teachers, self.cleaned_data.get("teacher") or "", "教师")


def _guidance_page(request: AuthedRequest, link_id: int, plan_id: int | None) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id, write=True)
    plan = get_guidance_for_user(user, plan_id, write=True) if plan_id is not None else None
    require(plan is None or plan.link_id == link.pk)
    teachers = people_visible_to(user).filter(org=link.school, is_active=True)
    initial = {"teacher": label(plan.teacher), "current_level": plan.current_level, "goals": plan.goals,
               "measures": plan.measures, "case_text": plan.case_text} if plan else None
    form = GuidanceForm(request.POST or None, initial=initial, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.guidance_save(actor=user, link=link, teacher=d["teacher"], current_level=d["current_level"],
                                   goals=d["goals"], measures=d["measures"], case_text=d["case_text"], plan=plan)
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "跟进式指导方案已保存。")
            return redirect(f"{link_detail_url(link.pk)}#guidance")
    return render(request, "liaison/guidance_form.html", {
        "link": link, "form": form, "plan": plan, "teacher_options": [label(t) for t in teachers[:300]]})


@login_required
def guidance_new(request: AuthedRequest, link_id: int) -> HttpResponse:
    return _guidance_page(request, link_id, None)


@login_required
def guidance_edit(request: AuthedRequest, link_id: int, plan_id: int) -> HttpResponse:
    return _guidance_page(request, link_id, plan_id)


# ---------------------------------------------------------------- responsibility zones


@login_required
def zones(request: AuthedRequest) -> HttpResponse:
    items = list(zones_visible_to(request.user).prefetch_related("members")[:100])
    return render(request, "liaison/zones.html", {"zones": items, "can_create": bool(organiser_nodes(request.user))})


@login_required
def zone_detail(request: AuthedRequest, zone_id: int) -> HttpResponse:
    user = request.user
    zone = get_zone_for_user(user, zone_id)
    since = timezone.localdate() - dt.timedelta(days=366)
    members = list(zone.members.order_by("path"))
    editable = can_edit_zone(user, zone.region)
    form = ZoneActivityForm(request.POST or None, hosts=[zone.lead, *members])
    if request.method == "POST":
        require(editable)
        if form.is_valid():
            d = form.cleaned_data
            try:
                round_services.zone_activity_record(actor=user, zone=zone, kind=d["kind"], date=d["date"],
                                                    host=form.hosts[d["host"]], summary=d["summary"])
            except LiaisonError as exc:
                exc.show_on(form)
            else:
                messages.success(request, "责任区活动已记录。")
                return redirect("liaison:zone_detail", zone.pk)
    return render(request, "liaison/zone_detail.html", {
        "zone": zone, "members": members, "editable": editable, "form": form,
        "activities": list(zone.activities.select_related("host").filter(date__gte=since)[:100])})


class ZoneActivityForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ZoneActivityKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    host = forms.ChoiceField(label="承办园")
    summary = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, hosts: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosts = {str(h.pk): h for h in hosts}
        self.fields["host"].choices = [(k, h.name) for k, h in self.hosts.items()]  # type: ignore[attr-defined]  # a ChoiceField


class ZoneForm(forms.Form):
    region = forms.ChoiceField(label="所属区域")
    name = forms.CharField(label="名称", max_length=80)
    lead = forms.ChoiceField(label="牵头园（城镇优质园、乡镇中心园）")
    members = forms.MultipleChoiceField(label="成员园", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, regions: list[OrgNode], gardens: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {str(r.pk): r for r in regions}
        self.gardens = {str(g.pk): g for g in gardens}
        choices = [(k, f"{g.name}{'（薄弱）' if g.is_weak else ''}") for k, g in self.gardens.items()]
        self.fields["region"].choices = [(k, r.name) for k, r in self.regions.items()]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["lead"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["members"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField


@login_required
def zone_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    regions = organiser_nodes(user)
    require(bool(regions))
    gardens = list(kindergartens_visible_to(user, regions)[:300])
    form = ZoneForm(request.POST or None, regions=regions, gardens=gardens)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            zone = round_services.zone_create(actor=user, region=form.regions[d["region"]], name=d["name"],
                                              lead=form.gardens[d["lead"]],
                                              members=[form.gardens[k] for k in d["members"]])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已设立责任区：{zone.name}")
            return redirect("liaison:zone_detail", zone.pk)
    return render(request, "liaison/zone_form.html", {"form": form, "has_gardens": bool(gardens)})


urls: list[URLPattern] = [
    path("links/<int:link_id>/", link_detail, name="link_detail"),
    path("links/<int:link_id>/plan/", plan_edit, name="plan_edit"),
    path("links/<int:link_id>/plan/agree/", plan_agree, name="plan_agree"),
    path("links/<int:link_id>/days/new/", day_new, name="day_new"),
    path("links/<int:link_id>/tasks/", task_check, name="task_check"),
    path("links/<int:link_id>/guidance/new/", guidance_new, name="guidance_new"),
    path("links/<int:link_id>/guidance/<int:plan_id>/", guidance_edit, name="guidance_edit"),
    path("zones/", zones, name="zones"),
    path("zones/new/", zone_new, name="zone_new"),
    path("zones/<int:zone_id>/", zone_detail, name="zone_detail"),
]
