"""`manage.py rebuild_observation_aggregates`: recompute every observation aggregate from the
observations (observe.aggregates.rebuild), e.g. after loading observations by hand."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from observe.aggregates import rebuild


class Command(BaseCommand):
    help = "从听课记录重新计算听课统计汇总（分析页读取的汇总表）"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = rebuild()
        self.stdout.write(self.style.SUCCESS(f"已重新计算听课统计汇总：{rows}行，用时{time.perf_counter() - started:.1f}秒"))
