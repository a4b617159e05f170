"""Background jobs of the core (django-tasks): thin wrappers, enqueued on commit."""

from __future__ import annotations

from django_tasks import task

# Rounds of a refresh task before it hands over to a new task (so other jobs on the queue get
# their turn while writes keep coming).
REFRESH_ROUNDS = 3


@task()
def norms_refresh(path: str = "", term_key: str = "", any_term: bool = True) -> int:
    """Refresh stale norm results (core.norm_results.refresh_pending); returns units refreshed.

    A write during the refresh leaves its units stale (and queues a task of its own): the task
    goes round again while any unit is stale, so one task takes in a burst of writes and the
    tasks queued behind it find nothing to do; after REFRESH_ROUNDS rounds it enqueues a
    successor and lets other jobs have the worker."""
    from core.models import NormUnit
    from core.norm_results import refresh_pending

    done = refresh_pending(path, term_key, any_term)
    for _ in range(REFRESH_ROUNDS - 1):
        if not NormUnit.objects.filter(dirty=True).exists():
            return done
        done += refresh_pending()
    if NormUnit.objects.filter(dirty=True).exists():
        norms_refresh.enqueue()
    return done


@task()
def daily_job(path: str, today: str) -> str:
    """One app's daily job (`manage.py daily --enqueue`): only a path an AppConfig names as its
    `daily_job` runs. `today` is an ISO date."""
    import datetime as dt

    from django.utils.module_loading import import_string

    from core.management.commands.daily import daily_jobs

    if path not in {p for _, p in daily_jobs()}:
        raise ValueError(f"not a daily job of any installed app: {path}")
    job = import_string(path)
    return str(job(dt.date.fromisoformat(today)))
