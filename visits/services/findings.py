"""Writes of findings and their rectification (整改, 004 (一)1, (一)4): a finding recorded from a
visit, a school's own check, a walkthrough or an observation; its measure, owner and deadline;
the owner's answer; the organiser's verification (accept or reopen); a follow-up visit's
re-check; the escalation of overdue items; and the follow-up plans (跟踪督办, 跟岗学习) for a
teacher flagged repeatedly.

Quality's early-warning actions already carry an owner and a due date: they are read into the
same rectification list (`warning_rectification_rows`), never copied into Finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser, scope_of
from core.audit import audit_create, audit_update, snapshot
from core.models import OrgKind, OrgNode, Person, Post, Role, TeachingGroup, User
from visits import access
from visits.errors import VisitError
from visits.models import (
    Finding,
    FindingArea,
    FindingStatus,
    FollowUpPlan,
    OwnerKind,
    PlanKind,
    PlanStatus,
    RectificationEntry,
    RectificationStep,
    Severity,
    Visit,
    VisitCategory,
)
from visits.rules import obligations_for

# Visitless sources a finding may name (a visit's own records need no source: the visit is it).
SOURCE_WALKTHROUGH, SOURCE_CHECK_RECORD, SOURCE_OBSERVATION = "walkthrough", "check_record", "observation"
SOURCE_KINDS = {SOURCE_WALKTHROUGH: "巡课", SOURCE_CHECK_RECORD: "常规检查", SOURCE_OBSERVATION: "听评课"}
UNRESOLVED = (FindingStatus.OPEN, FindingStatus.ANSWERED, FindingStatus.REOPENED)
ANSWERABLE = (FindingStatus.OPEN, FindingStatus.REOPENED)
# A teacher is "flagged repeatedly" with this many findings about them (004 (一)3–4).
REPEAT_FLAGS = 2
TEXT_LIMIT = 4000


@dataclass(frozen=True)
class FindingData:
    description: str
    found_on: dt.date
    visit: Visit | None = None
    source_kind: str = ""
    source_id: int | None = None
    area: str = FindingArea.CLASSROOM
    is_strength: bool = False
    evidence: str = ""
    severity: str = Severity.MINOR
    teacher: Person | None = None
    group: TeachingGroup | None = None
    # None: as the visit kind's rule says (a strength never needs rectification).
    needs_rectification: bool | None = None
    measure: str = ""
    owner_kind: str = OwnerKind.SCHOOL
    owner_person: Person | None = None
    owner_group: TeachingGroup | None = None
    deadline: dt.date | None = None
    found_by: Person | None = None


def _person_of(actor: User | None) -> Person | None:
    return actor.person if actor is not None and actor.person_id is not None else None


def _at_school(person: Person, school: OrgNode) -> bool:
    return person.org_id == school.pk or Post.objects.active().filter(person=person, org=school).exists()


def _check_owner(school: OrgNode, owner_kind: str, owner_person: Person | None,
                 owner_group: TeachingGroup | None) -> None:
    if owner_kind not in OwnerKind.values:
        raise VisitError("责任主体：请选择学校、教研组或个人")
    if owner_kind == OwnerKind.GROUP:
        if owner_group is None:
            raise VisitError("责任教研组：责任主体为教研组时必须选择教研组")
        if owner_group.school_id != school.pk:
            raise VisitError(f"责任教研组：{owner_group.name}不属于{school.name}")
    if owner_kind == OwnerKind.PERSON:
        if owner_person is None:
            raise VisitError("责任人：责任主体为个人时必须选择责任人")
        if not _at_school(owner_person, school):
            raise VisitError(f"责任人：{owner_person.name}不在{school.name}任职")


def _check_text(label: str, text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise VisitError(f"{label}：不能为空")
    if len(text) > TEXT_LIMIT:
        raise VisitError(f"{label}：不能超过{TEXT_LIMIT}字")
    return text


def _check_source(school: OrgNode, kind: str, source_id: int | None) -> None:
    if not kind:
        return
    if kind not in SOURCE_KINDS:
        raise VisitError("来源：只能是巡课、常规检查或听评课")
    if source_id is None:
        raise VisitError(f"来源：请注明所依据的{SOURCE_KINDS[kind]}记录")
    if kind == SOURCE_WALKTHROUGH:
        from visits.models import Walkthrough

        found = Walkthrough.objects.filter(pk=source_id, school=school).exists()
    elif kind == SOURCE_CHECK_RECORD:
        from visits.models import CheckRecord

        found = CheckRecord.objects.filter(pk=source_id, school=school).exists()
    else:
        from observe.models import Observation

        found = Observation.objects.filter(pk=source_id, school=school).exists()
    if not found:
        raise VisitError(f"来源：{school.name}没有这条{SOURCE_KINDS[kind]}记录")


def _entry(finding: Finding, step: str, actor: User | None, *, text: str = "", evidence: str = "",
           visit: Visit | None = None, before: str = "", after: str = "") -> RectificationEntry:
    entry = RectificationEntry.objects.create(finding=finding, step=step, text=text, evidence=evidence, visit=visit,
                                              status_before=before, status_after=after, by=_person_of(actor),
                                              created_by=actor)
    audit_create(actor, entry)
    return entry


@transaction.atomic
def finding_record(*, actor: User | None, school: OrgNode, data: FindingData) -> Finding:
    """Record a finding at `school`: from a visit (a team member or its manager; the school must
    be one the visit goes to), or without a visit from a walkthrough, check record or observation
    of the school (its managers or the region organisers over it)."""
    if school.kind != OrgKind.SCHOOL:
        raise VisitError("学校：问题只能记在学校名下")
    visit = data.visit
    if visit is not None:
        if actor is not None and not access.can_record_on_site(actor, visit):
            raise VisitError("视导：只有视导组成员或组织者可以记录本次视导发现的问题")
        hosts = visit.organiser_id == school.pk if visit.category == VisitCategory.SCHOOL_CHECK else \
            visit.stops.filter(school=school).exists()
        if not hosts:
            raise VisitError(f"学校：本次视导不包括{school.name}")
        rectify_default = obligations_for(visit.organiser.path, visit.kind).findings_need_rectification
    else:
        if actor is not None and not access.can_record_finding_at(actor, school):
            raise VisitError(f"学校：无权记录{school.name}的问题")
        rectify_default = True
    _check_source(school, data.source_kind, data.source_id)
    description = _check_text("问题描述", data.description, required=True)
    evidence = _check_text("事实依据", data.evidence, required=False)
    measure = _check_text("整改措施", data.measure, required=False)
    if data.area not in FindingArea.values:
        raise VisitError("领域：请选择问题所属领域")
    if data.severity not in Severity.values:
        raise VisitError("严重程度：请选择一般、较重或严重")
    if data.teacher is not None and not _at_school(data.teacher, school):
        raise VisitError(f"涉及教师：{data.teacher.name}不在{school.name}任职")
    if data.group is not None and data.group.school_id != school.pk:
        raise VisitError(f"涉及教研组：{data.group.name}不属于{school.name}")
    needs = data.needs_rectification if data.needs_rectification is not None else rectify_default
    if data.is_strength:
        needs = False
    if needs:
        _check_owner(school, data.owner_kind, data.owner_person, data.owner_group)
    if data.deadline is not None and data.deadline < data.found_on:
        raise VisitError("整改期限：不能早于发现日期")
    finding = Finding.objects.create(
        school=school, visit=visit, source_kind=data.source_kind, source_id=data.source_id, area=data.area,
        is_strength=data.is_strength, description=description, evidence=evidence, severity=data.severity,
        teacher=data.teacher, group=data.group, needs_rectification=needs, measure=measure if needs else "",
        owner_kind=data.owner_kind if needs else OwnerKind.SCHOOL,
        owner_person=data.owner_person if needs and data.owner_kind == OwnerKind.PERSON else None,
        owner_group=data.owner_group if needs and data.owner_kind == OwnerKind.GROUP else None,
        deadline=data.deadline if needs else None,
        status=FindingStatus.OPEN if needs else FindingStatus.NOTED, found_on=data.found_on,
        found_by=data.found_by or _person_of(actor), created_by=actor)
    audit_create(actor, finding)
    return finding


@transaction.atomic
def finding_set_measure(*, actor: User | None, finding: Finding, measure: str, owner_kind: str,
                        owner_person: Person | None, owner_group: TeachingGroup | None,
                        deadline: dt.date | None) -> Finding:
    """Set (or change) what is to be done, by whom and by when. A new deadline is a new chance:
    an earlier escalation no longer stands."""
    if actor is not None and not access.can_set_measure(actor, finding):
        raise VisitError("整改措施：无权设置该问题的整改措施")
    if not finding.needs_rectification:
        raise VisitError("整改措施：该条记录无需整改")
    if finding.status == FindingStatus.CLOSED:
        raise VisitError("整改措施：该问题已销号，不能再修改")
    measure = _check_text("整改措施", measure, required=True)
    if deadline is None:
        raise VisitError("整改期限：必须填写")
    if deadline < finding.found_on:
        raise VisitError("整改期限：不能早于发现日期")
    _check_owner(finding.school, owner_kind, owner_person, owner_group)
    old = snapshot(finding)
    if deadline != finding.deadline:
        finding.escalated_at = None
    finding.measure, finding.owner_kind, finding.deadline = measure, owner_kind, deadline
    finding.owner_person = owner_person if owner_kind == OwnerKind.PERSON else None
    finding.owner_group = owner_group if owner_kind == OwnerKind.GROUP else None
    finding.save(update_fields=["measure", "owner_kind", "owner_person", "owner_group", "deadline", "escalated_at",
                                "updated_at"])
    audit_update(actor, finding, old)
    return finding


def _transition(actor: User | None, finding: Finding, status: str) -> None:
    old = snapshot(finding)
    finding.status = status
    finding.closed_at = timezone.now() if status == FindingStatus.CLOSED else None
    finding.save(update_fields=["status", "closed_at", "updated_at"])
    audit_update(actor, finding, old)


def _locked(finding: Finding) -> Finding:
    """The finding re-read under a row lock, so two answers or two verifications do not race."""
    fresh = Finding.objects.select_for_update().get(pk=finding.pk)
    finding.status, finding.closed_at = fresh.status, fresh.closed_at
    return finding


@transaction.atomic
def finding_answer(*, actor: User | None, finding: Finding, text: str, evidence: str = "") -> RectificationEntry:
    """The owner (or the school's managers) reports what was done, with evidence."""
    if actor is not None and not access.can_answer_finding(actor, finding):
        raise VisitError("整改反馈：只有责任人或学校领导可以反馈")
    _locked(finding)
    if finding.status not in ANSWERABLE:
        label = FindingStatus(finding.status).label
        raise VisitError(f"整改反馈：该问题当前状态为“{label}”，不能反馈")
    text = _check_text("整改情况", text, required=True)
    evidence = _check_text("佐证", evidence, required=False)
    before = finding.status
    _transition(actor, finding, FindingStatus.ANSWERED)
    return _entry(finding, RectificationStep.ANSWER, actor, text=text, evidence=evidence, before=before,
                  after=FindingStatus.ANSWERED)


@transaction.atomic
def finding_verify(*, actor: User | None, finding: Finding, accept: bool, comment: str = "") -> RectificationEntry:
    """The organiser's side checks the answer: accepted, the finding is closed (销号); otherwise
    it is reopened with the reason."""
    if actor is not None and not access.can_verify_finding(actor, finding):
        raise VisitError("验收：只有组织视导的一方可以验收")
    _locked(finding)
    if finding.status != FindingStatus.ANSWERED:
        label = FindingStatus(finding.status).label
        raise VisitError(f"验收：该问题当前状态为“{label}”，学校反馈后才能验收")
    comment = _check_text("验收意见", comment, required=not accept)
    after = FindingStatus.CLOSED if accept else FindingStatus.REOPENED
    _transition(actor, finding, after)
    return _entry(finding, RectificationStep.ACCEPT if accept else RectificationStep.REOPEN, actor, text=comment,
                  before=FindingStatus.ANSWERED, after=after)


def open_findings_of(visit: Visit) -> list[Finding]:
    """What a follow-up of `visit` re-checks: the followed visit's unresolved findings."""
    if visit.follows_id is None:
        return []
    return list(Finding.objects.filter(visit_id=visit.follows_id).unresolved().with_refs()
                .order_by("school__path", "deadline", "id"))


@transaction.atomic
def follow_up_recheck(*, actor: User | None, follow_up_visit: Visit, finding: Finding, closed: bool,
                      comment: str = "") -> RectificationEntry:
    """A follow-up visit re-checks one open finding of the visit it follows and records the
    status before and after: closed, or not yet (an answered finding goes back for rework)."""
    if follow_up_visit.follows_id is None:
        raise VisitError("复查：本次视导不是复查视导")
    if finding.visit_id != follow_up_visit.follows_id:
        raise VisitError("复查：只能复查被复查视导发现的问题")
    if actor is not None and not access.can_record_on_site(actor, follow_up_visit):
        raise VisitError("复查：只有复查视导组成员可以复查")
    _locked(finding)
    if finding.status not in UNRESOLVED:
        raise VisitError("复查：只复查尚未销号的问题")
    comment = _check_text("复查意见", comment, required=False)
    before = finding.status
    if closed:
        after: str = FindingStatus.CLOSED
    elif before == FindingStatus.ANSWERED:
        after = FindingStatus.REOPENED
    else:
        after = before
    if after != before:
        _transition(actor, finding, after)
    return _entry(finding, RectificationStep.FOLLOW_UP, actor, text=comment, visit=follow_up_visit, before=before,
                  after=after)


def _leaders_of(school: OrgNode) -> list[Person]:
    ids = (Post.objects.active().filter(org=school, role__in=[Role.PRINCIPAL, Role.VICE_PRINCIPAL])
           .values_list("person_id", flat=True))
    return list(Person.objects.filter(pk__in=list(ids)))


@transaction.atomic
def overdue_escalate(*, today: dt.date) -> int:
    """Each unresolved finding past its deadline, not yet escalated, gets an escalation step and
    notifications to the school's principal and vice principals and the visit's lead. Returns how
    many findings were escalated."""
    from observe.services import notify

    due = list(Finding.objects.overdue(today).filter(escalated_at__isnull=True).with_refs()
               .select_related("visit__lead").select_for_update(of=("self",)))
    now = timezone.now()
    for finding in due:
        old = snapshot(finding)
        finding.escalated_at = now
        finding.save(update_fields=["escalated_at", "updated_at"])
        audit_update(None, finding, old)
        assert finding.deadline is not None
        days = (today - finding.deadline).days
        _entry(finding, RectificationStep.ESCALATE, None, text=f"已逾期{days}天，提醒学校领导和组织者督办",
               before=finding.status, after=finding.status)
        title = f"整改逾期：{finding.school.name}“{finding.description[:30]}”已过期限{days}天"
        recipients = {p.pk: p for p in _leaders_of(finding.school)}
        if finding.visit is not None and finding.visit.lead is not None:
            recipients[finding.visit.lead.pk] = finding.visit.lead
        for person in recipients.values():
            notify(recipient=person, title=title)
    return len(due)


# ---------------------------------------------------------------- follow-up plans


@transaction.atomic
def follow_up_plan_create(*, actor: User | None, teacher: Person, kind: str, reason: str, start: dt.date,
                          end: dt.date, mentor: Person | None = None, host_school: OrgNode | None = None,
                          findings: list[Finding] | None = None) -> FollowUpPlan:
    """A tracking plan (跟踪督办) or a shadowing placement (跟岗学习) for a teacher flagged
    repeatedly: at least REPEAT_FLAGS findings about them need rectification."""
    school = teacher.org
    if actor is not None and not access.can_plan_follow_up(actor, school):
        raise VisitError(f"教师：无权为{teacher.name}建立跟踪计划")
    if kind not in PlanKind.values:
        raise VisitError("方式：请选择跟踪督办或跟岗学习")
    reason = _check_text("原因", reason, required=True)
    if end < start:
        raise VisitError("结束日期：不能早于开始日期")
    linked = list(findings or [])
    for f in linked:
        if f.teacher_id != teacher.pk:
            raise VisitError(f"关联问题：“{f.description[:20]}”不是关于{teacher.name}的问题")
    flags = Finding.objects.filter(teacher=teacher, needs_rectification=True).count()
    if flags < REPEAT_FLAGS:
        raise VisitError(f"教师：{teacher.name}被指出需整改的问题仅{flags}条，"
                         f"被多次（{REPEAT_FLAGS}次及以上）指出问题的教师才建立跟踪计划")
    if kind == PlanKind.SHADOWING and host_school is None:
        raise VisitError("跟岗学校：跟岗学习必须选择跟岗学校")
    if host_school is not None and host_school.kind != OrgKind.SCHOOL:
        raise VisitError("跟岗学校：请选择一所学校")
    plan = FollowUpPlan.objects.create(teacher=teacher, kind=kind, reason=reason, mentor=mentor,
                                       host_school=host_school if kind == PlanKind.SHADOWING else host_school,
                                       start=start, end=end, created_by=actor)
    if linked:
        plan.findings.set(linked)
    audit_create(actor, plan)
    return plan


@transaction.atomic
def plan_entry_add(*, actor: User | None, plan: FollowUpPlan, date: dt.date, text: str) -> FollowUpPlan:
    """One entry of the plan's record (a lesson followed, a day shadowed, a talk)."""
    if actor is not None and not access.can_manage_plan(actor, plan):
        raise VisitError("过程记录：无权填写该跟踪计划")
    if plan.status != PlanStatus.ACTIVE:
        raise VisitError("过程记录：该计划已结束")
    text = _check_text("过程记录", text, required=True)
    if date < plan.start:
        raise VisitError("日期：不能早于计划开始日期")
    old = snapshot(plan)
    by = _person_of(actor)
    plan.entries = [*plan.entries, {"date": date.isoformat(), "text": text, "by": by.pk if by else None}]
    plan.save(update_fields=["entries", "updated_at"])
    audit_update(actor, plan, old)
    return plan


@transaction.atomic
def plan_close(*, actor: User | None, plan: FollowUpPlan, done: bool, comment: str = "") -> FollowUpPlan:
    """End the plan: completed, or stopped (with the reason as its last entry)."""
    if actor is not None and not access.can_manage_plan(actor, plan):
        raise VisitError("结束计划：无权结束该跟踪计划")
    if plan.status != PlanStatus.ACTIVE:
        raise VisitError("结束计划：该计划已结束")
    comment = _check_text("结束说明", comment, required=not done)
    old = snapshot(plan)
    plan.status = PlanStatus.DONE if done else PlanStatus.STOPPED
    if comment:
        by = _person_of(actor)
        plan.entries = [*plan.entries, {"date": timezone.localdate().isoformat(), "text": comment,
                                        "by": by.pk if by else None}]
    plan.save(update_fields=["status", "entries", "updated_at"])
    audit_update(actor, plan, old)
    return plan


# ---------------------------------------------------------------- quality's warning actions


@dataclass(frozen=True)
class WarningRow:
    """A quality early-warning action shown in the rectification list (read, not copied)."""

    pk: int
    school_name: str
    school_code: str
    title: str
    note: str
    kind_label: str
    owner_name: str
    due: dt.date
    done: bool
    overdue: bool
    url: str


def warning_rectification_rows(user: AnyUser, *, today: dt.date | None = None,
                               school: OrgNode | None = None) -> list[WarningRow]:
    """Quality's early-warning actions the user may read (quality.access.warnings_visible_to):
    every action has an owner and a due date, so each is one row of the rectification loop."""
    from quality.access import warnings_visible_to
    from quality.models import WarningAction

    if not scope_of(user).is_sysadmin and not scope_of(user).grants and scope_of(user).person_id is None:
        return []
    day = today or timezone.localdate()
    qs = (WarningAction.objects.filter(warning__in=warnings_visible_to(user).values("pk"))
          .select_related("warning__school", "owner").order_by("due", "id"))
    if school is not None:
        qs = qs.filter(warning__school=school)
    rows = []
    for a in qs[:500]:
        done = a.done_at is not None
        rows.append(WarningRow(a.pk, a.warning.school.name, a.warning.school.code, a.warning.title, a.note,
                               a.get_kind_display(), a.owner.name, a.due, done, not done and a.due < day,
                               reverse("quality:warning_detail", args=[a.warning_id])))
    return rows


def overdue_q(today: dt.date) -> Q:
    """Unresolved findings past their deadline (the list's 'overdue' filter)."""
    return Q(status__in=UNRESOLVED, deadline__lt=today)
