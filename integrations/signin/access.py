"""Who may see and change sign-in settings and read the login log, on core.access.

- A region's sign-in providers, its identity mappings and the login and activity log of its
  subtree belong to its admins (an admin post at a region, not a school: county_admin and above)
  and to the system admin; nobody else learns they exist (404, the pages included).
- The login buttons on the login page are public: they name a provider and its region, nothing
  more.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.access import REGION_WRITER_ROLES, AnyUser, can_manage_node, scope_of
from core.models import OrgKind, OrgNode, Person
from core.paths import under_q
from integrations.signin.models import LoginEvent, PageView, PersonIdentity, SignInProvider


def _region_admin_paths(user: AnyUser) -> list[str]:
    """The regions the user administers (an admin post at a school does not count)."""
    return [g.path for g in scope_of(user).grants if g.role in REGION_WRITER_ROLES and g.node_kind != OrgKind.SCHOOL]


def can_manage_signin(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or bool(_region_admin_paths(user))


def _under(user: AnyUser, qs: QuerySet, field: str) -> QuerySet:  # type: ignore[type-arg]  # any model's queryset
    if scope_of(user).is_sysadmin:
        return qs
    paths = _region_admin_paths(user)
    return qs.filter(under_q(paths, field)) if paths else qs.none()


def providers_visible_to(user: AnyUser) -> QuerySet[SignInProvider]:
    return _under(user, SignInProvider.objects.select_related("region"), "region__path")


def provider_regions_for(user: AnyUser) -> QuerySet[OrgNode]:
    """The regions (not schools) where the user may set up a sign-in provider."""
    return _under(user, OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("path"), "path")


def can_manage_provider_at(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and can_manage_node(user, region)


def get_provider_for_user(user: AnyUser, provider_id: int, *, write: bool = False) -> SignInProvider:
    provider = providers_visible_to(user).filter(pk=provider_id).first()
    if provider is None or (write and not can_manage_provider_at(user, provider.region)):
        raise Http404("没有找到该登录方式")
    return provider


def identities_visible_to(user: AnyUser) -> QuerySet[PersonIdentity]:
    return _under(user, PersonIdentity.objects.select_related("person", "person__org"), "person__org__path")


def mappable_people_for(user: AnyUser) -> QuerySet[Person]:
    """The people whose identity mappings the user may add."""
    return _under(user, Person.objects.select_related("org"), "org__path")


def get_identity_for_user(user: AnyUser, identity_id: int) -> PersonIdentity:
    identity = identities_visible_to(user).filter(pk=identity_id).first()
    if identity is None:
        raise Http404("没有找到该身份映射")
    return identity


def login_events_visible_to(user: AnyUser) -> QuerySet[LoginEvent]:
    return _under(user, LoginEvent.objects.select_related("user", "org", "provider"), "org__path")


def page_views_visible_to(user: AnyUser) -> QuerySet[PageView]:
    return _under(user, PageView.objects.select_related("user", "user__person"), "user__person__org__path")


def enabled_providers() -> QuerySet[SignInProvider]:
    """What the login page offers to anyone."""
    return SignInProvider.objects.filter(enabled=True).select_related("region")


def get_enabled_provider(provider_id: int) -> SignInProvider:
    provider = enabled_providers().filter(pk=provider_id).first()
    if provider is None:
        raise Http404("没有找到该登录方式")
    return provider
