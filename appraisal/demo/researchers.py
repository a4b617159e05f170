"""Demo records of the appraisal app's `researchers` area (registered with core.demo.extensions,
order 900, after every app whose records the figures read): the province's researcher appraisal
for last year, computed from the demo records, with rating sheets from a sample of each school's
teachers and from each school, then published.

The sheets are the seed's own (no one signed in): each keeps a random key in place of the
once-per-person hash, so no demo user is marked as having answered. Written with bulk_create,
bounded per school (at most RATERS_PER_SCHOOL teachers and four researchers per sheet)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from typing import Any

from appraisal.models import RaterKind, RatingSheet, ResearcherRating
from appraisal.services import researchers as svc
from core.demo.extensions import SeedContext, register
from core.demo.tables import insert_objects, insert_rows
from core.models import OrgNode, Person
from core.paths import ancestor_paths

RATERS_PER_SCHOOL = 3
RATED_PER_SHEET = 4


def researcher_appraisal(ctx: SeedContext) -> None:
    rng = ctx.rng
    province = OrgNode.objects.get(pk=ctx.province_id)
    appraisal = svc.appraisal_start(actor=None, region=province, year=ctx.today.year - 1, enqueue=False)
    svc.appraisal_compute(appraisal.pk)
    appraisal.refresh_from_db()
    svc.ratings_open(actor=None, appraisal=appraisal)
    entries = list(appraisal.entries.select_related("post_org"))
    by_path: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for e in entries:
        by_path[e.post_org.path].append((e.pk, e.subject_id))
    schools = dict(OrgNode.objects.filter(pk__in=ctx.school_ids).values_list("pk", "path"))
    # Every school's people (a superset of the teachers drawn below), by school rather than by an
    # IN list of 400,000 person ids at province scale.
    subjects = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "main_subject_id"))
    sheets: list[RatingSheet] = []
    picks: list[list[int]] = []
    for school_id, path in schools.items():
        covering = [x for a in ancestor_paths(path) for x in by_path.get(a, [])]
        if not covering:
            continue
        raters: list[tuple[str, int | None]] = [(RaterKind.SCHOOL, None)]
        teachers = ctx.teachers_by_school.get(school_id, [])
        for pid in rng.sample(teachers, min(RATERS_PER_SCHOOL, len(teachers))):
            raters.append((RaterKind.TEACHER, subjects.get(pid)))
        for kind, subject in raters:
            mine = [pk for pk, s in covering if kind == RaterKind.SCHOOL or s is None or s == subject]
            if not mine:
                continue
            sheets.append(RatingSheet(appraisal=appraisal, rater_hash=secrets.token_hex(32), kind=kind))
            picks.append(rng.sample(mine, min(RATED_PER_SHEET, len(mine))))
    insert_objects(sheets)
    ratings: list[dict[str, Any]] = []
    for sheet, chosen in zip(sheets, picks, strict=True):
        for entry_id in chosen:
            base = rng.choice((3, 4, 4, 5, 5))
            ratings.append(dict(sheet_id=sheet.pk, entry_id=entry_id,
                                **{d: max(1, min(5, base + rng.choice((-1, 0, 0, 1)))) for d in svc.DIM_FIELDS}))
    insert_rows(ResearcherRating, ratings)
    svc.appraisal_publish(actor=None, appraisal=appraisal)


register("appraisal.researchers", researcher_appraisal, order=900)
