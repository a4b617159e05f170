"""Reads of the login and activity log, through integrations.signin.access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from core.access import AnyUser
from integrations.signin.access import login_events_visible_to, page_views_visible_to
from integrations.signin.models import LoginEvent, PageView


@dataclass(frozen=True)
class LogFilter:
    method: str = ""
    q: str = ""


def login_list(user: AnyUser, f: LogFilter) -> QuerySet[LoginEvent]:
    qs = login_events_visible_to(user)
    if f.method:
        qs = qs.filter(method=f.method)
    if f.q:
        qs = qs.filter(Q(user__name__contains=f.q) | Q(user__username__icontains=f.q))
    return qs


def page_view_list(user: AnyUser, f: LogFilter) -> QuerySet[PageView]:
    qs = page_views_visible_to(user)
    if f.q:
        qs = qs.filter(Q(user__name__contains=f.q) | Q(user__username__icontains=f.q))
    return qs


@dataclass(frozen=True)
class WeeklyActive:
    unit: str
    week: dt.date
    users: int


def weekly_active(user: AnyUser, *, since: dt.datetime) -> list[WeeklyActive]:
    """Distinct users who opened a page, per unit of their person record (a school, or the
    region office of a researcher) and week, since `since`: one grouped query."""
    rows = (page_views_visible_to(user).filter(hour__gte=since, user__person__isnull=False)
            .annotate(week=TruncWeek("hour")).values("user__person__org__name", "week")
            .annotate(n=Count("user", distinct=True)).order_by())
    out = []
    for r in rows:
        week = r["week"]
        out.append(WeeklyActive(unit=str(r["user__person__org__name"]),
                                week=week.date() if isinstance(week, dt.datetime) else week, users=int(r["n"])))
    return out
