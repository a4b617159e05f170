"""The projects pages: list and filters, filing with errors kept, a project's page and its
actions, the expert's review, the yearly counts with their workbook, the teacher archive."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects import services as svc
from projects.models import Project
from tests.projects.fixtures import make_project, run_to

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_level_status_and_year(cast: Any) -> None:
    make_project(cast, title="县级阅读课题", level="county")
    p = make_project(cast, title="校级作业课题", level="school", applied_on=dt.date(2025, 3, 1))
    run_to(cast, p, "approved", dates=[dt.date(2025, 4, 1)])
    c = cast.client("teacher")
    body = c.get(reverse("projects:home")).content.decode()
    assert "县级阅读课题" in body and "校级作业课题" in body
    body = c.get(reverse("projects:home") + "?level=school").content.decode()
    assert "县级阅读课题" not in body and "校级作业课题" in body
    body = c.get(reverse("projects:home") + "?status=applied").content.decode()
    assert "县级阅读课题" in body and "校级作业课题" not in body
    body = c.get(reverse("projects:home") + "?year=2025").content.decode()
    assert "县级阅读课题" not in body and "校级作业课题" in body
    assert "县级阅读课题" not in cast.client("outside_teacher").get(reverse("projects:home")).content.decode()
    body = cast.client("county_admin").get(reverse("projects:home") + "?side=managed").content.decode()
    assert "县级阅读课题" in body and "校级作业课题" not in body  # a school's own project is the school's


def test_filing_keeps_what_was_typed_on_error(cast: Any) -> None:
    c = cast.client("teacher")
    r = c.post(reverse("projects:new"), {"title": "整本书阅读", "level": "county", "planned_end": "2020-01-01",
                                         "summary": "我的摘要", "application": "研究设计正文"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "计划结题日期：须晚于申报日期" in body and "我的摘要" in body and "研究设计正文" in body
    end = (timezone.localdate() + dt.timedelta(days=500)).isoformat()
    r = c.post(reverse("projects:new"), {"title": "整本书阅读", "level": "county", "planned_end": end,
                                         "summary": "我的摘要", "application": "研究设计正文"})
    p = Project.objects.get(title="整本书阅读")
    assert r.status_code == 302 and r["Location"] == reverse("projects:detail", args=[p.pk])
    assert p.documents.get().kind == "application"
    assert cast.client("no_post").get(reverse("projects:new")).status_code == 404


def test_the_approving_body_moves_the_project_on_its_page(cast: Any) -> None:
    p = make_project(cast)
    admin = cast.client("county_admin")
    page = admin.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert 'data-testid="advance-form"' in page and "进入“立项”须有申报书" in page
    assert 'data-testid="advance-form"' not in cast.client("teacher").get(
        reverse("projects:detail", args=[p.pk])).content.decode()
    r = admin.post(reverse("projects:advance", args=[p.pk]), {"target": "approved", "note": "同意立项"})
    assert r.status_code == 400 and "材料：进入“立项”前须提交申报书" in r.content.decode()
    assert "同意立项" in r.content.decode()  # the note typed is kept
    # The leader may only withdraw the application, not approve it.
    r = cast.client("teacher").post(reverse("projects:advance", args=[p.pk]), {"target": "approved"})
    assert r.status_code == 400 and "变更为：请选择有效的选项" in r.content.decode()
    assert cast.client("group_leader").post(reverse("projects:advance", args=[p.pk]),
                                            {"target": "approved"}).status_code == 404
    teacher = cast.client("teacher")
    pdf = SimpleUploadedFile("申报书.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    r = teacher.post(reverse("projects:document_add", args=[p.pk]),
                     {"kind": "application", "title": "申报书", "file": pdf})
    assert r.status_code == 302
    doc = p.documents.get()
    served = teacher.get(reverse("projects:document_file", args=[doc.pk]))
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] == "application/pdf"
    assert cast.client("outside_teacher").get(reverse("projects:document_file", args=[doc.pk])).status_code == 404
    r = admin.post(reverse("projects:advance", args=[p.pk]), {"target": "approved", "number": "XD-1", "is_key": "on"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "approved" and p.is_key and p.number == "XD-1"
    r = admin.post(reverse("projects:set_key", args=[p.pk]), {})
    p.refresh_from_db()
    assert r.status_code == 302 and not p.is_key
    assert cast.client("teacher").post(reverse("projects:set_key", args=[p.pk]), {"is_key": "on"}).status_code == 404
    r = admin.post(reverse("projects:review_assign", args=[p.pk]), {"stage": "concluded", "expert": "张文华"})
    assert r.status_code == 302 and p.reviews.get().expert == cast.people["county_researcher"]
    r = admin.post(reverse("projects:review_assign", args=[p.pk]), {"stage": "concluded", "expert": "查无此人"})
    assert r.status_code == 400 and "评审专家：没有找到“查无此人”" in r.content.decode()
    r = teacher.post(reverse("projects:member_add", args=[p.pk]), {"person": "冯志刚", "role": "core", "task": "课例"})
    assert r.status_code == 302 and p.members.get().person == cast.people["group_leader"]
    r = teacher.post(reverse("projects:outcome_add", args=[p.pk]),
                     {"kind": "paper", "title": "课堂实践论文", "level": "city", "on": "2026-05-01"})
    assert r.status_code == 302
    page = teacher.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert "课堂实践论文" in page and "冯志刚" in page and "张文华" in page and "待评审" in page


def test_the_expert_submits_a_review(cast: Any) -> None:
    p = run_to(cast, make_project(cast), "midterm")
    review = svc.review_assign(actor=None, project=p, stage="concluded", expert=cast.people["city_researcher"])
    c = cast.client("city_researcher")
    body = c.get(reverse("projects:reviews")).content.decode()
    assert p.title in body and "待评审（1）" in body
    assert cast.client("county_researcher").get(reverse("projects:review", args=[review.pk])).status_code == 404
    r = c.post(reverse("projects:review", args=[review.pk]), {"score": "120", "verdict": "pass", "comments": "很好"})
    assert r.status_code == 400 and "评分：须在 0–100 之间" in r.content.decode() and "很好" in r.content.decode()
    r = c.post(reverse("projects:review", args=[review.pk]), {"score": "91", "verdict": "pass", "comments": "同意结题"})
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.score == 91 and review.verdict == "pass"


def test_yearly_counts_and_their_workbook(cast: Any) -> None:
    year = timezone.localdate().year
    p = make_project(cast, level="county", applied_on=dt.date(year, 1, 5))
    p = run_to(cast, p, "approved", dates=[dt.date(year, 1, 10)])
    svc.project_set_key(actor=None, project=p, is_key=True)
    make_project(cast, level="school", title="校级课题", applied_on=dt.date(year, 1, 6))
    c = cast.client("county_admin")
    page = c.get(reverse("projects:stats") + f"?node={cast.county_a.code}&year={year}").content.decode()
    assert p.title in page  # the key project of the year
    r = c.get(reverse("projects:stats_xlsx") + f"?node={cast.county_a.code}&year={year}")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    header = rows[1]
    assert header[:3] == ["级别", "申报", "立项"] and header[-2:] == ["重点课题", "年末在研"]
    by_level = {r[0]: r for r in rows[2:]}
    assert by_level["县级"][1:3] == [1, 1] and by_level["县级"][-2] == 1
    assert by_level["校级"][1:3] == [1, 0]
    assert by_level["合计"][1] == 2
    assert cast.client("teacher").get(reverse("projects:stats")).status_code == 404
    assert cast.client("outside_researcher").get(
        reverse("projects:stats") + f"?node={cast.county_a.code}").status_code == 404


def test_the_teacher_archive_shows_the_project(cast: Any) -> None:
    p = run_to(cast, make_project(cast, title="档案里的课题"), "approved")
    svc.member_add(actor=None, project=p, person=cast.people["group_leader"], role="core")
    # Applied for and approved in March 2026: the 2025—2026 school year, opened on the page.
    body = cast.client("teacher").get(reverse("observe:archive", args=[cast.people["teacher"].code])
                                      + "?year=2025").content.decode()
    assert "档案里的课题" in body and "主持人" in body
    body = cast.client("principal").get(
        reverse("observe:archive", args=[cast.people["group_leader"].code]) + "?year=2025").content.decode()
    assert "档案里的课题" in body and "核心成员" in body
    # The Word export a school files holds it too.
    import docx

    r = cast.client("teacher").get(reverse("observe:archive_docx", args=[cast.people["teacher"].code]))
    assert r.status_code == 200
    document = docx.Document(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "档案里的课题" in text


def test_the_workbench_lists_reviews_and_applications_to_handle(cast: Any) -> None:
    p = make_project(cast, title="待立项的课题")
    body = cast.client("county_admin").get(reverse("workbench")).content.decode()
    assert "1项课题申报待立项" in body
    assert "课题申报待立项" not in cast.client("teacher").get(reverse("workbench")).content.decode()
    svc.review_assign(actor=None, project=p, stage="approved", expert=cast.people["city_researcher"])
    body = cast.client("city_researcher").get(reverse("workbench")).content.decode()
    assert "1项课题评审待提交" in body and "待立项的课题" in body


def test_the_list_page_reads_in_a_bounded_number_of_queries(cast: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(12):
        make_project(cast, title=f"课题{i}")
    client = cast.client("county_admin")
    client.get(reverse("projects:home"))
    with django_assert_max_num_queries(14):
        r = client.get(reverse("projects:home"))
    assert r.content.decode().count("pj-card-title") == 12


def test_the_expert_may_score_with_a_rubric(cast: Any) -> None:
    from observe import services as observe_services
    from observe.models import RubricPurpose

    template = observe_services.template_create(actor=None, owner=cast.county_a, name="课题结题评审量表",
                                                purpose=RubricPurpose.OTHER)
    version = template.versions.get()
    observe_services.version_publish(actor=None, version=version)
    p = make_project(cast)
    review = svc.review_assign(actor=None, project=p, stage="approved", expert=cast.people["county_researcher"])
    c = cast.client("county_researcher")
    url = reverse("projects:review", args=[review.pk])
    page = c.get(url).content.decode()
    assert "课题结题评审量表" in page and 'name="r_1.1"' not in page and 'name="score"' in page
    page = c.get(f"{url}?rubric={version.pk}").content.decode()
    label = version.nodes[0]["children"][0]["levels"][0]["label"]
    assert f'name="r_1.1" value="{label}"' in page and 'name="score"' not in page
    r = c.post(url, {"rubric": version.pk, "verdict": "pass", "comments": "同意立项"})
    assert r.status_code == 400 and "评价量表：还有1项未评分" in r.content.decode()
    r = c.post(url, {"rubric": version.pk, "r_1.1": label, "rc_1.1": "选题有价值", "verdict": "pass",
                     "comments": "同意立项"})
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.assessment is not None and review.assessment.ratings["1.1"]["comment"] == "选题有价值"
    assert review.score == svc.rubric_score(review.assessment) and review.score is not None
    assert 0 <= review.score <= 100
    assert "课题结题评审量表" in c.get(url).content.decode()


def test_the_leader_withdraws_an_application_before_approval(cast: Any) -> None:
    p = make_project(cast, title="撤回的申报")
    teacher = cast.client("teacher")
    page = teacher.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert 'data-testid="withdraw-form"' in page and 'data-testid="advance-form"' not in page
    assert cast.client("group_leader").post(reverse("projects:advance", args=[p.pk]),
                                            {"target": "withdrawn", "note": "x"}).status_code == 404
    r = teacher.post(reverse("projects:advance", args=[p.pk]), {"target": "withdrawn"})
    assert r.status_code == 400 and "撤销：请填写撤销原因" in r.content.decode()
    r = teacher.post(reverse("projects:advance", args=[p.pk]), {"target": "withdrawn", "note": "调整研究方向"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "withdrawn" and p.steps.get(status="withdrawn").note == "调整研究方向"
    q = run_to(cast, make_project(cast, title="已立项的"), "approved")
    assert teacher.post(reverse("projects:advance", args=[q.pk]),
                        {"target": "withdrawn", "note": "x"}).status_code == 404
