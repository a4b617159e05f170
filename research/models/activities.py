"""The research app's tables: research activities (教研活动) and who takes part.

An activity is organised by an org node (an institution's region node or a school); a subject
group's or preparation group's activity also names the `group`, a 联组's the `joint_group`.
`Participant` rows are the invited and the attending: attendance is recorded per person, by
sign-in (QR code at the venue) or by the organiser."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import F, Q

from core.models import Level, OrgNode, Person, Stage, Subject, TeachingGroup, Term, User
from research.models.groups import JointGroup

__all__ = ["Activity", "ActivityForm", "ActivityMaterial", "ActivityOutcome", "ActivityQuerySet", "ActivityStatus",
           "Attendance", "OutcomeKind", "Participant", "ParticipantRole"]


class ActivityForm(models.TextChoices):
    """The forms of activity of 000 §8 and 002 四, plus the school-level ones of 003 and 004."""

    REGIONAL = "regional", "区域教研"
    CLUSTER = "cluster", "联片教研"
    ONLINE = "online", "网络教研"
    COMPREHENSIVE = "comprehensive", "综合教研"
    THEME = "theme", "主题教研"
    SHOWCASE = "showcase", "教学展示"
    GUIDANCE = "guidance", "现场指导"
    SONGJIAO = "songjiao", "送教助研"
    COLLECTIVE_PREP = "collective_prep", "集体备课"
    GROUP = "group", "教研组活动"
    LECTURE = "lecture", "专题讲座"
    LESSON_STUDY = "lesson_study", "课例研修"
    POLISHING = "polishing", "磨课"
    TRAINING = "training", "培训"
    SKILLS_CONTEST = "skills_contest", "基本功比赛"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    UNDERWAY = "underway", "进行中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


# The longest an activity may last (research.services.activities refuses longer ones).
MAX_LENGTH = dt.timedelta(days=7)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def with_refs(self) -> ActivityQuerySet:
        return self.select_related("organiser", "subject", "term", "host", "group")

    def not_cancelled(self) -> ActivityQuerySet:
        return self.exclude(status=ActivityStatus.CANCELLED)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> ActivityQuerySet:
        """Activities that share some time with [start, end). An activity lasts at most
        MAX_LENGTH (the services refuse longer ones), so the lower bound on `start` lets the
        database range-scan its index on start instead of reading every activity."""
        return self.filter(start__lt=end, start__gt=start - MAX_LENGTH, end__gt=start)


class Activity(models.Model):
    organiser = models.ForeignKey(OrgNode, verbose_name="组织单位", on_delete=models.PROTECT,
                                  related_name="activities_organised")
    group = models.ForeignKey(TeachingGroup, verbose_name="教研组/备课组", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="activities")
    joint_group = models.ForeignKey(JointGroup, verbose_name="联组", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="activities")
    level = models.CharField("级别", max_length=10, choices=Level.choices, default=Level.SCHOOL)
    form = models.CharField("形式", max_length=16, choices=ActivityForm.choices, default=ActivityForm.GROUP)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=120)
    theme = models.CharField("主题", max_length=200, blank=True)
    plan = models.TextField("活动方案", blank=True)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    periods = models.PositiveSmallIntegerField("课时", default=2)
    place = models.CharField("地点", max_length=120, blank=True)
    online_url = models.URLField("线上链接", blank=True)
    host = models.ForeignKey(Person, verbose_name="主持人", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="activities_hosted")
    status = models.CharField("状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "教研活动"
        verbose_name_plural = "教研活动"
        indexes = [
            models.Index(fields=["organiser", "start"], name="activity_organiser_start"),
            models.Index(fields=["group", "start"], name="activity_group_start"),
            models.Index(fields=["start"], name="activity_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="activity_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        """The node the activity belongs to (core.audit files its events, and marks the norms of
        that unit stale, by the record's `org`)."""
        return self.organiser

    @property
    def is_open(self) -> bool:
        return self.status in (ActivityStatus.PLANNED, ActivityStatus.UNDERWAY)


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", "参加"
    PRESENTER = "presenter", "主讲/授课"
    GUIDE = "guide", "指导"
    ORGANISER = "organiser", "组织"


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", "未签到"
    PRESENT = "present", "出席"
    LATE = "late", "迟到"
    ABSENT = "absent", "缺席"
    EXCUSED = "excused", "请假"


class Participant(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activity_participations")
    role = models.CharField("身份", max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT)
    invited = models.BooleanField("受邀", default=True)
    attendance = models.CharField("出勤", max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN)
    signed_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "参加人员"
        verbose_name_plural = "参加人员"
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="participant_unique")]
        indexes = [models.Index(fields=["person", "activity"], name="participant_person")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.person}"

    @property
    def org(self) -> OrgNode:
        return self.activity.organiser


class OutcomeKind(models.TextChoices):
    """The written outcome an activity leaves (002 四(五)): a case, a research report, minutes."""

    CASE = "case", "案例"
    REPORT = "report", "研究报告"
    MINUTES = "minutes", "纪要"


def outcome_path(instance: ActivityOutcome | ActivityMaterial, filename: str) -> str:
    return f"research/activities/{instance.activity_id}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class ActivityOutcome(models.Model):
    """The written outcome, written in place (`text`) or uploaded (`file`), or both."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField("成果类型", max_length=10, choices=OutcomeKind.choices, default=OutcomeKind.MINUTES)
    title = models.CharField("标题", max_length=120)
    text = models.TextField("正文", blank=True)
    file = models.FileField("文件", upload_to=outcome_path, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    author = models.ForeignKey(Person, verbose_name="撰写人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "活动成果"
        verbose_name_plural = "活动成果"
        constraints = [models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="outcome_has_text_or_file")]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        return self.activity.organiser


class ActivityMaterial(models.Model):
    """A material of the activity: a file (slides, a lesson plan) or a link."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("名称", max_length=120)
    file = models.FileField("文件", upload_to=outcome_path, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    url = models.URLField("链接", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "活动资料"
        verbose_name_plural = "活动资料"
        constraints = [models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="material_has_file_or_url")]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        return self.activity.organiser
