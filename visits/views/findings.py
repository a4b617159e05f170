"""Findings followed to closure (整改): the rectification list, a finding's chain, answers, verification, follow-up re-checks, follow-up plans."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from core.access import people_visible_to, require, schools_visible_to
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, Person, TeachingGroup
from core.paging import paginate
from visits import access
from visits.errors import VisitError
from visits.models import (
    Finding,
    FindingArea,
    FindingStatus,
    OwnerKind,
    PlanKind,
    PlanStatus,
    RectificationEntry,
    Severity,
    Visit,
    VisitCategory,
)
from visits.rules import obligations_for
from visits.services import findings as svc

SOURCE_FILTERS = [("visit", "视导"), ("school_check", "校内检查"), ("walkthrough", "巡课"),
                  ("observation", "听评课"), ("warning", "质量预警")]


# ---------------------------------------------------------------- forms


def _people_at(school: OrgNode) -> list[Person]:
    return list(Person.objects.filter(Q(org=school) | Q(posts__org=school)).distinct().order_by("name")[:300])


def _groups_at(school: OrgNode) -> list[TeachingGroup]:
    return list(TeachingGroup.objects.filter(school=school).order_by("-term_key", "name")[:100])


class OwnerFields(forms.Form):
    """Measure, owner and deadline, with the school's people and groups as choices."""

    measure = forms.CharField(label="整改措施", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner_kind = forms.ChoiceField(label="责任主体", choices=OwnerKind.choices, initial=OwnerKind.SCHOOL)
    owner_person = forms.TypedChoiceField(label="责任人", required=False, coerce=int, empty_value=None)
    owner_group = forms.TypedChoiceField(label="责任教研组", required=False, coerce=int, empty_value=None)
    deadline = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "请填写有效日期，如2026-11-30"})

    def __init__(self, *args: Any, school: OrgNode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in _people_at(school)}
        self.groups = {g.pk: g for g in _groups_at(school)}
        cast(forms.ChoiceField, self.fields["owner_person"]).choices = [("", "—")] + [(p.pk, p.name) for p in self.people.values()]
        cast(forms.ChoiceField, self.fields["owner_group"]).choices = [("", "—")] + [(g.pk, g.name) for g in self.groups.values()]

    def owner(self) -> tuple[Person | None, TeachingGroup | None]:
        d = self.cleaned_data
        return self.people.get(d.get("owner_person") or 0), self.groups.get(d.get("owner_group") or 0)


class FindingForm(OwnerFields):
    description = forms.CharField(label="问题描述", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请填写问题描述"})
    area = forms.ChoiceField(label="领域", choices=FindingArea.choices)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices)
    evidence = forms.CharField(label="事实依据", max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    teacher = forms.TypedChoiceField(label="涉及教师", required=False, coerce=int, empty_value=None)
    is_strength = forms.BooleanField(label="这是亮点（无需整改）", required=False)
    needs_rectification = forms.BooleanField(label="需要整改", required=False)
    found_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "请填写有效日期", "required": "请填写发现日期"})

    field_order = ["description", "area", "severity", "evidence", "teacher", "is_strength", "needs_rectification",
                   "measure", "owner_kind", "owner_person", "owner_group", "deadline", "found_on"]

    def __init__(self, *args: Any, school: OrgNode, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        cast(forms.ChoiceField, self.fields["teacher"]).choices = [("", "—")] + [(p.pk, p.name) for p in self.people.values()]


class AnswerForm(forms.Form):
    text = forms.CharField(label="整改情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "整改情况：请写明已采取的整改行动"})
    evidence = forms.CharField(label="佐证", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    accept = forms.ChoiceField(label="验收结论", choices=[("1", "验收通过，销号"), ("0", "退回重新整改")],
                               widget=forms.RadioSelect, error_messages={"required": "验收结论：请选择通过或退回"})
    comment = forms.CharField(label="验收意见", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    teacher = forms.CharField(label="教师编号", max_length=32, error_messages={"required": "教师：请填写教师编号"})
    kind = forms.ChoiceField(label="方式", choices=PlanKind.choices)
    reason = forms.CharField(label="原因", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "原因：请写明建立计划的原因"})
    mentor = forms.CharField(label="指导人编号", max_length=32, required=False)
    host_school = forms.CharField(label="跟岗学校标识码", max_length=16, required=False)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "开始日期：请填写有效日期", "required": "开始日期：必须填写"})
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "结束日期：请填写有效日期", "required": "结束日期：必须填写"})


class PlanEntryForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "日期：请填写有效日期", "required": "日期：必须填写"})
    text = forms.CharField(label="过程记录", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "过程记录：不能为空"})


# ---------------------------------------------------------------- the rectification list


def _list_rows(request: AuthedRequest) -> dict[str, Any]:
    today = timezone.localdate()
    g = request.GET
    base = access.findings_visible_to(request.user).with_refs()
    status, overdue, school_code, area, source = (g.get("status", ""), g.get("overdue", "") == "1",
                                                  g.get("school", ""), g.get("area", ""), g.get("source", ""))
    qs = base if status == FindingStatus.NOTED else base.needing_rectification()
    school = None
    if school_code:
        school = OrgNode.objects.filter(code=school_code, kind=OrgKind.SCHOOL).first()
        qs = qs.filter(school=school) if school is not None else qs.none()
    if area in FindingArea.values:
        qs = qs.filter(area=area)
    # The chain of one group (about it or owned by it) or one teacher: the targets a school's or
    # a group's page links to (`?group=<id>`, `?teacher=<code>`).
    group_id, teacher_code = g.get("group", ""), g.get("teacher", "")
    if group_id:
        qs = qs.filter(Q(group_id=group_id) | Q(owner_group_id=group_id)) if group_id.isdigit() else qs.none()
    if teacher_code:
        qs = qs.filter(Q(teacher__code=teacher_code) | Q(owner_person__code=teacher_code))
    if source == "visit":
        qs = qs.filter(visit__isnull=False).exclude(visit__category=VisitCategory.SCHOOL_CHECK)
    elif source == "school_check":
        qs = qs.filter(visit__category=VisitCategory.SCHOOL_CHECK)
    elif source in ("walkthrough", "observation"):
        qs = qs.filter(visit__isnull=True, source_kind=source)
    elif source == "warning":
        qs = qs.none()
    if overdue:
        qs = qs.filter(svc.overdue_q(today))
    counts = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("id"))}
    if status in FindingStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs.order_by("deadline", "-found_on", "-id"), per_page=50)
    overdue_ids = {f.pk for f in page.items if f.status in svc.UNRESOLVED and f.deadline is not None
                   and f.deadline < today}
    warning_rows: list[svc.WarningRow] = []
    if source in ("", "warning") and status == "" and not area and not group_id and not teacher_code \
            and page.number == 1:
        warning_rows = svc.warning_rectification_rows(request.user, today=today, school=school)
        if overdue:
            warning_rows = [r for r in warning_rows if r.overdue]
    visible_schools = (OrgNode.objects.filter(pk__in=access.findings_visible_to(request.user).values("school_id"))
                       .order_by("path")[:300])
    status_counts = [(v, lbl, counts.get(v, 0)) for v, lbl in FindingStatus.choices if v != FindingStatus.NOTED]
    return {"page": page, "overdue_ids": overdue_ids, "warning_rows": warning_rows, "status_counts": status_counts,
            "statuses": FindingStatus.choices, "areas": FindingArea.choices, "sources": SOURCE_FILTERS,
            "schools": visible_schools, "f": {"status": status, "overdue": overdue, "school": school_code,
                                              "area": area, "source": source, "group": group_id,
                                              "teacher": teacher_code},
            "can_plan": access.can_plan_anywhere(request.user)}


@login_required
def findings(request: AuthedRequest) -> HttpResponse:
    """Every finding to rectify the user may see, with quality's warning actions in the same list."""
    return render(request, "visits/findings_list.html", _list_rows(request))


# ---------------------------------------------------------------- one finding


def _measure_initial(f: Finding) -> dict[str, Any]:
    return {"measure": f.measure, "owner_kind": f.owner_kind, "owner_person": f.owner_person_id,
            "owner_group": f.owner_group_id, "deadline": f.deadline}


