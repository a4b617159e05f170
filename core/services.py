"""Writes to the core records. The only code that saves them and writes their audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.access import grant_refusal
from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.errors import DomainError
from core.grouping import SubjectFacts, TeacherFacts, propose_groups
from core.models import (
    REGION_ROLES,
    SCHOOL_LEADER_ROLES,
    TITLE_RANK,
    GroupKind,
    GroupMembership,
    GroupStatus,
    Norm,
    NormOverride,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    Subject,
    TeachingGroup,
    Term,
    User,
)
from core.norm_catalogue import CATALOGUE
from core.pinyin import name_keys
from core.reference import reference_data_load

SCHOOL_STAFF_ROLES = (Role.TEACHER, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER,
                      Role.GROUP_LEADER, Role.PREP_LEADER, Role.HOMEROOM)


# ---------------------------------------------------------------- org tree


def org_node_create(*, actor: User | None, code: str, name: str, kind: str, parent: OrgNode | None,
                    **attrs: Any) -> OrgNode:
    path = (parent.path if parent else "") + code + "/"
    node = OrgNode(code=code, name=name, kind=kind, parent=parent, path=path,
                   depth=(parent.depth + 1) if parent else 0, **attrs)
    node.full_clean()
    node.save()
    audit_create(actor, node)
    return node


def org_node_update(*, actor: User | None, node: OrgNode, **changes: Any) -> OrgNode:
    """Change a node's attributes (not its place in the tree: codes and paths are stable)."""
    old = snapshot(node)
    for key, value in changes.items():
        setattr(node, key, value)
    node.full_clean()
    node.save(update_fields=[*changes.keys(), "updated_at"])
    audit_update(actor, node, old)
    return node


# ---------------------------------------------------------------- people and posts


def person_create(*, actor: User | None, code: str, name: str, org: OrgNode, **attrs: Any) -> Person:
    subjects = attrs.pop("subjects", None)
    pinyin, initials = name_keys(name)
    person = Person(code=code, name=name, org=org, pinyin=pinyin, initials=initials, **attrs)
    person.full_clean()
    person.save()
    if subjects is not None:
        person.subjects.set(subjects)
    audit_create(actor, person)
    return person


def person_update(*, actor: User | None, person: Person, **changes: Any) -> Person:
    old = snapshot(person)
    subjects = changes.pop("subjects", None)
    for key, value in changes.items():
        setattr(person, key, value)
    if "name" in changes:
        person.pinyin, person.initials = name_keys(person.name)
    person.full_clean()
    person.save()
    if subjects is not None:
        person.subjects.set(subjects)
    audit_update(actor, person, old)
    return person


@transaction.atomic
def post_create(*, actor: User | None, person: Person, role: str, org: OrgNode,
                subject: Subject | None = None, stage: str = "", grade: int | None = None,
                start: dt.date | None = None, end: dt.date | None = None) -> Post:
    """Grant a post. `actor` None is the system (seeding, tests); a user must pass the grant
    rule of core.access (no self-grants, only inside and below their own admin node)."""
    # A region role sits at a region's institute or bureau, a school role at a school.
    if (role in REGION_ROLES) == (org.kind == OrgKind.SCHOOL):
        raise DomainError("区域岗位只能设在区域，学校岗位只能设在学校", field="org")
    if actor is not None:
        refusal = grant_refusal(actor, person=person, role=role, org=org)
        if refusal is not None:
            raise DomainError(refusal, field="role")
    post = Post(person=person, role=role, org=org, subject=subject, stage=stage, grade=grade, start=start, end=end)
    post.full_clean()
    post.save()
    audit_create(actor, post)
    return post


def post_end(*, actor: User | None, post: Post, end: dt.date) -> Post:
    old = snapshot(post)
    post.end = end
    post.full_clean()
    post.save(update_fields=["end", "updated_at"])
    audit_update(actor, post, old)
    return post


def post_delete(*, actor: User | None, post: Post) -> None:
    audit_delete(actor, post)
    post.delete()


# ---------------------------------------------------------------- terms


