"""Correcting a project's basic fields and its team: the edit page of the project (the approving
body's managers; the leader while the application awaits approval), and a member's part, task and
removal (the leader and the approving body). Every change is audited by projects.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from core.access import require
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Level, Stage, Subject
from projects import access
from projects import services as svc
from projects.forms import DATE, NamedForm
from projects.models import MemberRole, ProjectStatus


class ProjectEditForm(NamedForm):
    title = forms.CharField(label="课题名称", max_length=200)
    level = forms.ChoiceField(label="级别（立项前可改）", choices=Level.choices)
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.order_by("code"), required=False,
                                     empty_label="（不限学科）")
    stage = forms.ChoiceField(label="学段", choices=[("", "（不限学段）"), *Stage.choices], required=False)
    planned_end = forms.DateField(label="计划结题日期（立项前可改）", widget=DATE)
    number = forms.CharField(label="立项编号（立项后由立项单位填写）", max_length=60, required=False)
    summary = forms.CharField(label="研究内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, applied: bool, approved: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields the project's stage no longer allows changing are shown, not offered.
        if not applied:
            self.fields["level"].disabled = True
            self.fields["planned_end"].disabled = True
        if not approved:
            del self.fields["number"]


class MemberEditForm(NamedForm):
    role = forms.ChoiceField(label="分工", choices=MemberRole.choices)
    task = forms.CharField(label="承担任务", max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthedRequest, project_id: int) -> HttpResponse:
    user = request.user
    project = access.get_project_for_user(user, project_id)
    require(access.can_edit_project_fields(user, project))
    applied = project.status == ProjectStatus.APPLIED
    approved = project.approved_on is not None and access.can_manage_project(user, project)
    form = ProjectEditForm(request.POST or None, applied=applied, approved=approved, initial={
        "title": project.title, "level": project.level, "subject": project.subject, "stage": project.stage,
        "planned_end": project.planned_end, "number": project.number, "summary": project.summary})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.project_update(actor=user, project=project, title=d["title"], subject=d["subject"], stage=d["stage"],
                               summary=d["summary"], level=d["level"] if applied else None,
                               planned_end=d["planned_end"] if applied else None,
                               number=d["number"] if approved else None)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "已保存课题基本信息。")
            return redirect("projects:detail", project.pk)
    return render(request, "projects/edit.html", {"p": project, "form": form, "title": "修改课题基本信息"})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthedRequest, member_id: int) -> HttpResponse:
    user = request.user
    member = access.get_member_for_user(user, member_id)
    form = MemberEditForm(request.POST or None, initial={"role": member.role, "task": member.task})
    if request.method == "POST" and form.is_valid():
        try:
            svc.member_update(actor=user, member=member, role=form.cleaned_data["role"],
                              task=form.cleaned_data["task"])
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已修改成员{member.person.name}的分工。")
            return redirect("projects:detail", member.project_id)
    return render(request, "projects/edit.html", {"p": member.project, "form": form,
                                                  "title": f"修改成员{member.person.name}的分工"})


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthedRequest, member_id: int) -> HttpResponse:
    user = request.user
    member = access.get_member_for_user(user, member_id)
    if request.method == "POST":
        try:
            svc.member_remove(actor=user, member=member)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已将{member.person.name}移出课题组。")
        return redirect("projects:detail", member.project_id)
    return render(request, "projects/confirm_remove.html", {"p": member.project, "member": member})


urls: list[URLPattern] = [
    path("<int:project_id>/edit/", project_edit, name="edit"),
    path("members/<int:member_id>/edit/", member_edit, name="member_edit"),
    path("members/<int:member_id>/remove/", member_remove, name="member_remove"),
]
