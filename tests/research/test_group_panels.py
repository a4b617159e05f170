"""research.panels on the core's school and group pages: a school's groups with their missed
fortnights first; a group's strip, semester plan and journals. (The AppConfig registers the
function; here it is called as core.panels calls it.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from research.models.groups import GroupPlan, JournalSubscription, PlanKind
from research.panels import page_panels
from tests.research.group_fixtures import activity, make_groups


def test_school_and_group_panels(cast: Any) -> None:
    groups = make_groups(cast, cast.term.key)
    math = groups["数学组"]
    activity(cast, math, dt.date(2026, 9, 2))  # the first fortnight only; the others to date are missed
    (school,) = page_panels(cast.users["principal"], school=cast.school_a1)
    assert school.title == "教研组每两周集中教研" and school.summary == "3个教研组，3个有未开展集中教研的两周"
    assert all(line.bad for line in school.lines) and school.lines[0].text.startswith("英语组")
    GroupPlan.objects.create(group=math, kind=PlanKind.SEMESTER, term_key=cast.term.key, title="计划", text="…")
    for t in ("数学通报", "中学数学教学参考", "中国数学教育"):
        JournalSubscription.objects.create(group=math, year=2026, title=t)
    (panel,) = page_panels(cast.users["teacher"], group=math)
    plan, journals = panel.lines[1], panel.lines[2]
    assert not plan.bad and plan.tag == "已制定" and not journals.bad and journals.text == "订阅报刊3种"
    assert panel.lines[0].bad and "个两周未开展" in panel.lines[0].tag
    # An outsider's panel reads nothing of A1's groups.
    assert page_panels(cast.users["outside_principal"], school=cast.school_a1) == []
