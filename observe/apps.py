from __future__ import annotations

from django.apps import AppConfig


class ObserveConfig(AppConfig):
    name = "observe"
    verbose_name = "听评课"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("observe:home", "听评课")
    # core.services.reference_data_sync calls this after a database was emptied.
    reference_data = "observe.services.builtin_templates_sync"

    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "observe.todos.todo_items"

    def ready(self) -> None:
        # Registers the LEAD.* and TEACHER.ARCHIVE metrics with core.compliance and the archive entries.
        from observe import archive, archive_metrics, metrics  # noqa: F401
