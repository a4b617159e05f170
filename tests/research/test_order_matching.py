"""送教 order matching without the database (research.order_matching), on points along the
equator where 0.1° of longitude is 11.12 km (6371 km × π/180 × 0.1), so every distance is read
off by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from research.order_matching import CandidateIn, OrderIn, greedy, match, pools, topic_match

MATH, CHINESE = 1, 2
D1, D2 = dt.date(2026, 11, 2), dt.date(2026, 11, 20)
KM_PER_TENTH = 11.1195


def order(i: int, lon: float, subject: int = MATH, *, topic: str = "分数的意义", start: dt.date = D1,
          end: dt.date = D2, place: str = "") -> OrderIn:
    return OrderIn(i, subject, "junior", topic, 0.0, lon, start, end, place or f"学校{i}")


def cand(i: int, lon: float, subjects: tuple[int, ...] = (MATH,), *, capacity: int = 1, stage: str = "junior",
         topics: tuple[str, ...] = ()) -> CandidateIn:
    return CandidateIn(i, f"教师{i}", frozenset(subjects), stage, 0.0, lon, capacity, "市级名师", topics)


def test_the_optimum_serves_more_than_greedy() -> None:
    # Greedy gives A the nearest teacher Y (who alone teaches Chinese too) and leaves B unserved;
    # the optimum sends X (maths only, 22.24 km) to A and Y (105.6 km) to B.
    orders = [order(1, 0.0), order(2, 1.0, CHINESE)]
    candidates = [cand(10, 0.2), cand(11, 0.05, (MATH, CHINESE))]
    g = greedy(orders, candidates)
    assert g.served == 1 and g.unserved == {2: "相符的送教教师本学期容量已满"}
    best = match(orders, candidates)
    assert {(m.order, m.candidate) for m in best.matches} == {(1, 10), (2, 11)}
    assert best.travel_km == pytest.approx(2 * KM_PER_TENTH + 9.5 * KM_PER_TENTH, abs=0.2)


def test_nearby_similar_orders_pool_into_one_activity() -> None:
    orders = [order(1, 0.0, place="甲校"), order(2, 0.1, place="乙校"), order(3, 0.2),
              order(4, 0.05, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5)), order(5, 0.05, CHINESE)]
    ps = pools(orders)
    # 2 is 11.1 km from 1 (pooled); 3 is 22.2 km away; 4's dates do not overlap; 5 is Chinese.
    assert [[o.id for o in p.orders] for p in ps] == [[1, 2], [3], [4], [5]]
    assert ps[0].key == "P1" and ps[1].key == ""
    res = match(orders[:2], [cand(10, 0.0, capacity=1)])
    # One teacher with capacity for one activity serves both orders of the pool; travel counted once.
    assert res.served == 2 and {m.pool for m in res.matches} == {"P1"}
    assert res.travel_km == 0.0
    assert "与乙校合并为联片活动" in res.matches[0].explanation
    assert res.matches[0].date == D1


def test_capacity_subject_and_stage_bind() -> None:
    orders = [order(1, 0.0), order(2, 0.5), order(3, 1.0)]
    res = match(orders, [cand(10, 0.5, capacity=2)])
    assert res.served == 2 and len(res.unserved) == 1
    res = match([order(1, 0.0)], [cand(10, 0.0, (CHINESE,)), cand(11, 0.0, stage="senior")])
    assert res.served == 0 and res.unserved == {1: "没有学科、学段相符的送教教师"}
    # A candidate without a stage may deliver to any stage.
    assert match([order(1, 0.0)], [cand(12, 0.3, stage="")]).served == 1


def test_topic_counts_as_twenty_kilometres() -> None:
    assert topic_match("分数的意义与性质", ("小数乘法", "分数加减")) == "分数加减"
    assert topic_match("圆的面积", ("分数加减",)) == ""
    known = cand(10, 0.225, topics=("分数的认识",))  # 25.0 km
    near = cand(11, 0.09)  # 10.0 km + 20 for the missing topic = 30.0
    res = match([order(1, 0.0)], [known, near])
    assert res.matches[0].candidate == 10 and "擅长“分数的认识”" in res.matches[0].explanation
    nearer = cand(12, 0.036)  # 4.0 km + 20 = 24.0 beats 25.0
    assert match([order(1, 0.0)], [known, nearer]).matches[0].candidate == 12


def test_unknown_coordinates_and_empty_inputs() -> None:
    lost = OrderIn(1, MATH, "junior", "x", None, None, D1, D2, "某校")
    res = match([lost], [cand(10, 0.0)])
    assert res.served == 1 and "距离未知" in res.matches[0].explanation
    assert match([], [cand(10, 0.0)]).served == 0
    assert match([order(1, 0.0)], []).unserved == {1: "没有学科、学段相符的送教教师"}
