"""Pages of the research app: calendars of research activities (a person's, a school's, an
institution's), as a month grid or a list, with iCalendar export and a per-user secret feed for
the calendar applications people already use; clashes with the person's visit days shown."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from core.access import AnyUser, get_node_for_user, require, scope_of
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, User
from core.paging import paginate
from research import activity_ical
from research.access import can_read_calendar_of
from research.activity_selectors import (
    CalendarEntry,
    NodeScope,
    month_bounds,
    node_activities,
    node_calendar,
    node_month,
    person_calendar,
)
from research.models import ActivityStatus

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
LIST_PAGE = 50  # activities per page of a node's list view
CELL_CHARS = 14  # a title's characters shown in a day's cell of the month grid
# The columns a node's list view shows of an activity (calendar.html): no other joined rows.
LIST_ROW = ("id", "title", "start", "form", "place", "organiser_id", "organiser__name")
URL_PROBE = 2_147_483_647  # an id no record has, to cut a reversed URL around


def _node_label(n: OrgNode) -> str:
    return n.institute_name or n.name if n.kind != OrgKind.SCHOOL else n.name


# ---------------------------------------------------------------- calendars


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
    if m and 1 <= int(m.group(2)) <= 12 and 2000 <= int(m.group(1)) <= 2100:
        return int(m.group(1)), int(m.group(2))
    today = timezone.localdate()
    return today.year, today.month


def _pk_url(name: str) -> Callable[[int], str]:
    """The URL of a record by its id, reversed once per page rather than once per record."""
    head, _, tail = reverse(name, args=[URL_PROBE]).rpartition(str(URL_PROBE))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class GridEntry:
    """An activity in a day's cell of the month grid: what the cell shows, worked out once."""

    url: str
    time: str  # local start, H:i
    title: str
    short: str  # the title cut to the cell's width
    clash: str


@lru_cache(maxsize=4096)
def _cell_title(title: str, language: str | None) -> str:
    """The title cut to a cell's width, as the truncatechars filter does (Truncator, whose
    ellipsis follows the language). Kept: it costs tens of microseconds, a region's month shows
    a hundred titles, and mostly the same ones request after request."""
    return Truncator(title).chars(CELL_CHARS)


def _grid_entries(entries: list[CalendarEntry]) -> dict[dt.date, list[GridEntry]]:
    detail = _pk_url("research:activity_detail")
    tz = timezone.get_current_timezone()
    language = translation.get_language()
    out: dict[dt.date, list[GridEntry]] = defaultdict(list)
    for e in entries:
        a = e.activity
        start = a.start.astimezone(tz)
        out[start.date()].append(GridEntry(detail(a.pk), f"{start.hour:02d}:{start.minute:02d}", a.title,
                                           _cell_title(a.title, language), e.clash))
    return out


def _month_grid(year: int, month: int, days: dict[dt.date, list[GridEntry]],
                more: dict[dt.date, int]) -> list[list[dict[str, Any]]]:
    first = dt.date(year, month, 1)
    start = first - dt.timedelta(days=first.weekday())
    today = timezone.localdate()
    weeks = []
    d = start
    while True:
        week = []
        for _ in range(7):
            week.append({"date": d, "iso": d.isoformat(), "in_month": d.month == month, "entries": days.get(d, ()),
                         "today": d == today, "more": more.get(d, 0)})
            d += dt.timedelta(days=1)
        weeks.append(week)
        if d.month != month and d > first:
            break
    return weeks


def _calendar_page(request: AuthedRequest, entries: list[CalendarEntry], *, title: str, year: int, month: int,
                   ics_url: str, feed_url: str = "", node: OrgNode | None = None, scope: str = "",
                   more: dict[dt.date, int] | None = None, page: Any = None, day: dt.date | None = None) -> HttpResponse:
    view = "list" if request.GET.get("view") == "list" else "month"
    prev_m = (year - (month == 1), 12 if month == 1 else month - 1)
    next_m = (year + (month == 12), 1 if month == 12 else month + 1)
    weeks = _month_grid(year, month, _grid_entries(entries), more or {}) if view == "month" else []
    return render(request, "research/activities/calendar.html", {
        "title": title, "entries": entries, "weeks": weeks, "view": view,
        "year": year, "month": month, "prev": f"{prev_m[0]}-{prev_m[1]:02d}", "next": f"{next_m[0]}-{next_m[1]:02d}",
        "ics_url": ics_url, "feed_url": feed_url, "node": node, "weekdays": WEEKDAYS,
        "clashes": [e for e in entries if e.clash], "nodes": calendar_nodes(request.user),
        "scope": scope, "scopes": NodeScope.CHOICES if node is not None and node.kind != OrgKind.SCHOOL else (),
        "page": page, "day": day})


