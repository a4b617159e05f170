"""How a 教研组's records pre-fill the GROUP.RUBRIC indicators they hold (plain values in, points
out; no database). Each rule names the records it read, so the assessor sees why a value is there
and gives a reason when changing it.

The rubric (observe/rubric_templates.py, 003 附件) leaves these points to judgement; the records
decide only what they show:
- 1.2.1 (3): a 3- or 5-year development plan covering the year (1.5) and a 青蓝 mentoring pair (1.5);
- 2.1.1 (5): institutions in force, 1 point each up to 5;
- 3.1.1 (10): collective preparation sessions of the group and its 备课组 in the period, 2 points
  each up to 10 (a session a month over a semester's five months);
- 4.1.1 (6): the GROUP.MEET strip, 6 × the share of elapsed fortnights with a concentrated activity;
- 4.2.1 (3): research projects led or joined by members, 1.5 each up to 3;
- 5.1.1 (6): items in the group's resource bank, 1 each up to 6;
- 8.1.2 (5): awards of members at county level or above in the period, 1 each up to 5;
- 9.3.1 (3): the journals subscribed, 1 each up to 3 (the rubric asks at least 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict


class Prefilled(TypedDict):
    value: float
    source: str


@dataclass(frozen=True)
class GroupFacts:
    development_plans: int
    mentor_pairs: int
    institutions: int
    prep_sessions: int
    fortnights_met: int
    fortnights_elapsed: int
    projects: int
    resources: int
    awards: int
    journals: int


def _capped(n: int, each: float, cap: float) -> float:
    return round(min(n * each, cap), 2)


def group_prefill(f: GroupFacts) -> dict[str, Prefilled]:
    out: dict[str, Prefilled] = {}
    out["1.2.1"] = {"value": (1.5 if f.development_plans else 0.0) + (1.5 if f.mentor_pairs else 0.0),
                    "source": f"发展规划{f.development_plans}份，青蓝结对{f.mentor_pairs}对"}
    out["2.1.1"] = {"value": _capped(f.institutions, 1, 5), "source": f"教研制度{f.institutions}项"}
    out["3.1.1"] = {"value": _capped(f.prep_sessions, 2, 10), "source": f"集体备课{f.prep_sessions}次"}
    if f.fortnights_elapsed:
        share = f.fortnights_met / f.fortnights_elapsed
        out["4.1.1"] = {"value": round(6 * share, 2),
                        "source": f"集中教研：{f.fortnights_elapsed}个两周中{f.fortnights_met}个已开展"}
    else:
        out["4.1.1"] = {"value": 0.0, "source": "集中教研：尚无已结束的两周"}
    out["4.2.1"] = {"value": _capped(f.projects, 1.5, 3), "source": f"组员主持或参与课题{f.projects}项"}
    out["5.1.1"] = {"value": _capped(f.resources, 1, 6), "source": f"学科资源库{f.resources}项"}
    out["8.1.2"] = {"value": _capped(f.awards, 1, 5), "source": f"组员县级及以上获奖{f.awards}项"}
    out["9.3.1"] = {"value": _capped(f.journals, 1, 3), "source": f"订阅学科期刊{f.journals}种"}
    return out


def value_added_points(effect: float | None, se: float | None, points: float) -> float | None:
    """A school's value added (in score points, with its standard error) as rubric points: half
    the points at zero, all of them at two standard errors above, none at two below. A school
    whose effect is not reported (too few linked students) gets no pre-filled value."""
    if effect is None or se is None or se <= 0:
        return None
    z = max(-2.0, min(2.0, effect / se))
    return round(points * (z + 2) / 4, 2)
