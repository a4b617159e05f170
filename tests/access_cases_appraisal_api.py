"""Access-matrix rows for the researcher appraisal's writing API (api-v1:appraisal_researcher_adjust,
api-v1:appraisal_researcher_rating, api-v1:appraisal_researcher_rate), on the county A appraisals
of tests/access_cases_appraisal_researchers.py: its runners adjust a figure (not once it is
published); the teachers and managers of county A's schools read and answer the questionnaire
while it is open, nobody else learns that it exists."""

from __future__ import annotations

from typing import Any

from tests.access_cases import Case
from tests.access_cases_appraisal_researchers import RATERS, RUNNERS, _entry, _entry_computed, _rating


def _entry_published(cast: Any) -> list[Any]:
    return [_entry(cast, 2024, "published").pk]


def _adjust(cast: Any) -> dict[str, Any]:
    return {"figure": "songjiao", "value": "2", "reason": "补录两次送教"}


def _sheet(cast: Any) -> dict[str, Any]:
    entry = _entry(cast, 2025, "rating")
    return {"scores": [{"entry": entry.pk, "teaching": 5, "research": 4, "management": 4, "service": 5}]}


CASES = [
    Case("api-v1:appraisal_researcher_adjust", RUNNERS, args=_entry_computed, method="POST", data=_adjust,
         ok_status=(201,)),
    # Published: the runners reach the entry and are told it can no longer change (422 naming the field).
    Case("api-v1:appraisal_researcher_adjust", RUNNERS, args=_entry_published, method="POST", data=_adjust,
         ok_status=(422,), note="published"),
    Case("api-v1:appraisal_researcher_rating", RATERS, args=_rating),
    # A rater the county researcher (语文) is not listed to (a 数学 or 英语 teacher) gets a 422 naming
    # the scores: it reached the questionnaire; tests/appraisal/test_researcher_api.py proves the 201s.
    Case("api-v1:appraisal_researcher_rate", RATERS, args=_rating, method="POST", data=_sheet,
         ok_status=(201, 422)),
]
