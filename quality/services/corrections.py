"""Correcting one student's scores on a paper online (issue 10: "correcting a wrong cell online,
audited, re-merged"), without re-importing the school's file.

The scores live in the school's current ScoreBlock (quality.blocks): the correction rewrites
that student's row of the block in place (item cells, the total as their sum), recomputes the
block's moments, and then re-merges the paper exactly as an import does (summary_refresh, then
the region's warning rules). The audit event, on the student, holds the old and new value of
every changed item, the totals and the reason; it also marks the school's norm results stale.

The block keeps the batch that wrote it: undoing that batch takes its block back whole, this
correction with it (the audit trail keeps the correction); a later import of the same student
replaces the row, as a re-import always does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from core.audit import audit_values
from core.models import User
from quality.blocks import MISSING, SAT, STATUS_LABELS, Block, decode_block, encode_block
from quality.models import Exam, Paper, ScoreBlock, Student
from quality.selectors import CORRECTION_KIND
from quality.services.base import ServiceError
from quality.services.imports import _moments_bytes  # the moments an import computes for a block it writes
from quality.services.summaries import summary_refresh
from quality.services.warnings import warnings_raise

REASON_MAX = 200


@dataclass(frozen=True)
class ScoreCorrection:
    """What a correction changed: (item label, old, new) per changed item, and the totals."""

    changes: tuple[tuple[str, float | None, float | None], ...]
    total_old: float | None
    total_new: float


def _check_value(label: str, value: float | None, *, max_score: float, step: float) -> str | None:
    """The Chinese reason a value cannot be stored for this item, or None when it can."""
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return f"第{label}题：“{value}”不是数字"
    if value < 0:
        return f"第{label}题：分数 {value:g} 为负数"
    if value > max_score + 1e-9:
        return f"第{label}题：分数 {value:g} 超过该题满分 {max_score:g}"
    scaled = value / step
    if abs(scaled - round(scaled)) > 1e-6:
        return f"第{label}题：分数 {value:g} 不是计分精度 {step:g} 分的整数倍"
    return None


def _units_value(units: int, step: float) -> float | None:
    return None if units == int(MISSING) else round(units * step, 4)


@transaction.atomic
def score_correct(*, actor: User | None, paper: Paper, student: Student, values: Mapping[int, float | None],
                  reason: str) -> ScoreCorrection:
    """Store new item scores (`values`: item id -> score, None for a blank cell; items not named
    keep their score) for one student who sat the paper, with a reason.

    Raises ServiceError naming the item (its 题号) and the reason for a value that is not a
    number, negative, above the item's full mark or off the exam's score step; for a missing
    reason, a student who did not sit, an item sum above the paper's full mark, all items blank,
    or nothing changed. The exam row is locked first, as imports lock it, so a correction and an
    import of the same school cannot interleave."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("更正原因：请填写更正原因（例如：阅卷登分错误）", field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"更正原因：不能超过{REASON_MAX}个字", field="reason")
    exam = Exam.objects.select_for_update().select_related("org").get(pk=paper.exam_id)
    paper.exam = exam
    step = float(exam.score_step)
    items = list(paper.items.order_by("number"))
    column = {it.pk: j for j, it in enumerate(items)}
    unknown = [k for k in values if k not in column]
    if unknown:
        raise ServiceError("所填题目不属于该试卷")
    stored = (ScoreBlock.objects.select_for_update()
              .filter(paper=paper, school_id=student.school_id, superseded_by__isnull=True).first())
    if stored is None:
        raise ServiceError("该校尚无本科目成绩，请先导入")
    block = decode_block(bytes(stored.data))
    rows = np.flatnonzero(block.student_ids == student.pk)
    if not rows.size:
        raise ServiceError("该学生没有本科目成绩，请通过导入添加")
    row = int(rows[0])
    if not block.items.shape[1]:
        raise ServiceError("该校本科目只导入了总分，没有小题分，请重新导入更正")
    if block.items.shape[1] != len(items):
        raise ServiceError("该校成绩的小题数与试卷当前的题目数不一致，请重新导入该校成绩")
    status = int(block.status[row])
    if status != SAT:
        raise ServiceError(f"该学生本科目状态为“{STATUS_LABELS[status]}”，成绩不计入统计；如需更改状态，请重新导入该生成绩")
    problems = [(it.pk, p) for it in items if it.pk in values
                if (p := _check_value(it.label, values[it.pk], max_score=float(it.max_score), step=step))]
    if problems:
        raise ServiceError("；".join(p for _, p in problems), field=f"item_{problems[0][0]}")
    new_row = block.items[row].copy()
    for item_id, value in values.items():
        new_row[column[item_id]] = MISSING if value is None else np.uint16(round(value / step))
    changed = [j for j in range(len(items)) if new_row[j] != block.items[row, j]]
    if not changed:
        raise ServiceError("成绩没有变化：请修改至少一题的分数后再保存")
    given = new_row != MISSING
    if not given.any():
        raise ServiceError("各小题不能全部为空；如该生缺考，请重新导入并标记缺考")
    total_units = int(new_row[given].astype(np.int64).sum())
    if total_units > round(float(paper.full_mark) / step):
        raise ServiceError(f"各小题之和 {total_units * step:g} 超过满分 {float(paper.full_mark):g}")

    item_matrix = block.items.copy()
    item_matrix[row] = new_row
    totals = block.totals.copy()
    old_total_units = int(totals[row])
    totals[row] = total_units
    choices = block.choices
    if choices is not None and choices.size:
        # The chosen option of a corrected objective item is no longer known.
        choices = choices.copy()
        choices[row, changed] = -1
    fixed = Block(block.student_ids, block.class_labels, block.class_idx, block.status, item_matrix, totals, choices)
    stored.data = encode_block(fixed)
    stored.moments = _moments_bytes(paper, fixed)
    stored.save(update_fields=["data", "moments"])

    result = ScoreCorrection(
        changes=tuple((items[j].label, _units_value(int(block.items[row, j]), step),
                       _units_value(int(new_row[j]), step)) for j in changed),
        total_old=None if old_total_units < 0 else round(old_total_units * step, 4),
        total_new=round(total_units * step, 4))
    audit_values(actor, student,
                 old={"paper": paper.pk, "items": {label: old for label, old, _ in result.changes},
                      "total": result.total_old},
                 new={"kind": CORRECTION_KIND, "paper": paper.pk, "subject": paper.subject.name,
                      "items": {label: new for label, _, new in result.changes}, "total": result.total_new,
                      "reason": reason})
    # The same re-merge as an import: the paper's summary from every school's moments, then the
    # region's warning rules over the exam.
    summary_refresh(paper=paper)
    from quality.warnings import evaluate

    warnings_raise(actor=actor, exam=exam, found=evaluate(exam))
    return result
