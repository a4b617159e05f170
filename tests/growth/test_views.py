"""The growth pages over HTTP: who is short of 72 hours is named, a person sees their own hours
and not colleagues', forms keep what was typed, a programme's duty shortfall is shown, and the
teacher archive holds the growth records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from core.models import Level
from growth.models import TrainingRecord
from growth.services import programmes, records, regional


def _training(person: Any, hours: str, course: str = "研修") -> TrainingRecord:
    return TrainingRecord.objects.create(person=person, course=course, provider="省教育学院", level=Level.PROVINCE,
                                         hours=Decimal(hours), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 5))


def test_training_page_names_the_short_and_counts_sessions(cast: Any) -> None:
    _training(cast.people["county_researcher"], "72")
    _training(cast.people["teacher"], "20")
    _training(cast.people["principal"], "20")
    body = cast.client("county_admin").get(reverse("growth:training") + "?year=2026").content.decode()
    assert "未达72学时（9人，共10人）" in body and "何静" in body and "已完成20学时，还差52学时" in body
    short = body.split('data-testid="training-short"')[1].split("</section>")[0]
    assert "张文华" not in short  # 72 hours meets
    counts = body.split('data-testid="training-counts"')[1].split("</div>\n</div>")[0]
    assert '<div class="num">1</div><div class="label">培训项目（场次）' in counts
    assert '<div class="num">3</div><div class="label">参训人数' in counts


def test_a_teacher_sees_own_hours_but_not_colleagues(cast: Any) -> None:
    _training(cast.people["teacher"], "20")
    _training(cast.people["group_leader"], "30", "另一项")
    client = cast.client("teacher")
    mine = client.get(reverse("growth:training_person", args=[cast.people["teacher"].code]) + "?year=2026")
    assert mine.status_code == 200 and "我的培训" in mine.content.decode() and "还差52学时" in mine.content.decode()
    other = client.get(reverse("growth:training_person", args=[cast.people["group_leader"].code]))
    assert other.status_code == 404
    listing = client.get(reverse("growth:training") + "?year=2026").content.decode()
    assert "冯志刚" not in listing
    home = client.get(reverse("growth:home") + "?year=2026").content.decode()
    assert "已完成20学时，还差52学时" in home


def test_the_entry_form_keeps_what_was_typed_on_error(cast: Any) -> None:
    client = cast.client("principal")
    url = reverse("growth:training_new")
    data = {"person": cast.people["teacher"].code, "course": "信息技术应用能力提升", "provider": "县教师进修学校",
            "level": "county", "hours": "1.25", "start": "2026-05-01", "end": "2026-05-03"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "学时：最多一位小数" in body
    assert 'value="信息技术应用能力提升"' in body and 'value="县教师进修学校"' in body and 'value="1.25"' in body
    outsider = client.post(url, {**data, "hours": "3", "person": cast.people["outside_teacher"].code})
    assert "不在您的管理范围内" in outsider.content.decode()
    ok = client.post(url, {**data, "hours": "3"})
    assert ok.status_code == 302 and TrainingRecord.objects.get(course="信息技术应用能力提升").hours == 3


def test_programme_page_shows_the_duty_shortfall(cast: Any) -> None:
    p = programmes.programme_create(actor=None, region=cast.county_a, name="小店区骨干教师", kind="backbone",
                                    level="county", start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=p, name="区级骨干教师", kind="backbone")
    programmes.duty_set(actor=None, tier=tier, lesson_kind="contest", count=1)
    programmes.member_add(actor=None, programme=p, tier=tier, person=cast.people["teacher"])
    body = cast.client("county_admin").get(reverse("growth:programme_detail", args=[p.pk])).content.decode()
    assert "未完成职责：1项" in body and "何静（区级骨干教师）：每学期应上1节参赛课，已完成0节" in body
    assert "登记完成" in body
    # The teacher sees the programme and her own shortfall, not the manager's link.
    mine = cast.client("teacher").get(reverse("growth:programme_detail", args=[p.pk])).content.decode()
    assert "还差1节" in mine and "登记完成" not in mine


def test_the_member_form_refuses_with_the_reason(cast: Any) -> None:
    p = programmes.programme_create(actor=None, region=cast.county_a, name="小店区青年教师", kind="young",
                                    level="county", start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=p, name="青年教师", kind="young")
    client = cast.client("county_admin")
    url = reverse("growth:member_add", args=[p.pk])
    assert client.post(url, {"person": cast.people["teacher"].code, "tier": tier.pk}).status_code == 302
    again = client.post(url, {"person": cast.people["teacher"].code, "tier": tier.pk}).content.decode()
    assert "何静已是该项目成员" in again


def test_the_archive_holds_training_memberships_awards_and_studios(cast: Any) -> None:
    teacher = cast.people["teacher"]
    _training(teacher, "24", "新教师入职培训")
    p = programmes.programme_create(actor=None, region=cast.county_a, name="小店区青年教师培养", kind="young",
                                    level="county", start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=p, name="青年教师", kind="young")
    programmes.member_add(actor=None, programme=p, tier=tier, person=teacher)
    records.award_record(actor=None, person=teacher, title="县优质课比赛", level="county", rank="first",
                         awarded_on=dt.date(2026, 5, 20))
    studio = regional.studio_create(actor=None, region=cast.county_a, name="吴海燕语文名师工作室",
                                    host=cast.people["vice_principal"], level="county", start=dt.date(2025, 9, 1))
    regional.studio_member_add(actor=None, studio=studio, person=teacher, joined_on=dt.date(2025, 9, 10))
    # All dated in the 2025—2026 school year: on the page, that year opened.
    body = cast.client("principal").get(reverse("observe:archive", args=[teacher.code]) + "?year=2025").content.decode()
    for text in ("新教师入职培训（24学时）", "入选小店区青年教师培养（青年教师）", "县优质课比赛 一等奖", "加入吴海燕语文名师工作室"):
        assert text in body
