"""JSON API of the lesson-observation app: rubric templates, observations, coding sessions and
quota status, under the same access policy as the pages (observe.access). Mounted by the main
API at /api/v1/observe/ (authentication is the main API's); url names start with "observe_"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import get_node_for_user, home_node, scope_of
from core.errors import DomainError
from core.models import OrgNode, Person, Subject
from core.terms import current_term, term_by_key
from observe import services
from observe.access import (
    can_read_quota,
    get_observation_for_user,
    get_template_for_user,
    observable_teachers,
    observations_visible_to,
    offered_versions,
    quota_roots,
    templates_visible_to,
)
from observe.coding.settings import CodingSettings, clean_settings
from observe.models import (
    CodingSource,
    Observation,
    ObservationKind,
    OverallGrade,
    Purpose,
    RubricPurpose,
    RubricTemplate,
    RubricVersion,
    VersionStatus,
)
from observe.quotas import quota_report

router = Router(tags=["听评课"])


# ---------------------------------------------------------------- templates


class VersionOut(Schema):
    id: int
    number: int
    status: str
    status_label: str
    total_points: float | None
    published_at: dt.datetime | None


class TemplateOut(Schema):
    id: int
    key: str
    name: str
    purpose: str
    purpose_label: str
    owner: str | None = Field(None, description="所属单位代码；内置模板为空")
    is_builtin: bool
    versions: list[VersionOut]


class TemplateDetail(TemplateOut):
    version: VersionOut | None
    scoring: dict[str, Any]
    nodes: list[dict[str, Any]]


def _version_out(v: RubricVersion) -> VersionOut:
    return VersionOut(id=v.pk, number=v.number, status=v.status, status_label=v.get_status_display(),
                      total_points=v.total_points, published_at=v.published_at)


def _template_out(t: RubricTemplate) -> TemplateOut:
    return TemplateOut(id=t.pk, key=t.key, name=t.name, purpose=t.purpose, purpose_label=t.get_purpose_display(),
                       owner=t.owner.code if t.owner else None, is_builtin=t.is_builtin,
                       versions=[_version_out(v) for v in sorted(t.versions.all(), key=lambda v: -v.number)])


class TemplateQuery(PageQuery):
    purpose: RubricPurpose | None = Field(None, title="用途")


@router.get("/templates", response=Page[TemplateOut], url_name="observe_template_list", summary="评价模板列表")
def template_list(request: HttpRequest, filters: Query[TemplateQuery]) -> Page[TemplateOut]:
    qs = templates_visible_to(current_user(request)).prefetch_related("versions").order_by("-is_builtin", "name")
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    return paginate(qs, filters, _template_out)


@router.get("/templates/{template_id}", response=TemplateDetail, url_name="observe_template_detail",
            summary="评价模板详情（现行版本的指标树）")
def template_detail(request: HttpRequest, template_id: int, version: int | None = None) -> TemplateDetail:
    t = get_template_for_user(current_user(request), template_id)
    versions = list(t.versions.order_by("-number"))
    chosen = next((v for v in versions if v.number == version), None) if version else next(
        (v for v in versions if v.status == VersionStatus.PUBLISHED), versions[0] if versions else None)
    if version and chosen is None:
        raise Http404("没有该版本")
    return TemplateDetail(**_template_out(t).model_dump(), version=_version_out(chosen) if chosen else None,
                          scoring=chosen.scoring if chosen else {}, nodes=chosen.nodes if chosen else [])


# ---------------------------------------------------------------- observations


class CodingOut(Schema):
    id: int
    scheme: str
    interval_seconds: float
    n: int
    rt: float | None
    ch: float | None
    mode: str
    mode_label: str
    source: str
    result: dict[str, Any] | None = None


class ObservationOut(Schema):
    id: int
    client_uuid: str
    date: dt.date
    period: int | None
    observer: str
    observer_name: str
    teacher: str
    teacher_name: str
    school: str
    school_name: str
    subject: str | None
    grade: int | None
    class_name: str
    topic: str
    kind: str
    kind_label: str
    purpose: str
    purpose_label: str
    status: str
    feeds_appraisal: bool
    read_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class ObservationDetail(ObservationOut):
    strengths: str
    problems: str
    suggestions: str
    overall_grade: str
    reflection: str
    rubric_version: int | None
    ratings: dict[str, Any] | None
    dimension_scores: dict[str, Any] | None
    total: float | None = Field(title="量表总分", description="评分完成时才有；未评完为 null")
    band: str = Field(title="等级", description="评分完成时才有")
    rubric_complete: bool | None = Field(title="量表是否评完", description="没有量表时为 null")
    rated_items: int | None = Field(title="已评项数")
    rubric_items: int | None = Field(title="应评项数")
    rubric_status: str = Field(title="评分说明", description="如“评分未完成（已评 3 / 45 项）”")
    coding_settings: dict[str, Any] = Field(title="编码设置", description="记录方式、采样间隔等")
    coding: list[CodingOut]


def _obs_out(o: Observation) -> ObservationOut:
    return ObservationOut(
        id=o.pk, client_uuid=o.client_uuid, date=o.date, period=o.period, observer=o.observer.code,
        observer_name=o.observer.name, teacher=o.teacher.code, teacher_name=o.teacher.name, school=o.school.code,
        school_name=o.school.name, subject=o.subject.code if o.subject else None, grade=o.grade,
        class_name=o.class_name, topic=o.topic, kind=o.kind, kind_label=o.get_kind_display(), purpose=o.purpose,
        purpose_label=o.get_purpose_display(), status=o.status, feeds_appraisal=o.feeds_appraisal,
        read_at=o.read_at, acknowledged_at=o.acknowledged_at)


def _coding_out(s: Any, *, full: bool) -> CodingOut:
    return CodingOut(id=s.pk, scheme=s.scheme_key, interval_seconds=s.interval_seconds, n=s.n, rt=s.rt, ch=s.ch,
                     mode=s.mode, mode_label=s.mode_label, source=s.source, result=s.result if full else None)


def _detail(o: Observation) -> ObservationDetail:
    a = o.assessment
    return ObservationDetail(
        **_obs_out(o).model_dump(), strengths=o.strengths, problems=o.problems, suggestions=o.suggestions,
        overall_grade=o.overall_grade, reflection=o.reflection, rubric_version=a.version_id if a else None,
        ratings=a.ratings if a else None, dimension_scores=a.dimension_scores if a else None,
        total=a.total if a and a.is_complete else None, band=a.band if a and a.is_complete else "",
        rubric_complete=a.is_complete if a else None, rated_items=a.rated_count if a else None,
        rubric_items=a.item_count if a else None, rubric_status=a.incomplete_text if a else "",
        coding_settings=o.coding_settings or {},
        coding=[_coding_out(s, full=False) for s in o.coding_sessions.all()])


class ObservationQuery(PageQuery):
    node: str | None = Field(None, title="单位代码", description="该学校或区域（含下级）")
    teacher: str | None = Field(None, title="授课教师编号")
    observer: str | None = Field(None, title="听课人编号")
    date_from: dt.date | None = Field(None, title="起始日期")
    date_to: dt.date | None = Field(None, title="截止日期")
    kind: ObservationKind | None = Field(None, title="课型")
    purpose: Purpose | None = Field(None, title="性质")
    mine: bool = Field(False, title="只看我听的课（含草稿）")


@router.get("/observations", response=Page[ObservationOut], url_name="observe_observation_list",
            summary="听课记录列表")
def observation_list(request: HttpRequest, filters: Query[ObservationQuery]) -> Page[ObservationOut]:
    user = current_user(request)
    qs = observations_visible_to(user)
    if filters.mine:
        qs = qs.filter(observer_id=scope_of(user).person_id)
    else:
        qs = qs.submitted()
    if filters.node:
        qs = qs.filter(school__in=OrgNode.objects.under(get_node_for_user(user, filters.node).path))
    if filters.teacher:
        qs = qs.filter(teacher__code=filters.teacher)
    if filters.observer:
        qs = qs.filter(observer__code=filters.observer)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    return paginate(qs.order_by("-date", "-id"), filters, _obs_out)


@router.get("/observations/{observation_id}", response=ObservationDetail, url_name="observe_observation_detail",
            summary="听课记录详情")
def observation_detail(request: HttpRequest, observation_id: int) -> ObservationDetail:
    obs = get_observation_for_user(current_user(request), observation_id)
    return _detail(obs)


class CodingIn(Schema):
    scheme: str = Field(pattern=r"^(ST|STD|FIAS|ITIAS|IFIAS)$", title="编码方案")
    codes: list[str] = Field(min_length=1, max_length=services.MAX_CODES, title="编码序列")
    interval_seconds: float | None = Field(None, gt=0, le=600, title="采样间隔（秒）")
    source: CodingSource = Field(CodingSource.LIVE, title="来源")


class ObservationIn(Schema):
    client_uuid: str | None = Field(None, pattern=r"^[0-9a-fA-F-]{36}$", title="客户端草稿编号",
                                    description="重复提交同一编号只更新同一条草稿")
    teacher: str = Field(min_length=1, max_length=32, title="授课教师编号")
    date: dt.date = Field(title="听课日期")
    subject: str | None = Field(None, title="学科代码", description="省略时取教师主教学科")
    grade: int | None = Field(None, ge=1, le=12, title="年级")
    class_name: str = Field("", max_length=20, title="班级")
    topic: str = Field("", max_length=120, title="课题")
    period: int | None = Field(None, ge=1, le=12, title="节次")
    kind: ObservationKind = Field(ObservationKind.PUSH_IN, title="课型")
    purpose: Purpose = Field(Purpose.DEVELOPMENTAL, title="性质")
    strengths: str = Field("", max_length=5000, title="优点")
    problems: str = Field("", max_length=5000, title="问题")
    suggestions: str = Field("", max_length=5000, title="建议")
    overall_grade: OverallGrade | None = Field(None, title="总体评价")
    rubric_version: int | None = Field(None, title="量表版本编号")
    ratings: dict[str, dict[str, Any]] = Field(default_factory=dict, title="逐项评分")
    coding: list[CodingIn] = Field(default_factory=list, title="课堂编码")
    submit: bool = Field(False, title="是否提交", description="false 保存草稿；true 提交并通知教师")
    confirm_incomplete: bool = Field(False, title="量表未评完也提交",
                                     description="提交时量表仍有未评项目会被拒绝，除非此项为 true（该记录不计总分和等级）")
    coding_settings: dict[str, Any] = Field(default_factory=dict, title="编码设置",
                                            description="mode（timed/tap）、st_interval、fias_interval、dialogue")


def _interval(c: CodingIn, settings: CodingSettings | None) -> float | None:
    """The interval sent with the codes, else the one of the coding settings, else the scheme's."""
    if c.interval_seconds is not None or settings is None:
        return c.interval_seconds
    return settings["st_interval"] if c.scheme in ("ST", "STD") else settings["fias_interval"]


