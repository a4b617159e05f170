"""PREP.STEPS from its clause (norms.md: "collective lesson preparation has five recorded steps:
个人初备, 集体研讨, 教案生成, 个性彰显, 课后反思; each session recorded, checked and evaluated"; 004 (四)1),
computed through core.compliance as the compliance page's refresh does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.compliance import evaluate
from core.models import Norm, NormOverride
from core.norm_results import system_user
from research.models.prep import PrepStep
from tests.research.prep_setup import open_session, run_steps


def _rows(cast: Any, node: Any = None) -> dict[str, Any]:
    result = evaluate(system_user(), node or cast.county_a, cast.term, Norm.objects.get(code="PREP.STEPS"))
    return {r.label: r for r in result.rows}


def test_a_school_whose_sessions_keep_five_steps_checked_and_evaluated_meets(cast: Any) -> None:
    session = run_steps(cast, open_session(cast))
    assert session.step == PrepStep.CLOSED
    row = _rows(cast)["小店第一中学"]
    assert row.meets and (row.value, row.target) == (1, 1)
    assert row.detail == "1次到期，1次五环节齐全并经检查评价"
    # A school with no collective preparation at all misses.
    assert not _rows(cast)["北格镇中心小学"].meets


def test_a_session_not_evaluated_or_missing_a_reflection_misses(cast: Any) -> None:
    run_steps(cast, open_session(cast), upto="check")
    row = _rows(cast)["小店第一中学"]
    assert not row.meets and "《分数的意义》缺未评价" in row.detail
    run_steps(cast, open_session(cast, topic="有理数"), upto="personal")
    row = _rows(cast)["小店第一中学"]
    assert (row.value, row.target) == (0, 2) and "课后反思（2人未交）" in row.detail


def test_edge_a_session_taught_recently_is_not_yet_due_and_threshold_override(cast: Any) -> None:
    run_steps(cast, open_session(cast))
    # Taught at the end of the term: not due before the term ends, so it does not count against.
    run_steps(cast, open_session(cast, topic="期末复习", teach_on=dt.date(2027, 1, 15)), upto="comment")
    row = _rows(cast)["小店第一中学"]
    assert row.meets and (row.value, row.target) == (1, 1)
    # A county requiring only four recorded steps: a session without reflections then meets.
    NormOverride.objects.create(norm=Norm.objects.get(code="PREP.STEPS"), region=cast.county_a, threshold_min=4)
    run_steps(cast, open_session(cast, topic="一元一次方程"), upto="personal")
    s = _rows(cast)["小店第一中学"]
    assert not s.meets  # it is neither checked nor evaluated
