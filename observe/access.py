"""Who may see and do what with observations, rubric templates and teaching archives.

Built only from core.access primitives (scope_of, grants, people_visible_to). An observation is a
personal record (DESIGN.md "Access policy"), so its content is visible to:

- its observer (drafts included) and its observed teacher (once submitted);
- the school's managers (principal, vice principal, middle manager) for their school;
- researchers and institute heads over the school, narrowed to their subject when their post
  has one (a county Chinese researcher sees the county's Chinese lessons only).

A developmental (指导) observation is between observer and teacher: until the teacher releases
it, managers and researchers do not see its content, and it never feeds appraisal, rankings or
score analyses (`observations_for_appraisal_visible_to`). It still counts, as a bare number,
toward the observer's quota and the school's coverage (004 (一)1 counts lessons observed,
whatever their purpose), through `observation_facts_visible_to`.

Every single object is fetched through a `get_*_for_user` function that raises Http404 both for
"missing" and for "not yours".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import AnyUser, Grant, Scope, people_visible_to, scope_of
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode, Person, Role
from observe.models import (
    ArchiveNote,
    Observation,
    ObservationAggregate,
    ObservationAttachment,
    ObservationQuerySet,
    ObservationStatus,
    Purpose,
    RubricTemplate,
    RubricVersion,
    VersionStatus,
)

# Roles at a school whose holders read the school's observations and see the quota page.
SCHOOL_OBSERVATION_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER)
# Region roles that read observations of the schools below (the researchers over the school).
REGION_OBSERVATION_ROLES = (Role.INSTITUTE_HEAD, *RESEARCHER_ROLES)
# Region roles that read quota figures (counts and names, no lesson content).
REGION_QUOTA_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.BUREAU_VIEWER, *RESEARCHER_ROLES)
# Who may build and publish rubric templates for a node's subtree: a region's admin, institute
# head and full-time researchers; a school's principal and vice principal.
REGION_DESIGNER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)
SCHOOL_DESIGNER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
# Quota subjects (LEAD.OBSERVE_HEAD and LEAD.OBSERVE_MIDDLE).
HEAD_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
MIDDLE_ROLES = (Role.MIDDLE_MANAGER,)


def _grant_q(g: Grant, *, released_only: bool) -> Q | None:
    """The observations one grant opens to its holder, or None."""
    if g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL:
        q = Q(school__path__startswith=g.path)
    elif g.role in REGION_OBSERVATION_ROLES:
        q = Q(school__path__startswith=g.path)
        if g.role in RESEARCHER_ROLES and g.subject_id is not None:
            q &= Q(subject_id=g.subject_id)
    else:
        return None
    if released_only:
        q &= Q(purpose=Purpose.EVALUATIVE) | Q(released_at__isnull=False)
    return q & Q(status=ObservationStatus.SUBMITTED)


def _observations_q(scope: Scope, *, appraisal: bool) -> Q:
    parts: list[Q] = []
    for g in scope.grants:
        q = _grant_q(g, released_only=True)
        if q is not None:
            parts.append(q)
    if scope.person_id is not None and not appraisal:
        parts.append(Q(observer_id=scope.person_id))
        parts.append(Q(teacher_id=scope.person_id, status=ObservationStatus.SUBMITTED))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def observations_visible_to(user: AnyUser) -> ObservationQuerySet:
    """Observations whose content the user may read."""
    scope = scope_of(user)
    qs = Observation.objects.with_refs()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_observations_q(scope, appraisal=False))


def observations_for_appraisal_visible_to(user: AnyUser) -> ObservationQuerySet:
    """What may feed appraisal, rankings and score analyses: submitted, evaluative or released,
    and visible to the user through a school or region post. A teacher's own developmental
    observations stay out even for the teacher's own view of a ranking."""
    scope = scope_of(user)
    qs = Observation.objects.with_refs().submitted().for_appraisal()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_observations_q(scope, appraisal=True))


def observation_facts_visible_to(user: AnyUser) -> ObservationQuerySet:
    """Submitted observations of schools in the user's quota scope, for counting only (quota,
    coverage, counts by kind). Views must read no lesson content from these rows."""
    scope = scope_of(user)
    qs = Observation.objects.submitted()
    if scope.is_sysadmin:
        return qs
    parts = [Q(school__path__startswith=g.path) for g in scope.grants
             if (g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL)
             or g.role in REGION_QUOTA_ROLES]
    if scope.person_id is not None:
        parts.append(Q(observer_id=scope.person_id))
    return qs.filter(reduce(or_, parts)) if parts else qs.none()


