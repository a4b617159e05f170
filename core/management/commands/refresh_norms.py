"""Rebuild the stored norm results: `manage.py refresh_norms [--node CODE] [--term KEY]`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import OrgNode
from core.norm_results import refresh_all


class Command(BaseCommand):
    help = "重算规范达标结果（默认：全部节点、各节点的当前学期）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--node", help="只重算该节点及其下级（节点代码）")
        parser.add_argument("--term", help="学期标识，如 2026-1；默认为各节点的当前学期")

    def handle(self, *args: Any, **options: Any) -> None:
        node = None
        if options.get("node"):
            node = OrgNode.objects.filter(code=options["node"]).first()
            if node is None:
                raise CommandError(f"没有该节点：{options['node']}")
        started = time.perf_counter()
        units, rows = refresh_all(node=node, term_key=options.get("term"))
        self.stdout.write(f"已重算 {units} 个单位，{rows} 条结果，用时 {time.perf_counter() - started:.1f} 秒")
