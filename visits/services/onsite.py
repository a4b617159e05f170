"""Writes made on site: routine-check records, notes, photos and documents, questionnaires and
their anonymous answers; a school's own routine check; leaders' walkthroughs (巡课).

Records a phone may send twice (after a dropped connection, the device resends what it kept)
carry a `client_uuid`: a second save with the same one updates the first record instead of
adding another, so an offline resend never duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.access import SCHOOL_MANAGER_ROLES, scope_of
from core.audit import audit_create, audit_update, snapshot
from core.models import AuditEvent, OrgKind, OrgNode, Person, Post, Role, Subject, Term, User
from core.terms import current_term
from observe import services as observe_services
from observe.errors import ObservationError
from observe.models import RubricVersion, VersionStatus
from visits.access import can_organise_at, can_record_on_site
from visits.bulletin import CheckRow
from visits.errors import VisitError
from visits.models import (
    AgendaKind,
    Audience,
    CheckItem,
    CheckLevel,
    CheckRecord,
    NoteKind,
    Questionnaire,
    QuestionnaireResponse,
    TeamRole,
    Visit,
    VisitAttachment,
    VisitCategory,
    VisitMember,
    VisitNote,
    VisitSchool,
    VisitStatus,
    Walkthrough,
)

M = TypeVar("M", CheckRecord, VisitNote, Walkthrough, VisitAttachment)

QUESTION_KINDS = {"single": "单选", "multi": "多选", "scale": "量表（1–5）", "text": "文字"}
SCALE_RANGE = (1, 5)
MAX_QUESTIONS = 40
MAX_TEXT_ANSWER = 2000


# ---------------------------------------------------------------- shared checks


def _person_of(actor: User) -> Person:
    pid = scope_of(actor).person_id
    if pid is None:
        raise VisitError("当前账号没有关联人员档案，不能记录")
    return Person.objects.get(pk=pid)


def _require_recorder(actor: User, visit: Visit) -> None:
    if not can_record_on_site(actor, visit):
        raise VisitError("只有视导组成员可以记录现场情况")
    if visit.status == VisitStatus.CANCELLED:
        raise VisitError("该视导已取消，不能再记录")


def visit_schools(visit: Visit) -> list[OrgNode]:
    """The schools one may record at: the visit's stops; for a school's own check, the school."""
    ids = set(VisitSchool.objects.filter(visit=visit).values_list("school_id", flat=True))
    if visit.category == VisitCategory.SCHOOL_CHECK:
        ids.add(visit.organiser_id)
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def _check_school(visit: Visit, school: OrgNode) -> None:
    if school.pk not in {s.pk for s in visit_schools(visit)}:
        raise VisitError(f"学校：{school.name}不在本次视导的日程中", field="school")


def works_at(person: Person, school: OrgNode) -> bool:
    return person.org_id == school.pk or Post.objects.active().filter(person=person, org=school).exists()


def _check_teacher(teacher: Person | None, school: OrgNode) -> None:
    if teacher is not None and not works_at(teacher, school):
        raise VisitError(f"教师：{teacher.name}不是{school.name}的教师", field="teacher")


def _check_date(visit: Visit, day: dt.date) -> None:
    if not visit.start <= day <= visit.end:
        raise VisitError(f"日期：应在视导期间（{visit.start:%Y-%m-%d} 至 {visit.end:%Y-%m-%d}）", field="date")


def _existing(model: type[M], client_uuid: str) -> M | None:
    if not client_uuid:
        return None
    return model.objects.select_for_update().filter(client_uuid=client_uuid).first()


# ---------------------------------------------------------------- check records


@dataclass
class CheckData:
    """The clean fields of one sampled item of a routine check."""

    school: OrgNode
    item: str
    date: dt.date
    teacher: Person | None = None
    subject: Subject | None = None
    class_name: str = ""
    sample_count: int = 1
    level: str = ""
    strengths: str = ""
    problems: str = ""
    client_uuid: str = ""
    rubric: RubricVersion | None = None
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)


CHECK_FIELDS = ["school", "item", "date", "teacher", "subject", "class_name", "sample_count", "level",
                "strengths", "problems"]


@transaction.atomic
def check_record_save(*, actor: User, visit: Visit, data: CheckData) -> CheckRecord:
    """Record (or, resent with the same client_uuid, update) one sampled item of a check."""
    _require_recorder(actor, visit)
    _check_school(visit, data.school)
    _check_teacher(data.teacher, data.school)
    _check_date(visit, data.date)
    if data.item not in CheckItem.values:
        raise VisitError("检查项目：请选择一个检查项目", field="item")
    if data.level and data.level not in CheckLevel.values:
        raise VisitError("等级：请选择优秀、良好、合格或需改进", field="level")
    if not 1 <= data.sample_count <= 500:
        raise VisitError("抽查数量：应为 1 到 500", field="sample_count")
    if not (data.level or data.strengths.strip() or data.problems.strip() or data.rubric):
        raise VisitError("等级：请给出等级，或写下亮点或问题", field="level")
    if data.rubric is not None and data.rubric.status != VersionStatus.PUBLISHED:
        raise VisitError("评价量表：只能使用已发布的量表版本", field="rubric")
    record = _existing(CheckRecord, data.client_uuid)
    if record is not None and record.visit_id != visit.pk:
        raise VisitError("这条记录属于另一次视导，不能在这里保存")
    old = snapshot(record) if record is not None else None
    if record is None:
        record = CheckRecord(visit=visit, checker=_person_of(actor), created_by=actor)
        if data.client_uuid:
            record.client_uuid = data.client_uuid
    for name in CHECK_FIELDS:
        setattr(record, name, getattr(data, name))
    if data.rubric is not None:
        keep = record.assessment if record.assessment_id and record.assessment else None
        if keep is not None and keep.version_id != data.rubric.pk:
            keep = None
        try:
            record.assessment = observe_services.assessment_save(actor=actor, version=data.rubric,
                                                                 ratings=data.ratings, assessment=keep)
        except ObservationError as exc:
            raise VisitError(exc.message, field=exc.field) from exc
    record.save()
    if old is None:
        audit_create(actor, record)
    else:
        audit_update(actor, record, old)
    return record


# ---------------------------------------------------------------- notes


@dataclass
class NoteData:
    school: OrgNode
    date: dt.date
    kind: str = NoteKind.OTHER
    title: str = ""
    text: str = ""
    client_uuid: str = ""


@transaction.atomic
def note_save(*, actor: User, visit: Visit, data: NoteData) -> VisitNote:
    """Record (or, resent with the same client_uuid, update) a meeting's or forum's notes."""
    _require_recorder(actor, visit)
    _check_school(visit, data.school)
    _check_date(visit, data.date)
    if data.kind not in NoteKind.values:
        raise VisitError("类别：请选择记录类别", field="kind")
    if not data.text.strip():
        raise VisitError("内容：请填写记录内容", field="text")
    if len(data.title) > 120:
        raise VisitError("标题：最多 120 个字", field="title")
    note = _existing(VisitNote, data.client_uuid)
    if note is not None and note.visit_id != visit.pk:
        raise VisitError("这条记录属于另一次视导，不能在这里保存")
    old = snapshot(note) if note is not None else None
    if note is None:
        note = VisitNote(visit=visit, author=_person_of(actor))
        if data.client_uuid:
            note.client_uuid = data.client_uuid
    note.school, note.date, note.kind = data.school, data.date, data.kind
    note.title, note.text = data.title.strip(), data.text.strip()
    note.save()
    if old is None:
        audit_create(actor, note)
    else:
        audit_update(actor, note, old)
    return note


# ---------------------------------------------------------------- attachments


@transaction.atomic
def attachment_add(*, actor: User, visit: Visit, upload: UploadedFile[Any], school: OrgNode | None = None,
                   note: VisitNote | None = None, client_uuid: str = "") -> VisitAttachment:
    """Keep a photo or document taken on site; its kind is judged from its bytes (observe's
    checks: photos re-encoded, names never trusted), never from its name. Resent with the same
    `client_uuid` (a phone's queued photo whose answer was lost), the photo already kept is
    returned, not stored twice."""
    _require_recorder(actor, visit)
    kept = _existing(VisitAttachment, client_uuid)
    if kept is not None:
        if kept.visit_id != visit.pk:
            raise VisitError("这张照片属于另一次视导，不能在这里保存")
        return kept
    if school is not None:
        _check_school(visit, school)
    if note is not None and note.visit_id != visit.pk:
        raise VisitError("所附记录不属于本次视导", field="note")
    try:
        (checked,) = observe_services.attachments_check([upload])
    except ObservationError as exc:
        raise VisitError(exc.message, field="file") from exc
    att = VisitAttachment(visit=visit, school=school or (note.school if note else None), note=note,
                          original_name=checked.name[-200:], content_kind=checked.content_type[:20],
                          size=len(checked.content), uploaded_by=actor, client_uuid=client_uuid)
    att.file.save(checked.name, ContentFile(checked.content), save=False)
    att.save()
    # Written by hand as observe's attachments are: core.audit's snapshot cannot encode a file.
    AuditEvent.objects.create(
        actor=actor if actor.pk else None, action=AuditEvent.Action.CREATE, model=att._meta.label,
        object_id=str(att.pk), object_repr=att.original_name[:200],
        scope_path=(att.school or visit.organiser).path,
        new={"visit_id": visit.pk, "file": att.file.name, "name": att.original_name, "size": att.size,
             "content_type": checked.content_type, "is_photo": checked.is_photo})
    return att


# ---------------------------------------------------------------- questionnaires


def clean_questions(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions as stored: codes q1…qn, a kind, options for choice questions."""
    if not raw:
        raise VisitError("题目：请至少填写一道题", field="questions")
    if len(raw) > MAX_QUESTIONS:
        raise VisitError(f"题目：最多 {MAX_QUESTIONS} 道", field="questions")
    out: list[dict[str, Any]] = []
    for n, q in enumerate(raw, start=1):
        text = str(q.get("text", "")).strip()
        kind = str(q.get("kind", ""))
        options = [str(o).strip() for o in q.get("options") or [] if str(o).strip()]
        if not text:
            raise VisitError(f"题目：第 {n} 题没有题干", field="questions")
        if kind not in QUESTION_KINDS:
            raise VisitError(f"题目：第 {n} 题的题型应为单选、多选、量表或文字", field="questions")
        if kind in ("single", "multi"):
            if len(options) < 2:
                raise VisitError(f"题目：第 {n} 题（选择题）至少要有两个选项", field="questions")
            if len(set(options)) != len(options):
                raise VisitError(f"题目：第 {n} 题有重复的选项", field="questions")
        else:
            options = []
        out.append({"code": f"q{n}", "text": text[:300], "kind": kind, "options": options})
    return out


def parse_questions(text: str) -> list[dict[str, Any]]:
    """The form's plain-text questions: one per line, `题干 | 题型 | 选项1/选项2/…`, where the
    type is 单选, 多选, 量表 or 文字 (单选 when omitted with options, 文字 without)."""
    kinds = {"单选": "single", "多选": "multi", "量表": "scale", "文字": "text"}
    raw: list[dict[str, Any]] = []
    for n, line in enumerate((ln.strip() for ln in text.splitlines()), start=1):
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        options = [o for o in (parts[2].split("/") if len(parts) > 2 else []) if o.strip()]
        label = parts[1] if len(parts) > 1 else ""
        if label and label not in kinds:
            raise VisitError(f"题目：第 {n} 行的题型“{label}”应为单选、多选、量表或文字", field="questions")
        kind = kinds.get(label) or ("single" if options else "text")
        raw.append({"text": parts[0], "kind": kind, "options": options})
    return raw


@transaction.atomic
def questionnaire_create(*, actor: User, visit: Visit, school: OrgNode, audience: str, title: str,
                         questions: list[dict[str, Any]], closes_at: dt.datetime | None = None) -> Questionnaire:
    """An anonymous questionnaire for one school's students or teachers, answered by its link."""
    _require_recorder(actor, visit)
    _check_school(visit, school)
    if audience not in Audience.values:
        raise VisitError("对象：请选择学生或教师", field="audience")
    if not title.strip():
        raise VisitError("标题：请填写问卷标题", field="title")
    if closes_at is not None and closes_at <= timezone.now():
        raise VisitError("截止时间：应晚于现在", field="closes_at")
    qn = Questionnaire.objects.create(visit=visit, school=school, audience=audience, title=title.strip()[:120],
                                      questions=clean_questions(questions), closes_at=closes_at, created_by=actor)
    audit_create(actor, qn)
    return qn


def questionnaire_is_open(questionnaire: Questionnaire, now: dt.datetime | None = None) -> bool:
    at = now or timezone.now()
    return questionnaire.opens_at <= at and (questionnaire.closes_at is None or at < questionnaire.closes_at)


def clean_answers(questions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers checked against the questions: choices among the options, scales 1–5; every
    question but a text one must be answered. Unknown codes are dropped."""
    out: dict[str, Any] = {}
    for n, q in enumerate(questions, start=1):
        code, kind, value = q["code"], q["kind"], answers.get(q["code"])
        where = f"第 {n} 题"
        if kind == "text":
            text = str(value or "").strip()
            if len(text) > MAX_TEXT_ANSWER:
                raise VisitError(f"{where}：最多 {MAX_TEXT_ANSWER} 字", field=code)
            if text:
                out[code] = text
        elif kind == "single":
            if value in (None, ""):
                raise VisitError(f"{where}：请选择一项", field=code)
            if value not in q["options"]:
                raise VisitError(f"{where}：所选不是本题的选项", field=code)
            out[code] = value
        elif kind == "multi":
            values = value if isinstance(value, list) else ([value] if value else [])
            if not values:
                raise VisitError(f"{where}：请至少选择一项", field=code)
            if any(v not in q["options"] for v in values):
                raise VisitError(f"{where}：所选不是本题的选项", field=code)
            out[code] = [o for o in q["options"] if o in values]
        elif kind == "scale":
            try:
                number = int(value)  # type: ignore[arg-type]  # validated just below
            except (TypeError, ValueError):
                raise VisitError(f"{where}：请选择 {SCALE_RANGE[0]} 到 {SCALE_RANGE[1]} 分", field=code) from None
            if not SCALE_RANGE[0] <= number <= SCALE_RANGE[1]:
                raise VisitError(f"{where}：请选择 {SCALE_RANGE[0]} 到 {SCALE_RANGE[1]} 分", field=code)
            out[code] = number
    return out


ALREADY_ANSWERED = "这台设备已经提交过本问卷，每台设备只能作答一次。"


def questionnaire_device_hash(questionnaire: Questionnaire, device_key: str) -> str:
    """What is stored of the answering device: a hash of the questionnaire's token and the
    device's random key, different for every questionnaire."""
    return hashlib.sha256(f"{questionnaire.token}:{device_key}".encode()).hexdigest() if device_key else ""


def questionnaire_answered_on(questionnaire: Questionnaire, device_key: str) -> bool:
    digest = questionnaire_device_hash(questionnaire, device_key)
    return bool(digest) and questionnaire.responses.filter(device_hash=digest).exists()


@transaction.atomic
def questionnaire_answer(*, questionnaire: Questionnaire, answers: dict[str, Any],
                         device_key: str = "") -> QuestionnaireResponse:
    """One anonymous answer sheet: nothing about who answered is stored. With `device_key` (the
    answer page's device cookie) a second sheet from the same device is refused."""
    if not questionnaire_is_open(questionnaire):
        raise VisitError("该问卷已截止或尚未开放，不能再作答")
    cleaned = clean_answers(questionnaire.questions, answers)
    digest = questionnaire_device_hash(questionnaire, device_key)
    if digest and questionnaire.responses.filter(device_hash=digest).exists():
        raise VisitError(ALREADY_ANSWERED)
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(questionnaire=questionnaire, answers=cleaned,
                                                            device_hash=digest)
    except IntegrityError as exc:  # the same device submitted twice at once
        raise VisitError(ALREADY_ANSWERED) from exc
    audit_create(None, response)
    return response


def questionnaire_results(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Per question: the counts of each option (choices), the mean (scales), the texts."""
    rows = list(questionnaire.responses.values_list("answers", flat=True))
    out: list[dict[str, Any]] = []
    for q in questionnaire.questions:
        code, kind = q["code"], q["kind"]
        given = [r[code] for r in rows if code in r]
        entry: dict[str, Any] = {"code": code, "text": q["text"], "kind": kind, "answered": len(given)}
        if kind in ("single", "multi"):
            counts = {o: 0 for o in q["options"]}
            for v in given:
                for o in v if isinstance(v, list) else [v]:
                    if o in counts:
                        counts[o] += 1
            entry["options"] = [{"label": o, "count": c, "pct": round(100 * c / len(given)) if given else 0}
                                for o, c in counts.items()]
        elif kind == "scale":
            entry["mean"] = round(sum(given) / len(given), 2) if given else None
        else:
            entry["texts"] = given[:200]
        out.append(entry)
    return out


# ---------------------------------------------------------------- walkthroughs


WALKTHROUGH_ROLES = SCHOOL_MANAGER_ROLES


def is_school_leader(person: Person, school: OrgNode) -> bool:
    return Post.objects.active().filter(person=person, org=school, role__in=WALKTHROUGH_ROLES).exists()


@dataclass
class WalkthroughData:
    school: OrgNode
    date: dt.date
    period: int | None = None
    grade: int | None = None
    class_name: str = ""
    subject: Subject | None = None
    teacher: Person | None = None
    seen: str = ""
    has_problem: bool = False
    client_uuid: str = ""


WALKTHROUGH_FIELDS = ["school", "date", "period", "grade", "class_name", "subject", "teacher", "seen", "has_problem"]


@transaction.atomic
def walkthrough_save(*, actor: User, leader: Person, data: WalkthroughData) -> Walkthrough:
    """A leader's walkthrough of one class (or, resent with the same client_uuid, its update)."""
    scope = scope_of(actor)
    if not scope.is_sysadmin and scope.person_id != leader.pk:
        raise VisitError("只能记录本人的巡课")
    if not is_school_leader(leader, data.school):
        raise VisitError(f"巡课人：{leader.name}不是{data.school.name}的校级领导或中层干部", field="leader")
    _check_teacher(data.teacher, data.school)
    if data.period is not None and not 1 <= data.period <= 12:
        raise VisitError("节次：应为 1 到 12", field="period")
    if data.grade is not None and not 1 <= data.grade <= 12:
        raise VisitError("年级：应为 1 到 12", field="grade")
    if data.date > timezone.localdate():
        raise VisitError("日期：不能晚于今天", field="date")
    if not (data.class_name.strip() or data.teacher):
        raise VisitError("班级：请填写班级或任课教师", field="class_name")
    if not data.seen.strip():
        raise VisitError("巡课情况：请简要记录所见", field="seen")
    wt = _existing(Walkthrough, data.client_uuid)
    if wt is not None and wt.leader_id != leader.pk:
        raise VisitError("这条巡课记录属于他人，不能在这里保存")
    old = snapshot(wt) if wt is not None else None
    if wt is None:
        wt = Walkthrough(leader=leader, created_by=actor)
        if data.client_uuid:
            wt.client_uuid = data.client_uuid
    for name in WALKTHROUGH_FIELDS:
        setattr(wt, name, getattr(data, name))
    wt.class_name, wt.seen = data.class_name.strip(), data.seen.strip()
    wt.save()
    if old is None:
        audit_create(actor, wt)
    else:
        audit_update(actor, wt, old)
    return wt


# ---------------------------------------------------------------- a school's own check


def group_leaders_of(school: OrgNode) -> list[Person]:
    """The school's 教研组长 (active posts), the team a school's own check draws on."""
    ids = Post.objects.active().filter(org=school, role=Role.GROUP_LEADER).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids).order_by("name"))


def _term_for(school: OrgNode, day: dt.date) -> Term:
    term = current_term(school, day)
    if term is None:
        raise VisitError("开始日期：该日期不在任何学期内", field="start")
    return term


@transaction.atomic
def school_check_create(*, actor: User, school: OrgNode, title: str, start: dt.date, end: dt.date,
                        team: list[Person], purpose: str = "") -> Visit:
    """A school's own routine check (004 (一)3): organised by the school, led by its principal
    or vice principal, carried out by its group leaders."""
    if school.kind != OrgKind.SCHOOL or not can_organise_at(actor, school, VisitCategory.SCHOOL_CHECK):
        raise VisitError("只有本校校长或教学副校长可以组织校内常规检查")
    if not title.strip():
        raise VisitError("名称：请填写检查名称", field="title")
    if end < start:
        raise VisitError("结束日期：不能早于开始日期", field="end")
    if (end - start).days > 31:
        raise VisitError("结束日期：一次检查最长 31 天", field="end")
    if not team:
        raise VisitError("检查组：请至少选择一位教研组长", field="team")
    allowed = {p.pk for p in group_leaders_of(school)}
    for p in team:
        if p.pk not in allowed:
            raise VisitError(f"检查组：{p.name}不是本校的教研组长", field="team")
    lead = _person_of(actor)
    term = _term_for(school, start)
    visit = Visit.objects.create(organiser=school, category=VisitCategory.SCHOOL_CHECK, term=term,
                                 title=title.strip()[:120], purpose=purpose.strip(), start=start, end=end,
                                 lead=lead, created_by=actor)
    audit_create(actor, visit)
    stop = VisitSchool.objects.create(visit=visit, school=school, date=start, agenda=[
        {"kind": AgendaKind.ROUTINE_CHECK, "start": "", "end": "", "title": "教学常规检查", "subject_id": None,
         "member_ids": [p.pk for p in team], "place": ""}])
    audit_create(actor, stop)
    for p in {p.pk: p for p in [lead, *team]}.values():
        member = VisitMember.objects.create(visit=visit, person=p,
                                            role=TeamRole.LEADER if p.pk == lead.pk else TeamRole.SUBJECT,
                                            subject=p.main_subject if p.pk != lead.pk else None)
        audit_create(actor, member)
    return visit


# ---------------------------------------------------------------- reads for the 通报


def bulletin_rows(visit: Visit, school: OrgNode | None = None) -> list[CheckRow]:
    """The check's records as the plain rows visits.bulletin.draft_sections drafts from (the
    reports area calls both to draft a school check's 通报)."""
    qs = CheckRecord.objects.filter(visit=visit).select_related("teacher").order_by("date", "pk")
    if school is not None:
        qs = qs.filter(school=school)
    return [CheckRow(teacher=r.teacher.name if r.teacher else "", item=r.item, level=r.level,
                     strengths=r.strengths, problems=r.problems) for r in qs]
