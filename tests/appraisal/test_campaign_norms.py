"""GROUP.RUBRIC and GROUP.AWARDS from their clauses (spec/norms.md, 003), computed live through
core.compliance as the stored refresh does.

GROUP.RUBRIC  each 教研组 is evaluated by the 9-indicator rubric (003 附件, 100 points): a 教研组
              evaluation overlapping the term has published its score
GROUP.AWARDS  the district selects excellent 教研组 and group leaders every 2 years (003 四(三)):
              both selections made in the two years up to the term's end
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from appraisal.services import campaigns as svc
from core.compliance import evaluate
from core.models import Norm
from core.norm_results import system_user
from tests.appraisal.campaign_setup import PUBLISHED_ON, group_campaign, score_all


def _rows(cast: Any, code: str, term: Any = None) -> dict[str, Any]:
    result = evaluate(system_user(), cast.province, term or cast.term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def test_rubric_counts_a_published_score_not_one_under_way(cast: Any) -> None:
    c = group_campaign(cast)
    rows = _rows(cast, "GROUP.RUBRIC")
    assert not rows["数学组"].meets and "评审中，尚无结果" in rows["数学组"].detail
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    assert not _rows(cast, "GROUP.RUBRIC")["数学组"].meets  # scored, not yet published
    svc.campaign_publish(actor=None, campaign=c, today=PUBLISHED_ON)
    rows = _rows(cast, "GROUP.RUBRIC")
    math = c.subjects.get(label="数学组")
    assert rows["数学组"].meets and rows["数学组"].value == math.final_score
    assert rows["数学组"].detail == f"{c.title}：{math.final_score:g}分，优秀，第1名"
    assert rows["英语组"].meets and rows["英语组"].value == 50  # evaluated, whatever the score


def test_rubric_of_another_term_does_not_count(cast: Any) -> None:
    from tests.research.group_fixtures import previous_term
    c = group_campaign(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    svc.campaign_publish(actor=None, campaign=c, today=PUBLISHED_ON)
    term = previous_term(cast)
    from tests.research.group_fixtures import make_groups
    make_groups(cast, term.key)
    rows = _rows(cast, "GROUP.RUBRIC", term)
    assert not rows["数学组"].meets and rows["数学组"].detail == "本学期未按评价细则评价"


def test_awards_need_both_selections_within_two_years(cast: Any) -> None:
    c = group_campaign(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    svc.campaign_publish(actor=None, campaign=c, today=PUBLISHED_ON)
    rows = _rows(cast, "GROUP.AWARDS")
    assert not rows["小店测试区"].meets and "近2年未评选优秀教研组" in rows["小店测试区"].detail
    assert not rows["迎泽测试区"].meets
    math = c.subjects.get(label="数学组")
    svc.selection_create(actor=None, campaign=c, kind="groups", title="优秀教研组", decided_on=dt.date(2027, 1, 18),
                         subject_ids=[math.pk])
    rows = _rows(cast, "GROUP.AWARDS")
    assert not rows["小店测试区"].meets and "近2年未评选优秀教研组长" in rows["小店测试区"].detail
    svc.selection_create(actor=None, campaign=c, kind="leaders", title="优秀教研组长", decided_on=dt.date(2027, 1, 18),
                         subject_ids=[math.pk])
    rows = _rows(cast, "GROUP.AWARDS")
    assert rows["小店测试区"].meets
    assert rows["小店测试区"].detail == "优秀教研组：2027-01-18；优秀教研组长：2027-01-18"
    # A selection dated after the term's end does not count for the term.
    assert not _rows(cast, "GROUP.AWARDS", _earlier(cast))["小店测试区"].meets


def _earlier(cast: Any) -> Any:
    from tests.research.group_fixtures import previous_term
    return previous_term(cast)
