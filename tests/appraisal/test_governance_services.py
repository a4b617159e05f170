"""The governance services: a county records its meeting and turns a decision into a task done
later; a city plan pushed down the levels with a county's own sub-item; spending entered,
returned with a reason, corrected and confirmed; and the refusals, each naming its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from appraisal import governance_access as access
from appraisal.models.governance import GovTask, SpendingStatus, TaskStatus
from appraisal.services import governance as gov
from appraisal.services import governance_spending as spending
from appraisal.services.governance import GovernanceError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 15)


def _meeting(cast: Any, **kw: Any) -> Any:
    args = {"actor": cast.users["county_admin"], "region": cast.county_a, "title": "小店区教研工作专题会议",
            "held_on": DAY, "convened_by": "区教育局局长", "attendees": "区教研室、各校校长",
            "minutes": "部署本年度教研工作。", "decisions": ("建立校本教研制度", "", "保障教研经费")} | kw
    return gov.meeting_record(**args)


def test_county_records_meeting_and_a_decision_becomes_a_task_tracked_to_done(cast: Any) -> None:
    admin = cast.users["county_admin"]
    meeting = _meeting(cast)
    assert [d.text for d in meeting.decisions.all()] == ["建立校本教研制度", "保障教研经费"]
    assert AuditEvent.objects.filter(model="appraisal.GovMeeting", object_id=str(meeting.pk)).exists()
    decision = meeting.decisions.first()
    task = gov.decision_task_create(actor=admin, decision=decision, due=dt.date(2026, 12, 31),
                                    owner=cast.people["principal"])
    assert task.node == cast.school_a1 and task.owner == cast.people["principal"]
    # The school's principal sees it and marks it done; a county B principal does not see it.
    assert access.tasks_visible_to(cast.users["principal"]).filter(pk=task.pk).exists()
    assert not access.tasks_visible_to(cast.users["outside_principal"]).filter(pk=task.pk).exists()
    gov.task_complete(actor=cast.users["principal"], task=task, on=dt.date(2026, 11, 2), note="制度已印发")
    task.refresh_from_db()
    assert (task.status, task.done_on, task.done_note) == (TaskStatus.DONE, dt.date(2026, 11, 2), "制度已印发")
    with pytest.raises(GovernanceError, match="已于2026-11-02完成"):
        gov.task_complete(actor=admin, task=task, on=dt.date(2026, 11, 3))


def test_meeting_refusals_name_their_field(cast: Any) -> None:
    with pytest.raises(GovernanceError) as e:
        _meeting(cast, minutes="")
    assert e.value.field == "minutes"
    with pytest.raises(GovernanceError) as e:
        _meeting(cast, region=cast.school_a1)
    assert e.value.field == "region" and "教育行政部门" in e.value.message
    with pytest.raises(GovernanceError) as e:
        _meeting(cast, actor=cast.users["county_admin"], region=cast.county_b)
    assert e.value.field == "region"
    with pytest.raises(GovernanceError) as e:
        _meeting(cast, actor=cast.users["county_researcher"])
    assert e.value.field == "region"
    decision = _meeting(cast).decisions.first()
    with pytest.raises(GovernanceError) as e:
        gov.decision_task_create(actor=None, decision=decision, due=dt.date(2026, 12, 1), node=cast.school_b1)
    assert e.value.field == "node"
    with pytest.raises(GovernanceError) as e:
        gov.decision_task_create(actor=None, decision=decision, due=dt.date(2026, 9, 1), node=cast.school_a1)
    assert e.value.field == "due"
    with pytest.raises(GovernanceError) as e:
        gov.decision_task_create(actor=None, decision=decision, due=dt.date(2026, 12, 1))
    assert e.value.field == "node"


def test_city_plan_pushed_down_four_levels_with_a_county_sub_item(cast: Any) -> None:
    head = cast.users["institute_head"]
    plan = gov.plan_create(actor=head, region=cast.city, year=2026, title="太原测试市2026年教研工作要点",
                           items=(("开展学科教学视导", dt.date(2026, 11, 30)),))
    item = plan.items.get()
    # The city pushes to its counties; county A's admin pushes on to its schools.
    assert gov.item_push(actor=head, item=item, from_node=cast.city) == 2
    admin = cast.users["county_admin"]
    assert gov.item_push(actor=admin, item=item, from_node=cast.county_a) == 2
    # Pushing again creates nothing new.
    assert gov.item_push(actor=admin, item=item, from_node=cast.county_a) == 0
    assert set(GovTask.objects.filter(item=item).values_list("node__code", flat=True)) == {
        "140105", "140106", "1140105001", "1140105002"}
    # County A adds its own sub-item under the item pushed to it; county B may not use county A's name.
    sub = gov.item_add(actor=admin, plan=plan, at=cast.county_a, parent=item, text="农村学校专项视导",
                       due=dt.date(2026, 11, 15))
    assert sub.parent == item and sub.region == cast.county_a
    with pytest.raises(GovernanceError) as e:
        gov.item_add(actor=admin, plan=plan, at=cast.county_a, parent=item, text="晚于上级", due=dt.date(2026, 12, 5))
    assert e.value.field == "due"
    with pytest.raises(GovernanceError):
        gov.item_add(actor=admin, plan=plan, at=cast.county_a, text="没有上级事项", due=dt.date(2026, 11, 1))
    # A school cannot push further; county B's principal cannot act for A1.
    with pytest.raises(GovernanceError, match="最后一级"):
        gov.item_push(actor=None, item=item, from_node=cast.school_a1)
    assert not access.can_act_at(cast.users["outside_principal"], cast.school_a1)


def test_plan_refusals(cast: Any) -> None:
    with pytest.raises(GovernanceError) as e:
        gov.plan_create(actor=None, region=cast.county_a, year=2026, title="县的要点")
    assert e.value.field == "region"
    with pytest.raises(GovernanceError) as e:
        gov.plan_create(actor=cast.users["county_admin"], region=cast.city, year=2026, title="越权")
    assert e.value.field == "region"
    gov.plan_create(actor=None, region=cast.city, year=2026, title="一份")
    with pytest.raises(GovernanceError) as e:
        gov.plan_create(actor=None, region=cast.city, year=2026, title="第二份")
    assert e.value.field == "year"


def _save(cast: Any, actor: Any, **kw: Any) -> Any:
    args = {"actor": actor, "school": cast.school_a1, "year": 2026, "public_funds": Decimal("1000000"),
            "training": Decimal("40000"), "equipment": Decimal("120000"), "teaching": Decimal("380000")} | kw
    return spending.spending_save(**args)


def test_school_enters_county_returns_then_confirms(cast: Any) -> None:
    principal, admin = cast.users["principal"], cast.users["county_admin"]
    record = _save(cast, principal)
    assert record.status == SpendingStatus.SUBMITTED
    # The school cannot check its own figures; the county returns them with a reason.
    assert not access.can_check_spending(principal, cast.school_a1)
    with pytest.raises(GovernanceError) as e:
        spending.spending_return(actor=admin, record=record, reason=" ")
    assert e.value.field == "reason"
    spending.spending_return(actor=admin, record=record, reason="培训经费含差旅，请核实")
    assert record.status == SpendingStatus.RETURNED and record.return_reason == "培训经费含差旅，请核实"
    record = _save(cast, principal, training=Decimal("55000"))
    assert record.status == SpendingStatus.SUBMITTED and record.return_reason == ""
    spending.spending_confirm(actor=admin, record=record)
    assert record.status == SpendingStatus.CONFIRMED and record.checked_by == admin
    with pytest.raises(GovernanceError, match="已经区县确认"):
        _save(cast, principal)
    with pytest.raises(GovernanceError, match="只有待审核"):
        spending.spending_confirm(actor=admin, record=record)


def test_spending_refusals_name_their_field(cast: Any) -> None:
    principal = cast.users["principal"]
    with pytest.raises(GovernanceError) as e:
        _save(cast, principal, teaching=Decimal("900000"))
    assert e.value.field == "public_funds" and "超过年度公用经费" in e.value.message
    with pytest.raises(GovernanceError) as e:
        _save(cast, principal, equipment=Decimal("-1"))
    assert e.value.field == "equipment"
    with pytest.raises(GovernanceError) as e:
        _save(cast, principal, school=cast.school_a2)
    assert e.value.field == "school"
    with pytest.raises(GovernanceError) as e:
        _save(cast, cast.users["middle_manager"])
    assert e.value.field == "school"
    record = _save(cast, principal)
    with pytest.raises(GovernanceError):
        spending.spending_confirm(actor=cast.users["outside_researcher"], record=record)
