"""The rating questionnaire of a researcher appraisal: a teacher (or a school manager, for the
school) scores the researchers who serve them, 1–5 in each of the four dimensions. Anonymous,
one sheet per person: the sheet keeps only a keyed hash of the signed-in user
(appraisal.services.researchers.rater_hash)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from appraisal import researcher_access as access
from appraisal import workload
from appraisal.services import researchers as svc
from core.errors import DomainError
from core.http import AuthedRequest

SCORES = (5, 4, 3, 2, 1)


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    user = request.user
    appraisal = access.ratable_appraisals(user).filter(pk=appraisal_id).first()
    kind = access.rater_kind(user, appraisal) if appraisal is not None else None
    if appraisal is None or kind is None:
        raise Http404("没有找到该评价问卷")
    entries = svc.rated_entries(appraisal, user)
    done = svc.has_rated(appraisal, user)
    error = ""
    typed: dict[str, str] = {}
    if request.method == "POST" and not done:
        scores: dict[int, dict[str, int]] = {}
        for e in entries:
            dims = {d: request.POST.get(f"s{e.pk}_{d}", "") for d, _ in workload.DIMENSIONS}
            typed.update({f"s{e.pk}_{d}": v for d, v in dims.items()})
            given = {d: v for d, v in dims.items() if v}
            if not given:
                continue
            if len(given) < len(dims) or not all(v.isdigit() for v in given.values()):
                error = f"请为{e.person.name}的四个维度都选择1到5分，或都不选"
                break
            scores[e.pk] = {d: int(v) for d, v in given.items()}
        if not error:
            try:
                svc.rating_submit(actor=user, appraisal=appraisal, kind=kind, scores=scores,
                                  allowed_entry_ids={e.pk for e in entries})
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "评价已提交，感谢参与。评价匿名，不记录评价人。")
                return redirect("appraisal:researchers")
    rows = [{"entry": e, "fields": [(f"s{e.pk}_{d}", label, typed.get(f"s{e.pk}_{d}", ""))
                                    for d, label in workload.DIMENSIONS]} for e in entries]
    return render(request, "appraisal/researchers/rate.html", {
        "appraisal": appraisal, "rows": rows, "done": done, "error": error, "typed": typed,
        "dimensions": workload.DIMENSIONS, "scores": SCORES, "kind_label": "学校" if kind == "school" else "教师"})
