"""Writes of on-demand 送教 orders (订单式, 002 四(九)): a school or township posts an order; the
organiser runs the matching (research.order_matching over research.order_selectors), edits a
match, accepts (which creates the research Activity, one per 联片 pool), marks it delivered;
then both sides rate it. Every write is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import Level, OrgKind, OrgNode, Person, Stage, Subject, Term, User
from research import access
from research.models.activities import Activity, ActivityForm, ActivityStatus, Participant, ParticipantRole
from research.models.orders import OrderMatch, OrderRating, OrderStatus, RatingSide, SongjiaoOrder
from research.order_matching import Result, greedy, match
from research.order_selectors import candidate_inputs, matchable_orders, order_inputs

TEXT_LIMIT = 4000
LEVEL_OF_KIND: dict[str, str] = {OrgKind.PROVINCE: Level.PROVINCE, OrgKind.CITY: Level.CITY, OrgKind.COUNTY: Level.COUNTY,
                 OrgKind.TOWNSHIP: Level.COUNTY}
# A 送教 activity's afternoon slot (two class periods), local time.
SLOT = (dt.time(14, 0), dt.time(16, 0))


class OrderError(DomainError):
    """A refused write on a 送教 order; the message is Chinese and names the field."""


@transaction.atomic
def order_post(*, actor: User, org: OrgNode, term: Term, subject: Subject, stage: str, topic: str, problem: str,
               preferred_from: dt.date, preferred_to: dt.date) -> SongjiaoOrder:
    if not access.can_post_order(actor, org):
        raise OrderError("下单单位：只能为本人所在学校或所管理的区域下单", field="org")
    if org.kind not in (OrgKind.SCHOOL, OrgKind.TOWNSHIP):
        raise OrderError("下单单位：应为学校或乡镇", field="org")
    if stage not in Stage.values:
        raise OrderError("学段：请选择", field="stage")
    topic, problem = topic.strip(), problem.strip()
    if not topic:
        raise OrderError("主题：请填写", field="topic")
    if not problem:
        raise OrderError("需要解决的问题：请填写", field="problem")
    if len(problem) > TEXT_LIMIT:
        raise OrderError(f"需要解决的问题：不能超过{TEXT_LIMIT}字", field="problem")
    if preferred_to < preferred_from:
        raise OrderError("期望结束日期：不能早于开始日期", field="preferred_to")
    if preferred_from < timezone.localdate():
        raise OrderError("期望开始日期：不能早于今天", field="preferred_from")
    if not (term.start <= preferred_from and preferred_to <= term.end):
        raise OrderError(f"期望日期：应在本学期（{term.start}至{term.end}）之内", field="preferred_from")
    order = SongjiaoOrder.objects.create(org=org, term=term, subject=subject, stage=stage, topic=topic[:120],
                                         problem=problem, preferred_from=preferred_from, preferred_to=preferred_to,
                                         posted_by=actor)
    audit_create(actor, order)
    return order


def _set_status(actor: User | None, order: SongjiaoOrder, status: str) -> None:
    old = snapshot(order)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    audit_update(actor, order, old)


@transaction.atomic
def order_cancel(*, actor: User, order: SongjiaoOrder) -> SongjiaoOrder:
    if not (access.can_organise_order(actor, order) or access.can_post_order(actor, order.org)):
        raise OrderError("取消：只有下单单位或组织者可以取消", field="status")
    if order.status not in (OrderStatus.OPEN, OrderStatus.MATCHED, OrderStatus.ACCEPTED):
        raise OrderError("取消：已送教的订单不能取消", field="status")
    _set_status(actor, order, OrderStatus.CANCELLED)
    activity = order.activity
    if activity is not None and not activity.songjiao_orders.exclude(status=OrderStatus.CANCELLED).exists():
        old = snapshot(activity)
        activity.status = ActivityStatus.CANCELLED
        activity.save(update_fields=["status", "updated_at"])
        audit_update(actor, activity, old)
    return order


@dataclass
class MatchRun:
    result: Result
    baseline: Result
    orders: int
    candidates: int


@transaction.atomic
def orders_match(*, actor: User, region: OrgNode, term: Term) -> MatchRun:
    """Match the region's open orders (and unedited matches) of the term; matched orders get
    their OrderMatch, the others stay open with the reason shown on the page."""
    if not access.can_organise_orders(actor, region):
        raise OrderError("区域：只有该区域的教研机构可以匹配订单", field="region")
    orders = list(SongjiaoOrder.objects.select_for_update().filter(pk__in=[o.pk for o in matchable_orders(region, term)])
                  .select_related("org", "subject").order_by("created_at", "id"))
    ids = [o.pk for o in orders]
    inputs = order_inputs(orders)
    candidates = candidate_inputs(region, term, exclude_orders=ids)
    result = match(inputs, candidates)
    baseline = greedy(inputs, candidates)
    by_id = {o.pk: o for o in orders}
    matched = {m.order for m in result.matches}
    for m in result.matches:
        order = by_id[m.order]
        existing = OrderMatch.objects.filter(order=order).first()
        if existing is None:
            row = OrderMatch.objects.create(order=order, teacher_id=m.candidate, date=m.date, travel_km=m.travel_km,
                                            pool=m.pool, explanation=m.explanation, matched_by=actor)
            audit_create(actor, row)
        else:
            old = snapshot(existing)
            existing.teacher_id, existing.date, existing.travel_km = m.candidate, m.date, m.travel_km
            existing.pool, existing.explanation, existing.matched_by = m.pool, m.explanation, actor
            existing.save(update_fields=["teacher", "date", "travel_km", "pool", "explanation", "matched_by",
                                         "updated_at"])
            audit_update(actor, existing, old)
        if order.status != OrderStatus.MATCHED:
            _set_status(actor, order, OrderStatus.MATCHED)
    for order in orders:
        if order.pk not in matched and order.status == OrderStatus.MATCHED:
            OrderMatch.objects.filter(order=order).delete()
            _set_status(actor, order, OrderStatus.OPEN)
    return MatchRun(result, baseline, len(orders), len(candidates))


@transaction.atomic
def order_match_edit(*, actor: User, order: SongjiaoOrder, teacher: Person, date: dt.date) -> OrderMatch:
    """The organiser's own choice of teacher and date; the order leaves its pool."""
    if not access.can_organise_order(actor, order):
        raise OrderError("匹配：只有组织者可以调整", field="teacher")
    if order.status not in (OrderStatus.OPEN, OrderStatus.MATCHED):
        raise OrderError("匹配：已确认的订单不能再调整", field="teacher")
    if not order.preferred_from <= date <= order.preferred_to:
        raise OrderError(f"送教日期：应在期望日期{order.preferred_from}至{order.preferred_to}之内", field="date")
    # Candidates come from the nearest region above the order that the organiser runs.
    above = order.org.ancestors()
    region = next((n for n in reversed(above) if access.can_organise_orders(actor, n)), above[0] if above else order.org)
    cand = next((c for c in candidate_inputs(region, order.term, exclude_orders=[order.pk]) if c.id == teacher.pk), None)
    if cand is None:
        raise OrderError("送教教师：不是本区域的名师、教学能手或市级一等奖及以上获奖教师", field="teacher")
    if order.subject_id not in cand.subjects or (cand.stage and cand.stage != order.stage):
        raise OrderError(f"送教教师：{teacher.name}的学科或学段与订单不符", field="teacher")
    if cand.capacity <= 0:
        raise OrderError(f"送教教师：{teacher.name}本学期送教次数已满", field="teacher")
    why = f"组织者指定：{teacher.name}（{cand.honour}）；学科、学段相符；本学期尚可送教{cand.capacity}次"
    existing = OrderMatch.objects.filter(order=order).first()
    if existing is None:
        row = OrderMatch.objects.create(order=order, teacher=teacher, date=date, explanation=why, edited=True,
                                        matched_by=actor)
        audit_create(actor, row)
    else:
        old = snapshot(existing)
        existing.teacher, existing.date, existing.pool, existing.explanation = teacher, date, "", why
        existing.edited, existing.travel_km, existing.matched_by = True, 0.0, actor
        existing.save(update_fields=["teacher", "date", "pool", "explanation", "edited", "travel_km", "matched_by",
                                     "updated_at"])
        audit_update(actor, existing, old)
        row = existing
    if order.status != OrderStatus.MATCHED:
        _set_status(actor, order, OrderStatus.MATCHED)
    return row


