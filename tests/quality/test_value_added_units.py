"""The pure inputs of value added (no database): linking to the prior exam and the units."""

from __future__ import annotations

import numpy as np

from quality.analysis.value_added_units import class_units, link_prior, school_units, teacher_units


def test_link_prior_matches_a_dictionary_lookup() -> None:
    rng = np.random.default_rng(3)
    before_ids = rng.permutation(np.arange(100, 400, dtype=np.int64))[:200]
    before_scores = rng.random(200) * 100
    now_ids = rng.permutation(np.arange(50, 450, dtype=np.int64))[:300]
    got = link_prior(now_ids, before_ids, before_scores)
    ref = dict(zip(before_ids.tolist(), before_scores.tolist(), strict=True))
    expected = np.array([ref.get(i, np.nan) for i in now_ids.tolist()])
    np.testing.assert_array_equal(got, expected)
    assert np.isnan(link_prior(now_ids, np.zeros(0, np.int64), np.zeros(0))).all()


def test_units_of_schools_classes_and_teachers() -> None:
    class_keys = ("001:8(1)班", "001:8(2)班", "002:8(1)班", "002:a:b")
    class_idx = np.array([0, 0, 1, 2, 3, 3], np.int64)
    s = school_units(np.array([0, 0, 0, 1, 1, 1], np.int64), ("001", "002"), ("一中", "二中"))
    assert s.names == ["一中", "二中"] and s.school_codes == ["001", "002"]
    c = class_units(class_keys, class_idx, ("001", "002"), ("一中", "二中"))
    assert c.names == ["一中 8(1)班", "一中 8(2)班", "二中 8(1)班", "二中 a:b"]
    assert c.school_codes == ["001", "001", "002", "002"]
    # One teacher with two classes, one class without a recorded teacher.
    t = teacher_units(class_keys, class_idx, {"001:8(1)班": (7, "何静"), "001:8(2)班": (7, "何静"),
                                             "002:8(1)班": (9, "冯志刚")})
    assert t.names == ["何静", "冯志刚"] and t.school_codes == ["001", "002"]
    assert t.group.tolist() == [0, 0, 0, 1, -1, -1]
    y1, y0, group = t.inputs(np.arange(6, dtype=np.float64), np.arange(6, dtype=np.float64))
    assert np.isnan(y1[4:]).all() and np.isnan(y0[4:]).all() and group.tolist() == [0, 0, 0, 1, 0, 0]


def test_teacher_grouping_at_province_size() -> None:
    """A province's exam has tens of thousands of classes, two per teacher here: every teacher is
    one unit holding exactly their classes. (Its growth with the class count, linear where the
    old loop was quadratic, is measured by bench/bench_teacher_units.py, not timed here.)"""
    n = 40000
    keys = tuple(f"{i // 40:05d}:{i % 40}班" for i in range(n))
    assignment = {k: (i // 2, f"T{i // 2}") for i, k in enumerate(keys)}
    units = teacher_units(keys, np.arange(n, dtype=np.int64), assignment)
    assert len(units.names) == n // 2
    assert units.names[0] == "T0" and units.names[-1] == f"T{n // 2 - 1}"
