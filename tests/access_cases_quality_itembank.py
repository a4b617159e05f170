"""Access-matrix rows for the item bank (题库) pages and API of quality monitoring.

The records: the quality world's county-A exam paper linked to county A's bank (7 bank items),
and a draft paper assembled from that bank by the county researcher."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, Case
from tests.access_cases_quality import CREATORS, MANAGERS, VIEWERS, world


def bank_world(cast: Any) -> dict[str, Any]:
    cached: dict[str, Any] | None = getattr(cast, "_itembank_world", None)
    if cached is not None:
        return cached
    from quality.models import BankItem
    from quality.services.itembank import bank_link_paper, draft_save
    from quality.stats.assembly import Cell, predict

    paper = world(cast)["paper"]
    bank_link_paper(actor=None, paper=paper)
    items = list(BankItem.objects.filter(org=cast.county_a).order_by("id")[:2])
    draft = draft_save(actor=None, org=cast.county_a, subject=paper.subject, stage="junior", name="单元卷",
                       target=0.7, cells=[Cell("数与代数", "了解", 2)], items=items, prediction=predict([]))
    from observe.attachments import CheckedFile
    from quality.services.itembank import bank_item_create

    with_file = bank_item_create(actor=None, org=cast.county_a, subject=paper.subject, stage="junior", grade=8,
                                 kind="subjective", max_score=items[0].max_score, knowledge_point="函数",
                                 ability="运用", stem_file=CheckedFile("题目.pdf", b"%PDF-1.4\n%%EOF\n",
                                                                      "application/pdf", False))
    cached = {"item": items[0], "draft": draft, "paper": paper, "with_file": with_file}
    cast._itembank_world = cached
    return cached


def _assemble(cast: Any) -> dict[str, Any]:
    paper = bank_world(cast)["paper"]
    return {"org": str(cast.county_a.pk), "subject": str(paper.subject_id), "stage": "junior", "name": "单元卷",
            "target": "0.7", "blueprint": "数与代数, 了解, 2", "action": "assemble"}


CASES: list[Case] = [
    Case("quality:bank_list", EVERYONE),
    Case("quality:bank_item_new", CREATORS),
    Case("quality:bank_assemble", CREATORS),
    # Posting county A's bank: the form refuses other banks (re-shown, 200) for creators elsewhere,
    # so only the roles over county A get the result; the rest of CREATORS see the form's error.
    Case("quality:bank_assemble", CREATORS, method="POST", data=_assemble, note="assemble"),
    Case("quality:bank_item_detail", VIEWERS, args=lambda c: [bank_world(c)["item"].pk]),
    Case("quality:bank_item_file", VIEWERS, args=lambda c: [bank_world(c)["with_file"].pk]),
    Case("quality:draft_detail", MANAGERS, args=lambda c: [bank_world(c)["draft"].pk]),
    Case("quality:draft_detail", MANAGERS, args=lambda c: [bank_world(c)["draft"].pk], query="format=xlsx",
         note="export"),
    # The world's only paper has scores, so the draft cannot become its blueprint: sent back.
    Case("quality:draft_use", MANAGERS, args=lambda c: [bank_world(c)["draft"].pk], method="POST",
         data=lambda c: {"paper": str(bank_world(c)["paper"].pk)}, ok_status=(302,)),
    Case("quality:paper_bank_link", MANAGERS, args=lambda c: [bank_world(c)["paper"].pk]),
    Case("quality:paper_bank_link", MANAGERS, args=lambda c: [bank_world(c)["paper"].pk], method="POST",
         ok_status=(302,), note="link"),
    Case("api-v1:quality_bank_item_list", EVERYONE),
]
