"""School affiliation (学校隶属关系): imported from a 隶属关系 column, shown on the school page and
in the school list and its export, and set by the demo generator."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.urls import reverse

from core.importing import ImportKind
from core.models import Affiliation, OrgNode, SchoolType
from tests.test_import import run, where, xlsx

HEADERS = ["学校标识码", "学校名称", "上级代码", "办学类型", "隶属关系"]


def test_import_maps_chinese_labels_and_aliases(cast: Any) -> None:
    rows = [["1140105101", "太原市第五中学", "140105", "高级中学", "市直属"],
            ["1140105102", "小店区实验小学", "140105", "小学", "区属"],
            ["1140105103", "小店博文学校", "140105", "九年一贯制学校", "民办"]]
    report = run(cast, ImportKind.SCHOOLS, xlsx(HEADERS, rows))
    assert not report.errors and report.created == 3
    got = dict(OrgNode.objects.filter(code__in=["1140105101", "1140105102", "1140105103"])
               .values_list("name", "affiliation"))
    assert got == {"太原市第五中学": Affiliation.CITY_DIRECT, "小店区实验小学": Affiliation.COUNTY,
                   "小店博文学校": Affiliation.PRIVATE}
    # A statistics-system export names the column 学校隶属关系: the same column.
    again = run(cast, ImportKind.SCHOOLS, xlsx(["学校标识码", "学校名称", "上级代码", "办学类型", "学校隶属关系"],
                                               [["1140105102", "小店区实验小学", "140105", "小学", "市直"]]))
    assert not again.errors and again.updated == 1
    assert OrgNode.objects.get(code="1140105102").affiliation == Affiliation.CITY_DIRECT


def test_unknown_affiliation_names_row_and_field(cast: Any) -> None:
    rows = [["1140105101", "太原市第五中学", "140105", "高级中学", "部属"]]
    report = run(cast, ImportKind.SCHOOLS, xlsx(HEADERS, rows))
    assert where(report) == {(2, "隶属关系")}
    assert "应为省直属、市直属、区县属、乡镇属、民办、其他之一，实际为“部属”" in report.errors[0].reason
    assert not OrgNode.objects.filter(code="1140105101").exists()


def test_absent_column_leaves_affiliation_alone(cast: Any) -> None:
    OrgNode.objects.filter(pk=cast.school_a1.pk).update(affiliation=Affiliation.CITY_DIRECT)
    report = run(cast, ImportKind.SCHOOLS, xlsx(HEADERS[:4], [["1140105001", "小店第一中学", "140105", "完全中学"]]))
    assert not report.errors
    assert OrgNode.objects.get(pk=cast.school_a1.pk).affiliation == Affiliation.CITY_DIRECT


def test_school_page_list_and_export_show_it(cast: Any) -> None:
    OrgNode.objects.filter(pk=cast.school_a1.pk).update(affiliation=Affiliation.CITY_DIRECT)
    c = cast.client("county_admin")
    page = c.get(reverse("node_detail", args=[cast.school_a1.code])).content.decode()
    assert 'data-testid="affiliation">市直属<' in page
    assert "市直属" in c.get(reverse("schools_list")).content.decode()
    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("schools_list") + "?format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "学校标识码")
    col = header.index("隶属关系")
    assert {r[1]: r[col] for r in rows if r and r[0] == "1140105001"} == {"小店第一中学": "市直属"}


def test_demo_affiliation_is_deterministic_and_follows_the_rule() -> None:
    from core.demo.generator import SchoolPlan, school_affiliation

    def plan(code: str, stype: str, locale: str = "urban") -> SchoolPlan:
        return SchoolPlan(code=code, name="x", school_type=stype, locale=locale, is_weak=False,
                          is_teaching_point=False, class_count=12, student_count=500, address="",
                          latitude=0, longitude=0, group_state="none")  # type: ignore[arg-type]

    assert school_affiliation(1, plan("1140105002", SchoolType.SENIOR), "区") == Affiliation.CITY_DIRECT
    assert school_affiliation(1, plan("1140121002", SchoolType.COMPLETE), "县") == Affiliation.COUNTY
    assert school_affiliation(5, plan("1140105009", SchoolType.PRIMARY, "rural"), "区") == Affiliation.COUNTY
    urban = [school_affiliation(i, plan(f"1140105{i:03d}", SchoolType.PRIMARY), "区") for i in range(3, 400)]
    assert 0 < urban.count(Affiliation.PRIVATE) < len(urban) * 0.15  # a few private schools
    assert urban == [school_affiliation(i, plan(f"1140105{i:03d}", SchoolType.PRIMARY), "区") for i in range(3, 400)]
