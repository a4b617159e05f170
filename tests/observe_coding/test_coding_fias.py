"""FIAS family against analytics.md §2 (worked example §2.5, indices §2.4)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from observe.coding import fias_analysis, get_scheme, transition_matrix
from observe.coding.fias import collapse_to_parents

EXAMPLE = [5, 5, 5, 4, 8, 8, 2, 5, 5, 4, 9, 9, 3, 5, 6, 10, 10, 8, 4, 8]


def naive_matrix(codes: list[int], k: int = 10, pad: int | None = 10) -> list[list[int]]:
    seq = ([pad] + codes + [pad]) if (pad is not None and codes) else list(codes)
    m = [[0] * k for _ in range(k)]
    for a, b in zip(seq, seq[1:], strict=False):
        m[a - 1][b - 1] += 1
    return m


def naive_fias(codes: list[int]) -> dict[str, float | None]:
    """Reference: every §2.4 formula written out with literal FIAS code numbers."""
    c = {k: codes.count(k) for k in range(1, 11)}
    n = len(codes)
    m = naive_matrix(codes)

    def mm(i: int, j: int) -> int:
        return m[i - 1][j - 1]

    t = sum(map(sum, m))

    def div(a: float, b: float) -> float | None:
        return None if b == 0 else a / b

    return {
        "teacher_talk_ratio": div(sum(c[k] for k in range(1, 8)), n),
        "student_talk_ratio": div(c[8] + c[9], n),
        "silence_ratio": div(c[10], n),
        "indirect_direct_ratio": div(c[1] + c[2] + c[3] + c[4], c[5] + c[6] + c[7]),
        "revised_indirect_direct_ratio": div(c[1] + c[2] + c[3], c[6] + c[7]),
        "teacher_response_ratio": div(c[1] + c[2] + c[3], c[1] + c[2] + c[3] + c[6] + c[7]),
        "teacher_question_ratio": div(c[4], c[4] + c[5]),
        "pupil_initiation_ratio": div(c[9], c[8] + c[9]),
        "teacher_response_ratio_89": div(
            sum(mm(i, j) for i in (8, 9) for j in (1, 2, 3)),
            sum(mm(i, j) for i in (8, 9) for j in (1, 2, 3, 6, 7))),
        "teacher_question_ratio_89": div(mm(8, 4) + mm(9, 4),
                                         mm(8, 4) + mm(9, 4) + mm(8, 5) + mm(9, 5)),
        "steady_state_ratio": div(sum(mm(i, i) for i in range(1, 11)), t),
        "pupil_steady_state_ratio": div(mm(8, 8) + mm(9, 9), c[8] + c[9]),
        "content_cross_ratio": div(sum(mm(i, j) for i in range(1, 11) for j in range(1, 11)
                                       if i in (4, 5) or j in (4, 5)), t),
        "content_cross_ratio_core": div(sum(mm(i, j) for i in (4, 5) for j in (4, 5)), t),
    }


# -- §2.5 worked example ----------------------------------------------------------

def test_worked_example_counts_and_ratios() -> None:
    r = fias_analysis(EXAMPLE)
    counts = dict(zip(r.scheme.codes, r.counts.tolist(), strict=True))
    assert counts == {"1": 0, "2": 1, "3": 1, "4": 3, "5": 6, "6": 1, "7": 0, "8": 4,
                      "9": 2, "10": 2}
    assert r.n == 20
    assert r.index("teacher_talk_ratio") == pytest.approx(12 / 20)
    assert r.index("student_talk_ratio") == pytest.approx(0.30)
    assert r.index("silence_ratio") == pytest.approx(0.10)
    assert r.index("indirect_direct_ratio") == pytest.approx(5 / 7)
    assert round(r.index("indirect_direct_ratio") or 0, 3) == 0.714
    assert r.index("revised_indirect_direct_ratio") == 2.0
    assert r.index("teacher_question_ratio") == pytest.approx(3 / 9)
    assert r.index("pupil_initiation_ratio") == pytest.approx(2 / 6)
    assert r.index("teacher_response_ratio") == pytest.approx(2 / 3)


def test_worked_example_matrix() -> None:
    r = fias_analysis(EXAMPLE)
    m = r.matrix
    assert r.tallies == 21  # n + 1 pairs with padding (§2.3)
    assert (m[4, 4], m[7, 7], m[8, 8], m[9, 9]) == (3, 1, 1, 1)  # M55, M88, M99, M10,10
    assert int(np.trace(m)) == 6
    assert r.indices["steady_state_ratio"]["numerator"] == 6
    assert r.index("steady_state_ratio") == pytest.approx(6 / 21)
    assert round(r.index("steady_state_ratio") or 0, 3) == 0.286
    assert r.indices["content_cross_ratio"]["numerator"] == 13
    assert r.index("content_cross_ratio") == pytest.approx(13 / 21)
    assert round(r.index("content_cross_ratio") or 0, 3) == 0.619
    # §2.3: column totals are the frequencies plus the trailing 10; rows likewise
    # with the leading 10.
    freq = r.counts.copy()
    freq[9] += 1
    assert m.sum(axis=0).tolist() == freq.tolist()
    assert m.sum(axis=1).tolist() == freq.tolist()
    assert m.tolist() == naive_matrix(EXAMPLE)


def test_worked_example_transition_indices() -> None:
    r = fias_analysis(EXAMPLE)
    # Student talk is followed by 2 (after 8 8) and 3 (after 9 9): both "accept".
    assert r.indices["teacher_response_ratio_89"]["numerator"] == 2
    assert r.index("teacher_response_ratio_89") == 1.0
    assert r.index("teacher_question_ratio_89") == 1.0  # only M84 = 1
    assert r.index("pupil_steady_state_ratio") == pytest.approx(2 / 6)
    assert r.index("content_cross_ratio_core") == pytest.approx(5 / 21)
    assert r.regions["steady_state"]["tallies"] == 6
    assert r.regions["student_talk_block"]["tallies"] == 2


def test_denominators_are_reported() -> None:
    r = fias_analysis(EXAMPLE)
    assert r.indices["teacher_talk_ratio"]["basis"] == "counts"
    assert r.indices["teacher_talk_ratio"]["denominator"] == 20  # padding excluded
    assert r.indices["steady_state_ratio"]["basis"] == "matrix"
    assert r.indices["steady_state_ratio"]["denominator"] == 21
    assert r.indices["pupil_steady_state_ratio"]["basis"] == "mixed"
    assert r.indices["indirect_direct_ratio"]["resolved"] == "(Σc[1,2,3,4]) / (Σc[5,6,7])"


# -- random sequences vs naive reference -------------------------------------------

@pytest.mark.parametrize("seed", range(30))
def test_random_against_naive(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.choice([1, 2, 3, rnd.randint(4, 60), rnd.randint(200, 900)])
    weights = [rnd.random() for _ in range(10)]
    codes = rnd.choices(range(1, 11), weights=weights, k=n)
    r = fias_analysis(codes)
    assert r.matrix.tolist() == naive_matrix(codes)
    assert r.tallies == n + 1
    for key, expected in naive_fias(codes).items():
        got = r.index(key)
        if expected is None:
            assert got is None, key
        else:
            assert got == pytest.approx(expected, abs=1e-12), key


@pytest.mark.parametrize("seed", range(5))
def test_unpadded_matrix(seed: int) -> None:
    rnd = random.Random(500 + seed)
    codes = rnd.choices(range(1, 11), k=rnd.randint(2, 80))
    m = transition_matrix(codes, "FIAS", pad=False)
    assert m.tolist() == naive_matrix(codes, pad=None)
    assert int(m.sum()) == len(codes) - 1


# -- short / empty ----------------------------------------------------------------

def test_empty_record() -> None:
    r = fias_analysis([])
    assert r.n == 0 and r.tallies == 0 and not r.padded
    assert all(v["value"] is None for v in r.indices.values())


def test_single_code() -> None:
    r = fias_analysis([5])
    assert r.tallies == 2 and r.matrix[9, 4] == 1 and r.matrix[4, 9] == 1
    assert r.index("teacher_talk_ratio") == 1.0
    assert r.index("indirect_direct_ratio") == 0.0
    assert r.index("revised_indirect_direct_ratio") is None  # 0/0 is undefined
    assert r.index("pupil_initiation_ratio") is None


def test_string_input_forms() -> None:
    a = fias_analysis("5 5 5 4 8 8 2 5 5 4 9 9 3 5 6 10 10 8 4 8")
    b = fias_analysis("5,5,5,4,8,8,2,5,5,4,9,9,3,5,6,10,10,8,4,8")
    c = fias_analysis([str(x) for x in EXAMPLE])
    d = fias_analysis(np.array(EXAMPLE))
    for r in (a, b, c, d):
        assert r.matrix.tolist() == naive_matrix(EXAMPLE)


# -- Chinese variants through scheme data ---------------------------------------------

def test_itias_groups_drive_indices() -> None:
    s = get_scheme("ITIAS")
    assert s.size == 18 and s.padding_code == "13"
    # teacher 1–8, student 9–12, silence 13–15, technology 16–18 (§2.6).
    codes = [6, 6, 4, 9, 1, 5, 10, 11, 12, 14, 15, 16, 17, 18, 7, 8, 13]
    r = fias_analysis(codes, "ITIAS")
    n = len(codes)
    assert r.index("teacher_talk_ratio") == pytest.approx(7 / n)   # 6,6,4,1,5,7,8
    assert r.index("student_talk_ratio") == pytest.approx(4 / n)   # 9,10,11,12
    assert r.index("silence_ratio") == pytest.approx(3 / n)        # 14,15,13
    # I/D: indirect 1–5 vs direct 6–8.
    assert r.index("indirect_direct_ratio") == pytest.approx(3 / 4)
    # TQR: questions 4,5 vs lecture 6.
    assert r.indices["teacher_question_ratio"]["resolved"] == "(Σc[4,5]) / (Σc[4,5,6])"
    assert r.index("teacher_question_ratio") == pytest.approx(2 / 4)
    # PIR: initiation 10, 11 vs response 9 + initiation.
    assert r.index("pupil_initiation_ratio") == pytest.approx(2 / 3)
    assert r.matrix[12, 5] == 1 and r.matrix[12, 12] == 1  # padding 13 → 6 and 13 → 13


def test_ifias_subcodes_and_parent_matrix() -> None:
    s = get_scheme("IFIAS")
    assert s.size == 15 and len(s.parent_index()[0]) == 14  # 14 codes, 4 split in two
    codes = ["4.1", "8", "4.2", "9", "5", "13", "14", "11", "10"]
    r = fias_analysis(codes, "IFIAS")
    assert r.index("teacher_question_ratio") == pytest.approx(2 / 3)
    assert r.index("silence_ratio") == pytest.approx(1 / 9)
    assert r.index("pupil_initiation_ratio") == pytest.approx(2 / 3)  # 9, 10 vs 8
    parents, pm = collapse_to_parents(r.matrix, s)
    assert parents[3] == "4" and int(pm.sum()) == r.tallies
    assert pm[3, parents.index("8")] == 1 and pm[parents.index("8"), 3] == 1
    # Floats are accepted for sub-codes (4.1), ints for plain codes.
    r2 = fias_analysis([4.1, 8, 4.2, 9, 5, 13, 14, 11, 10], "IFIAS")
    assert r2.matrix.tolist() == r.matrix.tolist()


def test_fias_codes_mapped_into_ifias_match_on_shared_indices() -> None:
    rnd = random.Random(7)
    codes = rnd.choices(range(1, 10), k=300)  # no silence: FIAS 1..9 map 1:1 apart from 4
    mapped = ["4.1" if c == 4 else str(c) for c in codes]
    a, b = fias_analysis(codes), fias_analysis(mapped, "IFIAS")
    for key in ("teacher_talk_ratio", "indirect_direct_ratio", "teacher_response_ratio",
                "teacher_question_ratio", "pupil_initiation_ratio", "content_cross_ratio_core"):
        assert a.index(key) == pytest.approx(b.index(key)), key
