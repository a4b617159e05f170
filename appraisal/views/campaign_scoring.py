"""A campaign subject's pages: its record (stage scores, result, evidence, objections), the form
to score a stage (pre-filled from the records, a reason for each change), evidence, raising an
objection and the organiser's handling of it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from appraisal import campaign_access as access
from appraisal import campaign_rules as rules
from appraisal.campaign_forms import EvidenceForm, HandleForm, ObjectionForm, ScoreForm
from appraisal.models.campaigns import CampaignStatus, CampaignSubject, ObjectionStatus, SubjectEvidence
from appraisal.services import campaigns as svc
from appraisal.services.campaigns import CampaignError
from core.access import require
from core.http import AuthedRequest
from observe import rubrics
from observe.attachments import attachment_response
from observe.forms import ratings_from_post
from observe.views.common import rubric_sections


def _indicators(subject: CampaignSubject) -> list[tuple[str, str]]:
    return [(n["code"], f"{n['code']} {n['title']}") for n in rubrics.iter_nodes(subject.campaign.version.nodes)
            if n["kind"] == "indicator" or not n["children"] and n["kind"] == "dimension"]


@login_required
def subject(request: AuthedRequest, subject_id: int) -> HttpResponse:
    s = access.get_subject_for_user(request.user, subject_id)
    c = s.campaign
    scores = list(s.scores.select_related("assessment", "assessor").order_by("created_at")) \
        if access.can_see_scores(request.user, s) else []
    me_self = access.is_self(request.user, s)
    if me_self and not access.is_organiser(request.user, c) and c.status == CampaignStatus.ASSESSING:
        # A subject under assessment reads its own self-assessment, not the assessors' scores yet.
        self_key = c.stages[0]["key"] if c.stages[0]["who"] == "self" else ""
        scores = [x for x in scores if x.stage == self_key]
    labels = {st["key"]: st["label"] for st in c.stages}
    done = {x.stage for x in s.scores.all() if x.submitted_at is not None}
    nxt = rules.next_stage(c.stages, done) if c.status == CampaignStatus.ASSESSING else None
    deadline = rules.objection_deadline(c.published_on, c.objection_days) if c.published_on else None
    today = timezone.localdate()
    can_object = (me_self and c.status == CampaignStatus.PUBLISHED
                  and rules.objection_open(c.published_on, c.objection_days, today)
                  and not s.objections.filter(status=ObjectionStatus.OPEN).exists())
    return render(request, "appraisal/campaigns/subject.html", {
        "s": s, "c": c, "scores": [{"row": x, "label": labels.get(x.stage, x.stage),
                                     "sections": rubric_sections(c.version, x.assessment.ratings)} for x in scores],
        "result": access.can_see_result(request.user, s), "next": nxt,
        "can_score": nxt is not None and access.can_score_stage(request.user, s, nxt),
        "evidence": list(s.evidence.select_related("added_by")),
        "evidence_form": EvidenceForm(indicators=_indicators(s)) if c.status in (
            CampaignStatus.DRAFT, CampaignStatus.ASSESSING) and (me_self or access.can_see_scores(request.user, s))
        else None,
        "objections": list(s.objections.select_related("raised_by", "handled_by")),
        "objection_form": ObjectionForm() if can_object else None, "deadline": deadline,
        "runner": access.can_run(request.user, c)})


@login_required
def score(request: AuthedRequest, subject_id: int, stage: str) -> HttpResponse:
    """Score a stage: the form starts from the records' values (first stage) or the previous
    stage's; a value changed from that needs a reason."""
    s = access.get_subject_for_user(request.user, subject_id)
    c = s.campaign
    st = next((x for x in c.stages if x["key"] == stage), None)
    require(st is not None and access.can_score_stage(request.user, s, st))
    assert st is not None
    initial, prefill = svc.stage_initial(s, st)
    ratings: dict[str, dict[str, Any]] = initial
    reasons: dict[str, str] = {code: str(adj.get("reason", "")) for code, adj in
                               (s.scores.filter(stage=stage).values_list("adjustments", flat=True).first() or {}).items()}
    form = ScoreForm(request.POST or None)
    if request.method == "POST":
        ratings = ratings_from_post(request.POST, c.version.nodes)
        reasons = {code: (request.POST.get(f"reason_{code}") or "").strip() for code in prefill}
        if form.is_valid():
            try:
                svc.stage_score_save(actor=request.user, subject=s, stage=stage, ratings=ratings, reasons=reasons,
                                     comments=form.cleaned_data["comments"], submit="submit" in request.POST)
            except CampaignError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"“{st['label']}”评分已{'提交' if 'submit' in request.POST else '保存'}。")
                return redirect("appraisal:campaign_subject", s.pk)
    sections = rubric_sections(c.version, ratings)
    for sec in sections:
        for it in sec["items"]:
            pre = prefill.get(it["code"])
            it["prefill"] = pre
            it["reason"] = reasons.get(it["code"], "")
    return render(request, "appraisal/campaigns/score.html", {
        "s": s, "c": c, "stage": st, "form": form, "sections": sections, "error_field": next(
            (f for f in (form.errors or {}) if f.startswith(("reason_", "r_"))), "")},
        status=400 if form.errors else 200)


