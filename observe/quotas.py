"""Leaders' observation quotas and coverage, computed live (norms LEAD.OBSERVE_HEAD,
LEAD.OBSERVE_MIDDLE, LEAD.COVERAGE; 004 (一)1).

Three steps (DESIGN.md convention 12): fetch plain rows through the access selectors, compute
with pure functions (`pace_status`, `elapsed_fraction`), present. A leader counts the submitted
observations they made in their own school during the term, of either purpose: the norm counts
lessons observed, not scores. Pace: expected-by-today = quota × elapsed fraction of the term,
so a leader falling behind is named in October, not in January.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, QuerySet
from django.utils import timezone

from core import progress
from core.access import AnyUser, posts_visible_to, schools_visible_to
from core.compliance import Thresholds
from core.models import OrgNode, Person, Post, Term
from observe.access import HEAD_ROLES, MIDDLE_ROLES, observation_facts_visible_to

HEAD_CODE = "LEAD.OBSERVE_HEAD"
MIDDLE_CODE = "LEAD.OBSERVE_MIDDLE"
COVERAGE_CODE = "LEAD.COVERAGE"
DEFAULTS = {HEAD_CODE: 30.0, MIDDLE_CODE: 25.0, COVERAGE_CODE: 100.0}

MET, ON_PACE, BEHIND = progress.MET, progress.ON_PACE, progress.BEHIND
pace_status = progress.pace_status
STATUS_LABELS = {MET: "已达标", ON_PACE: "进度正常", BEHIND: "落后进度"}


# ---------------------------------------------------------------- pure rules


def expected_by_now(quota: float, fraction: float) -> int:
    """Lessons expected by today: the quota times the elapsed share of the term, in whole lessons
    rounded down (the page says so); a leader below this number is behind (progress.pace_status
    uses the same floor), so the number shown and the flag always agree."""
    return math.floor(quota * fraction + 1e-9)


def elapsed_fraction(term: Term, today: dt.date) -> float:
    """Share of the term's days gone by today, counting today (0 before it starts, 1 after)."""
    return progress.elapsed_fraction(term.start, term.end, today)


# ---------------------------------------------------------------- thresholds


def all_thresholds(codes: tuple[str, ...], schools: list[OrgNode]) -> dict[str, dict[int, float]]:
    """Each school's effective threshold (the minimum) for several norms, from the one-query
    table of every norm's default and override (core.compliance.Thresholds)."""
    th = Thresholds()
    out: dict[str, dict[int, float]] = {}
    for code in codes:
        out[code] = {}
        for s in schools:
            value = th.at(code, s.path)
            out[code][s.pk] = value if value is not None else DEFAULTS[code]
    return out


# ---------------------------------------------------------------- rows


def _rows(qs: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset of plain columns (ids and text), read straight from
    the cursor: the same SQL, without Django's per-row iterator, which costs as much as the query
    on a county's thousands of rows. The columns come in the order named (no annotations, no
    `extra`, no values needing a converter)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


@dataclass
class LeaderQuota:
    person_id: int
    code: str
    name: str
    school_id: int
    school_name: str
    school_code: str
    norm: str  # HEAD_CODE or MIDDLE_CODE
    role_label: str
    count: int
    quota: float
    expected: float
    status: str
    school_path: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent(self) -> int:
        return progress.percent(self.count, self.quota)


@dataclass
class TeacherRef:
    person_id: int
    code: str
    name: str


@dataclass
class SchoolCoverage:
    school_id: int
    school_name: str
    school_code: str
    teachers: int
    observed: int
    target: float  # percent
    expected: float  # percent expected by today
    status: str
    # The first unobserved teachers (ten by default) and how many there are in all.
    unobserved: list[TeacherRef] = field(default_factory=list)
    school_path: str = ""
    unobserved_count: int = 0

    @property
    def percent(self) -> float:
        """Share of the school's teachers observed, in percent; a school with no teachers on
        record is not covered (0), so it is flagged rather than shown as done."""
        return round(100 * self.observed / self.teachers, 1) if self.teachers else 0.0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class QuotaReport:
    node: OrgNode
    term: Term
    today: dt.date
    fraction: float
    leaders: list[LeaderQuota]
    schools: list[SchoolCoverage]

    @property
    def behind(self) -> list[LeaderQuota]:
        return [r for r in self.leaders if r.status == BEHIND]


