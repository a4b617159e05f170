"""Where the platform's notifications and record events reach the integrations app: receivers
connected in IntegrationsConfig.ready, so the apps that notify and emit never import this one.

- every in-app notification (observe.models.Notification, created by `observe.services.notify`
  for every app) fans out to the recipient's regions' channels, if the person chose so;
- every record event sent on `core.events.record_event` (observation submitted, visit report
  issued, scores imported, warning raised) fans out to the channels of its scope's regions.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from core.models import OrgNode


def on_notification_saved(sender: type[Any], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:
        return
    from integrations.services import notification_fan_out

    notification_fan_out(recipient=instance.recipient, title=instance.title)


def on_record_event(sender: Any, *, kind: str, scope: OrgNode, summary: str, data: dict[str, Any],
                    **kwargs: Any) -> None:
    from integrations.services import event_fan_out

    event_fan_out(event=kind, scope=scope, summary=summary, data=data)


def connect() -> None:
    from core.events import record_event
    from observe.models import Notification

    post_save.connect(on_notification_saved, sender=Notification, dispatch_uid="integrations.notification")
    record_event.connect(on_record_event, dispatch_uid="integrations.record_event")
