"""The messy-file importer through the services: real generated .xlsx and .csv files."""

from __future__ import annotations

import numpy as np
import pytest

from quality import services
from quality.blocks import ABSENT, CHEAT, EXEMPT, MISSING, decode_block
from quality.importing import ReadError, detect_header, read_table
from quality.models import BatchStatus, Exam, ScoreBlock, Student
from quality.pseudonyms import decrypt_name, student_key
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _current(exam: Exam) -> list[ScoreBlock]:
    return list(ScoreBlock.objects.filter(paper__exam=exam, superseded_by__isnull=True))


def test_merged_two_row_header_is_detected_and_mapped(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    batch = upload(exam, messy_xlsx(clean_rows(5), school="小店第一中学"))
    assert batch.header_rows == [1, 2]  # the title row is skipped
    assert batch.headers[:5] == ["学校", "考号", "姓名", "班级", "客观题/1"]
    roles = [c["role"] for c in batch.mapping["columns"]]
    assert roles == ["school", "id", "name", "class"] + ["item"] * 7 + ["total"]
    assert [c["item"] for c in batch.mapping["columns"][4:11]] == [str(i) for i in range(1, 8)]


def test_messy_values_markers_fullwidth_blank_rows_and_disagreeing_totals(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    rows = clean_rows(20)
    rows[0][3:10] = ["缺考", "", "", "", "", "", ""]  # 缺考 written in a score cell
    rows[0][10] = ""
    rows[1][3:10] = ["作弊"] + [""] * 6
    rows[1][10] = ""
    rows[2][3:11] = ["免考"] + [""] * 7
    rows[3][8] = "４"  # full-width digit
    rows[3][9] = "１０"
    rows[3][10] = sum(rows[3][3:8]) + 4 + 10
    rows[4][10] = 0  # a total that disagrees with the item sum
    rows[5][0] = "２０２６０００５"  # a full-width student number
    rows.insert(8, [])
    rows.insert(9, [])
    batch = apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
    assert batch.status == BatchStatus.APPLIED, batch.problems
    reasons = [p["reason"] for p in batch.problems]
    assert "已跳过 2 个空行" in reasons
    clash = next(p for p in batch.problems if "不一致" in p["reason"])
    assert clash["row"] == 8 and clash["column"].startswith("L（总分")
    assert clash["level"] == "warning"
    (block,) = [decode_block(b.data) for b in _current(exam)]
    status = dict(zip(block.student_ids.tolist(), block.status.tolist(), strict=True))
    keys = dict(Student.objects.values_list("key", "pk"))
    assert status[keys[student_key("20260000")]] == ABSENT
    assert status[keys[student_key("20260001")]] == CHEAT
    assert status[keys[student_key("20260002")]] == EXEMPT
    assert student_key("20260005") in keys  # full-width number normalised to the same key
    i3 = block.student_ids.tolist().index(keys[student_key("20260003")])
    assert block.items[i3, 5] == 8 and block.items[i3, 6] == 20  # 4 and 10 points in 0.5-point units
    i4 = block.student_ids.tolist().index(keys[student_key("20260004")])
    assert block.totals[i4] == int(block.items[i4].astype(int).sum())  # the item sum wins
    assert block.items[block.status == ABSENT].max() == MISSING


def test_errors_name_row_column_and_reason_and_nothing_is_written(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    rows = clean_rows(10)
    rows[2][7] = 3  # item 5 is worth 1 point
    rows[3][9] = "十"  # not a number
    rows[4][9] = 2.3  # off the half-point grid
    rows[5][0] = rows[6][0]  # duplicate student number
    rows[7][2] = ""  # no class
    batch = apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
    assert batch.status == BatchStatus.REJECTED
    errors = {(p["row"], p["column"][:1], p["reason"]) for p in batch.problems if p["level"] == "error"}
    assert (6, "I", "分数 3 超过该题满分 1") in errors
    assert (7, "K", "无法识别的分数“十”（应为数字，或缺考/作弊/免考）") in errors
    assert (8, "K", "分数 2.3 不是计分精度 0.5 分的整数倍") in errors
    assert any(r == 10 and c == "B" and "与第9行重复" in reason for r, c, reason in errors)
    assert (11, "D", "班级为空") in errors
    assert not ScoreBlock.objects.exists() and not Student.objects.exists()


def test_unknown_school_is_an_error(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    batch = apply(upload(exam, messy_xlsx(clean_rows(3), school="迎泽实验小学")))  # county B's school
    assert batch.status == BatchStatus.REJECTED
    assert "不在本次考试范围内" in batch.problems[0]["reason"]


def test_reimport_replaces_never_doubles_and_undo_restores(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    paper = math_paper(exam)
    first = apply(upload(exam, messy_xlsx(clean_rows(20), school="小店第一中学")))
    corrected = clean_rows(20)
    corrected[0][9] = 0  # one score corrected
    corrected[0][10] = sum(corrected[0][3:10])
    second = apply(upload(exam, messy_xlsx(corrected, school="小店第一中学")))
    (block,) = [decode_block(b.data) for b in _current(exam)]
    assert block.n == 20 and len(set(block.student_ids.tolist())) == 20
    assert paper.summary.data["units"][0]["registered"] == 20
    # Another class uploaded separately is added, not replacing the first class.
    third = apply(upload(exam, messy_xlsx(clean_rows(5, classes=("8(3)班",), prefix="2099"), school="小店第一中学")))
    assert decode_block(_current(exam)[0].data).n == 25
    services.import_undo(actor=None, batch=third)
    services.import_undo(actor=None, batch=second)
    (block,) = [decode_block(b.data) for b in _current(exam)]
    assert block.n == 20
    assert ScoreBlock.objects.get(superseded_by__isnull=True).batch_id == first.pk
    paper.summary.refresh_from_db()
    assert paper.summary.data["units"][0]["registered"] == 20
    with pytest.raises(services.ServiceError):
        services.import_undo(actor=None, batch=second)


def test_undo_refused_when_a_later_batch_built_on_it(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    first = apply(upload(exam, messy_xlsx(clean_rows(4), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(4), school="小店第一中学")))
    with pytest.raises(services.ServiceError, match="之后的批次"):
        services.import_undo(actor=None, batch=first)


def test_gbk_csv_totals_only_with_repeated_header_and_names_encrypted(cast: Cast) -> None:
    exam = make_exam(cast.county_a, full_mark="120", blueprint=False)
    text = "学籍号,姓名,班级,数学,备注\r\n" + "G001,张三,1班,118,\r\nG002,李四,1班,,缺考\r\n" \
        + "学籍号,姓名,班级,数学,备注\r\n" + "G003,王五,2班,９９.５,\r\n"
    batch = upload(exam, text.encode("gb18030"), filename="成绩.csv", school=cast.school_a1)
    assert [c["role"] for c in batch.mapping["columns"]] == ["id", "name", "class", "total", "status"]
    batch = apply(batch)
    assert batch.status == BatchStatus.APPLIED, batch.problems
    (block,) = [decode_block(b.data) for b in _current(exam)]
    assert block.n == 3 and block.items.shape == (3, 0)
    assert sorted(block.totals.tolist()) == [-1, 199, 236]
    s = Student.objects.get(key=student_key("G001"))
    assert "张三" not in s.name_encrypted and decrypt_name(s.name_encrypted) == "张三"


def test_unreadable_files_give_chinese_messages(cast: Cast) -> None:
    with pytest.raises(ReadError, match="不是有效的 .xlsx"):
        read_table(b"not a workbook", "x.xlsx")
    with pytest.raises(ReadError, match="表头"):
        detect_header([["a", "b"], [1, 2]])


def test_mapping_problems_are_refused_with_the_column(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    batch = upload(exam, messy_xlsx(clean_rows(3), school="小店第一中学"))
    cols = batch.mapping["columns"]
    cols[5]["item"] = "99"
    with pytest.raises(services.ServiceError, match="没有第“99”题"):
        services.scores_import(actor=None, batch=batch, mapping=cols, allowed_schools=[cast.school_a1])


def test_page_flow_upload_confirm_and_problems(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    c = cast.client("county_admin")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    rows = clean_rows(6)
    rows[1][4] = "abc"
    f = SimpleUploadedFile("成绩.xlsx", messy_xlsx(rows, school="小店第一中学"))
    r = c.post(reverse("quality:import_list", args=[exam.pk]), {"file": f})
    assert r.status_code == 302
    detail = r["Location"]
    page = c.get(detail)
    assert "确认列对应" in page.content.decode()
    data = {f"role_{i}": m["role"] for i, m in enumerate(page.context["table"] and
                                                         [t["map"] for t in page.context["table"]])}
    data |= {f"paper_{i}": t["map"]["paper"] or "" for i, t in enumerate(page.context["table"])}
    data |= {f"item_{i}": t["map"]["item"] for i, t in enumerate(page.context["table"])}
    r = c.post(detail, data)
    body = c.get(detail).content.decode()
    assert "有错误未导入" in body and "无法识别的分数“abc”" in body
    np.testing.assert_equal(ScoreBlock.objects.count(), 0)


def test_option_letters_are_scored_by_the_key_and_analysed(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    paper = math_paper(exam)
    services.blueprint_save(actor=None, paper=paper, text="\n".join(
        [f"{i}, 客观题, 1, 代数, 了解, {'ABCDA'[i - 1]}" for i in range(1, 6)] + ["6, 主观题, 5, 代数, 应用",
                                                                               "7, 主观题, 10, 几何, 综合"]))
    rows = clean_rows(40, seed=6)
    rng = np.random.default_rng(2)
    for r in rows:
        r[3:8] = [str(rng.choice(list("ABCD"))) for _ in range(5)]
        r[10] = ""
    rows[0][3] = "ａ"  # a full-width lower-case letter
    batch = apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
    assert batch.status == BatchStatus.APPLIED, batch.problems
    (block,) = [decode_block(b.data) for b in _current(exam)]
    i0 = block.student_ids.tolist().index(Student.objects.get(key=student_key("20260000")).pk)
    assert block.choices is not None and block.choices[i0, 0] == 0 and block.items[i0, 0] == 2  # A is right
    wrong = block.choices[:, 1] != 1  # item 2's key is B
    assert (block.items[wrong, 1] == 0).all()
    from quality.models import PaperSummary

    options = PaperSummary.objects.get(paper=paper).data["options"]
    assert [q["key"] for q in options] == list("ABCDA")
    shares = [o["share"] for o in options[0]["options"]]
    assert sum(shares) == pytest.approx(1.0) and options[0]["options"][-1]["option"] == "未答"
