"""On-site writes: check records (rubric scored, deduped by client_uuid), notes, photos checked
by their bytes, anonymous questionnaires, walkthroughs by school leaders, schools' own checks."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.models import AuditEvent
from tests.visits.onsite_setup import make_visit
from visits.errors import VisitError
from visits.models import CheckRecord, QuestionnaireResponse, Visit, VisitCategory, VisitNote, Walkthrough
from visits.services import onsite

pytestmark = pytest.mark.django_db


def _check(cast: Any, **kw: Any) -> onsite.CheckData:
    values: dict[str, Any] = {"school": cast.school_a1, "item": "lesson_plan", "date": timezone.localdate(),
                              "teacher": cast.people["teacher"], "level": "good", "strengths": "教案详实"}
    values.update(kw)
    return onsite.CheckData(**values)


def test_team_member_records_a_check_and_a_resend_updates_it(cast: Any) -> None:
    visit = make_visit(cast)
    actor = cast.users["part_time_researcher"]
    first = onsite.check_record_save(actor=actor, visit=visit, data=_check(cast, client_uuid="u-1"))
    again = onsite.check_record_save(actor=actor, visit=visit,
                                     data=_check(cast, client_uuid="u-1", level="excellent"))
    assert again.pk == first.pk
    assert CheckRecord.objects.filter(visit=visit).count() == 1
    again.refresh_from_db()
    assert again.level == "excellent" and again.checker == cast.people["part_time_researcher"]
    actions = list(AuditEvent.objects.filter(model="visits.CheckRecord", object_id=str(first.pk))
                   .values_list("action", flat=True))
    assert sorted(actions) == ["create", "update"]


@pytest.mark.parametrize(("change", "message"), [
    ({"school": "school_b1"}, "不在本次视导的日程中"),
    ({"teacher": "teacher_a2"}, "不是小店第一中学的教师"),
    ({"item": "bogus"}, "检查项目"),
    ({"level": "", "strengths": ""}, "请给出等级"),
    ({"date": -5}, "应在视导期间"),
])
def test_check_refusals_name_the_field(cast: Any, change: dict[str, Any], message: str) -> None:
    visit = make_visit(cast)
    kw: dict[str, Any] = {}
    for k, v in change.items():
        if k == "school":
            kw[k] = getattr(cast, v)
        elif k == "teacher":
            kw[k] = cast.people[v]
        elif k == "date":
            kw[k] = timezone.localdate() + dt.timedelta(days=v)
        else:
            kw[k] = v
    with pytest.raises(VisitError, match=message):
        onsite.check_record_save(actor=cast.users["county_researcher"], visit=visit, data=_check(cast, **kw))
    assert not CheckRecord.objects.exists()


def test_only_the_team_and_managers_record(cast: Any) -> None:
    visit = make_visit(cast)
    for role in ("principal", "teacher", "bureau_viewer", "outside_researcher"):
        with pytest.raises(VisitError, match="只有视导组成员"):
            onsite.check_record_save(actor=cast.users[role], visit=visit, data=_check(cast))
    # The institute head manages visits organised below the province without being on the team.
    onsite.check_record_save(actor=cast.users["institute_head"], visit=visit, data=_check(cast))


def test_a_resend_cannot_move_a_record_to_another_visit(cast: Any) -> None:
    a, b = make_visit(cast), make_visit(cast, title="另一次视导")
    onsite.check_record_save(actor=cast.users["county_researcher"], visit=a, data=_check(cast, client_uuid="x"))
    with pytest.raises(VisitError, match="另一次视导"):
        onsite.check_record_save(actor=cast.users["county_researcher"], visit=b, data=_check(cast, client_uuid="x"))


def test_check_with_a_rubric_is_scored_by_observes_engine(cast: Any) -> None:
    from observe.models import RubricVersion, VersionStatus
    from observe.rubrics import leaves

    version = RubricVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("pk").first()
    assert version is not None
    items = leaves(version.nodes)
    first = items[0]
    if first["mode"] == "levels":
        rating: dict[str, Any] = {"level": first["levels"][0]["label"]}
        bad: dict[str, Any] = {"level": "不存在的等级"}
    elif first["mode"] == "points":
        rating, bad = {"value": 0}, {"value": 9999}
    else:
        rating, bad = {"yes": True}, {"yes": "也许"}
    visit = make_visit(cast)
    record = onsite.check_record_save(actor=cast.users["county_researcher"], visit=visit,
                                      data=_check(cast, rubric=version, ratings={first["code"]: rating}))
    assert record.assessment is not None
    assert record.assessment.rated_count == 1 and record.assessment.item_count == len(items)
    with pytest.raises(VisitError):
        onsite.check_record_save(actor=cast.users["county_researcher"], visit=visit,
                                 data=_check(cast, rubric=version, ratings={first["code"]: bad}))


def test_note_is_deduped_and_needs_text(cast: Any) -> None:
    visit = make_visit(cast)
    data = onsite.NoteData(school=cast.school_a1, date=timezone.localdate(), kind="teacher_forum",
                           title="青年教师座谈", text="教师反映作业批改负担重", client_uuid="n-1")
    actor = cast.users["county_researcher"]
    onsite.note_save(actor=actor, visit=visit, data=data)
    onsite.note_save(actor=actor, visit=visit, data=data)
    assert VisitNote.objects.filter(visit=visit).count() == 1
    with pytest.raises(VisitError, match="内容：请填写"):
        onsite.note_save(actor=actor, visit=visit, data=onsite.NoteData(school=cast.school_a1,
                                                                        date=timezone.localdate(), text="  "))


def _png(name: str = "课堂.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_photo_kept_and_a_disguised_file_refused(cast: Any) -> None:
    visit = make_visit(cast)
    actor = cast.users["part_time_researcher"]
    att = onsite.attachment_add(actor=actor, visit=visit, upload=_png(), school=cast.school_a1)
    assert att.size > 0 and att.school == cast.school_a1
    assert AuditEvent.objects.filter(model="visits.VisitAttachment", object_id=str(att.pk)).exists()
    fake = SimpleUploadedFile("照片.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    with pytest.raises(VisitError) as exc:
        onsite.attachment_add(actor=actor, visit=visit, upload=fake)
    assert exc.value.field == "file"
    assert visit.attachments.count() == 1


QUESTIONS: list[dict[str, Any]] = [{"text": "作业量合适吗？", "kind": "single", "options": ["偏多", "合适", "偏少"]},
             {"text": "喜欢哪些活动？", "kind": "multi", "options": ["实验", "讨论", "阅读"]},
             {"text": "课堂有趣", "kind": "scale"},
             {"text": "建议", "kind": "text"}]


def test_questionnaire_anonymous_answers_validated_and_counted(cast: Any) -> None:
    visit = make_visit(cast)
    qn = onsite.questionnaire_create(actor=cast.users["county_researcher"], visit=visit, school=cast.school_a1,
                                     audience="student", title="学生学业负担问卷", questions=QUESTIONS)
    assert [q["code"] for q in qn.questions] == ["q1", "q2", "q3", "q4"]
    onsite.questionnaire_answer(questionnaire=qn, answers={"q1": "偏多", "q2": ["阅读", "实验"], "q3": "4",
                                                            "q4": "多做实验", "who": "张三"})
    onsite.questionnaire_answer(questionnaire=qn, answers={"q1": "合适", "q2": ["讨论"], "q3": 2})
    saved = list(QuestionnaireResponse.objects.filter(questionnaire=qn).values_list("answers", flat=True))
    assert saved[0] == {"q1": "偏多", "q2": ["实验", "阅读"], "q3": 4, "q4": "多做实验"}
    results = {r["code"]: r for r in onsite.questionnaire_results(qn)}
    assert results["q1"]["options"][0] == {"label": "偏多", "count": 1, "pct": 50}
    assert results["q3"]["mean"] == 3.0
    for bad, msg in [({"q1": "很多", "q2": ["实验"], "q3": 3}, "第 1 题：所选不是本题的选项"),
                     ({"q1": "合适", "q2": [], "q3": 3}, "第 2 题：请至少选择一项"),
                     ({"q1": "合适", "q2": ["实验"], "q3": 9}, "第 3 题：请选择 1 到 5 分")]:
        with pytest.raises(VisitError, match=msg):
            onsite.questionnaire_answer(questionnaire=qn, answers=bad)
    assert qn.responses.count() == 2


def test_questionnaire_refused_after_it_closes(cast: Any) -> None:
    visit = make_visit(cast)
    qn = onsite.questionnaire_create(actor=cast.users["county_researcher"], visit=visit, school=cast.school_a1,
                                     audience="teacher", title="教师问卷", questions=QUESTIONS[:1],
                                     closes_at=timezone.now() + dt.timedelta(hours=1))
    qn.closes_at = timezone.now() - dt.timedelta(minutes=1)
    qn.save(update_fields=["closes_at"])
    with pytest.raises(VisitError, match="已截止"):
        onsite.questionnaire_answer(questionnaire=qn, answers={"q1": "合适"})


def test_questionnaire_questions_checked(cast: Any) -> None:
    visit = make_visit(cast)
    with pytest.raises(VisitError, match="第 1 题（选择题）至少要有两个选项"):
        onsite.questionnaire_create(actor=cast.users["county_researcher"], visit=visit, school=cast.school_a1,
                                    audience="student", title="问卷", questions=[{"text": "？", "kind": "single",
                                                                                 "options": ["是"]}])
    parsed = onsite.parse_questions("作业多吗？ | 单选 | 多/少\n\n喜欢吗？ | 量表\n建议")
    assert [q["kind"] for q in parsed] == ["single", "scale", "text"]
    with pytest.raises(VisitError, match="第 1 行的题型"):
        onsite.parse_questions("作业多吗？ | 判断 | 是/否")


def _walk(cast: Any, **kw: Any) -> onsite.WalkthroughData:
    values: dict[str, Any] = {"school": cast.school_a1, "date": timezone.localdate(), "period": 2,
                              "class_name": "初二(3)班", "teacher": cast.people["teacher"], "seen": "学生专注",
                              "client_uuid": "w-1"}
    values.update(kw)
    return onsite.WalkthroughData(**values)


def test_walkthrough_by_a_leader_deduped(cast: Any) -> None:
    leader = cast.people["middle_manager"]
    onsite.walkthrough_save(actor=cast.users["middle_manager"], leader=leader, data=_walk(cast))
    onsite.walkthrough_save(actor=cast.users["middle_manager"], leader=leader, data=_walk(cast, has_problem=True))
    assert Walkthrough.objects.count() == 1 and Walkthrough.objects.get().has_problem


@pytest.mark.parametrize(("role", "kw", "message"), [
    ("group_leader", {}, "不是小店第一中学的校级领导或中层干部"),
    ("principal", {"teacher": "teacher_a2"}, "不是小店第一中学的教师"),
    ("principal", {"period": 13}, "节次"),
    ("principal", {"seen": " "}, "巡课情况"),
])
def test_walkthrough_refusals(cast: Any, role: str, kw: dict[str, Any], message: str) -> None:
    if "teacher" in kw:
        kw["teacher"] = cast.people[kw["teacher"]]
    with pytest.raises(VisitError, match=message):
        onsite.walkthrough_save(actor=cast.users[role], leader=cast.people[role], data=_walk(cast, **kw))


def test_walkthrough_only_for_oneself(cast: Any) -> None:
    with pytest.raises(VisitError, match="只能记录本人"):
        onsite.walkthrough_save(actor=cast.users["principal"], leader=cast.people["vice_principal"], data=_walk(cast))


def test_school_check_created_with_group_leaders(cast: Any) -> None:
    today = timezone.localdate()
    visit = onsite.school_check_create(actor=cast.users["principal"], school=cast.school_a1, title="十二月常规检查",
                                       start=today, end=today, team=[cast.people["group_leader"]])
    assert visit.category == VisitCategory.SCHOOL_CHECK and visit.organiser == cast.school_a1
    assert visit.lead == cast.people["principal"]
    assert set(visit.members.values_list("person__name", flat=True)) == {"孙国庆", "冯志刚"}
    # The group leader, on the team, records at the school.
    onsite.check_record_save(actor=cast.users["group_leader"], visit=visit, data=_check(cast, level="fail",
                                                                                       problems="教案无反思"))
    with pytest.raises(VisitError, match="不是本校的教研组长"):
        onsite.school_check_create(actor=cast.users["principal"], school=cast.school_a1, title="检查",
                                   start=today, end=today, team=[cast.people["teacher"]])
    with pytest.raises(VisitError, match="只有本校校长或教学副校长"):
        onsite.school_check_create(actor=cast.users["middle_manager"], school=cast.school_a1, title="检查",
                                   start=today, end=today, team=[cast.people["group_leader"]])
    with pytest.raises(VisitError, match="只有本校校长或教学副校长"):
        onsite.school_check_create(actor=cast.users["outside_principal"], school=cast.school_a1, title="检查",
                                   start=today, end=today, team=[cast.people["group_leader"]])
    assert Visit.objects.filter(category=VisitCategory.SCHOOL_CHECK).count() == 1


def test_walkthroughs_visible_to(cast: Any) -> None:
    from visits.access import walkthroughs_visible_to

    onsite.walkthrough_save(actor=cast.users["middle_manager"], leader=cast.people["middle_manager"],
                            data=_walk(cast))
    seeing = {role for role in cast.users if walkthroughs_visible_to(cast.users[role]).exists()}
    assert seeing == {"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                      "part_time_researcher", "bureau_viewer", "county_admin", "principal", "vice_principal",
                      "middle_manager", "teacher"}


def test_bulletin_drafted_from_a_school_checks_records(cast: Any) -> None:
    from visits.bulletin import draft_sections

    today = timezone.localdate()
    visit = onsite.school_check_create(actor=cast.users["principal"], school=cast.school_a1, title="常规检查",
                                       start=today, end=today, team=[cast.people["group_leader"]])
    gl = cast.users["group_leader"]
    onsite.check_record_save(actor=gl, visit=visit, data=_check(cast, level="excellent", strengths="教案详实"))
    onsite.check_record_save(actor=gl, visit=visit, data=_check(cast, item="marking", level="fail",
                                                                teacher=cast.people["middle_manager"],
                                                                strengths="", problems="批改无评语"))
    s = draft_sections(onsite.bulletin_rows(visit), school=cast.school_a1.name)
    assert "教案：何静表现突出，教案详实" in s["strengths"]
    assert "作业批改：郑红梅评定为需改进，批改无评语" in s["problems"]
