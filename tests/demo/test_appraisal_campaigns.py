"""The campaigns demo (appraisal/demo/campaigns.py) on the tiny seed: a 教研组 evaluation published
with objections and selections, a school appraisal under way with the value-added indicator, a
principal appraisal in preparation; GROUP.RUBRIC, GROUP.AWARDS and QM.VALUE_ADDED have data."""

from __future__ import annotations

import pytest

from appraisal.models.campaigns import Campaign, CampaignStatus, Objection, ObjectionStatus, Selection
from core.compliance import evaluate
from core.demo.generator import SeedResult
from core.models import Norm, OrgNode
from core.norm_results import system_user
from core.terms import current_term

pytestmark = pytest.mark.django_db


def test_demo_seeds_campaigns_in_every_stage(tiny: SeedResult) -> None:
    result = tiny
    assert "appraisal.campaigns" in result.timings
    by_kind = {c.kind: c for c in Campaign.objects.all()}
    assert by_kind["group"].status == CampaignStatus.PUBLISHED
    assert by_kind["school"].status == CampaignStatus.ASSESSING and by_kind["school"].value_added_code == "1.1"
    assert by_kind["principal"].status == CampaignStatus.DRAFT
    statuses = set(Objection.objects.values_list("status", flat=True))
    assert statuses == {ObjectionStatus.UPHELD, ObjectionStatus.REJECTED, ObjectionStatus.OPEN}
    assert set(Selection.objects.values_list("kind", flat=True)) == {"groups", "leaders"}
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    user = system_user()
    rubric = evaluate(user, province, term, Norm.objects.get(code="GROUP.RUBRIC")).rows
    assert any(r.meets for r in rubric)
    awards = evaluate(user, province, term, Norm.objects.get(code="GROUP.AWARDS")).rows
    assert any(r.meets for r in awards)
    va = evaluate(user, province, term, Norm.objects.get(code="QM.VALUE_ADDED")).rows
    assert any(r.meets and "学校考评含增值评价指标" in r.detail for r in va)
