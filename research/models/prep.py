"""The research app's tables: prep."""

from __future__ import annotations

__all__: list[str] = []
