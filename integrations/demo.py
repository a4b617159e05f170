"""Demo records of the integrations app: eight weeks of sign-ins and page views for the demo
logins and a sample of each school's teachers, so the login log and its weekly chart have
something to show (no sign-in provider is set up: those need a real identity platform)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.models import User
from integrations.signin.models import LoginEvent, PageView, SignInMethod

WEEKS = 8
# Of each school's teachers, how many have an account that shows up in the log.
PER_SCHOOL = 6
SCHOOLS = 40
PAGES = ("/", "/observe/", "/people/", "/research/", "/visits/", "/growth/")


def signin_log(ctx: SeedContext) -> None:
    person_ids = [p for school in ctx.school_ids[:SCHOOLS] for p in ctx.teachers_by_school.get(school, [])[:PER_SCHOOL]]
    users = list(User.objects.filter(pk__in=list(ctx.users.values())).select_related("person")) + list(
        User.objects.filter(person_id__in=person_ids).select_related("person"))
    tz = timezone.get_current_timezone()
    logins: list[LoginEvent] = []
    views: dict[tuple[int, str, dt.datetime], PageView] = {}
    for user in users:
        org = user.person.org_id if user.person is not None else None
        for week in range(WEEKS):
            for _ in range(ctx.rng.randint(0, 3)):
                day = ctx.today - dt.timedelta(days=7 * week + ctx.rng.randint(0, 6))
                at = dt.datetime.combine(day, dt.time(ctx.rng.randint(7, 21), ctx.rng.randint(0, 59)), tzinfo=tz)
                logins.append(LoginEvent(user=user, org_id=org, method=SignInMethod.PASSWORD,
                                         ip=f"10.{ctx.rng.randint(0, 255)}.{ctx.rng.randint(0, 255)}.{ctx.rng.randint(1, 254)}",
                                         user_agent="Mozilla/5.0 (Linux; Android 14) 演示数据", at=at))
                hour = at.replace(minute=0, second=0, microsecond=0)
                for path in ctx.rng.sample(PAGES, 3):
                    views[(user.pk, path, hour)] = PageView(user=user, path=path, hour=hour)
    LoginEvent.objects.bulk_create(logins, batch_size=1000)
    PageView.objects.bulk_create(list(views.values()), batch_size=1000, ignore_conflicts=True)
    ctx.extra["integrations.signin_log"] = len(logins)


register("integrations.signin_log", signin_log, order=900)
