"""The workbench's to-do list: what a user must do next, most pressing first.

Pure computation over plain values (no ORM): core.todo_selectors gathers the items from each
app's access modules and selectors; this module decides their order, so the rule is tested
without a database (tests/test_ui_todo.py).
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds in the order a user meets them when nothing is urgent: what others wait for first
# (feedback to read, a reflection the observer waits for), then one's own unfinished work, then
# decisions only this user can take, then pace, then what to look into.
ORDER = (
    "feedback",          # 新的评课意见待阅读 (teacher)
    "reflection",        # 教学反思待写 (teacher)
    "draft",             # 听课记录草稿待完成 (observer)
    "visit_today",       # 今天的视导日程 (team member)
    "activity_today",    # 今天的教研活动待签到 (participant)
    "activity_outcome",  # 主持的教研活动待提交成果 (host)
    "project_reviews",   # 待评审的课题 (reviewing expert)
    "campaign_scores",   # 考评对象待评分 (assessors, subjects' self-assessment)
    "researcher_rating",  # 教研员考核评价待填写 (teachers, school managers)
    "liaison_plan",      # 联系学校的指导计划待确认 (school managers)
    "findings_answer",   # 视导发现的问题待整改反馈 (school leaders, owners)
    "gov_tasks",         # 会议决定与年度工作要点分解的任务到期 (owners, managers at the unit)
    "findings_verify",   # 整改反馈待验收 (organiser side)
    "objections",        # 考评申诉待处理 (campaign organiser)
    "researcher_check",  # 教研员考核已计算，待核定工作量 (institution head, admin)
    "report_issue",      # 年度工作报告草稿待发布 (institution head, admin)
    "groups_confirm",    # 本学期教研组待确认 (principal)
    "warnings",          # 预警待处理 (principal, researcher)
    "imports",           # 成绩导入待确认列对应 (researcher, importer)
    "project_applications",  # 待审批的课题申报 (approving body)
    "leaders_behind",    # 校领导听课落后进度 (principal)
    "quota",             # 我的听课任务进度 (observer)
    "plan",              # 下一节要听的课 (observer)
    "liaison_onsite",    # 本学期到校指导天数不足 (linked researcher)
    "training_short",    # 本年培训学时不足 (researcher)
    "programme_duty",    # 人才项目本学期任务未完成 (programme member)
    "unvisited",         # 本学期尚未视导的学校 (researcher)
    "norms_short",       # 规范未达标 (researcher)
)


@dataclass(frozen=True)
class Todo:
    """One thing to do: a sentence saying it and the page where it is done."""

    kind: str
    title: str
    url: str
    count: int = 1
    detail: str = ""
    urgent: bool = False  # behind pace, overdue: rises to the top of the list


def rank(item: Todo) -> tuple[int, int, int, str]:
    kind = ORDER.index(item.kind) if item.kind in ORDER else len(ORDER)
    return (0 if item.urgent else 1, kind, -item.count, item.title)


def order_todos(items: list[Todo], *, limit: int | None = None) -> list[Todo]:
    """The list as shown: nothing with a zero count, urgent items first, then by ORDER, larger
    counts first within a kind; at most `limit` items."""
    shown = sorted((t for t in items if t.count > 0), key=rank)
    return shown[:limit] if limit is not None else shown


def count_label(n: int, unit: str) -> str:
    """"3份" / "1份": numbers as people read them on a list."""
    return f"{n}{unit}"
