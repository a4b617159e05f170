"""Norm metrics of quality monitoring (norms.md "Quality monitoring"; 004 (六), (一)1, (一)3).

Each reads only what the viewer may see (quality.access, core.access) and returns core Rows.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from core.access import nodes_visible_to
from core.compliance import MetricContext, Row, metric
from core.models import OrgKind, OrgNode, Post, Role, Stage
from quality.access import exams_visible_to, warnings_visible_to
from quality.analysis.indicators import balance
from quality.models import PaperSummary, WarningRule


def _regions(ctx: MetricContext, kind: str) -> list[OrgNode]:
    if ctx.exact:  # a refresh keeps the unit's own row only (core.compliance)
        return [ctx.node] if ctx.node.kind == kind else []
    qs = nodes_visible_to(ctx.user).under(ctx.node.path).filter(kind=kind).order_by("path")
    return list(qs)


def _exams_in_term(ctx: MetricContext):  # type: ignore[no-untyped-def]  # an annotated queryset: the stubs' type names every annotation
    qs = exams_visible_to(ctx.user)
    if ctx.term is not None:
        qs = qs.filter(term_key=ctx.term.key)
    return qs.annotate(n_blocks=Count("papers__blocks", filter=Q(papers__blocks__superseded_by__isnull=True)))


@metric("QM.PLAN", unit="region")
def qm_plan(ctx: MetricContext) -> list[Row]:
    """A city or county has a monitoring plan: active early-warning rules (预警通报制度) and
    threshold profiles on its exams (004 (六)1)."""
    rows = []
    for region in _regions(ctx, OrgKind.COUNTY) + _regions(ctx, OrgKind.CITY):
        n_rules = WarningRule.objects.filter(org__path__in=region.ancestor_paths(), is_active=True).count()
        n_exams = exams_visible_to(ctx.user).filter(org=region).count()
        rows.append(Row(label=region.name, meets=n_rules > 0 and n_exams > 0,
                        detail=f"预警规则{n_rules}条；组织考试{n_exams}次", context=region.get_kind_display(),
                        url=reverse("quality:rules"), path=region.path))
    return rows


@metric("QM.COUNTY_COMPULSORY", needs_term=True, unit="region")
def qm_county(ctx: MetricContext) -> list[Row]:
    """Each county monitors its compulsory-stage schools: at least one primary or junior exam run
    by the county with scores in the term."""
    exams = list(_exams_in_term(ctx).filter(stage__in=[Stage.PRIMARY, Stage.JUNIOR], org__kind=OrgKind.COUNTY))
    rows = []
    for county in _regions(ctx, OrgKind.COUNTY):
        mine = [e for e in exams if e.org_id == county.pk and e.n_blocks]
        rows.append(Row(label=county.name, meets=bool(mine), value=len(mine), target=1,
                        detail="、".join(e.name for e in mine) or "本学期没有义务教育阶段质量监测",
                        url=reverse("quality:home"), path=county.path))
    return rows


@metric("QM.CITY_HIGH", needs_term=True, unit="region")
def qm_city_high(ctx: MetricContext) -> list[Row]:
    """The city runs unified analysis of every high-school subject: a senior exam run by the city
    whose every paper has scores."""
    exams = list(_exams_in_term(ctx).filter(stage=Stage.SENIOR, org__kind=OrgKind.CITY)
                 .prefetch_related("papers__blocks"))
    rows = []
    for city in _regions(ctx, OrgKind.CITY):
        mine = [e for e in exams if e.org_id == city.pk]
        full = [e for e in mine if all(p.blocks.exists() for p in e.papers.all())]
        rows.append(Row(label=city.name, meets=bool(full), value=len(full), target=1,
                        detail=f"高中统考{len(mine)}次，各科均有成绩{len(full)}次", url=reverse("quality:home"),
                        path=city.path))
    return rows


@metric("QM.BALANCE", unit="region")
def qm_balance(ctx: MetricContext) -> list[Row]:
    """Gaps between schools shrink: per county and subject, the enrolment-weighted CV of school
    means at the county's latest exam is not above the one before (004 二)."""
    rows = []
    for county in _regions(ctx, OrgKind.COUNTY):
        sums = list(PaperSummary.objects.filter(paper__exam__org=county, paper__exam__in=exams_visible_to(ctx.user))
                    .select_related("paper__exam", "paper__subject")
                    .order_by("paper__exam__held_on"))
        by_subject: dict[str, list[tuple[str, float]]] = {}
        for s in sums:
            sch = [u for u in s.data.get("units", []) if u["level"] == "school"]
            b = balance([u["mean"] for u in sch], [u["sat"] for u in sch], stage=s.paper.exam.stage)
            if b and b["cv"] is not None:
                by_subject.setdefault(s.paper.subject.name, []).append((s.paper.exam.name, b["cv"]))
        for subject, series in by_subject.items():
            if len(series) < 2:
                continue
            (e0, cv0), (e1, cv1) = series[-2], series[-1]
            rows.append(Row(label=f"{county.name} {subject}", meets=cv1 <= cv0, value=round(cv1, 3),
                            detail=f"差异系数 {e0} {cv0:.3f} → {e1} {cv1:.3f}", context=county.name,
                            path=county.path))
    return rows


