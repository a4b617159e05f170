"""API of the appraisal app's `campaigns` area (mounted by appraisal/api/__init__.py), under the
same policy as the pages (appraisal.campaign_access): campaigns, a subject's record and result,
scoring a stage, raising and handling objections, selections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from appraisal import campaign_access as access
from appraisal.models.campaigns import Campaign, CampaignStatus, CampaignSubject, Objection, Selection
from appraisal.services import campaigns as svc
from appraisal.services.campaigns import CampaignError
from core.access import AnyUser

router = Router()


class StageOut(Schema):
    key: str
    label: str
    who: str = Field(description="self 评价对象自评 / school 所在学校 / assigned 指定评审人")


class CampaignOut(Schema):
    id: int
    title: str
    kind: str = Field(description="group 教研组评价 / school 学校考评 / principal 校长考评 / teacher 教师考评 / generic 其他")
    org: str = Field(title="组织单位代码")
    org_name: str
    start: dt.date
    end: dt.date
    rubric: str = Field(title="评价量表")
    rubric_version: int
    status: str = Field(description="draft 筹备中 / assessing 评审中 / published 已公示 / closed 已结束")
    stages: list[StageOut]
    published_on: dt.date | None
    objection_days: int


class SubjectOut(Schema):
    id: int
    school: str = Field(title="学校代码")
    school_name: str
    label: str
    final_score: float | None = Field(None, description="公示前仅组织单位可见")
    rank: int | None = None
    level: str = ""


class CampaignDetail(CampaignOut):
    subjects: list[SubjectOut]


class ScoreOut(Schema):
    stage: str
    total: float | None
    submitted: bool
    ratings: dict[str, Any]
    prefill: dict[str, Any]
    adjustments: dict[str, Any]
    comments: str


class ObjectionOut(Schema):
    id: int
    subject: int
    raised_on: dt.date
    reason: str
    status: str = Field(description="open 待处理 / upheld 申诉成立 / rejected 申诉不成立")
    response: str
    old_score: float | None
    new_score: float | None


class SubjectDetail(SubjectOut):
    campaign: int
    scores: list[ScoreOut]
    objections: list[ObjectionOut]


class SelectionOut(Schema):
    id: int
    title: str
    kind: str = Field(description="groups 优秀教研组 / leaders 优秀教研组长")
    org: str
    campaign: int
    decided_on: dt.date
    entries: list[str] = Field(title="入选教研组（学校 教研组，组长）")


def _campaign(c: Campaign) -> CampaignOut:
    return CampaignOut(id=c.pk, title=c.title, kind=c.kind, org=c.org.code, org_name=c.org.name, start=c.start,
                       end=c.end, rubric=c.version.template.name, rubric_version=c.version.number, status=c.status,
                       stages=[StageOut(**s) for s in c.stages], published_on=c.published_on,
                       objection_days=c.objection_days)


def _subject(user: AnyUser, s: CampaignSubject) -> SubjectOut:
    shown = access.can_see_result(user, s)
    return SubjectOut(id=s.pk, school=s.school.code, school_name=s.school.name, label=s.label,
                      final_score=s.final_score if shown else None, rank=s.rank if shown else None,
                      level=s.level if shown else "")


def _objection(o: Objection) -> ObjectionOut:
    return ObjectionOut(id=o.pk, subject=o.subject_id, raised_on=o.raised_on, reason=o.reason, status=o.status,
                        response=o.response, old_score=o.old_score, new_score=o.new_score)


def _subject_detail(user: AnyUser, s: CampaignSubject) -> SubjectDetail:
    scores = []
    if access.can_see_scores(user, s):
        own_only = (access.is_self(user, s) and not access.is_organiser(user, s.campaign)
                    and s.campaign.status == CampaignStatus.ASSESSING)
        for x in s.scores.select_related("assessment").order_by("created_at"):
            if own_only and x.stage != s.campaign.stages[0]["key"]:
                continue
            scores.append(ScoreOut(stage=x.stage, total=x.total, submitted=x.submitted_at is not None,
                                   ratings=x.assessment.ratings, prefill=x.prefill, adjustments=x.adjustments,
                                   comments=x.comments))
    return SubjectDetail(**_subject(user, s).model_dump(), campaign=s.campaign_id, scores=scores,
                         objections=[_objection(o) for o in s.objections.all()])


def _fail(exc: CampaignError) -> FieldError:
    return FieldError(exc.field or "payload", exc.message)


class CampaignQuery(PageQuery):
    status: CampaignStatus | None = Field(None, title="状态")


@router.get("/campaigns", response=Page[CampaignOut], url_name="appraisal_campaign_list", summary="考评活动列表")
def campaign_list(request: HttpRequest, filters: Query[CampaignQuery]) -> Page[CampaignOut]:
    qs = access.campaigns_visible_to(current_user(request)).order_by("-start", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, _campaign)


@router.get("/campaigns/{campaign_id}", response=CampaignDetail, url_name="appraisal_campaign_detail",
            summary="考评活动详情（可见的考评对象）")
def campaign_detail(request: HttpRequest, campaign_id: int) -> CampaignDetail:
    user = current_user(request)
    c = access.get_campaign_for_user(user, campaign_id)
    subjects = access.subjects_visible_to(user).filter(campaign=c).order_by("rank", "school__path", "label")
    return CampaignDetail(**_campaign(c).model_dump(), subjects=[_subject(user, s) for s in subjects])


@router.get("/campaigns/subjects/{subject_id}", response=SubjectDetail, url_name="appraisal_campaign_subject",
            summary="考评对象：各环节评分、结果与申诉")
def subject_detail(request: HttpRequest, subject_id: int) -> SubjectDetail:
    user = current_user(request)
    return _subject_detail(user, access.get_subject_for_user(user, subject_id))


class ScoreIn(Schema):
    ratings: dict[str, dict[str, Any]] = Field(title="评分", description="{评分项编码: {\"value\": 分数, \"comment\": 备注}}")
    reasons: dict[str, str] = Field(default_factory=dict, title="调整理由",
                                    description="{评分项编码: 理由}：与预填值不同的项须说明")
    comments: str = Field("", max_length=2000, title="评语")
    submit: bool = Field(False, title="提交", description="false 仅保存")


@router.post("/campaigns/subjects/{subject_id}/scores/{stage}", response=SubjectDetail,
             url_name="appraisal_campaign_score", summary="某环节评分（保存或提交）")
def score_save(request: HttpRequest, subject_id: int, stage: str, payload: ScoreIn) -> SubjectDetail:
    user = current_user(request)
    s = access.get_subject_for_user(user, subject_id)
    st = next((x for x in s.campaign.stages if x["key"] == stage), None)
    if st is None or not access.can_score_stage(user, s, st):
        raise HttpError(404, "没有找到该环节")
    try:
        svc.stage_score_save(actor=user, subject=s, stage=stage, ratings=payload.ratings, reasons=payload.reasons,
                             comments=payload.comments, submit=payload.submit)
    except CampaignError as exc:
        raise _fail(exc) from exc
    return _subject_detail(user, access.get_subject_for_user(user, subject_id))


class ObjectionIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, title="申诉理由")


@router.post("/campaigns/subjects/{subject_id}/objections", response={201: ObjectionOut},
             url_name="appraisal_campaign_objection_raise", summary="对公示结果提出申诉")
def objection_raise(request: HttpRequest, subject_id: int, payload: ObjectionIn) -> Status[ObjectionOut]:
    user = current_user(request)
    s = access.get_subject_for_user(user, subject_id)
    if not access.is_self(user, s):
        raise HttpError(404, "没有找到该考评对象")
    try:
        o = svc.objection_raise(actor=user, subject=s, reason=payload.reason, today=timezone.localdate())
    except CampaignError as exc:
        raise _fail(exc) from exc
    return Status(201, _objection(o))


class HandleIn(Schema):
    upheld: bool = Field(title="申诉成立")
    response: str = Field(min_length=1, max_length=2000, title="处理意见")
    new_score: float | None = Field(None, title="改后得分", description="申诉成立时必填")


@router.post("/campaigns/objections/{objection_id}/handle", response=ObjectionOut,
             url_name="appraisal_campaign_objection_handle", summary="组织单位处理申诉")
def objection_handle(request: HttpRequest, objection_id: int, payload: HandleIn) -> ObjectionOut:
    user = current_user(request)
    o = access.get_objection_for_user(user, objection_id, write=True)
    try:
        o = svc.objection_handle(actor=user, objection=o, upheld=payload.upheld, response=payload.response,
                                 new_score=payload.new_score)
    except CampaignError as exc:
        raise _fail(exc) from exc
    return _objection(o)


def _selection(sel: Selection) -> SelectionOut:
    entries = [f"{e.subject.school.name} {e.subject.label}" + (f"，{e.person.name}" if e.person else "")
               for e in sel.entries.select_related("subject__school", "person").order_by("subject__rank")]
    return SelectionOut(id=sel.pk, title=sel.title, kind=sel.kind, org=sel.org.code, campaign=sel.campaign_id,
                        decided_on=sel.decided_on, entries=entries)


@router.get("/campaign-selections", response=Page[SelectionOut], url_name="appraisal_campaign_selection_list",
            summary="优秀教研组与教研组长评选")
def selection_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[SelectionOut]:
    qs = access.selections_visible_to(current_user(request)).order_by("-decided_on", "-id")
    return paginate(qs, filters, _selection)
