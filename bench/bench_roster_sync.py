"""Benchmark: the roster sync of a 100,000-row teacher sheet (全国教师管理信息系统 export).

    .venv/bin/python bench/bench_roster_sync.py [--rows 100000] [--schools 1000] [--use-env-db]

On a fresh SQLite file (or, with --use-env-db, the scratch database JIAOYAN_DATABASE_URL names;
the bench migrates it and creates its own province, city, county and schools), times in one run:

1. the baseline: the raw read of the same file by the bounded reader (core.spreadsheets.read_xlsx,
   python-calamine, every cell to a Python value), which every sync must pay;
2. the first sync's preview (read, parse every cell, plan against the database) and its apply
   (100,000 people, their teacher posts, links and audit events in bulk, one transaction);
3. the second sync of the same file: preview and apply, which change nothing;
4. a third with 1% of the rows changed (a title) and 1% left out (their people and posts ended);
and prints each time with its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

HEADERS = ["姓名", "身份证件类型", "身份证件号", "性别", "出生日期", "学校标识码", "参加工作年月", "从教起始年月",
           "岗位类别", "任教学段", "任教学科", "专业技术职务", "在岗状态"]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "道德与法治", "历史", "地理", "生物", "音乐", "体育", "美术"]
TITLES = ["一级教师", "二级教师", "高级教师", "中学一级教师", "小学高级教师"]


def id_number(i: int) -> str:
    from core.roster_codes import id_check_digit

    # The serial and birth date make the number unique for i < 30 x 12 x 28 x 1000 = 10 million.
    first17 = f"140105{1970 + (i // 336000) % 30}{1 + (i // 28000) % 12:02d}{1 + (i // 1000) % 28:02d}{i % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_file(n: int, schools: int, *, changed: int = 0, dropped: int = 0) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet("教职工信息")
    ws.write_row(0, 0, HEADERS)
    r = 1
    for i in range(n):
        if i < dropped:
            continue
        title = "高级教师" if i >= n - changed else TITLES[i % len(TITLES)]
        subjects = SUBJECTS[i % len(SUBJECTS)] + ("" if i % 4 else "、" + SUBJECTS[(i + 3) % len(SUBJECTS)])
        ws.write_row(r, 0, [f"教师{i}", "居民身份证", id_number(i), "", "", f"11401{i % schools:05d}", "2005-09",
                            "2005-09", "专任教师", "初中" if i % 2 else "小学", subjects, title, "在岗"])
        r += 1
    book.close()
    return buffer.getvalue()


def timed(label: str, fn: Callable[[], Any], baseline: float | None) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    t = time.perf_counter() - started
    ratio = f"  ×{t / baseline:.1f} of the raw read" if baseline else ""
    print(f"{label:<52} {t:8.2f} s{ratio}", flush=True)
    return t, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--use-env-db", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="jiaoyan-roster-bench-")
    if not (args.use_env_db and os.environ.get("JIAOYAN_DATABASE_URL")):
        os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.importing.roster import roster_apply, roster_preview
    from core.importing.roster_rows import ROSTER_LIMITS
    from core.models import OrgKind, OrgNode, Person, Post, User
    from core.roster_codes import Source
    from core.spreadsheets import read_xlsx

    province, _ = OrgNode.objects.get_or_create(code="149900", defaults={
        "name": "测试省", "kind": OrgKind.PROVINCE, "path": "149900/", "depth": 0})
    city, _ = OrgNode.objects.get_or_create(code="149901", defaults={
        "name": "测试市", "kind": OrgKind.CITY, "parent": province, "path": "149900/149901/", "depth": 1})
    county, _ = OrgNode.objects.get_or_create(code="149902", defaults={
        "name": "测试县", "kind": OrgKind.COUNTY, "parent": city, "path": "149900/149901/149902/", "depth": 2})
    OrgNode.objects.bulk_create([
        OrgNode(code=f"11401{i:05d}", name=f"测试学校{i}", kind=OrgKind.SCHOOL, parent=county, school_type="junior",
                path=f"{county.path}11401{i:05d}/", depth=3) for i in range(args.schools)], ignore_conflicts=True)
    actor, _ = User.objects.get_or_create(username="roster-bench", defaults={"is_superuser": True, "is_staff": True})

    print(f"{args.rows:,} teacher rows over {args.schools:,} schools, "
          f"{os.environ['JIAOYAN_DATABASE_URL'].split(':')[0]}", flush=True)
    t0 = time.perf_counter()
    first = make_file(args.rows, args.schools)
    print(f"(file written in {time.perf_counter() - t0:.1f} s, {len(first) / 1e6:.1f} MB)", flush=True)
    base, _ = timed("baseline: raw read (read_xlsx, calamine)", lambda: read_xlsx(first, ROSTER_LIMITS), None)

    def run(content: bytes, label: str) -> None:
        _t, preview = timed(f"{label}: preview", lambda: roster_preview(
            actor=actor, source=Source.TEACHERS, content=content, filename="bench.xlsx", root=province), base)
        assert preview.run is not None, [str(e) for e in preview.plan.errors[:5]]
        _t, plan = timed(f"{label}: apply", lambda: roster_apply(actor=actor, run=preview.run), base)
        assert not plan.errors
        print("   ", {e: {a: n for a, n in c.items() if n} for e, c in plan.plain_counts().items()}, flush=True)

    run(first, "first sync (adds everyone)")
    run(first, "second sync, same file (no change)")
    n = args.rows // 100
    run(make_file(args.rows, args.schools, changed=n, dropped=n), "third sync, 1% changed and 1% gone")
    print(f"people {Person.objects.count():,}, posts {Post.objects.count():,}")


if __name__ == "__main__":
    main()
