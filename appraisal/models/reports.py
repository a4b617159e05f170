"""Tables of the appraisal app's `reports` area: an institution's yearly report (教研机构年度工作报告).

A report is generated from the records as a draft (its figures snapshot and a first text per
section), edited section by section, then issued: frozen, with who issued it and when. The
figures are a snapshot, so an issued report reads the same when the records change later; a new
draft (the next revision) can be generated beside it and issued in its turn.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import OrgNode, User

__all__ = ["YearlyReport", "YearlyReportStatus"]


class YearlyReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已发布"


class YearlyReport(models.Model):
    region = models.ForeignKey(OrgNode, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    revision = models.PositiveSmallIntegerField("版本", default=1)
    title = models.CharField("标题", max_length=160)
    status = models.CharField("状态", max_length=8, choices=YearlyReportStatus.choices,
                              default=YearlyReportStatus.DRAFT)
    # appraisal.yearly_figures.to_json(YearFigures): what the records held when it was generated.
    figures = models.JSONField("数据快照", default=dict)
    # {section key: text}, appraisal.yearly_text.SECTION_KEYS.
    sections = models.JSONField("正文", default=dict)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("发布时间", null=True, blank=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "region__path", "-revision"]
        verbose_name = "年度工作报告"
        verbose_name_plural = "年度工作报告"
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "revision"], name="yearly_report_revision_once"),
            models.UniqueConstraint(fields=["region", "year"], condition=Q(status="draft"),
                                    name="yearly_report_one_draft"),
            models.CheckConstraint(condition=Q(status="draft") | Q(issued_at__isnull=False),
                                   name="yearly_report_issued_has_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == YearlyReportStatus.DRAFT
