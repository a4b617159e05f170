"""Writes of links and the work done on them: proposals (by hand or from the optimiser), their
edits and acceptance, the plan agreed with the school, on-site days, the nine tasks, follow-up
guidance plans.

Keyword-only, one transaction each, audited; refusals are LiaisonError naming the field. A write
on a link also marks the linked person's unit stale (their RES.ONSITE and RES.LINK_* rows sit at
their own unit, which need not be above the school).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.compliance import Thresholds
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode, Person, Post, Stage, Subject, User
from core.norm_results import mark_dirty
from liaison.access import can_agree_plan, can_choose_school, can_log_link, can_organise_round
from liaison.errors import LiaisonError
from liaison.models import (
    DayPortion,
    GuidancePlan,
    GuidanceStatus,
    Link,
    LinkerKind,
    LinkPlan,
    LinkSource,
    LinkStatus,
    Nomination,
    NominationStatus,
    OnsiteDay,
    PlanStatus,
    Round,
    RoundStatus,
    Task,
    TaskCheck,
)
from observe.models import Observation
from visits.models import Visit


def _person_stale(person: Person) -> None:
    mark_dirty([person.org.path])


def _require_organise(actor: User | None, round_: Round) -> None:
    if actor is not None and not can_organise_round(actor, round_):
        raise LiaisonError("您不能组织这个轮次", field="round")
    if round_.status == RoundStatus.CLOSED:
        raise LiaisonError("这个轮次已结束，不能再修改", field="round")


def _require_log(actor: User | None, link: Link) -> None:
    if actor is not None and not can_log_link(actor, link):
        raise LiaisonError("您不能记录这项定点联系的工作", field="link")
    if link.status == LinkStatus.ENDED or link.round.status == RoundStatus.CLOSED:
        raise LiaisonError("这项定点联系已结束", field="link")


def link_capacity(round_: Round) -> int:
    """The most units one person links in a round: the top of RES.LINK_RANGE at the institution
    (4 by default)."""
    high = Thresholds().range_at("RES.LINK_RANGE", round_.institution.path)[1]
    return int(high) if high is not None else 4


def _check_target(round_: Round, school: OrgNode) -> None:
    if not school.path.startswith(round_.institution.path) or school.pk == round_.institution_id:
        raise LiaisonError(f"{school.name}不在{round_.institution.name}范围内", field="school")
    if round_.institution.kind == OrgKind.PROVINCE:
        if school.kind not in (OrgKind.COUNTY, OrgKind.SCHOOL):
            raise LiaisonError("省级轮次联系县（区）或学校", field="school")
    elif school.kind != OrgKind.SCHOOL:
        raise LiaisonError("请选择一所学校", field="school")


def _check_load(round_: Round, person: Person, *, excluding: int | None = None) -> None:
    taken = Link.objects.filter(round=round_, person=person).exclude(status=LinkStatus.ENDED)
    if excluding is not None:
        taken = taken.exclude(pk=excluding)
    cap = link_capacity(round_)
    if taken.count() >= cap:
        raise LiaisonError(f"{person.name}本轮已联系{cap}所学校，不能再增加", field="person")


@transaction.atomic
def link_propose(*, actor: User | None, round_: Round, person: Person, school: OrgNode, kind: str = LinkerKind.RESEARCHER,
                 subjects: Sequence[Subject] = (), stage: str = "", reason: str = "", leader: Person | None = None,
                 continuity: bool = False, source: str = LinkSource.MANUAL) -> Link:
    """A proposed link; the organiser accepts it (link_accept) after editing."""
    _require_organise(actor, round_)
    return _propose(actor=actor, round_=round_, person=person, school=school, kind=kind, subjects=subjects,
                    stage=stage, reason=reason, leader=leader, continuity=continuity, source=source)


def _propose(*, actor: User | None, round_: Round, person: Person, school: OrgNode, kind: str,
             subjects: Sequence[Subject], stage: str, reason: str, leader: Person | None, continuity: bool,
             source: str) -> Link:
    if kind not in LinkerKind.values:
        raise LiaisonError("联系人身份不正确", field="kind")
    if stage and stage not in Stage.values:
        raise LiaisonError("学段不正确", field="stage")
    if source not in LinkSource.values:
        raise LiaisonError("来源不正确", field="source")
    _check_target(round_, school)
    if Link.objects.filter(round=round_, person=person, school=school).exists():
        raise LiaisonError(f"{person.name}本轮已联系{school.name}", field="school")
    _check_load(round_, person)
    if leader is not None and leader.pk == person.pk:
        raise LiaisonError("团队教研员不能是本人", field="leader")
    link = Link.objects.create(round=round_, person=person, school=school, kind=kind, stage=stage,
                               reason=reason.strip(), leader=leader, continuity=continuity, source=source)
    link.subjects.set(subjects)
    audit_create(actor, link)
    _person_stale(person)
    return link


@transaction.atomic
def link_choose(*, actor: User, round_: Round, nomination: Nomination) -> Link:
    """A researcher chooses a nominated school for themselves: a proposal (source CHOSEN) in the
    subjects of the school's needs that are theirs, for the organisers to accept."""
    if not can_choose_school(actor, round_) or actor.person is None:
        raise LiaisonError("只有本单位的教研员可以选择联系学校", field="round")
    if round_.status not in (RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION):
        raise LiaisonError("这个轮次已不能选择联系学校", field="round")
    if nomination.round_id != round_.pk or nomination.status == NominationStatus.DECLINED:
        raise LiaisonError("这所学校没有列入本轮申报", field="school")
    person = actor.person
    mine = set(Post.objects.active().filter(person=person, org=round_.institution, role__in=RESEARCHER_ROLES)
               .values_list("subject_id", flat=True))
    needs = [n for n in nomination.needs.select_related("subject") if n.subject_id in mine]
    if not needs:
        raise LiaisonError(f"{nomination.school.name}的需求中没有您任教研的学科", field="school")
    return _propose(actor=actor, round_=round_, person=person, school=nomination.school,
                    kind=LinkerKind.RESEARCHER, subjects=[n.subject for n in needs], stage=needs[0].stage,
                    reason="教研员自选：" + "、".join(f"{n.get_stage_display()}{n.subject.name}" for n in needs),
                    leader=None, continuity=nomination.wants_continuity, source=LinkSource.CHOSEN)


