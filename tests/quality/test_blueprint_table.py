"""The blueprint (双向细目表) as a table (issue 10): the pure row rules of quality/blueprint.py, the
page that posts the table as item-<row>-<field> fields, and the editor in a real browser (add a
row, paste two rows copied from Excel, see the total, save)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from quality import blueprint as bp
from quality import services
from quality.models import Exam, Item, Paper
from tests.conftest import Cast, browser_login, screenshot
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _row(label: str = "1", kind: str = "客观题", mx: str = "5", kp: str = "数与代数", ability: str = "理解",
         key: str = "") -> dict[str, str]:
    return {"label": label, "kind": kind, "max_score": mx, "knowledge_point": kp, "ability": ability,
            "answer_key": key}


def _messages(check: bp.BlueprintCheck) -> list[str]:
    return [str(e) for e in check.errors]


# ---------------------------------------------------------------- pure rules


def test_valid_rows_are_cleaned_and_numbered_and_blank_rows_skipped() -> None:
    check = bp.validate_rows([_row("１", "选择题", "２.5", key="ｂ"), _row("", "subjective", "", "", ""),
                              _row("2（1）", "主观题", "7.5", "图形与几何", "应用")], full_mark=Decimal(10))
    assert check.ok and not check.warnings
    assert [(r.row, r.number, r.label, r.kind, r.max_score, r.answer_key) for r in check.rows] == [
        (1, 1, "1", "objective", Decimal("2.5"), "B"), (3, 2, "2(1)", "subjective", Decimal("7.5"), "")]
    assert check.total == Decimal(10)


def test_missing_item_number() -> None:
    check = bp.validate_rows([_row("1"), _row("", mx="5")], full_mark=Decimal(10))
    assert _messages(check) == ["第2行「题号」：未填写题号"]
    assert check.errors_by_row()[2][0].field == "label"


def test_duplicate_item_number_names_the_first_row() -> None:
    check = bp.validate_rows([_row("1"), _row("2"), _row("1")], full_mark=Decimal(15))
    assert _messages(check) == ["第3行「题号」：题号“1”与第1行重复"]


@pytest.mark.parametrize(("mx", "reason"), [
    ("五", "满分“五”不是数字"), ("abc", "满分“abc”不是数字"), ("0", "满分“0”必须大于0"), ("-2", "满分“-2”必须大于0"),
    ("", "未填写满分"), ("2.25", "满分“2.25”最多保留一位小数"), ("NaN", "满分“NaN”不是数字"),
])
def test_full_marks_must_be_a_positive_number(mx: str, reason: str) -> None:
    check = bp.validate_rows([_row("1", mx=mx)], full_mark=Decimal(5))
    assert _messages(check) == [f"第1行「满分」：{reason}"]


def test_unknown_kind() -> None:
    check = bp.validate_rows([_row("1", kind="填空题")], full_mark=Decimal(5))
    assert _messages(check) == ["第1行「题型」：题型“填空题”应为 客观题 或 主观题"]


def test_answer_key_only_a_letter_and_only_for_objective_items() -> None:
    check = bp.validate_rows([_row("1", key="Z"), _row("2", kind="主观题", key="A")], full_mark=Decimal(10))
    assert _messages(check) == ["第1行「答案」：答案“Z”应为一个选项字母 A–H",
                                "第2行「答案」：主观题不填答案；答案只用于客观题"]


def test_too_long_values_are_refused_not_cut() -> None:
    check = bp.validate_rows([_row("1", kp="知" * 61)], full_mark=Decimal(5))
    assert _messages(check) == ["第1行「知识点」：知识点最多 60 个字，现有 61 个字"]


def test_one_row_may_carry_several_errors() -> None:
    check = bp.validate_rows([_row("", kind="填空", mx="x")], full_mark=Decimal(5))
    assert [(e.row, e.field) for e in check.errors] == [(1, "label"), (1, "kind"), (1, "max_score")]


def test_total_differing_from_the_full_mark_is_a_warning_not_an_error() -> None:
    check = bp.validate_rows([_row("1", mx="40"), _row("2", mx="55")], full_mark=Decimal(100))
    assert check.ok and len(check.rows) == 2
    assert [str(w) for w in check.warnings] == ["各题满分之和 95 与试卷满分 100 不一致"]


def test_an_empty_table_and_too_many_rows() -> None:
    assert _messages(bp.validate_rows([_row("", "", "", "", "")], full_mark=Decimal(5))) == ["没有填写任何题目"]
    many = [_row(str(i), mx="1") for i in range(1, bp.MAX_ROWS + 2)]
    assert _messages(bp.validate_rows(many, full_mark=Decimal(5))) == [
        f"一份试卷最多 {bp.MAX_ROWS} 题，表中有 {bp.MAX_ROWS + 1} 题"]


def test_text_lines_become_rows() -> None:
    rows = bp.rows_from_text("题号\t题型\t满分\n# 注释\n1，客观题，2，数与代数，了解，A\n\n2\t主观题\t8")
    assert rows == [_row("1", "客观题", "2", "数与代数", "了解", "A"), _row("2", "主观题", "8", "", "")]
    assert bp.running_total([*rows, _row("3", mx="x")]) == Decimal(10)


# ---------------------------------------------------------------- the page


def _post(rows: list[dict[str, str]], **extra: str) -> dict[str, str]:
    data = {f"item-{i}-{f}": v for i, r in enumerate(rows) for f, v in r.items()}
    return {**data, **extra}


def _paper(cast: Cast) -> Paper:
    return math_paper(make_exam(cast.county_a, blueprint=False))  # full mark 20


def test_saving_the_table_replaces_the_items(cast: Cast) -> None:
    paper = _paper(cast)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    c = cast.client("county_researcher")
    assert "data-testid=\"bp-table\"" in c.get(url).content.decode()
    rows = [_row("1", "客观题", "5", key="C"), _row("", "subjective", "", "", ""), _row("2", "主观题", "15", "函数", "应用")]
    r = c.post(url, _post(rows, action="save"), follow=True)
    assert r.redirect_chain[-1][0] == url
    items = list(paper.items.order_by("number"))
    assert [(i.number, i.label, i.kind, i.max_score, i.answer_key) for i in items] == [
        (1, "1", "objective", Decimal(5), "C"), (2, "2", "subjective", Decimal(15), "")]
    body = r.content.decode()
    assert "双向细目表已保存，共 2 题" in body and 'value="函数"' in body


def test_a_total_unlike_the_full_mark_saves_with_a_warning(cast: Cast) -> None:
    paper = _paper(cast)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    r = cast.client("county_researcher").post(url, _post([_row("1", mx="12")], action="save"), follow=True)
    assert paper.items.count() == 1
    assert "各题满分之和 12 与试卷满分 20 不一致" in r.content.decode()


def test_errors_keep_what_was_typed_and_stand_next_to_their_rows(cast: Cast) -> None:
    exam = make_exam(cast.county_a)  # seven items saved
    paper = math_paper(exam)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    rows = [_row("1", mx="10"), _row("1", kind="填空", mx="十", kp="方程的解法")]
    r = cast.client("county_researcher").post(url, _post(rows, action="save"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "细目表有 3 处错误，尚未保存" in body
    assert "题号：题号“1”与第1行重复" in body and "满分：满分“十”不是数字" in body
    assert "题型：题型“填空”应为 客观题 或 主观题" in body
    assert 'name="item-1-max_score" value="十"' in body and 'value="方程的解法"' in body
    assert '<option value="填空" selected>填空</option>' in body
    assert paper.items.count() == 7  # nothing written


def test_add_rows_and_fill_from_text_do_not_save(cast: Cast) -> None:
    paper = _paper(cast)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    c = cast.client("county_researcher")
    body = c.post(url, _post([_row("1")], action="add_rows")).content.decode()
    assert 'name="item-5-label"' in body and 'name="item-6-label"' not in body
    body = c.post(url, {"action": "fill", "text": "1,客观题,5\n2,主观题,15,函数"}).content.decode()
    assert 'name="item-1-knowledge_point" value="函数"' in body and "已将粘贴的 2 行填入表格" in body
    assert paper.items.count() == 0


def test_the_items_cannot_change_once_item_scores_are_imported(cast: Cast) -> None:
    exam: Exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(10), school="小店第一中学")))
    paper = math_paper(exam)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    c = cast.client("county_researcher")
    assert 'data-testid="bp-locked"' in c.get(url).content.decode()
    body = c.post(url, _post([_row("1", mx="20")], action="save")).content.decode()
    assert "该试卷已导入小题分，不能修改题目结构" in body
    assert paper.items.count() == 7
    with pytest.raises(services.ServiceError):
        services.blueprint_save(actor=None, paper=paper, rows=[_row("1", mx="20")])


@pytest.mark.parametrize("role", ["principal", "outside_researcher", "teacher_a2"])
def test_roles_outside_the_exams_management_get_404(cast: Cast, role: str) -> None:
    paper = _paper(cast)
    url = reverse("quality:paper_blueprint", args=[paper.pk])
    c = cast.client(role)
    assert c.get(url).status_code == 404
    assert c.post(url, _post([_row("1", mx="20")], action="save")).status_code == 404
    assert not Item.objects.filter(paper=paper).exists()


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_table_editor_adds_a_row_pastes_from_excel_totals_and_saves(cast: Cast, live_server: Any, page: Any) -> None:
    paper = _paper(cast)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server.url, cast.users["county_researcher"].username)
    page.goto(f"{live_server.url}{reverse('quality:paper_blueprint', args=[paper.pk])}")
    rows = page.locator("tr[data-bp-row]")
    start = rows.count()  # ten empty rows for a paper without items
    page.click("[data-testid=bp-add]")
    assert rows.count() == start + 1
    page.fill("input[name='item-0-label']", "1")
    page.select_option("select[name='item-0-kind']", "objective")
    page.fill("input[name='item-0-max_score']", "5")
    page.press("input[name='item-0-max_score']", "Enter")  # moves down, does not submit
    assert page.evaluate("document.activeElement.name") == "item-1-max_score"
    assert page.inner_text("[data-testid=bp-total]") == "5"
    assert page.is_visible("[data-testid=bp-total-warn]")

    # Two rows copied from Excel, pasted into the second row's 题号 cell.
    page.focus("input[name='item-1-label']")
    page.evaluate("""() => {
        const dt = new DataTransfer();
        dt.setData('text/plain', '2\\t选择题\\t5\\t数与代数\\t了解\\tB\\r\\n3\\t主观题\\t10\\t图形与几何\\t应用\\t\\r\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true,
                                                                           cancelable: true}));
    }""")
    assert page.input_value("input[name='item-2-knowledge_point']") == "图形与几何"
    assert page.input_value("select[name='item-1-kind']") == "objective"
    assert page.input_value("input[name='item-1-answer_key']") == "B"
    assert page.inner_text("[data-testid=bp-total]") == "20"
    assert not page.is_visible("[data-testid=bp-total-warn]")

    # Duplicate the third row (its label left empty), then delete the copy.
    page.locator("tr[data-bp-row]").nth(2).locator("button:has-text('复制')").click()
    assert page.input_value("input[name='item-3-knowledge_point']") == "图形与几何"
    assert page.input_value("input[name='item-3-label']") == ""
    assert page.inner_text("[data-testid=bp-total]") == "30"
    page.locator("tr[data-bp-row]").nth(3).locator("button:has-text('删除')").click()
    assert page.inner_text("[data-testid=bp-total]") == "20"
    screenshot(page, "quality-blueprint-table")

    page.click("[data-testid=bp-save]")
    page.wait_for_selector("text=双向细目表已保存，共 3 题")
    assert page.inner_text("[data-testid=bp-item-count]") == "3"
    assert page.input_value("input[name='item-2-label']") == "3"
    items = list(Item.objects.filter(paper=paper).order_by("number"))
    assert [(i.label, i.kind, i.max_score, i.knowledge_point, i.answer_key) for i in items] == [
        ("1", "objective", Decimal(5), "", ""), ("2", "objective", Decimal(5), "数与代数", "B"),
        ("3", "subjective", Decimal(10), "图形与几何", "")]
    assert not errors, errors
