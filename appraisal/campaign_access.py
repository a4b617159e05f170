"""Who may see and do what in campaigns, built on core/access.py.

- The organiser's institution (region posts at the organiser node or above it) sees every subject
  of its campaigns; its admin, head and full-time researchers run them (create, assign, publish,
  handle objections, select).
- An assessor sees only the subjects they assess: named assessors of a stage the subjects under
  their range, a school's principal and vice principal the subjects of their school (the 学校
  stage).
- A subject sees only its own record: a 教研组's leader their group, a principal themself, a
  school's principal their school (the 自评 stage); its final result only once published.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from appraisal.campaign_rules import Stage, next_stage
from appraisal.models.campaigns import (
    Campaign,
    CampaignAssessor,
    CampaignKind,
    CampaignStatus,
    CampaignSubject,
    Objection,
    ObjectionStatus,
    Selection,
    StageScore,
)
from core.access import AnyUser, people_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, Person, Role
from core.paths import ancestor_paths, under_q
from quality.access import exams_visible_to
from quality.models import Paper

RUNNER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)
SCHOOL_ASSESSOR_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def _region_paths(user: AnyUser) -> list[str]:
    return sorted({g.path for g in scope_of(user).grants if g.role in REGION_ROLES})


def _school_ids(user: AnyUser, roles: tuple[str, ...]) -> list[int]:
    return sorted({g.node_id for g in scope_of(user).grants if g.role in roles and g.node_kind == OrgKind.SCHOOL})


def can_run_at(user: AnyUser, org: OrgNode) -> bool:
    """Create and run campaigns organised by `org` (a region, never a school)."""
    return org.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(org.path, RUNNER_ROLES)


def can_run(user: AnyUser, campaign: Campaign) -> bool:
    return can_run_at(user, campaign.org)


def is_organiser(user: AnyUser, campaign: Campaign) -> bool:
    return scope_of(user).has_role_over(campaign.org.path, REGION_ROLES)


def run_roots(user: AnyUser) -> list[OrgNode]:
    """The regions where the user may organise a campaign."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("depth", "path")[:50])
    ids = [g.node_id for g in scope.grants if g.role in RUNNER_ROLES and g.node_kind != OrgKind.SCHOOL]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def _self_q(user: AnyUser) -> Q:
    scope = scope_of(user)
    parts = []
    if scope.person_id is not None:
        parts.append(Q(person_id=scope.person_id) | Q(leader_id=scope.person_id))
    schools = _school_ids(user, (Role.PRINCIPAL,))
    if schools:
        parts.append(Q(campaign__kind=CampaignKind.SCHOOL, school_id__in=schools))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _named_stages(user: AnyUser) -> list[tuple[int, str, str | None]]:
    """(campaign id, stage key, range path or None) of each stage the user is named to assess."""
    pid = scope_of(user).person_id
    return ([] if pid is None else
            list(CampaignAssessor.objects.filter(person_id=pid).values_list("campaign_id", "stage", "within__path")))


