"""Posts: a role at an org node, keyed by (person, role, org, subject, start)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.access import can_manage_node, grant_refusal, people_visible_to
from core.audit import snapshot
from core.importing.cells import _choice, _choice_map, _code, _date_reader, _grade, _nfkc, _parse_cells, normalise_code
from core.importing.columns import OUT_OF_SCOPE_ORG, ImportReport, _Context, _labels, _Row
from core.importing.people import _STAGES, _Subjects
from core.importing.sheets import _bulk_save, _by_key, _duplicates, _node_kind_label, _set_changed
from core.models import (
    REGION_ROLES,
    OrgKind,
    OrgNode,
    Post,
    Role,
    Stage,
    Subject,
)

# ---------------------------------------------------------------- posts


_ROLES = _choice_map(Role.choices)


@dataclass
class _PostRow:
    number: int
    person_code: str
    role: str
    org_code: str
    subject: Subject | None
    start: dt.date | None
    attrs: dict[str, Any]


def _import_posts(rows: list[_Row], raw: dict[tuple[int, str], object], ctx: _Context,
                  report: ImportReport) -> None:
    subjects = _Subjects()
    parsed: list[_PostRow] = []
    for row in rows:
        c = row.cells
        ok = True
        values: dict[str, Any] = {}
        parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("人员编号", lambda t: normalise_code(t) if re.fullmatch(r"\d+\.0*", _nfkc(t)) else _nfkc(t)),
            ("岗位", lambda t: _choice(t, _ROLES, _labels(Role.choices))),
            ("单位代码", lambda t: _code(t, (6, 9, 10))),
            ("学科", subjects.one),
            ("学段", lambda t: _choice(t, _STAGES, _labels(Stage.choices)) if t else ""),
            ("年级", _grade),
            ("开始日期", _date_reader(raw.get((row.number, "开始日期")))),
            ("结束日期", _date_reader(raw.get((row.number, "结束日期")))),
        )
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, ((h, h, f) for h, f in parsers),
                                              ("人员编号", "岗位", "单位代码"))
        values.update(parsed_cells)
        ok = ok and cells_ok
        start, end = values.get("开始日期"), values.get("结束日期")
        if start and end and end < start:
            ctx.error(row.number, "结束日期", "结束日期早于开始日期")
            ok = False
        if not ok:
            continue
        attrs = {f: values[h] for h, f in (("学段", "stage"), ("年级", "grade"), ("结束日期", "end")) if h in values}
        parsed.append(_PostRow(row.number, values["人员编号"], values["岗位"], values["单位代码"],
                               values.get("学科"), start, attrs))

    people = {p.code: p for p in _by_key(people_visible_to(ctx.actor).select_related("org"), "code",
                                         {r.person_code for r in parsed})}
    orgs = {n.code: n for n in _by_key(OrgNode.objects.all(), "code", {r.org_code for r in parsed})}
    existing: dict[tuple[int, str, int, int | None, dt.date | None], Post] = {}
    for post in _by_key(Post.objects.select_for_update().order_by("pk"), "person_id", [p.pk for p in people.values()]):
        existing.setdefault((post.person_id, post.role, post.org_id, post.subject_id, post.start), post)
    keyed: list[tuple[int, tuple[str, str, str, int | None, dt.date | None]]] = [
        (r.number, (r.person_code, r.role, r.org_code, r.subject.pk if r.subject else None, r.start)) for r in parsed]
    dup = _duplicates(keyed, "人员编号", ctx)

    creates: list[Post] = []
    updates: list[tuple[Post, dict[str, Any], list[str]]] = []
    for r in parsed:
        if r.number in dup:
            continue
        person = people.get(r.person_code)
        if person is None:
            ctx.error(r.number, "人员编号", f"找不到人员编号为{r.person_code}的人员（请先导入人员）")
            continue
        org = orgs.get(r.org_code)
        # A unit that does not exist and one outside the actor's subtree get the same answer, and
        # the kind of a unit outside it is not told either: no existence oracle (issue 8, 13).
        if org is None or not can_manage_node(ctx.actor, org):
            ctx.error(r.number, "单位代码", OUT_OF_SCOPE_ORG)
            continue
        role_label = Role(r.role).label
        if r.role in REGION_ROLES and org.kind == OrgKind.SCHOOL:
            ctx.error(r.number, "单位代码", f"「{role_label}」岗位应设在区域，代码为{r.org_code}的是学校")
            continue
        if r.role not in REGION_ROLES and org.kind != OrgKind.SCHOOL:
            ctx.error(r.number, "单位代码", f"「{role_label}」岗位应设在学校，代码为{r.org_code}的是"
                                            f"{_node_kind_label(org.kind)}")
            continue
        found = existing.get((person.pk, r.role, org.pk, r.subject.pk if r.subject else None, r.start))
        # The same grant rule as every other way to create a post (issue 8, finding 8): an import
        # is no way round it.
        refusal = grant_refusal(ctx.actor, person=person, role=r.role, org=org) if found is None else None
        if refusal is not None:
            ctx.error(r.number, "岗位", refusal)
            continue
        if found is None:
            creates.append(Post(person=person, role=r.role, org=org, subject=r.subject, start=r.start, **r.attrs))
            continue
        post = found
        end = r.attrs.get("end", post.end)
        if post.start and end and end < post.start:
            ctx.error(r.number, "结束日期", "结束日期早于开始日期")
            continue
        old = snapshot(post)
        changed = _set_changed(post, r.attrs)
        if changed:
            updates.append((post, old, changed))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    _bulk_save(Post, ctx.actor, creates, updates)
    report.created, report.updated = len(creates), len(updates)
