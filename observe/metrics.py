"""The LEAD.* norms (004 (一)1) in core.compliance: leaders' observation quotas and the
coverage of every teacher, computed live from observations through observe.quotas."""

from __future__ import annotations

from django.urls import reverse

from core.access import AnyUser
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import OrgNode
from observe.access import can_read_quota
from observe.quotas import BEHIND, COVERAGE_CODE, HEAD_CODE, MIDDLE_CODE, QuotaReport, quota_report


@link_guard
def quota_link(user: AnyUser, url: str) -> bool | None:
    """A row's link to the quota page shows only to a viewer who may open that page."""
    base = reverse("observe:quota")
    if not url.startswith(base + "?node="):
        return None
    node = OrgNode.objects.filter(code=url[len(base) + len("?node="):].split("&")[0]).first()
    return node is not None and can_read_quota(user, node)


def _report(ctx: MetricContext) -> QuotaReport:
    """One quota report per unit refresh, shared by the three LEAD.* metrics."""
    assert ctx.term is not None
    report = ctx.memo.get("observe.quota_report")
    if not isinstance(report, QuotaReport):
        report = quota_report(ctx.user, ctx.node, ctx.term)
        ctx.memo["observe.quota_report"] = report
    return report


def _leader_rows(ctx: MetricContext, code: str) -> list[Row]:
    report = _report(ctx)
    rows = []
    for r in report.leaders:
        if r.norm != code:
            continue
        pace = "，落后进度" if r.status == BEHIND else ""
        rows.append(Row(label=r.name, meets=r.count >= r.quota, value=r.count, target=r.quota,
                        detail=f"已听{r.count}节，按学期进度此时应听{r.expected:g}节{pace}",
                        context=f"{r.school_name}·{r.role_label}",
                        url=reverse("observe:quota") + f"?node={r.school_code}", path=r.school_path,
                        person_id=r.person_id))
    return rows


@metric(HEAD_CODE, needs_term=True)
def observe_head(ctx: MetricContext) -> list[Row]:
    """Each principal and vice principal observes at least 30 lessons a semester in own school."""
    return _leader_rows(ctx, HEAD_CODE)


@metric(MIDDLE_CODE, needs_term=True)
def observe_middle(ctx: MetricContext) -> list[Row]:
    """Each middle manager in charge of teaching or research observes at least 25 a semester."""
    return _leader_rows(ctx, MIDDLE_CODE)


@metric(COVERAGE_CODE, needs_term=True)
def coverage(ctx: MetricContext) -> list[Row]:
    """The school leaders' observations cover every teacher of the school this semester."""
    rows = []
    for s in _report(ctx).schools:
        names = "、".join(t.name for t in s.unobserved[:10]) + ("等" if s.unobserved_count > 10 else "")
        pace = "，落后进度" if s.status == BEHIND else ""
        if not s.teachers:
            rows.append(Row(label=s.school_name, meets=False, value=0, target=s.target, done=0, of=0,
                            detail="本校没有教师记录，无法核实校领导听课覆盖",
                            url=reverse("observe:quota") + f"?node={s.school_code}", path=s.school_path))
            continue
        rows.append(Row(label=s.school_name, meets=s.percent >= s.target, value=s.percent, target=s.target,
                        done=s.observed, of=s.teachers,
                        detail=f"{s.observed}/{s.teachers}名教师已被校领导听课{pace}"
                               + (f"；未听：{names}" if names else ""),
                        url=reverse("observe:quota") + f"?node={s.school_code}", path=s.school_path))
    return rows