def _assessor_q(user: AnyUser, named: list[tuple[int, str, str | None]] | None = None) -> Q:
    parts: list[Q] = []
    schools = _school_ids(user, SCHOOL_ASSESSOR_ROLES)
    if schools:
        parts.append(Q(school_id__in=schools) & ~Q(campaign__kind=CampaignKind.SCHOOL))
    if scope_of(user).person_id is not None:
        for campaign_id, _stage, within in (named if named is not None else _named_stages(user)):
            q = Q(campaign_id=campaign_id)
            if within:
                q &= Q(school__path__startswith=within)
            parts.append(q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


def subjects_visible_to(user: AnyUser) -> QuerySet[CampaignSubject]:
    qs = CampaignSubject.objects.select_related("campaign", "campaign__org", "school", "group", "person", "leader")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    q = _self_q(user) | _assessor_q(user)
    paths = _region_paths(user)
    if paths:
        q |= under_q(paths, "campaign__org__path")
    return qs.filter(q)


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("org", "version", "version__template")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    q = Q(pk__in=subjects_visible_to(user).values("campaign_id"))
    paths = _region_paths(user)
    if paths:
        q |= under_q(paths, "org__path")
    return qs.filter(q)


def objections_visible_to(user: AnyUser) -> QuerySet[Objection]:
    return Objection.objects.filter(subject__in=subjects_visible_to(user).values("pk")).select_related(
        "subject", "subject__campaign", "raised_by", "handled_by")


def selections_visible_to(user: AnyUser) -> QuerySet[Selection]:
    """A selection is public to everyone under its region (an award is announced) and above it."""
    qs = Selection.objects.select_related("org", "campaign")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    if not scope.grants:
        return qs.none()
    q = reduce(or_, [Q(org__path__startswith=g.path) | Q(org__path__in=_ancestors(g.path)) for g in scope.grants])
    return qs.filter(q)


def _ancestors(path: str) -> list[str]:
    return ancestor_paths(path)


# ---------------------------------------------------------------- what one user is to one subject


def is_self(user: AnyUser, subject: CampaignSubject) -> bool:
    scope = scope_of(user)
    pid = scope.person_id
    if pid is not None and pid in (subject.person_id, subject.leader_id):
        return True
    return subject.campaign.kind == CampaignKind.SCHOOL and subject.school_id in _school_ids(user, (Role.PRINCIPAL,))


def can_score_stage(user: AnyUser, subject: CampaignSubject, stage: Stage) -> bool:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    who = stage["who"]
    if who == "self":
        return is_self(user, subject)
    if who == "school":
        return subject.school_id in _school_ids(user, SCHOOL_ASSESSOR_ROLES)
    if scope.person_id is None:
        return False
    for within in (CampaignAssessor.objects.filter(campaign_id=subject.campaign_id, stage=stage["key"],
                                                   person_id=scope.person_id).values_list("within__path", flat=True)):
        if not within or subject.school.path.startswith(within):
            return True
    return False


def can_see_scores(user: AnyUser, subject: CampaignSubject) -> bool:
    """Stage scores: the organiser and the subject's assessors; the subject its own after publication."""
    if is_organiser(user, subject.campaign) or scope_of(user).is_sysadmin:
        return True
    if _assessor_matches(user, subject):
        return True
    return is_self(user, subject)


def _assessor_matches(user: AnyUser, subject: CampaignSubject) -> bool:
    return any(can_score_stage(user, subject, s) for s in subject.campaign.stages if s["who"] != "self")


def can_see_result(user: AnyUser, subject: CampaignSubject) -> bool:
    published = subject.campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.CLOSED)
    return is_organiser(user, subject.campaign) or scope_of(user).is_sysadmin or (
        published and (is_self(user, subject) or _assessor_matches(user, subject)))


# ---------------------------------------------------------------- single objects


def get_campaign_for_user(user: AnyUser, campaign_id: int, *, write: bool = False) -> Campaign:
    campaign = campaigns_visible_to(user).filter(pk=campaign_id).first()
    if campaign is None or (write and not can_run(user, campaign)):
        raise Http404("没有找到该考评活动")
    return campaign


def get_subject_for_user(user: AnyUser, subject_id: int) -> CampaignSubject:
    subject = subjects_visible_to(user).filter(pk=subject_id).first()
    if subject is None:
        raise Http404("没有找到该考评对象")
    return subject


def get_objection_for_user(user: AnyUser, objection_id: int, *, write: bool = False) -> Objection:
    objection = objections_visible_to(user).filter(pk=objection_id).first()
    if objection is None or (write and not can_run(user, objection.subject.campaign)):
        raise Http404("没有找到该申诉")
    return objection


def get_selection_for_user(user: AnyUser, selection_id: int) -> Selection:
    selection = selections_visible_to(user).filter(pk=selection_id).first()
    if selection is None:
        raise Http404("没有找到该评选")
    return selection


# ---------------------------------------------------------------- pickers of the campaign pages


def assessor_candidates(user: AnyUser, campaign: Campaign) -> QuerySet[Person]:
    """People the runner may name as assessors: visible people at or under the organiser, or at
    the institutions above it (a city researcher joining a county's panel)."""
    return (people_visible_to(user).filter(Q(org__path__startswith=campaign.org.path)
                                           | Q(org__path__in=_ancestors(campaign.org.path)))
            .select_related("org").order_by("org__path", "pinyin")
            if can_run(user, campaign) else Person.objects.none())


