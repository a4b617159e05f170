"""Writes of rounds, nominations, exchange meetings and responsibility zones.

Every function is keyword-only, runs in one transaction, writes its audit events and refuses with
a LiaisonError whose Chinese message names the field. `actor=None` is the system (the demo seed,
tests' set-up); a user actor is checked against liaison.access.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from core.audit import audit_create, audit_update, snapshot
from core.models import OrgKind, OrgNode, Person, SchoolType, Stage, Subject, Term, User
from liaison import rules
from liaison.access import can_edit_zone, can_nominate, can_organise_at, can_organise_round
from liaison.errors import LiaisonError
from liaison.models import (
    ExchangeMeeting,
    Nomination,
    NominationNeed,
    NominationStatus,
    ResponsibilityZone,
    Round,
    RoundStatus,
    ZoneActivity,
    ZoneActivityKind,
)

MAX_NEEDS = 12


def _require_organise(actor: User | None, round_: Round) -> None:
    if actor is not None and not can_organise_round(actor, round_):
        raise LiaisonError("您不能组织这个轮次", field="round")
    if round_.status == RoundStatus.CLOSED:
        raise LiaisonError("这个轮次已结束，不能再修改", field="round")


def _title(title: str, field: str = "title", limit: int = 120) -> str:
    title = title.strip()
    if not title:
        raise LiaisonError("请填写名称", field=field)
    if len(title) > limit:
        raise LiaisonError(f"名称不能超过{limit}个字", field=field)
    return title


# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_create(*, actor: User | None, institution: OrgNode, title: str, start_year: int,
                 phases: rules.Phases | None = None, previous: Round | None = None, plan_text: str = "") -> Round:
    """A new round of `institution`, its phases by default those of 002 七 from `start_year`."""
    if institution.kind not in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY):
        raise LiaisonError("定点联系由省、市、县教研机构组织", field="institution")
    if actor is not None and not can_organise_at(actor, institution):
        raise LiaisonError(f"您不能为{institution.name}组织定点联系", field="institution")
    if not 2000 <= start_year <= 2100:
        raise LiaisonError("起始年份不正确", field="start_year")
    p = phases or rules.default_phases(start_year)
    _check_phases(p)
    if previous is not None and previous.institution_id != institution.pk:
        raise LiaisonError("上一轮须是同一单位的轮次", field="previous")
    round_ = Round.objects.create(institution=institution, title=_title(title), start_year=start_year,
                                  prep_start=p.prep_start, prep_end=p.prep_end, impl_start=p.impl_start,
                                  impl_end=p.impl_end, summary_start=p.summary_start, summary_end=p.summary_end,
                                  previous=previous, plan_text=plan_text.strip(),
                                  created_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, round_)
    return round_


def _check_phases(p: rules.Phases) -> None:
    if p.prep_end < p.prep_start:
        raise LiaisonError("准备阶段结束日期不能早于开始日期", field="prep_end")
    if p.impl_start < p.prep_start:
        raise LiaisonError("落实阶段不能早于准备阶段开始", field="impl_start")
    if p.impl_end < p.impl_start:
        raise LiaisonError("落实阶段结束日期不能早于开始日期", field="impl_end")
    if p.summary_end < p.summary_start:
        raise LiaisonError("总结阶段结束日期不能早于开始日期", field="summary_end")


@transaction.atomic
def round_update(*, actor: User | None, round_: Round, title: str, phases: rules.Phases, plan_text: str,
                 summary_text: str = "", outcomes: str = "", next_round_plan: str = "") -> Round:
    _require_organise(actor, round_)
    _check_phases(phases)
    old = snapshot(round_)
    round_.title = _title(title)
    round_.start_year = phases.start_year
    for name in ("prep_start", "prep_end", "impl_start", "impl_end", "summary_start", "summary_end"):
        setattr(round_, name, getattr(phases, name))
    round_.plan_text, round_.summary_text = plan_text.strip(), summary_text.strip()
    round_.outcomes, round_.next_round_plan = outcomes.strip(), next_round_plan.strip()
    round_.save(update_fields=["title", "start_year", "prep_start", "prep_end", "impl_start", "impl_end",
                               "summary_start", "summary_end", "plan_text", "summary_text", "outcomes",
                               "next_round_plan", "updated_at"])
    audit_update(actor, round_, old)
    return round_


STATUS_ORDER = [RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION, RoundStatus.SUMMARY, RoundStatus.CLOSED]


@transaction.atomic
def round_advance(*, actor: User | None, round_: Round) -> Round:
    """Move the round to its next phase (准备 → 落实 → 总结 → 结束)."""
    _require_organise(actor, round_)
    old = snapshot(round_)
    round_.status = STATUS_ORDER[STATUS_ORDER.index(RoundStatus(round_.status)) + 1]
    round_.save(update_fields=["status", "updated_at"])
    audit_update(actor, round_, old)
    return round_


# ---------------------------------------------------------------- nominations


@transaction.atomic
def nomination_submit(*, actor: User | None, round_: Round, school: OrgNode, nominated_by: OrgNode | None = None,
                      needs: Sequence[tuple[Subject, str, str]] = (), wants_continuity: bool = False,
                      note: str = "") -> Nomination:
    """A school nominated with its needs (subject, stage, note); a second nomination of the same
    school replaces its needs."""
    if round_.status not in (RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION):
        raise LiaisonError("这个轮次已不接受申报", field="round")
    if school.kind != OrgKind.SCHOOL or not school.path.startswith(round_.institution.path):
        raise LiaisonError(f"{school.name}不在{round_.institution.name}范围内", field="school")
    if actor is not None and not can_nominate(actor, round_, school):
        raise LiaisonError(f"您不能申报{school.name}", field="school")
    if not needs:
        raise LiaisonError("请至少填写一项学科需求", field="needs")
    if len(needs) > MAX_NEEDS:
        raise LiaisonError(f"学科需求不能超过{MAX_NEEDS}项", field="needs")
    seen: set[tuple[int, str]] = set()
    for i, (subject, stage, need_note) in enumerate(needs, start=1):
        if stage not in Stage.values:
            raise LiaisonError(f"第{i}项需求的学段不正确", field="needs")
        if (subject.pk, stage) in seen:
            raise LiaisonError(f"第{i}项需求与前面重复：{Stage(stage).label}{subject.name}", field="needs")
        if len(need_note) > 200:
            raise LiaisonError(f"第{i}项需求的说明不能超过200个字", field="needs")
        seen.add((subject.pk, stage))
    by = nominated_by or school.parent or school
    nomination = Nomination.objects.filter(round=round_, school=school).first()
    if nomination is None:
        nomination = Nomination.objects.create(round=round_, school=school, nominated_by=by, note=note.strip(),
                                               wants_continuity=wants_continuity,
                                               created_by=actor if actor is not None and actor.pk else None)
        audit_create(actor, nomination)
    else:
        old = snapshot(nomination)
        nomination.note, nomination.wants_continuity, nomination.nominated_by = note.strip(), wants_continuity, by
        nomination.save(update_fields=["note", "wants_continuity", "nominated_by", "updated_at"])
        nomination.needs.all().delete()
        audit_update(actor, nomination, old)
    NominationNeed.objects.bulk_create([NominationNeed(nomination=nomination, subject=s, stage=st, note=n.strip())
                                        for s, st, n in needs])
    return nomination


@transaction.atomic
def nomination_decide(*, actor: User | None, nomination: Nomination, accepted: bool) -> Nomination:
    _require_organise(actor, nomination.round)
    old = snapshot(nomination)
    nomination.status = NominationStatus.ACCEPTED if accepted else NominationStatus.DECLINED
    nomination.save(update_fields=["status", "updated_at"])
    audit_update(actor, nomination, old)
    return nomination


# ---------------------------------------------------------------- exchange meetings


@transaction.atomic
def meeting_record(*, actor: User | None, round_: Round, term: Term, date: dt.date, title: str, place: str = "",
                   attendees: int = 0, summary: str = "") -> ExchangeMeeting:
    """The semester's work exchange meeting (七(二)3), dated in its term."""
    _require_organise(actor, round_)
    if not term.start <= date <= term.end:
        raise LiaisonError(f"日期不在{term.label}内（{term.start}至{term.end}）", field="date")
    if attendees < 0 or attendees > 10000:
        raise LiaisonError("参会人数不正确", field="attendees")
    meeting = ExchangeMeeting.objects.create(round=round_, term=term, date=date, title=_title(title),
                                             place=place.strip()[:120], attendees=attendees, summary=summary.strip())
    audit_create(actor, meeting)
    return meeting


