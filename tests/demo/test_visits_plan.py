"""The planning demo (visits/demo/plan.py) on the tiny seed: a school year of visits of every
kind and category, teams and agendas, statuses by date, and the weekly pattern mostly kept."""

from __future__ import annotations

import pytest

from core.demo.generator import SeedResult
from core.models import OrgKind, SchoolType
from visits.models import (
    AgendaKind,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMember,
    VisitSchool,
    VisitStatus,
    WeekPattern,
)

pytestmark = pytest.mark.django_db


def test_demo_plans_a_school_year(tiny: SeedResult) -> None:
    result = tiny
    assert "visits.plan" in result.timings
    visits = Visit.objects.all()
    assert set(visits.values_list("kind", flat=True)) == set(VisitKind.values)
    assert set(visits.values_list("category", flat=True)) == set(VisitCategory.values)
    assert {"collective", "individual"} <= set(visits.values_list("mode", flat=True))
    assert set(visits.values_list("term__semester", flat=True)) == {1, 2}
    assert {VisitStatus.PLANNED, VisitStatus.FINISHED, VisitStatus.REPORTED} <= set(
        visits.values_list("status", flat=True))
    for v in visits.select_related("organiser").prefetch_related("stops__school", "members"):
        assert v.members.exists() and v.stops.exists() and v.lead_id is not None
        for s in v.stops.all():
            assert v.start <= s.date <= v.end and s.school.path.startswith(v.organiser.path)
            assert s.agenda and s.agenda[-1]["kind"] == AgendaKind.FEEDBACK
        if v.category == VisitCategory.BUREAU_CHECK:
            wanted = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR) \
                if v.organiser.kind == OrgKind.COUNTY else (SchoolType.SENIOR, SchoolType.COMPLETE,
                                                             SchoolType.TWELVE_YEAR)
            assert all(s.school.school_type in wanted for s in v.stops.all())
        if v.category == VisitCategory.SCHOOL_CHECK:
            assert all(s.school_id == v.organiser_id for s in v.stops.all())
    patterned = WeekPattern.objects.values_list("region_id", flat=True)
    assert patterned
    days = list(VisitSchool.objects.filter(visit__organiser_id__in=patterned,
                                           visit__category=VisitCategory.INSPECTION).values_list("date", flat=True))
    on_visit_days = sum(d.isoweekday() in (1, 3) for d in days)
    assert days and 0.6 * len(days) <= on_visit_days < len(days)
    # GOV.CITY_FOCUS: a county's inspection visits go mostly to compulsory schools.
    county_days = list(VisitSchool.objects.filter(visit__organiser__kind=OrgKind.COUNTY,
                                                  visit__category=VisitCategory.INSPECTION)
                       .values_list("school__school_type", flat=True))
    compulsory = sum(t in (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR) for t in county_days)
    assert compulsory >= 0.6 * len(county_days)
    # Subject members carry their subject.
    assert VisitMember.objects.filter(role__in=["subject", "backbone"], subject__isnull=False).exists()
