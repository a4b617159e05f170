"""Schools: a filtered list over the caller's subtree, and one school with its attributes."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from api.schemas import node_ref
from core.access import get_node_for_user, people_visible_to, require, schools_visible_to
from core.api.schemas import SchoolDetail, SchoolOut, school_out
from core.models import SCHOOL_TYPE_STAGES, Locale, OrgKind, SchoolType, Stage

router = Router(tags=["学校"])


class SchoolQuery(PageQuery):
    under: str | None = Field(None, title="所属区域代码", description="只列该区域（含下级）的学校")
    stage: Stage | None = Field(None, title="学段")
    school_type: SchoolType | None = Field(None, title="办学类型")
    locale: Locale | None = Field(None, title="城乡类别")
    weak: bool | None = Field(None, title="薄弱学校")
    teaching_point: bool | None = Field(None, title="教学点")
    q: str | None = Field(None, max_length=50, title="名称或代码")


@router.get("", response=Page[SchoolOut], url_name="school_list", summary="学校列表")
def school_list(request: HttpRequest, filters: Query[SchoolQuery]) -> Page[SchoolOut]:
    user = current_user(request)
    qs = schools_visible_to(user).select_related("parent")
    if filters.under:
        qs = qs.filter(path__startswith=get_node_for_user(user, filters.under).path)
    if filters.stage:
        # A school's stages follow from its type, so the stage filter is a filter on types.
        qs = qs.filter(school_type__in=[t for t, stages in SCHOOL_TYPE_STAGES.items() if filters.stage in stages])
    if filters.school_type:
        qs = qs.filter(school_type=filters.school_type)
    if filters.locale:
        qs = qs.filter(locale=filters.locale)
    if filters.weak is not None:
        qs = qs.filter(is_weak=filters.weak)
    if filters.teaching_point is not None:
        qs = qs.filter(is_teaching_point=filters.teaching_point)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(Q(name__contains=q) | Q(code=q))
    return paginate(qs.order_by("path"), filters, school_out)


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
