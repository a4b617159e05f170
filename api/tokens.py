"""Bearer tokens for other systems: only the SHA-256 of a token is stored (core.models.ApiToken).

A token is shown once, when it is made; losing it means making a new one. The digest lookup is
an indexed equality on a value derived from 256 random bits, so it leaks nothing useful through
timing, and a stolen database does not yield usable tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from core.audit import audit_create
from core.models import ApiToken, User
from core.security import record_token_failure, token_attempt_allowed

# Prefix so that a leaked token is recognisable in logs and by secret scanners.
TOKEN_PREFIX = "jy_"
# A read must never need a write: on SQLite a write waits for the database lock (up to the busy
# timeout) and then fails, so a GET that noted its token's use could answer 500 while an import
# runs. The last use is therefore noted by unsafe requests only (they write anyway), at most
# once per resolution; a read-only integration shows the last time it wrote.
LAST_USED_RESOLUTION = dt.timedelta(minutes=15)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the record and the plain token (never stored)."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken(user=user, name=name, digest=token_digest(plain))
    api_token.full_clean()
    api_token.save()
    audit_create(actor, api_token)
    return api_token, plain


def user_for_token(token: str, *, note_use: bool) -> User | None:
    """The active user the token belongs to; with `note_use`, noting when it was last used."""
    api_token = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    if note_use and (api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION):
        # update() rather than save(): concurrent requests with one token must not race on
        # other fields, and the row's other values need not be reloaded.
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        # Tokens go through the login throttle's address count: 256 random bits cannot be
        # guessed, but a caller trying them is refused like one trying passwords.
        if not token_attempt_allowed(request):
            return None
        user = user_for_token(token, note_use=request.method not in SAFE_METHODS)
        if user is None:
            record_token_failure(request)
        return user
