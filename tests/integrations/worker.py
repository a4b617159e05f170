"""Run the database backend's queued tasks the way `manage.py db_worker --batch` does, one by
one through the worker's own `run_task`, without its connection recycling (which would close the
test's transaction)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued(limit: int = 50) -> int:
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    done = 0
    while done < limit:
        result = DBTaskResult.objects.ready().filter(task_path__startswith="integrations.").first()
        if result is None:
            return done
        result.claim("test-worker")
        worker.run_task(result)
        done += 1
    return done
