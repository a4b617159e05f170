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

# The kinds sent (docs/webhooks.md lists their payloads).
OBSERVATION_SUBMITTED = "observation.submitted"
VISIT_REPORT_ISSUED = "visit_report.issued"
SCORES_IMPORTED = "scores.imported"
WARNING_RAISED = "warning.raised"


def emit(kind: str, *, scope: OrgNode, summary: str, data: dict[str, Any]) -> None:
    """Send the event; receivers queue their work on commit, so a rolled-back write sends nothing."""
    record_event.send(sender=None, kind=kind, scope=scope, summary=summary, data=data)
