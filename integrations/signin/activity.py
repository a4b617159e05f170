"""Recording the log: every sign-in (Django's user_logged_in signal, whichever way it came),
and the pages a signed-in user opens (a middleware, one row per user, path and hour)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.models import User
from integrations.signin.models import SignInMethod

# Set by the sign-in views on the request before django.contrib.auth.login: (method, provider).
METHOD_ATTRIBUTE = "jiaoyan_signin_method"
# Paths that are not pages a person opens.
SKIPPED_PREFIXES = ("/api/", "/static/", "/media/", "/admin/jsi18n/", "/favicon")


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # A request without an address is not an HTTP request (the test client's force_login).
    if request is None or "REMOTE_ADDR" not in request.META:
        return
    from integrations.signin.services import login_record

    method, provider = getattr(request, METHOD_ATTRIBUTE, (SignInMethod.PASSWORD, None))
    login_record(user=user, request=request, method=method, provider=provider)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="integrations.signin.login_log")


class PageViewMiddleware:
    """Records a signed-in user's successful GET of an HTML page (not htmx fragments, the API or
    static files): its path without the query string, at most once an hour. Placed outside
    jiaoyan.db_router.ReplicaReadsMiddleware, so this write after the page neither sends the
    page's reads to the primary nor pins the browser there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.method == "GET" and response.status_code == 200
                and str(response.get("Content-Type", "")).startswith("text/html")
                and "HX-Request" not in request.headers and not request.path.startswith(SKIPPED_PREFIXES)):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from integrations.signin.services import page_view_record

                match = request.resolver_match
                page_view_record(user=user, path=request.path, url_name=match.view_name if match else "",
                                 at=timezone.now())
        return response
