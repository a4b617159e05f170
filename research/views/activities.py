"""Pages of the research app: the app's home, research activities (list, plan form, the
activity's page with participants and attendance, materials, lessons shown and the written
outcome), and the activity reports. Sign-in at the venue (research.views.activity_signin) and
the calendars (research.views.activity_calendar) add their urls here."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import AnyUser, groups_visible_to, home_node, people_visible_to, require, scope_of
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.kept import kept
from core.models import Level, OrgKind, OrgNode, Person, Stage, Subject, TeachingGroup, Term
from core.pickers import picker_label as _person_label
from core.pickers import resolve_person as _resolve_person
from core.terms import current_of, terms_for
from observe.access import can_observe, observations_visible_to
from observe.attachments import served_type
from research.access import (
    activity_organiser_nodes,
    can_manage_activity,
    can_read_activity_stats,
    get_activity_for_user,
    host_candidates,
    invitable_people,
)
from research.activity_selectors import (
    ActivityFilter,
    activity_counts,
    activity_list,
    participation_per_teacher,
    pattern_warning,
    person_calendar,
)
from research.models import (
    Activity,
    ActivityForm,
    ActivityMaterial,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    OutcomeKind,
    ParticipantRole,
)
from research.services import activities as services
from research.services.activities import ActivityData, ActivityError
from research.views import activity_calendar
from research.views import activity_signin as activity_signin_views

LIST_SHOWN = 60
LEVEL_OF_KIND: dict[str, str] = {OrgKind.PROVINCE: Level.PROVINCE, OrgKind.CITY: Level.CITY, OrgKind.COUNTY: Level.COUNTY,
                 OrgKind.TOWNSHIP: Level.COUNTY, OrgKind.SCHOOL: Level.SCHOOL}
# Seconds between two refreshes of the code page's QR code (a window lasts signin_codes.PERIOD).
QR_REFRESH = 10


def _node_label(n: OrgNode) -> str:
    return n.institute_name or n.name if n.kind != OrgKind.SCHOOL else n.name




# ---------------------------------------------------------------- home


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The research app's landing page: its sections, and the user's next activities."""
    now = timezone.now()
    upcoming = person_calendar(request.user, now - dt.timedelta(hours=12), now + dt.timedelta(days=30))[:8]
    return render(request, "research/home.html", {"upcoming": upcoming,
                                                  "can_create": bool(activity_organiser_nodes(request.user))})


# ---------------------------------------------------------------- the list


def _visible_terms(user: AnyUser) -> list[Term]:
    node = home_node(user)
    if node is None:
        return []
    return sorted(terms_for(node), key=lambda t: t.start, reverse=True)[:8]


@login_required
def activities(request: AuthedRequest) -> HttpResponse:
    user = request.user
    q = request.GET
    terms = _visible_terms(user)
    subjects = list(Subject.objects.order_by("pk"))
    f = {k: q.get(k, "") for k in ("form", "level", "subject", "term", "status", "side")}
    flt = ActivityFilter(
        form=f["form"] if f["form"] in ActivityForm.values else "",
        level=f["level"] if f["level"] in Level.values else "",
        subject_id=int(f["subject"]) if f["subject"].isdigit() else None,
        term_id=int(f["term"]) if f["term"].isdigit() else None,
        status=f["status"] if f["status"] in ActivityStatus.values else "",
        mine=f["side"] == "mine")
    qs = activity_list(user, flt)
    total = qs.count()
    return render(request, "research/activities/list.html", {
        "activities": list(qs[:LIST_SHOWN]), "total": total, "f": f, "terms": terms, "subjects": subjects,
        "forms": ActivityForm.choices, "levels": Level.choices, "statuses": ActivityStatus.choices,
        "can_create": bool(activity_organiser_nodes(user)), "now": timezone.now(),
        "can_stats": bool(_stats_nodes(user))})


# ---------------------------------------------------------------- plan form


