"""The researcher appraisal's arithmetic (000 §13), apart from Django: the workload figures and
their four dimensions with the default yearly standards, a researcher's dimension scores, total
and level, and the once-per-person rater hash.

Scoring (documented on the appraisal page):
- each figure's attainment is value / standard, capped at 1 (a standard of 0 counts as met);
- a dimension's workload score is 100 × the mean attainment of its figures;
- a dimension's rating score is 100 × (mean score − 1) / 4 over the teachers' and the schools'
  sheets (1–5), the two sides weighted equally when both answered;
- a dimension's score is (1 − w) × workload + w × rating, w the appraisal's rating weight; with
  no sheet at all the workload score stands alone (and the result says the ratings are missing);
- the total is the mean of the four dimension scores; the level follows the cut-offs
  (优秀 ≥ 90, 合格 ≥ 75, 基本合格 ≥ 60, else 不合格 by default).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TEACHING, RESEARCH, MANAGEMENT, SERVICE = "teaching", "research", "management", "service"
DIMENSIONS: tuple[tuple[str, str], ...] = (
    (TEACHING, "教育教学"), (RESEARCH, "教研科研"), (MANAGEMENT, "教学管理"), (SERVICE, "教育服务"),
)
DIMENSION_LABELS = dict(DIMENSIONS)

EXCELLENT, PASS, BASIC, FAIL = "优秀", "合格", "基本合格", "不合格"
LEVELS = (EXCELLENT, PASS, BASIC, FAIL)


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    dimension: str
    unit: str
    # The default yearly standard (an institution sets its own, appraisal.WorkloadStandard).
    standard: float
    source: str  # where the records come from, shown on the page


# Defaults: 60 lessons observed a year (a researcher in schools weekly during term); 72 training
# hours (000 §12, RES.TRAINING); 1 liaison school (000 §7, RES.LINK_MIN) and 10 on-site days (5
# a term, 002 三, RES.ONSITE); the rest the common expectations of a subject researcher's year.
FIGURES: tuple[Figure, ...] = (
    Figure("observations", "听评课节数", TEACHING, "节", 60, "听评课记录（已提交）"),
    Figure("songjiao", "送教服务次数", TEACHING, "次", 2, "送教订单（已送教、已评价）"),
    Figure("activities_led", "组织教研活动", RESEARCH, "次", 4, "教研活动（主持或组织，未取消）"),
    Figure("activities_joined", "参加教研活动", RESEARCH, "次", 8, "教研活动（参加、主讲或指导）"),
    Figure("projects_led", "主持课题", RESEARCH, "项", 1, "课题（已立项、未撤销，主持）"),
    Figure("projects_joined", "参与课题", RESEARCH, "项", 1, "课题（已立项、未撤销，参与）"),
    Figure("training_hours", "培训学时", RESEARCH, "学时", 72, "培训记录（当年结业）"),
    Figure("visits_led", "带队视导", MANAGEMENT, "次", 2, "视导（带队负责人，未取消）"),
    Figure("visits_joined", "参加视导", MANAGEMENT, "次", 4, "视导（组员，未取消）"),
    Figure("visit_days", "视导在校天数", MANAGEMENT, "天", 10, "视导的到校日程"),
    Figure("reports", "撰写视导报告", MANAGEMENT, "份", 2, "视导报告（已印发，本人起草）"),
    Figure("links", "定点联系学校", SERVICE, "所", 1, "定点联系（已确认）"),
    Figure("link_days", "驻校工作天数", SERVICE, "天", 10, "驻校工作日（半天计0.5）"),
)
FIGURE_BY_CODE = {f.code: f for f in FIGURES}


def attainment(value: float, standard: float) -> float:
    if standard <= 0:
        return 1.0
    return max(0.0, min(1.0, value / standard))


def workload_scores(values: Mapping[str, float], standards: Mapping[str, float]) -> dict[str, float]:
    """{dimension: 0–100} from the figures' values and standards."""
    out: dict[str, float] = {}
    for dim, _ in DIMENSIONS:
        parts = [attainment(values.get(f.code, 0.0), standards.get(f.code, f.standard))
                 for f in FIGURES if f.dimension == dim]
        out[dim] = round(100 * sum(parts) / len(parts), 1)
    return out


def rating_score(mean: float) -> float:
    """A 1–5 mean as 0–100."""
    return max(0.0, min(100.0, 100 * (mean - 1) / 4))


def combined_rating(teacher: float | None, school: float | None) -> float | None:
    """The two sides' means (1–5) weighted equally; one side alone when only it answered."""
    sides = [v for v in (teacher, school) if v is not None]
    return sum(sides) / len(sides) if sides else None


@dataclass(frozen=True)
class Result:
    scores: dict[str, float]
    total: float
    level: str
    rated: bool


def level_of(total: float, cuts: Sequence[float]) -> str:
    """`cuts` = (优秀, 合格, 基本合格) lower bounds."""
    excellent, passing, basic = cuts
    if total >= excellent:
        return EXCELLENT
    if total >= passing:
        return PASS
    if total >= basic:
        return BASIC
    return FAIL


def result(workload: Mapping[str, float], ratings: Mapping[str, float | None], weight: float,
           cuts: Sequence[float]) -> Result:
    """`workload`: {dimension: 0–100}; `ratings`: {dimension: combined mean 1–5 or None};
    `weight`: the ratings' share, 0–1."""
    scores: dict[str, float] = {}
    rated = False
    for dim, _ in DIMENSIONS:
        r = ratings.get(dim)
        if r is None:
            scores[dim] = round(workload.get(dim, 0.0), 1)
        else:
            rated = True
            scores[dim] = round((1 - weight) * workload.get(dim, 0.0) + weight * rating_score(r), 1)
    total = round(sum(scores.values()) / len(scores), 1)
    return Result(scores, total, level_of(total, cuts), rated)


def rater_hash(token: str, user_id: int, secret: str) -> str:
    """The once-per-person key of a rating sheet: an HMAC of the appraisal's token and the user's
    id under the server's secret. The same person gets the same key for one appraisal (a second
    sheet is refused); the key names nobody, and two appraisals' keys of one person differ."""
    return hmac.new(secret.encode(), f"{token}:{user_id}".encode(), hashlib.sha256).hexdigest()


def response_rate(responses: int, invited: int) -> int | None:
    """Whole percent of the invited who answered (None: nobody invited)."""
    if invited <= 0:
        return None
    return min(100, round(100 * responses / invited))
