"""The rating levels every scored form offers by default: 优/良/中/差.

One definition for the rubric engine (built-in templates, a new template's first indicator, an
indicator whose designer chose "levels" without listing any). A level awards `ratio × points`;
the default 优/良/中/差 = 5/4/3/2 of 5 follows analytics.md §3.2 [R3]. Unscored forms (LICC, a
question bank rather than a scale) use the same labels with no ratio.
"""

from __future__ import annotations

from typing import TypedDict


class Level(TypedDict):
    label: str
    ratio: float | None


# [R3] "each indicator rated 5/4/3/2 (优/良/中/差)".
DEFAULT_LEVELS: tuple[tuple[str, float], ...] = (("优", 1.0), ("良", 0.8), ("中", 0.6), ("差", 0.4))


def default_levels() -> list[Level]:
    """A fresh list (callers store it in a rubric tree and may edit it)."""
    return [Level(label=label, ratio=ratio) for label, ratio in DEFAULT_LEVELS]


def unscored_levels() -> list[Level]:
    """The same labels carrying no points, for forms that record a judgement without a score."""
    return [Level(label=label, ratio=None) for label, _ in DEFAULT_LEVELS]
