"""Demo exams for the seed (core.demo.extensions): one county's grade-8 期中 and 期末 of the
2025–2026 second semester in 数学 (item level, with a blueprint), 语文 and 英语 (totals), for the
same linked students, so every page has data: 一分三率, items, balance, value added, warnings.

The score files go through the real importer (a workbook with a merged two-row header and a few
缺考 marks), so the demo exercises the same path a county's upload does.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import xlsxwriter

from core.demo.extensions import SeedContext, register
from core.models import OrgKind, OrgNode, Person, Subject
from quality import services
from quality.models import ClassTeacher, ExamKind, RuleKind
from quality.selectors import exam_schools
from quality.warnings import evaluate

MATH_BLUEPRINT = [
    ("1", "客观题", 3, "有理数", "了解"), ("2", "客观题", 3, "整式", "了解"), ("3", "客观题", 3, "方程", "理解"),
    ("4", "客观题", 3, "三角形", "理解"), ("5", "客观题", 3, "全等三角形", "理解"), ("6", "客观题", 3, "轴对称", "掌握"),
    ("7", "客观题", 3, "整式乘法", "掌握"), ("8", "客观题", 3, "分式", "掌握"), ("9", "主观题", 16, "方程", "应用"),
    ("10", "主观题", 18, "全等三角形", "应用"), ("11", "主观题", 22, "轴对称", "综合"), ("12", "主观题", 40, "分式", "综合"),
]
MAX_SCHOOLS = 6
TERM = "2025-2"


def _county(ctx: SeedContext) -> tuple[OrgNode, list[OrgNode]] | None:
    """The county with the most junior-secondary schools, and up to MAX_SCHOOLS of them."""
    schools = list(OrgNode.objects.filter(pk__in=ctx.school_ids, school_type__in=["junior", "complete", "nine_year"])
                   .order_by("path"))
    counties = list(OrgNode.objects.filter(pk__in=ctx.region_ids, kind=OrgKind.COUNTY).order_by("path"))
    by_county: dict[int, list[OrgNode]] = {}
    for s in schools:
        c = next((c for c in counties if s.path.startswith(c.path)), None)
        if c is not None:
            by_county.setdefault(c.pk, []).append(s)
    if not by_county:
        return None
    # The demo logins (county admin, county researcher, bureau viewer) work in one county: put
    # the exams there when it has junior-secondary schools, so the demo users see them.
    demo_county = _demo_county_id(ctx)
    if demo_county in by_county:
        county_id = demo_county
    else:
        county_id = max(by_county, key=lambda k: (len(by_county[k]), -k))
    return next(c for c in counties if c.pk == county_id), by_county[county_id][:MAX_SCHOOLS]


def _demo_county_id(ctx: SeedContext) -> int | None:
    from core.models import Post, Role, User

    user_id = ctx.users.get("county_admin")
    if user_id is None:
        return None
    person_id = User.objects.filter(pk=user_id).values_list("person_id", flat=True).first()
    if person_id is None:
        return None
    post = Post.objects.filter(person_id=person_id, role=Role.ADMIN).first()
    return post.org_id if post is not None else None


GRADE_COLUMNS = ["数学等级", "语文等级", "英语等级"]


def grade_label(score: float, full: float, *, excellent: float = 0.85, passing: float = 0.60,
                low: float = 0.40) -> str:
    """The grade a score earns by the paper's lines (fractions of the full mark, as
    quality.models.ThresholdProfile has them): 优秀, 及格, 不及格, or 低分 below the low line."""
    if score >= excellent * full:
        return "优秀"
    if score >= passing * full:
        return "及格"
    if score < low * full:
        return "低分"
    return "不及格"


def _lines(paper: Any) -> dict[str, float]:
    t = getattr(paper, "thresholds", None)
    if t is None:
        return {}
    return {"excellent": float(t.excellent), "passing": float(t.passing), "low": float(t.low)}


def _workbook(rows: list[Sequence[object]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("成绩")
    for c, label in enumerate(["学校", "考号", "姓名", "班级"]):
        ws.merge_range(0, c, 1, c, label)
    ws.merge_range(0, 4, 0, 4 + len(MATH_BLUEPRINT) - 1, "数学")
    for k, bp in enumerate(MATH_BLUEPRINT):
        ws.write(1, 4 + k, bp[0])
    base = 4 + len(MATH_BLUEPRINT)
    for c, label in enumerate(["语文", "英语", *GRADE_COLUMNS]):
        ws.merge_range(0, base + c, 1, base + c, label)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


def quality_exams(ctx: SeedContext) -> None:
    found = _county(ctx)
    if found is None:
        return
    county, schools = found
    rng = np.random.default_rng(ctx.rng.randint(0, 2**31))
    subjects = {s.code: s for s in Subject.objects.filter(code__in=["math", "chinese", "english"])}
    # The cohort: two or three classes per school, each student with an ability and a school effect.
    students: list[tuple[OrgNode, str, str, str, float]] = []
    for i, school in enumerate(schools):
        effect = rng.normal(0, 0.35) - (0.5 if school.is_weak or school.locale == "rural" else 0)
        for c in range(2 + i % 2):
            cls = f"8({c + 1})班"
            class_effect = rng.normal(0, 0.2)
            for k in range(int(rng.integers(32, 46))):
                students.append((school, cls, f"{school.code[-4:]}{c + 1:02d}{k + 1:02d}", f"学生{len(students) + 1}",
                                 effect + class_effect + rng.normal()))
    exams = []
    for name, held, drift in (("八年级期中质量监测", dt.date(2026, 4, 22), 0.0),
                              ("八年级期末质量监测", dt.date(2026, 6, 30), 0.25)):
        exam = services.exam_create(actor=None, org=county, name=f"{county.name}{name}",
                                    kind=ExamKind.MIDTERM if "期中" in name else ExamKind.FINAL, term_key=TERM,
                                    stage="junior", grade=8, held_on=held,
                                    papers=[(subjects["math"], Decimal(120)), (subjects["chinese"], Decimal(120)),
                                            (subjects["english"], Decimal(120))])
        math = exam.papers.get(subject__code="math")
        services.blueprint_save(actor=None, paper=math, text="\n".join(",".join(str(v) for v in r)
                                                                      for r in MATH_BLUEPRINT))
        rows: list[Sequence[object]] = []
        # The grade columns a county's sheet carries (the importer ignores them): derived from
        # the scores by this exam's lines, so a 优秀 never sits next to a failing score.
        lines = {code: _lines(exam.papers.select_related("thresholds").get(subject__code=code))
                 for code in ("math", "chinese", "english")}
        for school, cls, sid, name_, ability in students:
            a = ability + rng.normal(0, 0.45) + drift * (1 if school.locale == "rural" else 0)
            if rng.random() < 0.01:
                rows.append([school.name, sid, name_, cls, "缺考"] + [""] * (len(MATH_BLUEPRINT) - 1)
                            + ["缺考", "缺考", "", "", ""])
                continue
            items: list[object] = []
            for _row in MATH_BLUEPRINT:
                mx = int(_row[2])
                p = 1 / (1 + np.exp(-(a + 0.6)))
                if mx == 3:
                    items.append(3 if rng.random() < p else 0)
                else:
                    items.append(float(np.clip(np.round(mx * p + rng.normal(0, mx * 0.12)), 0, mx)))
            zh = float(np.clip(np.round(84 + 14 * a + rng.normal(0, 6)), 20, 120))
            en = float(np.clip(np.round(78 + 18 * a + rng.normal(0, 7)), 10, 120))
            math_total = float(sum(float(v) for v in items if isinstance(v, int | float)))
            grades = [grade_label(math_total, 120, **lines["math"]), grade_label(zh, 120, **lines["chinese"]),
                      grade_label(en, 120, **lines["english"])]
            rows.append([school.name, sid, name_, cls, *items, zh, en, *grades])
        batch = services.scores_upload(actor=None, exam=exam, filename=f"{name}.xlsx", content=_workbook(rows),
                                       school=None)
        services.scores_import(actor=None, batch=batch, mapping=batch.mapping["columns"],
                               allowed_schools=exam_schools(exam))
        exams.append(exam)
    # Who taught mathematics in each class (for TEACHER.BELOW_PEERS and 依学评教).
    for school in schools:
        teachers = list(Person.objects.filter(pk__in=ctx.teachers_by_school.get(school.pk, []),
                                              main_subject=subjects["math"]).order_by("code"))
        if not teachers:
            continue
        for c in range(2 + schools.index(school) % 2):
            ClassTeacher.objects.create(school=school, term_key=TERM, grade=8, class_label=f"8({c + 1})班",
                                        subject=subjects["math"], teacher=teachers[c % len(teachers)])
    for kind, params in ((RuleKind.BELOW_REGION, {"k": 0.3, "level": "school"}),
                         (RuleKind.LOW_RATE, {"line": 0.25, "level": "class"}),
                         (RuleKind.TEACHER_BELOW_PEERS, {"n": 2})):
        services.warning_rule_save(actor=None, org=county, kind=kind, params=params)
    services.warnings_raise(actor=None, exam=exams[-1], found=evaluate(exams[-1]))
    _student_attributes(exams[0], schools, students, rng)
    _former_principals(schools)
    ctx.extra["quality_exam_ids"] = [e.pk for e in exams]


# Two of the county's schools changed principal in the summer, after the year's two exams: the
# principal's term is what QM.HEAD_TENURE judges (did the school's quality rise during it?).
TENURE_END = dt.date(2026, 7, 15)


def _former_principals(schools: list[OrgNode]) -> None:
    from core import services as core_services
    from core.models import Post, Role

    for i, school in enumerate(schools[:2]):
        current = Post.objects.filter(role=Role.PRINCIPAL, org=school, end__isnull=True).select_related("person").first()
        if current is None:
            continue
        lessons = Post.objects.filter(role=Role.TEACHER, person=current.person).first()
        head = current.person
        former = core_services.person_create(actor=None, code=f"{school.code}QR{i + 1}", name=("王建国", "赵立新")[i],
                                             org=school, gender="m", birth_year=1968 + i, title=head.title,
                                             stage=head.stage, main_subject=head.main_subject,
                                             teaching_since=1990 + i)
        core_services.post_create(actor=None, person=former, role=Role.PRINCIPAL, org=school,
                                  start=dt.date(2022, 9, 1), end=TENURE_END)
        # He stays on at the school as a teacher, as the school's other teachers do.
        if lessons is not None:
            core_services.post_create(actor=None, person=former, role=Role.TEACHER, org=school,
                                      subject=lessons.subject, stage=lessons.stage, grade=lessons.grade,
                                      start=dt.date(2022, 9, 1))
        # The successor took over the day after (one principal at a time).
        current.start = TENURE_END + dt.timedelta(days=1)
        current.save(update_fields=["start"])


def _student_attributes(exam: Any, schools: list[OrgNode], students: list[tuple[OrgNode, str, str, str, float]],
                        rng: np.random.Generator) -> None:
    """The cohort's 性别, 住校, 留守儿童 and 随迁子女 (issue 15), uploaded through the real import:
    rural schools board and have more left-behind children, town schools more migrant children;
    left-behind children score a little lower (the gap the page shows). Gender is always recorded;
    the other three are missing for a few students, so the page shows 未登记 and its suppression.
    Drawn last from the exam generator, so the scores above do not change."""
    from quality.services.student_attributes import student_attributes_import

    n = len(students)
    ability = np.array([s[4] for s in students])
    rural = np.array([s[0].locale == "rural" for s in students])
    u = rng.random((n, 5))
    left = u[:, 2] < np.where(rural, 0.30, 0.06) * np.where(ability < 0, 1.4, 0.7)
    rows: list[Sequence[object]] = [["学校标识码", "学号", "性别", "是否住校", "留守儿童", "随迁子女"]]
    for i, (school, _cls, sid, _name, _a) in enumerate(students):
        unknown = u[i, 4] < 0.03
        rows.append([school.code, sid, "男" if u[i, 0] < 0.52 else "女",
                     "" if unknown else ("是" if u[i, 1] < (0.45 if rural[i] else 0.08) else "否"),
                     "" if unknown else ("是" if left[i] else "否"),
                     "" if unknown else ("是" if u[i, 3] < (0.03 if rural[i] else 0.18) else "否")])
    report = student_attributes_import(actor=None, exam=exam, filename="学生群体信息.xlsx", content=_sheet(rows),
                                       allowed_schools=schools)
    if not report.ok:
        raise AssertionError(f"demo student attributes rejected: {report.problems[:3]}")


def _sheet(rows: list[Sequence[object]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet("学生信息")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, [str(v) for v in row])
    book.close()
    return buf.getvalue()


register("quality.exams", quality_exams, order=200)


def quality_itembank(ctx: SeedContext) -> None:
    """The county's bank (题库): the 期中 math paper's items become bank items, the 期末 paper (the
    same blueprint) is linked to the same items, so each item has a history of two exams; and
    one paper is assembled from the bank and saved as a draft."""
    from quality.models import Exam, Item
    from quality.selectors import bank_candidates
    from quality.services.itembank import bank_link_paper, draft_save
    from quality.stats.assembly import Cell, assemble

    ids: list[int] = list(ctx.extra.get("quality_exam_ids") or [])  # type: ignore[call-overload]  # SeedContext.extra holds objects
    exams = list(Exam.objects.filter(pk__in=ids).order_by("held_on"))
    papers = [e.papers.select_related("exam__org", "subject").get(subject__code="math") for e in exams]
    if not papers:
        return
    bank_link_paper(actor=None, paper=papers[0])
    first = {it.label: it.bank_item_id for it in Item.objects.filter(paper=papers[0]) if it.bank_item_id is not None}
    for paper in papers[1:]:
        bank_link_paper(actor=None, paper=paper, matches={it.pk: first[it.label] for it in paper.items.all()
                                                          if it.label in first})
    county = exams[0].org
    cells = [Cell("有理数", "了解", 1), Cell("方程", "理解", 1), Cell("全等三角形", "理解", 1),
             Cell("方程", "应用", 1), Cell("分式", "综合", 1)]
    pool = county.bank_items.filter(subject=papers[0].subject, stage="junior")
    result = assemble(cells, bank_candidates(pool), target=0.65)
    if result.ok and result.prediction is not None:
        by_id = {b.pk: b for b in pool.filter(pk__in=result.chosen)}
        draft_save(actor=None, org=county, subject=papers[0].subject, stage="junior", name="八年级数学单元检测（组卷）",
                   target=0.65, cells=cells, items=[by_id[i] for i in result.chosen], prediction=result.prediction)


register("quality.itembank", quality_itembank, order=210)
