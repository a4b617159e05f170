"""The projects pages: the list, filing (申报), a project's page with its stage timeline, documents,
members, reviews and outcomes, and the actions the user may take there."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from core.access import require, scope_of
from core.http import AuthedRequest
from core.models import Level, Subject
from core.pickers import picker_label as person_label
from observe.attachments import LIMITS_TEXT, attachment_response
from projects import access, lifecycle
from projects import services as svc
from projects.errors import ProjectError
from projects.forms import (
    AdvanceForm,
    DocumentForm,
    MemberForm,
    OutcomeForm,
    ProjectForm,
    ReviewAssignForm,
)
from projects.models import DocumentKind, Project, ProjectDocument, ProjectStatus
from projects.selectors import SIDES, ProjectFilter, projects_list, stage_timeline

LIST_LIMIT = 60




def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# ---------------------------------------------------------------- the list


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The projects the user sees, filtered by level, stage, subject and year."""
    user = request.user
    q = request.GET
    side = q.get("side", "") if q.get("side", "") in SIDES else ""
    f = ProjectFilter(level=q.get("level", ""), status=q.get("status", ""), subject_id=_int(q.get("subject", "")),
                      year=_int(q.get("year", "")), side=side, q=q.get("q", "")[:60])
    qs = projects_list(user, f)
    total = qs.count()
    node = access.stats_nodes(user)
    return render(request, "projects/home.html", {
        "projects": list(qs[:LIST_LIMIT]), "total": total, "f": f, "side": side,
        "levels": Level.choices, "statuses": ProjectStatus.choices,
        "subjects": Subject.objects.order_by("code"), "can_file": access.can_file_project(user),
        "can_stats": bool(node), "has_reviews": access.reviews_assigned_to(user).exists()})


# ---------------------------------------------------------------- filing


