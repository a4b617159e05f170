"""Figures of a large region kept in the cache, counted again after any write to what they count.

A province's counts (400,000 people, 12,000 schools, 300,000 training records) take hundreds of
milliseconds each and change only when one of the records they count does. Every service write is
audited (core.audit), and the audit bumps, on commit, a version per model it wrote
(`models_changed`). A figure read through `kept` names the models it counts; its cache key holds
their versions, so the first view after such a write counts again and the views until the next one
read what was kept. A small scope (core.norm_results.small_scope) is counted on every request: it
is cheap there.

The versions live in the cache (Redis beyond one server, so every app server sees a write at
once). KEEP_SECONDS bounds what a write outside the services (a shell, a bulk seed) leaves stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.access import AnyUser, scope_of
from core.models import OrgNode

T = TypeVar("T")

KEEP_SECONDS = 600
_VERSION = "model-version:"


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    counted_at: dt.datetime
    from_cache: bool  # read from the cache: the page may say when it was counted


def _scope_key(user: AnyUser) -> str:
    """What the visibility selectors read of a user: users with the same posts see the same."""
    scope = scope_of(user)
    grants = sorted((g.role, g.path, g.subject_id or 0, g.stage) for g in scope.grants)
    return hashlib.sha1(repr((scope.is_sysadmin, scope.person_id, grants)).encode()).hexdigest()


def models_changed(labels: Iterable[str]) -> None:
    """Bump the versions of these models ("app.Model") when the current transaction commits (at
    once outside one); once per transaction however many records it wrote. The labels wait on
    the thread's own connection, so one thread's commit never bumps what another has not yet
    committed (a view would count the old rows under the new version). Labels left by a rolled
    back transaction are bumped with the next commit: a needless recount, never a stale one."""
    pending: set[str] | None = getattr(connection, "_jiaoyan_changed", None)
    if pending is None:
        pending = set()
        connection._jiaoyan_changed = pending  # type: ignore[attr-defined]  # per-thread state on the connection
    pending.update(labels)
    # A callback per call (the first to run bumps everything pending, the rest find nothing): a
    # callback registered inside a savepoint that rolled back is gone, so "one is registered
    # already" cannot be trusted.
    transaction.on_commit(_bump)


def _bump() -> None:
    pending: set[str] = getattr(connection, "_jiaoyan_changed", set())
    labels = sorted(pending)
    pending.clear()
    for label in labels:
        key = _VERSION + label
        if not cache.add(key, 1, None):
            try:
                cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, None)


def kept(user: AnyUser, node: OrgNode, name: str, compute: Callable[[], T], *, reads: tuple[str, ...]) -> Kept[T]:
    """compute() for the user at the node: counted on every request at a small scope; at a large
    one kept per node, scope and the versions of the models it `reads`."""
    from core.norm_results import small_scope

    if small_scope(node):
        return Kept(compute(), timezone.now(), False)
    versions = cache.get_many([_VERSION + m for m in reads])
    stamp = ".".join(str(versions.get(_VERSION + m, 0)) for m in reads)
    key = f"kept:{name}:{node.pk}:{_scope_key(user)}:{stamp}"
    found = cache.get(key)
    if isinstance(found, Kept):
        return Kept(found.value, found.counted_at, True)
    fresh = Kept(compute(), timezone.now(), False)
    cache.set(key, fresh, KEEP_SECONDS)
    return fresh
