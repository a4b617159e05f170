"""Compliance with the norms for a node and term: who meets what, as the compliance page shows."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.errors import FieldError
from api.schemas import node_ref
from core.access import get_node_for_user, home_node
from core.api.schemas import STATUS_LABELS, ComplianceOut, NormResultOut, RowOut, term_out
from core.compliance import NormResult, compliance_for, norm_rows
from core.models import Norm
from core.terms import current_term, term_by_key

router = Router(tags=["规范达标"])


class ComplianceQuery(Schema):
    node: str | None = Field(None, title="节点代码", description="省略时为调用者可见的最高节点")
    term: str | None = Field(None, pattern=r"^\d{4}-[12]$", title="学期标识",
                             description="如 2026-1；省略时为该节点的当前学期")
    norm: str | None = Field(None, max_length=32, title="规范编码", description="给出时只算这一项，并列出逐项结果")
    with_metric_only: bool = Field(False, title="只列有统计的规范")


def _result_out(r: NormResult, *, with_rows: bool) -> NormResultOut:
    rows = [RowOut(label=x.label, meets=x.meets, value=x.value, target=x.target, progress=x.progress,
                   detail=x.detail, context=x.context, url=x.url) for x in r.rows] if with_rows else None
    return NormResultOut(code=r.norm.code, category=r.norm.category, title=r.norm.title, threshold=r.threshold,
                         threshold_max=r.threshold_max,
                         status=r.status, status_label=STATUS_LABELS.get(r.status, r.status), met=r.met,
                         total=r.total, percent=r.percent, rows=rows)


@router.get("", response=ComplianceOut, url_name="compliance", summary="规范达标情况")
def compliance(request: HttpRequest, filters: Query[ComplianceQuery]) -> ComplianceOut:
    user = current_user(request)
    node = get_node_for_user(user, filters.node) if filters.node else home_node(user)
    if node is None:
        raise Http404("没有可查看的范围")
    if filters.term:
        term = term_by_key(node, filters.term)
        if term is None:
            raise FieldError("term", f"该节点没有学期 {filters.term}", source="query")
    else:
        term = current_term(node)
    codes = None
    if filters.norm:
        if not Norm.objects.filter(code=filters.norm).exists():
            raise FieldError("norm", f"没有这项规范：{filters.norm}", source="query")
        codes = [filters.norm]
    # Stored rows read through core.access.norm_rows_visible_to, so the figures never count what
    # the caller may not see.
    if codes is not None:
        results = [norm_rows(user, node, term, Norm.objects.get(code=codes[0]))]
    else:
        results = compliance_for(user, node, term, with_metric_only=filters.with_metric_only)
    return ComplianceOut(node=node_ref(node), term=term_out(term) if term else None,
                         norms=[_result_out(r, with_rows=codes is not None) for r in results])