@transaction.atomic
def link_update(*, actor: User | None, link: Link, person: Person, school: OrgNode, subjects: Sequence[Subject],
                stage: str, reason: str, leader: Person | None = None) -> Link:
    """Edit a proposal (who, which school, subjects, why); an accepted link keeps its pair and
    changes only its subjects, stage and reason."""
    _require_organise(actor, link.round)
    if stage and stage not in Stage.values:
        raise LiaisonError("学段不正确", field="stage")
    if link.status != LinkStatus.PROPOSED and (person.pk != link.person_id or school.pk != link.school_id):
        raise LiaisonError("已确定的联系不能更换联系人或学校，请终止后重新确定", field="school")
    if person.pk != link.person_id or school.pk != link.school_id:
        _check_target(link.round, school)
        if Link.objects.filter(round=link.round, person=person, school=school).exclude(pk=link.pk).exists():
            raise LiaisonError(f"{person.name}本轮已联系{school.name}", field="school")
        _check_load(link.round, person, excluding=link.pk)
    old = snapshot(link)
    previous_person = link.person
    link.person, link.school, link.stage, link.reason, link.leader = person, school, stage, reason.strip(), leader
    if link.source == LinkSource.OPTIMISER:
        link.source = LinkSource.MANUAL if (old["person_id"], old["school_id"]) != (person.pk, school.pk) else link.source
    link.save(update_fields=["person", "school", "stage", "reason", "leader", "source", "updated_at"])
    link.subjects.set(subjects)
    audit_update(actor, link, old)
    _person_stale(person)
    if previous_person.pk != person.pk:
        _person_stale(previous_person)
    return link


@transaction.atomic
def link_accept(*, actor: User | None, link: Link) -> Link:
    _require_organise(actor, link.round)
    if link.status != LinkStatus.PROPOSED:
        raise LiaisonError("只有拟联系的记录可以确定", field="status")
    old = snapshot(link)
    link.status = LinkStatus.ACCEPTED
    link.accepted_by = actor if actor is not None and actor.pk else None
    link.accepted_at = timezone.now()
    link.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    audit_update(actor, link, old)
    _person_stale(link.person)
    return link


