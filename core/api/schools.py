"""Schools: a filtered list over the caller's subtree, and one school with its attributes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from api.schemas import node_ref
from core.access import get_node_for_user, people_visible_to, require
from core.api.schemas import SchoolDetail, SchoolOut, school_out
from core.models import Locale, OrgKind, SchoolType, Stage
from core.selectors import SchoolFilter, schools_matching

router = Router(tags=["学校"])


class SchoolQuery(PageQuery):
    under: str | None = Field(None, title="所属区域代码", description="只列该区域（含下级）的学校")
    stage: Stage | None = Field(None, title="学段")
    school_type: SchoolType | None = Field(None, title="办学类型")
    locale: Locale | None = Field(None, title="城乡类别")
    weak: bool | None = Field(None, title="薄弱学校")
    teaching_point: bool | None = Field(None, title="教学点")
    q: str | None = Field(None, max_length=50, title="名称或代码", description="名称的一部分，或代码的开头")


@router.get("", response=Page[SchoolOut], url_name="school_list", summary="学校列表")
def school_list(request: HttpRequest, filters: Query[SchoolQuery]) -> Page[SchoolOut]:
    user = current_user(request)
    chosen = SchoolFilter(q=filters.q or "", under=get_node_for_user(user, filters.under) if filters.under else None,
                          stage=filters.stage or "", school_type=filters.school_type or "",
                          locale=filters.locale or "", weak=filters.weak, teaching_point=filters.teaching_point)
    return paginate(schools_matching(user, chosen), filters, school_out)


@router.get("/{code}", response=SchoolDetail, url_name="school_detail", summary="学校详情")
def school_detail(request: HttpRequest, code: str) -> SchoolDetail:
    user = current_user(request)
    school = get_node_for_user(user, code)
    require(school.kind == OrgKind.SCHOOL, "没有找到该学校")
    return SchoolDetail(
        **school_out(school).model_dump(),
        address=school.address,
        latitude=float(school.latitude) if school.latitude is not None else None,
        longitude=float(school.longitude) if school.longitude is not None else None,
        ancestors=[node_ref(a) for a in school.ancestors()],
        staff_count=people_visible_to(user).filter(org=school, is_active=True).count(),
    )
