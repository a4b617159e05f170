"""Home, the phone-first observation form (with autosave and offline drafts), the observation
page with its charts, attachments, and the service worker that keeps the form usable offline."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import home_node, require, scope_of
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, Person, Subject
from core.terms import current_term
from observe import charts, services
from observe.access import (
    HEAD_ROLES,
    MIDDLE_ROLES,
    can_observe,
    can_read_archive,
    get_attachment_for_user,
    get_observation_for_user,
    observable_teachers,
    observations_visible_to,
    offered_versions,
    quota_roots,
)
from observe.attachments import ACCEPT, LIMITS_TEXT, attachment_response
from observe.coding import get_scheme
from observe.coding.settings import RECORDING_MODES, CodingSettings, SettingsError, clean_settings, default_settings
from observe.contexts import context_kinds, resolve_context
from observe.errors import IncompleteRubricError
from observe.forms import ObservationForm, ratings_from_post
from observe.models import CodingSession, Notification, Observation, ObservationStatus, RubricPurpose, RubricVersion
from observe.quotas import quota_report
from observe.template_fit import fits, stage_of_grade, versions_for_lesson
from observe.views.common import rubric_sections

TEACHER_LIST_LIMIT = 800


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    me = scope.person_id
    visible = observations_visible_to(user)
    ctx: dict[str, Any] = {"can_observe": can_observe(user), "can_quota": bool(quota_roots(user)),
                           "has_person": me is not None, "can_analyse": home_node(user) is not None}
    if me is not None:
        ctx["drafts"] = list(visible.filter(observer_id=me, status=ObservationStatus.DRAFT)[:20])
        ctx["given"] = list(visible.filter(observer_id=me, status=ObservationStatus.SUBMITTED)[:20])
        ctx["received"] = list(visible.filter(teacher_id=me, status=ObservationStatus.SUBMITTED)[:10])
        ctx["unread"] = Notification.objects.filter(recipient_id=me, read_at__isnull=True).count()
        ctx["me_code"] = Person.objects.filter(pk=me).values_list("code", flat=True).first()
        progress = []
        for g in scope.grants:
            if g.node_kind != OrgKind.SCHOOL or g.role not in (*HEAD_ROLES, *MIDDLE_ROLES):
                continue
            school = OrgNode.objects.get(pk=g.node_id)
            term = current_term(school)
            if term is None:
                continue
            report = quota_report(user, school, term)
            mine = next((r for r in report.leaders if r.person_id == me), None)
            if mine is not None:
                progress.append({"row": mine, "term": term, "coverage": report.schools[0] if report.schools else None,
                                 "fraction": round(100 * report.fraction)})
        ctx["progress"] = progress
    return render(request, "observe/home.html", ctx)


def _teachers(user: Any) -> QuerySet[Person]:
    qs = observable_teachers(user).select_related("org", "main_subject")
    node = home_node(user)
    if node is not None:
        qs = qs.filter(org__in=OrgNode.objects.under(node.path))
    return qs.order_by("org__path", "pinyin")


def _version(user: Any, version_id: Any, *, subject_id: int | None = None, stage: str = "") -> RubricVersion | None:
    """A published lesson rubric offered to the user. By default the best template for the
    lesson's subject and stage when one is made for them, else the built-in general table."""
    offered = offered_versions(user, purpose=RubricPurpose.LESSON)
    if version_id not in (None, ""):
        # A hand-edited query string is no rubric, not an error.
        text = str(version_id)
        return offered.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None
    fitting = versions_for_lesson(user, subject_id=subject_id, stage=stage)
    if fitting and fits(fitting[0].template.subject_id, fitting[0].template.stage, subject_id, stage):
        return fitting[0]
    return offered.filter(template__key="LESSON.GENERAL").first() or offered.first()


