"""The growth app's contribution to the teacher archive (observe.archive): training, programme
membership, awards and studios (hosted or joined), as the viewer may see them (growth.access). For TEACHER.ARCHIVE a training record ended, an
award or certificate received, or a programme or studio membership running in the window counts
as growth."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from core.access import AnyUser
from core.models import Person
from growth.access import (
    awards_visible_to,
    certificates_visible_to,
    members_visible_to,
    record_people_visible_to,
    studios_visible_to,
    trainings_visible_to,
)
from growth.models import Award, ProgrammeMember, PsyCertificate, StudioMember, TrainingRecord
from observe.archive import (
    ArchiveEntry,
    GrowthMeasure,
    Window,
    register_growth,
    register_source,
    school_year_counts,
)

ARCHIVE_LIMIT = 300


def _hours(value: object) -> str:
    text = f"{value}"
    return text[:-2] if text.endswith(".0") else text


def _trainings(user: AnyUser, person: Person, window: Window | None = None) -> QuerySet[TrainingRecord]:
    qs = trainings_visible_to(user).filter(person=person)
    return qs if window is None else qs.filter(end__range=window)


def trainings_of(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    out = []
    for t in _trainings(user, person, window)[:ARCHIVE_LIMIT]:
        out.append(ArchiveEntry(
            date=t.end, source="growth.training", kind_label="培训", title=f"{t.course}（{_hours(t.hours)}学时）",
            url=reverse("growth:training_person", args=[person.code]) + f"?year={t.end.year}",
            lines=(("培训机构", t.provider), ("时间", f"{t.start:%Y-%m-%d}至{t.end:%Y-%m-%d}")),
            tags=(t.get_level_display(),), sort_key=(t.pk,)))
    return out


def memberships_of(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    out = []
    for m in members_visible_to(user).filter(person=person)[:ARCHIVE_LIMIT]:
        out.append(ArchiveEntry(
            date=m.start, source="growth.programmes", kind_label="人才培养",
            title=f"入选{m.programme.name}（{m.tier.name}）",
            url=reverse("growth:programme_detail", args=[m.programme_id]),
            lines=(("培养期", f"{m.start:%Y-%m-%d}至{m.end:%Y-%m-%d}"),),
            tags=(m.programme.get_level_display(), m.get_status_display()), sort_key=(m.pk,)))
    return out


def _awards_of(user: AnyUser, person: Person, window: Window | None = None) -> QuerySet[Award]:
    qs = awards_visible_to(user).filter(person=person)
    return qs if window is None else qs.filter(awarded_on__range=window)


def _certificates_of(user: AnyUser, person: Person, window: Window | None = None) -> QuerySet[PsyCertificate]:
    qs = certificates_visible_to(user).filter(person=person)
    return qs if window is None else qs.filter(issued_on__range=window)


def awards_of(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    out = []
    for a in _awards_of(user, person, window)[:ARCHIVE_LIMIT]:
        lines: tuple[tuple[str, str], ...] = (("颁发单位", a.issuer),) if a.issuer else ()
        out.append(ArchiveEntry(
            date=a.awarded_on, source="growth.awards", kind_label="获奖", title=f"{a.title} {a.get_rank_display()}",
            url=reverse("growth:competitions") + f"?year={a.awarded_on.year}", lines=lines,
            tags=(a.get_level_display(),), sort_key=(a.pk,)))
    for c in _certificates_of(user, person, window):
        out.append(ArchiveEntry(
            date=c.issued_on, source="growth.awards", kind_label="证书", title=f"心理健康教育{c.get_level_display()}",
            url=reverse("growth:certificates"), lines=(("发证机构", c.issuer),) if c.issuer else (),
            sort_key=(c.pk,)))
    return out


def studios_of(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    if not record_people_visible_to(user).filter(pk=person.pk).exists():
        return []
    out = []
    for s in studios_visible_to(user).filter(host=person)[:ARCHIVE_LIMIT]:
        out.append(ArchiveEntry(
            date=s.start, source="growth.studios", kind_label="名师工作室", title=f"主持{s.name}",
            url=reverse("growth:studio_detail", args=[s.pk]), tags=(s.get_level_display(),), sort_key=(s.pk,)))
    for m in (StudioMember.objects.filter(person=person, studio__in=studios_visible_to(user))
              .select_related("studio")[:ARCHIVE_LIMIT]):
        out.append(ArchiveEntry(
            date=m.joined_on, source="growth.studios", kind_label="名师工作室", title=f"加入{m.studio.name}",
            url=reverse("growth:studio_detail", args=[m.studio_id]), tags=(m.studio.get_level_display(),),
            sort_key=(m.studio_id,)))
    return out


def _award_years(user: AnyUser, person: Person) -> dict[tuple[int, str], int]:
    out = school_year_counts(_awards_of(user, person), "awarded_on", "获奖")
    for k, n in school_year_counts(_certificates_of(user, person), "issued_on", "证书").items():
        out[k] = out.get(k, 0) + n
    return out


register_source("growth.training", trainings_of,
                years=lambda user, person: school_year_counts(_trainings(user, person), "end", "培训"))
register_source("growth.programmes", memberships_of)
register_source("growth.awards", awards_of, years=_award_years)
register_source("growth.studios", studios_of)


def _training(start: dt.date, end: dt.date) -> Exists:
    return Exists(TrainingRecord.objects.filter(person=OuterRef("pk"), end__gte=start, end__lte=end))


def _awards(start: dt.date, end: dt.date) -> Exists | Q:
    return (Exists(Award.objects.filter(person=OuterRef("pk"), awarded_on__gte=start, awarded_on__lte=end))
            | Exists(PsyCertificate.objects.filter(person=OuterRef("pk"), issued_on__gte=start, issued_on__lte=end)))


def _programmes(start: dt.date, end: dt.date) -> Exists | Q:
    return (Exists(ProgrammeMember.objects.filter(person=OuterRef("pk"), start__lte=end, end__gte=start))
            | Exists(StudioMember.objects.filter(person=OuterRef("pk"), joined_on__lte=end)))


register_growth(GrowthMeasure("growth.training", "培训", _training))
register_growth(GrowthMeasure("growth.awards", "获奖或证书", _awards))
register_growth(GrowthMeasure("growth.programmes", "人才培养或工作室", _programmes))
