"""The item bank demo (quality.demo.quality_itembank) on the tiny seed: the two demo exams' math
items are in the county's bank with a history of two exams, and one assembled draft paper."""

from __future__ import annotations

from core.demo.generator import SeedResult
from quality.models import BankItem, BankItemUse, DraftPaper


def test_demo_bank_items_have_two_exams_of_history_and_a_draft(tiny: SeedResult) -> None:
    assert "quality.itembank" in tiny.timings
    bank = list(BankItem.objects.select_related("org"))
    assert len(bank) == 12 and {b.org.kind for b in bank} == {"county"}
    assert all(b.uses == 2 and b.difficulty is not None and 0 < b.difficulty < 1 for b in bank)
    names = {u.paper_item.paper.exam.name[-9:] for u in BankItemUse.objects.select_related("paper_item__paper__exam")}
    assert names == {"八年级期中质量监测", "八年级期末质量监测"}
    draft = DraftPaper.objects.get()
    assert draft.rows.count() == 5 and draft.prediction["difficulty"] is not None
    assert draft.prediction["reliability"] is not None
