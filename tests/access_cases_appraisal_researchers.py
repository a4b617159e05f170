"""Access-matrix rows for the researcher appraisal (appraisal:researcher*, api-v1:appraisal_researcher_*).

The rows use county A's appraisals: run by its admin and by the province's institute head, read
also by the county's bureau viewer; the county's researchers read their own entry once the
appraisal is published; the teachers and managers of county A's schools answer the ratings."""

from __future__ import annotations

import itertools
from typing import Any

from tests.access_cases import EVERYONE, Case

RUNNERS = frozenset({"sysadmin", "institute_head", "county_admin"})
READERS = RUNNERS | {"bureau_viewer"}
# The people posted at county A's schools (the part-time researcher also teaches at A1).
RATERS = frozenset({"principal", "vice_principal", "middle_manager", "group_leader", "teacher", "teacher_a2",
                    "part_time_researcher"})
_years = itertools.count(2040)


def _appraisal(cast: Any, year: int, state: str = "computed") -> Any:
    from appraisal.models import ResearcherAppraisal
    from appraisal.services import researchers as svc

    found = ResearcherAppraisal.objects.filter(region=cast.county_a, year=year).first()
    if found is not None:
        return found
    a = svc.appraisal_start(actor=None, region=cast.county_a, year=year, enqueue=False)
    svc.appraisal_compute(a.pk)
    a.refresh_from_db()
    if state in ("rating", "published"):
        svc.ratings_open(actor=None, appraisal=a)
    if state == "published":
        svc.appraisal_publish(actor=None, appraisal=a)
    return a


def _computed(cast: Any) -> list[Any]:
    return [_appraisal(cast, 2026).pk]


def _rating(cast: Any) -> list[Any]:
    return [_appraisal(cast, 2025, "rating").pk]


def _published(cast: Any) -> list[Any]:
    return [_appraisal(cast, 2024, "published").pk]


def _entry(cast: Any, year: int, state: str) -> Any:
    return _appraisal(cast, year, state).entries.get(person=cast.people["county_researcher"])


def _entry_computed(cast: Any) -> list[Any]:
    return [_entry(cast, 2026, "computed").pk]


def _entry_published(cast: Any) -> list[Any]:
    return [_entry(cast, 2024, "published").pk]


def _records_computed(cast: Any) -> list[Any]:
    return [_entry(cast, 2026, "computed").pk, "observations"]


def _records_published(cast: Any) -> list[Any]:
    return [_entry(cast, 2024, "published").pk, "visit_days"]


def _start_page(cast: Any) -> dict[str, Any]:
    return {"region": cast.county_a.pk, "year": next(_years), "rating_weight": 30, "cut_excellent": 90,
            "cut_pass": 75, "cut_basic": 60}


def _start_api(cast: Any) -> dict[str, Any]:
    return {"region": cast.county_a.code, "year": next(_years)}


OWN = READERS | {"county_researcher"}

CASES = [
    Case("appraisal:researchers", EVERYONE),
    Case("appraisal:researchers", RUNNERS, method="POST", data=_start_page, ok_status=(200, 302),
         note="start"),
    Case("appraisal:researcher_appraisal", READERS, args=_computed),
    # Published: a researcher of it is sent to their own entry.
    Case("appraisal:researcher_appraisal", READERS | {"county_researcher", "part_time_researcher"},
         args=_published, ok_status=(200, 302), note="published"),
    Case("appraisal:researcher_state", RUNNERS, args=_computed, method="POST", data=lambda cast: {"action": "none"},
         ok_status=(302,)),
    Case("appraisal:researcher_standards", RUNNERS, args=_computed),
    Case("appraisal:researcher_rate", RATERS, args=_rating),
    Case("appraisal:researcher_entry", READERS, args=_entry_computed),
    Case("appraisal:researcher_entry", OWN, args=_entry_published, note="published"),
    Case("appraisal:researcher_records", READERS, args=_records_computed),
    Case("appraisal:researcher_records", OWN, args=_records_published, note="published"),
    Case("api-v1:appraisal_researcher_list", EVERYONE),
    Case("api-v1:appraisal_researcher_detail", READERS, args=_computed),
    Case("api-v1:appraisal_researcher_entries", READERS, args=_computed),
    Case("api-v1:appraisal_researcher_entries", READERS | {"county_researcher", "part_time_researcher"},
         args=_published, note="published"),
    Case("api-v1:appraisal_researcher_start", RUNNERS, method="POST", data=_start_api, ok_status=(201,)),
]
