"""The national curriculum's subjects by stage (义务教育课程方案 2022; 普通高中课程方案 2017/2020),
with the relation used to merge small subjects into one 教研组 (GROUP.FORM). This is the data the
subjects table is loaded from; regions may edit the merge relation afterwards."""

from __future__ import annotations

from typing import NamedTuple


class SubjectSpec(NamedTuple):
    code: str
    name: str
    short: str
    stages: tuple[str, ...]
    merge_key: str
    merge_name: str
    # Relative weekly teaching load, used by the demo generator to staff schools realistically.
    weight: float


P, J, S, K = "primary", "junior", "senior", "preschool"

SUBJECTS: tuple[SubjectSpec, ...] = (
    SubjectSpec("chinese", "语文", "语", (P, J, S), "lang", "语言", 9.0),
    SubjectSpec("math", "数学", "数", (P, J, S), "stem", "理科", 7.0),
    SubjectSpec("english", "英语", "英", (P, J, S), "lang", "语言", 4.5),
    SubjectSpec("morality", "道德与法治", "道法", (P, J), "social", "文科", 2.0),
    SubjectSpec("politics", "思想政治", "政", (S,), "social", "文科", 2.0),
    SubjectSpec("history", "历史", "史", (J, S), "social", "文科", 2.0),
    SubjectSpec("geography", "地理", "地", (J, S), "social", "文科", 1.8),
    SubjectSpec("science", "科学", "科", (P,), "stem", "理科", 1.8),
    SubjectSpec("physics", "物理", "物", (J, S), "stem", "理科", 2.4),
    SubjectSpec("chemistry", "化学", "化", (J, S), "stem", "理科", 2.0),
    SubjectSpec("biology", "生物学", "生", (J, S), "stem", "理科", 1.8),
    SubjectSpec("it", "信息科技", "信", (P, J, S), "practice", "综合", 1.0),
    SubjectSpec("tech", "通用技术", "技", (S,), "practice", "综合", 0.6),
    SubjectSpec("music", "音乐", "音", (P, J, S), "arts", "艺体", 1.6),
    SubjectSpec("pe", "体育与健康", "体", (P, J, S), "arts", "艺体", 3.0),
    SubjectSpec("art", "美术", "美", (P, J, S), "arts", "艺体", 1.6),
    SubjectSpec("labour", "劳动", "劳", (P, J), "practice", "综合", 0.8),
    SubjectSpec("practice", "综合实践活动", "综", (P, J, S), "practice", "综合", 0.6),
    SubjectSpec("psychology", "心理健康", "心", (P, J, S), "practice", "综合", 0.4),
    SubjectSpec("preschool", "学前教育", "幼", (K,), "", "", 10.0),
)
