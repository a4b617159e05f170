"""Planning visits: the list, the plan form, the visit's page, its team, its schedule and agenda,
the weekly pattern and the kind rules."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from core.access import AnyUser, home_node, people_visible_to, require, scope_of
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, Person, Subject, Term
from core.pickers import picker_label as _person_label
from core.pickers import resolve_person as _resolve_person
from core.terms import current_of, terms_for
from visits import rules as visit_rules
from visits.access import (
    can_manage_visit,
    can_read_visit_stats,
    can_record_on_site,
    can_set_visit_rules,
    followable_visits,
    get_visit_for_user,
    organiser_nodes,
    rule_regions,
    schedulable_schools,
    stop_schools_for,
    team_candidates,
    visits_visible_to,
    walkthrough_schools,
)
from visits.errors import VisitError
from visits.models import (
    AgendaKind,
    KindRule,
    TeamRole,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMode,
    VisitSchool,
    VisitStatus,
    WeekActivity,
    WeekPattern,
)
from visits.scheduling import WEEKDAYS
from visits.services import plan as services

AGENDA_ROWS = 4
EDIT_STATUSES = [(s.value, s.label) for s in VisitStatus if s != VisitStatus.CANCELLED]


def _all_organiser_nodes(user: Any) -> list[tuple[OrgNode, list[str]]]:
    """Every node the user may organise at, with the categories allowed there."""
    out: OrderedDict[int, tuple[OrgNode, list[str]]] = OrderedDict()
    for category in VisitCategory.values:
        for node in organiser_nodes(user, category):
            out.setdefault(node.pk, (node, []))[1].append(category)
    return list(out.values())


# ---------------------------------------------------------------- the list


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The visits the user sees, newest first, filtered by term, kind, status and side."""
    user = request.user
    scope = scope_of(user)
    qs = visits_visible_to(user).with_refs()
    terms = list(Term.objects.filter(pk__in=visits_visible_to(user).values("term_id")).order_by("-start")[:12])
    q = request.GET
    term_id = q.get("term", "")
    if term_id.isdigit():
        qs = qs.filter(term_id=int(term_id))
    kind, status, side = q.get("kind", ""), q.get("status", ""), q.get("side", "")
    if kind in VisitKind.values:
        qs = qs.filter(kind=kind)
    if status in VisitStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.active()
    if side == "mine":
        qs = qs.filter(Q(members__person_id=scope.person_id) | Q(lead_id=scope.person_id)).distinct() \
            if scope.person_id else qs.none()
    elif side == "organised":
        qs = qs.filter(organiser_id__in=[g.node_id for g in scope.grants])
    total = qs.count()
    visits: list[Visit] = list(qs.prefetch_related("stops__school")[:60])
    cards = [{"v": v, "schools": sorted({s.school.name for s in v.stops.all()})} for v in visits]
    return render(request, "visits/home.html", {
        "cards": cards, "total": total, "terms": terms, "kinds": VisitKind.choices,
        "statuses": VisitStatus.choices, "f": {"term": term_id, "kind": kind, "status": status, "side": side},
        "can_create": bool(_all_organiser_nodes(user)),
        "can_rules": bool(rule_regions(user)), **_links(user)})


def _links(user: AnyUser) -> dict[str, bool]:
    """Which of the app's other pages the home page offers: only those the user may open."""
    node = home_node(user)
    return {"can_stats": node is not None and can_read_visit_stats(user, node),
            "can_walkthrough": bool(walkthrough_schools(user)) and scope_of(user).person_id is not None,
            "can_school_check": bool(organiser_nodes(user, VisitCategory.SCHOOL_CHECK))}


# ---------------------------------------------------------------- plan form


