"""Who may see and do what in the researcher appraisal, built on core/access.py.

- An institution's head and its admin run the appraisal of their node (start, standards, adjust,
  open the ratings, publish) and read every entry, figure and record list of it.
- A bureau viewer over the node reads the appraisal and its entries.
- A researcher reads their own entry once the appraisal is published (and the records behind
  their own figures).
- Teachers and school managers at schools of the node answer the rating questionnaire while it is
  open; a school manager answers for the school.
Every refusal is a 404, so an outsider does not learn that an appraisal exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from appraisal.models import AppraisalStatus, RaterKind, ResearcherAppraisal, ResearcherEntry
from core.access import SCHOOL_MANAGER_ROLES, AnyUser, scope_of
from core.models import OrgKind, OrgNode, Role
from core.paths import ancestor_paths

RUNNER_ROLES = (Role.INSTITUTE_HEAD, Role.ADMIN)
READER_ROLES = (*RUNNER_ROLES, Role.BUREAU_VIEWER)
RATER_ROLES = (Role.TEACHER, Role.GROUP_LEADER, Role.PREP_LEADER, Role.HOMEROOM, *SCHOOL_MANAGER_ROLES)


def _reader_paths(user: AnyUser, roles: tuple[str, ...]) -> list[str]:
    return [g.path for g in scope_of(user).grants if g.role in roles]


def appraisals_visible_to(user: AnyUser) -> QuerySet[ResearcherAppraisal]:
    """Appraisals of nodes the user reads as a runner or viewer, and published ones the user is
    appraised in."""
    scope = scope_of(user)
    qs = ResearcherAppraisal.objects.select_related("region")
    if scope.is_sysadmin:
        return qs
    q = Q(pk__in=[])
    for path in _reader_paths(user, READER_ROLES):
        q |= Q(region__path__startswith=path)
    if scope.person_id is not None:
        q |= Q(status=AppraisalStatus.PUBLISHED, entries__person_id=scope.person_id)
    return qs.filter(q).distinct()


def can_run(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, RUNNER_ROLES)


def can_read_all(user: AnyUser, appraisal: ResearcherAppraisal) -> bool:
    return scope_of(user).has_role_over(appraisal.region.path, READER_ROLES)


def runnable_regions(user: AnyUser) -> list[OrgNode]:
    """The nodes the user may start an appraisal for: their head or admin posts' nodes."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("depth", "path")[:50])
    ids = [g.node_id for g in scope.grants if g.role in RUNNER_ROLES and g.node_kind != OrgKind.SCHOOL]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def entries_visible_to(user: AnyUser, appraisal: ResearcherAppraisal) -> QuerySet[ResearcherEntry]:
    qs = appraisal.entries.select_related("person", "post_org", "subject")
    if can_read_all(user, appraisal):
        return qs
    person_id = scope_of(user).person_id
    if appraisal.status == AppraisalStatus.PUBLISHED and person_id is not None:
        return qs.filter(person_id=person_id)
    return qs.none()


def get_appraisal_for_user(user: AnyUser, appraisal_id: int, *, run: bool = False) -> ResearcherAppraisal:
    appraisal = appraisals_visible_to(user).filter(pk=appraisal_id).first()
    if appraisal is None or (run and not can_run(user, appraisal.region)):
        raise Http404("没有找到该考核")
    return appraisal


def get_entry_for_user(user: AnyUser, entry_id: int, *, run: bool = False) -> ResearcherEntry:
    entry = (ResearcherEntry.objects.select_related("appraisal", "appraisal__region", "person", "post_org", "subject")
             .filter(pk=entry_id).first())
    if entry is None:
        raise Http404("没有找到该考核结果")
    if run:
        allowed = can_run(user, entry.appraisal.region)
    else:
        allowed = entries_visible_to(user, entry.appraisal).filter(pk=entry.pk).exists()
    if not allowed:
        raise Http404("没有找到该考核结果")
    return entry


def rater_kind(user: AnyUser, appraisal: ResearcherAppraisal) -> str | None:
    """How the user rates in this appraisal (a school manager for the school, a teacher for
    themselves), None when they do not rate it."""
    scope = scope_of(user)
    region = appraisal.region.path
    grants = [g for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.path.startswith(region)]
    if any(g.role in SCHOOL_MANAGER_ROLES for g in grants):
        return RaterKind.SCHOOL
    if any(g.role in RATER_ROLES for g in grants):
        return RaterKind.TEACHER
    return None


def ratable_appraisals(user: AnyUser) -> QuerySet[ResearcherAppraisal]:
    """Appraisals whose questionnaire is open to the user (over a school the user works at)."""
    scope = scope_of(user)
    paths = [g.path for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.role in RATER_ROLES]
    if not paths:
        return ResearcherAppraisal.objects.none()
    ancestors = {a for p in paths for a in ancestor_paths(p)}
    return ResearcherAppraisal.objects.select_related("region").filter(
        status=AppraisalStatus.RATING, region__path__in=ancestors)


def appraisals_to_check(user: AnyUser) -> list[ResearcherAppraisal]:
    """Computed appraisals the user runs, not yet open for rating: the window in which the
    figures are checked and adjusted before the questionnaire opens (the system administrator,
    who may run any, is nobody's runner here)."""
    scope = scope_of(user)
    if scope.is_sysadmin or not any(g.role in RUNNER_ROLES for g in scope.grants):
        return []  # can_run would refuse every row: no query
    rows = appraisals_visible_to(user).filter(status=AppraisalStatus.COMPUTED).order_by("-year", "region__path")
    return [a for a in rows[:50] if can_run(user, a.region)]
