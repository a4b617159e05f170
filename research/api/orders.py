"""JSON API of 送教 orders: the orders a user sees (the same selector as the list page), one order
with its match and ratings, and posting an order (the page's rules: research.services.orders)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import get_node_for_user
from core.models import Stage, Subject
from core.terms import current_term
from research import access
from research.models.orders import OrderStatus, SongjiaoOrder
from research.order_selectors import OrderFilter, order_list
from research.services import orders as svc

router = Router()


class OrderOut(Schema):
    id: int
    org: str = Field(title="下单单位代码")
    org_name: str
    subject: str = Field(title="学科代码")
    stage: str
    topic: str
    term: str = Field(title="学期", description="如 2026-1")
    preferred_from: dt.date
    preferred_to: dt.date
    status: str = Field(description="open 待匹配 / matched 已匹配 / accepted 已确认 / delivered 已送教 / "
                                    "rated 已评价 / cancelled 已取消")


class MatchOut(Schema):
    teacher: str = Field(title="送教教师编号")
    teacher_name: str
    date: dt.date
    travel_km: float
    pool: str = Field(title="联片编号")
    explanation: str
    edited: bool


class RatingOut(Schema):
    side: str = Field(description="school 下单学校 / teacher 送教教师")
    score: int
    comment: str


class OrderDetail(OrderOut):
    problem: str
    match: MatchOut | None = None
    activity: int | None = Field(None, title="送教活动id")
    ratings: list[RatingOut]


def _out(o: SongjiaoOrder) -> OrderOut:
    return OrderOut(id=o.pk, org=o.org.code, org_name=o.org.name, subject=o.subject.code, stage=o.stage,
                    topic=o.topic, term=o.term.key, preferred_from=o.preferred_from, preferred_to=o.preferred_to,
                    status=o.status)


def _detail(o: SongjiaoOrder) -> OrderDetail:
    m = getattr(o, "match", None)
    match = MatchOut(teacher=m.teacher.code, teacher_name=m.teacher.name, date=m.date, travel_km=m.travel_km,
                     pool=m.pool, explanation=m.explanation, edited=m.edited) if m is not None else None
    ratings = [RatingOut(side=r.side, score=r.score, comment=r.comment) for r in o.ratings.all()]
    return OrderDetail(**_out(o).model_dump(), problem=o.problem, match=match, activity=o.activity_id,
                       ratings=ratings)


class OrderQuery(PageQuery):
    status: OrderStatus | None = Field(None, title="状态")
    org: str = Field("", max_length=16, title="单位代码", description="该单位及其下级的订单")
    term: str = Field("", max_length=8, title="学期", description="如 2026-1")


@router.get("/orders", response=Page[OrderOut], url_name="research_order_list", summary="送教订单列表")
def order_list_api(request: HttpRequest, filters: Query[OrderQuery]) -> Page[OrderOut]:
    user = current_user(request)
    f = OrderFilter(status=filters.status.value if filters.status else "", org=filters.org, term=filters.term)
    return paginate(order_list(user, f), filters, _out)


@router.get("/orders/{order_id}", response=OrderDetail, url_name="research_order_detail", summary="送教订单详情")
def order_detail_api(request: HttpRequest, order_id: int) -> OrderDetail:
    return _detail(access.get_order_for_user(current_user(request), order_id))


class OrderIn(Schema):
    org: str = Field(min_length=1, max_length=16, title="下单单位代码")
    subject: str = Field(min_length=1, max_length=20, title="学科代码")
    stage: Stage = Field(title="学段")
    topic: str = Field(min_length=1, max_length=120, title="主题")
    problem: str = Field(min_length=1, max_length=svc.TEXT_LIMIT, title="需要解决的问题")
    preferred_from: dt.date = Field(title="期望开始日期")
    preferred_to: dt.date = Field(title="期望结束日期")


@router.post("/orders", response={201: OrderDetail}, url_name="research_order_list", summary="发布送教订单")
def order_create_api(request: HttpRequest, payload: OrderIn) -> Status[OrderDetail]:
    user = current_user(request)
    org = get_node_for_user(user, payload.org)
    if not access.can_post_order(user, org):
        raise HttpError(403, f"您不能以{org.name}的名义下单")
    subject = Subject.objects.filter(code=payload.subject).first()
    if subject is None:
        raise FieldError("subject", f"学科：没有学科 {payload.subject}")
    term = current_term(org, payload.preferred_from)
    if term is None:
        raise FieldError("preferred_from", f"期望开始日期：{org.name}尚未设置学期")
    try:
        order = svc.order_post(actor=user, org=org, term=term, subject=subject, stage=payload.stage,
                               topic=payload.topic, problem=payload.problem, preferred_from=payload.preferred_from,
                               preferred_to=payload.preferred_to)
    except svc.OrderError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(access.get_order_for_user(user, order.pk)))
