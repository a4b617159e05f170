from __future__ import annotations

from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "专业成长"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("growth:home", "专业成长")
    # core.todo_selectors calls this for the workbench's to-do list.
    todo_items = "growth.todos.todo_items"

    def ready(self) -> None:
        # Registers the RES.TRAINING, RES.ROTATION, RES.BACKBONE, STUDIO.LARGE_SCHOOL, BASE.SCHOOLS and
        # PSY.CERT metrics, and training, programme membership, awards and studios as sources of
        # the teacher archive (observe.archive).
        from growth import archive_sources, metrics  # noqa: F401
