"""Pages of the appraisal app's `governance` area (000 §14-16, 004 四(三)): the entry page, and
the 督导 data pack of a region (page and .xlsx). Meetings and tasks, plans, and spending have
their own modules; `urls` gathers them all and is mounted by appraisal/urls.py."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from appraisal import governance_access as access
from appraisal.models.governance import SpendingStatus, TaskStatus
from appraisal.services import governance_selectors as selectors
from appraisal.views import governance_meetings, governance_plans, governance_spending
from appraisal.views.governance_common import page, scope_node, year_param
from core.exporting import XLSX
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = year_param(request)
    today = timezone.localdate()
    open_tasks = access.tasks_visible_to(user).filter(status=TaskStatus.OPEN)
    spendings = access.spendings_visible_to(user).filter(year=year) if access.sees_spending(user) else None
    return page(request, "appraisal/governance/home.html", {
        "year": year,
        "meetings": access.meetings_visible_to(user).filter(held_on__year=year).count(),
        "plans": list(access.plans_visible_to(user).filter(year=year)[:20]),
        "open_tasks": open_tasks.count(), "overdue": open_tasks.filter(due__lt=today).count(),
        "sees_spending": spendings is not None,
        "pending": spendings.filter(status=SpendingStatus.SUBMITTED).count() if spendings is not None else 0,
        "confirmed": spendings.filter(status=SpendingStatus.CONFIRMED).count() if spendings is not None else 0,
        "can_meet": bool(access.meeting_regions(user)), "can_plan": bool(access.plan_regions(user)),
        "can_enter": access.can_enter_somewhere(user), "sees_pack": _pack_node(request) is not None})


def _pack_node(request: AuthedRequest) -> OrgNode | None:
    """The region the data pack is about: `?node=` or the user's highest node, never a school."""
    node = scope_node(request, request.user)
    if node is None or node.kind == OrgKind.SCHOOL:
        return None
    return node


@login_required
def pack(request: AuthedRequest) -> HttpResponse:
    node = _pack_node(request)
    if node is None:
        raise Http404("督导数据按区域统计")
    year = year_param(request)
    data = selectors.data_pack(request.user, node, year, timezone.localdate())
    return page(request, "appraisal/governance/pack.html", {"pack": data, "year": year, "node": node})


@login_required
def pack_xlsx(request: AuthedRequest) -> HttpResponse:
    node = _pack_node(request)
    if node is None:
        raise Http404("督导数据按区域统计")
    year = year_param(request)
    data = selectors.data_pack(request.user, node, year, timezone.localdate())
    response = HttpResponse(selectors.data_pack_xlsx(data), content_type=XLSX)
    name = f"{node.name}{year}年教研督导数据.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


urls: list[URLPattern] = [
    path("governance/", home, name="governance"),
    path("governance/pack/", pack, name="governance_pack"),
    path("governance/pack/xlsx/", pack_xlsx, name="governance_pack_xlsx"),
    *governance_meetings.urls, *governance_plans.urls, *governance_spending.urls,
]
