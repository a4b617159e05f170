"""`manage.py daily [--date 2026-11-01] [--enqueue]`: the platform's daily jobs, each app's own.

An app names its daily job in its AppConfig (`daily_job = "visits.tasks.daily"`, a function
`fn(today: date) -> str` returning one line for the log); this command runs every app's job for
the day, in app order. Every job must be safe to run more than once a day (visits escalates a
finding once: its `escalated_at` is set). Scheduling is the operating system's: cron or a systemd
timer (deploy/cron/), and bin/start runs it once when the platform starts. With --enqueue each
job goes to the task worker instead (core.tasks.daily_job).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string


def daily_jobs() -> list[tuple[str, str]]:
    """(app label, dotted path) of every installed app's daily job."""
    return [(config.label, path) for config in apps.get_app_configs()
            if (path := getattr(config, "daily_job", ""))]


class Command(BaseCommand):
    help = "运行各应用的每日任务（如整改逾期督办提醒）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="按哪一天运行（YYYY-MM-DD），默认今天")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行")

    def handle(self, *args: Any, **options: Any) -> None:
        text = str(options["date"] or "")
        try:
            day = dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date：日期格式应为YYYY-MM-DD，收到“{text}”") from exc
        if options["enqueue"]:
            from core.tasks import daily_job

            for label, path in daily_jobs():
                daily_job.enqueue(path, day.isoformat())
                self.stdout.write(f"{label}：已提交后台任务")
            return
        for label, path in daily_jobs():
            job: Callable[[dt.date], str] = import_string(path)
            self.stdout.write(f"{label}：{job(day)}")
