"""The campaign engine's rules as plain functions, apart from Django: stages, levels by cut-offs,
ranks, the objection window. Tested without a database (tests/appraisal/test_campaign_rules.py)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TypedDict

from core.errors import DomainError

WHO = ("self", "school", "assigned")
LOWEST_LEVEL = "待改进"


class Stage(TypedDict):
    key: str
    label: str
    who: str  # one of WHO


class Cutoff(TypedDict):
    label: str
    min: float


# 自评 → 学校 → 区县 for a 教研组; a school or a principal has no school stage above it; a
# teacher is appraised by their school.
DEFAULT_STAGES: dict[str, list[Stage]] = {
    "group": [{"key": "self", "label": "自评", "who": "self"},
              {"key": "school", "label": "学校评价", "who": "school"},
              {"key": "district", "label": "区县评审", "who": "assigned"}],
    "school": [{"key": "self", "label": "自评", "who": "self"},
               {"key": "district", "label": "区县评审", "who": "assigned"}],
    "principal": [{"key": "self", "label": "自评", "who": "self"},
                  {"key": "district", "label": "区县评审", "who": "assigned"}],
    # A teacher: self-assessment, then the school's leaders (the school appraises its teachers).
    "teacher": [{"key": "self", "label": "自评", "who": "self"},
                {"key": "school", "label": "学校考核", "who": "school"}],
    "generic": [{"key": "self", "label": "自评", "who": "self"},
                {"key": "district", "label": "评审", "who": "assigned"}],
}
DEFAULT_CUTOFFS: list[Cutoff] = [{"label": "优秀", "min": 90}, {"label": "良好", "min": 80},
                                 {"label": "合格", "min": 60}]
WHO_LABELS = {"self": "评价对象自评", "school": "所在学校", "assigned": "指定评审人"}


def parse_stages(text: str) -> list[Stage]:
    """Stages typed one a line as "key 名称 who" (who: self, school or assigned)."""
    stages: list[Stage] = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise DomainError(f"评审环节第{n}行：应为“编码 名称 评审方”三项，如 district 区县评审 assigned", field="stages")
        key, label, who = parts
        if who not in WHO:
            raise DomainError(f"评审环节第{n}行：评审方应为 self、school 或 assigned", field="stages")
        stages.append({"key": key[:20], "label": label[:20], "who": who})
    check_stages(stages)
    return stages


def stages_text(stages: list[Stage]) -> str:
    return "\n".join(f"{s['key']} {s['label']} {s['who']}" for s in stages)


def check_stages(stages: list[Stage]) -> None:
    if not stages:
        raise DomainError("评审环节：至少需要一个环节", field="stages")
    keys = [s["key"] for s in stages]
    if len(set(keys)) != len(keys):
        raise DomainError("评审环节：环节编码不能重复", field="stages")
    if any(s["who"] == "self" for s in stages[1:]):
        raise DomainError("评审环节：自评只能是第一个环节", field="stages")


def parse_cutoffs(text: str) -> list[Cutoff]:
    """Cut-offs typed as "优秀 90，良好 80，合格 60" (label and lowest score, highest first)."""
    out: list[Cutoff] = []
    for part in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) != 2:
            raise DomainError(f"等级分数线：“{part.strip()}”应为“等级 分数”", field="cutoffs")
        try:
            low = float(bits[1])
        except ValueError:
            raise DomainError(f"等级分数线：“{bits[1]}”不是分数", field="cutoffs") from None
        out.append({"label": bits[0][:10], "min": low})
    check_cutoffs(out)
    return out


def cutoffs_text(cutoffs: list[Cutoff]) -> str:
    return "，".join(f"{c['label']} {c['min']:g}" for c in cutoffs)


def check_cutoffs(cutoffs: list[Cutoff]) -> None:
    if not cutoffs:
        raise DomainError("等级分数线：至少需要一个等级", field="cutoffs")
    mins = [c["min"] for c in cutoffs]
    if any(not math.isfinite(m) or m < 0 for m in mins):
        raise DomainError("等级分数线：分数应为不小于 0 的数", field="cutoffs")
    if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
        raise DomainError("等级分数线：应从高到低排列，且分数各不相同", field="cutoffs")
    if LOWEST_LEVEL in {c["label"] for c in cutoffs}:
        raise DomainError(f"等级分数线：低于最后一条分数线即为“{LOWEST_LEVEL}”，不必列出", field="cutoffs")


def level_for(score: float, cutoffs: list[Cutoff]) -> str:
    """The first level whose lowest score the score reaches (cut-offs inclusive), else 待改进."""
    for c in cutoffs:
        if score >= c["min"] - 1e-9:
            return c["label"]
    return LOWEST_LEVEL


def ranks(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the scored subjects; unscored subjects get none."""
    scored = sorted(((s, k) for k, s in scores.items() if s is not None), key=lambda p: -p[0])
    out: dict[int, int] = {}
    prev: float | None = None
    rank = 0
    for i, (s, k) in enumerate(scored, start=1):
        if prev is None or abs(s - prev) > 1e-9:
            rank, prev = i, s
        out[k] = rank
    return out


def objection_deadline(published_on: dt.date, days: int) -> dt.date:
    """The last day an objection may be raised: `days` calendar days after publication."""
    return published_on + dt.timedelta(days=days)


def objection_open(published_on: dt.date | None, days: int, today: dt.date) -> bool:
    return published_on is not None and published_on <= today <= objection_deadline(published_on, days)


def next_stage(stages: list[Stage], done: set[str]) -> Stage | None:
    """The first stage not yet submitted (stages are scored in order)."""
    for s in stages:
        if s["key"] not in done:
            return s
    return None


def selection_in_force(last: dt.date | None, as_of: dt.date, years: int = 2) -> bool:
    """GROUP.AWARDS (003 四(三) 每两年评选一次): a selection was made in the `years` years up to
    `as_of` (a selection dated after `as_of` does not count for it)."""
    if last is None or last > as_of:
        return False
    try:
        back = as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        back = as_of.replace(year=as_of.year - years, day=28)
    return last > back
