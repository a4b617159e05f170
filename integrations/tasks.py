"""Background jobs of the integrations app (django-tasks): sending a delivery, with retries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def delivery_send(delivery_id: int) -> str:
    """One try to send a delivery (integrations.services.delivery_attempt); a failure that may be
    retried enqueues the next try after an exponential backoff (30 s, 1 min, 2 min …; the
    backend's `run_after`), and the fifth failure marks the delivery failed."""
    from integrations.models import Delivery, DeliveryStatus
    from integrations.services import delivery_attempt

    before = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
    delivery = delivery_attempt(delivery_id=delivery_id)
    tried = delivery.attempts > before
    if tried and delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
    return str(delivery.status)


def enqueue_delivery(delivery_id: int, run_after: dt.datetime | None = None) -> None:
    """Queue a try; a backend that cannot defer (the immediate one) runs it at once."""
    job = delivery_send
    if run_after is not None and run_after > timezone.now() and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(delivery_id)


def daily(today: dt.date) -> str:
    """The integrations app's daily job (core's `manage.py daily`, IntegrationsConfig.daily_job):
    a delivery still pending an hour after its try was due (the worker was down, or its queue
    lost the job) is queued again. Safe to run twice: a try of a delivery no longer pending
    does nothing. Also deletes the login and activity log past its retention period."""
    from integrations.services import deliveries_overdue
    from integrations.signin.services import log_clean

    ids = deliveries_overdue(timezone.now() - dt.timedelta(hours=1))
    for pk in ids:
        enqueue_delivery(pk)
    text = f"重新排队{len(ids)}条未送出的消息"
    logins, views = log_clean(today=today)
    if logins or views:
        text += f"；清理过期登录记录{logins}条、页面访问记录{views}条"
    return text
