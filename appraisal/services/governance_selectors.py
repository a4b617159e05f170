"""Reads of the governance records shared by the pages, the API and the 督导 data pack: a plan's
progress tree over the tasks the viewer sees, a region's spending table against the floors, and
the data pack itself (000 §16: "把教研工作纳入对地方政府履行教育职责评价"). Every query goes through
appraisal.governance_access and core.access; the arithmetic is in appraisal.funding and
appraisal.supervision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from appraisal import funding, supervision
from appraisal import governance_access as access
from appraisal.models.governance import (
    GovMeeting,
    GovTask,
    PlanItem,
    SchoolSpending,
    SpendingStatus,
    TaskStatus,
    WorkPlan,
)
from core.access import AnyUser, people_visible_to, posts_visible_to, schools_visible_to
from core.compliance import NormResult, compliance_for
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode, Role, Stage, Term
from core.paths import ancestor_paths, under_q
from core.terms import terms_for

STAGE_LABEL = dict(Stage.choices)


# ---------------------------------------------------------------- plans


def plan_tasks(user: AnyUser, plan: WorkPlan) -> list[supervision.TaskIn]:
    return [supervision.TaskIn(item_id, kind, name, status == TaskStatus.DONE, due)
            for item_id, kind, name, status, due in access.tasks_visible_to(user).filter(item__plan=plan)
            .order_by("node__path").values_list("item_id", "node__kind", "node__name", "status", "due")]


def plan_progress(user: AnyUser, plan: WorkPlan, today: dt.date
                  ) -> tuple[list[supervision.ItemProgress], list[supervision.LevelProgress]]:
    items = [supervision.ItemIn(i.pk, i.parent_id, i.text, i.region.name, i.due)
             for i in access.items_visible_to(user).filter(plan=plan).order_by("order", "id")]
    tasks = plan_tasks(user, plan)
    return supervision.plan_tree(items, tasks, today), supervision.plan_totals(tasks, today)


@dataclass(frozen=True)
class Holding:
    """An item held by a node the user acts for: where he may push it down or add sub-items."""

    item: PlanItem
    node: OrgNode
    task: GovTask | None


def holdings(user: AnyUser, plan: WorkPlan) -> list[Holding]:
    """The items the user acts on: those written at a node he manages, and those pushed to the
    nodes where he holds his own posts (a county admin's county, a principal's school; the
    province's head is not shown every school's copy, though he may act for them)."""
    items = {i.pk: i for i in access.items_visible_to(user).filter(plan=plan)}
    out: list[Holding] = []
    for item in items.values():
        if access.can_act_at(user, item.region):
            out.append(Holding(item, item.region, None))
    mine = access.own_nodes(user)
    for task in access.tasks_visible_to(user).filter(item__plan=plan, node_id__in=mine).order_by("node__path"):
        if task.item_id in items:
            out.append(Holding(items[task.item_id], task.node, task))
    return sorted(out, key=lambda h: (h.node.depth, h.node.path, h.item.order))


# ---------------------------------------------------------------- spending


@dataclass(frozen=True)
class Share:
    label: str
    floor: float
    percent: Decimal
    meets: bool


@dataclass(frozen=True)
class SpendingLine:
    school: OrgNode
    record: SchoolSpending | None
    shares: tuple[Share, ...] = ()

    @property
    def funds(self) -> str:
        return funding.money(self.record.public_funds) if self.record is not None else ""

    @property
    def below(self) -> list[str]:
        return [s.label for s in self.shares if not s.meets]


def spending_lines(user: AnyUser, node: OrgNode, year: int, *, limit: int = 500) -> list[SpendingLine]:
    """Every visible school under `node` with its figures of the year (or none)."""
    schools = list(schools_visible_to(user).under(node.path).select_related("parent").order_by("path")[:limit])
    records = {r.school_id: r for r in access.spendings_visible_to(user).filter(school__in=schools, year=year)}
    lines = []
    for s in schools:
        r = records.get(s.pk)
        shares: tuple[Share, ...] = ()
        if r is not None:
            shares = tuple(Share(c.label, c.floor, funding.share(getattr(r, c.field), r.public_funds),
                                 funding.meets_floor(getattr(r, c.field), r.public_funds, c.floor))
                           for c in funding.CATEGORIES)
        lines.append(SpendingLine(s, r, shares))
    return lines


# ---------------------------------------------------------------- the data pack


@dataclass
class FundingFigure:
    label: str
    code: str
    floor: float
    confirmed: int = 0
    meeting: int = 0
    below: list[str] = field(default_factory=list)
    average: Decimal | None = None


@dataclass
class DataPack:
    region: OrgNode
    year: int
    term: Term | None
    meetings: list[GovMeeting]
    administrations: int
    administrations_met: int
    administrations_missing: list[str]
    plans: list[tuple[WorkPlan, int, int, int]]  # plan, done, total, overdue (tasks under the region)
    institutions: list[tuple[str, int]]
    staffing: list[supervision.StaffRow]
    full_time: int
    part_time: int
    teachers: int
    schools: int
    funding: list[FundingFigure]
    unconfirmed: int
    missing: int
    norms: list[NormResult]

    @property
    def researchers(self) -> int:
        return self.full_time + self.part_time

    @property
    def per_thousand(self) -> Decimal | None:
        if not self.teachers:
            return None
        return (Decimal(self.researchers) * 1000 / self.teachers).quantize(Decimal("0.1"))


def term_of_year(node: OrgNode, year: int) -> Term | None:
    """The latest term of the node starting in the year (what the norms are counted in)."""
    return next((t for t in terms_for(node) if t.start.year == year), None)


def data_pack(user: AnyUser, region: OrgNode, year: int, today: dt.date) -> DataPack:
    meetings = list(access.meetings_visible_to(user).filter(region=region, held_on__year=year)
                    .prefetch_related("decisions__tasks"))
    admins = list(OrgNode.objects.under(region.path).filter(kind__in=access.ADMINISTRATION_KINDS).order_by("path"))
    held = set(access.meetings_visible_to(user).filter(region__in=admins, held_on__year=year)
               .values_list("region_id", flat=True))
    plans = []
    for plan in access.plans_visible_to(user).filter(year=year, region__path__in=ancestor_paths(region.path)):
        tasks = access.tasks_visible_to(user).filter(item__plan=plan).filter(under_q([region.path], "node__path"))
        c = tasks.aggregate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
                            overdue=Count("id", filter=Q(status=TaskStatus.OPEN, due__lt=today)))
        plans.append((plan, c["done"], c["total"], c["overdue"]))
    inst = (OrgNode.objects.under(region.path).exclude(kind=OrgKind.SCHOOL).exclude(institute_name="")
            .order_by().values("kind").annotate(n=Count("id")))
    kinds = dict(OrgKind.choices)
    by_kind = {row["kind"]: row["n"] for row in inst}
    institutions = [(f"{kinds[k]}级教研机构", by_kind[k]) for k in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY,
                                                                   OrgKind.TOWNSHIP) if by_kind.get(k)]
    posts = (posts_visible_to(user).active().filter(under_q([region.path], "org__path"), role__in=RESEARCHER_ROLES)
             .values_list("person_id", "subject__name", "stage", "role"))
    staff_posts = [(pid, subject or "", STAGE_LABEL.get(stage, ""), role == Role.RESEARCHER)
                   for pid, subject, stage, role in posts]
    staffing = supervision.staffing_table(staff_posts)
    full_people = {pid for pid, _, _, full in staff_posts if full}
    part_people = {pid for pid, _, _, _ in staff_posts} - full_people
    teachers = (people_visible_to(user).filter(under_q([region.path], "org__path"), org__kind=OrgKind.SCHOOL)
                .count())
    schools = list(schools_visible_to(user).under(region.path).values_list("pk", "name"))
    names = dict(schools)
    records = list(access.spendings_visible_to(user).filter(school_id__in=names.keys(), year=year))
    confirmed = [r for r in records if r.status == SpendingStatus.CONFIRMED]
    figures = []
    for cat in funding.CATEGORIES:
        fig = FundingFigure(cat.label, cat.code, cat.floor, confirmed=len(confirmed))
        shares = []
        for r in confirmed:
            amount = getattr(r, cat.field)
            shares.append(funding.share(amount, r.public_funds))
            if funding.meets_floor(amount, r.public_funds, cat.floor):
                fig.meeting += 1
            else:
                fig.below.append(names[r.school_id])
        if shares:
            fig.average = (sum(shares, Decimal(0)) / len(shares)).quantize(Decimal("0.1"))
        figures.append(fig)
    term = term_of_year(region, year)
    norms = [r for r in compliance_for(user, region, term, with_metric_only=True) if r.has_data]
    return DataPack(region=region, year=year, term=term, meetings=meetings, administrations=len(admins),
                    administrations_met=len(held), administrations_missing=[a.name for a in admins if a.pk not in held],
                    plans=plans, institutions=institutions, staffing=staffing, full_time=len(full_people),
                    part_time=len(part_people), teachers=teachers, schools=len(schools), funding=figures,
                    unconfirmed=len(records) - len(confirmed), missing=len(schools) - len(records), norms=norms)


def data_pack_xlsx(pack: DataPack) -> bytes:
    """The pack as a workbook, one sheet per part of the evaluation."""
    import io

    import xlsxwriter

    from core.exporting import WORKBOOK_OPTIONS

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    title = book.add_format({"bold": True, "font_size": 14})

    def sheet(name: str, heading: str, headers: list[str], rows: list[list[object]]) -> None:
        ws = book.add_worksheet(name)
        ws.write_string(0, 0, heading, title)
        for j, h in enumerate(headers):
            ws.write_string(2, j, h, bold)
            ws.set_column(j, j, max(12, len(h) * 2 + 2))
        for i, row in enumerate(rows, start=3):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
                    ws.write_number(i, j, float(v))
                else:
                    ws.write_string(i, j, str(v))

    where = f"{pack.region.name} {pack.year}年"
    direction: list[list[object]] = [["教育行政部门召开教研工作专题会议", f"{pack.administrations_met}/{pack.administrations}",
                                      "未召开：" + "、".join(pack.administrations_missing) if pack.administrations_missing else "全部召开"]]
    for m in pack.meetings:
        direction.append(["本级会议", f"{m.held_on:%Y-%m-%d}", f"{m.title}（召集人：{m.convened_by}；决定事项{m.decisions.count()}项）"])
    for plan, done, total, overdue in pack.plans:
        direction.append(["年度教研工作要点", f"{done}/{total}", f"{plan.region.name}《{plan.title}》，本区域任务完成{done}项，逾期{overdue}项"])
    sheet("工作方向", f"{where} 教研工作方向（会议与工作要点）", ["项目", "数值", "说明"], direction)
    staff: list[list[object]] = [[name, "", "", n] for name, n in pack.institutions]
    staff += [[r.subject, r.stage, r.full_time, r.part_time, r.total] for r in pack.staffing]
    staff.append(["合计", "", pack.full_time, pack.part_time, pack.researchers])
    staff.append(["专任教师", "", "", "", pack.teachers])
    staff.append(["每千名教师教研员数", "", "", "", float(pack.per_thousand) if pack.per_thousand is not None else "—"])
    sheet("机构与人员", f"{where} 教研机构与教研员配备", ["学科/机构", "学段", "专职", "兼职", "合计"], staff)
    money: list[list[object]] = [[f.label, f"≥{f.floor:g}%", f.confirmed, f.meeting,
                                  float(f.average) if f.average is not None else "—", "、".join(f.below)]
                                 for f in pack.funding]
    money.append(["学校数", pack.schools, "未确认", pack.unconfirmed, "未填报", pack.missing])
    sheet("经费保障", f"{where} 学校经费支出比例（仅计区县已确认数据）",
          ["类别", "下限", "已确认学校", "达标学校", "平均占比(%)", "未达标学校"], money)
    results: list[list[object]] = [[r.norm.code, r.norm.title, r.threshold_text, r.met, r.total, r.percent]
                                   for r in pack.norms]
    sheet("工作成效", f"{where} 教研规范达标情况", ["编号", "规范", "标准", "达标", "总数", "达标率(%)"], results)
    book.close()
    return buffer.getvalue()
