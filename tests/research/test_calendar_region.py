"""An institution's calendar shows the activities organised anywhere in the region it serves
(含下级, the default) or at the institution itself (本级); the iCalendar export follows the same
choice; a busy day's cell shows the first few with a link to the day's list; the page's query
count does not grow with the number of activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from research.models import Activity, ActivityStatus
from tests.access_cases_research_activities import TITLE, make_activity, tz


def _school_activities(cast: Any, school: Any, n: int, *, day: int = 21, title: str = "数学组集中教研") -> None:
    start = tz(2026, 10, day, 14, 0)
    Activity.objects.bulk_create([
        Activity(organiser=school, term=cast.term, title=f"{title}{i + 1}", start=start + dt.timedelta(minutes=i),
                 end=start + dt.timedelta(minutes=90 + i), periods=2, status=ActivityStatus.PLANNED)
        for i in range(n)])


def _month_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_region_calendar_below_and_own_with_ics_and_bounded_month(cast: Any) -> None:
    make_activity(cast)  # organised by county A's 教研室 on 14 October
    _school_activities(cast, cast.school_a1, 6)
    _school_activities(cast, cast.school_b1, 1, title="迎泽小学语文组教研")
    c = cast.client("county_researcher")
    url = reverse("research:calendar_node", args=[cast.county_a.code])

    # 含下级 by default: the county's own activity and its school's, not another county's.
    body = c.get(url + "?month=2026-10&view=list").content.decode()
    assert TITLE in body and "数学组集中教研6" in body and "迎泽小学语文组教研" not in body
    assert "本级" in body and "含下级" in body
    own = c.get(url + "?month=2026-10&view=list&scope=own").content.decode()
    assert TITLE in own and "数学组集中教研" not in own

    # The month grid shows four of the six on the 21st and links to that day's list.
    month = c.get(url + "?month=2026-10").content.decode()
    assert "数学组集中教研4" in month and "数学组集中教研5" not in month and "另有2项" in month
    assert "view=list&day=2026-10-21&scope=below" in month
    day = c.get(url + "?month=2026-10&view=list&day=2026-10-21&scope=below").content.decode()
    assert "数学组集中教研6" in day and TITLE not in day and "2026年10月21日" in day
    # A day that does not exist, or of another month, lists the whole month instead.
    for bad in ("2026-10-32", "2026-11-01"):
        whole = c.get(url + f"?month=2026-10&view=list&day={bad}&scope=below")
        assert whole.status_code == 200 and "数学组集中教研6" in whole.content.decode()

    # The export link carries the choice and the feed follows it.
    assert "calendar/140105.ics?scope=below" in body
    assert "calendar/140105.ics?scope=own" in own
    today = dt.date.today()
    soon = tz(today.year, today.month, today.day, 9, 0) + dt.timedelta(days=3)
    Activity.objects.create(organiser=cast.school_a2, term=cast.term, title="语文组近期教研", start=soon,
                            end=soon + dt.timedelta(hours=1), periods=2)
    ics_url = reverse("research:calendar_node_ics", args=[cast.county_a.code])
    below = c.get(ics_url + "?scope=below").content.decode().replace("\r\n ", "")
    assert "SUMMARY:语文组近期教研" in below and "（含下级）" in below
    assert "语文组近期教研" not in c.get(ics_url + "?scope=own").content.decode()

    # The whole city reads its counties' schools; the city's month costs the same queries
    # with six more activities on one day.
    city = reverse("research:calendar_node", args=[cast.city.code]) + "?month=2026-10"
    city_researcher = cast.client("city_researcher")
    before = _month_queries(city_researcher, city), _month_queries(city_researcher, city + "&view=list")
    assert "迎泽小学语文组教研" in city_researcher.get(city + "&view=list").content.decode()
    _school_activities(cast, cast.school_a2, 6, day=22, title="英语组教研")
    after = _month_queries(city_researcher, city), _month_queries(city_researcher, city + "&view=list")
    assert after == before


def _cells(month_page: str) -> dict[str, str]:
    """The month grid's cells of the page's month, by day number (the neighbouring months'
    cells, marked out, left aside)."""
    grid = month_page.split('data-testid="calendar-month"', 1)[1]
    cells = {}
    for chunk in grid.split('<div class="ra-day')[1:]:
        if chunk.startswith(" out"):
            continue
        number = chunk.split('class="ra-dn">', 1)[1].split("<", 1)[0]
        cells[number] = chunk
    return cells


def test_month_cells_split_days_at_local_midnight_and_link_each_activity(cast: Any) -> None:
    start = tz(2026, 10, 21, 23, 50)  # 15:50 UTC: the 21st in Beijing, whatever the database's clock
    late = [Activity(organiser=cast.school_a1, term=cast.term, title=f"晚间教研{i + 1}", start=start + dt.timedelta(minutes=i),
                     end=start + dt.timedelta(minutes=60 + i), periods=1) for i in range(5)]
    early = Activity(organiser=cast.school_a1, term=cast.term, title="凌晨教研", start=tz(2026, 10, 22, 0, 5),
                     end=tz(2026, 10, 22, 1, 0), periods=1)
    first = Activity(organiser=cast.school_a1, term=cast.term, title="月初教研", start=tz(2026, 10, 1, 0, 0),
                     end=tz(2026, 10, 1, 1, 0), periods=1)
    before = Activity(organiser=cast.school_a1, term=cast.term, title="上月末教研", start=tz(2026, 9, 30, 23, 59),
                      end=tz(2026, 10, 1, 0, 30), periods=1)  # overlaps the month: listed, not in its cells
    long = Activity(organiser=cast.school_a1, term=cast.term, title="二〇二六学年第一学期数学组集中教研活动",
                    start=tz(2026, 10, 22, 9, 0), end=tz(2026, 10, 22, 10, 0), periods=1)
    Activity.objects.bulk_create([*late, early, first, before, long])
    c = cast.client("county_researcher")
    page = c.get(reverse("research:calendar_node", args=[cast.county_a.code]) + "?month=2026-10").content.decode()
    cells = _cells(page)

    assert all(f"晚间教研{i}" in cells["21"] for i in range(1, 5)) and "晚间教研5" not in page
    assert "另有1项" in cells["21"] and "23:50 晚间教研1" in cells["21"]
    assert "00:05 凌晨教研" in cells["22"] and "另有" not in cells["22"] and "晚间" not in cells["22"]
    assert "00:00 月初教研" in cells["1"] and "上月末教研" not in cells["1"]
    # A long title is cut to the cell (as truncatechars cuts it), whole in the link's tooltip.
    assert 'title="二〇二六学年第一学期数学组集中教研活动">09:00 二〇二六学年第一学期数...</a>' in cells["22"]
    shown = Activity.objects.get(title="凌晨教研")
    assert f'href="{reverse("research:activity_detail", args=[shown.pk])}"' in cells["22"]
    assert c.get(reverse("research:activity_detail", args=[shown.pk])).status_code == 200
