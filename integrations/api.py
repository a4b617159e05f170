"""JSON API of the integrations app, under the same access policy as the pages
(integrations.access). Mounted by the main API at /api/v1/integrations/; url names start with
"integrations_"."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from core.access import require
from integrations.access import can_manage_channels
from integrations.models import Delivery, DeliveryStatus, EventKind
from integrations.selectors import DeliveryFilter, delivery_list

router = Router(tags=["外部对接"])


class AttemptOut(Schema):
    number: int
    ok: bool
    response_code: int | None
    error: str
    duration_ms: int
    at: dt.datetime


class DeliveryOut(Schema):
    id: int = Field(description="发送编号（Webhook 的 X-Jiaoyan-Delivery）")
    channel_id: int
    channel: str
    region: str = Field(description="渠道所属区域的代码")
    event: str
    summary: str
    status: str
    status_label: str
    attempts: int
    response_code: int | None
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    tries: list[AttemptOut]


class DeliveryQuery(PageQuery):
    channel: int | None = Field(None, title="渠道编号")
    status: DeliveryStatus | None = Field(None, title="状态")
    event: EventKind | None = Field(None, title="事件")


def _out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(id=d.pk, channel_id=d.channel_id, channel=d.channel.name, region=d.channel.region.code,
                       event=d.event, summary=d.summary, status=d.status, status_label=d.get_status_display(),
                       attempts=d.attempts, response_code=d.response_code, last_error=d.last_error,
                       created_at=d.created_at, sent_at=d.sent_at, next_attempt_at=d.next_attempt_at,
                       tries=[AttemptOut(number=a.number, ok=a.ok, response_code=a.response_code, error=a.error,
                                         duration_ms=a.duration_ms, at=a.at) for a in d.attempt_log.all()])


@router.get("/deliveries", response=Page[DeliveryOut], url_name="integrations_delivery_list",
            summary="消息发送记录（本人管理区域内的渠道）")
def delivery_list_api(request: HttpRequest, filters: Query[DeliveryQuery]) -> Page[DeliveryOut]:
    user = current_user(request)
    require(can_manage_channels(user))
    f = DeliveryFilter(channel_id=filters.channel, status=filters.status or "", event=filters.event or "")
    return paginate(delivery_list(user, f), filters, _out)
