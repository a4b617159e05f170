"""Reads of research activities shared by the pages and the API, always through research.access:
the filtered list, the calendars (a person's, a school's, an institution's), clashes with visit
days, to-do counts, and the counts for the reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from core.access import AnyUser, scope_of
from core.models import OrgKind, OrgNode
from core.paths import under_q
from research.access import activities_visible_to
from research.models import Activity, ActivityQuerySet, ActivityStatus, Attendance, Participant

LIST_LIMIT = 100
CALENDAR_LIMIT = 2000
DAY_LIMIT = 4  # activities shown in a day's cell of a node's month grid


@dataclass(frozen=True)
class ActivityFilter:
    form: str = ""
    level: str = ""
    subject_id: int | None = None
    term_id: int | None = None
    status: str = ""
    mine: bool = False
    node: OrgNode | None = None  # organised at or below this node


def activity_list(user: AnyUser, f: ActivityFilter) -> ActivityQuerySet:
    qs = activities_visible_to(user).with_refs()
    if f.form:
        qs = qs.filter(form=f.form)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.subject_id is not None:
        qs = qs.filter(subject_id=f.subject_id)
    if f.term_id is not None:
        qs = qs.filter(term_id=f.term_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.node is not None:
        qs = qs.filter(organiser__path__startswith=f.node.path)
    if f.mine:
        me = scope_of(user).person_id
        if me is None:
            return qs.none()
        qs = qs.filter(Q(host_id=me) | Q(Exists(Participant.objects.filter(activity=OuterRef("pk"), person_id=me))))
    return qs.order_by("-start", "-id")


# ---------------------------------------------------------------- clashes with visits


@dataclass(frozen=True)
class VisitClash:
    person_id: int
    person_name: str
    date: dt.date
    visit_id: int
    visit_title: str

    @property
    def message(self) -> str:
        return (f"{self.person_name}在{self.date.month}月{self.date.day}日有视导“{self.visit_title}”，"
                "与本活动时间冲突")


def visit_clashes(person_ids: list[int], dates: list[dt.date]) -> list[VisitClash]:
    """The people's visit days among `dates` (visits.selectors; one warning per person and day)."""
    from visits.selectors import visit_days_of

    if not person_ids or not dates:
        return []
    seen: dict[tuple[int, dt.date], VisitClash] = {}
    for pid, name, day, vid, title in visit_days_of(person_ids, dates):
        seen.setdefault((pid, day), VisitClash(pid, name, day, vid, title))
    return sorted(seen.values(), key=lambda c: (c.date, c.person_name))


def pattern_warning(organiser: OrgNode, start: dt.datetime) -> str:
    """An institution's activity on a day its weekly pattern (WEEK.PATTERN, visits) gives to
    school visits: its researchers are expected out at schools that day."""
    from visits.scheduling import WEEKDAYS, visit_days
    from visits.services.plan import pattern_for

    if organiser.kind == "school":
        return ""
    pattern = pattern_for(organiser)
    day = timezone.localtime(start).date()
    if pattern is None or day.isoweekday() not in visit_days(pattern.days):
        return ""
    return (f"{day.month}月{day.day}日是{WEEKDAYS[day.isoweekday()]}，"
            f"每周工作安排中这一天用于下校视导，教研员可能无法参加")


# ---------------------------------------------------------------- calendars


@dataclass(frozen=True)
class CalendarEntry:
    activity: Activity
    attendance: str = ""  # the person's (its label), on their own calendar
    clash: str = ""  # a visit the person is on that day


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, month, 1, tzinfo=tz)
    nxt = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return first, nxt


def person_calendar(user: AnyUser, start: dt.datetime, end: dt.datetime, *,
                    with_cancelled: bool = False) -> list[CalendarEntry]:
    """The user's own activities (hosted or taking part) overlapping [start, end), each with
    their attendance and a clash with a visit day of theirs; cancelled ones only when asked (a
    subscribed calendar shows them struck out rather than silently gone)."""
    me = scope_of(user).person_id
    if me is None:
        return []
    visible = activities_visible_to(user)
    qs = ((visible if with_cancelled else visible.not_cancelled()).overlapping(start, end)
          .filter(Q(host_id=me) | Q(Exists(Participant.objects.filter(activity=OuterRef("pk"), person_id=me))))
          .with_refs().order_by("start", "id")[:CALENDAR_LIMIT])
    activities = list(qs)
    mine = dict(Participant.objects.filter(activity__in=[a.pk for a in activities], person_id=me)
                .values_list("activity_id", "attendance"))
    days = sorted({timezone.localtime(a.start).date() + dt.timedelta(days=n) for a in activities
                   for n in range((timezone.localtime(a.end).date() - timezone.localtime(a.start).date()).days + 1)})
    clashes: dict[dt.date, str] = {}
    for c in visit_clashes([me], days):
        clashes.setdefault(c.date, c.visit_title)
    labels = dict(Attendance.choices)
    return [CalendarEntry(a, labels.get(mine.get(a.pk, ""), ""), clashes.get(timezone.localtime(a.start).date(), ""))
            for a in activities]


