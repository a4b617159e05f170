"""Benchmark: a city exam from storage to statistics, and its overview page.

    cd /work/main && .venv/bin/python bench/bench_quality_overview.py [--students 500000] [--requests 60]

Builds, on a fresh SQLite database under a temporary directory (or the one JIAOYAN_DATABASE_URL
names, with --use-env-db), a city exam of 20 counties × 30 schools, `--students` students, 9
subjects × 40 items (25 objective items worth 3, 15 subjective worth 5: full mark 150), stored as
the importer stores it: one ScoreBlock per (paper, school) with its per-class sufficient
statistics. (Student rows are not created: the statistics never read them.) Then, in one run:

1. storage → statistics: for every paper, read every school's moments from the database, merge
   classes → schools → counties → city and compute 应考/实考/缺考, mean, SD, 一分三率, 超均率,
   bands, quantiles for every class, school and county, item difficulty/discrimination and α
   (quality.selectors.school_parts + quality.analysis.summary.paper_summary);
   baseline in the same run: the same merge from moments already in memory;
2. the same, storing the result (services.summary_refresh), i.e. what a late upload costs;
3. a full recompute of every block's moments from the raw item scores (decode + block_moments);
4. the overview page (quality:exam_detail) for a system admin: p50/p95 over `--requests` requests,
   for the school level and for the class level of one school.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

SUBJECTS = ["chinese", "math", "english", "physics", "chemistry", "biology", "history", "geography", "morality"]
ITEMS = 40
ITEM_MAX = [3] * 25 + [5] * 15
COUNTIES, SCHOOLS_PER_COUNTY, CLASS_SIZE = 20, 30, 42


def build(n_students: int) -> int:
    import datetime as dt
    from decimal import Decimal

    import numpy as np
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core import services as core
    from core.models import OrgKind, Subject
    from quality import services
    from quality.blocks import Block, block_moments, encode_block, encode_moments
    from quality.models import ImportBatch, ScoreBlock

    city = core.org_node_create(actor=None, code="980000", name="基准市", kind=OrgKind.CITY, parent=None)
    schools = []
    for c in range(COUNTIES):
        county = core.org_node_create(actor=None, code=f"98{c + 1:02d}00", name=f"第{c + 1}区", kind=OrgKind.COUNTY,
                                      parent=city)
        for s in range(SCHOOLS_PER_COUNTY):
            schools.append(core.org_node_create(actor=None, code=f"98{c + 1:02d}00{s:04d}", name=f"第{c + 1}区第{s + 1}中学",
                                                kind=OrgKind.SCHOOL, parent=county, school_type="junior"))
    subjects = {s.code: s for s in Subject.objects.filter(code__in=SUBJECTS)}
    exam = services.exam_create(actor=None, org=city, name="基准市统考", kind="city", term_key="2026-1", stage="junior",
                                grade=9, held_on=dt.date(2026, 11, 20),
                                papers=[(subjects[c], Decimal(sum(ITEM_MAX))) for c in SUBJECTS])
    text = "\n".join(f"{j + 1},{'客观题' if m == 3 else '主观题'},{m},K{j % 8},A{j % 4}" for j, m in enumerate(ITEM_MAX))
    batch = ImportBatch.objects.create(exam=exam, filename="bench", sha256="-", content=b"", status="applied")
    rng = np.random.default_rng(0)
    per_school = n_students // len(schools)
    item_max = np.array(ITEM_MAX, dtype=np.float64)
    b = np.linspace(-1.5, 1.5, ITEMS).astype(np.float32)
    for paper in exam.papers.all():
        services.blueprint_save(actor=None, paper=paper, text=text)
        rows = []
        for i, school in enumerate(schools):
            n = per_school
            cls = (np.arange(n) // CLASS_SIZE).astype(np.int32)
            theta = (rng.normal(size=n) + rng.normal(0, 0.4)).astype(np.float32)
            u = rng.random((n, ITEMS), dtype=np.float32)
            p = 1 / (1 + np.exp(-(theta[:, None] - b) * 1.3))
            x = np.empty((n, ITEMS), dtype=np.uint16)
            x[:, :25] = (u[:, :25] < p[:, :25]) * 6  # 3 points = 6 half-point units
            x[:, 25:] = np.minimum(np.floor(p[:, 25:] * 11 + u[:, 25:]), 10)
            status = np.where(rng.random(n) < 0.01, 1, 0).astype(np.uint8)
            x[status == 1] = 65535
            totals = np.where(status == 0, x.astype(np.int64).sum(axis=1), -1).astype(np.int32)
            blk = Block(np.arange(i * n, (i + 1) * n, dtype=np.int64), tuple(f"{k + 1}班" for k in range(cls.max() + 1)),
                        cls, status, x, totals)
            m = block_moments(blk, full_mark=float(item_max.sum()), step=0.5, item_max=item_max, cheat_as_zero=False)
            rows.append(ScoreBlock(paper=paper, school=school, school_year=exam.school_year, batch=batch,
                                   n_students=n, data=encode_block(blk), moments=encode_moments(m)))
        ScoreBlock.objects.bulk_create(rows, batch_size=50)
    return exam.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--use-env-db", action="store_true")
    args = parser.parse_args()
    if not args.use_env_db:
        tmp = tempfile.mkdtemp(prefix="jiaoyan-bench-")
        os.environ["JIAOYAN_VAR_DIR"] = tmp
        os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from quality.analysis.summary import Conventions, paper_summary
    from quality.blocks import block_moments, decode_block
    from quality.models import Exam, ScoreBlock
    from quality.selectors import item_infos, school_parts, stats_profile
    from quality.services import summary_refresh

    t0 = time.perf_counter()
    exam_id = build(args.students)
    print(f"setup (generate and store {args.students:,} students × {len(SUBJECTS)} subjects × {ITEMS} items): "
          f"{time.perf_counter() - t0:.1f} s")
    exam = Exam.objects.select_related("org").get(pk=exam_id)
    papers = list(exam.papers.select_related("subject"))
    conv = Conventions()

    t0 = time.perf_counter()
    parts_all, out = [], []
    for paper in papers:
        parts = school_parts(paper)
        parts_all.append((paper, parts))
        out.append(paper_summary(parts, top=(exam.org.code, exam.org.name), full_mark=float(paper.full_mark), step=0.5,
                                 items=item_infos(paper), profile=stats_profile(paper), conv=conv))
    t_storage = time.perf_counter() - t0
    n_units = sum(len(o["units"]) for o in out)
    t0 = time.perf_counter()
    for paper, parts in parts_all:
        paper_summary(parts, top=(exam.org.code, exam.org.name), full_mark=float(paper.full_mark), step=0.5,
                      items=item_infos(paper), profile=stats_profile(paper), conv=conv)
    t_memory = time.perf_counter() - t0
    print(f"1. storage → CTT + 一分三率 for {n_units:,} units (classes, schools, counties, city) × 9 papers: "
          f"{t_storage:.2f} s; same merge from moments in memory: {t_memory:.2f} s; ratio {t_storage / t_memory:.2f}")
    t0 = time.perf_counter()
    for paper in papers:
        summary_refresh(paper=paper)
    print(f"2. with the results stored (summary_refresh × 9): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    item_max = None
    for paper in papers:
        import numpy as np

        item_max = np.array([float(i.max_score) for i in paper.items.order_by("number")])
        for blk in ScoreBlock.objects.filter(paper=paper).only("data").iterator(chunk_size=100):
            block_moments(decode_block(blk.data), full_mark=float(paper.full_mark), step=0.5, item_max=item_max,
                          cheat_as_zero=False)
    print(f"3. full recompute of every block's moments from raw item scores: {time.perf_counter() - t0:.2f} s")

    from django.test import Client
    from django.urls import reverse

    from core.models import User

    admin = User.objects.create_superuser("bench-admin", "x" * 12)
    client = Client()
    client.force_login(admin)
    url = reverse("quality:exam_detail", args=[exam.pk])
    school_key = next(u["key"] for u in out[0]["units"] if u["level"] == "school")
    for label, query in (("school level", "level=school"), ("class level of one school",
                                                            f"level=class&school={school_key}")):
        times = []
        for i in range(args.requests):
            p = papers[i % len(papers)]
            t0 = time.perf_counter()
            r = client.get(f"{url}?paper={p.pk}&{query}")
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"4. overview page, {label}: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms "
              f"({args.requests} requests, in-process client)")


if __name__ == "__main__":
    main()
