"""The growth app's pages, one module per area: `training` (hours, entry, import), `people`
(rotation, awards, certificates), `programmes` (talent programmes, members, duties), `regional`
(competitions, studios, base schools). Shared request helpers live here."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from core.access import AnyUser, get_node_for_user, home_node
from core.models import OrgNode


def scope_node(request: HttpRequest, user: AnyUser) -> OrgNode | None:
    """The node a list page shows: `?node=<code>` when the user may read it, else their highest."""
    code = request.GET.get("node", "").strip()
    if code:
        return get_node_for_user(user, code)
    return home_node(user)


def year_param(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    if raw.isdigit() and 2000 <= int(raw) <= today.year + 1:
        return int(raw)
    return today.year
