"""`manage.py api_token <username> [--name NAME]`: make a bearer token and print it once."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from api.tokens import token_create
from core.models import User


class Command(BaseCommand):
    help = "为用户生成接口令牌（只显示这一次，请妥善保存）"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途，例如对接的系统名称")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']}")
        if not user.is_active:
            raise CommandError(f"用户 {user.username} 已停用")
        _, plain = token_create(actor=None, user=user, name=options["name"] or "命令行生成")
        self.stderr.write(f"已为 {user.username} 生成令牌（只显示这一次）：")
        # The token alone on stdout, so scripts can capture it.
        self.stdout.write(plain)
