"""The access policy on list pages: what each role sees, and that nothing outside leaks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core import services
from core.access import groups_visible_to, people_visible_to, schools_visible_to


def names_on(cast: Any, role: str, url: str) -> str:
    r = cast.client(role).get(url)
    assert r.status_code == 200
    return str(r.content.decode())


def test_outsiders_never_see_county_a(cast: Any) -> None:
    for role in ("outside_teacher", "outside_principal", "outside_researcher"):
        people = names_on(cast, role, reverse("people_list"))
        schools = names_on(cast, role, reverse("schools_list"))
        assert "何静" not in people and "孙国庆" not in people
        assert "小店第一中学" not in schools and "北格镇中心小学" not in schools
        assert "迎泽实验小学" in schools


def test_subject_researcher_sees_every_school_but_only_their_subjects_teachers(cast: Any) -> None:
    user = cast.users["county_researcher"]  # Chinese, county A
    assert set(schools_visible_to(user)) == {cast.school_a1, cast.school_a2}
    visible = set(people_visible_to(user).values_list("name", flat=True))
    assert {"何静", "吴海燕", "张文华"} <= visible  # Chinese teachers, and themself
    assert not visible & {"孙国庆", "冯志刚", "许晨", "高雅"}  # maths teachers; county B
    page = names_on(cast, "county_researcher", reverse("people_list"))
    assert "何静" in page and "冯志刚" not in page


def test_teacher_sees_their_school_only(cast: Any) -> None:
    user = cast.users["teacher"]
    assert list(schools_visible_to(user)) == [cast.school_a1]
    assert "许晨" not in set(people_visible_to(user).values_list("name", flat=True))


def test_user_without_post_sees_nothing_but_themself(cast: Any) -> None:
    user = cast.users["no_post"]
    assert not schools_visible_to(user).exists()
    assert not people_visible_to(user).exists()
    page = names_on(cast, "no_post", reverse("workbench"))
    assert "还没有任何岗位" in page


def test_groups_follow_subject_narrowing(cast: Any) -> None:
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    chinese_view = {g.name for g in groups_visible_to(cast.users["county_researcher"])}
    maths_view = {g.name for g in groups_visible_to(cast.users["city_researcher"])}
    assert "数学教研组" not in chinese_view and any("语" in n for n in chinese_view)
    assert "数学教研组" in maths_view and not any("语" in n for n in maths_view)
    assert not groups_visible_to(cast.users["outside_principal"]).exists()


def test_export_contains_only_what_the_page_shows(cast: Any) -> None:
    import io

    import openpyxl

    r = cast.client("county_researcher").get(reverse("people_list") + "?format=xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    names = {row[1] for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert "何静" in names and "冯志刚" not in names and "高雅" not in names


def test_workbench_numbers_come_from_scope(cast: Any) -> None:
    county = names_on(cast, "county_researcher", reverse("workbench"))
    assert 'data-testid="stat-schools">2<' in county  # county A has two schools
    province = names_on(cast, "institute_head", reverse("workbench"))
    assert 'data-testid="stat-schools">3<' in province
    assert "太原测试市" in province  # the cities below the province, with their counts
    assert "小店测试区" in province and "迎泽测试区" in province  # and the counties
    school = names_on(cast, "principal", reverse("workbench"))
    assert "小店第一中学" in school and "冯志刚" in school  # the group leader is listed
