"""Deterministic demo data for Jiaoyan: `manage.py seed --scale demo|city|province --seed N [--flush]`
(and a `tiny` scale, two counties, for the generator's own tests).

A fictional province (晋原省, division code 14) with cities, counties and schools, their staff with
titles, subjects, grades and posts, researchers at every level, designations, terms and subject
groups, plus one login per role (`DEMO_LOGINS`, password `DEMO_PASSWORD`). The same scale and seed
always give the same names, codes and titles (one `random.Random(seed)`, drawn in a fixed order).

Modules:
- generator: the plan (org tree, people, posts, designations, researchers), streamed to the tables;
- tables: fast row writing with explicit ids (COPY on PostgreSQL, executemany on SQLite), row by
  row (`TableWriter`) or column-wise from numpy arrays (`write_columns`, used by observe.demo for
  the 1.85 M observations), and `bulk_load`, which on PostgreSQL drops a table's secondary
  indexes and foreign keys around the load and rebuilds them once;
- groups: subject groups through the services (demo) or in bulk (city, province);
- logins: the demo users; names: name and place pools; seeding: the run as a whole;
- extensions: the hook for other apps' demo records.

Rerunning: a seed refuses to run when the database already has org nodes, people or demo
users, with a Chinese message; `--flush` empties the whole database first (like `manage.py
flush`) and reloads the subjects and norms the migrations load.

Extending: an app adds its records (lesson observations, exams, ...) by registering a function
in `<app>/demo.py`, which the seed imports automatically after writing the core data:

    from core.demo.extensions import SeedContext, register
    register("observe.observations", lambda ctx: ..., order=100)

The function gets a `SeedContext` (its own rng, the scale, the current term key, the ids of the
regions, schools, teachers by school, researchers and demo users) and runs in the seed's transaction.

After every extension, `core.demo.seeding.after_seed` runs last in the same transaction: the
place for work that needs the whole world (the norms' stored results are refreshed there).
`SeedResult.timings` has each phase's seconds (core, terms_groups, logins, each extension by
name, after_seed, total).
"""

from __future__ import annotations

from core.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD"]
