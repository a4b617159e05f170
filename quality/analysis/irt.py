"""IRT calibration of a paper (analytics.md §9) from its stored item scores: choose the model,
fetch, fit, summarise. Runs in the task worker (quality.tasks.irt_calibrate), never in a request.

Model choice (issue 10): a paper whose items are all scored right/wrong (0 or full marks) is
fitted with the 2PL; a paper with items that give partial credit with the graded response
model (GRM), whose two-category items *are* the 2PL, so a mixed paper is one GRM fit. The
GRM uses the score values that actually occur. Every refusal is a plain Chinese sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import DomainError
from quality.blocks import MISSING
from quality.models import CheatPolicy, ItemKind, Paper
from quality.selectors import flat_scores
from quality.stats import fit_2pl, fit_grm
from quality.stats.irt import collapse_categories

MAX_ROWS = 200_000  # a random sample beyond this: the item parameters are stable long before
MIN_STUDENTS = 50  # below this the item parameters are mostly noise

MODEL_LABELS = {"2PL": "双参数逻辑斯蒂模型（2PL）", "GRM": "等级反应模型（GRM）"}


class IrtNotApplicable(DomainError):
    """The chosen model cannot be fitted to this paper's data; the run's page says why."""


@dataclass(frozen=True)
class ModelChoice:
    model: str  # "2PL" or "GRM"
    reason: str  # why, in Chinese, for the page


def _fmt(v: float) -> str:
    return f"{v:g}"


def recommend_model(items: Sequence[dict[str, Any]]) -> ModelChoice | None:
    """The model that fits the paper's items, from the precomputed item rows of the summary.

    An item is right/wrong when every observed score is 0 or its full mark (``binary``, from
    the item moments); summaries written before that flag fall back to the item kind.
    """
    if not items:
        return None
    binary = [bool(it["binary"]) if "binary" in it else it.get("kind") == ItemKind.OBJECTIVE for it in items]
    n_bin = sum(binary)
    n_poly = len(binary) - n_bin
    if n_poly == 0:
        return ModelChoice("2PL", "本卷各题都只有“得满分”和“得0分”两种结果，采用双参数逻辑斯蒂模型（2PL）："
                                  "每道题估计一个区分度 a 和一个难度 b。")
    if n_bin == 0:
        return ModelChoice("GRM", "本卷各题都可以得部分分，采用等级反应模型（GRM）：每道题估计一个区分度 a，"
                                  "并为每个得分等级估计一个难度阈值；只使用考生实际得到过的分数。")
    return ModelChoice("GRM", f"本卷有 {n_bin} 道只判对错的题和 {n_poly} 道可得部分分的题，采用等级反应模型（GRM）统一估计："
                              "只判对错的题在 GRM 中就是 2PL，可得部分分的题按考生实际得到过的分数分级。")


def calibrate(paper: Paper, model: str) -> dict[str, Any]:
    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.items is None or flat.items.shape[1] == 0:
        raise IrtNotApplicable("该试卷没有小题分，无法进行 IRT 分析")
    sat = ~np.isnan(flat.scores)
    x = flat.items[sat]
    if x.shape[0] < MIN_STUDENTS:
        raise IrtNotApplicable(f"实考只有 {x.shape[0]} 人，IRT 估计至少需要 {MIN_STUDENTS} 人的小题分")
    if x.shape[0] > MAX_ROWS:
        x = x[np.random.default_rng(0).choice(x.shape[0], MAX_ROWS, replace=False)]
    step = float(paper.exam.score_step)
    items = list(paper.items.order_by("number"))
    units = np.where(x == MISSING, -1, np.rint(x.astype(np.float64))).astype(np.int64)  # score-step units
    _, cats = collapse_categories(units)
    notes: list[str] = []
    constant = [j for j, c in enumerate(cats) if c.size < 2]
    if constant:
        notes.append("、".join(items[j].label for j in constant) + " 题所有考生得分相同，不能区分考生，未参与估计。")
    use = [j for j, c in enumerate(cats) if c.size >= 2]
    if model == "2PL":
        poly = [j for j in use if cats[j].size > 2]
        use = [j for j in use if cats[j].size == 2]
        if not use:
            raise IrtNotApplicable("本卷没有只判对错（只有两种得分）的题目，2PL 不适用，请选择等级反应模型（GRM）")
        if poly:
            notes.append("、".join(items[j].label for j in poly) + " 题可得部分分，2PL 不适用，未参与估计；"
                         "如需包括这些题，请选择等级反应模型（GRM）。")
    if len(use) < 2:
        raise IrtNotApplicable("能参与估计的题目不足两道，无法进行 IRT 分析" + ("：" + "".join(notes) if notes else ""))
    sub = units[:, use]
    try:
        if model == "2PL":
            codes, _ = collapse_categories(sub)
            res = fit_2pl(codes.astype(np.int8))
        else:
            res = fit_grm(sub)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        raise IrtNotApplicable("这些小题分不足以估计模型参数（例如作答过少或得分过于集中），请检查成绩数据后重试") from exc
    rows = []
    for pos, j in enumerate(use):
        values = [v * step for v in cats[j].tolist()]
        if res.model == "2PL" or len(values) == 2:
            scoring = f"两级（{_fmt(values[0])} 或 {_fmt(values[1])} 分）"
        else:
            scoring = f"{len(values)} 级（" + "、".join(_fmt(v) for v in values[:8]) + ("…" if len(values) > 8 else "") + " 分）"
        b_row = np.atleast_1d(res.b[pos]) if res.model == "GRM" else np.array([res.b[pos]])
        thresholds = [[f"≥{_fmt(v)} 分", round(float(bv), 3)] for v, bv in zip(values[1:], b_row.tolist(), strict=False)]
        rows.append({"label": items[j].label, "scoring": scoring, "a": round(float(res.a[pos]), 4),
                     "b": round(float(np.nanmean(b_row)), 4), "thresholds": thresholds})
    choice = recommend_model([{"binary": cats[j].size == 2} for j in use])
    explanation = choice.reason if choice is not None and choice.model == model else (
        "按所选模型估计：" + ("2PL 只用只判对错的题。" if model == "2PL" else "GRM 使用全部可估计的题。"))
    return {"model": model, "model_label": MODEL_LABELS[model], "explanation": explanation, "notes": notes,
            "D": res.D, "rows": rows, "labels": [r["label"] for r in rows], "a": [r["a"] for r in rows],
            "b": [r["b"] for r in rows], "n": int(x.shape[0]), "cycles": res.n_cycles,
            "converged": res.converged, "seconds": round(res.seconds, 2), "loglik": round(res.loglik, 2),
            "theta_mean": round(float(np.mean(res.theta)), 4), "theta_sd": round(float(np.std(res.theta)), 4)}
