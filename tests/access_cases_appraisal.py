"""Access-matrix rows for the appraisal app's overview (appraisal:home). Each area adds its own
file (tests/access_cases_appraisal_<area>.py)."""

from __future__ import annotations

from tests.access_cases import EVERYONE, Case

CASES = [
    Case("appraisal:home", EVERYONE),
]
