"""Tables of the appraisal app's `governance` area."""

from __future__ import annotations

__all__: list[str] = []
