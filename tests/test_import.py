"""Bulk import of regions, schools, people and posts (core.importing and its pages).

Files are real .xlsx workbooks built with openpyxl, uploaded through the page where the page is
what is being tested, and handed to the service directly where only the data matters.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from core.importing import COLUMNS, ImportKind, ImportReport, workbook_import
from core.models import AuditEvent, OrgKind, OrgNode, Person, Post, Role, SchoolType, Title
from tests.access_cases import ALL_ROLES
from tests.access_cases_import import CASES
from tests.conftest import Cast


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title_row: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    if title_row:
        sheet.append([title_row])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, kind: str, content: bytes, name: str = "名单.xlsx") -> Any:
    """The test client's response (an HttpResponse carrying .context and .client)."""
    return client.post(reverse("import_upload", args=[kind]), {"file": _named(content, name)})


def _named(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def run(cast: Cast, kind: ImportKind, content: bytes, user: str = "county_admin") -> ImportReport:
    return workbook_import(actor=cast.users[user], kind=kind, content=content, filename="名单.xlsx")


def where(report: ImportReport) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in report.errors}


SCHOOL_HEADERS = ["学校标识码", "学校名称", "上级代码", "办学类型", "城乡类别", "薄弱学校", "教学点", "班级数",
                  "学生数", "地址", "经度", "纬度"]
GOOD_SCHOOLS: list[list[Any]] = [
    ["1140105003", "小店区第三小学", "140105", "小学", "城区", "否", "否", 18, 760, "学府街3号", 112.56, 37.73],
    # Codes typed as numbers arrive as floats; they must come back as the exact digit string.
    [1140105004, "刘家堡乡中学", 140105, "初级中学", "乡村", "是", "否", 6, 180, "", "", ""],
    ["1140105005", "西温庄教学点", "140105", "小学", "乡村", "是", "是", 2, 19, "", "", ""],
]
PEOPLE_HEADERS = ["人员编号", "姓名", "性别", "出生年份", "工作单位代码", "职称", "任教学段", "主教学科", "兼教学科",
                  "从教年份", "电话"]
GOOD_PEOPLE: list[list[Any]] = [
    ["T1001", "曾晓明", "男", 1980, "1140105001", "中学高级教师", "初中", "数学", "物理、信息技术", 2002, "13800000001"],
    ["T1002", "单丽", "女", 1990, 1140105002, "小学高级教师", "小学", "语文", "道德与法治,科学", 2012, ""],
    ["T1003", "何平", "女", 1995, "1140105002", "二级教师", "小学", "英语", "", 2018, ""],
    ["T1004", "李强", "男", "", "1140105001", "", "高中", "", "", "", ""],
]
POST_HEADERS = ["人员编号", "岗位", "单位代码", "学科", "学段", "年级", "开始日期", "结束日期"]


# ---------------------------------------------------------------- good files, twice


def test_regions_import_with_parents_later_in_the_file_and_again_changes_nothing(cast: Cast) -> None:
    headers = ["代码", "名称", "类别", "上级代码", "教育行政部门", "教研机构"]
    rows: list[list[Any]] = [
        # The township and county come before the city they hang under.
        ["140201001", "新荣测试镇", "乡镇（街道）", "140201", "", ""],
        ["140201", "新荣测试区", "县（区）", "140200", "新荣区教育局", "新荣区教研室"],
        ["140200", "大同测试市", "市", "140000", "大同市教育局", "大同市教研室"],
        # An existing region, identical apart from the blank bureau it already had blank.
        ["140105", "小店测试区", "县（区）", "140100", "", "小店区教研室"],
    ]
    content = xlsx(headers, rows)
    events = AuditEvent.objects.count()
    report = run(cast, ImportKind.REGIONS, content, user="sysadmin")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 1)
    town = OrgNode.objects.get(code="140201001")
    assert town.path == "140000/140200/140201/140201001/"
    assert town.depth == 3 and town.kind == OrgKind.TOWNSHIP
    assert town.parent is not None and town.parent.code == "140201"
    assert OrgNode.objects.get(code="140200").institute_name == "大同市教研室"
    assert AuditEvent.objects.count() == events + 3

    again = run(cast, ImportKind.REGIONS, content, user="sysadmin")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == events + 3


