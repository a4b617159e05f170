"""gunicorn settings for Jiaoyan's web workers (bin/start, bench/bench_pages.py, deploy/*).

Workers are stateless: sessions live in the database, files in the file store (MEDIA_ROOT),
the cache in Redis when JIAOYAN_REDIS_URL is set; so any number of workers on any number of
machines can serve the same users behind one port (docs/scaling.md).
"""

from __future__ import annotations

from typing import Any

from jiaoyan.worker import pin_numeric_threads

# Before the app loads (preload is off, so each worker imports it after fork) and inherited by
# every worker: numpy/scipy in a request use one thread, never all cores per request.
pin_numeric_threads(1)


def post_fork(server: Any, worker: Any) -> None:
    pin_numeric_threads(1)
