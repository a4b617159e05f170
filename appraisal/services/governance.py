"""Writes of the governance records: a region's yearly meeting on 教研 and its decisions (000
§14), the tasks decisions become, and the yearly plan (年度教研工作要点) pushed down the four
levels as tasks, each level adding its own sub-items (000 §14)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from appraisal import governance_access as access
from appraisal.models.governance import GovMeeting, GovTask, MeetingDecision, PlanItem, TaskStatus, WorkPlan
from core.audit import audit_bulk, audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import AuditEvent, OrgKind, OrgNode, Person, User

MINUTES_SUFFIXES = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")
MINUTES_MAX_BYTES = 20 * 1024 * 1024


class GovernanceError(DomainError):
    """A refused write on a governance record; the message is Chinese and names the field."""


def _text(value: str, label: str, limit: int, field: str) -> str:
    value = value.strip()
    if not value:
        raise GovernanceError(f"{label}：必填", field=field)
    if len(value) > limit:
        raise GovernanceError(f"{label}：不超过{limit}个字（现在{len(value)}个字）", field=field)
    return value


def _under(node: OrgNode, region: OrgNode, label: str, field: str) -> None:
    if not node.path.startswith(region.path):
        raise GovernanceError(f"{label}：请选择{region.name}或其下级的单位", field=field)


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_record(*, actor: User | None, region: OrgNode, title: str, held_on: dt.date, convened_by: str,
                   attendees: str, minutes: str = "", minutes_file: UploadedFile[bytes] | None = None,
                   decisions: tuple[str, ...] = ()) -> GovMeeting:
    """Record a meeting held by `region`'s administration, with its decisions in order."""
    if region.kind not in access.ADMINISTRATION_KINDS:
        raise GovernanceError("区域：教研工作会议由省、市、县（区）教育行政部门召开", field="region")
    if actor is not None and not access.can_record_meeting(actor, region):
        raise GovernanceError(f"区域：您不能登记{region.name}的会议", field="region")
    minutes = minutes.strip()
    if not minutes and minutes_file is None:
        raise GovernanceError("会议纪要：请填写纪要或上传纪要文件", field="minutes")
    if minutes_file is not None:
        name = (minutes_file.name or "").lower()
        if not name.endswith(MINUTES_SUFFIXES):
            raise GovernanceError("纪要附件：只接受 PDF、Word 或图片文件", field="minutes_file")
        if (minutes_file.size or 0) > MINUTES_MAX_BYTES:
            raise GovernanceError("纪要附件：文件不超过 20 MB", field="minutes_file")
    meeting = GovMeeting.objects.create(
        region=region, title=_text(title, "会议名称", 120, "title"), held_on=held_on,
        convened_by=_text(convened_by, "召集人", 100, "convened_by"),
        attendees=_text(attendees, "参会人员", 2000, "attendees"), minutes=minutes[:20000],
        created_by=actor if actor is not None and actor.pk else None)
    if minutes_file is not None:
        meeting.minutes_file.save(minutes_file.name or "minutes", minutes_file, save=False)
        meeting.save(update_fields=["minutes_file"])
    audit_create(actor, meeting)
    for text in decisions:
        if text.strip():
            decision_add(actor=actor, meeting=meeting, text=text)
    return meeting


@transaction.atomic
def decision_add(*, actor: User | None, meeting: GovMeeting, text: str) -> MeetingDecision:
    if actor is not None and not access.can_record_meeting(actor, meeting.region):
        raise GovernanceError(f"您不能修改{meeting.region.name}的会议", field="text")
    last = meeting.decisions.aggregate(n=Max("order"))["n"] or 0
    decision = MeetingDecision.objects.create(meeting=meeting, order=last + 1, text=_text(text, "决定事项", 300, "text"))
    audit_create(actor, decision)
    return decision


@transaction.atomic
def decision_task_create(*, actor: User | None, decision: MeetingDecision, due: dt.date,
                         node: OrgNode | None = None, owner: Person | None = None) -> GovTask:
    """Turn a decision into a task owned by a unit (`node`), a person (`owner`, whose unit holds
    it unless `node` is given) or both, due by `due`."""
    region = decision.meeting.region
    if actor is not None and not access.can_record_meeting(actor, region):
        raise GovernanceError(f"您不能为{region.name}的会议分派任务", field="node")
    if node is None and owner is None:
        raise GovernanceError("责任单位或责任人：至少填写一项", field="node")
    if owner is not None:
        _under(owner.org, region, "责任人", "owner")
    unit = node if node is not None else owner.org  # type: ignore[union-attr]  # one of the two is set (checked above)
    _under(unit, region, "责任单位", "node")
    if due < decision.meeting.held_on:
        raise GovernanceError(f"完成期限：不能早于会议日期{decision.meeting.held_on:%Y-%m-%d}", field="due")
    task = GovTask.objects.create(decision=decision, node=unit, owner=owner, due=due)
    audit_create(actor, task)
    return task


# ---------------------------------------------------------------- tasks


@transaction.atomic
def task_complete(*, actor: User | None, task: GovTask, on: dt.date, note: str = "") -> GovTask:
    if actor is not None and not access.can_update_task(actor, task):
        raise GovernanceError("您不能更新这项任务", field="note")
    if task.status == TaskStatus.DONE:
        raise GovernanceError(f"这项任务已于{task.done_on:%Y-%m-%d}完成", field="note")
    if len(note.strip()) > 300:
        raise GovernanceError("完成情况：不超过300个字", field="note")
    old = snapshot(task)
    task.status, task.done_on, task.done_note = TaskStatus.DONE, on, note.strip()
    task.save(update_fields=["status", "done_on", "done_note", "updated_at"])
    audit_update(actor, task, old)
    return task


