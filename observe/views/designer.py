"""The rubric template designer: a region's or school's designers copy a template (or start
blank), edit the tree of a draft version, and publish it; published versions never change."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import require
from core.errors import DomainError
from core.http import AuthedRequest
from observe import services
from observe.access import can_design, design_roots, get_template_for_user, offered_versions, templates_visible_to
from observe.forms import TemplateCreateForm, TreeForm
from observe.models import VersionStatus
from observe.views.common import rubric_sections


def _create_form(user: Any, data: Any = None) -> TemplateCreateForm:
    form = TemplateCreateForm(data)
    owner_field = form.fields["owner"]
    copy_field = form.fields["copy_of"]
    assert isinstance(owner_field, forms.ChoiceField) and isinstance(copy_field, forms.ChoiceField)
    owner_field.choices = [(n.code, n.name) for n in design_roots(user)]
    copy_field.choices = [("", "空白模板")] + [
        (str(v.pk), f"{v.template.name} 第{v.number}版") for v in offered_versions(user)]
    return form


@login_required
def templates(request: AuthedRequest) -> HttpResponse:
    user = request.user
    roots = design_roots(user)
    form = _create_form(user) if roots else None
    if request.method == "POST":
        require(bool(roots))
        form = _create_form(user, request.POST)
        if form.is_valid():
            owner = next(n for n in roots if n.code == form.cleaned_data["owner"])
            copy_of = offered_versions(user).filter(pk=form.cleaned_data["copy_of"] or 0).first()
            template = services.template_create(actor=user, owner=owner, name=form.cleaned_data["name"],
                                                purpose=form.cleaned_data["purpose"], copy_of=copy_of,
                                                description=form.cleaned_data["description"],
                                                subject=form.cleaned_data["subject"],
                                                stage=form.cleaned_data["stage"] or "")
            messages.success(request, "模板已创建，请编辑草稿后发布。")
            return redirect("observe:template_edit", template.pk)
    items = list(templates_visible_to(user).select_related("subject").prefetch_related("versions").order_by("-is_builtin", "name"))
    rows = [{"t": t, "published": max((v.number for v in t.versions.all() if v.status == VersionStatus.PUBLISHED),
                                      default=None),
             "draft": any(v.status == VersionStatus.DRAFT for v in t.versions.all()),
             "editable": can_design(user, t)} for t in items]
    return render(request, "observe/templates.html", {"rows": rows, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def template_detail(request: AuthedRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = get_template_for_user(user, template_id)
    versions = list(template.versions.order_by("-number"))
    number = request.GET.get("v", "")
    version = next((v for v in versions if str(v.number) == number), None) or next(
        (v for v in versions if v.status == VersionStatus.PUBLISHED), versions[0] if versions else None)
    return render(request, "observe/template_detail.html", {
        "template": template, "versions": versions, "version": version,
        "sections": rubric_sections(version) if version else [], "editable": can_design(user, template),
        "used": version.assessments.count() if version else 0})


@login_required
@require_POST
def template_draft(request: AuthedRequest, template_id: int) -> HttpResponse:
    template = get_template_for_user(request.user, template_id, write=True)
    services.version_draft(actor=request.user, template=template)
    return redirect("observe:template_edit", template.pk)


def _bands_text(scoring: dict[str, Any]) -> str:
    return ",".join(f"{b['min']:g}={b['label']}" for b in scoring.get("bands", []))


@login_required
def template_edit(request: AuthedRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = get_template_for_user(user, template_id, write=True)
    draft = template.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.info(request, "该模板没有草稿版本，请先点击“修订（新建草稿）”。")
        return redirect("observe:template_detail", template.pk)
    status = 200
    if request.method == "POST":
        form = TreeForm(request.POST)
        if form.is_valid():
            try:
                services.version_save(actor=user, version=draft, scoring=form.scoring(),
                                      nodes=form.cleaned_data["tree"], note=form.cleaned_data["note"])
            except DomainError as exc:
                form.add_error("tree", f"指标树：{exc.message}")
            else:
                if request.POST.get("action") == "publish":
                    services.version_publish(actor=user, version=draft)
                    messages.success(request, f"第{draft.number}版已发布，新的听课评分将使用此版本。")
                    return redirect("observe:template_detail", template.pk)
                messages.success(request, "草稿已保存。")
                return redirect("observe:template_edit", template.pk)
        status = 400
    else:
        form = TreeForm(initial={"tree": json.dumps(draft.nodes, ensure_ascii=False, indent=1),
                                 "total": draft.scoring.get("total"), "bands": _bands_text(draft.scoring),
                                 "note": draft.note})
    return render(request, "observe/template_edit.html", {"template": template, "draft": draft, "form": form},
                  status=status)


@login_required
@require_POST
def template_publish(request: AuthedRequest, template_id: int) -> HttpResponse:
    template = get_template_for_user(request.user, template_id, write=True)
    draft = template.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.error(request, "没有待发布的草稿版本。")
        return redirect("observe:template_detail", template.pk)
    try:
        services.version_publish(actor=request.user, version=draft)
    except DomainError as exc:
        messages.error(request, f"不能发布：{exc.message}")
        return redirect("observe:template_edit", template.pk)
    messages.success(request, f"第{draft.number}版已发布。")
    return redirect("observe:template_detail", template.pk)
