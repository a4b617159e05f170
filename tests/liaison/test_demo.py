"""The liaison demo's responsibility zone, on the cast with a county of kindergartens (the
round, links and on-site days of the tiny seed are checked in tests/demo/test_liaison.py)."""

from __future__ import annotations

import pytest

from liaison.models import (
    ResponsibilityZone,
)

pytestmark = pytest.mark.django_db


def test_demo_zone_of_a_county_with_kindergartens(db: None) -> None:
    import datetime as dt
    import random

    from core.demo.extensions import SeedContext
    from liaison.demo import _zone
    from tests.conftest import build_cast
    from tests.liaison.scenario import kindergarten

    cast = build_cast()
    kindergarten(cast.county_a, "1140105711", "小店实验幼儿园")
    for i in range(3):
        kindergarten(cast.county_a, f"114010572{i}", f"小店乡村幼儿园{i}", weak=True)
    ctx = SeedContext(seed=1, scale="tiny", rng=random.Random(1), today=dt.date(2026, 11, 27), term_key="2026-1",
                      province_id=cast.province.pk, region_ids=[], school_ids=[], teachers_by_school={},
                      researcher_ids=[])
    _zone(ctx, cast.county_a, ctx.rng)
    zone = ResponsibilityZone.objects.get()
    assert zone.region == cast.county_a and zone.members.count() == 3
    assert zone.activities.count() == 4
