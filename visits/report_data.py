"""Reads for visit reports and the yearly statistics: the records turned into plain figures.

The three steps of DESIGN.md's analytics: these functions fetch plain values through the access
selectors (observe.access for observations linked to a visit, visits.access for visits), the pure
modules (visits.report_draft, visits.statistics) compute, the views and the Word builder present.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.access import AnyUser, nodes_visible_to
from core.models import Affiliation, Locale, OrgKind, OrgNode, SchoolType
from observe.access import observation_facts_visible_to, observations_for_appraisal_visible_to
from observe.models import GRADE_LABELS, ObservationQuerySet
from visits.access import reports_visible_to, visits_visible_to
from visits.models import (
    CheckRecord,
    Finding,
    OwnerKind,
    ReportStatus,
    Visit,
    VisitCategory,
    VisitMode,
    VisitReport,
    VisitSchool,
    VisitStatus,
)
from visits.report_draft import Dimension, Lesson, Rectification, ReportFigures
from visits.statistics import StopRow, YearStats, year_stats

# Scored lessons read for the dimension means: a visit of 10 schools observes a few hundred.
SCORE_ROWS = 5000


def visit_observations(user: AnyUser, visit: Visit, *, appraisal: bool = False) -> ObservationQuerySet:
    """The submitted observations made during the visit (Observation.context) that the user may
    count (`appraisal=False`) or whose scores may feed an analysis (`appraisal=True`)."""
    base = observations_for_appraisal_visible_to(user) if appraisal else observation_facts_visible_to(user)
    ct = ContentType.objects.get_for_model(Visit)
    return base.filter(context_type=ct, context_id=visit.pk)


def _stage_label(grade: int | None, school_type: str) -> str:
    if grade is not None:
        return "小学" if grade <= 6 else "初中" if grade <= 9 else "高中"
    labels: dict[str, str] = {SchoolType.KINDERGARTEN: "幼儿园", SchoolType.PRIMARY: "小学",
                              SchoolType.JUNIOR: "初中", SchoolType.SENIOR: "高中"}
    return labels.get(school_type or "", "其他")


def _grade_label(grade: int | None) -> str:
    if grade is None:
        return ""
    return GRADE_LABELS[grade - 1] if 1 <= grade <= len(GRADE_LABELS) else f"{grade}年级"


def _owner(f: Finding) -> str:
    if f.owner_kind == OwnerKind.PERSON and f.owner_person is not None:
        return f.owner_person.name
    if f.owner_kind == OwnerKind.GROUP and f.owner_group is not None:
        return f.owner_group.name
    return f.school.name


def issuer_of(visit: Visit) -> str:
    """The issuing body printed on the report: the institution, the bureau, or the school."""
    org = visit.organiser
    if visit.category == VisitCategory.SCHOOL_CHECK:
        return org.name
    if visit.category == VisitCategory.BUREAU_CHECK:
        return org.bureau_name or f"{org.name}教育局"
    return org.institute_name or f"{org.name}教研室"


def report_figures(user: AnyUser, visit: Visit, school: OrgNode | None = None) -> ReportFigures:
    """Everything the report prints about the visit (narrowed to one school when given)."""
    school_filter = {"school": school} if school is not None else {}
    lessons = [Lesson(_stage_label(g, st), _grade_label(g), subj or "未填学科")
               for g, st, subj in visit_observations(user, visit).filter(**school_filter)
               .values_list("grade", "school__school_type", "subject__name")]
    sums: dict[str, list[float]] = defaultdict(list)
    maxima: dict[str, float | None] = {}
    order: list[str] = []
    for dims in (visit_observations(user, visit, appraisal=True).filter(**school_filter)
                 .filter(assessment__isnull=False).values_list("assessment__dimension_scores", flat=True)[:SCORE_ROWS]):
        for d in (dims or {}).values():
            title, score = d.get("title") or "", d.get("score")
            if not title or score is None:
                continue
            if title not in sums:
                order.append(title)
            sums[title].append(float(score))
            maxima[title] = d.get("max")
    dimensions = [Dimension(t, sum(sums[t]) / len(sums[t]), maxima.get(t), len(sums[t])) for t in order]
    checks = [(r.get_item_display(), r.get_level_display() if r.level else "")
              for r in CheckRecord.objects.filter(visit=visit, **school_filter).order_by("item", "id")]
    findings = list(Finding.objects.filter(visit=visit, **school_filter).with_refs().order_by("school__path", "id"))
    stops = VisitSchool.objects.filter(visit=visit, **school_filter).select_related("school").order_by("date", "id")
    schools: list[str] = []
    for s in stops:
        if s.school.name not in schools:
            schools.append(s.school.name)
    return ReportFigures(
        title=visit.title, organiser=issuer_of(visit), start=visit.start, end=visit.end,
        kind=visit.get_kind_display() if visit.category == VisitCategory.INSPECTION else visit.get_category_display(),
        mode=visit.get_mode_display() if visit.category == VisitCategory.INSPECTION else "",
        purpose=visit.purpose, schools=schools, team_size=visit.members.count(), lessons=lessons,
        dimensions=dimensions, checks=checks,
        strengths=[f.description for f in findings if f.is_strength]
        + [r.strengths for r in CheckRecord.objects.filter(visit=visit, **school_filter).exclude(strengths="")][:5],
        problems=[f.description for f in findings if not f.is_strength],
        rectifications=[Rectification(f.school.name, f.description, f.measure, _owner(f), f.deadline)
                        for f in findings if f.needs_rectification and not f.is_strength],
        school_check=visit.category == VisitCategory.SCHOOL_CHECK)


# ---------------------------------------------------------------- yearly statistics


def institutions_for_stats(user: AnyUser) -> list[OrgNode]:
    """The regions whose yearly statistics the user may read (any region the user sees)."""
    return list(nodes_visible_to(user).filter(kind__in=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY])
                .order_by("depth", "path")[:300])


def school_year_span(year: int) -> tuple[dt.date, dt.date]:
    """A school year runs from 1 September to 31 August (a region's terms lie inside it)."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def yearly_stats(user: AnyUser, node: OrgNode, year: int) -> YearStats:
    """The year's statistics of the inspection visits organised by `node`'s institution."""
    start, end = school_year_span(year)
    visits = (visits_visible_to(user).filter(organiser=node, category=VisitCategory.INSPECTION,
                                             start__gte=start, start__lte=end)
              .exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.PLANNED]))
    stops = [StopRow(vid, mode == VisitMode.COLLECTIVE, sid, stype, aff, loc == Locale.RURAL, weak)
             for vid, mode, sid, stype, aff, loc, weak in VisitSchool.objects.filter(visit__in=visits)
             .values_list("visit_id", "visit__mode", "school_id", "school__school_type", "school__affiliation",
                          "school__locale", "school__is_weak")]
    ct = ContentType.objects.get_for_model(Visit)
    lessons = observation_facts_visible_to(user).filter(context_type=ct, context_id__in=visits.values("pk")).count()
    reports = reports_visible_to(user).filter(visit__in=visits, status=ReportStatus.ISSUED).count()
    schools = OrgNode.objects.filter(Q(path__startswith=node.path), kind=OrgKind.SCHOOL).exclude(
        school_type=SchoolType.KINDERGARTEN)
    return year_stats(year=year, institution=issuer_of(Visit(organiser=node)), stops=stops, lessons=lessons,
                      reports=reports, affiliation_labels=dict(Affiliation.choices),
                      schools_total=schools.count(), rural_total=schools.filter(locale=Locale.RURAL).count(),
                      weak_total=schools.filter(is_weak=True).count())


def report_list(user: AnyUser) -> list[VisitReport]:
    return list(reports_visible_to(user).select_related("visit", "school").order_by("-updated_at", "-id")[:200])


def visits_to_report(user: AnyUser, limit: int = 20) -> list[Visit]:
    """Visits the user manages that have been held (underway or finished) and have no
    visit-wide report yet, oldest first."""
    from visits.access import can_manage_visit

    candidates = (visits_visible_to(user).filter(status__in=[VisitStatus.UNDERWAY, VisitStatus.FINISHED])
                  .exclude(pk__in=VisitReport.objects.filter(school__isnull=True).values("visit_id"))
                  .with_refs().order_by("end", "id")[:100])
    return [v for v in candidates if can_manage_visit(user, v)][:limit]
