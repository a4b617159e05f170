"""S-T analysis (S-T分析法), analytics.md PART 1 §1.

Quantities are computed from integer counts and kept as exact ``Fraction`` values so
that the mode boundaries of §1.3 ("inclusive as written") are decided exactly; e.g.
Rt = 6/20 must be 练习型 and not fall on the wrong side of 0.3 by rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from observe.coding.schemes import (
    GROUP_DIALOGUE,
    GROUP_STUDENT,
    GROUP_TEACHER,
    CodesInput,
    CodingScheme,
    get_scheme,
)

Number = Fraction | float | int

# §1.2: T counts fully for the teacher, S not at all, and [S2] credits half of each
# dialogue sample to the teacher: Rt = (N_T + N_D/2) / N.
TEACHER_CREDIT: dict[str, Fraction] = {
    GROUP_TEACHER: Fraction(1),
    GROUP_STUDENT: Fraction(0),
    GROUP_DIALOGUE: Fraction(1, 2),
}

# §1.4: each T is one unit along the T axis, each S one along the S axis, and D is
# "usually drawn as a diagonal step (+0.5, +0.5)" [C].  Values are (dT, dS).
CURVE_STEP: dict[str, tuple[float, float]] = {
    GROUP_TEACHER: (1.0, 0.0),
    GROUP_STUDENT: (0.0, 1.0),
    GROUP_DIALOGUE: (0.5, 0.5),
}

MODE_EXERCISE = "exercise"
MODE_LECTURE = "lecture"
MODE_DIALOGUE = "dialogue"
MODE_MIXED = "mixed"

MODE_LABELS: dict[str, str] = {
    MODE_EXERCISE: "练习型",
    MODE_LECTURE: "讲授型",
    MODE_DIALOGUE: "对话型",
    MODE_MIXED: "混合型",
}


def _exact(x: Number) -> Fraction:
    # A float typed by a user ("0.3") is meant as the decimal it prints as; using its
    # shortest repr avoids 0.3 → 0.299999999999999988897769753748 surprises.
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(x)


@dataclass(frozen=True)
class ModeRule:
    """The four-way Rt–Ch rule of §1.3, with thresholds as data.

    §1.3 says alternative schemes (平衡型, five labels) must be pluggable and never mixed
    with the four-way rule in one report; a different rule is a different instance
    (or subclass overriding :meth:`classify`), and its ``key`` goes into every result.
    """

    key: str = "four_way"
    name: str = "四分类（傅德荣 2001）"
    exercise_max_rt: Fraction = Fraction(3, 10)
    lecture_min_rt: Fraction = Fraction(7, 10)
    dialogue_min_ch: Fraction = Fraction(2, 5)

    def classify(self, rt: Number, ch: Number) -> str:
        """Return the mode key; rows evaluated in the §1.3 table order, bounds inclusive."""
        r, c = _exact(rt), _exact(ch)
        if r <= self.exercise_max_rt:
            return MODE_EXERCISE
        if r >= self.lecture_min_rt:
            return MODE_LECTURE
        # Here exercise_max_rt < Rt < lecture_min_rt.  Many transitions → 对话型; the
        # inverted mapping is the pitfall called out in §1.3 [S6].
        if c >= self.dialogue_min_ch:
            return MODE_DIALOGUE
        return MODE_MIXED

    def regions(self, two_class: bool = True) -> list[dict[str, Any]]:
        """Mode regions as polygons in (Rt, Ch) space for the Rt–Ch chart.

        For the two-class scheme the regions are clipped to the feasible triangle
        Ch ≤ 2·min(Rt, 1−Rt) (§1.2 range fact); for S/T/D that bound does not hold
        (D counts half to each side), so they are clipped to the unit square.
        """
        a, b, c = (float(v) for v in (self.exercise_max_rt, self.lecture_min_rt,
                                      self.dialogue_min_ch))
        clip = FEASIBLE_TRIANGLE if two_class else UNIT_SQUARE
        boxes = {
            MODE_EXERCISE: (0.0, a, 0.0, 1.0),
            MODE_LECTURE: (b, 1.0, 0.0, 1.0),
            MODE_DIALOGUE: (a, b, c, 1.0),
            MODE_MIXED: (a, b, 0.0, c),
        }
        out: list[dict[str, Any]] = []
        for key, (x0, x1, y0, y1) in boxes.items():
            rect = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
            poly = _clip_convex(rect, clip)
            out.append({
                "key": key,
                "label": MODE_LABELS[key],
                "polygon": [[round(x, 12), round(y, 12)] for x, y in poly],
            })
        return out


FOUR_WAY_RULE = ModeRule()

FEASIBLE_TRIANGLE: tuple[tuple[float, float], ...] = ((0.0, 0.0), (1.0, 0.0), (0.5, 1.0))
UNIT_SQUARE: tuple[tuple[float, float], ...] = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def _clip_convex(subject: Sequence[tuple[float, float]],
                 clip: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland–Hodgman clipping of a polygon by a counter-clockwise convex polygon."""

    def inside(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-12

    def cross_point(p: tuple[float, float], q: tuple[float, float], a: tuple[float, float],
                    b: tuple[float, float]) -> tuple[float, float]:
        dx1, dy1 = q[0] - p[0], q[1] - p[1]
        dx2, dy2 = b[0] - a[0], b[1] - a[1]
        den = dx1 * dy2 - dy1 * dx2
        t = ((a[0] - p[0]) * dy2 - (a[1] - p[1]) * dx2) / den
        return (p[0] + t * dx1, p[1] + t * dy1)

    out = list(subject)
    for i in range(len(clip)):
        a, b = clip[i], clip[(i + 1) % len(clip)]
        src, out = out, []
        for j in range(len(src)):
            p, q = src[j], src[(j + 1) % len(src)]
            if inside(q, a, b):
                if not inside(p, a, b):
                    out.append(cross_point(p, q, a, b))
                out.append(q)
            elif inside(p, a, b):
                out.append(cross_point(p, q, a, b))
        if not out:
            break
    # Drop consecutive duplicates produced when a rectangle corner lies on the clip edge.
    dedup: list[tuple[float, float]] = []
    for p in out:
        if not dedup or abs(p[0] - dedup[-1][0]) > 1e-12 or abs(p[1] - dedup[-1][1]) > 1e-12:
            dedup.append(p)
    if len(dedup) > 1 and abs(dedup[0][0] - dedup[-1][0]) < 1e-12 \
            and abs(dedup[0][1] - dedup[-1][1]) < 1e-12:
        dedup.pop()
    return dedup


def check_rt_ch(rt: Number, ch: Number) -> None:
    """Validate a manually entered two-class (Rt, Ch) pair against §1.2's range fact.

    0 ≤ Rt ≤ 1 and 0 ≤ Ch ≤ 2·min(Rt, 1−Rt): every transition needs a block of the
    other class.  Values computed by :func:`st_indices` always satisfy it.
    """
    r, c = _exact(rt), _exact(ch)
    if not 0 <= r <= 1:
        raise ValueError(f"Rt = {float(r):.4g} 超出 [0, 1] 范围")
    bound = 2 * min(r, 1 - r)
    if not 0 <= c <= bound:
        raise ValueError(
            f"Ch = {float(c):.4g} 超出可行范围 [0, {float(bound):.4g}]（Ch ≤ 2·min(Rt, 1−Rt)）"
        )


@dataclass(frozen=True)
class STIndices:
    """§1.2 indices of one record.  ``rt``/``ch`` are None for an empty record."""

    scheme_key: str
    n: int
    n_t: int
    n_s: int
    n_d: int
    runs: int
    transitions: int
    rt: Fraction | None
    ch: Fraction | None
    mode: str | None
    rule_key: str

    @property
    def rs(self) -> Fraction | None:
        return None if self.rt is None else 1 - self.rt

    def to_dict(self) -> dict[str, Any]:
        def f(x: Fraction | None) -> float | None:
            return None if x is None else float(x)

        return {
            "n": self.n,
            "n_t": self.n_t,
            "n_s": self.n_s,
            "n_d": self.n_d,
            "runs": self.runs,
            "transitions": self.transitions,
            "rt": f(self.rt),
            "rs": f(self.rs),
            # §1.2: "Implement Ch as transitions / N and label it so."
            "ch": f(self.ch),
            "ch_definition": "transitions / N",
            "rt_exact": None if self.rt is None else str(self.rt),
            "ch_exact": None if self.ch is None else str(self.ch),
            "mode": self.mode,
            "mode_label": None if self.mode is None else MODE_LABELS[self.mode],
            "mode_rule": self.rule_key,
        }


def _scheme_arrays(scheme: CodingScheme) -> tuple[list[str], list[Fraction]]:
    groups = [c.group for c in scheme.categories]
    for g in groups:
        if g not in TEACHER_CREDIT:
            raise ValueError(f"S-T 引擎不支持组别 {g!r}（编码方案 {scheme.key}）")
    return groups, [TEACHER_CREDIT[g] for g in groups]


def st_indices_from_idx(idx: npt.NDArray[np.intp], scheme: CodingScheme,
                        rule: ModeRule = FOUR_WAY_RULE) -> STIndices:
    groups, credit = _scheme_arrays(scheme)
    n = int(idx.size)
    counts = np.bincount(idx, minlength=scheme.size)
    by_group = {GROUP_TEACHER: 0, GROUP_STUDENT: 0, GROUP_DIALOGUE: 0}
    teacher_credit = Fraction(0)
    for g, cr, k in zip(groups, credit, counts.tolist(), strict=True):
        by_group[g] += k
        teacher_credit += cr * k
    # Transitions between any two classes (§1.2: g − 1 for runs-notation [S1], g' for
    # [S2]; both equal the number of adjacent unequal pairs).
    transitions = int(np.count_nonzero(idx[1:] != idx[:-1])) if n > 1 else 0
    runs = transitions + 1 if n else 0
    if n == 0:
        return STIndices(scheme.key, 0, 0, 0, 0, 0, 0, None, None, None, rule.key)
    rt = teacher_credit / n
    ch = Fraction(transitions, n)
    return STIndices(
        scheme_key=scheme.key,
        n=n,
        n_t=by_group[GROUP_TEACHER],
        n_s=by_group[GROUP_STUDENT],
        n_d=by_group[GROUP_DIALOGUE],
        runs=runs,
        transitions=transitions,
        rt=rt,
        ch=ch,
        mode=rule.classify(rt, ch),
        rule_key=rule.key,
    )


def st_indices(codes: CodesInput, scheme: str | CodingScheme = "ST",
               rule: ModeRule = FOUR_WAY_RULE) -> STIndices:
    """Rt, Ch, runs and the §1.3 mode for a record such as ``"TTTSSTT"``."""
    sch = get_scheme(scheme)
    return st_indices_from_idx(sch.encode(codes), sch, rule)


def classify_mode(rt: Number, ch: Number, rule: ModeRule = FOUR_WAY_RULE) -> str:
    """§1.3 four-way rule; returns the Chinese label (练习型/讲授型/对话型/混合型)."""
    return MODE_LABELS[rule.classify(rt, ch)]


def st_curve_from_idx(idx: npt.NDArray[np.intp], scheme: CodingScheme) -> npt.NDArray[np.float64]:
    """(N+1)×2 array of (cumulative T, cumulative S), starting at the origin (§1.4)."""
    steps = np.array([CURVE_STEP[c.group] for c in scheme.categories], dtype=np.float64)
    pts = np.zeros((idx.size + 1, 2), dtype=np.float64)
    if idx.size:
        np.cumsum(steps[idx], axis=0, out=pts[1:])
    return pts


def st_curve(codes: CodesInput, scheme: str | CodingScheme = "ST") -> list[list[float]]:
    """S-T curve points ``[[T, S], ...]`` from (0, 0) to (N_T, N_S)."""
    sch = get_scheme(scheme)
    return st_curve_from_idx(sch.encode(codes), sch).tolist()  # type: ignore[no-any-return]  # numpy types tolist() as Any


def rt_windows_from_idx(idx: npt.NDArray[np.intp], scheme: CodingScheme, interval_seconds: float,
                        window_seconds: float) -> list[dict[str, Any]]:
    """Rt per time window, e.g. per 5 minutes (§1.4 "plot Rt per time window").

    The last window may be shorter; its ``n`` says how many samples it holds.
    """
    if window_seconds <= 0:
        raise ValueError("时间窗口长度必须为正数")
    per = max(1, round(window_seconds / interval_seconds))
    _, credit = _scheme_arrays(scheme)
    credit_arr = np.array([float(c) for c in credit], dtype=np.float64)
    out: list[dict[str, Any]] = []
    if idx.size == 0:
        return out
    vals = credit_arr[idx]
    starts = np.arange(0, idx.size, per)
    sums = np.add.reduceat(vals, starts)
    sizes = np.diff(np.append(starts, idx.size))
    for s, tot, k in zip(starts.tolist(), sums.tolist(), sizes.tolist(), strict=True):
        out.append({
            "start_seconds": s * interval_seconds,
            "end_seconds": (s + k) * interval_seconds,
            "n": k,
            "rt": tot / k,
        })
    return out
