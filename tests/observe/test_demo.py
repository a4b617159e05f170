"""The demo extension: a year of observations with leaders near, above and below quota, some
teachers never observed, and coded lessons of every S-T mode."""

from __future__ import annotations

import datetime as dt
import random

from core.demo.extensions import SeedContext, registered
from observe.demo import generate_observations, observations
from observe.models import CodingSession, Observation
from observe.quotas import quota_report
from tests.conftest import Cast


def test_registered_with_the_seed_hook() -> None:
    assert "observe.observations" in [name for name, _ in registered()]


def test_demo_year(cast: Cast) -> None:
    ctx = SeedContext(seed=1, scale="tiny", rng=random.Random(1), today=dt.date(2026, 11, 27), term_key="2026-1",
                      province_id=cast.province.pk, region_ids=[], school_ids=[cast.school_a1.pk, cast.school_a2.pk],
                      teachers_by_school={}, researcher_ids=[])
    observations(ctx)
    assert ctx.extra["observe.observations"] == Observation.objects.count() > 20
    assert set(CodingSession.objects.exclude(mode="").values_list("mode", flat=True)) == {
        "lecture", "exercise", "dialogue", "mixed"}
    assert CodingSession.objects.filter(scheme_key="FIAS").exists()
    report = quota_report(cast.users["county_researcher"], cast.county_a, cast.term, today=dt.date(2026, 11, 27))
    assert report.leaders and any(s.unobserved for s in report.schools)
    assert Observation.objects.filter(purpose="developmental").exists()
    assert Observation.objects.exclude(reflection="").exists()


def test_pace_mix_spreads_leaders(cast: Cast) -> None:
    generate_observations(rng=random.Random(3), school_ids=[cast.school_a1.pk], today=dt.date(2026, 11, 27),
                          pace_mix=(0, 0, 1), coded_schools=0, with_scores=False)
    report = quota_report(cast.users["principal"], cast.school_a1, cast.term, today=dt.date(2026, 11, 27))
    assert all(r.status == "behind" for r in report.leaders)
