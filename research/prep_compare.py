"""Two versions of a preparation text side by side (pure, difflib): rows of (left, right, tag)
with tag "equal", "replace", "delete" or "insert", line by line, as a reviewer reads them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    left: str
    right: str
    tag: str
    left_no: int | None
    right_no: int | None


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (non-blank lines), the unit comments anchor to and the diff compares."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def side_by_side(old: str, new: str) -> list[DiffRow]:
    a, b = paragraphs(old), paragraphs(new)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow(a[i1 + k], b[j1 + k], tag, i1 + k + 1, j1 + k + 1) for k in range(i2 - i1)]
            continue
        n = max(i2 - i1, j2 - j1)
        for k in range(n):
            left = a[i1 + k] if i1 + k < i2 else ""
            right = b[j1 + k] if j1 + k < j2 else ""
            kind = tag if tag != "replace" else ("replace" if left and right else ("delete" if left else "insert"))
            rows.append(DiffRow(left, right, kind, i1 + k + 1 if left else None, j1 + k + 1 if right else None))
    return rows


def change_counts(rows: list[DiffRow]) -> dict[str, int]:
    counts = {"equal": 0, "replace": 0, "delete": 0, "insert": 0}
    for r in rows:
        counts[r.tag] += 1
    return counts
