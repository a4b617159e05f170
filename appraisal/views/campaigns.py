"""Pages of the appraisal app's `campaigns` area: the list of campaigns, a new campaign, one
campaign with its subjects, assessors, objections and selections, and the runner's actions.
A subject's own page, its stage scores, evidence and objections are in campaign_scoring.py.
`urls` is mounted by appraisal/urls.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from appraisal import campaign_access as access
from appraisal import campaign_rules as rules
from appraisal.campaign_forms import AssessorForm, CampaignForm, SelectionForm
from appraisal.models.campaigns import CampaignKind, CampaignStatus, ObjectionStatus, SelectionKind, StageScore
from appraisal.services import campaigns as svc
from appraisal.services.campaigns import CampaignError
from appraisal.views import campaign_scoring
from core.access import require
from core.http import AuthedRequest
from core.models import OrgKind
from observe.access import offered_versions


@login_required
def campaigns(request: AuthedRequest) -> HttpResponse:
    """The campaigns the user organises, assesses in or is a subject of."""
    rows = list(access.campaigns_visible_to(request.user).order_by("-start", "-id")[:200])
    return render(request, "appraisal/campaigns/list.html", {
        "rows": rows, "can_create": bool(access.run_roots(request.user)),
        "selections": list(access.selections_visible_to(request.user).order_by("-decided_on")[:20])})


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    orgs = access.run_roots(request.user)
    require(bool(orgs))
    versions = offered_versions(request.user).filter(total_points__isnull=False)
    form = CampaignForm(request.POST or None, orgs=orgs, versions=versions,
                        papers=access.papers_for_value_added(request.user),
                        initial={"org": orgs[0].pk, "kind": CampaignKind.GROUP})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = svc.campaign_create(actor=request.user, org=d["org"], kind=d["kind"], title=d["title"],
                                    start=d["start"], end=d["end"], version=d["version"], stages=d["stages"],
                                    cutoffs=d["cutoffs"], objection_days=d["objection_days"],
                                    value_added_code=d["value_added_code"].strip(), va_paper=d["va_paper"],
                                    va_prior=d["va_prior"])
        except CampaignError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "考评活动已创建，请生成考评对象并指定评审人。")
            return redirect("appraisal:campaign", c.pk)
    return render(request, "appraisal/campaigns/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def campaign(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    c = access.get_campaign_for_user(request.user, campaign_id)
    runner = access.can_run(request.user, c)
    subjects = list(access.subjects_visible_to(request.user).filter(campaign=c)
                    .order_by("rank", "school__path", "label"))
    done: dict[int, set[str]] = {}
    for sid, stage in (StageScore.objects.filter(subject__in=subjects, submitted_at__isnull=False)
                       .values_list("subject_id", "stage")):
        done.setdefault(sid, set()).add(stage)
    rows = []
    for s in subjects:
        nxt = rules.next_stage(c.stages, done.get(s.pk, set()))
        rows.append({"s": s, "next": nxt, "result": access.can_see_result(request.user, s),
                     "stages": [(st["label"], st["key"] in done.get(s.pk, set())) for st in c.stages]})
    assessor_form = AssessorForm(stages=c.stages, people=access.assessor_candidates(request.user, c),
                                 nodes=access.range_candidates(c)) if runner else None
    deadline = rules.objection_deadline(c.published_on, c.objection_days) if c.published_on else None
    objections = list(access.objections_visible_to(request.user).filter(subject__campaign=c).order_by("-created_at"))
    return render(request, "appraisal/campaigns/detail.html", {
        "c": c, "rows": rows, "runner": runner, "assessors": list(c.assessors.select_related("person", "within"))
        if runner or access.is_organiser(request.user, c) else [],
        "assessor_form": assessor_form, "deadline": deadline, "objections": objections,
        "open_objections": sum(1 for o in objections if o.status == ObjectionStatus.OPEN),
        "selections": list(c.selections.all()) if c.status in (CampaignStatus.PUBLISHED, CampaignStatus.CLOSED)
        else [], "can_select": runner and c.kind == CampaignKind.GROUP and c.status in (
            CampaignStatus.PUBLISHED, CampaignStatus.CLOSED),
        "who_labels": rules.WHO_LABELS, "cutoffs": rules.cutoffs_text(c.cutoffs),
        # A teacher appraisal is usually run over one school's teachers at a time.
        "schools": list(access.range_candidates(c).filter(kind=OrgKind.SCHOOL)[:300])
        if runner and c.kind == CampaignKind.TEACHER and c.status == CampaignStatus.DRAFT else []})


@login_required
@require_POST
def campaign_action(request: AuthedRequest, campaign_id: int, action: str) -> HttpResponse:
    """The runner's steps: generate subjects, open the assessment, publish, close."""
    c = access.get_campaign_for_user(request.user, campaign_id, write=True)
    try:
        if action == "generate":
            code = request.POST.get("school", "").strip()
            within = None
            if code:
                school = access.range_candidates(c).filter(code=code, kind=OrgKind.SCHOOL).first()
                if school is None:
                    raise CampaignError("范围：该学校不在组织单位范围内", field="school")
                within = [school]
            n = svc.subjects_generate(actor=request.user, campaign=c, within=within)
            messages.success(request, f"已生成{n}个考评对象。")
        elif action == "open":
            svc.campaign_open(actor=request.user, campaign=c)
            messages.success(request, "已开始评审。")
        elif action == "publish":
            svc.campaign_publish(actor=request.user, campaign=c, today=timezone.localdate())
            messages.success(request, "结果已公示，申诉期开始。")
        elif action == "close":
            svc.campaign_close(actor=request.user, campaign=c, today=timezone.localdate())
            messages.success(request, "考评活动已结束。")
        else:
            require(False)
    except CampaignError as exc:
        messages.error(request, exc.message)
    return redirect("appraisal:campaign", c.pk)