def _detail(request: AuthedRequest, f: Finding, forms_: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    open_ = f.status in svc.UNRESOLVED
    can_measure = f.needs_rectification and f.status != FindingStatus.CLOSED and access.can_set_measure(user, f)
    can_answer = f.status in svc.ANSWERABLE and access.can_answer_finding(user, f)
    can_verify = f.status == FindingStatus.ANSWERED and access.can_verify_finding(user, f)
    given = forms_ or {}
    entries = list(RectificationEntry.objects.filter(finding=f).select_related("by", "visit"))
    visit_link = visit_url(f.visit_id) if f.visit_id is not None and access.visits_visible_to(user).filter(
        pk=f.visit_id).exists() else ""
    plan_ids = list(access.follow_up_plans_visible_to(user).filter(findings=f).values_list("pk", "kind"))
    today = timezone.localdate()
    ctx = {
        "f": f, "entries": entries, "visit_link": visit_link, "plans": plan_ids,
        "is_overdue": open_ and f.deadline is not None and f.deadline < today,
        "late_closed": f.status == FindingStatus.CLOSED and f.deadline is not None and f.closed_at is not None
        and timezone.localtime(f.closed_at).date() > f.deadline,
        "measure_form": given.get("measure") or (OwnerFields(initial=_measure_initial(f), school=f.school)
                                                 if can_measure else None),
        "answer_form": given.get("answer") or (AnswerForm() if can_answer else None),
        "verify_form": given.get("verify") or (VerifyForm() if can_verify else None),
        "can_plan": f.teacher_id is not None and access.can_plan_follow_up(user, f.school),
    }
    return render(request, "visits/findings_detail.html", ctx, status=status)


@login_required
def finding_detail(request: AuthedRequest, finding_id: int) -> HttpResponse:
    f = access.get_finding_for_user(request.user, finding_id)
    if request.method != "POST":
        return _detail(request, f)
    action = request.POST.get("action", "")
    user = request.user
    form: forms.Form
    try:
        if action == "measure":
            if not access.can_set_measure(user, f):
                raise Http404("没有找到该问题")
            form = OwnerFields(request.POST, school=f.school)
            if form.is_valid():
                assert isinstance(form, OwnerFields)
                person, group = form.owner()
                d = form.cleaned_data
                svc.finding_set_measure(actor=user, finding=f, measure=d["measure"], owner_kind=d["owner_kind"],
                                        owner_person=person, owner_group=group, deadline=d["deadline"])
                messages.success(request, "整改措施、责任主体和期限已保存。")
                return redirect("visits:finding_detail", f.pk)
        elif action == "answer":
            if not access.can_answer_finding(user, f):
                raise Http404("没有找到该问题")
            form = AnswerForm(request.POST)
            if form.is_valid():
                svc.finding_answer(actor=user, finding=f, text=form.cleaned_data["text"],
                                   evidence=form.cleaned_data["evidence"])
                messages.success(request, "整改情况已反馈，等待验收。")
                return redirect("visits:finding_detail", f.pk)
        elif action == "verify":
            if not access.can_verify_finding(user, f):
                raise Http404("没有找到该问题")
            form = VerifyForm(request.POST)
            if form.is_valid():
                accept = form.cleaned_data["accept"] == "1"
                svc.finding_verify(actor=user, finding=f, accept=accept, comment=form.cleaned_data["comment"])
                messages.success(request, "已验收销号。" if accept else "已退回重新整改。")
                return redirect("visits:finding_detail", f.pk)
        else:
            raise Http404("没有找到该操作")
    except VisitError as exc:
        form.add_error(None, str(exc))
    f.refresh_from_db()
    return _detail(request, f, {action: form}, status=400)


@login_required
def finding_new(request: AuthedRequest) -> HttpResponse:
    """Record a finding during a visit (`?visit=<id>&school=<code>`), or without one from a
    walkthrough or an observation of a school (`?school=<code>&source=walkthrough&source_id=<id>`,
    for the school's managers and the region organisers over it)."""
    code = request.GET.get("school", "")
    if "visit" not in request.GET:
        return _finding_new_from_source(request, code)
    raw_visit = request.GET.get("visit", "")
    require(raw_visit.isdigit(), "没有找到该视导")
    visit = access.get_visit_for_recording(request.user, int(raw_visit))
    school: OrgNode | None
    if visit.category == VisitCategory.SCHOOL_CHECK:
        school = visit.organiser if visit.organiser.code == code or not code else None
    else:
        stop = visit.stops.filter(school__code=code).select_related("school").first()
        school = stop.school if stop is not None else None
    if school is None:
        raise Http404("本次视导不包括该学校")
    rectify = obligations_for(visit.organiser.path, visit.kind).findings_need_rectification
    if request.method == "POST":
        form = FindingForm(request.POST, school=school)
        if form.is_valid():
            d = form.cleaned_data
            person, group = form.owner()
            data = svc.FindingData(
                description=d["description"], found_on=d["found_on"], visit=visit, area=d["area"],
                is_strength=d["is_strength"], evidence=d["evidence"], severity=d["severity"],
                teacher=form.people.get(d.get("teacher") or 0), needs_rectification=d["needs_rectification"],
                measure=d["measure"], owner_kind=d["owner_kind"], owner_person=person, owner_group=group,
                deadline=d["deadline"])
            try:
                finding = svc.finding_record(actor=request.user, school=school, data=data)
            except VisitError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "问题已记录。")
                return redirect("visits:finding_detail", finding.pk)
    else:
        # Found today when the visit is under way, else on its nearest day.
        found = max(visit.start, min(timezone.localdate(), visit.end))
        form = FindingForm(school=school, initial={"found_on": found, "needs_rectification": rectify})
    return render(request, "visits/findings_new.html", {"form": form, "visit": visit, "school": school,
                                                         "rectify": rectify, "visit_url": visit_url(visit.pk)},
                  status=400 if form.is_bound and form.errors else 200)