def _lesson_facts(form: ObservationForm, obs: Observation | None) -> tuple[int | None, str]:
    """(subject id, stage) of the lesson as far as the form knows them: the subject chosen, else
    the teacher's main subject; the stage of the grade, else the teacher's."""
    subject_code = form["subject"].value()
    subject = Subject.objects.filter(code=subject_code).first() if subject_code else None
    teacher = obs.teacher if obs is not None else None
    raw = str(form["teacher"].value() or "")
    match = re.search(r"[（(]([0-9A-Za-z_-]+)[)）]\s*$", raw)
    if match:
        teacher = form.teachers.filter(code=match.group(1)).select_related("main_subject").first() or teacher
    if subject is None and teacher is not None:
        subject = teacher.main_subject
    grade = form["grade"].value()
    stage = stage_of_grade(int(grade)) if str(grade or "").isdigit() else ""
    if not stage and teacher is not None:
        stage = teacher.stage
    return (subject.pk if subject else None), stage


def _teacher_label(p: Person) -> str:
    return f"{p.name}（{p.code}）"


def _form_page(request: AuthedRequest, form: ObservationForm, version: RubricVersion | None,
               ratings: dict[str, dict[str, Any]], obs: Observation | None, status: int = 200,
               incomplete: IncompleteRubricError | None = None) -> HttpResponse:
    user = request.user
    teachers = list(form.teachers[:TEACHER_LIST_LIMIT])
    subject_id, stage = _lesson_facts(form, obs)
    versions = versions_for_lesson(user, subject_id=subject_id, stage=stage)
    if version is not None and version not in versions:
        versions.insert(0, version)
    unrated = {code for code, _ in incomplete.unrated} if incomplete else set()
    sections = rubric_sections(version, ratings) if version else []
    for s in sections:
        for it in s["items"]:
            it["unrated"] = it["code"] in unrated
    return render(request, "observe/form.html", {
        "form": form, "obs": obs, "version": version, "sections": sections, "versions": versions,
        "subjects": Subject.objects.all(),
        # The option's text carries the pinyin keys, so the browser's own list filter finds
        # "hy" or "huangyu" as the placeholder promises.
        "teachers": [(_teacher_label(t), f"{t.org.name} · {t.pinyin} {t.initials}",
                      t.main_subject.code if t.main_subject else "") for t in teachers],
        "teacher_candidates": [(t.code, _teacher_label(t), t.org.name) for t in form.teacher_candidates],
        "draft_key": "new" if obs is None else form["client_uuid"].value(),
        "fias_categories": get_scheme("FIAS").categories,
        "attachment_accept": ACCEPT, "attachment_limits": LIMITS_TEXT, "incomplete": incomplete,
        "coding_defaults": default_settings(),
    }, status=status)


def _save(request: AuthedRequest, form: ObservationForm, version: RubricVersion | None,
          *, submit: bool) -> tuple[Observation | None, dict[str, dict[str, Any]], IncompleteRubricError | None]:
    """Validate and record; on a domain error the message goes on the form field it names. An
    incomplete rubric on submit comes back as the third value, for the form to ask."""
    user = request.user
    ratings = ratings_from_post(request.POST, version.nodes) if version else {}
    if not form.is_valid():
        return None, ratings, None
    cd = form.cleaned_data
    teacher: Person = cd["teacher"]
    me = scope_of(user).person_id
    assert me is not None
    observer = Person.objects.get(pk=me)
    try:
        context = resolve_context(user, cd)
        coding = form.coding()
        data = services.ObservationData(
            teacher=teacher, school=teacher.org, date=cd["date"], subject=cd["subject"] or teacher.main_subject,
            grade=cd["grade"], class_name=cd["class_name"], topic=cd["topic"], period=cd["period"], kind=cd["kind"],
            purpose=cd["purpose"], strengths=cd["strengths"], problems=cd["problems"], suggestions=cd["suggestions"],
            overall_grade=cd["overall_grade"], coding_settings=dict(cd["coding_settings"]))
        obs = services.observation_record(actor=user, observer=observer, data=data,
                                          client_uuid=cd["client_uuid"] or None, version=version, ratings=ratings,
                                          coding=coding, submit=submit, attachments=request.FILES.getlist("attachments"),
                                          context=context,
                                          confirm_incomplete=cd["confirm_incomplete"])
    except IncompleteRubricError as exc:
        form.add_error(None, exc.message)
        return None, ratings, exc
    except DomainError as exc:
        target = exc.field if exc.field in form.fields else None
        form.add_error(target, exc.message)
        return None, ratings, None
    return obs, ratings, None


