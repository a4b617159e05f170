"""Early warnings: the list, one warning with its evidence and actions, the rules, evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from quality import services
from quality.access import (
    can_act_on_warning,
    can_manage_exam,
    get_exam_for_user,
    get_warning_for_user,
    rule_owners_for,
    rules_visible_to,
    warning_owner_candidates,
    warnings_visible_to,
)
from quality.forms import ActionForm, RuleForm
from quality.models import WarningStatus
from quality.warnings import evaluate, norm_name, readable_evidence


@login_required
def warning_list(request: AuthedRequest) -> HttpResponse:
    qs = warnings_visible_to(request.user)
    exam = None
    if request.GET.get("exam", "").isdigit():
        exam = get_exam_for_user(request.user, int(request.GET["exam"]))
        qs = qs.filter(exam=exam)
    status = request.GET.get("status", "")
    if status in WarningStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:500])
    if request.GET.get("format") == "xlsx":
        return xlsx_response("预警清单", "预警", ["考试", "学校", "班级", "教师/校长", "预警", "规范", "状态", "时间"],
                             ([w.exam.name, w.school.name, w.class_label, w.person.name if w.person else "", w.title,
                               norm_name(w.norm_code), w.get_status_display(), w.created_at.strftime("%Y-%m-%d")]
                              for w in rows))
    for w in rows:
        w.norm_name = norm_name(w.norm_code)  # type: ignore[attr-defined]  # a display attribute for the template
    return render(request, "quality/warning_list.html", {"warnings": rows, "exam": exam, "status": status,
                                                         "statuses": WarningStatus.choices,
                                                         "can_evaluate": exam is not None
                                                         and can_manage_exam(request.user, exam)})


@login_required
@require_POST
def exam_warnings_evaluate(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id, write=True)
    found = evaluate(exam)
    created = services.warnings_raise(actor=request.user, exam=exam, found=found)
    messages.success(request, f"按预警规则检查完毕：发现 {len(found)} 条，其中新增 {created} 条。")
    return redirect(reverse("quality:warning_list") + f"?exam={exam.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def warning_detail(request: AuthedRequest, warning_id: int) -> HttpResponse:
    warning = get_warning_for_user(request.user, warning_id)
    can_act = can_act_on_warning(request.user, warning)
    people = warning_owner_candidates(request.user, warning)
    form = ActionForm(request.POST or None, people=people) if can_act else None
    if request.method == "POST":
        require(can_act and form is not None, "没有找到该预警")
        assert form is not None
        if request.POST.get("close") == "1":
            try:
                services.warning_close(actor=request.user, warning=warning)
            except DomainError as exc:
                messages.error(request, str(exc))
            return redirect("quality:warning_detail", warning_id=warning.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.warning_action_add(actor=request.user, warning=warning, kind=d["kind"], owner=d["owner"],
                                            due=d["due"], note=d["note"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, "处理记录已保存。")
                return redirect("quality:warning_detail", warning_id=warning.pk)
    simple, detail = readable_evidence(warning.evidence)
    return render(request, "quality/warning_detail.html", {
        "w": warning, "actions": warning.actions.select_related("owner").all(), "form": form, "can_act": can_act,
        "evidence": simple, "detail": detail, "norm_name": norm_name(warning.norm_code)})


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: AuthedRequest) -> HttpResponse:
    orgs = rule_owners_for(request.user)
    form = RuleForm(request.POST or None, orgs=orgs)
    if request.method == "POST":
        require(bool(orgs), "没有找到该页面")
        if form.is_valid():
            services.warning_rule_save(actor=request.user, org=form.cleaned_data["org"],
                                       kind=form.cleaned_data["kind"], params=form.params())
            messages.success(request, "预警规则已保存。")
            return redirect("quality:rules")
    return render(request, "quality/rules.html", {"rules": rules_visible_to(request.user), "form": form,
                                                  "can_edit": bool(orgs)})
