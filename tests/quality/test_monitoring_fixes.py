"""Quality monitoring fixes of issue 10: class rows by school name, the warning page, the 负责人
picker limited to the warned unit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from core.errors import DomainError
from quality import services
from quality.models import EarlyWarning, RuleKind
from quality.warnings import evaluate
from tests.conftest import Cast
from tests.quality.test_warnings import _three_exams


def _class_warnings(cast: Cast) -> list[EarlyWarning]:
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.BELOW_REGION,
                               params={"k": 0.5, "level": "class"})
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    services.warnings_raise(actor=None, exam=exams[-1], found=evaluate(exams[-1]))
    return list(EarlyWarning.objects.filter(exam=exams[-1]))


def test_class_warnings_name_the_school_not_its_code(cast: Cast) -> None:
    warnings = _class_warnings(cast)
    titles = [w.title for w in warnings if w.class_label]
    assert titles and any("北格镇中心小学 8(1)班" in t for t in titles)
    assert not any(cast.school_a2.code in t for t in titles)
    body = cast.client("county_admin").get(reverse("quality:warning_list")).content.decode()
    assert "北格镇中心小学 8(1)班" in body and cast.school_a2.code not in body


def test_exam_export_names_classes_by_school_and_class(cast: Cast) -> None:
    exam = _three_exams(cast)[-1]
    r = cast.client("county_admin").get(reverse("quality:exam_detail", args=[exam.pk]) + "?format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    names = [str(row[0].value) for row in ws.iter_rows() if row[0].value]
    assert "小店第一中学 8(1)班" in names and "北格镇中心小学 8(2)班" in names
    assert not any(n.startswith(cast.school_a1.code) for n in names)


def test_warning_page_names_the_rule_once_and_rounds_values(cast: Cast) -> None:
    warnings = _class_warnings(cast)
    below = next(w for w in warnings if w.class_label and "低于区域" in w.title)
    c = cast.client("county_admin")
    body = c.get(reverse("quality:warning_detail", args=[below.pk])).content.decode()
    assert body.count("学校或班级低于区域均值超过 k 个标准差") == 1
    assert "QM.PLAN" not in body and "TEACHER.BELOW_PEERS" not in body
    sd = below.evidence["区域标准差"]
    assert f"{sd:.2f}" in body and repr(sd) not in body  # e.g. 3.71, not 3.7118613968...
    teacher = next(w for w in warnings if w.norm_code == "TEACHER.BELOW_PEERS")
    page = c.get(reverse("quality:warning_detail", args=[teacher.pk])).content.decode()
    assert "TEACHER.BELOW_PEERS" not in page and "教师成绩长期低于平行班" in page
    assert page.count("教师连续 N 次低于本校平行班均分") == 1
    listing = c.get(reverse("quality:warning_list")).content.decode()
    assert "TEACHER.BELOW_PEERS" not in listing and "QM.PLAN" not in listing


def test_readable_values() -> None:
    from quality.warnings import readable

    assert readable("低分率", 0.35) == "35.0%"
    assert readable("警戒线", 0.3) == "30.0%"
    assert readable("单位平均分", 12.34567) == "12.3"
    assert readable("差距（标准差）", -0.83456) == "-0.83"
    assert readable("本次超均率(%)", -12.345) == "-12.3"
    assert readable("实考", 20) == "20"
    assert readable("上次考试", "第2次") == "第2次"


def test_owner_picker_offers_only_people_of_the_warned_school(cast: Cast) -> None:
    warnings = _class_warnings(cast)
    w = next(x for x in warnings if x.school_id == cast.school_a1.pk)
    c = cast.client("county_admin")
    r = c.get(reverse("quality:warning_detail", args=[w.pk]))
    options = [label for label, _ in r.context["form"].owner_options]
    assert "孙国庆" in options and "何静" in options
    assert "张文华" not in options and "许晨" not in options  # county staff, another school
    assert 'list="owner-list"' in r.content.decode()
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    # Typed pinyin initials find the principal of the school.
    ok = c.post(reverse("quality:warning_detail", args=[w.pk]),
                {"kind": "follow_up", "note": "听课指导", "due": due, "owner": "sgq"})
    assert ok.status_code == 302
    bad = c.post(reverse("quality:warning_detail", args=[w.pk]),
                 {"kind": "follow_up", "note": "听课指导", "due": due, "owner": "许晨"})
    assert bad.status_code == 200 and "预警单位的人员" in bad.content.decode()
    bad_pk = c.post(reverse("quality:warning_detail", args=[w.pk]),
                    {"kind": "follow_up", "note": "听课指导", "due": due, "owner": str(cast.people["teacher_a2"].pk)})
    assert bad_pk.status_code == 200 and w.actions.count() == 1


def test_service_refuses_an_owner_outside_the_warned_unit(cast: Cast) -> None:
    w = next(x for x in _class_warnings(cast) if x.school_id == cast.school_a1.pk)
    with pytest.raises(DomainError, match="预警单位的人员"):
        services.warning_action_add(actor=None, warning=w, kind="follow_up", owner=cast.people["teacher_a2"],
                                    due=dt.date.today(), note="x")


def test_irt_failure_is_said_in_plain_chinese(cast: Cast) -> None:
    """Every student scored 0 on every item: GRM cannot be fitted; the run says why in Chinese,
    not the fitting routine's English ValueError text (model names such as GRM may appear)."""
    import re

    from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

    exam = make_exam(cast.county_a)
    rows = clean_rows(60)
    for r in rows:
        r[3:11] = [0] * 8
    apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
    run = services.irt_request(actor=None, paper=exam.papers.get(), model="GRM")
    run = services.irt_execute(run_id=run.pk)
    assert run.status == "failed"
    assert "无法进行 IRT 分析" in run.error and "所有考生得分相同" in run.error
    assert not set(re.findall(r"[A-Za-z]+", run.error)) - {"IRT", "GRM", "PL"}
    body = cast.client("county_admin").get(reverse("quality:paper_irt", args=[exam.papers.get().pk])).content.decode()
    assert "every item" not in body and "ValueError" not in body