def _finding_new_from_source(request: AuthedRequest, code: str) -> HttpResponse:
    school = schools_visible_to(request.user).filter(code=code).first()
    source = request.GET.get("source", "")
    raw_source = request.GET.get("source_id", "")
    require(raw_source.isdigit(), "没有找到该记录")
    source_id = int(raw_source)
    if school is None or source not in (svc.SOURCE_WALKTHROUGH, svc.SOURCE_OBSERVATION) \
            or not access.can_record_finding_at(request.user, school):
        raise Http404("没有找到该学校")
    label = svc.SOURCE_KINDS[source]
    if request.method == "POST":
        form = FindingForm(request.POST, school=school)
        if form.is_valid():
            d = form.cleaned_data
            person, group = form.owner()
            data = svc.FindingData(
                description=d["description"], found_on=d["found_on"], source_kind=source, source_id=source_id,
                area=d["area"], is_strength=d["is_strength"], evidence=d["evidence"], severity=d["severity"],
                teacher=form.people.get(d.get("teacher") or 0), needs_rectification=d["needs_rectification"],
                measure=d["measure"], owner_kind=d["owner_kind"], owner_person=person, owner_group=group,
                deadline=d["deadline"])
            try:
                finding = svc.finding_record(actor=request.user, school=school, data=data)
            except VisitError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "问题已记录。")
                return redirect("visits:finding_detail", finding.pk)
    else:
        form = FindingForm(school=school, initial={"found_on": timezone.localdate(), "needs_rectification": True})
    return render(request, "visits/findings_new.html", {"form": form, "visit": None, "school": school,
                                                         "rectify": True, "source_label": label},
                  status=400 if form.is_bound and form.errors else 200)


# ---------------------------------------------------------------- follow-up visit re-check


@login_required
def recheck(request: AuthedRequest, visit_id: int) -> HttpResponse:
    """A follow-up visit's re-check of the open findings of the visit it follows."""
    visit = access.get_visit_for_recording(request.user, visit_id)
    if visit.follows_id is None:
        raise Http404("本次视导不是复查视导")
    items = svc.open_findings_of(visit)
    errors: list[str] = []
    if request.method == "POST":
        done = 0
        for f in items:
            choice = request.POST.get(f"f{f.pk}", "")
            if choice not in ("closed", "open"):
                continue
            try:
                svc.follow_up_recheck(actor=request.user, follow_up_visit=visit, finding=f, closed=choice == "closed",
                                      comment=request.POST.get(f"c{f.pk}", ""))
                done += 1
            except VisitError as exc:
                errors.append(f"{f.description[:20]}：{exc}")
        if not errors:
            messages.success(request, f"已复查{done}条问题。")
            return redirect("visits:recheck", visit.pk)
    followed = Visit.objects.get(pk=visit.follows_id)
    rechecked = list(RectificationEntry.objects.filter(visit=visit, step="follow_up").select_related("finding")
                     .order_by("-created_at"))
    return render(request, "visits/findings_recheck.html", {
        "visit": visit, "visit_url": visit_url(visit.pk), "followed": followed, "items": items, "errors": errors, "rechecked": rechecked,
        "posted": request.POST if request.method == "POST" else {}}, status=400 if errors else 200)


