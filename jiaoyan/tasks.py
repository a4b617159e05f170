"""Tasks of the platform's own wiring (not of an app)."""

from __future__ import annotations

import os
from typing import Any

from django_tasks import task


@task()
def worker_report(tag: str) -> dict[str, Any]:
    """What the process that ran this task looks like: its id, its numeric thread pools and its
    CPU niceness.
    Used to check a deployment's workers (and by tests/test_scale_tasks.py)."""
    import numpy  # noqa: F401  # so its BLAS is among the pools reported

    from jiaoyan.worker import blas_threads

    return {"tag": tag, "pid": os.getpid(), "pools": blas_threads(), "nice": os.nice(0)}
