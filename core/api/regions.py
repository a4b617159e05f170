"""Regions of the org tree (province, city, county, township); schools have their own router."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from api.schemas import node_ref
from core.access import get_node_for_user, nodes_visible_to, scope_of
from core.api.schemas import RegionDetail, RegionOut, region_out
from core.models import OrgKind, OrgNode

router = Router(tags=["区域"])


class RegionQuery(PageQuery):
    parent: str | None = Field(None, title="上级区域代码",
                               description="列出该区域的下级区域；省略时列出调用者可见的最高层区域")


@router.get("", response=Page[RegionOut], url_name="region_list", summary="区域列表")
def region_list(request: HttpRequest, filters: Query[RegionQuery]) -> Page[RegionOut]:
    user = current_user(request)
    visible = nodes_visible_to(user).exclude(kind=OrgKind.SCHOOL).select_related("parent")
    qs: QuerySet[OrgNode]
    if filters.parent:
        parent = get_node_for_user(user, filters.parent)
        qs = visible.filter(parent=parent)
    else:
        scope = scope_of(user)
        # The top of what the caller sees: the tree's roots for a system admin, else the nodes
        # their posts sit at (a school post has no region to show).
        qs = visible.filter(parent__isnull=True) if scope.is_sysadmin else visible.filter(path__in=scope.paths)
    return paginate(qs.order_by("path"), filters, region_out)


@router.get("/{code}", response=RegionDetail, url_name="region_detail", summary="区域详情")
def region_detail(request: HttpRequest, code: str) -> RegionDetail:
    node = get_node_for_user(current_user(request), code)
    if node.kind == OrgKind.SCHOOL:
        raise Http404("没有找到该区域")
    return RegionDetail(**region_out(node).model_dump(), ancestors=[node_ref(a) for a in node.ancestors()])
