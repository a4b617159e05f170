"""The governance pages and API as users meet them: a refused meeting form keeps what was typed;
a decision turned into a task from the meeting's page; the plan's page and API rolling completion
up by level; the spending table, the form's refusal, the county's check; the 督导 data pack on a
page and in an .xlsx workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models.governance import GovTask, SpendingStatus, TaskStatus
from appraisal.services import governance as gov
from appraisal.services import governance_spending as spending

pytestmark = pytest.mark.django_db


def _meeting(cast: Any) -> Any:
    return gov.meeting_record(actor=None, region=cast.county_a, title="小店区2026年教研工作专题会议",
                              held_on=dt.date(2026, 9, 15), convened_by="区教育局局长", attendees="各校校长",
                              minutes="部署工作。", decisions=("各校建立校本教研制度",))


def test_refused_meeting_form_keeps_what_was_typed(cast: Any) -> None:
    client = cast.client("county_admin")
    response = client.post(reverse("appraisal:governance_meeting_new"), {
        "region": cast.county_a.code, "title": "小店区教研工作会议", "held_on": "2026-09-15",
        "convened_by": "局长", "attendees": "全体教研员", "minutes": "", "decisions": "一\n二"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "会议纪要：请填写纪要或上传纪要文件" in body
    assert 'value="小店区教研工作会议"' in body and "全体教研员" in body


def test_decision_becomes_a_task_from_the_meeting_page(cast: Any) -> None:
    meeting = _meeting(cast)
    decision = meeting.decisions.get()
    client = cast.client("county_admin")
    page = client.get(reverse("appraisal:governance_meeting_detail", args=[meeting.pk])).content.decode()
    assert "各校建立校本教研制度" in page and "转为任务" in page
    url = reverse("appraisal:governance_decision_task", args=[decision.pk])
    refused = client.post(url, {"node": "迎泽实验小学", "due": "2026-12-31"}).content.decode()
    assert "责任单位：没有找到“迎泽实验小学”" in refused
    response = client.post(url, {"node": "小店第一中学", "due": "2026-12-31"})
    assert response.status_code == 302
    task = GovTask.objects.get(decision=decision)
    assert task.node == cast.school_a1
    # The principal sees it among the tasks and marks it done.
    principal = cast.client("principal")
    assert "各校建立校本教研制度" in principal.get(reverse("appraisal:governance_tasks")).content.decode()
    principal.post(reverse("appraisal:governance_task_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def _pushed_plan(cast: Any) -> Any:
    plan = gov.plan_create(actor=None, region=cast.city, year=2026, title="太原测试市2026年教研工作要点",
                           items=(("开展学科教学视导", dt.date(2026, 12, 20)),))
    item = plan.items.get()
    gov.item_push(actor=None, item=item, from_node=cast.city, through=True)
    for code in ("140105", "1140105001"):
        gov.task_complete(actor=None, task=GovTask.objects.get(item=item, node__code=code), on=dt.date(2026, 10, 8))
    return plan


def test_plan_page_and_api_roll_completion_up_by_level(cast: Any) -> None:
    plan = _pushed_plan(cast)
    client = cast.client("city_researcher")
    page = client.get(reverse("appraisal:governance_plan_detail", args=[plan.pk])).content.decode()
    assert "开展学科教学视导" in page
    assert "1/2（50%）" in page  # counties: A done, B not
    assert "1/3（33%）" in page  # schools: A1 done, A2 and B1 not
    body = client.get(reverse("api-v1:appraisal_gov_plan_progress", args=[plan.pk])).json()
    levels = {lv["level"]: (lv["done"], lv["total"]) for lv in body["items"][0]["levels"]}
    assert levels == {"county": (1, 2), "school": (1, 3)}
    # County B's principal counts only what he sees: his school and the county above it.
    outside = cast.client("outside_principal").get(reverse("api-v1:appraisal_gov_plan_progress", args=[plan.pk])).json()
    assert {lv["level"]: lv["total"] for lv in outside["totals"]} == {"county": 1, "school": 1}


def test_spending_form_refuses_and_keeps_then_county_confirms(cast: Any) -> None:
    client = cast.client("principal")
    url = reverse("appraisal:governance_spending_new")
    data = {"school": cast.school_a1.code, "year": "2026", "public_funds": "100000", "training": "3000",
            "equipment": "12000", "teaching": "90000"}
    refused = client.post(url, data).content.decode()
    assert "三类支出合计105,000.00元，超过年度公用经费100,000.00元" in refused and 'value="90000"' in refused
    response = client.post(url, data | {"teaching": "40000"})
    assert response.status_code == 302
    record = cast.school_a1.spendings.get()
    detail = client.get(response["Location"]).content.decode()
    assert "待审核" in detail and "未达标，差2,000.00元" in detail and "data-testid=\"spending-check\"" not in detail
    admin = cast.client("county_admin")
    table = admin.get(reverse("appraisal:governance_spending") + "?year=2026&node=140105").content.decode()
    assert "3.0% 未达标" in table and "待您审核" in table
    admin.post(reverse("appraisal:governance_spending_check", args=[record.pk]), {"action": "confirm"})
    record.refresh_from_db()
    assert record.status == SpendingStatus.CONFIRMED
    api = admin.get(reverse("api-v1:appraisal_gov_spending_list") + "?year=2026").json()
    assert api["items"][0]["shares"]["FUND.TRAINING"] == 3.0 and api["items"][0]["meets"]["FUND.TRAINING"] is False


def test_data_pack_page_and_workbook(cast: Any) -> None:
    _meeting(cast)
    _pushed_plan(cast)
    admin = cast.users["county_admin"]
    record = spending.spending_save(actor=admin, school=cast.school_a1, year=2026, public_funds=Decimal("1000000"),
                                    training=Decimal("40000"), equipment=Decimal("120000"), teaching=Decimal("380000"))
    spending.spending_confirm(actor=admin, record=record)
    client = cast.client("county_admin")
    page = client.get(reverse("appraisal:governance_pack") + "?year=2026").content.decode()
    assert "小店区2026年教研工作专题会议" in page
    assert "教研员 2 人（专职 1，兼职 1）" in page  # the county's Chinese researcher, the part-time English one
    assert "小店第一中学" in page  # below the training floor
    response = client.get(reverse("appraisal:governance_pack_xlsx") + "?year=2026")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["工作方向", "机构与人员", "经费保障", "工作成效"]
    money = [[c.value for c in row] for row in book["经费保障"].iter_rows(min_row=4)]
    assert money[0][:4] == ["教师培训经费", "≥5%", 1, 0] and money[0][5] == "小店第一中学"
    direction = [[c.value for c in row] for row in book["工作方向"].iter_rows(min_row=4)]
    assert direction[0][:2] == ["教育行政部门召开教研工作专题会议", "1/1"]
    assert any(r[0] == "年度教研工作要点" and r[1] == "2/3" for r in direction)  # county A and its two schools
    codes = [row[0].value for row in book["工作成效"].iter_rows(min_row=4)]
    assert "FUND.TRAINING" in codes and "GOV.MEETING" in codes


def test_import_page_states_its_limits_and_the_template_downloads(cast: Any) -> None:
    client = cast.client("principal")
    page = client.get(reverse("appraisal:governance_spending_import")).content.decode()
    assert "上传限制：文件不超过 5 MB，最多 20,100 行、32 列" in page
    response = client.get(reverse("appraisal:governance_spending_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.active is not None and book.active["A1"].value == "学校标识码"


def test_each_level_is_shown_the_items_it_holds(cast: Any) -> None:
    from appraisal.services.governance_selectors import holdings

    plan = _pushed_plan(cast)
    assert [(h.node.name, h.task is None) for h in holdings(cast.users["institute_head"], plan)] == [
        ("太原测试市", True)]
    assert [h.node.name for h in holdings(cast.users["county_admin"], plan)] == ["小店测试区"]
    assert [h.node.name for h in holdings(cast.users["principal"], plan)] == ["小店第一中学"]
    assert holdings(cast.users["teacher"], plan) == []
    page = cast.client("county_admin").get(reverse("appraisal:governance_plan_detail", args=[plan.pk])).content.decode()
    assert "本单位承担的任务" in page and "逐级下达到学校" in page
