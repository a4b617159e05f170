"""core's JSON shapes: English field names, Chinese labels (`*_label`) next to every coded value.

Output schemas are built by the `*_out` functions from model instances, so each endpoint's
shape is checked by mypy and no attribute is fetched lazily behind the caller's back.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from api.schemas import NodeRef, PersonRef, SubjectRef, node_ref, person_ref, subject_ref
from core.models import (
    Designation,
    GroupMembership,
    OrgNode,
    Person,
    Post,
    Semester,
    Stage,
    TeachingGroup,
    Term,
)


def _stage_label(stage: str) -> str:
    return Stage(stage).label if stage else ""


# ---------------------------------------------------------------- org tree


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent: NodeRef | None
    depth: int
    bureau_name: str
    institute_name: str


class RegionDetail(RegionOut):
    ancestors: list[NodeRef] = Field(description="从根到上级，不含本节点")


def region_out(node: OrgNode) -> RegionOut:
    return RegionOut(code=node.code, name=node.name, kind=node.kind, kind_label=node.get_kind_display(),
                     parent=node_ref(node.parent) if node.parent else None, depth=node.depth,
                     bureau_name=node.bureau_name, institute_name=node.institute_name)


class SchoolOut(Schema):
    code: str = Field(description="10位学校标识码")
    name: str
    parent: NodeRef | None
    school_type: str
    school_type_label: str
    stages: list[str]
    stage_labels: str
    locale: str
    locale_label: str
    is_weak: bool
    is_teaching_point: bool
    class_count: int
    student_count: int


class SchoolDetail(SchoolOut):
    address: str
    latitude: float | None
    longitude: float | None
    ancestors: list[NodeRef]
    staff_count: int = Field(description="调用者可见的在职人员数")


def school_out(node: OrgNode) -> SchoolOut:
    return SchoolOut(code=node.code, name=node.name, parent=node_ref(node.parent) if node.parent else None,
                     school_type=node.school_type, school_type_label=node.get_school_type_display(),
                     stages=list(node.stages), stage_labels=node.stage_labels, locale=node.locale,
                     locale_label=node.get_locale_display(), is_weak=node.is_weak,
                     is_teaching_point=node.is_teaching_point, class_count=node.class_count,
                     student_count=node.student_count)


# ---------------------------------------------------------------- people and posts


class PersonOut(Schema):
    code: str
    name: str
    gender: str
    gender_label: str
    org: NodeRef
    title: str
    title_label: str
    title_level: str = Field(description="职称级别：正高级、副高级、中级、初级")
    stage: str
    stage_label: str
    main_subject: SubjectRef | None
    subjects: list[SubjectRef] = Field(description="兼教学科")
    teaching_since: int | None
    is_active: bool


class PostOut(Schema):
    id: int
    person: PersonRef
    role: str
    role_label: str
    org: NodeRef
    subject: SubjectRef | None
    stage: str
    stage_label: str
    grade: int | None
    start: dt.date | None
    end: dt.date | None
    is_current: bool


class DesignationOut(Schema):
    kind: str
    kind_label: str
    level: str
    level_label: str
    programme: str
    start: dt.date | None
    end: dt.date | None


class PersonDetail(PersonOut):
    birth_year: int | None
    posts: list[PostOut]
    designations: list[DesignationOut]


def person_out(person: Person) -> PersonOut:
    """Needs org, main_subject selected and subjects prefetched to stay query-free."""
    return PersonOut(
        code=person.code, name=person.name, gender=person.gender, gender_label=person.get_gender_display(),
        org=node_ref(person.org), title=person.title, title_label=person.get_title_display(),
        title_level=person.title_level, stage=person.stage, stage_label=_stage_label(person.stage),
        main_subject=subject_ref(person.main_subject) if person.main_subject else None,
        subjects=[subject_ref(s) for s in person.subjects.all()], teaching_since=person.teaching_since,
        is_active=person.is_active,
    )


def post_out(post: Post, today: dt.date) -> PostOut:
    """Needs person, org and subject selected."""
    current = (post.start is None or post.start <= today) and (post.end is None or post.end >= today)
    return PostOut(id=post.pk, person=person_ref(post.person), role=post.role, role_label=post.get_role_display(),
                   org=node_ref(post.org), subject=subject_ref(post.subject) if post.subject else None,
                   stage=post.stage, stage_label=_stage_label(post.stage), grade=post.grade,
                   start=post.start, end=post.end, is_current=current)


def designation_out(d: Designation) -> DesignationOut:
    return DesignationOut(kind=d.kind, kind_label=d.get_kind_display(), level=d.level,
                          level_label=d.get_level_display(), programme=d.programme, start=d.start, end=d.end)


# ---------------------------------------------------------------- terms


class TermOut(Schema):
    id: int
    region: NodeRef = Field(description="设定该学期的区域")
    key: str = Field(description="跨区域稳定的学期标识，如 2026-1")
    label: str
    school_year: int
    semester: int
    semester_label: str
    start: dt.date
    end: dt.date


def term_out(term: Term) -> TermOut:
    """Needs region selected."""
    return TermOut(id=term.pk, region=node_ref(term.region), key=term.key, label=term.label,
                   school_year=term.school_year, semester=term.semester,
                   semester_label=Semester(term.semester).label, start=term.start, end=term.end)


# ---------------------------------------------------------------- groups


class GroupOut(Schema):
    id: int
    school: NodeRef
    term_key: str
    kind: str
    kind_label: str
    name: str
    subjects: list[SubjectRef]
    parent_id: int | None
    grade: int | None
    leader: PersonRef | None
    status: str
    status_label: str
    member_count: int


class MemberOut(Schema):
    person: PersonRef
    role: str
    role_label: str


class GroupDetail(GroupOut):
    members: list[MemberOut]


def group_out(group: TeachingGroup, member_count: int) -> GroupOut:
    """Needs school and leader selected, subjects prefetched."""
    return GroupOut(id=group.pk, school=node_ref(group.school), term_key=group.term_key, kind=group.kind,
                    kind_label=group.get_kind_display(), name=group.name,
                    subjects=[subject_ref(s) for s in group.subjects.all()], parent_id=group.parent_id,
                    grade=group.grade, leader=person_ref(group.leader) if group.leader else None,
                    status=group.status, status_label=group.get_status_display(), member_count=member_count)


def member_out(m: GroupMembership) -> MemberOut:
    return MemberOut(person=person_ref(m.person), role=m.role, role_label=m.get_role_display())


# ---------------------------------------------------------------- norms and compliance


class OverrideOut(Schema):
    region: NodeRef
    threshold: float | None = Field(description="最低值（为空表示不设下限）")
    threshold_max: float | None = Field(None, description="最高值（为空表示不设上限）")
    note: str
    set_at: dt.datetime


class NormOut(Schema):
    code: str
    category: str
    title: str
    binds: str
    period: str
    source: str
    default_text: str
    default_threshold: float | None
    default_threshold_max: float | None = None
    threshold: float | None = Field(description="在所查节点生效的阈值（最低值；最近的上级区域调整优先）")
    threshold_max: float | None = Field(None, description="在所查节点生效的最高值（范围型规范，如1～4所）")
    override: OverrideOut | None = Field(description="生效的区域调整；为空表示使用默认阈值")


class RowOut(Schema):
    label: str
    meets: bool
    value: float | None
    target: float | None
    progress: int
    detail: str
    context: str
    url: str


class NormResultOut(Schema):
    code: str
    category: str
    title: str
    threshold: float | None
    threshold_max: float | None = None
    status: str = Field(description="ok 全部达标；short 有未达标；empty 无对象；nodata 尚无统计")
    status_label: str
    met: int
    total: int
    percent: int
    rows: list[RowOut] | None = Field(description="仅在按 norm 过滤时给出")


class ComplianceOut(Schema):
    node: NodeRef
    term: TermOut | None
    norms: list[NormResultOut]


STATUS_LABELS = {"ok": "全部达标", "short": "未全部达标", "empty": "无统计对象", "nodata": "尚无统计"}
