"""The project lifecycle rules (projects.lifecycle), without a database."""

from __future__ import annotations

import datetime as dt

from projects import lifecycle as lc
from projects.lifecycle import Situation, refusal


def _msg(now: Situation, target: str, **kw: object) -> str | None:
    r = refusal(now, target, **kw)  # type: ignore[arg-type]  # keyword arguments of refusal
    return r.message if r is not None else None


def test_the_main_line_needs_each_stage_document() -> None:
    assert _msg(Situation(lc.APPLIED), lc.APPROVED) == "材料：进入“立项”前须提交申报书"
    assert _msg(Situation(lc.APPLIED, documents={lc.DOC_APPLICATION}), lc.APPROVED) is None
    assert _msg(Situation(lc.APPROVED, documents={lc.DOC_APPLICATION}), lc.OPENED) == "材料：进入“开题”前须提交开题报告"
    assert _msg(Situation(lc.APPROVED, documents={lc.DOC_OPENING}), lc.OPENED) is None
    assert _msg(Situation(lc.OPENED), lc.MIDTERM) == "材料：进入“中期检查”前须提交中期报告"
    assert _msg(Situation(lc.OPENED, documents={lc.DOC_MIDTERM}), lc.MIDTERM) is None


def test_conclusion_needs_the_final_report_and_a_passing_review() -> None:
    docs = {lc.DOC_FINAL}
    assert _msg(Situation(lc.MIDTERM), lc.CONCLUDED) == "材料：进入“结题”前须提交结题报告"
    assert _msg(Situation(lc.MIDTERM, documents=docs), lc.CONCLUDED) == \
        "评审：进入“结题”前须有专家提交结题评审意见且结论不是“不通过”"
    assert _msg(Situation(lc.MIDTERM, documents=docs, passed_reviews={lc.MIDTERM}), lc.CONCLUDED) is not None
    assert _msg(Situation(lc.MIDTERM, documents=docs, passed_reviews={lc.CONCLUDED}), lc.CONCLUDED) is None
    # After an extension, straight to 结题 once the midterm check was held.
    assert _msg(Situation(lc.EXTENDED, documents=docs, passed_reviews={lc.CONCLUDED}, midterm_held=True),
                lc.CONCLUDED) is None


def test_stages_are_not_skipped_and_final_stages_stay_final() -> None:
    everything = {lc.DOC_APPLICATION, lc.DOC_OPENING, lc.DOC_MIDTERM, lc.DOC_FINAL}
    assert _msg(Situation(lc.APPLIED, documents=everything), lc.OPENED) == "阶段：课题处于“申报”，不能直接进入“开题”"
    assert _msg(Situation(lc.APPROVED, documents=everything), lc.CONCLUDED) is not None
    assert _msg(Situation(lc.APPROVED), lc.EXTENDED, reason="x", new_end=dt.date(2030, 1, 1)) is not None
    assert _msg(Situation(lc.CONCLUDED), lc.WITHDRAWN, reason="x") == "阶段：课题已结题，不能再变更为撤销"
    assert _msg(Situation(lc.WITHDRAWN, documents=everything), lc.APPROVED) == "阶段：课题已撤销，不能再变更为立项"
    assert _msg(Situation(lc.EXTENDED, documents=everything, midterm_held=True), lc.MIDTERM) == "阶段：中期检查已经进行过"
    assert _msg(Situation(lc.EXTENDED, documents=everything), lc.MIDTERM) is None
    assert _msg(Situation(lc.APPLIED), "bogus") == "阶段：没有“bogus”这一阶段"


def test_extension_and_withdrawal_need_reasons_and_a_later_end() -> None:
    now = Situation(lc.OPENED, planned_end=dt.date(2027, 6, 30))
    r = refusal(now, lc.EXTENDED, reason="疫情停课")
    assert r is not None and r.field == "new_end" and r.message == "延期：请填写新的计划结题日期"
    r = refusal(now, lc.EXTENDED, reason="疫情停课", new_end=dt.date(2027, 6, 30))
    assert r is not None and r.message == "延期：新的计划结题日期须晚于原计划（2027-06-30）"
    r = refusal(now, lc.EXTENDED, reason="  ", new_end=dt.date(2027, 12, 31))
    assert r is not None and r.field == "note" and r.message == "延期：请填写延期原因"
    assert refusal(now, lc.EXTENDED, reason="疫情停课", new_end=dt.date(2027, 12, 31)) is None
    r = refusal(Situation(lc.APPLIED), lc.WITHDRAWN)
    assert r is not None and r.message == "撤销：请填写撤销原因"
    assert refusal(Situation(lc.APPLIED), lc.WITHDRAWN, reason="主持人调离") is None


def test_next_steps_follow_the_transitions() -> None:
    assert lc.next_steps(lc.APPLIED) == [lc.APPROVED, lc.WITHDRAWN]
    assert lc.next_steps(lc.OPENED) == [lc.MIDTERM, lc.EXTENDED, lc.WITHDRAWN]
    assert lc.next_steps(lc.EXTENDED) == [lc.MIDTERM, lc.CONCLUDED, lc.WITHDRAWN]
    assert lc.next_steps(lc.CONCLUDED) == []
