"""Writes of talent programmes (001 一(二)二: 学科带头人, 骨干教师, 优秀青年教师 with 示范课,
参赛课, 汇报课 per tier; 000 §12: provincial backbone researchers): the programme, its tiers and
their duties, selection rounds, members (recorded in the trunk as core.Designation where the tier
is a title of honour), the observed lessons that fulfil duties, and periodic assessments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from core.audit import audit_create, audit_update, snapshot
from core.models import Designation, DesignationKind, Level, OrgKind, OrgNode, Person, User
from core.rubric_levels import DEFAULT_LEVELS
from growth.access import can_manage_region
from growth.errors import GrowthError
from growth.models import (
    DutyFulfilment,
    DutyPeriod,
    MemberAssessment,
    MemberStatus,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    SelectionRound,
    TalentProgramme,
    TierDuty,
)
from observe.models import Observation, ObservationKind, ObservationStatus

# The tier kinds that are titles of honour in the trunk (core.Designation); a 青年教师 tier is not.
DESIGNATION_OF: dict[str, str] = {
    ProgrammeKind.LEADER: DesignationKind.LEADER,
    ProgrammeKind.BACKBONE: DesignationKind.BACKBONE,
    ProgrammeKind.MASTER: DesignationKind.MASTER,
    ProgrammeKind.BACKBONE_RESEARCHER: DesignationKind.BACKBONE,
}
# The lessons a duty may ask for (observe's lesson kinds).
DUTY_LESSON_KINDS = (ObservationKind.DEMONSTRATION, ObservationKind.CONTEST, ObservationKind.REPORT,
                     ObservationKind.OPEN, ObservationKind.OUTREACH)
GRADES = tuple(label for label, _ in DEFAULT_LEVELS)


def _require_manage(actor: User | None, region: OrgNode) -> None:
    if actor is not None and not can_manage_region(actor, region):
        raise GrowthError(f"您不能管理{region.name}的培养项目", field="region")


@transaction.atomic
def programme_create(*, actor: User | None, region: OrgNode, name: str, kind: str, level: str, start: dt.date,
                     end: dt.date, quota: int = 0, description: str = "") -> TalentProgramme:
    if region.kind == OrgKind.SCHOOL:
        raise GrowthError("组织区域：培养项目由区域教研机构组织", field="region")
    _require_manage(actor, region)
    name = name.strip()
    if not name or len(name) > 100:
        raise GrowthError("项目名称：必填，不超过100个字", field="name")
    if kind not in ProgrammeKind.values:
        raise GrowthError("类别：请选择学科带头人、骨干教师、青年教师、名师或骨干教研员", field="kind")
    if level not in Level.values:
        raise GrowthError("级别：请选择", field="level")
    if end <= start:
        raise GrowthError("结束日期：必须晚于开始日期", field="end")
    programme = TalentProgramme.objects.create(region=region, name=name, kind=kind, level=level, start=start,
                                               end=end, quota=max(quota, 0), description=description.strip())
    audit_create(actor, programme)
    return programme


@transaction.atomic
def tier_add(*, actor: User | None, programme: TalentProgramme, name: str, kind: str, rank: int = 1,
             quota: int = 0) -> ProgrammeTier:
    _require_manage(actor, programme.region)
    name = name.strip()
    if not name or len(name) > 40:
        raise GrowthError("层级：必填，不超过40个字", field="name")
    if kind not in ProgrammeKind.values:
        raise GrowthError("称号类别：请选择", field="kind")
    if programme.tiers.filter(name=name).exists():
        raise GrowthError(f"层级：“{name}”已存在", field="name")
    tier = ProgrammeTier.objects.create(programme=programme, name=name, kind=kind, rank=rank, quota=max(quota, 0))
    audit_create(actor, tier)
    return tier


@transaction.atomic
def duty_set(*, actor: User | None, tier: ProgrammeTier, lesson_kind: str, count: int,
             period: str = DutyPeriod.TERM) -> TierDuty:
    """The tier's duty of `lesson_kind` lessons, created or changed."""
    _require_manage(actor, tier.programme.region)
    if lesson_kind not in DUTY_LESSON_KINDS:
        raise GrowthError("课型：请选择示范课、参赛课、汇报课、公开课或送教课", field="lesson_kind")
    if count < 1 or count > 20:
        raise GrowthError("节数：1至20节", field="count")
    if period not in DutyPeriod.values:
        raise GrowthError("周期：请选择每学期或每学年", field="period")
    duty = TierDuty.objects.filter(tier=tier, lesson_kind=lesson_kind).first()
    if duty is None:
        duty = TierDuty.objects.create(tier=tier, lesson_kind=lesson_kind, count=count, period=period)
        audit_create(actor, duty)
        return duty
    old = snapshot(duty)
    duty.count, duty.period = count, period
    duty.save(update_fields=["count", "period"])
    audit_update(actor, duty, old)
    return duty


