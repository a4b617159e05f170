"""Demo visits: reports (registered with core.demo.extensions)."""

from __future__ import annotations
