from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "质量监测"
    default_auto_field = "django.db.models.BigAutoField"
    # Read by core.http.navigation: the app puts itself in the menu.
    nav_entry = ("quality:home", "质量监测")

    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "quality.todos.todo_items"

    # core's `manage.py daily` runs this once a day: next school year's score-block partitions.
    daily_job = "quality.tasks.daily"

    def ready(self) -> None:
        # Registers the QM.* and TEACHER.BELOW_PEERS metrics with core.compliance.
        # Registers the warnings about a teacher as problems of the teacher archive (observe.archive).
        from quality import (
            archive_sources,  # noqa: F401
            metrics,  # noqa: F401
        )