def term_save(*, actor: User | None, region: OrgNode, school_year: int, semester: int,
              start: dt.date, end: dt.date) -> Term:
    """Create or change a region's semester; schools and sub-regions inherit it."""
    existing = Term.objects.filter(region=region, school_year=school_year, semester=semester).first()
    if existing is None:
        term = Term(region=region, school_year=school_year, semester=semester, start=start, end=end)
        term.full_clean()
        term.save()
        audit_create(actor, term)
        return term
    old = snapshot(existing)
    existing.start, existing.end = start, end
    existing.full_clean()
    existing.save(update_fields=["start", "end", "updated_at"])
    audit_update(actor, existing, old)
    return existing


# ---------------------------------------------------------------- norms


def reference_data_sync() -> int:
    """Load or refresh the reference data every installation has: subjects and norms, then each
    app's own (an AppConfig names its loader in `reference_data`, e.g. observe's built-in rubric
    templates). Used after a database was emptied: `seed --flush`, transactional tests."""
    reference_data_load(Subject, Norm)
    from django.apps import apps
    from django.utils.module_loading import import_string

    for config in apps.get_app_configs():
        loader = getattr(config, "reference_data", None)
        if loader:
            import_string(loader)()
    return len(CATALOGUE)


def norm_override_set(*, actor: User | None, norm: Norm, region: OrgNode, threshold: float,
                      note: str = "") -> NormOverride:
    if region.kind == OrgKind.SCHOOL:
        raise ValueError("只有区域（省、市、县）可以调整规范阈值")
    existing = NormOverride.objects.filter(norm=norm, region=region).first()
    if existing is None:
        override = NormOverride.objects.create(norm=norm, region=region, threshold=threshold, note=note,
                                               set_by=actor, set_at=timezone.now())
        audit_create(actor, override)
        return override
    old = snapshot(existing)
    existing.threshold, existing.note, existing.set_by, existing.set_at = threshold, note, actor, timezone.now()
    existing.save()
    audit_update(actor, existing, old)
    return existing


def norm_override_delete(*, actor: User | None, override: NormOverride) -> None:
    audit_delete(actor, override)
    override.delete()


# ---------------------------------------------------------------- subject groups


def _school_teachers(school: OrgNode, term: Term) -> list[TeacherFacts]:
    posts = (Post.objects.overlapping(term.start, term.end)
             .filter(org=school, role__in=SCHOOL_STAFF_ROLES)
             .select_related("person"))
    facts: dict[int, dict[str, Any]] = {}
    for p in posts:
        f = facts.setdefault(p.person_id, {"grade": None, "leader": False, "person": p.person})
        if p.role in SCHOOL_LEADER_ROLES:
            f["leader"] = True
        if p.grade is not None:
            f["grade"] = p.grade
    codes = dict(Subject.objects.values_list("id", "code"))
    others: dict[int, list[str]] = {}
    for pid, sid in Person.subjects.through.objects.filter(person_id__in=facts).values_list("person_id", "subject_id"):
        others.setdefault(pid, []).append(codes[sid])
    out = []
    for pid, f in facts.items():
        person: Person = f["person"]
        main = codes.get(person.main_subject_id) if person.main_subject_id else None
        out.append(TeacherFacts(pid, main, tuple(sorted(set(others.get(pid, [])) - {main})), f["grade"], f["leader"]))
    return out


def _threshold(code: str, node: OrgNode) -> float:
    from core.compliance import effective_threshold

    value = effective_threshold(code, node)
    assert value is not None
    return value


