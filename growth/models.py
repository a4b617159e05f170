"""Professional growth (专业成长): training hours, rotation to schools, talent programmes with tiers
and duties, competitions and awards, master-teacher studios, quality subject base schools and
mental-health education certificates.

Policy: 000 §10–§12 (72 training hours a year, a school year in a school after 5 years in post,
200 provincial backbone researchers), 001 一(二) (talent programmes with 示范课/参赛课/汇报课
duties per tier, studios, competitions, training counts), 004 (二)2 (C/B certificates), (二)5
(quality subject bases helping weak groups), (二)6 (studios; schools of 30+ classes).

Levels use core's `Level` (国家级 … 校级). Membership of a programme is recorded, in the trunk,
as a `core.Designation` where the programme's kind is a title of honour (学科带头人, 骨干教师, 名师).
Visibility is decided in growth.access, never here.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q

from core.models import Designation, Level, OrgNode, Person, Stage, Subject, User
from observe.models import ObservationKind


def _file_path(folder: str, filename: str) -> str:
    return f"growth/{folder}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


def training_certificate_path(instance: TrainingRecord, filename: str) -> str:
    return _file_path("training", filename)


def award_certificate_path(instance: Award, filename: str) -> str:
    return _file_path("awards", filename)


def psy_certificate_path(instance: PsyCertificate, filename: str) -> str:
    return _file_path("psy", filename)


# ---------------------------------------------------------------- training (RES.TRAINING)


class TrainingSource(models.TextChoices):
    ENTRY = "entry", "录入"
    IMPORT = "import", "导入"


class TrainingRecord(models.Model):
    """One course a person attended, with the class hours (学时) it gave (000 §12: at least 72 a
    year). Counted in the calendar year in which the course ended."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField("培训项目", max_length=120)
    provider = models.CharField("培训机构", max_length=100)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    certificate = models.FileField("结业证书", upload_to=training_certificate_path, blank=True)
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)
    source = models.CharField("来源", max_length=8, choices=TrainingSource.choices, default=TrainingSource.ENTRY)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-end", "-id"]
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        indexes = [models.Index(fields=["person", "end"], name="training_person_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="training_ends_after_start"),
            models.CheckConstraint(condition=Q(hours__gt=Decimal(0)), name="training_hours_positive"),
            models.UniqueConstraint(fields=["person", "course", "start"], name="training_unique_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name if self.person_id else ''}《{self.course}》{self.hours}学时"


# ---------------------------------------------------------------- rotation (RES.ROTATION)


class RotationStint(models.Model):
    """A full-time researcher teaching in a school (000 §12: after 5 years in post, a school year
    or more in a primary or secondary school). A stint of 300 days or more counts as a school year."""

    person = models.ForeignKey(Person, verbose_name="教研员", on_delete=models.CASCADE, related_name="rotations")
    school = models.ForeignKey(OrgNode, verbose_name="任教学校", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, verbose_name="任教学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "到校任教"
        verbose_name_plural = "到校任教"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="rotation_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name if self.person_id else ''} {self.start:%Y-%m}—{self.end:%Y-%m}"


# ---------------------------------------------------------------- talent programmes


class ProgrammeKind(models.TextChoices):
    LEADER = "leader", "学科带头人"
    BACKBONE = "backbone", "骨干教师"
    YOUNG = "young", "青年教师"
    MASTER = "master", "名师"
    BACKBONE_RESEARCHER = "backbone_researcher", "骨干教研员"


class TalentProgramme(models.Model):
    """A region's programme of selecting and training teachers by tiers (001 一(二)二: 学科带头人,
    骨干教师, 优秀青年教师; 000 §12: 200 provincial backbone researchers)."""

    region = models.ForeignKey(OrgNode, verbose_name="组织区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=ProgrammeKind.choices)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    quota = models.PositiveIntegerField("总名额", default=0)
    description = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = "人才培养项目"
        verbose_name_plural = "人才培养项目"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="programme_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeTier(models.Model):
    """A tier of a programme (领航学科带头人, 骨干教师, 优秀青年教师 …) with its own quota."""

    programme = models.ForeignKey(TalentProgramme, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField("层级", max_length=40)
    kind = models.CharField("称号类别", max_length=20, choices=ProgrammeKind.choices)
    rank = models.PositiveSmallIntegerField("排序", default=1)
    quota = models.PositiveIntegerField("名额", default=0)

    class Meta:
        ordering = ["programme", "rank"]
        verbose_name = "项目层级"
        verbose_name_plural = "项目层级"
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="tier_name_unique")]

    def __str__(self) -> str:
        return self.name


class DutyPeriod(models.TextChoices):
    TERM = "term", "每学期"
    YEAR = "year", "每学年"


class TierDuty(models.Model):
    """What a member of a tier owes (001 一(二)二: a 示范课 per term for leaders, a 参赛课 for
    backbone teachers, a 汇报课 for young teachers). `lesson_kind` is observe's lesson kind; an
    observation of that kind, linked to the member, fulfils one."""

    tier = models.ForeignKey(ProgrammeTier, on_delete=models.CASCADE, related_name="duties")
    lesson_kind = models.CharField("课型", max_length=16)
    count = models.PositiveSmallIntegerField("节数", default=1)
    period = models.CharField("周期", max_length=8, choices=DutyPeriod.choices, default=DutyPeriod.TERM)

    class Meta:
        verbose_name = "层级职责"
        verbose_name_plural = "层级职责"
        constraints = [
            models.UniqueConstraint(fields=["tier", "lesson_kind"], name="duty_unique_per_kind"),
            models.CheckConstraint(condition=Q(count__gte=1), name="duty_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier.name if self.tier_id else ''} {self.get_period_display()}{self.count}节{self.lesson_kind_label}"

    @property
    def lesson_kind_label(self) -> str:
        return str(dict(ObservationKind.choices).get(self.lesson_kind, self.lesson_kind))


class SelectionRound(models.Model):
    """A round of selection into a programme (遴选)."""

    programme = models.ForeignKey(TalentProgramme, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField("轮次", max_length=60)
    held_on = models.DateField("遴选日期")
    quota = models.PositiveIntegerField("本轮名额", default=0)

    class Meta:
        ordering = ["programme", "held_on"]
        verbose_name = "遴选轮次"
        verbose_name_plural = "遴选轮次"

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在培"
    FINISHED = "finished", "已结业"
    WITHDRAWN = "withdrawn", "已退出"


class ProgrammeMember(models.Model):
    """A person selected into a tier of a programme for a period. Where the tier's kind is a title
    of honour, `designation` is the trunk's record of it (core.Designation)."""

    programme = models.ForeignKey(TalentProgramme, on_delete=models.CASCADE, related_name="members")
    tier = models.ForeignKey(ProgrammeTier, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="programme_memberships")
    round = models.ForeignKey(SelectionRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    status = models.CharField("状态", max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    designation = models.OneToOneField(Designation, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="programme_member")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "tier__rank", "person__pinyin"]
        verbose_name = "项目成员"
        verbose_name_plural = "项目成员"
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="member_unique_per_programme"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="member_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name if self.person_id else ''}（{self.tier.name if self.tier_id else ''}）"


class DutyFulfilment(models.Model):
    """An observed lesson (observe.Observation) that fulfils a member's duty."""

    member = models.ForeignKey(ProgrammeMember, on_delete=models.CASCADE, related_name="fulfilments")
    duty = models.ForeignKey(TierDuty, on_delete=models.CASCADE, related_name="fulfilments")
    observation = models.ForeignKey("observe.Observation", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "职责完成记录"
        verbose_name_plural = "职责完成记录"
        constraints = [models.UniqueConstraint(fields=["member", "observation"], name="fulfilment_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.observation_id}"


class MemberAssessment(models.Model):
    """A periodic assessment of a member (阶段考核), with the 优/良/中/差 level of core.rubric_levels."""

    member = models.ForeignKey(ProgrammeMember, on_delete=models.CASCADE, related_name="assessments")
    period = models.CharField("考核周期", max_length=40)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    grade = models.CharField("等级", max_length=4)
    assessed_on = models.DateField("考核日期")
    comment = models.CharField("评语", max_length=300, blank=True)

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = "成员考核"
        verbose_name_plural = "成员考核"

    def __str__(self) -> str:
        return f"{self.member} {self.period} {self.grade}"


# ---------------------------------------------------------------- competitions and awards


class CompetitionKind(models.TextChoices):
    BASIC_SKILLS = "basic_skills", "教学基本功"
    QUALITY_LESSON = "quality_lesson", "优质课"
    LESSON_TALK = "lesson_talk", "说课"
    ITEM_WRITING = "item_writing", "命题"
    MICRO_LESSON = "micro_lesson", "微课"
    DESIGN = "design", "教学设计"
    OTHER = "other", "其他"


class Competition(models.Model):
    """A teaching competition organised by a region (001 一(二)三: 89 contests, 10,560 entrants)."""

    region = models.ForeignKey(OrgNode, verbose_name="组织区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("比赛名称", max_length=120)
    kind = models.CharField("类别", max_length=16, choices=CompetitionKind.choices)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    held_on = models.DateField("举办日期")
    entrants = models.PositiveIntegerField("参赛人数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "name"]
        verbose_name = "教学比赛"
        verbose_name_plural = "教学比赛"

    def __str__(self) -> str:
        return self.name


class CompetitionRound(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField("赛段", max_length=40)
    order = models.PositiveSmallIntegerField("顺序", default=1)
    held_on = models.DateField("日期")

    class Meta:
        ordering = ["competition", "order"]
        verbose_name = "比赛赛段"
        verbose_name_plural = "比赛赛段"

    def __str__(self) -> str:
        return self.name


class AwardRank(models.TextChoices):
    SPECIAL = "special", "特等奖"
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    MERIT = "merit", "优秀奖"


class Award(models.Model):
    """A person's award, from a competition or another selection, with its certificate."""

    person = models.ForeignKey(Person, verbose_name="获奖人", on_delete=models.CASCADE, related_name="awards")
    competition = models.ForeignKey(Competition, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="awards")
    title = models.CharField("奖项名称", max_length=120)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    rank = models.CharField("等次", max_length=10, choices=AwardRank.choices)
    awarded_on = models.DateField("获奖日期")
    issuer = models.CharField("颁发单位", max_length=100, blank=True)
    certificate = models.FileField("证书", upload_to=award_certificate_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = "获奖记录"
        verbose_name_plural = "获奖记录"

    def __str__(self) -> str:
        return f"{self.title} {self.get_rank_display()}"


# ---------------------------------------------------------------- studios (STUDIO.LARGE_SCHOOL)


class Studio(models.Model):
    """A master-teacher studio ((名)教师工作室, 004 (二)6), approved by a region at a level, hosted
    by a teacher at a school."""

    name = models.CharField("工作室名称", max_length=100)
    host = models.ForeignKey(Person, verbose_name="主持人", on_delete=models.PROTECT, related_name="studios_hosted")
    region = models.ForeignKey(OrgNode, verbose_name="批准区域", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(OrgNode, verbose_name="所在学校", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    start = models.DateField("成立日期")
    end = models.DateField("周期结束", null=True, blank=True)
    plan = models.TextField("建设方案", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = "名师工作室"
        verbose_name_plural = "名师工作室"
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                                   name="studio_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name="成员", on_delete=models.CASCADE, related_name="studio_memberships")
    joined_on = models.DateField("加入日期")

    class Meta:
        ordering = ["studio", "person__pinyin"]
        verbose_name = "工作室成员"
        verbose_name_plural = "工作室成员"
        constraints = [models.UniqueConstraint(fields=["studio", "person"], name="studio_member_unique")]

    def __str__(self) -> str:
        return f"{self.studio} · {self.person}"


class StudioEntryKind(models.TextChoices):
    ACTIVITY = "activity", "活动"
    OUTPUT = "output", "成果"


class StudioEntry(models.Model):
    """An activity a studio held or an output it produced."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("类别", max_length=10, choices=StudioEntryKind.choices)
    title = models.CharField("名称", max_length=120)
    date = models.DateField("日期")
    summary = models.TextField("简介", blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "工作室活动与成果"
        verbose_name_plural = "工作室活动与成果"

    def __str__(self) -> str:
        return self.title


class StudioAssessment(models.Model):
    """The yearly assessment of a studio (考核细则), 优/良/中/差 by core.rubric_levels."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("考核年度")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    grade = models.CharField("等级", max_length=4)
    note = models.CharField("意见", max_length=300, blank=True)

    class Meta:
        ordering = ["studio", "-year"]
        verbose_name = "工作室考核"
        verbose_name_plural = "工作室考核"
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="studio_assessment_per_year")]

    def __str__(self) -> str:
        return f"{self.studio} {self.year} {self.grade}"


# ---------------------------------------------------------------- base schools (BASE.SCHOOLS)


class BaseSchool(models.Model):
    """A quality subject base school (优质学科基地学校, 004 (二)5) designated by a city (or a county
    following it) for a stage and subject, over a period."""

    region = models.ForeignKey(OrgNode, verbose_name="评定区域", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "stage", "subject__sort", "school__path"]
        verbose_name = "优质学科基地学校"
        verbose_name_plural = "优质学科基地学校"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="base_ends_after_start"),
            models.UniqueConstraint(fields=["region", "school", "stage", "subject", "start"], name="base_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name if self.school_id else ''} {self.subject.name if self.subject_id else ''}基地"


class BaseHelp(models.Model):
    """A weak subject group a base school helps (帮扶本地区薄弱学科组)."""

    base = models.ForeignKey(BaseSchool, on_delete=models.CASCADE, related_name="helps")
    school = models.ForeignKey(OrgNode, verbose_name="帮扶学校", on_delete=models.PROTECT, related_name="+")
    since = models.DateField("开始日期")
    note = models.CharField("帮扶内容", max_length=200, blank=True)

    class Meta:
        ordering = ["base", "school__path"]
        verbose_name = "帮扶薄弱学科组"
        verbose_name_plural = "帮扶薄弱学科组"
        constraints = [models.UniqueConstraint(fields=["base", "school"], name="base_help_unique")]

    def __str__(self) -> str:
        return f"{self.base} → {self.school}"


# ---------------------------------------------------------------- certificates (PSY.CERT)


class PsyLevel(models.TextChoices):
    C = "c", "C证"
    B = "b", "B证"
    A = "a", "A证"


class PsyCertificate(models.Model):
    """A teacher's mental-health education certificate (心理健康教育C证/B证, 004 (二)2)."""

    person = models.ForeignKey(Person, verbose_name="教师", on_delete=models.CASCADE, related_name="psy_certificates")
    level = models.CharField("等级", max_length=2, choices=PsyLevel.choices)
    number = models.CharField("证书编号", max_length=60, blank=True)
    issued_on = models.DateField("发证日期")
    issuer = models.CharField("发证机构", max_length=100, blank=True)
    file = models.FileField("证书扫描件", upload_to=psy_certificate_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = "心理健康教育证书"
        verbose_name_plural = "心理健康教育证书"
        constraints = [models.UniqueConstraint(fields=["person", "level"], name="psy_cert_unique_per_level")]

    def __str__(self) -> str:
        return f"{self.person.name if self.person_id else ''} {self.get_level_display()}"