def test_schools_good_file_through_the_page_then_again_changes_nothing(cast: Cast) -> None:
    client = cast.client("county_admin")
    content = xlsx(SCHOOL_HEADERS, GOOD_SCHOOLS)
    events = AuditEvent.objects.count()
    response = upload(client, "schools", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入成功" in page and "名单.xlsx" in page
    assert '<div class="num" data-testid="created">3</div>' in page
    school = OrgNode.objects.get(code="1140105004")
    assert school.kind == OrgKind.SCHOOL and school.school_type == SchoolType.JUNIOR
    assert school.path == cast.county_a.path + "1140105004/"
    assert school.is_weak and not school.is_teaching_point and school.locale == "rural"
    assert OrgNode.objects.get(code="1140105005").is_teaching_point
    first = OrgNode.objects.get(code="1140105003")
    assert (first.longitude, first.latitude) == (Decimal("112.56"), Decimal("37.73"))
    created = AuditEvent.objects.filter(action="create", model="core.OrgNode").order_by("-id")[:3]
    assert all(e.actor_id == cast.users["county_admin"].pk for e in created)
    assert AuditEvent.objects.count() == events + 3

    response = upload(client, "schools", content)
    page = response.content.decode()
    assert '<div class="num" data-testid="created">0</div>' in page
    assert '<div class="num" data-testid="updated">0</div>' in page
    assert '<div class="num" data-testid="unchanged">3</div>' in page
    assert AuditEvent.objects.count() == events + 3


def test_people_good_file_maps_old_titles_and_again_changes_nothing(cast: Cast) -> None:
    content = xlsx(PEOPLE_HEADERS, GOOD_PEOPLE)
    events = AuditEvent.objects.count()
    report = run(cast, ImportKind.PEOPLE, content)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    zeng = Person.objects.get(code="T1001")
    # 中学高级教师 became 高级教师 in the 2015 reform; 小学高级教师 became 一级教师.
    assert zeng.title == Title.SENIOR
    assert Person.objects.get(code="T1002").title == Title.FIRST
    assert Person.objects.get(code="T1004").title == Title.NONE
    # Surname readings come from core.pinyin: 曾 is zeng, 单 is shan.
    assert (zeng.pinyin, zeng.initials) == ("zengxiaoming", "zxm")
    assert Person.objects.get(code="T1002").pinyin == "shanli"
    assert zeng.main_subject is not None and zeng.main_subject.code == "math"
    assert sorted(zeng.subjects.values_list("code", flat=True)) == ["it", "physics"]
    assert sorted(Person.objects.get(code="T1002").subjects.values_list("code", flat=True)) == ["morality", "science"]
    assert zeng.org == cast.school_a1 and zeng.birth_year == 1980 and zeng.teaching_since == 2002
    assert AuditEvent.objects.count() == events + 4

    again = run(cast, ImportKind.PEOPLE, content)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == events + 4


def test_posts_good_file_and_again_changes_nothing(cast: Cast) -> None:
    assert run(cast, ImportKind.PEOPLE, xlsx(PEOPLE_HEADERS, GOOD_PEOPLE)).ok
    import datetime as dt

    rows: list[list[Any]] = [
        ["T1001", "教师", "1140105001", "数学", "初中", 7, dt.date(2024, 9, 1), ""],
        ["T1001", "备课组长", "1140105001", "数学", "初中", "七年级", "2024-09-01", ""],
        ["T1002", "班主任", 1140105002, "", "小学", 3, "2023/9/1", "2024-07-10"],
        ["T1003", "兼职教研员", "140105", "英语", "小学", "", "2024-09-01", ""],
    ]
    content = xlsx(POST_HEADERS, rows)
    events = AuditEvent.objects.count()
    report = run(cast, ImportKind.POSTS, content)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    leader = Post.objects.get(person__code="T1001", role=Role.PREP_LEADER)
    assert leader.grade == 7 and leader.subject is not None and leader.subject.code == "math"
    assert leader.start == dt.date(2024, 9, 1) and leader.end is None
    homeroom = Post.objects.get(person__code="T1002", role=Role.HOMEROOM)
    assert homeroom.end == dt.date(2024, 7, 10) and homeroom.org == cast.school_a2
    assert AuditEvent.objects.count() == events + 4

    again = run(cast, ImportKind.POSTS, content)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == events + 4

    # Ending a post is an update of the post with the same key.
    rows[0][7] = "2025-07-10"
    ended = run(cast, ImportKind.POSTS, xlsx(POST_HEADERS, rows))
    assert ended.ok and (ended.created, ended.updated, ended.unchanged) == (0, 1, 3)
    assert Post.objects.get(person__code="T1001", role=Role.TEACHER).end == dt.date(2025, 7, 10)


def test_reordered_columns_title_row_and_unknown_column(cast: Cast) -> None:
    headers = ["学校名称", "备注", "学校标识码", "办学类型", "上级代码"]
    rows: list[list[Any]] = [["小店区第九小学", "新建", "１１４０１０５００９ ", " 小学", "140105"]]
    report = run(cast, ImportKind.SCHOOLS, xlsx(headers, rows, title_row="小店区新建学校名单"))
    assert report.ok, report.errors
    assert report.created == 1
    assert report.warnings == ["未识别的列「备注」，已忽略"]
    assert OrgNode.objects.get(code="1140105009").name == "小店区第九小学"


# ---------------------------------------------------------------- bad files


def test_bad_schools_file_imports_nothing_and_names_each_row_column_and_reason(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["11401", "短码学校", "140105", "小学", "城区", "否", "否", 6, 100, "", "", ""],           # row 2
        ["1140105011", "无上级学校", "140199", "小学", "城区", "否", "否", 6, 100, "", "", ""],   # row 3
        ["1140105012", "类型不明学校", "140105", "职业学校", "城区", "否", "否", 6, 100, "", "", ""],  # row 4
        ["1140105013", "重复甲", "140105", "小学", "城区", "否", "否", 6, 100, "", "", ""],       # row 5
        ["1140105013", "重复乙", "140105", "小学", "城区", "否", "否", 6, 100, "", "", ""],       # row 6
        # Full-width digits are accepted: this row is fine.
        ["１１４０１０５０１４", "全角学校", "１４０１０５", "小学", "镇区", "否", "否", 6, 100, "", "", ""],  # row 7
        # County B is outside county A's admin.
        ["1140106015", "迎泽新学校", "140106", "小学", "城区", "否", "否", 6, 100, "", "", ""],   # row 8
        ["1140105016", "城乡不明", "140105", "小学", "郊区", "也许", "否", -1, 100, "", 200, ""],  # row 9
        ["1140105017", "挂在市下", "140100", "小学", "城区", "否", "否", 6, 100, "", "", ""],     # row 10
    ]
    before = OrgNode.objects.count()
    events = AuditEvent.objects.count()
    client = cast.client("county_admin")
    response = upload(client, "schools", xlsx(SCHOOL_HEADERS, rows), name="学校名单-错误.xlsx")
    assert response.status_code == 200
    assert OrgNode.objects.count() == before
    assert AuditEvent.objects.count() == events
    report: ImportReport = response.context["report"]
    assert not report.ok
    messages = {str(e) for e in report.errors}
    assert "第2行「学校标识码」：应为10位数字，实际为“11401”" in messages
    assert "第3行「上级代码」：找不到代码为140199的区域" in messages
    assert "第6行「学校标识码」：与第5行重复" in messages
    assert "第8行「上级代码」：无权在该单位导入" in messages
    assert "第10行「上级代码」：学校的上级应为县（区）或乡镇（街道），代码为140100的是市" in messages
    assert where(report) == {
        (2, "学校标识码"), (3, "上级代码"), (4, "办学类型"), (6, "学校标识码"), (8, "上级代码"),
        (9, "城乡类别"), (9, "薄弱学校"), (9, "班级数"), (9, "经度"), (10, "上级代码")}
    assert not any(e.row == 7 for e in report.errors)
    page = response.content.decode()
    assert "学校名单-错误.xlsx" in page and "整个文件都没有导入" in page
    assert "应为幼儿园、小学、初级中学、高级中学、九年一贯制学校、完全中学、十二年一贯制学校之一，实际为“职业学校”" in page
    assert "<td>办学类型</td>" in page

    # The same errors as a workbook the user can work through.
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("import_upload", args=["schools"]) + "?download=errors").content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("行", "列", "原因")
    assert (2, "学校标识码", "应为10位数字，实际为“11401”") in values


