from __future__ import annotations

from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "专业成长"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the RES.TRAINING, RES.ROTATION, RES.BACKBONE, STUDIO.LARGE_SCHOOL, BASE.SCHOOLS,
        # PSY.CERT and TEACHER.ARCHIVE metrics.
        from growth import metrics  # noqa: F401
