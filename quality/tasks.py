"""Background jobs (django-tasks): thin wrappers over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def irt_calibrate(run_id: int) -> None:
    from quality.services import irt_execute

    irt_execute(run_id=run_id)
