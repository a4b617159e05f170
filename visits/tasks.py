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
