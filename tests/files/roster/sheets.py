"""Export sheets for the roster sync's tests, written with openpyxl as the national systems'
exports look: a title row above the header, the systems' own column names, text code cells."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.roster_codes import id_check_digit

TEACHER_HEADERS = ["姓名", "身份证件类型", "身份证件号", "性别", "出生日期", "学校标识码", "参加工作年月", "从教起始年月",
                   "岗位类别", "任教学段", "任教学科", "专业技术职务", "在岗状态"]
SCHOOL_HEADERS = ["学校标识码", "学校（机构）名称", "办学类型", "城乡分类代码", "所在地行政区划代码", "班级数", "在校生数"]


def id_number(serial: int, birth: str = "19850312", region: str = "140105") -> str:
    """A well-formed (checksummed) but invented identity number."""
    first17 = f"{region}{birth}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def sheet(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "教职工基本信息",
          sheet_name: str = "教职工信息") -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet_name
    ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def teacher(serial: int, name: str, school: str, subjects: str = "数学", *, title: str = "一级教师",
            stage: str = "初中", status: str = "在岗", kind: str = "专任教师") -> list[Any]:
    return [name, "居民身份证", id_number(serial), "", "1985-03-12", school, "2007-09", "2007-09", kind, stage,
            subjects, title, status]


def teachers_sheet(rows: Sequence[Sequence[Any]], headers: Sequence[str] = TEACHER_HEADERS) -> bytes:
    return sheet(headers, rows)


def schools_sheet(rows: Sequence[Sequence[Any]], headers: Sequence[str] = SCHOOL_HEADERS) -> bytes:
    return sheet(headers, rows, title="学校基础信息", sheet_name="基础基111")
