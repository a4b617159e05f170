"""Writes of the researcher appraisal (000 §13): workload standards, starting and computing an
appraisal (a background task, appraisal.tasks.researcher_appraisal_compute), adjusting a figure
with a reason, the anonymous rating sheets, scoring and publishing. Every write but a rating
sheet is audited; a sheet is not, because an audit event would name the person who answered.

The computation reads every figure for all the researchers in one grouped query per
figure (appraisal.services.researchers_figures), never one query per researcher."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Field, Q
from django.utils import timezone

from appraisal import workload
from appraisal.models import (
    AppraisalStatus,
    FigureAdjustment,
    RatingSheet,
    ResearcherAppraisal,
    ResearcherEntry,
    ResearcherRating,
    WorkloadStandard,
)
from appraisal.services.researchers_figures import figure_values
from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode, Person, Post, Role, User
from core.norm_results import system_user
from core.paths import ancestor_paths, under_q

DIM_FIELDS = tuple(code for code, _ in workload.DIMENSIONS)
SCORE_FIELDS = ["scores", "teacher_responses", "school_responses", "teacher_rating", "school_rating", "total", "level"]


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# ---------------------------------------------------------------- standards


def standards_for(region: OrgNode) -> dict[str, float]:
    """{figure: yearly standard} in force at the region: its own, else the nearest ancestor's,
    else the default (appraisal.workload.FIGURES)."""
    out = {f.code: float(f.standard) for f in workload.FIGURES}
    rows = (WorkloadStandard.objects.filter(region__path__in=ancestor_paths(region.path))
            .order_by("region__depth").values_list("figure", "target"))
    for figure, target in rows:
        if figure in out:
            out[figure] = float(target)
    return out


@transaction.atomic
def standard_set(*, actor: User | None, region: OrgNode, figure: str, target: Decimal) -> WorkloadStandard:
    if figure not in workload.FIGURE_BY_CODE:
        raise DomainError("没有这个工作量指标", field="figure")
    if target < 0:
        raise DomainError("年度标准不能为负数", field="target")
    row = WorkloadStandard.objects.filter(region=region, figure=figure).first()
    if row is None:
        row = WorkloadStandard.objects.create(region=region, figure=figure, target=target, set_by=actor)
        audit_create(actor, row)
        return row
    old = snapshot(row)
    row.target, row.set_by = target, actor
    row.save()
    audit_update(actor, row, old)
    return row


# ---------------------------------------------------------------- start and compute


@transaction.atomic
def appraisal_start(*, actor: User | None, region: OrgNode, year: int, rating_weight: int = 30,
                    cut_excellent: int = 90, cut_pass: int = 75, cut_basic: int = 60,
                    enqueue: bool = True) -> ResearcherAppraisal:
    if region.kind == OrgKind.SCHOOL:
        raise DomainError("教研员考核由区域教研机构组织", field="region")
    if not 2000 <= year <= 2100:
        raise DomainError("考核年度不正确", field="year")
    if not 0 <= rating_weight <= 100:
        raise DomainError("评价权重应在0到100之间", field="rating_weight")
    if not cut_excellent >= cut_pass >= cut_basic:
        raise DomainError("分数线应满足：优秀 ≥ 合格 ≥ 基本合格", field="cut_pass")
    if ResearcherAppraisal.objects.filter(region=region, year=year).exists():
        raise DomainError(f"{region.name}{year}年度的教研员考核已经发起", field="year")
    appraisal = ResearcherAppraisal.objects.create(
        region=region, year=year, rating_weight=rating_weight, cut_excellent=cut_excellent, cut_pass=cut_pass,
        cut_basic=cut_basic, started_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, appraisal)
    if enqueue:
        _enqueue(appraisal)
    return appraisal


def _enqueue(appraisal: ResearcherAppraisal) -> None:
    from appraisal.tasks import researcher_appraisal_compute

    pk = appraisal.pk
    transaction.on_commit(lambda: researcher_appraisal_compute.enqueue(pk))


@transaction.atomic
def appraisal_recompute(*, actor: User | None, appraisal: ResearcherAppraisal) -> None:
    """Compute the figures again (records entered since); adjustments and ratings are kept."""
    if appraisal.status == AppraisalStatus.PUBLISHED:
        raise DomainError("考核结果已公布，不能重新计算", field="status")
    if appraisal.is_running:
        raise DomainError("正在计算，请稍候", field="status")
    old = snapshot(appraisal)
    appraisal.status, appraisal.progress_done, appraisal.error = AppraisalStatus.QUEUED, 0, ""
    appraisal.save()
    audit_update(actor, appraisal, old)
    _enqueue(appraisal)


def researcher_posts(region: OrgNode, year: int) -> list[Post]:
    """One post per researcher at the node or below during the year: a full-time post before a
    part-time one, the highest node first."""
    first, last = year_bounds(year)
    posts = (Post.objects.overlapping(first, last).filter(under_q([region.path], "org__path"), role__in=RESEARCHER_ROLES)
             .select_related("org").order_by("person_id", "org__depth", "start"))
    chosen: dict[int, Post] = {}
    for p in posts:
        current = chosen.get(p.person_id)
        if current is None or (current.role == Role.PART_TIME_RESEARCHER and p.role == Role.RESEARCHER):
            chosen[p.person_id] = p
    return list(chosen.values())


def _invited(region: OrgNode, entries: list[ResearcherEntry]) -> None:
    """Who is asked to rate each researcher: the teachers at the schools under the researcher's
    node who teach the researcher's subject (every teacher for a researcher without one), and
    those schools. Two grouped queries for the whole appraisal."""
    school_count: dict[str, int] = defaultdict(int)
    for path in OrgNode.objects.filter(under_q([region.path]), kind=OrgKind.SCHOOL).values_list("path", flat=True):
        for a in ancestor_paths(path):
            school_count[a] += 1
    teachers: dict[tuple[str, int | None], int] = defaultdict(int)
    rows = (Person.objects.filter(under_q([region.path], "org__path"), org__kind=OrgKind.SCHOOL,
                                  posts__role=Role.TEACHER).order_by()
            .values("org__path", "main_subject_id").annotate(n=Count("pk", distinct=True)))
    for row in rows:
        for a in ancestor_paths(row["org__path"]):
            teachers[(a, row["main_subject_id"])] += row["n"]
            if row["main_subject_id"] is not None:
                teachers[(a, None)] += row["n"]
    for e in entries:
        e.schools_invited = school_count.get(e.post_org.path, 0)
        e.teachers_invited = teachers.get((e.post_org.path, e.subject_id), 0)


def appraisal_compute(appraisal_id: int) -> ResearcherAppraisal:
    """The task body: every researcher's figures, figure by figure (the progress the page
    shows), then the scores. A failure is recorded on the appraisal and raised again for the worker's log."""
    appraisal = ResearcherAppraisal.objects.select_related("region").get(pk=appraisal_id)
    try:
        _compute(appraisal)
    except BaseException:
        ResearcherAppraisal.objects.filter(pk=appraisal.pk).update(
            status=AppraisalStatus.FAILED, error="计算时发生内部错误，已记录，请联系管理员")
        raise
    return appraisal


