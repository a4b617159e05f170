"""The precomputed analysis of a paper (PaperSummary, ClassSummary)."""


from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from quality.analysis.summary import Conventions, paper_summary
from quality.conventions import ExamConventions
from quality.models import (
    CheatPolicy,
    ClassSummary,
    Exam,
    Paper,
    PaperSummary,
)
from quality.selectors import item_infos, school_parts, stats_profile

# ---------------------------------------------------------------- analysis results


@transaction.atomic
def summary_refresh(*, paper: Paper) -> PaperSummary:
    """Re-merge the paper's school moments into its precomputed analysis (PaperSummary).

    The analysis is computed with the exam's settings as committed, read under the exam row's
    lock, never with the caller's copy of the exam: an import that loaded the exam before a
    settings change would otherwise store an analysis contradicting the settings (issue 8 #9)."""
    exam = Exam.objects.select_for_update().select_related("org").get(pk=paper.exam_id)
    paper.exam = exam
    conv = ExamConventions.of(exam)
    upper_lower = None
    if exam.discrimination_method == "upper_lower_27":
        upper_lower = _upper_lower(paper)
    data = paper_summary(
        school_parts(paper), top=(exam.org.code, exam.org.name), full_mark=float(paper.full_mark),
        step=float(exam.score_step), items=item_infos(paper), profile=stats_profile(paper),
        conv=Conventions(sd_kind=conv.sd_kind_name, denominator=conv.denominator_name,
                         discrimination_method=exam.discrimination_method,
                         discrimination_scheme=exam.discrimination_scheme),
        upper_lower=upper_lower)
    data["conventions"] = exam.settings_lines()
    data["options"] = _options(paper)
    classes: dict[str, list[dict[str, Any]]] = {}
    for u in data["units"]:
        if u["level"] == "class":
            classes.setdefault(u["parent"], []).append(u)
    data["units"] = [u for u in data["units"] if u["level"] != "class"]
    summary, _ = PaperSummary.objects.update_or_create(paper=paper, defaults={"data": data,
                                                                               "computed_at": timezone.now()})
    ClassSummary.objects.filter(paper=paper).delete()
    ClassSummary.objects.bulk_create([ClassSummary(paper=paper, school_key=k, rows=v) for k, v in classes.items()],
                                     batch_size=500)
    return summary


def _options(paper: Paper) -> list[dict[str, Any]] | None:
    """Option (distractor) analysis of the keyed objective items (analytics.md §5): choice shares
    overall and (upper − lower)/n_g per option by 27 % groups of the total. It needs the raw
    choices of every student, so it is computed here, on refresh, only when keys exist."""
    from quality.selectors import flat_scores
    from quality.stats import option_analysis

    keyed = [(j, it) for j, it in enumerate(paper.items.order_by("number")) if it.answer_key]
    if not keyed:
        return None
    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.choices is None or not flat.choices.shape[0]:
        return None
    sat = ~np.isnan(flat.scores)
    cols = [j for j, _ in keyed]
    ch = flat.choices[sat][:, cols]
    answered = (ch >= 0).any(axis=1)
    if int(answered.sum()) < 4:
        return None
    n_opt = max(4, max(ord(it.answer_key) - 64 for _, it in keyed))
    oa = option_analysis(ch[answered], [ord(it.answer_key) - 65 for _, it in keyed], flat.scores[sat][answered],
                         n_options=n_opt)
    props, disc = oa.proportions, oa.discrimination_by_option
    letters = [chr(65 + k) for k in range(n_opt)] + ["未答"]
    return [{"label": it.label, "key": it.answer_key, "options": [
        {"option": letters[k], "share": round(float(props[i, k]), 4), "d": round(float(disc[i, k]), 4)}
        for k in range(n_opt + 1)]} for i, (_, it) in enumerate(keyed)]


def _upper_lower(paper: Paper) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    from quality.blocks import MISSING
    from quality.selectors import flat_scores
    from quality.stats import discrimination_upper_lower

    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.items is None or not flat.items.shape[1]:
        return None
    sat = ~np.isnan(flat.scores)
    x = np.where(flat.items[sat] == MISSING, 0, flat.items[sat]).astype(np.float64) * float(paper.exam.score_step)
    if x.shape[0] < 4:
        return None
    return discrimination_upper_lower(x, _item_max(paper)).d


def _item_max(paper: Paper) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array([float(i.max_score) for i in paper.items.order_by("number")], dtype=np.float64)