# ---------------------------------------------------------------- responsibility zones


@transaction.atomic
def zone_create(*, actor: User | None, region: OrgNode, name: str, lead: OrgNode, members: Sequence[OrgNode],
                coordinator: Person | None = None) -> ResponsibilityZone:
    """A preschool guidance responsibility zone: a lead kindergarten and its members, all in the region."""
    if actor is not None and not can_edit_zone(actor, region):
        raise LiaisonError(f"您不能在{region.name}设立责任区", field="region")
    for field, node in [("lead", lead), *[("members", m) for m in members]]:
        if node.school_type != SchoolType.KINDERGARTEN or not node.path.startswith(region.path):
            raise LiaisonError(f"{node.name}不是{region.name}的幼儿园", field=field)
    if not members:
        raise LiaisonError("请选择成员园", field="members")
    if any(m.pk == lead.pk for m in members):
        raise LiaisonError("牵头园不能同时是成员园", field="members")
    name = _title(name, "name", 80)
    if ResponsibilityZone.objects.filter(region=region, name=name).exists():
        raise LiaisonError(f"{region.name}已有名为“{name}”的责任区", field="name")
    zone = ResponsibilityZone.objects.create(region=region, name=name, lead=lead, coordinator=coordinator)
    zone.members.set(members)
    audit_create(actor, zone)
    return zone


@transaction.atomic
def zone_activity_record(*, actor: User | None, zone: ResponsibilityZone, kind: str, date: dt.date, host: OrgNode,
                         summary: str) -> ZoneActivity:
    if actor is not None and not can_edit_zone(actor, zone.region):
        raise LiaisonError("您不能记录这个责任区的活动", field="zone")
    if kind not in ZoneActivityKind.values:
        raise LiaisonError("活动类别不正确", field="kind")
    if host.pk != zone.lead_id and not zone.members.filter(pk=host.pk).exists():
        raise LiaisonError(f"{host.name}不在这个责任区内", field="host")
    if not summary.strip():
        raise LiaisonError("请填写活动内容", field="summary")
    activity = ZoneActivity.objects.create(zone=zone, kind=kind, date=date, host=host, summary=summary.strip())
    audit_create(actor, activity)
    return activity
