"""observe.access: observer, observed teacher, school leaders, researchers with subject
narrowing, outsiders, and developmental versus evaluative (released) observations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from core.models import User
from observe import access, services
from observe.models import Observation
from tests.conftest import Cast


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_evaluative_observation_readers(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("vice_principal", "teacher", subject="chinese", purpose="evaluative")
    readers = {k for k, u in cast.users.items() if obs.pk in _ids(access.observations_visible_to(u))}
    # County A's Chinese researcher sees it; the maths researchers above do not (subject narrowing);
    # the group leader and colleagues do not; bureau viewers and admins read counts, not content.
    assert readers == {"sysadmin", "vice_principal", "teacher", "principal", "middle_manager", "institute_head",
                       "county_researcher"}


def test_maths_lesson_seen_by_maths_researchers(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("principal", "group_leader", subject="math")
    readers = {k for k, u in cast.users.items() if obs.pk in _ids(access.observations_visible_to(u))}
    assert {"province_researcher", "city_researcher"} <= readers
    assert "county_researcher" not in readers and "outside_researcher" not in readers


def test_developmental_is_private_until_released(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("vice_principal", "teacher", purpose="developmental")
    readers = {k for k, u in cast.users.items() if obs.pk in _ids(access.observations_visible_to(u))}
    assert readers == {"sysadmin", "vice_principal", "teacher"}
    for key in ("principal", "county_researcher", "vice_principal", "teacher"):
        assert obs.pk not in _ids(access.observations_for_appraisal_visible_to(cast.users[key]))
    # Counted for the quota all the same (004 (一)1 counts lessons observed).
    assert obs.pk in _ids(access.observation_facts_visible_to(cast.users["principal"]))
    services.observation_release(actor=cast.users["teacher"], observation=obs)
    assert obs.pk in _ids(access.observations_visible_to(cast.users["principal"]))
    assert obs.pk in _ids(access.observations_for_appraisal_visible_to(cast.users["principal"]))
    assert obs.pk in _ids(access.observations_for_appraisal_visible_to(cast.users["county_researcher"]))


def test_drafts_only_for_observer(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("principal", "teacher", submit=False)
    readers = {k for k, u in cast.users.items() if obs.pk in _ids(access.observations_visible_to(u))}
    assert readers == {"sysadmin", "principal"}
    assert access.get_observation_for_user(cast.users["principal"], obs.pk, write=True) == obs
    with pytest.raises(Http404):
        access.get_observation_for_teacher(cast.users["teacher"], obs.pk)


def test_write_only_observer_and_only_draft(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("principal", "teacher")
    for key in ("principal", "vice_principal", "teacher", "sysadmin"):
        if key == "sysadmin":
            continue
        with pytest.raises(Http404):
            access.get_observation_for_user(cast.users[key], obs.pk, write=True)
    assert access.get_observation_for_teacher(cast.users["teacher"], obs.pk) == obs
    with pytest.raises(Http404):
        access.get_observation_for_teacher(cast.users["principal"], obs.pk)


def test_outsiders_count_nothing(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher")
    for key in ("outside_principal", "outside_teacher", "outside_researcher", "no_post"):
        assert not access.observations_visible_to(cast.users[key]).exists()
        assert not access.observation_facts_visible_to(cast.users[key]).exists()


def test_archive_readers(cast: Cast) -> None:
    teacher = cast.people["teacher"]
    readers = {k for k, u in cast.users.items() if _can_archive(u, teacher.code)}
    assert readers == {"sysadmin", "teacher", "principal", "vice_principal", "middle_manager", "institute_head",
                       "county_researcher"}


def _can_archive(user: User, code: str) -> bool:
    try:
        access.get_archive_person_for_user(user, code)
    except Http404:
        return False
    return True


def test_templates_offered_down_the_tree(cast: Cast) -> None:
    builtin = services.template_create(actor=None, owner=cast.county_a, name="小店区表")
    school = services.template_create(actor=None, owner=cast.school_a1, name="一中校本表")
    other = services.template_create(actor=None, owner=cast.county_b, name="迎泽区表")

    def sees(key: str) -> set[str]:
        return set(access.templates_visible_to(cast.users[key]).exclude(is_builtin=True).values_list("name", flat=True))

    assert sees("teacher") == {builtin.name, school.name}
    assert sees("county_researcher") == {builtin.name, school.name}
    assert sees("teacher_a2") == {builtin.name}
    assert sees("outside_teacher") == {other.name}
    assert access.can_design(cast.users["county_admin"], builtin)
    assert access.can_design(cast.users["county_admin"], school)
    assert access.can_design(cast.users["principal"], school)
    assert not access.can_design(cast.users["principal"], builtin)
    assert not access.can_design(cast.users["teacher"], school)
    lesson = services.template_create(actor=None, owner=cast.city, name="市表")
    assert not access.can_design(cast.users["county_admin"], lesson)
