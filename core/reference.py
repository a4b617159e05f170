"""Reference data every installation has: the curriculum's subjects and the catalogue of norms.

Loaded by a data migration, and again by `reference_data_load` wherever a database was emptied
(transactional tests flush tables, data migrations included)."""

from __future__ import annotations

from typing import Any

from core.curriculum import SUBJECTS
from core.norm_catalogue import CATALOGUE


def reference_data_load(subject_model: Any, norm_model: Any) -> None:
    """Create or refresh subjects and norms; the models are passed in so migrations can use
    their historical versions."""
    for sort, s in enumerate(SUBJECTS):
        subject_model.objects.update_or_create(code=s.code, defaults={
            "name": s.name, "short": s.short, "stages": list(s.stages), "merge_key": s.merge_key,
            "merge_name": s.merge_name, "sort": sort})
    for sort, n in enumerate(CATALOGUE):
        norm_model.objects.update_or_create(code=n.code, defaults={
            "category": n.category, "title": n.title, "binds": n.binds, "period": n.period,
            "source": n.source, "default_text": n.default_text, "threshold": n.threshold, "sort": sort})
