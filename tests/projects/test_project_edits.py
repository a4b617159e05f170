"""Correcting a project's basic fields and its team: the leader while the application awaits
approval, the approving body after it; the level and planned end change only before 立项, the
number only after it; members' parts and removal by the leader; all audited, forms keep input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from core.models import AuditEvent
from projects import services as svc
from projects.errors import ProjectError
from projects.models import ProjectMember
from tests.projects.fixtures import make_project, run_to

pytestmark = pytest.mark.django_db


def _form(p: Any, **changes: str) -> dict[str, str]:
    data = {"title": p.title, "level": p.level, "subject": "", "stage": p.stage,
            "planned_end": f"{p.planned_end:%Y-%m-%d}", "summary": p.summary, "number": p.number}
    data.update(changes)
    return data


def test_the_leader_corrects_an_application_and_the_change_is_audited(cast: Any) -> None:
    p = make_project(cast)
    c = cast.client("teacher")
    detail = c.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert reverse("projects:edit", args=[p.pk]) in detail
    r = c.post(reverse("projects:edit", args=[p.pk]), _form(p, title="初中语文整本书阅读的任务设计研究", level="city",
                                                          planned_end="2028-01-31"))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.title == "初中语文整本书阅读的任务设计研究" and p.level == "city" and p.approver == cast.city
    assert p.planned_end == dt.date(2028, 1, 31)
    event = AuditEvent.objects.filter(model="projects.Project", action="update", object_id=str(p.pk)).latest("id")
    assert event.old is not None
    assert event.old["title"] == "初中语文整本书阅读教学研究"


def test_after_approval_only_the_approver_edits_and_the_level_stays(cast: Any) -> None:
    p = make_project(cast)
    run_to(cast, p, "approved")
    url = reverse("projects:edit", args=[p.pk])
    assert cast.client("teacher").get(url).status_code == 404
    c = cast.client("county_researcher")
    page = c.get(url).content.decode()
    assert "立项编号" in page and "disabled" in page  # the level and planned end are shown, not offered
    r = c.post(url, _form(p, level="province", planned_end="2030-01-01", number="XD2026-017", summary="修订后的摘要"))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.level == "county" and p.number == "XD2026-017" and p.summary == "修订后的摘要"
    # The service itself refuses a level change after approval.
    with pytest.raises(ProjectError, match="立项后不能修改课题级别"):
        svc.project_update(actor=None, project=p, title=p.title, subject=None, stage="", summary="", level="city")


def test_a_refused_edit_keeps_what_was_typed(cast: Any) -> None:
    p = make_project(cast)
    make_project(cast, title="已有的课题")
    r = cast.client("teacher").post(reverse("projects:edit", args=[p.pk]),
                                    _form(p, title="已有的课题", summary="这段摘要要留着"))
    page = r.content.decode()
    assert r.status_code == 200 and "何静已申报过“已有的课题”" in page and "这段摘要要留着" in page
    r = cast.client("teacher").post(reverse("projects:edit", args=[p.pk]), _form(p, planned_end="2026-01-01"))
    assert "计划结题日期：须晚于申报日期" in r.content.decode()


def test_the_leader_changes_a_members_part_and_removes_them(cast: Any) -> None:
    p = make_project(cast)
    m = svc.member_add(actor=None, project=p, person=cast.people["group_leader"], task="文献综述")
    c = cast.client("teacher")
    detail = c.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert reverse("projects:member_edit", args=[m.pk]) in detail
    assert cast.client("group_leader").get(reverse("projects:member_edit", args=[m.pk])).status_code == 404
    r = c.post(reverse("projects:member_edit", args=[m.pk]), {"role": "core", "task": "课例研究"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.role, m.task) == ("core", "课例研究")
    page = c.get(reverse("projects:member_remove", args=[m.pk])).content.decode()
    assert "确定将" in page and "冯志刚" in page
    assert c.post(reverse("projects:member_remove", args=[m.pk])).status_code == 302
    assert not ProjectMember.objects.filter(pk=m.pk).exists()
    assert AuditEvent.objects.filter(model="projects.ProjectMember", action__in=["update", "delete"]).count() == 2


def test_nothing_changes_once_concluded(cast: Any) -> None:
    p = make_project(cast)
    m = svc.member_add(actor=None, project=p, person=cast.people["group_leader"])
    run_to(cast, p, "concluded")
    assert cast.client("county_researcher").get(reverse("projects:edit", args=[p.pk])).status_code == 404
    r = cast.client("teacher").post(reverse("projects:member_remove", args=[m.pk]), follow=True)
    assert "不能再调整成员" in r.content.decode() and ProjectMember.objects.filter(pk=m.pk).exists()
