"""Posts (a role at an org node): list by person or org, and creating one (region admins)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ValidationInfo, field_validator

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core import services
from core.access import can_manage_node, get_node_for_user, get_person_for_user, posts_visible_to, require
from core.api.schemas import PostOut, post_out
from core.models import Post, Role, Stage, Subject
from core.paths import under_q

router = Router(tags=["任职"])


class PostQuery(PageQuery):
    person: str | None = Field(None, title="人员编号")
    org: str | None = Field(None, title="单位代码", description="该单位（含下级）的任职")
    role: Role | None = Field(None, title="岗位")
    current: bool | None = Field(None, title="仅现任", description="true 只列今天在任的任职")


@router.get("", response=Page[PostOut], url_name="post_list", summary="任职列表（按人员或单位）")
def post_list(request: HttpRequest, filters: Query[PostQuery]) -> Page[PostOut]:
    user = current_user(request)
    qs = posts_visible_to(user)
    if filters.person:
        qs = qs.filter(person=get_person_for_user(user, filters.person))
    if filters.org:
        qs = qs.filter(under_q([get_node_for_user(user, filters.org).path], "org__path"))
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.current:
        # The selector returns a plain QuerySet; intersecting keeps PostQuerySet's one rule of "current".
        qs = qs & Post.objects.active()
    today = timezone.localdate()
    return paginate(qs.order_by("org__path", "person__pinyin", "pk"), filters, lambda p: post_out(p, today))


class PostIn(Schema):
    person: str = Field(min_length=1, max_length=32, title="人员编号")
    role: Role = Field(title="岗位")
    org: str = Field(min_length=1, max_length=16, title="任职单位代码")
    subject: str | None = Field(None, title="学科代码")
    stage: Stage | None = Field(None, title="学段")
    grade: int | None = Field(None, ge=1, le=12, title="年级")
    start: dt.date | None = Field(None, title="开始日期")
    end: dt.date | None = Field(None, title="结束日期")

    @field_validator("end")
    @classmethod
    def _ends_after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if start and end and end < start:
            raise ValueError("不能早于开始日期")
        return end


@router.post("", response={201: PostOut}, url_name="post_list", summary="新增任职（区域管理员）")
def post_create(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    user = current_user(request)
    person = get_person_for_user(user, payload.person)
    org = get_node_for_user(user, payload.org)
    require(can_manage_node(user, org))
    subject = None
    if payload.subject:
        subject = Subject.objects.filter(code=payload.subject).first()
        if subject is None:
            raise FieldError("subject", f"没有这个学科：{payload.subject}", label="学科代码")
    # The service refuses a grant the policy forbids (core.access.grant_refusal) with a 422.
    post = services.post_create(actor=user, person=person, role=payload.role, org=org, subject=subject,
                                stage=payload.stage or "", grade=payload.grade, start=payload.start,
                                end=payload.end)
    return Status(201, post_out(post, timezone.localdate()))
