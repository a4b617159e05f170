"""The appraisal overview: the areas this user may open, each area's own entry page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from core.http import AuthedRequest

# (url name, title, what it is for): an area's entry page, shown when the area is installed.
AREAS = (
    ("appraisal:campaigns", "考评活动", "教研组评价、学校与校长考评：自评、学校、区县逐级评审，结果公示与申诉"),
    ("appraisal:researchers", "教研员考核", "教育教学、教研科研、教学管理、教育服务四个维度的年度考核，工作量取自各项记录"),
    ("appraisal:governance", "治理与经费", "教研工作会议、年度工作要点分解落实、学校经费支出比例、督导数据"),
    ("appraisal:reports", "年度报告", "由各项记录生成的教研机构年度工作报告，可编辑后发布，导出 Word 与 Excel"),
)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    areas = []
    for name, title, text in AREAS:
        try:
            areas.append({"url": reverse(name), "title": title, "text": text})
        except NoReverseMatch:
            continue
    return render(request, "appraisal/home.html", {"areas": areas})
