"""A paper's whole analysis from its schools' sufficient statistics (convention 12: pure step).

Input: one `SchoolPart` per school (its per-class moments, read from the score blocks) and the
region chain above it. Output: a JSON-ready dict with one row per class, school and region
(应考/实考/缺考, mean, SD, 一分三率, 超均率, quantiles for box plots, score bands), the item
statistics (difficulty, discrimination with its method, bands), reliability (α with Feldt CI,
KR-20, split-half SB and Rulon) and knowledge-point/ability score rates.

Classes are merged into schools and schools into regions with `rollup`: a county is exactly
the merge of its schools (DESIGN.md "Analytics design"), so one school's late upload only
changes that school's moments before this function re-merges everything (milliseconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from quality.blocks import BlockMoments
from quality.stats import (
    DEFAULT_PROFILE,
    ItemMoments,
    ScoreMoments,
    ThresholdProfile,
    above_mean_rate,
    alpha_from_moments,
    blueprint_rates,
    difficulty_band,
    discrimination_band,
    item_stats,
    level_bands,
    one_point_three_rates,
    quantiles,
    score_bands,
    split_half_from_moments,
)
from quality.stats.items import DiscriminationScheme
from quality.stats.sufficient import Denominator, SDKind

QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class UnitKey:
    """The key of one summary row: "r:<region code>", "s:<school code>" or "c:<school code>:<class>".

    Readers parse a key here rather than splitting it on ":" themselves: a class label may itself
    contain a colon, and the school code of a class row is its second part, not its last."""

    level: str  # "region", "school" or "class"
    code: str  # the region's or the school's code (a class row: its school's)
    class_label: str = ""

    @classmethod
    def parse(cls, key: str) -> UnitKey:
        tag, _, rest = key.partition(":")
        if tag == "c":
            code, _, label = rest.partition(":")
            return cls("class", code, label)
        return cls("region" if tag == "r" else "school", rest)

    @property
    def school_key(self) -> str:
        """The key of the school row a class row belongs to ("" for regions)."""
        return f"s:{self.code}" if self.level != "region" else ""


@dataclass(frozen=True)
class SchoolPart:
    school_code: str
    school_name: str
    regions: tuple[tuple[str, str], ...]  # (code, name) from the exam's node down to the school's parent
    moments: BlockMoments


@dataclass(frozen=True)
class ItemInfo:
    label: str
    kind: str
    max_score: float
    knowledge_point: str
    ability: str


@dataclass(frozen=True)
class Conventions:
    sd_kind: SDKind = "population"
    denominator: Denominator = "sat"
    discrimination_method: str = "corrected_item_total"
    discrimination_scheme: str = "ebel"
    band_width: float = 10.0


def _f(x: Any) -> float | None:
    v = float(x)
    return None if math.isnan(v) or math.isinf(v) else round(v, 6)


def _stack_scores(parts: list[ScoreMoments], full_mark: float, step: float) -> ScoreMoments:
    n_bins = int(round(full_mark / step)) + 1
    hist = np.concatenate([p.hist for p in parts]) if parts else np.zeros((0, n_bins), np.int64)
    reg = np.concatenate([p.registered for p in parts]) if parts else np.zeros(0, np.int64)
    return ScoreMoments(hist.astype(np.int64), reg.astype(np.int64), full_mark, step)


def _stack_items(parts: list[ItemMoments]) -> ItemMoments:
    first = parts[0]
    fields = ("n", "item_sum", "item_sumsq", "item_total", "total_sum", "total_sumsq", "half_sum", "half_sumsq")
    merged = {f: np.concatenate([getattr(p, f) for p in parts]) for f in fields}
    return ItemMoments(**merged, item_max=first.item_max, precision=first.precision)


def _school_total(im: ItemMoments) -> ItemMoments:
    fields = ("n", "item_sum", "item_sumsq", "item_total", "total_sum", "total_sumsq", "half_sum", "half_sumsq")
    return ItemMoments(**{f: getattr(im, f).sum(axis=0, keepdims=True) for f in fields},
                       item_max=im.item_max, precision=im.precision)


def _col(a: NDArray[Any]) -> list[float | None]:
    """A float column as JSON-ready values: rounded to 6 places, NaN/inf as None (vectorised)."""
    r = np.round(np.asarray(a, dtype=np.float64), 6)
    return [None if (x != x or x in (math.inf, -math.inf)) else x for x in r.tolist()]


def shape_moments(m: ScoreMoments) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Population skewness and excess kurtosis per group from raw power sums of the histogram
    (one mat-vec each), equal to quality.stats.skewness/kurtosis (which form the full
    groups × bins deviation matrix, ~20× slower for a city's thousands of classes)."""
    u = np.arange(m.hist.shape[1], dtype=np.float64)
    h = m.hist.astype(np.float64)
    n = h.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r1, r2, r3, r4 = ((h @ u**k) / n for k in (1, 2, 3, 4))
        m2 = r2 - r1**2
        m3 = r3 - 3 * r1 * r2 + 2 * r1**3
        m4 = r4 - 4 * r1 * r3 + 6 * r1**2 * r2 - 3 * r1**4
        skew = np.where(m2 > 0, m3 / m2**1.5, np.nan)
        kurt = np.where(m2 > 0, m4 / m2**2 - 3.0, np.nan)
    return skew, kurt


