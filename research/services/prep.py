"""Writes of collective lesson preparation (集体备课, 004 (四)1): open a session for a group, the
lead's draft, members' comments, the shared plan's versions and the group leader's sign-off,
each teacher's personal version and reflection, and the school's check and evaluation. Every
write is audited (core.audit), which marks the school's PREP.STEPS stale."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import GroupMembership, Person, TeachingGroup, Term, User
from research import access
from research.models.prep import (
    PrepComment,
    PrepCommentMode,
    PrepDocument,
    PrepDocumentKind,
    PrepMember,
    PrepRating,
    PrepReflection,
    PrepScope,
    PrepSession,
    PrepStep,
)
from research.prep_compare import paragraphs

TEXT_LIMIT = 20000
ORDER = [PrepStep.DRAFT, PrepStep.DISCUSSION, PrepStep.PLAN, PrepStep.PERSONAL, PrepStep.REFLECTION, PrepStep.CLOSED]


class PrepError(DomainError):
    """A refused write on a preparation session; the message is Chinese and names the field."""


def _person(actor: User) -> Person:
    person = actor.person
    if person is None:
        raise PrepError("当前账号没有对应的教师档案", field="person")
    return person


def _text(value: str, field: str, label: str) -> str:
    value = value.strip()
    if not value:
        raise PrepError(f"{label}：请填写内容", field=field)
    if len(value) > TEXT_LIMIT:
        raise PrepError(f"{label}：不能超过{TEXT_LIMIT}字", field=field)
    return value


def _at_or_after(session: PrepSession, step: str) -> bool:
    return ORDER.index(PrepStep(session.step)) >= ORDER.index(PrepStep(step))


def member_ids(session: PrepSession) -> set[int]:
    return set(session.members.values_list("person_id", flat=True))


def _next_version(session: PrepSession, kind: str, author: Person | None) -> int:
    qs = PrepDocument.objects.filter(session=session, kind=kind)
    if author is not None:
        qs = qs.filter(author=author)
    return int(qs.aggregate(n=Max("version"))["n"] or 0) + 1


@transaction.atomic
def prep_session_open(*, actor: User, group: TeachingGroup, term: Term, topic: str, scope: str = PrepScope.LESSON,
                      lead: Person, teach_on: dt.date | None = None, meeting_at: dt.datetime | None = None,
                      place: str = "", grade: int | None = None) -> PrepSession:
    """Open a session; the group's members (and the lead) are bound to every step."""
    if not access.can_open_session(actor, group):
        raise PrepError("备课组：只有本组组长、教研组长或学校管理人员可以发起集体备课", field="group")
    topic = topic.strip()
    if not topic:
        raise PrepError("课题或单元：请填写", field="topic")
    if scope not in PrepScope.values:
        raise PrepError("范围：请选择课时或单元", field="scope")
    if term.key != group.term_key:
        raise PrepError(f"学期：{group.name}是{group.term_key}学期的备课组", field="term")
    if teach_on is not None and not term.start <= teach_on <= term.end:
        raise PrepError(f"计划授课日期：应在{term.start}至{term.end}之间", field="teach_on")
    members = set(GroupMembership.objects.filter(group=group).values_list("person_id", flat=True))
    if lead.pk not in members and lead.org_id != group.school_id:
        raise PrepError("主备人：应为本组或本校教师", field="lead")
    session = PrepSession.objects.create(school=group.school, group=group, term=term, topic=topic[:120], scope=scope,
                                         lead=lead, teach_on=teach_on, meeting_at=meeting_at, place=place[:120],
                                         grade=grade if grade is not None else group.grade, created_by=actor)
    PrepMember.objects.bulk_create([PrepMember(session=session, person_id=pid) for pid in sorted(members | {lead.pk})])
    audit_create(actor, session)
    return session


@transaction.atomic
def prep_draft_save(*, actor: User, session: PrepSession, body: str, note: str = "") -> PrepDocument:
    """个人初备: the lead preparer's draft (each save a new version)."""
    person = _person(actor)
    if session.lead_id != person.pk:
        raise PrepError("初备稿：只有主备人可以提交初备稿", field="body")
    if _at_or_after(session, PrepStep.PLAN):
        raise PrepError("初备稿：已进入教案生成环节，请修改共案", field="body")
    doc = PrepDocument.objects.create(session=session, kind=PrepDocumentKind.DRAFT, author=person,
                                      version=_next_version(session, PrepDocumentKind.DRAFT, person),
                                      body=_text(body, "body", "初备稿"), note=note.strip()[:200])
    audit_create(actor, doc)
    return doc


