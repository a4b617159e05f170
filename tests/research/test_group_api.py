"""The subject-group API: groups with their fortnights, plans and journals written from another
system (with the refusal naming its field), 联组."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from research.group_rules import fortnights
from research.models.groups import JointGroup, JournalSubscription
from tests.research.group_fixtures import activity, make_groups, previous_term


def test_group_list_and_detail_carry_the_strip(cast: Any) -> None:
    term = previous_term(cast)
    groups = make_groups(cast, term.key)
    for a, _ in fortnights(term.start, term.end)[:4]:
        activity(cast, groups["数学组"], a, term=term)
    c = cast.client("principal")
    r = c.get(reverse("api-v1:research_group_list") + f"?school={cast.school_a1.code}&term={term.key}")
    assert r.status_code == 200
    items = {i["name"]: i for i in r.json()["items"]}
    assert items["数学组"]["met"] == 4 and items["数学组"]["missed"] == 6 and items["英语组"]["missed"] == 10
    d = c.get(reverse("api-v1:research_group_detail", args=[groups["数学组"].pk])).json()
    assert [f["state"] for f in d["fortnights"]][:5] == ["met"] * 4 + ["missed"]
    assert cast.client("outside_principal").get(reverse("api-v1:research_group_detail",
                                                        args=[groups["数学组"].pk])).status_code == 404


def test_journal_and_plan_posted_by_the_leader(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    c = cast.client("group_leader")
    url = reverse("api-v1:research_group_journals", args=[math.pk])
    r = c.post(url, json.dumps({"title": "数学通报", "year": 2026}), content_type="application/json")
    assert r.status_code == 201 and [j["title"] for j in r.json()["journals"]] == ["数学通报"]
    r = c.post(url, json.dumps({"title": "数学通报", "year": 2026}), content_type="application/json")
    assert r.status_code == 422 and "已登记" in json.dumps(r.json(), ensure_ascii=False)
    assert JournalSubscription.objects.count() == 1
    plans = reverse("api-v1:research_group_plans", args=[math.pk])
    r = c.post(plans, json.dumps({"kind": "development", "title": "三年规划", "text": "…", "start_year": 2026,
                                  "years": 4}), content_type="application/json")
    assert r.status_code == 422 and "years" in json.dumps(r.json())
    r = c.post(plans, json.dumps({"kind": "semester", "title": "学期计划", "text": "每两周一次"}),
               content_type="application/json")
    assert r.status_code == 201 and r.json()["plans"][0]["period"] == "2026—2027学年第一学期"
    teacher = cast.client("teacher").post(url, json.dumps({"title": "x", "year": 2026}),
                                          content_type="application/json")
    assert teacher.status_code == 404


def test_joint_groups(cast: Any) -> None:
    jg = JointGroup.objects.create(region=cast.county_a, name="小店区数学联组")
    jg.schools.set([cast.school_a1, cast.school_a2])
    items = cast.client("teacher_a2").get(reverse("api-v1:research_joint_group_list")).json()["items"]
    assert [i["name"] for i in items] == ["小店区数学联组"]
    assert items[0]["schools"] == sorted([cast.school_a1.code, cast.school_a2.code])
    assert cast.client("outside_teacher").get(reverse("api-v1:research_joint_group_list")).json()["count"] == 0

