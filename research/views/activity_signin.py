"""Pages of the research app: signing in to an activity at the venue. The organiser's 签到码 page
shows a QR code of a sign-in link that changes every window (research.activity_signin); the phone
that opens it signs in, present or late."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from core.access import scope_of
from core.http import AuthedRequest
from core.models import Person, User
from core.qr import qr_svg
from research import activity_signin as signin_codes
from research.access import get_activity_for_user
from research.models import Activity, Attendance
from research.services import activities as services
from research.services.activities import ActivityError

# Seconds between two refreshes of the code page's QR code (a window lasts activity_signin.PERIOD).
QR_REFRESH = 10


# ---------------------------------------------------------------- sign-in


def _signin_url(request: HttpRequest, activity: Activity, window: int) -> str:
    code = signin_codes.make_code(settings.SECRET_KEY, activity.pk, window)
    return request.build_absolute_uri(reverse("research:activity_signin", args=[activity.pk, code]))


@login_required
def activity_code(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """The organiser's 签到码 page, shown at the venue: a QR code that changes every window; the
    page fetches the new code itself (htmx) every QR_REFRESH seconds."""
    activity = get_activity_for_user(request.user, activity_id, write=True)
    now = timezone.now()
    is_open = activity.is_open and signin_codes.signin_open(activity.start, activity.end, now)
    window = signin_codes.window_of(signin_clock())
    url = _signin_url(request, activity, window) if is_open else ""
    signed = activity.participants.filter(attendance__in=[Attendance.PRESENT, Attendance.LATE]).count()
    ctx = {"activity": activity, "is_open": is_open, "url": url, "refresh": QR_REFRESH,
           "grace_minutes": int(signin_codes.GRACE.total_seconds() // 60),
           "qr": qr_svg(url, scale=6, title="签到二维码") if url else "", "signed": signed,
           "invited": activity.participants.count(),
           "closed_message": "" if is_open else (
               "活动已结束或已取消" if not activity.is_open
               else signin_codes.signin_closed_message(activity.start, activity.end, now))}
    template = "research/activities/_code.html" if request.htmx else "research/activities/code.html"
    return render(request, template, ctx)


SIGNIN_SESSION_KEY = "research.signin"


def signin_clock() -> float:
    """The Unix time sign-in codes are checked against. JIAOYAN_SIGNIN_CLOCK_SKEW (seconds,
    settings) moves it, so a test can let time pass between opening a code and using it."""
    return time.time() + float(getattr(settings, "JIAOYAN_SIGNIN_CLOCK_SKEW", 0))


def activity_signin(request: HttpRequest, activity_id: int, code: str) -> HttpResponse:
    """The link a phone opens from the QR code. A code current when the phone first opens it is
    held in that phone's session for a few minutes (activity_signin.HOLD_SECONDS), so logging in
    (not logged in: to the login page and back) and tapping the button may take longer than a
    window. GET shows the activity and a button (a refused code is said so, without naming the
    activity); POST signs the user in."""
    now = signin_clock()
    check = signin_codes.check_code(settings.SECRET_KEY, code, activity_id=activity_id, now=now)
    pending = request.session.get(SIGNIN_SESSION_KEY) or {}
    first_seen = pending.get("seen") if pending.get("code") == code else None
    if check.ok and first_seen is None:
        request.session[SIGNIN_SESSION_KEY] = {"code": code, "seen": now}
        first_seen = now
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    assert isinstance(user, User)
    if not (check.ok or (check.verdict is signin_codes.Verdict.EXPIRED and signin_codes.held(first_seen, now))):
        return render(request, "research/activities/signin.html", {"refused": check.message}, status=400)
    activity = Activity.objects.with_refs().filter(pk=activity_id).first()
    if activity is None:
        raise Http404("没有找到该教研活动")
    me = scope_of(user).person_id
    if me is None:
        return render(request, "research/activities/signin.html",
                      {"refused": "您的账号没有关联人员信息，不能签到，请联系管理员"}, status=403)
    person = Person.objects.get(pk=me)
    mine = activity.participants.filter(person=person).first()
    if request.method == "POST":
        at = timezone.now() + dt.timedelta(seconds=now - time.time())
        try:
            result = services.signin_record(actor=user, activity=activity, person=person, at=at)
        except ActivityError as exc:
            return render(request, "research/activities/signin.html",
                          {"activity": activity, "refused": exc.message, "mine": mine}, status=400)
        request.session.pop(SIGNIN_SESSION_KEY, None)
        return render(request, "research/activities/signin.html",
                      {"activity": activity, "done": result.participant, "already": result.already})
    return render(request, "research/activities/signin.html", {"activity": activity, "mine": mine, "code": code})



urls: list[URLPattern] = [
    path("activities/<int:activity_id>/code/", activity_code, name="activity_code"),
    path("activities/<int:activity_id>/signin/<str:code>/", activity_signin, name="activity_signin"),
]
