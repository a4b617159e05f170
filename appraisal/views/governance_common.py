"""Request helpers shared by the governance pages: the node and year a page shows."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from core.access import AnyUser, get_node_for_user, home_node
from core.models import OrgNode


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
