"""projects.access beyond the matrix's county project: a school's own (校级) project is approved by
the school's leaders, not the county; a reviewer sees only what is assigned; the pickers offer the
approving region's researchers and those above."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from projects import access
from projects import services as svc
from projects.errors import ProjectError
from tests.projects.fixtures import make_project

pytestmark = pytest.mark.django_db


def test_a_school_project_is_the_schools_to_approve(cast: Any) -> None:
    p = make_project(cast, level="school", title="校本课题")
    assert p.approver == cast.school_a1
    svc.document_add(actor=None, project=p, kind="application", title="申报书", text="设计")
    for role in ("principal", "vice_principal", "middle_manager", "sysadmin"):
        assert access.can_manage_project(cast.users[role], p), role
    for role in ("county_admin", "county_researcher", "institute_head", "group_leader", "teacher", "outside_principal"):
        assert not access.can_manage_project(cast.users[role], p), role
    with pytest.raises(ProjectError):
        svc.project_advance(actor=cast.users["county_admin"], project=p, target="approved")
    svc.project_advance(actor=cast.users["middle_manager"], project=p, target="approved")
    # The county still reads it (it is owned in its subtree), the other county does not.
    assert access.get_project_for_user(cast.users["bureau_viewer"], p.pk) == p
    with pytest.raises(Http404):
        access.get_project_for_user(cast.users["outside_researcher"], p.pk)
    with pytest.raises(Http404):
        access.get_project_for_user(cast.users["bureau_viewer"], p.pk, write=True)


def test_a_reviewer_sees_only_what_is_assigned(cast: Any) -> None:
    mine = make_project(cast, title="请评审")
    other = make_project(cast, title="无关课题")
    outsider = cast.users["outside_teacher"]
    assert not access.projects_visible_to(outsider).exists()
    review = svc.review_assign(actor=None, project=mine, stage="approved", expert=cast.people["outside_teacher"])
    assert list(access.projects_visible_to(outsider)) == [mine]
    assert access.get_review_for_user(outsider, review.pk, write=True) == review
    with pytest.raises(Http404):
        access.get_project_for_user(outsider, other.pk)
    with pytest.raises(Http404):  # reading the project is not writing its review
        access.get_review_for_user(cast.users["county_admin"], review.pk, write=True)
    assert not access.can_edit_project(outsider, mine)


def test_the_pickers_offer_the_approving_chains_researchers(cast: Any) -> None:
    p = make_project(cast)  # a county A project
    offered = set(access.people_for_picking(cast.users["teacher"], p).values_list("pk", flat=True))
    for key in ("county_researcher", "city_researcher", "province_researcher", "institute_head",
                "part_time_researcher", "principal"):
        assert cast.people[key].pk in offered, key
    assert cast.people["outside_researcher"].pk not in offered
    assert cast.people["outside_teacher"].pk not in offered
