"""`manage.py seed --scale demo|city|province --seed N [--flush]`: generate the demo world.

Refuses when the database already has data, unless --flush (which empties the whole database
first); see core.demo for what is generated and how other apps add their records.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo.generator import SCALES
from core.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from core.demo.seeding import SeedRefused, seed_database
from core.models import User


class Command(BaseCommand):
    help = "生成演示数据（确定性：同一规模和种子总是得到相同的数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=[s for s in SCALES if s != "tiny"], default="demo",
                            help="规模：demo（3个县约40校）、city（10个县600校）、province（120个县1.2万校）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子")
        parser.add_argument("--flush", action="store_true", help="先清空整个数据库再生成（慎用）")

    def handle(self, *args: Any, **options: Any) -> None:
        scale: str = options["scale"]
        seed: int = options["seed"]
        self.stdout.write(f"开始生成{SCALES[scale].label}规模演示数据（种子 {seed}）……")
        try:
            result = seed_database(scale=scale, seed=seed, flush=options["flush"],
                                   report=lambda msg: self.stdout.write("  " + msg))
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"完成：{len(result.region_ids)}个区域、{len(result.school_ids)}所学校、"
            f"{result.counts.get('core.Person', 0)}名人员、{rows}行，用时{result.timings['total']:.1f}秒"))
        for label, n in result.counts.items():
            self.stdout.write(f"  {label}: {n}")
        self.stdout.write("  分步用时（秒）：" + "，".join(f"{k} {v}" for k, v in result.timings.items()))
        self.print_logins()

    def print_logins(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[u for u, _, _ in DEMO_LOGINS])
                 .select_related("person__org")}
        self.stdout.write("")
        self.stdout.write(f"演示账号（统一密码：{DEMO_PASSWORD}）")
        self.stdout.write(f"{'用户名':<28}{'角色':<10}{'姓名':<6}单位 / 说明")
        for username, label, note in DEMO_LOGINS:
            user = users.get(username)
            person = user.person if user else None
            who = person.name if person else "—"
            where = person.org.name if person else ""
            self.stdout.write(f"{username:<30}{label:<10}{who:<6}{where} {note}".rstrip())
