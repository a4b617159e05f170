"""Django admin, for system administrators only (superusers): everyone else uses the pages,
which go through the access policy."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEvent, Designation, Norm, NormOverride, OrgNode, Person, Post, Subject, Term, User
from core.views.auth import ThrottledAdminAuthenticationForm


def _superuser_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]  # the admin site asks only this
# The admin's login goes through the same throttle as ours (the backend); this form only
# words the refusal.
admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = "教研平台 系统后台"
admin.site.site_title = "教研平台"


@admin.register(OrgNode)
class OrgNodeAdmin(admin.ModelAdmin[OrgNode]):
    list_display = ("code", "name", "kind", "school_type", "locale", "is_weak")
    list_filter = ("kind", "school_type", "locale", "is_weak")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("code", "name", "org", "title", "main_subject")
    search_fields = ("code", "name", "pinyin", "initials")
    raw_id_fields = ("org",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("person", "role", "org", "subject", "start", "end")
    list_filter = ("role",)
    raw_id_fields = ("person", "org")


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ("username", "name", "is_active", "is_superuser")
    search_fields = ("username", "name")
    raw_id_fields = ("person",)
    exclude = ("password",)


admin.site.register(Subject)
admin.site.register(Term)
admin.site.register(Designation)
admin.site.register(Norm)
admin.site.register(NormOverride)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor", "action", "model", "object_repr")
    list_filter = ("action", "model")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
