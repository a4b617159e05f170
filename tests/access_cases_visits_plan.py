"""Access-matrix rows for the visits app's planning pages (visits:home …)."""

from __future__ import annotations

from tests.access_cases import EVERYONE, Case

CASES = [
    Case("visits:home", EVERYONE, note="每个登录用户都能打开视导首页（只列出其可见的视导）"),
]
