"""IRT calibration of a paper (analytics.md §9) from its stored item scores: fetch, fit, summarise."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import DomainError
from quality.blocks import MISSING
from quality.models import CheatPolicy, Paper
from quality.selectors import flat_scores
from quality.stats import fit_2pl, fit_grm

MAX_ROWS = 200_000  # a random sample beyond this: the item parameters are stable long before


class IrtNotApplicable(DomainError):
    """The chosen model cannot be fitted to this paper's data; the run's page says why."""


def calibrate(paper: Paper, model: str) -> dict[str, Any]:
    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.items is None or flat.items.shape[1] == 0:
        raise IrtNotApplicable("该试卷没有小题分，无法进行 IRT 分析")
    sat = ~np.isnan(flat.scores)
    x = flat.items[sat]
    if x.shape[0] > MAX_ROWS:
        x = x[np.random.default_rng(0).choice(x.shape[0], MAX_ROWS, replace=False)]
    step = float(paper.exam.score_step)
    items = list(paper.items.order_by("number"))
    resp = np.where(x == MISSING, -1, np.rint(x.astype(np.float64)))  # units of the score step
    if model == "2PL":
        objective = [j for j, it in enumerate(items) if float(it.max_score) == step or float(it.max_score) == 1]
        if not objective:
            raise IrtNotApplicable("没有0/1计分的题目，2PL 不适用，请选择 GRM")
        sub = resp[:, objective]
        if float(items[objective[0]].max_score) == 1 and step != 1:
            sub = np.where(sub < 0, -1, np.minimum(sub * step, 1))
        res = fit_2pl(sub)
        labels = [items[j].label for j in objective]
        b = [float(v) for v in res.b]
    else:
        res = fit_grm(resp)
        labels = [it.label for it in items]
        b = [float(np.nanmean(row)) for row in np.atleast_2d(res.b)]
    return {"model": model, "D": res.D, "labels": labels, "a": [round(float(v), 4) for v in res.a],
            "b": [round(v, 4) for v in b], "n": int(x.shape[0]), "cycles": res.n_cycles, "converged": res.converged,
            "seconds": round(res.seconds, 2), "loglik": round(res.loglik, 2),
            "theta_mean": round(float(np.mean(res.theta)), 4), "theta_sd": round(float(np.std(res.theta)), 4)}
