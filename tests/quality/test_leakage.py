"""Nothing leaks: county B never sees county A's exams or scores; student names only at the
student's own school; ranks only to that school's managers; other schools' rows stay hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from core import services as core_services
from core.models import OrgKind
from quality.models import Exam
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _exam_with_two_schools(cast: Cast) -> Exam:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(20), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(15, seed=9, prefix="A2"), school="北格镇中心小学")))
    return exam


def test_county_b_sees_nothing_of_county_a(cast: Cast) -> None:
    exam = _exam_with_two_schools(cast)
    paper = math_paper(exam)
    for role in ("outside_principal", "outside_teacher", "outside_researcher", "no_post"):
        c = cast.client(role)
        assert exam.name not in c.get(reverse("quality:home")).content.decode()
        for url in (reverse("quality:exam_detail", args=[exam.pk]), reverse("quality:paper_items", args=[paper.pk]),
                    reverse("quality:school_students", args=[paper.pk, cast.school_a1.code]),
                    reverse("quality:exam_report", args=[exam.pk])):
            assert c.get(url).status_code == 404, (role, url)


def test_a_city_exam_shows_each_county_only_its_own_rows(cast: Cast) -> None:
    b_school = cast.school_b1
    exam = make_exam(cast.city, name="市统考", kind="city")
    apply(upload(exam, messy_xlsx(clean_rows(12), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(12, seed=8, prefix="B"), school=b_school.name)))
    body = cast.client("outside_researcher").get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert "迎泽实验小学" in body and "小店第一中学" not in body and "太原测试市" in body  # own rows + the reference
    body = cast.client("city_researcher").get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert "迎泽实验小学" in body and "小店第一中学" in body


def test_school_staff_see_only_their_school(cast: Cast) -> None:
    exam = _exam_with_two_schools(cast)
    c = cast.client("teacher_a2")
    body = c.get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert "北格镇中心小学" in body and "小店第一中学" not in body
    assert c.get(reverse("quality:school_report", args=[exam.pk, cast.school_a1.code])).status_code == 404


def test_names_only_at_own_school_and_ranks_only_for_managers(cast: Cast) -> None:
    exam = _exam_with_two_schools(cast)
    url = reverse("quality:school_students", args=[math_paper(exam).pk, cast.school_a1.code])
    principal = cast.client("principal").get(url)
    assert principal.context["show_names"] and principal.context["show_ranks"]
    assert "学生3" in principal.content.decode()
    teacher = cast.client("teacher").get(url)
    assert teacher.context["show_names"] and not teacher.context["show_ranks"]
    assert "名次" not in teacher.content.decode().split("<table>")[1]
    researcher = cast.client("county_researcher").get(url)
    assert researcher.status_code == 200
    assert not researcher.context["show_names"] and not researcher.context["show_ranks"]
    assert "学生3" not in researcher.content.decode()
    xlsx = cast.client("county_researcher").get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and "学生3".encode() not in xlsx.content


def test_a_school_user_cannot_import_for_another_school(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = cast.client("principal")
    f = SimpleUploadedFile("x.xlsx", messy_xlsx(clean_rows(3, prefix="A2"), school="北格镇中心小学"))
    r = c.post(reverse("quality:import_list", args=[exam.pk]), {"file": f})
    detail = r["Location"]
    page = c.get(detail)
    data: dict[str, Any] = {}
    for i, t in enumerate(page.context["table"]):
        data |= {f"role_{i}": t["map"]["role"], f"paper_{i}": t["map"]["paper"] or "", f"item_{i}": t["map"]["item"]}
    c.post(detail, data)
    body = c.get(detail).content.decode()
    assert "不在本次考试范围内或无权导入" in body


def test_exam_under_a_new_county_is_invisible_to_county_a(cast: Cast) -> None:
    county_c = core_services.org_node_create(actor=None, code="140107", name="杏花岭测试区", kind=OrgKind.COUNTY,
                                             parent=cast.city)
    exam = make_exam(county_c, name="C县期中", held_on=dt.date(2026, 11, 1))
    assert cast.client("county_researcher").get(reverse("quality:exam_detail", args=[exam.pk])).status_code == 404
    assert cast.client("city_researcher").get(reverse("quality:exam_detail", args=[exam.pk])).status_code == 200


def test_list_pages_do_not_grow_queries_with_rows(cast: Cast,
                                                  django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    for k in range(6):
        make_exam(cast.county_a, name=f"考试{k}", blueprint=False)
    c = cast.client("county_researcher")
    with django_assert_max_num_queries(12):
        assert c.get(reverse("quality:home")).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(reverse("quality:warning_list")).status_code == 200


def test_pages_with_students_are_never_stored(cast: Cast) -> None:
    """Issue 8 #14: the students page (names, ranks) and its export say Cache-Control: no-store."""
    exam = _exam_with_two_schools(cast)
    url = reverse("quality:school_students", args=[math_paper(exam).pk, cast.school_a1.code])
    c = cast.client("principal")
    for r in (c.get(url), c.get(url + "?format=xlsx")):
        assert r.status_code == 200 and "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"]
        assert "学生0" in r.content.decode() if r["Content-Type"].startswith("text/html") else r.content[:2] == b"PK"
