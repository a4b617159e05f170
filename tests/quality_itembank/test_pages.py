"""The bank pages: list and filters, an item's history, linking a paper, assembling, export and
drafts, and who sees what."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
from django.urls import reverse

from quality.models import BankItem, DraftPaper, Item
from quality.services.itembank import bank_link_paper
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload

BLUEPRINT = "数与代数, 了解, 2, 2\n图形与几何, 理解, 1\n数与代数, 应用, 1, 5"


def _linked(cast: Cast) -> Any:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30, seed=7), school="小店第一中学")))
    return math_paper(exam)


def _form(cast: Cast, **over: str) -> dict[str, str]:
    from core.models import Subject

    data = {"org": str(cast.county_a.pk), "subject": str(Subject.objects.get(code="math").pk), "stage": "junior",
            "name": "八年级数学单元卷", "target": "0.6", "blueprint": BLUEPRINT, "action": "assemble"}
    data.update(over)
    return data


def test_link_page_list_filters_and_item_history(cast: Cast) -> None:
    paper = _linked(cast)
    c = cast.client("county_researcher")
    url = reverse("quality:paper_bank_link", args=[paper.pk])
    page = c.get(url).content.decode()
    assert "新建题库题目" in page and "图形与几何" in page
    r = c.post(url, {}, follow=True)
    assert "已加入题库：新建 7 题" in r.content.decode()
    r = c.post(url, {}, follow=True)
    assert "统计没有变化" in r.content.decode()
    # Items 1 and 3 measure the same cell with the same marks: each is offered the other, and
    # choosing it is refused (one paper cannot hold the same item twice).
    one, three = Item.objects.get(paper=paper, label="1"), Item.objects.get(paper=paper, label="3")
    r = c.post(url, {f"match_{one.pk}": str(three.bank_item_id)}, follow=True)
    assert "第 1、3 题关联到了同一道题库题目" in r.content.decode()

    listing = c.get(reverse("quality:bank_list")).content.decode()
    # Codes by their exact form: a random CSRF token on the page may contain "TK".
    assert len(set(re.findall(r"TK\d{6}", listing))) == 7 and "共 7 条" in listing
    hard = BankItem.objects.order_by("difficulty").first()
    easy = BankItem.objects.order_by("-difficulty").first()
    assert hard is not None and easy is not None and hard.difficulty is not None
    only_hard = c.get(reverse("quality:bank_list"), {"p_max": f"{hard.difficulty:.4f}"}).content.decode()
    assert hard.code in only_hard and easy.code not in only_hard
    by_kp = c.get(reverse("quality:bank_list"), {"kp": "图形", "ability": "综合"}).content.decode()
    assert "共 1 条" in by_kp
    bad = c.get(reverse("quality:bank_list"), {"p_min": "0.9", "p_max": "0.1"}).content.decode()
    assert "难度上限不能小于下限" in bad and 'value="0.9"' in bad

    item = Item.objects.get(paper=paper, label="7")
    assert item.bank_item is not None
    detail = c.get(reverse("quality:bank_item_detail", args=[item.bank_item.pk])).content.decode()
    assert "八年级期中质量监测" in detail and "2026-11-10" in detail and 'data-chart="p-chart"' in detail
    # A teacher of a school in the county sees the county's bank but may not link or assemble;
    # a teacher of another county sees none of it.
    t = cast.client("teacher")
    assert t.get(reverse("quality:bank_item_detail", args=[item.bank_item.pk])).status_code == 200
    assert t.get(url).status_code == 404 and t.get(reverse("quality:bank_assemble")).status_code == 404
    out = cast.client("outside_teacher")
    assert "共 7 条" not in out.get(reverse("quality:bank_list")).content.decode()
    assert out.get(reverse("quality:bank_item_detail", args=[item.bank_item.pk])).status_code == 404


def test_assemble_predicts_exports_and_saves_a_draft(cast: Cast) -> None:
    bank_link_paper(actor=None, paper=_linked(cast))
    c = cast.client("county_researcher")
    url = reverse("quality:bank_assemble")
    body = c.post(url, _form(cast)).content.decode()
    assert "组卷结果" in body and "预测难度 P̂" in body and "预测信度 α̂" in body and "KR-20" in body
    assert "4 题 / 8.0 分" in body  # 2 × 1 + 1 + 5 points
    chosen = [int(v) for v in re.findall(r'name="chosen" value="(\d+)"', body)]
    assert len(chosen) == 4
    assert [b.knowledge_point for b in BankItem.objects.filter(pk__in=chosen[:2])] == ["数与代数"] * 2

    export = c.post(url, {**_form(cast, action="xlsx"), "chosen": [str(i) for i in chosen]})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("共 4 题 8 分；预测难度")
    assert rows[1][:3] == ("序号", "题目编号", "知识点") and len(rows) == 6
    assert [r[1] for r in rows[2:]] == [BankItem.objects.get(pk=i).code for i in chosen]

    saved = c.post(url, {**_form(cast, action="save"), "chosen": [str(i) for i in chosen]}, follow=True)
    draft = DraftPaper.objects.get()
    assert "已保存组卷草稿" in saved.content.decode() and draft.name == "八年级数学单元卷"
    assert list(draft.rows.order_by("number").values_list("bank_item_id", flat=True)) == chosen
    assert draft.prediction["k"] == 4 and draft.prediction["difficulty"] is not None
    page = c.get(reverse("quality:draft_detail", args=[draft.pk])).content.decode()
    assert "八年级数学单元卷" in page and "数与代数" in page
    assert c.get(reverse("quality:draft_detail", args=[draft.pk]), {"format": "xlsx"}).status_code == 200
    assert cast.client("principal").get(reverse("quality:draft_detail", args=[draft.pk])).status_code == 404

    # An unfillable blueprint names its cells; the form keeps what was typed.
    body = c.post(url, _form(cast, blueprint="数与代数, 了解, 9\n函数, 运用, 1")).content.decode()
    assert "「数与代数 × 了解」需要 9 题，题库中只有 2 题" in body and "「函数 × 运用」需要 1 题，题库中只有 0 题" in body
    assert "数与代数, 了解, 9" in body
    body = c.post(url, _form(cast, blueprint="数与代数, 了解, 两")).content.decode()
    assert "第1行「题数」：“两”应为正整数" in body


def test_a_manager_enters_an_item_by_hand(cast: Cast) -> None:
    from core.models import Subject

    c = cast.client("principal")
    url = reverse("quality:bank_item_new")
    data = {"org": str(cast.school_a1.pk), "subject": str(Subject.objects.get(code="math").pk), "stage": "junior",
            "grade": "8", "kind": "subjective", "max_score": "2.55", "knowledge_point": "函数", "ability": "运用",
            "stem": "已知一次函数……"}
    body = c.post(url, data).content.decode()
    assert "满分最多保留一位小数" in body and "已知一次函数……" in body
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    fake = SimpleUploadedFile("题目.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    body = c.post(url, {**data, "max_score": "6", "stem_file": fake}).content.decode()
    assert "文件内容不是 JPG、PNG、GIF 或 WebP 图片" in body and not BankItem.objects.exists()
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(png, "PNG")
    scan = SimpleUploadedFile("函数题.png", png.getvalue(), content_type="image/png")
    r = c.post(url, {**data, "max_score": "6", "stem_file": scan}, follow=True)
    item = BankItem.objects.get()
    assert item.org == cast.school_a1 and item.uses == 0 and "该题尚未在考试中使用" in r.content.decode()
    assert "函数题.png" in r.content.decode()
    served = c.get(reverse("quality:bank_item_file", args=[item.pk]))
    assert served["Content-Type"] == "image/png" and b"".join(served.streaming_content)[:4] == b"\x89PNG"  # type: ignore[attr-defined]  # a FileResponse
    assert cast.client("outside_teacher").get(reverse("quality:bank_item_file", args=[item.pk])).status_code == 404
    assert c.post(url, {**data, "org": str(cast.county_a.pk)}).status_code == 200  # re-shown with the error
    assert BankItem.objects.count() == 1

