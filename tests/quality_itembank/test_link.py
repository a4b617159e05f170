"""Linking an imported exam's paper to the bank (quality.services.itembank.bank_link_paper):
through real score imports and a real IRT calibration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from quality import services
from quality.models import BankItem, BankItemUse, Paper
from quality.services.itembank import bank_item_create, bank_link_paper
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _scored(cast: Cast, name: str, held_on: dt.date, seed: int, n: int = 60) -> Paper:
    exam = make_exam(cast.county_a, name=name, held_on=held_on)
    apply(upload(exam, messy_xlsx(clean_rows(n, seed=seed), school="小店第一中学")))
    return math_paper(exam)


def test_linking_is_idempotent_and_another_exam_grows_each_items_history(cast: Cast) -> None:
    first = _scored(cast, "八年级期中质量监测", dt.date(2026, 11, 10), seed=1)
    run = services.irt_execute(run_id=services.irt_request(actor=None, paper=first, model="2PL").pk)
    assert run.status == "done"
    report = bank_link_paper(actor=None, paper=first)
    assert report.created == ["1", "2", "3", "4", "5", "6", "7"] and report.recorded == 7
    bank = list(BankItem.objects.filter(org=cast.county_a).order_by("id"))
    assert [(b.knowledge_point, b.ability, float(b.max_score)) for b in bank[4:]] == [
        ("图形与几何", "了解", 1.0), ("数与代数", "应用", 5.0), ("图形与几何", "综合", 10.0)]
    assert all(b.uses == 1 and b.students == 60 and b.difficulty is not None for b in bank)
    use1 = BankItemUse.objects.get(bank_item=bank[0])
    assert use1.irt_model == "2PL" and use1.irt_a is not None and use1.irt_b is not None
    assert use1.discrimination_method == "corrected_item_total"
    assert BankItemUse.objects.get(bank_item=bank[6]).irt_a is None  # 10-point item: not in a 2PL fit

    again = bank_link_paper(actor=None, paper=first)
    assert again.created == [] and again.recorded == 0 and again.unchanged == 7 and not again.changed
    assert BankItem.objects.filter(org=cast.county_a).count() == 7 and BankItemUse.objects.count() == 7

    second = _scored(cast, "八年级期末质量监测", dt.date(2027, 1, 12), seed=2, n=40)
    items2 = list(second.items.order_by("number"))
    report2 = bank_link_paper(actor=None, paper=second,
                              matches={it.pk: b.pk for it, b in zip(items2[:5], bank[:5], strict=True)})
    assert report2.matched == ["1", "2", "3", "4", "5"] and report2.created == ["6", "7"]
    for b in bank[:5]:
        b.refresh_from_db()
        uses = list(b.history.order_by("recorded_at"))
        assert b.uses == 2 and b.students == 100
        assert [u.paper_item.paper.exam.name for u in uses] == ["八年级期中质量监测", "八年级期末质量监测"]
        pooled = (60 * (uses[0].difficulty or 0) + 40 * (uses[1].difficulty or 0)) / 100
        assert b.difficulty == pytest.approx(pooled)
    assert BankItem.objects.filter(org=cast.county_a).count() == 9
    # Linking the second paper again changes nothing either.
    assert not bank_link_paper(actor=None, paper=second).changed


def test_linking_refuses_unanalysed_papers_foreign_matches_and_missing_blueprint_fields(cast: Cast) -> None:
    empty = math_paper(make_exam(cast.county_a, name="未导入成绩的考试"))
    with pytest.raises(services.ServiceError, match="还没有小题分析结果"):
        bank_link_paper(actor=None, paper=empty)
    paper = _scored(cast, "八年级期中质量监测", dt.date(2026, 11, 10), seed=1, n=20)
    from core.models import Subject

    other = bank_item_create(actor=None, org=cast.county_b, subject=Subject.objects.get(code="math"),
                             stage="junior", grade=8, kind="objective", max_score=Decimal(1), knowledge_point="数与代数",
                             ability="了解")
    first = paper.items.order_by("number").first()
    assert first is not None
    with pytest.raises(services.ServiceError, match="第 1 题所选的题库题目不属于本考试单位"):
        bank_link_paper(actor=None, paper=paper, matches={first.pk: other.pk})
    assert not BankItemUse.objects.exists()  # atomic: nothing was written
    assert not BankItem.objects.filter(org=cast.county_a).exists()
    blank = make_exam(cast.county_a, name="细目不全的考试", blueprint=False)
    services.blueprint_save(actor=None, paper=math_paper(blank), text="1, 客观题, 10, , 了解\n2, 主观题, 10, 函数, ")
    apply(upload(blank, messy_xlsx(clean_rows(10, seed=5), school="小店第一中学")))
    with pytest.raises(services.ServiceError, match="第 1、2 题未填写知识点或能力层级"):
        bank_link_paper(actor=None, paper=math_paper(blank))


def test_a_draft_becomes_an_exams_blueprint_and_its_items_history_grows_by_itself(cast: Cast) -> None:
    """Assemble → draft → the blueprint of a new exam → import → link: no matches to choose."""
    from django.urls import reverse

    from quality.models import DraftPaper

    first = _scored(cast, "八年级期中质量监测", dt.date(2026, 11, 10), seed=1, n=30)
    bank_link_paper(actor=None, paper=first)
    c = cast.client("county_researcher")
    subject = first.subject_id
    c.post(reverse("quality:bank_assemble"), {
        "org": str(cast.county_a.pk), "subject": str(subject), "stage": "junior", "name": "期末卷", "target": "0.6",
        "blueprint": "数与代数, 了解, 2\n图形与几何, 综合, 1", "action": "save",
        "chosen": [str(b.pk) for b in BankItem.objects.filter(knowledge_point="数与代数", ability="了解")]
        + [str(BankItem.objects.get(ability="综合").pk)]})
    draft = DraftPaper.objects.get()
    later = make_exam(cast.county_a, name="八年级期末质量监测", held_on=dt.date(2027, 1, 12), blueprint=False,
                      full_mark="12")
    paper = math_paper(later)
    page = c.get(reverse("quality:draft_detail", args=[draft.pk])).content.decode()
    assert "八年级期末质量监测" in page and "八年级期中质量监测 · 数学" not in page  # scored papers are not offered
    r = c.post(reverse("quality:draft_use", args=[draft.pk]), {"paper": str(paper.pk)}, follow=True)
    assert "已用组卷草稿的 3 道题" in r.content.decode()
    items = list(paper.items.order_by("number"))
    assert [(i.label, float(i.max_score), i.bank_item_id) for i in items] == [
        (str(n), float(row.bank_item.max_score), row.bank_item_id) for n, row in
        enumerate(draft.rows.order_by("number").select_related("bank_item"), start=1)]
    rows = [[f"Q{i:03d}", f"学生{i}", "8(1)班", i % 2, (i + 1) % 2, i % 11, (i % 2) + (i + 1) % 2 + i % 11]
            for i in range(30)]
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for col, h in enumerate(["学校", "考号", "姓名", "班级", "1", "2", "3", "总分"]):
        ws.write_string(0, col, h)
    for r_, row in enumerate(rows, start=1):
        ws.write_string(r_, 0, "小店第一中学")
        for col, v in enumerate(row, start=1):
            ws.write(r_, col, v)
    wb.close()
    apply(upload(later, buf.getvalue()))
    report = bank_link_paper(actor=None, paper=paper)
    assert report.created == [] and report.matched == [] and report.recorded == 3
    for it in items:
        assert it.bank_item is not None
        it.bank_item.refresh_from_db()
        assert it.bank_item.uses == 2
        assert [u.paper_item.paper.exam.name for u in it.bank_item.history.order_by("recorded_at")] == [
            "八年级期中质量监测", "八年级期末质量监测"]
