"""The table of one school's students for one paper, as a pure function over plain values.

Scores, Z/T and the exam rank (from the exam's merged histogram, so a school's students are
ranked in the whole exam without reading other schools' scores), and the borderline flag; names
and ranks are filled only when the caller says the viewer may see them (quality.access).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from quality.analysis.indicators import student_scores
from quality.stats import borderline
from quality.stats.scores import BorderSide


@dataclass(frozen=True)
class StudentRow:
    key: str
    name: str
    class_label: str
    status: str
    score: float | None
    z: float | None
    t: float | None
    rank: int | None
    border: bool
    student_id: int = 0  # the Student pk, for the row's links (score correction)


@dataclass(frozen=True)
class ExamReference:
    """What the table is measured against: the exam population's histogram, mean and SD, the
    borderline cut, and the exam's conventions for ranks and the borderline band."""

    hist: NDArray[np.int64]
    mean: float
    sd: float
    step: float
    rank_method: str
    cut: float
    border_delta: float
    border_side: BorderSide


def student_rows(*, student_ids: NDArray[np.int64], class_idx: NDArray[np.int64], class_labels: Sequence[str],
                 statuses: Sequence[str], scores: NDArray[np.float64], ref: ExamReference,
                 keys: Mapping[int, str], names: Mapping[int, str] | None, show_ranks: bool) -> list[StudentRow]:
    """One row per student, by class and then by score (highest first). `scores` holds NaN for
    students who did not sit; `names` is None when names are not shown."""
    derived = student_scores(scores, exam_hist=ref.hist, step=ref.step, exam_mean=ref.mean, exam_sd=ref.sd,
                             rank_method=ref.rank_method)
    border = borderline(scores, ref.cut, ref.border_delta, side=ref.border_side, precision=ref.step)
    z, t, rank = derived["z"], derived["t"], derived["rank"]
    order = np.lexsort((-np.nan_to_num(scores, nan=-1), class_idx))
    rows = []
    for i in order.tolist():
        pk = int(student_ids[i])
        rows.append(StudentRow(
            key=keys.get(pk, ""), name=(names or {}).get(pk, ""), class_label=class_labels[int(class_idx[i])],
            status=statuses[i], score=None if np.isnan(scores[i]) else float(scores[i]),
            z=None if np.isnan(z[i]) else round(float(z[i]), 2), t=None if np.isnan(t[i]) else round(float(t[i]), 1),
            rank=int(rank[i]) if show_ranks and rank[i] else None, border=bool(border[i]),
            student_id=pk))
    return rows
