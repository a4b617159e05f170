"""Writes to observation records: the only code that saves them and writes their audit events.

Views, the API and the demo generator validate input at their edge and call these functions
with clean values (DESIGN.md conventions 2 and 7).
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core import events
from core.audit import audit_create, audit_update, snapshot
from core.models import AuditEvent, OrgKind, OrgNode, Person, Subject, User
from core.rubric_levels import default_levels
from observe import aggregates, rubrics
from observe.attachments import MAX_ATTACHMENTS_PER_SAVE, CheckedFile, check_upload
from observe.coding import analyse
from observe.errors import IncompleteRubricError, ObservationError
from observe.models import (
    Assessment,
    CodingSession,
    CodingSource,
    Notification,
    Observation,
    ObservationAttachment,
    ObservationStatus,
    Purpose,
    RubricPurpose,
    RubricTemplate,
    RubricVersion,
    VersionStatus,
)
from observe.rubric_templates import TEMPLATES, get_template

MAX_CODES = 5000  # a 4-hour FIAS session at 3 s; anything longer is a client bug


# ---------------------------------------------------------------- rubric templates

BUILTIN_PURPOSES = {"LESSON.GENERAL": RubricPurpose.LESSON, "LICC": RubricPurpose.LESSON,
                    "GROUP.RUBRIC": RubricPurpose.GROUP}


# What a built-in's first version says of itself on the page (its `source` is for developers).
BUILTIN_NOTE = "内置模板首版"


def builtin_templates_sync() -> int:
    """Make sure every built-in template has its shipped version (migration 0002 loads them; a
    database flush, as the demo seed's --flush does, empties them). Never edits a version."""
    added = 0
    for key in TEMPLATES:
        data = get_template(key)
        template, _ = RubricTemplate.objects.get_or_create(key=key, defaults={
            "name": data["name"], "description": data["description"], "is_builtin": True,
            "purpose": BUILTIN_PURPOSES.get(key, RubricPurpose.LESSON)})
        if not template.versions.filter(number=data["version"]).exists():
            RubricVersion.objects.create(template=template, number=data["version"], status=VersionStatus.PUBLISHED,
                                         scoring=data["scoring"], nodes=data["nodes"],
                                         total_points=rubrics.total_points(data["scoring"]),
                                         note=BUILTIN_NOTE, published_at=timezone.now())
            added += 1
    return added


def _next_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


@transaction.atomic
def template_create(*, actor: User | None, owner: OrgNode, name: str, purpose: str = RubricPurpose.LESSON,
                    description: str = "", copy_of: RubricVersion | None = None, subject: Subject | None = None,
                    stage: str = "") -> RubricTemplate:
    """A new template owned by `owner`, with a first draft: a copy of `copy_of` (a region adapts
    a built-in, norms.md GROUP.RUBRIC "regions copy and adapt it") or a one-dimension skeleton."""
    template = RubricTemplate(key=_next_key(owner.code), name=name, description=description, purpose=purpose,
                              owner=owner, copied_from=copy_of, created_by=actor, subject=subject, stage=stage)
    template.full_clean()
    template.save()
    scoring: rubrics.Scoring
    nodes: list[rubrics.RubricNode]
    if copy_of is not None:
        scoring, nodes = copy.deepcopy(copy_of.scoring), copy.deepcopy(copy_of.nodes)
    else:
        scoring = {"method": "sum", "total": 100, "bands": [{"min": 85, "label": "优秀"}, {"min": 75, "label": "良好"},
                                                            {"min": 60, "label": "合格"}, {"min": 0, "label": "不合格"}]}
        nodes = [{"code": "1", "title": "维度一", "kind": "dimension", "weight": 100, "mode": "points", "levels": [],
                  "descriptor": "", "tools": [], "children": [
                      {"code": "1.1", "title": "指标一", "kind": "indicator", "points": 100, "mode": "levels",
                       "levels": default_levels(), "descriptor": "", "tools": [], "children": []}]}]
    version = RubricVersion.objects.create(template=template, number=1, status=VersionStatus.DRAFT, scoring=scoring,
                                           nodes=nodes, total_points=rubrics.total_points(scoring))
    audit_create(actor, template)
    audit_create(actor, version)
    return template


@transaction.atomic
def version_draft(*, actor: User | None, template: RubricTemplate) -> RubricVersion:
    """The template's draft, made from its newest version when there is none: editing a
    published template never touches the version assessments were made with."""
    draft = template.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = template.versions.order_by("-number").first()
    assert latest is not None, "every template has a first version"
    draft = RubricVersion.objects.create(template=template, number=latest.number + 1, status=VersionStatus.DRAFT,
                                         scoring=copy.deepcopy(latest.scoring), nodes=copy.deepcopy(latest.nodes),
                                         total_points=latest.total_points)
    audit_create(actor, draft)
    return draft


@transaction.atomic
def version_save(*, actor: User | None, version: RubricVersion, scoring: rubrics.Scoring, nodes: list[rubrics.RubricNode],
                 note: str = "") -> RubricVersion:
    if version.status != VersionStatus.DRAFT:
        raise ObservationError("已发布的版本不能修改，请先新建草稿版本")
    rubrics.validate_tree(version.template.name, scoring, nodes)
    old = snapshot(version)
    version.scoring, version.nodes, version.note = scoring, nodes, note
    version.total_points = rubrics.total_points(scoring)
    version.save(update_fields=["scoring", "nodes", "note", "total_points", "updated_at"])
    audit_update(actor, version, old)
    return version


@transaction.atomic
def version_publish(*, actor: User | None, version: RubricVersion) -> RubricVersion:
    """Freeze the draft and offer it; earlier published versions retire (their scores stay)."""
    if version.status != VersionStatus.DRAFT:
        raise ObservationError("只有草稿版本可以发布")
    rubrics.validate_tree(version.template.name, version.scoring, version.nodes)
    for older in version.template.versions.filter(status=VersionStatus.PUBLISHED):
        old = snapshot(older)
        older.status = VersionStatus.RETIRED
        older.save(update_fields=["status", "updated_at"])
        audit_update(actor, older, old)
    old = snapshot(version)
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, timezone.now(), actor
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_update(actor, version, old)
    return version


@transaction.atomic
def assessment_save(*, actor: User | None, version: RubricVersion, ratings: dict[str, dict[str, Any]],
                    assessment: Assessment | None = None) -> Assessment:
    """Score raw ratings with the version; an existing assessment keeps its own version."""
    if assessment is not None and assessment.version_id != version.pk:
        raise ObservationError("评分已按原版本量表保存，不能改用其他版本", field="rubric")
    try:
        scored = rubrics.score(version.scoring, version.nodes, ratings)
    except rubrics.RatingError as exc:
        raise ObservationError(str(exc), field=f"r_{exc.code}") from exc
    if assessment is None:
        assessment = Assessment.objects.create(version=version, ratings=scored.ratings,
                                               dimension_scores=scored.dimensions, total=scored.total,
                                               band=scored.band, rated_count=scored.rated, item_count=scored.items)
        audit_create(actor, assessment)
        return assessment
    old = snapshot(assessment)
    assessment.ratings, assessment.dimension_scores = scored.ratings, scored.dimensions
    assessment.total, assessment.band = scored.total, scored.band
    assessment.rated_count, assessment.item_count = scored.rated, scored.items
    assessment.save(update_fields=["ratings", "dimension_scores", "total", "band", "rated_count", "item_count",
                                   "updated_at"])
    audit_update(actor, assessment, old)
    return assessment


# ---------------------------------------------------------------- observations


@dataclass
class ObservationData:
    """The clean fields of an observation, as a form or the API hands them over."""

    teacher: Person
    school: OrgNode
    date: dt.date
    subject: Subject | None = None
    grade: int | None = None
    class_name: str = ""
    topic: str = ""
    period: int | None = None
    kind: str = "push_in"
    purpose: str = Purpose.DEVELOPMENTAL
    strengths: str = ""
    problems: str = ""
    suggestions: str = ""
    overall_grade: str = ""
    coding_settings: dict[str, Any] = field(default_factory=dict)  # observe.coding.settings shape


@dataclass
class CodingData:
    scheme_key: str
    codes: list[str]
    interval_seconds: float | None = None
    source: str = CodingSource.LIVE


OBSERVATION_DATA_FIELDS = [f.name for f in fields(ObservationData)]


def _apply(obs: Observation, data: ObservationData) -> None:
    for name in OBSERVATION_DATA_FIELDS:
        setattr(obs, name, getattr(data, name))


def _check_submittable(obs: Observation) -> None:
    """Rules a submitted record must meet (a draft may be incomplete: it is saved mid-lesson)."""
    if not obs.topic.strip():
        raise ObservationError("课题：提交前请填写课题", field="topic")
    if obs.subject_id is None:
        raise ObservationError("学科：提交前请选择学科", field="subject")
    if obs.date > timezone.localdate():
        raise ObservationError("听课日期：不能晚于今天", field="date")
    if not (obs.strengths.strip() or obs.problems.strip() or obs.suggestions.strip()):
        raise ObservationError("评课意见：提交前请至少填写优点、问题或建议中的一项", field="strengths")


def _check_rubric_complete(assessment: Assessment | None, *, confirmed: bool) -> None:
    if assessment is None or assessment.is_complete or confirmed:
        return
    scored = rubrics.score(assessment.version.scoring, assessment.version.nodes, assessment.ratings)
    raise IncompleteRubricError(rated=scored.rated, items=scored.items, unrated=scored.unrated)


@transaction.atomic
def observation_record(*, actor: User | None, observer: Person, data: ObservationData,
                       client_uuid: str | None = None, version: RubricVersion | None = None,
                       ratings: dict[str, dict[str, Any]] | None = None,
                       coding: list[CodingData] | None = None, submit: bool = False,
                       context: tuple[Any, int] | None = None,
                       attachments: Sequence[UploadedFile[Any]] = (),
                       confirm_incomplete: bool = False) -> Observation:
    """Create or update the observer's record (a draft, or submitted when `submit`).

    `client_uuid` is the phone's id for the draft: a sync that arrives twice (the network came
    back while a retry was queued) updates the same record instead of making a second one.
    A submitted record is final; syncing it again changes nothing. `attachments` are checked
    before anything is saved and stored with the record.

    Submitting with rubric items left unrated raises `IncompleteRubricError` unless the
    observer confirmed it (`confirm_incomplete`); such a record keeps no total and no band.
    """
    if data.teacher.pk == observer.pk:
        raise ObservationError("授课教师：不能给自己听课", field="teacher")
    if data.teacher.org.kind != OrgKind.SCHOOL:
        raise ObservationError("授课教师：该人员不在学校任职", field="teacher")
    checked = attachments_check(attachments)
    obs = None
    if client_uuid is not None:
        obs = Observation.objects.select_for_update().filter(client_uuid=str(client_uuid)).first()
        if obs is not None and obs.observer_id != observer.pk:
            raise ObservationError("该草稿属于其他听课人")
    if obs is not None and obs.status == ObservationStatus.SUBMITTED:
        return obs
    creating = obs is None
    old = None if obs is None else snapshot(obs)
    if obs is None:
        obs = Observation(observer=observer, created_by=actor)
        if client_uuid is not None:
            obs.client_uuid = str(client_uuid)
    _apply(obs, data)
    if context is not None:
        obs.context_type, obs.context_id = context
    if version is not None and not ratings:
        # Nothing rated or noted: the rubric was not used (the form always names one), so the
        # record has no assessment rather than an empty one.
        obs.assessment = None
    elif version is not None:
        existing = obs.assessment if obs.assessment_id else None
        if existing is not None and existing.version_id != version.pk:
            existing = None  # the draft switched rubric before submit: score afresh
        obs.assessment = assessment_save(actor=actor, version=version, ratings=ratings or {}, assessment=existing)
    if submit:
        _check_submittable(obs)
        _check_rubric_complete(obs.assessment if obs.assessment_id else None, confirmed=confirm_incomplete)
        obs.status, obs.submitted_at = ObservationStatus.SUBMITTED, timezone.now()
    obs.full_clean(exclude=["client_uuid"] if not creating else None)
    if creating:
        obs.save()
    else:
        obs.save(update_fields=[*OBSERVATION_DATA_FIELDS, "context_type", "context_id", "assessment", "status",
                                "submitted_at", "updated_at"])
    if creating:
        audit_create(actor, obs)
    else:
        assert old is not None
        audit_update(actor, obs, old)
    for c in coding or []:
        coding_session_save(actor=actor, observation=obs, data=c)
    for file in checked:
        _attachment_store(actor, obs, file)
    if submit:
        aggregates.observation_saved(obs)  # the analysis aggregates (observe/aggregates.py)
        notify(recipient=obs.teacher, observation=obs,
               title=f"{observer.name}听了您的课《{obs.topic}》，评课意见已送达")
        events.emit(events.OBSERVATION_SUBMITTED, scope=obs.school, summary=f"{observer.name}提交了听课记录《{obs.topic}》",
                    data={"observation": {"id": obs.pk, "topic": obs.topic, "date": obs.date.isoformat(),
                                          "school": obs.school.code, "teacher": obs.teacher.code,
                                          "observer": observer.code, "kind": obs.kind}})
    return obs


@transaction.atomic
def coding_session_save(*, actor: User | None, observation: Observation, data: CodingData) -> CodingSession:
    """Analyse and keep one coded record. One session per scheme per observation: re-syncing a
    draft replaces the codes the phone had sent before."""
    if not data.codes:
        raise ObservationError("课堂编码：编码序列为空", field="coding")
    if len(data.codes) > MAX_CODES:
        raise ObservationError(f"课堂编码：编码不能超过 {MAX_CODES} 个", field="coding")
    try:
        result = analyse(data.scheme_key, data.codes, data.interval_seconds)
    except (ValueError, KeyError) as exc:
        raise ObservationError(f"课堂编码：{exc}", field="coding") from exc
    ind = result.get("indices", {})
    values = {"interval_seconds": float(result["interval_seconds"]), "codes": result["codes"],
              "source": data.source, "coder": observation.observer, "result": result, "n": int(result["n"]),
              "rt": ind.get("rt") if result["scheme"]["family"] == "st" else None,
              "ch": ind.get("ch") if result["scheme"]["family"] == "st" else None,
              "mode": (ind.get("mode") or "") if result["scheme"]["family"] == "st" else ""}
    session = CodingSession.objects.filter(observation=observation, scheme_key=result["scheme"]["key"]).first()
    if session is not None and session.codes == values["codes"] and session.interval_seconds == values["interval_seconds"]:
        # The form sending back the codes it was given (coded from the video, then saved or
        # submitted from the form) does not relabel where they came from.
        values["source"] = session.source
    if session is None:
        session = CodingSession.objects.create(observation=observation, scheme_key=result["scheme"]["key"], **values)
        audit_create(actor, session)
        return session
    old = snapshot(session)
    for k, v in values.items():
        setattr(session, k, v)
    session.save(update_fields=[*values, "updated_at"])
    audit_update(actor, session, old)
    return session


def attachments_check(uploads: Sequence[UploadedFile[Any]]) -> list[CheckedFile]:
    """Every upload checked (kind from its bytes, photos re-encoded) before anything is stored,
    so one refused file leaves the record and the other files unsaved."""
    if len(uploads) > MAX_ATTACHMENTS_PER_SAVE:
        raise ObservationError(f"附件：每次最多上传 {MAX_ATTACHMENTS_PER_SAVE} 个文件", field="attachments")
    checked = []
    for upload in uploads:
        upload.seek(0)
        checked.append(check_upload(upload.name or "附件", upload, upload.size or 0))
    return checked


def _attachment_store(actor: User | None, observation: Observation, checked: CheckedFile) -> ObservationAttachment:
    att = ObservationAttachment(observation=observation, name=checked.name[-120:], size=len(checked.content),
                                uploaded_by=actor, is_photo=checked.is_photo)
    att.file.save(checked.name, ContentFile(checked.content), save=False)
    att.save()
    # Written here rather than with core.audit.audit_create, whose snapshot cannot encode a
    # FileField value as JSON; the event has the same shape.
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None, action=AuditEvent.Action.CREATE,
        model=att._meta.label, object_id=str(att.pk), object_repr=att.name[:200],
        scope_path=observation.school.path,
        new={"observation_id": observation.pk, "file": att.file.name, "name": att.name, "size": att.size,
             "is_photo": att.is_photo, "content_type": checked.content_type})
    return att


