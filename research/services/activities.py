"""Writes of research activities (教研活动): the activity, its invited participants, attendance
(by sign-in at the venue or set by the organiser), materials, the written outcome, closing and
cancelling.

Every function is keyword-only, runs in one transaction, writes its audit events and refuses
with an ActivityError whose Chinese message names the field. `actor=None` is the system (the
demo seed); a user actor is checked against research.access. Clashes with the invited people's
visit days are warnings returned to the caller, never refusals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import Level, OrgKind, OrgNode, Person, Stage, Subject, TeachingGroup, Term, User
from core.terms import terms_for
from observe.attachments import check_upload
from observe.errors import ObservationError
from research import activity_signin
from research.access import can_manage_activity, can_organise_activity_at
from research.activity_selectors import visit_clashes
from research.models import (
    Activity,
    ActivityForm,
    ActivityMaterial,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    OutcomeKind,
    Participant,
    ParticipantRole,
)
from research.models.activities import MAX_LENGTH

MAX_INVITES = 500
MAX_TEXT = 50_000


class ActivityError(DomainError):
    """A refused write on an activity or its records; the message is Chinese."""


@dataclass
class InviteResult:
    added: list[Participant] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActivityData:
    """The plan of an activity as the form or the API hands it over (cleaned values)."""

    form: str
    level: str
    term: Term
    title: str
    start: dt.datetime
    end: dt.datetime
    theme: str = ""
    plan: str = ""
    subject: Subject | None = None
    stage: str = ""
    periods: int = 2
    place: str = ""
    online_url: str = ""
    host: Person | None = None
    group: TeachingGroup | None = None


# ---------------------------------------------------------------- checks


def _choice(value: str, choices: type[Any], name: str, label: str) -> None:
    if value not in choices.values:
        raise ActivityError(f"{label}不正确：{value or '（空）'}", field=name)


def _require_manage(actor: User | None, activity: Activity, *, open_only: bool = True) -> None:
    if actor is not None and not can_manage_activity(actor, activity):
        raise ActivityError("您不能修改这项教研活动", field="activity")
    if open_only and activity.status == ActivityStatus.CANCELLED:
        raise ActivityError("这项活动已取消，不能再修改", field="activity")
    if open_only and activity.status == ActivityStatus.CLOSED:
        raise ActivityError("这项活动已结束归档，不能再修改", field="activity")


def _check(organiser: OrgNode, d: ActivityData) -> ActivityData:
    _choice(d.form, ActivityForm, "form", "活动形式")
    _choice(d.level, Level, "level", "级别")
    if d.stage:
        _choice(d.stage, Stage, "stage", "学段")
    title = d.title.strip()
    if not title:
        raise ActivityError("请填写活动名称", field="title")
    if len(title) > 120:
        raise ActivityError("活动名称不能超过120个字", field="title")
    if len(d.theme) > 200:
        raise ActivityError("主题不能超过200个字", field="theme")
    if len(d.plan) > MAX_TEXT:
        raise ActivityError(f"活动方案不能超过{MAX_TEXT}个字", field="plan")
    if timezone.is_naive(d.start) or timezone.is_naive(d.end):
        raise ActivityError("开始和结束时间须带时区", field="start")
    if d.end <= d.start:
        raise ActivityError("结束时间必须晚于开始时间", field="end")
    if d.end - d.start > MAX_LENGTH:
        raise ActivityError("一项活动最长7天，更长的请分次安排", field="end")
    if not 1 <= d.periods <= 40:
        raise ActivityError("课时须在1到40之间", field="periods")
    if d.term.pk not in {t.pk for t in terms_for(organiser)}:
        raise ActivityError(f"{d.term.label}不是{organiser.name}的学期", field="term")
    day = timezone.localtime(d.start).date()
    if not d.term.start <= day <= d.term.end:
        raise ActivityError(f"开始时间不在{d.term.label}内（{d.term.start}至{d.term.end}）", field="start")
    if d.group is not None and (organiser.kind != OrgKind.SCHOOL or d.group.school_id != organiser.pk):
        raise ActivityError("教研组/备课组须属于组织单位（学校）", field="group")
    if not d.place.strip() and not d.online_url.strip():
        raise ActivityError("请填写地点或线上链接", field="place")
    return ActivityData(**{**d.__dict__, "title": title, "theme": d.theme.strip(), "plan": d.plan.strip(),
                           "place": d.place.strip(), "online_url": d.online_url.strip()})


def _host_joins(actor: User | None, activity: Activity) -> None:
    if activity.host_id is None:
        return
    part, created = Participant.objects.get_or_create(activity=activity, person_id=activity.host_id,
                                                      defaults={"role": ParticipantRole.ORGANISER})
    if created:
        audit_create(actor, part)


# ---------------------------------------------------------------- the activity


@transaction.atomic
def activity_create(*, actor: User | None, organiser: OrgNode, data: ActivityData,
                    status: str = ActivityStatus.PLANNED) -> Activity:
    """A new activity organised by `organiser`; its host joins as its organiser."""
    if actor is not None and not can_organise_activity_at(actor, organiser):
        raise ActivityError(f"您不能以{organiser.name}的名义组织教研活动", field="organiser")
    _choice(status, ActivityStatus, "status", "状态")
    d = _check(organiser, data)
    activity = Activity.objects.create(
        organiser=organiser, group=d.group, level=d.level, form=d.form, subject=d.subject, stage=d.stage,
        term=d.term, title=d.title, theme=d.theme, plan=d.plan, start=d.start, end=d.end, periods=d.periods,
        place=d.place, online_url=d.online_url, host=d.host, status=status,
        created_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, activity)
    _host_joins(actor, activity)
    return activity


@transaction.atomic
def activity_update(*, actor: User | None, activity: Activity, data: ActivityData) -> Activity:
    """Change an activity's plan (not once it is closed or cancelled)."""
    _require_manage(actor, activity)
    d = _check(activity.organiser, data)
    old = snapshot(activity)
    for name in ("group", "level", "form", "subject", "stage", "term", "title", "theme", "plan", "start", "end",
                 "periods", "place", "online_url", "host"):
        setattr(activity, name, getattr(d, name))
    activity.save()
    audit_update(actor, activity, old)
    _host_joins(actor, activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor: User | None, activity: Activity) -> Activity:
    _require_manage(actor, activity)
    old = snapshot(activity)
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    audit_update(actor, activity, old)
    return activity