@transaction.atomic
def links_accept_all(*, actor: User | None, round_: Round) -> int:
    """Accept every proposal of the round at once (after the organiser's edits), all or none."""
    _require_organise(actor, round_)
    n = 0
    for link in Link.objects.filter(round=round_, status=LinkStatus.PROPOSED).select_related("round", "person__org"):
        link_accept(actor=actor, link=link)
        n += 1
    return n


@transaction.atomic
def link_end(*, actor: User | None, link: Link) -> Link:
    _require_organise(actor, link.round)
    if link.status == LinkStatus.ENDED:
        raise LiaisonError("这项联系已终止", field="status")
    old = snapshot(link)
    link.status = LinkStatus.ENDED
    link.save(update_fields=["status", "updated_at"])
    audit_update(actor, link, old)
    _person_stale(link.person)
    return link


@transaction.atomic
def link_withdraw(*, actor: User | None, link: Link) -> None:
    """Remove a proposal that was never accepted."""
    _require_organise(actor, link.round)
    if link.status != LinkStatus.PROPOSED:
        raise LiaisonError("已确定的联系不能删除，请终止", field="status")
    audit_delete(actor, link)
    person = link.person
    link.delete()
    _person_stale(person)


# ---------------------------------------------------------------- the plan


@transaction.atomic
def plan_save(*, actor: User | None, link: Link, school_needs: str, goals: str = "", activities: str = "") -> LinkPlan:
    """The plan drafted with the school, its needs first; a change after agreement asks the
    school to agree again."""
    _require_log(actor, link)
    if not school_needs.strip():
        raise LiaisonError("请先填写学校需求", field="school_needs")
    plan = LinkPlan.objects.filter(link=link).first()
    if plan is None:
        plan = LinkPlan.objects.create(link=link, school_needs=school_needs.strip(), goals=goals.strip(),
                                       activities=activities.strip())
        audit_create(actor, plan)
        return plan
    old = snapshot(plan)
    plan.school_needs, plan.goals, plan.activities = school_needs.strip(), goals.strip(), activities.strip()
    if (plan.school_needs, plan.goals, plan.activities) != (old["school_needs"], old["goals"], old["activities"]):
        plan.status, plan.agreed_by, plan.agreed_at = PlanStatus.DRAFT, None, None
    plan.save(update_fields=["school_needs", "goals", "activities", "status", "agreed_by", "agreed_at", "updated_at"])
    audit_update(actor, plan, old)
    return plan


@transaction.atomic
def plan_agree(*, actor: User | None, link: Link) -> LinkPlan:
    """The school's principal or vice principal agrees the plan."""
    if actor is not None and not can_agree_plan(actor, link):
        raise LiaisonError("只有联系学校的校长、副校长可以确认工作计划", field="plan")
    plan = LinkPlan.objects.filter(link=link).first()
    if plan is None:
        raise LiaisonError("还没有工作计划", field="plan")
    if plan.status == PlanStatus.AGREED:
        raise LiaisonError("工作计划已确认", field="plan")
    old = snapshot(plan)
    plan.status, plan.agreed_at = PlanStatus.AGREED, timezone.now()
    plan.agreed_by = actor if actor is not None and actor.pk else None
    plan.save(update_fields=["status", "agreed_by", "agreed_at", "updated_at"])
    audit_update(actor, plan, old)
    return plan


# ---------------------------------------------------------------- on-site days


