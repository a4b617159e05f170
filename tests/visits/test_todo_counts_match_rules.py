"""The workbench counts problems to answer and answers to verify in the database; the counts are
those of the per-finding rules (visits.access.can_answer_finding / can_verify_finding) applied
to every visible finding, for every member of the cast, over findings of each kind of visit and
owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import GroupKind, TeachingGroup
from tests.visits.findings_fixtures import make_finding, make_visit
from visits import access
from visits.models import Finding, FindingStatus, OwnerKind, Visit, VisitCategory
from visits.selectors import todo_counts

pytestmark = pytest.mark.django_db


def _world(cast: Any) -> None:
    county = make_visit(cast)
    make_finding(cast, county)  # open, owned by the school
    overdue = make_finding(cast, county, owner_kind=OwnerKind.PERSON, owner_person=cast.people["teacher"])
    Finding.objects.filter(pk=overdue.pk).update(deadline=dt.date(2020, 1, 1))  # open, overdue, the teacher's
    group = TeachingGroup.objects.create(school=cast.school_a1, term_key=cast.term.key, kind=GroupKind.SUBJECT,
                                         name="数学组", leader=cast.people["group_leader"])
    make_finding(cast, county, owner_kind=OwnerKind.GROUP, owner_group=group)
    bureau = Visit.objects.create(organiser=cast.county_a, category=VisitCategory.BUREAU_CHECK, term=cast.term,
                                  title="常规检查", start=county.start, end=county.start,
                                  lead=cast.people["part_time_researcher"])  # leads, but organises nothing
    school_check = Visit.objects.create(organiser=cast.school_a1, category=VisitCategory.SCHOOL_CHECK,
                                        term=cast.term, title="校内检查", start=county.start, end=county.start)
    city = Visit.objects.create(organiser=cast.city, term=cast.term, title="市级视导", start=county.start,
                                end=county.start, lead=cast.people["city_researcher"])
    # Recorded on the county's visit, then moved to the other visits (and to none), open and answered.
    for visit in (bureau, school_check, city, None):
        for status in (FindingStatus.OPEN, FindingStatus.ANSWERED):
            Finding.objects.filter(pk=make_finding(cast, county).pk).update(visit=visit, status=status)
    Finding.objects.filter(pk=make_finding(cast, county).pk).update(status=FindingStatus.ANSWERED)


def test_the_counts_are_those_of_the_per_finding_rules(cast: Any) -> None:
    _world(cast)
    today = dt.date.today()
    seen_answer = seen_verify = 0
    for key in cast.users:
        user = cast.users[key]
        visible = list(access.findings_visible_to(user).needing_rectification().with_refs())
        to_answer = [f for f in visible if f.status in (FindingStatus.OPEN, FindingStatus.REOPENED)
                     and access.can_answer_finding(user, f)]
        to_verify = [f for f in visible if f.status == FindingStatus.ANSWERED and access.can_verify_finding(user, f)]
        person = getattr(user, "person", None)
        c = todo_counts(user, person.pk if person else None, None, None, region_reader=False)
        assert (key, c.to_answer, c.to_verify) == (key, len(to_answer), len(to_verify))
        assert c.to_answer_overdue == sum(1 for f in to_answer if f.deadline is not None and f.deadline < today)
        seen_answer += bool(to_answer)
        seen_verify += bool(to_verify)
    # The world gives several users something to do on each side.
    assert seen_answer >= 3 and seen_verify >= 3