def _rows(level: str, keys: list[str], names: list[str], parents: list[str], m: ScoreMoments,
          profile: ThresholdProfile, conv: Conventions, ref_mean: float, *, full: bool = True) -> list[dict[str, Any]]:
    """One row per group. `full=False` (classes) keeps 一分三率, mean, SD and the bands and leaves
    out quantiles and shape statistics, which the pages show for schools and regions only."""
    r = one_point_three_rates(m, profile, sd_kind=conv.sd_kind, denominator=conv.denominator)
    bands = score_bands(m, width=conv.band_width).counts.tolist()
    lv = level_bands(m, profile).counts.tolist()
    if full:
        q = np.round(quantiles(m, QUANTILES), 6).tolist()
        skew, kurt = shape_moments(m)
    else:
        q = [[None] * len(QUANTILES)] * len(keys)
        skew = kurt = np.full(len(keys), np.nan)
    cols = {k: _col(v) for k, v in (("mean", r.mean), ("sd", r.sd), ("score_rate", r.score_rate),
                                    ("excellent_rate", r.excellent_rate), ("pass_rate", r.pass_rate),
                                    ("low_rate", r.low_rate), ("above_mean", above_mean_rate(r.mean, ref_mean)),
                                    ("skew", skew), ("kurt", kurt))}
    ints = {k: np.asarray(v).tolist() for k, v in (("registered", r.registered), ("sat", r.sat), ("absent", r.absent),
                                                   ("excellent", r.excellent_count), ("pass", r.pass_count),
                                                   ("low", r.low_count))}
    out = []
    for g, key in enumerate(keys):
        row: dict[str, Any] = {"level": level, "key": key, "name": names[g], "parent": parents[g]}
        for k, v in ints.items():
            row[k] = v[g]
        for k, c in cols.items():
            row[k] = c[g]
        row["quantiles"] = [None if x != x else x for x in q[g]]
        row["bands"] = bands[g]
        row["levels"] = lv[g]
        out.append(row)
    return out


def paper_summary(parts: list[SchoolPart], *, top: tuple[str, str], full_mark: float, step: float,
                  items: list[ItemInfo], profile: ThresholdProfile = DEFAULT_PROFILE,
                  conv: Conventions = Conventions(),
                  upper_lower: NDArray[np.float64] | None = None) -> dict[str, Any]:
    """See the module docstring. `upper_lower`, when given, is the 27 % D per item computed from
    the raw scores (it cannot come from moments); the method tag says which D is shown."""
    parts = sorted(parts, key=lambda p: p.school_code)
    class_parts = [p.moments.scores for p in parts]
    classes = _stack_scores(class_parts, full_mark, step)
    # Each part is one school, so a school's moments are the column sums of its classes' (the
    # same merge as `rollup`, without a scatter over every class).
    n_bins = int(round(full_mark / step)) + 1
    schools = ScoreMoments(
        np.stack([p.moments.scores.hist.sum(axis=0) for p in parts]).astype(np.int64) if parts
        else np.zeros((0, n_bins), np.int64),
        np.array([int(p.moments.scores.registered.sum()) for p in parts], dtype=np.int64), full_mark, step)
    # Region levels: the exam's node (top) and any regions between it and the schools.
    depth = max((len(p.regions) for p in parts), default=1)
    levels: list[tuple[list[str], list[str], list[str], ScoreMoments]] = []
    parent_of_school: list[str] = [f"r:{top[0]}"] * len(parts)
    for d in range(1, depth):
        codes: list[str] = []
        names: list[str] = []
        idx = np.zeros(len(parts), np.int64)
        for i, p in enumerate(parts):
            code, name = p.regions[d] if d < len(p.regions) else p.regions[-1]
            if code not in codes:
                codes.append(code)
                names.append(name)
            idx[i] = codes.index(code)
            parent_of_school[i] = f"r:{code}"
        levels.append(([f"r:{c}" for c in codes], names, [f"r:{top[0]}"] * len(codes),
                       schools.rollup(idx, len(codes))))
    total = schools.total() if parts else _stack_scores([], full_mark, step)
    if not parts:
        total = ScoreMoments(np.zeros((1, int(round(full_mark / step)) + 1), np.int64), np.zeros(1, np.int64),
                             full_mark, step)
    ref = one_point_three_rates(total, profile, sd_kind=conv.sd_kind, denominator=conv.denominator)
    ref_mean = float(ref.mean[0])
    rows = _rows("region", [f"r:{top[0]}"], [top[1]], [""], total, profile, conv, ref_mean)
    for keys, names, parents, m in levels:
        rows += _rows("region", keys, names, parents, m, profile, conv, ref_mean)
    rows += _rows("school", [f"s:{p.school_code}" for p in parts], [p.school_name for p in parts],
                  parent_of_school, schools, profile, conv, ref_mean)
    c_keys, c_names, c_parents = [], [], []
    for p in parts:
        for label in p.moments.class_labels:
            c_keys.append(f"c:{p.school_code}:{label}")
            c_names.append(label)
            c_parents.append(f"s:{p.school_code}")
    rows += _rows("class", c_keys, c_names, c_parents, classes, profile, conv, ref_mean, full=False)
    bands = score_bands(total, width=conv.band_width)
    lv = level_bands(total, profile)
    out: dict[str, Any] = {
        "top": f"r:{top[0]}",
        "full_mark": full_mark, "step": step,
        "lines": {"excellent": str(ref.excellent_line), "pass": str(ref.pass_line), "low": str(ref.low_line)},
        "rates_rule": ref.describe(),
        "band_labels": list(bands.labels), "level_labels": list(lv.labels),
        "hist": [int(v) for v in total.hist[0]],
        "units": rows,
        "items": [], "reliability": None, "blueprint": None,
    }
    ims = [p.moments.items for p in parts if p.moments.items is not None]
    if items and ims and len(ims) == len(parts):
        out.update(_items_part(parts, ims, items, conv, upper_lower))
    return out