def calendar_nodes(user: AnyUser) -> list[OrgNode]:
    """The school and institution calendars offered: the nodes of the user's posts."""
    ids = [g.node_id for g in scope_of(user).grants]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def feed_token(user: User) -> str:
    """A secret token naming the user for their calendar feed; changing the password revokes it."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"research.calendar-feed:{user.pk}:{user.password}".encode(),
                   hashlib.sha256).hexdigest()[:32]
    return f"{user.pk}-{mac}"


def _feed_user(token: str) -> User | None:
    uid, _, _mac = token.partition("-")
    user = User.objects.filter(pk=int(uid), is_active=True).first() if uid.isdigit() else None
    if user is None or not hmac.compare_digest(feed_token(user), token):
        return None
    return user


@login_required
def calendar_mine(request: AuthedRequest) -> HttpResponse:
    year, month = _month(request)
    start, end = month_bounds(year, month)
    entries = person_calendar(request.user, start, end)
    feed = request.build_absolute_uri(reverse("research:calendar_feed", args=[feed_token(request.user)]))
    return _calendar_page(request, entries, title="我的教研日历", year=year, month=month,
                          ics_url=reverse("research:calendar_ics"), feed_url=feed)


def _day(request: HttpRequest, year: int, month: int) -> dt.date | None:
    """The list view narrowed to one day of the month (a month cell's "more" link)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", request.GET.get("day", ""))
    if not m or (int(m.group(1)), int(m.group(2))) != (year, month):
        return None
    d = int(m.group(3))
    return dt.date(year, month, d) if 1 <= d <= calendar.monthrange(year, month)[1] else None


@login_required
def calendar_node(request: AuthedRequest, code: str) -> HttpResponse:
    node = get_node_for_user(request.user, code)
    require(can_read_calendar_of(request.user, node))
    scope = NodeScope.parse(request.GET.get("scope", ""), node)
    year, month = _month(request)
    start, end = month_bounds(year, month)
    ics_url = reverse("research:calendar_node_ics", args=[node.code]) + f"?scope={scope}"
    title = f"{_node_label(node)}教研日历"
    if request.GET.get("view") == "list":
        day = _day(request, year, month)
        if day is not None:
            tz = timezone.get_current_timezone()
            start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            end = start + dt.timedelta(days=1)
        rows = (node_activities(request.user, node, start, end, scope=scope)
                .select_related(None).select_related("organiser").only(*LIST_ROW))
        page = paginate(request, rows, per_page=LIST_PAGE)
        return _calendar_page(request, [CalendarEntry(a) for a in page.items], title=title, year=year, month=month,
                              ics_url=ics_url, node=node, scope=scope, page=page, day=day)
    grid = node_month(request.user, node, start, end, scope=scope)
    return _calendar_page(request, grid.entries, title=title, year=year, month=month, ics_url=ics_url, node=node,
                          scope=scope, more=grid.more)


def _events(request: HttpRequest, entries: list[Any]) -> list[activity_ical.Event]:
    host = request.get_host().split(":")[0]
    out = []
    for e in entries:
        a = e.activity
        lines = [f"{a.get_form_display()} · {a.organiser.institute_name or a.organiser.name}"]
        if a.theme:
            lines.append(f"主题：{a.theme}")
        if a.online_url:
            lines.append(f"线上：{a.online_url}")
        out.append(activity_ical.Event(
            uid=f"activity-{a.pk}@{host}", start=a.start, end=a.end, summary=a.title, location=a.place,
            description="\n".join(lines),
            url=request.build_absolute_uri(reverse("research:activity_detail", args=[a.pk])),
            cancelled=a.status == ActivityStatus.CANCELLED))
    return out


def _ics(request: HttpRequest, entries: list[Any], name: str, filename: str) -> HttpResponse:
    body = activity_ical.calendar(_events(request, entries), name=name, stamp=timezone.now())
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _ics_range(*, past_days: int = 120) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    return now - dt.timedelta(days=past_days), now + dt.timedelta(days=240)


@login_required
def calendar_ics(request: AuthedRequest) -> HttpResponse:
    start, end = _ics_range()
    return _ics(request, person_calendar(request.user, start, end, with_cancelled=True), "我的教研日历",
                "jiaoyan-activities.ics")


@login_required
def calendar_node_ics(request: AuthedRequest, code: str) -> HttpResponse:
    """The node's calendar as iCalendar, with the page's choice of 本级 or 含下级 (`?scope=`). A
    region's whole subtree is many activities: its feed looks back a month, not four, so the
    bounded feed keeps the coming ones."""
    node = get_node_for_user(request.user, code)
    require(can_read_calendar_of(request.user, node))
    scope = NodeScope.parse(request.GET.get("scope", ""), node)
    start, end = _ics_range(past_days=30 if scope == NodeScope.BELOW else 120)
    label = f"{_node_label(node)}教研日历" + ("（含下级）" if scope == NodeScope.BELOW else "")
    return _ics(request, node_calendar(request.user, node, start, end, scope=scope), label,
                f"jiaoyan-{node.code}{'-all' if scope == NodeScope.BELOW else ''}.ics")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The per-user secret feed a calendar application subscribes to (no login: the token is
    the key; it names the user, whose access rules apply)."""
    user = _feed_user(token)
    if user is None:
        raise Http404("没有找到该日历")
    start, end = _ics_range()
    return _ics(request, person_calendar(user, start, end, with_cancelled=True), "我的教研日历",
                "jiaoyan-activities.ics")


urls: list[URLPattern] = [
    path("calendar/", calendar_mine, name="calendar"),
    path("calendar/mine.ics", calendar_ics, name="calendar_ics"),
    path("calendar/feed/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("calendar/<str:code>/", calendar_node, name="calendar_node"),
    path("calendar/<str:code>.ics", calendar_node_ics, name="calendar_node_ics"),
]