def _organiser_node(order: SongjiaoOrder) -> OrgNode:
    """The region whose institution runs the activity: the county (or township, city) above."""
    node = order.org
    while node.kind == OrgKind.SCHOOL and node.parent is not None:
        node = node.parent
    return node


@transaction.atomic
def order_accept(*, actor: User, order: SongjiaoOrder) -> Activity:
    """Confirm the match: the order (and the orders pooled with it) becomes one research activity
    (送教助研, or 联片教研 for a pool) held at the host school, the teacher presenting."""
    if not access.can_organise_order(actor, order):
        raise OrderError("确认：只有组织者可以确认", field="status")
    m = OrderMatch.objects.filter(order=order).select_related("teacher").first()
    if order.status != OrderStatus.MATCHED or m is None:
        raise OrderError("确认：订单尚未匹配送教教师", field="status")
    group = [order]
    if m.pool:
        group = list(SongjiaoOrder.objects.select_for_update().filter(
            match__pool=m.pool, match__teacher=m.teacher, status=OrderStatus.MATCHED, term=order.term)
            .select_related("org").order_by("created_at", "id"))
    host = group[0]
    organiser = _organiser_node(host)
    tz = timezone.get_current_timezone()
    pooled = len(group) > 1
    title = f"{'联片教研' if pooled else '送教助研'}：{host.topic}"[:120]
    activity = Activity.objects.create(
        organiser=organiser, level=LEVEL_OF_KIND.get(organiser.kind, Level.COUNTY),
        form=ActivityForm.CLUSTER if pooled else ActivityForm.SONGJIAO, subject=host.subject, stage=host.stage,
        term=host.term, title=title, theme=host.topic,
        plan="\n".join(f"{o.org.name}：{o.problem}" for o in group),
        start=dt.datetime.combine(m.date, SLOT[0], tzinfo=tz), end=dt.datetime.combine(m.date, SLOT[1], tzinfo=tz),
        periods=2, place=host.org.name, host=m.teacher, created_by=actor)
    audit_create(actor, activity)
    Participant.objects.create(activity=activity, person=m.teacher, role=ParticipantRole.PRESENTER)
    for o in group:
        old = snapshot(o)
        o.status, o.activity = OrderStatus.ACCEPTED, activity
        o.save(update_fields=["status", "activity", "updated_at"])
        audit_update(actor, o, old)
    return activity


