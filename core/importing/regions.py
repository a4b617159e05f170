"""Regions (province, city, county, township), keyed by the administrative-division code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.access import can_manage_node
from core.audit import audit_bulk, snapshot
from core.importing.cells import _choice, _choice_map, _code, _parse_cells, _text, normalise_code
from core.importing.columns import PARENT_KINDS, REGION_KIND_LABELS, ImportReport, _Context, _Row
from core.importing.sheets import _bulk_save, _by_key, _duplicates, _may_manage_path, _node_kind_label, _set_changed
from core.models import (
    AuditEvent,
    OrgKind,
    OrgNode,
)

# ---------------------------------------------------------------- regions


_REGION_KINDS = _choice_map([c for c in OrgKind.choices if c[0] != OrgKind.SCHOOL],
                            {"县": OrgKind.COUNTY, "区": OrgKind.COUNTY, "县区": OrgKind.COUNTY,
                             "乡镇": OrgKind.TOWNSHIP, "街道": OrgKind.TOWNSHIP, "乡": OrgKind.TOWNSHIP,
                             "镇": OrgKind.TOWNSHIP})


@dataclass
class _RegionRow:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    attrs: dict[str, Any]
    path: str = ""
    depth: int = 0


def _import_regions(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    parsed: list[_RegionRow] = []
    for row in rows:
        c = row.cells
        ok = True
        values: dict[str, Any] = {}
        parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("代码", lambda t: _code(t, (6, 9))),
            ("名称", lambda t: _text(t, 100)),
            ("类别", lambda t: _choice(t, _REGION_KINDS, REGION_KIND_LABELS)),
            ("上级代码", lambda t: _code(t, (6, 9)) if t else ""),
            ("教育行政部门", lambda t: _text(t, 100)),
            ("教研机构", lambda t: _text(t, 100)),
        )
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, ((h, h, f) for h, f in parsers),
                                              ("代码", "名称", "类别"))
        values.update(parsed_cells)
        ok = ok and cells_ok
        if not ok:
            continue
        kind = values["类别"]
        if kind in (OrgKind.CITY, OrgKind.COUNTY, OrgKind.PROVINCE) and len(values["代码"]) != 6:
            ctx.error(row.number, "代码", f"应为6位数字，实际为“{c['代码']}”")
            continue
        attrs = {f: values[h] for h, f in (("教育行政部门", "bureau_name"), ("教研机构", "institute_name"))
                 if h in values}
        parsed.append(_RegionRow(row.number, values["代码"], values["名称"], kind,
                                 values.get("上级代码", ""), attrs))
    dup = _duplicates(((r.number, r.code) for r in parsed), "代码", ctx)
    parsed = [r for r in parsed if r.number not in dup]
    # Codes of rows that failed to parse: a child of such a row should not hear "not in the file".
    good_numbers = {r.number for r in parsed}
    bad_codes = {normalise_code(row.cells.get("代码", "")) for row in rows if row.number not in good_numbers}
    in_file = {r.code: r for r in parsed}
    codes = set(in_file) | {r.parent_code for r in parsed if r.parent_code}
    existing = {n.code: n for n in _by_key(OrgNode.objects.select_for_update(), "code", codes)}

    # Resolve each row's path through parents that exist or come earlier or later in the file.
    resolving: set[str] = set()

    def resolve(r: _RegionRow) -> bool:
        if r.path:
            return True
        if r.code in resolving:
            ctx.error(r.number, "上级代码", "上级关系形成循环")
            return False
        if r.kind == OrgKind.PROVINCE:
            if r.parent_code:
                ctx.error(r.number, "上级代码", "省级区域不应填写上级代码")
                return False
            r.path, r.depth = f"{r.code}/", 0
            return True
        if not r.parent_code:
            ctx.error(r.number, "上级代码", f"「{_node_kind_label(r.kind)}」必须填写上级代码")
            return False
        allowed = PARENT_KINDS[r.kind]
        node = existing.get(r.parent_code)
        if node is not None:
            parent_kind, parent_path, parent_depth = node.kind, node.path, node.depth
        elif r.parent_code in in_file:
            parent = in_file[r.parent_code]
            resolving.add(r.code)
            ok = resolve(parent)
            resolving.discard(r.code)
            if not ok:
                ctx.error(r.number, "上级代码", f"上级区域（代码{r.parent_code}）有错误")
                return False
            parent_kind, parent_path, parent_depth = parent.kind, parent.path, parent.depth
        elif r.parent_code in bad_codes:
            ctx.error(r.number, "上级代码", f"上级区域（代码{r.parent_code}）所在行有错误，请先改正该行")
            return False
        else:
            ctx.error(r.number, "上级代码", f"找不到代码为{r.parent_code}的区域，也不在本文件中")
            return False
        if parent_kind not in allowed:
            want = "或".join(_node_kind_label(k) for k in allowed)
            ctx.error(r.number, "上级代码", f"「{_node_kind_label(r.kind)}」的上级应为{want}，"
                                            f"代码为{r.parent_code}的是{_node_kind_label(parent_kind)}")
            return False
        r.path, r.depth = f"{parent_path}{r.code}/", parent_depth + 1
        return True

    creates: list[_RegionRow] = []
    updates: list[tuple[OrgNode, dict[str, Any], list[str]]] = []
    for r in parsed:
        node = existing.get(r.code)
        if node is not None:
            if node.kind != r.kind:
                what = "学校" if node.kind == OrgKind.SCHOOL else _node_kind_label(node.kind)
                ctx.error(r.number, "类别", f"代码{r.code}已是{what}，类别不能通过导入修改")
                continue
            current_parent = node.path.removesuffix(f"{r.code}/").rstrip("/").rsplit("/", 1)[-1]
            if "上级代码" in ctx.present and r.parent_code != current_parent:
                ctx.error(r.number, "上级代码", f"该区域现在的上级代码为{current_parent or '（无）'}，"
                                                 "不能通过导入调整上级")
                continue
            if not can_manage_node(ctx.actor, node):
                ctx.error(r.number, "代码", "无权在该单位导入")
                continue
            # Existing rows keep their path so later rows can hang under them.
            r.path, r.depth = node.path, node.depth
            old = snapshot(node)
            changed = _set_changed(node, {"name": r.name, **r.attrs})
            if changed:
                updates.append((node, old, changed))
            else:
                report.unchanged += 1
            continue
        if not resolve(r):
            continue
        if not _may_manage_path(ctx.actor, r.path):
            ctx.error(r.number, "上级代码", "无权在该单位导入")
            continue
        creates.append(r)
    if ctx.errors:
        return

    # Parents first: each level is inserted in bulk once the level above has its ids.
    by_path = {n.path: n for n in existing.values()}
    created_nodes: list[OrgNode] = []
    for depth in sorted({r.depth for r in creates}):
        level = []
        for r in (x for x in creates if x.depth == depth):
            parent_path = r.path.removesuffix(f"{r.code}/")
            node = OrgNode(code=r.code, name=r.name, kind=r.kind, path=r.path, depth=r.depth,
                           parent=by_path.get(parent_path) if parent_path else None, **r.attrs)
            level.append(node)
        OrgNode.objects.bulk_create(level, batch_size=500)
        for node in level:
            by_path[node.path] = node
        created_nodes.extend(level)
    _bulk_save(OrgNode, ctx.actor, [], updates)
    audit_bulk(ctx.actor, [(AuditEvent.Action.CREATE, n, None) for n in created_nodes])
    report.created, report.updated = len(created_nodes), len(updates)
