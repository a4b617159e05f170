"""Limit/offset pages with the total count, the same shape for every list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=Model)


class PageQuery(Schema):
    """Filters of every list inherit these two."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, title="每页条数", description=f"1 到 {MAX_LIMIT}")
    offset: int = Field(0, ge=0, title="起始位置")


class Page(Schema, Generic[ItemT]):
    count: int = Field(title="总数")
    limit: int
    offset: int
    items: list[ItemT]


def paginate(qs: QuerySet[ModelT] | Sequence[ModelT], query: PageQuery,
             render: Callable[[ModelT], ItemT], *,
             prepare: Callable[[list[ModelT]], None] | None = None) -> Page[ItemT]:
    """One COUNT and one page query (plus the queryset's prefetches), whatever the page size;
    `prepare` sees the page's rows before they are rendered (figures counted for those rows
    only, in one query)."""
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    rows = list(qs[query.offset: query.offset + query.limit])
    if prepare is not None:
        prepare(rows)
    return Page(count=count, limit=query.limit, offset=query.offset, items=[render(r) for r in rows])
