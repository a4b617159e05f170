"""Paging for list pages: one function so every list pages and exports alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int
    query: str  # the request's query string without `page`, for the pager's links

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.total, self.number * self.per_page)


def paginate(request: HttpRequest, qs: QuerySet[Any] | Sequence[Any], per_page: int = 50) -> Page[Any]:
    """One page of a queryset (counted and sliced in the database) or of rows already computed
    and ordered (a list)."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    total = qs.count() if isinstance(qs, QuerySet) else len(qs)
    pages = max(1, -(-total // per_page))
    number = min(number, pages)
    items = list(qs[(number - 1) * per_page: number * per_page])
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return Page(items, number, per_page, total, params.urlencode())
