from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "视导与整改"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("visits:home", "视导")
    # core.panels shows these on the school and group pages (the chain of problems found there).
    page_panels = "visits.panels.page_panels"

    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "visits.todos.todo_items"
    # core's `manage.py daily` runs this once a day (cron, a systemd timer, or bin/start).
    daily_job = "visits.tasks.daily"

    def ready(self) -> None:
        # Registers the VISIT.*, CHECK.*, WEEK.PATTERN, PROBLEM.DEADLINE and GOV.CITY_FOCUS metrics,
        # and (vfind) the findings about a teacher as a source of the teacher archive (observe.archive).
        from visits import archive_sources, metrics, observation_context  # noqa: F401
