"""Benchmark: the Word report of a collective visit (issue 11: "10 schools and 150 observed
lessons in under 3 s").

    cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_visit_report.py [--schools 10] [--lessons 150]

Builds the figures the report service gathers (visits.report_data.report_figures) in memory: the
lessons over the schools' stages, grades and subjects, five rubric dimensions, four check records
and three findings per school, each problem with a rectification. Then times, best of five:

1. the report as issued: visits.report_draft.draft_sections + visits.report_docx.build_report
   (red head, number, numbered sections, the lessons table, the dimension table and its chart by
   quality.chart_png, the checks table, the rectification list);
2. a bare python-docx document with the same paragraphs and tables and no chart (the floor),
   built in the same run; the ratio is what to compare on a shared machine.

No database is needed: the gathering is a handful of queries (timed by the HTTP tests), the
document is the cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

from docx import Document  # noqa: E402

from visits.report_docx import build_report  # noqa: E402
from visits.report_draft import (  # noqa: E402
    Dimension,
    Lesson,
    Rectification,
    ReportFigures,
    check_table,
    draft_sections,
    lesson_table,
)

TARGET_SECONDS = 3.0
STAGES = [("小学", ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]),
          ("初中", ["七年级", "八年级", "九年级"]), ("高中", ["高一", "高二", "高三"])]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "道德与法治", "历史", "地理", "生物学", "科学"]
ITEMS = ["教案", "作业布置", "作业批改", "辅导记录"]
LEVELS = ["优秀", "良好", "合格", "需改进"]


def figures(schools: int, lessons: int, seed: int = 11) -> ReportFigures:
    rng = random.Random(seed)
    names = [f"第{i + 1}实验学校" for i in range(schools)]
    rows = []
    for _ in range(lessons):
        stage, grades = rng.choice(STAGES)
        rows.append(Lesson(stage, rng.choice(grades), rng.choice(SUBJECTS)))
    return ReportFigures(
        title="2026年秋季集体教学视导", organiser="小店区教学研究室", start=dt.date(2026, 10, 12),
        end=dt.date(2026, 10, 23), kind="诊断性视导", mode="集体视导", purpose="课堂教学、作业管理与教研组建设",
        schools=names, team_size=24, lessons=rows,
        dimensions=[Dimension(t, rng.uniform(6, 9), 10, lessons) for t in ("教学目标", "教学内容", "教学方法",
                                                                          "学生活动", "教学效果")],
        checks=[(rng.choice(ITEMS), rng.choice(LEVELS)) for _ in range(schools * 4)],
        strengths=[f"{n}集体备课扎实，教研组活动规范有序" for n in names],
        problems=[f"{n}部分课堂学生活动时间不足，作业分层设计不够" for n in names] * 2,
        rectifications=[Rectification(n, f"{n}作业批改不及时（第{k + 1}项）", "建立作业批改周检制度，教导处每周抽查",
                                      "教导处", dt.date(2026, 12, 1)) for n in names for k in range(3)])


def full(f: ReportFigures) -> bytes:
    sections = draft_sections(f)
    return build_report(title="关于2026年秋季集体教学视导情况的通报", issuer=f.organiser, number="小店教研〔2026〕12号",
                        issued_on=dt.date(2026, 10, 30), sections=sections, figures=f)


def bare(f: ReportFigures, sections: dict[str, str]) -> bytes:
    """The same text and tables in a default document: no fonts, no chart, no layout."""
    doc = Document()
    doc.add_paragraph(f.organiser)
    doc.add_paragraph("小店教研〔2026〕12号")
    doc.add_paragraph("关于2026年秋季集体教学视导情况的通报")
    for text in sections.values():
        for line in text.splitlines():
            doc.add_paragraph(line)
    tables = [
        (["学段", "年级", "学科", "节数"], [[s, g, subj, str(n)] for s, g, subj, n in lesson_table(f.lessons)]),
        (["维度", "平均分", "满分", "评分节数"], [[d.title, f"{d.mean:.1f}", "10", str(d.count)] for d in f.dimensions]),
        (["检查项目", "合计"], [[item, str(n)] for item, _c, n in check_table(f.checks)]),
        (["序号", "学校", "问题", "整改措施", "责任人", "整改期限"],
         [[str(i + 1), r.school, r.problem, r.measure, r.owner, str(r.deadline)] for i, r in enumerate(f.rectifications)]),
    ]
    for headers, rows in tables:
        t = doc.add_table(rows=1, cols=len(headers))
        for cell, h in zip(t.rows[0].cells, headers, strict=True):
            cell.text = h
        for values in rows:
            for cell, v in zip(t.add_row().cells, values, strict=True):
                cell.text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def best(fn: Callable[[], bytes], runs: int = 5) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - t0)
    return min(times), size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=10)
    ap.add_argument("--lessons", type=int, default=150)
    args = ap.parse_args()
    f = figures(args.schools, args.lessons)
    sections = draft_sections(f)
    t_full, size_full = best(lambda: full(f))
    t_bare, size_bare = best(lambda: bare(f, sections))
    rows = len(lesson_table(f.lessons))
    print(f"visit: {args.schools} schools, {args.lessons} lessons ({rows} rows by stage/grade/subject), "
          f"{len(f.checks)} checks, {len(f.rectifications)} rectifications")
    print(f"report (draft + Word + chart): {t_full * 1000:7.1f} ms  {size_full / 1024:6.1f} KiB")
    print(f"bare python-docx, same tables:  {t_bare * 1000:7.1f} ms  {size_bare / 1024:6.1f} KiB")
    print(f"ratio report / bare: {t_full / t_bare:.2f}x; target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if t_full < TARGET_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()