def quota_roots(user: AnyUser) -> list[str]:
    """Paths under which the user may read quota pages (a school for its managers, a region's
    subtree for its researchers, heads, viewers and admins)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return [""]
    return sorted({g.path for g in scope.grants
                   if (g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL)
                   or g.role in REGION_QUOTA_ROLES})


def can_read_quota(user: AnyUser, node: OrgNode) -> bool:
    return any(node.path.startswith(p) for p in quota_roots(user))


def can_observe(user: AnyUser) -> bool:
    """Anyone with a person record and a post may record lessons they observe."""
    scope = scope_of(user)
    return scope.person_id is not None and bool(scope.grants)


def observable_teachers(user: AnyUser) -> QuerySet[Person]:
    """Teachers the user may record an observation of: people they can see, at a school."""
    scope = scope_of(user)
    qs = people_visible_to(user).filter(org__kind=OrgKind.SCHOOL, is_active=True)
    if scope.person_id is not None:
        qs = qs.exclude(pk=scope.person_id)
    return qs


def get_observation_for_user(user: AnyUser, observation_id: int, *, write: bool = False) -> Observation:
    """One observation; with write=True only its observer may change it, and only as a draft."""
    obs = observations_visible_to(user).filter(pk=observation_id).first()
    if obs is None:
        raise Http404("没有找到该听课记录")
    if write:
        scope = scope_of(user)
        if obs.observer_id != scope.person_id or obs.status != ObservationStatus.DRAFT:
            raise Http404("没有找到该听课记录")
    return obs


def get_observation_for_teacher(user: AnyUser, observation_id: int) -> Observation:
    """A submitted observation of the user's own lesson (acknowledge, reflect, release)."""
    scope = scope_of(user)
    obs = (Observation.objects.with_refs()
           .filter(pk=observation_id, teacher_id=scope.person_id, status=ObservationStatus.SUBMITTED).first()
           if scope.person_id is not None else None)
    if obs is None:
        raise Http404("没有找到该听课记录")
    return obs


def get_attachment_for_user(user: AnyUser, attachment_id: int) -> ObservationAttachment:
    att = (ObservationAttachment.objects.filter(pk=attachment_id,
                                                observation__in=observations_visible_to(user).values("pk"))
           .select_related("observation").first())
    if att is None:
        raise Http404("没有找到该附件")
    return att


# ---------------------------------------------------------------- teachers' archives


def can_read_archive(user: AnyUser, person: Person) -> bool:
    """The teacher, the school's managers, and researchers over the school, a subject
    researcher only for teachers of that subject; not the teacher's colleagues (a colleague's
    teacher post opens the school's people list, not their archives)."""
    scope = scope_of(user)
    if scope.is_sysadmin or scope.person_id == person.pk:
        return True
    path = person.org.path
    subjects: set[int | None] | None = None
    for g in scope.grants:
        if not path.startswith(g.path):
            continue
        if g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL:
            return True
        if g.role in REGION_OBSERVATION_ROLES:
            if g.role not in RESEARCHER_ROLES or g.subject_id is None:
                return True
            if subjects is None:
                subjects = {person.main_subject_id} | set(person.subjects.values_list("pk", flat=True))
            if g.subject_id in subjects:
                return True
    return False


def archives_readable(user: AnyUser, person_ids: Iterable[int]) -> set[int]:
    """Which of these people's archives `user` may open (two queries): pages listing teachers
    (the quota page's unobserved teachers) link only those archives."""
    people = (Person.objects.filter(pk__in=list(person_ids)).select_related("org")
              .prefetch_related("subjects"))
    return {p.pk for p in people if can_read_archive(user, p)}


def can_write_archive(user: AnyUser, person: Person) -> bool:
    """Who writes notes into a teacher's archive (growth records, follow-ups of problems): the
    teacher, and the leaders of the teacher's school (004 (一)4 makes the school keep it)."""
    scope = scope_of(user)
    if scope.is_sysadmin or scope.person_id == person.pk:
        return True
    return any(g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL
               and person.org.path.startswith(g.path) for g in scope.grants)


def archive_notes_visible_to(user: AnyUser, person: Person) -> QuerySet[ArchiveNote]:
    """A teacher's archive notes, for whoever may read the archive."""
    if not can_read_archive(user, person):
        return ArchiveNote.objects.none()
    return ArchiveNote.objects.filter(person=person).select_related("created_by")