@transaction.atomic
def round_add(*, actor: User | None, programme: TalentProgramme, name: str, held_on: dt.date,
              quota: int = 0) -> SelectionRound:
    _require_manage(actor, programme.region)
    name = name.strip()
    if not name or len(name) > 60:
        raise GrowthError("轮次：必填，不超过60个字", field="name")
    selection = SelectionRound.objects.create(programme=programme, name=name, held_on=held_on, quota=max(quota, 0))
    audit_create(actor, selection)
    return selection


@transaction.atomic
def member_add(*, actor: User | None, programme: TalentProgramme, tier: ProgrammeTier, person: Person,
               start: dt.date | None = None, end: dt.date | None = None,
               selection: SelectionRound | None = None) -> ProgrammeMember:
    """Select a person into a tier; a title-of-honour tier also records a core.Designation for the
    period (the trunk's record of membership)."""
    _require_manage(actor, programme.region)
    if tier.programme_id != programme.pk:
        raise GrowthError("层级：不属于该项目", field="tier")
    if not person.org.path.startswith(programme.region.path):
        raise GrowthError(f"{person.name}不在{programme.region.name}范围内", field="person")
    if programme.members.filter(person=person).exists():
        raise GrowthError(f"{person.name}已是该项目成员", field="person")
    active = tier.members.exclude(status=MemberStatus.WITHDRAWN).count()
    if tier.quota and active >= tier.quota:
        raise GrowthError(f"{tier.name}名额已满（{tier.quota}名）", field="tier")
    start, end = start or programme.start, end or programme.end
    if end <= start:
        raise GrowthError("结束日期：必须晚于开始日期", field="end")
    designation = None
    kind = DESIGNATION_OF.get(tier.kind)
    if kind is not None:
        designation = Designation.objects.create(person=person, kind=kind, level=programme.level,
                                                 programme=programme.name[:100], start=start, end=end)
        audit_create(actor, designation)
    member = ProgrammeMember.objects.create(programme=programme, tier=tier, person=person, round=selection,
                                            start=start, end=end, designation=designation)
    audit_create(actor, member)
    return member


@transaction.atomic
def member_withdraw(*, actor: User | None, member: ProgrammeMember, on: dt.date) -> ProgrammeMember:
    """A member leaves: the membership ends and so does the designation it gave."""
    _require_manage(actor, member.programme.region)
    if member.status == MemberStatus.WITHDRAWN:
        raise GrowthError("该成员已退出", field="status")
    old = snapshot(member)
    member.status = MemberStatus.WITHDRAWN
    member.end = max(on, member.start + dt.timedelta(days=1))
    member.save(update_fields=["status", "end", "updated_at"])
    audit_update(actor, member, old)
    if member.designation is not None:
        d = member.designation
        old_d = snapshot(d)
        d.end = member.end
        d.save(update_fields=["end", "updated_at"])
        audit_update(actor, d, old_d)
    return member


@transaction.atomic
def fulfilment_link(*, actor: User | None, member: ProgrammeMember, observation: Observation) -> DutyFulfilment:
    """An observed lesson the member taught fulfils the tier's duty of that lesson kind."""
    _require_manage(actor, member.programme.region)
    if observation.teacher_id != member.person_id:
        raise GrowthError(f"听课记录：授课教师不是{member.person.name}", field="observation")
    if observation.status != ObservationStatus.SUBMITTED:
        raise GrowthError("听课记录：尚未提交", field="observation")
    if not member.start <= observation.date <= member.end:
        raise GrowthError(f"听课记录：{observation.date:%Y-%m-%d}不在培养期内", field="observation")
    duty = member.tier.duties.filter(lesson_kind=observation.kind).first()
    if duty is None:
        raise GrowthError(f"听课记录：{observation.get_kind_display()}不是{member.tier.name}的职责课型",
                          field="observation")
    if DutyFulfilment.objects.filter(member=member, observation=observation).exists():
        raise GrowthError("听课记录：已登记", field="observation")
    link = DutyFulfilment.objects.create(member=member, duty=duty, observation=observation,
                                         linked_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, link)
    return link


@transaction.atomic
def member_assess(*, actor: User | None, member: ProgrammeMember, period: str, score: Decimal, grade: str,
                  assessed_on: dt.date, comment: str = "") -> MemberAssessment:
    _require_manage(actor, member.programme.region)
    if not period.strip():
        raise GrowthError("考核周期：必填", field="period")
    if not Decimal(0) <= score <= Decimal(100):
        raise GrowthError("得分：0至100", field="score")
    if grade not in GRADES:
        raise GrowthError("等级：请选择优、良、中或差", field="grade")
    assessment = MemberAssessment.objects.create(member=member, period=period.strip()[:40], score=score,
                                                 grade=grade, assessed_on=assessed_on, comment=comment.strip()[:300])
    audit_create(actor, assessment)
    return assessment
