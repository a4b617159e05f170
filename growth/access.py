"""Who may see and do what with the growth records. Built only from core.access primitives.

- A person's own records (training, rotation stints, awards, certificates, programme
  memberships, studio memberships) are visible to the person; to the managers (principal, vice
  principal, middle manager) of the school that employs them; and to the region roles (admin,
  institute head, researchers, bureau viewer) whose subtree holds them, a subject researcher
  narrowed to the people of their subject, as everywhere (core.access._people_q).
- Programmes, competitions, studios and base schools belong to the region that runs them; they
  are visible to everyone whose posts lie in that region's subtree or above it (a teacher sees
  the county's, the city's and the province's programmes; a county B teacher not county A's).
- The institution's managers (the admin and institute head at the region or above) edit
  programmes, competitions, studios and bases, and record people's training, rotation,
  awards and certificates in their subtree; a school's principal and vice principal record
  their staff's training, awards and certificates.

Single objects come through `get_*_for_user`, which raise Http404 for "missing" and "not yours".
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Scope, _people_q, people_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, Person, PersonQuerySet, Role
from core.paths import subtree_or_ancestors_q, under_q
from growth.models import (
    Award,
    BaseSchool,
    Competition,
    ProgrammeMember,
    PsyCertificate,
    RotationStint,
    Studio,
    TalentProgramme,
    TrainingRecord,
)

# The institution's managers: they run programmes, competitions, studios and bases.
MANAGER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)
# School roles that record their staff's training, awards and certificates.
SCHOOL_RECORDER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def _records_scope(scope: Scope) -> Scope:
    """The scope narrowed to the grants that see people's growth records: region roles, and the
    managers of a school (a teacher's post at a school does not show colleagues' records)."""
    grants = tuple(g for g in scope.grants
                   if (g.node_kind != OrgKind.SCHOOL and g.role in REGION_ROLES)
                   or (g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES))
    return replace(scope, grants=grants)


def record_people_q(user: AnyUser, prefix: str = "person__") -> Q:
    """Lookups on a model pointing to a person (through `prefix`): whose records the user sees."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return Q()
    return _people_q(_records_scope(scope), prefix)


def record_people_visible_to(user: AnyUser) -> PersonQuerySet:
    """People whose growth records the user sees (the user included)."""
    return Person.objects.filter(record_people_q(user, ""))


def trainings_visible_to(user: AnyUser) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(record_people_q(user)).select_related("person", "person__org")


def rotations_visible_to(user: AnyUser) -> QuerySet[RotationStint]:
    return RotationStint.objects.filter(record_people_q(user)).select_related("person", "school", "subject")


def awards_visible_to(user: AnyUser) -> QuerySet[Award]:
    return Award.objects.filter(record_people_q(user)).select_related("person", "person__org", "competition")


def certificates_visible_to(user: AnyUser) -> QuerySet[PsyCertificate]:
    return PsyCertificate.objects.filter(record_people_q(user)).select_related("person", "person__org")


def members_visible_to(user: AnyUser) -> QuerySet[ProgrammeMember]:
    return (ProgrammeMember.objects.filter(record_people_q(user), programme__in=programmes_visible_to(user))
            .select_related("person", "person__org", "tier", "programme"))


def _region_q(user: AnyUser, field: str = "region__path") -> Q | None:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return None
    if not scope.paths:
        return Q(pk__in=[])
    return subtree_or_ancestors_q(scope.paths, field)


def _regional(qs: QuerySet, user: AnyUser) -> QuerySet:  # type: ignore[type-arg]  # any regional model
    q = _region_q(user)
    return qs if q is None else qs.filter(q)


def programmes_visible_to(user: AnyUser) -> QuerySet[TalentProgramme]:
    return _regional(TalentProgramme.objects.select_related("region"), user)


def competitions_visible_to(user: AnyUser) -> QuerySet[Competition]:
    return _regional(Competition.objects.select_related("region", "subject"), user)


def studios_visible_to(user: AnyUser) -> QuerySet[Studio]:
    qs = Studio.objects.select_related("region", "school", "host", "subject")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    q = _region_q(user)
    assert q is not None
    # The studio's own school sees it too (its region may be the city above the school's county).
    return qs.filter(q | under_q(scope.paths, "school__path"))


def bases_visible_to(user: AnyUser) -> QuerySet[BaseSchool]:
    qs = BaseSchool.objects.select_related("region", "school", "subject")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    q = _region_q(user)
    assert q is not None
    return qs.filter(q | under_q(scope.paths, "school__path"))


