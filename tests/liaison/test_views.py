"""The liaison pages through HTTP: a city institution runs a round from nomination to summary;
the optimiser's proposal is edited and accepted; a researcher logs days and ticks tasks; the
school agrees the plan; the attachments and the report are real files read back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import openpyxl
from django.urls import reverse

from core.models import DesignationKind, Level, OrgNode, Subject
from liaison.models import Link, LinkSource, LinkStatus, OnsiteDay, PlanStatus, Round, RoundStatus, TaskCheck
from tests.liaison.scenario import build


def _coords(node: OrgNode, lon: float, lat: float) -> None:
    OrgNode.objects.filter(pk=node.pk).update(longitude=lon, latitude=lat)


def test_organiser_runs_a_round_from_nomination_to_accepted_links(cast: Any) -> None:
    head = cast.client("institute_head")
    response = head.post(reverse("liaison:round_new"), {"institution": str(cast.city.pk), "title": "市级定点联系第二轮",
                                                         "start_year": "2026"})
    assert response.status_code == 302
    r = Round.objects.get(title="市级定点联系第二轮")
    assert (r.prep_start, r.impl_start, r.impl_end, r.summary_end) == (
        dt.date(2026, 6, 1), dt.date(2026, 9, 1), dt.date(2028, 7, 15), dt.date(2028, 8, 31))
    page = head.get(reverse("liaison:round_detail", args=[r.pk])).content.decode()
    assert "准备阶段" in page and "2028年7月15日" in page
    # County A nominates A2; a bad row is refused naming the row, and what was typed stays.
    admin = cast.client("county_admin")
    url = reverse("liaison:nomination_new", args=[r.pk])
    bad = admin.post(url, {"school": cast.school_a2.code, "need_subject_0": "math", "need_stage_0": "",
                           "need_note_0": "作业设计"}).content.decode()
    assert "第1行：请选择学段" in bad and 'value="作业设计"' in bad
    assert admin.post(url, {"school": cast.school_a2.code, "need_subject_0": "math", "need_stage_0": "primary",
                            "need_note_0": "作业设计"}).status_code == 302
    # The optimiser proposes the city maths researcher for A2, with its reasons.
    _coords(cast.city, 112.55, 37.87)
    _coords(cast.school_a2, 112.60, 37.70)
    preview = head.get(reverse("liaison:round_optimise", args=[r.pk])).content.decode()
    assert "赵丽华" in preview and "北格镇中心小学" in preview and "薄弱学校、乡村学校优先" in preview
    assert head.post(reverse("liaison:round_optimise", args=[r.pk])).status_code == 302
    link = Link.objects.get(round=r)
    assert (link.person_id, link.school_id, link.status, link.source) == (
        cast.people["city_researcher"].pk, cast.school_a2.pk, LinkStatus.PROPOSED, LinkSource.OPTIMISER)
    # The researcher is a junior-stage one: the subject matches, the stage is flagged.
    assert "学科对口（数学，学段不同）" in link.reason and "距离约19公里" in link.reason
    # The organiser edits the proposal's reason and accepts it.
    edit = reverse("liaison:link_edit", args=[link.pk])
    assert head.post(edit, {"person": cast.people["city_researcher"].code, "kind": "researcher",
                            "school": cast.school_a2.code, "subjects": ["math"], "stage": "primary",
                            "reason": "学校申请，薄弱学校优先"}).status_code == 302
    assert head.post(reverse("liaison:link_accept", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.ACCEPTED and link.reason == "学校申请，薄弱学校优先"
    assert link.source == LinkSource.OPTIMISER  # the pair is the optimiser's still
    # To summary: the phases advance, the summary is written, the report names it.
    for _ in range(2):
        head.post(reverse("liaison:round_advance", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == RoundStatus.SUMMARY


def test_link_edit_refuses_a_fifth_school_naming_the_person(cast: Any) -> None:
    s = build(cast)
    head = cast.client("institute_head")
    from tests.liaison.factories import school

    for i in range(2):
        extra = school(cast.county_a, f"114010595{i}", f"加测小学{i}")
        head.post(reverse("liaison:link_new", args=[s.round.pk]), {
            "person": cast.people["city_researcher"].code, "kind": "researcher", "school": extra.code,
            "subjects": ["math"], "stage": "primary", "reason": ""})
    fifth = school(cast.county_a, "1140105960", "第五所小学")
    page = head.post(reverse("liaison:link_new", args=[s.round.pk]), {
        "person": cast.people["city_researcher"].code, "kind": "researcher", "school": fifth.code,
        "subjects": ["math"], "stage": "primary", "reason": "第五所"}).content.decode()
    assert "赵丽华本轮已联系4所学校，不能再增加" in page and "第五所" in page


def test_researcher_logs_a_day_and_ticks_a_task(cast: Any) -> None:
    s = build(cast)
    me = cast.client("city_researcher")
    url = reverse("liaison:day_new", args=[s.link.pk])
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page = me.post(url, {"date": future, "portion": "full", "work": "听课三节"}).content.decode()
    assert "不能记录今后的日期" in page and "听课三节" in page
    shown = me.get(url).content.decode()
    uuid = shown.split('name="client_uuid" value="')[1].split('"')[0]
    assert len(uuid) == 36
    day = {"date": "2026-10-13", "portion": "half", "work": "教研活动：作业设计", "client_uuid": uuid}
    assert me.post(url, day).status_code == 302
    assert me.post(url, day).status_code == 302  # the phone sent it twice: one day
    assert OnsiteDay.objects.filter(link=s.link, date=dt.date(2026, 10, 13)).count() == 1
    tick = reverse("liaison:task_check", args=[s.link.pk])
    me.post(tick, {"task": "1", "done": "1", "evidence": ""})
    assert not TaskCheck.objects.filter(link=s.link, task=1, done=True).exists()
    me.post(tick, {"task": "1", "done": "1", "evidence": "调研报告一份"})
    assert TaskCheck.objects.get(link=s.link, task=1).evidence == "调研报告一份"
    page = me.get(reverse("liaison:link_detail", args=[s.link.pk])).content.decode()
    assert "已完成1/9" in page and "共1.5个工作日" in page


def test_school_agrees_the_plan_and_a_change_asks_again(cast: Any) -> None:
    s = build(cast)
    principal = cast.client("principal")
    assert principal.post(reverse("liaison:plan_agree", args=[s.proposed.pk])).status_code == 302
    plan = s.proposed.plan
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_by == cast.users["principal"]
    cast.client("institute_head").post(reverse("liaison:plan_edit", args=[s.proposed.pk]), {
        "school_needs": "初中数学作业设计与分层教学；青年教师课堂", "goals": "", "activities": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_onsite_page_names_the_short_and_the_map_draws_coordinates(cast: Any) -> None:
    s = build(cast)
    _coords(cast.school_a2, 112.60, 37.70)
    _coords(cast.city, 112.55, 37.87)
    head = cast.client("institute_head")
    page = head.get(reverse("liaison:round_onsite", args=[s.round.pk]) + "?term=2026-1").content.decode()
    assert "赵丽华" in page and "还差4天" in page and "1人未达到" in page
    page = head.get(reverse("liaison:round_map", args=[s.round.pk])).content.decode()
    assert "小店测试区" in page and "112.6" in page and "37.87" in page and '"lines"' in page


def test_attachments_and_report_read_back(cast: Any) -> None:
    s = build(cast)
    backbone = cast.people["teacher_a2"]
    from core.models import Designation

    Designation.objects.create(person=backbone, kind=DesignationKind.BACKBONE, level=Level.CITY)
    from liaison.services import links as link_services

    bb = link_services.link_propose(actor=None, round_=s.round, person=cast.people["teacher"], school=cast.school_a2,
                                    kind="backbone", subjects=[Subject.objects.get(code="chinese")], stage="primary",
                                    leader=cast.people["city_researcher"])
    link_services.link_accept(actor=None, link=bb)
    head = cast.client("institute_head")
    xlsx = head.get(reverse("liaison:attachment", args=[s.round.pk, "researcher", "xlsx"]))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "附件1" and rows[1][0] == "市教研室教研员联系乡镇学校名单"
    assert rows[2] == ("序号", "县（区）", "联系学校", "学段", "学科", "教研员", "所在单位", "备注")
    assert rows[3][:7] == (1, "小店测试区", "北格镇中心小学", "小学", "数学", "赵丽华", "市教研室")
    assert len(rows) == 4  # the proposal to A1 is not listed
    word = head.get(reverse("liaison:attachment", args=[s.round.pk, "backbone", "docx"]))
    d = docx.Document(io.BytesIO(word.content))
    assert [p.text for p in d.paragraphs[:2]] == ["附件2", "市教研室骨干教师联系乡镇学校名单"]
    cells = [c.text for c in d.tables[0].rows[1].cells]
    assert cells[:8] == ["1", "小店测试区", "北格镇中心小学", "小学", "语文", "何静", "小店第一中学", "赵丽华"]
    report = docx.Document(io.BytesIO(head.get(reverse("liaison:round_report", args=[s.round.pk])).content))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "太原测试市定点联系（2026—2028）工作总结报告" in text and "二、驻校工作" in text
    assert "1人未达到：赵丽华" in text or "未达到：何静、赵丽华" in text


def test_accept_all_accepts_every_proposal(cast: Any) -> None:
    s = build(cast)
    assert cast.client("institute_head").post(reverse("liaison:round_accept_all", args=[s.round.pk])).status_code == 302
    assert set(Link.objects.filter(round=s.round).values_list("status", flat=True)) == {LinkStatus.ACCEPTED}
    # An outsider gets nothing accepted and no page.
    assert cast.client("outside_researcher").post(
        reverse("liaison:round_accept_all", args=[s.round.pk])).status_code == 404


def test_zone_set_up_and_its_activity_recorded(cast: Any) -> None:
    from liaison.models import ResponsibilityZone, ZoneActivity
    from tests.liaison.scenario import kindergarten

    lead = kindergarten(cast.county_a, "1140105731", "小店实验幼儿园")
    weak = kindergarten(cast.county_a, "1140105732", "西温庄幼儿园", weak=True)
    admin = cast.client("county_admin")
    page = admin.get(reverse("liaison:zone_new")).content.decode()
    assert "西温庄幼儿园（薄弱）" in page and "迎泽" not in page
    bad = admin.post(reverse("liaison:zone_new"), {"region": str(cast.county_a.pk), "name": "南片责任区",
                                                   "lead": str(lead.pk), "members": [str(lead.pk)]}).content.decode()
    assert "牵头园不能同时是成员园" in bad and 'value="南片责任区"' in bad
    assert admin.post(reverse("liaison:zone_new"), {"region": str(cast.county_a.pk), "name": "南片责任区",
                                                    "lead": str(lead.pk), "members": [str(weak.pk)]}).status_code == 302
    zone = ResponsibilityZone.objects.get(name="南片责任区")
    url = reverse("liaison:zone_detail", args=[zone.pk])
    assert admin.post(url, {"kind": "visit", "date": "2026-11-10", "host": str(weak.pk),
                            "summary": "入园指导：区域游戏"}).status_code == 302
    assert ZoneActivity.objects.get(zone=zone).host == weak
    assert "入园指导：区域游戏" in cast.client("county_researcher").get(url).content.decode()
    assert cast.client("county_researcher").post(url, {"kind": "visit", "date": "2026-11-11", "host": str(weak.pk),
                                                       "summary": "x"}).status_code == 404


def test_round_and_link_pages_do_not_query_per_row(cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison.services import rounds as round_services
    from tests.liaison.factories import link, school

    s = build(cast)
    head = cast.client("institute_head")
    urls = [reverse("liaison:round_detail", args=[s.round.pk]), reverse("liaison:round_onsite", args=[s.round.pk]),
            reverse("liaison:round_map", args=[s.round.pk])]

    def counts() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert head.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    math = Subject.objects.get(code="math")
    for i in range(4):
        extra = school(cast.county_a, f"11401059{80 + i}", f"加测乡村小学{i}", weak=i % 2 == 0, lat=37.7, lon=112.6)
        round_services.nomination_submit(actor=None, round_=s.round, school=extra, needs=[(math, "primary", "")])
        link(s.round, cast.people["province_researcher"] if i < 2 else cast.people["county_researcher"], extra)
    after = counts()
    assert after[:2] == before[:2]
    # The map places each linker's institution once (the centre of its schools): one query per
    # new institution (the province's and the county's researchers), none per link.
    assert after[2] == before[2] + 2


def test_researcher_chooses_a_nominated_school(cast: Any) -> None:
    from liaison.models import Nomination
    from liaison.services import rounds as round_services
    from tests.liaison.factories import round_, school

    r = round_(cast.city, title="自选轮次")
    math, chinese = Subject.objects.get(code="math"), Subject.objects.get(code="chinese")
    mine = school(cast.county_a, "1140105991", "自选乡村小学")
    other = school(cast.county_a, "1140105992", "语文需求小学")
    round_services.nomination_submit(actor=None, round_=r, school=mine, needs=[(math, "primary", ""),
                                                                                (chinese, "primary", "")])
    round_services.nomination_submit(actor=None, round_=r, school=other, needs=[(chinese, "primary", "")])
    me = cast.client("city_researcher")
    page = me.get(reverse("liaison:round_detail", args=[r.pk])).content.decode()
    assert "我来联系" in page
    nom = Nomination.objects.get(round=r, school=mine)
    assert me.post(reverse("liaison:link_choose", args=[nom.pk])).status_code == 302
    link = Link.objects.get(round=r, school=mine)
    assert (link.person_id, link.status, link.source) == (cast.people["city_researcher"].pk, LinkStatus.PROPOSED,
                                                          LinkSource.CHOSEN)
    assert link.reason == "教研员自选：小学数学" and [s.code for s in link.subjects.all()] == ["math"]
    refused = me.post(reverse("liaison:link_choose", args=[Nomination.objects.get(school=other).pk]), follow=True)
    assert "语文需求小学的需求中没有您任教研的学科" in refused.content.decode()
    # A county researcher is no researcher of the city's institution.
    assert cast.client("county_researcher").post(reverse("liaison:link_choose", args=[nom.pk])).status_code == 404
