from __future__ import annotations

from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "教研活动与教研组"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the GROUP.*, PREP.STEPS and HOMEROOM.* metrics.
        from research import metrics  # noqa: F401