def test_bad_regions_file_reports_unknown_parent_not_in_file(cast: Cast) -> None:
    headers = ["代码", "名称", "类别", "上级代码"]
    rows: list[list[Any]] = [
        ["140105001", "北营街道", "乡镇（街道）", "140105"],   # row 2: fine
        ["1401", "短码", "县（区）", "140100"],                 # row 3
        ["140105002", "孤儿镇", "乡镇（街道）", "140199"],     # row 4
        ["", "", "", ""],                                       # row 5: blank, skipped
        ["140105003", "错类镇", "村", "140105"],                # row 6
        ["140105004", "无主镇", "乡镇（街道）", "140199"],     # row 7
    ]
    report = run(cast, ImportKind.REGIONS, xlsx(headers, rows))
    messages = [str(e) for e in report.errors]
    assert "第3行「代码」：应为6或9位数字，实际为“1401”" in messages
    assert "第4行「上级代码」：找不到代码为140199的区域，也不在本文件中" in messages
    # Blank row 5 is skipped; row numbers stay the Excel ones.
    assert any(m.startswith("第6行「类别」：应为省、市、县（区）、乡镇（街道）之一") for m in messages)
    assert "第7行「上级代码」：找不到代码为140199的区域，也不在本文件中" in messages
    assert not OrgNode.objects.filter(code="140105001").exists()


