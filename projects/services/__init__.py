"""Writes of the projects app: filing (申报) and moving a project through its stages, its team,
stage documents, expert reviews and outcomes.

Every function is keyword-only, runs in one transaction, writes its audit events and refuses with
a ProjectError whose Chinese message names the field. `actor=None` is the system (the demo seed);
a user actor is checked against projects.access. The stage rules are projects.lifecycle's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.access import scope_of
from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import AuditEvent, Level, OrgKind, OrgNode, Person, Stage, Subject, User
from core.norm_results import mark_dirty
from observe import rubrics
from observe import services as observe_services
from observe.errors import ObservationError
from observe.models import Assessment, RubricVersion, VersionStatus
from projects import lifecycle
from projects.access import (
    can_edit_members,
    can_edit_project,
    can_edit_project_fields,
    can_file_project,
    can_manage_project,
    can_withdraw_application,
)
from projects.errors import ProjectError
from projects.models import (
    DocumentKind,
    MemberRole,
    OutcomeKind,
    Project,
    ProjectDocument,
    ProjectMember,
    ProjectOutcome,
    ProjectReview,
    ProjectStatus,
    ProjectStep,
    Verdict,
)

MAX_TITLE = 200
MAX_TEXT = 20000
MAX_YEARS = 6  # a project's planned span from its application

# Which ancestor of the owner approves a project of each level.
APPROVER_KIND: dict[str, str] = {
    Level.SCHOOL: OrgKind.SCHOOL, Level.COUNTY: OrgKind.COUNTY, Level.CITY: OrgKind.CITY,
    Level.PROVINCE: OrgKind.PROVINCE, Level.NATIONAL: OrgKind.PROVINCE,
}


# ---------------------------------------------------------------- checks


def _require(ok: bool, message: str = "没有权限进行此操作") -> None:
    if not ok:
        raise ProjectError(message)


def _choice(value: str, choices: Any, field: str, label: str) -> None:
    if value not in choices.values:
        raise ProjectError(f"{label}：请选择有效的选项", field=field)


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TITLE) -> str:
    value = value.strip()
    if required and not value:
        raise ProjectError(f"{label}：请填写", field=field)
    if len(value) > limit:
        raise ProjectError(f"{label}：最多 {limit} 个字", field=field)
    return value


def approver_for(owner: OrgNode, level: str) -> OrgNode:
    """The approving body of a project of `level` owned by `owner`: the school itself for 校级,
    else the county, city or province above (the province forwards 国家级 applications)."""
    kind = APPROVER_KIND[level]
    if kind == OrgKind.SCHOOL:
        if owner.kind != OrgKind.SCHOOL:
            raise ProjectError("级别：校级课题只能由学校申报，请选择县级或以上级别", field="level")
        return owner
    node: OrgNode | None = owner
    while node is not None:
        if node.kind == kind:
            return node
        node = node.parent
    raise ProjectError(f"级别：承担单位“{owner.name}”之上没有{Level(level).label}立项单位", field="level")


def _situation(project: Project) -> lifecycle.Situation:
    passed = set(ProjectReview.objects.filter(project=project, submitted_at__isnull=False)
                 .exclude(verdict=Verdict.FAIL).values_list("stage", flat=True))
    return lifecycle.Situation(
        status=project.status, documents=set(project.documents.values_list("kind", flat=True)),
        passed_reviews=passed, midterm_held=project.midterm_on is not None, planned_end=project.planned_end)


def _participant_paths(project: Project) -> list[str]:
    paths = [project.leader.org.path]
    paths += list(project.members.values_list("person__org__path", flat=True))
    return paths


def _mark_participants(project: Project) -> None:
    """The TEACHER.PROJECT_* results of every participant's school change, not only the owner's."""
    mark_dirty(_participant_paths(project))


# ---------------------------------------------------------------- projects


@transaction.atomic
def project_create(*, actor: User | None, title: str, level: str, planned_end: dt.date,
                   leader: Person | None = None, subject: Subject | None = None, stage: str = "",
                   summary: str = "", applied_on: dt.date | None = None, application: str = "") -> Project:
    """File a project (申报): led by the actor's own person (or `leader`, for the system), owned
    by the leader's unit, approved by the body of its level. `application` is the 申报书's text,
    kept as the project's first document when given."""
    if actor is not None:
        _require(can_file_project(actor), "当前账号没有关联人员档案或岗位，不能申报课题")
        scope = scope_of(actor)
        if scope.person_id is not None and (leader is None or not scope.is_sysadmin):
            leader = Person.objects.select_related("org").get(pk=scope.person_id)
    if leader is None:
        raise ProjectError("主持人：请选择主持人", field="leader")
    if not leader.is_active:
        raise ProjectError(f"主持人：{leader.name}已不在职", field="leader")
    title = _text(title, "title", "课题名称")
    _choice(level, Level, "level", "级别")
    if stage:
        _choice(stage, Stage, "stage", "学段")
    summary = _text(summary, "summary", "研究内容摘要", required=False, limit=MAX_TEXT)
    applied_on = applied_on or timezone.localdate()
    if planned_end <= applied_on:
        raise ProjectError("计划结题日期：须晚于申报日期", field="planned_end")
    if planned_end > applied_on + dt.timedelta(days=366 * MAX_YEARS):
        raise ProjectError(f"计划结题日期：研究周期不能超过 {MAX_YEARS} 年", field="planned_end")
    owner = leader.org
    approver = approver_for(owner, level)
    if Project.objects.filter(leader=leader, title=title).exclude(status=ProjectStatus.WITHDRAWN).exists():
        raise ProjectError(f"课题名称：{leader.name}已申报过“{title}”", field="title")
    project = Project.objects.create(
        title=title, level=level, subject=subject, stage=stage, owner=owner, approver=approver, leader=leader,
        summary=summary, applied_on=applied_on, planned_end=planned_end, created_by=actor)
    ProjectStep.objects.create(project=project, status=ProjectStatus.APPLIED, date=applied_on, actor=actor)
    audit_create(actor, project)
    _mark_participants(project)
    if application.strip():
        document_add(actor=actor, project=project, kind=DocumentKind.APPLICATION, title=f"{title[:190]}申报书",
                     text=application)
    return project


