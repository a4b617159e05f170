"""送教 orders in county A: coordinates for its schools, two candidate teachers (a city 名师 at
北格镇中心小学 and a county 教学能手 at 小店第一中学), and an order of A1 (shared by the order
tests and the access matrix)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core import services as core_services
from core.models import Designation, DesignationKind, Level, OrgNode, Person, Subject
from research.models.orders import SongjiaoOrder
from research.services import orders as svc

# 0.1° of longitude at 37.8° N is about 8.79 km.
A1 = (Decimal("37.800000"), Decimal("112.500000"))
A2 = (Decimal("37.800000"), Decimal("112.600000"))


def place_schools(cast: Any) -> None:
    OrgNode.objects.filter(pk=cast.school_a1.pk).update(latitude=A1[0], longitude=A1[1])
    OrgNode.objects.filter(pk=cast.school_a2.pk).update(latitude=A2[0], longitude=A2[1])
    cast.school_a1.refresh_from_db()
    cast.school_a2.refresh_from_db()


def candidates(cast: Any) -> tuple[Person, Person]:
    found = Person.objects.filter(code__in=("SJ0001", "SJ0002")).order_by("code")
    if len(found) == 2:
        return found[0], found[1]
    place_schools(cast)
    math = Subject.objects.get(code="math")
    master = core_services.person_create(actor=None, code="SJ0001", name="梁名师", org=cast.school_a2,
                                         main_subject=math, stage="", teaching_since=1998)
    star = core_services.person_create(actor=None, code="SJ0002", name="韩能手", org=cast.school_a1,
                                       main_subject=math, stage="junior", teaching_since=2008)
    Designation.objects.create(person=master, kind=DesignationKind.MASTER, level=Level.CITY, programme="小学数学",
                               start=dt.date(2024, 9, 1))
    Designation.objects.create(person=star, kind=DesignationKind.STAR, level=Level.COUNTY,
                               programme="分数教学研究", start=dt.date(2025, 9, 1))
    return master, star


def post_order(cast: Any, *, topic: str = "分数的意义", org: OrgNode | None = None, by: str = "principal",
               start: dt.date = dt.date(2026, 12, 14), end: dt.date = dt.date(2026, 12, 25)) -> SongjiaoOrder:
    candidates(cast)
    return svc.order_post(actor=cast.users[by], org=org or cast.school_a1, term=cast.term,
                          subject=Subject.objects.get(code="math"), stage="junior", topic=topic,
                          problem="学生对单位“1”理解困难，需要示范课和课后研讨", preferred_from=start, preferred_to=end)
