"""The research app's tables: subject-group life (003 二, 三, 四; 004 (一)1).

`JointGroup` is a cross-school 联组 (by township, education group or 片区) whose member schools'
groups run activities together. The other tables hang on a core `TeachingGroup` (a school's
教研组 or 备课组 for one semester) or on the school itself:

- `GroupPlan`: the group's 3- or 5-year development plan and its semester plans (GROUP.PLAN).
- `JournalSubscription`: the subject journals and newspapers it takes each year (GROUP.JOURNALS).
- `KeySubject`: the 1–2 subjects a school names for development (GROUP.KEY_SUBJECTS).
- `GroupInstitution`: its institutions (业务学习, 听评课, … 考核评价) as dated documents.
- `GroupResource`: its resource bank (校本学科资源库), tagged by grade and unit.
- `GroupGuide`: a school leader or middle manager assigned to guide the group (包组) for its term.
- `MentorPair`: 青蓝工程 / 师带徒 pairs with their period and goals.
- `GroupLeaderTerm`: a leader appointed for a period (竞聘 or appointment) with duties.

A `TeachingGroup` row lives for one semester (core re-forms groups every term), so the records
that span terms (a development plan, a year's subscriptions) are matched to the later terms'
groups by school and group name (research.group_selectors).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q

from core.models import OrgNode, Person, Stage, Subject, TeachingGroup, User

__all__ = [
    "GroupGuide", "GroupInstitution", "GroupLeaderTerm", "GroupPlan", "GroupResource", "InstitutionKind",
    "JointGroup", "JournalKind", "JournalSubscription", "KeySubject", "LeaderMethod", "MentorPair", "PlanKind",
    "ResourceKind",
]


class JointGroup(models.Model):
    """A cross-school 联组: member schools' 教研组 of one subject and stage under a region node
    (a township, a county for an education group or 片区), led by a school or an institution."""

    region = models.ForeignKey(OrgNode, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    lead_school = models.ForeignKey(OrgNode, verbose_name="牵头学校", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(Person, verbose_name="负责人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    schools = models.ManyToManyField(OrgNode, verbose_name="成员学校", related_name="joint_groups")
    groups = models.ManyToManyField(TeachingGroup, verbose_name="成员教研组", blank=True, related_name="joint_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = "联组"
        verbose_name_plural = "联组"

    def __str__(self) -> str:
        return self.name


def group_file_path(instance: models.Model, filename: str) -> str:
    """Where a group record's document is stored: per school, under a random prefix (names are
    kept for display only, never trusted)."""
    school_id = getattr(instance, "school_id", None)
    if school_id is None:
        group = getattr(instance, "group", None)
        school_id = group.school_id if group is not None else 0
    return f"research/groups/{school_id}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class PlanKind(models.TextChoices):
    DEVELOPMENT = "development", "发展规划"
    SEMESTER = "semester", "学期活动计划"


class GroupPlan(models.Model):
    """A 教研组's development plan (3 or 5 school years from `start_year`) or its activity plan
    for one semester (`term_key`), written in place or uploaded (003 二(二))."""

    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField("类别", max_length=12, choices=PlanKind.choices)
    title = models.CharField("标题", max_length=120)
    start_year = models.PositiveSmallIntegerField("起始学年", null=True, blank=True)
    years = models.PositiveSmallIntegerField("规划年限", null=True, blank=True)
    term_key = models.CharField("学期", max_length=8, blank=True)
    text = models.TextField("内容", blank=True)
    file = models.FileField(upload_to=group_file_path, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "-start_year", "-term_key", "-id"]
        verbose_name = "教研组计划"
        verbose_name_plural = "教研组计划"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="development", start_year__isnull=False, years__in=[3, 5])
                           | (Q(kind="semester") & ~Q(term_key=""))),
                name="groupplan_period_by_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_text(self) -> str:
        if self.kind == PlanKind.DEVELOPMENT and self.start_year is not None and self.years is not None:
            return f"{self.start_year}—{self.start_year + self.years}学年（{self.years}年）"
        from core.terms import term_name

        return term_name(self.term_key)


class JournalKind(models.TextChoices):
    JOURNAL = "journal", "杂志"
    NEWSPAPER = "newspaper", "报纸"


class JournalSubscription(models.Model):
    """A subject journal or newspaper a group subscribes to for a school year (003 附件 九:
    每个教研组集体应配订三份以上学科专业报纸或杂志)."""

    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", on_delete=models.CASCADE,
                              related_name="journal_subscriptions")
    year = models.PositiveSmallIntegerField("学年（起始年）")
    title = models.CharField("报刊名称", max_length=80)
    kind = models.CharField("类别", max_length=10, choices=JournalKind.choices, default=JournalKind.JOURNAL)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = "报刊订阅"
        verbose_name_plural = "报刊订阅"
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "title"], name="journal_unique_per_group_year"),
        ]

    def __str__(self) -> str:
        return self.title


class KeySubject(models.Model):
    """A subject the school names as a key subject for development from a school year on, until
    an optional last year (003 四(一): 选出1—2个学科做为本校学科建设的重点学科)."""

    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.CASCADE, related_name="key_subjects")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField("起始学年")
    until_year = models.PositiveSmallIntegerField("截止学年", null=True, blank=True)
    reason = models.CharField("确定理由与扶持措施", max_length=300, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "-from_year", "subject"]
        verbose_name = "重点学科"
        verbose_name_plural = "重点学科"
        constraints = [
            models.UniqueConstraint(fields=["school", "subject", "from_year"], name="keysubject_unique"),
            models.CheckConstraint(condition=Q(until_year__isnull=True) | Q(until_year__gte=F("from_year")),
                                   name="keysubject_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.subject}"


class InstitutionKind(models.TextChoices):
    """The institutions of 003 三(三)."""

    STUDY = "study", "业务学习制度"
    OBSERVATION = "observation", "听评课制度"
    OPEN_LESSON = "open_lesson", "公开课活动制度"
    LEADERS_MEETING = "leaders_meeting", "教研组长例会制度"
    PREP_GROUP = "prep_group", "备课组活动制度"
    EVALUATION = "evaluation", "教研组工作考核及评价制度"


class GroupInstitution(models.Model):
    """An institution (制度) as a dated document: a group's own, or the school's for all its
    groups (`group` empty)."""

    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="institutions")
    kind = models.CharField("制度", max_length=16, choices=InstitutionKind.choices)
    title = models.CharField("标题", max_length=120)
    issued_on = models.DateField("印发日期")
    text = models.TextField("内容", blank=True)
    file = models.FileField(upload_to=group_file_path, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "-issued_on", "-id"]
        verbose_name = "教研制度"
        verbose_name_plural = "教研制度"
        indexes = [models.Index(fields=["school", "kind"], name="institution_school_kind")]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", "教案"
    PAPER = "paper", "试卷"
    COURSEWARE = "courseware", "课件"
    OTHER = "other", "其他资料"


class GroupResource(models.Model):
    """One item of the group's resource bank (校本学科资源库, 003 二(二)), tagged by grade and unit."""

    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField("类别", max_length=12, choices=ResourceKind.choices)
    title = models.CharField("标题", max_length=120)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    unit = models.CharField("单元", max_length=60, blank=True)
    tags = models.JSONField("标签", default=list, blank=True)
    file = models.FileField(upload_to=group_file_path)
    original_name = models.CharField("文件名", max_length=200)
    content_kind = models.CharField("文件类型", max_length=80, blank=True)
    size = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(Person, verbose_name="提供人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["grade", "unit", "-created_at", "-id"]
        verbose_name = "学科资源"
        verbose_name_plural = "学科资源"
        indexes = [models.Index(fields=["group", "grade"], name="resource_group_grade")]

    def __str__(self) -> str:
        return self.title


class GroupGuide(models.Model):
    """包组 (004 (一)1, 003 附件 九): a school leader or middle manager assigned to guide a group
    for the group's term, who joins its activities (attendance counted from Participant rows)."""

    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", on_delete=models.CASCADE, related_name="guides")
    person = models.ForeignKey(Person, verbose_name="包组领导", on_delete=models.CASCADE, related_name="guided_groups")
    note = models.CharField("分工说明", max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "person"]
        verbose_name = "包组"
        verbose_name_plural = "包组"
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="guide_unique_per_group")]

    def __str__(self) -> str:
        return f"{self.person} · {self.group}"