def quota_report(user: AnyUser, node: OrgNode, term: Term, *, today: dt.date | None = None,
                 school_ids: list[int] | None = None, names_per_school: int = 10) -> QuotaReport:
    """Every leader and school under `node` that the user may see, for the term.

    Aggregate queries whatever the size of the region (no teacher is materialised): schools,
    leader posts, each leader's count in their school (GROUP BY observer and school), each
    school's teachers and those the school's leaders observed (COUNT with an EXISTS), the first
    `names_per_school` unobserved teachers of each school (a window), thresholds.

    LEAD.COVERAGE (004 (一)1: 校领导听课覆盖全体教师): the teachers of a school are its active
    people (with or without a teacher post) other than its 校领导 themselves; a teacher is
    covered when one of the school's 校领导 (principal, vice principal) observed them in the
    term; observations by middle managers do not count. A school with no teachers on record is
    not covered (0 of 0, flagged), never 100%.
    """
    day = today or timezone.localdate()
    fraction = elapsed_fraction(term, day)
    visible = schools_visible_to(user).under(node.path)
    if school_ids is not None:  # only these schools of the node (a large region's page lists a few)
        visible = visible.filter(pk__in=school_ids)
    schools = list(visible.order_by("path").only("id", "name", "code", "path"))
    by_id = {s.pk: s for s in schools}
    ids = list(by_id)
    active_posts = posts_visible_to(user).overlapping(term.start, term.end)
    posts = (active_posts.filter(org_id__in=ids, role__in=(*HEAD_ROLES, *MIDDLE_ROLES), person__is_active=True)
             .values_list("person_id", "person__code", "person__name", "org_id", "role")
             .order_by("org_id", "person__pinyin"))
    leaders: dict[tuple[int, int], tuple[str, str, str]] = {}
    for pid, code, name, org_id, role in _rows(posts):
        key = (pid, org_id)
        norm = HEAD_CODE if role in HEAD_ROLES else MIDDLE_CODE
        # A person holding both a head and a middle post is counted against the head quota.
        existing = leaders.get(key)
        head = norm == HEAD_CODE or (existing is not None and existing[2] == HEAD_CODE)
        leaders[key] = (code, name, HEAD_CODE if head else MIDDLE_CODE)
    role_labels = {HEAD_CODE: "校领导", MIDDLE_CODE: "中层干部"}
    counts: dict[tuple[int, int], int] = {}
    facts = observation_facts_visible_to(user).between(term.start, term.end).filter(school_id__in=ids).order_by()
    if leaders:
        for observer_id, school_id, n in (facts.filter(observer_id__in=sorted({pid for pid, _ in leaders}))
                                          .values("observer_id", "school_id").annotate(n=Count("id"))
                                          .values_list("observer_id", "school_id", "n")):
            # Only a school's own leaders count for their quota (004 (一)1).
            if (observer_id, school_id) in leaders:
                counts[(observer_id, school_id)] = n
    # The schools' 校领导 during the term (every head post, as the norm counts them), and the
    # teachers each school's own 校领导 observed there: small sets, matched here. (As correlated
    # subqueries PostgreSQL checked the heads of the school for each of a county's 100,000
    # observations: 2 s a county at province scale.)
    heads = set(Post.objects.overlapping(term.start, term.end).filter(org_id__in=ids, role__in=HEAD_ROLES)
                .values_list("person_id", "org_id"))
    seen_pairs = {(teacher_id, school_id) for teacher_id, school_id, observer_id in (
        facts.filter(observer_id__in=sorted({pid for pid, _ in heads})).order_by()
        .values_list("teacher_id", "school_id", "observer_id").distinct())
        if (observer_id, school_id) in heads}
    # The people of the visible schools other than their own 校领导, as posts_visible_to shows
    # every post held at a visible node (a subject researcher sees a school's coverage over all
    # its teachers); in code order, the first unobserved of each school named.
    per_school: dict[int, tuple[int, int]] = {}
    first_unseen: dict[int, list[TeacherRef]] = defaultdict(list)
    for org_id, pid, code, name in (Person.objects.filter(org_id__in=ids, is_active=True).order_by("org_id", "code")
                                    .values_list("org_id", "id", "code", "name")):
        if (pid, org_id) in heads:
            continue
        n, n_seen = per_school.get(org_id, (0, 0))
        if (pid, org_id) in seen_pairs:
            n_seen += 1
        elif len(first_unseen[org_id]) < names_per_school:
            first_unseen[org_id].append(TeacherRef(pid, code, name))
        per_school[org_id] = (n + 1, n_seen)
    th = all_thresholds((HEAD_CODE, MIDDLE_CODE, COVERAGE_CODE), schools)
    th_head, th_mid, th_cov = th[HEAD_CODE], th[MIDDLE_CODE], th[COVERAGE_CODE]
    rows: list[LeaderQuota] = []
    for (pid, sid), (code, name, norm) in leaders.items():
        quota = th_head[sid] if norm == HEAD_CODE else th_mid[sid]
        n = counts.get((pid, sid), 0)
        s = by_id[sid]
        rows.append(LeaderQuota(pid, code, name, sid, s.name, s.code, norm, role_labels[norm], n, quota,
                                expected_by_now(quota, fraction), pace_status(n, quota, fraction), s.path))
    rows.sort(key=lambda r: (r.status != BEHIND, r.count / r.quota if r.quota else 1, r.school_code))
    coverage: list[SchoolCoverage] = []
    for s in schools:
        n_staff, n_seen = per_school.get(s.pk, (0, 0))
        target = th_cov[s.pk]
        pct = 100 * n_seen / n_staff if n_staff else 0.0
        coverage.append(SchoolCoverage(s.pk, s.name, s.code, n_staff, n_seen, target,
                                       round(target * fraction, 1), pace_status(pct, target, fraction),
                                       first_unseen.get(s.pk, []), s.path, n_staff - n_seen))
    return QuotaReport(node, term, day, fraction, rows, coverage)
