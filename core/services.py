"""Writes to the core records. The only code that saves them and writes their audit events."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.access import grant_refusal
from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.compliance import effective_threshold
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
    Title,
    User,
)
from core.norm_catalogue import CATALOGUE
from core.pinyin import name_keys
from core.reference import reference_data_load

SCHOOL_STAFF_ROLES = (Role.TEACHER, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER,
                      Role.GROUP_LEADER, Role.PREP_LEADER, Role.HOMEROOM)


class Unchanged(enum.Enum):
    """The default of an update's parameters: "leave this attribute as it is" (None is a value)."""

    TOKEN = 0


UNCHANGED = Unchanged.TOKEN

# Shown for every person code that cannot be used, whoever holds it: naming the holder, or
# saying "outside your scope", would tell an admin which codes exist in other counties.
PERSON_CODE_TAKEN = "该人员编号已被占用，请核对编号"


def _validated(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """full_clean() as a DomainError naming the field by its Chinese label (never an internal
    name such as `pinyin`)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise DomainError("；".join(exc.messages)) from exc
        field, messages = next(iter(exc.message_dict.items()))
        label = field
        if field != NON_FIELD_ERRORS:
            label = str(getattr(obj._meta.get_field(field), "verbose_name", field))
        raise DomainError(f"{label}：{messages[0]}", field=None if field == NON_FIELD_ERRORS else field) from exc


# ---------------------------------------------------------------- org tree


@transaction.atomic
def org_node_create(*, actor: User | None, code: str, name: str, kind: str, parent: OrgNode | None,
                    bureau_name: str = "", institute_name: str = "", school_type: str = "", locale: str = "",
                    is_weak: bool = False, is_teaching_point: bool = False, class_count: int = 0,
                    student_count: int = 0, address: str = "", latitude: decimal.Decimal | None = None,
                    longitude: decimal.Decimal | None = None, affiliation: str = "") -> OrgNode:
    path = (parent.path if parent else "") + code + "/"
    node = OrgNode(code=code, name=name, kind=kind, parent=parent, path=path,
                   depth=(parent.depth + 1) if parent else 0, bureau_name=bureau_name,
                   institute_name=institute_name, school_type=school_type, locale=locale, is_weak=is_weak,
                   is_teaching_point=is_teaching_point, class_count=class_count, student_count=student_count,
                   address=address, latitude=latitude, longitude=longitude, affiliation=affiliation)
    _validated(node)
    node.save()
    audit_create(actor, node)
    return node


@transaction.atomic
def org_node_update(*, actor: User | None, node: OrgNode, name: str | Unchanged = UNCHANGED,
                    bureau_name: str | Unchanged = UNCHANGED, institute_name: str | Unchanged = UNCHANGED,
                    school_type: str | Unchanged = UNCHANGED, locale: str | Unchanged = UNCHANGED,
                    is_weak: bool | Unchanged = UNCHANGED, is_teaching_point: bool | Unchanged = UNCHANGED,
                    class_count: int | Unchanged = UNCHANGED, student_count: int | Unchanged = UNCHANGED,
                    address: str | Unchanged = UNCHANGED,
                    latitude: decimal.Decimal | None | Unchanged = UNCHANGED,
                    longitude: decimal.Decimal | None | Unchanged = UNCHANGED,
                    affiliation: str | Unchanged = UNCHANGED) -> OrgNode:
    """Change a node's attributes (not its place in the tree: codes and paths are stable)."""
    changes = {key: value for key, value in (
        ("name", name), ("bureau_name", bureau_name), ("institute_name", institute_name),
        ("school_type", school_type), ("locale", locale), ("is_weak", is_weak),
        ("is_teaching_point", is_teaching_point), ("class_count", class_count), ("student_count", student_count),
        ("address", address), ("latitude", latitude), ("longitude", longitude),
        ("affiliation", affiliation)) if value is not UNCHANGED}
    old = snapshot(node)
    for key, value in changes.items():
        setattr(node, key, value)
    _validated(node)
    node.save(update_fields=[*changes, "updated_at"])
    audit_update(actor, node, old)
    return node


# ---------------------------------------------------------------- people and posts


def person_name_clean(raw: str) -> str:
    """The one rule for a person's name, the import's: any text (Chinese, Latin, ethnic-minority
    names with ·), spaces trimmed, not empty, at most 40 characters."""
    name = raw.strip()
    if not name:
        raise DomainError("姓名：不能为空", field="name")
    if len(name) > 40:
        raise DomainError("姓名：不能超过40个字符", field="name")
    return name


@transaction.atomic
def person_create(*, actor: User | None, code: str, name: str, org: OrgNode, gender: str = "",
                  birth_year: int | None = None, title: str = Title.NONE, stage: str = "",
                  main_subject: Subject | None = None, subjects: list[Subject] | None = None,
                  teaching_since: int | None = None, phone: str = "") -> Person:
    name = person_name_clean(name)
    if Person.objects.filter(code=code).exists():
        raise DomainError(f"人员编号：{PERSON_CODE_TAKEN}", field="code")
    pinyin, initials = name_keys(name)
    person = Person(code=code, name=name, org=org, pinyin=pinyin, initials=initials, gender=gender,
                    birth_year=birth_year, title=title, stage=stage, main_subject=main_subject,
                    teaching_since=teaching_since, phone=phone)
    _validated(person)
    person.save()
    if subjects:
        person.subjects.set(subjects)
    audit_create(actor, person)
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
    _validated(post)
    post.save()
    audit_create(actor, post)
    return post


@transaction.atomic
def post_end(*, actor: User | None, post: Post, end: dt.date) -> Post:
    old = snapshot(post)
    post.end = end
    _validated(post)
    post.save(update_fields=["end", "updated_at"])
    audit_update(actor, post, old)
    return post


@transaction.atomic
def post_delete(*, actor: User | None, post: Post) -> None:
    audit_delete(actor, post)
    post.delete()


# ---------------------------------------------------------------- terms


@transaction.atomic
def term_save(*, actor: User | None, region: OrgNode, school_year: int, semester: int,
              start: dt.date, end: dt.date) -> Term:
    """Create or change a region's semester; schools and sub-regions inherit it."""
    existing = Term.objects.filter(region=region, school_year=school_year, semester=semester).first()
    if existing is None:
        term = Term(region=region, school_year=school_year, semester=semester, start=start, end=end)
        _validated(term)
        term.save()
        audit_create(actor, term)
        return term
    old = snapshot(existing)
    existing.start, existing.end = start, end
    _validated(existing)
    existing.save(update_fields=["start", "end", "updated_at"])
    audit_update(actor, existing, old)
    return existing


# ---------------------------------------------------------------- norms


def reference_data_sync() -> int:
    """Load or refresh the reference data every installation has: subjects and norms, then each
    app's own (an AppConfig names its loader in `reference_data`, e.g. observe's built-in rubric
    templates). Used after a database was emptied: `seed --flush`, transactional tests."""
    reference_data_load(Subject, Norm)
    for config in apps.get_app_configs():
        loader = getattr(config, "reference_data", None)
        if loader:
            import_string(loader)()
    return len(CATALOGUE)


@transaction.atomic
def norm_override_set(*, actor: User | None, norm: Norm, region: OrgNode, threshold: float | None = None,
                      threshold_max: float | None = None, note: str = "") -> NormOverride:
    """A region's own threshold range for a norm: `threshold` is the minimum, `threshold_max` the
    maximum; either may be left open, not both."""
    if region.kind == OrgKind.SCHOOL:
        raise DomainError("只有区域（省、市、县）可以调整规范阈值")
    if threshold is None and threshold_max is None:
        raise DomainError("请至少填写最低值或最高值", field="threshold")
    if threshold is not None and threshold_max is not None and threshold > threshold_max:
        raise DomainError(f"最低值 {threshold:g} 不能高于最高值 {threshold_max:g}", field="threshold_max")
    existing = NormOverride.objects.filter(norm=norm, region=region).first()
    if existing is None:
        override = NormOverride.objects.create(norm=norm, region=region, threshold_min=threshold,
                                               threshold_max=threshold_max, note=note, set_by=actor,
                                               set_at=timezone.now())
        audit_create(actor, override)
        return override
    old = snapshot(existing)
    existing.threshold_min, existing.threshold_max = threshold, threshold_max
    existing.note, existing.set_by, existing.set_at = note, actor, timezone.now()
    existing.save(update_fields=["threshold_min", "threshold_max", "note", "set_by", "set_at"])
    audit_update(actor, existing, old)
    return existing


@transaction.atomic
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
        raise DomainError("本学期教研组已确认，如需调整请直接编辑")
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


@transaction.atomic
def group_update(*, actor: User | None, group: TeachingGroup, name: str | None = None,
                 leader: Person | None = None) -> TeachingGroup:
    old = snapshot(group)
    if name is not None:
        group.name = name
    if leader is not None:
        if not group.memberships.filter(person=leader).exists():
            raise DomainError("组长必须是本组成员")
        group.leader = leader
    _validated(group)
    group.save(update_fields=["name", "leader", "updated_at"])
    audit_update(actor, group, old)
    return group


class LeaderMoveError(DomainError):
    """The member moved out leads the group: the caller must say who leads it now."""


@transaction.atomic
def group_member_move(*, actor: User | None, person: Person, source: TeachingGroup, target: TeachingGroup,
                      new_leader: Person | None = None, leave_without_leader: bool = False) -> None:
    """Move a member between two groups of the same school and term (the principal's edit).

    Moving the group's leader out never leaves the group without a leader silently: the caller
    names the new leader (another member of the group) or says, with `leave_without_leader`,
    that the group stays without one for now; otherwise LeaderMoveError asks."""
    if (source.school_id, source.term_key) != (target.school_id, target.term_key):
        raise DomainError("只能在同一学校同一学期的教研组之间调整")
    if source.pk == target.pk:
        raise DomainError("该教师已在所选教研组", field="target")
    membership = GroupMembership.objects.filter(group=source, person=person).first()
    if membership is None:
        raise DomainError("该教师不在原教研组")
    is_leader = source.leader_id == person.pk
    if is_leader and new_leader is None and not leave_without_leader:
        raise LeaderMoveError(f"{person.name}是{source.name}的组长，调出前请指定新组长或确认暂不设组长",
                              field="new_leader")
    if new_leader is not None:
        if not is_leader:
            raise DomainError("只有调出组长时才需指定新组长", field="new_leader")
        if new_leader.pk == person.pk or not GroupMembership.objects.filter(group=source, person=new_leader).exists():
            raise DomainError("新组长必须是本组留下的成员", field="new_leader")
    old = snapshot(membership)
    GroupMembership.objects.filter(group=target, person=person).delete()
    membership.group = target
    membership.save(update_fields=["group"])
    if is_leader:
        group_old = snapshot(source)
        source.leader = new_leader
        source.save(update_fields=["leader", "updated_at"])
        audit_update(actor, source, group_old)
    audit_update(actor, membership, old)