def _advance(actor: User, session: PrepSession, to: str) -> None:
    if ORDER.index(PrepStep(session.step)) < ORDER.index(PrepStep(to)):
        old = snapshot(session)
        session.step = to
        session.save(update_fields=["step", "updated_at"])
        audit_update(actor, session, old)


@transaction.atomic
def prep_discussion_open(*, actor: User, session: PrepSession) -> PrepSession:
    """个人初备 → 集体研讨, once the draft is in."""
    if not access.can_write_shared(actor, session):
        raise PrepError("环节：只有主备人或组长可以推进环节", field="step")
    if not session.documents.filter(kind=PrepDocumentKind.DRAFT).exists():
        raise PrepError("初备稿：请先由主备人提交初备稿", field="body")
    _advance(actor, session, PrepStep.DISCUSSION)
    return session


@transaction.atomic
def prep_comment_add(*, actor: User, session: PrepSession, document: PrepDocument, paragraph: int, body: str,
                     mode: str = PrepCommentMode.ASYNC) -> PrepComment:
    """集体研讨: a member's comment on one paragraph of the draft or a shared version."""
    person = _person(actor)
    if not (access.is_session_member(actor, session) or access.can_write_shared(actor, session)):
        raise PrepError("研讨意见：只有本次备课的成员可以发表意见", field="body")
    if session.step not in (PrepStep.DISCUSSION, PrepStep.PLAN):
        raise PrepError("研讨意见：集体研讨环节开始后、组长审定前可以发表意见", field="body")
    if document.session_id != session.pk or document.kind == PrepDocumentKind.PERSONAL:
        raise PrepError("研讨意见：只能评论本次备课的初备稿或共案", field="document")
    count = len(paragraphs(document.body))
    if not 0 <= paragraph < max(count, 1):
        raise PrepError(f"段落：应在1至{max(count, 1)}之间", field="paragraph")
    if mode not in PrepCommentMode.values:
        raise PrepError("方式：请选择集中研讨或线上留言", field="mode")
    comment = PrepComment.objects.create(session=session, document=document, paragraph=paragraph, author=person,
                                         mode=mode, body=_text(body, "body", "研讨意见"))
    audit_create(actor, comment)
    return comment


@transaction.atomic
def prep_shared_save(*, actor: User, session: PrepSession, body: str, note: str = "") -> PrepDocument:
    """教案生成: a new version of the shared plan (the first one ends the discussion step)."""
    person = _person(actor)
    if not access.can_write_shared(actor, session):
        raise PrepError("共案：只有主备人或组长可以修改共案", field="body")
    if session.step not in (PrepStep.DISCUSSION, PrepStep.PLAN):
        raise PrepError("共案：请在集体研讨之后、组长审定之前形成共案", field="body")
    if not session.comments.exists():
        raise PrepError("共案：集体研讨尚无意见，请先组织研讨", field="body")
    doc = PrepDocument.objects.create(session=session, kind=PrepDocumentKind.SHARED, author=person,
                                      version=_next_version(session, PrepDocumentKind.SHARED, None),
                                      body=_text(body, "body", "共案"), note=note.strip()[:200])
    audit_create(actor, doc)
    _advance(actor, session, PrepStep.PLAN)
    return doc


@transaction.atomic
def prep_sign_off(*, actor: User, session: PrepSession) -> PrepSession:
    """The group leader signs the latest shared version off: 教案生成 → 个性彰显."""
    person = _person(actor)
    if not access.can_sign_off(actor, session):
        raise PrepError("审定：只有组长可以审定共案", field="sign_off")
    if session.step != PrepStep.PLAN or not session.documents.filter(kind=PrepDocumentKind.SHARED).exists():
        raise PrepError("审定：尚未形成共案", field="sign_off")
    old = snapshot(session)
    session.signed_off_by, session.signed_off_at, session.step = person, timezone.now(), PrepStep.PERSONAL
    session.save(update_fields=["signed_off_by", "signed_off_at", "step", "updated_at"])
    audit_update(actor, session, old)
    return session


