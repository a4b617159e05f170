"""Request helpers shared by the governance pages: the node and year a page shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from appraisal import governance_access as access
from core.access import AnyUser, get_node_for_user, home_node
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode


def scope_node(request: HttpRequest, user: AnyUser) -> OrgNode | None:
    """`?node=<code>` when the user may read it, else the highest node he sees."""
    code = request.GET.get("node", "").strip()
    return get_node_for_user(user, code) if code else home_node(user)


def year_param(request: HttpRequest) -> int:
    raw = request.GET.get("year", "") or request.POST.get("year", "")
    today = timezone.localdate()
    if raw.isdigit() and 2000 <= int(raw) <= today.year + 1:
        return int(raw)
    return today.year


def sees_pack(user: AnyUser) -> bool:
    """The data pack is a region's: shown to users whose highest node is a region."""
    node = home_node(user)
    return node is not None and node.kind != OrgKind.SCHOOL


def page(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a governance page; the area's menu links only the pages this user may open."""
    user = request.user
    return render(request, template, {**context, "nav_spending": access.sees_spending(user),
                                      "nav_pack": sees_pack(user)})
