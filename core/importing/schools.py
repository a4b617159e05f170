"""Schools, keyed by the 10-digit 学校标识码."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.access import can_manage_node
from core.audit import snapshot
from core.importing.cells import _choice, _choice_map, _code, _coordinate, _integer, _parse_cells, _text, _yes_no
from core.importing.columns import PARENT_KINDS, ImportReport, _Context, _labels, _Row, _RowProblem
from core.importing.sheets import _bulk_save, _by_key, _duplicates, _may_manage_path, _node_kind_label, _set_changed
from core.models import (
    Affiliation,
    Locale,
    OrgKind,
    OrgNode,
    SchoolType,
)

# ---------------------------------------------------------------- schools


_SCHOOL_TYPES = _choice_map(SchoolType.choices, {"九年一贯制": SchoolType.NINE_YEAR, "初中": SchoolType.JUNIOR,
                                                 "高中": SchoolType.SENIOR, "十二年一贯制": SchoolType.TWELVE_YEAR})
_LOCALES = _choice_map(Locale.choices, {"城市": Locale.URBAN, "镇": Locale.TOWN, "农村": Locale.RURAL})
# 学校隶属关系 as the statistics systems and bureaus write it.
_AFFILIATIONS = _choice_map(Affiliation.choices, {
    "市直": Affiliation.CITY_DIRECT, "市直属学校": Affiliation.CITY_DIRECT, "局属": Affiliation.CITY_DIRECT,
    "市属": Affiliation.CITY_DIRECT, "省属": Affiliation.PROVINCE_DIRECT, "省直": Affiliation.PROVINCE_DIRECT,
    "区属": Affiliation.COUNTY, "县属": Affiliation.COUNTY, "区县": Affiliation.COUNTY, "县区属": Affiliation.COUNTY,
    "乡镇": Affiliation.TOWNSHIP, "民办学校": Affiliation.PRIVATE, "私立": Affiliation.PRIVATE})

_SCHOOL_FIELDS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("学校名称", "name", lambda t: _text(t, 100)),
    ("办学类型", "school_type", lambda t: _choice(t, _SCHOOL_TYPES, _labels(SchoolType.choices))),
    ("城乡类别", "locale", lambda t: _choice(t, _LOCALES, _labels(Locale.choices)) if t else ""),
    ("隶属关系", "affiliation", lambda t: _choice(t, _AFFILIATIONS, _labels(Affiliation.choices)) if t else ""),
    ("薄弱学校", "is_weak", _yes_no),
    ("教学点", "is_teaching_point", _yes_no),
    ("班级数", "class_count", lambda t: _integer(t, 0, 1000) or 0),
    ("学生数", "student_count", lambda t: _integer(t, 0, 100000) or 0),
    ("地址", "address", lambda t: _text(t, 200)),
    ("经度", "longitude", lambda t: _coordinate(t, 73, 136)),
    ("纬度", "latitude", lambda t: _coordinate(t, 3, 54)),
)


def _import_schools(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    parsed: list[tuple[int, str, str, dict[str, Any], bool]] = []
    for row in rows:
        c = row.cells
        ok = True
        code = parent_code = ""
        attrs: dict[str, Any] = {}
        try:
            code = _code(c["学校标识码"], (10,)) if c.get("学校标识码") else ""
            if not code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "学校标识码", str(e))
            ok = False
        try:
            parent_code = _code(c["上级代码"], (6, 9)) if c.get("上级代码") else ""
            if not parent_code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "上级代码", str(e))
            ok = False
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, _SCHOOL_FIELDS, ("学校名称", "办学类型"))
        attrs.update(parsed_cells)
        ok = ok and cells_ok
        if parent_code:
            # A row with a bad cell still has its parent checked, so one upload reports all of
            # the row's problems; only fully valid rows are written.
            parsed.append((row.number, code, parent_code, attrs, ok))
    dup = _duplicates(((n, code) for n, code, _p, _a, _ok in parsed if code), "学校标识码", ctx)
    parsed = [p for p in parsed if p[0] not in dup]
    codes = {p[1] for p in parsed if p[1]} | {p[2] for p in parsed}
    nodes = {n.code: n for n in _by_key(OrgNode.objects.select_for_update(), "code", codes)}

    creates: list[OrgNode] = []
    updates: list[tuple[OrgNode, dict[str, Any], list[str]]] = []
    for number, code, parent_code, attrs, ok in parsed:
        parent = nodes.get(parent_code)
        if parent is None:
            ctx.error(number, "上级代码", f"找不到代码为{parent_code}的区域")
            continue
        if parent.kind not in PARENT_KINDS[OrgKind.SCHOOL]:
            ctx.error(number, "上级代码", f"学校的上级应为县（区）或乡镇（街道），代码为{parent_code}的是"
                                           f"{_node_kind_label(parent.kind)}")
            continue
        path = f"{parent.path}{code}/"
        if not _may_manage_path(ctx.actor, path):
            ctx.error(number, "上级代码", "无权在该单位导入")
            continue
        if not code:
            continue
        node = nodes.get(code)
        if node is None:
            if ok:
                creates.append(OrgNode(code=code, kind=OrgKind.SCHOOL, parent=parent, path=path,
                                       depth=parent.depth + 1, **attrs))
            continue
        if node.kind != OrgKind.SCHOOL:
            ctx.error(number, "学校标识码", f"代码{code}已是{_node_kind_label(node.kind)}，不是学校")
            continue
        if not can_manage_node(ctx.actor, node):
            ctx.error(number, "学校标识码", "无权在该单位导入")
            continue
        if not ok:
            continue
        old = snapshot(node)
        # A school has no nodes below it, so moving it to another township is a change of
        # parent, path and depth only.
        changed = _set_changed(node, {**attrs, "parent_id": parent.pk, "path": path, "depth": parent.depth + 1})
        if changed:
            updates.append((node, old, changed))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    _bulk_save(OrgNode, ctx.actor, creates, updates)
    report.created, report.updated = len(creates), len(updates)