@transaction.atomic
def order_deliver(*, actor: User, order: SongjiaoOrder) -> SongjiaoOrder:
    if not access.can_organise_order(actor, order):
        raise OrderError("送教完成：只有组织者可以登记", field="status")
    if order.status != OrderStatus.ACCEPTED:
        raise OrderError("送教完成：订单尚未确认", field="status")
    if order.match.date > timezone.localdate():
        raise OrderError("送教完成：送教日期尚未到", field="status")
    _set_status(actor, order, OrderStatus.DELIVERED)
    return order


@transaction.atomic
def order_rate(*, actor: User, order: SongjiaoOrder, score: int, comment: str = "") -> OrderRating:
    """One rating per side after delivery; with both in, the order is rated."""
    side = access.rating_side_for(actor, order)
    if side is None:
        raise OrderError("评价：只有下单学校和送教教师可以评价", field="score")
    if order.status not in (OrderStatus.DELIVERED, OrderStatus.RATED):
        raise OrderError("评价：送教完成后才能评价", field="score")
    if not 1 <= score <= 5:
        raise OrderError("评分：应为1至5分", field="score")
    if OrderRating.objects.filter(order=order, side=side).exists():
        raise OrderError(f"评价：{RatingSide(side).label}已评价", field="score")
    rating = OrderRating.objects.create(order=order, side=side, score=score, comment=comment.strip()[:TEXT_LIMIT],
                                        rated_by=actor)
    audit_create(actor, rating)
    if OrderRating.objects.filter(order=order).count() == len(RatingSide.values):
        _set_status(actor, order, OrderStatus.RATED)
    return rating
