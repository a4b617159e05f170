"""The import kinds, their columns (the template's headers and rules), and what an import reports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.db import models

from core.models import (
    Affiliation,
    Gender,
    Locale,
    OrgKind,
    Role,
    SchoolType,
    Stage,
    Title,
    User,
)


class ImportKind(StrEnum):
    REGIONS = "regions"
    SCHOOLS = "schools"
    PEOPLE = "people"
    POSTS = "posts"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[ImportKind, str] = {
    ImportKind.REGIONS: "区域",
    ImportKind.SCHOOLS: "学校",
    ImportKind.PEOPLE: "人员",
    ImportKind.POSTS: "岗位任职",
}

# The 2015 reform of primary and secondary teachers' titles (人社部发〔2015〕79号《关于深化中小学
# 教师职称制度改革的指导意见》) merged the separate secondary and primary series into one series
# of five grades. Staff lists exported from older systems still carry the old names, so they are
# mapped here to the grade the reform placed them in: 中学高级 became 高级, 小学高级 became 一级,
# and so on down.
OLD_TITLE_NAMES: dict[str, str] = {
    "中学高级教师": Title.SENIOR,
    "中学一级教师": Title.FIRST,
    "中学二级教师": Title.SECOND,
    "中学三级教师": Title.THIRD,
    "小学高级教师": Title.FIRST,
    "小学一级教师": Title.SECOND,
    "小学二级教师": Title.THIRD,
    "小学三级教师": Title.THIRD,
}

# Everyday names of subjects that differ from the curriculum's official names.
SUBJECT_ALIASES: dict[str, str] = {
    "生物": "生物学", "体育": "体育与健康", "信息技术": "信息科技", "心理": "心理健康",
    "综合实践": "综合实践活动", "政治": "思想政治", "道德与法制": "道德与法治", "品德": "道德与法治",
}

# Other names users' files give a column (a statistics-system export says 学校隶属关系 or 隶属),
# matched like the header itself.
HEADER_ALIASES: dict[str, str] = {"学校隶属关系": "隶属关系", "隶属": "隶属关系", "举办者隶属关系": "隶属关系"}

# Which kinds of region may sit directly above each kind. A county may hang off a province for
# the 省直辖县级行政单位; schools sit under a county or a township.
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.PROVINCE: (),
    OrgKind.CITY: (OrgKind.PROVINCE,),
    OrgKind.COUNTY: (OrgKind.CITY, OrgKind.PROVINCE),
    OrgKind.TOWNSHIP: (OrgKind.COUNTY,),
    OrgKind.SCHOOL: (OrgKind.COUNTY, OrgKind.TOWNSHIP),
}

MAX_ROWS = 50_000
# One answer for "exists elsewhere" and "not yours", so an import is no existence oracle (issue 8,
# finding 13); the people API says the same.
OCCUPIED_PERSON_CODE = "人员编号已被占用或不在您的管理范围内"
OUT_OF_SCOPE_ORG = "单位代码不存在或不在您的管理范围内"
YES, NO = "是", "否"
_LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_SUBJECT_LIMIT = 20
_CHUNK = 2000
_M = TypeVar("_M", bound=models.Model)


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of an import template: its header, whether required, and how to fill it in."""

    header: str
    required: bool
    fmt: str
    example: str
    choices: tuple[str, ...] = ()
    # Long code columns are stored as text in the template so Excel does not show 1.14E+09.
    text: bool = False


