"""Access-matrix rows for collective preparation (research:prep_*), homeroom meetings
(research:homeroom_*) and 送教 orders (research:order*), pages and API."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, SCHOOL_A1_ROLES, Case

# A1's maths 备课组 session: whoever sees the group (the county's roles, narrowed by subject, so
# not the county's Chinese researcher; A1's staff, the part-time researcher teaching there).
PREP_READERS = frozenset(SCHOOL_A1_ROLES - {"county_researcher"})
# Who may open a session in it: its leader and A1's managers (and the system admin).
PREP_OPENERS = frozenset({"sysadmin", "group_leader", "principal", "vice_principal", "middle_manager"})
# The class of A1's homeroom teacher: whoever's posts cover A1.
HOMEROOM_READERS = frozenset(SCHOOL_A1_ROLES)
# 送教 orders: organisers are a region's admin, institute head and full-time researchers; a
# school's managers post for their school too. A1's order is read by whoever's posts cover A1.
ORGANISERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                        "county_admin", "outside_researcher"})
ORDER_POSTERS = frozenset(ORGANISERS | {"principal", "vice_principal", "middle_manager", "outside_principal"})
ORDER_READERS = frozenset(SCHOOL_A1_ROLES)


def _group(cast: Any) -> list[Any]:
    from tests.research.prep_setup import math_group

    math_group(cast)
    return []


def _session(cast: Any) -> list[Any]:
    from tests.research.prep_setup import open_session, run_steps

    return [run_steps(cast, open_session(cast), upto="sign_off").pk]


def _class(cast: Any) -> list[Any]:
    import datetime as dt

    from core.models import Post, Role

    post = Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=dt.date(2025, 9, 1))
    return [post.pk]


def _order(cast: Any) -> list[Any]:
    import datetime as dt

    from django.utils import timezone

    from core.models import Subject
    from research.models.orders import OrderMatch, OrderStatus, SongjiaoOrder
    from tests.research.order_setup import candidates

    master, _ = candidates(cast)
    today = timezone.localdate()
    order = SongjiaoOrder.objects.create(org=cast.school_a1, term=cast.term, subject=Subject.objects.get(code="math"),
                                         stage="junior", topic="分数的意义", problem="单位“1”", preferred_from=today,
                                         preferred_to=today + dt.timedelta(days=7), status=OrderStatus.MATCHED)
    OrderMatch.objects.create(order=order, teacher=master, date=today, explanation="学科、学段相符")
    return [order.pk]


def _meeting_data(cast: Any) -> dict[str, Any]:
    return {"kind": "parents", "held_on": "2026-04-18", "attendance": 40, "topic": "期中家长会"}


def _order_data(cast: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    start = max(timezone.localdate() + dt.timedelta(days=1), cast.term.start)
    return {"org": cast.school_a1.code, "subject": "math", "stage": "junior", "topic": "分数的意义",
            "problem": "单位“1”理解困难", "preferred_from": start.isoformat(),
            "preferred_to": min(start + dt.timedelta(days=7), cast.term.end).isoformat()}


# Who records a meeting of the homeroom teacher's class: that teacher, A1's managers.
MEETING_WRITERS = frozenset({"sysadmin", "teacher", "principal", "vice_principal", "middle_manager"})
# Who posts an order for A1: its managers and the organisers over it.
A1_ORDER_POSTERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                              "county_researcher", "county_admin", "principal", "vice_principal", "middle_manager"})

CASES = [
    Case("research:prep_list", EVERYONE, note="每个登录用户都能打开（只列出其可见的备课）"),
    Case("research:prep_new", PREP_OPENERS, args=_group),
    Case("research:prep_detail", PREP_READERS, args=_session),
    Case("research:prep_compare", PREP_READERS, args=_session),
    Case("research:homeroom_list", EVERYONE - {"no_post"}, note="无岗位用户没有可查看的班级"),
    Case("research:homeroom_class", HOMEROOM_READERS, args=_class),
    Case("research:orders_list", EVERYONE, note="每个登录用户都能打开（只列出其可见的订单）"),
    Case("research:order_new", ORDER_POSTERS),
    Case("research:orders_match", ORGANISERS),
    Case("research:order_detail", ORDER_READERS, args=_order),
    Case("api-v1:research_prep_list", EVERYONE),
    Case("api-v1:research_prep_detail", PREP_READERS, args=_session),
    Case("api-v1:research_homeroom_class_list", EVERYONE, note="无岗位用户得到空列表"),
    Case("api-v1:research_homeroom_class_detail", HOMEROOM_READERS, args=_class),
    Case("api-v1:research_homeroom_meeting_create", MEETING_WRITERS, args=_class, method="POST", data=_meeting_data,
         ok_status=(201,)),
    Case("api-v1:research_order_list", EVERYONE),
    Case("api-v1:research_order_list", A1_ORDER_POSTERS, method="POST", data=_order_data, ok_status=(201,),
         note="create"),
    Case("api-v1:research_order_detail", ORDER_READERS, args=_order),
]
