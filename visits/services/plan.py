"""Writes of visit planning: visits, their schedule of schools and days with agendas, their
teams, the weekly pattern (WEEK.PATTERN) and the kind rules (VISIT.KINDS).

Every function is keyword-only, runs in one transaction, writes its audit events and refuses
with a VisitError whose Chinese message names the field. `actor=None` is the system (the demo
seed); a user actor is checked against visits.access. Clashes and pattern conflicts are
warnings returned to the caller, never refusals (visits.scheduling).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import OrgKind, OrgNode, Person, Subject, Term, User
from core.paths import ancestor_paths
from core.terms import terms_for
from visits import scheduling
from visits.access import can_manage_visit, can_organise_at, can_set_visit_rules
from visits.errors import VisitError
from visits.models import (
    AgendaKind,
    KindRule,
    TeamRole,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMember,
    VisitMode,
    VisitSchool,
    VisitStatus,
    WeekActivity,
    WeekPattern,
)

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_AGENDA_ITEMS = 30


@dataclass
class ScheduleResult:
    stop: VisitSchool
    created: bool
    warnings: list[str] = field(default_factory=list)


@dataclass
class MemberResult:
    member: VisitMember
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- checks


def _choice(value: str, choices: type[Any], field_name: str, label: str) -> str:
    if value not in choices.values:
        raise VisitError(f"{label}不正确：{value or '（空）'}", field=field_name)
    return value


def _require_manage(actor: User | None, visit: Visit) -> None:
    if actor is not None and not can_manage_visit(actor, visit):
        raise VisitError("您不能修改这项视导", field="visit")
    if visit.status == VisitStatus.CANCELLED:
        raise VisitError("这项视导已取消，不能再修改", field="visit")


def _check_dates(term: Term, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise VisitError("结束日期不能早于开始日期", field="end")
    if not term.start <= start <= term.end:
        raise VisitError(f"开始日期不在{term.label}内（{term.start}至{term.end}）", field="start")
    if not term.start <= end <= term.end:
        raise VisitError(f"结束日期不在{term.label}内（{term.start}至{term.end}）", field="end")


def _check_term(organiser: OrgNode, term: Term) -> None:
    if term.pk not in {t.pk for t in terms_for(organiser)}:
        raise VisitError(f"{term.label}不是{organiser.name}的学期", field="term")


def _check_text(title: str, number: str) -> tuple[str, str]:
    title, number = title.strip(), number.strip()
    if not title:
        raise VisitError("请填写视导名称", field="title")
    if len(title) > 120:
        raise VisitError("视导名称不能超过120个字", field="title")
    if len(number) > 40:
        raise VisitError("文号不能超过40个字", field="number")
    return title, number


# ---------------------------------------------------------------- visits


@transaction.atomic
def visit_create(*, actor: User | None, organiser: OrgNode, category: str, kind: str, mode: str, term: Term,
                 title: str, start: dt.date, end: dt.date, number: str = "", purpose: str = "",
                 lead: Person | None = None, follows: Visit | None = None,
                 status: str = VisitStatus.PLANNED) -> Visit:
    """A new visit organised by `organiser`; its lead (if any) joins the team as its 组长."""
    _choice(category, VisitCategory, "category", "视导类别")
    _choice(kind, VisitKind, "kind", "视导类型")
    _choice(mode, VisitMode, "mode", "视导形式")
    _choice(status, VisitStatus, "status", "状态")
    if category == VisitCategory.SCHOOL_CHECK and organiser.kind != OrgKind.SCHOOL:
        raise VisitError("校内常规检查的组织单位必须是学校", field="organiser")
    if category != VisitCategory.SCHOOL_CHECK and organiser.kind == OrgKind.SCHOOL:
        raise VisitError("学校只能组织校内常规检查", field="category")
    if actor is not None and not can_organise_at(actor, organiser, category):
        raise VisitError(f"您不能以{organiser.name}的名义组织{VisitCategory(category).label}", field="organiser")
    title, number = _check_text(title, number)
    _check_term(organiser, term)
    _check_dates(term, start, end)
    if follows is not None:
        if actor is not None and not can_manage_visit(actor, follows):
            raise VisitError("复查的视导：您不能复查这次视导", field="follows")
        if follows.start > start:
            raise VisitError(f"复查的视导：“{follows.title}”开始于{follows.start:%Y-%m-%d}，复查须在其后",
                             field="follows")
    visit = Visit.objects.create(organiser=organiser, category=category, kind=kind, mode=mode, term=term,
                                 title=title, number=number, purpose=purpose.strip(), start=start, end=end,
                                 lead=lead, follows=follows, status=status, created_by=actor)
    audit_create(actor, visit)
    if lead is not None:
        member = VisitMember.objects.create(visit=visit, person=lead, role=TeamRole.LEADER)
        audit_create(actor, member)
    return visit


@transaction.atomic
def visit_update(*, actor: User | None, visit: Visit, title: str | None = None, number: str | None = None,
                 purpose: str | None = None, kind: str | None = None, mode: str | None = None,
                 term: Term | None = None, start: dt.date | None = None, end: dt.date | None = None,
                 lead: Person | None = None, clear_lead: bool = False, status: str | None = None) -> Visit:
    """Change a visit's plan; the days already scheduled must stay within its new dates. A
    refusal leaves `visit` as it is in the database."""
    _require_manage(actor, visit)
    old = snapshot(visit)
    try:
        return _apply_update(actor, visit, old, title=title, number=number, purpose=purpose, kind=kind, mode=mode,
                             term=term, start=start, end=end, lead=lead, clear_lead=clear_lead, status=status)
    except VisitError:
        visit.refresh_from_db()
        raise


def _apply_update(actor: User | None, visit: Visit, old: dict[str, Any], *, title: str | None, number: str | None,
                  purpose: str | None, kind: str | None, mode: str | None, term: Term | None,
                  start: dt.date | None, end: dt.date | None, lead: Person | None, clear_lead: bool,
                  status: str | None) -> Visit:
    if kind is not None:
        visit.kind = _choice(kind, VisitKind, "kind", "视导类型")
    if mode is not None:
        visit.mode = _choice(mode, VisitMode, "mode", "视导形式")
    if status is not None:
        if status == VisitStatus.CANCELLED:
            raise VisitError("取消视导请使用“取消视导”", field="status")
        visit.status = _choice(status, VisitStatus, "status", "状态")
    visit.title, visit.number = _check_text(visit.title if title is None else title,
                                            visit.number if number is None else number)
    if purpose is not None:
        visit.purpose = purpose.strip()
    if term is not None:
        _check_term(visit.organiser, term)
        visit.term = term
    visit.start = start or visit.start
    visit.end = end or visit.end
    _check_dates(visit.term, visit.start, visit.end)
    outside = visit.stops.exclude(date__gte=visit.start, date__lte=visit.end).select_related("school").first()
    if outside is not None:
        raise VisitError(f"已安排{outside.date}到{outside.school.name}，新的日期范围没有包含这一天", field="start")
    if clear_lead:
        visit.lead = None
    elif lead is not None and lead.pk != visit.lead_id:
        visit.lead = lead
        if not visit.members.filter(person=lead).exists():
            audit_create(actor, VisitMember.objects.create(visit=visit, person=lead, role=TeamRole.LEADER))
    visit.save()
    audit_update(actor, visit, old)
    return visit


@transaction.atomic
def visit_cancel(*, actor: User | None, visit: Visit) -> Visit:
    if actor is not None and not can_manage_visit(actor, visit):
        raise VisitError("您不能取消这项视导", field="visit")
    if visit.status == VisitStatus.CANCELLED:
        raise VisitError("这项视导已经取消", field="visit")
    if visit.status == VisitStatus.REPORTED:
        raise VisitError("已出报告的视导不能取消", field="visit")
    old = snapshot(visit)
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status", "updated_at"])
    audit_update(actor, visit, old)
    return visit


# ---------------------------------------------------------------- schedule


def clean_agenda(agenda: Sequence[Mapping[str, Any]], *, member_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Agenda items checked and normalised; refuses naming the item (第N项) and the field."""
    if len(agenda) > MAX_AGENDA_ITEMS:
        raise VisitError(f"日程最多{MAX_AGENDA_ITEMS}项", field="agenda")
    team = set(member_ids)
    subjects = set(Subject.objects.values_list("pk", flat=True))
    out: list[dict[str, Any]] = []
    for n, item in enumerate(agenda, start=1):
        kind = str(item.get("kind") or "")
        if kind not in AgendaKind.values:
            raise VisitError(f"日程第{n}项的环节不正确：{kind or '（空）'}", field="agenda")
        start, end = str(item.get("start") or ""), str(item.get("end") or "")
        for value, label in ((start, "开始时间"), (end, "结束时间")):
            if value and not TIME_RE.match(value):
                raise VisitError(f"日程第{n}项的{label}应写成08:00这样的时刻：{value}", field="agenda")
        if start and end and end < start:
            raise VisitError(f"日程第{n}项的结束时间早于开始时间", field="agenda")
        title, place = str(item.get("title") or "").strip(), str(item.get("place") or "").strip()
        if len(title) > 120 or len(place) > 60:
            raise VisitError(f"日程第{n}项的内容或地点太长", field="agenda")
        subject_id = item.get("subject_id")
        if subject_id in ("", None):
            subject_id = None
        elif not isinstance(subject_id, int) or subject_id not in subjects:
            raise VisitError(f"日程第{n}项的学科不存在", field="agenda")
        ids = [int(i) for i in item.get("member_ids") or []]
        stray = [i for i in ids if i not in team]
        if stray:
            raise VisitError(f"日程第{n}项安排的人员不在视导组中", field="agenda")
        out.append({"kind": kind, "start": start, "end": end, "title": title, "subject_id": subject_id,
                    "member_ids": ids, "place": place})
    return sorted(out, key=lambda i: (i["start"] or "99:99", i["end"]))


