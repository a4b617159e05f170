"""Who may see and change the integrations app's records, on core.access.

- A channel, and the deliveries sent through it, belong to its region: the region's admins
  (an admin post at the region or above) and the system admin see and change them; nobody else
  learns they exist (404).
- A person's notification choice is their own: only they set it (the page works on the
  logged-in user's person, never on an id from the URL).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.access import REGION_WRITER_ROLES, AnyUser, can_manage_node, scope_of
from core.models import OrgKind, OrgNode
from core.paths import under_q
from integrations.models import Channel, Delivery


def _admin_paths(user: AnyUser) -> list[str]:
    return [g.path for g in scope_of(user).grants if g.role in REGION_WRITER_ROLES]


def can_manage_channels(user: AnyUser) -> bool:
    """Whether the user administers some region (the channel pages are theirs)."""
    scope = scope_of(user)
    return scope.is_sysadmin or bool(_admin_paths(user))


def channels_visible_to(user: AnyUser) -> QuerySet[Channel]:
    scope = scope_of(user)
    qs = Channel.objects.select_related("region")
    if scope.is_sysadmin:
        return qs
    paths = _admin_paths(user)
    if not paths:
        return qs.none()
    return qs.filter(under_q(paths, "region__path"))


def deliveries_visible_to(user: AnyUser) -> QuerySet[Delivery]:
    """The delivery log of the channels the user manages (their subtree's)."""
    scope = scope_of(user)
    qs = Delivery.objects.select_related("channel", "channel__region")
    if scope.is_sysadmin:
        return qs
    paths = _admin_paths(user)
    if not paths:
        return qs.none()
    return qs.filter(under_q(paths, "channel__region__path"))


def channel_regions_for(user: AnyUser) -> QuerySet[OrgNode]:
    """The regions (not schools) where the user may set up a channel."""
    scope = scope_of(user)
    qs = OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("path")
    if scope.is_sysadmin:
        return qs
    paths = _admin_paths(user)
    return qs.filter(under_q(paths)) if paths else qs.none()


def can_create_channel_at(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and can_manage_node(user, region)


def get_channel_for_user(user: AnyUser, channel_id: int, *, write: bool = False) -> Channel:
    """The channel if the user manages its region (reading and writing need the same right)."""
    channel = channels_visible_to(user).filter(pk=channel_id).first()
    if channel is None or (write and not can_manage_node(user, channel.region)):
        raise Http404("没有找到该消息渠道")
    return channel


def get_delivery_for_user(user: AnyUser, delivery_id: int) -> Delivery:
    delivery = deliveries_visible_to(user).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("没有找到该发送记录")
    return delivery