class ActivityPlanForm(forms.Form):
    organiser = forms.ChoiceField(label="组织单位")
    group = forms.ChoiceField(label="教研组/备课组", required=False)
    form = forms.ChoiceField(label="活动形式", choices=ActivityForm.choices, initial=ActivityForm.GROUP)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False,
                                     empty_label="（综合 / 不分学科）")
    stage = forms.ChoiceField(label="学段", choices=[("", "（不分学段）"), *Stage.choices], required=False)
    term = forms.ChoiceField(label="学期")
    title = forms.CharField(label="活动名称", max_length=120)
    theme = forms.CharField(label="主题", max_length=200, required=False)
    plan = forms.CharField(label="活动方案", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="目的、流程、分工、预期成果")
    start = forms.DateTimeField(label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                         format="%Y-%m-%dT%H:%M"))
    end = forms.DateTimeField(label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                       format="%Y-%m-%dT%H:%M"))
    periods = forms.IntegerField(label="课时", min_value=1, max_value=40, initial=2)
    place = forms.CharField(label="地点", max_length=120, required=False)
    online_url = forms.URLField(label="线上链接", required=False, assume_scheme="https")
    host = forms.CharField(label="主持人", max_length=80, required=False,
                           widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))

    def __init__(self, *args: Any, nodes: list[OrgNode], terms: list[Term], groups: list[TeachingGroup],
                 people: QuerySet[Person], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = {str(n.pk): n for n in nodes}
        self.terms = {str(t.pk): t for t in terms}
        self.groups = {str(g.pk): g for g in groups}
        self.people = people
        self._choices("organiser", [(str(n.pk), _node_label(n)) for n in nodes])
        self._choices("term", [(str(t.pk), t.label) for t in terms])
        self._choices("group", [("", "（不属于某个组）")] + [(str(g.pk), f"{g.school.name} · {g.name}") for g in groups])
        if editing:
            del self.fields["organiser"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        f = self.fields[name]
        assert isinstance(f, forms.ChoiceField)
        f.choices = choices

    def clean_host(self) -> Person | None:
        raw = self.cleaned_data.get("host") or ""
        return _resolve_person(self.people, raw, "主持人") if raw.strip() else None

    def data_for_service(self) -> ActivityData:
        d = self.cleaned_data
        return ActivityData(form=d["form"], level=d["level"], term=self.terms[d["term"]], title=d["title"],
                            start=d["start"], end=d["end"], theme=d["theme"], plan=d["plan"], subject=d["subject"],
                            stage=d["stage"], periods=d["periods"], place=d["place"], online_url=d["online_url"],
                            host=d["host"], group=self.groups.get(d.get("group") or ""))


def _form_terms(nodes: list[OrgNode]) -> list[Term]:
    seen: dict[int, Term] = {}
    for node in nodes:
        for t in terms_for(node):
            seen.setdefault(t.pk, t)
    return sorted(seen.values(), key=lambda t: t.start, reverse=True)


def _form_groups(user: AnyUser, nodes: list[OrgNode]) -> list[TeachingGroup]:
    schools = [n.pk for n in nodes if n.kind == OrgKind.SCHOOL]
    return list(groups_visible_to(user).filter(school_id__in=schools).order_by("school__name", "name")[:300])


def _people_options(user: AnyUser, node: OrgNode) -> list[Person]:
    return list(host_candidates(user, node).order_by("pinyin")[:300])


@login_required
def activity_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    nodes = activity_organiser_nodes(user)
    require(bool(nodes))
    terms = _form_terms(nodes)
    people = people_visible_to(user).filter(is_active=True)
    form = ActivityPlanForm(request.POST or None, nodes=nodes, terms=terms, groups=_form_groups(user, nodes),
                            people=people)
    if request.method == "GET":
        term = current_of(terms)
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
        me = scope_of(user).person_id
        host = people.filter(pk=me).first() if me else None
        form.initial.update({"term": str(term.pk) if term else "", "level": LEVEL_OF_KIND[nodes[0].kind],
                             "start": start.replace(hour=14), "end": start.replace(hour=16),
                             "host": _person_label(host) if host else ""})
    if request.method == "POST" and form.is_valid():
        organiser = form.nodes[form.cleaned_data["organiser"]]
        try:
            activity = services.activity_create(actor=user, organiser=organiser, data=form.data_for_service())
        except ActivityError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "教研活动已创建，请邀请参加人员。")
            return redirect("research:activity_detail", activity.pk)
    return render(request, "research/activities/form.html", {
        "form": form, "editing": False, "people": _people_options(user, nodes[0])},
        status=400 if request.method == "POST" else 200)


@login_required
def activity_edit(request: AuthedRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = get_activity_for_user(user, activity_id, write=True)
    people = people_visible_to(user).filter(is_active=True)
    initial = {"group": str(activity.group_id or ""), "form": activity.form, "level": activity.level,
               "subject": activity.subject_id, "stage": activity.stage, "term": str(activity.term_id),
               "title": activity.title, "theme": activity.theme, "plan": activity.plan,
               "start": timezone.localtime(activity.start), "end": timezone.localtime(activity.end),
               "periods": activity.periods, "place": activity.place, "online_url": activity.online_url,
               "host": _person_label(activity.host) if activity.host else ""}
    form = ActivityPlanForm(request.POST or None, initial=initial, nodes=[activity.organiser],
                            terms=terms_for(activity.organiser), groups=_form_groups(user, [activity.organiser]),
                            people=people, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=user, activity=activity, data=form.data_for_service())
        except ActivityError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "活动计划已保存。")
            return redirect("research:activity_detail", activity.pk)
    return render(request, "research/activities/form.html", {
        "form": form, "editing": True, "activity": activity, "people": _people_options(user, activity.organiser)},
        status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- the activity's page


class InviteForm(forms.Form):
    people = forms.CharField(label="邀请人员", required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": "每行一人：姓名或人员编号"}))
    role = forms.ChoiceField(label="身份", choices=ParticipantRole.choices, initial=ParticipantRole.PARTICIPANT)
    whole_group = forms.BooleanField(label="邀请本组全体成员", required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], group: TeachingGroup | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people_qs, self.group = people, group
        if group is None:
            del self.fields["whole_group"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: list[Person] = []
        errors: list[str] = []
        for n, line in enumerate((data.get("people") or "").splitlines(), start=1):
            for raw in re.split(r"[，,、;；]", line):
                if not raw.strip():
                    continue
                try:
                    chosen.append(_resolve_person(self.people_qs, raw, f"第{n}行"))
                except forms.ValidationError as exc:
                    errors.extend(str(m) for m in exc.messages)
        if data.get("whole_group") and self.group is not None:
            from core.models import GroupMembership

            chosen.extend(p for p in self.people_qs.filter(
                pk__in=GroupMembership.objects.filter(group=self.group).values("person_id")))
        if errors:
            raise forms.ValidationError(errors)
        if not chosen:
            raise forms.ValidationError("邀请人员：请填写姓名或编号")
        unique: dict[int, Person] = {p.pk: p for p in chosen}
        data["chosen"] = list(unique.values())
        return data


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label="成果类型", choices=OutcomeKind.choices, initial=OutcomeKind.MINUTES)
    title = forms.CharField(label="标题", max_length=120)
    text = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label="或上传文件", required=False)


class MaterialForm(forms.Form):
    title = forms.CharField(label="资料名称", max_length=120)
    url = forms.URLField(label="链接", required=False, assume_scheme="https")
    file = forms.FileField(label="或上传文件", required=False)


def _lessons(user: AnyUser, activity: Activity) -> list[Any]:
    ct = ContentType.objects.get_for_model(Activity)
    return list(observations_visible_to(user).filter(context_type=ct, context_id=activity.pk)
                .select_related("teacher", "subject", "observer").order_by("date", "id")[:100])


def _detail_context(request: AuthedRequest, activity: Activity, **forms_: Any) -> dict[str, Any]:
    user = request.user
    manage = can_manage_activity(user, activity)
    everyone = activity.participants.select_related("person", "person__org").order_by("role", "person__pinyin")
    counts = {a: 0 for a in Attendance.values}
    for att in everyone.values_list("attendance", flat=True):
        counts[att] += 1
    # The organiser's side reads the whole list; a participant the people they may see (their
    # own record always), with the counts of all.
    participants = list(everyone if manage else everyone.filter(person__in=people_visible_to(user)))
    me = scope_of(user).person_id
    return {
        "activity": activity, "can_manage": manage, "participants": participants, "counts": counts, "total": sum(counts.values()),
        "attendance_choices": Attendance.choices, "materials": list(activity.materials.all()),
        "outcomes": list(activity.outcomes.select_related("author")), "lessons": _lessons(user, activity),
        "can_observe": can_observe(user) and activity.status != ActivityStatus.CANCELLED,
        "mine": next((p for p in participants if p.person_id == me), None),
        "invite_form": forms_.get("invite_form") or InviteForm(people=Person.objects.none(), group=activity.group),
        "outcome_form": forms_.get("outcome_form") or OutcomeForm(),
        "material_form": forms_.get("material_form") or MaterialForm(),
        "editable": manage and activity.is_open,
        "people": list(invitable_people(user, activity).order_by("pinyin")[:12]) if manage and activity.is_open else [],
        "clashes": ([w for w in [pattern_warning(activity.organiser, activity.start)] if w]
                    + services.invite_warnings(activity, [p.person_id for p in participants])) if manage else [],
    }


@login_required
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, activity_id)
    return render(request, "research/activities/detail.html", _detail_context(request, activity))


@login_required
@require_POST
def activity_invite(request: AuthedRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = get_activity_for_user(user, activity_id, write=True)
    form = InviteForm(request.POST, people=invitable_people(user, activity), group=activity.group)
    if form.is_valid():
        try:
            result = services.participant_invite(actor=user, activity=activity, people=form.cleaned_data["chosen"],
                                                 role=form.cleaned_data["role"])
        except ActivityError as exc:
            exc.show_on(form)
        else:
            text = f"已邀请{len(result.added)}人。"
            if result.already:
                text += f"{'、'.join(p.name for p in result.already[:10])}已在名单中。"
            messages.success(request, text)
            for w in result.warnings:
                messages.warning(request, f"提醒：{w}")
            return redirect(f"{reverse('research:activity_detail', args=[activity.pk])}#participants")
    return render(request, "research/activities/detail.html", _detail_context(request, activity, invite_form=form),
                  status=400)


@login_required
@require_POST
def activity_attendance(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """The organiser sets attendance by hand, or removes someone not yet signed in."""
    user = request.user
    activity = get_activity_for_user(user, activity_id, write=True)
    raw = request.POST.get("participant", "")
    part = activity.participants.filter(pk=int(raw) if raw.isdigit() else 0).select_related("person", "activity").first()
    require(part is not None, "没有找到该参加人员")
    assert part is not None
    try:
        if request.POST.get("remove"):
            services.participant_remove(actor=user, participant=part)
            messages.success(request, f"已将{part.person.name}移出名单。")
        else:
            services.attendance_set(actor=user, participant=part, attendance=request.POST.get("attendance", ""))
            messages.success(request, f"{part.person.name}：{part.get_attendance_display()}。")
    except ActivityError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('research:activity_detail', args=[activity.pk])}#participants")


@login_required
@require_POST
def activity_outcome(request: AuthedRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = get_activity_for_user(user, activity_id, write=True)
    form = OutcomeForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        me = scope_of(user).person_id
        try:
            services.outcome_add(actor=user, activity=activity, kind=d["kind"], title=d["title"], text=d["text"],
                                 upload=d["file"], author=Person.objects.filter(pk=me).first() if me else None)
        except ActivityError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "活动成果已保存。")
            return redirect(f"{reverse('research:activity_detail', args=[activity.pk])}#outcome")
    return render(request, "research/activities/detail.html", _detail_context(request, activity, outcome_form=form),
                  status=400)


@login_required
@require_POST
def activity_material(request: AuthedRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = get_activity_for_user(user, activity_id, write=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.material_add(actor=user, activity=activity, title=d["title"], url=d["url"], upload=d["file"])
        except ActivityError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "资料已添加。")
            return redirect(f"{reverse('research:activity_detail', args=[activity.pk])}#materials")
    return render(request, "research/activities/detail.html", _detail_context(request, activity, material_form=form),
                  status=400)


@login_required
@require_POST
def activity_close(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, activity_id, write=True)
    try:
        services.activity_close(actor=request.user, activity=activity)
    except ActivityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "活动已结束归档。未签到的受邀人员记为缺席。")
    return redirect("research:activity_detail", activity.pk)


@login_required
@require_POST
def activity_cancel(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, activity_id, write=True)
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except ActivityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "活动已取消。")
    return redirect("research:activity_detail", activity.pk)


ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@login_required
def activity_file(request: AuthedRequest, activity_id: int, kind: str, file_id: int) -> FileResponse:
    """A material's or an outcome's file, to whoever sees the activity; inline only for a photo
    whose stored bytes open as one (observe.attachments.served_type)."""
    activity = get_activity_for_user(request.user, activity_id)
    require(kind in ("outcome", "material"))
    record: ActivityOutcome | ActivityMaterial | None = (
        activity.outcomes.filter(pk=file_id).first() if kind == "outcome" else activity.materials.filter(pk=file_id).first())
    require(record is not None and bool(record.file), "没有找到该文件")
    assert record is not None
    stream = record.file.open("rb")
    name = record.original_name or record.title
    content_type, inline = served_type(stream, name)
    response = FileResponse(stream, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "private, no-cache"
    return response


# ---------------------------------------------------------------- reports


def _stats_nodes(user: AnyUser) -> list[OrgNode]:
    """The nodes whose activity counts the user reads: their posts' nodes (the system admin: the root)."""
    nodes = [n for n in activity_calendar.calendar_nodes(user) if can_read_activity_stats(user, n)]
    if scope_of(user).is_sysadmin and not nodes:
        root = home_node(user)
        nodes = [root] if root else []
    return nodes


# What the statistics count (core.kept versions): a province's 175,000 participations took 0.7 s.
ACTIVITY_STATS_MODELS = ("research.Activity", "research.Participant", "core.Person", "core.Post", "core.OrgNode")


@login_required
def activity_stats(request: AuthedRequest) -> HttpResponse:
    user = request.user
    nodes = _stats_nodes(user)
    require(bool(nodes))
    code = request.GET.get("node", "")
    node = next((n for n in nodes if n.code == code), nodes[0])
    terms = sorted(terms_for(node), key=lambda t: t.start, reverse=True)[:8]
    raw = request.GET.get("term", "")
    term_id = int(raw) if raw.isdigit() and int(raw) in {t.pk for t in terms} else None
    figures = kept(user, node, f"activity-stats:{term_id or ''}",
                   lambda: (activity_counts(user, node, term_id), participation_per_teacher(user, node, term_id)),
                   reads=ACTIVITY_STATS_MODELS)
    counts, people = figures.value
    if request.GET.get("format") == "xlsx":
        term = next((t.label for t in terms if t.pk == term_id), "全部学期")
        return xlsx_response(f"教师参加教研活动-{node.code}", "教师参加情况",
                             ["人员编号", "姓名", "学校", "受邀/参加", "出席", "迟到", "缺席", "课时"],
                             ([p.code, p.name, p.school, p.invited, p.attended, p.late, p.absent, p.periods]
                              for p in people), note=f"{_node_label(node)} · {term}")
    return render(request, "research/activities/stats.html", {
        "node": node, "nodes": nodes, "terms": terms, "term_id": term_id,
        "counts": counts, "people": people, "counted": figures})


urls: list[URLPattern] = [*activity_signin_views.urls, *activity_calendar.urls,
    path("", home, name="home"),
    path("activities/", activities, name="activities"),
    path("activities/new/", activity_new, name="activity_new"),
    path("activities/stats/", activity_stats, name="activity_stats"),
    path("activities/<int:activity_id>/", activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/invite/", activity_invite, name="activity_invite"),
    path("activities/<int:activity_id>/attendance/", activity_attendance, name="activity_attendance"),
    path("activities/<int:activity_id>/outcome/", activity_outcome, name="activity_outcome"),
    path("activities/<int:activity_id>/material/", activity_material, name="activity_material"),
    path("activities/<int:activity_id>/close/", activity_close, name="activity_close"),
    path("activities/<int:activity_id>/cancel/", activity_cancel, name="activity_cancel"),
    path("activities/<int:activity_id>/files/<str:kind>/<int:file_id>/", activity_file, name="activity_file"),
]
