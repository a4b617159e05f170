"""Terms (semesters): those in force at a node, inherited down the tree; region admins set them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ValidationInfo, field_validator

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from core import services
from core.access import can_manage_node, get_node_for_user, get_term_for_user, home_node, require
from core.api.schemas import TermOut, term_out
from core.models import OrgKind, Semester, Term
from core.terms import terms_for

router = Router(tags=["学期"])


class TermQuery(PageQuery):
    node: str | None = Field(None, title="节点代码", description="该节点适用的学期（继承自最近设定学期的上级区域）；"
                                                            "省略时为调用者可见的最高节点")


@router.get("", response=Page[TermOut], url_name="term_list", summary="学期列表（含继承）")
def term_list(request: HttpRequest, filters: Query[TermQuery]) -> Page[TermOut]:
    user = current_user(request)
    node = get_node_for_user(user, filters.node) if filters.node else home_node(user)
    terms: list[Term] = terms_for(node) if node is not None else []
    return paginate(terms, filters, term_out)


class TermDates(Schema):
    start: dt.date = Field(title="开始日期")
    end: dt.date = Field(title="结束日期")

    @field_validator("end")
    @classmethod
    def _ends_after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError("必须晚于开始日期")
        return end


class TermIn(TermDates):
    region: str = Field(min_length=1, max_length=16, title="区域代码")
    school_year: int = Field(ge=2000, le=2100, title="学年（起始年）")
    semester: Semester = Field(title="学期", description="1 第一学期，2 第二学期")


@router.post("", response={201: TermOut}, url_name="term_list", summary="设定学期（区域管理员）")
def term_create(request: HttpRequest, payload: TermIn) -> Status[TermOut]:
    """Create the region's semester, or change its dates if the region already has it."""
    user = current_user(request)
    region = get_node_for_user(user, payload.region)
    require(region.kind != OrgKind.SCHOOL and can_manage_node(user, region))
    term = services.term_save(actor=user, region=region, school_year=payload.school_year,
                              semester=payload.semester, start=payload.start, end=payload.end)
    return Status(201, term_out(term))


@router.get("/{term_id}", response=TermOut, url_name="term_detail", summary="学期详情")
def term_detail(request: HttpRequest, term_id: int) -> TermOut:
    return term_out(get_term_for_user(current_user(request), term_id))


@router.put("/{term_id}", response=TermOut, url_name="term_detail", summary="修改学期日期（区域管理员）")
def term_update(request: HttpRequest, term_id: int, payload: TermDates) -> TermOut:
    user = current_user(request)
    term = get_term_for_user(user, term_id, write=True)
    term = services.term_save(actor=user, region=term.region, school_year=term.school_year,
                              semester=term.semester, start=payload.start, end=payload.end)
    return term_out(term)
