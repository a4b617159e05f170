"""The appraisal to-dos of assessors and organisers on the workbench: a campaign stage waiting for
the user's scores, an objection to handle, a researcher appraisal to check or to rate, a yearly
report draft to issue; each seen by the person whose turn it is and by no other role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from appraisal.services import campaigns as csvc
from appraisal.services import reports as rsvc
from appraisal.services import researchers as asvc
from appraisal.todos import todo_items
from core.todo_selectors import TodoContext
from tests.appraisal.campaign_setup import PUBLISHED_ON, full_ratings, group_campaign

pytestmark = pytest.mark.django_db
BYSTANDERS = ("teacher", "outside_researcher", "outside_principal", "bureau_viewer", "sysadmin", "no_post")


def _items(cast: Any, key: str, kind: str) -> list[tuple[str, int]]:
    user = cast.users[key]
    ctx = TodoContext(user=user, me=user.person_id, node=None, term=cast.term, schools=[], region_reader=False,
                      leader=False)
    return [(t.title, t.count) for t in todo_items(ctx) if t.kind == kind]


def _counts(cast: Any, keys: tuple[str, ...]) -> dict[str, int]:
    return {k: n for k in keys if (n := sum(c for _, c in _items(cast, k, "campaign_scores")))}


def _who_sees(cast: Any, kind: str, keys: tuple[str, ...]) -> set[str]:
    return {k for k in keys if _items(cast, k, kind)}


def test_each_stage_waits_for_its_own_assessor_then_objections_for_the_organiser(cast: Any) -> None:
    c = group_campaign(cast)
    math = c.subjects.get(label="数学组")
    keys = ("group_leader", "principal", "vice_principal", "county_researcher", "county_admin", *BYSTANDERS)
    # 自评 first: each group's own leader (the vice principal leads 语文组); the school and the district wait.
    assert _counts(cast, keys) == {"group_leader": 1, "vice_principal": 1}
    ratings = full_ratings(c.version, 0.9)
    _, prefill = csvc.stage_initial(math, c.stages[0])
    csvc.stage_score_save(actor=None, subject=math, stage="self", ratings=ratings,
                          reasons=dict.fromkeys(prefill, "据实评定"), submit=True)
    # Now the school's leaders score 数学组; the group leader is done.
    assert _items(cast, "principal", "campaign_scores") == [("1个考评对象待评分", 1)]
    assert _counts(cast, keys) == {"principal": 1, "vice_principal": 2}
    csvc.stage_score_save(actor=None, subject=math, stage="school", ratings=ratings, submit=True)
    assert _counts(cast, keys) == {"county_researcher": 1, "vice_principal": 1}
    csvc.stage_score_save(actor=None, subject=math, stage="district", ratings=ratings, submit=True)
    others = c.subjects.exclude(pk=math.pk)
    for s in others:
        for st in c.stages:
            _, prefill = csvc.stage_initial(s, st)
            csvc.stage_score_save(actor=None, subject=s, stage=st["key"], ratings=full_ratings(c.version, 0.5),
                                  reasons=dict.fromkeys(prefill, "据实评定"), submit=True)
    assert _who_sees(cast, "campaign_scores", keys) == set()
    csvc.campaign_publish(actor=None, campaign=c, today=PUBLISHED_ON)
    csvc.objection_raise(actor=cast.users["middle_manager"], subject=c.subjects.get(label="英语组"),
                         reason="资源库材料漏评", today=PUBLISHED_ON + dt.timedelta(days=2))
    # The organiser's runners handle it; the school, the objector's colleagues, outsiders do not.
    assert _items(cast, "county_admin", "objections") == [("1项申诉待处理", 1)]
    assert _who_sees(cast, "objections", (*keys, "middle_manager")) == {"county_admin", "county_researcher"}


def test_a_researcher_appraisal_waits_for_its_runner_then_for_each_rater_once(cast: Any) -> None:
    a = asvc.appraisal_start(actor=None, region=cast.county_a, year=2026, enqueue=False)
    asvc.appraisal_compute(a.pk)
    a.refresh_from_db()
    keys = ("county_admin", "institute_head", "county_researcher", "principal", "teacher", "outside_teacher",
            "outside_principal", "bureau_viewer", "sysadmin", "no_post")
    assert _items(cast, "county_admin", "researcher_check") == [("小店测试区2026年度教研员考核已计算，待核定工作量", 1)]
    assert _who_sees(cast, "researcher_check", keys) == {"county_admin", "institute_head"}
    assert _who_sees(cast, "researcher_rating", keys) == set()
    asvc.ratings_open(actor=None, appraisal=a)
    assert _who_sees(cast, "researcher_check", keys) == set()
    assert _who_sees(cast, "researcher_rating", keys) == {"principal", "teacher"}
    teacher = cast.users["teacher"]
    listed = asvc.rated_entries(a, teacher)
    asvc.rating_submit(actor=teacher, appraisal=a, kind="teacher", allowed_entry_ids={e.pk for e in listed},
                       scores={listed[0].pk: dict.fromkeys(("teaching", "research", "management", "service"), 4)})
    assert _who_sees(cast, "researcher_rating", keys) == {"principal"}


def test_a_yearly_report_draft_waits_for_its_own_managers_to_issue_it(cast: Any) -> None:
    report = rsvc.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=2026,
                                  today=dt.date(2026, 12, 20))
    keys = ("county_admin", "county_researcher", "institute_head", "city_researcher", "principal", *BYSTANDERS)
    assert _items(cast, "county_admin", "report_issue") == [(f"{report.title}（草稿）待发布", 1)]
    # The county's researchers write it but do not issue it; the province above does not see a draft.
    assert _who_sees(cast, "report_issue", keys) == {"county_admin"}