def _compute(appraisal: ResearcherAppraisal) -> None:
    posts = researcher_posts(appraisal.region, appraisal.year)
    appraisal.status, appraisal.progress_done, appraisal.progress_total = AppraisalStatus.COMPUTING, 0, len(posts)
    appraisal.save(update_fields=["status", "progress_done", "progress_total", "updated_at"])
    existing = {e.person_id: e for e in appraisal.entries.all()}
    first, last = year_bounds(appraisal.year)
    viewer = system_user()
    entries: list[ResearcherEntry] = []
    # One grouped query (or two) per figure for every researcher at once: a figure's cost is
    # its scan of the year's records, whatever the number of researchers, so the progress moves
    # by figure (the share of the researchers' figures computed).
    ids = [p.person_id for p in posts]
    values: dict[str, dict[int, float]] = {}
    for i, f in enumerate(workload.FIGURES, start=1):
        values[f.code] = figure_values(f.code, viewer, first, last, ids)
        done = len(posts) * i // (len(workload.FIGURES) + 1)
        ResearcherAppraisal.objects.filter(pk=appraisal.pk).update(progress_done=done)
    for p in posts:
        e = existing.get(p.person_id) or ResearcherEntry(appraisal=appraisal, person_id=p.person_id)
        e.post_org, e.subject_id = p.org, p.subject_id
        e.part_time = p.role == Role.PART_TIME_RESEARCHER
        e.figures = {code: round(v.get(p.person_id, 0.0), 1) for code, v in values.items()}
        entries.append(e)
    _invited(appraisal.region, entries)
    # Scored before they are written: new entries go in with one bulk insert; only those kept
    # from an earlier computation are updated (write_back).
    standards, means = standards_for(appraisal.region), _rating_means(appraisal)
    for e in entries:
        entry_result(appraisal, e, standards, means)
    fields = ["post_org", "subject", "part_time", "figures", "teachers_invited", "schools_invited", *SCORE_FIELDS]
    # Split before the insert: bulk_create sets the new rows' keys (SQLite and PostgreSQL return
    # them), and updating those again was most of the task's time.
    new = [e for e in entries if e.pk is None]
    kept = [e for e in entries if e.pk is not None]
    with transaction.atomic():
        ResearcherEntry.objects.bulk_create(new, batch_size=1000)
        write_back(kept, fields)
        gone = set(existing) - {e.person_id for e in entries}
        appraisal.entries.filter(person_id__in=gone, ratings__isnull=True).delete()
        appraisal.status = AppraisalStatus.RATING if appraisal.sheets.exists() else AppraisalStatus.COMPUTED
        appraisal.computed_at = timezone.now()
        appraisal.progress_done = len(posts)
        appraisal.save(update_fields=["status", "computed_at", "progress_done", "updated_at"])


