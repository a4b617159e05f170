"""The liaison demo (liaison/demo) on the tiny seed: a city round and a county round in
implementation with links from the optimiser, most accepted; plans, on-site days with some
people short, ticked tasks, guidance plans, the city's exchange meeting, a responsibility zone;
the six norms stored with rows."""

from __future__ import annotations

from core.demo.generator import SeedResult
from core.models import NormResultRow
from liaison.models import (
    ExchangeMeeting,
    GuidancePlan,
    Link,
    LinkSource,
    LinkStatus,
    OnsiteDay,
    ResponsibilityZone,
    Round,
    RoundStatus,
    TaskCheck,
)


def test_demo_has_a_round_in_progress(tiny: SeedResult) -> None:
    result = tiny
    assert "liaison.rounds" in result.timings
    rounds = list(Round.objects.select_related("institution"))
    assert {r.institution.kind for r in rounds} == {"city", "county"}
    assert all(r.status == RoundStatus.IMPLEMENTATION for r in rounds)
    links = Link.objects.all()
    assert links.filter(status=LinkStatus.ACCEPTED).exists() and links.filter(status=LinkStatus.PROPOSED).exists()
    assert set(links.values_list("source", flat=True)) == {LinkSource.OPTIMISER}
    assert all(lk.reason.startswith("学科对口") for lk in links)
    assert OnsiteDay.objects.exists() and TaskCheck.objects.filter(done=True).exists()
    assert GuidancePlan.objects.exists() and ExchangeMeeting.objects.count() == 1
    # The core demo world has no kindergartens: no zone on a plain seed (see the next test).
    assert not ResponsibilityZone.objects.exists()
    onsite = NormResultRow.objects.filter(norm_code="RES.ONSITE", term_key="2026-1")
    assert onsite.filter(meets=True).exists() and onsite.filter(meets=False).exists()
    for code in ("RES.LINK_MIN", "RES.LINK_RANGE", "RES.LINK_LEVEL", "RES.ROUND"):
        assert NormResultRow.objects.filter(norm_code=code).exists(), code
    exchange = NormResultRow.objects.filter(norm_code="RES.EXCHANGE", term_key="2026-1")
    assert exchange.filter(meets=True).count() == 1 and exchange.filter(meets=False).count() == 1