def get_archive_note_for_user(user: AnyUser, note_id: int, *, write: bool = False) -> ArchiveNote:
    """A note by id; writing (deleting) it is for its author and the school's leaders."""
    note = ArchiveNote.objects.filter(pk=note_id).select_related("person__org", "created_by").first()
    if note is None or not can_read_archive(user, note.person):
        raise Http404("没有找到该记录")
    if write and not (can_write_archive(user, note.person)
                      and (note.created_by_id == user.pk or scope_of(user).person_id != note.person_id)):
        raise Http404("没有找到该记录")
    return note


def get_archive_person_for_user(user: AnyUser, code: str) -> Person:
    person = people_visible_to(user).filter(code=code).select_related("org", "main_subject").first()
    if person is None or not can_read_archive(user, person):
        raise Http404("没有找到该教师")
    return person


# ---------------------------------------------------------------- rubric templates


def templates_visible_to(user: AnyUser) -> QuerySet[RubricTemplate]:
    """Built-ins, templates owned by a node above or at one of the user's posts (offered to its
    subtree), and templates owned inside the user's subtrees (their designers' work)."""
    scope = scope_of(user)
    qs = RubricTemplate.objects.select_related("owner")
    if scope.is_sysadmin:
        return qs
    ancestors: set[str] = set()
    for g in scope.grants:
        parts = [x for x in g.path.split("/") if x]
        ancestors.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    q = Q(is_builtin=True) | Q(owner__path__in=ancestors)
    for p in scope.paths:
        q |= Q(owner__path__startswith=p)
    return qs.filter(q)


def offered_versions(user: AnyUser, *, purpose: str | None = None) -> QuerySet[RubricVersion]:
    """Published versions the user can score with (the newest of each template is the default)."""
    qs = RubricVersion.objects.filter(status=VersionStatus.PUBLISHED,
                                      template__in=templates_visible_to(user).values("pk")).select_related("template")
    if purpose:
        qs = qs.filter(template__purpose=purpose)
    return qs.order_by("template__name", "-number")


def design_roots(user: AnyUser) -> list[OrgNode]:
    """Nodes whose templates the user may design and publish."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.filter(parent__isnull=True))
    ids = [g.node_id for g in scope.grants
           if (g.role in REGION_DESIGNER_ROLES and g.node_kind != OrgKind.SCHOOL)
           or (g.role in SCHOOL_DESIGNER_ROLES and g.node_kind == OrgKind.SCHOOL)]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def can_design(user: AnyUser, template: RubricTemplate) -> bool:
    """Built-ins are read-only for everyone but the system admin (regions copy and adapt them)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if template.owner is None:
        return False
    return any(template.owner.path.startswith(n.path) for n in design_roots(user))


def get_template_for_user(user: AnyUser, template_id: int, *, write: bool = False) -> RubricTemplate:
    template = templates_visible_to(user).filter(pk=template_id).first()
    if template is None or (write and not can_design(user, template)):
        raise Http404("没有找到该评价模板")
    return template


def observation_aggregates_visible_to(user: AnyUser, node: OrgNode
                                      ) -> tuple[QuerySet[ObservationAggregate], QuerySet[ObservationAggregate]] | None:
    """The aggregate rows (observe.aggregates) of `node` the user may merge: (rows for the
    counts, rows for the scores). They give the same figures as `observation_facts_visible_to`
    and `observations_for_appraisal_visible_to` filtered to the node's subtree, so they are
    offered only when the user's grants cover the whole subtree (else None: read observations).
    Scores are narrowed to the subjects of subject-bound researcher grants."""
    scope = scope_of(user)
    rows = ObservationAggregate.objects.filter(node=node)
    if scope.is_sysadmin:
        return rows, rows
    covering = [g for g in scope.grants if node.path.startswith(g.path)]
    facts = any((g.role in SCHOOL_OBSERVATION_ROLES and g.node_kind == OrgKind.SCHOOL) or g.role in REGION_QUOTA_ROLES
                for g in covering)
    if not facts:
        return None
    readers = [g for g in covering if _grant_q(g, released_only=True) is not None]
    if any(g.role not in RESEARCHER_ROLES or g.subject_id is None for g in readers):
        return rows, rows
    return rows, rows.filter(subject_id__in=[g.subject_id for g in readers])
