"""Metrics of the appraisal app's `campaigns` area: GROUP.RUBRIC (each 教研组 evaluated by the
9-indicator rubric, 003 附件) and GROUP.AWARDS (the district selects excellent 教研组 and group
leaders every two years, 003 四(三))."""

from __future__ import annotations

from django.db.models import Max
from django.urls import reverse

from appraisal import campaign_access
from appraisal.campaign_rules import selection_in_force
from appraisal.models.campaigns import CampaignKind, CampaignStatus, CampaignSubject, Selection, SelectionKind
from core.access import AnyUser, nodes_visible_to, schools_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import GroupKind, OrgKind, TeachingGroup

RESULT_STATES = (CampaignStatus.PUBLISHED, CampaignStatus.CLOSED)


def _subject_url(pk: int) -> str:
    return reverse("appraisal:campaign_subject", args=[pk])


@link_guard
def subject_link(user: AnyUser, url: str) -> bool | None:
    """A row's link to a campaign subject shows only to a viewer who may open it."""
    prefix = reverse("appraisal:campaign_subject", args=[0])[:-2]
    if not url.startswith(prefix):
        return None
    tail = url[len(prefix):].rstrip("/")
    if not tail.isdigit():
        return None
    return campaign_access.subjects_visible_to(user).filter(pk=int(tail)).exists()


@metric("GROUP.RUBRIC", needs_term=True)
def group_rubric(ctx: MetricContext) -> list[Row]:
    """Each 教研组 of the term is evaluated by the 9-indicator rubric (003 附件): a 教研组 evaluation
    whose period overlaps the term has published its result (matched by school and group name, a
    group row living one semester). The value is the score out of the rubric's points; an
    evaluation still being scored does not count yet."""
    assert ctx.term is not None
    term = ctx.term
    schools = {s.pk: s for s in schools_visible_to(ctx.user).under(ctx.node.path).only("id", "name", "path")}
    groups = list(TeachingGroup.objects.filter(school_id__in=schools, term_key=term.key, kind=GroupKind.SUBJECT)
                  .order_by("school", "name").values_list("school_id", "name"))
    subjects = (CampaignSubject.objects.filter(campaign__kind=CampaignKind.GROUP, school_id__in=schools,
                                               campaign__start__lte=term.end, campaign__end__gte=term.start)
                .select_related("campaign").order_by("campaign__end", "pk"))
    latest: dict[tuple[int, str], CampaignSubject] = {}
    pending: dict[tuple[int, str], CampaignSubject] = {}
    for s in subjects:
        key = (s.school_id, s.label)
        if s.campaign.status in RESULT_STATES and s.final_score is not None:
            latest[key] = s
        else:
            pending[key] = s
    rows = []
    for school_id, name in groups:
        done = latest.get((school_id, name))
        if done is not None:
            rows.append(Row(label=name, meets=True, value=done.final_score, target=ctx.threshold,
                            detail=f"{done.campaign.title}：{done.final_score:g}分，{done.level}，第{done.rank}名",
                            context=schools[school_id].name, url=_subject_url(done.pk),
                            path=schools[school_id].path))
            continue
        p = pending.get((school_id, name))
        detail = f"{p.campaign.title}{p.campaign.get_status_display()}，尚无结果" if p else "本学期未按评价细则评价"
        rows.append(Row(label=name, meets=False, value=None, target=ctx.threshold, detail=detail,
                        context=schools[school_id].name, url=_subject_url(p.pk) if p else "",
                        path=schools[school_id].path))
    return rows


@metric("GROUP.AWARDS", needs_term=True, unit="region")
def group_awards(ctx: MetricContext) -> list[Row]:
    """Each county (区县) selects excellent 教研组 and excellent group leaders from its evaluations
    every two years (003 四(三)); the threshold is the number of years (2). A county meets the norm
    when both selections were made in the years up to the term's end."""
    assert ctx.term is not None
    years = int(ctx.threshold or 2)
    as_of = ctx.term.end
    if ctx.exact:
        counties = [ctx.node] if ctx.node.kind == OrgKind.COUNTY else []
    else:
        counties = list(nodes_visible_to(ctx.user).under(ctx.node.path).filter(kind=OrgKind.COUNTY).order_by("path"))
    last = {(org_id, kind): day for org_id, kind, day in
            Selection.objects.filter(org__in=counties, decided_on__lte=as_of).values("org_id", "kind")
            .annotate(day=Max("decided_on")).values_list("org_id", "kind", "day")}
    rows = []
    for county in counties:
        parts, missing = [], []
        for kind, label in SelectionKind.choices:
            day = last.get((county.pk, kind))
            if selection_in_force(day, as_of, years):
                assert day is not None
                parts.append(f"{label}：{day:%Y-%m-%d}")
            else:
                missing.append(f"近{years}年未评选{label}" + (f"（上次{day:%Y-%m-%d}）" if day else ""))
        rows.append(Row(path=county.path, label=county.name, meets=not missing,
                        detail="；".join(parts + missing)))
    return rows
