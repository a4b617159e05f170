"""S-T analysis against analytics.md §1 (worked examples §1.5, rule §1.3)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from observe.coding import analyse, check_rt_ch, classify_mode, st_curve, st_indices
from observe.coding.st import FOUR_WAY_RULE, ModeRule


def naive_st(codes: str) -> tuple[int, int, int, int]:
    """Reference: N_T, N_S, N_D and the run count g by an explicit loop."""
    n_t = n_s = n_d = 0
    runs = 0
    prev = None
    for c in codes:
        n_t += c == "T"
        n_s += c == "S"
        n_d += c == "D"
        if c != prev:
            runs += 1
        prev = c
    return n_t, n_s, n_d, runs


def naive_mode(rt: Fraction, ch: Fraction) -> str:
    if rt <= Fraction(3, 10):
        return "练习型"
    if rt >= Fraction(7, 10):
        return "讲授型"
    return "对话型" if ch >= Fraction(2, 5) else "混合型"


# -- §1.5 worked examples ---------------------------------------------------------

def test_worked_example_two_class() -> None:
    r = st_indices("TTTSSTTTTSSSSTTSTTTT")
    assert (r.n, r.n_t, r.n_s, r.n_d) == (20, 13, 7, 0)
    assert r.rt == Fraction(13, 20) and float(r.rt) == 0.65
    assert r.runs == 7 and r.transitions == 6
    assert r.ch == Fraction(3, 10)
    assert r.mode == "mixed"
    assert classify_mode(r.rt, r.ch) == "混合型"
    assert st_curve("TTTSSTTTTSSSSTTSTTTT")[-1] == [13.0, 7.0]


def test_worked_example_two_class_via_analyse() -> None:
    res = analyse("ST", "TTTSSTTTTSSSSTTSTTTT", 30)
    ind = res["indices"]
    assert ind["rt"] == 0.65 and ind["ch"] == pytest.approx(0.30)
    assert ind["runs"] == 7 and ind["transitions"] == 6
    assert ind["mode_label"] == "混合型"
    assert res["charts"]["st_curve"]["end"] == {"t": 13.0, "s": 7.0}
    assert res["charts"]["rt_ch"]["point"] == [0.65, 0.3]
    assert res["duration_seconds"] == 600  # "a 10-minute extract at 30 s"


def test_worked_example_std() -> None:
    r = st_indices("TTTDDSSTTDDSSTTTDSTT", "STD")
    assert (r.n_t, r.n_d, r.n_s) == (10, 5, 5)
    assert r.rt == Fraction(25, 40)  # (10 + 2.5) / 20 = 0.625
    assert r.transitions == 9
    assert r.ch == Fraction(9, 20)
    assert r.mode == "dialogue"


# -- §1.3 boundaries (inclusive, evaluated in table order) -------------------------

@pytest.mark.parametrize(
    ("rt", "ch", "label"),
    [
        (0.3, 0.0, "练习型"),
        (0.3, 0.6, "练习型"),          # Rt ≤ 0.3 wins even with many transitions
        (Fraction(3, 10), Fraction(1, 2), "练习型"),
        (0.7, 0.6, "讲授型"),          # Rt ≥ 0.7 wins even with Ch ≥ 0.4
        (0.7, 0.0, "讲授型"),
        (0.5, 0.4, "对话型"),          # Ch = 0.4 is 对话型 (≥)
        (0.5, 0.39999, "混合型"),
        (0.30001, 0.4, "对话型"),
        (0.69999, 0.1, "混合型"),
        (0.30000000000000004, 0.0, "混合型"),
        (0.0, 0.0, "练习型"),
        (1.0, 0.0, "讲授型"),
    ],
)
def test_mode_boundaries(rt: float | Fraction, ch: float | Fraction, label: str) -> None:
    assert classify_mode(rt, ch) == label


def test_not_inverted_dialogue_mixed() -> None:
    # §1.3 pitfall [S6]: many transitions are 对话型, few are 混合型.
    assert classify_mode(0.5, 0.9) == "对话型"
    assert classify_mode(0.5, 0.05) == "混合型"


@pytest.mark.parametrize(
    ("codes", "mode", "rt", "ch"),
    [
        ("TTTSSSSSSS", "exercise", Fraction(3, 10), Fraction(1, 10)),
        ("TTTTTTTSSS", "lecture", Fraction(7, 10), Fraction(1, 10)),
        ("TTSSTTSSST", "dialogue", Fraction(1, 2), Fraction(2, 5)),
        ("TTTSSSTTSS", "mixed", Fraction(1, 2), Fraction(3, 10)),
        ("TSTSTSSSSSSSSSSSSSSS", "exercise", Fraction(3, 20), Fraction(5, 20)),
    ],
)
def test_mode_boundaries_from_codes(codes: str, mode: str, rt: Fraction, ch: Fraction) -> None:
    r = st_indices(codes)
    assert (r.rt, r.ch, r.mode) == (rt, ch, mode)


def test_std_half_credit_boundary_is_exact() -> None:
    # 6 D of 10 → Rt = 3/10 exactly → 练习型 (no float drift across the boundary).
    r = st_indices("DDDDDDSSSS", "STD")
    assert r.rt == Fraction(3, 10) and r.mode == "exercise"
    r = st_indices("TTTTTTDDSS", "STD")
    assert r.rt == Fraction(7, 10) and r.mode == "lecture"


def test_pluggable_rule() -> None:
    strict = ModeRule(key="test", name="test", dialogue_min_ch=Fraction(1, 2))
    r = st_indices("TTSSTTSSST", rule=strict)
    assert r.mode == "mixed" and r.rule_key == "test"
    assert st_indices("TTSSTTSSST").mode == "dialogue"


# -- random sequences vs naive loop -----------------------------------------------

@pytest.mark.parametrize("seed", range(25))
def test_random_against_naive(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(1, 120)
    p = rnd.random()
    codes = "".join("T" if rnd.random() < p else "S" for _ in range(n))
    n_t, n_s, _, runs = naive_st(codes)
    r = st_indices(codes)
    assert (r.n, r.n_t, r.n_s, r.runs, r.transitions) == (n, n_t, n_s, runs, runs - 1)
    assert r.rt == Fraction(n_t, n)
    assert r.ch == Fraction(runs - 1, n)
    assert r.rs == 1 - r.rt
    assert r.mode is not None and r.rt is not None and r.ch is not None
    assert classify_mode(r.rt, r.ch) == naive_mode(r.rt, r.ch)
    check_rt_ch(r.rt, r.ch)  # §1.2 range fact holds for every real record
    assert r.ch <= 2 * min(r.rt, 1 - r.rt)
    pts = st_curve(codes)
    assert len(pts) == n + 1 and pts[0] == [0.0, 0.0] and pts[-1] == [n_t, n_s]
    for (x0, y0), (x1, y1), c in zip(pts, pts[1:], codes, strict=False):
        assert (x1 - x0, y1 - y0) == ((1, 0) if c == "T" else (0, 1))


@pytest.mark.parametrize("seed", range(15))
def test_random_std_against_naive(seed: int) -> None:
    rnd = random.Random(1000 + seed)
    codes = "".join(rnd.choice("TSD") for _ in range(rnd.randint(1, 90)))
    n_t, n_s, n_d, runs = naive_st(codes)
    r = st_indices(codes, "STD")
    assert (r.n_t, r.n_s, r.n_d) == (n_t, n_s, n_d)
    assert r.rt == (Fraction(n_t) + Fraction(n_d, 2)) / len(codes)
    assert r.ch == Fraction(runs - 1, len(codes))
    end = st_curve(codes, "STD")[-1]
    assert end == [n_t + n_d / 2, n_s + n_d / 2]


# -- short / empty ----------------------------------------------------------------

def test_empty_record() -> None:
    r = st_indices("")
    assert (r.n, r.runs, r.transitions) == (0, 0, 0)
    assert r.rt is None and r.ch is None and r.mode is None
    res = analyse("ST", "")
    assert res["indices"]["rt"] is None and res["charts"]["rt_ch"]["point"] is None
    assert res["charts"]["st_curve"]["points"] == [[0.0, 0.0]]
    assert res["charts"]["rt_windows"] == []


@pytest.mark.parametrize(("codes", "rt", "mode"), [("T", 1, "lecture"), ("S", 0, "exercise")])
def test_single_sample(codes: str, rt: int, mode: str) -> None:
    r = st_indices(codes)
    assert r.n == 1 and r.runs == 1 and r.transitions == 0
    assert r.rt == rt and r.ch == 0 and r.mode == mode


def test_two_samples() -> None:
    r = st_indices("TS")
    assert r.rt == Fraction(1, 2) and r.ch == Fraction(1, 2) and r.mode == "dialogue"
    assert st_indices(["T", "T"]).ch == 0


# -- §1.2 range check for entered values -------------------------------------------

def test_check_rt_ch_rejects_infeasible() -> None:
    check_rt_ch(0.5, 1.0)
    check_rt_ch(0.2, 0.4)
    with pytest.raises(ValueError, match="Ch"):
        check_rt_ch(0.2, 0.41)
    with pytest.raises(ValueError, match="Rt"):
        check_rt_ch(1.2, 0.0)
    with pytest.raises(ValueError):
        check_rt_ch(0.5, -0.1)


# -- chart data ---------------------------------------------------------------------

def test_regions_tile_the_feasible_triangle() -> None:
    regions = {r["key"]: r["polygon"] for r in FOUR_WAY_RULE.regions()}

    def area(poly: list[list[float]]) -> float:
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                       in zip(poly, poly[1:] + poly[:1], strict=True))) / 2

    assert sorted(map(tuple, regions["exercise"])) == [(0.0, 0.0), (0.3, 0.0), (0.3, 0.6)]
    assert sorted(map(tuple, regions["mixed"])) == [(0.3, 0.0), (0.3, 0.4), (0.7, 0.0),
                                                   (0.7, 0.4)]
    assert sum(area(p) for p in regions.values()) == pytest.approx(0.5)  # triangle area
    assert area(regions["dialogue"]) == pytest.approx(0.5 - 0.09 - 0.09 - 0.16)


def test_t_axis_option_swaps_coordinates() -> None:
    x = analyse("ST", "TTS", t_axis="x")["charts"]["st_curve"]
    y = analyse("ST", "TTS", t_axis="y")["charts"]["st_curve"]
    assert x["points"][-1] == [2.0, 1.0] and y["points"][-1] == [1.0, 2.0]
    assert x["x_name"].startswith("教师") and y["x_name"].startswith("学生")
    with pytest.raises(ValueError):
        analyse("ST", "TTS", t_axis="z")


def test_rt_windows_per_five_minutes() -> None:
    codes = "T" * 10 + "S" * 10 + "TS" * 5 + "T" * 3  # 33 samples at 30 s
    w = analyse("ST", codes, 30)["charts"]["rt_windows"]
    assert [x["n"] for x in w] == [10, 10, 10, 3]
    assert [x["rt"] for x in w] == [1.0, 0.0, 0.5, 1.0]
    assert w[1]["start_seconds"] == 300 and w[-1]["end_seconds"] == 990
    # Halving the interval puts 20 samples in each 5-minute window.
    w15 = analyse("ST", codes, 15)["charts"]["rt_windows"]
    assert [x["n"] for x in w15] == [20, 13]
