"""TEACHER.ARCHIVE (004 (一)4) in core.compliance: "为每一位教师建立教学档案，对其成长过程做好记录，
对教学中出现的问题及时确定整改措施、限定整改期限".

An archive "recording growth and problems" is measured by what it holds, not by its existence
(every teacher's archive page exists). For the school year of the term (from the first day of
that year's first term to the end of the term), an active teacher (an active person holding an
active teacher post at a school) meets the norm when both hold:

1. Growth recorded: the archive holds growth records of at least `threshold` kinds (default 1)
   dated in the window. The kinds are the registered GrowthMeasures: training completed, a lesson
   received with the observer's written feedback, an award or certificate, a talent programme or
   studio membership running, an approved research project running, a research activity attended,
   a growth note written into the archive.
2. Problems followed up: every problem found about the teacher in the window has a follow-up
   recorded. The problems are the registered ProblemSources: a lesson graded 中 or 差 (followed up
   by a later 跟踪课 of the teacher), a visit's finding naming the teacher that needs rectification
   (followed up once it has a measure and a deadline, or is closed), a quality warning about the
   teacher (followed up once an action is recorded or it has left 待处理); an archive follow-up note
   with a measure and a deadline answering the problem counts for any of them.

One row per teacher at the teacher's school (person_id=), linking to the teacher's archive for a
viewer who may open it. Counted with one query for the teachers (an Exists per kind of growth)
and one grouped query per problem source, never building anyone's archive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Min, OuterRef, Q

from core.access import AnyUser, people_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import OrgKind, Person, Post, Role, Term, Title
from core.urlmaker import url_maker
from observe.access import can_read_archive
from observe.archive import GROWTH, PROBLEMS
from observe.models import ArchiveNote, ArchiveNoteKind

CODE = "TEACHER.ARCHIVE"
ARCHIVE_PREFIX = "/observe/archive/"


def archive_window(term: Term) -> tuple[dt.date, dt.date]:
    """From the first day of the term's school year (its region's first term) to the term's end."""
    first = Term.objects.filter(region_id=term.region_id, school_year=term.school_year).aggregate(s=Min("start"))["s"]
    return (first or term.start), term.end


@link_guard
def archive_link(user: AnyUser, url: str) -> bool | None:
    """A row's link to a teacher's archive shows only to a viewer who may open that archive."""
    if not url.startswith(ARCHIVE_PREFIX):
        return None
    code = url[len(ARCHIVE_PREFIX):].split("/")[0]
    person = Person.objects.filter(code=code).select_related("org").first()
    return person is not None and can_read_archive(user, person)


def _problem_counts(start: dt.date, end: dt.date, teachers: Any) -> dict[int, dict[str, tuple[int, int]]]:
    """Per teacher and problem source: (problems found, problems followed up), grouped in SQL."""
    out: dict[int, dict[str, tuple[int, int]]] = {}
    for key, src in PROBLEMS.items():
        noted = Exists(ArchiveNote.objects.filter(kind=ArchiveNoteKind.FOLLOW_UP, problem_source=key,
                                                  problem_id=OuterRef("pk")))
        grouped = (src.counted(start, end).filter(archive_person__in=teachers.values("pk"))
                   .annotate(archive_noted=noted).order_by().values("archive_person")
                   .annotate(total=Count("pk"),
                             followed=Count("pk", filter=Q(archive_followed=True) | Q(archive_noted=True))))
        for g in grouped:
            out.setdefault(g["archive_person"], {})[key] = (g["total"], g["followed"])
    return out


def archive_rows(ctx: MetricContext) -> list[Row]:
    assert ctx.term is not None
    start, end = archive_window(ctx.term)
    target = ctx.threshold if ctx.threshold is not None else 1.0
    teaching = Post.objects.active().filter(role=Role.TEACHER).values("person_id")
    teachers = people_visible_to(ctx.user).filter(org__path__startswith=ctx.node.path, org__kind=OrgKind.SCHOOL,
                                                  is_active=True, pk__in=teaching)
    if ctx.exact:
        teachers = teachers.filter(org_id=ctx.node.pk)
    flags = {f"g_{i}": ExpressionWrapper(m.exists(start, end), output_field=BooleanField())
             for i, m in enumerate(GROWTH.values())}
    labels = {f"g_{i}": m.label for i, m in enumerate(GROWTH.values())}
    problems = _problem_counts(start, end, teachers)
    source_labels = {k: s.label for k, s in PROBLEMS.items()}
    rows = []
    url = url_maker("observe:archive")
    title_labels = dict(Title.choices)
    for t in (teachers.annotate(**flags).order_by("org__path", "pinyin", "id")
              .values("pk", "code", "name", "title", "org__name", "org__path", *flags)):
        kinds = [labels[k] for k in flags if t[k]]
        mine = problems.get(t["pk"], {})
        found = sum(n for n, _ in mine.values())
        followed = sum(f for _, f in mine.values())
        open_parts = [f"{source_labels[k]}{n - f}个" for k, (n, f) in mine.items() if n > f]
        detail = f"{start:%Y-%m-%d}至{end:%Y-%m-%d}：" + (f"成长记录{len(kinds)}类（{'、'.join(kinds)}）" if kinds
                                                          else "尚无成长记录")
        if found:
            detail += f"；发现问题{found}个，已跟进{followed}个"
            if open_parts:
                detail += f"，未跟进：{'、'.join(open_parts)}"
        else:
            detail += "；未发现问题"
        title = title_labels.get(t["title"], "") if t["title"] != Title.NONE else ""
        rows.append(Row(label=t["name"], meets=len(kinds) >= target and followed >= found, value=len(kinds),
                        target=target, detail=detail, context=f"{t['org__name']}" + (f"·{title}" if title else ""),
                        url=url(t["code"]), path=t["org__path"], person_id=t["pk"]))
    return rows


@metric(CODE, needs_term=True)
def teacher_archive(ctx: MetricContext) -> list[Row]:
    """Each active teacher's archive holds growth records of the school year and a follow-up of
    every problem found about them in it (see the module's docstring for the records counted)."""
    return archive_rows(ctx)
