"""均衡 indicators (analytics.md §7)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from quality.stats import (
    CV_THRESHOLDS,
    composite_cv,
    cv_verdict,
    eligible_schools,
    ministry_cv,
    theil_t,
    weighted_gini,
)

ENROL = np.array([45, 37, 89, 76, 55], dtype=float)
BOOKS = np.array([279, 137, 935, 160, 402], dtype=float)


def test_spec_five_school_example_weighting_flips_verdict() -> None:
    x = BOOKS / ENROL
    w = ministry_cv(x, ENROL)
    assert w.mean == pytest.approx(1913 / 302)
    assert w.sd == pytest.approx(3.264, abs=5e-4)
    assert w.cv == pytest.approx(0.515, abs=5e-4)
    assert round(w.cv, 2) == 0.52  # the guide's rounding
    u = ministry_cv(x, ENROL, weighting="none")
    assert u.cv == pytest.approx(0.489, abs=5e-4)
    assert u.weighting == "none" and w.weighting == "enrolment"
    vw = cv_verdict(w.cv, stage="primary")
    vu = cv_verdict(u.cv, stage="primary")
    assert vw.threshold == 0.50 and not vw.passed
    assert vu.passed
    # weighted squared deviations listed in the spec: 0.003 + 0.85 + 5.13 + 4.50 + 0.17
    dev = ENROL / ENROL.sum() * (x - w.mean) ** 2
    assert np.allclose(dev, [0.003, 0.85, 5.13, 4.50, 0.17], atol=0.006)
    assert weighted_gini(x, ENROL) == pytest.approx(0.288, abs=5e-4)
    assert theil_t(x, ENROL).total == pytest.approx(0.144, abs=5e-4)


def test_thresholds_from_spec() -> None:
    assert CV_THRESHOLDS == {
        ("basic", "primary"): 0.65,
        ("basic", "junior"): 0.55,
        ("quality", "primary"): 0.50,
        ("quality", "junior"): 0.45,
    }
    assert cv_verdict(0.45, stage="junior").passed
    assert not cv_verdict(0.451, stage="junior").passed
    assert cv_verdict(0.60, stage="primary", standard="basic").passed
    assert composite_cv([0.2, 0.4, 0.6]) == pytest.approx(0.4)


def test_cv_against_expanded_population() -> None:
    # Weighting by enrolment == population SD over students, each carrying its school value.
    rng = np.random.default_rng(14)
    e = rng.integers(50, 400, 12)
    x = rng.uniform(2, 15, 12)
    per_student = np.repeat(x, e)
    r = ministry_cv(x, e)
    assert r.cv == pytest.approx(per_student.std() / per_student.mean())


def test_gini_against_double_sum() -> None:
    rng = np.random.default_rng(15)
    x = rng.uniform(1, 20, 30)
    w = rng.integers(10, 500, 30).astype(float)
    x[5] = x[6]  # a tie
    num = sum(w[i] * w[j] * abs(x[i] - x[j]) for i, j in itertools.product(range(30), repeat=2))
    mu = (w * x).sum() / w.sum()
    assert weighted_gini(x, w) == pytest.approx(num / (2 * w.sum() ** 2 * mu))
    assert weighted_gini(np.full(4, 3.0), [1, 2, 3, 4]) == pytest.approx(0.0)


def test_theil_decomposition_adds_up() -> None:
    rng = np.random.default_rng(16)
    x = rng.uniform(1, 20, 40)
    w = rng.integers(10, 500, 40).astype(float)
    g = rng.integers(0, 2, 40)  # urban / rural
    t = theil_t(x, w, g)
    assert t.between + t.within == pytest.approx(t.total)
    # within-group Theil for group 0 computed directly
    m = g == 0
    mu0 = (w[m] * x[m]).sum() / w[m].sum()
    t0 = (w[m] / w[m].sum() * x[m] / mu0 * np.log(x[m] / mu0)).sum()
    assert t.group_theil[0] == pytest.approx(t0)
    assert t.between > 0
    with pytest.raises(ValueError):
        theil_t([0.0, 1.0])


def test_eligible_schools() -> None:
    ok = eligible_schools(
        [30, 30, 200, 300, 80],
        special_education=[False, False, True, False, False],
        vocational=[False, False, False, True, False],
        teaching_point=[True, False, False, False, True],
    )
    assert ok.tolist() == [False, True, False, False, True]
