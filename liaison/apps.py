from __future__ import annotations

from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "定点联系"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = ("liaison:home", "定点联系")

    def ready(self) -> None:
        # Registers the RES.LINK_*, RES.ONSITE, RES.ROUND and RES.EXCHANGE metrics.
        from liaison import metrics  # noqa: F401
