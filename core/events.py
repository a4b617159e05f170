"""Record events other systems may want (observation submitted, visit report issued, scores
imported, warning raised): services send `record_event` after the write, with the event's kind,
the org node it belongs to, a one-line Chinese summary and a JSON-ready `data` dict; the
integrations app turns them into signed webhooks (docs/webhooks.md). Sending it needs no import
of the receiving app."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from core.models import OrgNode

record_event = Signal()


def emit(kind: str, *, scope: OrgNode, summary: str, data: dict[str, Any]) -> None:
    record_event.send(sender=None, kind=kind, scope=scope, summary=summary, data=data)
