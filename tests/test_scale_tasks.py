"""The task queue past one machine: a task enqueued through Redis (RQ) is run by a separate worker
process, and every worker runs its numeric libraries on one thread (docs/scaling.md).

Redis runs on every machine of this project's kind and in CI; the RQ test is skipped only when
none answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import override_settings
from django_tasks import TaskResultStatus, default_task_backend

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("JIAOYAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _worker_env(queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update(JIAOYAN_TASKS_BACKEND="rq", JIAOYAN_REDIS_URL=REDIS_URL, JIAOYAN_TASK_QUEUES=queue,
               DJANGO_SETTINGS_MODULE="jiaoyan.settings")
    return env


@pytest.mark.skipif(not _redis_answers(), reason="no Redis answers at " + REDIS_URL)
def test_a_task_enqueued_through_redis_is_done_by_a_worker_with_one_blas_thread() -> None:
    from jiaoyan.tasks import worker_report

    queue = f"test-{uuid.uuid4().hex[:12]}"  # no other run's jobs, no stale ones
    rq_settings = {"TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue]}},
                   "RQ_QUEUES": {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60} for name in ("default", queue)}}
    with override_settings(**rq_settings):
        task = worker_report.using(queue_name=queue)
        results = [task.enqueue(f"job-{i}") for i in range(2)]
        assert all(r.status == TaskResultStatus.READY for r in results)
        # The worker entry bin/worker runs, on the test's queue, in burst mode: it takes every
        # job waiting and exits.
        worker = subprocess.run(
            [sys.executable, "-m", "jiaoyan.worker", "rqworker", "--job-class", "django_tasks_rq.Job",
             "--burst", queue],
            cwd=ROOT, env=_worker_env(queue), capture_output=True, text=True, timeout=120)
        assert worker.returncode == 0, worker.stderr[-2000:]
        deadline = time.monotonic() + 30
        done = [default_task_backend.get_result(r.id) for r in results]
        while any(d.status != TaskResultStatus.SUCCESSFUL for d in done) and time.monotonic() < deadline:
            time.sleep(0.2)
            done = [default_task_backend.get_result(r.id) for r in results]

    assert [d.status for d in done] == [TaskResultStatus.SUCCESSFUL] * 2, [d.errors for d in done]
    reports: list[dict[str, Any]] = [d.return_value for d in done if d.return_value is not None]
    assert sorted(r["tag"] for r in reports) == ["job-0", "job-1"]
    assert all(r["pid"] != os.getpid() for r in reports)  # run by the worker, not here
    pools = [p for r in reports for p in r["pools"]]
    assert any(p["api"] in ("openblas", "mkl", "blis") for p in pools), pools
    assert all(p["num_threads"] == 1 for p in pools), pools
    # Below the web processes' CPU priority (they run at this test's niceness).
    from jiaoyan.worker import WORKER_NICE

    assert all(r["nice"] == min(19, os.nice(0) + WORKER_NICE) for r in reports), reports


def test_the_worker_entry_pins_blas_to_one_thread_even_with_more_cores_asked_for() -> None:
    """The pin holds though the environment asks for four threads (what a worker inherits from
    a shell that set OPENBLAS_NUM_THREADS for something else)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["OPENBLAS_NUM_THREADS"] = "4"
    code = ("import json, sys; from jiaoyan.worker import pin_numeric_threads, blas_threads; "
            "import numpy; before = blas_threads(); pin_numeric_threads(1); "
            "json.dump({'before': before, 'after': blas_threads()}, sys.stdout)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    import json

    seen = json.loads(out.stdout)
    blas_before = [p for p in seen["before"] if p["api"] == "openblas"]
    assert blas_before and blas_before[0]["num_threads"] > 1 or os.cpu_count() == 1
    assert seen["after"] and all(p["num_threads"] == 1 for p in seen["after"])
