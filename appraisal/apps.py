from __future__ import annotations

from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "考评与治理"
    default_auto_field = "django.db.models.BigAutoField"
    # core.http.navigation reads this to put the app in the menu.
    nav_entry = ("appraisal:home", "考评与治理")
    # core.todo_selectors calls this for the workbench's to-do list (plan and decision tasks due).
    todo_items = "appraisal.todos.todo_items"

    def ready(self) -> None:
        # Registers the RES.APPRAISAL, GROUP.RUBRIC, GROUP.AWARDS, FUND.*, GOV.MEETING metrics.
        from appraisal import metrics  # noqa: F401
