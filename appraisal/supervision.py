"""Pure computation behind the governance pages and the 督导 data pack (000 §14, §16): a yearly
plan's completion rolled up level by level, and the staffing table of researchers by subject and
stage. Plain values in, plain values out; no ORM."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.progress import bar_class, percent

# The four levels a plan is pushed down (000 §14 "省、市、县、校"), townships counted with schools'
# county above them where a region uses them.
LEVELS = (("province", "省级"), ("city", "市级"), ("county", "县级"), ("township", "乡镇"), ("school", "学校"))
LEVEL_LABEL = dict(LEVELS)


@dataclass(frozen=True)
class ItemIn:
    id: int
    parent_id: int | None
    text: str
    region_name: str
    due: dt.date


@dataclass(frozen=True)
class TaskIn:
    item_id: int
    level: str  # the OrgKind of the node the task is assigned to
    node_name: str
    done: bool
    due: dt.date


@dataclass
class LevelProgress:
    level: str
    done: int = 0
    total: int = 0
    overdue: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LEVEL_LABEL.get(self.level, self.level)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total, when_no_target=0)

    @property
    def bar(self) -> str:
        return bar_class(self.percent)


@dataclass
class ItemProgress:
    id: int
    text: str
    region_name: str
    due: dt.date
    levels: list[LevelProgress]
    children: list[ItemProgress]

    @property
    def done(self) -> int:
        return sum(lv.done for lv in self.levels)

    @property
    def total(self) -> int:
        return sum(lv.total for lv in self.levels)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total, when_no_target=0)

    @property
    def overdue(self) -> list[str]:
        return [name for lv in self.levels for name in lv.overdue]


def _levels(tasks: Iterable[TaskIn], today: dt.date) -> list[LevelProgress]:
    by_level: dict[str, LevelProgress] = {}
    for t in tasks:
        lv = by_level.setdefault(t.level, LevelProgress(t.level))
        lv.total += 1
        if t.done:
            lv.done += 1
        elif t.due < today:
            lv.overdue.append(t.node_name)
    order = [code for code, _ in LEVELS]
    for lv in by_level.values():
        lv.overdue.sort()
    return sorted(by_level.values(), key=lambda lv: order.index(lv.level) if lv.level in order else len(order))


def plan_tree(items: Iterable[ItemIn], tasks: Iterable[TaskIn], today: dt.date) -> list[ItemProgress]:
    """Each item with the share of its tasks done at each level (the overdue ones named), its
    sub-items below it; top items in the order given."""
    items = list(items)
    tasks_of: dict[int, list[TaskIn]] = defaultdict(list)
    for t in tasks:
        tasks_of[t.item_id].append(t)
    children_of: dict[int | None, list[ItemIn]] = defaultdict(list)
    ids = {i.id for i in items}
    for i in items:
        children_of[i.parent_id if i.parent_id in ids else None].append(i)

    def build(i: ItemIn) -> ItemProgress:
        return ItemProgress(i.id, i.text, i.region_name, i.due, _levels(tasks_of[i.id], today),
                            [build(c) for c in children_of[i.id]])

    return [build(i) for i in children_of[None]]


def plan_totals(tasks: Iterable[TaskIn], today: dt.date) -> list[LevelProgress]:
    """The whole plan's completion per level."""
    return _levels(tasks, today)


@dataclass(frozen=True)
class StaffRow:
    subject: str
    stage: str
    full_time: int
    part_time: int

    @property
    def total(self) -> int:
        return self.full_time + self.part_time


def staffing_table(posts: Iterable[tuple[int, str, str, bool]]) -> list[StaffRow]:
    """Researchers per subject and stage from (person id, subject, stage, full-time) posts: a
    person is counted once per subject and stage, full-time when any of those posts is."""
    seen: dict[tuple[str, str, int], bool] = {}
    for person_id, subject, stage, full in posts:
        key = (subject or "（不分学科）", stage or "（不分学段）", person_id)
        seen[key] = seen.get(key, False) or full
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (subject, stage, _), full in seen.items():
        counts[(subject, stage)][0 if full else 1] += 1
    return [StaffRow(s, st, f, p) for (s, st), (f, p) in sorted(counts.items())]
