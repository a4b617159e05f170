"""Rounds: the list, a new round, the round's page (phase timeline, nominations, links, coverage
of weak and rural schools), its edit and summary, the phase step, nominations, the optimiser,
the links' proposals (new, chosen by a researcher, edit, accept, withdraw, end)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import people_visible_to, require, schools_visible_to, scope_of
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, Stage, Subject
from core.pickers import picker_label as label
from core.pickers import resolve_node, resolve_person
from liaison import optimiser, proposals, rules
from liaison.access import (
    can_choose_school,
    can_organise_round,
    get_link_for_user,
    get_nomination_for_user,
    get_round_for_user,
    links_visible_to,
    nominable_schools,
    nominations_visible_to,
    organiser_nodes,
    rounds_visible_to,
    sees_coverage,
    zones_visible_to,
)
from liaison.errors import LiaisonError
from liaison.models import LinkerKind, LinkStatus, Round, RoundStatus
from liaison.selectors import coverage_by_county
from liaison.services import links as link_services
from liaison.services import rounds as services

PHASES = [("preparation", "准备阶段"), ("implementation", "落实阶段"), ("summary", "总结阶段")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _phases(r: Round) -> rules.Phases:
    return rules.Phases(r.start_year, r.prep_start, r.prep_end, r.impl_start, r.impl_end, r.summary_start,
                        r.summary_end)


def timeline(r: Round, today: dt.date) -> list[dict[str, Any]]:
    """The three phases with their dates and which one the calendar is in."""
    now = rules.current_phase(_phases(r), today)
    spans = {"preparation": (r.prep_start, r.prep_end), "implementation": (r.impl_start, r.impl_end),
             "summary": (r.summary_start, r.summary_end)}
    return [{"key": k, "label": lbl, "start": spans[k][0], "end": spans[k][1], "now": k == now,
             "status": k == r.status} for k, lbl in PHASES]


# ---------------------------------------------------------------- the list


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    rounds = list(rounds_visible_to(user).order_by("-start_year", "institution__path")[:50])
    mine = []
    if scope.person_id is not None:
        mine = list(links_visible_to(user).filter(person_id=scope.person_id).exclude(status=LinkStatus.ENDED)
                    .order_by("-round__start_year", "school__path")[:20])
    return render(request, "liaison/home.html", {
        "rounds": rounds, "mine": mine, "can_create": bool(organiser_nodes(user)),
        "has_zones": zones_visible_to(user).exists()})


# ---------------------------------------------------------------- a new round


class RoundForm(forms.Form):
    institution = forms.ChoiceField(label="组织单位")
    title = forms.CharField(label="名称", max_length=120)
    start_year = forms.IntegerField(label="起始年份（第一年）", min_value=2000, max_value=2100)
    previous = forms.ChoiceField(label="上一轮次", required=False)
    plan_text = forms.CharField(label="工作计划与细则", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def round_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    nodes = organiser_nodes(user)
    require(bool(nodes))
    previous = list(rounds_visible_to(user).filter(institution__in=nodes)[:50])
    form = RoundForm(request.POST or None, initial={"start_year": timezone.localdate().year})
    by_id = {str(n.pk): n for n in nodes}
    form.fields["institution"].choices = [(k, n.institute_name or n.name) for k, n in by_id.items()]  # type: ignore[attr-defined]  # a ChoiceField
    form.fields["previous"].choices = [("", "（无）")] + [(str(r.pk), r.title) for r in previous]  # type: ignore[attr-defined]  # a ChoiceField
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        prev = next((r for r in previous if str(r.pk) == d["previous"]), None)
        try:
            r = services.round_create(actor=user, institution=by_id[d["institution"]], title=d["title"],
                                      start_year=d["start_year"], previous=prev, plan_text=d["plan_text"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "轮次已创建：请各县区、学校申报推荐，再确定联系学校。")
            return redirect("liaison:round_detail", r.pk)
    return render(request, "liaison/round_form.html", {"form": form, "editing": False})


# ---------------------------------------------------------------- the round's page


@login_required
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id)
    organiser = can_organise_round(user, r)
    links = list(links_visible_to(user).filter(round=r).prefetch_related("subjects")
                 .order_by("status", "person__pinyin", "school__path"))
    noms = list(nominations_visible_to(user, r)[:300])
    by_status: dict[str, int] = defaultdict(int)
    for lk in links:
        by_status[lk.status] += 1
    meetings = list(r.meetings.select_related("term").order_by("date"))
    return render(request, "liaison/round_detail.html", {
        "r": r, "timeline": timeline(r, timezone.localdate()), "organiser": organiser, "links": links,
        "by_status": dict(by_status), "nominations": noms, "meetings": meetings,
        "coverage": coverage_by_county(user, r) if sees_coverage(user) else [],
        "can_choose": can_choose_school(user, r) and r.status in (RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION),
        "can_nominate": r.status in (RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION)
        and nominable_schools(user, r).exists(),
        "next_status": dict(RoundStatus.choices).get(services.STATUS_ORDER[services.STATUS_ORDER.index(
            RoundStatus(r.status)) + 1]) if r.status != RoundStatus.CLOSED else None})


class RoundEditForm(forms.Form):
    title = forms.CharField(label="名称", max_length=120)
    start_year = forms.IntegerField(label="起始年份（第一年）", min_value=2000, max_value=2100)
    prep_start = forms.DateField(label="准备阶段开始", widget=DATE)
    prep_end = forms.DateField(label="准备阶段结束", widget=DATE)
    impl_start = forms.DateField(label="落实阶段开始", widget=DATE)
    impl_end = forms.DateField(label="落实阶段结束", widget=DATE)
    summary_start = forms.DateField(label="总结阶段开始", widget=DATE)
    summary_end = forms.DateField(label="总结阶段结束", widget=DATE)
    plan_text = forms.CharField(label="工作计划与细则", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    summary_text = forms.CharField(label="轮次总结", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.CharField(label="教研成果", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_round_plan = forms.CharField(label="下一轮次安排", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def round_edit(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    initial = {k: getattr(r, k) for k in RoundEditForm.base_fields}
    form = RoundEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.round_update(actor=user, round_=r, title=d["title"], phases=rules.Phases(
                d["start_year"], d["prep_start"], d["prep_end"], d["impl_start"], d["impl_end"], d["summary_start"],
                d["summary_end"]), plan_text=d["plan_text"], summary_text=d["summary_text"], outcomes=d["outcomes"],
                next_round_plan=d["next_round_plan"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "轮次已保存。")
            return redirect("liaison:round_detail", r.pk)
    return render(request, "liaison/round_form.html", {"form": form, "editing": True, "r": r})


@login_required
@require_POST
def round_advance(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    try:
        services.round_advance(actor=user, round_=r)
    except LiaisonError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已进入{r.get_status_display()}。")
    return redirect("liaison:round_detail", r.pk)


# ---------------------------------------------------------------- nominations


class NominationForm(forms.Form):
    school = forms.CharField(label="学校", max_length=120,
                             widget=forms.TextInput(attrs={"list": "school-list", "placeholder": "学校名称或代码"}))
    wants_continuity = forms.BooleanField(label="希望延续上轮联系", required=False)
    note = forms.CharField(label="需求说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools = schools

    def clean_school(self) -> OrgNode:
        return resolve_node(self.schools, self.cleaned_data.get("school") or "", "学校")


NEED_ROWS = 4


def _needs_from(post: Any, subjects: dict[str, Subject]) -> tuple[list[tuple[Subject, str, str]], list[str],
                                                                    list[dict[str, str]]]:
    """The needs typed in the form's rows (subject, stage, note), errors by row, and the rows as
    typed (kept for the form on error)."""
    needs, errors, rows = [], [], []
    for i in range(NEED_ROWS):
        subj, stage, note = (post.get(f"need_subject_{i}", ""), post.get(f"need_stage_{i}", ""),
                             post.get(f"need_note_{i}", "").strip())
        rows.append({"subject": subj, "stage": stage, "note": note})
        if not subj and not stage and not note:
            continue
        if subj not in subjects:
            errors.append(f"第{i + 1}行：请选择学科")
        elif stage not in Stage.values:
            errors.append(f"第{i + 1}行：请选择学段")
        else:
            needs.append((subjects[subj], stage, note))
    return needs, errors, rows


@login_required
def nomination_new(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id)
    schools = nominable_schools(user, r)
    require(schools.exists())
    subjects = {s.code: s for s in Subject.objects.all()}
    form = NominationForm(request.POST or None, schools=schools)
    rows = [{"subject": "", "stage": "", "note": ""} for _ in range(NEED_ROWS)]
    need_errors: list[str] = []
    if request.method == "POST":
        needs, need_errors, rows = _needs_from(request.POST, subjects)
        if form.is_valid() and not need_errors:
            school = form.cleaned_data["school"]
            try:
                services.nomination_submit(actor=user, round_=r, school=school, needs=needs,
                                           wants_continuity=form.cleaned_data["wants_continuity"],
                                           note=form.cleaned_data["note"])
            except LiaisonError as exc:
                if exc.field == "needs":
                    need_errors.append(exc.message)
                else:
                    exc.show_on(form)
            else:
                messages.success(request, f"已申报：{school.name}")
                return redirect("liaison:round_detail", r.pk)
    return render(request, "liaison/nomination_form.html", {
        "r": r, "form": form, "rows": rows, "need_errors": need_errors, "subjects": list(subjects.values()),
        "stages": Stage.choices, "school_options": [label(s) for s in schools[:300]]})


@login_required
@require_POST
def nomination_decide(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    user = request.user
    nomination = get_nomination_for_user(user, nomination_id)
    require(can_organise_round(user, nomination.round))
    try:
        services.nomination_decide(actor=user, nomination=nomination, accepted=request.POST.get("accepted") == "1")
    except LiaisonError as exc:
        messages.error(request, exc.message)
    return redirect("liaison:round_detail", nomination.round_id)


@login_required
@require_POST
def link_choose(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    """A researcher of the institution chooses a nominated school for themselves."""
    user = request.user
    nomination = get_nomination_for_user(user, nomination_id)
    require(can_choose_school(user, nomination.round))
    try:
        link = link_services.link_choose(actor=user, round_=nomination.round, nomination=nomination)
    except LiaisonError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已申请联系{link.school.name}，待组织单位确定。")
    return redirect("liaison:round_detail", nomination.round_id)


# ---------------------------------------------------------------- the optimiser


@login_required
def round_optimise(request: AuthedRequest, round_id: int) -> HttpResponse:
    """GET: what the optimiser would propose, with the greedy baseline's figures beside it;
    POST: write its proposal as links to edit and accept."""
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    cands = proposals.candidates(user, r)
    names = {s.code: s.name for s in Subject.objects.all()}
    proposal = optimiser.optimise(cands.linkers, cands.specs, subject_names=names)
    if request.method == "POST":
        try:
            applied = proposals.apply(actor=user, round_=r, cands=cands, proposal=proposal)
        except LiaisonError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已生成{len(applied.created)}条拟联系，请逐条核对、修改后确定。")
            return redirect("liaison:round_detail", r.pk)
    baseline = optimiser.greedy(cands.linkers, cands.specs, subject_names=names)
    rows = [{"person": cands.people[p.linker_id], "school": cands.schools[p.school_id], "p": p} for p in proposal.links]
    return render(request, "liaison/round_optimise.html", {
        "r": r, "rows": rows, "stats": proposal.stats(cands.specs), "baseline": baseline.stats(cands.specs),
        "uncovered": [(cands.schools[sid], why) for sid, why in proposal.uncovered],
        "idle": [(cands.people[pid], why) for pid, why in proposal.idle],
        "n_linkers": len(cands.linkers), "n_schools": len(cands.specs)})


# ---------------------------------------------------------------- links: new, edit, accept


class LinkForm(forms.Form):
    person = forms.CharField(label="联系人", max_length=80,
                             widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))
    kind = forms.ChoiceField(label="身份", choices=LinkerKind.choices)
    school = forms.CharField(label="联系学校", max_length=120,
                             widget=forms.TextInput(attrs={"list": "school-list", "placeholder": "学校名称或代码"}))
    subjects = forms.MultipleChoiceField(label="学科", required=False, widget=forms.CheckboxSelectMultiple)
    stage = forms.ChoiceField(label="学段", required=False, choices=[("", "—"), *Stage.choices])
    leader = forms.CharField(label="所在团队教研员", max_length=80, required=False,
                             widget=forms.TextInput(attrs={"list": "people-list"}))
    reason = forms.CharField(label="联系理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people, self.schools = people, schools
        self.fields["subjects"].choices = [(s.code, s.name) for s in Subject.objects.all()]  # type: ignore[attr-defined]  # a ChoiceField

    def clean_person(self) -> Any:
        return resolve_person(self.people, self.cleaned_data.get("person") or "", "联系人")

    def clean_leader(self) -> Any:
        raw = self.cleaned_data.get("leader") or ""
        return resolve_person(self.people, raw, "所在团队教研员") if raw.strip() else None

    def clean_school(self) -> OrgNode:
        return resolve_node(self.schools, self.cleaned_data.get("school") or "", "联系学校")


def _link_targets(user: Any, r: Round) -> Any:
    if r.institution.kind == OrgKind.PROVINCE:
        from core.access import nodes_visible_to

        return nodes_visible_to(user).under(r.institution.path).filter(kind__in=(OrgKind.COUNTY, OrgKind.SCHOOL))
    return schools_visible_to(user).under(r.institution.path)


def _link_people(user: Any, r: Round) -> Any:
    return people_visible_to(user).filter(is_active=True).under(r.institution.path)


def _link_form_page(request: AuthedRequest, r: Round, form: LinkForm, link: Any = None) -> HttpResponse:
    people = list(_link_people(request.user, r).exclude(org__kind=OrgKind.SCHOOL)[:200])
    return render(request, "liaison/link_form.html", {
        "r": r, "form": form, "link": link, "people_options": [label(p) for p in people],
        "school_options": [label(s) for s in _link_targets(request.user, r).order_by("path")[:300]]})


@login_required
def link_new(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    form = LinkForm(request.POST or None, people=_link_people(user, r), schools=_link_targets(user, r))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services_subjects = list(Subject.objects.filter(code__in=d["subjects"]))
            link = link_services.link_propose(actor=user, round_=r, person=d["person"], school=d["school"],
                                              kind=d["kind"], subjects=services_subjects, stage=d["stage"],
                                              reason=d["reason"], leader=d["leader"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已添加拟联系：{link}")
            return redirect("liaison:round_detail", r.pk)
    return _link_form_page(request, r, form)


@login_required
def link_edit(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id)
    r = link.round
    require(can_organise_round(user, r))
    initial = {"person": label(link.person), "kind": link.kind, "school": label(link.school),
               "subjects": [s.code for s in link.subjects.all()], "stage": link.stage,
               "leader": label(link.leader) if link.leader else "", "reason": link.reason}
    form = LinkForm(request.POST or None, initial=initial, people=_link_people(user, r), schools=_link_targets(user, r))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            link_services.link_update(actor=user, link=link, person=d["person"], school=d["school"],
                                      subjects=list(Subject.objects.filter(code__in=d["subjects"])), stage=d["stage"],
                                      reason=d["reason"], leader=d["leader"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, f"已修改：{link}")
            return redirect("liaison:round_detail", r.pk)
    return _link_form_page(request, r, form, link)


@login_required
@require_POST
def link_accept(request: AuthedRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = get_link_for_user(user, link_id)
    require(can_organise_round(user, link.round))
    try:
        if request.POST.get("withdraw") == "1":
            link_services.link_withdraw(actor=user, link=link)
            messages.success(request, f"已删除拟联系：{link}")
        elif request.POST.get("end") == "1":
            link_services.link_end(actor=user, link=link)
            messages.success(request, f"已终止：{link}")
        else:
            link_services.link_accept(actor=user, link=link)
            messages.success(request, f"已确定：{link}")
    except LiaisonError as exc:
        messages.error(request, exc.message)
    return redirect("liaison:round_detail", link.round_id)


@login_required
@require_POST
def round_accept_all(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Accept every proposal of the round at once (after the organiser's edits)."""
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    try:
        n = link_services.links_accept_all(actor=user, round_=r)
    except LiaisonError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确定{n}条联系。")
    return redirect("liaison:round_detail", r.pk)


urls: list[URLPattern] = [
    path("", home, name="home"),
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:round_id>/", round_detail, name="round_detail"),
    path("rounds/<int:round_id>/edit/", round_edit, name="round_edit"),
    path("rounds/<int:round_id>/advance/", round_advance, name="round_advance"),
    path("rounds/<int:round_id>/nominate/", nomination_new, name="nomination_new"),
    path("nominations/<int:nomination_id>/decide/", nomination_decide, name="nomination_decide"),
    path("nominations/<int:nomination_id>/choose/", link_choose, name="link_choose"),
    path("rounds/<int:round_id>/optimise/", round_optimise, name="round_optimise"),
    path("rounds/<int:round_id>/links/new/", link_new, name="link_new"),
    path("rounds/<int:round_id>/accept-all/", round_accept_all, name="round_accept_all"),
    path("links/<int:link_id>/edit/", link_edit, name="link_edit"),
    path("links/<int:link_id>/accept/", link_accept, name="link_accept"),
]