# ---------------------------------------------------------------- scores


def write_back(entries: list[ResearcherEntry], fields: list[str]) -> None:
    """Write `fields` of existing entries: one parameterised UPDATE run for every row
    (executemany). bulk_update builds a CASE over every row for every field, which for 2,000
    researchers cost Django tens of seconds in building the expressions and the database in
    matching them, on each recomputation and publication."""
    if not entries:
        return
    meta = ResearcherEntry._meta
    cols = [c for f in fields if isinstance(c := meta.get_field(f), Field)]
    assert len(cols) == len(fields) and meta.pk is not None
    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(str(c.column))} = %s' for c in cols)} "
           f"WHERE {qn(str(meta.pk.column))} = %s")
    rows = [[c.get_db_prep_save(getattr(e, c.attname), connection) for c in cols] + [e.pk] for e in entries]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _rating_means(appraisal: ResearcherAppraisal) -> dict[tuple[int, str], dict[str, Any]]:
    """{(entry id, rater kind): {dimension: mean, "n": sheets}}: one grouped query."""
    rows = (ResearcherRating.objects.filter(entry__appraisal=appraisal).order_by()
            .values("entry_id", "sheet__kind")
            .annotate(n=Count("pk"), **{d: Avg(d) for d in DIM_FIELDS}))
    return {(r["entry_id"], r["sheet__kind"]): dict(r) for r in rows}


def entry_result(appraisal: ResearcherAppraisal, entry: ResearcherEntry, standards: Mapping[str, float],
                 means: Mapping[tuple[int, str], Mapping[str, Any]]) -> None:
    """Fill the entry's scores, ratings and level from its figures and the ratings' means."""
    values = {f.code: entry.value(f.code) for f in workload.FIGURES}
    loads = workload.workload_scores(values, standards)
    teacher, school = means.get((entry.pk, "teacher")), means.get((entry.pk, "school"))
    ratings = {d: workload.combined_rating(teacher[d] if teacher else None, school[d] if school else None)
               for d in DIM_FIELDS}
    res = workload.result(loads, ratings, appraisal.rating_weight / 100,
                          (appraisal.cut_excellent, appraisal.cut_pass, appraisal.cut_basic))
    entry.scores = {"workload": loads, "final": res.scores, "rated": res.rated}
    entry.teacher_responses = teacher["n"] if teacher else 0
    entry.school_responses = school["n"] if school else 0
    entry.teacher_rating = round(sum(teacher[d] for d in DIM_FIELDS) / 4, 2) if teacher else None
    entry.school_rating = round(sum(school[d] for d in DIM_FIELDS) / 4, 2) if school else None
    entry.total, entry.level = res.total, res.level


def score(appraisal: ResearcherAppraisal) -> int:
    """Score every entry of the appraisal (three queries and one bulk update)."""
    standards = standards_for(appraisal.region)
    means = _rating_means(appraisal)
    entries = list(appraisal.entries.all())
    for e in entries:
        entry_result(appraisal, e, standards, means)
    write_back(entries, SCORE_FIELDS)
    return len(entries)


# ---------------------------------------------------------------- adjust, rate, publish


@transaction.atomic
def figure_adjust(*, actor: User | None, entry: ResearcherEntry, figure: str, value: str | Decimal,
                  reason: str) -> FigureAdjustment:
    appraisal = entry.appraisal
    if appraisal.status == AppraisalStatus.PUBLISHED:
        raise DomainError("考核结果已公布，不能再调整工作量", field="value")
    if figure not in workload.FIGURE_BY_CODE:
        raise DomainError("没有这个工作量指标", field="figure")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise DomainError("调整后的数值应为数字", field="value") from None
    if amount < 0:
        raise DomainError("调整后的数值不能为负数", field="value")
    if not reason.strip():
        raise DomainError("请填写调整理由", field="reason")
    adj = FigureAdjustment.objects.create(entry=entry, figure=figure, computed=Decimal(str(entry.figures.get(figure, 0))),
                                          value=amount, reason=reason.strip(), by=actor)
    audit_create(actor, adj)
    old = snapshot(entry)
    entry.adjusted = {**entry.adjusted, figure: float(amount)}
    entry_result(appraisal, entry, standards_for(appraisal.region), _rating_means(appraisal))
    entry.save()
    audit_update(actor, entry, old)
    return adj