@router.post("/observations", response={201: ObservationDetail}, url_name="observe_observation_list",
             summary="新建或同步听课记录（草稿或提交）")
def observation_create(request: HttpRequest, payload: ObservationIn) -> Status[ObservationDetail]:
    user = current_user(request)
    me = scope_of(user).person_id
    if me is None:
        raise Http404("您的账号没有关联人员，不能记录听课")
    teacher = observable_teachers(user).filter(code=payload.teacher).select_related("org", "main_subject").first()
    if teacher is None:
        raise FieldError("teacher", "没有找到您可听课的该教师")
    subject = teacher.main_subject
    if payload.subject:
        subject = Subject.objects.filter(code=payload.subject).first()
        if subject is None:
            raise FieldError("subject", f"没有这个学科：{payload.subject}")
    version = None
    if payload.rubric_version is not None:
        version = offered_versions(user).filter(pk=payload.rubric_version).first()
        if version is None:
            raise FieldError("rubric_version", "没有可用的该量表版本")
    data = services.ObservationData(
        teacher=teacher, school=teacher.org, date=payload.date, subject=subject, grade=payload.grade,
        class_name=payload.class_name, topic=payload.topic, period=payload.period, kind=payload.kind,
        purpose=payload.purpose, strengths=payload.strengths, problems=payload.problems,
        suggestions=payload.suggestions, overall_grade=payload.overall_grade or "")
    try:
        settings = clean_settings(payload.coding_settings or None)
        data.coding_settings = dict(settings)
        coding = [services.CodingData(c.scheme, c.codes, _interval(c, settings if payload.coding_settings else None),
                                      c.source) for c in payload.coding]
        obs = services.observation_record(actor=user, observer=Person.objects.get(pk=me), data=data,
                                          client_uuid=payload.client_uuid, version=version,
                                          ratings=payload.ratings, coding=coding, submit=payload.submit,
                                          confirm_incomplete=payload.confirm_incomplete)
    except DomainError as exc:
        raise FieldError(exc.field or "payload", str(exc)) from exc
    return Status(201, _detail(get_observation_for_user(user, obs.pk)))


