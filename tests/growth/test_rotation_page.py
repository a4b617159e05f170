"""The rotation page over many researchers: the table is paged, overdue first; the cards name the
first of the overdue and due and say how many there are in all."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from core import services as core_services
from core.models import Role


def _overdue(body: str) -> int:
    found = re.search(r"已逾期（(\d+)人）", body)
    assert found is not None
    return int(found.group(1))


def test_many_researchers_are_paged_with_the_overdue_first(cast: Any) -> None:
    c = cast.client("county_admin")
    before = _overdue(c.get(reverse("growth:rotation"), {"node": cast.county_a.code}).content.decode())
    long_ago = dt.date(2015, 9, 1)  # more than five years in post: overdue
    for i in range(56):
        p = core_services.person_create(actor=None, code=f"R-{i:03d}", name=f"研究员{i:03d}", org=cast.county_a)
        core_services.post_create(actor=None, person=p, role=Role.RESEARCHER, org=cast.county_a,
                                  start=long_ago if i < 34 else dt.date.today() - dt.timedelta(days=30))
    first = c.get(reverse("growth:rotation"), {"node": cast.county_a.code}).content.decode()
    overdue = before + 34
    assert _overdue(first) == overdue and f"共{overdue}人，其余见下表" in first
    overdue_card = first.split('data-testid="rotation-overdue"')[1].split("</section>")[0]
    assert overdue_card.count("<li>") == 30
    assert re.search(r"第 1–50 条，共 \d+ 条", first)
    table = first.split("<tbody>")[1].split("</tbody>")[0]
    assert table.count("<tr>") == 50 and table.count("已逾期") == overdue
    second = c.get(reverse("growth:rotation"), {"node": cast.county_a.code, "page": "2"}).content.decode()
    assert "第 51–" in second and "研究员" in second.split("<tbody>")[1]