# ---------------------------------------------------------------- permissions


def can_manage_region(user: AnyUser, region: OrgNode) -> bool:
    """Run programmes, competitions, studios and bases of `region`: its institution's managers."""
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, MANAGER_ROLES)


def managed_regions(user: AnyUser) -> list[OrgNode]:
    """The regions the user runs programmes for: their own manager posts' nodes."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.regions().order_by("depth", "path")[:200])
    ids = [g.node_id for g in scope.grants if g.role in MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def can_record_for(user: AnyUser, person: Person) -> bool:
    """Record a person's training, awards and certificates: the institution's managers over the
    person's unit, or the principal and vice principal of the person's school."""
    scope = scope_of(user)
    return scope.has_role_over(person.org.path, MANAGER_ROLES + SCHOOL_RECORDER_ROLES)


def can_record_somewhere(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or bool(scope.roles & set(MANAGER_ROLES + SCHOOL_RECORDER_ROLES))


def can_import_trainings(user: AnyUser) -> bool:
    """Import a provider's sheet: the institution's managers (an import spans schools)."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL for g in scope.grants)


def recordable_people(user: AnyUser) -> PersonQuerySet:
    """The people whose records the user may write."""
    scope = scope_of(user)
    qs = people_visible_to(user)
    if scope.is_sysadmin:
        return qs
    paths = [g.path for g in scope.grants if g.role in MANAGER_ROLES + SCHOOL_RECORDER_ROLES]
    if not paths:
        return qs.none()
    return qs.filter(under_q(paths, "org__path"))


# ---------------------------------------------------------------- single objects


def get_training_for_user(user: AnyUser, training_id: int, *, write: bool = False) -> TrainingRecord:
    record = trainings_visible_to(user).filter(pk=training_id).first()
    if record is None or (write and not can_record_for(user, record.person)):
        raise Http404("没有找到该培训记录")
    return record


def get_award_for_user(user: AnyUser, award_id: int, *, write: bool = False) -> Award:
    award = awards_visible_to(user).filter(pk=award_id).select_related("person__org").first()
    if award is None or (write and not can_record_for(user, award.person)):
        raise Http404("没有找到该获奖记录")
    return award


def get_certificate_for_user(user: AnyUser, cert_id: int, *, write: bool = False) -> PsyCertificate:
    cert = certificates_visible_to(user).filter(pk=cert_id).select_related("person__org").first()
    if cert is None or (write and not can_record_for(user, cert.person)):
        raise Http404("没有找到该证书")
    return cert


def get_programme_for_user(user: AnyUser, programme_id: int, *, write: bool = False) -> TalentProgramme:
    programme = programmes_visible_to(user).filter(pk=programme_id).first()
    if programme is None or (write and not can_manage_region(user, programme.region)):
        raise Http404("没有找到该培养项目")
    return programme


def get_competition_for_user(user: AnyUser, competition_id: int, *, write: bool = False) -> Competition:
    competition = competitions_visible_to(user).filter(pk=competition_id).first()
    if competition is None or (write and not can_manage_region(user, competition.region)):
        raise Http404("没有找到该比赛")
    return competition


def get_studio_for_user(user: AnyUser, studio_id: int, *, write: bool = False) -> Studio:
    studio = studios_visible_to(user).filter(pk=studio_id).first()
    if studio is None or (write and not can_manage_region(user, studio.region)):
        raise Http404("没有找到该工作室")
    return studio


def get_base_for_user(user: AnyUser, base_id: int, *, write: bool = False) -> BaseSchool:
    base = bases_visible_to(user).filter(pk=base_id).first()
    if base is None or (write and not can_manage_region(user, base.region)):
        raise Http404("没有找到该基地学校")
    return base


def get_record_person_for_user(user: AnyUser, code: str) -> Person:
    """A person whose records the user may write (the entry forms' 人员 field)."""
    person = recordable_people(user).filter(code=code).select_related("org").first()
    if person is None or not can_record_for(user, person):
        raise Http404("没有找到该人员")
    return person


def get_member_for_user(user: AnyUser, member_id: int, *, write: bool = False) -> ProgrammeMember:
    member = members_visible_to(user).filter(pk=member_id).select_related("programme__region").first()
    if member is None or (write and not can_manage_region(user, member.programme.region)):
        raise Http404("没有找到该成员")
    return member