def test_bad_people_file_unknown_subject_bad_enum_outside_subtree(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["T2001", "王一", "男", 1980, "1140105001", "特级教师", "初中", "数学", "", 2000, ""],   # row 2
        ["T2002", "王二", "男", 1980, "1140105001", "一级教师", "初中", "数学", "物里、化学", 2000, ""],  # row 3
        ["T2003", "王三", "未知", 1980, "1140106001", "一级教师", "初中", "算术", "", 2000, ""],  # row 4
        ["T2004", "王四", "女", 1990, "1140105001", "一级教师", "初中", "语文", "", 1995, "电话号码"],  # row 5
    ]
    before = Person.objects.count()
    report = run(cast, ImportKind.PEOPLE, xlsx(PEOPLE_HEADERS, rows))
    assert Person.objects.count() == before
    messages = {str(e) for e in report.errors}
    assert any(m.startswith("第2行「职称」：应为正高级教师、高级教师") for m in messages)
    assert "第3行「兼教学科」：找不到学科“物里”" in messages
    assert "第4行「主教学科」：找不到学科“算术”" in messages
    assert "第4行「性别」：应为男、女之一，实际为“未知”" in messages
    assert "第4行「工作单位代码」：单位代码不存在或不在您的管理范围内" not in messages  # other errors stop the row first
    assert (5, "从教年份") in where(report) and (5, "电话") in where(report)

    outside = run(cast, ImportKind.PEOPLE, xlsx(PEOPLE_HEADERS, [
        ["T2005", "王五", "男", 1980, "1140106001", "一级教师", "初中", "数学", "", 2000, ""]]))
    assert [str(e) for e in outside.errors] == ["第2行「工作单位代码」：单位代码不存在或不在您的管理范围内"]
    # A county A admin may not take over a county B teacher by importing the code.
    steal = run(cast, ImportKind.PEOPLE, xlsx(PEOPLE_HEADERS, [
        [cast.people["outside_teacher"].code, "高雅", "女", 1990, "1140105001", "一级教师", "小学", "语文", "", 2012,
         ""]]))
    assert [e.column for e in steal.errors] == ["人员编号"]
    # The answer does not tell "someone elsewhere has this code" from "you may not write it".
    assert [e.reason for e in steal.errors] == ["人员编号已被占用或不在您的管理范围内"]


def test_bad_posts_file(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["P99999", "教师", "1140105001", "数学", "", "", "", ""],                              # row 2
        [cast.people["teacher"].code, "校长", "140105", "", "", "", "", ""],                    # row 3
        [cast.people["teacher"].code, "专职教研员", "1140105001", "", "", "", "", ""],          # row 4
        [cast.people["teacher"].code, "教师", "1140105001", "语文", "", 13, "2024-09-01", "2024-01-01"],  # row 5
        [cast.people["teacher"].code, "岗位乙", "1140105001", "", "", "", "明天", ""],          # row 6
    ]
    report = run(cast, ImportKind.POSTS, xlsx(POST_HEADERS, rows))
    assert where(report) == {(2, "人员编号"), (3, "单位代码"), (4, "单位代码"), (5, "年级"), (5, "结束日期"),
                             (6, "岗位"), (6, "开始日期")}
    assert "第3行「单位代码」：「校长」岗位应设在学校，代码为140105的是县（区）" in {str(e) for e in report.errors}


def test_missing_required_column_and_not_an_xlsx(cast: Cast) -> None:
    report = run(cast, ImportKind.SCHOOLS, xlsx(["学校标识码", "学校名称"], [["1140105020", "缺列学校"]]))
    assert (1, "上级代码") in where(report) and (1, "办学类型") in where(report)

    client = cast.client("county_admin")
    response = upload(client, "schools", b"a,b\n1,2\n", name="名单.csv")
    assert response.status_code == 200
    assert "只能上传 .xlsx 文件" in response.content.decode()
    renamed = upload(client, "schools", b"\xd0\xcf\x11\xe0 old xls", name="名单.xlsx")
    assert "不是 Excel 工作簿，而是旧版 .xls" in renamed.content.decode()