class NodeScope:
    """Which activities a school's or an institution's calendar shows: those organised at the
    node itself (本级), or anywhere in the region it serves (含下级: the node's subtree, its
    schools' and groups' activities included)."""

    OWN = "own"
    BELOW = "below"
    CHOICES = ((OWN, "本级"), (BELOW, "含下级"))

    @staticmethod
    def parse(raw: str, node: OrgNode) -> str:
        """The choice in the query string; an institution defaults to its whole region, a school
        (a leaf of the tree) is always its own."""
        if node.kind == OrgKind.SCHOOL:
            return NodeScope.OWN
        return raw if raw in (NodeScope.OWN, NodeScope.BELOW) else NodeScope.BELOW


def node_activities(user: AnyUser, node: OrgNode, start: dt.datetime, end: dt.datetime, *,
                    scope: str = NodeScope.OWN) -> ActivityQuerySet:
    """The activities of a node's calendar as the user sees them (research.access), not
    cancelled, overlapping [start, end), in time order: one indexed query however large the
    region (the page windows it by month and pages it)."""
    where = under_q([node.path], "organiser__path") if scope == NodeScope.BELOW else Q(organiser=node)
    return (activities_visible_to(user).not_cancelled().overlapping(start, end).filter(where)
            .with_refs().order_by("start", "id"))


def node_calendar(user: AnyUser, node: OrgNode, start: dt.datetime, end: dt.datetime, *,
                  scope: str = NodeScope.OWN) -> list[CalendarEntry]:
    """The node's calendar as a bounded list (the iCalendar feed): at most CALENDAR_LIMIT."""
    return [CalendarEntry(a) for a in node_activities(user, node, start, end, scope=scope)[:CALENDAR_LIMIT]]


@dataclass(frozen=True)
class MonthEntries:
    entries: list[CalendarEntry]
    more: dict[dt.date, int]  # per day, the activities beyond the ones shown


class DayNumber(Func):
    """The local day a datetime column falls on, as its number from the first of `bounds` (the
    local midnights of consecutive days; -1 before the first, len(bounds) - 1 from the last on).
    Plain comparisons with the boundaries computed here in the current time zone, so the database
    needs no time-zone function per row (SQLite's is a Python callback); nested as a binary search
    (five comparisons a row for a month rather than up to 31), and written out here as SQL text, as
    the ORM's Case of 31 Whens costs milliseconds of Python to compile on every query."""

    arity = 1
    output_field = IntegerField()

    def __init__(self, expression: Any, bounds: list[dt.datetime]) -> None:
        super().__init__(expression)
        self.bounds = bounds

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, function: str | None = None,
               template: str | None = None, arg_joiner: str | None = None,
               **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.source_expressions[0])
        values = [connection.ops.adapt_datetimefield_value(b) for b in self.bounds]
        params: list[Any] = []

        def search(lo: int, hi: int) -> str:  # the day is known to be in lo..hi
            if lo == hi:
                return str(lo)
            mid = (lo + hi + 1) // 2  # bounds[mid] starts day mid
            params.extend(column_params)
            params.append(values[mid])
            below = search(lo, mid - 1)
            return f"CASE WHEN {column} < %s THEN {below} ELSE {search(mid, hi)} END"

        sql = search(-1, len(values) - 1)
        return sql, tuple(params)


def day_number(start: dt.datetime, end: dt.datetime) -> DayNumber:
    """The local day an activity starts on, as its number from `start`'s day (-1 before it)."""
    tz = timezone.get_current_timezone()
    first = timezone.localtime(start, tz).date()
    days = (timezone.localtime(end, tz).date() - first).days
    bounds = [dt.datetime.combine(first + dt.timedelta(days=i), dt.time.min, tzinfo=tz) for i in range(days + 1)]
    return DayNumber(F("start"), bounds)


def node_month(user: AnyUser, node: OrgNode, start: dt.datetime, end: dt.datetime, *,
               scope: str = NodeScope.OWN, per_day: int = DAY_LIMIT) -> MonthEntries:
    """A month grid of a node's calendar, bounded however large the region: the first `per_day`
    activities of each day (by local start date) with the day's total. One query ranks the
    month's activities per day with window functions and reads the chosen ones, at most
    31 × `per_day`, with only the columns the grid shows (id, title, start: no joined references,
    so reading another field of these entries costs a query)."""
    day = day_number(start, end)
    chosen = (node_activities(user, node, start, end, scope=scope).select_related(None).only("id", "title", "start")
              .annotate(day_rank=Window(RowNumber(), partition_by=[day], order_by=[F("start").asc(), F("id").asc()]),
                        day_total=Window(Count("id"), partition_by=[day]))
              .filter(day_rank__lte=per_day).order_by("start", "id"))
    entries: list[CalendarEntry] = []
    more: dict[dt.date, int] = {}
    for a in chosen:
        entries.append(CalendarEntry(a))
        total: int = a.day_total  # type: ignore[attr-defined]  # the window's annotation
        if total > per_day:
            more[timezone.localtime(a.start).date()] = total - per_day
    return MonthEntries(entries, more)


