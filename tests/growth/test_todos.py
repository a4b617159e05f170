"""The growth items of the workbench's to-do list: a researcher's own hours short of the year's
target (from July on), and a member's tier duties not yet taught this term."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from core.todo_selectors import TodoContext
from growth.models import TrainingRecord
from growth.services import programmes
from growth.todos import todo_items


def _ctx(cast: Any, key: str) -> TodoContext:
    return TodoContext(user=cast.users[key], me=cast.people[key].pk, node=cast.county_a, term=cast.term, schools=[],
                       region_reader=False, leader=False)


def test_a_researcher_short_of_hours_and_a_member_owing_a_lesson(cast: Any) -> None:
    today = timezone.localdate()
    TrainingRecord.objects.create(person=cast.people["county_researcher"], course="研修", provider="省教育学院",
                                  level="province", hours=Decimal("60"), start=dt.date(today.year, 3, 1),
                                  end=dt.date(today.year, 3, 5))
    items = todo_items(_ctx(cast, "county_researcher"))
    if today.month >= 7:
        assert [t.title for t in items] == ["本年度培训还差12学时"]
    else:
        assert items == []
    assert todo_items(_ctx(cast, "teacher")) == []  # teachers are not bound by RES.TRAINING
    p = programmes.programme_create(actor=None, region=cast.county_a, name="小店区骨干教师", kind="backbone",
                                    level="county", start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=p, name="区级骨干教师", kind="backbone")
    programmes.duty_set(actor=None, tier=tier, lesson_kind="contest", count=1)
    programmes.member_add(actor=None, programme=p, tier=tier, person=cast.people["teacher"])
    [duty] = todo_items(_ctx(cast, "teacher"))
    assert duty.title == "区级骨干教师职责：还差1节参赛课"
    assert duty.url == reverse("growth:programme_detail", args=[p.pk])
