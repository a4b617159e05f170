"""Helpers the observe pages share."""

from __future__ import annotations

from typing import Any

from observe.models import RubricVersion
from observe.rubrics import RubricNode, node_value


def rubric_sections(version: RubricVersion, ratings: dict[str, dict[str, Any]] | None = None
                    ) -> list[dict[str, Any]]:
    """The version's tree flattened for the form and the detail page: one section per
    dimension, its rated leaves with the indicator they belong to and the current rating."""
    ratings = ratings or {}
    sections = []

    def walk(node: RubricNode, indicator: str, items: list[dict[str, Any]]) -> None:
        if not node["children"]:
            r = ratings.get(node["code"], {})
            value = r.get("value", r.get("level", r.get("yes")))
            if value is True:
                value = "1"
            elif value is False:
                value = "0"
            items.append({"code": node["code"], "title": node["title"], "mode": node["mode"],
                          "levels": [lv["label"] for lv in node["levels"]], "points": node_value(node),
                          "descriptor": node.get("descriptor", ""), "indicator": indicator,
                          "value": "" if value is None else (f"{value:g}" if isinstance(value, float) else
                                                             str(value)),
                          "comment": r.get("comment", ""), "tools": node.get("tools", [])})
            return
        for child in node["children"]:
            walk(child, node["title"] if node["kind"] == "indicator" else indicator, items)

    for dim in version.nodes:
        items: list[dict[str, Any]] = []
        walk(dim, "", items)
        sections.append({"code": dim["code"], "title": dim["title"], "max": node_value(dim),
                         "descriptor": dim.get("descriptor", ""), "items": items})
    return sections
