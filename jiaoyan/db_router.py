"""Read replica routing: the read queries of marked read-only pages go to the "replica" alias.

Rules, in order (the first that applies decides):
- Writes always go to the primary ("default").
- Reads go to the primary unless the request is a GET/HEAD of a page named in
  settings.REPLICA_VIEWS (lists and analysis) and settings.REPLICA_READS is on.
- Once anything in the request wrote, every later read of that request stays on the primary
  (read-after-write in one request), and the response sets a short-lived cookie so that the same
  browser's next requests (the page after a form's redirect) read from the primary as well
  (settings.REPLICA_PIN_SECONDS).
- Inside a transaction on the primary, reads stay there (select_for_update, read-modify-write).
- Sessions, users, permissions, content types and the task queue are always read on the primary:
  they are read on every request before the page's own work and must never lag.

Code outside a request (tasks, commands) reads from the primary unless it opts in with
`with replica_reads():`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "jy_primary"
# Read before the page's own work on every request, or part of the task queue: never lagging.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "admin", "django_tasks_database", "django_rq"})
# core.normunit: whether a unit's stored norm results are stale decides whether a page refreshes
# them before reading; a lagging replica would hide a write just made.
PRIMARY_ONLY_MODELS = frozenset({"core.user", "core.apitoken", "core.loginattempt", "core.normunit"})


@dataclass
class _Routing:
    replica: bool = False
    wrote: bool = False


_routing: ContextVar[_Routing | None] = ContextVar("jiaoyan_db_routing", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads in this block go to the replica (until something in it writes)."""
    token = _routing.set(_Routing(replica=True))
    try:
        yield
    finally:
        _routing.reset(token)


def wrote_in_this_context() -> bool:
    state = _routing.get()
    return bool(state and state.wrote)


def _in_transaction() -> bool:
    """A transaction of the code's own is open on the primary (the one a test case wraps each
    test in, as Django marks it, does not count: production has none)."""
    return any(not getattr(block, "_from_testcase", False) for block in connections[PRIMARY].atomic_blocks)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _routing.get()
        if state is None or not state.replica or state.wrote or not settings.REPLICA_READS:
            return PRIMARY
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return PRIMARY
        if _in_transaction():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _routing.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        dbs = {PRIMARY, REPLICA}
        if obj1._state.db in dbs and obj2._state.db in dbs:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The replica receives the schema by streaming from the primary.
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Opens the routing context of each request; a view named in REPLICA_VIEWS, reached by a
    GET or HEAD without the pin cookie, may read from the replica. A request that wrote pins the
    browser to the primary for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Routing()
        token = _routing.set(state)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if state.wrote and settings.REPLICA_READS:
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> None:
        state = _routing.get()
        match = request.resolver_match
        if (state is not None and not state.wrote and settings.REPLICA_READS
                and request.method in ("GET", "HEAD") and PIN_COOKIE not in request.COOKIES
                and match is not None and match.view_name in settings.REPLICA_VIEWS):
            state.replica = True
