"""The campaign pages: a refused campaign keeps what was typed; a subject under assessment reads
its own self-assessment, not its assessors' scores, until the result is published."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisal.models.campaigns import Campaign
from appraisal.services import campaigns as svc
from tests.appraisal.campaign_setup import END, START, full_ratings, group_campaign, group_rubric

pytestmark = pytest.mark.django_db


def test_a_refused_campaign_keeps_what_was_typed(cast: Any) -> None:
    client = cast.client("county_admin")
    data = {"org": cast.county_a.pk, "kind": "group", "title": "小店区教研组评价", "start": "2026-09-01",
            "end": "2027-01-15", "version": group_rubric().pk, "cutoffs": "合格 60，优秀 90", "objection_days": 7}
    r = client.post(reverse("appraisal:campaign_new"), data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "等级分数线：应从高到低排列" in body and 'value="小店区教研组评价"' in body
    data["cutoffs"] = "优秀 85，良好 75，合格 60"
    r = client.post(reverse("appraisal:campaign_new"), data)
    c = Campaign.objects.get()
    assert r.status_code == 302 and c.cutoffs[0] == {"label": "优秀", "min": 85}


def test_a_subject_reads_only_its_self_assessment_while_assessed(cast: Any) -> None:
    c = group_campaign(cast)
    math = c.subjects.get(label="数学组")
    for st in c.stages[:2]:
        _, prefill = svc.stage_initial(math, st)
        svc.stage_score_save(actor=None, subject=math, stage=st["key"], ratings=full_ratings(c.version, 0.9),
                             reasons={k: "据实" for k in prefill}, comments=f"{st['label']}的评语", submit=True)
    url = reverse("appraisal:campaign_subject", args=[math.pk])
    own = cast.client("group_leader").get(url).content.decode()
    assert "自评的评语" in own and "学校评价的评语" not in own and 'data-testid="stage-self"' in own and 'data-testid="stage-school"' not in own
    assert "评审中：结果公示后可查看" in own
    principal = cast.client("principal").get(url).content.decode()
    assert 'data-testid="stage-school"' in principal
    # The principal, the school's assessor, does not score the district's stage.
    r = cast.client("principal").get(reverse("appraisal:campaign_score", args=[math.pk, "district"]))
    assert r.status_code == 404


def test_a_teacher_appraisal_is_generated_over_one_school_picked_on_the_page(cast: Any) -> None:
    c = svc.campaign_create(actor=None, org=cast.county_a, kind="teacher", title="小店区教师考核",
                            start=START, end=END, version=group_rubric())
    client = cast.client("county_admin")
    page = client.get(reverse("appraisal:campaign", args=[c.pk])).content.decode()
    assert f'<option value="{cast.school_a2.code}">{cast.school_a2.name}</option>' in page
    url = reverse("appraisal:campaign_action", args=[c.pk, "generate"])
    refused = client.post(url, {"school": cast.school_b1.code}, follow=True).content.decode()
    assert "范围：该学校不在组织单位范围内" in refused and not c.subjects.exists()
    client.post(url, {"school": cast.school_a2.code})
    assert list(c.subjects.values_list("label", flat=True)) == [cast.people["teacher_a2"].name]

