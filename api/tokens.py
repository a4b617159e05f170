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

# Prefix so that a leaked token is recognisable in logs and by secret scanners.
TOKEN_PREFIX = "jy_"
# Writing last_used_at on every call would turn each read into a write; once a minute is
# precise enough to tell a live integration from a dead one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


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


def user_for_token(token: str) -> User | None:
    """The active user the token belongs to, noting when the token was last used."""
    api_token = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
        # update() rather than save(): concurrent requests with one token must not race on
        # other fields, and the row's other values need not be reloaded.
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        return user_for_token(token)
