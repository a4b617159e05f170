from __future__ import annotations

from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "定点联系"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = ("liaison:home", "定点联系")
    # core.panels shows the school's links on its page.
    page_panels = "liaison.panels.page_panels"
    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "liaison.todos.todo_items"

    def ready(self) -> None:
        # Registers the RES.LINK_*, RES.ONSITE, RES.ROUND and RES.EXCHANGE metrics, and the
        # guidance plans and links as sources of the teacher archive (observe.archive).
        from liaison import archive_sources, metrics  # noqa: F401
