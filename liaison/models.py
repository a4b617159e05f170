"""Fixed school links (定点联系, 002 whole document; 000 §7): rounds in three phases, the schools'
nominations, the links of researchers and backbone teachers to schools, each link's agreed plan,
on-site days, the nine tasks, follow-up guidance plans per teacher, the semester exchange meeting,
and the preschool guidance responsibility zones (学前教育教研指导责任区).

Visibility is decided in liaison.access, never here; these querysets only offer reusable filters.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from core.models import OrgNode, Person, Stage, Subject, Term, User


class RoundStatus(models.TextChoices):
    PREPARATION = "preparation", "准备阶段"
    IMPLEMENTATION = "implementation", "落实阶段"
    SUMMARY = "summary", "总结阶段"
    CLOSED = "closed", "已结束"


# Rounds whose links count for the norms (a closed round is history).
OPEN_ROUND_STATUSES = (RoundStatus.PREPARATION, RoundStatus.IMPLEMENTATION, RoundStatus.SUMMARY)


class RoundQuerySet(models.QuerySet["Round"]):
    def open(self) -> RoundQuerySet:
        return self.filter(status__in=OPEN_ROUND_STATUSES)


class Round(models.Model):
    """One linking round of an institution: two school years in three phases (002 七). The
    institution is a region node (its 教研 institution organises the round)."""

    institution = models.ForeignKey(OrgNode, verbose_name="组织单位", on_delete=models.PROTECT,
                                    related_name="liaison_rounds")
    title = models.CharField("名称", max_length=120)
    # The calendar year in which the round's preparation falls (第一年); the round covers the
    # school years starting in that year and the next.
    start_year = models.PositiveSmallIntegerField("起始年份")
    prep_start = models.DateField("准备阶段开始")
    prep_end = models.DateField("准备阶段结束")
    impl_start = models.DateField("落实阶段开始")
    impl_end = models.DateField("落实阶段结束")
    summary_start = models.DateField("总结阶段开始")
    summary_end = models.DateField("总结阶段结束")
    status = models.CharField("状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.PREPARATION)
    previous = models.ForeignKey("self", verbose_name="上一轮", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="next_rounds")
    plan_text = models.TextField("工作计划与细则", blank=True)
    summary_text = models.TextField("轮次总结", blank=True)
    outcomes = models.TextField("教研成果", blank=True)
    next_round_plan = models.TextField("下一轮次安排", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-id"]
        verbose_name = "定点联系轮次"
        verbose_name_plural = "定点联系轮次"
        constraints = [
            models.CheckConstraint(condition=Q(prep_end__gte=F("prep_start")), name="round_prep_ordered"),
            models.CheckConstraint(condition=Q(impl_end__gte=F("impl_start")), name="round_impl_ordered"),
            models.CheckConstraint(condition=Q(summary_end__gte=F("summary_start")), name="round_summary_ordered"),
            models.CheckConstraint(condition=Q(impl_start__gte=F("prep_start")), name="round_impl_after_prep"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        """The node the round belongs to (core.audit files its events under it)."""
        return self.institution

    @property
    def institution_label(self) -> str:
        return self.institution.institute_name or f"{self.institution.name}教研机构"


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已申报"
    ACCEPTED = "accepted", "已确定"
    DECLINED = "declined", "未列入"


class Nomination(models.Model):
    """A school put forward for the round (申报推荐) by its county or by itself, with its needs."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="nominations")
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(OrgNode, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+")
    # The school asks to keep last round's researcher (continuity).
    wants_continuity = models.BooleanField("希望延续上轮联系", default=False)
    note = models.TextField("需求说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=NominationStatus.choices,
                              default=NominationStatus.SUBMITTED)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school__path"]
        verbose_name = "申报推荐"
        verbose_name_plural = "申报推荐"
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="nomination_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.school}"


class NominationNeed(models.Model):
    """One need of a nominated school: a subject at a stage, in its own words."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="needs")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    note = models.CharField("具体需求", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["nomination", "subject", "stage"], name="need_once")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}{self.subject}"


class LinkerKind(models.TextChoices):
    RESEARCHER = "researcher", "教研员"
    BACKBONE = "backbone", "骨干教师"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "拟联系"
    ACCEPTED = "accepted", "已确定"
    ENDED = "ended", "已终止"


class LinkSource(models.TextChoices):
    MANUAL = "manual", "人工确定"
    OPTIMISER = "optimiser", "智能分配"
    CHOSEN = "chosen", "教研员自选"


# Links that count: proposed ones are the organiser's draft until accepted.
COUNTED_LINK_STATUSES = (LinkStatus.ACCEPTED,)


class LinkQuerySet(models.QuerySet["Link"]):
    def counted(self) -> LinkQuerySet:
        return self.filter(status__in=COUNTED_LINK_STATUSES)

    def in_open_rounds(self) -> LinkQuerySet:
        return self.filter(round__status__in=OPEN_ROUND_STATUSES)

    def with_refs(self) -> LinkQuerySet:
        return self.select_related("round", "round__institution", "person", "person__org", "school", "leader")


class Link(models.Model):
    """A researcher or backbone teacher linked to a school for a round (002 三). For a provincial
    round the linked unit is a county (省联系县域, 000 §7): `school` then holds the county node."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey(Person, verbose_name="联系人", on_delete=models.PROTECT, related_name="liaison_links")
    kind = models.CharField("身份", max_length=10, choices=LinkerKind.choices, default=LinkerKind.RESEARCHER)
    # The researcher whose team a backbone teacher works in (教研员带领骨干教师团队).
    leader = models.ForeignKey(Person, verbose_name="所在团队教研员", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="liaison_team_links")
    school = models.ForeignKey(OrgNode, verbose_name="联系学校", on_delete=models.PROTECT, related_name="liaison_links")
    subjects = models.ManyToManyField(Subject, verbose_name="学科", blank=True, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    reason = models.TextField("联系理由", blank=True)
    continuity = models.BooleanField("延续上轮联系", default=False)
    status = models.CharField("状态", max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED)
    source = models.CharField("来源", max_length=10, choices=LinkSource.choices, default=LinkSource.MANUAL)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["round", "person__pinyin", "school__path"]
        verbose_name = "定点联系"
        verbose_name_plural = "定点联系"
        constraints = [models.UniqueConstraint(fields=["round", "person", "school"], name="link_once_per_round")]
        indexes = [models.Index(fields=["person", "status"], name="link_person_status")]

    def __str__(self) -> str:
        return f"{self.person.name} → {self.school.name}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    AGREED = "agreed", "学校已确认"


class LinkPlan(models.Model):
    """The activity plan agreed with the school (七(二)1), the school's needs first (五(四))."""

    link = models.OneToOneField(Link, on_delete=models.CASCADE, related_name="plan")
    school_needs = models.TextField("学校需求")
    goals = models.TextField("工作目标", blank=True)
    activities = models.TextField("活动安排", blank=True)
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "联系工作计划"
        verbose_name_plural = "联系工作计划"

    def __str__(self) -> str:
        return f"{self.link} 工作计划"

    @property
    def school(self) -> OrgNode:
        return self.link.school


class DayPortion(models.TextChoices):
    FULL = "full", "全天"
    HALF = "half", "半天"


class OnsiteDay(models.Model):
    """A day (or half day) on site at the linked school, with what was done and the records of
    other apps it produced (an observation, a visit; activities and 送教 by reference)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="onsite_days")
    date = models.DateField("日期")
    portion = models.CharField("时长", max_length=4, choices=DayPortion.choices, default=DayPortion.FULL)
    work = models.TextField("工作内容")
    observation = models.ForeignKey("observe.Observation", verbose_name="听评课记录", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    visit = models.ForeignKey("visits.Visit", verbose_name="视导", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Records without a model here yet (教研活动, 送教 orders): their titles or numbers.
    other_refs = models.CharField("其他关联记录", max_length=300, blank=True)
    # The phone's own id of a form sent twice over a bad connection: the second send is the same day.
    client_uuid = models.CharField(max_length=36, blank=True)
    logged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "驻校工作日"
        verbose_name_plural = "驻校工作日"
        constraints = [models.UniqueConstraint(fields=["link", "date"], name="onsite_day_once_per_link")]

    def __str__(self) -> str:
        return f"{self.link} {self.date}"

    @property
    def school(self) -> OrgNode:
        return self.link.school

    @property
    def days(self) -> float:
        return 1.0 if self.portion == DayPortion.FULL else 0.5


class Task(models.IntegerChoices):
    """The nine tasks of 002 四."""

    SURVEY = 1, "调研联系学校教育教学工作情况"
    CURRICULUM = 2, "指导和协助加强课程管理"
    ROUTINE = 3, "督促执行好教学常规"
    SYSTEM = 4, "指导建立健全并落实教研工作制度"
    ACTIVITY = 5, "开展本学科或本研究领域教研活动"
    FOLLOW_UP = 6, "做好教师的跟进式指导工作"
    REFORM = 7, "协助探索推进教育教学改革"
    MODELS = 8, "及时发现和培育先进典型"
    SEND_TEACHING = 9, "组织骨干教师“送教助研”"


class TaskCheck(models.Model):
    """One of the nine tasks for a link: done or not, with its evidence."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="task_checks")
    task = models.PositiveSmallIntegerField("任务", choices=Task.choices)
    done = models.BooleanField("已完成", default=False)
    evidence = models.TextField("佐证材料", blank=True)
    checked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["link", "task"]
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        constraints = [models.UniqueConstraint(fields=["link", "task"], name="task_once_per_link")]

    def __str__(self) -> str:
        return f"{self.link} 任务{self.task}"

    @property
    def school(self) -> OrgNode:
        return self.link.school


class GuidanceStatus(models.TextChoices):
    ONGOING = "ongoing", "指导中"
    DONE = "done", "已形成案例"


class GuidancePlan(models.Model):
    """A follow-up guidance plan for one teacher of the linked school (四(六)), with the case
    written at the end of the link."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="guidance_plans")
    teacher = models.ForeignKey(Person, verbose_name="教师", on_delete=models.PROTECT, related_name="liaison_guidance")
    current_level = models.TextField("教师现状")
    goals = models.TextField("发展目标")
    measures = models.TextField("指导措施", blank=True)
    case_text = models.TextField("跟进式指导案例", blank=True)
    status = models.CharField("状态", max_length=8, choices=GuidanceStatus.choices, default=GuidanceStatus.ONGOING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["link", "teacher__pinyin"]
        verbose_name = "跟进式指导方案"
        verbose_name_plural = "跟进式指导方案"
        constraints = [models.UniqueConstraint(fields=["link", "teacher"], name="guidance_once_per_teacher")]

    def __str__(self) -> str:
        return f"{self.teacher.name} 跟进式指导方案"

    @property
    def school(self) -> OrgNode:
        return self.link.school


class ExchangeMeeting(models.Model):
    """The work exchange meeting of a round, one each semester (七(二)3)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="meetings")
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    title = models.CharField("名称", max_length=120)
    place = models.CharField("地点", max_length=120, blank=True)
    attendees = models.PositiveIntegerField("参会人数", default=0)
    summary = models.TextField("交流内容", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "工作交流会"
        verbose_name_plural = "工作交流会"

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> OrgNode:
        return self.round.institution


class ResponsibilityZone(models.Model):
    """A preschool guidance responsibility zone (000 §7): a strong lead kindergarten (城镇优质园,
    乡镇中心园) and the member kindergartens it guides, in a county."""

    region = models.ForeignKey(OrgNode, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=80)
    lead = models.ForeignKey(OrgNode, verbose_name="牵头园", on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(OrgNode, verbose_name="成员园", related_name="liaison_zones")
    coordinator = models.ForeignKey(Person, verbose_name="责任区负责人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = "学前教育教研指导责任区"
        verbose_name_plural = "学前教育教研指导责任区"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="zone_name_unique")]

    def __str__(self) -> str:
        return self.name


class ZoneActivityKind(models.TextChoices):
    ACTIVITY = "activity", "联合教研"
    VISIT = "visit", "入园指导"


class ZoneActivity(models.Model):
    """An activity or a guidance visit between a zone's kindergartens (counted like on-site days)."""

    zone = models.ForeignKey(ResponsibilityZone, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("类别", max_length=10, choices=ZoneActivityKind.choices)
    date = models.DateField("日期")
    host = models.ForeignKey(OrgNode, verbose_name="承办园", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "责任区活动"
        verbose_name_plural = "责任区活动"

    def __str__(self) -> str:
        return f"{self.zone} {self.date}"

    @property
    def school(self) -> OrgNode:
        return self.host