def _items_part(parts: list[SchoolPart], ims: list[ItemMoments], items: list[ItemInfo], conv: Conventions,
                upper_lower: NDArray[np.float64] | None) -> dict[str, Any]:
    per_school = _stack_items([_school_total(im) for im in ims])
    total = per_school.total()
    st = item_stats(total)
    method = conv.discrimination_method
    if method == "upper_lower_27" and upper_lower is not None:
        d = upper_lower
    elif method == "item_total":
        d = st.item_total_r[0]
    else:
        method = "corrected_item_total"
        d = st.corrected_r[0]
    scheme: DiscriminationScheme = "e9" if conv.discrimination_scheme == "e9" else "ebel"
    p_band = difficulty_band(st.difficulty[0])
    d_band = discrimination_band(d, scheme)
    # Right/wrong items: every observed score is 0 or full marks, i.e. Σu² = max_u·Σu in units.
    max_u = np.rint(total.item_max / total.precision).astype(np.int64)
    binary = (total.item_sumsq[0] == max_u * total.item_sum[0]).tolist()
    item_rows = []
    for j, it in enumerate(items):
        item_rows.append({
            "label": it.label, "kind": it.kind, "max": it.max_score, "kp": it.knowledge_point, "ability": it.ability,
            "difficulty": _f(st.difficulty[0, j]), "sd": _f(st.item_sd[0, j]), "r": _f(st.item_total_r[0, j]),
            "r_corrected": _f(st.corrected_r[0, j]), "d": _f(d[j]), "p_band": str(p_band[j]), "d_band": str(d_band[j]),
            "binary": bool(binary[j]),
        })
    school_st = item_stats(per_school)
    diffs = np.round(school_st.difficulty, 6).tolist()
    by_school = {f"s:{p.school_code}": [None if x != x else x for x in diffs[i]] for i, p in enumerate(parts)}
    a = alpha_from_moments(total)
    sh = split_half_from_moments(total)
    # 0/1 items: x² = x in points, i.e. Σu²·step = Σu in units of the score step.
    dichotomous = bool(np.allclose(total.item_sumsq * total.precision, total.item_sum)) and all(
        it.max_score == 1 for it in items)
    rel = {"alpha": _f(a.alpha[0]), "alpha_lower": _f(a.lower[0]), "alpha_upper": _f(a.upper[0]),
           "confidence": a.confidence, "ci_method": a.ci_method, "n": int(a.n[0]), "k": a.k,
           "kr20": _f(a.alpha[0]) if dichotomous else None,
           "split_rule": "奇偶分半（第1、3、5…题对第2、4、6…题）",
           "r_halves": _f(sh.r_halves[0]), "spearman_brown": _f(sh.spearman_brown[0]), "rulon": _f(sh.rulon[0])}
    blueprint: dict[str, Any] = {}
    for key, attr in (("kp", "knowledge_point"), ("ability", "ability")):
        labels = sorted({getattr(it, attr) for it in items if getattr(it, attr)})
        if not labels:
            continue
        idx = np.array([labels.index(getattr(it, attr)) if getattr(it, attr) else -1 for it in items])
        tot_rates = blueprint_rates(total, idx, tuple(labels))
        sch_rates = blueprint_rates(per_school, idx, tuple(labels))
        blueprint[key] = {
            "labels": labels, "points": [_f(v) for v in tot_rates.points],
            "share": [_f(v) for v in tot_rates.point_share],
            "total": [_f(v) for v in tot_rates.score_rate[0]],
            "schools": {f"s:{p.school_code}": _col(sch_rates.score_rate[i]) for i, p in enumerate(parts)},
        }
    return {"items": item_rows, "discrimination_method": method, "discrimination_scheme": scheme,
            "items_by_school": by_school, "reliability": rel, "blueprint": blueprint or None}