def team_ids(visit: Visit) -> set[int]:
    ids = set(visit.members.values_list("person_id", flat=True))
    if visit.lead_id is not None:
        ids.add(visit.lead_id)
    return ids


def _member_days(person_ids: Iterable[int], dates: Iterable[dt.date], exclude: int) -> list[scheduling.MemberDay]:
    """Days the people are taken by other (not cancelled) visits, as scheduling's tuples."""
    ids, days = list(person_ids), list(dates)
    if not ids or not days:
        return []
    out: list[scheduling.MemberDay] = []
    stops = (VisitSchool.objects.filter(date__in=days).exclude(visit_id=exclude)
             .exclude(visit__status=VisitStatus.CANCELLED).values_list("visit_id", "date", "visit__title"))
    by_visit: dict[int, list[tuple[dt.date, str]]] = {}
    for vid, day, title in stops:
        by_visit.setdefault(vid, []).append((day, title))
    if not by_visit:
        return []
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    taken = set(VisitMember.objects.filter(visit_id__in=by_visit, person_id__in=ids)
                .values_list("visit_id", "person_id"))
    taken |= set(Visit.objects.filter(pk__in=by_visit, lead_id__in=ids).values_list("pk", "lead_id"))
    for vid, pid in sorted(taken):
        for day, title in by_visit[vid]:
            out.append((pid, names.get(pid, ""), day, vid, title))
    return out


