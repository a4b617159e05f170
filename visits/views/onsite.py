"""On-site work on a phone: routine-check records, notes, photos, questionnaires; schools' own checks and leaders' walkthroughs.

The record forms keep what is typed on the device and, when the network is gone, queue the
submission there (static/js/visits-onsite.js); the queued submission is resent as JSON (`Accept:
application/json`) and the services dedupe it by its client_uuid.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections import Counter
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from core.access import require, scope_of
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import OrgNode, Person, Post
from core.qr import qr_svg
from core.terms import current_term
from observe.access import can_observe, offered_versions
from observe.attachments import attachment_response
from observe.forms import ratings_from_post
from observe.models import RubricPurpose, RubricVersion
from observe.views.common import rubric_sections
from visits.access import (
    can_read_onsite,
    can_record_on_site,
    get_visit_for_recording,
    get_visit_for_user,
    organiser_nodes,
    walkthrough_overview_schools,
    walkthrough_schools,
    walkthroughs_visible_to,
)
from visits.models import (
    AgendaKind,
    Questionnaire,
    Visit,
    VisitAttachment,
    VisitCategory,
    VisitSchool,
    Walkthrough,
)
from visits.onsite_forms import CheckForm, NoteForm, PhotoForm, QuestionnaireForm, SchoolCheckForm, WalkthroughForm
from visits.services import onsite as services

AGENDA_LABELS = dict(AgendaKind.choices)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")




def _json_errors(form: forms.Form) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)


def _default_day(visit: Visit) -> dt.date:
    today = timezone.localdate()
    return today if visit.start <= today <= visit.end else visit.start


def _teachers_at(schools: list[OrgNode]) -> QuerySet[Person]:
    ids = [s.pk for s in schools]
    posted = Post.objects.active().filter(org_id__in=ids).values("person_id")
    return Person.objects.filter(Q(org_id__in=ids) | Q(pk__in=posted)).select_related("org").order_by("name")


def _after_save(request: AuthedRequest, visit: Visit, pk: int, client_uuid: str, text: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": True, "id": pk, "client_uuid": client_uuid})
    messages.success(request, text)
    return redirect(f"{reverse('visits:onsite', args=[visit.pk])}?saved={client_uuid}")


# ---------------------------------------------------------------- the team member's day


@login_required
def onsite(request: AuthedRequest, visit_id: int) -> HttpResponse:
    """The team member's page for the day: the day's schools and agenda, and what to record."""
    visit = get_visit_for_recording(request.user, visit_id)
    stops = list(VisitSchool.objects.filter(visit=visit).select_related("school").order_by("date", "id"))
    days = sorted({s.date for s in stops})
    raw_day = request.GET.get("date", "")
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else _default_day(visit)
    except ValueError:
        day = _default_day(visit)
    today_stops = [s for s in stops if s.date == day]
    if not today_stops and visit.category == VisitCategory.SCHOOL_CHECK:
        today_stops = [VisitSchool(visit=visit, school=visit.organiser, date=day)]
    me = scope_of(request.user).person_id
    for s in today_stops:
        s.agenda_rows = [{**a, "label": AGENDA_LABELS.get(a.get("kind", ""), a.get("kind", "")),  # type: ignore[attr-defined]  # view-only attribute
                          "mine": me is not None and me in (a.get("member_ids") or [])}
                         for a in s.agenda or []]
    mine = {
        "checks": visit.check_records.filter(checker_id=me).count(),
        "notes": visit.notes.filter(author_id=me).count(),
        "photos": visit.attachments.filter(uploaded_by=request.user).count(),
    }
    return render(request, "visits/onsite_page.html", {
        "visit": visit, "day": day, "days": days, "stops": today_stops, "mine": mine,
        "questionnaires": list(visit.questionnaires.select_related("school").annotate(n=Count("responses"))),
        "saved": request.GET.get("saved", ""),
        # The lesson form opens only for someone with a person record (not a bare system admin).
        "observe_url": f"{reverse('observe:new')}?visit={visit.pk}" if can_observe(request.user) else "",
    })


def _record_page(request: AuthedRequest, template: str, visit: Visit, form: forms.Form, status: int = 200,
                 **extra: Any) -> HttpResponse:
    return render(request, template, {"visit": visit, "form": form, **extra}, status=status)


def _check_rubric(versions: QuerySet[RubricVersion], raw: Any) -> RubricVersion | None:
    text = str(raw or "")
    return versions.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None


@login_required
def check_new(request: AuthedRequest, visit_id: int) -> HttpResponse:
    """A sampled item of a routine check, judged by a level and in words, and optionally with
    one of the routine-check rubrics offered to the user (scored by observe's engine)."""
    visit = get_visit_for_recording(request.user, visit_id)
    schools = services.visit_schools(visit)
    teachers = _teachers_at(schools)
    versions = offered_versions(request.user, purpose=RubricPurpose.OTHER)
    if request.method == "POST":
        form = CheckForm(request.POST, schools=schools, teachers=teachers)
        version = _check_rubric(versions, request.POST.get("rubric"))
        ratings = ratings_from_post(request.POST, version.nodes) if version else {}
        if form.is_valid():
            cd = form.cleaned_data
            data = services.CheckData(
                school=cd["school"], item=cd["item"], date=cd["date"], teacher=cd["teacher"],
                subject=cd["subject"] or (cd["teacher"].main_subject if cd["teacher"] else None),
                class_name=cd["class_name"], sample_count=cd["sample_count"], level=cd["level"],
                strengths=cd["strengths"], problems=cd["problems"], client_uuid=cd["client_uuid"],
                rubric=version, ratings=ratings)
            try:
                record = services.check_record_save(actor=request.user, visit=visit, data=data)
            except DomainError as exc:
                exc.show_on(form)
                if exc.field and exc.field.startswith("r_"):
                    form.add_error(None, exc.message)
            else:
                return _after_save(request, visit, record.pk, record.client_uuid, "检查记录已保存。")
        if _wants_json(request):
            return _json_errors(form)
        return _record_page(request, "visits/onsite_check_form.html", visit, form, status=400, versions=versions,
                            version=version, sections=rubric_sections(version, ratings) if version else [])
    school = request.GET.get("school")
    version = _check_rubric(versions, request.GET.get("rubric"))
    form = CheckForm(initial={"client_uuid": str(uuid.uuid4()), "date": _default_day(visit), "sample_count": 1,
                              "rubric": version.pk if version else None,
                              **({"school": school} if school else {})}, schools=schools, teachers=teachers)
    return _record_page(request, "visits/onsite_check_form.html", visit, form, versions=versions, version=version,
                        sections=rubric_sections(version) if version else [])


@login_required
def note_new(request: AuthedRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_recording(request.user, visit_id)
    schools = services.visit_schools(visit)
    if request.method == "POST":
        form = NoteForm(request.POST, schools=schools)
        if form.is_valid():
            cd = form.cleaned_data
            data = services.NoteData(school=cd["school"], date=cd["date"], kind=cd["kind"], title=cd["title"],
                                     text=cd["text"], client_uuid=cd["client_uuid"])
            try:
                note = services.note_save(actor=request.user, visit=visit, data=data)
            except DomainError as exc:
                exc.show_on(form)
            else:
                return _after_save(request, visit, note.pk, note.client_uuid, "座谈记录已保存。")
        if _wants_json(request):
            return _json_errors(form)
        return _record_page(request, "visits/onsite_note_form.html", visit, form, status=400)
    initial: dict[str, Any] = {"client_uuid": str(uuid.uuid4()), "date": _default_day(visit),
                               "kind": request.GET.get("kind") or "teacher_forum"}
    if request.GET.get("school"):
        initial["school"] = request.GET["school"]
    form = NoteForm(initial=initial, schools=schools)
    return _record_page(request, "visits/onsite_note_form.html", visit, form)


@login_required
def attachment_upload(request: AuthedRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_recording(request.user, visit_id)
    schools = services.visit_schools(visit)
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES, schools=schools)
        if form.is_valid():
            try:
                att = services.attachment_add(actor=request.user, visit=visit, upload=form.cleaned_data["file"],
                                              school=form.cleaned_data["school"],
                                              client_uuid=form.cleaned_data["client_uuid"])
            except DomainError as exc:
                exc.show_on(form)
            else:
                if _wants_json(request):  # a photo queued on the phone, sent when the network is back
                    return JsonResponse({"ok": True, "id": att.pk, "client_uuid": att.client_uuid})
                messages.success(request, f"已上传：{att.original_name}")
                return redirect("visits:onsite", visit.pk)
        if _wants_json(request):
            return _json_errors(form)
        return _record_page(request, "visits/onsite_photo_form.html", visit, form, status=400)
    form = PhotoForm(initial={"school": request.GET.get("school"), "client_uuid": uuid.uuid4()}, schools=schools)
    return _record_page(request, "visits/onsite_photo_form.html", visit, form)


def _visit_attachment(user: Any, attachment_id: int) -> VisitAttachment:
    """A photo or file of a visit whose on-site records the user reads; 404 otherwise."""
    att = VisitAttachment.objects.select_related("visit", "school").filter(pk=attachment_id).first()
    if att is None:
        raise Http404("没有找到该附件")
    visit = get_visit_for_user(user, att.visit_id)
    require(can_read_onsite(user, visit), "没有找到该附件")
    return att


@login_required
def attachments(request: AuthedRequest, visit_id: int) -> HttpResponse:
    """The visit's photos and files, by school: photos as pictures, documents as downloads."""
    visit = get_visit_for_user(request.user, visit_id)
    require(can_read_onsite(request.user, visit), "没有找到该视导")
    rows = list(visit.attachments.select_related("school", "note", "uploaded_by__person").order_by("school__path", "created_at", "id"))
    by_school: dict[str, list[VisitAttachment]] = {}
    for a in rows:
        by_school.setdefault(a.school.name if a.school else "全次视导", []).append(a)
    return render(request, "visits/onsite_attachments.html", {
        "visit": visit, "by_school": list(by_school.items()), "total": len(rows),
        "total_size": sum(a.size for a in rows), "can_record": can_record_on_site(request.user, visit)})


@login_required
def attachment_file(request: AuthedRequest, attachment_id: int) -> FileResponse:
    """One photo or file, served as observe serves its attachments: inline only when its bytes
    open as a photo, otherwise a download; the type is judged from the bytes, never the name."""
    att = _visit_attachment(request.user, attachment_id)
    return attachment_response(att.file.open("rb"), att.original_name)


# ---------------------------------------------------------------- questionnaires


@login_required
def questionnaire_new(request: AuthedRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_recording(request.user, visit_id)
    schools = services.visit_schools(visit)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, schools=schools)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                qn = services.questionnaire_create(
                    actor=request.user, visit=visit, school=cd["school"], audience=cd["audience"], title=cd["title"],
                    questions=services.parse_questions(cd["questions"]), closes_at=cd["closes_at"])
            except DomainError as exc:
                exc.show_on(form)
            else:
                messages.success(request, "问卷已创建，请把链接发给作答对象。")
                return redirect("visits:questionnaire_results", visit.pk, qn.pk)
        return _record_page(request, "visits/onsite_questionnaire_form.html", visit, form, status=400)
    initial = {"audience": request.GET.get("audience") or "student"}
    if request.GET.get("school"):
        initial["school"] = request.GET["school"]
    form = QuestionnaireForm(initial=initial, schools=schools)
    return _record_page(request, "visits/onsite_questionnaire_form.html", visit, form)


@login_required
def questionnaire_results(request: AuthedRequest, visit_id: int, questionnaire_id: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, visit_id)
    require(can_read_onsite(request.user, visit), "没有找到该问卷")
    qn = visit.questionnaires.select_related("school").filter(pk=questionnaire_id).first()
    if qn is None:
        raise Http404("没有找到该问卷")
    link = request.build_absolute_uri(reverse("visits:questionnaire_answer", args=[qn.token]))
    return render(request, "visits/onsite_questionnaire_results.html", {
        "visit": visit, "qn": qn, "link": link, "qr": qr_svg(link, title=f"{qn.title} 作答二维码"),
        "count": qn.responses.count(),
        "results": services.questionnaire_results(qn), "is_open": services.questionnaire_is_open(qn)})


def _answers_from_post(qn: Questionnaire, post: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in qn.questions:
        out[q["code"]] = post.getlist(q["code"]) if q["kind"] == "multi" else post.get(q["code"], "")
    return out


def _with_given(qn: Questionnaire, given: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions with what was answered, so a refused sheet keeps the answers."""
    out = []
    for q in qn.questions:
        v = given.get(q["code"])
        values = [str(x) for x in v] if isinstance(v, list) else ([str(v)] if v not in (None, "") else [])
        out.append({**q, "values": values, "value": values[0] if values else ""})
    return out


DEVICE_COOKIE = "jy_device"
_DEVICE_SALT = "visits.questionnaire.device"


def _device_key(request: HttpRequest) -> str:
    """The answering browser's random device key (a signed cookie), blank if it has none yet."""
    return str(request.get_signed_cookie(DEVICE_COOKIE, default="", salt=_DEVICE_SALT))


def _keep_device_key(response: HttpResponse, key: str) -> None:
    response.set_signed_cookie(DEVICE_COOKIE, key, salt=_DEVICE_SALT, max_age=2 * 365 * 24 * 3600,
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def questionnaire_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public answer page (no login): one answer per device (a random key in a cookie; only
    a per-questionnaire hash of it is stored with the answer); nothing about who answered is kept."""
    qn = Questionnaire.objects.select_related("school").filter(token=token).first()
    if qn is None:
        raise Http404("没有找到该问卷")
    device = _device_key(request)
    context: dict[str, Any] = {"qn": qn, "is_open": services.questionnaire_is_open(qn), "errors": {},
                               "questions": _with_given(qn, {}), "done": False,
                               "already": services.questionnaire_answered_on(qn, device)}
    if request.method == "POST" and context["is_open"] and not context["already"]:
        given = _answers_from_post(qn, request.POST)
        new_device = "" if device else secrets.token_urlsafe(16)
        try:
            services.questionnaire_answer(questionnaire=qn, answers=given, device_key=device or new_device)
        except DomainError as exc:
            context["errors"] = {exc.field or "": exc.message}
            context["message"] = exc.message
            context["given"] = given
            context["is_open"] = services.questionnaire_is_open(qn)
            context["questions"] = _with_given(qn, given)
            return render(request, "visits/onsite_questionnaire_answer.html", context, status=400)
        context["done"] = True
        response = render(request, "visits/onsite_questionnaire_answer.html", context)
        if new_device:
            _keep_device_key(response, new_device)
        return response
    return render(request, "visits/onsite_questionnaire_answer.html", context,
                  status=409 if request.method == "POST" and context["already"] else 200)


# ---------------------------------------------------------------- walkthroughs


@login_required
def walkthrough_new(request: AuthedRequest) -> HttpResponse:
    schools = walkthrough_schools(request.user)
    me = scope_of(request.user).person_id
    require(bool(schools) and me is not None, "只有学校领导可以记录巡课")
    assert me is not None
    leader = Person.objects.get(pk=me)
    teachers = _teachers_at(schools)
    if request.method == "POST":
        form = WalkthroughForm(request.POST, schools=schools, teachers=teachers)
        if form.is_valid():
            cd = form.cleaned_data
            data = services.WalkthroughData(
                school=cd["school"], date=cd["date"], period=cd["period"], grade=cd["grade"],
                class_name=cd["class_name"], subject=cd["subject"], teacher=cd["teacher"], seen=cd["seen"],
                has_problem=cd["has_problem"], client_uuid=cd["client_uuid"])
            try:
                wt = services.walkthrough_save(actor=request.user, leader=leader, data=data)
            except DomainError as exc:
                exc.show_on(form)
            else:
                if _wants_json(request):
                    return JsonResponse({"ok": True, "id": wt.pk, "client_uuid": wt.client_uuid})
                messages.success(request, "巡课记录已保存。")
                return redirect(f"{reverse('visits:walkthroughs')}?saved={wt.client_uuid}")
        if _wants_json(request):
            return _json_errors(form)
        return render(request, "visits/onsite_walkthrough_form.html", {"form": form}, status=400)
    form = WalkthroughForm(initial={"client_uuid": str(uuid.uuid4()), "date": timezone.localdate()},
                           schools=schools, teachers=teachers)
    return render(request, "visits/onsite_walkthrough_form.html", {"form": form})


@login_required
def walkthroughs(request: AuthedRequest) -> HttpResponse:
    """The walkthroughs the user sees, newest first; for a principal, the count per leader of
    their school this term."""
    user = request.user
    rows: list[Walkthrough] = list(walkthroughs_visible_to(user).select_related(
        "school", "leader", "teacher", "subject")[:50])
    overview = []
    for school in walkthrough_overview_schools(user):
        term = current_term(school)
        qs = Walkthrough.objects.filter(school=school)
        if term is not None:
            qs = qs.filter(date__gte=term.start, date__lte=term.end)
        counts: Counter[int] = Counter({r["leader_id"]: r["n"] for r in qs.values("leader_id").annotate(n=Count("id"))})
        problems: Counter[int] = Counter({r["leader_id"]: r["n"] for r in
                                          qs.filter(has_problem=True).values("leader_id").annotate(n=Count("id"))})
        leader_ids = set(Post.objects.active().filter(org=school, role__in=services.WALKTHROUGH_ROLES)
                         .values_list("person_id", flat=True)) | set(counts)
        leaders = Person.objects.filter(pk__in=leader_ids).order_by("name")
        overview.append({"school": school, "term": term, "total": sum(counts.values()),
                         "leaders": [{"name": p.name, "count": counts[p.pk], "problems": problems[p.pk]}
                                     for p in sorted(leaders, key=lambda p: (-counts[p.pk], p.name))]})
    return render(request, "visits/onsite_walkthroughs.html", {
        "rows": rows, "overview": overview, "can_add": bool(walkthrough_schools(user)),
        "saved": request.GET.get("saved", "")})


# ---------------------------------------------------------------- a school's own check


@login_required
def school_check_new(request: AuthedRequest) -> HttpResponse:
    schools = organiser_nodes(request.user, VisitCategory.SCHOOL_CHECK)
    require(bool(schools), "只有校长或教学副校长可以组织校内常规检查")
    team = Person.objects.filter(pk__in=[p.pk for s in schools for p in services.group_leaders_of(s)]) \
        .select_related("main_subject").order_by("name")
    if request.method == "POST":
        form = SchoolCheckForm(request.POST, schools=schools, team=team)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                visit = services.school_check_create(actor=request.user, school=cd["school"], title=cd["title"],
                                                     start=cd["start"], end=cd["end"], team=list(cd["team"]),
                                                     purpose=cd["purpose"])
            except DomainError as exc:
                exc.show_on(form)
            else:
                messages.success(request, "校内常规检查已创建，检查组成员可以开始记录。")
                return redirect("visits:onsite", visit.pk)
        return render(request, "visits/onsite_school_check_form.html", {"form": form}, status=400)
    today = timezone.localdate()
    form = SchoolCheckForm(initial={"start": today, "end": today, "title": f"{today:%Y年%-m月}教学常规检查"},
                           schools=schools, team=team)
    return render(request, "visits/onsite_school_check_form.html", {"form": form})


urls: list[URLPattern] = [
    path("<int:visit_id>/onsite/", onsite, name="onsite"),
    path("<int:visit_id>/onsite/check/", check_new, name="check_new"),
    path("<int:visit_id>/onsite/note/", note_new, name="note_new"),
    path("<int:visit_id>/onsite/photo/", attachment_upload, name="attachment_upload"),
    path("<int:visit_id>/onsite/attachments/", attachments, name="attachments"),
    path("attachments/<int:attachment_id>/", attachment_file, name="attachment_file"),
    path("<int:visit_id>/onsite/questionnaires/new/", questionnaire_new, name="questionnaire_new"),
    path("<int:visit_id>/onsite/questionnaires/<int:questionnaire_id>/", questionnaire_results,
         name="questionnaire_results"),
    path("q/<str:token>/", questionnaire_answer, name="questionnaire_answer"),
    path("walkthroughs/", walkthroughs, name="walkthroughs"),
    path("walkthroughs/new/", walkthrough_new, name="walkthrough_new"),
    path("school-checks/new/", school_check_new, name="school_check_new"),
]
