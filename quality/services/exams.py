"""Exams, papers, thresholds and blueprints (双向细目表)."""


from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import OrgNode, Subject, User
from quality import blueprint as bp
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


class BlueprintInvalid(ServiceError):
    """The blueprint's rows were refused: `check` holds each error with its row and field."""

    def __init__(self, check: bp.BlueprintCheck) -> None:
        self.check = check
        super().__init__("；".join(str(e) for e in check.errors), field="rows")


def parse_blueprint(text: str, *, full_mark: Decimal) -> tuple[list[Item], list[str]]:
    """Lines "题号, 题型, 满分, 知识点, 能力[, 答案]" (comma, tab or Chinese comma): the 双向细目表,
    as unsaved items and the errors' messages (quality.blueprint holds the rules)."""
    check = bp.validate_rows(bp.rows_from_text(text), full_mark=full_mark)
    return _items_of(check), [str(e) for e in check.errors]


def _items_of(check: bp.BlueprintCheck) -> list[Item]:
    return [Item(number=r.number, label=r.label, kind=ItemKind(r.kind), max_score=r.max_score,
                 knowledge_point=r.knowledge_point, ability=r.ability, answer_key=r.answer_key) for r in check.rows]


def blueprint_locked(paper: Paper) -> bool:
    """True once item scores were imported for the paper: its items can no longer change."""
    blocks = ScoreBlock.objects.filter(paper=paper, superseded_by__isnull=True)
    return any(decode_block(b.data).items.shape[1] for b in blocks.only("data"))


@transaction.atomic
def blueprint_save(*, actor: User | None, paper: Paper, rows: Sequence[Mapping[str, object]] | None = None,
                   text: str | None = None) -> bp.BlueprintCheck:
    """Replace the paper's items with the blueprint's rows (a table's row dicts, or `text` lines).

    All or nothing: any row error raises BlueprintInvalid and nothing is written. The exam's row
    is locked first, as a score import locks it, so an import cannot slip in between the check
    that no item scores exist and the rewrite of the items. Returns the check, whose `warnings`
    (the total differs from the paper's full mark) the page shows after saving."""
    if (rows is None) == (text is None):
        raise TypeError("blueprint_save takes exactly one of rows= and text=")
    check = bp.validate_rows(bp.rows_from_text(text) if text is not None else list(rows or []),
                             full_mark=paper.full_mark)
    if not check.ok:
        raise BlueprintInvalid(check)
    Exam.objects.select_for_update().only("pk").get(pk=paper.exam_id)
    if blueprint_locked(paper):
        raise ServiceError("该试卷已导入小题分，不能修改题目结构；请先撤销相关导入批次", field="rows")
    for old in paper.items.all():
        audit_delete(actor, old)
    paper.items.all().delete()
    items = _items_of(check)
    for it in items:
        it.paper = paper
    Item.objects.bulk_create(items)
    for it in Item.objects.filter(paper=paper):
        audit_create(actor, it)
    summary_refresh(paper=paper)
    return check