@router.get("/observations/{observation_id}/coding", response=list[CodingOut], url_name="observe_coding_list",
            summary="听课记录的课堂编码（含分析结果）")
def coding_list(request: HttpRequest, observation_id: int) -> list[CodingOut]:
    obs = get_observation_for_user(current_user(request), observation_id)
    return [_coding_out(s, full=True) for s in obs.coding_sessions.all()]


@router.post("/observations/{observation_id}/coding", response={201: CodingOut}, url_name="observe_coding_list",
             summary="为本人的听课记录添加或替换一段课堂编码（如课后看录像编码）")
def coding_create(request: HttpRequest, observation_id: int, payload: CodingIn) -> Status[CodingOut]:
    user = current_user(request)
    obs = get_observation_for_user(user, observation_id)
    if obs.observer_id != scope_of(user).person_id:
        raise Http404("没有找到该听课记录")
    try:
        session = services.coding_session_save(actor=user, observation=obs, data=services.CodingData(
            payload.scheme, payload.codes, payload.interval_seconds, payload.source))
    except DomainError as exc:
        raise FieldError("codes", str(exc)) from exc
    return Status(201, _coding_out(session, full=True))


# ---------------------------------------------------------------- quota


class LeaderOut(Schema):
    person: str
    name: str
    school: str
    school_name: str
    norm: str
    count: int
    quota: float
    expected_by_today: float
    status: str
    status_label: str