def _school_days(school_ids: Iterable[int], dates: Iterable[dt.date], exclude: int) -> list[scheduling.SchoolDay]:
    return list(VisitSchool.objects.filter(school_id__in=list(school_ids), date__in=list(dates))
                .exclude(visit_id=exclude).exclude(visit__status=VisitStatus.CANCELLED)
                .values_list("school_id", "school__name", "date", "visit_id", "visit__title"))


def pattern_for(node: OrgNode) -> WeekPattern | None:
    """The weekly pattern in force at a node: its own, else its nearest ancestor's."""
    return (WeekPattern.objects.filter(region__path__in=ancestor_paths(node.path))
            .order_by("-region__depth").first())


def stop_warnings(visit: Visit, school_id: int, date: dt.date, *, pattern: WeekPattern | None = None,
                  member_ids: Iterable[int] | None = None) -> list[str]:
    """The clashes and the pattern conflict of visiting `school_id` on `date`."""
    team = team_ids(visit) if member_ids is None else set(member_ids)
    found = scheduling.clashes(date=date, visit_id=visit.pk, school_id=school_id, member_ids=team,
                               member_days=_member_days(team, [date], visit.pk),
                               school_days=_school_days([school_id], [date], visit.pk))
    messages = [c.message for c in found]
    pattern = pattern if pattern is not None else pattern_for(visit.organiser)
    if pattern is not None:
        activity = scheduling.pattern_conflict(date, pattern.days)
        if activity is not None:
            messages.append(scheduling.pattern_message(date, activity))
    return messages


