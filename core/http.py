"""Request plumbing shared by every page: security headers, the typed request, navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from core.models import User

# No inline scripts or styles anywhere: every script is a static file, so the policy can be strict.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/") and not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        else:
            # Django's admin and the OpenAPI viewer carry inline scripts of their own.
            response.headers.setdefault("Content-Security-Policy",
                                        CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
                                        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class AuthedRequest(HttpRequest):
    """A request whose user is logged in (views behind login_required)."""

    user: User
    htmx: HtmxDetails


def is_api_request(request: HttpRequest) -> bool:
    """A request to the JSON API (its errors answer JSON, never a page)."""
    return request.path_info.startswith("/api/")


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for a page's fragment: not a full page, and not htmx restoring its history
    after a cache miss (which asks for the whole page again)."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return bool(htmx) and not (htmx is not None and htmx.history_restore_request)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the logged-in user, by what their posts allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from core.access import can_read_audit, has_any_post, scope_of

    scope = scope_of(user)
    if not has_any_post(user):
        # Nothing but the workbench, which says how to get a post.
        return {"nav_items": [("workbench", "工作台")], "nav_admin": [], "nav_scope": scope, "nav_is_sysadmin": False}
    items = [("workbench", "工作台"), ("org_browser", "组织机构"), ("people_list", "人员"),
             ("groups_list", "教研组"), ("compliance", "规范达标")]
    # Domain apps put themselves in the menu by giving their AppConfig a `nav_entry`
    # (url name, label), so the core does not need to know which apps exist.
    from django.apps import apps

    extra = [entry for cfg in apps.get_app_configs() if (entry := getattr(cfg, "nav_entry", None))]
    admin_items: list[tuple[str, str]] = [("terms_list", "学期")]
    # Decided from the scope already loaded for this request: no query for the menu.
    if scope.is_sysadmin or any(g.role == "admin" for g in scope.grants):
        admin_items.append(("import_home", "批量导入"))
    if can_read_audit(user):
        admin_items.append(("audit_list", "审计日志"))
    return {"nav_items": items + extra, "nav_admin": admin_items, "nav_scope": scope,
            "nav_is_sysadmin": scope.is_sysadmin, "nav_unread": unread_notifications(scope.person_id)}


def unread_notifications(person_id: int | None) -> int:
    """The header's badge: the person's unread in-app notifications (observe's), one COUNT.
    The core imports no domain app at module level; without observe there is no badge."""
    from django.apps import apps

    if person_id is None or not apps.is_installed("observe"):
        return 0
    from observe.models import Notification

    return Notification.objects.filter(recipient_id=person_id, read_at__isnull=True).count()
