"""The on-site demo extension: records for the visits already held, walkthroughs by every
school's leaders, reproducible from the seed, and nothing at all without visits."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from core.demo.extensions import SeedContext
from tests.visits.onsite_setup import make_visit
from visits.demo.onsite import onsite
from visits.models import CheckRecord, Questionnaire, QuestionnaireResponse, VisitNote, Walkthrough

pytestmark = pytest.mark.django_db


def _ctx(cast: Any, seed: int = 1) -> SeedContext:
    a1 = [cast.people[k].pk for k in ("teacher", "group_leader", "middle_manager", "vice_principal", "principal")]
    return SeedContext(seed=seed, scale="tiny", rng=random.Random(seed), today=timezone.localdate(),
                       term_key="2026-1", province_id=cast.province.pk, region_ids=[cast.county_a.pk],
                       school_ids=[cast.school_a1.pk, cast.school_a2.pk],
                       teachers_by_school={cast.school_a1.pk: a1, cast.school_a2.pk: [cast.people["teacher_a2"].pk]},
                       researcher_ids=[cast.people["county_researcher"].pk])


def test_without_visits_only_walkthroughs(cast: Any) -> None:
    onsite(_ctx(cast))
    assert not CheckRecord.objects.exists() and not VisitNote.objects.exists()
    leaders = set(Walkthrough.objects.values_list("leader__name", flat=True))
    assert leaders == {"孙国庆", "吴海燕", "郑红梅"}
    assert Walkthrough.objects.filter(date__gt=timezone.localdate()).count() == 0
    assert all(d.weekday() < 5 for d in Walkthrough.objects.values_list("date", flat=True))


def test_records_for_the_visits_held(cast: Any) -> None:
    for n in range(10):
        visit = make_visit(cast, title=f"视导{n}")
        visit.stops.update(date=timezone.localdate() - dt.timedelta(days=n))
    onsite(_ctx(cast))
    assert CheckRecord.objects.count() >= 10 * 3
    levels = set(CheckRecord.objects.values_list("level", flat=True))
    assert len(levels) >= 2
    assert VisitNote.objects.count() >= 10
    assert Questionnaire.objects.exists()  # about one stop in three has one
    for qn in Questionnaire.objects.all():
        assert 15 <= qn.responses.count() <= 40
    assert set(CheckRecord.objects.values_list("checker__name", flat=True)) <= {"张文华", "刘晓燕"}


def test_reproducible(cast: Any) -> None:
    make_visit(cast)

    def digest() -> list[Any]:
        return sorted([*CheckRecord.objects.values_list("client_uuid", "teacher_id", "level", "problems"),
                       *Walkthrough.objects.values_list("client_uuid", "leader_id", "date", "seen"),
                       *QuestionnaireResponse.objects.values_list("answers", flat=True).order_by("pk")], key=repr)

    onsite(_ctx(cast))
    first = digest()
    CheckRecord.objects.all().delete()
    Walkthrough.objects.all().delete()
    Questionnaire.objects.all().delete()
    VisitNote.objects.all().delete()
    onsite(_ctx(cast))
    assert digest() == first
