"""Norms: the catalogue, thresholds with regional overrides, and the core's metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core import services
from core.compliance import METRICS, effective_threshold, evaluate
from core.models import AuditEvent, Norm, NormOverride, Role, Subject, Title

SPEC_CODES = 57


def test_every_norm_of_the_spec_is_registered(db: None) -> None:
    codes = set(Norm.objects.values_list("code", flat=True))
    assert len(codes) == SPEC_CODES
    assert {"GROUP.FORM", "RES.STAFFING", "LEAD.OBSERVE_HEAD", "QM.BALANCE", "FUND.TEACHING"} <= codes
    assert {"GROUP.FORM", "GROUP.PREP", "RES.QUALIFY_YEARS", "RES.QUALIFY_TITLE", "RES.STAFFING"} <= set(METRICS)
    # Live with the visits app (issue 11); PROBLEM.DEADLINE is the findings area's.
    assert {"VISIT.PROVINCE", "VISIT.CITY", "VISIT.COUNTY", "VISIT.REPORT", "VISIT.KINDS", "CHECK.CITY_HIGH",
            "CHECK.COUNTY_COMPULSORY", "WEEK.PATTERN", "GOV.CITY_FOCUS"} <= set(METRICS)


def test_nearest_override_wins_and_is_audited(cast: Any) -> None:
    norm = Norm.objects.get(code="GROUP.FORM")
    assert effective_threshold("GROUP.FORM", cast.school_a1) == 3
    services.norm_override_set(actor=cast.users["institute_head"], norm=norm, region=cast.province, threshold=4)
    services.norm_override_set(actor=cast.users["county_admin"], norm=norm, region=cast.county_a, threshold=5)
    assert effective_threshold("GROUP.FORM", cast.school_a1) == 5
    assert effective_threshold("GROUP.FORM", cast.school_b1) == 4
    assert AuditEvent.objects.filter(model="core.NormOverride", action="create").count() == 2


def test_override_through_the_page(cast: Any) -> None:
    url = reverse("norm_detail", args=["RES.STAFFING"]) + f"?node={cast.county_a.code}"
    r = cast.client("county_admin").post(url, {"threshold": "6", "note": "本县加强配备"})
    assert r.status_code == 302
    assert NormOverride.objects.get(norm__code="RES.STAFFING", region=cast.county_a).threshold == 6
    page = cast.client("bureau_viewer").get(url).content.decode()
    assert "小店测试区于" in page and "保存调整" not in page
    assert cast.client("teacher").post(url, {"threshold": "1"}).status_code == 404
    bad = cast.client("county_admin").post(url, {"threshold": "abc", "note": "留着"})
    assert "最低值应为数字" in bad.content.decode() and "留着" in bad.content.decode()


def test_thresholds_are_ranges(cast: Any) -> None:
    from core.compliance import MetricContext, Thresholds

    # The catalogue's ranges (norms.md: 1..4 links, 1..2 key subjects, 2..3 base schools).
    ranges = {n.code: (n.threshold_min, n.threshold_max) for n in Norm.objects.filter(
        code__in=["RES.LINK_RANGE", "GROUP.KEY_SUBJECTS", "BASE.SCHOOLS", "GROUP.FORM"])}
    assert ranges == {"RES.LINK_RANGE": (1, 4), "GROUP.KEY_SUBJECTS": (1, 2), "BASE.SCHOOLS": (2, 3),
                      "GROUP.FORM": (3, None)}
    # A region sets both ends through the page; the range is judged with both.
    url = reverse("norm_detail", args=["RES.LINK_RANGE"]) + f"?node={cast.county_a.code}"
    c = cast.client("county_admin")
    assert c.post(url, {"threshold": "2", "threshold_max": "3"}).status_code == 302
    assert Thresholds().range_at("RES.LINK_RANGE", cast.school_a1.path) == (2, 3)
    assert Thresholds().range_at("RES.LINK_RANGE", cast.school_b1.path) == (1, 4)
    page = c.get(url).content.decode()
    assert "2～3" in page
    ctx = MetricContext(cast.users["sysadmin"], cast.county_a, cast.term, 2, threshold_min=2, threshold_max=3)
    assert [ctx.within(v) for v in (1, 2, 3, 4)] == [False, True, True, False]
    # A minimum above the maximum is refused, naming the field; the input stays.
    bad = c.post(url, {"threshold": "5", "threshold_max": "3", "note": "试试"}).content.decode()
    assert "最低值 5 不能高于最高值 3" in bad and "试试" in bad
    # The API takes both ends.
    r = c.put(reverse("api-v1:norm_override", args=["GROUP.KEY_SUBJECTS"]),
              data={"region": cast.county_a.code, "threshold": 1, "threshold_max": 3},
              content_type="application/json")
    assert r.status_code == 200 and r.json()["threshold_max"] == 3 and r.json()["threshold"] == 1


def test_researcher_qualification_metrics(cast: Any) -> None:
    # A researcher appointed after 3 years of teaching, with a second-grade title.
    young = services.person_create(actor=None, code="R-young", name="钱小明", org=cast.county_a,
                                   title=Title.SECOND, teaching_since=2017)
    services.post_create(actor=None, person=young, role=Role.RESEARCHER, org=cast.county_a,
                         subject=Subject.objects.get(code="math"), stage="junior", start=dt.date(2020, 9, 1))
    admin = cast.users["sysadmin"]
    years = {r.label: r for r in evaluate(admin, cast.county_a, cast.term, Norm.objects.get(code="RES.QUALIFY_YEARS")).rows}
    assert years["钱小明"].meets is False and years["钱小明"].value == 3
    assert years["张文华"].meets is True  # taught from 2005, appointed 2020
    titles = {r.label: r for r in evaluate(admin, cast.county_a, cast.term, Norm.objects.get(code="RES.QUALIFY_TITLE")).rows}
    assert titles["钱小明"].meets is False and titles["张文华"].meets is True
    # The part-time researcher counts too.
    assert "刘晓燕" in titles


def test_staffing_per_mille_by_stage_and_subject(cast: Any) -> None:
    admin = cast.users["sysadmin"]
    norm = Norm.objects.get(code="RES.STAFFING")
    rows = {r.label: r for r in evaluate(admin, cast.county_a, cast.term, norm).rows}
    # County A has 2 junior Chinese teachers (the vice principal and the teacher) at its schools
    # and one full-time junior Chinese researcher: 500‰.
    row = rows["小店测试区 初中语文"]
    assert row.meets and row.value == 500.0
    assert rows["小店测试区 初中数学"].meets is False  # no county maths researcher
    # Seen from the city, the city's maths researcher counts for the city as a whole.
    city_rows = {r.label: r for r in evaluate(admin, cast.city, cast.term, norm).rows}
    assert city_rows["太原测试市 初中数学"].meets is True


def test_compliance_page_lists_all_norms_with_no_data_marked(cast: Any) -> None:
    page = cast.client("county_researcher").get(reverse("compliance")).content.decode()
    # Norms by name; codes and document references only in a tooltip, never as text.
    assert "同学科教师3人及以上单独成立教研组" in page and "教育行政部门召开教研工作专题会议" in page
    assert ">GROUP.FORM<" not in page and "000 §6" not in page and "004 (一)1" not in page
    # Norms with nothing to count in the scope are grouped apart, after those with figures. Every
    # norm is live since issue 16: GOV.MEETING counts county A's meetings (none: short).
    waiting = page.index("尚未开展 / 暂无记录")
    assert page.index("同学科教师3人及以上单独成立教研组") < waiting
    assert page.index("教育行政部门召开教研工作专题会议") < waiting < page.index("省级教研机构组织集体教学视导")
    # The visits norms are live (issue 11): a county with no visit this term falls short, not "no data".
    assert waiting > page.index("县级教研机构组织集体教学视导")
    assert "共 57 项规范" in page and "数据更新于" in page
    assert "依据山西省教育厅《关于加强新时代教研工作的实施意见》" in page  # the cast's province is Shanxi (140000)


def test_norm_detail_export(cast: Any) -> None:
    import io

    import openpyxl

    r = cast.client("sysadmin").get(reverse("norm_detail", args=["GROUP.FORM"]) + "?node=140105&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    labels = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert labels == ["小店第一中学", "北格镇中心小学"]


def test_compliance_scope_picker_and_export(cast: Any) -> None:
    import io

    import openpyxl

    c = cast.client("city_researcher")
    page = c.get(reverse("compliance")).content.decode()
    assert 'value="140105"' in page and 'value="140106"' in page  # both counties can be chosen
    r = c.get(reverse("compliance") + "?node=140105&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    listed = list(sheet.iter_rows(min_row=3, values_only=True))
    rows = {row[6]: row for row in listed}
    assert len(rows) == SPEC_CODES
    assert rows["GOV.MEETING"][4] == "0/1"  # live since issue 16: county A held no meeting on 教研
    assert rows["VISIT.COUNTY"][4] == "0/1"  # live since issue 11: the county has no visit this term
    assert rows["GROUP.FORM"][4] == "0/2"
    # Norms with figures first, then those with none, apart.
    codes = [row[6] for row in listed]
    assert codes.index("GOV.MEETING") < codes.index("VISIT.PROVINCE")  # no provincial institution in a county
    none = [r[4].startswith(("尚未开展", "暂无记录")) for r in listed]
    assert none == sorted(none)


def test_progress_bar_classes_cover_zero_and_full() -> None:
    from core.compliance import Row

    assert Row("x", meets=False, value=0, target=5).bar == "p0"
    assert Row("x", meets=False, value=2.4, target=5).bar == "p50"
    assert Row("x", meets=True, value=12, target=5).bar == "p100"
    assert Row("x", meets=True).bar == "p100"
