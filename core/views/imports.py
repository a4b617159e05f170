"""Bulk import pages: template downloads, the upload form, and the report of what happened.

Only users who may import (system admins and region admins: core.access.manageable_roots is not
empty) see these pages; everyone else gets 404, so the pages do not reveal themselves. The rows
themselves are checked against the user's admin subtree by the import service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from core.access import manageable_roots, require
from core.http import AuthedRequest
from core.importing import COLUMNS, ImportKind, ImportReport, errors_workbook, template_workbook, workbook_import
from core.spreadsheets import CORE_LIMITS, ReadError, check_upload_size

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Errors kept in the session for the error-report download; a file with more has bigger problems
# than a list can fix, and the session row should stay small.
MAX_KEPT_ERRORS = 5000
_SESSION_KEY = "import_errors:{kind}"


class UploadForm(forms.Form):
    file = forms.FileField(label="选择文件（.xlsx）", error_messages={
        "required": "请选择要上传的文件", "empty": "上传的文件是空的", "invalid": "没有收到文件，请重新选择"})

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # The size is refused first, before the bytes are read; what the bytes are (a workbook, or
        # an .exe, image or .xls renamed) is the bounded reader's to say, with the same messages
        # as every other upload.
        try:
            check_upload_size(upload.size, CORE_LIMITS)
        except ReadError as exc:
            raise forms.ValidationError(str(exc)) from None
        name = (upload.name or "").lower()
        if not name.endswith(".xlsx"):
            if name.endswith((".xls", ".et", ".csv", ".wps")):
                raise forms.ValidationError(
                    "只能上传 .xlsx 文件。请在 Excel 或 WPS 中“另存为 → Excel 工作簿（*.xlsx）”后再上传。")
            raise forms.ValidationError("只能上传 .xlsx 文件（Excel 工作簿），请使用本页下载的模板。")
        return upload


def _require_importer(request: AuthedRequest) -> None:
    require(bool(manageable_roots(request.user)), "没有找到该页面")


def _kind(kind: str) -> ImportKind:
    if kind not in {k.value for k in ImportKind}:
        raise Http404("没有该导入类型")
    return ImportKind(kind)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def import_home(request: AuthedRequest) -> HttpResponse:
    _require_importer(request)
    kinds = [{"kind": k, "label": k.label, "columns": COLUMNS[k], "form": UploadForm(auto_id=f"id_{k}_%s")}
             for k in ImportKind]
    return render(request, "core/import_home.html", {"kinds": kinds, "roots": manageable_roots(request.user),
                                                     "limits": CORE_LIMITS.describe()})


@login_required
@require_GET
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    _require_importer(request)
    k = _kind(kind)
    return _xlsx(template_workbook(k), f"{k.label}导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest, kind: str) -> HttpResponse:
    _require_importer(request)
    k = _kind(kind)
    key = _SESSION_KEY.format(kind=k.value)
    if request.method == "GET" and request.GET.get("download") == "errors":
        kept: dict[str, Any] | None = request.session.get(key)
        if not kept:
            raise Http404("没有可下载的错误报告")
        errors = [(int(r), str(c), str(m)) for r, c, m in kept["errors"]]
        stem = str(kept["filename"]).rsplit(".", 1)[0]
        return _xlsx(errors_workbook(kept["filename"], errors), f"{stem}-错误报告.xlsx")

    ctx: dict[str, Any] = {"kind": k, "label": k.label, "columns": COLUMNS[k], "limits": CORE_LIMITS.describe()}
    if request.method == "GET":
        return render(request, "core/import_upload.html", {**ctx, "form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "core/import_upload.html", {**ctx, "form": form})
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    report: ImportReport = workbook_import(actor=request.user, kind=k, content=upload.read(),
                                           filename=upload.name or "未命名.xlsx")
    if report.errors:
        request.session[key] = {"filename": report.filename,
                                "errors": [[e.row, e.column, e.reason] for e in report.errors[:MAX_KEPT_ERRORS]]}
    else:
        request.session.pop(key, None)
    return render(request, "core/import_upload.html", {**ctx, "form": UploadForm(), "report": report})
