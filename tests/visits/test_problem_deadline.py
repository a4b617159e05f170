"""PROBLEM.DEADLINE (norms.md, 004 (一)1, (一)4): "every teaching problem found gets a
rectification measure and a deadline, and is followed up until closed" — per school, every
finding needing rectification has a measure and a deadline; the detail counts the overdue ones
and those closed late."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.compliance import evaluate
from core.models import Norm, NormResultRow
from core.norm_results import refresh_all
from tests.visits.findings_fixtures import make_finding, make_visit
from visits.metrics.problems import tally
from visits.models import FindingStatus
from visits.services import findings as svc

pytestmark = pytest.mark.django_db


def _rows(cast: Any) -> dict[str, Any]:
    norm = Norm.objects.get(code="PROBLEM.DEADLINE")
    return {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}


def test_every_problem_needs_a_measure_and_a_deadline(cast: Any) -> None:
    visit = make_visit(cast)
    assert _rows(cast) == {}  # no problem found, nothing to count
    make_finding(cast, visit, deadline=dt.date(2026, 11, 9))
    make_finding(cast, visit, description="亮点", is_strength=True)  # needs no rectification: not counted
    row = _rows(cast)["小店第一中学"]
    assert row.meets and row.value == 100
    # A problem found without a deadline: the school falls short, and the detail says so.
    make_finding(cast, visit, description="课堂提问缺少层次", deadline=None)
    row = _rows(cast)["小店第一中学"]
    assert not row.meets and row.value == 50
    assert "需整改2条，1条有整改措施和期限" in row.detail and "1条缺措施或期限" in row.detail


def test_overdue_and_closed_late_are_counted(cast: Any) -> None:
    visit = make_visit(cast)
    late = make_finding(cast, visit, description="逾期销号的问题", deadline=dt.date(2026, 10, 12))
    make_finding(cast, visit, description="逾期未改的问题", deadline=dt.date(2026, 10, 15))
    on_time = make_finding(cast, visit, description="按期销号的问题", deadline=dt.date(2099, 1, 1))
    for f in (late, on_time):
        svc.finding_answer(actor=cast.users["principal"], finding=f, text="已整改")
        svc.finding_verify(actor=cast.users["county_researcher"], finding=f, accept=True)
    row = _rows(cast)["小店第一中学"]
    assert row.meets  # every problem has its measure and deadline
    assert "已销号2条（逾期销号1条）" in row.detail and "逾期未销号1条" in row.detail
    # The stored results (what the compliance page reads) agree with the live evaluation.
    refresh_all(node=cast.county_a, term_key=cast.term.key)
    stored = NormResultRow.objects.get(norm_code="PROBLEM.DEADLINE", path=cast.school_a1.path)
    assert stored.meets and "逾期未销号1条" in stored.detail


def test_tally_is_plain_arithmetic() -> None:
    today = dt.date(2026, 11, 1)
    closed_late = timezone.make_aware(dt.datetime(2026, 10, 20, 9))
    t = tally([("措施", dt.date(2026, 10, 10), FindingStatus.CLOSED, closed_late),
               ("措施", dt.date(2026, 10, 30), FindingStatus.OPEN, None),
               ("", dt.date(2026, 12, 30), FindingStatus.OPEN, None),
               ("措施", None, FindingStatus.ANSWERED, None)], today)
    assert (t.total, t.planned, t.overdue, t.closed, t.closed_late) == (4, 2, 1, 1, 1)
