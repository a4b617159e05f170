"""Tables of the appraisal app's `reports` area."""

from __future__ import annotations

__all__: list[str] = []