@metric("QM.VALUE_ADDED", unit="region")
def qm_value_added(ctx: MetricContext) -> list[Row]:
    """Progress-based evaluation is possible: the county has at least two exams of one grade and
    subject with linked students (依进论出, 依学评教)."""
    rows = []
    for county in _regions(ctx, OrgKind.COUNTY):
        counts = (PaperSummary.objects.filter(paper__exam__org=county, paper__exam__in=exams_visible_to(ctx.user))
                  .values("paper__subject__name", "paper__exam__grade").annotate(n=Count("id")))
        pairs = [f"{c['paper__subject__name']}（{c['paper__exam__grade']}年级）" for c in counts if c["n"] >= 2]
        rows.append(Row(label=county.name, meets=bool(pairs), detail="可做增值评价：" + ("、".join(pairs) or "无"),
                        path=county.path))
    return rows


def _flag_rows(ctx: MetricContext, code: str) -> list[Row]:
    flagged = (warnings_visible_to(ctx.user).filter(norm_code=code, school__in=OrgNode.objects.under(ctx.node.path))
               .exclude(status="closed"))
    seen: set[int] = set()
    rows = []
    for w in flagged:
        if w.person_id is None or w.person_id in seen:
            continue
        seen.add(w.person_id)
        rows.append(Row(label=w.person.name if w.person else "", meets=False, detail=w.title, context=w.school.name,
                        url=reverse("quality:warning_detail", args=[w.pk]), path=w.school.path,
                        person_id=w.person_id))
    return rows


@metric("TEACHER.BELOW_PEERS")
def teacher_below_peers(ctx: MetricContext) -> list[Row]:
    """Teachers flagged by the TEACHER.BELOW_PEERS rule (004 (一)3), open warnings only."""
    return _flag_rows(ctx, "TEACHER.BELOW_PEERS")


@metric("QM.HEAD_TENURE")
def head_tenure(ctx: MetricContext) -> list[Row]:
    """Principals of the scope: flagged ones (open QM.HEAD_TENURE warnings) fall short (004 (一)1)."""
    flagged = _flag_rows(ctx, "QM.HEAD_TENURE")
    names = {r.label for r in flagged}
    posts = (Post.objects.active().filter(role=Role.PRINCIPAL,
                                          org__in=nodes_visible_to(ctx.user).under(ctx.node.path))
             .select_related("person", "org"))
    ok = [Row(label=p.person.name, meets=True, detail="任期内未发现质量未提升", context=p.org.name, path=p.org.path,
              person_id=p.person_id)
          for p in posts if p.person.name not in names]
    return flagged + ok
