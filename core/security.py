"""Login throttling and lockout, kept in the database so every server process agrees.

After LOGIN_MAX_FAILURES failed logins for one username, or from one address, within
LOGIN_WINDOW_SECONDS, further attempts are refused until LOGIN_LOCKOUT_SECONDS have passed
since the last failure. A successful login clears the username's failures.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from core.models import LoginAttempt


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[0].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_remaining(username: str, ip: str) -> int:
    """Seconds until a login may be tried again (0 when allowed)."""
    now = timezone.now()
    since = now - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    limit = settings.LOGIN_MAX_FAILURES
    remaining = 0
    for field, value in (("username", username.lower()), ("ip", ip)):
        if not value:
            continue
        recent = LoginAttempt.objects.filter(**{field: value}, at__gte=since).order_by("-at")
        if recent.count() >= limit:
            last = recent.first()
            assert last is not None
            until = last.at + dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            remaining = max(remaining, int((until - now).total_seconds()))
    return max(0, remaining)


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.create(username=username.lower()[:64], ip=ip[:45])
    # Keep the table small: failures older than a day no longer matter.
    LoginAttempt.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    LoginAttempt.objects.filter(username=username.lower()).delete()
