"""A county's school appraisal rubric with a value-added indicator (依进论出): 质量发展 (增值,
20 points) and 办学管理 (80 points), published by the county."""

from __future__ import annotations

from typing import Any

from observe import services as observe_services
from observe.models import RubricPurpose, RubricVersion


def _node(code: str, title: str, kind: str, pts: float, children: list[Any]) -> Any:
    return {"code": code, "title": title, "kind": kind, ("weight" if kind == "dimension" else "points"): pts,
            "mode": "points", "levels": [], "descriptor": "", "tools": [], "children": children}


def school_rubric(org: Any) -> RubricVersion:
    t = observe_services.template_create(actor=None, owner=org, name="学校办学质量考评细则", purpose=RubricPurpose.OTHER)
    v = t.versions.get()
    nodes = [_node("1", "一 质量发展", "dimension", 20, [_node("1.1", "学业增值（依进论出）", "point", 20, [])]),
             _node("2", "二 办学管理", "dimension", 80, [_node("2.1", "课程与教学管理", "point", 50, []),
                                                      _node("2.2", "教研与教师发展", "point", 30, [])])]
    observe_services.version_save(actor=None, version=v, scoring={"method": "sum", "total": 100, "bands": []},
                                  nodes=nodes)
    return observe_services.version_publish(actor=None, version=v)
