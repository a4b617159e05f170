"""The records of other apps a lesson can be observed in: an inspection visit (visits), a
research activity (research). observe knows none of them: each app registers its kind of context
from its AppConfig.ready, and the observation form carries one hidden field per kind
(`?visit=12` on the form's address fills the field `visit`). The observation keeps the record as
a generic reference (Observation.context_type, context_id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404

from core.access import AnyUser
from observe.errors import ObservationError


@dataclass(frozen=True)
class ContextKind:
    """`param` names the query parameter and the form field; `resolve(user, id)` returns the
    record the user may observe a lesson in, raising Http404 otherwise, and `refusal` says so."""

    param: str
    label: str
    resolve: Callable[[AnyUser, int], models.Model]
    refusal: str


_KINDS: dict[str, ContextKind] = {}


def register_context(kind: ContextKind) -> None:
    if kind.param in _KINDS:
        raise RuntimeError(f"observation context {kind.param!r} registered twice")
    _KINDS[kind.param] = kind


def context_kinds() -> list[ContextKind]:
    return list(_KINDS.values())


def resolve_context(user: AnyUser, values: dict[str, Any]) -> tuple[Any, int] | None:
    """The (content type, id) of the first context named in `values` (the cleaned form), checked
    against the user's rights; None when none is named."""
    for kind in _KINDS.values():
        pk = values.get(kind.param)
        if not pk:
            continue
        try:
            record = kind.resolve(user, int(pk))
        except Http404:
            raise ObservationError(kind.refusal, field=kind.param) from None
        return ContentType.objects.get_for_model(type(record)), int(record.pk)
    return None
