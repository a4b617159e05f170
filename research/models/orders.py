"""The research app's tables: on-demand 送教助研 orders (订单式, 002 四(九)).

A school or a township posts a `SongjiaoOrder` (subject, stage, topic, the problem to work on,
preferred dates). The organiser (the county's 教研 institution) runs the matching
(research.order_matching), which proposes one `OrderMatch` per order: a teacher who may deliver
it (名师, 教学能手, city first prize or better) with the reason; orders pooled into one 联片
activity share a `pool`. Accepting creates the research Activity; both sides rate it after
(`OrderRating`). `DeliveryCapacity` is how many orders a teacher takes in a term."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from core.models import OrgNode, Person, Stage, Subject, Term, User
from research.models.activities import Activity

__all__ = ["DeliveryCapacity", "OrderMatch", "OrderRating", "OrderStatus", "RatingSide", "SongjiaoOrder"]


class OrderStatus(models.TextChoices):
    OPEN = "open", "待匹配"
    MATCHED = "matched", "已匹配"
    ACCEPTED = "accepted", "已确认"
    DELIVERED = "delivered", "已送教"
    RATED = "rated", "已评价"
    CANCELLED = "cancelled", "已取消"


class SongjiaoOrder(models.Model):
    org = models.ForeignKey(OrgNode, verbose_name="下单单位", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    topic = models.CharField("主题", max_length=120)
    problem = models.TextField("需要解决的问题")
    preferred_from = models.DateField("期望开始日期")
    preferred_to = models.DateField("期望结束日期")
    status = models.CharField("状态", max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    activity = models.ForeignKey(Activity, verbose_name="送教活动", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="songjiao_orders")
    posted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "送教订单"
        verbose_name_plural = "送教订单"
        indexes = [models.Index(fields=["status", "term"], name="order_status_term")]
        constraints = [
            models.CheckConstraint(condition=Q(preferred_to__gte=F("preferred_from")), name="order_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.topic


class OrderMatch(models.Model):
    """The proposed or edited teacher for an order, with the matching's reasons."""

    order = models.OneToOneField(SongjiaoOrder, on_delete=models.CASCADE, related_name="match")
    teacher = models.ForeignKey(Person, verbose_name="送教教师", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("送教日期")
    travel_km = models.FloatField("路程（公里）", default=0)
    pool = models.CharField("联片编号", max_length=40, blank=True)
    explanation = models.TextField("匹配理由", blank=True)
    edited = models.BooleanField("组织者调整", default=False)
    matched_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "订单匹配"
        verbose_name_plural = "订单匹配"
        indexes = [models.Index(fields=["teacher"], name="order_match_teacher")]

    def __str__(self) -> str:
        return f"{self.order} · {self.teacher}"

    @property
    def org(self) -> OrgNode:
        """The ordering unit: where the audit files this record (core.audit)."""
        return self.order.org


class RatingSide(models.TextChoices):
    SCHOOL = "school", "下单学校"
    TEACHER = "teacher", "送教教师"


class OrderRating(models.Model):
    order = models.ForeignKey(SongjiaoOrder, on_delete=models.CASCADE, related_name="ratings")
    side = models.CharField("评价方", max_length=8, choices=RatingSide.choices)
    score = models.PositiveSmallIntegerField("评分")
    comment = models.TextField("评价", blank=True)
    rated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "送教评价"
        verbose_name_plural = "送教评价"
        constraints = [
            models.UniqueConstraint(fields=["order", "side"], name="order_rating_one_per_side"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="order_rating_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_side_display()} {self.score}"

    @property
    def org(self) -> OrgNode:
        """The ordering unit: where the audit files this record (core.audit)."""
        return self.order.org


class DeliveryCapacity(models.Model):
    """How many 送教 orders a teacher takes in a term (without a row: DEFAULT_CAPACITY)."""

    DEFAULT_CAPACITY = 2

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField("每学期可送教次数", default=DEFAULT_CAPACITY)

    class Meta:
        verbose_name = "送教容量"
        verbose_name_plural = "送教容量"
        constraints = [models.UniqueConstraint(fields=["person", "term"], name="delivery_capacity_unique")]

    def __str__(self) -> str:
        return f"{self.person} · {self.capacity}"
