"""The export sheets' code tables, checked against the trunk's choices and the standards' own
examples (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import Gender, Locale, SchoolType, Stage, Title
from core.roster_codes import (
    GENDER,
    LOCALES,
    SCHOOL_TYPES,
    STAGES,
    TITLES,
    CodeProblem,
    Source,
    header_index,
    id_check_digit,
    read_id_number,
    read_locale,
    read_region_code,
    read_school_type,
    read_title,
    read_year_month,
)


def test_every_code_maps_to_a_trunk_value() -> None:
    assert set(TITLES.values()) <= set(Title.values)
    assert set(STAGES.values()) <= set(Stage.values)
    assert set(GENDER.values()) <= set(Gender.values)
    assert set(LOCALES.values()) <= set(Locale.values)
    assert {t.value for t in SCHOOL_TYPES.values() if t.value} <= set(SchoolType.values)


def test_gb11643_example_check_digit() -> None:
    # The worked example of GB 11643-1999 (公民身份号码), appendix: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    identity = read_id_number("11010519491231002x")
    assert identity.birth == dt.date(1949, 12, 31) and identity.gender == "f"
    with pytest.raises(CodeProblem, match="校验位不正确"):
        read_id_number("110105194912310021")
    assert read_id_number("E12345678", "护照").number == "护照:E12345678"


def test_school_types_and_locales_by_code_or_name() -> None:
    assert read_school_type("211").value == SchoolType.PRIMARY
    assert read_school_type("218小学教学点").teaching_point
    assert read_school_type("312-九年一贯制学校").value == SchoolType.NINE_YEAR
    assert read_school_type("完全中学").value == SchoolType.COMPLETE
    assert read_school_type("361").value is None  # 中等职业学校: not on this platform
    with pytest.raises(CodeProblem, match="无法识别的办学类型"):
        read_school_type("999")
    assert [read_locale(c) for c in ("111", "122", "220", "乡村", "")] == ["urban", "town", "rural", "rural", ""]
    assert read_region_code("140105000000") == "140105"
    assert read_region_code("１４０１０５") == "140105"


def test_titles_old_names_and_codes() -> None:
    assert read_title("中学高级教师") == Title.SENIOR
    assert read_title("小学高级教师") == Title.FIRST
    assert read_title("") == Title.NONE
    with pytest.raises(CodeProblem, match="不接受代码"):
        read_title("062")


def test_year_months() -> None:
    assert [read_year_month(None, t) for t in ("2005-09", "2005.9", "200509", "2005年9月", "")] == \
        [2005, 2005, 2005, 2005, None]
    assert read_year_month(38596, "38596") == 2005  # an Excel day serial
    with pytest.raises(CodeProblem):
        read_year_month(None, "九月")


def test_header_variants() -> None:
    index = header_index(Source.TEACHERS)
    assert index["证件号码"] == index["身份证件号"] == "id_number"
    assert index["职称"] == "title"
    assert header_index(Source.SCHOOLS)["学校(机构)名称"] == "name"
