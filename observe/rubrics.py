"""Rubric trees and scoring with a rubric version: pure functions over the node tree, no database.

A tree is a list of `RubricNode` (dimension → indicator → observation point; the built-in
templates in observe/rubric_templates.py have this shape). Leaves (observation points, or
indicators without points under them) are rated; an inner node's score is the sum of its
children's, so re-weighting later only needs the raw ratings (analytics.md §3.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from core.errors import DomainError
from core.rubric_levels import Level

MODES = ("points", "levels", "yesno", "comment")
KINDS = ("dimension", "indicator", "point")


# The observation tools a rubric point may bind (analytics.md §3.1), by the names observers use.
TOOL_LABELS: dict[str, str] = {
    "tally": "计数表", "seating_chart": "座位表", "timeline": "时间轴", "FIAS": "弗兰德斯互动分析",
    "ST": "S-T分析", "key": "关键事件", "points": "打分", "weight": "权重",
}


class RubricNode(TypedDict):
    """One node of a rubric tree as stored in RubricVersion.nodes (JSON)."""

    code: str
    title: str
    kind: str  # one of KINDS
    weight: NotRequired[float | None]  # a dimension's points of the total; None when unscored
    points: NotRequired[float | None]  # an indicator's or point's points; None when unscored
    mode: str  # one of MODES
    levels: list[Level]
    descriptor: str
    tools: list[str]
    children: list[RubricNode]


class Band(TypedDict):
    min: float
    label: str


class Scoring(TypedDict):
    """RubricVersion.scoring: how ratings add up to a total and which band a total falls in."""

    method: str  # "sum", or "none" for a comment-only form
    total: float | None
    bands: list[Band]


class BuiltinTemplate(TypedDict):
    key: str
    name: str
    description: str
    version: int
    source: str
    scoring: Scoring
    nodes: list[RubricNode]


Node = RubricNode


class TreeError(DomainError):
    """A rubric tree that breaks a rule of its shape; the message names the node."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="tree")


class RatingError(DomainError):
    """A rating that does not fit its node; `code` names the node, `field` its form field."""

    def __init__(self, code: str, title: str, message: str) -> None:
        self.code, self.title = code, title
        super().__init__(f"{code} {title}：{message}", field=f"r_{code}")


def node_value(node: Node) -> float | None:
    v = node.get("weight") if node["kind"] == "dimension" else node.get("points")
    return None if v is None else float(v)


def iter_nodes(nodes: list[Node]) -> list[Node]:
    """All nodes, depth first."""
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        out.extend(iter_nodes(n["children"]))
    return out


def validate_template(template: BuiltinTemplate) -> None:
    """Check shape and, for scored templates, that totals add up (§3.2: "validate that
    weights sum to 100").  Raises `TreeError` with the offending node code."""
    codes: set[str] = set()
    for n in iter_nodes(template["nodes"]):
        if n["kind"] not in KINDS:
            raise TreeError(f"节点 {n['code']} 的 kind 无效：{n['kind']!r}")
        if n["mode"] not in MODES:
            raise TreeError(f"节点 {n['code']} 的 mode 无效：{n['mode']!r}")
        if n["code"] in codes:
            raise TreeError(f"节点编码重复：{n['code']}")
        codes.add(n["code"])
        if n["mode"] == "levels" and not n["levels"]:
            raise TreeError(f"节点 {n['code']} 为等级评分但没有等级")
    total = template["scoring"].get("total")
    if total is None:
        return
    dims_total = sum(node_value(n) or 0.0 for n in template["nodes"])
    if abs(dims_total - total) > 1e-9:
        raise TreeError(f"一级指标合计 {dims_total:g} 分，应为 {total} 分")
    for n in iter_nodes(template["nodes"]):
        if n["children"]:
            child_sum = sum(node_value(c) or 0.0 for c in n["children"])
            if abs(child_sum - (node_value(n) or 0.0)) > 1e-9:
                raise TreeError(f"节点 {n['code']} 为 {node_value(n):g} 分，下级合计 {child_sum:g} 分")


def band_for(scoring: Scoring, score: float) -> str | None:
    """Band label for a total score (bands are inclusive lower bounds)."""
    for band in sorted(scoring.get("bands", []), key=lambda b: -b["min"]):
        if score >= band["min"]:
            return str(band["label"])
    return None


RATED_MODES = ("points", "levels", "yesno")


@dataclass
class Scored:
    """The outcome of scoring. An incomplete rubric (a rateable item left unrated) has no total
    and no band, and no score for a dimension with an unrated item: a total of the items that
    happen to be rated ("3 / 100，不合格" for one item of forty) would misreport the lesson."""

    total: float | None
    max_total: float | None
    band: str
    dimensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)
    rated: int = 0
    items: int = 0
    unrated: list[tuple[str, str]] = field(default_factory=list)  # (code, title) in tree order

    @property
    def complete(self) -> bool:
        return self.rated >= self.items


def leaves(nodes: list[Node]) -> list[Node]:
    return [n for n in iter_nodes(nodes) if not n["children"]]


