"""The login and activity log: page views once per user, path and hour (no query strings, no
API, no fragments); the region admin sees their subtree's; the weekly chart; the daily clean-up."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integrations.signin.charts import active_users_chart, week_starts
from integrations.signin.models import LoginEvent, PageView
from integrations.signin.selectors import WeeklyActive, weekly_active
from integrations.signin.services import log_clean, page_view_record

TZ = timezone.get_fixed_timezone(8 * 60)


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def test_a_page_is_recorded_once_an_hour_without_its_query(cast: Any) -> None:
    c = cast.client("teacher")
    for query in ("", "?q=何", "?q=张"):
        assert c.get(reverse("people_list") + query).status_code == 200
    c.get(reverse("workbench"))
    c.get("/api/v1/people?limit=1")
    c.get(reverse("people_list"), HTTP_HX_REQUEST="true")
    views = list(PageView.objects.filter(user=cast.users["teacher"]).values_list("path", flat=True))
    assert sorted(views) == ["/", "/people/"]


def test_the_same_page_in_another_hour_is_another_row(cast: Any) -> None:
    user = cast.users["teacher"]
    day = dt.date(2026, 10, 12)
    for minute in (1, 30, 59):
        page_view_record(user=user, path="/people/", url_name="people_list", at=_at(day, 9, minute))
    page_view_record(user=user, path="/people/", url_name="people_list", at=_at(day, 10, 0))
    assert PageView.objects.filter(user=user).count() == 2


def test_the_county_admin_sees_their_county_only(cast: Any) -> None:
    cast.client("teacher").get(reverse("workbench"))
    cast.client("outside_teacher").get(reverse("workbench"))
    for key in ("teacher", "outside_teacher"):
        LoginEvent.objects.create(user=cast.users[key], org=cast.users[key].person.org, method="password",
                                  ip="10.0.0.8", user_agent="UA")
    admin = cast.client("county_admin")
    log = admin.get(reverse("signin:log")).content.decode()
    assert "何静" in log and "高雅" not in log and "10.0.0.8" in log
    pages = admin.get(reverse("signin:activity")).content.decode()
    assert "何静" in pages and "高雅" not in pages
    assert cast.client("principal").get(reverse("signin:log")).status_code == 404
    assert "高雅" in cast.client("sysadmin").get(reverse("signin:log")).content.decode()


def test_active_users_per_school_and_week(cast: Any) -> None:
    monday = dt.date(2026, 10, 12)
    for key, day in (("teacher", monday), ("principal", monday + dt.timedelta(days=2)),
                     ("teacher", monday + dt.timedelta(days=3)), ("teacher_a2", monday + dt.timedelta(days=7)),
                     ("outside_teacher", monday)):
        page_view_record(user=cast.users[key], path="/", url_name="workbench", at=_at(day))
    rows = weekly_active(cast.users["county_admin"], since=_at(monday, 0))
    got = sorted((r.unit, r.week, r.users) for r in rows)
    assert got == [("北格镇中心小学", monday + dt.timedelta(days=7), 1), ("小店第一中学", monday, 2)]


def test_the_chart_keeps_the_busiest_units_and_sums_the_rest() -> None:
    weeks = week_starts(dt.date(2026, 10, 21), 2)
    assert weeks == [dt.date(2026, 10, 12), dt.date(2026, 10, 19)]
    rows = [WeeklyActive("甲校", weeks[0], 5), WeeklyActive("甲校", weeks[1], 7), WeeklyActive("乙校", weeks[1], 3),
            WeeklyActive("丙校", weeks[0], 1), WeeklyActive("丁校", dt.date(2026, 9, 7), 9)]
    option = active_users_chart(rows, weeks, top=2)
    assert option["xAxis"]["data"] == ["10月12日", "10月19日"]
    assert [(s["name"], s["data"]) for s in option["series"]] == [("甲校", [5.0, 7.0]), ("乙校", [0.0, 3.0]),
                                                                  ("其他", [1.0, 0.0])]


def test_the_daily_job_deletes_the_log_past_its_retention(cast: Any, settings: Any) -> None:
    settings.SIGNIN_LOG_RETENTION_DAYS = 30
    today = dt.date(2026, 12, 1)
    user = cast.users["teacher"]
    LoginEvent.objects.create(user=user, method="password", at=_at(today - dt.timedelta(days=31)))
    kept = LoginEvent.objects.create(user=user, method="password", at=_at(today - dt.timedelta(days=29)))
    page_view_record(user=user, path="/", url_name="workbench", at=_at(today - dt.timedelta(days=40)))
    page_view_record(user=user, path="/", url_name="workbench", at=_at(today - dt.timedelta(days=1)))
    out = io.StringIO()
    call_command("daily", "--date", today.isoformat(), stdout=out)
    assert "清理过期登录记录1条、页面访问记录1条" in out.getvalue()
    assert list(LoginEvent.objects.filter(user=user)) == [kept]
    assert log_clean(today=today) == (0, 0)


def test_a_force_login_is_not_a_sign_in(cast: Any) -> None:
    Client().force_login(cast.users["teacher"])
    assert not LoginEvent.objects.filter(user=cast.users["teacher"]).exists()


def test_the_demo_gives_the_log_and_its_chart_something_to_show(cast: Any) -> None:
    import random

    from core.demo.extensions import SeedContext
    from integrations.demo import signin_log

    today = dt.date(2026, 11, 30)
    ctx = SeedContext(seed=1, scale="tiny", rng=random.Random(1), today=today, term_key="2026-1",
                      province_id=cast.province.pk, region_ids=[cast.county_a.pk],
                      school_ids=[cast.school_a1.pk, cast.school_a2.pk],
                      teachers_by_school={cast.school_a1.pk: [cast.people["teacher"].pk],
                                          cast.school_a2.pk: [cast.people["teacher_a2"].pk]},
                      researcher_ids=[], users={"county_admin": cast.users["county_admin"].pk})
    signin_log(ctx)
    assert LoginEvent.objects.filter(user=cast.users["teacher"]).exists()
    weeks = week_starts(today, 8)
    rows = weekly_active(cast.users["county_admin"], since=_at(weeks[0], 0))
    assert {r.unit for r in rows} == {"小店第一中学", "北格镇中心小学", "小店测试区"}
