"""The item bank (题库): bank items, linking an exam paper's items to the bank with their
statistics, and saving an assembled paper as a draft."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from core.audit import audit_create
from core.models import OrgNode, Subject, User
from observe.attachments import CheckedFile
from quality.models import BankItem, BankItemUse, DraftPaper, DraftPaperItem, Item, JobStatus, Paper
from quality.selectors import summary_data
from quality.services.base import ServiceError
from quality.stats.assembly import Cell, Prediction


@transaction.atomic
def bank_item_create(*, actor: User | None, org: OrgNode, subject: Subject, stage: str, grade: int | None,
                     kind: str, max_score: Decimal, knowledge_point: str, ability: str, stem: str = "",
                     answer: str = "", source: str = "", stem_file: CheckedFile | None = None) -> BankItem:
    """A new bank item; `stem_file` is an upload already accepted by observe.attachments.check_upload."""
    item = BankItem(org=org, subject=subject, stage=stage, grade=grade, kind=kind, max_score=max_score,
                    knowledge_point=knowledge_point.strip(), ability=ability.strip(), stem=stem, answer=answer,
                    source=source, created_by=actor if actor and actor.pk else None)
    item.full_clean()
    if stem_file is not None:
        item.stem_file.save(stem_file.name, ContentFile(stem_file.content), save=False)
        item.stem_file_name = stem_file.name[:120]
    item.save()
    audit_create(actor, item)
    return item


@dataclass
class LinkReport:
    created: list[str] = field(default_factory=list)  # labels of the paper items given a new bank item
    matched: list[str] = field(default_factory=list)  # labels linked to an existing bank item
    recorded: int = 0  # statistics rows written or changed
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.recorded)


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _irt_rows(paper: Paper) -> tuple[str, dict[str, dict[str, Any]]]:
    run = paper.irt_runs.filter(status=JobStatus.DONE).order_by("-finished_at", "-id").first()
    if run is None:
        return "", {}
    return str(run.result.get("model", run.model)), {r["label"]: r for r in run.result.get("rows", [])}


@transaction.atomic
def bank_link_paper(*, actor: User | None, paper: Paper, matches: Mapping[int, int] | None = None) -> LinkReport:
    """Link every item of an analysed exam paper to a bank item of the exam's node and record
    its statistics there.

    An item already linked keeps its bank item unless `matches` ({paper item id: bank item id})
    names another; an unlinked item is matched as named, or becomes a new bank item. Each
    paper item has one statistics row, so linking the same paper again changes nothing (or
    brings the row up to date after a re-import), and linking another exam's paper to the same
    bank items adds a row to each item's history."""
    exam = paper.exam
    data = summary_data(paper)
    stats = {str(r["label"]): r for r in data.get("items") or []}
    items = list(Item.objects.filter(paper=paper).select_related("bank_item").order_by("number"))
    if not items:
        raise ServiceError("该试卷还没有双向细目表（小题），无法加入题库")
    if not stats:
        raise ServiceError("该试卷还没有小题分析结果（需先导入含小题分的成绩），无法记录题目统计")
    missing = [it.label for it in items if not it.knowledge_point or not it.ability]
    if missing:
        raise ServiceError("第 " + "、".join(missing) + " 题未填写知识点或能力层级，请先在双向细目表中补全")
    matches = dict(matches or {})
    targets = {b.pk: b for b in BankItem.objects.select_for_update().filter(
        pk__in=set(matches.values()), org=exam.org, subject=paper.subject, stage=exam.stage)}
    wrong = [it.label for it in items if it.pk in matches and matches[it.pk] not in targets]
    if wrong:
        raise ServiceError("第 " + "、".join(wrong) + " 题所选的题库题目不属于本考试单位同学科同学段的题库")
    final = {it.pk: matches.get(it.pk, it.bank_item_id) for it in items}
    labels_of: dict[int, list[str]] = {}
    for it in items:
        bank_id = final[it.pk]
        if bank_id is not None:
            labels_of.setdefault(bank_id, []).append(it.label)
    shared = [labels for labels in labels_of.values() if len(labels) > 1]
    if shared:
        raise ServiceError("；".join("第 " + "、".join(labels) + " 题" for labels in shared)
                           + "关联到了同一道题库题目；同一份试卷中的两道题不能是同一道题")
    top = next((u for u in data.get("units", []) if u.get("key") == data.get("top")), None)
    n = int(top["sat"]) if top else 0
    irt_model, irt = _irt_rows(paper)
    method = str(data.get("discrimination_method") or "")
    report = LinkReport()
    touched: set[int] = set()
    for it in items:
        old_bank_id = it.bank_item_id
        if it.pk in matches:
            bank = targets[matches[it.pk]]
            if bank.pk != old_bank_id:
                report.matched.append(it.label)
        elif it.bank_item is not None:
            bank = it.bank_item
        else:
            bank = bank_item_create(actor=actor, org=exam.org, subject=paper.subject, stage=exam.stage,
                                    grade=exam.grade, kind=it.kind, max_score=it.max_score,
                                    knowledge_point=it.knowledge_point, ability=it.ability,
                                    source=f"{exam.name} 第{it.label}题")
            report.created.append(it.label)
        if bank.pk != old_bank_id:
            it.bank_item = bank
            it.save(update_fields=["bank_item"])
            if old_bank_id is not None:
                touched.add(old_bank_id)
        touched.add(bank.pk)
        s = stats.get(it.label, {})
        fit = irt.get(it.label, {})
        values: dict[str, Any] = {
            "bank_item_id": bank.pk, "n": n, "difficulty": _f(s.get("difficulty")), "discrimination": _f(s.get("d")),
            "discrimination_method": method, "item_total_r": _f(s.get("r")), "sd": _f(s.get("sd")),
            "irt_model": irt_model if fit else "", "irt_a": _f(fit.get("a")), "irt_b": _f(fit.get("b")),
        }
        use = BankItemUse.objects.filter(paper_item=it).first()
        if use is None:
            BankItemUse.objects.create(paper_item=it, recorded_at=exam_time(paper), **values)
            report.recorded += 1
        elif any(getattr(use, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(use, k, v)
            use.save()
            report.recorded += 1
        else:
            report.unchanged += 1
    for bank_id in touched:
        bank_item_refresh(bank_id)
    return report


def exam_time(paper: Paper) -> Any:
    """A use is dated by its exam (the history reads in exam order, not in linking order)."""
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(paper.exam.held_on, dt.time(12)))


def pooled(rows: Sequence[tuple[int, float | None, float | None]]) -> tuple[int, float | None, float | None]:
    """(students, n-weighted mean difficulty, n-weighted mean discrimination) over uses (n, p, d)."""

    def mean(pos: int) -> float | None:
        known = [(r[0], r[pos]) for r in rows if r[pos] is not None]
        weight = sum(n for n, _ in known)
        return sum(n * float(v or 0.0) for n, v in known) / weight if weight else None

    return sum(r[0] for r in rows), mean(1), mean(2)


def bank_item_refresh(bank_id: int) -> None:
    rows = list(BankItemUse.objects.filter(bank_item_id=bank_id).values_list("n", "difficulty", "discrimination"))
    students, p, d = pooled(rows)
    BankItem.objects.filter(pk=bank_id).update(uses=len(rows), students=students, difficulty=p, discrimination=d)


@transaction.atomic
def draft_save(*, actor: User | None, org: OrgNode, subject: Subject, stage: str, name: str, target: float,
               cells: Sequence[Cell], items: Sequence[BankItem], prediction: Prediction) -> DraftPaper:
    if not name.strip():
        raise ServiceError("请填写试卷名称")
    if not items:
        raise ServiceError("组卷结果没有题目，不能保存")
    draft = DraftPaper(org=org, subject=subject, stage=stage, name=name.strip(), target_difficulty=target,
                       blueprint=[{"knowledge_point": c.knowledge_point, "ability": c.ability, "count": c.count,
                                   "marks": c.marks} for c in cells],
                       prediction={"difficulty": prediction.difficulty, "reliability": prediction.reliability,
                                   "total_marks": prediction.total_marks, "k": prediction.k,
                                   "with_history": prediction.with_history, "notes": list(prediction.notes)},
                       created_by=actor if actor and actor.pk else None)
    draft.full_clean()
    draft.save()
    DraftPaperItem.objects.bulk_create([DraftPaperItem(draft=draft, bank_item=b, number=i)
                                        for i, b in enumerate(items, start=1)])
    audit_create(actor, draft)
    return draft


@transaction.atomic
def draft_to_paper(*, actor: User | None, draft: DraftPaper, paper: Paper) -> int:
    """Make the draft the blueprint (双向细目表) of an exam paper: one item per draft item, in its
    order, each linked to its bank item, so that linking the paper after its scores are imported
    adds this exam to every item's history without choosing matches. Returns the item count."""
    from quality.services.exams import blueprint_save

    exam = paper.exam
    if paper.subject_id != draft.subject_id or exam.stage != draft.stage:
        raise ServiceError(f"组卷草稿是{draft.subject.name}（{draft.get_stage_display()}），"
                           f"与试卷“{paper}”的学科或学段不同")
    rows = list(draft.rows.select_related("bank_item").order_by("number"))
    blueprint_save(actor=actor, paper=paper, rows=[
        {"label": str(r.number), "kind": r.bank_item.kind, "max_score": str(r.bank_item.max_score),
         "knowledge_point": r.bank_item.knowledge_point, "ability": r.bank_item.ability, "answer_key": ""}
        for r in rows])
    by_number = {r.number: r.bank_item_id for r in rows}
    for it in Item.objects.filter(paper=paper):
        it.bank_item_id = by_number[int(it.label)]
        it.save(update_fields=["bank_item"])
    return len(rows)