@login_required
def new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_file_project(user))
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = svc.project_create(actor=user, title=d["title"], level=d["level"], subject=d["subject"],
                                         stage=d["stage"] or "", planned_end=d["planned_end"],
                                         summary=d["summary"], application=d["application"])
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "课题已申报，请补充课题组成员和申报材料，等待立项单位审批。")
            return redirect("projects:detail", project.pk)
    return render(request, "projects/new.html", {"form": form}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- a project's page


def _detail(request: AuthedRequest, project: Project, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    user = request.user
    bound = bound or {}
    manage = access.can_manage_project(user, project)
    withdraw = not manage and access.can_withdraw_application(user, project)
    edit = access.can_edit_project(user, project)
    members_edit = access.can_edit_members(user, project)
    final = project.status in lifecycle.FINAL
    people = access.people_for_picking(user, project)
    docs = list(project.documents.select_related("uploaded_by").order_by("created_at", "id"))
    by_kind = [(label, [d for d in docs if d.kind == kind]) for kind, label in DocumentKind.choices]
    reviews = list(project.reviews.select_related("expert", "expert__org").order_by("created_at", "id"))
    me = scope_of(user).person_id
    ctx: dict[str, Any] = {
        "p": project, "timeline": stage_timeline(project),
        "members": list(project.members.select_related("person", "person__org")),
        "docs_by_kind": by_kind, "reviews": reviews, "outcomes": list(project.outcomes.all()),
        "can_edit_fields": access.can_edit_project_fields(user, project),
        "can_manage": manage and not final, "can_withdraw": withdraw, "can_edit": edit and not final, "can_members": members_edit and not final,
        "my_reviews": [r for r in reviews if r.expert_id == me and not r.is_submitted],
        "limits_text": LIMITS_TEXT, "people": [person_label(p) for p in people.order_by("pinyin")[:300]]
        if (manage or members_edit) and not final else [],
        "advance_form": bound.get("advance") or AdvanceForm(status=project.status, withdraw_only=withdraw),
        "member_form": bound.get("member") or MemberForm(people=people),
        "document_form": bound.get("document") or DocumentForm(),
        "review_form": bound.get("review") or ReviewAssignForm(people=people),
        "outcome_form": bound.get("outcome") or OutcomeForm(),
        "required_next": [(lifecycle.label(s), [lifecycle.DOCUMENT_LABELS[d] for d in lifecycle.REQUIRED_DOCUMENTS.get(s, ())])
                          for s in lifecycle.next_steps(project.status)],
    }
    return render(request, "projects/detail.html", ctx, status=400 if bound else 200)


@login_required
def detail(request: AuthedRequest, project_id: int) -> HttpResponse:
    return _detail(request, access.get_project_for_user(request.user, project_id))


@login_required
@require_POST
def advance(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id)
    manage = access.can_manage_project(request.user, project)
    require(manage or access.can_withdraw_application(request.user, project))
    form = AdvanceForm(request.POST, status=project.status, withdraw_only=not manage)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.project_advance(actor=request.user, project=project, target=d["target"], on=d.get("on"),
                                note=d["note"], new_end=d.get("new_end"), number=d.get("number") or "",
                                is_key=d.get("is_key") if "is_key" in form.fields else None)
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"课题已进入“{lifecycle.label(d['target'])}”阶段。")
            return redirect("projects:detail", project.pk)
    return _detail(request, project, {"advance": form})


@login_required
@require_POST
def set_key(request: AuthedRequest, project_id: int) -> HttpResponse:
    """Mark or unmark one of the approving body's key projects (重点课题) of the year."""
    project = access.get_project_for_user(request.user, project_id)
    require(access.can_manage_project(request.user, project))
    is_key = request.POST.get("is_key") == "on"
    try:
        svc.project_set_key(actor=request.user, project=project, is_key=is_key)
    except ProjectError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已列为重点课题。" if is_key else "已取消重点课题。")
    return redirect("projects:detail", project.pk)


@login_required
@require_POST
def member_add(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id)
    require(access.can_edit_members(request.user, project))
    form = MemberForm(request.POST, people=access.people_for_picking(request.user, project))
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.member_add(actor=request.user, project=project, person=d["person"], role=d["role"], task=d["task"])
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已添加成员{d['person'].name}。")
            return redirect("projects:detail", project.pk)
    return _detail(request, project, {"member": form})


@login_required
@require_POST
def document_add(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.document_add(actor=request.user, project=project, kind=d["kind"], title=d["title"], text=d["text"],
                             upload=d["file"])
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "材料已提交。")
            return redirect("projects:detail", project.pk)
    return _detail(request, project, {"document": form})


@login_required
def document_file(request: AuthedRequest, document_id: int) -> FileResponse:
    """A stage document's file, served as observe serves attachments (type judged from the bytes)."""
    doc = ProjectDocument.objects.filter(pk=document_id).first()
    if doc is None or not doc.file:
        raise Http404("没有找到该材料")
    access.get_project_for_user(request.user, doc.project_id)
    return attachment_response(doc.file.open("rb"), doc.original_name or "材料")


@login_required
@require_POST
def review_assign(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id)
    require(access.can_manage_project(request.user, project))
    form = ReviewAssignForm(request.POST, people=access.people_for_picking(request.user, project))
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.review_assign(actor=request.user, project=project, stage=d["stage"], expert=d["expert"], due=d["due"])
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已指派{d['expert'].name}进行{lifecycle.REVIEW_STAGES[d['stage']]}。")
            return redirect("projects:detail", project.pk)
    return _detail(request, project, {"review": form})


@login_required
@require_POST
def outcome_add(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id, write=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.outcome_add(actor=request.user, project=project, kind=d["kind"], title=d["title"], on=d["on"],
                            level=d["level"] or "", detail=d["detail"])
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "成果已登记。")
            return redirect("projects:detail", project.pk)
    return _detail(request, project, {"outcome": form})


urls: list[URLPattern] = [
    path("", home, name="home"),
    path("new/", new, name="new"),
    path("<int:project_id>/", detail, name="detail"),
    path("<int:project_id>/advance/", advance, name="advance"),
    path("<int:project_id>/key/", set_key, name="set_key"),
    path("<int:project_id>/members/", member_add, name="member_add"),
    path("<int:project_id>/documents/", document_add, name="document_add"),
    path("documents/<int:document_id>/", document_file, name="document_file"),
    path("<int:project_id>/reviews/", review_assign, name="review_assign"),
    path("<int:project_id>/outcomes/", outcome_add, name="outcome_add"),
]