# ---------------------------------------------------------------- updates


def test_updating_a_school_changes_only_what_differs_with_one_audit_event(cast: Cast) -> None:
    a1 = cast.school_a1
    row = [a1.code, a1.name, "140105", "完全中学", "城区", "否", "否", 40, a1.student_count, a1.address, "", ""]
    events = AuditEvent.objects.count()
    report = run(cast, ImportKind.SCHOOLS, xlsx(SCHOOL_HEADERS, [row]))
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 0)
    a1.refresh_from_db()
    assert a1.class_count == 40 and a1.student_count == 1800 and a1.school_type == SchoolType.COMPLETE
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "update" and event.object_id == str(a1.pk)
    assert event.old == {"class_count": 36} and event.new == {"class_count": 40}
    assert event.actor_id == cast.users["county_admin"].pk and event.scope_path == a1.path


# ---------------------------------------------------------------- access and templates


def test_user_without_admin_posts_gets_404(cast: Cast) -> None:
    for role in ("teacher", "principal", "county_researcher", "no_post"):
        client = cast.client(role)
        assert client.get(reverse("import_home")).status_code == 404
        assert client.get(reverse("import_template", args=["schools"])).status_code == 404
        response = upload(client, "schools", xlsx(SCHOOL_HEADERS, GOOD_SCHOOLS))
        assert response.status_code == 404
    assert not OrgNode.objects.filter(code="1140105003").exists()


def test_access_cases(cast: Cast) -> None:
    for case in CASES:
        url = reverse(case.url_name, args=case.args(cast))
        for role in ALL_ROLES:
            client = cast.client(role)
            if case.method == "POST":
                response = client.post(url, case.data(cast) if case.data else {})
            else:
                response = client.get(url + case.query)
            expected = case.ok_status if role in case.allowed else (404,)
            assert response.status_code in expected, (case.url_name, role, response.status_code)
    assert cast.client("anonymous").get(reverse("import_home")).status_code == 302


def test_home_page_lists_kinds_with_template_links(cast: Cast) -> None:
    page = cast.client("county_admin").get(reverse("import_home")).content.decode()
    for kind in ImportKind:
        assert reverse("import_template", args=[kind.value]) in page
        assert f'action="{reverse("import_upload", args=[kind.value])}"' in page
    assert "小店测试区" in page
    assert "style=" not in page and "<script>" not in page


@pytest.mark.parametrize("kind", list(ImportKind))
def test_templates_are_xlsx_with_expected_headers(cast: Cast, kind: ImportKind) -> None:
    response = cast.client("county_admin").get(reverse("import_template", args=[kind.value]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in COLUMNS[kind]]
    assert any(v is not None for v in [c.value for c in sheet[2]])
    notes = book["说明"]
    listed = [r[0] for r in notes.iter_rows(min_row=2, max_row=len(headers) + 1, values_only=True)]
    assert listed == headers
    enumerated = [c for c in COLUMNS[kind] if c.choices]
    assert len(sheet.data_validations.dataValidation) == len(enumerated)


def test_the_schools_template_imports_as_it_comes(cast: Cast) -> None:
    """The example row of the template is valid as it stands (the user only edits it)."""
    content = cast.client("county_admin").get(reverse("import_template", args=["schools"])).content
    report = run(cast, ImportKind.SCHOOLS, content, user="sysadmin")
    assert report.ok, report.errors
    assert report.created == 1


def test_regions_outside_subtree_and_partial_columns(cast: Cast) -> None:
    headers = ["代码", "名称", "类别", "上级代码"]
    outside = run(cast, ImportKind.REGIONS, xlsx(headers, [["140106001", "迎泽某街道", "乡镇（街道）", "140106"]]))
    assert [str(e) for e in outside.errors] == ["第2行「上级代码」：无权在该单位导入"]
    # Without the 上级代码 column an existing region keeps its place; only the name changes.
    renamed = run(cast, ImportKind.REGIONS, xlsx(["代码", "名称", "类别", "教研机构"],
                                                 [["140105", "小店区", "县（区）", "小店区教研室"]]))
    assert renamed.ok and (renamed.updated, renamed.unchanged) == (1, 0), renamed.errors
    county = OrgNode.objects.get(code="140105")
    assert county.name == "小店区" and county.path == "140000/140100/140105/"
    event = AuditEvent.objects.latest("id")
    assert event.old == {"name": "小店测试区"} and event.new == {"name": "小店区"}