class PlanForm(forms.Form):
    organiser = forms.ChoiceField(label="组织单位")
    category = forms.ChoiceField(label="类别", choices=VisitCategory.choices)
    kind = forms.ChoiceField(label="视导类型", choices=VisitKind.choices, initial=VisitKind.GUIDE)
    mode = forms.ChoiceField(label="形式", choices=VisitMode.choices)
    term = forms.ChoiceField(label="学期")
    title = forms.CharField(label="名称", max_length=120)
    number = forms.CharField(label="文号", max_length=40, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如 小店教研〔2026〕12号"}))
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    purpose = forms.CharField(label="目的与重点", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.CharField(label="带队负责人", required=False, max_length=80,
                           widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))
    status = forms.ChoiceField(label="状态", choices=EDIT_STATUSES, required=False)
    # A follow-up visit (复查) re-checks the open findings of an earlier visit.
    follows = forms.ChoiceField(label="复查的视导", required=False,
                                help_text="复查视导只核查所选视导尚未销号的问题")

    def __init__(self, *args: Any, nodes: list[tuple[OrgNode, list[str]]], terms: list[Term],
                 people: QuerySet[Person], editing: bool = False, earlier: list[tuple[Visit, int]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earlier = {str(v.pk): v for v, _ in earlier or []}
        self._set_choices("follows", [("", "（不是复查）")] + [
            (str(v.pk), f"{v.title}（{v.start:%Y-%m-%d}，{n}个问题未销号）") for v, n in earlier or []])
        self.nodes, self.people = {str(n.pk): n for n, _ in nodes}, people
        self.node_categories = {str(n.pk): cats for n, cats in nodes}
        self.terms = {str(t.pk): t for t in terms}
        self._set_choices("organiser", [(str(n.pk), n.institute_name or n.name if n.kind != OrgKind.SCHOOL
                                         else n.name) for n, _ in nodes])
        self._set_choices("term", [(str(t.pk), t.label) for t in terms])
        if editing:
            for name in ("organiser", "category", "follows"):
                del self.fields[name]
        else:
            del self.fields["status"]

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        f = self.fields[name]
        assert isinstance(f, forms.ChoiceField)
        f.choices = choices

    def clean_follows(self) -> Visit | None:
        raw = self.cleaned_data.get("follows") or ""
        return self.earlier[raw] if raw else None

    def clean_lead(self) -> Person | None:
        raw = self.cleaned_data.get("lead") or ""
        return _resolve_person(self.people, raw, "带队负责人") if raw.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, cat = data.get("organiser"), data.get("category")
        if org and cat and cat not in self.node_categories.get(org, []):
            self.add_error("category", f"类别：该单位不能组织{VisitCategory(cat).label}")
        return data


def _plan_terms(nodes: list[tuple[OrgNode, list[str]]]) -> list[Term]:
    seen: dict[int, Term] = {}
    for node, _ in nodes:
        for t in terms_for(node):
            seen.setdefault(t.pk, t)
    return sorted(seen.values(), key=lambda t: t.start, reverse=True)




@login_required
def new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    nodes = _all_organiser_nodes(user)
    require(bool(nodes))
    terms = _plan_terms(nodes)
    people = people_visible_to(user).filter(is_active=True)
    form = PlanForm(request.POST or None, nodes=nodes, terms=terms, people=people, earlier=followable_visits(user))
    if request.method == "GET":
        if (wanted := request.GET.get("follows", "")) in form.earlier:
            earlier = form.earlier[wanted]
            form.initial.update({"follows": wanted, "organiser": str(earlier.organiser_id), "kind": earlier.kind,
                                 "title": f"{earlier.title}（复查）"})
        term = current_of(terms)
        form.initial.update({"term": str(term.pk) if term else "", "category": VisitCategory.INSPECTION
                             if nodes[0][1][0] != VisitCategory.SCHOOL_CHECK else VisitCategory.SCHOOL_CHECK})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.visit_create(actor=user, organiser=form.nodes[d["organiser"]], category=d["category"],
                                          kind=d["kind"], mode=d["mode"], term=form.terms[d["term"]],
                                          title=d["title"], start=d["start"], end=d["end"], number=d["number"],
                                          purpose=d["purpose"], lead=d["lead"], follows=d.get("follows"))
        except VisitError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "视导已创建，请安排学校与日程、组建视导组。")
            return redirect("visits:detail", visit.pk)
    first = nodes[0][0]
    return render(request, "visits/plan_form.html", {"form": form, "editing": False,
                                                     "people": team_candidates(user, first)[:200]})


@login_required
def edit(request: AuthedRequest, visit_id: int) -> HttpResponse:
    user = request.user
    visit = get_visit_for_user(user, visit_id, write=True)
    people = people_visible_to(user).filter(is_active=True)
    terms = terms_for(visit.organiser)
    initial = {"kind": visit.kind, "mode": visit.mode, "term": str(visit.term_id), "title": visit.title,
               "number": visit.number, "start": visit.start, "end": visit.end, "purpose": visit.purpose,
               "lead": _person_label(visit.lead) if visit.lead else "", "status": visit.status}
    form = PlanForm(request.POST or None, initial=initial, nodes=[], terms=terms, people=people, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_update(actor=user, visit=visit, title=d["title"], number=d["number"], purpose=d["purpose"],
                                  kind=d["kind"], mode=d["mode"], term=form.terms[d["term"]], start=d["start"],
                                  end=d["end"], lead=d["lead"], clear_lead=d["lead"] is None,
                                  status=d.get("status") or None)
        except VisitError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "视导计划已保存。")
            return redirect("visits:detail", visit.pk)
    return render(request, "visits/plan_form.html", {"form": form, "editing": True, "visit": visit,
                                                     "people": team_candidates(user, visit.organiser)[:200]})


@login_required
@require_POST
def cancel(request: AuthedRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, visit_id, write=True)
    try:
        services.visit_cancel(actor=request.user, visit=visit)
    except VisitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "视导已取消。")
    return redirect("visits:detail", visit.pk)


# ---------------------------------------------------------------- the visit's page


def _agenda_rows(stop: VisitSchool, names: dict[int, str], subjects: dict[int, str]) -> list[dict[str, Any]]:
    labels = dict(AgendaKind.choices)
    return [{"time": f"{i.get('start', '')}—{i.get('end', '')}" if i.get("end") else i.get("start", ""),
             "kind": labels.get(i.get("kind", ""), i.get("kind", "")), "title": i.get("title", ""),
             "place": i.get("place", ""), "subject": subjects.get(i.get("subject_id") or 0, ""),
             "members": "、".join(names.get(m, "") for m in i.get("member_ids", []))} for i in stop.agenda]


def _schedule_days(visit: Visit, only: set[int] | None = None) -> list[dict[str, Any]]:
    stops = [s for s in visit.stops.select_related("school") if only is None or s.school_id in only]
    member_names = dict(visit.members.values_list("person_id", "person__name"))
    subjects = dict(Subject.objects.values_list("pk", "name"))
    days: OrderedDict[dt.date, list[dict[str, Any]]] = OrderedDict()
    for s in stops:
        days.setdefault(s.date, []).append({"stop": s, "agenda": _agenda_rows(s, member_names, subjects)})
    return [{"date": d, "weekday": WEEKDAYS[d.isoweekday()], "stops": ss} for d, ss in days.items()]


@login_required
def detail(request: AuthedRequest, visit_id: int) -> HttpResponse:
    user = request.user
    visit = get_visit_for_user(user, visit_id)
    manage = can_manage_visit(user, visit)
    obligations = visit_rules.obligations_for(visit.organiser.path, visit.kind)
    labels = dict(AgendaKind.choices)
    return render(request, "visits/detail.html", {
        "visit": visit, "can_manage": manage, "can_record": can_record_on_site(user, visit),
        "members": list(visit.members.select_related("person", "subject")),
        "days": _schedule_days(visit, stop_schools_for(user, visit)),
        "required": [labels.get(r, r) for r in obligations.required_records], "obligations": obligations,
        "warnings": services.visit_warnings(visit) if manage else [],
        "open_findings": visit.findings.unresolved().count() if manage else 0,
    })


# ---------------------------------------------------------------- schedule


class StopForm(forms.Form):
    school = forms.ChoiceField(label="学校")
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, schools: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        f = self.fields["school"]
        assert isinstance(f, forms.ChoiceField)
        f.choices = [("", "请选择学校")] + [(str(s.pk), s.name) for s in schools]


def _agenda_from_post(data: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The agenda rows typed (empty rows dropped), and the raw rows to show back."""
    raw: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for n in range(AGENDA_ROWS):
        row: dict[str, Any] = {k: (data.get(f"agenda-{n}-{k}") or "").strip()
                               for k in ("kind", "start", "end", "title", "place", "subject")}
        members = [m for m in data.getlist(f"agenda-{n}-members") if m.isdigit()]
        row["members"] = members
        raw.append(row)
        if any(v for k, v in row.items() if k != "members") or members:
            subject = row["subject"]
            items.append({"kind": row["kind"], "start": row["start"], "end": row["end"], "title": row["title"],
                          "place": row["place"], "subject_id": int(subject) if subject.isdigit() else None,
                          "member_ids": [int(m) for m in members]})
    return items, raw


@login_required
def schedule(request: AuthedRequest, visit_id: int) -> HttpResponse:
    user = request.user
    visit = get_visit_for_user(user, visit_id, write=True)
    schools = schedulable_schools(visit)
    form = StopForm(request.POST or None, schools=schools, initial={"date": visit.start})
    rows: list[dict[str, Any]] = [{"kind": "", "start": "", "end": "", "title": "", "place": "", "subject": "",
                                   "members": []} for _ in range(AGENDA_ROWS)]
    agenda_error = ""
    if request.method == "POST":
        if request.POST.get("remove"):
            stop = visit.stops.filter(pk=int(request.POST["remove"]) if request.POST["remove"].isdigit() else 0).first()
            require(stop is not None)
            assert stop is not None
            try:
                services.stop_remove(actor=user, stop=stop)
            except VisitError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已删除 {stop.date} {stop.school.name} 的安排。")
            return redirect("visits:schedule", visit.pk)
        items, rows = _agenda_from_post(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = services.visit_schedule(actor=user, visit=visit, school=form.schools[d["school"]],
                                                 date=d["date"], agenda=items, note=d["note"])
            except VisitError as exc:
                if exc.field == "agenda":
                    agenda_error = exc.message
                else:
                    exc.show_on(form)
            else:
                messages.success(request, f"已安排 {result.stop.date} 到{result.stop.school.name}。")
                for w in result.warnings:
                    messages.warning(request, f"提醒：{w}")
                return redirect("visits:schedule", visit.pk)
    return render(request, "visits/plan_schedule.html", {
        "visit": visit, "form": form, "rows": rows, "agenda_error": agenda_error,
        "agenda_kinds": AgendaKind.choices, "days": _schedule_days(visit),
        "team": [(str(m.person_id), m.person.name) for m in visit.members.select_related("person")],
        "subjects": [(str(pk), name) for pk, name in Subject.objects.values_list("pk", "name")],
        "warnings": services.visit_warnings(visit)})


# ---------------------------------------------------------------- team


class MemberForm(forms.Form):
    person = forms.CharField(label="成员", max_length=80,
                             widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))
    role = forms.ChoiceField(label="分工", choices=TeamRole.choices, initial=TeamRole.SUBJECT)
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False,
                                     empty_label="（按本人主教学科）")

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_person(self) -> Person:
        return _resolve_person(self.people, self.cleaned_data.get("person") or "", "成员")


@login_required
def team(request: AuthedRequest, visit_id: int) -> HttpResponse:
    user = request.user
    visit = get_visit_for_user(user, visit_id, write=True)
    people = people_visible_to(user).filter(is_active=True)
    form = MemberForm(request.POST or None, people=people)
    if request.method == "POST":
        if request.POST.get("remove"):
            raw = request.POST["remove"]
            member = visit.members.filter(pk=int(raw) if raw.isdigit() else 0).select_related("person", "visit").first()
            require(member is not None)
            assert member is not None
            try:
                services.member_remove(actor=user, member=member)
            except VisitError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已将{member.person.name}移出视导组。")
            return redirect("visits:team", visit.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = services.member_add(actor=user, visit=visit, person=d["person"], role=d["role"],
                                             subject=d["subject"])
            except VisitError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"已将{result.member.person.name}加入视导组。")
                for w in result.warnings:
                    messages.warning(request, f"提醒：{w}")
                return redirect("visits:team", visit.pk)
    return render(request, "visits/plan_team.html", {
        "visit": visit, "form": form, "members": list(visit.members.select_related("person", "subject")),
        "people": team_candidates(user, visit.organiser)[:200]})


# ---------------------------------------------------------------- pattern and rules


def _rule_region(request: AuthedRequest) -> tuple[OrgNode, list[OrgNode]]:
    regions = rule_regions(request.user)
    require(bool(regions))
    code = request.GET.get("node", "") or request.POST.get("node", "")
    region = next((r for r in regions if r.code == code), regions[0])
    return region, regions


@login_required
def pattern(request: AuthedRequest) -> HttpResponse:
    user = request.user
    region, regions = _rule_region(request)
    current = WeekPattern.objects.filter(region=region).first()
    editable = can_set_visit_rules(user, region)
    days = dict(current.days) if current else {}
    note = current.note if current else ""
    error = ""
    if request.method == "POST":
        require(editable)
        days = {str(i): request.POST.get(f"day-{i}", WeekActivity.FREE) for i in range(1, 8)}
        note = request.POST.get("note", "")
        try:
            services.week_pattern_set(actor=user, region=region, days=days, note=note)
        except VisitError as exc:
            error = exc.message
        else:
            messages.success(request, f"{region.institute_name or region.name}的每周工作安排已保存。")
            return redirect(f"{request.path}?node={region.code}")
    inherited = services.pattern_for(region) if current is None else None
    rows = [{"day": i, "label": WEEKDAYS[i], "value": days.get(str(i), WeekActivity.FREE)} for i in range(1, 8)]
    return render(request, "visits/plan_pattern.html", {
        "region": region, "regions": regions, "rows": rows, "note": note, "editable": editable, "error": error,
        "activities": WeekActivity.choices, "inherited": inherited, "pattern": current,
        "activity_labels": dict(WeekActivity.choices)})


@login_required
def kind_rules(request: AuthedRequest) -> HttpResponse:
    user = request.user
    region, regions = _rule_region(request)
    editable = can_set_visit_rules(user, region)
    error, error_kind = "", ""
    if request.method == "POST":
        require(editable)
        kind = request.POST.get("kind", "")
        try:
            services.kind_rule_set(actor=user, region=region, kind=kind,
                                   required_records=request.POST.getlist("required_records"),
                                   findings_need_rectification=bool(request.POST.get("findings_need_rectification")),
                                   school_must_answer=bool(request.POST.get("school_must_answer")),
                                   publish_to_school=bool(request.POST.get("publish_to_school")),
                                   note=request.POST.get("note", ""))
        except VisitError as exc:
            error, error_kind = exc.message, kind
        else:
            messages.success(request, f"{VisitKind(kind).label}的规则已保存。")
            return redirect(f"{request.path}?node={region.code}")
    own = {r.kind: r for r in KindRule.objects.filter(region=region)}
    labels = dict(AgendaKind.choices)
    rows = []
    for kind, label in VisitKind.choices:
        ob = visit_rules.obligations_for(region.path, kind)
        if request.method == "POST" and error_kind == kind:
            ob = visit_rules.Obligations(tuple(request.POST.getlist("required_records")),
                                         bool(request.POST.get("findings_need_rectification")),
                                         bool(request.POST.get("school_must_answer")),
                                         bool(request.POST.get("publish_to_school")))
        rows.append({"kind": kind, "label": label, "ob": ob, "own": own.get(kind),
                     "records": [labels.get(r, r) for r in ob.required_records],
                     "error": error if error_kind == kind else ""})
    return render(request, "visits/plan_rules.html", {
        "region": region, "regions": regions, "rows": rows, "editable": editable,
        "agenda_kinds": AgendaKind.choices, "error": error if not error_kind else ""})


urls: list[URLPattern] = [
    path("", home, name="home"),
    path("new/", new, name="new"),
    path("<int:visit_id>/", detail, name="detail"),
    path("<int:visit_id>/edit/", edit, name="edit"),
    path("<int:visit_id>/cancel/", cancel, name="cancel"),
    path("<int:visit_id>/schedule/", schedule, name="schedule"),
    path("<int:visit_id>/team/", team, name="team"),
    path("pattern/", pattern, name="pattern"),
    path("rules/", kind_rules, name="rules"),
]
