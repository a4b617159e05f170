"""Reads of 送教 orders for the pages and the API: the order list under research.access, and the
plain values the matching reads (research.order_matching): a region's open orders and the
teachers who may deliver them, with their remaining capacity in the term.

Candidates are the active teachers under the region holding, in the term, a 名师 or 教学能手
designation (core.Designation), and those with a city first prize or better (市级一等奖及以上:
a special or first prize at city, province or national level, awarded by the end of the term),
read through growth.access. The candidate's honour (the reason shown with each match) names the
best designation and the best award."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.access import AnyUser
from core.models import Designation, DesignationKind, Level, OrgNode, Person, Term
from core.norm_results import system_user
from growth.access import awards_visible_to
from growth.models import AwardRank
from research import access
from research.models.orders import DeliveryCapacity, OrderMatch, OrderStatus, SongjiaoOrder
from research.order_matching import CandidateIn, OrderIn

CANDIDATE_KINDS = (DesignationKind.MASTER, DesignationKind.STAR)
LEVEL_RANK: dict[str, int] = {Level.NATIONAL: 5, Level.PROVINCE: 4, Level.CITY: 3, Level.COUNTY: 2, Level.SCHOOL: 1}
# 市级一等奖及以上: the award levels and prize ranks that make a teacher a candidate.
AWARD_LEVELS = (Level.CITY, Level.PROVINCE, Level.NATIONAL)
AWARD_RANKS: dict[str, int] = {AwardRank.SPECIAL: 2, AwardRank.FIRST: 1}
COMMITTED = (OrderStatus.ACCEPTED, OrderStatus.DELIVERED, OrderStatus.RATED)


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    org: str = ""  # code of the ordering node (or a region above it)
    term: str = ""


def order_list(user: AnyUser, f: OrderFilter) -> QuerySet[SongjiaoOrder]:
    qs = access.orders_visible_to(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.org:
        node = OrgNode.objects.filter(code=f.org).first()
        qs = qs.filter(org__path__startswith=node.path) if node is not None else qs.none()
    if f.term:
        year, _, sem = f.term.partition("-")
        if year.isdigit() and sem.isdigit():
            qs = qs.filter(term__school_year=int(year), term__semester=int(sem))
    return qs.order_by("-created_at", "-id")


def _float(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]  # a Decimal from the database


def matchable_orders(region: OrgNode, term: Term) -> list[SongjiaoOrder]:
    """Orders the matching places: open ones, and matched ones the organiser has not edited."""
    return list(SongjiaoOrder.objects.filter(org__path__startswith=region.path, term=term)
                .filter(Q(status=OrderStatus.OPEN) | Q(status=OrderStatus.MATCHED, match__edited=False))
                .select_related("org", "subject").order_by("created_at", "id"))


def order_inputs(orders: list[SongjiaoOrder]) -> list[OrderIn]:
    return [OrderIn(o.pk, o.subject_id, o.stage, o.topic, _float(o.org.latitude), _float(o.org.longitude),
                    o.preferred_from, o.preferred_to, o.org.name) for o in orders]


def candidate_inputs(region: OrgNode, term: Term, *, exclude_orders: list[int] | None = None) -> list[CandidateIn]:
    """The region's candidates with what they have left of their term capacity: committed orders
    (accepted or later) and edited matches count against it; a pool counts once."""
    designations = (Designation.objects.filter(kind__in=CANDIDATE_KINDS, person__is_active=True,
                                               person__org__path__startswith=region.path)
                    .filter(Q(start__isnull=True) | Q(start__lte=term.end), Q(end__isnull=True) | Q(end__gte=term.start))
                    .values_list("person_id", "kind", "level", "programme"))
    best: dict[int, tuple[int, str]] = {}
    programmes: dict[int, list[str]] = defaultdict(list)
    for pid, kind, level, programme in designations:
        rank = LEVEL_RANK.get(level, 0)
        label = f"{Level(level).label}{DesignationKind(kind).label}"
        if pid not in best or rank > best[pid][0]:
            best[pid] = (rank, label)
        if programme:
            programmes[pid].append(programme)
    # The region's candidates are not the viewer's: awards are read in the system scope.
    awards = (awards_visible_to(system_user())
              .filter(level__in=AWARD_LEVELS, rank__in=list(AWARD_RANKS), awarded_on__lte=term.end,
                      person__is_active=True, person__org__path__startswith=region.path)
              .values_list("person_id", "level", "rank"))
    prize: dict[int, tuple[int, int, str]] = {}
    for pid, level, prize_rank in awards:
        key = (LEVEL_RANK.get(level, 0), AWARD_RANKS[prize_rank], f"{Level(level).label}{AwardRank(prize_rank).label}")
        if pid not in prize or key > prize[pid]:
            prize[pid] = key
    honours: dict[int, str] = {pid: label for pid, (_, label) in best.items()}
    for pid, (_, _, label) in prize.items():
        honours[pid] = f"{honours[pid]}、{label}" if pid in honours else label
    ids = list(honours)
    subjects: dict[int, set[int]] = defaultdict(set)
    for pid, main in Person.objects.filter(pk__in=ids).values_list("pk", "main_subject_id"):
        if main is not None:
            subjects[pid].add(main)
    for pid, sid in Person.subjects.through.objects.filter(person_id__in=ids).values_list("person_id", "subject_id"):
        subjects[pid].add(sid)
    capacity = dict(DeliveryCapacity.objects.filter(term=term, person_id__in=ids).values_list("person_id", "capacity"))
    used: dict[int, set[str]] = defaultdict(set)
    topics: dict[int, list[str]] = defaultdict(list)
    busy = OrderMatch.objects.filter(teacher_id__in=ids, order__term=term).filter(
        Q(order__status__in=COMMITTED) | Q(edited=True, order__status=OrderStatus.MATCHED))
    if exclude_orders:
        busy = busy.exclude(order_id__in=exclude_orders)
    for pid, oid, pool in busy.values_list("teacher_id", "order_id", "pool"):
        used[pid].add(pool or f"o{oid}")
    for pid, topic in OrderMatch.objects.filter(teacher_id__in=ids, order__status__in=COMMITTED).values_list(
            "teacher_id", "order__topic"):
        topics[pid].append(topic)
    out = []
    for p in Person.objects.filter(pk__in=ids).select_related("org").order_by("pk"):
        left = capacity.get(p.pk, DeliveryCapacity.DEFAULT_CAPACITY) - len(used[p.pk])
        out.append(CandidateIn(p.pk, p.name, frozenset(subjects[p.pk]), p.stage, _float(p.org.latitude),
                               _float(p.org.longitude), max(left, 0), honours[p.pk],
                               tuple(programmes[p.pk] + topics[p.pk])))
    return out
