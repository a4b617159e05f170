from __future__ import annotations

from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "教研活动与教研组"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("research:home", "教研活动")
    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "research.todos.todo_items"
    # core.panels shows these on the school and group pages (GROUP.MEET strips, plans, journals).
    page_panels = "research.panels.page_panels"

    def ready(self) -> None:
        # Registers the GROUP.*, PREP.STEPS and HOMEROOM.* metrics; the activity a lesson is
        # observed in (observe.contexts); activity participation in the teacher archive.
        from research import archive_sources, metrics, observation_context  # noqa: F401