@transaction.atomic
def groups_propose(*, actor: User | None, school: OrgNode, term: Term) -> list[TeachingGroup]:
    """Compute the groups the rules give and store them as a proposal for the principal to confirm.

    Replaces an earlier unconfirmed proposal for the term; refuses to touch confirmed groups.
    """
    existing = TeachingGroup.objects.filter(school=school, term_key=term.key)
    if existing.filter(status=GroupStatus.CONFIRMED).exists():
        raise ValueError("本学期教研组已确认，如需调整请直接编辑")
    for g in existing:
        audit_delete(actor, g)
    existing.delete()

    teachers = _school_teachers(school, term)
    subjects = {s.code: SubjectFacts(s.code, s.name, s.short, s.merge_key, s.merge_name) for s in Subject.objects.all()}
    large = school.class_count >= _threshold("GROUP.PREP", school)
    proposal = propose_groups(teachers, subjects, min_teachers=int(_threshold("GROUP.FORM", school)),
                              large_school=large)
    subject_ids = dict(Subject.objects.values_list("code", "id"))
    people = {p.pk: p for p in Person.objects.filter(pk__in=[t.person_id for t in teachers])}

    # Holders of a 教研组长 / 备课组长 post at the school lead the group of their subject; where no
    # one holds one, the proposal suggests the member with the highest title and longest service.
    post_holders: dict[tuple[str, int | None], list[int]] = {}
    for post in (Post.objects.overlapping(term.start, term.end)
                 .filter(org=school, role__in=[Role.GROUP_LEADER, Role.PREP_LEADER])):
        post_holders.setdefault((post.role, post.subject_id), []).append(post.person_id)

    def leader_for(members: dict[int, str], subjects: list[str], prep: bool) -> Person | None:
        role = Role.PREP_LEADER if prep else Role.GROUP_LEADER
        for code in subjects:
            for pid in post_holders.get((role, subject_ids[code]), []):
                if pid in members:
                    return people[pid]
        mains = [people[pid] for pid, r in members.items() if r == "main"]
        if not mains:
            return None
        return max(mains, key=lambda p: (TITLE_RANK.get(p.title, 0), -(p.teaching_since or 9999), -p.pk))

    created: list[TeachingGroup] = []

    def store(pg: Any, parent: TeachingGroup | None) -> TeachingGroup:
        group = TeachingGroup.objects.create(
            school=school, term_key=term.key, kind=GroupKind.PREP if parent else GroupKind.SUBJECT,
            name=pg.name, parent=parent, grade=pg.grade,
            leader=leader_for(pg.members, pg.subjects, parent is not None),
            status=GroupStatus.PROPOSED)
        group.subjects.set([subject_ids[c] for c in pg.subjects])
        GroupMembership.objects.bulk_create(
            GroupMembership(group=group, person_id=pid, role=role) for pid, role in pg.members.items())
        audit_create(actor, group)
        created.append(group)
        return group

    for pg in proposal:
        parent = store(pg, None)
        for prep in pg.prep_groups:
            store(prep, parent)
    return created


@transaction.atomic
def groups_confirm(*, actor: User | None, school: OrgNode, term: Term) -> int:
    groups = list(TeachingGroup.objects.filter(school=school, term_key=term.key, status=GroupStatus.PROPOSED))
    now = timezone.now()
    for g in groups:
        old = snapshot(g)
        g.status, g.confirmed_by, g.confirmed_at = GroupStatus.CONFIRMED, actor, now
        g.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        audit_update(actor, g, old)
    return len(groups)


def group_update(*, actor: User | None, group: TeachingGroup, name: str | None = None,
                 leader: Person | None = None) -> TeachingGroup:
    old = snapshot(group)
    if name is not None:
        group.name = name
    if leader is not None:
        if not group.memberships.filter(person=leader).exists():
            raise ValueError("组长必须是本组成员")
        group.leader = leader
    group.full_clean()
    group.save()
    audit_update(actor, group, old)
    return group


@transaction.atomic
def group_member_move(*, actor: User | None, person: Person, source: TeachingGroup, target: TeachingGroup) -> None:
    """Move a member between two groups of the same school and term (the principal's edit)."""
    if (source.school_id, source.term_key) != (target.school_id, target.term_key):
        raise ValueError("只能在同一学校同一学期的教研组之间调整")
    membership = GroupMembership.objects.filter(group=source, person=person).first()
    if membership is None:
        raise ValueError("该教师不在原教研组")
    old = snapshot(membership)
    GroupMembership.objects.filter(group=target, person=person).delete()
    membership.group = target
    membership.save(update_fields=["group"])
    if source.leader_id == person.pk:
        source.leader = None
        source.save(update_fields=["leader", "updated_at"])
    audit_update(actor, membership, old)
