"""Services: rubric versions, assessments, observations, coding sessions, the feedback loop."""

from __future__ import annotations

import uuid

import pytest

from core.models import AuditEvent
from observe import services
from observe.errors import ObservationError
from observe.models import Assessment, CodingSession, Notification, Observation, RubricTemplate, VersionStatus
from observe.rubrics import TreeError
from tests.conftest import Cast
from tests.observe.conftest import full_ratings, general_version, record


def test_builtin_templates_loaded_by_migration(db: None) -> None:
    keys = set(RubricTemplate.objects.filter(is_builtin=True).values_list("key", flat=True))
    assert keys == {"LESSON.GENERAL", "LICC", "GROUP.RUBRIC"}
    group = RubricTemplate.objects.get(key="GROUP.RUBRIC").published_version()
    assert group is not None and group.total_points == 100 and len(group.nodes) == 9
    licc = RubricTemplate.objects.get(key="LICC").published_version()
    assert licc is not None and licc.total_points is None


def test_assessment_scores_levels_points_yesno(cast: Cast) -> None:
    v = general_version()
    ratings = {**full_ratings(v, "良"), "1.1.1": {"level": "优"}, "2.1.1": {"yes": "1"}, "3.2.1": {"value": "4"},
               "7.1.1": {"level": "差", "comment": "特色不明显"}}
    a = services.assessment_save(actor=None, version=v, ratings=ratings)
    assert a.dimension_scores["1"]["score"] == pytest.approx(3 + 0.8 * 3 + 0.8 * 4)
    assert a.dimension_scores["3"]["score"] == pytest.approx(0.8 * 10 + 4 + 5)
    assert a.dimension_scores["7"]["score"] == 4
    assert a.is_complete and a.rated_count == a.item_count == 22
    assert a.total == pytest.approx(sum(d["score"] for d in a.dimension_scores.values()))
    assert a.band == "良好"
    assert a.ratings["7.1.1"]["comment"] == "特色不明显"


@pytest.mark.parametrize(("ratings", "message"), [
    ({"3.2.1": {"value": "6"}}, "3.2.1 讲练结合，学生活动时间充足：分数应在 0 到 5 之间"),
    ({"3.2.1": {"value": "abc"}}, "分数应为数字"),
    ({"1.1.1": {"level": "甲"}}, "等级应为优、良、中、差之一"),
])
def test_assessment_refuses_bad_ratings_naming_the_item(cast: Cast, ratings: dict[str, dict[str, str]], message: str) -> None:
    with pytest.raises(ObservationError, match=message) as exc:
        services.assessment_save(actor=None, version=general_version(), ratings=ratings)
    assert exc.value.field is not None and exc.value.field.startswith("r_")


def test_editing_a_template_makes_a_new_version_and_keeps_old_scores(cast: Cast) -> None:
    builtin = general_version()
    t = services.template_create(actor=cast.users["county_admin"], owner=cast.county_a, name="小店区课堂评价表",
                                 copy_of=builtin)
    v1 = t.versions.get()
    services.version_publish(actor=None, version=v1)
    scored = services.assessment_save(actor=None, version=v1, ratings=full_ratings(v1))
    assert scored.total == 100
    draft = services.version_draft(actor=None, template=t)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    nodes = draft.nodes
    nodes[6]["title"] = "教学创新"
    services.version_save(actor=None, version=draft, scoring=draft.scoring, nodes=nodes, note="改名")
    services.version_publish(actor=None, version=draft)
    v1.refresh_from_db()
    scored.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.nodes[6]["title"] == "教学特色"
    assert scored.version_id == v1.pk and scored.total == 100
    assert t.published_version() == draft
    with pytest.raises(ObservationError, match="已发布的版本不能修改"):
        services.version_save(actor=None, version=draft, scoring=draft.scoring, nodes=nodes)


def test_version_save_checks_points_add_up(cast: Cast) -> None:
    t = services.template_create(actor=None, owner=cast.school_a1, name="校本评价表")
    draft = t.versions.get()
    nodes = draft.nodes
    nodes[0]["children"][0]["points"] = 90
    with pytest.raises(TreeError, match="下级合计"):
        services.version_save(actor=None, version=draft, scoring=draft.scoring, nodes=nodes)


def test_record_submit_notifies_teacher_and_audits(cast: Cast) -> None:
    obs = record(cast, "principal", "teacher", ratings=full_ratings(general_version()))
    assert obs.is_submitted and obs.submitted_at is not None
    assert obs.assessment is not None and obs.assessment.total == 100
    note = Notification.objects.get(recipient=cast.people["teacher"])
    assert "荷塘月色" in note.title and note.observation == obs
    assert AuditEvent.objects.filter(model="observe.Observation", object_id=str(obs.pk), action="create").exists()


