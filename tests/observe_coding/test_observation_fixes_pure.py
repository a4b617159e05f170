"""Issue 10 "Lesson observation fixes", the pure parts: an incomplete rubric has no total and
no band; coding settings keep the interval the observer set and the S-T chart's time axis uses
it; rubric templates fit the lesson's subject and stage. No database."""

from __future__ import annotations

from typing import Any

import pytest

from observe import charts, rubrics
from observe.coding import analyse
from observe.coding.settings import SettingsError, clean_settings, default_settings
from observe.rubric_templates import get_template
from observe.template_fit import fits, stage_of_grade

GENERAL = get_template("LESSON.GENERAL")


def _all(level: str = "优") -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for leaf in rubrics.leaves(GENERAL["nodes"]):
        if leaf["mode"] == "levels":
            out[leaf["code"]] = {"level": level}
        elif leaf["mode"] == "yesno":
            out[leaf["code"]] = {"yes": True}
        elif leaf["mode"] == "points":
            out[leaf["code"]] = {"value": rubrics.node_value(leaf)}
    return out


def test_one_item_rated_of_many_gives_no_total_and_no_band() -> None:
    # The reported case: one item rated, the rest empty, shown as "总分 3 / 100（不合格）".
    s = rubrics.score(GENERAL["scoring"], GENERAL["nodes"], {"1.1.1": {"level": "优"}})
    assert s.total is None and s.band == ""
    assert not s.complete and (s.rated, s.items) == (1, 22)
    assert "1.1.2" in {code for code, _ in s.unrated}
    assert "1.1.1" not in {code for code, _ in s.unrated}
    # No dimension with an unrated item scores either (the radar would show a partial sum).
    assert all(d["score"] is None for d in s.dimensions.values())
    assert rubrics.incomplete_text(s.rated, s.items) == "评分未完成（已评 1 / 22 项）"


def test_all_but_one_item_rated_still_has_no_total() -> None:
    ratings = _all()
    del ratings["7.1.1"]
    s = rubrics.score(GENERAL["scoring"], GENERAL["nodes"], ratings)
    assert s.total is None and s.band == "" and s.unrated == [("7.1.1", s.unrated[0][1])]
    assert s.dimensions["1"]["score"] == 10 and s.dimensions["7"]["score"] is None


def test_complete_rubric_has_total_and_band() -> None:
    s = rubrics.score(GENERAL["scoring"], GENERAL["nodes"], _all())
    assert s.complete and s.total == 100 and s.band == "优秀"


def test_comment_only_items_and_unscored_forms_are_never_incomplete() -> None:
    licc = get_template("LICC")
    s = rubrics.score(licc["scoring"], licc["nodes"], {})
    assert s.complete and s.items == 0 and s.total is None


def test_coding_settings_keep_the_interval_set() -> None:
    s = clean_settings('{"mode": "tap", "st_interval": 2, "dialogue": true}')
    assert s == {"mode": "tap", "st_interval": 2.0, "fias_interval": 3.0, "dialogue": True, "tab": "st"}
    assert clean_settings("") == default_settings()
    with pytest.raises(SettingsError, match="S-T 采样间隔：应在 1 到 120 秒之间"):
        clean_settings({"st_interval": 0})
    with pytest.raises(SettingsError, match="记录方式"):
        clean_settings({"mode": "manual"})


def test_st_chart_time_axis_uses_the_interval() -> None:
    codes = "TTTSSTTTTSSSSTTSTTTT"  # 20 samples
    at_2 = charts.st_curve(analyse("ST", codes, 2.0))
    assert at_2["xAxis"]["max"] == 40 and at_2["yAxis"]["max"] == 40
    assert at_2["xAxis"]["name"] == "教师行为 T（秒）"
    assert at_2["series"][0]["data"][-1] == [26.0, 14.0]  # 13 T and 7 S samples of 2 s
    at_30 = charts.st_curve(analyse("ST", codes * 2, 30.0))  # 40 samples, 20 minutes
    assert at_30["xAxis"]["max"] == 20 and at_30["xAxis"]["name"] == "教师行为 T（分钟）"


def test_templates_fit_subject_and_stage() -> None:
    math, chinese = 1, 2
    assert fits(None, "", math, "junior") == 0  # general
    assert fits(math, "junior", math, "junior") == 2
    assert fits(math, "", math, "senior") == 1
    assert fits(chinese, "", math, "junior") is None
    assert fits(math, "senior", math, "junior") is None
    assert fits(math, "senior", None, "") == 0  # lesson not known yet: nothing excluded
    assert [stage_of_grade(g) for g in (None, 1, 6, 7, 9, 10, 12)] == ["", "primary", "primary", "junior",
                                                                        "junior", "senior", "senior"]
