"""analyse(): JSON-serialisable results with chart-ready series (brief item 4)."""

from __future__ import annotations

import json
import random

import pytest

from observe.coding import analyse


@pytest.mark.parametrize(
    ("key", "codes"),
    [
        ("ST", "TTTSSTTTTSSSSTTSTTTT"),
        ("STD", "TTTDDSSTTDDSSTTTDSTT"),
        ("FIAS", [5, 5, 5, 4, 8, 8, 2, 5, 5, 4, 9, 9, 3, 5, 6, 10, 10, 8, 4, 8]),
        ("ITIAS", [1, 4, 9, 16, 18, 14]),
        ("IFIAS", ["4.1", "8", "14", "13"]),
        ("ST", ""),
        ("FIAS", []),
        ("FIAS", [7]),
    ],
)
def test_json_round_trip(key: str, codes: str | list[int] | list[str]) -> None:
    res = analyse(key, codes)
    text = json.dumps(res, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == res


def test_fias_result_sections() -> None:
    codes = [5, 5, 5, 4, 8, 8, 2, 5, 5, 4, 9, 9, 3, 5, 6, 10, 10, 8, 4, 8]
    res = analyse("FIAS", codes, 3)
    assert res["n"] == 20 and res["duration_seconds"] == 60
    assert res["counts"]["5"] == 6 and res["counts"]["10"] == 2
    assert res["matrix"]["tallies"] == 21 and res["matrix"]["padding_code"] == "10"
    assert res["matrix"]["cells"][4][4] == 3
    heat = res["charts"]["heatmap"]
    assert len(heat["data"]) == 100
    # ECharts heatmap items are [x = column (second code), y = row (first code), value].
    assert [4, 4, 3] in heat["data"] and [3, 4, 2] in heat["data"]  # M55 = 3, M54 = 2
    assert sum(v for _, _, v in heat["data"]) == 21
    props = {p["code"]: p for p in res["charts"]["proportions"]}
    assert props["5"]["value"] == 6 and props["5"]["ratio"] == pytest.approx(0.3)
    groups = {g["group"]: g["ratio"] for g in res["charts"]["groups"]}
    assert groups == pytest.approx({"teacher": 0.6, "student": 0.3, "silence": 0.1})
    assert res["indices"]["steady_state_ratio"]["value"] == pytest.approx(6 / 21)


def test_fias_dynamic_curve_per_minute() -> None:
    rnd = random.Random(3)
    codes = rnd.choices(range(1, 11), k=45)  # 2 full minutes + 5 codes at 3 s
    dyn = analyse("FIAS", codes, 3)["charts"]["dynamic"]
    assert dyn["codes_per_window"] == 20 and dyn["n"] == [20, 20, 5]
    assert dyn["start_seconds"] == [0, 60, 120]
    first = codes[:20]
    assert dyn["series"]["teacher"][0] == pytest.approx(sum(c <= 7 for c in first) / 20)
    assert dyn["series"]["student"][0] == pytest.approx(sum(c in (8, 9) for c in first) / 20)
    for i in range(3):
        total = sum(dyn["series"][g][i] for g in ("teacher", "student", "silence"))
        assert total == pytest.approx(1.0)


def test_interval_is_recorded_and_defaults() -> None:
    assert analyse("ST", "TS")["interval_seconds"] == 30
    assert analyse("FIAS", [1])["interval_seconds"] == 3
    assert analyse("ST", "TS", 15)["duration_seconds"] == 30


def test_pad_option() -> None:
    res = analyse("FIAS", [5, 4, 8], pad=False)
    assert res["matrix"]["tallies"] == 2 and res["matrix"]["padded"] is False


def test_st_result_sections() -> None:
    res = analyse("ST", "TTTSSTTTTSSSSTTSTTTT")
    rc = res["charts"]["rt_ch"]
    assert rc["mode_label"] == "混合型" and rc["rule"]["dialogue_min_ch"] == 0.4
    assert {r["label"] for r in rc["regions"]} == {"练习型", "讲授型", "对话型", "混合型"}
    assert rc["feasible_region"] is not None
    assert res["indices"]["ch_definition"] == "transitions / N"
    assert res["charts"]["groups"] == [
        {"group": "teacher", "name": "教师", "value": 13, "ratio": 0.65},
        {"group": "student", "name": "学生", "value": 7, "ratio": 0.35},
    ]
    std = analyse("STD", "TTTDDSSTTDDSSTTTDSTT")
    assert std["charts"]["rt_ch"]["feasible_region"] is None
    assert std["charts"]["st_curve"]["end"] == {"t": 12.5, "s": 7.5}
