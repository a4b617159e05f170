"""On-demand benchmark of the city yearly report (issue 16: "the yearly report for a city renders
to Word in under 10 s"); not collected by pytest.

    JIAOYAN_DATABASE_URL=sqlite:////tmp/yreport.sqlite3 .venv/bin/python manage.py migrate
    JIAOYAN_DATABASE_URL=sqlite:////tmp/yreport.sqlite3 .venv/bin/python manage.py seed --scale demo   # or province
    JIAOYAN_DATABASE_URL=sqlite:////tmp/yreport.sqlite3 .venv/bin/python bench/bench_yearly_report.py [--runs 3]

Against an already seeded database, for the city with the most schools and the current year
(or --year), best of --runs:
  1. the figures gathered from every app (appraisal.services.reports_figures.year_figures, as the
     generate button does, with an all-seeing scope);
  2. the draft text and the Word document with its tables and charts (appraisal.yearly_docx);
  3. the whole path a user waits for: 1 + 2;
and, as the baseline measured in the same run, a bare python-docx document holding the same
paragraphs and tables with no chart and no styling (the floor python-docx itself costs). Each
time is printed with its ratio to the baseline; the exit status is 1 when step 3 misses 10 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from docx import Document  # noqa: E402

from appraisal.services.reports_figures import year_figures  # noqa: E402
from appraisal.yearly_docx import build_document  # noqa: E402
from appraisal.yearly_figures import YearFigures, tables  # noqa: E402
from appraisal.yearly_text import SECTION_KEYS, SECTION_TITLES, draft_sections  # noqa: E402
from core.models import OrgKind, OrgNode  # noqa: E402
from core.norm_results import system_user  # noqa: E402

TARGET_SECONDS = 10.0


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def render(f: YearFigures) -> bytes:
    return build_document(title=f"{f.institution}{f.year}年度教研工作报告", institution=f.institution,
                          sections=draft_sections(f), figures=f, issued_on=None, draft=False)


def bare(f: YearFigures, sections: dict[str, str]) -> bytes:
    doc = Document()
    all_tables = tables(f)
    for key in SECTION_KEYS:
        doc.add_paragraph(SECTION_TITLES[key])
        doc.add_paragraph(sections[key])
        for t in all_tables.get(key, []):
            table = doc.add_table(rows=1, cols=len(t.headers))
            for cell, h in zip(table.rows[0].cells, t.headers, strict=True):
                cell.text = h
            for row in t.rows:
                for cell, v in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(v)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    args = parser.parse_args()
    cities = list(OrgNode.objects.filter(kind=OrgKind.CITY))
    assert cities, "seed the database first"
    sizes = {n.pk: OrgNode.objects.under(n.path).filter(kind=OrgKind.SCHOOL).count() for n in cities}
    city = max(cities, key=lambda n: sizes[n.pk])
    user, today = system_user(), timezone.localdate()
    f = year_figures(user, city, args.year, today=today)
    print(f"{city.name}（{sizes[city.pk]}所学校）{args.year}年度：听评课{f.lessons_observed}节，"
          f"教研活动{f.activities}次，培训{f.training_people}人，课题立项{f.projects_approved}项，"
          f"发现问题{f.problems_found}个")
    sections = draft_sections(f)
    base = best(lambda: bare(f, sections), args.runs)
    gather = best(lambda: year_figures(user, city, args.year, today=today), args.runs)
    word = best(lambda: render(f), args.runs)
    whole = best(lambda: render(year_figures(user, city, args.year, today=today)), args.runs)
    size = len(render(f))
    print(f"baseline (bare python-docx, same text and tables): {base:.3f} s")
    for label, t in (("figures from the records", gather), ("draft + Word with charts", word),
                     ("generate and render (what the user waits for)", whole)):
        print(f"{label}: {t:.3f} s  ({t / base:.1f}x baseline)")
    print(f"document: {size / 1024:.0f} KiB; target {TARGET_SECONDS:.0f} s: {'met' if whole < TARGET_SECONDS else 'MISSED'}")
    sys.exit(0 if whole < TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
