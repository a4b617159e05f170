"""The training page's list in three reads (researchers; the others without a record in the year,
by name; then the others by hours) is the one order a full sort of everyone gives, at every page
size; and one's own line on the growth overview does not depend on where one stands in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from core.models import Level
from growth.models import TrainingRecord
from growth.selectors import _people_hours, hours_for_people, hours_of


def _training(person: Any, hours: str, course: str = "研修", year: int = 2026) -> None:
    TrainingRecord.objects.create(person=person, course=course, provider="省教育学院", level=Level.PROVINCE,
                                  hours=Decimal(hours), start=dt.date(year, 3, 1), end=dt.date(year, 3, 5))


def test_three_reads_give_the_full_sort_at_every_limit(cast: Any) -> None:
    _training(cast.people["county_researcher"], "30")
    _training(cast.people["teacher"], "20")
    _training(cast.people["principal"], "50")
    _training(cast.people["group_leader"], "10", year=2025)  # last year's: 0 hours in 2026
    user, node = cast.users["sysadmin"], cast.province
    everyone = [(p.pk, Decimal(p.h)) for p in _people_hours(user, node, 2026).order_by("-is_res", "h", "pinyin", "pk")]
    assert len(everyone) > 8 and any(h == 0 for _, h in everyone) and any(h > 0 for _, h in everyone)
    for limit in range(1, len(everyone) + 2):
        got = [(r.person.pk, r.hours) for r in hours_for_people(user, node, 2026, limit=limit)]
        assert got == everyone[:limit], limit
    rows = hours_for_people(user, node, 2026)
    researchers = [r for r in rows if r.is_researcher]
    assert rows[:len(researchers)] == researchers and researchers
    assert [r.hours for r in rows if not r.is_researcher][-2:] == [Decimal(20), Decimal(50)]


def test_own_hours_on_the_overview_whatever_the_page_holds(cast: Any) -> None:
    _training(cast.people["principal"], "50")
    me = hours_of(cast.users["principal"], cast.people["principal"], 2026)
    assert me is not None and me.hours == Decimal(50)
    # With a page of one the principal would not be on the list; the overview still shows them.
    assert cast.people["principal"].pk not in {r.person.pk for r in
                                               hours_for_people(cast.users["principal"], cast.school_a1, 2026, limit=1)}
    home = cast.client("principal").get(reverse("growth:home") + "?year=2026").content.decode()
    assert "已完成50学时，还差22学时" in home
    assert hours_of(cast.users["teacher"], cast.people["outside_teacher"], 2026) is None


def test_a_large_regions_yearly_figures_are_counted_again_after_a_training_write(
        cast: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    from core import norm_results
    from growth.services import records

    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)  # the cast's county counts as large
    c = cast.client("county_admin")
    url = reverse("growth:training") + f"?year=2026&node={cast.county_a.code}"
    first = c.get(url).content.decode()
    assert 'data-testid="counted-at"' not in first and "参训人数" in first
    kept = c.get(url).content.decode()
    assert 'data-testid="counted-at"' in kept
    with django_capture_on_commit_callbacks(execute=True):
        records.training_record(actor=cast.users["county_admin"], person=cast.people["teacher"], course="新课标研修",
                                provider="县教师进修学校", level=Level.COUNTY, hours="80",
                                start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 3))
    after = c.get(url).content.decode()
    assert 'data-testid="counted-at"' not in after
    counts = after.split('data-testid="training-counts"')[1].split("</div>\n</div>")[0]
    assert '<div class="num">1</div><div class="label">参训人数' in counts


def test_the_training_page_names_the_first_hundred_short_and_pages_its_table(cast: Any) -> None:
    from core import services as core_services

    for i in range(105):
        core_services.person_create(actor=None, code=f"T-{i:03d}", name=f"教师{i:03d}", org=cast.school_a2)
    c = cast.client("county_admin")
    body = c.get(reverse("growth:training"), {"year": "2026", "node": cast.county_a.code}).content.decode()
    short = body.split('data-testid="training-short"')[1].split("</section>")[0]
    assert short.count("<li>") == 100 and "以下列出前100人。" in short
    table = body.split('data-testid="training-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 51  # the header and 50 people
    assert "第 1–50 条，共" in body and "下一页" in body
    third = c.get(reverse("growth:training"), {"year": "2026", "node": cast.county_a.code, "page": "3"}).content.decode()
    assert "第 101–" in third
