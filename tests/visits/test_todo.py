"""The workbench's to-do list with visits: a team member's visit day today, problems the school's
leaders must answer (overdue ones first), answers the organiser must verify, and the schools no
inspection visit has reached this term."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.visits.findings_fixtures import make_finding, make_visit
from visits.models import VisitSchool
from visits.services import findings as svc

pytestmark = pytest.mark.django_db


def _todos(text: str) -> list[tuple[str, str]]:
    block = text[text.index('data-testid="todo-list"'):text.index("</section>", text.index('data-testid="todo-list"'))]
    return re.findall(r'<a href="([^"]+)" data-testid="todo">([^<]+)</a>', block)


def test_the_principal_answers_problems_overdue_first(cast: Any) -> None:
    visit = make_visit(cast)
    make_finding(cast, visit, description="作业批改不及时", deadline=dt.date(2026, 10, 12))
    make_finding(cast, visit, description="教案环节不全", deadline=dt.date(2099, 1, 1))
    todos = _todos(cast.client("principal").get("/").content.decode())
    assert todos[0] == (f"{reverse('visits:findings')}?status=open", "2项问题待整改反馈")
    page = cast.client("principal").get(todos[0][0])
    assert page.status_code == 200 and "作业批改不及时" in page.content.decode()
    # A teacher the finding is about reads it but does not answer for the school.
    assert not any("待整改反馈" in t for _, t in _todos(cast.client("teacher").get("/").content.decode()))


def test_the_organiser_verifies_answers(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    svc.finding_answer(actor=cast.users["principal"], finding=f, text="已建立作业二次批改登记")
    lead = [t for _, t in _todos(cast.client("county_researcher").get("/").content.decode())]
    assert "1项整改反馈待验收" in lead
    assert not any("待验收" in t for _, t in _todos(cast.client("principal").get("/").content.decode()))


def test_a_team_member_sees_today_s_visit_day(cast: Any) -> None:
    visit = make_visit(cast)
    today = timezone.localdate()
    visit.start, visit.end = min(visit.start, today), max(visit.end, today)
    visit.save(update_fields=["start", "end"])
    VisitSchool.objects.create(visit=visit, school=cast.school_a2, date=today)
    todos = _todos(cast.client("part_time_researcher").get("/").content.decode())
    assert (reverse("visits:onsite", args=[visit.pk]), f"今天到{cast.school_a2.name}视导") in todos
    assert not any("今天到" in t for _, t in _todos(cast.client("principal").get("/").content.decode()))


def test_a_researcher_sees_the_schools_not_yet_visited(cast: Any) -> None:
    make_visit(cast)  # school A1 visited this term; A2 not
    titles = [t for _, t in _todos(cast.client("county_researcher").get("/").content.decode())]
    assert "1所学校本学期尚未视导" in titles
