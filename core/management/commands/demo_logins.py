"""Print the demo logins (one per role) that `seed` created, for a newcomer's first look."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from core.models import User


class Command(BaseCommand):
    help = "列出演示账号（每个角色一个）"

    def handle(self, *args: Any, **options: Any) -> None:
        existing = set(User.objects.filter(username__in=[u for u, _, _ in DEMO_LOGINS])
                       .values_list("username", flat=True))
        if not existing:
            self.stdout.write("还没有演示账号：请先运行 manage.py seed --scale demo")
            return
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(u) for u, _, _ in DEMO_LOGINS)
        for username, role, note in DEMO_LOGINS:
            if username in existing:
                self.stdout.write(f"  {username:<{width}}  {role:<8}  {note}")