@transaction.atomic
def task_reopen(*, actor: User | None, task: GovTask) -> GovTask:
    if actor is not None and not access.can_update_task(actor, task):
        raise GovernanceError("您不能更新这项任务", field="note")
    if task.status == TaskStatus.OPEN:
        raise GovernanceError("这项任务尚未完成", field="note")
    old = snapshot(task)
    task.status, task.done_on, task.done_note = TaskStatus.OPEN, None, ""
    task.save(update_fields=["status", "done_on", "done_note", "updated_at"])
    audit_update(actor, task, old)
    return task


# ---------------------------------------------------------------- plans


@transaction.atomic
def plan_create(*, actor: User | None, region: OrgNode, year: int, title: str,
                items: tuple[tuple[str, dt.date], ...] = ()) -> WorkPlan:
    if region.kind not in access.PLAN_KINDS:
        raise GovernanceError("区域：年度教研工作要点由省或市制定", field="region")
    if actor is not None and not access.can_manage_region(actor, region):
        raise GovernanceError(f"区域：您不能制定{region.name}的工作要点", field="region")
    if not 2000 <= year <= 2100:
        raise GovernanceError("年度：请填写四位年份", field="year")
    if WorkPlan.objects.filter(region=region, year=year).exists():
        raise GovernanceError(f"年度：{region.name}{year}年的工作要点已经建立", field="year")
    plan = WorkPlan.objects.create(region=region, year=year, title=_text(title, "标题", 120, "title"),
                                   created_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, plan)
    for text, due in items:
        item_add(actor=actor, plan=plan, at=region, text=text, due=due)
    return plan


def _holds(item: PlanItem, node: OrgNode) -> bool:
    """Whether `node` holds `item`: it wrote it, or the item was pushed to it."""
    return item.region_id == node.pk or item.tasks.filter(node=node).exists()


@transaction.atomic
def item_add(*, actor: User | None, plan: WorkPlan, at: OrgNode, text: str, due: dt.date,
             parent: PlanItem | None = None) -> PlanItem:
    """A top item of the plan (at the plan's region), or a sub-item a level adds under an item it
    holds (written by it or pushed to it)."""
    if actor is not None and not access.can_act_at(actor, at):
        raise GovernanceError(f"您不能以{at.name}的名义添加工作事项", field="text")
    if parent is None:
        if at.pk != plan.region_id:
            raise GovernanceError("上级事项：下级单位添加的事项须挂在下达给本单位的事项之下", field="parent")
    else:
        if parent.plan_id != plan.pk:
            raise GovernanceError("上级事项：不属于这份工作要点", field="parent")
        if not _holds(parent, at):
            raise GovernanceError(f"上级事项：“{parent.text}”没有下达给{at.name}", field="parent")
    if due.year != plan.year:
        raise GovernanceError(f"完成期限：应在{plan.year}年内", field="due")
    if parent is not None and due > parent.due:
        raise GovernanceError(f"完成期限：不能晚于上级事项的期限{parent.due:%Y-%m-%d}", field="due")
    last = plan.items.aggregate(n=Max("order"))["n"] or 0
    item = PlanItem.objects.create(plan=plan, parent=parent, region=at, order=last + 1,
                                   text=_text(text, "工作事项", 300, "text"), due=due)
    audit_create(actor, item)
    return item


def _children(node: OrgNode, through: bool) -> list[OrgNode]:
    if through:
        return list(OrgNode.objects.under(node.path).exclude(pk=node.pk).order_by("path"))
    return list(OrgNode.objects.filter(parent=node).order_by("path"))


@transaction.atomic
def item_push(*, actor: User | None, item: PlanItem, from_node: OrgNode, through: bool = False,
              due: dt.date | None = None) -> int:
    """Push `item` from a node holding it to every node below: the next level (`through=False`)
    or every level down to the schools. Nodes already holding it are left as they are; returns
    how many tasks were created."""
    if from_node.kind == OrgKind.SCHOOL:
        raise GovernanceError("学校是最后一级，不能再向下分解", field="from_node")
    if actor is not None and not access.can_act_at(actor, from_node):
        raise GovernanceError(f"您不能以{from_node.name}的名义下达", field="from_node")
    _under(from_node, item.plan.region, "下达单位", "from_node")
    if not _holds(item, from_node):
        raise GovernanceError(f"“{item.text}”没有下达给{from_node.name}", field="from_node")
    due = due or item.due
    if due > item.due:
        raise GovernanceError(f"完成期限：不能晚于事项期限{item.due:%Y-%m-%d}", field="due")
    targets = _children(from_node, through)
    if not targets:
        raise GovernanceError(f"{from_node.name}没有下级单位", field="from_node")
    held = set(item.tasks.values_list("node_id", flat=True))
    made = GovTask.objects.bulk_create([GovTask(item=item, node=n, due=due) for n in targets
                                        if n.pk not in held and n.pk != item.region_id])
    audit_bulk(actor, [(AuditEvent.Action.CREATE, t, None) for t in made])
    return len(made)
