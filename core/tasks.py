"""Background jobs of the core (django-tasks): thin wrappers, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def norms_refresh(path: str = "", term_key: str = "", any_term: bool = True) -> int:
    """Refresh stale norm results (core.norm_results.refresh_pending); returns units refreshed."""
    from core.norm_results import refresh_pending

    return refresh_pending(path, term_key, any_term)
