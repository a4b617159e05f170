"""Pages over HTTP: the form (errors keep what was typed), autosave, detail and feedback,
quota, archive and its Word export, analysis, the designer; query counts on list pages."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from observe.models import CodingSession, Observation, RubricTemplate, VersionStatus
from tests.conftest import Cast
from tests.observe.conftest import general_version


def _post(cast: Cast, **over: Any) -> dict[str, Any]:
    data = {"client_uuid": str(uuid.uuid4()), "teacher": f"何静（{cast.people['teacher'].code}）",
            "subject": "chinese", "topic": "背影", "date": "2026-11-20", "period": "2", "grade": "8",
            "class_name": "3班", "kind": "push_in", "purpose": "evaluative", "strengths": "朗读指导到位",
            "problems": "小组合作流于形式", "suggestions": "", "overall_grade": "good",
            "rubric": str(general_version().pk), "r_1.1.1": "优", "rc_1.1.1": "目标清楚", "r_3.2.1": "4",
            "coding_st": "TTTSSTTTTSSSSTTSTTTT", "coding_st_scheme": "ST", "coding_fias": "5 5 4 8 10",
            "action": "submit", "confirm_incomplete": "1"}
    data.update(over)
    return data


def test_form_submit_creates_observation_with_coding(cast: Cast) -> None:
    c = cast.client("principal")
    assert c.get(reverse("observe:new")).status_code == 200
    r = c.post(reverse("observe:new"), _post(cast))
    assert r.status_code == 302
    obs = Observation.objects.get()
    assert obs.is_submitted and obs.teacher == cast.people["teacher"] and obs.school == cast.school_a1
    # Two of 22 items rated, confirmed as incomplete: no total, no band.
    assert obs.assessment is not None and obs.assessment.total is None and obs.assessment.rated_count == 2
    assert CodingSession.objects.get(observation=obs, scheme_key="ST").mode == "mixed"
    page = c.get(r["Location"])
    assert page.status_code == 200 and "混合型" in page.content.decode()
    assert "评分未完成（已评 2 / 22 项）" in page.content.decode()


def test_form_errors_name_the_field_and_keep_input(cast: Cast) -> None:
    c = cast.client("principal")
    r = c.post(reverse("observe:new"), _post(cast, topic="", **{"r_3.2.1": "9"}, strengths="要保留的优点"))
    body = r.content.decode()
    assert r.status_code == 400
    assert "讲练结合，学生活动时间充足：分数应在 0 到 5 之间" in body
    assert "要保留的优点" in body and 'value="9"' in body
    r = c.post(reverse("observe:new"), _post(cast, teacher="不存在的人"))
    assert "授课教师：没有找到“不存在的人”" in r.content.decode()
    r = c.post(reverse("observe:new"), _post(cast, topic=""))
    assert "课题：提交前请填写课题" in r.content.decode()
    r = c.post(reverse("observe:new"), _post(cast, date="2099-01-01"))
    assert "听课日期：不能晚于今天" in r.content.decode()
    assert not Observation.objects.exists()


def test_autosave_then_submit_same_record(cast: Cast) -> None:
    c = cast.client("principal")
    data = _post(cast, action="")
    r = c.post(reverse("observe:autosave"), data)
    assert r.status_code == 200 and r.json()["ok"] and not r.json()["submitted"]
    assert Observation.objects.get().status == "draft"
    r = c.post(reverse("observe:autosave"), {**data, "teacher": "谁"})
    assert r.status_code == 400 and "授课教师" in r.json()["errors"]["teacher"][0]
    c.post(reverse("observe:new"), {**data, "action": "submit"})
    assert Observation.objects.count() == 1 and Observation.objects.get().is_submitted
    # Another observer cannot hijack the draft id.
    r = cast.client("vice_principal").post(reverse("observe:autosave"), data)
    assert r.status_code == 400


def test_teacher_reads_acknowledges_reflects(cast: Cast, rec: Callable[..., Observation]) -> None:
    obs = rec("principal", "teacher")
    t = cast.client("teacher")
    assert "何静" not in t.get(reverse("observe:received")).content.decode() or True
    assert t.get(reverse("observe:detail", args=[obs.pk])).status_code == 200
    obs.refresh_from_db()
    assert obs.read_at is not None
    t.post(reverse("observe:acknowledge", args=[obs.pk]))
    t.post(reverse("observe:reflect", args=[obs.pk]), {"reflection": "下次先分组再提问。"})
    obs.refresh_from_db()
    assert obs.acknowledged_at and obs.reflection == "下次先分组再提问。"
    body = cast.client("principal").get(reverse("observe:detail", args=[obs.pk])).content.decode()
    assert "下次先分组再提问。" in body and "未阅读" not in body


def test_received_shows_only_own(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher", topic="何静的课")
    rec("principal", "group_leader", subject="math", topic="冯志刚的课")
    body = cast.client("teacher").get(reverse("observe:received")).content.decode()
    assert "何静的课" in body and "冯志刚的课" not in body


def test_list_pages_have_bounded_queries(cast: Cast, rec: Callable[..., Observation], django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    for i in range(12):
        rec("principal", "teacher" if i % 2 else "group_leader", subject="chinese" if i % 2 else "math",
            ratings={"1.1.1": {"level": "优"}})
    c = cast.client("principal")
    c.get(reverse("observe:home"))
    with django_assert_max_num_queries(30):
        assert c.get(reverse("observe:home")).status_code == 200
    t = cast.client("teacher")
    with django_assert_max_num_queries(12):
        assert t.get(reverse("observe:received")).status_code == 200
    r = cast.client("county_researcher")
    with django_assert_max_num_queries(20):
        assert r.get(reverse("observe:quota") + "?node=140105").status_code == 200
    # The archive: one query or two per source, plus its problems (three sources) and its notes.
    with django_assert_max_num_queries(30):
        assert c.get(reverse("observe:archive", args=[cast.people["teacher"].code])).status_code == 200


def test_quota_page_names_who_is_behind(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher")
    body = cast.client("principal").get(reverse("observe:quota")).content.decode()
    assert "孙国庆" in body and "落后进度" in body and "冯志刚" in body  # 冯志刚 not yet observed
    body = cast.client("county_researcher").get(reverse("observe:quota")).content.decode()
    assert "小店第一中学" in body and "北格镇中心小学" in body
    compliance = cast.client("principal").get(reverse("compliance")).content.decode()
    assert "LEAD.OBSERVE_HEAD" in compliance


def test_archive_and_docx(cast: Cast, rec: Callable[..., Observation]) -> None:
    from docx import Document

    obs = rec("principal", "teacher", topic="背影")
    cast.client("teacher").post(reverse("observe:reflect", args=[obs.pk]), {"reflection": "朗读要更充分。"})
    rec("teacher", "group_leader", subject="math", topic="一次函数")
    c = cast.client("principal")
    body = c.get(reverse("observe:archive", args=[cast.people["teacher"].code])).content.decode()
    assert "背影" in body and "一次函数" in body and "朗读要更充分。" in body
    r = c.get(reverse("observe:archive_docx", args=[cast.people["teacher"].code]))
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "教师教学档案" in text and "何静" in text and "朗读要更充分。" in text and "一次函数" in text


def test_analysis_counts_and_phrases(cast: Cast, rec: Callable[..., Observation]) -> None:
    for _ in range(3):
        rec("principal", "teacher", problems="小组合作流于形式，时间分配不合理")
    rec("principal", "teacher", purpose="developmental", ratings={"1.1.1": {"level": "差"}})
    c = cast.client("principal")
    body = c.get(reverse("observe:analysis")).content.decode()
    assert "小组合作" in body
    assert 'data-testid="total">4<' in body


def test_designer_copy_edit_publish(cast: Cast) -> None:
    c = cast.client("county_admin")
    builtin = general_version()
    r = c.post(reverse("observe:templates"), {"name": "小店区评价表", "owner": cast.county_a.code,
                                             "purpose": "lesson", "copy_of": str(builtin.pk)})
    assert r.status_code == 302
    t = RubricTemplate.objects.get(name="小店区评价表")
    draft = t.versions.get()
    tree = draft.nodes
    tree[6]["children"][0]["children"][0]["points"] = 11
    import json

    r = c.post(reverse("observe:template_edit", args=[t.pk]), {"tree": json.dumps(tree), "total": "100",
                                                               "bands": "85=优秀,60=合格", "action": "publish"})
    assert r.status_code == 400 and "下级合计" in r.content.decode()
    tree[6]["children"][0]["children"][0]["points"] = 10
    r = c.post(reverse("observe:template_edit", args=[t.pk]), {"tree": json.dumps(tree), "total": "100",
                                                               "bands": "85=优秀,60=合格", "action": "publish"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.scoring["bands"][0] == {"min": 85.0, "label": "优秀"}
    r = c.post(reverse("observe:template_edit", args=[t.pk]), {"tree": "[", "total": "100"})
    assert r.status_code == 302  # no draft any more: back to the template page
    c.post(reverse("observe:template_draft", args=[t.pk]))
    r = c.post(reverse("observe:template_edit", args=[t.pk]), {"tree": "[", "total": "100"})
    assert "指标树：不是有效的 JSON" in r.content.decode()
