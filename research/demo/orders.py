"""Demo 送教 orders (registered with core.demo.extensions, order 340).

In the county of the demo's first school: a few senior teachers named 教学能手 (beside the
generator's 名师), then orders from the county's schools in every state: open, matched by the
matching (research.order_matching, with its reasons), accepted into a 送教 activity, delivered,
rated by both sides, and cancelled. Written directly (no audit events: the seed is the system)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.models import Designation, DesignationKind, Level, OrgKind, OrgNode, Person, Subject, Title
from core.terms import term_by_key
from research.models.activities import Activity, ActivityForm, ActivityStatus, Participant, ParticipantRole
from research.models.orders import OrderMatch, OrderRating, OrderStatus, RatingSide, SongjiaoOrder
from research.order_matching import match
from research.order_selectors import candidate_inputs, order_inputs

STARS = 8
TOPICS = ["分数的意义", "整本书阅读", "作文指导", "实验探究", "单元整体教学", "作业设计", "听说训练", "几何证明"]
PROBLEMS = ["学生对核心概念理解不深，希望名师上示范课并指导研讨", "青年教师多，课堂组织经验不足",
            "新课标下的作业设计缺少思路", "实验课开设不足，教师缺少指导经验"]
# The states of the demo's orders, in the order they are written.
STATES: tuple[str, ...] = ((OrderStatus.RATED,) * 2 + (OrderStatus.DELIVERED,) * 2 + (OrderStatus.ACCEPTED,) * 2
                          + (OrderStatus.MATCHED,) * 3 + (OrderStatus.OPEN,) * 2 + (OrderStatus.CANCELLED,))
PAST = (OrderStatus.RATED, OrderStatus.DELIVERED)


def songjiao_orders(ctx: SeedContext) -> None:
    if not ctx.school_ids:
        return
    first = OrgNode.objects.get(pk=ctx.school_ids[0])
    county = next((n for n in reversed(first.ancestors()) if n.kind == OrgKind.COUNTY), None)
    province = OrgNode.objects.get(pk=ctx.province_id)
    term = term_by_key(province, ctx.term_key)
    if county is None or term is None:
        return
    rng = ctx.rng
    seniors = list(Person.objects.filter(org__path__startswith=county.path, org__kind=OrgKind.SCHOOL, is_active=True,
                                         title__in=(Title.SENIOR, Title.SENIOR_PROF), main_subject__isnull=False)
                   .order_by("code")[: STARS * 4])
    for p in rng.sample(seniors, min(STARS, len(seniors))):
        Designation.objects.create(person=p, kind=DesignationKind.STAR, level=rng.choice((Level.COUNTY, Level.CITY)),
                                   programme=f"{county.name}教学能手评选", start=dt.date(2025, 9, 10),
                                   end=dt.date(2028, 9, 9))
    candidates = candidate_inputs(county, term)
    if not candidates:
        return
    schools = list(OrgNode.objects.filter(path__startswith=county.path, kind=OrgKind.SCHOOL).order_by("code"))
    subjects = {s.pk: s for s in Subject.objects.all()}
    orders: list[tuple[SongjiaoOrder, str]] = []
    today = ctx.today
    for i, status in enumerate(STATES):
        cand = candidates[i % len(candidates)]
        sid = sorted(cand.subjects)[0] if cand.subjects else next(iter(subjects))
        school = schools[(i * 7) % len(schools)]
        stage = cand.stage or (school.stages[0] if school.stages else "primary")
        if status in PAST:
            start = term.start + dt.timedelta(days=20 + 7 * i)
        else:
            start = min(today + dt.timedelta(days=5 + 2 * i), term.end - dt.timedelta(days=10))
        order = SongjiaoOrder.objects.create(org=school, term=term, subject=subjects[sid], stage=stage,
                                             topic=rng.choice(TOPICS), problem=rng.choice(PROBLEMS),
                                             preferred_from=start, preferred_to=start + dt.timedelta(days=10))
        orders.append((order, status))
    to_match = [o for o, st in orders if st not in (OrderStatus.OPEN, OrderStatus.CANCELLED)]
    result = match(order_inputs(to_match), candidates, pooled=False)
    by_order = {m.order: m for m in result.matches}
    tz = timezone.get_current_timezone()
    for order, status in orders:
        m = by_order.get(order.pk)
        if status in (OrderStatus.OPEN, OrderStatus.CANCELLED) or m is None:
            order.status = status if status == OrderStatus.CANCELLED else OrderStatus.OPEN
            order.save(update_fields=["status"])
            continue
        OrderMatch.objects.create(order=order, teacher_id=m.candidate, date=m.date, travel_km=m.travel_km,
                                  explanation=m.explanation)
        if status != OrderStatus.MATCHED:
            activity = Activity.objects.create(
                organiser=county, level=Level.COUNTY, form=ActivityForm.SONGJIAO, subject=order.subject,
                stage=order.stage, term=term, title=f"送教助研：{order.topic}", theme=order.topic,
                plan=f"{order.org.name}：{order.problem}",
                start=dt.datetime.combine(m.date, dt.time(14, 0), tzinfo=tz),
                end=dt.datetime.combine(m.date, dt.time(16, 0), tzinfo=tz), periods=2, place=order.org.name,
                host_id=m.candidate, status=ActivityStatus.CLOSED if status in PAST else ActivityStatus.PLANNED)
            Participant.objects.create(activity=activity, person_id=m.candidate, role=ParticipantRole.PRESENTER)
            order.activity = activity
        if status in PAST:
            OrderRating.objects.create(order=order, side=RatingSide.SCHOOL, score=rng.choice((4, 5)),
                                       comment="示范课贴近学情，研讨解决了实际问题")
        if status == OrderStatus.RATED:
            OrderRating.objects.create(order=order, side=RatingSide.TEACHER, score=rng.choice((4, 5)),
                                       comment="学校准备充分，教师参与积极")
        order.status = status
        order.save(update_fields=["status", "activity"])


register("research.orders", songjiao_orders, order=340)
