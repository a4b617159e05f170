"""The roster sync: national export sheets to schools, people and teacher posts, repeatably.

`roster_preview` reads the upload, checks every row against the file and the database and stages
a SyncRun holding the parsed rows and what applying them would add, change and end; nothing else
is written. `roster_apply` recomputes the same plan from the staged rows inside one transaction
(the database may have moved since the preview) and writes it in bulk, or, if any row is now in
error, writes nothing. `roster_discard` drops a staged run.

Ownership (core/roster_models.py, docs/roster-sync.md): each record the sync creates or matches
has a RosterLink with the values the sync last wrote. A field whose value still equals what the
sync wrote follows the file; a field changed by hand since is the user's and is kept; a record
entered by hand and matched is only filled in where blank, and never ended. Nothing is deleted:
people no longer in the file are set 不在岗 (is_active=False), their posts get an end date.

Coverage: a teacher sheet speaks for the schools it names, a school sheet for the counties it
names. Records the sync owns elsewhere are left alone, so a province can sync county by county.

Everything is read in chunks of keys (core.importing.sheets._by_key) and written with
bulk_create/bulk_update: the number of queries grows with rows / 2000, not with rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core.access import can_manage_node, manageable_roots
from core.audit import audit_bulk, snapshot
from core.errors import DomainError
from core.importing.columns import OCCUPIED_PERSON_CODE, RowError
from core.importing.roster_rows import (
    SchoolRow,
    TeacherRow,
    pack_sheet,
    read_sheet,
    row_errors_sorted,
    school_rows,
    teacher_rows,
    unpack_sheet,
)
from core.importing.sheets import _by_key
from core.models import (
    AuditEvent,
    Gender,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    Stage,
    Subject,
    Title,
    User,
)
from core.pinyin import name_keys
from core.roster_codes import Source
from core.roster_models import LinkEntity, RosterLink, SyncRun, SyncStatus

MAX_CHANGE_LINES = 500
ACTIONS = ("added", "changed", "ended", "unchanged", "kept")
ACTION_LABELS = {"added": "新增", "changed": "修改", "ended": "结束", "unchanged": "无变化", "kept": "保留手工修改"}
ENTITY_LABELS = {LinkEntity.SCHOOL: "学校", LinkEntity.PERSON: "人员", LinkEntity.POST: "任教岗位"}
SCHOOL_OUT_OF_SCOPE = "学校不存在或不在您的同步范围内（请先同步学校基础信息）"
REGION_OUT_OF_SCOPE = "行政区划代码不存在或不在您的同步范围内"


class RosterError(DomainError):
    """A sync that cannot run as asked (no scope, a run no longer staged)."""


@dataclass
class SyncPlan:
    """What a sync would do, and the writes that do it."""

    source: Source
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    changes: list[list[str]] = field(default_factory=list)
    rows: int = 0
    creates: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    updates: dict[type[models.Model], list[tuple[models.Model, dict[str, Any], list[str]]]] = field(default_factory=dict)
    new_links: list[tuple[RosterLink, models.Model]] = field(default_factory=list)
    link_updates: list[RosterLink] = field(default_factory=list)
    dead_links: list[int] = field(default_factory=list)

    def count(self, entity: str, action: str, n: int = 1) -> None:
        self.counts.setdefault(entity, Counter())[action] += n

    def line(self, action: str, entity: str, record: str, detail: str = "") -> None:
        if len(self.changes) < MAX_CHANGE_LINES:
            self.changes.append([ACTION_LABELS[action], ENTITY_LABELS[LinkEntity(entity)], record, detail])

    def create(self, obj: models.Model) -> None:
        self.creates.setdefault(type(obj), []).append(obj)

    def update(self, obj: models.Model, old: dict[str, Any], changed: list[str]) -> None:
        self.updates.setdefault(type(obj), []).append((obj, old, changed))

    def plain_counts(self) -> dict[str, dict[str, int]]:
        return {e: {a: int(c.get(a, 0)) for a in ACTIONS} for e, c in self.counts.items()}


# ---------------------------------------------------------------- showing values


_FIELD_LABELS = {"name": "姓名", "gender": "性别", "birth_year": "出生年份", "org_id": "工作单位", "title": "职称",
                 "stage": "任教学段", "main_subject_id": "主教学科", "teaching_since": "从教年份", "is_active": "在岗",
                 "school_type": "办学类型", "locale": "城乡类别", "is_teaching_point": "教学点",
                 "class_count": "班级数", "student_count": "学生数", "parent_id": "所在区域"}
_CHOICES: dict[str, dict[str, str]] = {
    "gender": dict(Gender.choices), "title": dict(Title.choices), "stage": dict(Stage.choices),
    "school_type": {v: str(lbl) for v, lbl in OrgNode._meta.get_field("school_type").choices or []},
    "locale": {v: str(lbl) for v, lbl in OrgNode._meta.get_field("locale").choices or []},
}


class _Names:
    """Display names of ids met while planning (schools, regions, subjects)."""

    def __init__(self) -> None:
        self.nodes: dict[int, str] = {}
        self.subjects = {s.pk: s.name for s in Subject.objects.all()}

    def show(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return "（空）"
        if isinstance(value, bool):
            return "是" if value else "否"
        if name in ("org_id", "parent_id"):
            return self.nodes.get(value, str(value))
        if name == "main_subject_id":
            return self.subjects.get(value, str(value))
        return str(_CHOICES.get(name, {}).get(value, value))


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == Title.NONE or value == 0


@dataclass
class _Merged:
    changed: list[str]
    texts: list[str]
    kept: list[str]
    old: dict[str, Any]


def _merge(obj: models.Model, link: RosterLink, desired: dict[str, Any], *, adopting: bool,
           names: _Names) -> _Merged:
    """Apply the precedence rule to one record: what changed (with the old values, for the
    audit), the change texts, and the hand values kept against the file."""
    synced = dict(link.synced)
    # The audit's old values are those of the changed fields, taken here rather than with a
    # snapshot of every record, changed or not.
    link_old: dict[str, Any] = {}
    changed: list[str] = []
    texts: list[str] = []
    kept: list[str] = []
    for f, want in desired.items():
        current = getattr(obj, f)
        if f in synced and current != synced[f]:
            # Changed by hand since the sync wrote it: the user's from now on.
            del synced[f]
            if current != want:
                kept.append(f"{_FIELD_LABELS.get(f, f)}保留为{names.show(f, current)}（文件为{names.show(f, want)}）")
            continue
        if f in synced or (adopting and (_blank(current) or current == want)):
            if current != want:
                link_old[f] = current
                setattr(obj, f, want)
                changed.append(f)
                texts.append(f"{_FIELD_LABELS.get(f, f)}：{names.show(f, current)} → {names.show(f, want)}")
            synced[f] = want
        elif current != want:
            kept.append(f"{_FIELD_LABELS.get(f, f)}保留为{names.show(f, current)}（文件为{names.show(f, want)}）")
    if synced != link.synced:
        link.synced = synced
    return _Merged(changed, texts, kept, link_old)


def _chunked_links(entity: str, field_name: str, values: Any) -> list[RosterLink]:
    return _by_key(RosterLink.objects.filter(entity=entity), field_name, values)


def _person_label(p: Person, school: OrgNode | None) -> str:
    return f"{p.name}（{school.name if school else p.code}）"


# ---------------------------------------------------------------- teachers


def _derived_code(key: str) -> str:
    # A person without 教职工号 gets a stable code from the digest (never from the number itself).
    return "JS" + key[:14].upper()


def plan_teachers(rows: list[TeacherRow], *, actor: User, root: OrgNode, effective: dt.date,
                  lock: bool = False) -> SyncPlan:
    plan = SyncPlan(Source.TEACHERS, rows=len(rows))
    names = _Names()
    first: dict[str, int] = {}
    for r in rows:
        if r.key in first:
            plan.errors.append(RowError(r.number, "身份证件号", f"与第{first[r.key]}行是同一人（身份证件号重复）"))
        else:
            first[r.key] = r.number
    codes_seen: dict[str, int] = {}
    for r in rows:
        if r.staff_code:
            if r.staff_code in codes_seen:
                plan.errors.append(RowError(r.number, "教职工号", f"与第{codes_seen[r.staff_code]}行重复"))
            codes_seen.setdefault(r.staff_code, r.number)
    schools = {n.code: n for n in _by_key(OrgNode.objects.schools(), "code", {r.school_code for r in rows})}
    for r in rows:
        s = schools.get(r.school_code)
        if s is None or not s.path.startswith(root.path) or not can_manage_node(actor, s):
            plan.errors.append(RowError(r.number, "学校标识码", SCHOOL_OUT_OF_SCOPE))
    if plan.errors:
        return plan
    names.nodes.update({s.pk: s.name for s in schools.values()})
    person_qs = Person.objects.select_related("org")
    post_qs = Post.objects.all()
    if lock:
        person_qs, post_qs = person_qs.select_for_update(of=("self",)), post_qs.select_for_update(of=("self",))
    links = {lk.key: lk for lk in _chunked_links(LinkEntity.PERSON, "key", first)}
    people = {p.pk: p for p in _by_key(person_qs, "pk", [lk.object_id for lk in links.values()])}
    for key, lk in list(links.items()):
        if lk.object_id not in people:
            # The person was deleted by hand: the link goes, and the row is matched afresh.
            plan.dead_links.append(lk.pk)
            del links[key]
    wanted_codes = {r.staff_code or _derived_code(r.key): r for r in rows if r.key not in links}
    by_code = {p.code: p for p in _by_key(person_qs, "code", wanted_codes)}
    taken = {lk.object_id for lk in _chunked_links(LinkEntity.PERSON, "object_id", [p.pk for p in by_code.values()])}
    for code, p in by_code.items():
        r = wanted_codes[code]
        column = "教职工号" if r.staff_code else "身份证件号"
        if not can_manage_node(actor, p.org):
            plan.errors.append(RowError(r.number, column, OCCUPIED_PERSON_CODE))
        elif p.pk in taken:
            plan.errors.append(RowError(r.number, column, f"人员编号{code}已对应另一位身份证件号不同的人员"))
    if plan.errors:
        return plan

    # Where the file speaks: the schools it names, and the old schools of the people it moves.
    covered = {s.path for s in schools.values()}
    reach = covered | {people[lk.object_id].org.path for lk in links.values()}
    post_links = {lk.key: lk for lk in _by_key(RosterLink.objects.filter(entity=LinkEntity.POST), "path", reach)}
    posts = {p.pk: p for p in _by_key(post_qs.select_related("org", "subject"), "pk", [lk.object_id for lk in post_links.values()])}
    linked_post_ids = {lk.object_id for lk in post_links.values()}
    known_people = [lk.object_id for lk in links.values()] + [p.pk for p in by_code.values()]
    adoptable: dict[tuple[int, int, int | None], Post] = {}
    school_ids = [s.pk for s in schools.values()]
    for post in _by_key(post_qs.filter(role=Role.TEACHER, end__isnull=True, org_id__in=school_ids).select_related("org"),
                        "person_id", known_people):
        if post.pk not in linked_post_ids:
            adoptable.setdefault((post.person_id, post.org_id, post.subject_id), post)

    desired_posts: set[str] = set()
    in_file: set[str] = set()
    for r in rows:
        school = schools[r.school_code]
        in_file.add(r.key)
        want: dict[str, Any] = {"name": r.name, "org_id": school.pk, "is_active": r.in_post}
        if r.gender:
            want["gender"] = r.gender
        if r.birth_year:
            want["birth_year"] = r.birth_year
        if "stage" in r.present:
            want["stage"] = r.stage
        if "subjects" in r.present:
            want["main_subject_id"] = r.subjects[0].pk if r.subjects else None
        if r.title is not None:
            want["title"] = r.title
        if "teach_since" in r.present or "work_since" in r.present:
            want["teaching_since"] = r.teaching_since
        link = links.get(r.key)
        person: Person
        if link is None:
            code = r.staff_code or _derived_code(r.key)
            found = by_code.get(code)
            link = RosterLink(entity=LinkEntity.PERSON, key=r.key, path=school.path, synced={})
            if found is None:
                person = Person(code=code, org=school, **{k: v for k, v in want.items() if k != "org_id"})
                person.pinyin, person.initials = name_keys(person.name)
                link.synced = dict(want)
                plan.create(person)
                plan.new_links.append((link, person))
                plan.count(LinkEntity.PERSON, "added")
                plan.line("added", LinkEntity.PERSON, _person_label(person, school))
            else:
                person = found
                link.created_by_sync = False
                m = _merge(person, link, want, adopting=True, names=names)
                _person_changes(plan, person, school, m)
                plan.new_links.append((link, person))
        else:
            person = people[link.object_id]
            before = (dict(link.synced), link.path, link.ended_on)
            m = _merge(person, link, want, adopting=False, names=names)
            if person.is_active:
                link.ended_on = None
            elif link.ended_on is None:
                link.ended_on = effective
            link.path = school.path
            _person_changes(plan, person, school, m)
            if (dict(link.synced), link.path, link.ended_on) != before:
                plan.link_updates.append(link)
        if not (r.in_post and r.teaching):
            continue
        taught: list[Subject | None] = list(r.subjects) or [None]
        for subject in taught:
            key = f"{r.key}|{school.code}|{subject.code if subject else ''}"
            desired_posts.add(key)
            plk = post_links.get(key)
            held = posts.get(plk.object_id) if plk else None
            if plk is not None and held is not None and held.end is None and plk.ended_on is None:
                if plk.created_by_sync and "stage" in r.present and plk.synced.get("stage") == held.stage \
                        and held.stage != r.stage:
                    old = snapshot(held, many_to_many=False)
                    held.stage = r.stage
                    plk.synced = {**plk.synced, "stage": r.stage}
                    plan.update(held, old, ["stage"])
                    plan.link_updates.append(plk)
                    plan.count(LinkEntity.POST, "changed")
                else:
                    plan.count(LinkEntity.POST, "unchanged")
                continue
            match = adoptable.pop((person.pk, school.pk, subject.pk if subject else None), None) if person.pk else None
            label = f"{person.name} {school.name} {subject.name if subject else '教师'}"
            if match is not None:
                # A post entered by hand that the file confirms: linked, never ended by the sync.
                if plk is not None:
                    plk.object_id, plk.path, plk.created_by_sync, plk.synced, plk.ended_on = (
                        match.pk, school.path, False, {}, None)
                    plan.link_updates.append(plk)
                else:
                    plan.new_links.append((RosterLink(entity=LinkEntity.POST, key=key, path=school.path,
                                                      created_by_sync=False, synced={}), match))
                plan.count(LinkEntity.POST, "unchanged")
                continue
            new_post = Post(person=person, role=Role.TEACHER, org=school, subject=subject,
                            stage=r.stage if "stage" in r.present else person.stage, start=effective)
            plan.create(new_post)
            lk = plk or RosterLink(entity=LinkEntity.POST, key=key)
            lk.path, lk.created_by_sync, lk.synced, lk.ended_on = school.path, True, {"stage": new_post.stage}, None
            if plk is not None:
                # The post ended (by a former sync or by hand) and the file has it again: a new span.
                plan.new_links.append((lk, new_post))
                plan.dead_links.append(plk.pk)
                lk.pk = None
            else:
                plan.new_links.append((lk, new_post))
            plan.count(LinkEntity.POST, "added")
            plan.line("added", LinkEntity.POST, label)

    for key, plk in post_links.items():
        if key in desired_posts or plk.ended_on is not None or not plk.created_by_sync:
            continue
        person_key, school_code, _subject = key.split("|")
        if plk.path not in covered and person_key not in in_file:
            continue
        ending = posts.get(plk.object_id)
        plk.ended_on = effective
        plan.link_updates.append(plk)
        if ending is None or ending.end is not None:
            continue
        old = snapshot(ending, many_to_many=False)
        ending.end = max(effective, ending.start) if ending.start else effective
        plan.update(ending, old, ["end"])
        plan.count(LinkEntity.POST, "ended")
        plan.line("ended", LinkEntity.POST, str(ending), f"结束于{ending.end.isoformat()}")

    # People the sync created at the schools the file covers who are no longer in it.
    gone = [lk for lk in _by_key(RosterLink.objects.filter(entity=LinkEntity.PERSON, ended_on__isnull=True,
                                                           created_by_sync=True), "path", covered)
            if lk.key not in in_file]
    gone_people = {p.pk: p for p in _by_key(person_qs, "pk", [lk.object_id for lk in gone])}
    for lk in gone:
        leaver = gone_people.get(lk.object_id)
        lk.ended_on = effective
        plan.link_updates.append(lk)
        if leaver is None:
            continue
        if leaver.is_active and lk.synced.get("is_active") is True:
            old = snapshot(leaver, many_to_many=False)
            leaver.is_active = False
            lk.synced = {**lk.synced, "is_active": False}
            plan.update(leaver, old, ["is_active"])
        plan.count(LinkEntity.PERSON, "ended")
        plan.line("ended", LinkEntity.PERSON, _person_label(leaver, leaver.org), "已不在导出表中：设为不在岗")
    return plan


def _person_changes(plan: SyncPlan, person: Person, school: OrgNode, m: _Merged) -> None:
    changed, texts, kept = m.changed, m.texts, m.kept
    if "org_id" in changed:
        person.org = school
    if "name" in changed:
        person.pinyin, person.initials = name_keys(person.name)
        changed += ["pinyin", "initials"]
    label = _person_label(person, school)
    if changed:
        plan.update(person, m.old, changed)
        ended = "is_active" in changed and not person.is_active
        plan.count(LinkEntity.PERSON, "ended" if ended else "changed")
        plan.line("ended" if ended else "changed", LinkEntity.PERSON, label, "；".join(texts))
    else:
        plan.count(LinkEntity.PERSON, "unchanged")
    if kept:
        plan.count(LinkEntity.PERSON, "kept")
        plan.line("kept", LinkEntity.PERSON, label, "；".join(kept))


# ---------------------------------------------------------------- schools


def plan_schools(rows: list[SchoolRow], *, actor: User, root: OrgNode, effective: dt.date,
                 lock: bool = False) -> SyncPlan:
    plan = SyncPlan(Source.SCHOOLS, rows=len(rows))
    names = _Names()
    skipped = Counter(r.type_label for r in rows if r.school_type is None)
    if skipped:
        plan.notes.append("跳过本平台不管理的学校类型：" + "、".join(f"{k}{n}所" for k, n in sorted(skipped.items())))
    rows = [r for r in rows if r.school_type is not None]
    first: dict[str, int] = {}
    for r in rows:
        if r.code in first:
            plan.errors.append(RowError(r.number, "学校标识码", f"与第{first[r.code]}行重复"))
        first.setdefault(r.code, r.number)
    regions = {n.code: n for n in _by_key(OrgNode.objects.regions(), "code", {r.region_code for r in rows})}
    for r in rows:
        region = regions.get(r.region_code)
        if region is None or not region.path.startswith(root.path) or not can_manage_node(actor, region):
            plan.errors.append(RowError(r.number, "所在地行政区划代码", REGION_OUT_OF_SCOPE))
        elif region.kind not in (OrgKind.COUNTY, OrgKind.TOWNSHIP):
            plan.errors.append(RowError(r.number, "所在地行政区划代码",
                                        f"学校应在县（区）或乡镇之下，代码{r.region_code}是{OrgKind(region.kind).label}"))
    qs = OrgNode.objects.select_for_update() if lock else OrgNode.objects.all()
    existing = {n.code: n for n in _by_key(qs, "code", first)}
    for r in rows:
        n = existing.get(r.code)
        if n is not None and (n.kind != OrgKind.SCHOOL or not can_manage_node(actor, n)):
            plan.errors.append(RowError(r.number, "学校标识码", "学校标识码已被占用或不在您的管理范围内"))
    if plan.errors:
        return plan
    names.nodes.update({n.pk: n.name for n in regions.values()})
    links = {lk.key: lk for lk in _chunked_links(LinkEntity.SCHOOL, "key", first)}
    for r in rows:
        region = regions[r.region_code]
        want: dict[str, Any] = {"name": r.name, "school_type": r.school_type, "parent_id": region.pk}
        if r.teaching_point:
            want["is_teaching_point"] = True
        for k in ("locale", "class_count", "student_count"):
            if k in r.present:
                want[k] = getattr(r, k)
        node = existing.get(r.code)
        link = links.get(r.code)
        if node is None:
            node = OrgNode(code=r.code, kind=OrgKind.SCHOOL, parent=region, path=f"{region.path}{r.code}/",
                           depth=region.depth + 1, **{k: v for k, v in want.items() if k != "parent_id"})
            plan.create(node)
            fresh = link or RosterLink(entity=LinkEntity.SCHOOL, key=r.code)
            fresh.path, fresh.synced, fresh.created_by_sync, fresh.ended_on = node.path, dict(want), True, None
            if link is not None:
                plan.dead_links.append(link.pk)
                fresh.pk = None
            plan.new_links.append((fresh, node))
            plan.count(LinkEntity.SCHOOL, "added")
            plan.line("added", LinkEntity.SCHOOL, f"{r.name}（{r.code}）")
            continue
        adopting = link is None
        if link is None:
            link = RosterLink(entity=LinkEntity.SCHOOL, key=r.code, path=node.path, created_by_sync=False, synced={})
        before = (dict(link.synced), link.ended_on)
        m = _merge(node, link, want, adopting=adopting, names=names)
        changed, texts, kept = m.changed, m.texts, m.kept
        if "parent_id" in changed:
            # A school has nothing below it: a move is its parent, path and depth.
            node.parent, node.path, node.depth = region, f"{region.path}{node.code}/", region.depth + 1
            changed += ["path", "depth"]
        link.path, link.ended_on = node.path, None
        label = f"{node.name}（{node.code}）"
        if changed:
            plan.update(node, m.old, changed)
            plan.count(LinkEntity.SCHOOL, "changed")
            plan.line("changed", LinkEntity.SCHOOL, label, "；".join(texts))
        else:
            plan.count(LinkEntity.SCHOOL, "unchanged")
        if kept:
            plan.count(LinkEntity.SCHOOL, "kept")
            plan.line("kept", LinkEntity.SCHOOL, label, "；".join(kept))
        if adopting:
            plan.new_links.append((link, node))
        elif (dict(link.synced), link.ended_on) != before or changed:
            plan.link_updates.append(link)
    covered = [n.path for n in regions.values()]
    for path in covered:
        for lk in RosterLink.objects.filter(entity=LinkEntity.SCHOOL, created_by_sync=True, ended_on__isnull=True,
                                            path__startswith=path).exclude(key__in=list(first)).iterator():
            # OrgNode has no closing date: the school stays, its link records that the sheet
            # no longer lists it, and the run reports it as ended.
            lk.ended_on = effective
            plan.link_updates.append(lk)
            plan.count(LinkEntity.SCHOOL, "ended")
            plan.line("ended", LinkEntity.SCHOOL, lk.key, "已不在统计报表中（学校记录保留）")
    return plan


# ---------------------------------------------------------------- writing


def _write(plan: SyncPlan, actor: User, run: SyncRun) -> None:
    events: list[tuple[str, models.Model, dict[str, Any] | None]] = []
    models_in_order: tuple[type[models.Model], ...] = (OrgNode, Person, Post)
    for model in models_in_order:
        manager: models.Manager[Any] = model._default_manager
        created = plan.creates.get(model, [])
        if created:
            manager.bulk_create(created, batch_size=500)
            events += [(AuditEvent.Action.CREATE, o, None) for o in created]
        updated = plan.updates.get(model, [])
        if updated:
            now = timezone.now()
            fields = {"updated_at"}
            for obj, old, changed in updated:
                obj.updated_at = now  # type: ignore[attr-defined]
                fields.update(changed)
                events.append((AuditEvent.Action.UPDATE, obj, old))
            manager.bulk_update([u[0] for u in updated], sorted(fields), batch_size=500)
    if plan.dead_links:
        for i in range(0, len(plan.dead_links), 2000):
            RosterLink.objects.filter(pk__in=plan.dead_links[i:i + 2000]).delete()
    fresh = []
    for link, obj in plan.new_links:
        link.object_id, link.last_run = obj.pk, run
        if not link.path:
            link.path = getattr(obj, "path", "") or getattr(getattr(obj, "org", None), "path", "")
        fresh.append(link)
    RosterLink.objects.bulk_create(fresh, batch_size=1000)
    for link in plan.link_updates:
        link.last_run = run
    RosterLink.objects.bulk_update([lk for lk in plan.link_updates if lk.pk], ["object_id", "path", "synced",
                                   "created_by_sync", "ended_on", "last_run"], batch_size=1000)
    audit_bulk(actor, events, many_to_many=False)


# ---------------------------------------------------------------- the services


def sync_root(actor: User, root_code: str | None = None) -> OrgNode:
    """The node the actor syncs under: their admin node (the first, or the one named)."""
    roots = manageable_roots(actor)
    if not roots:
        raise RosterError("您没有可同步的管理范围")
    if root_code:
        for r in roots:
            if r.code == root_code:
                return r
        raise RosterError("不在您的管理范围内", field="root")
    return sorted(roots, key=lambda n: n.path)[0]


def _plan(source: Source, sheet_rows: Any, *, actor: User, root: OrgNode, effective: dt.date,
          lock: bool) -> SyncPlan:
    errors: list[RowError] = []
    if source == Source.TEACHERS:
        rows = teacher_rows(sheet_rows, errors)
        plan = SyncPlan(source, errors=errors) if errors else plan_teachers(
            rows, actor=actor, root=root, effective=effective, lock=lock)
    else:
        srows = school_rows(sheet_rows, errors)
        plan = SyncPlan(source, errors=errors) if errors else plan_schools(
            srows, actor=actor, root=root, effective=effective, lock=lock)
    plan.errors = row_errors_sorted(plan.errors)
    return plan


@dataclass
class Preview:
    run: SyncRun | None
    plan: SyncPlan
    warnings: list[str]


def roster_preview(*, actor: User, source: Source, content: bytes, filename: str, root: OrgNode,
                   effective: dt.date | None = None) -> Preview:
    """Check the file and stage a run with what applying it would do; writes nothing else."""
    sheet, errors = read_sheet(source, content)
    if sheet is None:
        return Preview(None, SyncPlan(source, errors=errors), [])
    day = effective or timezone.localdate()
    plan = _plan(source, sheet, actor=actor, root=root, effective=day, lock=False)
    if plan.errors:
        return Preview(None, plan, sheet.warnings)
    run = SyncRun.objects.create(source=source, root=root, actor=actor, filename=filename[:200],
                                 digest=hashlib.sha256(content).hexdigest(), table=pack_sheet(sheet),
                                 rows=len(sheet.rows), effective=day, counts=plan.plain_counts(),
                                 changes=plan.changes, notes=[*plan.notes, *sheet.warnings])
    return Preview(run, plan, sheet.warnings)


def roster_apply(*, actor: User, run: SyncRun) -> SyncPlan:
    """Apply a staged run: the plan recomputed from its rows, written in one transaction, or
    nothing if any row is now in error (the run stays staged; the errors are returned)."""
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != SyncStatus.STAGED:
            raise RosterError("这次同步已经应用或放弃，请重新上传")
        sheet = unpack_sheet(Source(locked.source), bytes(locked.table))
        plan = _plan(Source(locked.source), sheet, actor=actor, root=locked.root, effective=locked.effective,
                     lock=True)
        if plan.errors:
            return plan
        _write(plan, actor, locked)
        locked.status, locked.applied_at, locked.table = SyncStatus.APPLIED, timezone.now(), b""
        locked.counts, locked.changes = plan.plain_counts(), plan.changes
        locked.save(update_fields=["status", "applied_at", "table", "counts", "changes"])
    run.refresh_from_db()
    return plan


def roster_discard(*, actor: User, run: SyncRun) -> None:
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != SyncStatus.STAGED:
            raise RosterError("这次同步已经应用或放弃")
        locked.status, locked.table = SyncStatus.DISCARDED, b""
        locked.save(update_fields=["status", "table"])