@transaction.atomic
def prep_personal_save(*, actor: User, session: PrepSession, body: str, note: str = "") -> PrepDocument:
    """个性彰显: a member's personal version derived from the signed-off shared plan."""
    person = _person(actor)
    if person.pk not in member_ids(session):
        raise PrepError("个案：只有本次备课的成员可以提交个案", field="body")
    if not _at_or_after(session, PrepStep.PERSONAL) or session.step == PrepStep.CLOSED:
        raise PrepError("个案：共案经组长审定后提交个案", field="body")
    doc = PrepDocument.objects.create(session=session, kind=PrepDocumentKind.PERSONAL, author=person,
                                      version=_next_version(session, PrepDocumentKind.PERSONAL, person),
                                      body=_text(body, "body", "个案"), note=note.strip()[:200])
    audit_create(actor, doc)
    if member_ids(session) <= set(session.documents.filter(kind=PrepDocumentKind.PERSONAL)
                                  .values_list("author_id", flat=True)):
        _advance(actor, session, PrepStep.REFLECTION)
    return doc


@transaction.atomic
def prep_reflection_save(*, actor: User, session: PrepSession, taught_on: dt.date, body: str) -> PrepReflection:
    """课后反思: a member's reflection after teaching the lesson (one per member, editable)."""
    person = _person(actor)
    if person.pk not in member_ids(session):
        raise PrepError("课后反思：只有本次备课的成员可以提交反思", field="body")
    if not session.documents.filter(kind=PrepDocumentKind.PERSONAL, author=person).exists():
        raise PrepError("课后反思：请先提交个案，授课后再反思", field="body")
    if taught_on > timezone.localdate():
        raise PrepError("授课日期：不能晚于今天", field="taught_on")
    text = _text(body, "body", "课后反思")
    reflection = PrepReflection.objects.filter(session=session, author=person).first()
    if reflection is None:
        reflection = PrepReflection.objects.create(session=session, author=person, taught_on=taught_on, body=text)
        audit_create(actor, reflection)
    else:
        old = snapshot(reflection)
        reflection.taught_on, reflection.body = taught_on, text
        reflection.save(update_fields=["taught_on", "body", "updated_at"])
        audit_update(actor, reflection, old)
    if member_ids(session) <= set(session.reflections.values_list("author_id", flat=True)):
        _advance(actor, session, PrepStep.CLOSED)
    return reflection


@transaction.atomic
def prep_check(*, actor: User, session: PrepSession, note: str) -> PrepSession:
    """The school's check of the session's records (有检查)."""
    person = _person(actor)
    if not access.can_check_session(actor, session):
        raise PrepError("检查：只有学校管理人员或教研组长可以检查", field="check_note")
    if session.signed_off_at is None:
        raise PrepError("检查：共案审定后才能检查", field="check_note")
    old = snapshot(session)
    session.checked_by, session.checked_at, session.check_note = person, timezone.now(), _text(note, "check_note", "检查意见")
    session.save(update_fields=["checked_by", "checked_at", "check_note", "updated_at"])
    audit_update(actor, session, old)
    return session


@transaction.atomic
def prep_evaluate(*, actor: User, session: PrepSession, rating: str, note: str = "") -> PrepSession:
    """The school's evaluation (有评价), after the check."""
    person = _person(actor)
    if not access.can_check_session(actor, session):
        raise PrepError("评价：只有学校管理人员或教研组长可以评价", field="rating")
    if session.checked_at is None:
        raise PrepError("评价：请先检查再评价", field="rating")
    if rating not in PrepRating.values:
        raise PrepError("评价等级：请选择优、良、中或差", field="rating")
    old = snapshot(session)
    session.rating, session.evaluation = rating, note.strip()[:TEXT_LIMIT]
    session.evaluated_by, session.evaluated_at = person, timezone.now()
    session.save(update_fields=["rating", "evaluation", "evaluated_by", "evaluated_at", "updated_at"])
    audit_update(actor, session, old)
    return session
