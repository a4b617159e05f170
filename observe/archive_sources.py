"""This app's contributions to the teacher archive: lessons received (with feedback and the
teacher's reflection) and lessons observed (observations given); for TEACHER.ARCHIVE, a lesson
received with written feedback and the archive's own growth notes count as growth, and a lesson
graded 中 or 差 is a problem, followed up by a later 跟踪课 of the teacher (跟踪听课, 004 (一)4)
or a follow-up note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from core.access import AnyUser
from core.models import Person
from observe.access import observations_visible_to
from observe.archive import (
    ArchiveEntry,
    ArchiveProblem,
    GrowthMeasure,
    ProblemSource,
    Window,
    register_growth,
    register_problems,
    register_source,
    school_year_counts,
)
from observe.models import ArchiveNote, ArchiveNoteKind, Observation, ObservationKind, ObservationStatus, OverallGrade

ARCHIVE_LIMIT = 500  # per source: decades of a busy leader's observations


def _score(o: Observation) -> str:
    a = o.assessment
    overall = f"总体{o.get_overall_grade_display()}" if o.overall_grade else ""
    if a is not None and not a.is_complete:
        return "，".join(b for b in (a.incomplete_text, overall) if b)
    if a is None or a.total is None:
        return o.get_overall_grade_display()
    bits = [f"{a.total:g}分"]
    if a.band:
        bits.append(a.band)
    if o.overall_grade:
        bits.append(f"总体{o.get_overall_grade_display()}")
    return "，".join(bits)


def _base_lines(o: Observation) -> list[tuple[str, str]]:
    lines = [("课型", f"{o.get_kind_display()} · {o.get_purpose_display()}")]
    if score := _score(o):
        lines.append(("评价", score))
    for label, text in (("优点", o.strengths), ("问题", o.problems), ("建议", o.suggestions)):
        if text.strip():
            lines.append((label, text.strip()))
    return lines


def _received(user: AnyUser, person: Person) -> QuerySet[Observation]:
    return observations_visible_to(user).submitted().filter(teacher=person)


def _given(user: AnyUser, person: Person) -> QuerySet[Observation]:
    return observations_visible_to(user).submitted().filter(observer=person)


def _in(qs: QuerySet[Any], field: str, window: Window | None) -> QuerySet[Any]:
    return qs if window is None else qs.filter(**{f"{field}__range": window})


def received(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    qs = (_in(_received(user, person), "date", window).select_related("assessment")
          .order_by("-date", "-id")[:ARCHIVE_LIMIT])
    out = []
    for o in qs:
        lines = _base_lines(o)
        if o.reflection:
            lines.append(("教学反思", o.reflection))
        status = "已写反思" if o.reflection else "已确认" if o.acknowledged_at else "已阅读" if o.read_at else "未阅读"
        out.append(ArchiveEntry(
            date=o.date, source="observe.received", kind_label="被听课",
            title=f"{o.observer.name}听《{o.topic}》（{o.subject.name if o.subject else ''}，{o.school.name}）",
            url=reverse("observe:detail", args=[o.pk]), lines=tuple(lines), tags=(o.get_kind_display(), status),
            sort_key=(o.pk,)))
    return out


def given(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    qs = (_in(_given(user, person), "date", window).select_related("assessment")
          .order_by("-date", "-id")[:ARCHIVE_LIMIT])
    return [ArchiveEntry(
        date=o.date, source="observe.given", kind_label="听课",
        title=f"听{o.teacher.name}《{o.topic}》（{o.subject.name if o.subject else ''}，{o.school.name}）",
        url=reverse("observe:detail", args=[o.pk]), lines=tuple(_base_lines(o)), tags=(o.get_kind_display(),),
        sort_key=(o.pk,)) for o in qs]


register_source("observe.received", received,
                years=lambda user, person: school_year_counts(_received(user, person), "date", "被听课"))
register_source("observe.given", given,
                years=lambda user, person: school_year_counts(_given(user, person), "date", "听课"))


# ---------------------------------------------------------------- TEACHER.ARCHIVE

LOW_GRADES = (OverallGrade.FAIR, OverallGrade.POOR)
LOW_KEY = "observe.low"
# Written feedback: the observer wrote strengths, problems or suggestions.
_FEEDBACK = ~Q(strengths="") | ~Q(problems="") | ~Q(suggestions="")


def _received_with_feedback(start: dt.date, end: dt.date) -> Exists:
    return Exists(Observation.objects.filter(_FEEDBACK, teacher=OuterRef("pk"), status=ObservationStatus.SUBMITTED,
                                             date__gte=start, date__lte=end))


def _growth_notes(start: dt.date, end: dt.date) -> Exists:
    return Exists(ArchiveNote.objects.filter(person=OuterRef("pk"), kind=ArchiveNoteKind.GROWTH,
                                             date__gte=start, date__lte=end))


def _followed_by_lesson() -> Exists:
    """A later 跟踪课 of the same teacher (the lesson observed again to see the problem addressed)."""
    return Exists(Observation.objects.filter(teacher=OuterRef("teacher"), status=ObservationStatus.SUBMITTED,
                                             kind=ObservationKind.FOLLOW_UP, date__gt=OuterRef("date")))


def low_lessons(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return (Observation.objects.filter(status=ObservationStatus.SUBMITTED, overall_grade__in=LOW_GRADES,
                                       date__gte=start, date__lte=end)
            .annotate(archive_person=F("teacher_id"), archive_followed=_followed_by_lesson()))


def low_lessons_about(user: AnyUser, person: Person) -> list[ArchiveProblem]:
    visible = observations_visible_to(user).submitted().filter(teacher=person)
    low = list(visible.filter(overall_grade__in=LOW_GRADES).order_by("-date", "-id")[:ARCHIVE_LIMIT])
    if not low:
        return []
    follow = list(visible.filter(kind=ObservationKind.FOLLOW_UP, date__gt=min(o.date for o in low))
                  .order_by("date", "id").values_list("date", "observer__name", "topic", "overall_grade"))
    out = []
    for o in low:
        actions = tuple((d, f"跟踪听课：{name}听《{topic}》" + (f"，总体{OverallGrade(g).label}" if g else ""))
                        for d, name, topic, g in follow if d > o.date)
        out.append(ArchiveProblem(
            source=LOW_KEY, problem_id=o.pk, date=o.date, kind_label="听课评价偏低",
            title=f"{o.observer.name}听《{o.topic}》，总体{o.get_overall_grade_display()}",
            url=reverse("observe:detail", args=[o.pk]), detail=o.problems.strip() or o.suggestions.strip(),
            actions=actions, followed=bool(actions)))
    return out


register_growth(GrowthMeasure("observe.received", "被听课并获书面反馈", _received_with_feedback))
register_growth(GrowthMeasure("observe.notes", "档案成长记录", _growth_notes))
register_problems(ProblemSource(LOW_KEY, "听课评价为中或差", low_lessons, low_lessons_about))


def notes_of(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    from observe.access import archive_notes_visible_to

    out = []
    for n in _in(archive_notes_visible_to(user, person), "date", window)[:ARCHIVE_LIMIT]:
        lines: list[tuple[str, str]] = [("内容", n.text)]
        if n.deadline is not None:
            lines.append(("整改期限", f"{n.deadline:%Y-%m-%d}"))
        out.append(ArchiveEntry(
            date=n.date, source="observe.notes", kind_label=n.get_kind_display(),
            title=f"{n.created_by.name if n.created_by else '系统'}记录", lines=tuple(lines), sort_key=(n.pk,)))
    return out


def _note_years(user: AnyUser, person: Person) -> dict[tuple[int, str], int]:
    from observe.access import archive_notes_visible_to

    return school_year_counts(archive_notes_visible_to(user, person), "date", "", label_field="kind",
                              labels=lambda k: ArchiveNoteKind(k).label)


register_source("observe.notes", notes_of, years=_note_years)
