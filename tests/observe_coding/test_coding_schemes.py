"""Scheme registry, input parsing and validation messages (brief item 5)."""

from __future__ import annotations

import pytest

from observe.coding import Category, CodingScheme, analyse, get_scheme, list_schemes
from observe.coding.schemes import register_scheme


def test_registry_contents() -> None:
    keys = {s.key for s in list_schemes()}
    assert {"ST", "STD", "FIAS", "ITIAS", "IFIAS"} <= keys
    assert get_scheme("st") is get_scheme("ST")
    assert get_scheme("ST").interval_seconds == 30
    assert get_scheme("FIAS").interval_seconds == 3
    assert get_scheme("FIAS").padding_code == "10"


def test_fias_categories_match_spec_table() -> None:
    s = get_scheme("FIAS")
    assert s.codes == tuple(str(i) for i in range(1, 11))
    assert s.codes_matching(("teacher",)) == tuple("1234567")
    assert s.codes_matching(("indirect",)) == ("1", "2", "3", "4")
    assert s.codes_matching(("direct",)) == ("5", "6", "7")
    assert s.codes_matching(("student",)) == ("8", "9")
    assert s.codes_matching(("silence",)) == ("10",)
    assert s.category("4").label == "提问"


def test_variants_sizes() -> None:
    assert get_scheme("ITIAS").size == 18
    assert get_scheme("ITIAS").codes_matching(("technology",)) == ("16", "17", "18")
    ifias = get_scheme("IFIAS")
    assert "4.1" in ifias.codes and "4.2" in ifias.codes and "4" not in ifias.codes
    assert ifias.codes_matching(("helpful",)) == ("13",)
    assert ifias.label_of("4") == "提问"


def test_unknown_code_message_names_position_and_code() -> None:
    with pytest.raises(ValueError) as e:
        analyse("ST", "TTTSSTTTTSSX")
    assert str(e.value).startswith("第12个编码 'X' 不属于 S-T 编码方案")
    with pytest.raises(ValueError, match="第2个编码 '11' 不属于 FIAS 编码方案"):
        analyse("FIAS", [5, 11, 4])
    with pytest.raises(ValueError, match="第3个编码 'D' 不属于 S-T 编码方案"):
        analyse("ST", "TSD")  # D only allowed when scheme = STD (§1.1)
    with pytest.raises(ValueError, match="第1个编码 't'"):
        analyse("ST", "tS")
    with pytest.raises(ValueError, match="第4个编码 '4' 不属于 iFIAS"):
        analyse("IFIAS", ["1", "2", "3", "4"])


def test_invalid_types_rejected() -> None:
    with pytest.raises(ValueError, match="第2个编码 'True'"):
        analyse("FIAS", [5, True])
    with pytest.raises(ValueError, match="第1个编码 'None'"):
        analyse("FIAS", [None])
    with pytest.raises(ValueError, match="未知的编码方案 'XYZ'"):
        analyse("XYZ", "TS")
    with pytest.raises(ValueError, match="采样间隔"):
        analyse("ST", "TS", 0)
    with pytest.raises(ValueError, match="采样间隔"):
        analyse("ST", "TS", -3)


def test_whitespace_and_separators() -> None:
    a = analyse("ST", "TT SS T")["indices"]
    b = analyse("ST", "TTSST")["indices"]
    assert a == b
    assert analyse("FIAS", "5，5、4; 8")["n"] == 4


def test_new_variant_is_data_only() -> None:
    # A toy variant with its own grouping goes through the same engine unchanged.
    toy = CodingScheme(
        key="TOY_TEST", name="测试方案", short_name="TOY", family="fias",
        interval_seconds=5, padding_code="Z",
        categories=(
            Category("Q", "提问", "teacher", frozenset({"indirect", "question"})),
            Category("L", "讲授", "teacher", frozenset({"direct", "lecture"})),
            Category("A", "回答", "student", frozenset({"response"})),
            Category("Z", "沉寂", "silence"),
        ),
    )
    register_scheme(toy, replace=True)
    res = analyse("TOY_TEST", "Q A L L Z")
    assert res["indices"]["teacher_question_ratio"]["value"] == pytest.approx(1 / 3)
    assert res["indices"]["silence_ratio"]["value"] == pytest.approx(1 / 5)
    assert res["matrix"]["tallies"] == 6
    with pytest.raises(ValueError, match="已存在"):
        register_scheme(toy)


def test_scheme_definition_errors() -> None:
    with pytest.raises(ValueError, match="重复"):
        CodingScheme("X", "x", "x", "st", 30, (Category("T", "t", "teacher"),
                                               Category("T", "t", "teacher")))
    with pytest.raises(ValueError, match="补位"):
        CodingScheme("X", "x", "x", "fias", 3, (Category("1", "a", "teacher"),),
                     padding_code="10")
    with pytest.raises(ValueError, match="组别"):
        CodingScheme("X", "x", "x", "fias", 3, (Category("1", "a", "bogus"),))
