"""The values the records give a subject's first stage: a 教研组's indicators from research
(plans, the GROUP.MEET strip, institutions, preparation sessions, the resource bank, journals,
mentoring), growth (awards) and projects; a school's (a principal's, a teacher's) value-added
indicator from quality monitoring. Reads go through those apps' selectors and access functions in the system scope
(the organiser reads the records behind a result); the points come from
appraisal.campaign_prefill_rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from appraisal.campaign_prefill_rules import GroupFacts, Prefilled, group_prefill, value_added_points
from appraisal.models.campaigns import Campaign, CampaignKind, CampaignSubject
from core.access import group_members_visible_to
from core.models import Level
from core.norm_results import system_user
from core.terms import current_term
from growth.access import awards_visible_to
from observe import rubrics
from projects.selectors import ProjectFilter, projects_list
from quality.analysis.indicators import VAUnit, value_added
from quality.analysis.value_added_units import Units, link_prior, school_units, teacher_units
from quality.models import CheatPolicy, Paper
from quality.selectors import PaperScoresFlat, class_teacher_assignments, flat_scores
from research.group_summary import summary_data
from research.models.groups import PlanKind
from research.prep_selectors import PrepFilter, prep_list

COUNTY_AND_ABOVE = (Level.COUNTY, Level.CITY, Level.PROVINCE, Level.NATIONAL)
T = TypeVar("T")
_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("campaign_prefill_memo", default=None)


@contextmanager
def prefill_memo() -> Iterator[None]:
    """Within the block, each subject's pre-fill and each campaign's value added are computed once
    (later calls return the first result): for a caller that scores many subjects while the
    records the pre-fill reads stay as they are (the demo seed: its stage_initial and the
    stage_score_save after it would otherwise compute the same pre-fill twice, and every subject
    of a campaign the same value-added model again). Outside such a block nothing is kept."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memo(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    found: T = memo[key]
    return found


def group_facts(subject: CampaignSubject) -> GroupFacts | None:
    group = subject.group
    campaign = subject.campaign
    term = current_term(subject.school, campaign.end)
    if group is None or term is None:
        return None
    user = system_user()
    data = summary_data(user, group, term)
    members = list(group_members_visible_to(user, group).values_list("person_id", flat=True))
    preps = prep_list(user, PrepFilter(term=term.key)).filter(
        school=group.school, teach_on__gte=campaign.start, teach_on__lte=campaign.end)
    n_prep = preps.filter(group_id__in=[group.pk, *group.prep_groups.values_list("pk", flat=True)]).count()
    projects = projects_list(user, ProjectFilter()).filter(leader_id__in=members).count() if members else 0
    joined = (projects_list(user, ProjectFilter()).filter(members__person_id__in=members)
              .exclude(leader_id__in=members).distinct().count()) if members else 0
    awards = awards_visible_to(user).filter(person_id__in=members, level__in=COUNTY_AND_ABOVE,
                                            awarded_on__gte=campaign.start, awarded_on__lte=campaign.end).count()
    return GroupFacts(
        development_plans=sum(1 for kind, _, _ in data.plans if kind == PlanKind.DEVELOPMENT.label),
        mentor_pairs=len(data.mentoring), institutions=len(data.institutions), prep_sessions=n_prep,
        fortnights_met=data.strip.met, fortnights_elapsed=data.strip.elapsed, projects=projects + joined,
        resources=sum(data.resources.values()), awards=awards, journals=len(data.journals))


@dataclass(frozen=True)
class SchoolValueAdded:
    """One school's value added between the campaign's two papers, as quality computes it."""

    effect: float | None
    se: float | None
    lower: float | None
    upper: float | None
    n: int
    reported: bool
    model: str
    explanation: str


def school_value_added(campaign: Campaign) -> dict[str, SchoolValueAdded]:
    """Each school's value added (by school code) from quality's model, on every linked student of
    the exam (the reference population), as the value-added page shows it."""
    return _memo(("school_va", campaign.pk, campaign.va_paper_id, campaign.va_prior_id),
                 lambda: _school_value_added(campaign))


def _school_value_added(campaign: Campaign) -> dict[str, SchoolValueAdded]:
    paper, prior = campaign.va_paper, campaign.va_prior
    if paper is None or prior is None:
        return {}
    units, rows = _value_added(paper, prior, lambda now: school_units(now.school_idx, now.school_codes,
                                                                       now.school_names))
    return {units.school_codes[i]: va for i, va in rows.items()}


