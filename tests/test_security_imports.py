"""The import is no existence oracle (issue 8, finding 13): a code that belongs to another county
and a code that belongs to no one get the same answer."""

from __future__ import annotations

from core.importing import ImportKind, workbook_import
from core.models import Person, Post
from tests.conftest import Cast
from tests.test_import import PEOPLE_HEADERS, POST_HEADERS, xlsx


def _reasons(cast: Cast, kind: ImportKind, headers: list[str], row: list[object]) -> list[tuple[str, str]]:
    report = workbook_import(actor=cast.users["county_admin"], kind=kind, content=xlsx(headers, [row]),
                             filename="名单.xlsx")
    return [(e.column, e.reason) for e in report.errors]


def test_a_post_at_another_countys_school_reads_like_one_at_no_school(cast: Cast) -> None:
    teacher = cast.people["teacher"].code
    elsewhere = _reasons(cast, ImportKind.POSTS, POST_HEADERS, [teacher, "校长", cast.school_b1.code, "", "", "", "", ""])
    nowhere = _reasons(cast, ImportKind.POSTS, POST_HEADERS, [teacher, "校长", "1149999999", "", "", "", "", ""])
    # A region role at a school elsewhere must not reveal that the code is a school either.
    region_role = _reasons(cast, ImportKind.POSTS, POST_HEADERS,
                           [teacher, "专职教研员", cast.school_b1.code, "", "", "", "", ""])
    assert elsewhere == nowhere == region_role == [("单位代码", "单位代码不存在或不在您的管理范围内")]
    assert not Post.objects.filter(org=cast.school_b1, person=cast.people["teacher"]).exists()


def test_a_person_at_another_countys_school_reads_like_one_at_no_school(cast: Cast) -> None:
    row = ["T3001", "王六", "男", 1980, cast.school_b1.code, "一级教师", "初中", "数学", "", 2000, ""]
    elsewhere = _reasons(cast, ImportKind.PEOPLE, PEOPLE_HEADERS, row)
    nowhere = _reasons(cast, ImportKind.PEOPLE, PEOPLE_HEADERS, [*row[:4], "1149999999", *row[5:]])
    assert elsewhere == nowhere == [("工作单位代码", "单位代码不存在或不在您的管理范围内")]
    taken = _reasons(cast, ImportKind.PEOPLE, PEOPLE_HEADERS,
                     [cast.people["outside_teacher"].code, *row[1:4], cast.school_a1.code, *row[5:]])
    assert taken == [("人员编号", "人员编号已被占用或不在您的管理范围内")]
    assert not Person.objects.filter(code="T3001").exists()


def test_an_admin_cannot_import_a_post_for_himself(cast: Cast) -> None:
    admin = cast.people["county_admin"]
    reasons = _reasons(cast, ImportKind.POSTS, POST_HEADERS, [admin.code, "校长", cast.school_a1.code, "", "", "", "", ""])
    assert reasons == [("岗位", "不能给自己授予岗位，请由上级管理员授予")]
    assert not Post.objects.filter(person=admin, org=cast.school_a1).exists()
