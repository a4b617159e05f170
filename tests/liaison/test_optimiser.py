"""The assignment optimiser on small instances checked by hand (no database)."""

from __future__ import annotations

from liaison.optimiser import Linker, School, distance_km, greedy, optimise

# Points on a line of latitude 35°N: 0.011° of longitude is about 1 km there.
KM = 1 / 91.2


def _linker(i: int, x_km: float, *, subjects: tuple[str, ...] = ("math",), stage: str = "primary",
            capacity: int = 4, level: str = "city") -> Linker:
    return Linker(i, f"教研员{i}", frozenset(subjects), stage, 117.0 + x_km * KM, 35.0, capacity, level)


def _school(i: int, x_km: float, *, needs: tuple[tuple[str, str], ...] = (("math", "primary"),), weak: bool = False,
            rural: bool = True, locale: str = "rural", previous: frozenset[int] = frozenset(),
            wants: bool = False) -> School:
    return School(i, f"学校{i}", needs, 117.0 + x_km * KM, 35.0, weak=weak, rural=rural, locale=locale,
                  previous=previous, wants_continuity=wants)


def test_distance_is_great_circle_km() -> None:
    assert abs(distance_km(117.0, 35.0, 117.0 + 10 * KM, 35.0) - 10) < 0.1


def test_weak_school_covered_before_a_nearer_one() -> None:
    # One linker with room for one school; the weak rural school 30 km away wins over the
    # ordinary town school next door.
    linkers = [_linker(1, 0, capacity=1)]
    schools = [_school(10, 1, rural=False, locale="town"), _school(11, 30, weak=True)]
    p = optimise(linkers, schools, subject_names={"math": "数学"})
    assert [(lk.linker_id, lk.school_id) for lk in p.links] == [(1, 11)]
    assert "薄弱学校、乡村学校优先" in p.links[0].reason and "距离约30公里" in p.links[0].reason
    assert p.uncovered == [(10, "对口的联系人名额已满（教研员1等已联系满额）")]


def test_every_linker_gets_a_first_school_before_anyone_a_second() -> None:
    # Two schools near linker 1; linker 2 is farther from both. The flow gives each one school
    # (RES.LINK_RANGE's lower end) rather than both to linker 1.
    linkers = [_linker(1, 0), _linker(2, 20)]
    schools = [_school(10, 1), _school(11, 2)]
    p = optimise(linkers, schools)
    assert sorted((lk.linker_id, lk.school_id) for lk in p.links) == [(1, 10), (2, 11)]
    assert p.idle == []
    # The greedy baseline gives both to the nearest and leaves linker 2 idle.
    g = greedy(linkers, schools)
    assert sorted((lk.linker_id, lk.school_id) for lk in g.links) == [(1, 10), (1, 11)]
    assert [i for i, _ in g.idle] == [2]


def test_subject_and_level_are_hard_rules() -> None:
    # A Chinese need gets no maths researcher; a city linker does not take an urban school.
    linkers = [_linker(1, 0)]
    schools = [_school(10, 1, needs=(("chinese", "primary"),)), _school(11, 1, rural=False, locale="urban")]
    p = optimise(linkers, schools, subject_names={"chinese": "语文", "math": "数学"})
    assert p.links == []
    assert dict(p.uncovered) == {10: "没有语文学科、层级对应的教研员或骨干教师",
                                 11: "没有数学学科、层级对应的教研员或骨干教师"}
    assert p.idle == [(1, "范围内没有与其学科、层级对应的学校需求")]


def test_capacity_and_stage_match() -> None:
    # Five schools, one linker of capacity 4: four linked, at most 4 (RES.LINK_RANGE's top).
    linkers = [_linker(1, 0, capacity=6)]
    schools = [_school(10 + k, k + 1) for k in range(5)]
    p = optimise(linkers, schools)
    assert len(p.links) == 4 and {lk.school_id for lk in p.links} == {10, 11, 12, 13}
    # A junior-stage linker serves a primary need when no primary one is there, flagged.
    p = optimise([_linker(1, 0, stage="junior")], [_school(10, 1)])
    assert not p.links[0].stage_match and "学段不同" in p.links[0].reason


def test_continuity_keeps_last_rounds_linker() -> None:
    # The school asks to keep linker 2 (last round's), who is 15 km farther than linker 1.
    linkers = [_linker(1, 0, capacity=1), _linker(2, 15, capacity=1)]
    schools = [_school(10, 1, previous=frozenset({2}), wants=True), _school(11, 40)]
    p = optimise(linkers, schools)
    pairs = sorted((lk.linker_id, lk.school_id) for lk in p.links)
    assert pairs == [(1, 11), (2, 10)]
    assert next(lk for lk in p.links if lk.school_id == 10).continuity


def test_stats_count_coverage_match_and_travel() -> None:
    linkers = [_linker(1, 0, capacity=1)]
    schools = [_school(10, 10, weak=True), _school(11, 5, weak=True)]
    stats = optimise(linkers, schools).stats(schools)
    assert stats["weak_coverage"] == 50.0 and stats["stage_match"] == 100.0
    assert abs(stats["travel_km"] - 5.0) < 0.2
