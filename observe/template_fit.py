"""Which rubric templates suit an observed lesson: those made for its subject and stage, and the
general ones (no subject, no stage). A form for 高中物理 is not offered for 小学语文.

`fits` and `stage_of_grade` are pure; `versions_for_lesson` reads the versions the user may
score with (observe.access.offered_versions) and keeps the fitting ones, specific first.
"""

from __future__ import annotations

from core.access import AnyUser
from core.models import Stage
from observe.access import offered_versions
from observe.models import RubricPurpose, RubricVersion


def stage_of_grade(grade: int | None) -> str:
    """The stage a grade (1–12) belongs to: 1–6 小学, 7–9 初中, 10–12 高中; "" when unknown."""
    if grade is None:
        return ""
    if 1 <= grade <= 6:
        return Stage.PRIMARY
    if 7 <= grade <= 9:
        return Stage.JUNIOR
    if 10 <= grade <= 12:
        return Stage.SENIOR
    return ""


def fits(template_subject_id: int | None, template_stage: str, subject_id: int | None, stage: str) -> int | None:
    """How well a template fits a lesson: None when it is made for another subject or stage,
    otherwise the number of the lesson's facts it was made for (0 general, 2 subject and stage).
    An unknown fact of the lesson excludes nothing."""
    score = 0
    if template_subject_id is not None:
        if subject_id is not None and template_subject_id != subject_id:
            return None
        score += subject_id is not None
    if template_stage:
        if stage and template_stage != stage:
            return None
        score += bool(stage)
    return score


def versions_for_lesson(user: AnyUser, *, subject_id: int | None, stage: str) -> list[RubricVersion]:
    """Published lesson rubrics the user may use that fit the lesson, best fit first, then by name."""
    ranked: list[tuple[int, str, RubricVersion]] = []
    seen: set[int] = set()
    for v in offered_versions(user, purpose=RubricPurpose.LESSON):
        if v.template_id in seen:  # the newest published version of each template only
            continue
        seen.add(v.template_id)
        fit = fits(v.template.subject_id, v.template.stage, subject_id, stage)
        if fit is not None:
            ranked.append((-fit, v.template.name, v))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [v for _, _, v in ranked]
