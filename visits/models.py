"""Inspection visits (视导), routine checks (常规检查), schools' own checks and leaders'
walkthroughs (巡课), findings followed to closure (整改), and visit reports.

One `Visit` model carries the three kinds of organised visit the policy names, told apart by
`category`: a 教研 institution's inspection visit (000 §6, 004 (七)), an education bureau's
routine check (004 四(四)), and a school's own routine check by its group leaders (004 (一)3),
because all three have an organiser, a team, a schedule of schools and days, records made on
site, findings and a written result (a report, or for a school's own check its 通报).

Visibility is decided in visits.access, never here; these querysets only offer reusable filters.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.models import OrgNode, Person, Subject, TeachingGroup, Term, User


def new_client_uuid() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    return uuid.uuid4().hex


# ---------------------------------------------------------------- configuration


class VisitCategory(models.TextChoices):
    INSPECTION = "inspection", "教学视导"
    BUREAU_CHECK = "bureau_check", "常规检查"
    SCHOOL_CHECK = "school_check", "校内常规检查"


class VisitKind(models.TextChoices):
    """The five kinds of 004 (七) (norm VISIT.KINDS)."""

    SUPERVISE = "supervise", "督办性视导"
    GUIDE = "guide", "指导性视导"
    DIAGNOSE = "diagnose", "诊断性视导"
    PATROL = "patrol", "巡查性视导"
    EVALUATE = "evaluate", "评价性视导"


class VisitMode(models.TextChoices):
    COLLECTIVE = "collective", "集体视导"
    INDIVIDUAL = "individual", "个人视导"


class KindRule(models.Model):
    """What a kind of visit obliges, set by a region for its subtree (the nearest ancestor's rule
    applies; with none, visits.rules.DEFAULT_RULES)."""

    region = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="visit_kind_rules")
    kind = models.CharField("视导类型", max_length=12, choices=VisitKind.choices)
    # Record kinds the team must file for each school: a list of AgendaKind values.
    required_records = models.JSONField("必备记录", default=list, blank=True)
    findings_need_rectification = models.BooleanField("问题须整改", default=True)
    school_must_answer = models.BooleanField("学校须反馈", default=True)
    publish_to_school = models.BooleanField("结果向学校公开", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "kind"]
        verbose_name = "视导类型规则"
        verbose_name_plural = "视导类型规则"
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="visit_kind_rule_once_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_kind_display()}"


class WeekActivity(models.TextChoices):
    VISIT = "visit", "下校视导"
    SUBJECT_ACTIVITY = "subject_activity", "学科教研活动"
    OFFICE = "office", "机关办公/学习"
    FREE = "free", "不限"


class WeekPattern(models.Model):
    """An institution's weekly pattern (norm WEEK.PATTERN, 001 一(一): for example school visits
    on Monday and Wednesday, subject activities on Tuesday and Thursday). `days` maps ISO weekday
    numbers ("1" Monday … "7" Sunday) to a WeekActivity value."""

    region = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="week_pattern")
    days = models.JSONField("每周安排", default=dict)
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "每周工作安排"
        verbose_name_plural = "每周工作安排"

    def __str__(self) -> str:
        return f"{self.region.name}每周工作安排"


# ---------------------------------------------------------------- visits


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "已计划"
    UNDERWAY = "underway", "进行中"
    FINISHED = "finished", "已结束"
    REPORTED = "reported", "已出报告"
    CANCELLED = "cancelled", "已取消"


class VisitQuerySet(models.QuerySet["Visit"]):
    def in_term(self, term: Term) -> VisitQuerySet:
        return self.filter(start__lte=term.end, end__gte=term.start)

    def active(self) -> VisitQuerySet:
        return self.exclude(status=VisitStatus.CANCELLED)

    def with_refs(self) -> VisitQuerySet:
        return self.select_related("organiser", "lead", "term")


class Visit(models.Model):
    """One organised visit: who organises it, of which kind, when, to which schools, with which
    team. The organiser is a region node (its 教研 institution, or its bureau for a routine
    check) or, for a school's own check, the school."""

    organiser = models.ForeignKey(OrgNode, verbose_name="组织单位", on_delete=models.PROTECT,
                                  related_name="visits_organised")
    category = models.CharField("类别", max_length=14, choices=VisitCategory.choices,
                                default=VisitCategory.INSPECTION)
    kind = models.CharField("视导类型", max_length=12, choices=VisitKind.choices, default=VisitKind.GUIDE)
    mode = models.CharField("形式", max_length=12, choices=VisitMode.choices, default=VisitMode.COLLECTIVE)
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=120)
    # The document number bureaus print on the notice and the report (小店教研〔2026〕12号).
    number = models.CharField("文号", max_length=40, blank=True)
    purpose = models.TextField("目的与重点", blank=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    lead = models.ForeignKey(Person, verbose_name="带队负责人", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="visits_led")
    # A follow-up visit re-checks the open findings of the visit it follows (issue 11).
    follows = models.ForeignKey("self", verbose_name="复查的视导", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="follow_ups")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[VisitQuerySet] = VisitQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "视导"
        verbose_name_plural = "视导"
        indexes = [
            models.Index(fields=["organiser", "start"], name="visit_organiser_start"),
            models.Index(fields=["start", "end"], name="visit_dates"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="visit_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class VisitSchool(models.Model):
    """One target school of a visit, on one day, with its agenda (one row per school and day)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="stops")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="visit_stops")
    date = models.DateField("日期")
    # [{"kind": AgendaKind, "start": "08:00", "end": "08:45", "title": str, "subject_id": int|None,
    #   "member_ids": [person ids], "place": str}]
    agenda = models.JSONField("日程", default=list, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "视导日程"
        verbose_name_plural = "视导日程"
        indexes = [models.Index(fields=["school", "date"], name="visit_stop_school_date")]
        constraints = [
            models.UniqueConstraint(fields=["visit", "school", "date"], name="visit_stop_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.school.name}"


class AgendaKind(models.TextChoices):
    LESSON = "lesson", "听课"
    DOCUMENT_CHECK = "document_check", "查阅资料"
    LEADER_MEETING = "leader_meeting", "与领导座谈"
    TEACHER_FORUM = "teacher_forum", "教师座谈"
    STUDENT_SURVEY = "student_survey", "学生问卷"
    TEACHER_SURVEY = "teacher_survey", "教师问卷"
    ROUTINE_CHECK = "routine_check", "常规检查"
    FEEDBACK = "feedback", "反馈会"


class TeamRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    SUBJECT = "subject", "学科组成员"
    BACKBONE = "backbone", "骨干教师"
    RECORDER = "recorder", "记录员"


class VisitMember(models.Model):
    """A member of a visit's team, with a role and (for subject members) a subject."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name="成员", on_delete=models.PROTECT, related_name="visit_memberships")
    role = models.CharField("分工", max_length=10, choices=TeamRole.choices, default=TeamRole.SUBJECT)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit", "role", "id"]
        verbose_name = "视导组成员"
        verbose_name_plural = "视导组成员"
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="visit_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.person.name}"


# ---------------------------------------------------------------- on site


class CheckItem(models.TextChoices):
    LESSON_PLAN = "lesson_plan", "教案"
    HOMEWORK = "homework", "作业布置"
    MARKING = "marking", "作业批改"
    TUTORING = "tutoring", "辅导记录"
    LISTENING = "listening", "听课记录"
    GROUP_RECORD = "group_record", "教研组活动记录"
    OTHER = "other", "其他"


class CheckLevel(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "需改进"


class CheckRecord(models.Model):
    """One sampled item of a routine check: a teacher's lesson plans, homework, marking or tutoring
    records, judged against a rubric (observe's engine) and in words."""

    client_uuid = models.CharField("客户端编号", max_length=36, default=new_client_uuid, unique=True)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="check_records")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("检查项目", max_length=14, choices=CheckItem.choices)
    teacher = models.ForeignKey(Person, verbose_name="教师", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="check_records")
    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    class_name = models.CharField("班级", max_length=20, blank=True)
    sample_count = models.PositiveSmallIntegerField("抽查数量", default=1)
    assessment = models.OneToOneField("observe.Assessment", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="check_record")
    level = models.CharField("等级", max_length=10, choices=CheckLevel.choices, blank=True)
    strengths = models.TextField("亮点", blank=True)
    problems = models.TextField("问题", blank=True)
    checker = models.ForeignKey(Person, verbose_name="检查人", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("检查日期")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "常规检查记录"
        verbose_name_plural = "常规检查记录"
        indexes = [models.Index(fields=["school", "date"], name="check_record_school_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_item_display()}"


class NoteKind(models.TextChoices):
    LEADER_MEETING = "leader_meeting", "与领导座谈"
    TEACHER_FORUM = "teacher_forum", "教师座谈"
    DOCUMENT_CHECK = "document_check", "资料查阅"
    FEEDBACK = "feedback", "现场反馈"
    OTHER = "other", "其他"


class VisitNote(models.Model):
    """Notes of a meeting, a forum, a document check or the on-site feedback."""

    client_uuid = models.CharField("客户端编号", max_length=36, default=new_client_uuid, unique=True)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notes")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=16, choices=NoteKind.choices, default=NoteKind.OTHER)
    title = models.CharField("标题", max_length=120, blank=True)
    text = models.TextField("内容", blank=True)
    author = models.ForeignKey(Person, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "视导记录"
        verbose_name_plural = "视导记录"

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


def attachment_path(instance: VisitAttachment, filename: str) -> str:
    return f"visits/{instance.visit_id}/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class VisitAttachment(models.Model):
    """A photo or document taken on site (checked by observe.attachments, as observations' are)."""

    # Set by the phone for a photo queued offline: an upload resent after a lost answer is kept once.
    client_uuid = models.CharField("客户端编号", max_length=36, blank=True, default="")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    school = models.ForeignKey(OrgNode, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    note = models.ForeignKey(VisitNote, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    content_kind = models.CharField("类型", max_length=20, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "视导附件"
        verbose_name_plural = "视导附件"
        constraints = [models.UniqueConstraint(fields=["client_uuid"], condition=~Q(client_uuid=""),
                                               name="visit_attachment_client_uuid")]

    def __str__(self) -> str:
        return self.original_name


class Audience(models.TextChoices):
    STUDENT = "student", "学生"
    TEACHER = "teacher", "教师"


class Questionnaire(models.Model):
    """An anonymous questionnaire to a school's students or teachers during a visit, answered
    through a link (or its QR code) that carries `token`; nobody's identity is stored with an
    answer."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="questionnaires")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField("对象", max_length=8, choices=Audience.choices)
    title = models.CharField("标题", max_length=120)
    # [{"code": "q1", "text": str, "kind": "single"|"multi"|"scale"|"text", "options": [str]}]
    questions = models.JSONField("题目", default=list)
    token = models.CharField(max_length=32, unique=True, default=new_token)
    opens_at = models.DateTimeField("开放时间", default=timezone.now)
    closes_at = models.DateTimeField("截止时间", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = "问卷"
        verbose_name_plural = "问卷"

    def __str__(self) -> str:
        return self.title


class QuestionnaireResponse(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    # {question code: answer (str, list of str, or a number)}
    answers = models.JSONField("作答", default=dict)
    # One answer per device: a hash of the questionnaire's token and a random device key kept in
    # the answering browser's cookie (visits.views.onsite), so a device's answers to different
    # questionnaires cannot be linked and nothing names the person. Blank for sheets entered
    # otherwise (demo, imports).
    device_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["questionnaire", "id"]
        verbose_name = "问卷答卷"
        verbose_name_plural = "问卷答卷"
        constraints = [models.UniqueConstraint(fields=["questionnaire", "device_hash"], condition=~Q(device_hash=""),
                                               name="questionnaire_one_answer_per_device")]

    def __str__(self) -> str:
        return f"{self.questionnaire} #{self.pk}"


class Walkthrough(models.Model):
    """A school leader's daily walkthrough (巡课, 004 (一)4): a quick look at one class, distinct
    from a full observation, counted per leader."""

    client_uuid = models.CharField("客户端编号", max_length=36, default=new_client_uuid, unique=True)
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="walkthroughs")
    leader = models.ForeignKey(Person, verbose_name="巡课人", on_delete=models.PROTECT, related_name="walkthroughs")
    date = models.DateField("日期")
    period = models.PositiveSmallIntegerField("节次", null=True, blank=True)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    class_name = models.CharField("班级", max_length=20, blank=True)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    teacher = models.ForeignKey(Person, verbose_name="任课教师", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="walkthroughs_received")
    seen = models.TextField("巡课情况", blank=True)
    has_problem = models.BooleanField("发现问题", default=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "巡课记录"
        verbose_name_plural = "巡课记录"
        indexes = [
            models.Index(fields=["school", "date"], name="walkthrough_school_date"),
            models.Index(fields=["leader", "date"], name="walkthrough_leader_date"),
            # The list, newest first, 50 at a time: walked in order instead of sorting every row
            # in scope (a city: 185 ms -> 1 ms on PostgreSQL, bench_pages).
            models.Index(fields=["-date", "-id"], name="walkthrough_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period__isnull=True) | Q(period__gte=1, period__lte=12),
                                   name="walkthrough_period_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.class_name}"


# ---------------------------------------------------------------- findings and rectification


class FindingArea(models.TextChoices):
    CURRICULUM = "curriculum", "课程实施"
    ROUTINE = "routine", "教学常规"
    CLASSROOM = "classroom", "课堂教学"
    HOMEWORK = "homework", "作业管理"
    RESEARCH = "research", "教研工作"
    QUALITY = "quality", "教学质量"
    MANAGEMENT = "management", "教学管理"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class OwnerKind(models.TextChoices):
    SCHOOL = "school", "学校"
    GROUP = "group", "教研组"
    PERSON = "person", "个人"


class FindingStatus(models.TextChoices):
    # A strength or a problem that needs no rectification is recorded and stays NOTED.
    NOTED = "noted", "已记录"
    OPEN = "open", "待整改"
    ANSWERED = "answered", "待验收"
    REOPENED = "reopened", "重新整改"
    CLOSED = "closed", "已销号"


# A finding not yet closed (nor withdrawn): still to be rectified or verified.
UNRESOLVED_STATUSES = (FindingStatus.OPEN, FindingStatus.ANSWERED, FindingStatus.REOPENED)


class FindingQuerySet(models.QuerySet["Finding"]):
    def needing_rectification(self) -> FindingQuerySet:
        return self.filter(needs_rectification=True)

    def unresolved(self) -> FindingQuerySet:
        return self.filter(status__in=UNRESOLVED_STATUSES)

    def overdue(self, on: object = None) -> FindingQuerySet:
        day = on or timezone.localdate()
        return self.unresolved().filter(deadline__lt=day)

    def with_refs(self) -> FindingQuerySet:
        return self.select_related("school", "visit", "teacher", "group", "owner_person", "owner_group")


class Finding(models.Model):
    """A problem (or a strength) found at a school. It comes from a visit, a school's own check,
    a walkthrough or an observation (`source_*`); when it needs rectification it carries a
    measure, an owner and a deadline, and moves OPEN → ANSWERED → CLOSED (or REOPENED)."""

    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="findings")
    visit = models.ForeignKey(Visit, verbose_name="视导", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="findings")
    # Where else it was found: "walkthrough", "check_record", "observation", "warning" and the id.
    source_kind = models.CharField("来源", max_length=16, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    area = models.CharField("领域", max_length=12, choices=FindingArea.choices, default=FindingArea.CLASSROOM)
    is_strength = models.BooleanField("亮点", default=False)
    description = models.TextField("问题描述")
    evidence = models.TextField("事实依据", blank=True)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.MINOR)
    teacher = models.ForeignKey(Person, verbose_name="涉及教师", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="findings_about")
    group = models.ForeignKey(TeachingGroup, verbose_name="涉及教研组", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    needs_rectification = models.BooleanField("需要整改", default=True)
    measure = models.TextField("整改措施", blank=True)
    owner_kind = models.CharField("责任主体", max_length=8, choices=OwnerKind.choices, default=OwnerKind.SCHOOL)
    owner_person = models.ForeignKey(Person, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="findings_owned")
    owner_group = models.ForeignKey(TeachingGroup, verbose_name="责任教研组", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField("整改期限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    found_on = models.DateField("发现日期")
    found_by = models.ForeignKey(Person, verbose_name="发现人", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    escalated_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[FindingQuerySet] = FindingQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = "视导发现"
        verbose_name_plural = "视导发现"
        indexes = [
            models.Index(fields=["school", "status"], name="finding_school_status"),
            models.Index(fields=["status", "deadline"], name="finding_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(needs_rectification=True) | Q(status="noted"),
                                   name="finding_noted_unless_rectified"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="finding_closed_has_time"),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class RectificationStep(models.TextChoices):
    ANSWER = "answer", "整改反馈"
    ACCEPT = "accept", "验收通过"
    REOPEN = "reopen", "退回重改"
    FOLLOW_UP = "follow_up", "复查"
    ESCALATE = "escalate", "逾期督办"
    NOTE = "note", "备注"


class RectificationEntry(models.Model):
    """One step of a finding's rectification: the owner's answer with evidence, the organiser's
    verification (accepted or reopened), a follow-up visit's re-check, an escalation."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="entries")
    step = models.CharField("环节", max_length=10, choices=RectificationStep.choices)
    text = models.TextField("内容", blank=True)
    evidence = models.TextField("佐证", blank=True)
    # A follow-up visit's re-check: the status before and after it.
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status_before = models.CharField(max_length=10, choices=FindingStatus.choices, blank=True)
    status_after = models.CharField(max_length=10, choices=FindingStatus.choices, blank=True)
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "created_at", "id"]
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.created_at:%Y-%m-%d}"


class PlanKind(models.TextChoices):
    TRACKING = "tracking", "跟踪督办"
    SHADOWING = "shadowing", "跟岗学习"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    DONE = "done", "已完成"
    STOPPED = "stopped", "已终止"


class FollowUpPlan(models.Model):
    """What follows a teacher flagged repeatedly (004 (一)3–4): a tracking plan (跟踪督办) or a
    shadowing placement (跟岗学习) with a mentor, and its record in `entries`."""

    teacher = models.ForeignKey(Person, verbose_name="教师", on_delete=models.PROTECT, related_name="follow_up_plans")
    kind = models.CharField("方式", max_length=10, choices=PlanKind.choices)
    reason = models.TextField("原因")
    mentor = models.ForeignKey(Person, verbose_name="指导人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    host_school = models.ForeignKey(OrgNode, verbose_name="跟岗学校", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    # [{"date": "2026-10-09", "text": str, "by": person id}]
    entries = models.JSONField("过程记录", default=list, blank=True)
    findings = models.ManyToManyField(Finding, blank=True, related_name="follow_up_plans")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "跟踪帮扶计划"
        verbose_name_plural = "跟踪帮扶计划"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="follow_up_plan_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher.name} {self.get_kind_display()}"


# ---------------------------------------------------------------- reports


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


def report_path(instance: VisitReport, filename: str) -> str:
    return f"visits/{instance.visit_id}/reports/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class VisitReport(models.Model):
    """A visit's written result: the feedback report to the education administration (VISIT.REPORT)
    or, for a school's own check, its 通报. Drafted from the records, edited, then issued: the
    issued Word file is kept and never regenerated. `school` set: the report for one school."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reports")
    school = models.ForeignKey(OrgNode, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField("标题", max_length=160)
    number = models.CharField("文号", max_length=40, blank=True)
    issuer = models.CharField("发文单位", max_length=100)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    # {"overview": str, "seen": str, "strengths": str, "problems": str, "suggestions": str}
    sections = models.JSONField("正文", default=dict)
    status = models.CharField("状态", max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    file = models.FileField(upload_to=report_path, blank=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["visit", "school", "id"]
        verbose_name = "视导报告"
        verbose_name_plural = "视导报告"
        constraints = [
            models.UniqueConstraint(fields=["visit", "school"], name="visit_report_once_per_school",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=Q(status="draft") | Q(issued_on__isnull=False),
                                   name="visit_report_issued_has_date"),
        ]

    def __str__(self) -> str:
        return self.title