@transaction.atomic
def attachment_add(*, actor: User | None, observation: Observation, upload: UploadedFile[Any]) -> ObservationAttachment:
    """Keep one photo or document of an observation; refused unless its content is an offered kind."""
    (checked,) = attachments_check([upload])
    return _attachment_store(actor, observation, checked)


# ---------------------------------------------------------------- the teacher's side


def notify(*, recipient: Person, title: str, observation: Observation | None = None) -> Notification:
    return Notification.objects.create(recipient=recipient, title=title[:200], observation=observation)


@transaction.atomic
def observation_mark_read(*, actor: User | None, observation: Observation) -> Observation:
    """The observed teacher opened the feedback; the observer sees when (first time only)."""
    if observation.read_at is None:
        old = snapshot(observation)
        observation.read_at = timezone.now()
        observation.save(update_fields=["read_at", "updated_at"])
        audit_update(actor, observation, old)
    Notification.objects.filter(recipient_id=observation.teacher_id, observation=observation,
                                read_at__isnull=True).update(read_at=timezone.now())
    return observation


@transaction.atomic
def observation_acknowledge(*, actor: User | None, observation: Observation) -> Observation:
    if observation.acknowledged_at is not None:
        return observation
    old = snapshot(observation)
    now = timezone.now()
    observation.acknowledged_at = now
    observation.read_at = observation.read_at or now
    observation.save(update_fields=["acknowledged_at", "read_at", "updated_at"])
    audit_update(actor, observation, old)
    notify(recipient=observation.observer, observation=observation,
           title=f"{observation.teacher.name}已确认收到《{observation.topic}》的评课意见")
    return observation


