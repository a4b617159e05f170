"""Who is calling: a browser session (with CSRF on unsafe methods) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from core.models import User


class SessionCsrfAuth(SessionAuth):
    """django-ninja's session auth, but an anonymous caller gets 401 rather than 403.

    Ninja's own SessionAuth checks CSRF before it looks at the session, so an anonymous POST
    would be refused as a CSRF failure (403); clients need 401 to know they must authenticate.
    A logged-in session must still carry the CSRF token on unsafe methods, since the browser
    sends the cookie on cross-site requests too.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, "CSRF 校验失败，请刷新页面后重试")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        # Unused: __call__ decides; kept because the base class declares it abstract.
        return None


def current_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by the auth classes as request.auth)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User), "API operations run only after authentication"
    return user
