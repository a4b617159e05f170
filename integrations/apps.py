from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Connections to the systems a region already uses: notifications to 钉钉 and 企业微信 robots
    and work messages, signed outgoing webhooks for integrators, and sign-in through the provincial
    identity, 钉钉 and 企业微信 with the login and activity log (integrations/signin/)."""

    name = "integrations"
    verbose_name = "外部对接"
    default_auto_field = "django.db.models.BigAutoField"
    # core's `manage.py daily` runs this once a day: deliveries left pending are queued again.
    daily_job = "integrations.tasks.daily"

    def ready(self) -> None:
        from integrations.dispatch import connect
        from integrations.signin.activity import connect as connect_signin_log

        connect()
        connect_signin_log()
