"""The research app's tables: homeroom."""

from __future__ import annotations

__all__: list[str] = []
