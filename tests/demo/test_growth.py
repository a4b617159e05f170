"""The growth demo (growth/demo/records.py) on the tiny seed: a year of training with some
researchers short, programmes with tiers and duties partly met, competitions, studios, bases and
certificates, and the six norms computing over them."""

from __future__ import annotations

import pytest

from core.compliance import evaluate
from core.demo.generator import SeedResult
from core.models import Designation, Norm, OrgNode
from core.norm_results import system_user
from core.terms import current_term
from growth import selectors
from growth.models import (
    Award,
    BaseSchool,
    Competition,
    DutyFulfilment,
    ProgrammeMember,
    PsyCertificate,
    Studio,
    TalentProgramme,
    TrainingRecord,
)

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_year_of_growth(tiny: SeedResult) -> None:
    result = tiny
    assert "growth.records" in result.timings
    assert TrainingRecord.objects.exists() and Competition.objects.exists() and Award.objects.exists()
    assert Studio.objects.exists() and BaseSchool.objects.exists() and PsyCertificate.objects.exists()
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None
    user = system_user()
    training = evaluate(user, province, term, Norm.objects.get(code="RES.TRAINING"))
    assert training.total and 0 < training.met < training.total  # some researchers short of 72 hours
    for code in ("RES.ROTATION", "RES.BACKBONE", "STUDIO.LARGE_SCHOOL", "BASE.SCHOOLS", "PSY.CERT"):
        assert evaluate(user, province, term, Norm.objects.get(code=code)).total, code
    # Programmes: members with designations in the trunk, duties partly met.
    programme = TalentProgramme.objects.filter(kind="leader").first()
    assert programme is not None and ProgrammeMember.objects.filter(designation__isnull=False).exists()
    assert Designation.objects.filter(programme_member__isnull=False).exists()
    rows = [r for p in TalentProgramme.objects.filter(kind="leader") for r in selectors.duty_rows(user, p, term)]
    assert any(not r.standing.meets for r in rows)
    assert DutyFulfilment.objects.exists()