@transaction.atomic
def project_advance(*, actor: User | None, project: Project, target: str, on: dt.date | None = None,
                    note: str = "", new_end: dt.date | None = None, number: str = "",
                    is_key: bool | None = None) -> Project:
    """Move the project to `target` (立项, 开题, 中期检查, 结题, 延期, 撤销) on the date `on`
    (today by default), as the approving body; lifecycle.refusal says what is missing."""
    project = Project.objects.select_for_update().select_related("owner", "approver", "leader__org").get(pk=project.pk)
    if actor is not None:
        _require(can_manage_project(actor, project)
                 or (target == ProjectStatus.WITHDRAWN and can_withdraw_application(actor, project)),
                 "只有立项单位的管理人员可以变更课题阶段（主持人可在立项前撤销申报）")
    note = _text(note, "note", "说明", required=False, limit=MAX_TEXT)
    why = lifecycle.refusal(_situation(project), target, reason=note, new_end=new_end)
    if why is not None:
        raise ProjectError(why.message, field=why.field)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ProjectError("日期：不能晚于今天", field="on")
    last = project.steps.order_by("-date", "-id").values_list("date", flat=True).first()
    if last is not None and on < last:
        raise ProjectError(f"日期：不能早于上一阶段的日期（{last:%Y-%m-%d}）", field="on")
    old = snapshot(project)
    project.status = target
    setattr(project, f"{target}_on", on)
    fields = ["status", f"{target}_on", "updated_at"]
    if target == ProjectStatus.EXTENDED:
        assert new_end is not None
        project.planned_end = new_end
        fields.append("planned_end")
    if target == ProjectStatus.APPROVED:
        project.number = _text(number, "number", "立项编号", required=False, limit=60)
        fields.append("number")
    if is_key is not None:
        project.is_key = is_key
        fields.append("is_key")
    project.save(update_fields=fields)
    step = ProjectStep.objects.create(project=project, status=target, date=on, note=note, actor=actor)
    audit_update(actor, project, old)
    audit_create(actor, step)
    _mark_participants(project)
    return project