# ---------------------------------------------------------------- follow-up plans


@login_required
def plans(request: AuthedRequest) -> HttpResponse:
    can_plan = access.can_plan_anywhere(request.user)
    form = PlanForm(initial={"teacher": request.GET.get("teacher", ""), "start": timezone.localdate(),
                             "end": timezone.localdate() + dt.timedelta(days=90)}) if can_plan else None
    if request.method == "POST":
        if not can_plan:
            raise Http404("没有权限")
        form = PlanForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            people = people_visible_to(request.user)
            teacher = people.filter(code=d["teacher"]).select_related("org").first()
            mentor = people.filter(code=d["mentor"]).first() if d["mentor"] else None
            host = OrgNode.objects.filter(code=d["host_school"]).first() if d["host_school"] else None
            if teacher is None:
                form.add_error("teacher", f"教师：没有编号为“{d['teacher']}”的教师")
            elif d["mentor"] and mentor is None:
                form.add_error("mentor", f"指导人：没有编号为“{d['mentor']}”的人员")
            elif d["host_school"] and host is None:
                form.add_error("host_school", f"跟岗学校：没有标识码为“{d['host_school']}”的学校")
            else:
                linked = list(access.findings_visible_to(request.user).filter(teacher=teacher).unresolved())
                try:
                    plan = svc.follow_up_plan_create(actor=request.user, teacher=teacher, kind=d["kind"],
                                                     reason=d["reason"], start=d["start"], end=d["end"], mentor=mentor,
                                                     host_school=host, findings=linked)
                except VisitError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, "跟踪计划已建立。")
                    return redirect("visits:plan_detail", plan.pk)
    qs = access.follow_up_plans_visible_to(request.user).order_by("-start", "-id")
    return render(request, "visits/findings_plans.html", {"page": paginate(request, qs, per_page=50), "form": form},
                  status=400 if form is not None and form.is_bound and form.errors else 200)


@login_required
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    can_manage = plan.status == PlanStatus.ACTIVE and access.can_manage_plan(request.user, plan)
    entry_form = PlanEntryForm(initial={"date": timezone.localdate()}) if can_manage else None
    error = ""
    if request.method == "POST":
        if not access.can_manage_plan(request.user, plan):
            raise Http404("没有找到该跟踪计划")
        try:
            if request.POST.get("action") == "close":
                svc.plan_close(actor=request.user, plan=plan, done=request.POST.get("done") == "1",
                               comment=request.POST.get("comment", ""))
                messages.success(request, "计划已结束。")
                return redirect("visits:plan_detail", plan.pk)
            entry_form = PlanEntryForm(request.POST)
            if entry_form.is_valid():
                svc.plan_entry_add(actor=request.user, plan=plan, date=entry_form.cleaned_data["date"],
                                   text=entry_form.cleaned_data["text"])
                messages.success(request, "过程记录已添加。")
                return redirect("visits:plan_detail", plan.pk)
        except VisitError as exc:
            error = str(exc)
    names = dict(Person.objects.filter(pk__in=[e.get("by") for e in plan.entries if e.get("by")])
                 .values_list("pk", "name"))
    entries = [{**e, "by_name": names.get(e.get("by"), "")} for e in plan.entries]
    findings_ = list(access.findings_visible_to(request.user).filter(follow_up_plans=plan).with_refs())
    bound_errors = entry_form is not None and entry_form.is_bound and bool(entry_form.errors)
    return render(request, "visits/findings_plan_detail.html", {
        "plan": plan, "entries": entries, "entry_form": entry_form, "can_manage": can_manage, "error": error,
        "findings": findings_, "close_comment": request.POST.get("comment", "") if request.method == "POST" else ""},
        status=400 if error or bound_errors else 200)


def visit_url(visit_id: int) -> str:
    """The visit page (owned by the planning area), if it is installed."""
    try:
        return reverse("visits:detail", args=[visit_id])
    except NoReverseMatch:
        return ""


urls: list[URLPattern] = [
    path("findings/", findings, name="findings"),
    path("findings/new/", finding_new, name="finding_new"),
    path("findings/<int:finding_id>/", finding_detail, name="finding_detail"),
    path("<int:visit_id>/recheck/", recheck, name="recheck"),
    path("plans/", plans, name="plans"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
]
