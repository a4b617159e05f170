"""FIAS family engine: transition matrix and derived indices (analytics.md §2.3–§2.4).

§2.6 asks for "a generic K×K transition matrix and ... indices as named sums over code
groups, so FIAS, ITIAS and iFIAS share one engine".  Every index below is therefore a
ratio of sums of *terms* whose selectors name groups/tags from ``schemes.py``; nothing
here mentions a literal code number.  The FIAS formula in each index's ``formula`` is
the spec's wording; ``resolved`` shows what it became for the scheme at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from observe.coding.schemes import CodesInput, CodingScheme, get_scheme

Selector = tuple[str, ...]

ALL: Selector = ("*",)
TEACHER: Selector = ("teacher",)
STUDENT: Selector = ("student",)
SILENCE: Selector = ("silence",)
INDIRECT: Selector = ("indirect",)
DIRECT: Selector = ("direct",)
ACCEPT: Selector = ("accept",)
CONTROL: Selector = ("control",)
QUESTION: Selector = ("question",)
LECTURE: Selector = ("lecture",)
CONTENT: Selector = ("question", "lecture")  # §2.4 CCR: "questions and lecturing" [F7]
RESPONSE: Selector = ("response",)
INITIATION: Selector = ("initiation",)


@dataclass(frozen=True)
class Count:
    """Σ c_k over the codes matched by ``sel`` (raw code counts, padding excluded)."""

    sel: Selector


@dataclass(frozen=True)
class Cells:
    """Σ M_ij over rows ``rows`` × cols ``cols`` of the padded matrix.

    ``union`` takes rows ∪ cols (the §2.4 content cross) instead of the block;
    ``diagonal`` keeps only i = j (steady-state cells).
    """

    rows: Selector
    cols: Selector
    union: bool = False
    diagonal: bool = False


Term = Count | Cells


@dataclass(frozen=True)
class RatioIndex:
    key: str
    name: str
    name_en: str
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...]
    formula: str
    note: str = ""


def _c(*sel: str) -> tuple[Term, ...]:
    return (Count(tuple(sel)),)


# §2.4 table, in its order.  Proportions use raw code counts n (padding excluded) and
# transition indices use matrix tallies T, as decided in §2.3 "Spec decision".
INDICES: tuple[RatioIndex, ...] = (
    RatioIndex("teacher_talk_ratio", "教师语言比率", "teacher-talk ratio",
               _c(*TEACHER), _c(*ALL), "(c1+…+c7)/n"),
    RatioIndex("student_talk_ratio", "学生语言比率", "student-talk ratio",
               _c(*STUDENT), _c(*ALL), "(c8+c9)/n"),
    RatioIndex("silence_ratio", "沉寂比率", "silence ratio",
               _c(*SILENCE), _c(*ALL), "c10/n"),
    RatioIndex("indirect_direct_ratio", "间接/直接影响比（I/D）", "I/D ratio",
               _c(*INDIRECT), _c(*DIRECT), "(c1+c2+c3+c4)/(c5+c6+c7)"),
    RatioIndex("revised_indirect_direct_ratio", "积极/消极强化比（i/d）", "revised i/d ratio",
               _c(*ACCEPT), _c(*CONTROL), "(c1+c2+c3)/(c6+c7)",
               "§2.4: Chinese papers call it 积极/消极强化比; verify per paper"),
    RatioIndex("teacher_response_ratio", "教师正面回应比（TRR）", "TRR",
               _c(*ACCEPT), _c(*ACCEPT, *CONTROL), "(c1+c2+c3)/(c1+c2+c3+c6+c7)"),
    RatioIndex("teacher_question_ratio", "教师提问比（TQR）", "TQR",
               _c(*QUESTION), _c(*QUESTION, *LECTURE), "c4/(c4+c5)"),
    RatioIndex("pupil_initiation_ratio", "学生主动发言比（PIR）", "PIR",
               _c(*INITIATION), _c(*RESPONSE, *INITIATION), "c9/(c8+c9)"),
    RatioIndex("teacher_response_ratio_89", "教师即时正面回应比（TRR89）", "TRR89",
               (Cells(STUDENT, ACCEPT),), (Cells(STUDENT, ACCEPT + CONTROL),),
               "Σ_{i∈{8,9}, j∈{1,2,3}} M_ij / Σ_{i∈{8,9}, j∈{1,2,3,6,7}} M_ij"),
    RatioIndex("teacher_question_ratio_89", "学生发言后即时提问比（TQR89）", "TQR89",
               (Cells(STUDENT, QUESTION),), (Cells(STUDENT, QUESTION + LECTURE),),
               "(M84+M94)/(M84+M94+M85+M95)"),
    RatioIndex("steady_state_ratio", "稳态格比率（SSR）", "SSR",
               (Cells(ALL, ALL, diagonal=True),), (Cells(ALL, ALL),), "Σ_i M_ii / T"),
    RatioIndex("pupil_steady_state_ratio", "学生稳态格比率（PSSR）", "PSSR",
               (Cells(STUDENT, STUDENT, diagonal=True),), _c(*STUDENT),
               "(M88+M99)/(c8+c9)"),
    RatioIndex("content_cross_ratio", "内容十字区比率（CCR）", "CCR",
               (Cells(CONTENT, CONTENT, union=True),), (Cells(ALL, ALL),),
               "Σ cells in rows 4–5 ∪ cols 4–5 / T",
               "§2.4 default: cross-union of rows and columns 4–5"),
    RatioIndex("content_cross_ratio_core", "内容十字区比率（仅 4–5 交叉四格）", "CCR (4 cells)",
               (Cells(CONTENT, CONTENT),), (Cells(ALL, ALL),), "(M44+M45+M54+M55)/T",
               "§2.4 disagreement: some authors count only the four cells 4..5 × 4..5"),
)

# §2.4 "Matrix regions used in narrative reports".
REGIONS: tuple[tuple[str, str, Cells], ...] = (
    ("positive_integration", "积极整合格", Cells(ACCEPT, ACCEPT)),
    ("defect", "缺陷格", Cells(CONTROL, CONTROL)),
    ("steady_state", "稳态格", Cells(ALL, ALL, diagonal=True)),
    ("content_cross", "内容十字区", Cells(CONTENT, CONTENT, union=True)),
    ("student_talk_block", "学生语言区", Cells(STUDENT, STUDENT)),
)


def transition_matrix_from_idx(idx: npt.NDArray[np.intp], size: int,
                               padding: int | None) -> npt.NDArray[np.int64]:
    """K×K counts of consecutive pairs; row = first code, column = second (§2.3).

    With ``padding`` the sequence is bracketed by that code first (§2.3: "the lesson
    starts and ends in silence"), giving n + 1 pairs.  An empty record yields no pairs
    at all rather than the single (pad, pad) tally, which would describe no lesson.
    """
    if idx.size == 0:
        return np.zeros((size, size), dtype=np.int64)
    if padding is not None:
        seq = np.empty(idx.size + 2, dtype=np.intp)
        seq[0] = seq[-1] = padding
        seq[1:-1] = idx
    else:
        seq = idx
    flat = seq[:-1] * size + seq[1:]
    return np.bincount(flat, minlength=size * size).reshape(size, size).astype(np.int64,
                                                                              copy=False)


def transition_matrix(codes: CodesInput, scheme: str | CodingScheme = "FIAS",
                      pad: bool = True) -> npt.NDArray[np.int64]:
    sch = get_scheme(scheme)
    idx = sch.encode(codes)
    padding = _padding_index(sch, pad)
    return transition_matrix_from_idx(idx, sch.size, padding)


def _padding_index(scheme: CodingScheme, pad: bool) -> int | None:
    if not pad or scheme.padding_code is None:
        return None
    return scheme.codes.index(scheme.padding_code)


class _Evaluator:
    """Resolves terms against one scheme, counts vector and matrix (masks cached)."""

    def __init__(self, scheme: CodingScheme, counts: npt.NDArray[np.int64],
                 matrix: npt.NDArray[np.int64]) -> None:
        self.scheme = scheme
        self.counts = counts
        self.matrix = matrix
        self._masks: dict[Selector, npt.NDArray[np.bool_]] = {}

    def mask(self, sel: Selector) -> npt.NDArray[np.bool_]:
        m = self._masks.get(sel)
        if m is None:
            m = self.scheme.mask(sel)
            self._masks[sel] = m
        return m

    def cell_mask(self, t: Cells) -> npt.NDArray[np.bool_]:
        r, c = self.mask(t.rows), self.mask(t.cols)
        m = (r[:, None] | c[None, :]) if t.union else (r[:, None] & c[None, :])
        if t.diagonal:
            m = m & np.eye(self.scheme.size, dtype=bool)
        return m

    def value(self, terms: tuple[Term, ...]) -> int:
        total = 0
        for t in terms:
            if isinstance(t, Count):
                total += int(self.counts[self.mask(t.sel)].sum())
            else:
                total += int(self.matrix[self.cell_mask(t)].sum())
        return total

    def describe(self, terms: tuple[Term, ...]) -> str:
        parts: list[str] = []
        for t in terms:
            if isinstance(t, Count):
                if t.sel == ALL:
                    parts.append("n")
                else:
                    parts.append("Σc[" + ",".join(self.scheme.codes_matching(t.sel)) + "]")
            else:
                rows = ",".join(self.scheme.codes_matching(t.rows))
                cols = ",".join(self.scheme.codes_matching(t.cols))
                if t.rows == ALL and t.cols == ALL and not t.diagonal:
                    parts.append("T")
                elif t.diagonal:
                    parts.append(f"ΣM[i,i] i∈{{{rows}}}" if t.rows != ALL else "ΣM[i,i]")
                elif t.union:
                    parts.append(f"ΣM[rows {{{rows}}} ∪ cols {{{cols}}}]")
                else:
                    parts.append(f"ΣM[{{{rows}}}×{{{cols}}}]")
        return " + ".join(parts)


def _basis(terms: tuple[Term, ...]) -> str:
    kinds = {"matrix" if isinstance(t, Cells) else "counts" for t in terms}
    return kinds.pop() if len(kinds) == 1 else "mixed"


@dataclass(frozen=True)
class FiasResult:
    scheme: CodingScheme
    n: int
    counts: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.int64]
    padded: bool
    indices: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, Any]]

    @property
    def tallies(self) -> int:
        return int(self.matrix.sum())

    def index(self, key: str) -> float | None:
        v = self.indices[key]["value"]
        return None if v is None else float(v)


def _ratio(num: int, den: int) -> float | None:
    # A ratio with an empty denominator (e.g. I/D in a lesson without any direct
    # talk) is undefined, not infinite; null in JSON, "—" in the UI.
    return None if den == 0 else num / den


def fias_from_idx(idx: npt.NDArray[np.intp], scheme: CodingScheme, pad: bool = True,
                  indices: tuple[RatioIndex, ...] = INDICES) -> FiasResult:
    k = scheme.size
    counts = np.bincount(idx, minlength=k).astype(np.int64, copy=False)
    padding = _padding_index(scheme, pad)
    matrix = transition_matrix_from_idx(idx, k, padding)
    ev = _Evaluator(scheme, counts, matrix)
    out: dict[str, dict[str, Any]] = {}
    for ix in indices:
        num, den = ev.value(ix.numerator), ev.value(ix.denominator)
        out[ix.key] = {
            "key": ix.key,
            "name": ix.name,
            "name_en": ix.name_en,
            "value": _ratio(num, den),
            "numerator": num,
            "denominator": den,
            "basis": _basis(ix.numerator + ix.denominator),
            "formula": ix.formula,
            "resolved": f"({ev.describe(ix.numerator)}) / ({ev.describe(ix.denominator)})",
            "note": ix.note,
        }
    tallies = int(matrix.sum())
    regions: dict[str, dict[str, Any]] = {}
    for key, name, cells in REGIONS:
        v = ev.value((cells,))
        regions[key] = {"key": key, "name": name, "tallies": v, "ratio": _ratio(v, tallies)}
    return FiasResult(scheme=scheme, n=int(idx.size), counts=counts, matrix=matrix,
                      padded=padding is not None and idx.size > 0, indices=out,
                      regions=regions)


def fias_analysis(codes: CodesInput, scheme: str | CodingScheme = "FIAS",
                  pad: bool = True) -> FiasResult:
    """Counts, padded transition matrix and all §2.4 indices for one record."""
    sch = get_scheme(scheme)
    return fias_from_idx(sch.encode(codes), sch, pad)


def collapse_to_parents(matrix: npt.NDArray[np.int64],
                        scheme: CodingScheme) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """Aggregate a leaf-level matrix to parent codes (iFIAS 4.1/4.2 → 4)."""
    parents, pmap = scheme.parent_index()
    onehot = np.zeros((scheme.size, len(parents)), dtype=np.int64)
    onehot[np.arange(scheme.size), pmap] = 1
    return parents, onehot.T @ matrix @ onehot


def dynamic_curve_from_idx(idx: npt.NDArray[np.intp], scheme: CodingScheme,
                           interval_seconds: float, window_seconds: float = 60.0
                           ) -> dict[str, Any]:
    """Group proportions per window (§2.4 "Dynamic curve": per minute, 20 codes at 3 s)."""
    if window_seconds <= 0:
        raise ValueError("时间窗口长度必须为正数")
    per = max(1, round(window_seconds / interval_seconds))
    groups = scheme.groups()
    out: dict[str, Any] = {
        "window_seconds": per * interval_seconds,
        "codes_per_window": per,
        "start_seconds": [],
        "n": [],
        "series": {g: [] for g in groups},
    }
    if idx.size == 0:
        return out
    gidx = {g: i for i, g in enumerate(groups)}
    code_group = np.array([gidx[c.group] for c in scheme.categories], dtype=np.intp)
    onehot = np.zeros((idx.size, len(groups)), dtype=np.float64)
    onehot[np.arange(idx.size), code_group[idx]] = 1.0
    starts = np.arange(0, idx.size, per)
    sums = np.add.reduceat(onehot, starts, axis=0)
    sizes = np.diff(np.append(starts, idx.size))
    props = sums / sizes[:, None]
    out["start_seconds"] = (starts * interval_seconds).tolist()
    out["n"] = sizes.tolist()
    for g, i in gidx.items():
        out["series"][g] = props[:, i].tolist()
    return out
