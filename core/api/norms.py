"""Norms with the threshold in force at a node, and regional overrides of thresholds."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from api.schemas import node_ref
from core import services
from core.access import can_override_norms, get_node_for_user, home_node, require
from core.api.schemas import NormOut, OverrideOut
from core.compliance import override_source
from core.models import Norm, NormOverride, OrgNode, User

router = Router(tags=["规范"])


class NormQuery(PageQuery):
    node: str | None = Field(None, title="节点代码", description="按该节点生效的阈值；省略时为调用者可见的最高节点")
    category: str | None = Field(None, max_length=30, title="类别")
    q: str | None = Field(None, max_length=50, title="编码或要求")


def _override_out(o: NormOverride | None) -> OverrideOut | None:
    if o is None:
        return None
    return OverrideOut(region=node_ref(o.region), threshold=o.threshold_min, threshold_max=o.threshold_max,
                       note=o.note, set_at=o.set_at)


def _norm_out(norm: Norm, override: NormOverride | None) -> NormOut:
    return NormOut(code=norm.code, category=norm.category, title=norm.title, binds=norm.binds, period=norm.period,
                   source=norm.source, default_text=norm.default_text, default_threshold=norm.threshold_min,
                   default_threshold_max=norm.threshold_max,
                   threshold=override.threshold_min if override else norm.threshold_min,
                   threshold_max=override.threshold_max if override else norm.threshold_max,
                   override=_override_out(override))


def nearest_overrides(node: OrgNode | None) -> dict[int, NormOverride]:
    """Norm id -> the override of the nearest region at or above the node, in one query.

    The same rule as core.compliance.effective_threshold, which asks once per norm; a list
    of every norm needs them all at once.
    """
    if node is None:
        return {}
    found: dict[int, NormOverride] = {}
    for o in (NormOverride.objects.filter(region__path__in=node.ancestor_paths())
              .select_related("region").order_by("region__depth")):
        found[o.norm_id] = o  # deeper regions come later and win
    return found


def _node_or_home(user: User, code: str | None) -> OrgNode | None:
    return get_node_for_user(user, code) if code else home_node(user)


@router.get("", response=Page[NormOut], url_name="norm_list", summary="规范列表（含生效阈值）")
def norm_list(request: HttpRequest, filters: Query[NormQuery]) -> Page[NormOut]:
    user = current_user(request)
    overrides = nearest_overrides(_node_or_home(user, filters.node))
    qs = Norm.objects.order_by("sort")
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(Q(code__icontains=q) | Q(title__contains=q))
    return paginate(qs, filters, lambda n: _norm_out(n, overrides.get(n.pk)))


class NodeQuery(Schema):
    node: str | None = Field(None, title="节点代码")


@router.get("/{code}", response=NormOut, url_name="norm_detail", summary="规范详情（含生效阈值）")
def norm_detail(request: HttpRequest, code: str, filters: Query[NodeQuery]) -> NormOut:
    user = current_user(request)
    norm = Norm.objects.filter(code=code).first()
    if norm is None:
        raise Http404("没有找到该规范")
    node = _node_or_home(user, filters.node)
    if node is None:
        return _norm_out(norm, None)
    return _norm_out(norm, override_source(code, node))


class OverrideIn(Schema):
    region: str = Field(min_length=1, max_length=16, title="区域代码")
    threshold: float | None = Field(None, ge=0, le=1_000_000, title="阈值", description="最低值；为空表示不设下限")
    threshold_max: float | None = Field(None, ge=0, le=1_000_000, title="最高值", description="为空表示不设上限")
    note: str = Field("", max_length=200, title="说明")


@router.put("/{code}/override", response=NormOut, url_name="norm_override",
            summary="设定本区域阈值（区域管理员、教研机构负责人）")
def norm_override_set(request: HttpRequest, code: str, payload: OverrideIn) -> NormOut:
    user = current_user(request)
    norm = Norm.objects.filter(code=code).first()
    if norm is None:
        raise Http404("没有找到该规范")
    region = get_node_for_user(user, payload.region)
    require(can_override_norms(user, region))
    override = services.norm_override_set(actor=user, norm=norm, region=region, threshold=payload.threshold,
                                          threshold_max=payload.threshold_max, note=payload.note)
    return _norm_out(norm, NormOverride.objects.select_related("region").get(pk=override.pk))


class RegionQuery(Schema):
    region: str = Field(min_length=1, max_length=16, title="区域代码")


@router.delete("/{code}/override", response={204: None}, url_name="norm_override",
               summary="撤销本区域阈值，恢复继承（区域管理员、教研机构负责人）")
def norm_override_delete(request: HttpRequest, code: str, filters: Query[RegionQuery]) -> Status[None]:
    user = current_user(request)
    region = get_node_for_user(user, filters.region)
    require(can_override_norms(user, region))
    override = NormOverride.objects.filter(norm__code=code, region=region).first()
    if override is None:
        raise Http404("该区域没有调整这项规范")
    services.norm_override_delete(actor=user, override=override)
    return Status(204, None)
