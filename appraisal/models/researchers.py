"""Tables of the appraisal app's `researchers` area."""

from __future__ import annotations

__all__: list[str] = []
