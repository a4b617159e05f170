"""Tables of the appraisal app's `governance` area: a region's yearly meeting on 教研 with its
decisions (000 §14), the yearly plan (年度教研工作要点) of a province or city pushed down the four
levels as tasks (000 §14), the tasks both turn into, and schools' spending by category against
the floors of 004 四(三) (000 §15)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import OrgNode, Person

__all__ = ["GovMeeting", "MeetingDecision", "WorkPlan", "PlanItem", "GovTask", "TaskStatus", "SchoolSpending",
           "SpendingStatus"]


class GovMeeting(models.Model):
    """One dedicated meeting on 教研 held by a region's education administration (000 §14:
    "各级教育行政部门每年至少召开一次教研工作专题会议")."""

    region = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="gov_meetings", verbose_name="区域")
    title = models.CharField("会议名称", max_length=120)
    held_on = models.DateField("会议日期")
    convened_by = models.CharField("召集人", max_length=100)
    attendees = models.TextField("参会人员")
    minutes = models.TextField("会议纪要", blank=True)
    minutes_file = models.FileField("纪要附件", upload_to="appraisal/minutes/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region", "held_on"], name="gov_meeting_region_day")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class MeetingDecision(models.Model):
    """A decision in a meeting's minutes; it may become a task (GovTask.decision)."""

    meeting = models.ForeignKey(GovMeeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("决定事项", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="gov_decision_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def region(self) -> OrgNode:
        return self.meeting.region


class WorkPlan(models.Model):
    """A province's or city's yearly plan (年度教研工作要点): items pushed down the levels."""

    region = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="work_plans", verbose_name="区域")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="gov_plan_one_per_region_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"


class PlanItem(models.Model):
    """One item of a plan. A top item belongs to the plan's region; a level below adds its own
    sub-items (`parent`) to an item pushed to it, held at its own node (`region`)."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    region = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name="提出单位")
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("工作事项", max_length=300)
    due = models.DateField("完成期限")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.text


class TaskStatus(models.TextChoices):
    OPEN = "open", "进行中"
    DONE = "done", "已完成"


class GovTask(models.Model):
    """A task from a meeting's decision or a plan item, owned by an org node (a level of the
    plan, a bureau, a school) and, for a decision, optionally by a person."""

    decision = models.ForeignKey(MeetingDecision, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="tasks")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks")
    # The node the task is assigned to (a person owner's unit for a person's task).
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="gov_tasks", verbose_name="责任单位")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="gov_tasks",
                              verbose_name="责任人")
    due = models.DateField("完成期限")
    status = models.CharField("状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_note = models.CharField("完成情况", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(decision__isnull=True, item__isnull=False)
                                   | Q(decision__isnull=False, item__isnull=True), name="gov_task_one_source"),
            models.UniqueConstraint(fields=["item", "node"], name="gov_task_item_node_unique"),
            models.CheckConstraint(condition=Q(status="open", done_on__isnull=True)
                                   | Q(status="done", done_on__isnull=False), name="gov_task_done_has_date"),
        ]
        indexes = [models.Index(fields=["node", "status", "due"], name="gov_task_node_status_due")]

    def __str__(self) -> str:
        source = self.decision.text if self.decision_id and self.decision else (self.item.text if self.item else "")
        return f"{self.node.name}：{source}"

    @property
    def title(self) -> str:
        if self.decision is not None:
            return self.decision.text
        assert self.item is not None
        return self.item.text

    @property
    def region(self) -> OrgNode:
        """The node whose audit trail the task belongs to: its owner unit."""
        return self.node


class SpendingStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


class SchoolSpending(models.Model):
    """A school's spending of one year by the categories of 004 四(三), in yuan, checked by the
    county (confirmed, or returned with a reason)."""

    school = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="spendings", verbose_name="学校")
    year = models.PositiveSmallIntegerField("年度")
    public_funds = models.DecimalField("年度公用经费", max_digits=14, decimal_places=2)
    training = models.DecimalField("教师培训经费", max_digits=14, decimal_places=2)
    equipment = models.DecimalField("仪器设备、图书经费", max_digits=14, decimal_places=2)
    teaching = models.DecimalField("教学业务经费", max_digits=14, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=SpendingStatus.choices, default=SpendingStatus.SUBMITTED)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "school__path"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="gov_spending_one_per_school_year"),
            models.CheckConstraint(condition=Q(public_funds__gt=0), name="gov_spending_funds_positive"),
            models.CheckConstraint(condition=Q(training__gte=0, equipment__gte=0, teaching__gte=0),
                                   name="gov_spending_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year}年经费"

    def amounts(self) -> dict[str, Decimal]:
        return {"training": self.training, "equipment": self.equipment, "teaching": self.teaching}
