"""Roster sync pages: upload an export sheet, see what it would add, change and end, apply it or
discard it, and the history of runs with their counts.

Only region admins (and system admins) reach these pages; everyone else gets 404. The rows are
checked against the admin's subtree by the sync service (core.importing.roster).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import manageable_roots, require
from core.errors import DomainError
from core.http import AuthedRequest
from core.importing.roster import (
    ACTION_LABELS,
    ACTIONS,
    ENTITY_LABELS,
    RosterError,
    roster_apply,
    roster_discard,
    roster_preview,
    sync_root,
)
from core.importing.roster_rows import ROSTER_LIMITS
from core.roster_access import get_run_for_user, runs_visible_to
from core.roster_codes import COLUMNS, Source
from core.roster_models import SyncStatus
from core.spreadsheets import ReadError, check_upload_size
from core.views.imports import UploadForm

HISTORY_LENGTH = 50


class RosterUploadForm(UploadForm):
    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        try:
            check_upload_size(upload.size, ROSTER_LIMITS)
        except ReadError as exc:
            raise forms.ValidationError(str(exc)) from None
        name = (upload.name or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError("只能上传 .xlsx 文件。请在 Excel 或 WPS 中“另存为 → Excel 工作簿（*.xlsx）”后再上传。")
        return upload


def _require_admin(request: AuthedRequest) -> None:
    require(bool(manageable_roots(request.user)), "没有找到该页面")


def _source(value: str) -> Source:
    if value not in {s.value for s in Source}:
        raise Http404("没有该同步类型")
    return Source(value)


def _count_rows(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [{"entity": ENTITY_LABELS[e], "cells": [counts[e].get(a, 0) for a in ACTIONS], "key": e}
            for e in ENTITY_LABELS if e in counts]


def _home_context(request: AuthedRequest) -> dict[str, Any]:
    return {
        "sources": [{"source": s, "label": s.label, "columns": COLUMNS[s], "form": RosterUploadForm(auto_id=f"id_{s}_%s")}
                    for s in Source],
        "runs": list(runs_visible_to(request.user)[:HISTORY_LENGTH]),
        "limits": ROSTER_LIMITS.describe(),
        "roots": manageable_roots(request.user),
        "action_labels": [ACTION_LABELS[a] for a in ACTIONS],
    }


@login_required
@require_GET
def roster_home(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "core/roster/home.html", _home_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request: AuthedRequest, source: str) -> HttpResponse:
    _require_admin(request)
    src = _source(source)
    if request.method == "GET":
        return redirect("roster_home")
    form = RosterUploadForm(request.POST, request.FILES, auto_id=f"id_{src}_%s")
    ctx = _home_context(request)
    for entry in ctx["sources"]:
        if entry["source"] == src:
            entry["form"] = form
    if not form.is_valid():
        return render(request, "core/roster/home.html", ctx)
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    try:
        root = sync_root(request.user, request.POST.get("root") or None)
    except DomainError as exc:
        exc.show_on(form)
        return render(request, "core/roster/home.html", ctx)
    preview = roster_preview(actor=request.user, source=src, content=upload.read(),
                             filename=upload.name or "未命名.xlsx", root=root)
    if preview.run is None:
        return render(request, "core/roster/home.html", {**ctx, "rejected": preview.plan,
                                                          "rejected_source": src, "filename": upload.name})
    return redirect("roster_run", run_id=preview.run.pk)


@login_required
@require_GET
def roster_run(request: AuthedRequest, run_id: int) -> HttpResponse:
    _require_admin(request)
    run = get_run_for_user(request.user, run_id)
    return render(request, "core/roster/run.html", {
        "run": run, "counts": _count_rows(run.counts), "action_labels": [ACTION_LABELS[a] for a in ACTIONS],
        "staged": run.status == SyncStatus.STAGED})


@login_required
@require_POST
def roster_run_apply(request: AuthedRequest, run_id: int) -> HttpResponse:
    _require_admin(request)
    run = get_run_for_user(request.user, run_id)
    try:
        plan = roster_apply(actor=request.user, run=run)
    except RosterError as exc:
        return render(request, "core/roster/run.html", {
            "run": run, "counts": _count_rows(run.counts), "action_labels": [ACTION_LABELS[a] for a in ACTIONS],
            "staged": False, "refusal": exc.message}, status=409)
    if plan.errors:
        return render(request, "core/roster/run.html", {
            "run": run, "counts": _count_rows(run.counts), "action_labels": [ACTION_LABELS[a] for a in ACTIONS],
            "staged": True, "apply_errors": plan.errors})
    return redirect("roster_run", run_id=run.pk)


@login_required
@require_POST
def roster_run_discard(request: AuthedRequest, run_id: int) -> HttpResponse:
    _require_admin(request)
    run = get_run_for_user(request.user, run_id)
    try:
        roster_discard(actor=request.user, run=run)
    except RosterError as exc:
        return render(request, "core/roster/run.html", {
            "run": run, "counts": _count_rows(run.counts), "action_labels": [ACTION_LABELS[a] for a in ACTIONS],
            "staged": False, "refusal": exc.message}, status=409)
    return redirect("roster_home")
