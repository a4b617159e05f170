"""The six liaison norms, each from its clause in spec/norms.md, computed live through
core.compliance as the compliance page's refresh does: RES.LINK_MIN (000 §7), RES.LINK_RANGE
(002 三), RES.LINK_LEVEL (000 §7), RES.ONSITE (002 三), RES.ROUND (002 七), RES.EXCHANGE
(002 七(二)3). Each has a subject that meets it, one that misses it, and the edge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.compliance import evaluate
from core.models import Norm, NormOverride, OrgNode
from core.norm_results import system_user
from liaison.models import LinkerKind, Round
from liaison.services import rounds as round_services
from tests.liaison.factories import day, link, round_, school


def _rows(code: str, node: OrgNode, term: Any = None) -> dict[str, Any]:
    result = evaluate(system_user(), node, term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def _schools(cast: Any, n: int) -> list[OrgNode]:
    return [school(cast.county_a, f"11401059{i:02d}", f"测试乡村小学{i}") for i in range(n)]


def test_link_min_every_subject_researcher_links_one_school(cast: Any) -> None:
    # "every subject researcher links at least one school" (>= 1, 000 §7).
    r = round_(cast.city)
    link(r, cast.people["city_researcher"], cast.school_a2)
    rows = _rows("RES.LINK_MIN", cast.province)
    assert rows["赵丽华"].meets and rows["赵丽华"].value == 1
    # The county researcher links none; the bureau viewer is no subject researcher.
    assert not rows["张文华"].meets and rows["张文华"].detail == "尚未联系学校"
    assert "陈志强" not in rows and "王建国" not in rows
    # Edge: a proposal does not count until accepted.
    county_round = round_(cast.county_a)
    link(county_round, cast.people["county_researcher"], cast.school_a2, accept=False, subject="chinese")
    assert _rows("RES.LINK_MIN", cast.province)["张文华"].value == 0
    # A closed round's links no longer count.
    Round.objects.filter(pk=r.pk).update(status="closed")
    assert not _rows("RES.LINK_MIN", cast.province)["赵丽华"].meets


def test_link_range_one_to_four_schools_per_round(cast: Any) -> None:
    # "a city compulsory-stage researcher (with backbone teachers) links 1 to 4 fixed schools".
    r = round_(cast.city)
    schools = _schools(cast, 4)
    researcher = cast.people["city_researcher"]
    assert not _rows("RES.LINK_RANGE", cast.province)["赵丽华"].meets  # none yet
    for s in schools:
        link(r, researcher, s)
    row = _rows("RES.LINK_RANGE", cast.province)["赵丽华"]
    assert row.meets and row.value == 4 and row.context == r.title  # the edge: 4 is in range
    # Only city compulsory-stage researchers are bound: not the province's or the county's.
    rows = _rows("RES.LINK_RANGE", cast.province)
    assert "李文博" not in rows and "张文华" not in rows
    # A backbone teacher of the city round is bound too.
    link(r, cast.people["teacher"], cast.school_a2, kind=LinkerKind.BACKBONE, subject="chinese")
    assert _rows("RES.LINK_RANGE", cast.province)["何静"].meets
    # The range is the threshold's: a city allowing 1～3 makes 4 too many.
    NormOverride.objects.create(norm=Norm.objects.get(code="RES.LINK_RANGE"), region=cast.city,
                                threshold_min=1, threshold_max=3)
    row = _rows("RES.LINK_RANGE", cast.city)["赵丽华"]
    assert not row.meets and "超过3所" in row.detail


def test_link_level_pairs_institutions_with_their_level(cast: Any) -> None:
    # "province links counties, city links townships, county links rural schools and teaching points".
    city_round = round_(cast.city)
    link(city_round, cast.people["city_researcher"], cast.school_a2)  # a rural school: a township's
    county_round = round_(cast.county_a)
    link(county_round, cast.people["county_researcher"], cast.school_a2, subject="chinese")
    province_round = round_(cast.province)
    link(province_round, cast.people["province_researcher"], cast.county_a)
    rows = _rows("RES.LINK_LEVEL", cast.province)
    assert rows[city_round.title].meets and rows[county_round.title].meets and rows[province_round.title].meets
    assert rows[city_round.title].value == 100
    # A city researcher linked to an urban school, a county researcher to a town school that is
    # no teaching point, the province to a school: each named.
    link(city_round, cast.people["city_researcher"], cast.school_a1)
    town = school(cast.county_a, "1140105801", "镇区中学", locale="town")
    link(county_round, cast.people["county_researcher"], town, subject="chinese")
    link(province_round, cast.people["province_researcher"], cast.school_b1)
    rows = _rows("RES.LINK_LEVEL", cast.province)
    assert not rows[city_round.title].meets and "市级应联系乡镇学校" in rows[city_round.title].detail
    assert rows[city_round.title].value == 50
    assert "县级应联系乡村学校或教学点" in rows[county_round.title].detail
    assert "省级应联系县（区）" in rows[province_round.title].detail
    # Edge: a town teaching point is what a county links.
    point = school(cast.county_a, "1140105802", "镇区教学点", locale="town", teaching_point=True)
    r2 = round_(cast.county_a, title="小店区第二轮")
    link(r2, cast.people["county_researcher"], point, subject="chinese")
    assert _rows("RES.LINK_LEVEL", cast.county_a)["小店区第二轮"].meets


def test_onsite_five_working_days_per_semester(cast: Any) -> None:
    # "time on site at linked schools >= 5 working days (one week), per semester".
    r = round_(cast.city)
    a = link(r, cast.people["city_researcher"], cast.school_a2)
    b = link(r, cast.people["province_researcher"], _schools(cast, 1)[0])
    monday = dt.date(2026, 10, 12)
    for i in range(5):
        day(a, monday + dt.timedelta(days=i))
    for i in range(4):
        day(b, monday + dt.timedelta(days=i))
    day(b, monday + dt.timedelta(days=4), portion="half")
    day(b, dt.date(2026, 10, 17))  # a Saturday: no working day
    day(b, dt.date(2026, 6, 15))  # the previous semester
    rows = _rows("RES.ONSITE", cast.province, cast.term)
    assert rows["赵丽华"].meets and rows["赵丽华"].value == 5  # the edge: exactly a week
    short = rows["李文博"]
    assert not short.meets and short.value == 4.5 and "还差0.5天" in short.detail
    assert "张文华" not in rows  # no link, no on-site duty


def test_round_two_school_years_in_three_phases(cast: Any) -> None:
    # "a linking round lasts two school years, in three phases: preparation (year 1, Jun-Aug),
    # implementation (year 1 Sep to year 3 Jul), summary (year 3 Jul-Aug)".
    good = round_(cast.city)
    row = _rows("RES.ROUND", cast.province)[good.title]
    assert row.meets and row.value == 2
    from liaison.rules import Phases

    long = round_services.round_create(
        actor=None, institution=cast.county_a, title="三学年轮次", start_year=2026,
        phases=Phases(2026, dt.date(2026, 6, 1), dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2029, 7, 10),
                      dt.date(2029, 7, 11), dt.date(2029, 8, 31)))
    early = round_services.round_create(
        actor=None, institution=cast.county_b, title="五月准备", start_year=2026,
        phases=Phases(2026, dt.date(2026, 5, 1), dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2028, 7, 10),
                      dt.date(2028, 7, 11), dt.date(2028, 8, 31)))
    rows = _rows("RES.ROUND", cast.province)
    assert not rows[long.title].meets and rows[long.title].value == 3
    assert "跨3个学年" in rows[long.title].detail
    assert not rows[early.title].meets and "准备阶段应在2026年6月至8月" in rows[early.title].detail
    assert rows[early.title].value == 2  # the edge: two school years, but the calendar is off


def test_exchange_meeting_each_semester(cast: Any) -> None:
    # "work exchange meeting of the linking programme >= 1 per semester".
    held = round_(cast.city)
    missing = round_(cast.county_a)
    later = round_(cast.county_b, start_year=2027, status="preparation")
    round_services.meeting_record(actor=None, round_=held, term=cast.term, date=dt.date(2027, 1, 8),
                                  title="第一学期工作交流会", attendees=40)
    rows = _rows("RES.EXCHANGE", cast.province, cast.term)
    assert rows[held.title].meets and rows[held.title].value == 1
    assert not rows[missing.title].meets and rows[missing.title].detail == "本学期尚未召开工作交流会"
    # A round whose implementation has not begun owes no meeting this semester.
    assert later.title not in rows
