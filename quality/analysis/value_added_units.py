"""The inputs of a value-added model (analytics.md §8), as pure functions over plain values.

A current student is linked to their score in the prior exam by their pseudonymous id, and each
student is put in the unit being evaluated: their school, their class, or the teacher who taught
the class this subject in the exam's term (依学评教). Nothing here touches the database: the
selectors fetch the flattened scores and the class-teacher assignments, the view presents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


def link_prior(now_ids: NDArray[np.int64], before_ids: NDArray[np.int64],
               before_scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each current student's prior score: NaN where the student has no prior score."""
    if before_ids.size == 0:
        return np.full(now_ids.shape, np.nan)
    order = np.argsort(before_ids, kind="stable")
    ids = before_ids[order]
    pos = np.clip(np.searchsorted(ids, now_ids), 0, ids.size - 1)
    return np.where(ids[pos] == now_ids, before_scores[order][pos], np.nan)


@dataclass(frozen=True)
class Units:
    """The units of one value-added run: a unit index per student (−1: in no unit), and per unit
    its name and its school's code (the viewer's scope is checked on it)."""

    group: NDArray[np.int64]
    names: list[str]
    school_codes: list[str]

    def inputs(self, y1: NDArray[np.float64], y0: NDArray[np.float64]
               ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        """Outcome, prior and group for the model; a student in no unit counts as not linked."""
        inside = self.group >= 0
        return (np.where(inside, y1, np.nan), np.where(inside, y0, np.nan),
                np.where(inside, self.group, 0).astype(np.int64))


def school_units(school_idx: NDArray[np.int64], codes: Sequence[str], names: Sequence[str]) -> Units:
    return Units(school_idx.astype(np.int64), list(names), list(codes))


def _split_class_key(key: str) -> tuple[str, str]:
    """A flattened class key "schoolcode:class label" (the label may hold a colon)."""
    code, _, label = key.partition(":")
    return code, label


def class_units(class_keys: Sequence[str], class_idx: NDArray[np.int64], school_codes: Sequence[str],
                school_names: Sequence[str]) -> Units:
    name_of = dict(zip(school_codes, school_names, strict=True))
    split = [_split_class_key(k) for k in class_keys]
    return Units(class_idx.astype(np.int64), [f"{name_of.get(code, code)} {label}" for code, label in split],
                 [code for code, _ in split])


def teacher_units(class_keys: Sequence[str], class_idx: NDArray[np.int64],
                  assignment: Mapping[str, tuple[int, str]]) -> Units:
    """One unit per teacher over the classes they taught: `assignment` maps a class key to the
    (person id, name) of its teacher. One pass over the classes: a teacher's index is looked up
    in a dict, and the school code of a teacher is that of their first class."""
    index: dict[int, int] = {}
    names: list[str] = []
    codes: list[str] = []
    per_class = np.full(len(class_keys), -1, dtype=np.int64)
    for i, key in enumerate(class_keys):
        teacher = assignment.get(key)
        if teacher is None:
            continue
        pk, name = teacher
        if pk not in index:
            index[pk] = len(names)
            names.append(name)
            codes.append(_split_class_key(key)[0])
        per_class[i] = index[pk]
    group = per_class[class_idx] if class_idx.size else np.zeros(0, np.int64)
    return Units(group, names, codes)
