"""The research app's tables: orders."""

from __future__ import annotations

__all__: list[str] = []
