"""The chain of problems on the school's page and on the group's page (core.panels, filled by
visits.panels): open items with their deadline, overdue marked, each linking to its record, and
only what the viewer may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from core.models import GroupKind, TeachingGroup
from tests.visits.findings_fixtures import make_finding, make_visit

pytestmark = pytest.mark.django_db


def _group(cast: Any) -> TeachingGroup:
    return TeachingGroup.objects.create(school=cast.school_a1, term_key=cast.term.key, kind=GroupKind.SUBJECT,
                                        name="语文教研组", leader=cast.people["group_leader"])


def test_school_page_lists_open_problems_with_deadline_and_link(cast: Any) -> None:
    visit = make_visit(cast)
    late = make_finding(cast, visit, description="作业批改不及时", deadline=dt.date(2026, 10, 12))
    make_finding(cast, visit, description="教案环节不全", deadline=dt.date(2099, 1, 1), teacher=None)
    page = cast.client("principal").get(reverse("node_detail", args=[cast.school_a1.code])).content.decode()
    assert "视导发现的问题与整改" in page
    assert "待整改 2 项（逾期 1 项）" in page
    assert "作业批改不及时，期限 2026-10-12" in page and "逾期" in page
    assert reverse("visits:finding_detail", args=[late.pk]) in page
    assert reverse("visits:findings") + f"?school={cast.school_a1.code}" in page
    # The researcher over the county sees the same chain on the same page.
    county = cast.client("county_researcher").get(reverse("node_detail", args=[cast.school_a1.code]))
    assert "作业批改不及时" in county.content.decode()


def test_school_page_without_findings_has_no_panel(cast: Any) -> None:
    page = cast.client("principal").get(reverse("node_detail", args=[cast.school_a1.code])).content.decode()
    assert "视导发现的问题与整改" not in page


def test_group_page_shows_findings_about_or_owned_by_the_group(cast: Any) -> None:
    group = _group(cast)
    visit = make_visit(cast)
    make_finding(cast, visit, description="集体备课流于形式", group=group)
    make_finding(cast, visit, description="与本组无关的问题", teacher=None)
    page = cast.client("principal").get(reverse("group_detail", args=[group.pk])).content.decode()
    assert "涉及本组的问题与整改" in page and "集体备课流于形式" in page and "与本组无关的问题" not in page
    leader = cast.client("group_leader").get(reverse("group_detail", args=[group.pk])).content.decode()
    assert "集体备课流于形式" in leader