def teacher_value_added(campaign: Campaign) -> dict[int, SchoolValueAdded]:
    """Each teacher's value added (by person id) over the classes they taught the paper's subject
    in the exam's term (依学评教, quality's teacher units), on every linked student of the exam."""
    return _memo(("teacher_va", campaign.pk, campaign.va_paper_id, campaign.va_prior_id),
                 lambda: _teacher_value_added(campaign))


def _teacher_value_added(campaign: Campaign) -> dict[int, SchoolValueAdded]:
    paper, prior = campaign.va_paper, campaign.va_prior
    if paper is None or prior is None:
        return {}
    assignment = class_teacher_assignments(paper)
    ids: list[int] = []

    def units_of(now: PaperScoresFlat) -> Units:
        # teacher_units numbers the teachers in the order their first class appears.
        for key in now.class_keys:
            t = assignment.get(key)
            if t is not None and t[0] not in ids:
                ids.append(t[0])
        return teacher_units(now.class_keys, now.class_idx, assignment)

    _, rows = _value_added(paper, prior, units_of, unit="teacher")
    return {ids[i]: va for i, va in rows.items()}


def _value_added(paper: Paper, prior: Paper, units_of: Callable[[PaperScoresFlat], Units], *, unit: VAUnit = "school"
                 ) -> tuple[Units, dict[int, SchoolValueAdded]]:
    """quality's value-added model over the units `units_of` makes of the paper's students:
    {unit index: its value added}."""
    now = flat_scores(paper, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    before = flat_scores(prior, cheat_as_zero=prior.exam.cheat_policy == CheatPolicy.ZERO)
    prior_scores = link_prior(now.student_ids, before.student_ids, before.scores)
    units = units_of(now)
    y1, y0, group = units.inputs(now.scores, prior_scores)
    if int(np.isfinite(y0).sum()) < 3 or not units.names:
        return units, {}
    res: dict[str, Any] = value_added(y1, y0, group, units.names, unit=unit,
                                      min_group_size=paper.exam.min_group_size,
                                      outcome_label=f"{paper.exam.name}{paper.subject.name}成绩",
                                      prior_label=f"{prior.exam.name}{prior.subject.name}成绩",
                                      default=paper.exam.va_model)
    return units, {r["index"]: SchoolValueAdded(r["effect"], r["se"], r["lower"], r["upper"], r["n"], r["reported"],
                                                res["main"]["model"], res["main"]["explanation"])
                   for r in res["rows"]}


def value_added_prefill(subject: CampaignSubject) -> dict[str, Prefilled]:
    campaign = subject.campaign
    code = campaign.value_added_code
    if not code:
        return {}
    node = next((n for n in rubrics.leaves(campaign.version.nodes) if n["code"] == code), None)
    points = rubrics.node_value(node) if node is not None else None
    if campaign.kind == CampaignKind.TEACHER:
        va = teacher_value_added(campaign).get(subject.person_id) if subject.person_id else None
    else:
        va = school_value_added(campaign).get(subject.school.code)
    if va is None or points is None:
        return {}
    pts = value_added_points(va.effect, va.se, points) if va.reported else None
    if pts is None:
        return {}
    return {code: {"value": pts, "source": value_added_text(va)}}


def value_added_text(va: SchoolValueAdded) -> str:
    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:+.2f}"
    return (f"增值 {f(va.effect)} 分（标准误 {va.se:.2f}，95%区间 {f(va.lower)}～{f(va.upper)}，"
            f"关联学生 {va.n} 人）" if va.se is not None else f"增值 {f(va.effect)} 分（关联学生 {va.n} 人）")


def prefill_for(subject: CampaignSubject) -> dict[str, Prefilled]:
    """The first stage's pre-filled values for the subject's kind, only for codes the rubric has."""
    return dict(_memo(("subject", subject.pk), lambda: _prefill_for(subject)))


def _prefill_for(subject: CampaignSubject) -> dict[str, Prefilled]:
    campaign = subject.campaign
    codes = {n["code"] for n in rubrics.leaves(campaign.version.nodes) if rubrics.rateable(n)}
    out: dict[str, Prefilled] = {}
    if campaign.kind == CampaignKind.GROUP:
        facts = group_facts(subject)
        if facts is not None:
            out.update(group_prefill(facts))
    if campaign.kind in (CampaignKind.SCHOOL, CampaignKind.PRINCIPAL, CampaignKind.TEACHER):
        out.update(value_added_prefill(subject))
    return {code: p for code, p in out.items() if code in codes}
