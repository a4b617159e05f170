"""The governance demo on the tiny seed: meetings in every administration but one county, a city
plan pushed down with mixed completion and a county's sub-item, a year of spending with one
school below the training floor; GOV.MEETING and FUND.* computing over them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appraisal.models.governance import GovMeeting, GovTask, PlanItem, SchoolSpending, TaskStatus, WorkPlan
from appraisal.services import governance_selectors as selectors
from core.compliance import evaluate
from core.demo.generator import SeedResult
from core.models import Norm, OrgNode
from core.norm_results import system_user
from core.terms import current_term

pytestmark = pytest.mark.django_db


def test_demo_seeds_meetings_a_plan_and_spending(tiny: SeedResult) -> None:
    result = tiny
    assert "appraisal.governance" in result.timings
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None
    user = system_user()
    meeting = evaluate(user, province, term, Norm.objects.get(code="GOV.MEETING"))
    assert meeting.total and 0 < meeting.met < meeting.total  # one county held none
    assert GovMeeting.objects.exists() and GovTask.objects.filter(decision__isnull=False).exists()
    training = evaluate(user, province, term, Norm.objects.get(code="FUND.TRAINING"))
    assert training.total == SchoolSpending.objects.count()
    assert any(not r.meets and "差" in r.detail for r in training.rows)  # the school below the floor
    for code in ("FUND.EQUIPMENT", "FUND.TEACHING"):
        assert evaluate(user, province, term, Norm.objects.get(code=code)).met
    plan = WorkPlan.objects.get()
    assert PlanItem.objects.filter(plan=plan, parent__isnull=False).exists()
    tasks = GovTask.objects.filter(item__plan=plan)
    assert tasks.filter(status=TaskStatus.DONE).exists() and tasks.filter(status=TaskStatus.OPEN).exists()
    tree, totals = selectors.plan_progress(user, plan, timezone.localdate())
    assert {lv.level for lv in totals} >= {"county", "school"} and all(lv.total > 0 for lv in totals)