def _labels(choices: Iterable[tuple[str, str]], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(str(label) for value, label in choices if value not in exclude)


def _subject_names() -> tuple[str, ...]:
    from core.curriculum import SUBJECTS

    return tuple(s.name for s in SUBJECTS)


REGION_KIND_LABELS = _labels(OrgKind.choices, exclude=(OrgKind.SCHOOL,))
TITLE_LABELS = _labels(Title.choices)
YES_NO = (YES, NO)

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.REGIONS: (
        Column("代码", True, "6位行政区划代码（乡镇、街道可用9位）", "140105", text=True),
        Column("名称", True, "文字，不超过100字", "小店区"),
        Column("类别", True, "从下拉列表中选择", "县（区）", REGION_KIND_LABELS),
        Column("上级代码", False, "上级区域的代码；省级留空。上级可以在本文件中", "140100", text=True),
        Column("教育行政部门", False, "文字，不超过100字", "小店区教育局"),
        Column("教研机构", False, "文字，不超过100字", "小店区教学研究室"),
    ),
    ImportKind.SCHOOLS: (
        Column("学校标识码", True, "10位数字", "3114000123", text=True),
        Column("学校名称", True, "文字，不超过100字", "小店区第一实验小学"),
        Column("上级代码", True, "所属县（区）或乡镇（街道）的代码", "140105", text=True),
        Column("办学类型", True, "从下拉列表中选择", "小学", _labels(SchoolType.choices)),
        Column("城乡类别", False, "从下拉列表中选择", "城区", _labels(Locale.choices)),
        Column("隶属关系", False, "从下拉列表中选择（学校隶属关系）", "区县属", _labels(Affiliation.choices)),
        Column("薄弱学校", False, "是或否，留空为否", NO, YES_NO),
        Column("教学点", False, "是或否，留空为否", NO, YES_NO),
        Column("班级数", False, "不小于0的整数", "24"),
        Column("学生数", False, "不小于0的整数", "1080"),
        Column("地址", False, "文字，不超过200字", "太原市小店区学府街1号"),
        Column("经度", False, "小数，73至136之间，最多6位小数", "112.565432"),
        Column("纬度", False, "小数，3至54之间，最多6位小数", "37.736541"),
    ),
    ImportKind.PEOPLE: (
        Column("人员编号", True, "教职工号：字母、数字、短横线，不超过32位", "T2024001", text=True),
        Column("姓名", True, "文字，不超过40字", "张文华"),
        Column("性别", False, "男或女", "女", _labels(Gender.choices)),
        Column("出生年份", False, "4位年份", "1985"),
        Column("工作单位代码", True, "学校标识码或区域代码", "3114000123", text=True),
        Column("职称", False, "从下拉列表中选择；也接受2015年改革前的旧名称（如中学高级教师），"
               "自动换算为新名称；留空为未定级", "一级教师", TITLE_LABELS),
        Column("任教学段", False, "从下拉列表中选择", "小学", _labels(Stage.choices)),
        Column("主教学科", False, "学科名称", "数学", _subject_names()),
        Column("兼教学科", False, "学科名称，多个用顿号（、）或逗号分隔", "科学、信息科技"),
        Column("从教年份", False, "4位年份", "2007"),
        Column("电话", False, "数字，可含短横线", "13800000000", text=True),
    ),
    ImportKind.POSTS: (
        Column("人员编号", True, "已导入人员的编号", "T2024001", text=True),
        Column("岗位", True, "从下拉列表中选择", "教师", _labels(Role.choices)),
        Column("单位代码", True, "任职单位的学校标识码或区域代码；区域岗位设在区域，学校岗位设在学校",
               "3114000123", text=True),
        Column("学科", False, "学科名称", "数学", _subject_names()),
        Column("学段", False, "从下拉列表中选择", "小学", _labels(Stage.choices)),
        Column("年级", False, "1至12的整数（七年级填7）", "3"),
        Column("开始日期", False, "日期，如2024-09-01", "2024-09-01"),
        Column("结束日期", False, "日期，不早于开始日期；在任留空", ""),
    ),
}


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row number (0 for the file as a whole), the column, the reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.reason}"


@dataclass
class ImportReport:
    kind: ImportKind
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Problems that do not stop the import, such as columns the template does not have.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowProblem(Exception):
    """A cell that cannot be read; the message is the reason shown to the user."""


@dataclass
class _Row:
    number: int
    cells: dict[str, str]


@dataclass
class _Context:
    actor: User
    present: set[str]
    errors: list[RowError]

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))
