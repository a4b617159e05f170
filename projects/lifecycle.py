"""The lifecycle of a research project (课题), as pure rules without the ORM.

申报 → 立项 → 开题 → 中期检查 → 结题, with 延期 (an extension granted after 开题, from which the
project goes on to 中期检查 if that has not been held yet, or to 结题) and 撤销 (withdrawn, from any
stage before 结题). Entering a stage needs that stage's document (the 申报书 before 立项, the 开题报告
before 开题, the 中期报告 before 中期检查, the 结题报告 before 结题); 结题 also needs a submitted
review of the 结题 stage whose verdict is not 不通过; 延期 needs a new planned end after the old one
and a reason, 撤销 a reason. `refusal` says, in Chinese, why a move is not allowed (None: it is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

APPLIED = "applied"
APPROVED = "approved"
OPENED = "opened"
MIDTERM = "midterm"
CONCLUDED = "concluded"
EXTENDED = "extended"
WITHDRAWN = "withdrawn"

LABELS: dict[str, str] = {
    APPLIED: "申报", APPROVED: "立项", OPENED: "开题", MIDTERM: "中期检查", CONCLUDED: "结题",
    EXTENDED: "延期", WITHDRAWN: "撤销",
}
# The main line, in order (the stage timeline shows these, with 延期 and 撤销 where they happened).
MAIN_LINE = (APPLIED, APPROVED, OPENED, MIDTERM, CONCLUDED)
FINAL = frozenset({CONCLUDED, WITHDRAWN})

TRANSITIONS: dict[str, frozenset[str]] = {
    APPLIED: frozenset({APPROVED, WITHDRAWN}),
    APPROVED: frozenset({OPENED, WITHDRAWN}),
    OPENED: frozenset({MIDTERM, EXTENDED, WITHDRAWN}),
    MIDTERM: frozenset({CONCLUDED, EXTENDED, WITHDRAWN}),
    EXTENDED: frozenset({MIDTERM, CONCLUDED, WITHDRAWN}),
    CONCLUDED: frozenset(),
    WITHDRAWN: frozenset(),
}

# The document kinds (one per stage of the main line) and what each is called.
DOC_APPLICATION = "application"
DOC_OPENING = "opening"
DOC_MIDTERM = "midterm"
DOC_FINAL = "final"
DOC_OTHER = "other"
DOCUMENT_LABELS: dict[str, str] = {
    DOC_APPLICATION: "申报书", DOC_OPENING: "开题报告", DOC_MIDTERM: "中期报告", DOC_FINAL: "结题报告",
    DOC_OTHER: "其他材料",
}
# The document a stage needs before the project may enter it.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    APPROVED: (DOC_APPLICATION,),
    OPENED: (DOC_OPENING,),
    MIDTERM: (DOC_MIDTERM,),
    CONCLUDED: (DOC_FINAL,),
}
# Stages whose entry needs a passing review by an assigned expert.
REVIEWED_STAGES = frozenset({CONCLUDED})
# The stages an expert's review may be assigned for (the judgement made before entering them).
REVIEW_STAGES: dict[str, str] = {APPROVED: "立项评审", MIDTERM: "中期评审", CONCLUDED: "结题评审"}


@dataclass(frozen=True)
class Situation:
    """What the rules need to know about a project to judge a move."""

    status: str
    documents: Collection[str] = ()  # kinds of the documents the project holds
    passed_reviews: Collection[str] = ()  # stages with a submitted, not failing review
    midterm_held: bool = False
    planned_end: dt.date | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused: the Chinese message, and the form field it concerns."""

    message: str
    field: str = "target"


def label(status: str) -> str:
    return LABELS.get(status, status)


def next_steps(status: str) -> list[str]:
    """The stages reachable from `status`, in the order the page offers them."""
    order = [APPROVED, OPENED, MIDTERM, CONCLUDED, EXTENDED, WITHDRAWN]
    return [s for s in order if s in TRANSITIONS.get(status, frozenset())]


def refusal(now: Situation, target: str, *, reason: str = "", new_end: dt.date | None = None) -> Refusal | None:
    """Why the project may not move from `now.status` to `target` (None: it may)."""
    if target not in LABELS:
        return Refusal(f"阶段：没有“{target}”这一阶段")
    if now.status in FINAL:
        return Refusal(f"阶段：课题已{label(now.status)}，不能再变更为{label(target)}")
    if target not in TRANSITIONS.get(now.status, frozenset()):
        return Refusal(f"阶段：课题处于“{label(now.status)}”，不能直接进入“{label(target)}”")
    if target == MIDTERM and now.midterm_held:
        return Refusal("阶段：中期检查已经进行过")
    missing = [DOCUMENT_LABELS[d] for d in REQUIRED_DOCUMENTS.get(target, ()) if d not in now.documents]
    if missing:
        return Refusal(f"材料：进入“{label(target)}”前须提交{'、'.join(missing)}")
    if target in REVIEWED_STAGES and target not in now.passed_reviews:
        return Refusal(f"评审：进入“{label(target)}”前须有专家提交{REVIEW_STAGES[target]}意见且结论不是“不通过”")
    if target == EXTENDED:
        if new_end is None:
            return Refusal("延期：请填写新的计划结题日期", "new_end")
        if now.planned_end is not None and new_end <= now.planned_end:
            return Refusal(f"延期：新的计划结题日期须晚于原计划（{now.planned_end:%Y-%m-%d}）", "new_end")
    if target in (EXTENDED, WITHDRAWN) and not reason.strip():
        return Refusal(f"{label(target)}：请填写{label(target)}原因", "note")
    return None
