"""The governance to-do: open tasks falling to the user within two weeks or overdue, counted for
the owner and the managers posted at the task's own node, not for every manager above it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from appraisal.services import governance as gov
from appraisal.todos import todo_items
from core.todo_selectors import TodoContext

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)


def _ctx(cast: Any, key: str) -> TodoContext:
    user = cast.users[key]
    return TodoContext(user=user, me=user.person_id, node=None, term=cast.term, schools=[], region_reader=False,
                       leader=False)


def test_tasks_due_soon_or_overdue_fall_to_the_school_and_the_owner(cast: Any) -> None:
    meeting = gov.meeting_record(actor=None, region=cast.county_a, title="会议", held_on=dt.date(2026, 9, 1),
                                 convened_by="局长", attendees="校长", minutes="纪要", decisions=("甲", "乙", "丙"))
    first, second, third = meeting.decisions.all()
    gov.decision_task_create(actor=None, decision=first, due=dt.date(2026, 11, 30), node=cast.school_a1)
    gov.decision_task_create(actor=None, decision=second, due=dt.date(2026, 12, 10), node=cast.school_a1)
    # Due in January: not yet on the list.
    gov.decision_task_create(actor=None, decision=third, due=dt.date(2027, 1, 15), node=cast.school_a1)
    items = todo_items(_ctx(cast, "principal"), today=TODAY)
    assert [(t.title, t.count, t.urgent) for t in items] == [("1项任务已逾期", 2, True)]
    assert items[0].detail == "最近：甲（小店第一中学，11月30日前）"
    # The county admin issued them but is not the school: nothing for him; nor for a teacher.
    assert todo_items(_ctx(cast, "county_admin"), today=TODAY) == []
    assert todo_items(_ctx(cast, "teacher"), today=TODAY) == []
    # A person owner gets his own task.
    task = gov.decision_task_create(actor=None, decision=third, due=dt.date(2026, 12, 12),
                                    owner=cast.people["teacher"])
    assert [(t.title, t.count) for t in todo_items(_ctx(cast, "teacher"), today=TODAY)] == [("1项任务两周内到期", 1)]
    gov.task_complete(actor=None, task=task, on=TODAY)
    assert todo_items(_ctx(cast, "teacher"), today=TODAY) == []
