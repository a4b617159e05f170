"""Tables of the appraisal app's `campaigns` area."""

from __future__ import annotations

__all__: list[str] = []
