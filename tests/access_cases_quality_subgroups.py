"""Access-matrix rows for the subgroup analysis (分群体分析, issue 15): the exam of
tests/access_cases_quality.world, seen by whoever sees some of its rows; the attribute upload
by whoever may import its scores."""

from __future__ import annotations

from tests.access_cases import Case
from tests.access_cases_quality import IMPORTERS, VIEWERS, _exam

CASES: list[Case] = [
    Case("quality:exam_subgroups", VIEWERS, args=_exam),
    Case("quality:exam_subgroups", VIEWERS, args=_exam, query="format=xlsx", note="export"),
    Case("quality:student_attributes", IMPORTERS, args=_exam),
]