def rateable(node: Node) -> bool:
    """A leaf that takes a rating (points, a level, yes/no), not only an observation note."""
    return not node["children"] and node["mode"] in RATED_MODES


def is_rated(node: Node, rating: dict[str, Any] | None) -> bool:
    if rating is None:
        return False
    mode = node["mode"]
    if mode == "points":
        return rating.get("value") is not None
    if mode == "levels":
        return bool(rating.get("level"))
    if mode == "yesno":
        return rating.get("yes") is not None
    return False


def incomplete_text(rated: int, items: int) -> str:
    """How pages, exports and the API name a rubric left unfinished."""
    return f"评分未完成（已评 {rated} / {items} 项）"


def clean_rating(node: Node, raw: dict[str, Any]) -> dict[str, Any]:
    """Normalise one raw rating (from a form or JSON) for its node; raise RatingError if wrong."""
    code, title, mode = node["code"], node["title"], node["mode"]
    comment = str(raw.get("comment") or "").strip()[:1000]
    out: dict[str, Any] = {"comment": comment}
    points = node_value(node)
    if mode == "points":
        value = raw.get("value")
        if value in (None, ""):
            out["value"] = None
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise RatingError(code, title, "分数应为数字") from None
            if not math.isfinite(number) or number < 0 or (points is not None and number > points + 1e-9):
                raise RatingError(code, title, f"分数应在 0 到 {points:g} 之间" if points is not None
                                  else "分数不能为负")
            out["value"] = number
    elif mode == "levels":
        level = str(raw.get("level") or "")
        labels = [lv["label"] for lv in node["levels"]]
        if level and level not in labels:
            raise RatingError(code, title, "等级应为" + "、".join(labels) + "之一")
        out["level"] = level
    elif mode == "yesno":
        yes = raw.get("yes")
        if yes in (None, ""):
            out["yes"] = None
        elif yes in (True, "1", "yes", "true", 1):
            out["yes"] = True
        elif yes in (False, "0", "no", "false", 0):
            out["yes"] = False
        else:
            raise RatingError(code, title, "应为“是”或“否”")
    return out


def leaf_score(node: Node, rating: dict[str, Any] | None) -> float | None:
    """Points a rated leaf earns; None when unrated or comment-only."""
    if rating is None:
        return None
    points = node_value(node)
    mode = node["mode"]
    if mode == "points":
        v = rating.get("value")
        return None if v is None else float(v)
    if points is None:
        return None
    if mode == "levels":
        for lv in node["levels"]:
            ratio = lv.get("ratio")
            if lv["label"] == rating.get("level") and ratio is not None:
                return float(ratio) * points
        return None
    if mode == "yesno":
        yes = rating.get("yes")
        return None if yes is None else (points if yes else 0.0)
    return None


def score(scoring: Scoring, nodes: list[Node], raw: dict[str, dict[str, Any]]) -> Scored:
    """Clean every rating and compute dimension scores, the total and the band.

    A dimension scores only when every rateable item under it is rated, and the total and band
    exist only when every rateable item of the form is (see `Scored`)."""
    ratings: dict[str, dict[str, Any]] = {}
    for leaf in leaves(nodes):
        if leaf["code"] in raw:
            ratings[leaf["code"]] = clean_rating(leaf, raw[leaf["code"]])
    # An unscored form (LICC: observation points chosen before the lesson) is never "incomplete".
    scored_form = scoring.get("total") is not None
    counted = [n for n in leaves(nodes) if scored_form and rateable(n)]
    unrated = [(n["code"], n["title"]) for n in counted if not is_rated(n, ratings.get(n["code"]))]
    missing = {code for code, _ in unrated}

    def walk(node: Node) -> float | None:
        if not node["children"]:
            return leaf_score(node, ratings.get(node["code"]))
        parts = [walk(c) for c in node["children"]]
        got = [p for p in parts if p is not None]
        return sum(got) if got else None

    dims: dict[str, dict[str, Any]] = {}
    for d in nodes:
        s = None if any(n["code"] in missing for n in leaves([d])) else walk(d)
        dims[d["code"]] = {"title": d["title"], "score": None if s is None else round(s, 2),
                           "max": node_value(d)}
    items = len(counted)
    got = [d["score"] for d in dims.values() if d["score"] is not None]
    total = round(sum(got), 2) if got and not unrated else None
    max_total = scoring.get("total")
    band = band_for(scoring, total) if total is not None else None
    return Scored(total, None if max_total is None else float(max_total), band or "", dims, ratings,
                  rated=items - len(unrated), items=items, unrated=unrated)


def validate_tree(name: str, scoring: Scoring, nodes: list[Node]) -> None:
    """The built-in validator (codes unique, modes known, points add up to the total)."""
    if not nodes:
        raise TreeError("模板至少需要一个维度")
    validate_template({"key": "x", "name": name, "description": "", "version": 0, "source": "", "scoring": scoring,
                       "nodes": nodes})


def total_points(scoring: Scoring) -> float | None:
    total = scoring.get("total")
    return None if total is None else float(total)