@transaction.atomic
def ratings_open(*, actor: User | None, appraisal: ResearcherAppraisal) -> None:
    if appraisal.status != AppraisalStatus.COMPUTED:
        raise DomainError("只有计算完成、尚未公布的考核可以开放评价", field="status")
    old = snapshot(appraisal)
    appraisal.status = AppraisalStatus.RATING
    appraisal.save()
    audit_update(actor, appraisal, old)


def rater_hash(appraisal: ResearcherAppraisal, user: User) -> str:
    return workload.rater_hash(appraisal.token, user.pk, settings.SECRET_KEY)


def has_rated(appraisal: ResearcherAppraisal, user: User) -> bool:
    return RatingSheet.objects.filter(appraisal=appraisal, rater_hash=rater_hash(appraisal, user)).exists()


@transaction.atomic
def rating_submit(*, actor: User, appraisal: ResearcherAppraisal, kind: str,
                  scores: Mapping[int, Mapping[str, int]], allowed_entry_ids: set[int]) -> RatingSheet:
    """One sheet per person: `scores` {entry id: {dimension: 1–5}} for the researchers the
    person rates (`allowed_entry_ids`, those listed to them). Not audited (see the module)."""
    if appraisal.status != AppraisalStatus.RATING:
        raise DomainError("评价尚未开放或已经结束", field="status")
    if not scores:
        raise DomainError("请至少评价一位教研员", field="scores")
    for entry_id, dims in scores.items():
        if entry_id not in allowed_entry_ids:
            raise DomainError("只能评价列出的教研员", field="scores")
        for d in DIM_FIELDS:
            v = dims.get(d)
            if v is None or not 1 <= int(v) <= 5:
                raise DomainError(f"{workload.DIMENSION_LABELS[d]}的评分应为1到5分", field="scores")
    try:
        with transaction.atomic():
            sheet = RatingSheet.objects.create(appraisal=appraisal, rater_hash=rater_hash(appraisal, actor), kind=kind)
    except IntegrityError:
        raise DomainError("您已经提交过本次评价，每人只能评价一次", field="scores") from None
    ResearcherRating.objects.bulk_create([
        ResearcherRating(sheet=sheet, entry_id=entry_id, **{d: int(dims[d]) for d in DIM_FIELDS})
        for entry_id, dims in scores.items()])
    return sheet


@transaction.atomic
def appraisal_publish(*, actor: User | None, appraisal: ResearcherAppraisal) -> int:
    """Score with the ratings received and publish each researcher's result to them."""
    if appraisal.status not in (AppraisalStatus.COMPUTED, AppraisalStatus.RATING):
        raise DomainError("考核尚未计算完成或已经公布", field="status")
    n = score(appraisal)
    old = snapshot(appraisal)
    appraisal.status, appraisal.published_at = AppraisalStatus.PUBLISHED, timezone.now()
    appraisal.save()
    audit_update(actor, appraisal, old)
    return n


def rated_entries(appraisal: ResearcherAppraisal, user: User) -> list[ResearcherEntry]:
    """The researchers listed to a rater: those whose node covers one of the rater's schools
    and, for a subject researcher, who share the rater's main or taught subject (a school
    manager sees every researcher over the school)."""
    from core.access import SCHOOL_MANAGER_ROLES, scope_of

    scope = scope_of(user)
    schools = [g for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.path.startswith(appraisal.region.path)]
    covering = {a for g in schools for a in ancestor_paths(g.path)}
    qs = appraisal.entries.filter(post_org__path__in=covering).select_related("person", "post_org", "subject")
    if not any(g.role in SCHOOL_MANAGER_ROLES for g in schools):
        subjects: set[int] = set()
        if scope.person_id is not None:
            me = Person.objects.filter(pk=scope.person_id).first()
            if me is not None:
                subjects = set(me.subjects.values_list("pk", flat=True))
                if me.main_subject_id:
                    subjects.add(me.main_subject_id)
        qs = qs.filter(Q(subject__isnull=True) | Q(subject_id__in=subjects))
    return list(qs.order_by("post_org__depth", "person__pinyin"))
