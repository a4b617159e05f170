"""The researcher appraisal demo (appraisal/demo/researchers.py) on the tiny seed: the province's
researchers appraised for last year from the demo records, ratings collected, results
published, and RES.APPRAISAL met for the province."""

from __future__ import annotations

import pytest

from appraisal.models import AppraisalStatus, RatingSheet, ResearcherAppraisal
from core.demo.generator import SeedResult

pytestmark = pytest.mark.django_db


def test_demo_appraises_the_province_researchers(tiny: SeedResult) -> None:
    from appraisal.metrics.researchers import researcher_appraisal
    from core.compliance import MetricContext
    from core.models import OrgNode
    from core.norm_results import system_user
    from core.terms import current_term

    result = tiny
    assert "appraisal.researchers" in result.timings
    appraisal = ResearcherAppraisal.objects.get()
    assert appraisal.status == AppraisalStatus.PUBLISHED
    entries = list(appraisal.entries.all())
    assert entries and all(e.level for e in entries)
    assert RatingSheet.objects.filter(appraisal=appraisal, kind="teacher").exists()
    assert RatingSheet.objects.filter(appraisal=appraisal, kind="school").exists()
    assert any(e.teacher_responses for e in entries) and any(e.scores["rated"] for e in entries)
    assert any(sum(e.figures.values()) > 0 for e in entries)
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None
    rows = researcher_appraisal(MetricContext(user=system_user(), node=province, term=term, threshold=4, exact=True))
    assert rows and rows[0].value == 4 and rows[0].meets
