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
    fields = {f.name for f in norm_model._meta.get_fields()}
    for sort, n in enumerate(CATALOGUE):
        # The historical model of the first data migration holds a single threshold.
        bounds = ({"threshold_min": n.threshold, "threshold_max": n.threshold_max} if "threshold_min" in fields
                  else {"threshold": n.threshold})
        norm_model.objects.update_or_create(code=n.code, defaults={
            "category": n.category, "title": n.title, "binds": n.binds, "period": n.period,
            "source": n.source, "default_text": n.default_text, "sort": sort, **bounds})
