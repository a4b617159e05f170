"""JSON API of quality monitoring, mounted at /api/v1/quality/ (api.v1 adds the router).

Read-only: exams, one exam with its papers and analysis conventions, a paper's precomputed
analysis (rows limited to the caller's scope, exactly as the pages show them), and warnings.
Student-level data are not offered by the API (minors; analytics.md §4 "Compliance").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from api.schemas import NodeRef, node_ref
from core.models import OrgNode
from quality.access import (
    bank_items_visible_to,
    exams_visible_to,
    get_exam_for_user,
    get_paper_for_user,
    summary_rows_visible_to,
    warnings_visible_to,
)
from quality.models import BankItem, EarlyWarning, Exam
from quality.selectors import summary_data


class PaperOut(Schema):
    id: int
    subject: str
    full_mark: float


class ExamOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    org: NodeRef
    term_key: str
    stage: str
    grade: int
    held_on: dt.date


class ExamDetail(ExamOut):
    papers: list[PaperOut]
    conventions: list[str] = Field(title="分析口径")


class UnitOut(Schema):
    level: str
    key: str
    name: str
    parent: str
    registered: int
    sat: int
    absent: int
    mean: float | None
    sd: float | None
    score_rate: float | None
    excellent_rate: float | None
    pass_rate: float | None
    low_rate: float | None
    above_mean: float | None


class PaperAnalysisOut(Schema):
    paper: PaperOut
    rates_rule: str
    conventions: list[str]
    units: list[UnitOut]
    items: list[dict[str, Any]]
    reliability: dict[str, Any] | None
    discrimination_method: str | None


class WarningOut(Schema):
    id: int
    exam_id: int
    school: NodeRef
    class_label: str
    title: str
    norm_code: str
    status: str
    evidence: dict[str, Any]


class ExamQuery(PageQuery):
    under: str | None = Field(None, title="组织单位代码", description="只列该节点（含下级）组织的考试")
    term: str | None = Field(None, pattern=r"^\d{4}-[12]$", title="学期标识")


class WarningQuery(PageQuery):
    exam: int | None = Field(None, title="考试编号")
    status: str | None = Field(None, title="状态", pattern="^(open|acting|closed)$")


class BankItemOut(Schema):
    id: int
    code: str
    org: NodeRef
    subject: str
    stage: str
    grade: int | None
    kind: str
    max_score: float
    knowledge_point: str
    ability: str
    uses: int = Field(title="使用次数")
    students: int = Field(title="累计作答人数")
    difficulty: float | None = Field(title="难度P（按人数加权）")
    discrimination: float | None = Field(title="区分度（按人数加权）")


class BankItemQuery(PageQuery):
    subject: str | None = Field(None, title="学科代码")
    knowledge_point: str | None = Field(None, title="知识点（包含）")
    ability: str | None = Field(None, title="能力层级")
    p_min: float | None = Field(None, ge=0, le=1, title="难度下限")
    p_max: float | None = Field(None, ge=0, le=1, title="难度上限")


def _bank_item_out(b: BankItem) -> BankItemOut:
    return BankItemOut(id=b.pk, code=b.code, org=node_ref(b.org), subject=b.subject.name, stage=b.stage,
                       grade=b.grade, kind=b.kind, max_score=float(b.max_score), knowledge_point=b.knowledge_point,
                       ability=b.ability, uses=b.uses, students=b.students, difficulty=b.difficulty,
                       discrimination=b.discrimination)


def _exam_out(e: Exam) -> ExamOut:
    return ExamOut(id=e.pk, name=e.name, kind=e.kind, kind_label=e.get_kind_display(), org=node_ref(e.org),
                   term_key=e.term_key, stage=e.stage, grade=e.grade, held_on=e.held_on)


def _warning_out(w: EarlyWarning) -> WarningOut:
    return WarningOut(id=w.pk, exam_id=w.exam_id, school=node_ref(w.school), class_label=w.class_label,
                      title=w.title, norm_code=w.norm_code, status=w.status, evidence=w.evidence)


router = Router(tags=["质量监测"])


@router.get("/exams", response=Page[ExamOut], url_name="quality_exam_list", summary="可查看的考试")
def exam_list(request: HttpRequest, filters: Query[ExamQuery]) -> Page[ExamOut]:
    qs = exams_visible_to(current_user(request))
    if filters.under:
        node = OrgNode.objects.filter(code=filters.under).only("path").first()
        qs = qs.under(node.path) if node is not None else qs.none()
    if filters.term:
        qs = qs.filter(term_key=filters.term)
    return paginate(qs.order_by("-held_on", "-id"), filters, _exam_out)


@router.get("/exams/{exam_id}", response=ExamDetail, url_name="quality_exam_detail", summary="考试详情与分析口径")
def exam_detail(request: HttpRequest, exam_id: int) -> ExamDetail:
    exam = get_exam_for_user(current_user(request), exam_id)
    papers = [PaperOut(id=p.pk, subject=p.subject.name, full_mark=float(p.full_mark))
              for p in exam.papers.select_related("subject")]
    return ExamDetail(**_exam_out(exam).model_dump(), papers=papers, conventions=exam.settings_lines())


@router.get("/papers/{paper_id}/analysis", response=PaperAnalysisOut, url_name="quality_paper_analysis",
            summary="试卷分析结果（一分三率、试题、信度）")
def paper_analysis(request: HttpRequest, paper_id: int) -> PaperAnalysisOut:
    user = current_user(request)
    paper = get_paper_for_user(user, paper_id)
    data = summary_data(paper)
    units = summary_rows_visible_to(user, data)
    return PaperAnalysisOut(
        paper=PaperOut(id=paper.pk, subject=paper.subject.name, full_mark=float(paper.full_mark)),
        rates_rule=data.get("rates_rule", ""), conventions=paper.exam.settings_lines(),
        units=[UnitOut(**{k: u[k] for k in UnitOut.model_fields}) for u in units],
        items=data.get("items") or [], reliability=data.get("reliability"),
        discrimination_method=data.get("discrimination_method"))


@router.get("/warnings", response=Page[WarningOut], url_name="quality_warning_list", summary="预警")
def warning_list(request: HttpRequest, filters: Query[WarningQuery]) -> Page[WarningOut]:
    qs = warnings_visible_to(current_user(request))
    if filters.exam is not None:
        qs = qs.filter(exam_id=filters.exam)
    if filters.status:
        qs = qs.filter(status=filters.status)

    return paginate(qs.order_by("-id"), filters, _warning_out)


@router.get("/bank/items", response=Page[BankItemOut], url_name="quality_bank_item_list", summary="题库题目")
def bank_item_list(request: HttpRequest, filters: Query[BankItemQuery]) -> Page[BankItemOut]:
    qs = bank_items_visible_to(current_user(request))
    if filters.subject:
        qs = qs.filter(subject__code=filters.subject)
    if filters.knowledge_point:
        qs = qs.filter(knowledge_point__icontains=filters.knowledge_point)
    if filters.ability:
        qs = qs.filter(ability=filters.ability)
    if filters.p_min is not None:
        qs = qs.filter(difficulty__gte=filters.p_min)
    if filters.p_max is not None:
        qs = qs.filter(difficulty__lte=filters.p_max)
    return paginate(qs.order_by("id"), filters, _bank_item_out)
