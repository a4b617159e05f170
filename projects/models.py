"""Research projects (课题): the project, its members, stage documents, expert reviews and outcomes.

The lifecycle rules live in projects.lifecycle (no ORM); the services (projects.services) are the
only code that saves these models.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from core.models import Level, OrgNode, Person, Stage, Subject, User
from projects import lifecycle


class ProjectStatus(models.TextChoices):
    APPLIED = lifecycle.APPLIED, "申报"
    APPROVED = lifecycle.APPROVED, "立项"
    OPENED = lifecycle.OPENED, "开题"
    MIDTERM = lifecycle.MIDTERM, "中期检查"
    CONCLUDED = lifecycle.CONCLUDED, "结题"
    EXTENDED = lifecycle.EXTENDED, "延期"
    WITHDRAWN = lifecycle.WITHDRAWN, "撤销"


class DocumentKind(models.TextChoices):
    APPLICATION = lifecycle.DOC_APPLICATION, "申报书"
    OPENING = lifecycle.DOC_OPENING, "开题报告"
    MIDTERM = lifecycle.DOC_MIDTERM, "中期报告"
    FINAL = lifecycle.DOC_FINAL, "结题报告"
    OTHER = lifecycle.DOC_OTHER, "其他材料"


class MemberRole(models.TextChoices):
    CORE = "core", "核心成员"
    MEMBER = "member", "参与成员"
    ADVISER = "adviser", "指导专家"


class Verdict(models.TextChoices):
    PASS = "pass", "通过"
    REVISE = "revise", "修改后通过"
    FAIL = "fail", "不通过"


class OutcomeKind(models.TextChoices):
    PAPER = "paper", "论文"
    AWARD = "award", "获奖"
    PRACTICE = "practice", "成果推广应用"
    REPORT = "report", "研究报告"
    OTHER = "other", "其他成果"


class ProjectQuerySet(models.QuerySet["Project"]):
    def with_refs(self) -> ProjectQuerySet:
        return self.select_related("owner", "approver", "leader", "leader__org", "subject")

    def approved(self) -> ProjectQuerySet:
        """Projects that were approved (立项) and not withdrawn: those that count for a duty."""
        return self.filter(approved_on__isnull=False).exclude(status=ProjectStatus.WITHDRAWN)


class Project(models.Model):
    """A research project filed by a teacher or researcher, approved by the body of its level."""

    title = models.CharField("课题名称", max_length=200)
    number = models.CharField("立项编号", max_length=60, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    # The school or institution that owns the project (the leader's unit).
    owner = models.ForeignKey(OrgNode, verbose_name="承担单位", on_delete=models.PROTECT, related_name="+")
    # The body that approves it and moves it through its stages: the school for 校级, the county,
    # city or province for the other levels (the province forwards 国家级 applications).
    approver = models.ForeignKey(OrgNode, verbose_name="立项单位", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(Person, verbose_name="主持人", on_delete=models.PROTECT, related_name="led_projects")
    summary = models.TextField("研究内容摘要", blank=True)
    status = models.CharField("阶段", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.APPLIED)
    # The institution's key project (重点课题) of the year it was approved.
    is_key = models.BooleanField("重点课题", default=False)
    applied_on = models.DateField("申报日期")
    approved_on = models.DateField("立项日期", null=True, blank=True)
    opened_on = models.DateField("开题日期", null=True, blank=True)
    midterm_on = models.DateField("中期检查日期", null=True, blank=True)
    concluded_on = models.DateField("结题日期", null=True, blank=True)
    extended_on = models.DateField("延期日期", null=True, blank=True)
    withdrawn_on = models.DateField("撤销日期", null=True, blank=True)
    planned_end = models.DateField("计划结题日期")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = "课题"
        verbose_name_plural = "课题"
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("applied_on")),
                                   name="project_planned_end_after_applied"),
            models.CheckConstraint(condition=Q(approved_on__isnull=True) | Q(approved_on__gte=models.F("applied_on")),
                                   name="project_approved_after_applied"),
        ]
        indexes = [models.Index(fields=["approver", "status"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        """The unit the project's audit events belong to (core.audit reads `org`)."""
        return self.owner

    @property
    def year(self) -> int:
        """The year the project counts in (立项, else 申报)."""
        return (self.approved_on or self.applied_on).year

    def stage_date(self, status: str) -> object:
        return getattr(self, f"{status}_on", None) if status != lifecycle.APPLIED else self.applied_on


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name="成员", on_delete=models.PROTECT, related_name="project_memberships")
    role = models.CharField("分工", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    task = models.CharField("承担任务", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = "课题成员"
        verbose_name_plural = "课题成员"
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="project_member_once")]

    def __str__(self) -> str:
        return f"{self.project}：{self.person}"


class ProjectStep(models.Model):
    """One move of the project through its stages, with the date it took effect and a note (the
    reason of an extension or a withdrawal, the opinion of the approving body)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField("阶段", max_length=10, choices=ProjectStatus.choices)
    date = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "课题阶段记录"
        verbose_name_plural = "课题阶段记录"

    def __str__(self) -> str:
        return f"{self.project}：{self.get_status_display()}"

    @property
    def org(self) -> OrgNode:
        return self.project.owner


def document_path(instance: ProjectDocument, filename: str) -> str:
    return f"projects/{instance.project_id}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class ProjectDocument(models.Model):
    """A stage's document (申报书, 开题报告 …): an uploaded file (checked by observe.attachments)
    or a text written in the page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料类型", max_length=12, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文", blank=True)
    file = models.FileField(upload_to=document_path, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField("类型", max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "课题材料"
        verbose_name_plural = "课题材料"
        constraints = [models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="project_document_has_content")]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        return self.project.owner


class ProjectReview(models.Model):
    """An expert's review of one stage (立项, 中期, 结题): assigned by the approving body, then
    submitted by the expert with a score (0–100), a verdict and comments."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField("评审阶段", max_length=10, choices=ProjectStatus.choices)
    expert = models.ForeignKey(Person, verbose_name="评审专家", on_delete=models.PROTECT, related_name="project_reviews")
    assigned_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due = models.DateField("评审截止日期", null=True, blank=True)
    score = models.DecimalField("评分", max_digits=5, decimal_places=1, null=True, blank=True)
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, blank=True)
    comments = models.TextField("评审意见", blank=True)
    # The ratings by a rubric (observe's engine), when the expert scored with one; `score` is
    # then the rubric's total on a 100-point scale.
    assessment = models.ForeignKey("observe.Assessment", verbose_name="量表评分", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "课题评审"
        verbose_name_plural = "课题评审"
        constraints = [
            models.UniqueConstraint(fields=["project", "stage", "expert"], name="project_review_once"),
            models.CheckConstraint(condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                                   name="project_review_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_stage_display()}评审（{self.expert}）"

    @property
    def org(self) -> OrgNode:
        return self.project.owner

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ProjectOutcome(models.Model):
    """A result of the project: a paper, an award, a result promoted into practice."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField("成果类型", max_length=10, choices=OutcomeKind.choices)
    title = models.CharField("成果名称", max_length=200)
    level = models.CharField("级别", max_length=10, choices=Level.choices, blank=True)
    date = models.DateField("日期")
    detail = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "课题成果"
        verbose_name_plural = "课题成果"

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        return self.project.owner
