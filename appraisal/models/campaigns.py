"""Tables of the appraisal app's `campaigns` area: the campaign engine on observe's rubric engine.

A campaign is run by an organiser node (a region's 教研 institution) over subjects of one kind
(教研组, 学校, 校长, 教师, or generic people) for a period, with one rubric version and its stages
(default 自评 → 学校 → 区县). Each subject gets one score per stage (an observe Assessment, so
the raw ratings and the version they were made with stay), evidence per indicator, and after the
last stage a final result with rank and level. Results are published to each subject; an objection
(申诉) may be raised within the campaign's window and is handled by the organiser.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import OrgNode, Person, TeachingGroup, User
from observe.models import Assessment, RubricVersion
from quality.models import Paper

__all__ = ["Campaign", "CampaignAssessor", "CampaignKind", "CampaignStatus", "CampaignSubject", "EvidenceKind",
           "Objection", "ObjectionStatus", "Selection", "SelectionEntry", "SelectionKind", "StageScore",
           "StageWho", "SubjectEvidence"]


class CampaignKind(models.TextChoices):
    GROUP = "group", "教研组评价"
    SCHOOL = "school", "学校考评"
    PRINCIPAL = "principal", "校长考评"
    TEACHER = "teacher", "教师考评"
    GENERIC = "generic", "其他考评"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    ASSESSING = "assessing", "评审中"
    PUBLISHED = "published", "已公示"
    CLOSED = "closed", "已结束"


class StageWho(models.TextChoices):
    """Who scores a stage: the subject itself, the subject's school leaders, or named assessors."""

    SELF = "self", "评价对象自评"
    SCHOOL = "school", "所在学校"
    ASSIGNED = "assigned", "指定评审人"


