"""The pure subgroup computation: figures against independent numpy references, primary and
complementary suppression, and the gap's interval (no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quality.analysis.subgroups import ATTRIBUTE_BY_KEY, rule_text, subgroup_table, suppress, suppressed_text

GENDER = ATTRIBUTE_BY_KEY["gender"]
LEFT = ATTRIBUTE_BY_KEY["left_behind"]


def test_small_cells_are_hidden_and_a_lone_hidden_cell_takes_its_smallest_complement_with_it() -> None:
    # One small cell next to one other non-empty cell: the other would give it away (total − other).
    assert suppress([30, 5, 0], 10) == ["complement", "small", ""]
    # The complement is the smallest of the other non-empty cells, 未登记 included.
    assert suppress([30, 25, 4], 10) == ["", "complement", "small"]
    assert suppress([12, 40, 3], 10) == ["complement", "", "small"]
    # Two hidden cells already protect each other; empty cells hold no one and are never hidden.
    assert suppress([30, 5, 3], 10) == ["", "small", "small"]
    assert suppress([30, 25, 0], 10) == ["", "", ""]
    assert suppress([10, 10, 0], 10) == ["", "", ""]  # N itself is shown
    assert suppress([9, 0, 0], 10) == ["small", "", ""]  # the whole scope is small: nothing to pair


def test_no_partition_ever_leaves_exactly_one_hidden_cell_beside_a_shown_one() -> None:
    rng = np.random.default_rng(7)
    for _ in range(2000):
        counts = [int(v) for v in rng.integers(0, 25, 3) * rng.integers(0, 2, 3)]
        n = int(rng.integers(1, 16))
        flags = suppress(counts, n)
        hidden = [i for i, f in enumerate(flags) if f]
        shown_nonempty = [i for i, c in enumerate(counts) if c > 0 and not flags[i]]
        assert all(counts[i] >= n for i in shown_nonempty)
        assert not (len(hidden) == 1 and shown_nonempty), (counts, n, flags)


def _reference(x: np.ndarray, full: float) -> dict[str, float]:
    return {"mean": float(x.mean()), "sd": float(x.std()), "score_rate": float(x.mean() / full),
            "excellent": float((x >= 0.85 * full).mean()), "pass": float((x >= 0.6 * full).mean()),
            "low": float((x < 0.4 * full).mean())}


def test_figures_match_an_independent_computation_and_small_cells_carry_no_figure() -> None:
    rng = np.random.default_rng(3)
    full = 100.0
    scores = rng.integers(20, 101, 60).astype(np.float64)
    scores[[5, 17]] = np.nan  # two absentees: not sitters, counted nowhere
    codes = np.array([0] * 30 + [1] * 18 + [-1] * 12, dtype=np.int64)
    t = subgroup_table(GENDER, codes, scores, full_mark=full, precision=1.0, min_cell=10)
    for cell, mask in zip(t.cells, (codes == 0, codes == 1, codes == -1), strict=True):
        x = scores[mask & ~np.isnan(scores)]
        ref = _reference(x, full)
        assert cell.n == x.size and not cell.suppressed
        assert cell.mean == pytest.approx(ref["mean"]) and cell.sd == pytest.approx(ref["sd"])
        assert cell.score_rate == pytest.approx(ref["score_rate"])
        assert (cell.excellent_rate, cell.pass_rate, cell.low_rate) == pytest.approx(
            (ref["excellent"], ref["pass"], ref["low"]))
    assert t.total.n == 58 and t.total.mean == pytest.approx(float(np.nanmean(scores)))

    # 6 未登记 sitters < 10: hidden with no figure, and so is its smallest complement (女, 24).
    codes = np.array([0] * 30 + [1] * 24 + [-1] * 6, dtype=np.int64)
    male, female, unknown = subgroup_table(GENDER, codes, scores, full_mark=full, precision=1.0, min_cell=10).cells
    assert unknown.suppression == "small" and unknown.mean is None and unknown.pass_rate is None
    assert female.suppression == "complement" and female.mean is None and female.sd is None
    assert not male.suppressed and male.mean is not None
    assert subgroup_table(GENDER, codes, scores, full_mark=full, precision=1.0, min_cell=10).gap is None


def test_the_gap_has_a_welch_interval_and_hedges_g() -> None:
    rng = np.random.default_rng(11)
    a = rng.integers(40, 100, 40).astype(np.float64)
    b = rng.integers(30, 90, 25).astype(np.float64)
    codes = np.array([0] * a.size + [1] * b.size, dtype=np.int64)
    t = subgroup_table(LEFT, codes, np.concatenate([a, b]), full_mark=100.0, precision=1.0, min_cell=10)
    assert t.gap is not None
    diff = a.mean() - b.mean()
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    pooled = math.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
    assert t.gap.difference == pytest.approx(diff)
    assert (t.gap.lower, t.gap.upper) == pytest.approx((diff - 1.96 * se, diff + 1.96 * se), abs=1e-3)
    assert t.gap.hedges_g == pytest.approx(diff / pooled * (1 - 3 / (4 * (a.size + b.size) - 9)))
    assert [c.label for c in t.cells] == ["留守儿童", "非留守儿童", "未登记"] and t.cells[2].empty


def test_the_rule_names_n_and_the_complement() -> None:
    assert suppressed_text(15) == "—（少于15人不显示）"
    text = rule_text(15)
    assert "少于15人" in text and "互补隐藏" in text and "不列出任何学生" in text and "其他学校" in text


def test_a_scope_hides_what_its_siblings_would_give_away_by_subtraction_from_the_parent() -> None:
    from quality.analysis.subgroups import suppress_grid

    # School 1 has 4 in the first group: hidden, with its complement (30). The county shows
    # 39 in that column, so 39 − 15 − 20 would give the 4 away: one more school's cell goes
    # (the smallest, school 0's 15), and then school 0's row needs its own complement (12).
    flags = suppress_grid(np.array([[15, 12, 0], [4, 30, 0], [20, 25, 0]]), 10)
    assert flags == [["complement", "complement", ""], ["small", "complement", ""], ["", "", ""]]
    # A column whose sum is hidden itself has no shown total to subtract from.
    assert suppress_grid(np.array([[3, 40, 0], [0, 30, 0]]), 10) == [["small", "complement", ""], ["", "", ""]]
    rng = np.random.default_rng(5)
    for _ in range(300):
        counts = rng.integers(0, 30, (4, 3)) * rng.integers(0, 2, (4, 3))
        flags = suppress_grid(counts, 10)
        margin = suppress([int(v) for v in counts.sum(axis=0)], 10)
        lines = [(flags[u], [int(v) for v in counts[u]]) for u in range(4)]
        lines += [([flags[u][g] for u in range(4)], [int(counts[u, g]) for u in range(4)])
                  for g in range(3) if not margin[g]]
        for line, cnt in lines:
            hidden = [i for i, f in enumerate(line) if f]
            shown = [i for i, c in enumerate(cnt) if c > 0 and not line[i]]
            assert not (len(hidden) == 1 and shown), (counts, flags)
