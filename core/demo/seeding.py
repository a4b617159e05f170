"""Running a seed: guard, optional wipe, core data, terms, groups, logins, extensions."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

from core import services
from core.demo import extensions
from core.demo.generator import AS_OF, SCHOOL_YEAR, TERM_KEY, Generator, SeedResult
from core.demo.groups import groups_via_services
from core.demo.logins import demo_usernames, logins_create
from core.demo.tables import bulk_load
from core.models import Designation, GroupMembership, OrgNode, Person, Post, TeachingGroup, Term, User
from core.norm_results import refresh_all

Report = Callable[[str], None]
# Tables the extensions fill, counted in the seed's report when the app is installed.
EXTENSION_TABLES = ("observe.Observation", "observe.Assessment", "observe.ObservationAggregate",
                    "quality.ScoreBlock")
# The tables the core generator fills with COPY: loaded without their secondary indexes and
# foreign keys on PostgreSQL, which are rebuilt once at the end (core.demo.tables.bulk_load).
CORE_TABLES = (OrgNode, Person, Person.subjects.through, Post, Designation, TeachingGroup,
               TeachingGroup.subjects.through, GroupMembership)


class SeedRefused(Exception):
    """The database already holds data and no wipe was asked for."""


def existing_data() -> str | None:
    """A Chinese description of what is already there, or None for an empty database."""
    nodes = OrgNode.objects.count()
    people = Person.objects.count()
    users = User.objects.filter(username__in=demo_usernames()).count()
    if not (nodes or people or users):
        return None
    return f"组织节点{nodes}个、人员{people}人、演示账号{users}个"


def flush_database(report: Report) -> None:
    """Empty every table (as `manage.py flush` does) and reload the reference data the
    migrations load: the curriculum's subjects and the catalogue of norms."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks still pending
        # in the transaction (a seed earlier in the same transaction, as in tests): run them now.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    services.reference_data_sync()
    report("已清空数据库并重新载入学科与规范目录")


def _terms(province: OrgNode, override: OrgNode | None) -> tuple[Term, Term | None]:
    """School years 2024-2026, both semesters, on the province; one county keeps its own dates
    (a few days off), which its schools inherit. Returns the current term of each."""
    current: dict[str, Term] = {}
    for year in (2024, 2025, 2026):
        for region, shift in ((province, 0), (override, -2)):
            if region is None:
                continue
            first = services.term_save(actor=None, region=region, school_year=year, semester=1,
                                       start=dt.date(year, 9, 1) + dt.timedelta(days=shift),
                                       end=dt.date(year + 1, 1, 20) + dt.timedelta(days=shift))
            services.term_save(actor=None, region=region, school_year=year, semester=2,
                               start=dt.date(year + 1, 2, 20) + dt.timedelta(days=-shift * 2),
                               end=dt.date(year + 1, 7, 10) + dt.timedelta(days=shift))
            if year == SCHOOL_YEAR:
                current[region.path] = first
    return current[province.path], current.get(override.path) if override else None


def after_seed(*, result: SeedResult, ctx: extensions.SeedContext, report: Report) -> None:
    """AFTER-SEED HOOK: work that needs the whole seeded world, run last inside the seed's
    transaction (after every extension); nothing runs here yet. The stored norm results are
    refreshed after the transaction and ANALYZE (seed_database's end), since their queries need
    the planner statistics of the bulk-loaded tables."""


def seed_database(*, scale: str, seed: int, flush: bool = False, report: Report | None = None) -> SeedResult:
    """Generate the demo world. Refuses (SeedRefused) when data exists, unless `flush`."""
    say: Report = report or (lambda _msg: None)
    found = existing_data()
    if found and not flush:
        raise SeedRefused(f"数据库中已有数据（{found}），未生成演示数据。如需清空整个数据库后重新生成，请加 --flush。")
    started = time.perf_counter()
    timings: dict[str, float] = {}

    cpu: dict[str, float] = {}
    db_cpu: dict[str, float] = {}
    clock = extensions.PhaseClock(cpu, db_cpu)

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 2)
        clock.lap(name)
        return now

    mark = started
    if found:
        flush_database(say)
        mark = lap("flush", mark)
    with transaction.atomic():
        with bulk_load(*CORE_TABLES):
            result = Generator(scale=scale, seed=seed, report=say).run()
        mark = lap("core", mark)
        say(f"基础数据已写入：{sum(result.counts.values())}行")
        province = OrgNode.objects.get(pk=result.province_id)
        override = OrgNode.objects.get(pk=result.term_regions[1]) if len(result.term_regions) > 1 else None
        province_term, county_term = _terms(province, override)
        if result.staff:
            under = set(OrgNode.objects.filter(path__startswith=override.path).values_list("pk", flat=True)) \
                if override else set()
            terms = {st.school.pk: county_term if st.school.pk in under and county_term else province_term
                     for st in result.staff}
            states = groups_via_services(result.staff, terms)
            say(f"教研组：已确认{states['confirmed']}校，待确认{states['proposed']}校，未组建{states['none']}校")
        mark = lap("terms_groups", mark)
        users = logins_create(result.picks)
        mark = lap("logins", mark)
        autodiscover_modules("demo")
        ctx = extensions.SeedContext(
            seed=seed, scale=scale, rng=random.Random(seed), today=AS_OF, term_key=TERM_KEY,
            province_id=result.province_id, region_ids=result.region_ids, school_ids=result.school_ids,
            teachers_by_school=result.teachers_by_school, researcher_ids=result.researcher_ids, users=users)
        names = extensions.run_all(ctx, report=say, timings=timings, clock=clock)
        mark = lap("extensions", mark)
        cpu["extensions"] = round(sum(cpu.get(n, 0.0) for n in names), 2)
        if db_cpu:
            db_cpu["extensions"] = round(sum(db_cpu.get(n, 0.0) for n in names), 2)
        after_seed(result=result, ctx=ctx, report=say)
        mark = lap("after_seed", mark)
        # Rows as they stand in the database (the group services and extensions write their own).
        written = dict(result.counts)
        for model in (Term, TeachingGroup, TeachingGroup.subjects.through, GroupMembership, User):
            written[model._meta.label] = model.objects.count()
        for label in EXTENSION_TABLES:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            written[model._meta.label] = model.objects.count()
        result.counts = written
    if connection.vendor == "postgresql":
        # Bulk-loaded tables have no planner statistics until autovacuum gets to them; without
        # them PostgreSQL misjudges the org-path joins by orders of magnitude (measured: a
        # county's teacher count took 130 ms before ANALYZE, 1 ms after).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    refresh_all(term_key=TERM_KEY)  # the stored norm results of every unit (core.norm_results)
    lap("analyze_norms", mark)
    timings["total"] = round(time.perf_counter() - started, 2)
    clock.total()
    result.timings = timings
    result.cpu = cpu
    result.db_cpu = db_cpu
    return result
