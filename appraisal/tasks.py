"""Background jobs of the appraisal app (django-tasks): thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def researcher_appraisal_compute(appraisal_id: int) -> int:
    """Compute a researcher appraisal's figures and scores
    (appraisal.services.researchers.appraisal_compute); returns the researchers appraised. The
    page shows the progress the appraisal records as it goes."""
    from appraisal.services.researchers import appraisal_compute

    return appraisal_compute(appraisal_id).progress_total
