"""Assembling a paper from candidates (quality.stats.assembly): pure, no database."""

from __future__ import annotations

import math

import pytest

from quality.stats.assembly import Candidate, Cell, assemble, parse_cells, predict


def _bank() -> list[Candidate]:
    """Per cell, items from hard to easy; marks 2 for 数与代数 × 理解, 3 or 5 for 函数 × 运用."""
    out: list[Candidate] = []
    i = 0
    for p in (0.2, 0.35, 0.5, 0.65, 0.8, 0.9):
        i += 1
        out.append(Candidate(i, "数与代数", "理解", 2.0, p=p, d=0.3, r=0.5, sd=0.8))
    for p, m in ((0.3, 5.0), (0.5, 5.0), (0.85, 5.0), (0.4, 3.0), (0.9, 3.0)):
        i += 1
        out.append(Candidate(i, "函数", "运用", m, p=p, d=0.4, r=0.6, sd=m * 0.4))
    return out


CELLS = [Cell("数与代数", "理解", 3, 6.0), Cell("函数", "运用", 2, 8.0)]


def test_the_blueprint_is_filled_and_the_target_difficulty_steers_the_choice() -> None:
    bank = {c.id: c for c in _bank()}
    easy = assemble(CELLS, list(bank.values()), target=0.8)
    hard = assemble(CELLS, list(bank.values()), target=0.35)
    for res in (easy, hard):
        assert res.ok and res.problems == []
        assert [len(f.chosen) for f in res.cells] == [3, 2]
        assert [f.marks for f in res.cells] == [6.0, 8.0]  # 3 × 2 points; 5 + 3 points
    assert easy.prediction is not None and hard.prediction is not None
    assert easy.prediction.difficulty is not None and hard.prediction.difficulty is not None
    assert abs(easy.prediction.difficulty - 0.8) < 0.05
    assert abs(hard.prediction.difficulty - 0.35) < 0.05
    # The same inputs give the same paper.
    assert assemble(CELLS, list(bank.values()), target=0.8).chosen == easy.chosen


def test_prediction_formulas() -> None:
    items = [Candidate(1, "a", "b", 2.0, p=0.5, r=0.5, sd=1.0), Candidate(2, "a", "b", 4.0, p=0.8, r=0.7, sd=1.5)]
    pred = predict(items)
    assert pred.difficulty == pytest.approx((2 * 0.5 + 4 * 0.8) / 6)
    sd_t = 0.5 * 1.0 + 0.7 * 1.5
    assert pred.reliability == pytest.approx(2 / 1 * (1 - (1.0 + 2.25) / sd_t ** 2))
    # Without a recorded SD the binomial bound m·√(p(1−p)) stands in.
    no_sd = predict([Candidate(1, "a", "b", 1.0, p=0.5, r=0.5), Candidate(2, "a", "b", 1.0, p=0.5, r=0.5)])
    assert no_sd.reliability == pytest.approx(2 * (1 - 0.5 / 0.5 ** 2))
    # Items without history: no reliability, and the note says so.
    unknown = predict([Candidate(1, "a", "b", 1.0), Candidate(2, "a", "b", 1.0, p=0.6, r=0.4, sd=0.5)])
    assert unknown.difficulty == pytest.approx(0.6) and unknown.reliability is None
    assert "1 题没有历史统计" in unknown.notes[0]
    assert not math.isnan(pred.total_marks) and pred.total_marks == 6.0


def test_unfillable_cells_are_named_in_chinese() -> None:
    cells = [Cell("数与代数", "理解", 7), Cell("函数", "运用", 1, 4.0), Cell("概率", "了解", 1)]
    res = assemble(cells, _bank(), target=0.7)
    assert not res.ok and res.chosen == []
    assert res.problems == [
        "「数与代数 × 理解」需要 7 题，题库中只有 6 题",
        "「函数 × 运用」需要 1 题共 4 分，题库中该格的题目（分值 3、5）凑不出这个分数",
        "「概率 × 了解」需要 1 题，题库中只有 0 题",
    ]
    # Enough items everywhere, but no pair of 函数 × 运用 items makes 7 points (3 + 5 = 8, 5 + 5 = 10 ...).
    marks_only = assemble([Cell("数与代数", "理解", 1), Cell("函数", "运用", 2, 7.0)], _bank(), target=0.7)
    assert marks_only.problems == ["「函数 × 运用」需要 2 题共 7 分，题库中该格的题目（分值 3、5）凑不出这个分数"]
    twice = assemble([Cell("函数", "运用", 1), Cell("函数", "运用", 1)], _bank(), target=0.7)
    assert twice.problems == ["「函数 × 运用」在双向细目表中出现了不止一次"]


def test_blueprint_text_errors_name_line_and_field() -> None:
    cells, errors = parse_cells("知识点,能力层级,题数,分值\n数与代数，理解，3，6\n函数;运用;x\n函数\t运用\t2\t-1\n"
                                "# 注释\n数与代数,理解,1\n概率,了解")
    assert cells == [Cell("数与代数", "理解", 3, 6.0)]
    assert errors == ["第3行「题数」：“x”应为正整数", "第4行「分值」：“-1”必须大于0",
                      "第6行：「数与代数 × 理解」与第2行重复", "第7行：应为“知识点, 能力层级, 题数[, 分值]”，现有 2 项"]
    assert parse_cells("") == ([], ["双向细目表没有任何一格"])