def range_candidates(campaign: Campaign) -> QuerySet[OrgNode]:
    """Nodes an assessor's range may be: the organiser and the nodes under it."""
    return OrgNode.objects.under(campaign.org.path).order_by("path")


def papers_for_value_added(user: AnyUser) -> QuerySet[Paper]:
    """Papers with scores the user sees: the two exams of a value-added indicator."""
    return (Paper.objects.filter(exam__in=exams_visible_to(user), blocks__isnull=False).distinct()
            .select_related("exam", "subject").order_by("-exam__held_on", "subject__sort"))


# ---------------------------------------------------------------- the workbench's to-dos

WAITING_LIMIT = 500


def subjects_waiting_for(user: AnyUser) -> list[tuple[CampaignSubject, Stage]]:
    """The subjects of campaigns under assessment whose next stage (the first not yet submitted)
    is the user's to score: their own self-assessment, their school's stage, or a stage they are
    named for within their range. Three queries whatever the number of subjects; the system
    administrator, who may score anything, is nobody's assessor."""
    scope = scope_of(user)
    if scope.is_sysadmin or not scope.grants:
        return []
    # Only the subjects the user is to or assesses: an organiser's view of every subject of its
    # campaigns is no list of things to score. These subjects are all visible to the user (they
    # are two of the three parts of subjects_visible_to), so that filter is not repeated; the
    # named stages are read once, for the filter and for the stages below. Only the columns the
    # to-do shows and the stage rules read.
    named_rows = _named_stages(user)
    subjects = list(CampaignSubject.objects.filter(_self_q(user) | _assessor_q(user, named_rows),
                                                   campaign__status=CampaignStatus.ASSESSING)
                    .select_related("campaign", "school")
                    .only("campaign_id", "school_id", "person_id", "leader_id", "label", "campaign__kind",
                          "campaign__title", "campaign__stages", "school__path")
                    .order_by("campaign_id", "school__path", "label")[:WAITING_LIMIT])
    if not subjects:
        return []
    done: dict[int, set[str]] = {}
    for subject_id, stage in (StageScore.objects.filter(subject__in=[s.pk for s in subjects],
                                                        submitted_at__isnull=False)
                              .values_list("subject_id", "stage")):
        done.setdefault(subject_id, set()).add(stage)
    named: dict[tuple[int, str], list[str]] = {}
    for campaign_id, stage_key, within in named_rows:
        named.setdefault((campaign_id, stage_key), []).append(within or "")
    schools = set(_school_ids(user, SCHOOL_ASSESSOR_ROLES))
    out = []
    for s in subjects:
        st = next_stage(s.campaign.stages, done.get(s.pk, set()))
        if st is None:
            continue
        if st["who"] == "self":
            mine = is_self(user, s)
        elif st["who"] == "school":
            mine = s.school_id in schools
        else:
            mine = any(s.school.path.startswith(w) for w in named.get((s.campaign_id, st["key"]), []))
        if mine:
            out.append((s, st))
    return out


def objections_to_handle(user: AnyUser) -> list[Objection]:
    """Open objections of the campaigns the user runs (the organiser's admin, head, researchers):
    `can_run` as a filter (the organiser a region under one of the user's runner posts). Every
    such objection is visible to the user (runner roles are region roles, whose subtrees'
    campaigns they see)."""
    scope = scope_of(user)
    if scope.is_sysadmin or not scope.grants:
        return []
    paths = sorted({g.path for g in scope.grants if g.role in RUNNER_ROLES})
    if not paths:
        return []
    return list(Objection.objects.filter(under_q(paths, "subject__campaign__org__path"), status=ObjectionStatus.OPEN)
                .exclude(subject__campaign__org__kind=OrgKind.SCHOOL)
                .select_related("subject__campaign")
                .only("subject_id", "raised_on", "subject__label", "subject__campaign_id", "subject__campaign__title")
                .order_by("raised_on", "pk")[:WAITING_LIMIT])
