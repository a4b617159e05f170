"""The yearly counts of projects by level and stage (申报, 立项 … 结题), with the key projects of the
year, for an institution's yearly report; as a page and an .xlsx workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from core.access import get_node_for_user, require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgNode
from projects import access
from projects.selectors import STAT_COLUMNS, year_counts


def _scope(request: AuthedRequest) -> tuple[OrgNode, int]:
    code = request.GET.get("node", "").strip()
    nodes = access.stats_nodes(request.user)
    node = get_node_for_user(request.user, code) if code else (nodes[0] if nodes else None)
    require(node is not None and access.can_read_project_stats(request.user, node))
    assert node is not None
    default = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default
    return node, year


def _headers() -> list[str]:
    return ["级别", *[label for _f, label in STAT_COLUMNS], "重点课题", "年末在研"]


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    node, year = _scope(request)
    counts = year_counts(request.user, node, year)
    return render(request, "projects/stats.html", {
        "node": node, "year": year, "counts": counts, "table": counts.table(), "headers": _headers(),
        "nodes": access.stats_nodes(request.user), "years": list(range(year + 1, year - 6, -1))})


@login_required
def stats_xlsx(request: AuthedRequest) -> HttpResponse:
    node, year = _scope(request)
    counts = year_counts(request.user, node, year)
    rows = [[label, *values, key, running] for label, values, key, running in counts.table()]
    return xlsx_response(f"{node.name}{year}年课题统计", "课题统计", _headers(), rows,
                         note=f"{node.institute_name or node.name}{year}年课题研究统计（按级别、阶段）")


urls: list[URLPattern] = [
    path("stats/", stats, name="stats"),
    path("stats/xlsx/", stats_xlsx, name="stats_xlsx"),
]
