"""Teachers with a city first prize or better (市级一等奖及以上, from growth's awards) join the
送教 candidates beside the 名师 and 教学能手, and the match page names the prize as the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core import services as core_services
from core.models import Level, OrgNode, Person, Subject
from growth.models import AwardRank
from growth.services.records import award_record
from research.models.orders import DeliveryCapacity
from research.order_selectors import candidate_inputs
from research.services import orders as svc
from tests.research.order_setup import candidates, post_order


def _prized(code: str, name: str, org: OrgNode, level: str, rank: str) -> Person:
    person = core_services.person_create(actor=None, code=code, name=name, org=org,
                                         main_subject=Subject.objects.get(code="math"), stage="junior",
                                         teaching_since=2010)
    award_record(actor=None, person=person, title="初中数学优质课比赛", level=level, rank=rank,
                 awarded_on=dt.date(2025, 11, 20))
    return person


def test_city_first_prize_or_better_makes_a_candidate_and_is_the_shown_reason(
        cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    master, star = candidates(cast)
    winner = _prized("SJ0101", "石一等", cast.school_a1, Level.CITY, AwardRank.FIRST)
    _prized("SJ0102", "县一等", cast.school_a1, Level.COUNTY, AwardRank.FIRST)
    _prized("SJ0103", "市二等", cast.school_a1, Level.CITY, AwardRank.SECOND)
    _prized("SJ0104", "外区一等", cast.school_b1, Level.PROVINCE, AwardRank.FIRST)
    award_record(actor=None, person=master, title="省级教学能手评选", level=Level.PROVINCE, rank=AwardRank.SPECIAL,
                 awarded_on=dt.date(2024, 5, 1))
    honours = {c.name: c.honour for c in candidate_inputs(cast.county_a, cast.term)}
    # County prizes, second prizes and another county's teachers are not candidates of county A.
    assert honours == {"梁名师": "市级名师、省级特等奖", "韩能手": "县级教学能手", "石一等": "市级一等奖"}

    # With the 教学能手 full, the prize winner at the ordering school beats the 名师 8.8 km away.
    DeliveryCapacity.objects.create(person=star, term=cast.term, capacity=0)
    order = post_order(cast)
    page = cast.client("county_researcher").post(reverse("research:orders_match"),
                                                 {"region": cast.county_a.code, "term": cast.term.key})
    body = page.content.decode()
    assert page.status_code == 200 and "获市级一等奖及以上的教师" in body
    assert "石一等（市级一等奖）" in body
    order.refresh_from_db()
    assert order.match.teacher == winner

    # The organiser cannot hand the order to a teacher with only a county first prize.
    with pytest.raises(svc.OrderError, match="不是本区域的名师、教学能手或市级一等奖及以上获奖教师"):
        svc.order_match_edit(actor=cast.users["county_researcher"], order=order,
                             teacher=Person.objects.get(code="SJ0102"), date=dt.date(2026, 12, 15))
