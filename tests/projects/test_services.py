"""The projects services: filing, the stage machine with its documents and reviews, members,
outcomes, permissions and audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEvent
from projects import services as svc
from projects.errors import ProjectError
from projects.models import Project, ProjectStatus, Verdict
from tests.projects.fixtures import make_project, run_to

pytestmark = pytest.mark.django_db


def test_a_teacher_files_a_project_approved_by_the_body_of_its_level(cast: Any) -> None:
    teacher = cast.users["teacher"]
    p = svc.project_create(actor=teacher, title="  作文批改方式研究 ", level="county",
                           planned_end=timezone.localdate() + dt.timedelta(days=400))
    assert p.title == "作文批改方式研究" and p.leader == cast.people["teacher"]
    assert p.owner == cast.school_a1 and p.approver == cast.county_a and p.status == ProjectStatus.APPLIED
    assert list(p.steps.values_list("status", flat=True)) == ["applied"]
    assert AuditEvent.objects.filter(model="projects.Project", object_id=str(p.pk), action="create",
                                     scope_path=cast.school_a1.path).exists()
    school = svc.project_create(actor=teacher, title="校本作业设计", level="school",
                                planned_end=timezone.localdate() + dt.timedelta(days=300))
    assert school.approver == cast.school_a1
    city = svc.project_create(actor=teacher, title="市级课题", level="national",
                              planned_end=timezone.localdate() + dt.timedelta(days=300))
    assert city.approver == cast.province


def test_filing_refusals_name_the_field(cast: Any) -> None:
    teacher = cast.users["teacher"]
    end = timezone.localdate() + dt.timedelta(days=400)
    with pytest.raises(ProjectError) as e:
        svc.project_create(actor=teacher, title="", level="county", planned_end=end)
    assert e.value.field == "title" and e.value.message == "课题名称：请填写"
    with pytest.raises(ProjectError) as e:
        svc.project_create(actor=teacher, title="x", level="county", planned_end=timezone.localdate())
    assert e.value.field == "planned_end"
    with pytest.raises(ProjectError) as e:
        svc.project_create(actor=cast.users["county_researcher"], title="x", level="school", planned_end=end)
    assert e.value.field == "level" and "校级课题只能由学校申报" in e.value.message
    with pytest.raises(ProjectError):
        svc.project_create(actor=cast.users["no_post"], title="x", level="county", planned_end=end)
    svc.project_create(actor=teacher, title="重复", level="county", planned_end=end)
    with pytest.raises(ProjectError) as e:
        svc.project_create(actor=teacher, title="重复", level="county", planned_end=end)
    assert "已申报过" in e.value.message


def test_only_the_approving_body_moves_the_project(cast: Any) -> None:
    p = make_project(cast)
    svc.document_add(actor=cast.users["teacher"], project=p, kind="application", title="申报书", text="研究设计")
    for role in ("teacher", "principal", "outside_researcher", "bureau_viewer", "part_time_researcher"):
        with pytest.raises(ProjectError):
            svc.project_advance(actor=cast.users[role], project=p, target="approved")
    p = svc.project_advance(actor=cast.users["county_admin"], project=p, target="approved", number="XD2026-01",
                            is_key=True, note="同意立项")
    assert p.status == "approved" and p.approved_on == timezone.localdate() and p.is_key and p.number == "XD2026-01"
    assert p.steps.get(status="approved").note == "同意立项"
    assert AuditEvent.objects.filter(model="projects.Project", object_id=str(p.pk), action="update").exists()


def test_the_whole_line_with_documents_reviews_and_extension(cast: Any) -> None:
    p = make_project(cast, applied_on=dt.date(2025, 3, 1))
    p = run_to(cast, p, ProjectStatus.MIDTERM, dates=[dt.date(2025, 4, 1), dt.date(2025, 5, 1), dt.date(2025, 12, 1)])
    with pytest.raises(ProjectError) as e:
        svc.project_advance(actor=None, project=p, target="concluded", on=dt.date(2026, 1, 5))
    assert e.value.message == "材料：进入“结题”前须提交结题报告"
    with pytest.raises(ProjectError) as e:
        svc.project_advance(actor=None, project=p, target="extended", on=dt.date(2026, 1, 5),
                            note="实验班调整", new_end=p.planned_end)
    assert e.value.field == "new_end"
    p = svc.project_advance(actor=None, project=p, target="extended", on=dt.date(2026, 1, 5), note="实验班调整",
                            new_end=p.planned_end + dt.timedelta(days=180))
    assert p.status == "extended" and p.extended_on == dt.date(2026, 1, 5)
    with pytest.raises(ProjectError) as e:
        svc.project_advance(actor=None, project=p, target="concluded", on=dt.date(2025, 12, 30))
    svc.document_add(actor=None, project=p, kind="final", title="结题报告", text="总结")
    review = svc.review_assign(actor=cast.users["county_researcher"], project=p, stage="concluded",
                               expert=cast.people["city_researcher"])
    with pytest.raises(ProjectError) as e:
        svc.project_advance(actor=None, project=p, target="concluded", on=dt.date(2026, 2, 1))
    assert e.value.message.startswith("评审：")
    with pytest.raises(ProjectError):
        svc.review_submit(actor=cast.users["county_researcher"], review=review, score="90", verdict="pass", comments="x")
    with pytest.raises(ProjectError) as e:
        svc.review_submit(actor=cast.users["city_researcher"], review=review, score="101", verdict="pass", comments="好")
    assert e.value.field == "score"
    with pytest.raises(ProjectError) as e:
        svc.review_submit(actor=cast.users["city_researcher"], review=review, score="abc", verdict="pass", comments="好")
    assert e.value.field == "score"
    svc.review_submit(actor=cast.users["city_researcher"], review=review, score="92.5", verdict=Verdict.PASS,
                      comments="研究扎实，同意结题")
    with pytest.raises(ProjectError):
        svc.review_submit(actor=cast.users["city_researcher"], review=review, score="50", verdict="fail", comments="改")
    p = svc.project_advance(actor=None, project=p, target="concluded", on=dt.date(2026, 2, 1))
    assert p.status == "concluded" and p.concluded_on == dt.date(2026, 2, 1)
    assert [s.status for s in p.steps.all()] == ["applied", "approved", "opened", "midterm", "extended", "concluded"]
    with pytest.raises(ProjectError):
        svc.document_add(actor=None, project=p, kind="other", title="补充", text="x")


def test_members_reviewers_and_outcomes(cast: Any) -> None:
    p = make_project(cast)
    teacher = cast.users["teacher"]
    m = svc.member_add(actor=teacher, project=p, person=cast.people["group_leader"], role="core", task="课例研究")
    assert m.role == "core"
    with pytest.raises(ProjectError) as e:
        svc.member_add(actor=teacher, project=p, person=cast.people["group_leader"])
    assert e.value.field == "person" and "已在课题组中" in e.value.message
    with pytest.raises(ProjectError):
        svc.member_add(actor=teacher, project=p, person=cast.people["teacher"])
    with pytest.raises(ProjectError):  # a member may add documents, but not form the team
        svc.member_add(actor=cast.users["group_leader"], project=p, person=cast.people["principal"])
    svc.document_add(actor=cast.users["group_leader"], project=p, kind="application", title="申报书", text="设计")
    with pytest.raises(ProjectError) as e:
        svc.review_assign(actor=None, project=p, stage="approved", expert=cast.people["group_leader"])
    assert "回避" in e.value.message
    with pytest.raises(ProjectError):
        svc.review_assign(actor=None, project=p, stage="opened", expert=cast.people["county_researcher"])
    with pytest.raises(ProjectError) as e:
        svc.outcome_add(actor=teacher, project=p, kind="paper", title="论文", on=dt.date(2026, 5, 1))
    assert "立项后" in e.value.message
    p = run_to(cast, p, ProjectStatus.APPROVED)
    o = svc.outcome_add(actor=cast.users["group_leader"], project=p, kind="paper", title="整本书阅读的课堂实践",
                        level="city", on=dt.date(2026, 5, 1), detail="《语文教学通讯》")
    assert o.level == "city" and Project.objects.get(pk=p.pk).outcomes.count() == 1
    with pytest.raises(ProjectError):
        svc.outcome_add(actor=cast.users["outside_teacher"], project=p, kind="paper", title="x", on=dt.date(2026, 5, 1))
    svc.member_remove(actor=teacher, member=m)
    assert not p.members.exists()


def test_uploads_are_checked_by_their_bytes(cast: Any) -> None:
    p = make_project(cast)
    bad = SimpleUploadedFile("申报书.docx", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ProjectError) as e:
        svc.document_add(actor=cast.users["teacher"], project=p, kind="application", title="申报书", upload=bad)
    assert e.value.field == "file" and "不符" in e.value.message
    pdf = SimpleUploadedFile("申报书.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    doc = svc.document_add(actor=cast.users["teacher"], project=p, kind="application", title="申报书", upload=pdf)
    assert doc.original_name == "申报书.pdf" and doc.content_type == "application/pdf" and doc.size > 0
    with pytest.raises(ProjectError) as e:
        svc.document_add(actor=cast.users["teacher"], project=p, kind="application", title="空的")
    assert e.value.field == "text"
