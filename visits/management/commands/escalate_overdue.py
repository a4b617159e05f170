"""`manage.py escalate_overdue [--date 2026-11-01] [--enqueue]`: escalate the findings past
their rectification deadline (a step in their chain and notifications to the school's leaders
and the visit's lead). Run daily from cron, or enqueue it for the task worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "对逾期未完成整改的问题发出督办提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="按哪一天判断逾期（YYYY-MM-DD），默认今天")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行")

    def handle(self, *args: Any, **options: Any) -> None:
        from visits.services.findings import overdue_escalate
        from visits.tasks import escalate_overdue

        text = str(options["date"] or "")
        try:
            day = dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date：日期格式应为YYYY-MM-DD，收到“{text}”") from exc
        if options["enqueue"]:
            escalate_overdue.enqueue(day.isoformat())
            self.stdout.write(self.style.SUCCESS("已提交逾期督办任务"))
            return
        count = overdue_escalate(today=day)
        self.stdout.write(self.style.SUCCESS(f"已对{count}条逾期问题发出督办提醒"))
