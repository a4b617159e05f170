"""Reads behind an institution's yearly report: every figure through the owning app's selectors
and access functions, filtered to the institution's subtree and the calendar year (年度, as 001
counts "2023年度"). Where an app has a yearly selector (growth's training and competition counts,
projects' year counts) it is called as it is; where it has none for the subtree and the calendar
year, a small query here goes through that app's access module and its querysets, and the
counting reuses the app's own pure code (visits.statistics.year_stats).

`user` is whoever generates the report: the figures are what that person may see (the
institution's own staff see their whole subtree).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from appraisal.yearly_figures import YearFigures
from core.access import AnyUser
from core.models import Affiliation, Level, Locale, OrgNode, Stage
from growth import selectors as growth_selectors
from growth.access import programmes_visible_to, studios_visible_to
from observe.access import observation_facts_visible_to
from observe.selectors import ObservationFilter
from projects import access as projects_access
from projects import selectors as projects_selectors
from quality.access import exams_visible_to, warnings_visible_to
from quality.models import ExamKind, Paper
from research.access import activities_visible_to
from research.models import ActivityForm, Attendance, Participant
from visits.access import findings_visible_to, reports_visible_to, visits_visible_to
from visits.models import (
    FindingArea,
    FindingStatus,
    ReportStatus,
    Visit,
    VisitCategory,
    VisitMode,
    VisitSchool,
    VisitStatus,
)
from visits.report_data import issuer_of
from visits.statistics import STAGE_OF_TYPE, STAGE_ORDER, StopRow, year_stats


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def institution_name(node: OrgNode) -> str:
    """The institution as a report names it (乌鲁木齐市教育研究中心 style), as visits name it."""
    return issuer_of(Visit(organiser=node))


def _visits(user: AnyUser, node: OrgNode, year: int, f: YearFigures, today: dt.date) -> None:
    first, last = year_span(year)
    visits = (visits_visible_to(user).filter(organiser__path__startswith=node.path,
                                             category=VisitCategory.INSPECTION, start__gte=first, start__lte=last)
              .exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.PLANNED]))
    stops = [StopRow(vid, mode == VisitMode.COLLECTIVE, sid, stype, aff, loc == Locale.RURAL, weak)
             for vid, mode, sid, stype, aff, loc, weak in VisitSchool.objects.filter(visit__in=visits)
             .values_list("visit_id", "visit__mode", "school_id", "school__school_type", "school__affiliation",
                          "school__locale", "school__is_weak")]
    ct = ContentType.objects.get_for_model(Visit)
    lessons = observation_facts_visible_to(user).filter(context_type=ct, context_id__in=visits.values("pk")).count()
    reports = reports_visible_to(user).filter(visit__in=visits, status=ReportStatus.ISSUED).count()
    s = year_stats(year=year, institution=f.institution, stops=stops, lessons=lessons, reports=reports,
                   affiliation_labels=dict(Affiliation.choices))
    f.collective_visits, f.individual_visits, f.school_visits = s.collective_visits, s.individual_visits, s.school_visits
    f.visits_by_stage, f.visits_by_affiliation = list(s.by_stage), list(s.by_affiliation)
    f.schools_covered, f.kindergartens_covered = s.schools_covered, s.kindergartens_covered
    f.visit_lessons, f.visit_reports = s.lessons, s.reports
    # Every lesson observed at the subtree's schools in the year, by the school's type.
    facts = ObservationFilter(node_path=node.path).apply(observation_facts_visible_to(user)).between(first, last)
    by_type = dict(facts.order_by().values("school__school_type").annotate(n=Count("id"))
                   .values_list("school__school_type", "n"))
    stages: Counter[str] = Counter()
    for stype, n in by_type.items():
        stages[STAGE_OF_TYPE.get(stype or "", "其他")] += n
    f.lessons_observed = sum(stages.values())
    f.lessons_by_stage = sorted(stages.items(), key=lambda kv: STAGE_ORDER.index(kv[0]))
    # Problems found at the subtree's schools in the year, and how many are closed.
    findings = (findings_visible_to(user).needing_rectification().filter(school__path__startswith=node.path,
                                                                          found_on__gte=first, found_on__lte=last))
    rows = list(findings.order_by().values("area", "status").annotate(n=Count("id")).values_list("area", "status", "n"))
    f.problems_found = sum(n for _a, _s, n in rows)
    f.problems_closed = sum(n for _a, s_, n in rows if s_ == FindingStatus.CLOSED)
    f.problems_open = findings.unresolved().count()
    f.problems_overdue = findings.overdue(today).count()
    labels = dict(FindingArea.choices)
    found: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for area, status, n in rows:
        found[area] += n
        if status == FindingStatus.CLOSED:
            closed[area] += n
    f.problems_by_area = [(labels[a], found[a], closed[a]) for a in FindingArea.values if found[a]]


def _activities(user: AnyUser, node: OrgNode, year: int, f: YearFigures, today: dt.date) -> None:
    # Held (开展): not cancelled and started by `today`; the rest of the year's calendar is a plan.
    qs = activities_visible_to(user).not_cancelled().filter(organiser__path__startswith=node.path, start__year=year,
                                                            start__date__lte=today)
    forms, levels = dict(ActivityForm.choices), dict(Level.choices)
    rows = list(qs.order_by().values("form", "level").annotate(n=Count("id")).values_list("form", "level", "n"))
    by_form: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    for form, level, n in rows:
        by_form[forms.get(form, form)] += n
        by_level[level] += n
    f.activities = sum(by_form.values())
    f.activities_by_form = by_form.most_common()
    f.activities_by_level = [(levels[v], by_level[v]) for v in Level.values if by_level[v]]
    f.activity_attendance = Participant.objects.filter(
        activity__in=qs, attendance__in=[Attendance.PRESENT, Attendance.LATE]).count()


def _growth(user: AnyUser, node: OrgNode, year: int, f: YearFigures) -> None:
    f.competitions = list(growth_selectors.competition_counts(user, node, year))
    t = growth_selectors.training_counts(user, node, year)
    f.training_sessions, f.training_people, f.training_hours = t.sessions, t.people, float(t.hours)
    f.training_by_level = list(t.by_level)
    first, last = year_span(year)
    levels = dict(Level.choices)
    programmes = list(programmes_visible_to(user).filter(region__path__startswith=node.path, start__lte=last,
                                                         end__gte=first).order_by("level", "name")[:100])
    members = growth_selectors.programme_summaries(user, programmes)
    f.programmes = [(p.name, levels.get(p.level, p.level), members[p.pk][0], members[p.pk][1]) for p in programmes]
    studios = (studios_visible_to(user).filter(region__path__startswith=node.path, start__lte=last)
               .filter(Q(end__isnull=True) | Q(end__gte=first)))
    by_level = dict(studios.order_by().values("level").annotate(n=Count("id")).values_list("level", "n"))
    f.studios = sum(by_level.values())
    f.studios_by_level = [(levels[v], by_level[v]) for v in Level.values if by_level.get(v)]


def _projects(user: AnyUser, node: OrgNode, year: int, f: YearFigures) -> None:
    counts = projects_selectors.year_counts(user, node, year)
    f.project_columns = [label for _field, label in projects_selectors.STAT_COLUMNS]
    f.projects_by_level = [(label, list(c), key, running) for label, c, key, running in counts.table()]
    stages = dict(Stage.choices)
    rows = dict(projects_access.projects_visible_to(user).filter(owner__path__startswith=node.path)
                .filter(projects_selectors.year_q(year)).order_by().values("stage").annotate(n=Count("id"))
                .values_list("stage", "n"))
    f.projects_by_stage = [(stages[v], rows[v]) for v in Stage.values if rows.get(v)]
    if rows.get(""):
        f.projects_by_stage.append(("未分学段", rows[""]))


def _quality(user: AnyUser, node: OrgNode, year: int, f: YearFigures) -> None:
    exams = exams_visible_to(user).filter(org__path__startswith=node.path, held_on__year=year)
    kinds = dict(ExamKind.choices)
    rows = dict(exams.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    f.exams_by_kind = [(kinds[v], rows[v]) for v in ExamKind.values if rows.get(v)]
    f.exams = sum(rows.values())
    f.papers = Paper.objects.filter(exam__in=exams).count()
    f.warnings = warnings_visible_to(user).filter(exam__in=exams).count()


def year_figures(user: AnyUser, node: OrgNode, year: int, *, today: dt.date) -> YearFigures:
    """The yearly report's figures for `node`'s subtree in calendar year `year`, as `user` sees them.
    `today` dates the overdue count (rectifications past their deadline on that day) and the
    activities held (those planned for later in the year are not counted yet)."""
    f = YearFigures(institution=institution_name(node), node_code=node.code, year=year)
    _visits(user, node, year, f, today)
    _activities(user, node, year, f, today)
    _growth(user, node, year, f)
    _projects(user, node, year, f)
    _quality(user, node, year, f)
    return f