@transaction.atomic
def project_update(*, actor: User | None, project: Project, title: str, subject: Subject | None, stage: str,
                   summary: str, level: str | None = None, planned_end: dt.date | None = None,
                   number: str | None = None) -> Project:
    """Correct the basic fields. The level (hence the approving body) and the planned end change
    only while the application awaits approval (after 立项 a new end date goes through 延期); the
    approval number only once approved, by the approving body."""
    project = Project.objects.select_for_update().select_related("owner", "approver", "leader__org").get(pk=project.pk)
    if actor is not None:
        _require(can_edit_project_fields(actor, project),
                 "只有立项单位的管理人员（立项前还有主持人）可以修改课题基本信息")
    elif project.status in lifecycle.FINAL:
        raise ProjectError(f"课题已{project.get_status_display()}，不能再修改", field="title")
    title = _text(title, "title", "课题名称")
    if stage:
        _choice(stage, Stage, "stage", "学段")
    summary = _text(summary, "summary", "研究内容摘要", required=False, limit=MAX_TEXT)
    if (Project.objects.filter(leader=project.leader, title=title).exclude(pk=project.pk)
            .exclude(status=ProjectStatus.WITHDRAWN).exists()):
        raise ProjectError(f"课题名称：{project.leader.name}已申报过“{title}”", field="title")
    applied = project.status == ProjectStatus.APPLIED
    old = snapshot(project)
    fields = ["title", "subject", "stage", "summary", "updated_at"]
    project.title, project.subject, project.stage, project.summary = title, subject, stage, summary
    if level is not None and level != project.level:
        if not applied:
            raise ProjectError("级别：立项后不能修改课题级别", field="level")
        _choice(level, Level, "level", "级别")
        project.level, project.approver = level, approver_for(project.owner, level)
        fields += ["level", "approver"]
    if planned_end is not None and planned_end != project.planned_end:
        if not applied:
            raise ProjectError("计划结题日期：立项后请通过“延期”变更结题日期", field="planned_end")
        if planned_end <= project.applied_on:
            raise ProjectError("计划结题日期：须晚于申报日期", field="planned_end")
        if planned_end > project.applied_on + dt.timedelta(days=366 * MAX_YEARS):
            raise ProjectError(f"计划结题日期：研究周期不能超过 {MAX_YEARS} 年", field="planned_end")
        project.planned_end = planned_end
        fields.append("planned_end")
    if number is not None and number.strip() != project.number:
        if project.approved_on is None:
            raise ProjectError("立项编号：立项后由立项单位填写", field="number")
        if actor is not None and not can_manage_project(actor, project):
            raise ProjectError("立项编号：只有立项单位可以修改", field="number")
        project.number = _text(number, "number", "立项编号", required=False, limit=60)
        fields.append("number")
    project.save(update_fields=fields)
    audit_update(actor, project, old)
    _mark_participants(project)
    return project


@transaction.atomic
def project_set_key(*, actor: User | None, project: Project, is_key: bool) -> Project:
    """Mark (or unmark) the project as one of its approving body's key projects of the year."""
    if actor is not None:
        _require(can_manage_project(actor, project), "只有立项单位的管理人员可以设定重点课题")
    if project.approved_on is None or project.status == ProjectStatus.WITHDRAWN:
        raise ProjectError("重点课题：只有已立项且未撤销的课题可以列为重点课题", field="is_key")
    old = snapshot(project)
    project.is_key = is_key
    project.save(update_fields=["is_key", "updated_at"])
    audit_update(actor, project, old)
    return project


# ---------------------------------------------------------------- members


@transaction.atomic
def member_add(*, actor: User | None, project: Project, person: Person, role: str = MemberRole.MEMBER,
               task: str = "") -> ProjectMember:
    if actor is not None:
        _require(can_edit_members(actor, project), "只有课题主持人或立项单位可以调整课题组成员")
    _choice(role, MemberRole, "role", "分工")
    if project.status in lifecycle.FINAL:
        raise ProjectError(f"成员：课题已{project.get_status_display()}，不能再调整成员", field="person")
    if not person.is_active:
        raise ProjectError(f"成员：{person.name}已不在职", field="person")
    if person.pk == project.leader_id:
        raise ProjectError(f"成员：{person.name}是课题主持人", field="person")
    if project.members.filter(person=person).exists():
        raise ProjectError(f"成员：{person.name}已在课题组中", field="person")
    task = _text(task, "task", "承担任务", required=False)
    member = ProjectMember.objects.create(project=project, person=person, role=role, task=task)
    audit_create(actor, member)
    mark_dirty([person.org.path])
    return member