def test_sync_is_idempotent_by_client_uuid(cast: Cast) -> None:
    key = str(uuid.uuid4())
    data = services.ObservationData(teacher=cast.people["teacher"], school=cast.school_a1,
                                    date=__import__("datetime").date(2026, 10, 1), topic="草稿")
    a = services.observation_record(actor=None, observer=cast.people["principal"], data=data, client_uuid=key)
    data.topic = "第二次同步"
    b = services.observation_record(actor=None, observer=cast.people["principal"], data=data, client_uuid=key)
    assert a.pk == b.pk and Observation.objects.count() == 1
    assert Observation.objects.get().topic == "第二次同步"
    with pytest.raises(ObservationError, match="其他听课人"):
        services.observation_record(actor=None, observer=cast.people["vice_principal"], data=data, client_uuid=key)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("topic", "", "课题：提交前请填写课题"),
    ("subject", None, "学科：提交前请选择学科"),
])
def test_submit_requires_fields(cast: Cast, field: str, value: str | None, message: str) -> None:
    obs = record(cast, "principal", "teacher", submit=False)
    data = services.ObservationData(teacher=obs.teacher, school=obs.school, date=obs.date, subject=obs.subject,
                                    topic=obs.topic, strengths="好")
    setattr(data, field, value)
    with pytest.raises(ObservationError, match=message):
        services.observation_record(actor=None, observer=obs.observer, data=data, client_uuid=obs.client_uuid,
                                    submit=True)


def test_cannot_observe_self(cast: Cast) -> None:
    with pytest.raises(ObservationError, match="不能给自己听课"):
        record(cast, "teacher", "teacher")


def test_observed_teacher_must_work_at_a_school(cast: Cast) -> None:
    """The rule lives in the service, so the page, the API and the demo all get it."""
    with pytest.raises(ObservationError, match="该人员不在学校任职") as exc:
        record(cast, "principal", "county_researcher")
    assert exc.value.field == "teacher"
    assert not Observation.objects.exists()


def test_coding_sessions_keep_analysis(cast: Cast) -> None:
    obs = record(cast, "principal", "teacher", coding=[
        services.CodingData("ST", list("TTTSSTTTTSSSSTTSTTTT")),
        services.CodingData("FIAS", ["5", "5", "5", "4", "8", "8", "2", "5", "5", "4", "9", "9", "3", "5", "6", "10", "10", "8", "4", "8"])])
    st = CodingSession.objects.get(observation=obs, scheme_key="ST")
    # analytics.md §1.5 worked example: Rt 0.65, Ch 0.30, 混合型.
    assert st.rt == pytest.approx(0.65) and st.ch == pytest.approx(0.30) and st.mode == "mixed"
    assert st.interval_seconds == 30 and st.mode_label == "混合型"
    fias = CodingSession.objects.get(observation=obs, scheme_key="FIAS")
    assert fias.n == 20 and fias.result["charts"]["heatmap"]["x"][0] == "1"
    with pytest.raises(ObservationError, match="课堂编码"):
        services.coding_session_save(actor=None, observation=obs, data=services.CodingData("ST", ["X", "T"]))


def test_feedback_loop(cast: Cast) -> None:
    obs = record(cast, "principal", "teacher")
    services.observation_mark_read(actor=cast.users["teacher"], observation=obs)
    assert obs.read_at is not None
    assert not Notification.objects.filter(recipient=cast.people["teacher"], read_at__isnull=True).exists()
    services.observation_acknowledge(actor=cast.users["teacher"], observation=obs)
    services.observation_reflect(actor=cast.users["teacher"], observation=obs, text="提问要分层设计。")
    obs.refresh_from_db()
    assert obs.acknowledged_at is not None and obs.reflection == "提问要分层设计。"
    titles = list(Notification.objects.filter(recipient=cast.people["principal"]).values_list("title", flat=True))
    assert any("已确认" in t for t in titles) and any("教学反思" in t for t in titles)
    with pytest.raises(ObservationError, match="教学反思：请填写"):
        services.observation_reflect(actor=None, observation=obs, text="  ")


def test_release_only_for_developmental(cast: Cast) -> None:
    dev = record(cast, "principal", "teacher", purpose="developmental")
    services.observation_release(actor=None, observation=dev)
    assert dev.released_at is not None and dev.feeds_appraisal
    ev = record(cast, "principal", "teacher", purpose="evaluative")
    with pytest.raises(ObservationError):
        services.observation_release(actor=None, observation=ev)


def test_assessment_keeps_version_on_resync(cast: Cast) -> None:
    obs = record(cast, "principal", "teacher", submit=False, ratings={"1.1.1": {"level": "优"}})
    assert Assessment.objects.count() == 1
    data = services.ObservationData(teacher=obs.teacher, school=obs.school, date=obs.date, subject=obs.subject,
                                    topic=obs.topic, strengths="好")
    services.observation_record(actor=None, observer=obs.observer, data=data, client_uuid=obs.client_uuid,
                                version=general_version(), ratings={"1.1.1": {"level": "良"}})
    a = Assessment.objects.get()
    assert a.ratings["1.1.1"]["level"] == "良" and a.total is None and a.rated_count == 1