class TeacherRefOut(Schema):
    code: str
    name: str


class CoverageOut(Schema):
    school: str
    school_name: str
    teachers: int
    observed: int
    percent: float
    target: float
    status: str
    unobserved: list[TeacherRefOut]


class QuotaOut(Schema):
    node: str
    term: str
    term_label: str
    elapsed_fraction: float
    leaders: list[LeaderOut]
    coverage: list[CoverageOut]


class QuotaQuery(Schema):
    node: str | None = Field(None, title="单位代码", description="省略时为调用者可查看的最高单位")
    term: str | None = Field(None, pattern=r"^\d{4}-[12]$", title="学期标识")


@router.get("/quota", response=QuotaOut, url_name="observe_quota", summary="校领导听课任务与教师覆盖（LEAD.*）")
def quota(request: HttpRequest, filters: Query[QuotaQuery]) -> QuotaOut:
    user = current_user(request)
    node = get_node_for_user(user, filters.node) if filters.node else None
    if node is None:
        roots = quota_roots(user)
        node = home_node(user) if roots == [""] or not roots else get_node_for_user(
            user, _root_code(roots[0]))
    if node is None or not can_read_quota(user, node):
        raise Http404("没有可查看的范围")
    term = term_by_key(node, filters.term) if filters.term else current_term(node)
    if term is None:
        raise FieldError("term", "该单位没有此学期", source="query")
    r = quota_report(user, node, term)
    return QuotaOut(
        node=node.code, term=term.key, term_label=term.label, elapsed_fraction=round(r.fraction, 4),
        leaders=[LeaderOut(person=x.code, name=x.name, school=x.school_code, school_name=x.school_name, norm=x.norm,
                           count=x.count, quota=x.quota, expected_by_today=x.expected, status=x.status,
                           status_label=x.status_label) for x in r.leaders],
        coverage=[CoverageOut(school=s.school_code, school_name=s.school_name, teachers=s.teachers,
                              observed=s.observed, percent=s.percent, target=s.target, status=s.status,
                              unobserved=[TeacherRefOut(code=t.code, name=t.name) for t in s.unobserved])
                  for s in r.schools])


def _root_code(path: str) -> str:
    return [p for p in path.split("/") if p][-1]
