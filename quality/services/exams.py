"""Exams, papers, thresholds and blueprints (双向细目表)."""


from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import OrgNode, Subject, User
from quality import importing as imp
from quality.blocks import decode_block
from quality.conventions import ExamConventions
from quality.models import (
    Exam,
    Item,
    ItemKind,
    Paper,
    ScoreBlock,
    ThresholdProfile,
)
from quality.services.base import ServiceError
from quality.services.imports import _rebuild_moments
from quality.services.summaries import summary_refresh

# ---------------------------------------------------------------- exams and papers


@transaction.atomic
def exam_create(*, actor: User | None, org: OrgNode, name: str, kind: str, term_key: str, stage: str, grade: int,
                held_on: dt.date, papers: list[tuple[Subject, Decimal]],
                conventions: ExamConventions | None = None) -> Exam:
    exam = Exam(org=org, name=name, kind=kind, term_key=term_key, stage=stage, grade=grade, held_on=held_on,
                created_by=actor if actor and actor.pk else None)
    (conventions or ExamConventions()).apply_to(exam)
    exam.full_clean()
    exam.save()
    audit_create(actor, exam)
    for subject, full_mark in papers:
        paper_add(actor=actor, exam=exam, subject=subject, full_mark=full_mark)
    return exam


@transaction.atomic
def exam_update_conventions(*, actor: User | None, exam: Exam, conventions: ExamConventions) -> Exam:
    """Change the analysis conventions; every paper's results are recomputed with them.

    The exam's row is locked first (issue 8 #9): a score import running at the same time locks
    it too, so either the import's analysis is computed after this change and with it, or this
    change waits for the import and recomputes what it wrote. Returns the saved exam."""
    locked = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
    old = snapshot(locked)
    changed = conventions.apply_to(locked)
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    audit_update(actor, locked, old)
    needs_moments = "cheat_policy" in changed
    for paper in locked.papers.all():
        paper.exam = locked
        if needs_moments:
            _rebuild_moments(paper)
        summary_refresh(paper=paper)
    return locked


@transaction.atomic
def paper_add(*, actor: User | None, exam: Exam, subject: Subject, full_mark: Decimal) -> Paper:
    paper = Paper(exam=exam, subject=subject, full_mark=full_mark)
    paper.full_clean()
    paper.save()
    ThresholdProfile.objects.create(paper=paper)
    audit_create(actor, paper)
    return paper


@transaction.atomic
def thresholds_save(*, actor: User | None, paper: Paper, excellent: Decimal, passing: Decimal, low: Decimal) -> None:
    t, _ = ThresholdProfile.objects.select_for_update().get_or_create(paper=paper)
    old = snapshot(t)
    t.excellent, t.passing, t.low = excellent, passing, low
    t.full_clean()
    t.save(update_fields=["excellent", "passing", "low"])
    audit_update(actor, t, old)
    summary_refresh(paper=paper)


_BLUEPRINT_KINDS = {"客观": ItemKind.OBJECTIVE, "客观题": ItemKind.OBJECTIVE, "选择": ItemKind.OBJECTIVE,
                    "选择题": ItemKind.OBJECTIVE, "主观": ItemKind.SUBJECTIVE, "主观题": ItemKind.SUBJECTIVE,
                    "": ItemKind.SUBJECTIVE}


def parse_blueprint(text: str, *, full_mark: Decimal) -> tuple[list[Item], list[str]]:
    """Lines "题号, 题型, 满分, 知识点, 能力[, 答案]" (comma, tab or Chinese comma): the 双向细目表."""
    items: list[Item] = []
    errors: list[str] = []
    labels: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        raw = imp.halfwidth(line)
        if not raw or raw.startswith("#"):
            continue
        cells = [c.strip() for c in re.split(r"[,\t，;；]", raw)]
        cells += [""] * (6 - len(cells))
        label, kind, mx, kp, ability, key = cells[:6]
        key = key.upper()
        if label in ("题号",):
            continue
        label = label.replace("（", "(").replace("）", ")")
        if not label:
            errors.append(f"第{n}行：题号为空")
            continue
        if label in labels:
            errors.append(f"第{n}行：题号“{label}”重复")
        labels.add(label)
        if kind not in _BLUEPRINT_KINDS:
            errors.append(f"第{n}行：题型“{kind}”应为 客观题 或 主观题")
            continue
        try:
            max_score = Decimal(mx)
        except InvalidOperation:
            errors.append(f"第{n}行：满分“{mx}”不是数字")
            continue
        if max_score <= 0:
            errors.append(f"第{n}行：满分必须大于0")
            continue
        if key and (not re.fullmatch(r"[A-H]", key) or _BLUEPRINT_KINDS[kind] != ItemKind.OBJECTIVE):
            errors.append(f"第{n}行：答案“{key}”应为客观题的一个选项字母 A–H")
            continue
        items.append(Item(number=len(items) + 1, label=label, kind=_BLUEPRINT_KINDS[kind], max_score=max_score,
                          knowledge_point=kp[:60], ability=ability[:30], answer_key=key))
    total = sum((i.max_score for i in items), Decimal(0))
    if items and total != full_mark:
        errors.append(f"各题满分之和 {total} 与试卷满分 {full_mark} 不一致")
    if not items and not errors:
        errors.append("没有读到任何题目")
    return items, errors


@transaction.atomic
def blueprint_save(*, actor: User | None, paper: Paper, text: str) -> list[Item]:
    items, errors = parse_blueprint(text, full_mark=paper.full_mark)
    if errors:
        raise ServiceError("；".join(errors), field="text")
    blocks = ScoreBlock.objects.filter(paper=paper, superseded_by__isnull=True)
    if any(decode_block(b.data).items.shape[1] for b in blocks.only("data")):
        raise ServiceError("该试卷已导入小题分，不能修改题目结构；请先撤销相关导入批次", field="text")
    for old in paper.items.all():
        audit_delete(actor, old)
    paper.items.all().delete()
    for it in items:
        it.paper = paper
    Item.objects.bulk_create(items)
    for it in Item.objects.filter(paper=paper):
        audit_create(actor, it)
    summary_refresh(paper=paper)
    return items