@transaction.atomic
def member_update(*, actor: User | None, member: ProjectMember, role: str, task: str) -> ProjectMember:
    """Change a member's part in the team (分工) and task."""
    project = member.project
    if actor is not None:
        _require(can_edit_members(actor, project), "只有课题主持人或立项单位可以调整课题组成员")
    if project.status in lifecycle.FINAL:
        raise ProjectError(f"成员：课题已{project.get_status_display()}，不能再调整成员", field="role")
    _choice(role, MemberRole, "role", "分工")
    old = snapshot(member)
    member.role, member.task = role, _text(task, "task", "承担任务", required=False)
    member.save(update_fields=["role", "task"])
    audit_update(actor, member, old)
    return member


@transaction.atomic
def member_remove(*, actor: User | None, member: ProjectMember) -> None:
    project = member.project
    if actor is not None:
        _require(can_edit_members(actor, project), "只有课题主持人或立项单位可以调整课题组成员")
    if project.status in lifecycle.FINAL:
        raise ProjectError(f"成员：课题已{project.get_status_display()}，不能再调整成员", field="person")
    path = member.person.org.path
    audit_delete(actor, member)
    member.delete()
    mark_dirty([path])


# ---------------------------------------------------------------- documents


@transaction.atomic
def document_add(*, actor: User | None, project: Project, kind: str, title: str, text: str = "",
                 upload: UploadedFile[Any] | None = None) -> ProjectDocument:
    """A stage's document, written in the page or uploaded; an upload's kind is judged from its
    bytes by observe's checks (photos re-encoded, names never trusted)."""
    if actor is not None:
        _require(can_edit_project(actor, project), "只有课题组成员或立项单位可以提交材料")
    _choice(kind, DocumentKind, "kind", "材料类型")
    if project.status in lifecycle.FINAL:
        raise ProjectError(f"材料：课题已{project.get_status_display()}，不能再提交材料", field="kind")
    title = _text(title, "title", "标题")
    text = _text(text, "text", "正文", required=False, limit=MAX_TEXT)
    if not text and upload is None:
        raise ProjectError("材料：请填写正文或上传文件", field="text")
    doc = ProjectDocument(project=project, kind=kind, title=title, text=text, uploaded_by=actor)
    if upload is not None:
        try:
            (checked,) = observe_services.attachments_check([upload])
        except ObservationError as exc:
            raise ProjectError(exc.message, field="file") from exc
        doc.original_name = checked.name[-200:]
        doc.content_type = checked.content_type[:100]
        doc.size = len(checked.content)
        doc.file.save(checked.name, ContentFile(checked.content), save=False)
    doc.save()
    # Written by hand as visits' attachments are: core.audit's snapshot cannot encode the bytes.
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None, action=AuditEvent.Action.CREATE,
        model=doc._meta.label, object_id=str(doc.pk), object_repr=doc.title[:200], scope_path=project.owner.path,
        new={"project_id": project.pk, "kind": kind, "title": title, "file": doc.file.name or "",
             "name": doc.original_name, "size": doc.size, "text_chars": len(text)})
    return doc


# ---------------------------------------------------------------- reviews


@transaction.atomic
def review_assign(*, actor: User | None, project: Project, stage: str, expert: Person,
                  due: dt.date | None = None) -> ProjectReview:
    if actor is not None:
        _require(can_manage_project(actor, project), "只有立项单位的管理人员可以指派评审专家")
    if stage not in lifecycle.REVIEW_STAGES:
        raise ProjectError("评审阶段：只能指派立项、中期或结题评审", field="stage")
    if project.status in lifecycle.FINAL:
        raise ProjectError(f"评审：课题已{project.get_status_display()}，不能再指派评审", field="stage")
    if not expert.is_active:
        raise ProjectError(f"评审专家：{expert.name}已不在职", field="expert")
    if expert.pk == project.leader_id or project.members.filter(person=expert).exists():
        raise ProjectError(f"评审专家：{expert.name}是本课题组成员，须回避", field="expert")
    if ProjectReview.objects.filter(project=project, stage=stage, expert=expert).exists():
        raise ProjectError(f"评审专家：{expert.name}已被指派{lifecycle.REVIEW_STAGES[stage]}", field="expert")
    review = ProjectReview.objects.create(project=project, stage=stage, expert=expert, assigned_by=actor, due=due)
    audit_create(actor, review)
    return review