class MentorPair(models.Model):
    """A 青蓝工程 / 师带徒 pair (003 二(五)): mentor and mentee of one school, for a period, with goals."""

    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="mentor_pairs")
    mentor = models.ForeignKey(Person, verbose_name="师傅", on_delete=models.CASCADE, related_name="mentees_as_mentor")
    mentee = models.ForeignKey(Person, verbose_name="徒弟", on_delete=models.CASCADE, related_name="mentors_as_mentee")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    goals = models.TextField("培养目标", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = "师徒结对"
        verbose_name_plural = "师徒结对"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="mentorpair_ends_after_start"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorpair_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"


class LeaderMethod(models.TextChoices):
    COMPETITION = "competition", "竞聘"
    APPOINTMENT = "appointment", "任命"


class GroupLeaderTerm(models.Model):
    """A group leader appointed for a period, by 竞聘 or appointment, with the duties agreed
    (003 三(二): 教研组长实行聘任制，定期进行竞聘和调整)."""

    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", on_delete=models.CASCADE,
                              related_name="leader_terms")
    person = models.ForeignKey(Person, verbose_name="组长", on_delete=models.CASCADE, related_name="+")
    method = models.CharField("产生方式", max_length=12, choices=LeaderMethod.choices)
    start = models.DateField("聘期开始")
    end = models.DateField("聘期结束")
    duties = models.TextField("工作职责", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "组长聘任"
        verbose_name_plural = "组长聘任"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="leaderterm_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.person}"
