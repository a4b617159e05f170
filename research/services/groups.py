"""Writes of subject-group life: plans, journals, key subjects, institutions, resources, 包组,
mentoring pairs, leader appointments and 联组. Keyword-only, atomic, audited (core.audit, which
also marks the school's GROUP.* norms stale); refusals are `GroupError` with a Chinese message
naming the field. Who may write is decided by research.access and re-checked here.

Uploaded documents go through observe's checks (kind judged from the bytes, photos re-encoded,
names never trusted), as visits' attachments do (docs/security.md, "Attachments").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import GroupKind, OrgKind, OrgNode, Person, Post, Subject, TeachingGroup, User
from core.services import group_update
from observe import services as observe_services
from observe.errors import ObservationError
from research.access import (
    can_edit_group_records,
    can_edit_mentor_pair,
    can_manage_joint_group,
    can_manage_school_groups,
)
from research.group_errors import GroupError
from research.group_selectors import GUIDE_ROLES
from research.models.groups import (
    GroupGuide,
    GroupInstitution,
    GroupLeaderTerm,
    GroupPlan,
    GroupResource,
    InstitutionKind,
    JointGroup,
    JournalKind,
    JournalSubscription,
    KeySubject,
    LeaderMethod,
    MentorPair,
    PlanKind,
    ResourceKind,
)

TITLE_MAX = 120
TEXT_MAX = 20000
MAX_TAGS = 10


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise GroupError(message)


def _title(value: str, label: str = "标题", limit: int = TITLE_MAX) -> str:
    text = value.strip()
    if not text:
        raise GroupError(f"{label}：必填", field="title")
    if len(text) > limit:
        raise GroupError(f"{label}：不能超过{limit}字", field="title")
    return text


def _text(value: str, label: str = "内容") -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise GroupError(f"{label}：不能超过{TEXT_MAX}字", field="text")
    return text


def _checked(upload: UploadedFile[Any] | None) -> Any:
    if upload is None:
        return None
    try:
        (checked,) = observe_services.attachments_check([upload])
    except ObservationError as exc:
        raise GroupError(exc.message, field="file") from exc
    return checked


def _store_file(record: Any, checked: Any) -> None:
    record.original_name = checked.name[-200:]
    record.file.save(checked.name, ContentFile(checked.content), save=False)


def _school_year(year: int, label: str = "学年") -> int:
    if not 2000 <= year <= 2100:
        raise GroupError(f"{label}：应为2000至2100之间的年份", field="year")
    return year


# ---------------------------------------------------------------- plans (GROUP.PLAN)


@transaction.atomic
def plan_save(*, actor: User, group: TeachingGroup, kind: str, title: str, text: str = "",
              start_year: int | None = None, years: int | None = None, term_key: str = "",
              upload: UploadedFile[Any] | None = None, plan: GroupPlan | None = None) -> GroupPlan:
    """Write a development plan (3 or 5 years from `start_year`) or a semester plan (`term_key`,
    the group's own term unless given) in place or as a document; `plan` edits an existing one."""
    _require(can_edit_group_records(actor, group), "只有本组组长和学校管理人员可以填写计划")
    if group.kind != GroupKind.SUBJECT:
        raise GroupError("发展规划和学期计划由教研组制定（备课组随所属教研组）", field="kind")
    if kind not in PlanKind.values:
        raise GroupError("类别：应为发展规划或学期活动计划", field="kind")
    title = _title(title)
    text = _text(text)
    checked = _checked(upload)
    if not text and checked is None and not (plan is not None and plan.file):
        raise GroupError("内容：请填写计划内容或上传文件", field="text")
    if kind == PlanKind.DEVELOPMENT:
        if start_year is None:
            raise GroupError("起始学年：必填", field="start_year")
        _school_year(start_year, "起始学年")
        if years not in (3, 5):
            raise GroupError("规划年限：应为3年或5年", field="years")
        term_key = ""
    else:
        start_year = years = None
        term_key = (term_key or group.term_key).strip()
    old = snapshot(plan) if plan is not None else None
    record = plan or GroupPlan(group=group, created_by=actor if actor.pk else None)
    if plan is not None and plan.group_id != group.pk:
        raise GroupError("该计划不属于本组")
    record.kind, record.title, record.text = kind, title, text
    record.start_year, record.years, record.term_key = start_year, years, term_key
    if checked is not None:
        _store_file(record, checked)
    record.save()
    if old is None:
        audit_create(actor, record)
    else:
        audit_update(actor, record, old)
    return record


@transaction.atomic
def plan_delete(*, actor: User, plan: GroupPlan) -> None:
    _require(can_edit_group_records(actor, plan.group), "只有本组组长和学校管理人员可以删除计划")
    audit_delete(actor, plan)
    plan.delete()


# ---------------------------------------------------------------- journals (GROUP.JOURNALS)


@transaction.atomic
def journal_add(*, actor: User, group: TeachingGroup, year: int, title: str,
                kind: str = JournalKind.JOURNAL) -> JournalSubscription:
    _require(can_edit_group_records(actor, group), "只有本组组长和学校管理人员可以登记订阅")
    title = _title(title, "报刊名称", 80)
    if kind not in JournalKind.values:
        raise GroupError("类别：应为杂志或报纸", field="kind")
    _school_year(year)
    # Across the year's two semesters the group is two rows: the same title is one subscription.
    if JournalSubscription.objects.filter(group__school_id=group.school_id, group__name=group.name, year=year,
                                          title=title).exists():
        raise GroupError(f"报刊名称：本组{year}学年已登记《{title}》", field="title")
    try:
        with transaction.atomic():
            sub = JournalSubscription.objects.create(group=group, year=year, title=title, kind=kind,
                                                     created_by=actor if actor.pk else None)
    except IntegrityError as exc:
        raise GroupError(f"报刊名称：本组{year}学年已登记《{title}》", field="title") from exc
    audit_create(actor, sub)
    return sub


@transaction.atomic
def journal_delete(*, actor: User, journal: JournalSubscription) -> None:
    _require(can_edit_group_records(actor, journal.group), "只有本组组长和学校管理人员可以删除订阅")
    audit_delete(actor, journal)
    journal.delete()


# ---------------------------------------------------------------- key subjects (GROUP.KEY_SUBJECTS)


@transaction.atomic
def key_subject_add(*, actor: User, school: OrgNode, subject: Subject, from_year: int,
                    until_year: int | None = None, reason: str = "") -> KeySubject:
    _require(can_manage_school_groups(actor, school), "只有学校管理人员可以确定重点学科")
    if school.kind != OrgKind.SCHOOL:
        raise GroupError("重点学科由学校确定", field="school")
    _school_year(from_year, "起始学年")
    if until_year is not None and until_year < from_year:
        raise GroupError("截止学年：不能早于起始学年", field="until_year")
    reason = reason.strip()
    if len(reason) > 300:
        raise GroupError("确定理由与扶持措施：不能超过300字", field="reason")
    if KeySubject.objects.filter(school=school, subject=subject, from_year=from_year).exists():
        raise GroupError(f"学科：{subject.name}已从{from_year}学年起列为重点学科", field="subject")
    ks = KeySubject.objects.create(school=school, subject=subject, from_year=from_year, until_year=until_year,
                                   reason=reason, created_by=actor if actor.pk else None)
    audit_create(actor, ks)
    return ks


@transaction.atomic
def key_subject_delete(*, actor: User, key_subject: KeySubject) -> None:
    _require(can_manage_school_groups(actor, key_subject.school), "只有学校管理人员可以撤销重点学科")
    audit_delete(actor, key_subject)
    key_subject.delete()


# ---------------------------------------------------------------- institutions


@transaction.atomic
def institution_save(*, actor: User, school: OrgNode, kind: str, title: str, issued_on: dt.date,
                     group: TeachingGroup | None = None, text: str = "",
                     upload: UploadedFile[Any] | None = None) -> GroupInstitution:
    """An institution as a dated document: the group's own, or the school's (no group)."""
    if group is not None:
        _require(can_edit_group_records(actor, group), "只有本组组长和学校管理人员可以登记制度")
        if group.school_id != school.pk:
            raise GroupError("该教研组不属于本校", field="group")
    else:
        _require(can_manage_school_groups(actor, school), "只有学校管理人员可以登记全校制度")
    if kind not in InstitutionKind.values:
        raise GroupError("制度：请选择制度类别", field="kind")
    title = _title(title)
    text = _text(text)
    checked = _checked(upload)
    if not text and checked is None:
        raise GroupError("内容：请填写制度内容或上传文件", field="text")
    inst = GroupInstitution(school=school, group=group, kind=kind, title=title, issued_on=issued_on, text=text,
                            created_by=actor if actor.pk else None)
    if checked is not None:
        _store_file(inst, checked)
    inst.save()
    audit_create(actor, inst)
    return inst


# ---------------------------------------------------------------- resource bank


def _tags(raw: Sequence[str]) -> list[str]:
    tags: list[str] = []
    for t in raw:
        t = t.strip()
        if t and t not in tags:
            if len(t) > 20:
                raise GroupError(f"标签：“{t[:20]}…”太长（每个不超过20字）", field="tags")
            tags.append(t)
    if len(tags) > MAX_TAGS:
        raise GroupError(f"标签：最多{MAX_TAGS}个", field="tags")
    return tags


@transaction.atomic
def resource_add(*, actor: User, group: TeachingGroup, kind: str, title: str, upload: UploadedFile[Any],
                 grade: int | None = None, unit: str = "", tags: Sequence[str] = (),
                 author: Person | None = None) -> GroupResource:
    _require(can_edit_group_records(actor, group), "只有本组组长和学校管理人员可以上传资源")
    if kind not in ResourceKind.values:
        raise GroupError("类别：应为教案、试卷、课件或其他资料", field="kind")
    title = _title(title)
    if grade is not None and not 1 <= grade <= 12:
        raise GroupError("年级：应为1至12", field="grade")
    unit = unit.strip()
    if len(unit) > 60:
        raise GroupError("单元：不能超过60字", field="unit")
    checked = _checked(upload)
    res = GroupResource(group=group, kind=kind, title=title, grade=grade, unit=unit, tags=_tags(tags),
                        content_kind=checked.content_type[:80], size=len(checked.content), author=author,
                        created_by=actor if actor.pk else None)
    _store_file(res, checked)
    res.save()
    audit_create(actor, res)
    return res


@transaction.atomic
def resource_delete(*, actor: User, resource: GroupResource) -> None:
    _require(can_edit_group_records(actor, resource.group), "只有本组组长和学校管理人员可以删除资源")
    audit_delete(actor, resource)
    resource.delete()


# ---------------------------------------------------------------- 包组


def _holds_role_at(person: Person, school: OrgNode, roles: tuple[str, ...], on: dt.date | None = None) -> bool:
    return Post.objects.active(on).filter(person=person, org=school, role__in=roles).exists()


@transaction.atomic
def guide_assign(*, actor: User, group: TeachingGroup, person: Person, note: str = "") -> GroupGuide:
    """Assign a school leader or middle manager to guide the group (包组) for its term."""
    _require(can_manage_school_groups(actor, group.school), "只有学校管理人员可以安排包组")
    if not _holds_role_at(person, group.school, GUIDE_ROLES):
        raise GroupError(f"包组领导：{person.name}不是本校校级领导或中层干部", field="person")
    if GroupGuide.objects.filter(group=group, person=person).exists():
        raise GroupError(f"包组领导：{person.name}已包本组", field="person")
    note = note.strip()[:200]
    guide = GroupGuide.objects.create(group=group, person=person, note=note, created_by=actor if actor.pk else None)
    audit_create(actor, guide)
    return guide


@transaction.atomic
def guide_remove(*, actor: User, guide: GroupGuide) -> None:
    _require(can_manage_school_groups(actor, guide.group.school), "只有学校管理人员可以调整包组")
    audit_delete(actor, guide)
    guide.delete()


# ---------------------------------------------------------------- mentoring (青蓝工程)


def _works_at(person: Person, school: OrgNode) -> bool:
    return person.org_id == school.pk or Post.objects.active().filter(person=person, org=school).exists()


@transaction.atomic
def mentor_pair_save(*, actor: User, school: OrgNode, mentor: Person, mentee: Person, start: dt.date,
                     end: dt.date, goals: str = "", group: TeachingGroup | None = None,
                     pair: MentorPair | None = None) -> MentorPair:
    allowed = can_manage_school_groups(actor, school) or (group is not None and can_edit_group_records(actor, group))
    _require(allowed, "只有学校管理人员和教研组长可以登记师徒结对")
    if group is not None and group.school_id != school.pk:
        raise GroupError("该教研组不属于本校", field="group")
    if mentor.pk == mentee.pk:
        raise GroupError("徒弟：师傅和徒弟不能是同一人", field="mentee")
    for who, label, name in ((mentor, "师傅", "mentor"), (mentee, "徒弟", "mentee")):
        if not _works_at(who, school):
            raise GroupError(f"{label}：{who.name}不是本校教师", field=name)
    if end < start:
        raise GroupError("结束日期：不能早于开始日期", field="end")
    goals = _text(goals, "培养目标")
    old = snapshot(pair) if pair is not None else None
    record = pair or MentorPair(school=school, created_by=actor if actor.pk else None)
    if pair is not None and not can_edit_mentor_pair(actor, pair):
        raise GroupError("只有学校管理人员和教研组长可以修改师徒结对")
    record.group, record.mentor, record.mentee = group, mentor, mentee
    record.start, record.end, record.goals = start, end, goals
    record.save()
    if old is None:
        audit_create(actor, record)
    else:
        audit_update(actor, record, old)
    return record


# ---------------------------------------------------------------- leader appointments


@transaction.atomic
def leader_term_save(*, actor: User, group: TeachingGroup, person: Person, method: str, start: dt.date,
                     end: dt.date, duties: str = "") -> GroupLeaderTerm:
    """Appoint a group leader for a period (竞聘 or appointment) with the duties agreed. A period
    covering today also makes the person the group's leader (core's group record), who must be
    a member of the group."""
    _require(can_manage_school_groups(actor, group.school), "只有学校管理人员可以聘任组长")
    if method not in LeaderMethod.values:
        raise GroupError("产生方式：应为竞聘或任命", field="method")
    if end < start:
        raise GroupError("聘期结束：不能早于聘期开始", field="end")
    if not group.memberships.filter(person=person).exists():
        raise GroupError(f"组长：{person.name}不是本组成员", field="person")
    if GroupLeaderTerm.objects.filter(group=group, start__lte=end, end__gte=start).exists():
        raise GroupError("聘期：与本组已有的组长聘期重叠", field="start")
    lt = GroupLeaderTerm.objects.create(group=group, person=person, method=method, start=start, end=end,
                                        duties=_text(duties, "工作职责"), created_by=actor if actor.pk else None)
    audit_create(actor, lt)
    if start <= timezone.localdate() <= end and group.leader_id != person.pk:
        group_update(actor=actor, group=group, leader=person)
    return lt


# ---------------------------------------------------------------- 联组


@transaction.atomic
def joint_group_save(*, actor: User, region: OrgNode, name: str, schools: Sequence[OrgNode],
                     subject: Subject | None = None, stage: str = "", lead_school: OrgNode | None = None,
                     leader: Person | None = None, groups: Sequence[TeachingGroup] = (),
                     joint_group: JointGroup | None = None) -> JointGroup:
    """Create or edit a 联组 (003 三(一): 各乡镇、教育集团或片区可按学科设立教研联组) under a region,
    with member schools in it and, optionally, their 教研组."""
    record = joint_group or JointGroup(region=region)
    if joint_group is not None:
        _require(can_manage_joint_group(actor, joint_group), "只有联组负责人和区域教研人员可以修改联组")
    else:
        probe = JointGroup(region=region, lead_school=lead_school, leader=None)
        _require(can_manage_joint_group(actor, probe), "只有区域教研人员和牵头学校可以设立联组")
    if region.kind == OrgKind.SCHOOL:
        raise GroupError("所属区域：应为乡镇、县（区）等区域", field="region")
    name = _title(name, "名称", 60)
    if len(schools) < 2:
        raise GroupError("成员学校：联组至少要有两所学校", field="schools")
    for s in schools:
        if s.kind != OrgKind.SCHOOL or not s.path.startswith(region.path):
            raise GroupError(f"成员学校：{s.name}不在{region.name}范围内", field="schools")
    if lead_school is not None and lead_school.pk not in {s.pk for s in schools}:
        raise GroupError("牵头学校：应是成员学校之一", field="lead_school")
    member_ids = {s.pk for s in schools}
    for g in groups:
        if g.school_id not in member_ids:
            raise GroupError(f"成员教研组：{g.name}不属于成员学校", field="groups")
    old = snapshot(record) if record.pk else None
    record.name, record.subject, record.stage = name, subject, stage
    record.lead_school, record.leader = lead_school, leader
    record.save()
    record.schools.set(list(schools))
    record.groups.set(list(groups))
    if old is None:
        audit_create(actor, record)
    else:
        audit_update(actor, record, old)
    return record
