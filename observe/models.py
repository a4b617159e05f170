"""Lesson observation (听评课): rubric templates and their versions, assessments, observations
with their feedback loop, coding sessions (S-T, FIAS), attachments and in-app notifications.

Visibility is decided in observe.access, never here; these querysets only offer reusable filters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import OrgNode, Person, Stage, Subject, User
from observe.coding.st import MODE_LABELS
from observe.rubrics import incomplete_text

# ---------------------------------------------------------------- rubric engine


class RubricPurpose(models.TextChoices):
    LESSON = "lesson", "课堂观察"
    GROUP = "group", "教研组评价"
    OTHER = "other", "其他"


class RubricTemplate(models.Model):
    """A named scoring form owned by an org node and offered to its subtree.

    Built-in templates (LESSON.GENERAL, LICC, GROUP.RUBRIC) have no owner and are offered to
    everyone. The content lives in versions: a published version never changes, so every
    assessment keeps the exact form it was scored with (norms.md GROUP.RUBRIC: "old evaluations
    keep the version they used").
    """

    key = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    purpose = models.CharField("用途", max_length=10, choices=RubricPurpose.choices, default=RubricPurpose.LESSON)
    owner = models.ForeignKey(OrgNode, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="rubric_templates")
    is_builtin = models.BooleanField("内置", default=False)
    # The lessons a template is made for; blank means any subject / any stage (a general form).
    subject = models.ForeignKey(Subject, verbose_name="适用学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("适用学段", max_length=10, choices=Stage.choices, blank=True)
    copied_from = models.ForeignKey("RubricVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_builtin", "name"]
        verbose_name = "评价模板"
        verbose_name_plural = "评价模板"
        constraints = [
            models.CheckConstraint(condition=Q(is_builtin=True) | Q(owner__isnull=False),
                                   name="rubric_template_owned_unless_builtin"),
        ]

    def __str__(self) -> str:
        return self.name

    def published_version(self) -> RubricVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


class RubricVersion(models.Model):
    """One version of a template: the node tree (dimension → indicator → observation point) and
    the scoring rules, as JSON in the shape of observe/rubric_templates.py.

    Only a draft may change; publishing freezes it. Editing a published template makes a new
    draft with the next number, so scores already given stay tied to the old tree.
    """

    template = models.ForeignKey(RubricTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    scoring = models.JSONField("计分规则", default=dict)
    nodes = models.JSONField("指标树", default=list)
    total_points = models.FloatField("满分", null=True, blank=True)
    note = models.CharField("修订说明", max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = "评价模板版本"
        verbose_name_plural = "评价模板版本"
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="rubric_version_unique_number"),
            models.UniqueConstraint(fields=["template"], condition=Q(status="draft"),
                                    name="rubric_version_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} 第{self.number}版"

    @property
    def is_scored(self) -> bool:
        return self.total_points is not None


class Assessment(models.Model):
    """Ratings given with one rubric version. Raw item ratings are kept (analytics.md §3.2: "store
    raw item ratings, not only totals") next to the totals computed from them at save time."""

    version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="assessments")
    # {point code: {"value": float|None, "level": str, "yes": bool|None, "comment": str}}
    ratings = models.JSONField("评分", default=dict)
    # {dimension code: {"title": str, "score": float|None, "max": float|None}}
    dimension_scores = models.JSONField("维度得分", default=dict)
    # Set only when every rateable item is rated (observe.rubrics.Scored): never a partial sum.
    total = models.FloatField("总分", null=True, blank=True)
    band = models.CharField("等级", max_length=20, blank=True)
    rated_count = models.PositiveIntegerField("已评项数", default=0)
    item_count = models.PositiveIntegerField("应评项数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "量表评分"
        verbose_name_plural = "量表评分"

    def __str__(self) -> str:
        return f"{self.version} {self.total if self.total is not None else ''}"

    @property
    def is_complete(self) -> bool:
        return self.rated_count >= self.item_count

    @property
    def incomplete_text(self) -> str:
        """"评分未完成（已评 n / N 项）", or "" when the rubric is complete."""
        return "" if self.is_complete else incomplete_text(self.rated_count, self.item_count)


# ---------------------------------------------------------------- observations


class ObservationKind(models.TextChoices):
    PUSH_IN = "push_in", "推门课"
    FOLLOW_UP = "follow_up", "跟踪课"
    DEMONSTRATION = "demonstration", "示范课"
    OPEN = "open", "公开课"
    REPORT = "report", "汇报课"
    CONTEST = "contest", "参赛课"
    INSPECTION = "inspection", "视导听课"
    OUTREACH = "outreach", "送教课"
    PEER = "peer", "同伴互听"


class Purpose(models.TextChoices):
    DEVELOPMENTAL = "developmental", "指导（发展性）"
    EVALUATIVE = "evaluative", "评价（鉴定性）"


class OverallGrade(models.TextChoices):
    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    FAIR = "fair", "中"
    POOR = "poor", "差"


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


GRADE_LABELS = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级",
                "高一", "高二", "高三")


def new_client_uuid() -> str:
    return str(uuid.uuid4())


class ObservationQuerySet(models.QuerySet["Observation"]):
    def submitted(self) -> ObservationQuerySet:
        return self.filter(status=ObservationStatus.SUBMITTED)

    def between(self, start: dt.date, end: dt.date) -> ObservationQuerySet:
        return self.filter(date__gte=start, date__lte=end)

    def for_appraisal(self) -> ObservationQuerySet:
        """Evaluative observations, and developmental ones their teacher released."""
        return self.filter(Q(purpose=Purpose.EVALUATIVE) | Q(released_at__isnull=False))

    def with_refs(self) -> ObservationQuerySet:
        return self.select_related("observer", "teacher", "school", "subject")


class Observation(models.Model):
    """One observed lesson: who observed whom, where and what, the rubric assessment, the
    written feedback, and the observed teacher's side of the loop (read, acknowledged,
    reflection)."""

    # A string, not a UUIDField: core.audit.snapshot writes field values as JSON and does not
    # encode UUID objects.
    client_uuid = models.CharField("客户端编号", max_length=36, default=new_client_uuid, unique=True,
                                   help_text="手机端离线草稿的编号，同步时据此去重")
    observer = models.ForeignKey(Person, verbose_name="听课人", on_delete=models.PROTECT,
                                 related_name="observations_given")
    teacher = models.ForeignKey(Person, verbose_name="授课教师", on_delete=models.PROTECT,
                                related_name="observations_received")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="observations")
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    class_name = models.CharField("班级", max_length=20, blank=True)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    topic = models.CharField("课题", max_length=120, blank=True)
    date = models.DateField("听课日期")
    period = models.PositiveSmallIntegerField("节次", null=True, blank=True)
    kind = models.CharField("课型", max_length=16, choices=ObservationKind.choices, default=ObservationKind.PUSH_IN)
    purpose = models.CharField("性质", max_length=16, choices=Purpose.choices, default=Purpose.DEVELOPMENTAL)
    status = models.CharField("状态", max_length=10, choices=ObservationStatus.choices,
                              default=ObservationStatus.DRAFT)
    assessment = models.OneToOneField(Assessment, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="observation")
    strengths = models.TextField("优点", blank=True)
    problems = models.TextField("问题", blank=True)
    suggestions = models.TextField("建议", blank=True)
    overall_grade = models.CharField("总体评价", max_length=10, choices=OverallGrade.choices, blank=True)
    # How the observer coded the lesson on the form (observe.coding_settings: recording mode,
    # S-T and FIAS sampling intervals, the D code, the open tab), kept so a reload or another
    # device restores them and the analysis uses the interval actually used.
    coding_settings = models.JSONField("编码设置", default=dict, blank=True)
    # The activity that owns this observation (an inspection visit, a research activity), added
    # by later apps; a generic reference so this app needs no knowledge of them.
    context_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    context_id = models.PositiveBigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The observed teacher's side of the feedback loop.
    read_at = models.DateTimeField("教师阅读时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("教师确认时间", null=True, blank=True)
    reflection = models.TextField("教学反思", blank=True)
    reflection_at = models.DateTimeField(null=True, blank=True)
    # A developmental observation feeds appraisal only once its teacher releases it.
    released_at = models.DateTimeField("教师同意用于评价", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ObservationQuerySet] = ObservationQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "听课记录"
        verbose_name_plural = "听课记录"
        indexes = [
            models.Index(fields=["school", "date"], name="obs_school_date"),
            models.Index(fields=["observer", "date"], name="obs_observer_date"),
            models.Index(fields=["teacher", "date"], name="obs_teacher_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(observer=models.F("teacher")), name="obs_not_self"),
            models.CheckConstraint(condition=Q(period__isnull=True) | Q(period__gte=1, period__lte=12),
                                   name="obs_period_range"),
            models.CheckConstraint(condition=Q(context_type__isnull=True, context_id__isnull=True)
                                   | Q(context_type__isnull=False, context_id__isnull=False),
                                   name="obs_context_both_or_neither"),
            models.CheckConstraint(condition=Q(status="draft") | Q(submitted_at__isnull=False),
                                   name="obs_submitted_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.teacher.name if self.teacher_id else ''}《{self.topic}》"

    @property
    def is_submitted(self) -> bool:
        return self.status == ObservationStatus.SUBMITTED

    @property
    def grade_label(self) -> str:
        """一年级 … 九年级, 高一 … 高三."""
        if self.grade is None:
            return ""
        return GRADE_LABELS[self.grade - 1] if 1 <= self.grade <= len(GRADE_LABELS) else f"{self.grade}年级"

    @property
    def feeds_appraisal(self) -> bool:
        return self.purpose == Purpose.EVALUATIVE or self.released_at is not None


def attachment_path(instance: ObservationAttachment, filename: str) -> str:
    return f"observe/{instance.observation_id}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class ObservationAttachment(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=120)
    is_photo = models.BooleanField("照片", default=False)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "听课附件"
        verbose_name_plural = "听课附件"

    def __str__(self) -> str:
        return self.name


class CodingSource(models.TextChoices):
    LIVE = "live", "现场"
    VIDEO = "video", "录像"


class CodingSession(models.Model):
    """A coded record of the lesson under one scheme (ST, STD, FIAS, ...; observe.coding) with
    the analysis computed when it was saved (analytics.md §1.1 data model: interval, scheme,
    codes, coder, source)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="coding_sessions")
    scheme_key = models.CharField("编码方案", max_length=16)
    interval_seconds = models.FloatField("采样间隔（秒）")
    codes = models.JSONField("编码序列", default=list)
    source = models.CharField("来源", max_length=8, choices=CodingSource.choices, default=CodingSource.LIVE)
    coder = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField("分析结果", default=dict)
    # Copied out of `result` so lists and the S-T mode mix are one indexed query, not JSON reads.
    n = models.PositiveIntegerField(default=0)
    rt = models.FloatField(null=True, blank=True)
    ch = models.FloatField(null=True, blank=True)
    mode = models.CharField("教学模式", max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["observation", "created_at"]
        verbose_name = "课堂编码"
        verbose_name_plural = "课堂编码"
        constraints = [
            models.CheckConstraint(condition=Q(interval_seconds__gt=0), name="coding_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_key} {self.n}"

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, "")


class Notification(models.Model):
    """An in-app message to a person (feedback to read, a reflection written)."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="observe_notifications")
    observation = models.ForeignKey(Observation, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notifications")
    title = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [models.Index(fields=["recipient", "read_at"], name="obs_notice_recipient")]

    def __str__(self) -> str:
        return self.title



class ObservationAggregate(models.Model):
    """Sufficient statistics of the submitted observations of one org node (a school, or a
    region summing its schools), one term and one subject, so an analysis of a province merges
    a few rows instead of scanning every observation (observe.aggregates keeps them).

    `by_kind` counts every submitted lesson by kind (quota facts); `scores` covers the appraisal
    set only (evaluative, or released by the teacher) with a total: per template name
    {"n", "sum", "sumsq", "hist": {hundredths of a point: lessons}, "dims": {dimension code:
    {"title", "max", "n", "sum", "sumsq", "hist"}}}; the histograms are exact (scores are
    rounded to hundredths), so quartiles from them equal quartiles of the raw scores.
    """

    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    term_key = models.CharField("学期", max_length=10)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    lessons = models.PositiveIntegerField(default=0)
    developmental = models.PositiveIntegerField(default=0)
    by_kind = models.JSONField(default=dict)
    scored = models.PositiveIntegerField(default=0)
    scores = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "听课统计汇总"
        verbose_name_plural = "听课统计汇总"
        constraints = [
            models.UniqueConstraint(fields=["node", "term_key", "subject"], name="obs_aggregate_unique_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.term_key} {self.subject_id}: {self.lessons}"


class ObservationMiningResult(models.Model):
    """The last text-mining result (observe.mining) of one viewer scope, node, subject and term:
    computed in a task, shown with its time until the next refresh replaces it."""

    key = models.CharField(max_length=64, unique=True)
    phrases = models.JSONField(default=list)
    texts = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "听课文本分析结果"
        verbose_name_plural = "听课文本分析结果"

    def __str__(self) -> str:
        return f"{self.key} {self.computed_at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- lesson videos (observe/video*.py)


def video_path(instance: ObservationVideo, filename: str) -> str:
    """observe/video/<observation>/<random>.<ext>: the name the user gave is kept in `name`."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"observe/video/{instance.observation_id}/{uuid.uuid4().hex}.{ext[:5]}"


class ObservationVideo(models.Model):
    """The lesson's video: a file in the file store (default_storage, never the database), or a
    link to a video on the region's platform (an allowed host, settings.OBSERVE_VIDEO_LINK_HOSTS)."""

    observation = models.OneToOneField(Observation, on_delete=models.CASCADE, related_name="video")
    file = models.FileField("录像文件", upload_to=video_path, blank=True, max_length=200)
    link = models.URLField("录像链接", max_length=500, blank=True)
    name = models.CharField("文件名", max_length=120, blank=True)
    content_type = models.CharField("类型", max_length=40, blank=True)
    size = models.PositiveBigIntegerField("大小", default=0)
    # What the player reported when the observer coded (seconds); the timeline's length.
    duration_seconds = models.FloatField("时长（秒）", null=True, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "课堂录像"
        verbose_name_plural = "课堂录像"
        constraints = [
            models.CheckConstraint(condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                                   name="obs_video_file_or_link"),
        ]

    def __str__(self) -> str:
        return self.name or self.link


class VideoCodeTrack(models.Model):
    """The codes entered against the video's timeline under one family (S-T or FIAS): marks
    [seconds, code], each the behaviour from that moment on. The sampled sequence derived from
    them (observe.video_timeline) is the observation's coding session of that scheme."""

    video = models.ForeignKey(ObservationVideo, on_delete=models.CASCADE, related_name="tracks")
    family = models.CharField("方案类别", max_length=8)
    scheme_key = models.CharField("编码方案", max_length=16)
    interval_seconds = models.FloatField("采样间隔（秒）")
    marks = models.JSONField("录像时间编码", default=list)
    coded_until = models.FloatField("编码至（秒）", default=0)
    session = models.OneToOneField(CodingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "录像编码"
        verbose_name_plural = "录像编码"
        constraints = [
            models.UniqueConstraint(fields=["video", "family"], name="obs_video_track_unique_family"),
            models.CheckConstraint(condition=Q(interval_seconds__gt=0), name="obs_video_track_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_key} {len(self.marks)}"


class VideoComment(models.Model):
    """A comment pinned to a moment of the video (clicking it seeks the player there)."""

    video = models.ForeignKey(ObservationVideo, on_delete=models.CASCADE, related_name="comments")
    at_seconds = models.FloatField("录像时间（秒）")
    text = models.CharField("评论", max_length=500)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at_seconds", "id"]
        verbose_name = "录像评论"
        verbose_name_plural = "录像评论"
        constraints = [models.CheckConstraint(condition=Q(at_seconds__gte=0), name="obs_video_comment_time")]

    def __str__(self) -> str:
        return f"{self.at_seconds:.1f}s {self.text[:20]}"


# ---------------------------------------------------------------- the teacher archive's own notes


class ArchiveNoteKind(models.TextChoices):
    GROWTH = "growth", "成长记录"
    FOLLOW_UP = "follow_up", "问题跟进"


class ArchiveNote(models.Model):
    """A note the teacher or a school leader writes into a teacher's archive (004 (一)4): a growth
    record no other app keeps (a reflection on a year, a mentoring talk), or the follow-up of a
    problem found about the teacher, naming the problem by its source key and id (observe.archive
    ProblemSource) with the measure decided and its deadline ("确定整改措施、限定整改期限")."""

    person = models.ForeignKey(Person, verbose_name="教师", on_delete=models.CASCADE, related_name="archive_notes")
    kind = models.CharField("类型", max_length=10, choices=ArchiveNoteKind.choices)
    problem_source = models.CharField("问题来源", max_length=32, blank=True)
    problem_id = models.PositiveBigIntegerField(null=True, blank=True)
    date = models.DateField("日期")
    text = models.TextField("内容")
    deadline = models.DateField("整改期限", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "教学档案记录"
        verbose_name_plural = "教学档案记录"
        indexes = [
            models.Index(fields=["person", "date"], name="archive_note_person_date"),
            models.Index(fields=["problem_source", "problem_id"], name="archive_note_problem"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="growth", problem_source="", problem_id__isnull=True)
                           | (Q(kind="follow_up", problem_id__isnull=False, deadline__isnull=False)
                              & ~Q(problem_source=""))),
                name="archive_note_follow_up_names_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.get_kind_display()}"
