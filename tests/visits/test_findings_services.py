"""Findings and rectification through the services: record, measure, answer, verify, re-check on
a follow-up visit, escalate when overdue, follow-up plans, quality's warning actions in the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from observe.models import Notification
from tests.visits.findings_fixtures import FOUND, make_finding, make_visit
from visits.errors import VisitError
from visits.models import (
    Finding,
    FindingStatus,
    FollowUpPlan,
    KindRule,
    OwnerKind,
    PlanStatus,
    RectificationEntry,
    VisitKind,
)
from visits.services import findings as svc
from visits.services.findings import FindingData

pytestmark = pytest.mark.django_db


def _steps(f: Finding) -> list[str]:
    return list(RectificationEntry.objects.filter(finding=f).values_list("step", flat=True))


def test_a_finding_from_a_visit_follows_the_kind_rule(cast: Any) -> None:
    supervise = make_visit(cast)
    f = make_finding(cast, supervise)
    assert f.needs_rectification and f.status == FindingStatus.OPEN
    assert AuditEvent.objects.filter(model="visits.Finding", action="create").count() == 1
    # A guidance visit's findings need no rectification by default: recorded, NOTED.
    guide = make_visit(cast, kind=VisitKind.GUIDE, title="指导")
    g = make_finding(cast, guide)
    assert not g.needs_rectification and g.status == FindingStatus.NOTED and g.deadline is None
    # A region's rule changes the default for its subtree.
    KindRule.objects.create(region=cast.city, kind=VisitKind.GUIDE, findings_need_rectification=True)
    assert make_finding(cast, guide).status == FindingStatus.OPEN
    # A strength never needs rectification.
    s = make_finding(cast, supervise, description="集体备课扎实", is_strength=True)
    assert s.status == FindingStatus.NOTED


def test_refusals_name_the_field(cast: Any) -> None:
    visit = make_visit(cast)
    with pytest.raises(VisitError, match="学校：本次视导不包括迎泽实验小学"):
        svc.finding_record(actor=cast.users["county_researcher"], school=cast.school_b1,
                           data=FindingData(description="x", found_on=FOUND, visit=visit))
    with pytest.raises(VisitError, match="视导：只有视导组成员"):
        svc.finding_record(actor=cast.users["teacher"], school=cast.school_a1,
                           data=FindingData(description="x", found_on=FOUND, visit=visit))
    with pytest.raises(VisitError, match="责任人：高雅不在小店第一中学任职"):
        make_finding(cast, visit, owner_kind=OwnerKind.PERSON, owner_person=cast.people["outside_teacher"])
    with pytest.raises(VisitError, match="问题描述：不能为空"):
        make_finding(cast, visit, description="  ")
    with pytest.raises(VisitError, match="整改期限：不能早于发现日期"):
        make_finding(cast, visit, deadline=dt.date(2026, 9, 1))
    # A visitless finding names a source of the school; an outsider may not write one.
    with pytest.raises(VisitError, match="来源：小店第一中学没有这条巡课记录"):
        svc.finding_record(actor=cast.users["principal"], school=cast.school_a1,
                           data=FindingData(description="x", found_on=FOUND, source_kind="walkthrough", source_id=999))
    with pytest.raises(VisitError, match="学校：无权记录"):
        svc.finding_record(actor=cast.users["outside_principal"], school=cast.school_a1,
                           data=FindingData(description="x", found_on=FOUND))
    assert Finding.objects.count() == 0


def test_answer_verify_reopen_close(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    with pytest.raises(VisitError, match="验收：该问题当前状态为“待整改”"):
        svc.finding_verify(actor=cast.users["county_researcher"], finding=f, accept=True)
    with pytest.raises(VisitError, match="整改反馈：只有责任人或学校领导"):
        svc.finding_answer(actor=cast.users["teacher"], finding=f, text="已改")
    svc.finding_answer(actor=cast.users["principal"], finding=f, text="建立作业检查制度", evidence="检查记录表")
    assert f.status == FindingStatus.ANSWERED
    with pytest.raises(VisitError, match="验收：只有组织视导的一方"):
        svc.finding_verify(actor=cast.users["principal"], finding=f, accept=True)
    with pytest.raises(VisitError, match="验收意见：不能为空"):
        svc.finding_verify(actor=cast.users["county_researcher"], finding=f, accept=False)
    svc.finding_verify(actor=cast.users["county_researcher"], finding=f, accept=False, comment="缺少学生作业样本")
    assert f.status == FindingStatus.REOPENED
    svc.finding_answer(actor=cast.users["vice_principal"], finding=f, text="补充作业样本")
    svc.finding_verify(actor=cast.users["county_researcher"], finding=f, accept=True, comment="同意销号")
    f.refresh_from_db()
    assert f.status == FindingStatus.CLOSED and f.closed_at is not None
    assert _steps(f) == ["answer", "reopen", "answer", "accept"]
    with pytest.raises(VisitError, match="整改反馈：该问题当前状态为“已销号”"):
        svc.finding_answer(actor=cast.users["principal"], finding=f, text="再改")


def test_person_owner_answers_and_measure_resets_escalation(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    with pytest.raises(VisitError, match="整改期限：必须填写"):
        svc.finding_set_measure(actor=cast.users["principal"], finding=f, measure="x", owner_kind="person",
                                owner_person=cast.people["teacher"], owner_group=None, deadline=None)
    svc.finding_set_measure(actor=cast.users["principal"], finding=f, measure="个人制定改进计划", owner_kind="person",
                            owner_person=cast.people["teacher"], owner_group=None, deadline=dt.date(2026, 11, 1))
    assert svc.overdue_escalate(today=dt.date(2026, 11, 2)) == 1
    f.refresh_from_db()
    assert f.escalated_at is not None
    svc.finding_set_measure(actor=cast.users["county_researcher"], finding=f, measure="个人制定改进计划",
                            owner_kind="person", owner_person=cast.people["teacher"], owner_group=None,
                            deadline=dt.date(2026, 12, 1))
    f.refresh_from_db()
    assert f.escalated_at is None
    svc.finding_answer(actor=cast.users["teacher"], finding=f, text="已完成改进")
    assert f.status == FindingStatus.ANSWERED


def test_follow_up_visit_rechecks_only_the_open_findings(cast: Any) -> None:
    first = make_visit(cast)
    open_one = make_finding(cast, first, description="课堂提问缺少层次")
    answered = make_finding(cast, first, description="教案环节不全")
    done = make_finding(cast, first, description="听课记录不足")
    svc.finding_answer(actor=cast.users["principal"], finding=answered, text="已补")
    svc.finding_answer(actor=cast.users["principal"], finding=done, text="已补")
    svc.finding_verify(actor=cast.users["county_researcher"], finding=done, accept=True)
    follow = make_visit(cast, follows=first, title="复查", start=dt.date(2026, 12, 1))
    assert {f.pk for f in svc.open_findings_of(follow)} == {open_one.pk, answered.pk}
    e1 = svc.follow_up_recheck(actor=cast.users["part_time_researcher"], follow_up_visit=follow, finding=open_one,
                               closed=True, comment="已整改到位")
    e2 = svc.follow_up_recheck(actor=cast.users["county_researcher"], follow_up_visit=follow, finding=answered,
                               closed=False, comment="仍有缺漏")
    assert (e1.status_before, e1.status_after, e1.visit_id) == ("open", "closed", follow.pk)
    assert (e2.status_before, e2.status_after) == ("answered", "reopened")
    with pytest.raises(VisitError, match="复查：只复查尚未销号的问题"):
        svc.follow_up_recheck(actor=cast.users["county_researcher"], follow_up_visit=follow, finding=done, closed=True)
    other = make_visit(cast, title="别的视导")
    stray = make_finding(cast, other)
    with pytest.raises(VisitError, match="复查：只能复查被复查视导发现的问题"):
        svc.follow_up_recheck(actor=cast.users["county_researcher"], follow_up_visit=follow, finding=stray, closed=True)


def test_overdue_escalation_notifies_leaders_and_lead_once(cast: Any) -> None:
    visit = make_visit(cast)
    late = make_finding(cast, visit, deadline=dt.date(2026, 10, 20))
    make_finding(cast, visit, deadline=dt.date(2026, 12, 20), description="未到期")
    call_command("escalate_overdue", "--date", "2026-11-01")
    late.refresh_from_db()
    assert late.escalated_at is not None and _steps(late) == ["escalate"]
    to = set(Notification.objects.values_list("recipient__name", flat=True))
    assert to == {"孙国庆", "吴海燕", "张文华"}
    assert "已过期限12天" in Notification.objects.first().title  # type: ignore[union-attr]
    # Not twice (the task the worker runs daily is the same service).
    from visits.tasks import escalate_overdue

    assert escalate_overdue.call("2026-11-05") == 0
    assert Notification.objects.count() == 3
    # The command can hand the job to the worker instead.
    from django_tasks_db.models import DBTaskResult

    call_command("escalate_overdue", "--enqueue")
    assert DBTaskResult.objects.filter(task_path="visits.tasks.escalate_overdue").exists()


def test_follow_up_plan_for_a_teacher_flagged_repeatedly(cast: Any) -> None:
    visit = make_visit(cast)
    first = make_finding(cast, visit)
    teacher = cast.people["teacher"]
    with pytest.raises(VisitError, match="仅1条"):
        svc.follow_up_plan_create(actor=cast.users["principal"], teacher=teacher, kind="tracking", reason="多次被指出",
                                  start=FOUND, end=dt.date(2026, 12, 31))
    make_finding(cast, visit, description="课堂纪律松散")
    with pytest.raises(VisitError, match="跟岗学校：跟岗学习必须选择跟岗学校"):
        svc.follow_up_plan_create(actor=cast.users["principal"], teacher=teacher, kind="shadowing", reason="r",
                                  start=FOUND, end=dt.date(2026, 12, 31))
    with pytest.raises(VisitError, match="教师：无权"):
        svc.follow_up_plan_create(actor=cast.users["outside_principal"], teacher=teacher, kind="tracking", reason="r",
                                  start=FOUND, end=dt.date(2026, 12, 31))
    plan = svc.follow_up_plan_create(actor=cast.users["principal"], teacher=teacher, kind="tracking",
                                     reason="两次视导均指出作业问题", start=FOUND, end=dt.date(2026, 12, 31),
                                     mentor=cast.people["vice_principal"], findings=[first])
    svc.plan_entry_add(actor=cast.users["vice_principal"], plan=plan, date=dt.date(2026, 10, 20), text="随堂听课一节")
    svc.plan_close(actor=cast.users["principal"], plan=plan, done=True)
    plan = FollowUpPlan.objects.get()
    assert plan.status == PlanStatus.DONE and plan.entries[0]["text"] == "随堂听课一节"
    assert list(plan.findings.all()) == [first]
    with pytest.raises(VisitError, match="过程记录：该计划已结束"):
        svc.plan_entry_add(actor=cast.users["principal"], plan=plan, date=dt.date(2026, 10, 21), text="x")


def test_quality_warning_actions_are_rows_of_the_same_list(cast: Any) -> None:
    from tests.visits.findings_fixtures import make_warning_action

    action = make_warning_action(cast, due=dt.date(2026, 10, 1))
    rows = svc.warning_rectification_rows(cast.users["principal"], today=dt.date(2026, 10, 10))
    assert [(r.pk, r.owner_name, r.overdue, r.done) for r in rows] == [(action.pk, "孙国庆", True, False)]
    assert svc.warning_rectification_rows(cast.users["outside_principal"]) == []
    # Read, not copied: no Finding was made from it.
    assert Finding.objects.count() == 0


def test_demo_writes_every_state(cast: Any) -> None:
    import random

    from core.demo.extensions import SeedContext
    from visits.demo.findings import findings as demo_findings

    today = dt.date(2026, 12, 20)
    ctx = SeedContext(seed=1, scale="tiny", rng=random.Random(1), today=today, term_key=cast.term.key,
                      province_id=cast.province.pk, region_ids=[], school_ids=[cast.school_a1.pk, cast.school_a2.pk],
                      teachers_by_school={cast.school_a1.pk: [cast.people["teacher"].pk]}, researcher_ids=[])
    demo_findings(ctx)
    assert Finding.objects.count() == 0  # no visits, nothing to do
    for i in range(4):
        make_visit(cast, title=f"视导{i}", start=dt.date(2026, 9, 10) + dt.timedelta(days=7 * i))
    demo_findings(ctx)
    statuses = set(Finding.objects.values_list("status", flat=True))
    assert {"closed", "open", "answered", "noted"} <= statuses
    steps = set(RectificationEntry.objects.values_list("step", flat=True))
    assert {"answer", "accept", "reopen", "follow_up", "escalate"} <= steps
    assert Finding.objects.overdue(today).exists()
    late = [f for f in Finding.objects.filter(status="closed") if f.closed_at and f.deadline
            and f.closed_at.date() > f.deadline]
    assert late
    assert FollowUpPlan.objects.exists()


def test_the_daily_command_runs_the_escalation_and_refuses_other_paths(cast: Any) -> None:
    """`manage.py daily` (cron, systemd timer, bin/start) runs every app's daily job: visits
    escalates the overdue findings; the queued form runs only paths an app names."""
    import io

    from core.tasks import daily_job

    visit = make_visit(cast)
    late = make_finding(cast, visit, deadline=dt.date(2026, 10, 20))
    out = io.StringIO()
    call_command("daily", "--date", "2026-11-01", stdout=out)
    assert "visits：已对1条逾期问题发出督办提醒" in out.getvalue()
    late.refresh_from_db()
    assert late.escalated_at is not None and Notification.objects.count() == 3
    # Run again the same day (a timer and a restart): nothing is sent twice.
    assert daily_job.call("visits.tasks.daily", "2026-11-01") == "已对0条逾期问题发出督办提醒"
    assert Notification.objects.count() == 3
    with pytest.raises(ValueError, match="not a daily job"):
        daily_job.call("core.services.person_delete", "2026-11-01")
