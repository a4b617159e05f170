"""Reads of the integrations app: the delivery log, shared by the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from core.access import AnyUser
from integrations.access import deliveries_visible_to
from integrations.models import Delivery, DeliveryAttempt


@dataclass(frozen=True)
class DeliveryFilter:
    channel_id: int | None = None
    status: str = ""
    event: str = ""


def delivery_list(user: AnyUser, f: DeliveryFilter) -> QuerySet[Delivery]:
    """The deliveries of the channels the user manages, newest first, each with its tries."""
    qs = deliveries_visible_to(user)
    if f.channel_id is not None:
        qs = qs.filter(channel_id=f.channel_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.event:
        qs = qs.filter(event=f.event)
    return qs.prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number")))