def visit_warnings(visit: Visit) -> list[str]:
    """Every clash and pattern conflict of the visit's schedule (for its page)."""
    stops = list(visit.stops.all())
    if not stops:
        return []
    team = team_ids(visit)
    dates = sorted({s.date for s in stops})
    member_days = _member_days(team, dates, visit.pk)
    school_days = _school_days({s.school_id for s in stops}, dates, visit.pk)
    pattern = pattern_for(visit.organiser)
    out: list[str] = []
    seen_members: set[tuple[int, int, dt.date]] = set()
    for s in stops:
        for c in scheduling.clashes(date=s.date, visit_id=visit.pk, school_id=s.school_id, member_ids=team,
                                    member_days=member_days, school_days=school_days):
            key = (c.subject_id if c.kind == "member" else -c.subject_id, c.other_visit_id, c.date)
            if key not in seen_members:
                seen_members.add(key)
                out.append(c.message)
    if pattern is not None:
        for day in dates:
            activity = scheduling.pattern_conflict(day, pattern.days)
            if activity is not None:
                out.append(scheduling.pattern_message(day, activity))
    return out


@transaction.atomic
def visit_schedule(*, actor: User | None, visit: Visit, school: OrgNode, date: dt.date,
                   agenda: Sequence[Mapping[str, Any]], note: str = "") -> ScheduleResult:
    """Visit `school` on `date` with `agenda` (replacing that day's agenda if already planned)."""
    _require_manage(actor, visit)
    if school.kind != OrgKind.SCHOOL:
        raise VisitError(f"{school.name}不是学校", field="school")
    if visit.category == VisitCategory.SCHOOL_CHECK:
        if school.pk != visit.organiser_id:
            raise VisitError("校内常规检查只能安排在本校", field="school")
    elif not school.path.startswith(visit.organiser.path):
        raise VisitError(f"{school.name}不在{visit.organiser.name}的辖区内", field="school")
    if not visit.start <= date <= visit.end:
        raise VisitError(f"日期应在视导期间（{visit.start}至{visit.end}）", field="date")
    if len(note) > 200:
        raise VisitError("备注不能超过200个字", field="note")
    team = team_ids(visit)
    items = clean_agenda(agenda, member_ids=team)
    stop = VisitSchool.objects.filter(visit=visit, school=school, date=date).first()
    created = stop is None
    if stop is None:
        stop = VisitSchool.objects.create(visit=visit, school=school, date=date, agenda=items, note=note.strip())
        audit_create(actor, stop)
    else:
        old = snapshot(stop)
        stop.agenda, stop.note = items, note.strip()
        stop.save()
        audit_update(actor, stop, old)
    return ScheduleResult(stop, created, stop_warnings(visit, school.pk, date, member_ids=team))


@transaction.atomic
def stop_remove(*, actor: User | None, stop: VisitSchool) -> None:
    _require_manage(actor, stop.visit)
    audit_delete(actor, stop)
    stop.delete()


# ---------------------------------------------------------------- team


@transaction.atomic
def member_add(*, actor: User | None, visit: Visit, person: Person, role: str,
               subject: Subject | None = None) -> MemberResult:
    """Add `person` to the team; the warnings name the days they are taken by another visit."""
    _require_manage(actor, visit)
    _choice(role, TeamRole, "role", "分工")
    if not person.is_active:
        raise VisitError(f"{person.name}已不在职", field="person")
    if visit.members.filter(person=person).exists():
        raise VisitError(f"{person.name}已在视导组中", field="person")
    if role == TeamRole.SUBJECT and subject is None:
        subject = person.main_subject
    member = VisitMember.objects.create(visit=visit, person=person, role=role, subject=subject)
    audit_create(actor, member)
    dates = sorted(set(visit.stops.values_list("date", flat=True)))
    taken = _member_days([person.pk], dates, visit.pk)
    warnings = []
    for day in dates:
        warnings += [c.message for c in scheduling.clashes(date=day, visit_id=visit.pk, school_id=None,
                                                           member_ids=[person.pk], member_days=taken,
                                                           school_days=[])]
    return MemberResult(member, warnings)


