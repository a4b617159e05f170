"""This app's contributions to the teacher archive: lessons received (with feedback and the
teacher's reflection) and lessons observed (observations given)."""

from __future__ import annotations

from django.urls import reverse

from core.access import AnyUser
from core.models import Person
from observe.access import observations_visible_to
from observe.archive import ArchiveEntry, register_source
from observe.models import Observation

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


def received(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    qs = (observations_visible_to(user).submitted().filter(teacher=person).select_related("assessment")
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


def given(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    qs = (observations_visible_to(user).submitted().filter(observer=person).select_related("assessment")
          .order_by("-date", "-id")[:ARCHIVE_LIMIT])
    return [ArchiveEntry(
        date=o.date, source="observe.given", kind_label="听课",
        title=f"听{o.teacher.name}《{o.topic}》（{o.subject.name if o.subject else ''}，{o.school.name}）",
        url=reverse("observe:detail", args=[o.pk]), lines=tuple(_base_lines(o)), tags=(o.get_kind_display(),),
        sort_key=(o.pk,)) for o in qs]


register_source("observe.received", received)
register_source("observe.given", given)
