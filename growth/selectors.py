"""Reads of the growth app shared by pages and the API, all through growth.access."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.access import AnyUser
from core.compliance import Thresholds
from core.kept import Kept, kept
from core.models import RESEARCHER_ROLES, Level, OrgNode, Person, Post, Role, Term
from growth import rules
from growth.access import (
    awards_visible_to,
    competitions_visible_to,
    members_visible_to,
    record_people_visible_to,
    rotations_visible_to,
    trainings_visible_to,
)
from growth.models import DutyFulfilment, MemberStatus, ProgrammeMember, TalentProgramme, TierDuty, TrainingRecord


@dataclass(frozen=True)
class PersonHours:
    person: Person
    hours: Decimal
    target: float
    is_researcher: bool

    @property
    def standing(self) -> rules.HoursStanding:
        return rules.hours_standing(self.hours, self.target)


def training_target(node: OrgNode) -> float:
    """RES.TRAINING's threshold in force at the node (a region may set its own)."""
    return Thresholds().at("RES.TRAINING", node.path) or 72.0


def _researcher_posts() -> Any:
    """The active researcher posts of the person of the outer query (for Exists)."""
    return Post.objects.active().filter(person=OuterRef("pk"), role__in=RESEARCHER_ROLES)


def _people_hours(user: AnyUser, node: OrgNode, year: int, *, researchers_only: bool = False) -> Any:
    """People under the node whose records the user sees, annotated with their hours in the year
    (`h`) and whether they hold a researcher post (`is_res`)."""
    first, last = rules.year_bounds(year)
    qs = (record_people_visible_to(user).under(node.path).filter(is_active=True)
          .annotate(h=Coalesce(Sum("trainings__hours", filter=Q(trainings__end__gte=first, trainings__end__lte=last)),
                               Value(Decimal(0)), output_field=DecimalField(max_digits=8, decimal_places=1)),
                    is_res=Exists(_researcher_posts())))
    return qs.filter(is_res=True) if researchers_only else qs


def hours_for_people(user: AnyUser, node: OrgNode, year: int, *, researchers_only: bool = False,
                     limit: int = 500) -> list[PersonHours]:
    """Each person under the node whose records the user sees, with their training hours in the
    year (000 §12): researchers first, those furthest short first (by name among equals), at
    most `limit`.

    In three reads, so that a province's page never sums 400,000 people's hours to show 500: the
    researchers; then the others with no record in the year (0 hours, every record has hours
    above 0), in name order, which is most people for most of the year; then, only if the page
    is not full yet, the others with records, fewest hours first."""
    target = training_target(node)
    qs = _people_hours(user, node, year, researchers_only=researchers_only).select_related("org")
    out = [PersonHours(p, Decimal(p.h), target, True)
           for p in qs.filter(is_res=True).order_by("h", "pinyin", "pk")[:limit]]
    if researchers_only or len(out) >= limit:
        return out
    first, last = rules.year_bounds(year)
    records = TrainingRecord.objects.filter(person=OuterRef("pk"), end__gte=first, end__lte=last)
    others = (record_people_visible_to(user).under(node.path).filter(is_active=True)
              .filter(~Exists(_researcher_posts())).select_related("org"))
    out += [PersonHours(p, Decimal(0), target, False)
            for p in others.filter(~Exists(records)).order_by("pinyin", "pk")[:limit - len(out)]]
    if len(out) < limit:
        out += [PersonHours(p, Decimal(p.h), target, False)
                for p in qs.filter(is_res=False).filter(Exists(records)).order_by("h", "pinyin", "pk")[:limit - len(out)]]
    return out


def hours_of(user: AnyUser, person: Person, year: int) -> PersonHours | None:
    """One person's hours in the year (the growth overview's own line), or None when the user does
    not see the person's records or the person is inactive."""
    p = _people_hours(user, person.org, year).filter(pk=person.pk).select_related("org").first()
    return PersonHours(p, Decimal(p.h), training_target(person.org), bool(p.is_res)) if p is not None else None


