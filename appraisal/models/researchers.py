"""Tables of the appraisal app's `researchers` area: the yearly researcher appraisal of an
institution (000 §13: 教育教学, 教研科研, 教学管理, 教育服务, with workload standards and teachers'
and schools' ratings), its workload standards, one entry per researcher with the figures computed
from every app's records, the adjustments made with a reason, and the anonymous rating sheets.

The arithmetic lives in appraisal/workload.py (pure); the figures are read from the other apps by
appraisal/services/researchers_figures.py."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import OrgNode, Person, Subject, User

__all__ = [
    "AppraisalStatus", "FigureAdjustment", "RaterKind", "ResearcherAppraisal", "ResearcherEntry",
    "ResearcherRating", "RatingSheet", "WorkloadStandard",
]


def new_token() -> str:
    return secrets.token_hex(16)


class AppraisalStatus(models.TextChoices):
    QUEUED = "queued", "排队计算"
    COMPUTING = "computing", "计算中"
    COMPUTED = "computed", "已计算，待评价"
    RATING = "rating", "评价中"
    PUBLISHED = "published", "已公布"
    FAILED = "failed", "计算失败"


class WorkloadStandard(models.Model):
    """The yearly standard an institution sets for one workload figure (appraisal.workload.FIGURES
    holds the defaults); a region without its own uses the defaults."""

    region = models.ForeignKey(OrgNode, verbose_name="教研机构", on_delete=models.CASCADE,
                               related_name="researcher_workload_standards")
    figure = models.CharField("工作量指标", max_length=32)
    target = models.DecimalField("年度标准", max_digits=7, decimal_places=1,
                                 validators=[MinValueValidator(0)])
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "figure"]
        verbose_name = "教研员工作量标准"
        verbose_name_plural = "教研员工作量标准"
        constraints = [models.UniqueConstraint(fields=["region", "figure"], name="workload_standard_once")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.figure} {self.target}"


class ResearcherAppraisal(models.Model):
    """One institution's appraisal of its researchers (full- and part-time posts at the node and
    below) for a calendar year. Computed as a background task (`progress_done` of
    `progress_total` researchers), then rated, then published."""

    region = models.ForeignKey(OrgNode, verbose_name="教研机构", on_delete=models.PROTECT,
                               related_name="researcher_appraisals")
    year = models.PositiveSmallIntegerField("考核年度")
    status = models.CharField("状态", max_length=10, choices=AppraisalStatus.choices, default=AppraisalStatus.QUEUED)
    # The share of the total that comes from the ratings (0–100), and the level cut-offs.
    rating_weight = models.PositiveSmallIntegerField("评价权重（%）", default=30,
                                                     validators=[MaxValueValidator(100)])
    cut_excellent = models.PositiveSmallIntegerField("优秀分数线", default=90, validators=[MaxValueValidator(100)])
    cut_pass = models.PositiveSmallIntegerField("合格分数线", default=75, validators=[MaxValueValidator(100)])
    cut_basic = models.PositiveSmallIntegerField("基本合格分数线", default=60, validators=[MaxValueValidator(100)])
    # Keys the once-per-person hash of the rating sheets (appraisal.workload.rater_hash).
    token = models.CharField(max_length=32, default=new_token, unique=True, editable=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "region__path"]
        verbose_name = "教研员年度考核"
        verbose_name_plural = "教研员年度考核"
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="researcher_appraisal_once_a_year"),
            models.CheckConstraint(condition=Q(cut_excellent__gte=models.F("cut_pass"))
                                   & Q(cut_pass__gte=models.F("cut_basic")),
                                   name="researcher_appraisal_cuts_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年度教研员考核"

    @property
    def org(self) -> OrgNode:
        return self.region

    @property
    def is_running(self) -> bool:
        return self.status in (AppraisalStatus.QUEUED, AppraisalStatus.COMPUTING)


class ResearcherEntry(models.Model):
    """One researcher in an appraisal: the figures computed from the records ({figure: value}),
    the adjusted values ({figure: value}, each with a FigureAdjustment), the dimension scores and
    the result."""

    appraisal = models.ForeignKey(ResearcherAppraisal, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, verbose_name="教研员", on_delete=models.PROTECT,
                               related_name="researcher_appraisal_entries")
    post_org = models.ForeignKey(OrgNode, verbose_name="任职单位", on_delete=models.PROTECT, related_name="+")
    part_time = models.BooleanField("兼职", default=False)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    figures = models.JSONField("工作量（记录）", default=dict)
    adjusted = models.JSONField("工作量（调整后）", default=dict)
    # {dimension: score 0–100}, the ratings' averages (1–5) and counts.
    scores = models.JSONField("维度得分", default=dict)
    teacher_rating = models.FloatField("教师评价均分", null=True, blank=True)
    school_rating = models.FloatField("学校评价均分", null=True, blank=True)
    teacher_responses = models.PositiveIntegerField("教师评价份数", default=0)
    school_responses = models.PositiveIntegerField("学校评价份数", default=0)
    teachers_invited = models.PositiveIntegerField("应评教师数", default=0)
    schools_invited = models.PositiveIntegerField("应评学校数", default=0)
    total = models.FloatField("总分", null=True, blank=True)
    level = models.CharField("等次", max_length=8, blank=True)

    class Meta:
        ordering = ["appraisal", "post_org__path", "person__pinyin"]
        verbose_name = "教研员考核结果"
        verbose_name_plural = "教研员考核结果"
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="researcher_entry_once")]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.person.name}"

    @property
    def org(self) -> OrgNode:
        return self.post_org

    def value(self, figure: str) -> float:
        """The figure as it counts: the adjusted value where there is one."""
        if figure in self.adjusted:
            return float(self.adjusted[figure])
        return float(self.figures.get(figure, 0))


class FigureAdjustment(models.Model):
    """A figure changed by hand, with the reason (audited; the latest one counts)."""

    entry = models.ForeignKey(ResearcherEntry, on_delete=models.CASCADE, related_name="adjustments")
    figure = models.CharField("工作量指标", max_length=32)
    computed = models.DecimalField("记录值", max_digits=8, decimal_places=1)
    value = models.DecimalField("调整为", max_digits=8, decimal_places=1, validators=[MinValueValidator(0)])
    reason = models.TextField("调整理由")
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-created_at", "-id"]
        verbose_name = "工作量调整"
        verbose_name_plural = "工作量调整"

    def __str__(self) -> str:
        return f"{self.entry} {self.figure} → {self.value}"

    @property
    def org(self) -> OrgNode:
        return self.entry.post_org


class RaterKind(models.TextChoices):
    TEACHER = "teacher", "教师"
    SCHOOL = "school", "学校"


class RatingSheet(models.Model):
    """One person's anonymous answer to an appraisal's rating questionnaire. `rater_hash` keys the
    signed-in user with the appraisal's token (appraisal.workload.rater_hash): the same person
    answers once, and nothing stored names them or links their sheets across appraisals."""

    appraisal = models.ForeignKey(ResearcherAppraisal, on_delete=models.CASCADE, related_name="sheets")
    rater_hash = models.CharField(max_length=64)
    kind = models.CharField("评价方", max_length=8, choices=RaterKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "id"]
        verbose_name = "教研员评价表"
        verbose_name_plural = "教研员评价表"
        constraints = [models.UniqueConstraint(fields=["appraisal", "rater_hash"], name="rating_sheet_once_per_person")]

    def __str__(self) -> str:
        return f"{self.appraisal} #{self.pk}"

    @property
    def org(self) -> OrgNode:
        return self.appraisal.region


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class ResearcherRating(models.Model):
    """A sheet's scores (1–5) for one researcher in the four dimensions."""

    sheet = models.ForeignKey(RatingSheet, on_delete=models.CASCADE, related_name="ratings")
    entry = models.ForeignKey(ResearcherEntry, on_delete=models.CASCADE, related_name="ratings")
    teaching = models.PositiveSmallIntegerField("教育教学", validators=SCORE)
    research = models.PositiveSmallIntegerField("教研科研", validators=SCORE)
    management = models.PositiveSmallIntegerField("教学管理", validators=SCORE)
    service = models.PositiveSmallIntegerField("教育服务", validators=SCORE)

    class Meta:
        ordering = ["sheet", "entry"]
        verbose_name = "教研员评分"
        verbose_name_plural = "教研员评分"
        constraints = [models.UniqueConstraint(fields=["sheet", "entry"], name="researcher_rating_once")]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.entry_id}"
