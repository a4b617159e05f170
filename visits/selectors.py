"""Reads of the visits app that other pages ask for (the workbench's to-do list), always
through visits.access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.access import AnyUser, schools_visible_to
from core.models import OrgKind, OrgNode, Term
from visits import access
from visits.models import FindingStatus, Visit, VisitCategory, VisitMember, VisitSchool, VisitStatus


@dataclass
class TodoCounts:
    today_visit_id: int | None = None
    today_school: str = ""
    today_title: str = ""
    to_answer: int = 0
    to_answer_overdue: int = 0
    to_verify: int = 0
    unvisited: int = 0
    unvisited_names: list[str] = field(default_factory=list)


def todo_counts(user: AnyUser, me: int | None, node: OrgNode | None, term: Term | None, *,
                region_reader: bool) -> TodoCounts:
    """What the visits app asks of this user now: today's visit day (a team member), problems to
    answer (the owner, the school's leaders), answers to verify (the organiser's side), and, for
    a region's readers, the schools no inspection visit has reached this term."""
    c = TodoCounts()
    today = timezone.localdate()
    if me is not None:
        stop = (VisitSchool.objects.filter(date=today, visit__in=access.visits_visible_to(user).active())
                .filter(Exists(VisitMember.objects.filter(visit=OuterRef("visit"), person_id=me))
                        | Exists(Visit.objects.filter(pk=OuterRef("visit"), lead_id=me)))
                .select_related("visit", "school").order_by("id").first())
        if stop is not None:
            c.today_visit_id, c.today_school, c.today_title = stop.visit_id, stop.school.name, stop.visit.title
    # Counted in the database: the findings the user sees, narrowed by who may answer or verify
    # them (visits.access.can_answer_finding / can_verify_finding as filters).
    # Both sides in one query: the joins are all to-one, so no finding is counted twice.
    to_answer = Q(status__in=[FindingStatus.OPEN, FindingStatus.REOPENED]) & access.answerable_findings_q(user)
    to_verify = Q(status=FindingStatus.ANSWERED) & access.verifiable_findings_q(user)
    counts = (access.findings_visible_to(user).needing_rectification()
              .filter(status__in=[FindingStatus.OPEN, FindingStatus.REOPENED, FindingStatus.ANSWERED])
              .aggregate(n=Count("pk", filter=to_answer), overdue=Count("pk", filter=to_answer & Q(deadline__lt=today)),
                         verify=Count("pk", filter=to_verify)))
    c.to_answer, c.to_answer_overdue, c.to_verify = counts["n"], counts["overdue"], counts["verify"]
    if region_reader and node is not None and term is not None and node.kind != OrgKind.SCHOOL:
        reached = VisitSchool.objects.filter(
            school=OuterRef("pk"), date__gte=term.start, date__lte=term.end,
            visit__category=VisitCategory.INSPECTION).exclude(visit__status=VisitStatus.CANCELLED)
        unvisited = schools_visible_to(user).under(node.path).exclude(Exists(reached))
        c.unvisited = unvisited.count()
        c.unvisited_names = list(unvisited.order_by("path").values_list("name", flat=True)[:3])
    return c


def visit_days_of(person_ids: list[int], dates: list[dt.date]) -> list[tuple[int, str, dt.date, int, str]]:
    """The days among `dates` on which the people are on a (not cancelled) visit, as members or
    its lead: (person id, name, date, visit id, visit title). Other apps (research's calendar and
    invitations) warn of clashes with these."""
    from visits.services.plan import _member_days

    return _member_days(person_ids, dates, exclude=0)