def short_count(user: AnyUser, node: OrgNode, year: int, *, researchers_only: bool = False) -> tuple[int, int]:
    """(people short of the year's target, people counted) under the node: everyone counted, less
    those whose records of the year add up to the target (one COUNT, one grouped COUNT)."""
    people = record_people_visible_to(user).under(node.path).filter(is_active=True)
    if researchers_only:
        people = people.filter(Exists(_researcher_posts()))
    first, last = rules.year_bounds(year)
    target = Decimal(str(training_target(node)))
    total = people.count()
    meeting = (TrainingRecord.objects.filter(person__in=people.values("pk"), end__gte=first, end__lte=last).order_by()
               .values("person_id").annotate(h=Sum("hours")).filter(h__gte=target).count())
    return total - meeting, total


@dataclass(frozen=True)
class TrainingCounts:
    """The institution's yearly training counts as 001 一(二)三 reports them."""

    sessions: int  # distinct courses (项目 + 开始日期 + 机构)
    people: int
    hours: Decimal
    by_level: list[tuple[str, int, int]]  # (level label, sessions, people)


def training_counts(user: AnyUser, node: OrgNode, year: int) -> TrainingCounts:
    first, last = rules.year_bounds(year)
    rows = list(trainings_visible_to(user).filter(person__org__path__startswith=node.path, end__gte=first,
                                                  end__lte=last).values_list("course", "start", "provider",
                                                                             "level", "person_id", "hours"))
    sessions: dict[str, set[tuple[str, dt.date, str]]] = defaultdict(set)
    people: dict[str, set[int]] = defaultdict(set)
    for course, start, provider, level, pid, _ in rows:
        sessions[level].add((course, start, provider))
        people[level].add(pid)
    labels = dict(Level.choices)
    by_level = [(labels[lv], len(sessions[lv]), len(people[lv])) for lv in Level.values if sessions[lv]]
    return TrainingCounts(len({s for v in sessions.values() for s in v}), len({p for v in people.values() for p in v}),
                          sum((Decimal(h) for *_, h in rows), Decimal(0)), by_level)


@dataclass(frozen=True)
class TrainingYear:
    """The training page's figures of a node and year: the yearly counts, who is short, and the
    first people of the list (hours_for_people)."""

    counts: TrainingCounts
    short: int
    people: int
    rows: list[PersonHours]


# What the yearly figures count (core.kept versions): the records, and the people and units
# they are counted under.
TRAINING_MODELS = ("growth.TrainingRecord", "core.Person", "core.Post", "core.OrgNode")


def training_year(user: AnyUser, node: OrgNode, year: int, *, researchers_only: bool = False) -> Kept[TrainingYear]:
    """training_counts, short_count and hours_for_people; at a large region kept until a training
    record, person, post or unit is written (a province's 300,000 records of the year take a
    second to count)."""
    def count() -> TrainingYear:
        short, people = short_count(user, node, year, researchers_only=researchers_only)
        return TrainingYear(training_counts(user, node, year), short, people,
                            hours_for_people(user, node, year, researchers_only=researchers_only))

    return kept(user, node, f"training-year:{year}:{int(researchers_only)}", count, reads=TRAINING_MODELS)


# ---------------------------------------------------------------- rotation


@dataclass(frozen=True)
class RotationRow:
    """A full-time researcher's rotation state, with the names the page shows (plain values: a
    province's 2,166 rows are kept in the cache, and model instances cost ten times as much to
    read back)."""

    person_id: int
    name: str
    unit: str  # the post's unit, and its subject if any
    standing: rules.RotationStanding


# What the rotation rows read (core.kept versions).
ROTATION_MODELS = ("core.Post", "core.Person", "core.OrgNode", "growth.RotationStint")


def rotation_rows_kept(user: AnyUser, node: OrgNode) -> Kept[list[RotationRow]]:
    """rotation_rows, at a large region kept for the day until a post, person, unit or stint is
    written (a province has 2,166 full-time researchers to place)."""
    return kept(user, node, f"rotation:{timezone.localdate().isoformat()}", lambda: rotation_rows(user, node),
                reads=ROTATION_MODELS)