@transaction.atomic
def member_remove(*, actor: User | None, member: VisitMember) -> None:
    visit = member.visit
    _require_manage(actor, visit)
    if visit.lead_id == member.person_id:
        raise VisitError("带队负责人不能移出视导组，请先更换带队负责人", field="person")
    used = [s for s in visit.stops.all() if any(member.person_id in i.get("member_ids", []) for i in s.agenda)]
    if used:
        raise VisitError(f"{member.person.name}已安排在{used[0].date}的日程中，请先调整日程", field="person")
    audit_delete(actor, member)
    member.delete()


# ---------------------------------------------------------------- pattern and rules


def _require_rules(actor: User | None, region: OrgNode) -> None:
    if region.kind == OrgKind.SCHOOL:
        raise VisitError("每周安排和视导规则由区域设置", field="region")
    if actor is not None and not can_set_visit_rules(actor, region):
        raise VisitError(f"您不能设置{region.name}的视导安排", field="region")


@transaction.atomic
def week_pattern_set(*, actor: User | None, region: OrgNode, days: Mapping[str, str], note: str = "") -> WeekPattern:
    """Set the institution's weekly pattern: weekday ("1".."7") → WeekActivity."""
    _require_rules(actor, region)
    clean: dict[str, str] = {}
    for key, value in days.items():
        if key not in {str(i) for i in range(1, 8)}:
            raise VisitError(f"星期不正确：{key}", field="days")
        if value not in WeekActivity.values:
            raise VisitError(f"{scheduling.WEEKDAYS[int(key)]}的安排不正确：{value or '（空）'}", field="days")
        if value != WeekActivity.FREE:
            clean[key] = value
    if len(note) > 200:
        raise VisitError("说明不能超过200个字", field="note")
    pattern = WeekPattern.objects.filter(region=region).first()
    if pattern is None:
        pattern = WeekPattern.objects.create(region=region, days=clean, note=note.strip(), set_by=actor)
        audit_create(actor, pattern)
    else:
        old = snapshot(pattern)
        pattern.days, pattern.note, pattern.set_by = clean, note.strip(), actor
        pattern.save()
        audit_update(actor, pattern, old)
    return pattern


@transaction.atomic
def kind_rule_set(*, actor: User | None, region: OrgNode, kind: str, required_records: Sequence[str],
                  findings_need_rectification: bool, school_must_answer: bool, publish_to_school: bool,
                  note: str = "") -> KindRule:
    """Set what visits of `kind` organised in the region's subtree oblige."""
    _require_rules(actor, region)
    _choice(kind, VisitKind, "kind", "视导类型")
    records = list(dict.fromkeys(required_records))
    for r in records:
        if r not in AgendaKind.values:
            raise VisitError(f"必备记录不正确：{r}", field="required_records")
    if school_must_answer and not findings_need_rectification:
        raise VisitError("问题不须整改时，学校无须反馈整改情况", field="school_must_answer")
    if len(note) > 200:
        raise VisitError("说明不能超过200个字", field="note")
    values = {"required_records": records, "findings_need_rectification": findings_need_rectification,
              "school_must_answer": school_must_answer, "publish_to_school": publish_to_school,
              "note": note.strip(), "set_by": actor}
    rule = KindRule.objects.filter(region=region, kind=kind).first()
    if rule is None:
        rule = KindRule.objects.create(region=region, kind=kind, **values)
        audit_create(actor, rule)
    else:
        old = snapshot(rule)
        for k, v in values.items():
            setattr(rule, k, v)
        rule.save()
        audit_update(actor, rule, old)
    return rule