@transaction.atomic
def onsite_day_log(*, actor: User | None, link: Link, date: dt.date, work: str, portion: str = DayPortion.FULL,
                   observation: Observation | None = None, visit: Visit | None = None, other_refs: str = "",
                   client_uuid: str = "", today: dt.date | None = None) -> OnsiteDay:
    """A day on site at the linked school. A phone that sends the same form twice (its
    client_uuid) gets the day it already logged."""
    if client_uuid:
        same = OnsiteDay.objects.filter(link=link, client_uuid=client_uuid).first()
        if same is not None:
            return same
    _require_log(actor, link)
    if link.status != LinkStatus.ACCEPTED:
        raise LiaisonError("联系确定后才能记录驻校工作", field="link")
    if portion not in DayPortion.values:
        raise LiaisonError("时长不正确", field="portion")
    r = link.round
    if not r.prep_start <= date <= r.summary_end:
        raise LiaisonError(f"日期不在本轮次内（{r.prep_start}至{r.summary_end}）", field="date")
    if date > (today or timezone.localdate()):
        raise LiaisonError("不能记录今后的日期", field="date")
    if not work.strip():
        raise LiaisonError("请填写工作内容", field="work")
    if len(other_refs) > 300:
        raise LiaisonError("其他关联记录不能超过300个字", field="other_refs")
    if observation is not None and observation.school_id != link.school_id:
        raise LiaisonError("所选听评课记录不在联系学校", field="observation")
    if OnsiteDay.objects.filter(link=link, date=date).exists():
        raise LiaisonError(f"{date:%Y-%m-%d}已记录过驻校工作，请修改那一天的记录", field="date")
    day = OnsiteDay.objects.create(link=link, date=date, portion=portion, work=work.strip(), observation=observation,
                                   visit=visit, other_refs=other_refs.strip(), client_uuid=client_uuid[:36],
                                   logged_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, day)
    _person_stale(link.person)
    return day


@transaction.atomic
def onsite_day_delete(*, actor: User | None, day: OnsiteDay) -> None:
    _require_log(actor, day.link)
    audit_delete(actor, day)
    person = day.link.person
    day.delete()
    _person_stale(person)


# ---------------------------------------------------------------- the nine tasks


@transaction.atomic
def task_check(*, actor: User | None, link: Link, task: int, done: bool, evidence: str = "") -> TaskCheck:
    """Tick (or untick) one of the nine tasks; a task is done with its evidence."""
    _require_log(actor, link)
    if task not in Task.values:
        raise LiaisonError("任务不正确", field="task")
    evidence = evidence.strip()
    if done and not evidence:
        raise LiaisonError(f"请填写“{Task(task).label}”的佐证材料", field="evidence")
    check = TaskCheck.objects.filter(link=link, task=task).first()
    if check is None:
        check = TaskCheck(link=link, task=task)
        old = None
    else:
        old = snapshot(check)
    check.done, check.evidence = done, evidence
    check.checked_by = actor if actor is not None and actor.pk else None
    check.checked_at = timezone.now()
    check.save()
    if old is None:
        audit_create(actor, check)
    else:
        audit_update(actor, check, old)
    return check


# ---------------------------------------------------------------- guidance plans


@transaction.atomic
def guidance_save(*, actor: User | None, link: Link, teacher: Person, current_level: str, goals: str,
                  measures: str = "", case_text: str = "", plan: GuidancePlan | None = None) -> GuidancePlan:
    """A follow-up guidance plan for a teacher of the linked school; writing its case marks it done."""
    _require_log(actor, link)
    if teacher.org_id != link.school_id:
        raise LiaisonError(f"{teacher.name}不是{link.school.name}的教师", field="teacher")
    if not current_level.strip():
        raise LiaisonError("请填写教师现状", field="current_level")
    if not goals.strip():
        raise LiaisonError("请填写发展目标", field="goals")
    clash = GuidancePlan.objects.filter(link=link, teacher=teacher)
    if plan is not None:
        clash = clash.exclude(pk=plan.pk)
    if clash.exists():
        raise LiaisonError(f"{teacher.name}已有跟进式指导方案", field="teacher")
    status = GuidanceStatus.DONE if case_text.strip() else GuidanceStatus.ONGOING
    if plan is None:
        plan = GuidancePlan.objects.create(link=link, teacher=teacher, current_level=current_level.strip(),
                                           goals=goals.strip(), measures=measures.strip(), case_text=case_text.strip(),
                                           status=status)
        audit_create(actor, plan)
        return plan
    old = snapshot(plan)
    plan.teacher, plan.current_level, plan.goals = teacher, current_level.strip(), goals.strip()
    plan.measures, plan.case_text, plan.status = measures.strip(), case_text.strip(), status
    plan.save(update_fields=["teacher", "current_level", "goals", "measures", "case_text", "status", "updated_at"])
    audit_update(actor, plan, old)
    return plan
