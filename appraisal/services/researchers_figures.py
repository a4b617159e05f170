"""Where each workload figure of the researcher appraisal comes from: every app's records read
through that app's access selectors and queryset methods (visits, observe, research, liaison,
projects, growth), never a copy of their rules.

A source gives the records behind a figure for a year (`records(user, first, last)`), the
lookups that name the researcher, and how records count (`count` distinct records, `sum` a
field, `days` distinct dates). `figure_values` aggregates a figure for many researchers in one
or two grouped queries; `figure_records` lists one researcher's records as the viewer may see
them (the page every figure links to).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, Q, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser


@dataclass(frozen=True)
class Line:
    """One record behind a figure, as its page lists it."""

    date: dt.date | None
    title: str
    detail: str
    url: str
    amount: float = 1.0


Records = Callable[[AnyUser, dt.date, dt.date], QuerySet[Any]]


@dataclass(frozen=True)
class Source:
    records: Records
    # Lookups naming the researcher: the figure counts a record once per researcher if any matches.
    person_fields: tuple[str, ...]
    line: Callable[[Any], Line]
    # "count": distinct records; "sum": Sum(`field`); "days": distinct values of `field` (dates).
    how: str = "count"
    field: str = ""
    # Which of the listed records the viewer may open (None: all of them); the others are listed
    # without a link.
    openable: Callable[[AnyUser, list[int]], set[int]] | None = None


def _dt(day: dt.date, end: bool = False) -> dt.datetime:
    from django.utils import timezone

    t = dt.time.max if end else dt.time.min
    return timezone.make_aware(dt.datetime.combine(day, t))


# ---------------------------------------------------------------- the apps' records


def _observations(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    """Submitted observations, for counting (observe's facts: a developmental lesson's content
    stays with its teacher, but that it was observed counts)."""
    from observe.access import observation_facts_visible_to

    return observation_facts_visible_to(user).between(first, last).select_related("school", "subject")


def _observation_line(o: Any) -> Line:
    subject = f"·{o.subject.name}" if o.subject_id else ""
    return Line(o.date, f"听课：{o.school.name}{subject}", o.get_kind_display(), reverse("observe:detail", args=[o.pk]))


def _observations_openable(user: AnyUser, ids: list[int]) -> set[int]:
    from observe.access import observations_visible_to

    return set(observations_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _songjiao(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from research.access import orders_visible_to
    from research.models import OrderStatus

    return orders_visible_to(user).filter(status__in=(OrderStatus.DELIVERED, OrderStatus.RATED),
                                          match__date__gte=first, match__date__lte=last)


def _songjiao_line(o: Any) -> Line:
    return Line(o.match.date, f"送教：{o.topic}", f"{o.org.name}·{o.subject.name}",
                reverse("research:order_detail", args=[o.pk]))


def _activities(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from research.access import activities_visible_to

    return (activities_visible_to(user).not_cancelled().filter(start__gte=_dt(first), start__lte=_dt(last, True))
            .with_refs())


def _activities_joined(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from research.models import Attendance, Participant

    return (Participant.objects.filter(activity__in=_activities(user, first, last).values("pk"))
            .exclude(attendance__in=(Attendance.ABSENT, Attendance.EXCUSED))
            .select_related("activity", "activity__organiser"))


def _activity_line(a: Any) -> Line:
    return Line(timezone.localdate(a.start), f"教研活动：{a.title}", a.organiser.name,
                reverse("research:activity_detail", args=[a.pk]))


def _participation_line(p: Any) -> Line:
    a = p.activity
    return Line(timezone.localdate(a.start), f"教研活动：{a.title}（{p.get_role_display()}）", a.organiser.name,
                reverse("research:activity_detail", args=[a.pk]))


def _projects(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    """Approved projects running some time in the year."""
    from projects.access import projects_visible_to

    return (projects_visible_to(user).approved().filter(approved_on__lte=last)
            .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=first)).with_refs())


def _projects_joined(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from projects.models import ProjectMember

    return ProjectMember.objects.filter(project__in=_projects(user, first, last).values("pk")).select_related("project")


def _project_line(p: Any) -> Line:
    return Line(p.approved_on, f"课题：{p.title}", p.get_status_display(), reverse("projects:detail", args=[p.pk]))


def _member_line(m: Any) -> Line:
    return _project_line(m.project)


def _training(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from growth.access import trainings_visible_to

    return trainings_visible_to(user).filter(end__gte=first, end__lte=last).select_related("person")


def _training_line(t: Any) -> Line:
    return Line(t.end, f"培训：《{t.course}》", f"{t.hours}学时",
                reverse("growth:training_person", args=[t.person.code]) + f"?year={t.end.year}", float(t.hours))


def _visits(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from visits.access import visits_visible_to

    return visits_visible_to(user).active().filter(start__gte=first, start__lte=last).with_refs()


def _visit_line(v: Any) -> Line:
    return Line(v.start, f"视导：{v.title}", v.organiser.name, reverse("visits:detail", args=[v.pk]))


def _visits_joined(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from visits.models import VisitMember

    return VisitMember.objects.filter(visit__in=_visits(user, first, last).values("pk")).select_related(
        "visit", "visit__organiser")


def _member_visit_line(m: Any) -> Line:
    return _visit_line(m.visit)


def _visit_stops(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from visits.access import visits_visible_to
    from visits.models import VisitSchool

    return (VisitSchool.objects.filter(visit__in=visits_visible_to(user).active().values("pk"),
                                       date__gte=first, date__lte=last)
            .select_related("visit", "school"))


def _stop_line(s: Any) -> Line:
    return Line(s.date, f"视导到校：{s.visit.title}", s.school.name, reverse("visits:detail", args=[s.visit_id]))


def _reports(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from visits.access import reports_visible_to
    from visits.models import ReportStatus

    return (reports_visible_to(user).filter(status=ReportStatus.ISSUED, issued_on__gte=first, issued_on__lte=last)
            .select_related("visit"))


def _report_line(r: Any) -> Line:
    return Line(r.issued_on, f"视导报告：{r.title}", r.number, reverse("visits:report_detail", args=[r.pk]))


def _links(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    """Confirmed links of the rounds running some time in the year."""
    from liaison.access import links_visible_to

    return links_visible_to(user).counted().filter(round__prep_start__lte=last, round__summary_end__gte=first)


def _link_line(link: Any) -> Line:
    return Line(link.round.impl_start, f"定点联系：{link.school.name}", link.round.title,
                reverse("liaison:link_detail", args=[link.pk]))


def _link_days(user: AnyUser, first: dt.date, last: dt.date) -> QuerySet[Any]:
    from liaison.access import onsite_days_visible_to

    return onsite_days_visible_to(user).filter(date__gte=first, date__lte=last)


def _link_day_line(d: Any) -> Line:
    return Line(d.date, f"驻校：{d.link.school.name}（{d.get_portion_display()}）", d.work[:60],
                reverse("liaison:link_detail", args=[d.link_id]), d.days)


def _day_amount() -> Any:
    from liaison.models import DayPortion

    return Sum(Case(When(portion=DayPortion.FULL, then=Value(Decimal("1.0"))), default=Value(Decimal("0.5")),
                    output_field=DecimalField(max_digits=4, decimal_places=1)))


SOURCES: dict[str, Source] = {
    "observations": Source(_observations, ("observer_id",), _observation_line, openable=_observations_openable),
    "songjiao": Source(_songjiao, ("match__teacher_id",), _songjiao_line),
    "activities_led": Source(_activities, ("host_id",), _activity_line),
    "activities_joined": Source(_activities_joined, ("person_id",), _participation_line, field="activity_id"),
    "projects_led": Source(_projects, ("leader_id",), _project_line),
    "projects_joined": Source(_projects_joined, ("person_id",), _member_line, field="project_id"),
    "training_hours": Source(_training, ("person_id",), _training_line, how="sum", field="hours"),
    "visits_led": Source(_visits, ("lead_id",), _visit_line),
    "visits_joined": Source(_visits_joined, ("person_id",), _member_visit_line, field="visit_id"),
    "visit_days": Source(_visit_stops, ("visit__lead_id", "visit__members__person_id"), _stop_line, how="days",
                         field="date"),
    "reports": Source(_reports, ("created_by__person_id",), _report_line),
    "links": Source(_links, ("person_id",), _link_line),
    "link_days": Source(_link_days, ("link__person_id",), _link_day_line, how="portion"),
}


def figure_values(code: str, user: AnyUser, first: dt.date, last: dt.date,
                  person_ids: Iterable[int]) -> dict[int, float]:
    """{person id: value} of one figure for many researchers: grouped queries, one per lookup
    naming the researcher (a distinct-date figure reads its (person, date) pairs)."""
    source = SOURCES[code]
    ids = list(person_ids)
    out: dict[int, float] = defaultdict(float)
    if not ids:
        return out
    base = source.records(user, first, last).order_by()
    if source.how == "days":
        pairs: set[tuple[int, Any]] = set()
        for pf in source.person_fields:
            pairs.update(base.filter(**{f"{pf}__in": ids}).values_list(pf, source.field).distinct())
        for pid, _ in pairs:
            out[pid] += 1
        return out
    pf = source.person_fields[0]
    grouped = base.filter(**{f"{pf}__in": ids}).values(pf)
    if source.how == "sum":
        rows = grouped.annotate(v=Sum(source.field))
    elif source.how == "portion":
        rows = grouped.annotate(v=_day_amount())
    else:
        rows = grouped.annotate(v=Count(source.field or "pk", distinct=True))
    for row in rows:
        out[row[pf]] = float(row["v"] or 0)
    return out


def figure_records(code: str, user: AnyUser, first: dt.date, last: dt.date, person_id: int,
                   limit: int = 500) -> list[Line]:
    """One researcher's records behind a figure, as `user` may see them, newest first."""
    source = SOURCES[code]
    q = Q()
    for pf in source.person_fields:
        q |= Q(**{pf: person_id})
    qs = source.records(user, first, last).filter(q).distinct()
    objs = list(qs[:limit])
    lines = [source.line(obj) for obj in objs]
    if source.openable is not None:
        may = source.openable(user, [o.pk for o in objs])
        lines = [ln if o.pk in may else Line(ln.date, ln.title, ln.detail, "", ln.amount) for o, ln in zip(objs, lines, strict=True)]
    return sorted(lines, key=lambda ln: (ln.date or dt.date.min, ln.title), reverse=True)