@login_required
@require_POST
def assessor_add(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    c = access.get_campaign_for_user(request.user, campaign_id, write=True)
    form = AssessorForm(request.POST, stages=c.stages, people=access.assessor_candidates(request.user, c),
                        nodes=access.range_candidates(c))
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.assessor_add(actor=request.user, campaign=c, stage=d["stage"], person=d["person"], within=d["within"])
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已指定评审人{d['person'].name}。")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("appraisal:campaign", c.pk)


@login_required
def selection_new(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """Excellent 教研组 or group leaders chosen from the results (those at the top level ticked)."""
    c = access.get_campaign_for_user(request.user, campaign_id, write=True)
    subjects = list(c.subjects.select_related("school", "leader").order_by("rank", "label"))
    choices = [(str(s.pk), f"第{s.rank}名 {s.school.name}{s.label}（{s.final_score:g}分，{s.level}"
                           f"{'，组长' + s.leader.name if s.leader else ''}）") for s in subjects if s.final_score is not None]
    top = c.cutoffs[0]["label"] if c.cutoffs else ""
    year = (c.end.year - 1) if c.end.month < 9 else c.end.year
    form = SelectionForm(request.POST or None, choices=choices, initial={
        "kind": SelectionKind.GROUPS, "decided_on": timezone.localdate(),
        "title": f"{c.org.name}{year}—{year + 1}学年优秀教研组",
        "subjects": [str(s.pk) for s in subjects if s.level == top]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sel = svc.selection_create(actor=request.user, campaign=c, kind=d["kind"], title=d["title"],
                                       decided_on=d["decided_on"], subject_ids=[int(x) for x in d["subjects"]],
                                       note=d["note"])
        except CampaignError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已记录{sel.get_kind_display()}评选结果。")
            return redirect("appraisal:campaign_selection", sel.pk)
    return render(request, "appraisal/campaigns/selection_new.html", {"c": c, "form": form},
                  status=400 if form.errors else 200)


@login_required
def selection(request: AuthedRequest, selection_id: int) -> HttpResponse:
    sel = access.get_selection_for_user(request.user, selection_id)
    entries = list(sel.entries.select_related("subject", "subject__school", "person").order_by("subject__rank"))
    return render(request, "appraisal/campaigns/selection.html", {"sel": sel, "entries": entries})


urls: list[URLPattern] = [
    path("campaigns/", campaigns, name="campaigns"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/do/<slug:action>/", campaign_action, name="campaign_action"),
    path("campaigns/<int:campaign_id>/assessors/", assessor_add, name="campaign_assessor_add"),
    path("campaigns/<int:campaign_id>/selections/new/", selection_new, name="campaign_selection_new"),
    path("campaigns/selections/<int:selection_id>/", selection, name="campaign_selection"),
    *campaign_scoring.urls,
]
