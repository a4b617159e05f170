"""The entry of every task worker process: numeric libraries pinned to one thread, then the
worker command of the configured backend.

    python -m jiaoyan.worker [manage.py command and arguments]

With no arguments it runs the worker of settings.TASKS_BACKEND: `db_worker` (database queue) or
`rqworker` (Redis), each on the queues of settings.TASK_QUEUES. bin/worker starts several of these.

Why one thread: numpy/scipy's BLAS (OpenBLAS here) starts one thread per core for each large
matrix operation. An IRT or value-added fit in a worker then competes with every web worker for
the same two cores and, oversubscribed, slows down 20-50x (issue 9); pinned, it takes one core
and the web requests keep the rest. The worker also runs at a lower CPU priority (nice 10,
JIAOYAN_WORKER_NICE), so on a machine shared with web workers the pages come first.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# Libraries read these when they load: set before numpy is imported anywhere in the process, and
# inherited by every process the worker forks or spawns (RQ runs each job in a forked child).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def pin_numeric_threads(threads: int = 1) -> None:
    """Limit every BLAS/OpenMP pool of this process (and its children) to `threads` threads."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    import numpy  # noqa: F401  # load the BLAS numpy links, so threadpoolctl can reach it
    import scipy.linalg  # noqa: F401  # and scipy's own
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)


def blas_threads() -> list[dict[str, Any]]:
    """The thread pools loaded in this process and their current limits (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    return [{"api": p["internal_api"], "num_threads": p["num_threads"]} for p in threadpool_info()]


def default_command() -> list[str]:
    from django.conf import settings

    if settings.TASKS_BACKEND == "rq":
        return ["rqworker", "--job-class", "django_tasks_rq.Job", *settings.TASK_QUEUES]
    return ["db_worker", "--queue-name", ",".join(settings.TASK_QUEUES)]


# A worker's CPU priority below the web processes' (nice 0): a norms refresh after a write
# takes seconds of CPU at province scale, and on a machine that also serves pages it would take a
# core from the requests answered meanwhile (the page right after a write was 2x slower with the
# worker at the same priority). On a machine of its own the worker still gets every idle cycle.
WORKER_NICE = 10


def lower_priority(increment: int = WORKER_NICE) -> int:
    """Raise this process's niceness by `increment` (inherited by the processes it starts);
    returns the new niceness."""
    return os.nice(increment)


def main(argv: list[str]) -> None:
    pin_numeric_threads(int(os.environ.get("JIAOYAN_WORKER_THREADS", "1")))
    lower_priority(int(os.environ.get("JIAOYAN_WORKER_NICE", str(WORKER_NICE))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    execute_from_command_line(["manage.py", *(argv or default_command())])


if __name__ == "__main__":
    main(sys.argv[1:])
