from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "课题研究"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("projects:home", "课题研究")
    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "projects.todos.todo_items"

    def ready(self) -> None:
        # Registers the TEACHER.PROJECT_JUNIOR, TEACHER.PROJECT_FIRST and TEACHER.PROJECT_SENIOR metrics,
        # and the projects a teacher leads or belongs to as a source of the teacher archive (observe.archive).
        from projects import archive_sources, metrics  # noqa: F401