@login_required
def observation_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(can_observe(user))
    teachers = _teachers(user)
    if request.method == "POST":
        version = _version(user, request.POST.get("rubric"))
        form = ObservationForm(request.POST, teachers=teachers)
        submit = request.POST.get("action") == "submit"
        obs, ratings, incomplete = _save(request, form, version, submit=submit)
        if obs is not None:
            return _after_save(request, obs, submit)
        return _form_page(request, form, version, ratings, None, status=400, incomplete=incomplete)
    code = request.GET.get("teacher", "").strip()
    t = teachers.filter(code=code).select_related("main_subject").first() if code else None
    version = _version(user, request.GET.get("rubric"), subject_id=t.main_subject_id if t else None,
                       stage=t.stage if t else "")
    if request.GET.get("rubric") and version is None:
        raise Http404("没有找到该评价模板")
    initial: dict[str, Any] = {"client_uuid": str(uuid.uuid4()), "rubric": version.pk if version else None,
                               "kind": request.GET.get("kind") or "push_in"}
    for param in (k.param for k in context_kinds()):
        if request.GET.get(param, "").isdigit():
            initial[param] = int(request.GET[param])
    if t is not None:
        initial.update(teacher=_teacher_label(t), subject=t.main_subject.code if t.main_subject else None)
    form = ObservationForm(initial=initial, teachers=teachers)
    return _form_page(request, form, version, {}, None)


def _after_save(request: AuthedRequest, obs: Observation, submit: bool) -> HttpResponse:
    if submit:
        messages.success(request, f"听课记录已提交，已通知{obs.teacher.name}。")
        return redirect(f"{reverse('observe:detail', args=[obs.pk])}?saved={obs.client_uuid}")
    messages.success(request, "草稿已保存到服务器。")
    return redirect(f"{reverse('observe:edit', args=[obs.pk])}?saved={obs.client_uuid}")


@login_required
def observation_edit(request: AuthedRequest, observation_id: int) -> HttpResponse:
    user = request.user
    obs = get_observation_for_user(user, observation_id, write=True)
    teachers = _teachers(user) | observable_teachers(user).filter(pk=obs.teacher_id)
    if request.method == "POST":
        version = _version(user, request.POST.get("rubric"))
        form = ObservationForm(request.POST, teachers=teachers)
        submit = request.POST.get("action") == "submit"
        saved, ratings, incomplete = _save(request, form, version, submit=submit)
        if saved is not None:
            return _after_save(request, saved, submit)
        return _form_page(request, form, version, ratings, obs, status=400, incomplete=incomplete)
    current = obs.assessment.version if obs.assessment_id and obs.assessment else None
    version = _version(user, request.GET.get("rubric")) if request.GET.get("rubric") else (current or _version(user, None))
    ratings = obs.assessment.ratings if obs.assessment and version == current else {}
    st = obs.coding_sessions.filter(scheme_key__in=["ST", "STD"]).first()
    fias = obs.coding_sessions.filter(scheme_key="FIAS").first()
    form = ObservationForm(initial={
        "client_uuid": obs.client_uuid, "teacher": _teacher_label(obs.teacher),
        "subject": obs.subject.code if obs.subject else None, "grade": obs.grade, "class_name": obs.class_name,
        "topic": obs.topic, "date": obs.date, "period": obs.period, "kind": obs.kind, "purpose": obs.purpose,
        "strengths": obs.strengths, "problems": obs.problems, "suggestions": obs.suggestions,
        "overall_grade": obs.overall_grade, "rubric": version.pk if version else None,
        "coding_st": "".join(st.codes) if st else "", "coding_st_scheme": st.scheme_key if st else "",
        "coding_fias": " ".join(fias.codes) if fias else "",
        "coding_settings": json.dumps(_stored_settings(obs, st, fias))}, teachers=teachers)
    return _form_page(request, form, version, ratings, obs)


def _stored_settings(obs: Observation, st: CodingSession | None, fias: CodingSession | None) -> CodingSettings:
    """The coding settings saved with the draft; a record coded before they were kept takes its
    sessions' intervals."""
    try:
        settings = clean_settings(obs.coding_settings or None)
    except SettingsError:
        settings = default_settings()
    if not obs.coding_settings:
        if st is not None:
            settings["st_interval"], settings["dialogue"] = st.interval_seconds, st.scheme_key == "STD"
        if fias is not None:
            settings["fias_interval"] = fias.interval_seconds
    return settings


