"""The research app's tables: collective lesson preparation (集体备课, 004 (四)1).

A `PrepSession` is one lesson or unit prepared by a 备课组 or 教研组 through the five steps of
PREP.STEPS: 个人初备 (the lead preparer's draft), 集体研讨 (members' comments, in a meeting or
asynchronously, each anchored to a paragraph of the draft or plan), 教案生成 (the shared plan, every
version kept), 个性彰显 (each teacher's personal version) and 课后反思 (each teacher's reflection
after teaching it). The group leader signs the shared plan off; the school then checks and
evaluates the session ("每科每次集體備課的情況要有記載，有檢查，有評價"). `PrepMember` rows are the
teachers bound to take part ("教師必須全員參與"), copied from the group when the session opens.
"""

from __future__ import annotations

from django.db import models

from core.models import OrgNode, Person, TeachingGroup, Term, User

__all__ = ["PrepComment", "PrepCommentMode", "PrepDocument", "PrepDocumentKind", "PrepMember", "PrepRating",
           "PrepReflection", "PrepScope", "PrepSession", "PrepStep"]


class PrepStep(models.TextChoices):
    """Where a session stands: the step under way, then closed once every step is recorded."""

    DRAFT = "draft", "个人初备"
    DISCUSSION = "discussion", "集体研讨"
    PLAN = "plan", "教案生成"
    PERSONAL = "personal", "个性彰显"
    REFLECTION = "reflection", "课后反思"
    CLOSED = "closed", "已完成"


class PrepScope(models.TextChoices):
    LESSON = "lesson", "课时"
    UNIT = "unit", "单元"


class PrepRating(models.TextChoices):
    """The school's evaluation of a session, on the project's 优/良/中/差 scale."""

    EXCELLENT = "优", "优"
    GOOD = "良", "良"
    FAIR = "中", "中"
    POOR = "差", "差"


class PrepSession(models.Model):
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(TeachingGroup, verbose_name="备课组/教研组", on_delete=models.PROTECT,
                              related_name="prep_sessions")
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField("范围", max_length=8, choices=PrepScope.choices, default=PrepScope.LESSON)
    topic = models.CharField("课题或单元", max_length=120)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    lead = models.ForeignKey(Person, verbose_name="主备人", on_delete=models.PROTECT, related_name="+")
    teach_on = models.DateField("计划授课日期", null=True, blank=True)
    meeting_at = models.DateTimeField("研讨时间", null=True, blank=True)
    place = models.CharField("研讨地点", max_length=120, blank=True)
    step = models.CharField("环节", max_length=12, choices=PrepStep.choices, default=PrepStep.DRAFT)
    signed_off_by = models.ForeignKey(Person, verbose_name="组长审定", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    signed_off_at = models.DateTimeField("审定时间", null=True, blank=True)
    checked_by = models.ForeignKey(Person, verbose_name="检查人", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    check_note = models.TextField("检查意见", blank=True)
    rating = models.CharField("评价等级", max_length=2, choices=PrepRating.choices, blank=True)
    evaluation = models.TextField("评价意见", blank=True)
    evaluated_by = models.ForeignKey(Person, verbose_name="评价人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-teach_on", "-id"]
        verbose_name = "集体备课"
        verbose_name_plural = "集体备课"
        indexes = [
            models.Index(fields=["school", "term"], name="prep_school_term"),
            models.Index(fields=["group", "term"], name="prep_group_term"),
        ]

    def __str__(self) -> str:
        return self.topic


class PrepMember(models.Model):
    """A teacher bound to take part in every step of the session."""

    session = models.ForeignKey(PrepSession, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "备课成员"
        verbose_name_plural = "备课成员"
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="prep_member_unique")]

    def __str__(self) -> str:
        return f"{self.session} · {self.person}"

    @property
    def school(self) -> OrgNode:
        """The session's school: where the audit files this record (core.audit)."""
        return self.session.school


class PrepDocumentKind(models.TextChoices):
    DRAFT = "draft", "初备稿"
    SHARED = "shared", "共案"
    PERSONAL = "personal", "个案"


class PrepDocument(models.Model):
    """One version of a text of the session: the lead's draft, the shared plan or a teacher's
    personal version. Versions are never overwritten; `version` counts per (kind, author) for
    drafts and personal versions and per session for the shared plan."""

    session = models.ForeignKey(PrepSession, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("类别", max_length=10, choices=PrepDocumentKind.choices)
    author = models.ForeignKey(Person, verbose_name="作者", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField("版本", default=1)
    body = models.TextField("内容")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "kind", "author", "version"]
        verbose_name = "备课文本"
        verbose_name_plural = "备课文本"
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "author", "version"], name="prep_document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def school(self) -> OrgNode:
        """The session's school: where the audit files this record (core.audit)."""
        return self.session.school

    @property
    def label(self) -> str:
        if self.kind == PrepDocumentKind.SHARED:
            return f"共案 第{self.version}版"
        return f"{self.get_kind_display()}·{self.author.name} 第{self.version}版"


class PrepCommentMode(models.TextChoices):
    MEETING = "meeting", "集中研讨"
    ASYNC = "async", "线上留言"


class PrepComment(models.Model):
    """A member's comment in 集体研讨, anchored to one paragraph of a draft or shared version."""

    session = models.ForeignKey(PrepSession, on_delete=models.CASCADE, related_name="comments")
    document = models.ForeignKey(PrepDocument, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveSmallIntegerField("段落", default=0)
    author = models.ForeignKey(Person, verbose_name="发言人", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField("方式", max_length=8, choices=PrepCommentMode.choices, default=PrepCommentMode.ASYNC)
    body = models.TextField("意见")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "paragraph", "created_at", "id"]
        verbose_name = "研讨意见"
        verbose_name_plural = "研讨意见"

    def __str__(self) -> str:
        return f"{self.author} · {self.body[:20]}"

    @property
    def school(self) -> OrgNode:
        """The session's school: where the audit files this record (core.audit)."""
        return self.session.school


class PrepReflection(models.Model):
    """A teacher's 课后反思 after teaching the lesson."""

    session = models.ForeignKey(PrepSession, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(Person, verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    taught_on = models.DateField("授课日期")
    body = models.TextField("反思")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "taught_on"]
        verbose_name = "课后反思"
        verbose_name_plural = "课后反思"
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="prep_reflection_unique")]

    def __str__(self) -> str:
        return f"{self.session} · {self.author}"

    @property
    def school(self) -> OrgNode:
        """The session's school: where the audit files this record (core.audit)."""
        return self.session.school
