"""Authentication throttling: one throttle for every way to authenticate.

Both login pages (ours and Django's admin) authenticate through `ThrottledModelBackend`, and the
API's bearer tokens through `token_attempt_allowed`/`record_failure`, so no door is left without
a throttle. Failures are kept in the database (`LoginAttempt`) so every server process agrees.

Two counts are kept apart, because they defend against different things:

- per account (the name as authentication normalises it: NFKC, then casefold), a few free
  failures, then a delay that doubles with each further failure up to a ceiling. Guessing one
  password is slowed to a handful of tries an hour, and the right password is refused while the
  delay runs (otherwise the delay would only slow the guessing of wrong ones);
- per client address, many more free failures (a whole school behind one NAT shares it), then
  the same growing delay. One user's mistakes never lock their colleagues out.

The client address is REMOTE_ADDR, or, behind JIAOYAN_TRUSTED_PROXIES reverse proxies, the
address the outermost trusted proxy saw: X-Forwarded-For entries added before it are the
client's own words and never trusted (a fresh header per attempt would reset the count).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone

from core.models import LoginAttempt, User

# The attribute a refused authentication leaves on the request, so a login form can say why.
WAIT_ATTRIBUTE = "jiaoyan_login_wait"


def normalise_username(raw: str) -> str:
    """The throttle's key for a name: what Django's UsernameField makes of it (NFKC), casefolded
    so that `Teacher`, `TEACHER` and full-width `ｔｅａｃｈｅｒ` count as one account."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()[:64]


def client_ip(request: HttpRequest) -> str:
    """The caller's address as the deployment's trusted proxies saw it."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops: int = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
                 if part.strip()]
    # Each trusted proxy appends the address it received the request from; the last `hops`
    # entries of the chain (REMOTE_ADDR included) are our own proxies, the one before them is
    # the client. Anything earlier was written by the client and is ignored.
    chain = [*forwarded, remote]
    return chain[max(len(chain) - 1 - hops, 0)]


def _delay(failures: int, free: int) -> int:
    """Seconds to wait after the last failure: 0 while failures are free, then doubling."""
    if failures < free:
        return 0
    return int(min(settings.LOGIN_BACKOFF_SECONDS * 2 ** min(failures - free, 20), settings.LOGIN_MAX_DELAY_SECONDS))


def wait_seconds(username: str, ip: str) -> int:
    """Seconds until an attempt for this (normalised) name from this address may be tried."""
    now = timezone.now()
    since = now - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    wait = 0.0
    for field, value, free in (("username", username, settings.LOGIN_MAX_FAILURES),
                               ("ip", ip, settings.LOGIN_ADDRESS_MAX_FAILURES)):
        if not value:
            continue
        seen = LoginAttempt.objects.filter(**{field: value}, at__gte=since).aggregate(n=Count("id"), last=Max("at"))
        delay = _delay(seen["n"], free)
        if delay and seen["last"] is not None:
            wait = max(wait, (seen["last"] + dt.timedelta(seconds=delay) - now).total_seconds())
    return max(0, int(wait + 0.999))


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.create(username=username[:64], ip=ip[:45])
    # Keep the table small: failures older than a day no longer matter.
    LoginAttempt.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    """A successful login forgets the account's failures (not the address's: one valid account
    must not reset the count of an address that is guessing others)."""
    LoginAttempt.objects.filter(username=username).delete()


def wait_message(wait: int) -> str:
    minutes = max(1, -(-wait // 60))
    return f"登录失败次数过多，请在{minutes}分钟后再试。"


class ThrottledModelBackend(ModelBackend):
    """Django's password check behind the throttle; every login form goes through it."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        key = normalise_username(username)
        ip = client_ip(request) if request is not None else ""
        wait = wait_seconds(key, ip)
        if wait > 0:
            if request is not None:
                setattr(request, WAIT_ATTRIBUTE, wait)
            # PermissionDenied stops django.contrib.auth.authenticate from asking other backends.
            raise PermissionDenied(wait_message(wait))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(key, ip)
            return None
        clear_failures(key)
        assert isinstance(user, User)
        return user


def token_attempt_allowed(request: HttpRequest) -> bool:
    """Bearer tokens share the address count: a caller guessing tokens is slowed like one
    guessing passwords."""
    return wait_seconds("", client_ip(request)) == 0


def record_token_failure(request: HttpRequest) -> None:
    record_failure("", client_ip(request))
