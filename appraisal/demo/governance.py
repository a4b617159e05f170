"""Demo records of the appraisal app's `governance` area (registered with core.demo.extensions,
order 600): a yearly meeting on 教研 in the province, every city and all counties but one (so
GOV.MEETING shows a shortfall), each with decisions some of which became tasks, some done; the
first city's yearly plan pushed down to every county and school with mixed completion and a
county's own sub-item; and a year of spending for every school, most confirmed by the county,
a few waiting for the check or returned, and one school below the training floor.

Written with bulk_create (no audit events: the seed is the system), bounded per region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from appraisal import funding
from appraisal.models.governance import (
    GovMeeting,
    GovTask,
    MeetingDecision,
    PlanItem,
    SchoolSpending,
    SpendingStatus,
    TaskStatus,
    WorkPlan,
)
from core.demo.extensions import SeedContext, register
from core.models import OrgKind, OrgNode, Term

DECISIONS = ("健全区域教研制度，明确各级教研机构职责", "保障教研经费，按规定比例安排教师培训经费",
             "落实教研员到校指导制度，每人联系不少于1所学校", "开展课堂教学质量提升专项行动")
PLAN_ITEMS = (("开展学科教学视导，覆盖全部学校", 11, 30), ("组织教研组建设评价，评选优秀教研组", 12, 20),
              ("落实教师培训学时，完成年度培训计划", 12, 31))


def _year(ctx: SeedContext) -> int:
    school_year, semester = (int(p) for p in ctx.term_key.split("-"))
    term = Term.objects.filter(region_id=ctx.province_id, school_year=school_year, semester=semester).first()
    return funding.spending_year(term.start) if term is not None else ctx.today.year


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date:
    d = dt.date(year, month, day)
    return d if d <= today else today - dt.timedelta(days=7)


def governance_records(ctx: SeedContext) -> None:
    rng, today, year = ctx.rng, ctx.today, _year(ctx)
    regions = list(OrgNode.objects.filter(pk__in=[ctx.province_id, *ctx.region_ids],
                                          kind__in=(OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))
                   .order_by("depth", "path"))
    counties = [r for r in regions if r.kind == OrgKind.COUNTY]
    skipped = counties[-1].pk if len(counties) > 1 else None
    meetings = []
    for i, region in enumerate(regions):
        if region.pk == skipped:
            continue
        meetings.append(GovMeeting(
            region=region, title=f"{region.name}{year}年教研工作专题会议", held_on=_day(year, 3, 5 + i % 20, today),
            convened_by=f"{region.name}教育局局长", attendees=f"{region.institute_name or region.name + '教研室'}全体教研员，"
            "局机关相关科室负责人，各学校校长", minutes=f"会议听取了{year - 1}年教研工作情况汇报，研究部署{year}年教研工作。"))
    GovMeeting.objects.bulk_create(meetings)
    decisions = []
    for m in meetings:
        for n, text in enumerate(rng.sample(DECISIONS, 3), start=1):
            decisions.append(MeetingDecision(meeting=m, order=n, text=text))
    MeetingDecision.objects.bulk_create(decisions)
    children: dict[int, list[OrgNode]] = {}
    for node in OrgNode.objects.filter(parent__in=regions).only("id", "path", "kind", "parent_id", "name"):
        children.setdefault(node.parent_id or 0, []).append(node)
    tasks = []
    for d in decisions:
        if d.order == 3:
            continue  # a decision left as minutes only
        region = d.meeting.region
        below = children.get(region.pk, [])
        node = rng.choice(below) if below and d.order == 2 else region
        due = dt.date(year, 9, 30) if d.order == 1 else dt.date(year, 12, 31)
        done = rng.random() < 0.5
        tasks.append(GovTask(decision=d, node=node, due=due, status=TaskStatus.DONE if done else TaskStatus.OPEN,
                             done_on=min(due, today) if done else None))
    GovTask.objects.bulk_create(tasks)
    _plan(ctx, year, regions, children)
    _spending(ctx, year)


def _plan(ctx: SeedContext, year: int, regions: list[OrgNode], children: dict[int, list[OrgNode]]) -> None:
    rng, today = ctx.rng, ctx.today
    city = next((r for r in regions if r.kind == OrgKind.CITY), None)
    if city is None:
        return
    plan = WorkPlan.objects.create(region=city, year=year, title=f"{city.name}{year}年教研工作要点")
    items = PlanItem.objects.bulk_create([PlanItem(plan=plan, region=city, order=n, text=text,
                                                   due=dt.date(year, month, day))
                                          for n, (text, month, day) in enumerate(PLAN_ITEMS, start=1)])
    below = list(OrgNode.objects.under(city.path).exclude(pk=city.pk).only("id", "kind", "path").order_by("path")[:2000])
    tasks = []
    for item in items:
        # Items due already are mostly done; the year-end ones less so: mixed completion.
        share = 0.8 if item.due <= today else 0.4
        for node in below:
            done = rng.random() < share
            tasks.append(GovTask(item=item, node=node, due=item.due, status=TaskStatus.DONE if done else TaskStatus.OPEN,
                                 done_on=min(item.due, today) if done else None))
    county = next((n for n in below if n.kind == OrgKind.COUNTY), None)
    if county is not None:
        sub = PlanItem.objects.create(plan=plan, parent=items[0], region=county, order=len(items) + 1,
                                      text="组织农村学校教学视导，每所学校不少于一次", due=items[0].due)
        for school in children.get(county.pk, [])[:50]:
            if school.kind == OrgKind.SCHOOL:
                done = rng.random() < 0.5
                tasks.append(GovTask(item=sub, node=school, due=sub.due,
                                     status=TaskStatus.DONE if done else TaskStatus.OPEN,
                                     done_on=min(sub.due, today) if done else None))
    GovTask.objects.bulk_create(tasks, batch_size=2000)


def _spending(ctx: SeedContext, year: int) -> None:
    rng = ctx.rng
    rows = []
    for n, school_id in enumerate(ctx.school_ids):
        funds = Decimal(rng.randrange(40, 400) * 10_000)
        training = funds * Decimal(rng.choice(("0.06", "0.07", "0.08", "0.055")))
        if n == 0:
            training = funds * Decimal("0.032")  # the one school below the training floor
        equipment = funds * Decimal(rng.choice(("0.11", "0.12", "0.15")))
        teaching = funds * Decimal(rng.choice(("0.36", "0.38", "0.40", "0.42")))
        roll = rng.random()
        status = (SpendingStatus.CONFIRMED if n == 0 or roll < 0.8
                  else SpendingStatus.SUBMITTED if roll < 0.95 else SpendingStatus.RETURNED)
        rows.append(SchoolSpending(
            school_id=school_id, year=year, public_funds=funds, training=training.quantize(Decimal("0.01")),
            equipment=equipment.quantize(Decimal("0.01")), teaching=teaching.quantize(Decimal("0.01")), status=status,
            return_reason="教学业务经费中含基建支出，请核减后重新填报" if status == SpendingStatus.RETURNED else ""))
    SchoolSpending.objects.bulk_create(rows, batch_size=2000)


register("appraisal.governance", governance_records, order=600)
