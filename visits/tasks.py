"""Background jobs of the visits app (django-tasks): thin wrappers over services."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def escalate_overdue(today: str = "") -> int:
    """Escalate the overdue unresolved findings (visits.services.findings.overdue_escalate); run
    daily by the worker or by `manage.py escalate_overdue`. `today` is an ISO date, blank for
    today."""
    from django.utils import timezone

    from visits.services.findings import overdue_escalate

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return overdue_escalate(today=day)


def daily(today: dt.date) -> str:
    """The visits app's daily job (core's `manage.py daily`, VisitsConfig.daily_job)."""
    from visits.services.findings import overdue_escalate

    return f"已对{overdue_escalate(today=today)}条逾期问题发出督办提醒"
