"""The tiny demo world, seeded once for this package (one xdist worker runs the whole package,
tests/conftest.py) inside an outer transaction rolled back when the package ends; each test
runs in its own savepoint through the `db` fixture.

Every app's demo extension is checked here against the same seed instead of seeding its own:
eight apps each seeding the tiny world cost the suite about 150 s a run on SQLite. A test module
added here gets the seed for free; a test that needs the named cast belongs elsewhere (the cast
and the demo share region codes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from core.demo.generator import SeedResult


@dataclass(frozen=True)
class TinyWorld:
    result: SeedResult
    digest: str  # of the content right after the seed (see `digest`)


def digest() -> str:
    """A hash of the generated content, independent of database ids and row order."""
    from core.models import Designation, OrgNode, Person, Post, TeachingGroup
    from observe.models import Observation, ObservationAggregate

    h = hashlib.sha256()
    row: tuple[object, ...]
    for row in sorted(OrgNode.objects.values_list("code", "name", "path", "school_type", "locale", "is_weak",
                                                  "class_count", "student_count", "address")):
        h.update(repr(row).encode())
    for row in sorted(Person.objects.values_list("code", "name", "pinyin", "gender", "birth_year", "title", "stage",
                                                 "main_subject__code", "teaching_since", "org__code")):
        h.update(repr(row).encode())
    for row in sorted(Post.objects.values_list("person__code", "role", "org__code", "subject__code", "stage",
                                               "grade", "start")):
        h.update(repr(row).encode())
    for row in sorted(TeachingGroup.objects.values_list("school__code", "name", "status", "leader__code")):
        h.update(repr(row).encode())
    for row in sorted(Designation.objects.values_list("person__code", "kind", "level", "programme", "start")):
        h.update(repr(row).encode())
    for row in sorted(Observation.objects.values_list(
            "client_uuid", "school__code", "observer__code", "teacher__code", "subject__code", "grade", "class_name",
            "topic", "date", "kind", "purpose", "overall_grade", "submitted_at", "released_at", "assessment__total")):
        h.update(repr(row).encode())
    for row in sorted(ObservationAggregate.objects.values_list("node__code", "term_key", "subject__code", "lessons",
                                                               "scored")):
        h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture(scope="package")
def tiny_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[TinyWorld]:
    from core.demo.seeding import seed_database

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = seed_database(scale="tiny", seed=1)
            yield TinyWorld(result, digest())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def tiny(tiny_world: TinyWorld, db: None) -> SeedResult:
    """The tiny demo world's seed result, in the test's own savepoint."""
    return tiny_world.result
