"""Metrics of the appraisal app's `governance` area: GOV.MEETING (000 §14, a yearly meeting on
教研 by every education administration) and FUND.TRAINING, FUND.EQUIPMENT, FUND.TEACHING (004
四(三), a school's spending against the floors), counted over confirmed figures only.

Each metric fetches plain values through appraisal.governance_access (the refresh's scope sees
everything) and leaves the arithmetic to appraisal.funding."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from appraisal import funding
from appraisal.governance_access import (
    ADMINISTRATION_KINDS,
    meetings_visible_to,
    sees_spending,
    spendings_visible_to,
)
from appraisal.models.governance import SchoolSpending, SpendingStatus
from core.access import AnyUser, schools_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import OrgNode


@link_guard
def spending_link(user: AnyUser, url: str) -> bool | None:
    """A FUND.* row links to the spending table: shown only to those who read schools' spending
    (a teacher sees his school's row on the norms page, not the school's accounts)."""
    if not url.startswith(reverse("appraisal:governance_spending")):
        return None
    return sees_spending(user)


@metric("GOV.MEETING", needs_term=True, unit="region")
def yearly_meeting(ctx: MetricContext) -> list[Row]:
    """Each education administration (province, city, county) held at least one dedicated meeting
    on 教研 in the year (000 §14: "每年至少召开一次教研工作专题会议"); the year is the calendar year
    the term starts in."""
    assert ctx.term is not None and ctx.threshold is not None
    year = funding.spending_year(ctx.term.start)
    if ctx.exact:
        regions = [ctx.node] if ctx.node.kind in ADMINISTRATION_KINDS else []
    else:
        regions = list(OrgNode.objects.under(ctx.node.path).filter(kind__in=ADMINISTRATION_KINDS).order_by("path"))
    counts = dict(meetings_visible_to(ctx.user).filter(region__in=regions, held_on__year=year).order_by()
                  .values("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    rows = []
    for region in regions:
        n = counts.get(region.pk, 0)
        detail = f"{year}年召开教研工作专题会议{n}次" if n else f"{year}年尚未登记教研工作专题会议"
        rows.append(Row(label=f"{region.name}教育行政部门", meets=n >= ctx.threshold, value=n, target=ctx.threshold,
                        detail=detail, context=region.get_kind_display(),
                        url=reverse("appraisal:governance_meetings") + f"?node={region.code}&year={year}",
                        path=region.path))
    return rows


def _spending_rows(ctx: MetricContext, code: str) -> list[Row]:
    assert ctx.term is not None and ctx.threshold is not None
    category = funding.BY_CODE[code]
    year = funding.spending_year(ctx.term.start)
    schools = list(schools_visible_to(ctx.user).under(ctx.node.path).select_related("parent")
                   .only("id", "code", "name", "path", "parent__name").order_by("path"))
    records: dict[int, SchoolSpending] = {r.school_id: r for r in spendings_visible_to(ctx.user).filter(
        school__in=schools, year=year)}
    rows = []
    url = reverse("appraisal:governance_spending") + f"?year={year}"
    for school in schools:
        record = records.get(school.pk)
        context = school.parent.name if school.parent else ""
        if record is None:
            rows.append(Row(label=school.name, meets=False, value=None, target=ctx.threshold,
                            detail=f"{year}年暂无经费数据", context=context, url=url, path=school.path))
            continue
        amount = getattr(record, category.field)
        pct = funding.share(amount, record.public_funds)
        if record.status != SpendingStatus.CONFIRMED:
            state = "已退回学校更正" if record.status == SpendingStatus.RETURNED else "待区县审核"
            rows.append(Row(label=school.name, meets=False, value=None, target=ctx.threshold,
                            detail=f"{year}年仅有未确认数据（{state}；填报{category.label}占{pct}%）",
                            context=context, url=url, path=school.path))
            continue
        meets = funding.meets_floor(amount, record.public_funds, ctx.threshold)
        detail = f"{year}年{category.label}{funding.yuan(amount)}，占公用经费{funding.yuan(record.public_funds)}的{pct}%"
        if not meets:
            detail += f"，差{funding.yuan(funding.shortfall(amount, record.public_funds, ctx.threshold))}"
        rows.append(Row(label=school.name, meets=meets, value=float(pct), target=ctx.threshold, detail=detail,
                        context=context, url=url, path=school.path))
    return rows


@metric("FUND.TRAINING", needs_term=True)
def training_share(ctx: MetricContext) -> list[Row]:
    """Teacher training >= 5% of the school's yearly public funds (004 四(三))."""
    return _spending_rows(ctx, "FUND.TRAINING")


@metric("FUND.EQUIPMENT", needs_term=True)
def equipment_share(ctx: MetricContext) -> list[Row]:
    """Instruments, equipment and books >= 10% of the yearly public funds (004 四(三))."""
    return _spending_rows(ctx, "FUND.EQUIPMENT")


@metric("FUND.TEACHING", needs_term=True)
def teaching_share(ctx: MetricContext) -> list[Row]:
    """Teaching business (experiments, research, travel, printing, sports) >= 35% (004 四(三))."""
    return _spending_rows(ctx, "FUND.TEACHING")