def test_school_leaders_get_the_borderline_list_with_names_and_ranks(cast: Cast) -> None:
    """临界生 (students near the pass line) listed apart for the school's leaders, by class, with
    names and ranks; region staff see pseudonymous keys and no ranks."""
    from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(40, seed=7), school="小店第一中学")))
    paper = exam.papers.get()
    url = reverse("quality:school_students", args=[paper.pk, cast.school_a1.code])
    r = cast.client("principal").get(url)
    body = r.content.decode()
    n_border = r.context["n_border"]
    assert n_border > 0 and f"临界生名单（{n_border} 人）" in body
    border_table = body[body.index('data-testid="border-list"'):body.index("全部学生")]
    names = [row.name for row in r.context["rows"] if row.border]
    assert all(n in border_table for n in names) and "名次" in border_table
    region = cast.client("county_researcher").get(url).content.decode()
    table = region[region.index('data-testid="border-list"'):region.index("全部学生")]
    assert "名次" not in table and not any(n in table for n in names)
    detail = cast.client("principal").get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert "学生与临界生" in detail


def test_exam_form_offers_the_regions_terms(cast: Cast) -> None:
    """The term is chosen from the region's terms (a select showing their names), not typed."""
    c = cast.client("county_admin")
    body = c.get(reverse("quality:exam_create")).content.decode()
    assert '<select name="term_key"' in body
    assert "2026—2027学年第一学期" in body and "2025—2026学年第二学期" in body
    r = c.post(reverse("quality:exam_create"), {"org": cast.county_a.pk, "name": "期末", "kind": "final",
                                                "term_key": "2030-1", "stage": "junior", "grade": 8,
                                                "held_on": "2027-01-10", "papers": "数学,120"})
    assert r.status_code == 200 and "请从列表中选择本区域设置的学期" in r.content.decode()


def test_exam_pages_name_the_term(cast: Cast) -> None:
    from tests.quality.factories import make_exam

    exam = make_exam(cast.county_a)
    c = cast.client("county_admin")
    for url in (reverse("quality:home"), reverse("quality:exam_detail", args=[exam.pk]),
                reverse("quality:class_teacher_import", args=[exam.pk])):
        body = c.get(url).content.decode()
        assert "2026—2027学年第一学期" in body and ">2026-1<" not in body and " 2026-1 " not in body


def test_rules_page_still_saves_a_rule(cast: Cast) -> None:
    c = cast.client("county_admin")
    assert c.get(reverse("quality:rules")).status_code == 200
    r = c.post(reverse("quality:rules"), {"org": cast.county_a.pk, "kind": "low_rate", "line": "0.3"})
    assert r.status_code == 302