def _score(raw: str | Decimal | float | None) -> Decimal:
    try:
        value = Decimal(str(raw).strip()) if raw is not None and str(raw).strip() else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ProjectError("评分：请填写 0–100 的分数", field="score")
    if value < 0 or value > 100:
        raise ProjectError("评分：须在 0–100 之间", field="score")
    return value.quantize(Decimal("0.1"))


def rubric_score(assessment: Assessment) -> Decimal | None:
    """A rubric's total on the review's 100-point scale (None until every item is rated)."""
    if assessment.total is None:
        return None
    points = rubrics.total_points(assessment.version.scoring)
    value = assessment.total * 100 / points if points else assessment.total
    return Decimal(str(round(min(max(value, 0.0), 100.0), 1)))


@transaction.atomic
def review_submit(*, actor: User | None, review: ProjectReview, score: str | Decimal | float | None,
                  verdict: str, comments: str, rubric: RubricVersion | None = None,
                  ratings: dict[str, dict[str, Any]] | None = None) -> ProjectReview:
    """The assigned expert's score, verdict and comments; once submitted, a review is final. With
    a rubric, the ratings are scored by observe's engine and the score is its total out of 100."""
    review = ProjectReview.objects.select_for_update().select_related("project__owner").get(pk=review.pk)
    if actor is not None:
        _require(scope_of(actor).person_id == review.expert_id, "只有被指派的评审专家可以提交评审意见")
    if review.submitted_at is not None:
        raise ProjectError("评审：该评审已提交，不能再修改", field="verdict")
    if review.project.status in lifecycle.FINAL:
        raise ProjectError(f"评审：课题已{review.project.get_status_display()}", field="verdict")
    _choice(verdict, Verdict, "verdict", "结论")
    comments = _text(comments, "comments", "评审意见", limit=MAX_TEXT)
    assessment = None
    if rubric is not None:
        if rubric.status != VersionStatus.PUBLISHED:
            raise ProjectError("评价量表：只能使用已发布的量表版本", field="rubric")
        try:
            assessment = observe_services.assessment_save(actor=actor, version=rubric, ratings=ratings or {})
        except ObservationError as exc:
            raise ProjectError(exc.message, field=exc.field) from exc
        value = rubric_score(assessment)
        if value is None:
            raise ProjectError(f"评价量表：还有{assessment.item_count - assessment.rated_count}项未评分",
                               field="rubric")
    else:
        value = _score(score)
    old = snapshot(review)
    review.score, review.verdict, review.comments, review.assessment = value, verdict, comments, assessment
    review.submitted_at = timezone.now()
    review.save(update_fields=["score", "verdict", "comments", "assessment", "submitted_at", "updated_at"])
    audit_update(actor, review, old)
    return review


# ---------------------------------------------------------------- outcomes


@transaction.atomic
def outcome_add(*, actor: User | None, project: Project, kind: str, title: str, on: dt.date,
                level: str = "", detail: str = "") -> ProjectOutcome:
    if actor is not None:
        _require(can_edit_project(actor, project), "只有课题组成员或立项单位可以登记成果")
    _choice(kind, OutcomeKind, "kind", "成果类型")
    if level:
        _choice(level, Level, "level", "级别")
    if project.approved_on is None:
        raise ProjectError("成果：课题立项后才能登记成果", field="kind")
    title = _text(title, "title", "成果名称")
    detail = _text(detail, "detail", "说明", required=False, limit=MAX_TEXT)
    if on > timezone.localdate():
        raise ProjectError("日期：不能晚于今天", field="on")
    outcome = ProjectOutcome.objects.create(project=project, kind=kind, title=title, level=level, date=on,
                                            detail=detail, created_by=actor)
    audit_create(actor, outcome)
    return outcome