@transaction.atomic
def observation_reflect(*, actor: User | None, observation: Observation, text: str) -> Observation:
    """The teacher's 教学反思 on the lesson; writing it also acknowledges the feedback."""
    text = text.strip()
    if not text:
        raise ObservationError("教学反思：请填写反思内容", field="reflection")
    if len(text) > 5000:
        raise ObservationError("教学反思：不能超过 5000 字", field="reflection")
    old = snapshot(observation)
    now = timezone.now()
    observation.reflection, observation.reflection_at = text, now
    observation.read_at = observation.read_at or now
    observation.acknowledged_at = observation.acknowledged_at or now
    observation.save(update_fields=["reflection", "reflection_at", "read_at", "acknowledged_at", "updated_at"])
    audit_update(actor, observation, old)
    notify(recipient=observation.observer, observation=observation,
           title=f"{observation.teacher.name}就《{observation.topic}》写了教学反思")
    return observation


@transaction.atomic
def observation_release(*, actor: User | None, observation: Observation) -> Observation:
    """The teacher lets a developmental observation count for appraisal (irreversible, audited)."""
    if observation.purpose != Purpose.DEVELOPMENTAL:
        raise ObservationError("只有指导性听课需要教师同意后才用于评价")
    if observation.released_at is None:
        old = snapshot(observation)
        observation.released_at = timezone.now()
        observation.save(update_fields=["released_at", "updated_at"])
        audit_update(actor, observation, old)
        aggregates.observation_saved(observation)  # the analysis aggregates (observe/aggregates.py)
    return observation


def notifications_mark_read(*, person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(read_at=timezone.now())