@transaction.atomic
def activity_close(*, actor: User | None, activity: Activity) -> Activity:
    """The organiser closes the activity once its written outcome is there; invited people
    who neither signed in nor were excused are recorded absent (the host present)."""
    _require_manage(actor, activity)
    if not activity.outcomes.exists():
        raise ActivityError("结束活动前请先填写或上传活动成果（案例、研究报告或纪要）", field="outcome")
    now = timezone.now()
    if activity.start > now:
        raise ActivityError("活动尚未开始，不能结束", field="activity")
    for part in activity.participants.filter(attendance=Attendance.UNKNOWN).select_related("activity", "person"):
        old = snapshot(part)
        # The host who ran the activity and closes it was there without scanning their own code.
        part.attendance = Attendance.PRESENT if part.person_id == activity.host_id else Attendance.ABSENT
        part.save(update_fields=["attendance"])
        audit_update(actor, part, old)
    old = snapshot(activity)
    activity.status = ActivityStatus.CLOSED
    activity.save(update_fields=["status", "updated_at"])
    audit_update(actor, activity, old)
    return activity


# ---------------------------------------------------------------- participants


def _dates(activity: Activity) -> list[dt.date]:
    first, last = timezone.localtime(activity.start).date(), timezone.localtime(activity.end).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def invite_warnings(activity: Activity, person_ids: Iterable[int]) -> list[str]:
    """The invited people who are on a visit on a day of the activity (a warning, not a refusal)."""
    return [c.message for c in visit_clashes(list(person_ids), _dates(activity))]


@transaction.atomic
def participant_invite(*, actor: User | None, activity: Activity, people: Sequence[Person],
                       role: str = ParticipantRole.PARTICIPANT) -> InviteResult:
    _require_manage(actor, activity)
    _choice(role, ParticipantRole, "role", "身份")
    if not people:
        raise ActivityError("请选择要邀请的人员", field="people")
    if len(people) > MAX_INVITES or activity.participants.count() + len(people) > MAX_INVITES * 4:
        raise ActivityError(f"一次最多邀请{MAX_INVITES}人", field="people")
    result = InviteResult()
    existing = set(activity.participants.values_list("person_id", flat=True))
    for person in people:
        if person.pk in existing:
            result.already.append(person)
            continue
        part = Participant.objects.create(activity=activity, person=person, role=role, invited=True)
        audit_create(actor, part)
        existing.add(person.pk)
        result.added.append(part)
    result.warnings = invite_warnings(activity, [p.person_id for p in result.added])
    return result


@transaction.atomic
def participant_remove(*, actor: User | None, participant: Participant) -> None:
    _require_manage(actor, participant.activity)
    if participant.attendance in (Attendance.PRESENT, Attendance.LATE):
        raise ActivityError(f"{participant.person.name}已签到，不能移出", field="participant")
    from core.audit import audit_delete

    audit_delete(actor, participant)
    participant.delete()


