"""Built-in rubric templates: totals and structure against the spec tables."""

from __future__ import annotations

import pytest

from observe import rubric_templates as rt
from observe import rubrics
from observe.rubrics import TreeError

NODE_KEYS = {"code", "title", "kind", "mode", "levels", "descriptor", "tools", "children"}


@pytest.mark.parametrize("key", ["LESSON.GENERAL", "LICC", "GROUP.RUBRIC"])
def test_one_shape(key: str) -> None:
    t = rt.get_template(key)
    assert set(t) == {"key", "name", "description", "version", "source", "scoring", "nodes"}
    rubrics.validate_template(t)
    for n in rubrics.iter_nodes(t["nodes"]):
        value_key = "weight" if n["kind"] == "dimension" else "points"
        assert set(n) == NODE_KEYS | {value_key}
        assert n["mode"] in rubrics.MODES and n["kind"] in rubrics.KINDS
        if n["kind"] == "point":
            assert n["children"] == []


def test_general_lesson_weights_r2() -> None:
    t = rt.get_template("LESSON.GENERAL")
    weights = {n["title"]: rubrics.node_value(n) or 0 for n in t["nodes"]}
    assert weights == {"教学目标": 10, "教学内容": 10, "教学结构": 20, "教学方法": 20,
                       "教学状态": 10, "教学效果": 20, "教学特色": 10}
    assert sum(weights.values()) == 100
    points = [n for n in rubrics.iter_nodes(t["nodes"]) if n["kind"] == "point"]
    assert sum(rubrics.node_value(p) or 0 for p in points) == 100
    modes = {p["mode"] for p in points}
    assert {"points", "levels", "yesno"} <= modes
    lv = next(p for p in points if p["mode"] == "levels")["levels"]
    assert [x["label"] for x in lv] == ["优", "良", "中", "差"]
    assert [x["ratio"] for x in lv] == [1.0, 0.8, 0.6, 0.4]  # [R3] 5/4/3/2


@pytest.mark.parametrize(("score", "band"), [(100, "优秀"), (85, "优秀"), (84.5, "良好"),
                                             (75, "良好"), (60, "一般"), (59.5, "不合格"),
                                             (0, "不合格")])
def test_general_lesson_bands(score: float, band: str) -> None:
    assert rubrics.band_for(rt.GENERAL_LESSON["scoring"], score) == band


def test_licc_structure() -> None:
    t = rt.get_template("LICC")
    dims = t["nodes"]
    assert [d["title"] for d in dims] == ["学生学习", "教师教学", "课程性质", "课堂文化"]
    views = {d["title"]: [v["title"] for v in d["children"]] for d in dims}
    assert views == {
        "学生学习": ["准备", "倾听", "互动", "自主", "达成"],
        "教师教学": ["环节", "呈示", "对话", "指导", "机智"],
        "课程性质": ["目标", "内容", "实施", "评价", "资源"],
        "课堂文化": ["思考", "民主", "创新", "关爱", "特质"],
    }
    points = [n for n in rubrics.iter_nodes(dims) if n["kind"] == "point"]
    assert len(points) == 68
    assert [p["code"] for p in points] == [str(i) for i in range(1, 69)]
    for d in dims:
        for v in d["children"]:
            assert 3 <= len(v["children"]) <= 5
    # §3.1 numbering: 准备 1–3, 倾听 4–6, 互动 7–11, 自主 12–15, 达成 16–18,
    # 环节 19–21, 呈示 22–25.
    spans = [[int(p["code"]) for p in v["children"]] for d in dims[:2] for v in d["children"]]
    assert spans[:7] == [[1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11], [12, 13, 14, 15],
                         [16, 17, 18], [19, 20, 21], [22, 23, 24, 25]]
    assert points[7]["title"] == "参与提问/回答的人数、时间、对象、过程、质量如何？"  # [C2]
    assert all(p["mode"] == "comment" and p["points"] is None for p in points)
    assert t["scoring"]["method"] == "none"


def test_licc_levels_variant() -> None:
    t = rt.licc_template("levels")
    rubrics.validate_template(t)
    points = [n for n in rubrics.iter_nodes(t["nodes"]) if n["kind"] == "point"]
    assert all(p["mode"] == "levels" and len(p["levels"]) == 4 for p in points)
    with pytest.raises(ValueError):
        rt.licc_template("points")


def test_group_rubric_matches_norms_table() -> None:
    t = rt.get_template("GROUP.RUBRIC")
    dims = t["nodes"]
    assert [(d["title"], d["weight"]) for d in dims] == [
        ("一 组织建设", 10), ("二 制度建设", 10), ("三 常规建设", 15), ("四 科研建设", 15),
        ("五 资源建设", 10), ("六 文化建设", 5), ("七 特色建设", 5), ("八 教研成果", 20),
        ("九 实施保障", 10),
    ]
    second = [i["title"] for d in dims for i in d["children"]]
    assert second == [
        "优化设置教研组织", "形成学科教研团队", "健全教研工作制度", "创新教研机制和课程",
        "落实教学常规管理", "策划实施教研活动", "积极开展教育科研", "积极建设学科资源",
        "积极利用网络资源", "形成良好教研文化", "培育学科教研特色", "教研成果及教学效果",
        "加强组织保障", "加强制度保障", "落实经费保障",
    ]
    rows = [rubrics.node_value(p) or 0 for d in dims for i in d["children"] for p in i["children"]]
    assert rows == [2, 2, 3, 3, 5, 5, 10, 5, 6, 3, 3, 3, 6, 4, 3, 2, 5, 5, 5, 10, 3, 4, 3]
    assert sum(rows) == 100
    for d in dims:  # "each indicator's points equal its weight"
        assert sum(rubrics.node_value(p) or 0 for i in d["children"] for p in i["children"]) == d.get("weight")


def test_validate_catches_bad_totals() -> None:
    t = rt.get_template("GROUP.RUBRIC")
    t["nodes"][0]["children"][0]["children"][0]["points"] = 3
    with pytest.raises(TreeError, match="1.1"):
        rubrics.validate_template(t)
    t = rt.get_template("LESSON.GENERAL")
    t["nodes"][0]["weight"] = 15
    with pytest.raises(TreeError):
        rubrics.validate_template(t)


def test_get_template_returns_copy() -> None:
    t = rt.get_template("GROUP.RUBRIC")
    t["nodes"].clear()
    assert len(rt.get_template("GROUP.RUBRIC")["nodes"]) == 9
    with pytest.raises(ValueError, match="未知的评价模板"):
        rt.get_template("NOPE")
