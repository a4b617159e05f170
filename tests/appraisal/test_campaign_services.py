"""The campaign engine through its services: stages in order by the right people, pre-fill from
the records with reasons for changes, publication with ranks and levels, objections, selection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from appraisal.models.campaigns import CampaignSubject, ObjectionStatus, StageScore
from appraisal.services import campaigns as svc
from appraisal.services.campaigns import CampaignError
from core.models import AuditEvent
from tests.appraisal.campaign_setup import PUBLISHED_ON, full_ratings, group_campaign, score_all
from tests.research.group_fixtures import activity

pytestmark = pytest.mark.django_db


def _math(c: Any) -> CampaignSubject:
    return CampaignSubject.objects.get(campaign=c, label="数学组")


def test_subjects_are_the_terms_groups_of_the_county(cast: Any) -> None:
    c = group_campaign(cast)
    assert sorted(c.subjects.values_list("label", flat=True)) == ["数学组", "英语组", "语文组"]
    assert _math(c).leader_id == cast.people["group_leader"].pk


def test_opening_needs_assessors_of_the_assigned_stage(cast: Any) -> None:
    c = svc.campaign_create(actor=None, org=cast.county_a, kind="school", title="学校考评", start=dt.date(2026, 9, 1),
                            end=dt.date(2027, 1, 15), version=group_campaign(cast, open_it=False).version)
    svc.subjects_generate(actor=None, campaign=c)
    with pytest.raises(CampaignError, match="区县评审.*还没有指定评审人"):
        svc.campaign_open(actor=None, campaign=c)


def test_a_school_cannot_organise_and_an_outsider_cannot_run(cast: Any) -> None:
    c = group_campaign(cast, open_it=False)
    with pytest.raises(CampaignError, match="组织单位"):
        svc.campaign_create(actor=None, org=cast.school_a1, kind="group", title="x", start=c.start, end=c.end,
                            version=c.version)
    with pytest.raises(CampaignError, match="只能在本人所在区域"):
        svc.campaign_create(actor=cast.users["outside_researcher"], org=cast.county_a, kind="group", title="x",
                            start=c.start, end=c.end, version=c.version)


def test_stages_go_in_order_and_only_by_their_assessors(cast: Any) -> None:
    c = group_campaign(cast)
    s = _math(c)
    ratings = full_ratings(c.version, 0.9)
    with pytest.raises(CampaignError, match="请先完成“自评”"):
        svc.stage_score_save(actor=cast.users["principal"], subject=s, stage="school", ratings=ratings)
    with pytest.raises(CampaignError, match="不是“自评”环节的评审人"):
        svc.stage_score_save(actor=cast.users["teacher"], subject=s, stage="self", ratings=ratings)
    _, prefill = svc.stage_initial(s, c.stages[0])
    reasons = {code: "据实评定" for code in prefill}
    svc.stage_score_save(actor=cast.users["group_leader"], subject=s, stage="self", ratings=ratings, reasons=reasons,
                         submit=True)
    with pytest.raises(CampaignError, match="不是“学校评价”环节的评审人"):
        svc.stage_score_save(actor=cast.users["outside_principal"], subject=s, stage="school", ratings=ratings)
    svc.stage_score_save(actor=cast.users["principal"], subject=s, stage="school", ratings=ratings, submit=True)
    with pytest.raises(CampaignError, match="不是“区县评审”环节的评审人"):
        svc.stage_score_save(actor=cast.users["outside_researcher"], subject=s, stage="district", ratings=ratings)
    svc.stage_score_save(actor=cast.users["county_researcher"], subject=s, stage="district", ratings=ratings,
                         submit=True)
    s.refresh_from_db()
    assert s.final_score == StageScore.objects.get(subject=s, stage="district").total


def test_the_records_prefill_the_meet_indicator_and_a_change_needs_a_reason(cast: Any) -> None:
    c = group_campaign(cast)
    s = _math(c)
    # Two closed two-period activities, in the first and second fortnights of the term.
    assert s.group is not None
    activity(cast, s.group, dt.date(2026, 9, 3))
    activity(cast, s.group, dt.date(2026, 9, 16))
    initial, prefill = svc.stage_initial(s, c.stages[0])
    assert prefill["4.1.1"]["source"].startswith("集中教研：")
    assert initial["4.1.1"]["value"] == prefill["4.1.1"]["value"]
    ratings = full_ratings(c.version, 1.0)
    ratings["4.1.1"] = {"value": 6, "comment": ""}
    others = {code: "据实评定" for code in prefill if code != "4.1.1"}
    if prefill["4.1.1"]["value"] != 6:
        with pytest.raises(CampaignError, match="4.1.1：与预填值"):
            svc.stage_score_save(actor=cast.users["group_leader"], subject=s, stage="self", ratings=ratings,
                                 reasons=others)
    row = svc.stage_score_save(actor=cast.users["group_leader"], subject=s, stage="self", ratings=ratings,
                               reasons={**others, "4.1.1": "另有两次校外联合教研"})
    assert row.adjustments.get("4.1.1", {}).get("reason", "另有两次校外联合教研") == "另有两次校外联合教研"
    assert row.total is not None


def test_publish_ranks_and_levels_then_an_objection_is_upheld(cast: Any) -> None:
    c = group_campaign(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    svc.campaign_publish(actor=cast.users["county_admin"], campaign=c, today=PUBLISHED_ON)
    got = {s.label: (s.rank, s.level) for s in c.subjects.all()}
    assert got == {"数学组": (1, "优秀"), "语文组": (2, "良好"), "英语组": (3, "待改进")}
    english = c.subjects.get(label="英语组")
    with pytest.raises(CampaignError, match="只有评价对象本人"):
        svc.objection_raise(actor=cast.users["group_leader"], subject=english, reason="分数偏低")
    with pytest.raises(CampaignError, match="已过期"):
        svc.objection_raise(actor=cast.users["middle_manager"], subject=english, reason="分数偏低",
                            today=PUBLISHED_ON + dt.timedelta(days=8))
    obj = svc.objection_raise(actor=cast.users["middle_manager"], subject=english, reason="资源库材料漏评",
                              today=PUBLISHED_ON + dt.timedelta(days=2))
    with pytest.raises(CampaignError, match="改后得分"):
        svc.objection_handle(actor=cast.users["county_admin"], objection=obj, upheld=True, response="复核属实")
    svc.objection_handle(actor=cast.users["county_admin"], objection=obj, upheld=True, response="复核属实，资源库加分",
                         new_score=88)
    english.refresh_from_db()
    obj.refresh_from_db()
    assert (english.final_score, english.rank, english.level) == (88, 2, "良好")
    assert obj.status == ObjectionStatus.UPHELD and obj.old_score == 50 and obj.new_score == 88
    assert c.subjects.get(label="语文组").rank == 3
    assert AuditEvent.objects.filter(model="appraisal.Objection", object_id=str(obj.pk), action="update").exists()


def test_a_rejected_objection_keeps_the_score_and_the_district_selects(cast: Any) -> None:
    c = group_campaign(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    svc.campaign_publish(actor=None, campaign=c, today=PUBLISHED_ON)
    chinese = c.subjects.get(label="语文组")
    before = chinese.final_score
    obj = svc.objection_raise(actor=cast.users["vice_principal"], subject=chinese, reason="应为优秀",
                              today=PUBLISHED_ON)
    with pytest.raises(CampaignError, match="未处理的申诉"):
        svc.selection_create(actor=None, campaign=c, kind="groups", title="优秀教研组", decided_on=PUBLISHED_ON,
                             subject_ids=[chinese.pk])
    svc.objection_handle(actor=cast.users["county_admin"], objection=obj, upheld=False, response="复核无误")
    chinese.refresh_from_db()
    assert chinese.final_score == before and chinese.level == "良好"
    math = _math(c)
    sel = svc.selection_create(actor=cast.users["county_admin"], campaign=c, kind="groups",
                               title="小店区2025—2026年度优秀教研组", decided_on=dt.date(2027, 1, 30),
                               subject_ids=[math.pk])
    assert [e.subject.label for e in sel.entries.all()] == ["数学组"]
    leaders = svc.selection_create(actor=None, campaign=c, kind="leaders", title="优秀教研组长",
                                   decided_on=dt.date(2027, 1, 30), subject_ids=[math.pk])
    assert leaders.entries.get().person == cast.people["group_leader"]
