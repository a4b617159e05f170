"""Benchmark: import of a 100,000-row × 20-column score workbook with full validation.

    cd /work/main && .venv/bin/python bench/bench_quality_import.py [--rows 100000]

The file is generated in the run (xlsxwriter): 学校, 考号, 姓名, 班级, 15 item columns and 总分,
with the messiness real files have (缺考 marks, full-width digits, blank rows, a few totals
that disagree with the item sums). Timed in the same run:

1. openpyxl (read-only mode) reading the same file cell by cell — the baseline the issue names;
2. the importer's whole pure pipeline: python-calamine read, header detection, mapping proposal,
   validation of every cell, pseudonymous keys, per-school score blocks and their sufficient
   statistics (quality.importing + quality.blocks), i.e. everything but the database writes;
3. with --db, also the database part (students upsert, blocks, summary) on a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

ITEMS = 15
ITEM_MAX = [2] * 10 + [10] * 5  # full mark 70


def make_file(n: int) -> bytes:
    import numpy as np
    import xlsxwriter

    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet("成绩")
    headers = ["学校", "考号", "姓名", "班级", *[str(i + 1) for i in range(ITEMS)], "总分"]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    items = np.minimum(rng.binomial(np.array(ITEM_MAX), 0.6, size=(n, ITEMS)), ITEM_MAX).astype(float)
    items[:, 10:] += np.where(rng.random((n, 5)) < 0.2, 0.5, 0.0)
    items = np.minimum(items, ITEM_MAX)
    totals = items.sum(axis=1)
    r = 1
    for i in range(n):
        if i % 5000 == 4999:
            r += 1  # a blank row
        ws.write_string(r, 0, f"第{i % 20 + 1}中学")
        ws.write_string(r, 1, f"2026{i:07d}")
        ws.write_string(r, 2, f"学生{i}")
        ws.write_string(r, 3, f"{i // 45 % 12 + 1}班")
        if i % 200 == 7:
            ws.write_string(r, 4, "缺考")
        else:
            for j in range(ITEMS):
                if i % 997 == 3 and j == 0:
                    ws.write_string(r, 4 + j, "１")  # full-width
                else:
                    ws.write_number(r, 4 + j, items[i, j])
            ws.write_number(r, 4 + ITEMS, totals[i] + (1 if i % 1000 == 5 else 0))
        r += 1
    wb.close()
    return buf.getvalue()


def openpyxl_read(content: bytes) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    n = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        n += len(row)
    wb.close()
    return n


def pipeline(content: bytes) -> dict[str, float]:
    import numpy as np

    from quality import importing as imp
    from quality.blocks import Block, block_moments, encode_block, encode_moments
    from quality.pseudonyms import student_keys

    t: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = imp.read_table(content, "bench.xlsx")
    t["read (calamine)"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    header = imp.detect_header(rows)
    spec = imp.PaperSpec(1, "数学", float(sum(ITEM_MAX)), tuple(str(i + 1) for i in range(ITEMS)),
                         tuple(float(m) for m in ITEM_MAX))
    mapping = imp.propose_mapping(header.labels, [spec])
    assert not imp.check_mapping(mapping, header.labels, [spec], has_default_school=False)
    schools = {f"第{i + 1}中学": i + 1 for i in range(20)}
    result = imp.parse_scores(rows, header, mapping, [spec], step=0.5, schools=schools, default_school=None)
    t["header + mapping + validation"] = time.perf_counter() - t1
    assert result.ok, result.problems[:5]
    t2 = time.perf_counter()
    keys = student_keys(result.raw_ids)
    t["pseudonymous keys"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    ps = result.papers[1]
    ids = np.arange(len(keys), dtype=np.int64)
    classes = np.asarray(result.classes)
    item_max = np.array(ITEM_MAX, dtype=np.float64)
    for sid in np.unique(result.schools):
        sel = result.schools == sid
        labels, cidx = np.unique(classes[sel], return_inverse=True)
        block = Block(ids[sel], tuple(str(x) for x in labels), cidx.astype(np.int32), ps.status[sel], ps.items[sel],
                      ps.totals[sel])
        encode_block(block)
        encode_moments(block_moments(block, full_mark=float(item_max.sum()), step=0.5, item_max=item_max,
                                     cheat_as_zero=False))
    t["blocks + sufficient statistics"] = time.perf_counter() - t3
    t["total"] = time.perf_counter() - t0
    t["_warnings"] = result.warning_count
    return t


def with_database(content: bytes) -> float:
    """Apply the same file through the services on a fresh SQLite database."""
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core import services as core
    from core.models import OrgKind, Subject
    from quality import services
    from quality.selectors import exam_schools

    county = core.org_node_create(actor=None, code="990001", name="基准县", kind=OrgKind.COUNTY, parent=None)
    for i in range(20):
        core.org_node_create(actor=None, code=f"99000100{i:02d}", name=f"第{i + 1}中学", kind=OrgKind.SCHOOL,
                             parent=county, school_type="junior")
    exam = services.exam_create(actor=None, org=county, name="基准", kind="county", term_key="2026-1",
                                stage="junior", grade=8, held_on=dt.date(2026, 11, 1),
                                papers=[(Subject.objects.get(code="math"), Decimal(sum(ITEM_MAX)))])
    services.blueprint_save(actor=None, paper=exam.papers.get(), text="\n".join(
        f"{i + 1},{'客观题' if m == 2 else '主观题'},{m},," for i, m in enumerate(ITEM_MAX)))
    t0 = time.perf_counter()
    batch = services.scores_upload(actor=None, exam=exam, filename="bench.xlsx", content=content, school=None)
    batch = services.scores_import(actor=None, batch=batch, mapping=batch.mapping["columns"],
                                   allowed_schools=exam_schools(exam))
    assert batch.status == "applied", batch.problems[:5]
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", action="store_true", help="also time the database writes (fresh SQLite)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="jiaoyan-bench-")
    os.environ["JIAOYAN_VAR_DIR"] = tmp
    os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    content = make_file(args.rows)
    print(f"file: {args.rows:,} rows × 20 columns, {len(content) / 1e6:.1f} MB")
    t0 = time.perf_counter()
    cells = openpyxl_read(content)
    t_openpyxl = time.perf_counter() - t0
    print(f"openpyxl read-only, every cell ({cells:,} cells): {t_openpyxl:.2f} s")
    t = pipeline(content)
    for k, v in t.items():
        if not k.startswith("_"):
            print(f"  {k}: {v:.2f} s")
    print(f"importer pipeline total: {t['total']:.2f} s  ({int(t['_warnings'])} warnings reported)")
    print(f"ratio importer / openpyxl-read: {t['total'] / t_openpyxl:.2f}")
    if args.db:
        print(f"with database writes (students, blocks, summary; SQLite): {with_database(content):.2f} s")


if __name__ == "__main__":
    main()
