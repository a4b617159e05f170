from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        # Register the core's norm metrics with the compliance framework.
        from core import metrics  # noqa: F401