@login_required
@require_POST
def observation_autosave(request: AuthedRequest) -> JsonResponse:
    """The form's background sync: saves the draft (never submits) and answers in JSON, so the
    phone can show "已同步" or keep the draft on the device and retry."""
    user = request.user
    require(can_observe(user))
    version = _version(user, request.POST.get("rubric"))
    form = ObservationForm(request.POST, teachers=_teachers(user))
    if not (request.POST.get("client_uuid") or "").strip():
        return JsonResponse({"ok": False, "errors": {"client_uuid": ["草稿编号缺失"]}}, status=400)
    existing = Observation.objects.filter(client_uuid=request.POST["client_uuid"]).only("pk", "status",
                                                                                         "observer_id").first()
    if existing is not None and (existing.observer_id != scope_of(user).person_id):
        return JsonResponse({"ok": False, "errors": {"__all__": ["该草稿属于其他听课人"]}}, status=400)
    if existing is not None and existing.status == ObservationStatus.SUBMITTED:
        return JsonResponse({"ok": True, "id": existing.pk, "submitted": True,
                             "url": reverse("observe:detail", args=[existing.pk])})
    obs, _, _ = _save(request, form, version, submit=False)
    if obs is None:
        return JsonResponse({"ok": False, "errors": {k: [str(m) for m in v] for k, v in form.errors.items()}},
                            status=400)
    return JsonResponse({"ok": True, "id": obs.pk, "submitted": False,
                         "edit_url": reverse("observe:edit", args=[obs.pk]),
                         "saved_at": obs.updated_at.isoformat()})


@login_required
def observation_detail(request: AuthedRequest, observation_id: int) -> HttpResponse:
    user = request.user
    obs = get_observation_for_user(user, observation_id)
    me = scope_of(user).person_id
    is_teacher = obs.teacher_id == me and obs.is_submitted
    if is_teacher:
        services.observation_mark_read(actor=user, observation=obs)
    assessment = obs.assessment
    sections = rubric_sections(assessment.version, assessment.ratings) if assessment else []
    chart_data: dict[str, Any] = {}
    sessions = []
    for s in obs.coding_sessions.all():
        family = s.result.get("scheme", {}).get("family")
        drawn = charts.session_charts(s.pk, s.result)
        chart_data.update(drawn)
        entry: dict[str, Any] = {"session": s, "family": family, "charts": [cid for cid, _ in drawn],
                                 "recording_mode": RECORDING_MODES.get(str((obs.coding_settings or {}).get("mode")), "")}
        if family == "st":
            entry["indices"] = s.result.get("indices", {})
        else:
            entry["fias_indices"] = charts.fias_indices(s.result)
        sessions.append(entry)
    if assessment is not None and (radar := charts.dimension_radar(assessment.dimension_scores)) is not None:
        chart_data["chart-radar"] = radar
    return render(request, "observe/detail.html", {
        "obs": obs, "assessment": assessment, "sections": sections, "sessions": sessions, "chart_data": chart_data,
        "is_teacher": is_teacher, "is_observer": obs.observer_id == me,
        "attachments": obs.attachments.all(), "saved": request.GET.get("saved", ""),
        "can_archive": can_read_archive(user, obs.teacher),
    })


@login_required
def attachment(request: AuthedRequest, attachment_id: int) -> FileResponse:
    """One attachment: inline only when its stored bytes open as a photo, otherwise a download.
    The type is decided from the bytes each time (observe.attachments), never from the name."""
    att = get_attachment_for_user(request.user, attachment_id)
    return attachment_response(att.file.open("rb"), att.name)


SW_PATH = Path(settings.BASE_DIR) / "static" / "js" / "observe-sw.js"


@login_required
def service_worker(request: AuthedRequest) -> HttpResponse:
    """The offline worker, served from /observe/ so that its scope covers the form pages (a
    worker under /static/ could only control pages below /static/)."""
    response = HttpResponse(SW_PATH.read_text(encoding="utf-8"), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response