class Campaign(models.Model):
    org = models.ForeignKey(OrgNode, verbose_name="组织单位", on_delete=models.PROTECT, related_name="campaigns")
    kind = models.CharField("考评类别", max_length=10, choices=CampaignKind.choices)
    title = models.CharField("名称", max_length=100)
    start = models.DateField("考评期开始")
    end = models.DateField("考评期结束")
    version = models.ForeignKey(RubricVersion, verbose_name="评价量表", on_delete=models.PROTECT, related_name="+")
    # [{"key": "self", "label": "自评", "who": "self"}, ...] in order (appraisal.campaign_rules).
    stages = models.JSONField("评审环节", default=list)
    # [{"label": "优秀", "min": 90}, ...] from the highest; a score below every cut-off is 待改进.
    cutoffs = models.JSONField("等级分数线", default=list)
    objection_days = models.PositiveSmallIntegerField("申诉期（天）", default=7)
    # School, principal and teacher appraisal by progress (依进论出): the rubric point pre-filled
    # with the school's (for a teacher: the classes they taught the paper's subject) value added
    # between two exams' papers of quality monitoring.
    value_added_code = models.CharField("增值评价指标", max_length=20, blank=True)
    va_paper = models.ForeignKey(Paper, verbose_name="增值评价：本次考试科目", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    va_prior = models.ForeignKey(Paper, verbose_name="增值评价：前测科目", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = "考评活动"
        verbose_name_plural = "考评活动"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignAssessor(models.Model):
    """A person named to score one stage, for the subjects under `within` (all when blank)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessors")
    stage = models.CharField("环节", max_length=20)
    person = models.ForeignKey(Person, verbose_name="评审人", on_delete=models.PROTECT, related_name="+")
    within = models.ForeignKey(OrgNode, verbose_name="负责范围", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "stage", "id"]
        verbose_name = "评审人"
        verbose_name_plural = "评审人"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stage", "person"], name="campaign_assessor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.stage} {self.person}"


class CampaignSubject(models.Model):
    """One subject of a campaign (a 教研组, a school, a principal or another person) and its result."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    # The school the subject belongs to (the school itself for a school appraisal): the access
    # policy and the audit log place the subject there.
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(TeachingGroup, verbose_name="教研组", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(Person, verbose_name="人员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # Kept beside the links: a semester's group row may go, the result keeps its name.
    label = models.CharField("名称", max_length=100)
    leader = models.ForeignKey(Person, verbose_name="组长", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    final_score = models.FloatField("最终得分", null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    level = models.CharField("等级", max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "rank", "school", "label"]
        verbose_name = "考评对象"
        verbose_name_plural = "考评对象"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school", "label"], name="campaign_subject_once"),
        ]

    def __str__(self) -> str:
        return self.label


class StageScore(models.Model):
    """A subject's score at one stage: the ratings by the campaign's rubric version, the values
    pre-filled from the records, and every change to a pre-filled value with its reason."""

    subject = models.ForeignKey(CampaignSubject, on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField("环节", max_length=20)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    total = models.FloatField("得分", null=True, blank=True)
    # {point code: {"value": float, "source": str}} from the records (appraisal.services.campaign_prefill).
    prefill = models.JSONField("记录预填", default=dict)
    # {point code: {"from": float, "to": float, "reason": str}}: values the assessor changed.
    adjustments = models.JSONField("调整说明", default=dict)
    comments = models.TextField("评语", blank=True)
    assessor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject", "created_at"]
        verbose_name = "环节评分"
        verbose_name_plural = "环节评分"
        constraints = [
            models.UniqueConstraint(fields=["subject", "stage"], name="stage_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.stage}"

    @property
    def school(self) -> OrgNode:
        return self.subject.school


class EvidenceKind(models.TextChoices):
    FILE = "file", "文件"
    LINK = "link", "链接"
    NOTE = "note", "说明"


class SubjectEvidence(models.Model):
    subject = models.ForeignKey(CampaignSubject, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.CharField("指标", max_length=20)
    kind = models.CharField("类别", max_length=10, choices=EvidenceKind.choices)
    text = models.CharField("说明", max_length=500, blank=True)
    url = models.URLField("链接", max_length=500, blank=True)
    file = models.FileField("文件", upload_to="appraisal/evidence/%Y/%m/", blank=True)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject", "indicator", "created_at"]
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return f"{self.subject} {self.indicator}"

    @property
    def school(self) -> OrgNode:
        return self.subject.school


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "申诉不成立"


class Objection(models.Model):
    """An objection (申诉) to a published result, and how the organiser handled it."""

    subject = models.ForeignKey(CampaignSubject, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("申诉理由")
    raised_on = models.DateField("申诉日期")
    status = models.CharField("状态", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    response = models.TextField("处理意见", blank=True)
    old_score = models.FloatField("原得分", null=True, blank=True)
    new_score = models.FloatField("改后得分", null=True, blank=True)
    handled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject", "created_at"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        constraints = [
            models.UniqueConstraint(fields=["subject"], condition=Q(status="open"), name="objection_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} 申诉"

    @property
    def school(self) -> OrgNode:
        return self.subject.school


class SelectionKind(models.TextChoices):
    GROUPS = "groups", "优秀教研组"
    LEADERS = "leaders", "优秀教研组长"


class Selection(models.Model):
    """A region's selection of excellent 教研组 or group leaders (GROUP.AWARDS, every 2 years),
    drawn from a 教研组 evaluation's results."""

    org = models.ForeignKey(OrgNode, verbose_name="评选单位", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, verbose_name="依据的考评", on_delete=models.PROTECT,
                                 related_name="selections")
    kind = models.CharField("类别", max_length=10, choices=SelectionKind.choices)
    title = models.CharField("名称", max_length=100)
    decided_on = models.DateField("评选日期")
    note = models.TextField("说明", blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "kind"]
        verbose_name = "优秀评选"
        verbose_name_plural = "优秀评选"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="selection_once_per_campaign"),
        ]

    def __str__(self) -> str:
        return self.title


class SelectionEntry(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="entries")
    subject = models.ForeignKey(CampaignSubject, on_delete=models.PROTECT, related_name="+")
    # For a leaders' selection, the group's leader at the time of the selection.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["selection", "subject__rank"]
        verbose_name = "入选名单"
        verbose_name_plural = "入选名单"
        constraints = [
            models.UniqueConstraint(fields=["selection", "subject"], name="selection_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.selection} {self.subject}"
