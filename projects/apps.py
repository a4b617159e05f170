from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "课题研究"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the TEACHER.PROJECT_JUNIOR, TEACHER.PROJECT_FIRST and TEACHER.PROJECT_SENIOR metrics.
        from projects import metrics  # noqa: F401
