"""TEACHER.PROJECT_JUNIOR, TEACHER.PROJECT_FIRST and TEACHER.PROJECT_SENIOR (004 (二)4): every
teacher takes part in (or leads) a research project of the level their title requires within five
years. One row per teacher (person_id=), at the teacher's school; the rules are projects.duties'.

The teachers of a school are its active people holding an active teacher post. Computed in three
queries per unit (teachers, the projects they lead, the projects they belong to), termless: the
five years end today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from core.access import people_visible_to
from core.compliance import MetricContext, Row, metric
from core.models import OrgKind, Person, Post, Role
from core.urlmaker import url_maker
from projects import duties
from projects.models import Project, ProjectMember, ProjectStatus

MEMO_KEY = "projects.duty_spans"


def _teachers(ctx: MetricContext) -> QuerySet[Person]:
    teaching = Post.objects.active().filter(role=Role.TEACHER).values("person_id")
    return (people_visible_to(ctx.user).filter(org__path__startswith=ctx.node.path, org__kind=OrgKind.SCHOOL,
                                               is_active=True, pk__in=teaching)
            .select_related("org").order_by("org__path", "pinyin", "id"))


def _spans(ctx: MetricContext) -> tuple[list[Person], dict[int, list[tuple[duties.ProjectSpan, str]]]]:
    """The teachers under the unit and, per teacher, the approved projects they lead or belong to
    (with the title), shared by the three metrics of one refresh."""
    cached = ctx.memo.get(MEMO_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]  # the memo holds what this function stored
    teachers = list(_teachers(ctx))
    ids = [t.pk for t in teachers]
    by_person: dict[int, list[tuple[duties.ProjectSpan, str]]] = defaultdict(list)
    fields = ("pk", "level", "approved_on", "concluded_on", "status", "title")

    def span(level: str, approved: dt.date | None, concluded: dt.date | None, status: str) -> duties.ProjectSpan:
        return duties.ProjectSpan(level=level, approved_on=approved, ended_on=concluded,
                                  withdrawn=status == ProjectStatus.WITHDRAWN)

    approved = Project.objects.approved()
    for leader_id, _pk, level, a, c, status, title in (approved.filter(leader_id__in=ids)
                                                       .values_list("leader_id", *fields)):
        by_person[leader_id].append((span(level, a, c, status), title))
    for person_id, level, a, c, status, title in (
            ProjectMember.objects.filter(person_id__in=ids, project__in=approved)
            .values_list("person_id", *(f"project__{f}" for f in fields[1:]))):
        by_person[person_id].append((span(level, a, c, status), title))
    result = (teachers, dict(by_person))
    ctx.memo[MEMO_KEY] = result
    return result


def duty_rows(ctx: MetricContext, code: str, today: dt.date | None = None) -> list[Row]:
    day = today or timezone.localdate()
    target = ctx.threshold if ctx.threshold is not None else 1.0
    teachers, by_person = _spans(ctx)
    start = duties.window_start(day)
    level = duties.MIN_LEVEL_LABEL[duties.MIN_LEVEL[code]]
    rows = []
    url = url_maker("person_detail")
    for t in teachers:
        if duties.duty_for_title(t.title) != code:
            continue
        counted = [title for span, title in by_person.get(t.pk, []) if duties.counts_toward(code, span, day)]
        n = len(counted)
        detail = (f"{start:%Y-%m-%d}以来参与{level}及以上课题{n}项"
                  + (f"：{'、'.join(counted[:3])}{'等' if n > 3 else ''}" if counted else "，尚未参与"))
        rows.append(Row(label=t.name, meets=n >= target,
                        value=n, target=target, detail=detail,
                        context=f"{t.org.name}·{t.get_title_display()}",
                        url=url(t.code), path=t.org.path, person_id=t.pk))
    return rows


@metric(duties.JUNIOR_CODE)
def project_junior(ctx: MetricContext) -> list[Row]:
    """Teachers below 中学一级 take part in a school-level or higher project every 5 years."""
    return duty_rows(ctx, duties.JUNIOR_CODE)


@metric(duties.FIRST_CODE)
def project_first(ctx: MetricContext) -> list[Row]:
    """中学一级 teachers lead or take part in a school-level or higher project every 5 years."""
    return duty_rows(ctx, duties.FIRST_CODE)


@metric(duties.SENIOR_CODE)
def project_senior(ctx: MetricContext) -> list[Row]:
    """中学高级 teachers lead or take part in a county-level or higher project every 5 years."""
    return duty_rows(ctx, duties.SENIOR_CODE)