@login_required
@require_POST
def evidence_add(request: AuthedRequest, subject_id: int) -> HttpResponse:
    s = access.get_subject_for_user(request.user, subject_id)
    form = EvidenceForm(request.POST, request.FILES, indicators=_indicators(s))
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.evidence_add(actor=request.user, subject=s, indicator=d["indicator"], kind=d["kind"], text=d["text"],
                             url=d["url"] or "", file=d["file"])
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "佐证材料已添加。")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("appraisal:campaign_subject", s.pk)


@login_required
def evidence_file(request: AuthedRequest, evidence_id: int) -> FileResponse:
    ev = SubjectEvidence.objects.filter(pk=evidence_id).first()
    if ev is None or not ev.file:
        raise Http404("没有找到该材料")
    access.get_subject_for_user(request.user, ev.subject_id)
    return attachment_response(ev.file.open("rb"), (ev.file.name or "材料").rsplit("/", 1)[-1])


@login_required
@require_POST
def objection_raise(request: AuthedRequest, subject_id: int) -> HttpResponse:
    s = access.get_subject_for_user(request.user, subject_id)
    require(access.is_self(request.user, s))
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            svc.objection_raise(actor=request.user, subject=s, reason=form.cleaned_data["reason"],
                                today=timezone.localdate())
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "申诉已提交，等待组织单位处理。")
    else:
        messages.error(request, "申诉理由：请填写")
    return redirect("appraisal:campaign_subject", s.pk)


@login_required
def objection(request: AuthedRequest, objection_id: int) -> HttpResponse:
    """An objection, handled by the organiser: upheld with the changed score, or rejected."""
    o = access.get_objection_for_user(request.user, objection_id)
    runner = access.can_run(request.user, o.subject.campaign)
    form = HandleForm(request.POST or None)
    if request.method == "POST":
        require(runner)
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.objection_handle(actor=request.user, objection=o, upheld=d["decision"] == "upheld",
                                     response=d["response"], new_score=d["new_score"])
            except CampaignError as exc:
                exc.show_on(form)
            else:
                messages.success(request, "申诉已处理。")
                return redirect("appraisal:campaign", o.subject.campaign_id)
    return render(request, "appraisal/campaigns/objection.html", {
        "o": o, "form": form if runner and o.status == ObjectionStatus.OPEN else None},
        status=400 if form.errors else 200)


urls: list[URLPattern] = [
    path("campaigns/subjects/<int:subject_id>/", subject, name="campaign_subject"),
    path("campaigns/subjects/<int:subject_id>/score/<slug:stage>/", score, name="campaign_score"),
    path("campaigns/subjects/<int:subject_id>/evidence/", evidence_add, name="campaign_evidence_add"),
    path("campaigns/evidence/<int:evidence_id>/", evidence_file, name="campaign_evidence_file"),
    path("campaigns/subjects/<int:subject_id>/objection/", objection_raise, name="campaign_objection_raise"),
    path("campaigns/objections/<int:objection_id>/", objection, name="campaign_objection"),
]
