"""Planning services: who may organise, dates within the term, schools within the organiser,
agenda checks, clash and pattern warnings, teams, patterns and kind rules, and their audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import AuditEvent
from tests.access_cases_visits_plan import make_visit
from visits.errors import VisitError
from visits.models import KindRule, Visit, VisitMember, VisitSchool, VisitStatus
from visits.rules import obligations_for
from visits.services import plan

pytestmark = pytest.mark.django_db


def _visit(cast: Any, **kw: Any) -> Visit:
    args: dict[str, Any] = {"actor": cast.users["county_researcher"], "organiser": cast.county_a,
                            "category": "inspection", "kind": "guide", "mode": "collective", "term": cast.term,
                            "title": "城区小学视导", "start": dt.date(2026, 10, 12), "end": dt.date(2026, 10, 16)}
    args.update(kw)
    return plan.visit_create(**args)


def test_create_audits_and_puts_the_lead_on_the_team(cast: Any) -> None:
    v = _visit(cast, lead=cast.people["county_researcher"], number="小店教研〔2026〕3号")
    assert v.status == VisitStatus.PLANNED and v.created_by == cast.users["county_researcher"]
    assert list(v.members.values_list("person_id", "role")) == [(cast.people["county_researcher"].pk, "leader")]
    assert AuditEvent.objects.filter(model="visits.Visit", object_id=str(v.pk), action="create").exists()


@pytest.mark.parametrize(("role", "category", "node"), [
    ("teacher", "inspection", "county_a"), ("outside_researcher", "inspection", "county_a"),
    ("county_researcher", "bureau_check", "county_a"), ("principal", "inspection", "school_a1"),
    ("group_leader", "school_check", "school_a1")])
def test_create_refuses_who_may_not_organise(cast: Any, role: str, category: str, node: str) -> None:
    with pytest.raises(VisitError) as exc:
        _visit(cast, actor=cast.users[role], category=category, organiser=getattr(cast, node))
    assert exc.value.field in ("organiser", "category")


def test_bureau_and_school_checks_by_their_organisers(cast: Any) -> None:
    check = _visit(cast, actor=cast.users["county_admin"], category="bureau_check", title="常规检查")
    own = _visit(cast, actor=cast.users["principal"], category="school_check", organiser=cast.school_a1,
                 title="校内常规检查")
    assert check.category == "bureau_check" and own.organiser == cast.school_a1


def test_dates_within_the_term_and_in_order(cast: Any) -> None:
    with pytest.raises(VisitError, match="结束日期不能早于开始日期") as exc:
        _visit(cast, start=dt.date(2026, 10, 16), end=dt.date(2026, 10, 12))
    assert exc.value.field == "end"
    with pytest.raises(VisitError, match="开始日期不在2026—2027学年") as exc:
        _visit(cast, start=dt.date(2026, 8, 20))
    assert exc.value.field == "start"
    with pytest.raises(VisitError, match="请填写视导名称"):
        _visit(cast, title="  ")
    assert not Visit.objects.filter(title="城区小学视导").exists()


def test_schedule_checks_school_date_and_agenda(cast: Any) -> None:
    v = _visit(cast)
    actor = cast.users["county_researcher"]
    with pytest.raises(VisitError, match="不在小店测试区的辖区内") as exc:
        plan.visit_schedule(actor=actor, visit=v, school=cast.school_b1, date=dt.date(2026, 10, 12), agenda=[])
    assert exc.value.field == "school"
    with pytest.raises(VisitError, match="日期应在视导期间") as exc:
        plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 19), agenda=[])
    assert exc.value.field == "date"
    with pytest.raises(VisitError, match="日程第1项的环节不正确"):
        plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12),
                            agenda=[{"kind": "party"}])
    with pytest.raises(VisitError, match="日程第2项的结束时间早于开始时间"):
        plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12),
                            agenda=[{"kind": "lesson"}, {"kind": "feedback", "start": "16:00", "end": "15:00"}])
    with pytest.raises(VisitError, match="不在视导组中"):
        plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12),
                            agenda=[{"kind": "lesson", "member_ids": [cast.people["teacher"].pk]}])
    result = plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12), agenda=[
        {"kind": "feedback", "start": "15:30", "end": "16:30", "title": "反馈会"},
        {"kind": "lesson", "start": "08:00", "end": "08:45", "title": "听课"}])
    assert result.created and result.warnings == []
    assert [i["kind"] for i in result.stop.agenda] == ["lesson", "feedback"]  # in time order
    again = plan.visit_schedule(actor=actor, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12),
                                agenda=[{"kind": "document_check"}])
    assert not again.created and VisitSchool.objects.get(pk=result.stop.pk).agenda[0]["kind"] == "document_check"


def test_school_check_only_at_its_own_school(cast: Any) -> None:
    own = _visit(cast, actor=cast.users["principal"], category="school_check", organiser=cast.school_a1)
    with pytest.raises(VisitError, match="只能安排在本校"):
        plan.visit_schedule(actor=cast.users["principal"], visit=own, school=cast.school_a2,
                            date=dt.date(2026, 10, 12), agenda=[])


def test_clashes_and_pattern_are_warnings(cast: Any) -> None:
    other = make_visit(cast)  # county researcher leads it; school A1 on Monday 12 October
    v = _visit(cast, title="第二项视导", lead=cast.people["county_researcher"])
    result = plan.visit_schedule(actor=None, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 12), agenda=[])
    assert any("张文华" in w and other.title in w for w in result.warnings)
    assert any("同一所学校同一天" in w for w in result.warnings)
    plan.week_pattern_set(actor=cast.users["county_admin"], region=cast.county_a,
                          days={"1": "visit", "2": "subject_activity", "3": "visit", "4": "subject_activity"})
    tuesday = plan.visit_schedule(actor=None, visit=v, school=cast.school_a2, date=dt.date(2026, 10, 13), agenda=[])
    assert tuesday.warnings == [w for w in tuesday.warnings if "学科教研活动" in w] and tuesday.warnings
    assert len(plan.visit_warnings(v)) == 3


def test_member_add_warns_and_remove_guards(cast: Any) -> None:
    make_visit(cast)  # the part-time researcher is on it on 12 October
    v = _visit(cast, lead=cast.people["county_researcher"])
    plan.visit_schedule(actor=None, visit=v, school=cast.school_a2, date=dt.date(2026, 10, 12), agenda=[])
    result = plan.member_add(actor=cast.users["county_researcher"], visit=v,
                             person=cast.people["part_time_researcher"], role="subject")
    assert result.member.subject is not None and result.member.subject.code == "english"
    assert result.warnings and "刘晓燕" in result.warnings[0]
    with pytest.raises(VisitError, match="已在视导组中"):
        plan.member_add(actor=None, visit=v, person=cast.people["part_time_researcher"], role="subject")
    lead = VisitMember.objects.get(visit=v, person=cast.people["county_researcher"])
    with pytest.raises(VisitError, match="带队负责人不能移出"):
        plan.member_remove(actor=None, member=lead)
    plan.member_remove(actor=None, member=result.member)
    assert not v.members.filter(person=cast.people["part_time_researcher"]).exists()
    with pytest.raises(VisitError, match="不能修改"):
        plan.member_add(actor=cast.users["teacher"], visit=v, person=cast.people["teacher"], role="backbone")


def test_update_keeps_scheduled_days_inside_and_cancel(cast: Any) -> None:
    v = make_visit(cast)
    with pytest.raises(VisitError, match="已安排2026-10-12到小店第一中学"):
        plan.visit_update(actor=None, visit=v, start=dt.date(2026, 10, 13))
    plan.visit_update(actor=cast.users["county_researcher"], visit=v, end=dt.date(2026, 10, 20), status="underway")
    v.refresh_from_db()
    assert v.end == dt.date(2026, 10, 20) and v.status == "underway"
    plan.visit_cancel(actor=cast.users["county_admin"], visit=v)
    with pytest.raises(VisitError, match="已取消"):
        plan.visit_schedule(actor=None, visit=v, school=cast.school_a1, date=dt.date(2026, 10, 13), agenda=[])


def test_pattern_and_rules_set_by_admin_or_head(cast: Any) -> None:
    with pytest.raises(VisitError, match="不能设置"):
        plan.week_pattern_set(actor=cast.users["county_researcher"], region=cast.county_a, days={"1": "visit"})
    with pytest.raises(VisitError, match="周二的安排不正确"):
        plan.week_pattern_set(actor=None, region=cast.county_a, days={"2": "party"})
    p = plan.week_pattern_set(actor=cast.users["county_admin"], region=cast.county_a,
                              days={"1": "visit", "5": "free"})
    assert p.days == {"1": "visit"}
    rule = plan.kind_rule_set(actor=cast.users["institute_head"], region=cast.province, kind="guide",
                              required_records=["lesson", "leader_meeting"], findings_need_rectification=True,
                              school_must_answer=False, publish_to_school=False, note="省定")
    assert obligations_for(cast.county_a.path, "guide").required_records == ("lesson", "leader_meeting")
    with pytest.raises(VisitError, match="必备记录不正确"):
        plan.kind_rule_set(actor=None, region=cast.county_a, kind="guide", required_records=["x"],
                           findings_need_rectification=True, school_must_answer=True, publish_to_school=True)
    assert KindRule.objects.get(pk=rule.pk).note == "省定"
    assert AuditEvent.objects.filter(model="visits.KindRule").count() == 1