def rotation_rows(user: AnyUser, node: OrgNode) -> list[RotationRow]:
    """Full-time researchers under the node the user sees, with their rotation state, overdue
    first, then due (000 §12)."""
    people = record_people_visible_to(user).under(node.path)
    posts = (Post.objects.active().filter(person__in=people, role=Role.RESEARCHER)
             .select_related("person", "org", "subject").order_by("person_id", "start"))
    first: dict[int, Post] = {}
    for p in posts:
        first.setdefault(p.person_id, p)
    stints: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for pid, start, end in rotations_visible_to(user).filter(person_id__in=first).values_list("person_id", "start",
                                                                                                  "end"):
        stints[pid].append((start, end))
    today = timezone.localdate()
    order = {rules.OVERDUE: 0, rules.NO_START: 1, rules.DUE: 2, rules.IN_SCHOOL: 3, rules.NOT_DUE: 4}
    out = [(p.person.pinyin, RotationRow(pid, p.person.name, p.org.name + (f"·{p.subject.name}" if p.subject else ""),
                                         rules.rotation_standing(p.start, stints[pid], today)))
           for pid, p in first.items()]
    out.sort(key=lambda r: (order[r[1].standing.state], -(r[1].standing.years_in_post or 0), r[0]))
    return [r for _, r in out]


# ---------------------------------------------------------------- programmes


@dataclass(frozen=True)
class DutyRow:
    member: ProgrammeMember
    duty: TierDuty
    standing: rules.DutyStanding


def duty_window(term: Term, period: str) -> tuple[dt.date, dt.date]:
    """The dates a duty is counted over: the term, or its school year (1 Sep to 31 Aug)."""
    if period == "year":
        return dt.date(term.school_year, 9, 1), dt.date(term.school_year + 1, 8, 31)
    return term.start, term.end


def duty_rows(user: AnyUser, programme: TalentProgramme, term: Term) -> list[DutyRow]:
    """Each visible active member's duties in the term, with what is done (linked observations)
    and what is short; shortfalls first."""
    members = list(members_visible_to(user).filter(programme=programme, status=MemberStatus.ACTIVE,
                                                   start__lte=term.end, end__gte=term.start))
    duties: dict[int, list[TierDuty]] = defaultdict(list)
    for d in TierDuty.objects.filter(tier__programme=programme).select_related("tier"):
        duties[d.tier_id].append(d)
    done: Counter[tuple[int, int]] = Counter()
    for f in DutyFulfilment.objects.filter(member__in=members).select_related("observation", "duty"):
        start, end = duty_window(term, f.duty.period)
        if start <= f.observation.date <= end:
            done[(f.member_id, f.duty_id)] += 1
    out = [DutyRow(m, d, rules.DutyStanding(d.count, done[(m.pk, d.pk)])) for m in members for d in duties[m.tier_id]]
    out.sort(key=lambda r: (r.standing.meets, r.member.tier.rank, r.member.person.pinyin))
    return out


def programme_summaries(user: AnyUser, programmes: list[TalentProgramme]) -> dict[int, tuple[int, int]]:
    """Per programme: (active members visible, quota)."""
    counts = dict(ProgrammeMember.objects.filter(programme__in=programmes, status=MemberStatus.ACTIVE)
                  .order_by().values("programme_id").annotate(n=Count("id")).values_list("programme_id", "n"))
    return {p.pk: (counts.get(p.pk, 0), p.quota) for p in programmes}


# ---------------------------------------------------------------- competitions and awards


def competition_counts(user: AnyUser, node: OrgNode, year: int) -> list[tuple[str, int, int, int]]:
    """Per level: (label, competitions held, entrants, awards) in the year (001 一(二)三)."""
    comps = competitions_visible_to(user).filter(region__path__startswith=node.path, held_on__year=year)
    held = dict(comps.order_by().values("level").annotate(n=Count("id")).values_list("level", "n"))
    entrants = dict(comps.order_by().values("level").annotate(n=Sum("entrants")).values_list("level", "n"))
    awards = dict(awards_visible_to(user).filter(person__org__path__startswith=node.path, awarded_on__year=year)
                  .order_by().values("level").annotate(n=Count("id")).values_list("level", "n"))
    return [(label, held.get(v, 0), entrants.get(v) or 0, awards.get(v, 0)) for v, label in Level.choices
            if held.get(v) or awards.get(v)]
