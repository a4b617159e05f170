"""Issue 10 "Lesson observation fixes" over HTTP and the services: the incomplete-rubric
warning and what the teacher then sees (detail, archive, Word export, API); the coding settings
kept with the draft and the record; the teacher picker; templates offered by the lesson's subject
and stage; names, not identifiers, on observe pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from typing import Any

import pytest
from django.urls import reverse

from core import services as core_services
from core.models import Person, Role, Subject
from observe import services
from observe.errors import IncompleteRubricError
from observe.models import CodingSession, Observation
from tests.conftest import Cast
from tests.observe.conftest import full_ratings, general_version, record


def _post(cast: Cast, **over: Any) -> dict[str, Any]:
    data = {"client_uuid": str(uuid.uuid4()), "teacher": f"何静（{cast.people['teacher'].code}）",
            "subject": "chinese", "topic": "背影", "date": "2026-11-20", "period": "2", "grade": "8",
            "class_name": "3班", "kind": "push_in", "purpose": "evaluative", "strengths": "朗读指导到位",
            "problems": "小组合作流于形式", "suggestions": "", "overall_grade": "good",
            "rubric": str(general_version().pk), "r_1.1.1": "优", "rc_1.1.1": "目标清楚", "r_3.2.1": "4",
            "action": "submit"}
    data.update(over)
    return data


# ---------------------------------------------------------------- incomplete rubric


def test_service_refuses_an_incomplete_rubric_on_submit_unless_confirmed(cast: Cast) -> None:
    with pytest.raises(IncompleteRubricError) as exc:
        record(cast, "principal", "teacher", ratings={"1.1.1": {"level": "优"}}, confirm_incomplete=False)
    assert (exc.value.rated, exc.value.items) == (1, 22)
    assert "1.1.2" in {code for code, _ in exc.value.unrated} and "还有 21 项未评分" in exc.value.message
    assert not Observation.objects.exists()
    # A draft may be incomplete (it is saved mid-lesson).
    draft = record(cast, "principal", "teacher", submit=False, ratings={"1.1.1": {"level": "优"}},
                   confirm_incomplete=False)
    assert draft.assessment is not None and draft.assessment.total is None
    obs = record(cast, "principal", "group_leader", subject="math", ratings={"1.1.1": {"level": "优"}})
    assert obs.is_submitted and obs.assessment is not None
    assert obs.assessment.total is None and obs.assessment.band == ""
    assert obs.assessment.incomplete_text == "评分未完成（已评 1 / 22 项）"


def test_form_warns_lists_unscored_items_and_keeps_input(cast: Cast) -> None:
    c = cast.client("principal")
    r = c.post(reverse("observe:new"), _post(cast, strengths="要保留的优点"))
    body = r.content.decode()
    assert r.status_code == 400 and not Observation.objects.exists()
    assert "评分量表尚未评完：已评 2 / 22 项" in body and 'data-testid="confirm-incomplete"' in body
    assert 'data-code="1.1.2" data-unrated' in body and 'data-code="1.1.1" data-unrated' not in body
    assert "要保留的优点" in body and 'value="4"' in body and "目标清楚" in body
    r = c.post(reverse("observe:new"), _post(cast, confirm_incomplete="1"))
    assert r.status_code == 302
    obs = Observation.objects.get()
    assert obs.is_submitted and obs.assessment is not None and obs.assessment.total is None


def test_teacher_sees_incomplete_not_a_failing_total_anywhere(cast: Cast) -> None:
    from docx import Document

    obs = record(cast, "principal", "teacher", ratings={"1.1.1": {"level": "优"}}, topic="背影")
    t = cast.client("teacher")
    detail = t.get(reverse("observe:detail", args=[obs.pk])).content.decode()
    assert "评分未完成（已评 1 / 22 项）" in detail and "不合格" not in detail
    archive = t.get(reverse("observe:archive", args=[cast.people["teacher"].code])).content.decode()
    assert "评分未完成（已评 1 / 22 项）" in archive and "3分" not in archive and "不合格" not in archive
    docx = t.get(reverse("observe:archive_docx", args=[cast.people["teacher"].code]))
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join([p.text for p in doc.paragraphs] + [cell.text for t in doc.tables for r in t.rows for cell in r.cells])
    assert "评分未完成（已评 1 / 22 项）" in text and "不合格" not in text and "3分" not in text
    api = cast.client("principal").get(f"/api/v1/observe/observations/{obs.pk}").json()
    assert api["total"] is None and api["band"] == "" and api["rubric_complete"] is False
    assert api["rubric_status"] == "评分未完成（已评 1 / 22 项）"


def test_incomplete_rubric_still_counts_toward_the_quota(cast: Cast) -> None:
    from observe.quotas import quota_report

    record(cast, "principal", "teacher", ratings={"1.1.1": {"level": "优"}})
    report = quota_report(cast.users["principal"], cast.school_a1, cast.term)
    mine = next(r for r in report.leaders if r.person_id == cast.people["principal"].pk)
    assert mine.count == 1


def test_migration_takes_partial_totals_off_stored_assessments(cast: Cast) -> None:
    import importlib

    from django.apps import apps

    from observe.models import Assessment

    migration = importlib.import_module("observe.migrations.0004_rubric_completeness_coding_settings_template_fit")
    # As stored before the fix: one item rated, "3 / 100（不合格）".
    old = Assessment.objects.create(version=general_version(), ratings={"1.1.1": {"level": "优", "comment": ""}},
                                    dimension_scores={"1": {"title": "教学目标", "score": 3, "max": 10}}, total=3,
                                    band="不合格")
    full = services.assessment_save(actor=None, version=general_version(), ratings=full_ratings(general_version()))
    migration.rescore(apps, None)
    old.refresh_from_db()
    full.refresh_from_db()
    assert old.total is None and old.band == "" and (old.rated_count, old.item_count) == (1, 22)
    assert old.dimension_scores["1"]["score"] is None
    assert full.total == 100 and full.is_complete


def test_complete_rubric_still_shows_total_and_band(cast: Cast) -> None:
    obs = record(cast, "principal", "teacher", ratings=full_ratings(general_version(), "良"))
    a = obs.assessment
    assert a is not None and a.is_complete and a.total == 85 and a.band == "优秀"
    archive = cast.client("teacher").get(reverse("observe:archive", args=[cast.people["teacher"].code]))
    assert "85分，优秀" in archive.content.decode()


def test_api_submit_of_an_incomplete_rubric_needs_confirmation(cast: Cast) -> None:
    c = cast.client("principal")
    payload = {"teacher": cast.people["teacher"].code, "date": "2026-11-20", "topic": "背影", "strengths": "好",
               "rubric_version": general_version().pk, "ratings": {"1.1.1": {"level": "优"}}, "submit": True,
               "purpose": "evaluative"}
    r = c.post("/api/v1/observe/observations", payload, content_type="application/json")
    assert r.status_code == 422 and "未评分" in json.dumps(r.json(), ensure_ascii=False)
    r = c.post("/api/v1/observe/observations", {**payload, "confirm_incomplete": True},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["total"] is None and r.json()["rated_items"] == 1


def test_incomplete_scores_stay_out_of_the_analysis_inputs(cast: Cast) -> None:
    from observe.selectors import ObservationFilter, scored_rows

    record(cast, "principal", "teacher", ratings={"1.1.1": {"level": "优"}})
    record(cast, "principal", "teacher", ratings=full_ratings(general_version()))
    rows = scored_rows(cast.users["principal"], ObservationFilter(cast.school_a1.path), dt.date(2026, 9, 1),
                       dt.date(2027, 1, 20))
    assert [row[-1] for row in rows] == [100]


# ---------------------------------------------------------------- coding settings


def test_coding_settings_are_stored_and_drive_the_analysis(cast: Cast) -> None:
    c = cast.client("principal")
    settings = json.dumps({"mode": "tap", "st_interval": 2, "fias_interval": 3, "dialogue": False, "tab": "st"})
    data = _post(cast, action="save", coding_st="TTTSSTTTTSSSSTTSTTTT", coding_st_scheme="ST",
                 coding_settings=settings)
    r = c.post(reverse("observe:new"), data)
    assert r.status_code == 302
    obs = Observation.objects.get()
    assert obs.coding_settings["mode"] == "tap" and obs.coding_settings["st_interval"] == 2
    st = CodingSession.objects.get(observation=obs)
    assert st.interval_seconds == 2 and st.result["duration_seconds"] == 40
    # The edit page (a reload on another device) carries the settings back to the form.
    edit = c.get(reverse("observe:edit", args=[obs.pk])).content.decode()
    assert "&quot;st_interval&quot;: 2.0" in edit and "&quot;mode&quot;: &quot;tap&quot;" in edit
    r = c.post(reverse("observe:edit", args=[obs.pk]), {**data, "action": "submit", "confirm_incomplete": "1"})
    assert r.status_code == 302
    detail = c.get(reverse("observe:detail", args=[obs.pk])).content.decode()
    assert "采样间隔 <span data-testid=\"coding-interval\">2</span> 秒，逐次记录" in detail
    found = re.search(r'<script id="chart-\d+-st" type="application/json">(.*?)</script>', detail)
    assert found is not None
    axis = json.loads(found.group(1))["xAxis"]
    assert axis["name"] == "教师行为 T（秒）" and axis["max"] == 40


def test_bad_interval_is_refused_in_chinese(cast: Cast) -> None:
    r = cast.client("principal").post(reverse("observe:new"), _post(
        cast, coding_st="TTSS", coding_settings=json.dumps({"st_interval": 0})))
    assert r.status_code == 400 and "S-T 采样间隔：应在 1 到 120 秒之间" in r.content.decode()


# ---------------------------------------------------------------- teacher picker


def _teacher(cast: Cast, code: str, name: str, org: Any, subject: str = "chinese") -> Person:
    p = core_services.person_create(actor=None, code=code, name=name, org=org, stage="junior",
                                    main_subject=Subject.objects.get(code=subject))
    core_services.post_create(actor=None, person=p, role=Role.TEACHER, org=org, subject=p.main_subject,
                              start=dt.date(2020, 9, 1))
    return p


@pytest.mark.parametrize("typed", ["黄雨", "huangyu", "HuangYu", "hy"])
def test_picker_accepts_exact_name_pinyin_and_initials(cast: Cast, typed: str) -> None:
    huang = _teacher(cast, "T90001", "黄雨", cast.school_a1)
    _teacher(cast, "T90002", "黄雨", cast.school_b1)  # outside the principal's school: never matched
    r = cast.client("principal").post(reverse("observe:new"), _post(cast, teacher=typed, confirm_incomplete="1"))
    assert r.status_code == 302, r.content.decode()
    assert Observation.objects.get().teacher == huang


def test_picker_lists_several_matches_to_choose_from(cast: Cast) -> None:
    _teacher(cast, "T90001", "黄雨", cast.school_a1)
    hu = _teacher(cast, "T90003", "胡宇", cast.school_a1)
    c = cast.client("principal")
    form = c.get(reverse("observe:new")).content.decode()
    assert '<option value="黄雨（T90001）" data-subject="chinese">小店第一中学 · huangyu hy</option>' in form
    r = c.post(reverse("observe:new"), _post(cast, teacher="hy", confirm_incomplete="1"))
    body = r.content.decode()
    assert r.status_code == 400 and "有 2 位教师符合“hy”，请在下面选择一位" in body
    assert "黄雨（T90001）" in body and "胡宇（T90003）" in body and 'name="teacher_choice"' in body
    r = c.post(reverse("observe:new"), _post(cast, teacher="hy", teacher_choice="T90003", confirm_incomplete="1"))
    assert r.status_code == 302 and Observation.objects.get().teacher == hu


def test_picker_says_why_nobody_matched(cast: Cast) -> None:
    _teacher(cast, "T90002", "黄雨", cast.school_b1)
    r = cast.client("principal").post(reverse("observe:new"), _post(cast, teacher="黄雨"))
    body = r.content.decode()
    assert r.status_code == 400 and "授课教师：没有找到“黄雨”" in body and "所在单位及下属学校的在职教师" in body


# ---------------------------------------------------------------- templates by subject and stage


def _published(cast: Cast, name: str, subject: str | None, stage: str) -> int:
    t = services.template_create(actor=None, owner=cast.county_a, name=name, copy_of=general_version(),
                                 subject=Subject.objects.get(code=subject) if subject else None, stage=stage)
    services.version_publish(actor=None, version=t.versions.get())
    return t.versions.get().pk


def test_form_offers_templates_of_the_lessons_subject_and_stage(cast: Cast) -> None:
    math_junior = _published(cast, "初中数学课堂评价表", "math", "junior")
    _published(cast, "高中语文课堂评价表", "chinese", "senior")
    c = cast.client("principal")
    body = c.get(reverse("observe:new") + f"?teacher={cast.people['group_leader'].code}").content.decode()
    assert f'name="rubric" value="{math_junior}"' in body  # chosen by default for a junior maths lesson
    assert "高中语文课堂评价表" not in body and "课堂教学评价表" in body
    # Chinese in grade 11: the senior Chinese form fits, the junior maths one does not.
    r = c.post(reverse("observe:new"), _post(cast, grade="11", topic=""))
    body = r.content.decode()
    assert "高中语文课堂评价表" in body and "初中数学课堂评价表" not in body


def test_template_create_form_sets_subject_and_stage(cast: Cast) -> None:
    c = cast.client("county_admin")
    r = c.post(reverse("observe:templates"), {"name": "初中数学评价表", "owner": cast.county_a.code,
                                             "purpose": "lesson", "copy_of": "", "subject": "math",
                                             "stage": "junior"})
    assert r.status_code == 302
    body = c.get(reverse("observe:templates")).content.decode()
    assert "数学 · 初中" in body


# ---------------------------------------------------------------- names, not identifiers


def test_observe_pages_and_export_show_names_not_identifiers(cast: Cast) -> None:
    from docx import Document

    obs = record(cast, "principal", "teacher", ratings=full_ratings(general_version()))
    c = cast.client("principal")
    detail = c.get(reverse("observe:detail", args=[obs.pk])).content.decode()
    assert "八年级2班" in detail and "8年级" not in detail
    template = c.get(reverse("observe:template_detail", args=[general_version().template_id])).content.decode()
    for raw in ("analytics.md", "§", "[R2]", "[R3]"):
        assert raw not in template
    docx = c.get(reverse("observe:archive_docx", args=[cast.people["teacher"].code]))
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join([p.text for p in doc.paragraphs] + [cell.text for t in doc.tables for r in t.rows for cell in r.cells])
    assert "004 (" not in text and "《清远市基础教育教学质量提升计划》" in text
