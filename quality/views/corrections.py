"""Correcting one student's scores on a paper online: the form, the reason, the history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.http import AuthedRequest
from quality import services
from quality.access import can_see_names, get_student_for_correction
from quality.blocks import MISSING, SAT, STATUS_LABELS
from quality.forms import ScoreCorrectionForm
from quality.selectors import school_block, score_corrections, student_labels


@login_required
# A student's scores (and, for the school's own staff, name) are minors' data: not cached.
@never_cache
@require_http_methods(["GET", "POST"])
def score_correct(request: AuthedRequest, paper_id: int, code: str, student_id: int) -> HttpResponse:
    paper, school, student = get_student_for_correction(request.user, paper_id, code, student_id)
    exam = paper.exam
    items = list(paper.items.order_by("number"))
    block = school_block(paper, school)
    assert block is not None  # get_student_for_correction found the student in it
    row = int((block.student_ids == student.pk).nonzero()[0][0])
    step = float(exam.score_step)
    current = {f"item_{it.pk}": (f"{int(block.items[row, j]) * step:g}"
                                 if j < block.items.shape[1] and block.items[row, j] != MISSING else "")
               for j, it in enumerate(items)}
    total = int(block.totals[row]) * step if block.totals[row] >= 0 else None
    if request.method == "POST":
        form = ScoreCorrectionForm(request.POST, items=items)
        if form.is_valid():
            try:
                result = services.score_correct(actor=request.user, paper=paper, student=student,
                                                values=form.values(), reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                changed = "、".join(f"第{label}题 {_show(old)}→{_show(new)}" for label, old, new in result.changes)
                messages.success(request, f"已更正 {student.key} 的{paper.subject.name}成绩：{changed}；"
                                          f"总分 {_show(result.total_old)}→{_show(result.total_new)}，各级统计已重新合并。")
                return redirect("quality:school_students", paper_id=paper.pk, code=school.code)
    else:
        form = ScoreCorrectionForm(initial=current, items=items)
    keys, names = student_labels([student.pk], with_names=can_see_names(request.user, school))
    return render(request, "quality/score_correct.html", {
        "paper": paper, "exam": exam, "school": school, "student": student, "form": form, "step": f"{step:g}",
        "key": keys.get(student.pk, student.key), "name": names.get(student.pk, "") if names else "",
        "class_label": block.class_labels[int(block.class_idx[row])] if block.class_labels else student.class_label,
        "status": STATUS_LABELS[int(block.status[row])], "sat": int(block.status[row]) == SAT, "total": total,
        "item_only": bool(block.items.shape[1]), "history": score_corrections(paper, student)})


def _show(value: float | None) -> str:
    return "空" if value is None else f"{value:g}"
