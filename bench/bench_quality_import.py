"""Benchmark: import of a 100,000-row × 20-column score workbook with full validation.

    cd /work/main && .venv/bin/python bench/bench_quality_import.py [--rows 100000]

The file is generated in the run (xlsxwriter): 学校, 考号, 姓名, 班级, 15 item columns and 总分,
with the messiness real files have (缺考 marks, full-width digits, blank rows, a few totals
that disagree with the item sums). Timed in the same run:

1. raw reads of the same file, the baselines: openpyxl (read-only mode, cell by cell),
   python-calamine (every cell to Python values, what the importer uses) and fastexcel
   (Arrow-backed, if installed: requirements-bench.txt);
2. the importer's whole pure pipeline: python-calamine read, header detection, mapping proposal,
   validation of every cell, pseudonymous keys, per-school score blocks and their sufficient
   statistics (quality.importing + quality.blocks), i.e. everything but the database writes;
3. with --db, also the database part (students upsert, blocks, summary) on a fresh SQLite file,
   or with --use-env-db on the database JIAOYAN_DATABASE_URL names (e.g. PostgreSQL; the bench
   migrates it and creates its own county, so use a scratch database), with the time of each
   phase (``--profile`` prints the top functions).
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


def calamine_read(content: bytes) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return sum(len(r) for r in rows)


def fastexcel_read(content: bytes) -> int | None:
    try:
        import fastexcel
    except ImportError:
        return None
    sheet = fastexcel.read_excel(content).load_sheet(0, header_row=None)
    return int(sheet.height) * int(sheet.width)


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


def with_database(content: bytes, *, profile: bool = False) -> float:
    """Apply the same file through the services on a fresh database."""
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import uuid

    from core import services as core
    from core.models import OrgKind, Subject
    from quality import services
    from quality.selectors import exam_schools

    tag = uuid.uuid4().int % 900 + 100  # a fresh county per run (a reused scratch database)
    county = core.org_node_create(actor=None, code=f"99{tag}1", name=f"基准县{tag}", kind=OrgKind.COUNTY, parent=None)
    for i in range(20):
        core.org_node_create(actor=None, code=f"99{tag}100{i:02d}", name=f"第{i + 1}中学", kind=OrgKind.SCHOOL,
                             parent=county, school_type="junior")
    exam = services.exam_create(actor=None, org=county, name="基准", kind="county", term_key="2026-1",
                                stage="junior", grade=8, held_on=dt.date(2026, 11, 1),
                                papers=[(Subject.objects.get(code="math"), Decimal(sum(ITEM_MAX)))])
    services.blueprint_save(actor=None, paper=exam.papers.get(), text="\n".join(
        f"{i + 1},{'客观题' if m == 2 else '主观题'},{m},," for i, m in enumerate(ITEM_MAX)))
    import cProfile
    import pstats

    from django.db import transaction

    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    c0 = time.process_time()
    if prof:
        prof.enable()
    with transaction.atomic():
        batch = services.scores_upload(actor=None, exam=exam, filename="bench.xlsx", content=content, school=None)
    t1 = time.perf_counter()
    c1 = time.process_time()
    with transaction.atomic():
        batch = services.scores_import(actor=None, batch=batch, mapping=batch.mapping["columns"],
                                       allowed_schools=exam_schools(exam))
    t2 = time.perf_counter()
    c2 = time.process_time()
    if prof:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    assert batch.status == "applied", batch.problems[:5]
    print(f"  upload (read, header, mapping proposal, stored table): {t1 - t0:.2f} s ({c1 - c0:.2f} s CPU)")
    print(f"  import (validation, students, blocks, summary, warnings): {t2 - t1:.2f} s ({c2 - c1:.2f} s CPU)")
    print(f"  this process's CPU time for both: {c2 - c0:.2f} s (the database server's is not counted)")
    return t2 - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", action="store_true", help="also time the database writes (fresh SQLite)")
    parser.add_argument("--use-env-db", action="store_true", help="with --db: the database JIAOYAN_DATABASE_URL names")
    parser.add_argument("--profile", action="store_true", help="with --db: print the top functions")
    parser.add_argument("--db-only", action="store_true", help="with --db: skip the raw reads and the pure pipeline")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="jiaoyan-bench-")
    os.environ["JIAOYAN_VAR_DIR"] = tmp
    if not (args.use_env_db and os.environ.get("JIAOYAN_DATABASE_URL")):
        os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    content = make_file(args.rows)
    print(f"file: {args.rows:,} rows × 20 columns, {len(content) / 1e6:.1f} MB")
    if args.db and args.db_only:
        from django.db import connection

        # The baseline of this run (the machine may be shared): one raw calamine read.
        t0, c0 = time.perf_counter(), time.process_time()
        calamine_read(content)
        t_calamine, c_calamine = time.perf_counter() - t0, time.process_time() - c0
        print(f"python-calamine, every cell to Python values: {t_calamine:.2f} s ({c_calamine:.2f} s CPU)")
        total = with_database(content, profile=args.profile)
        print(f"with database writes ({connection.vendor}): {total:.2f} s "
              f"(ratio to the calamine read {total / t_calamine:.1f}x)")
        return
    t0 = time.perf_counter()
    cells = openpyxl_read(content)
    t_openpyxl = time.perf_counter() - t0
    print(f"openpyxl read-only, every cell ({cells:,} cells): {t_openpyxl:.2f} s")
    t0, c0 = time.perf_counter(), time.process_time()
    calamine_read(content)
    t_calamine = time.perf_counter() - t0
    print(f"python-calamine, every cell to Python values: {t_calamine:.2f} s ({time.process_time() - c0:.2f} s CPU)")
    t0 = time.perf_counter()
    fx = fastexcel_read(content)
    t_fast = time.perf_counter() - t0
    print(f"fastexcel load_sheet: {t_fast:.2f} s" if fx is not None else "fastexcel not installed: no comparison")
    t = pipeline(content)
    for k, v in t.items():
        if not k.startswith("_"):
            print(f"  {k}: {v:.2f} s")
    print(f"importer pipeline total: {t['total']:.2f} s  ({int(t['_warnings'])} warnings reported)")
    print(f"ratio importer / openpyxl-read: {t['total'] / t_openpyxl:.2f}; importer / calamine-read: "
          f"{t['total'] / t_calamine:.1f}" + (f"; importer / fastexcel: {t['total'] / t_fast:.1f}" if fx else ""))
    if args.db:
        from django.db import connection

        total = with_database(content, profile=args.profile)
        print(f"with database writes (students, blocks, summary; {connection.vendor}): {total:.2f} s "
              f"(ratio to the calamine read {total / t_calamine:.1f}x)")


if __name__ == "__main__":
    main()