# ---------------------------------------------------------------- to-dos


@dataclass
class ActivityTodos:
    lacking_outcome: int = 0
    lacking_first_id: int | None = None
    today_id: int | None = None
    today_title: str = ""


def todo_counts(user: AnyUser, me: int | None) -> ActivityTodos:
    """Activities the user hosts that have taken place without a written outcome; an activity
    today the user is invited to and has not signed in to."""
    out = ActivityTodos()
    if me is None:
        return out
    now = timezone.now()
    hosted = (activities_visible_to(user).filter(host_id=me, end__lt=now,
                                                 status__in=[ActivityStatus.PLANNED, ActivityStatus.UNDERWAY])
              .annotate(n_out=Count("outcomes")).filter(n_out=0).order_by("start"))
    # The host's own activities: counted and the first one found in one query.
    ids = list(hosted.values_list("pk", flat=True))
    out.lacking_outcome = len(ids)
    out.lacking_first_id = ids[0] if ids else None
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = (Participant.objects.filter(person_id=me, attendance=Attendance.UNKNOWN,
                                        activity__in=activities_visible_to(user).not_cancelled()
                                        .overlapping(day_start, day_start + dt.timedelta(days=1))
                                        .exclude(status=ActivityStatus.CLOSED))
             .select_related("activity").order_by("activity__start").first())
    if today is not None:
        out.today_id, out.today_title = today.activity_id, today.activity.title
    return out


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class ActivityCounts:
    total: int
    by_form: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_subject: list[tuple[str, int]]
    by_term: list[tuple[str, int]]
    signins: int
    late: int
    absent: int


def activity_counts(user: AnyUser, node: OrgNode, term_id: int | None = None) -> ActivityCounts:
    """Activities organised at or below `node` (not cancelled), counted by form, level, subject
    and term, with the attendance of their participants."""
    from core.models import Level
    from research.models import ActivityForm

    qs = activities_visible_to(user).not_cancelled().filter(organiser__path__startswith=node.path)
    if term_id is not None:
        qs = qs.filter(term_id=term_id)
    rows = list(qs.values("form", "level", "subject__name", "term__school_year", "term__semester"))
    forms, levels = dict(ActivityForm.choices), dict(Level.choices)
    f = Counter(forms.get(r["form"], r["form"]) for r in rows)
    lv = Counter(levels.get(r["level"], r["level"]) for r in rows)
    s = Counter(r["subject__name"] or "（综合）" for r in rows)
    t = Counter(f"{r['term__school_year']}学年第{r['term__semester']}学期" for r in rows)
    att = dict(Participant.objects.filter(activity__in=qs).values_list("attendance").annotate(n=Count("id"))
               .values_list("attendance", "n"))
    return ActivityCounts(
        total=len(rows), by_form=f.most_common(), by_level=lv.most_common(), by_subject=s.most_common(),
        by_term=sorted(t.items(), reverse=True),
        signins=att.get(Attendance.PRESENT, 0) + att.get(Attendance.LATE, 0), late=att.get(Attendance.LATE, 0),
        absent=att.get(Attendance.ABSENT, 0))


@dataclass(frozen=True)
class TeacherParticipation:
    person_id: int
    code: str
    name: str
    school: str
    invited: int
    attended: int
    late: int
    absent: int
    periods: int


def participation_per_teacher(user: AnyUser, node: OrgNode, term_id: int | None = None,
                              limit: int = 500) -> list[TeacherParticipation]:
    """Per person (of the people the user sees at or under `node`): activities taken part in,
    attended (present or late), late, absent, and the class periods attended."""
    from core.access import people_visible_to

    parts = Participant.objects.filter(activity__in=activities_visible_to(user).not_cancelled(),
                                       person__in=people_visible_to(user).filter(org__path__startswith=node.path))
    if term_id is not None:
        parts = parts.filter(activity__term_id=term_id)
    attended = Q(attendance__in=[Attendance.PRESENT, Attendance.LATE])
    rows = (parts.values("person_id", "person__code", "person__name", "person__org__name")
            .annotate(n=Count("id"), att=Count("id", filter=attended),
                      late=Count("id", filter=Q(attendance=Attendance.LATE)),
                      absent=Count("id", filter=Q(attendance=Attendance.ABSENT)))
            .order_by("-att", "person__name")[:limit])
    periods: dict[int, int] = defaultdict(int)
    ids = [r["person_id"] for r in rows]
    for pid, p in parts.filter(attended, person_id__in=ids).values_list("person_id", "activity__periods"):
        periods[pid] += p
    return [TeacherParticipation(r["person_id"], r["person__code"], r["person__name"], r["person__org__name"],
                                 r["n"], r["att"], r["late"], r["absent"], periods[r["person_id"]]) for r in rows]
