"""Writes of what a region's institution runs: competitions (001 一(二)三), master-teacher studios
(004 (二)6) and quality subject base schools with the weak groups they help (004 (二)5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from core.audit import audit_create
from core.models import Level, OrgKind, OrgNode, Person, Stage, Subject, User
from growth.access import can_manage_region
from growth.errors import GrowthError
from growth.models import (
    BaseHelp,
    BaseSchool,
    Competition,
    CompetitionKind,
    CompetitionRound,
    Studio,
    StudioAssessment,
    StudioEntry,
    StudioEntryKind,
    StudioMember,
)
from growth.services.programmes import GRADES


def _require_manage(actor: User | None, region: OrgNode) -> None:
    if region.kind == OrgKind.SCHOOL:
        raise GrowthError("组织区域：请选择区域（省、市、县）", field="region")
    if actor is not None and not can_manage_region(actor, region):
        raise GrowthError(f"您不能管理{region.name}的事务", field="region")


def _name(value: str, label: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise GrowthError(f"{label}：必填，不超过{limit}个字", field="name")
    return value


def _school_under(school: OrgNode, region: OrgNode, field: str = "school") -> None:
    if school.kind != OrgKind.SCHOOL or not school.path.startswith(region.path):
        raise GrowthError(f"学校：请选择{region.name}的学校", field=field)


@transaction.atomic
def competition_create(*, actor: User | None, region: OrgNode, name: str, kind: str, level: str, held_on: dt.date,
                       subject: Subject | None = None, stage: str = "", entrants: int = 0,
                       rounds: tuple[tuple[str, dt.date], ...] = ()) -> Competition:
    _require_manage(actor, region)
    if kind not in CompetitionKind.values:
        raise GrowthError("类别：请选择", field="kind")
    if level not in Level.values:
        raise GrowthError("级别：请选择", field="level")
    if stage and stage not in Stage.values:
        raise GrowthError("学段：请选择", field="stage")
    competition = Competition.objects.create(region=region, name=_name(name, "比赛名称", 120), kind=kind, level=level,
                                             subject=subject, stage=stage, held_on=held_on, entrants=max(entrants, 0))
    audit_create(actor, competition)
    for i, (round_name, day) in enumerate(rounds, start=1):
        r = CompetitionRound.objects.create(competition=competition, name=round_name[:40], order=i, held_on=day)
        audit_create(actor, r)
    return competition


@transaction.atomic
def studio_create(*, actor: User | None, region: OrgNode, name: str, host: Person, level: str, start: dt.date,
                  subject: Subject | None = None, end: dt.date | None = None, plan: str = "") -> Studio:
    """A studio approved by `region`, hosted at the host's school."""
    _require_manage(actor, region)
    if level not in Level.values:
        raise GrowthError("级别：请选择", field="level")
    _school_under(host.org, region, "host")
    if end is not None and end <= start:
        raise GrowthError("周期结束：必须晚于成立日期", field="end")
    studio = Studio.objects.create(name=_name(name, "工作室名称", 100), host=host, region=region, school=host.org,
                                   level=level, subject=subject, start=start, end=end, plan=plan.strip())
    audit_create(actor, studio)
    return studio


@transaction.atomic
def studio_member_add(*, actor: User | None, studio: Studio, person: Person, joined_on: dt.date) -> StudioMember:
    _require_manage(actor, studio.region)
    if person.pk == studio.host_id:
        raise GrowthError("成员：主持人不必再加为成员", field="person")
    if studio.members.filter(person=person).exists():
        raise GrowthError(f"{person.name}已是成员", field="person")
    member = StudioMember.objects.create(studio=studio, person=person, joined_on=joined_on)
    audit_create(actor, member)
    return member


@transaction.atomic
def studio_entry_add(*, actor: User | None, studio: Studio, kind: str, title: str, date: dt.date,
                     summary: str = "") -> StudioEntry:
    _require_manage(actor, studio.region)
    if kind not in StudioEntryKind.values:
        raise GrowthError("类别：请选择活动或成果", field="kind")
    entry = StudioEntry.objects.create(studio=studio, kind=kind, title=_name(title, "名称", 120), date=date,
                                       summary=summary.strip())
    audit_create(actor, entry)
    return entry


@transaction.atomic
def studio_assess(*, actor: User | None, studio: Studio, year: int, score: Decimal, grade: str,
                  note: str = "") -> StudioAssessment:
    _require_manage(actor, studio.region)
    if not Decimal(0) <= score <= Decimal(100):
        raise GrowthError("得分：0至100", field="score")
    if grade not in GRADES:
        raise GrowthError("等级：请选择优、良、中或差", field="grade")
    if studio.assessments.filter(year=year).exists():
        raise GrowthError(f"{year}年度已考核", field="year")
    assessment = StudioAssessment.objects.create(studio=studio, year=year, score=score, grade=grade,
                                                 note=note.strip()[:300])
    audit_create(actor, assessment)
    return assessment


@transaction.atomic
def base_create(*, actor: User | None, region: OrgNode, school: OrgNode, stage: str, subject: Subject,
                start: dt.date, end: dt.date) -> BaseSchool:
    """A quality subject base school designated by a city (or county) for a stage and subject."""
    _require_manage(actor, region)
    _school_under(school, region)
    if stage not in Stage.values or stage == Stage.PRESCHOOL:
        raise GrowthError("学段：请选择小学、初中或高中", field="stage")
    if stage not in school.stages:
        raise GrowthError(f"学段：{school.name}没有{Stage(stage).label}", field="stage")
    if end <= start:
        raise GrowthError("结束日期：必须晚于开始日期", field="end")
    if BaseSchool.objects.filter(region=region, school=school, stage=stage, subject=subject, start__lte=end,
                                 end__gte=start).exists():
        raise GrowthError(f"{school.name}已是该期{subject.name}基地学校", field="school")
    base = BaseSchool.objects.create(region=region, school=school, stage=stage, subject=subject, start=start, end=end)
    audit_create(actor, base)
    return base


@transaction.atomic
def base_help_add(*, actor: User | None, base: BaseSchool, school: OrgNode, since: dt.date,
                  note: str = "") -> BaseHelp:
    """A weak subject group (of `school`, in the base's subject) the base helps."""
    _require_manage(actor, base.region)
    _school_under(school, base.region)
    if school.pk == base.school_id:
        raise GrowthError("帮扶学校：不能是基地学校本身", field="school")
    if base.helps.filter(school=school).exists():
        raise GrowthError(f"已在帮扶{school.name}", field="school")
    help_ = BaseHelp.objects.create(base=base, school=school, since=since, note=note.strip()[:200])
    audit_create(actor, help_)
    return help_