@transaction.atomic
def attendance_set(*, actor: User | None, participant: Participant, attendance: str) -> Participant:
    """The organiser records attendance by hand (present, late, absent, excused)."""
    activity = participant.activity
    _require_manage(actor, activity, open_only=False)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityError("这项活动已取消", field="activity")
    _choice(attendance, Attendance, "attendance", "出勤")
    old = snapshot(participant)
    participant.attendance = attendance
    if attendance in (Attendance.PRESENT, Attendance.LATE) and participant.signed_at is None:
        participant.signed_at = timezone.now()
    participant.save(update_fields=["attendance", "signed_at"])
    audit_update(actor, participant, old)
    return participant


@dataclass(frozen=True)
class SigninResult:
    participant: Participant
    already: bool


@transaction.atomic
def signin_record(*, actor: User, activity: Activity, person: Person, at: dt.datetime) -> SigninResult:
    """A person signs in at the venue (the caller checked the code): present, or late after the
    grace period. Someone not invited is added as a walk-in participant. A second sign-in keeps
    the first time."""
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.CLOSED):
        raise ActivityError("这项活动已结束或已取消，不能再签到", field="activity")
    if not activity_signin.signin_open(activity.start, activity.end, at):
        raise ActivityError(activity_signin.signin_closed_message(activity.start, activity.end, at), field="code")
    part = Participant.objects.select_for_update().filter(activity=activity, person=person).first()
    if part is not None and part.attendance in (Attendance.PRESENT, Attendance.LATE):
        return SigninResult(part, True)
    attendance = Attendance.LATE if activity_signin.is_late(activity.start, at) else Attendance.PRESENT
    if part is None:
        part = Participant.objects.create(activity=activity, person=person, invited=False, attendance=attendance,
                                          signed_at=at)
        audit_create(actor, part)
    else:
        old = snapshot(part)
        part.attendance, part.signed_at = attendance, at
        part.save(update_fields=["attendance", "signed_at"])
        audit_update(actor, part, old)
    if activity.status == ActivityStatus.PLANNED:
        old = snapshot(activity)
        activity.status = ActivityStatus.UNDERWAY
        activity.save(update_fields=["status", "updated_at"])
        audit_update(actor, activity, old)
    return SigninResult(part, False)


# ---------------------------------------------------------------- materials and outcome


def _checked_file(upload: UploadedFile[Any]) -> tuple[str, bytes]:
    try:
        checked = check_upload(upload.name or "附件", upload, upload.size or 0)
    except ObservationError as exc:
        raise ActivityError(exc.message, field="file") from exc
    return checked.name, checked.content


@transaction.atomic
def outcome_add(*, actor: User | None, activity: Activity, kind: str, title: str, text: str = "",
                upload: UploadedFile[Any] | None = None, author: Person | None = None) -> ActivityOutcome:
    """The written outcome (案例, 研究报告, 纪要): written in place, uploaded, or both. Added by the
    organiser's side, also after the activity has taken place and before it is closed."""
    _require_manage(actor, activity)
    _choice(kind, OutcomeKind, "kind", "成果类型")
    title, text = title.strip(), text.strip()
    if not title:
        raise ActivityError("请填写成果标题", field="title")
    if len(title) > 120:
        raise ActivityError("成果标题不能超过120个字", field="title")
    if len(text) > MAX_TEXT:
        raise ActivityError(f"正文不能超过{MAX_TEXT}个字", field="text")
    if not text and upload is None:
        raise ActivityError("请在此填写成果正文，或上传成果文件", field="text")
    outcome = ActivityOutcome(activity=activity, kind=kind, title=title, text=text, author=author,
                              created_by=actor if actor is not None and actor.pk else None)
    if upload is not None:
        name, content = _checked_file(upload)
        outcome.original_name = name[-200:]
        outcome.file.save(name, ContentFile(content), save=False)
    outcome.save()
    audit_create(actor, outcome)
    return outcome


@transaction.atomic
def material_add(*, actor: User | None, activity: Activity, title: str, url: str = "",
                 upload: UploadedFile[Any] | None = None) -> ActivityMaterial:
    _require_manage(actor, activity)
    title, url = title.strip(), url.strip()
    if not title:
        raise ActivityError("请填写资料名称", field="title")
    if len(title) > 120:
        raise ActivityError("资料名称不能超过120个字", field="title")
    if url and not url.startswith(("http://", "https://")):
        raise ActivityError("链接须以 http:// 或 https:// 开头", field="url")
    if not url and upload is None:
        raise ActivityError("请上传文件或填写链接", field="file")
    material = ActivityMaterial(activity=activity, title=title, url=url,
                                created_by=actor if actor is not None and actor.pk else None)
    if upload is not None:
        name, content = _checked_file(upload)
        material.original_name = name[-200:]
        material.file.save(name, ContentFile(content), save=False)
    material.save()
    audit_create(actor, material)
    return material
