"""Background jobs of the core (django-tasks): thin wrappers, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def norms_refresh(path: str = "", term_key: str = "", any_term: bool = True) -> int:
    """Refresh stale norm results (core.norm_results.refresh_pending); returns units refreshed."""
    from core.norm_results import refresh_pending

    return refresh_pending(path, term_key, any_term)


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
