"""Built-in rubric / observation templates as plain data (no Django).

Loaded into the rubric models by migration 0002 and, after a database was emptied, by
observe.services.builtin_templates_sync (the AppConfig's reference_data). The tree shape is
observe.rubrics.RubricNode; the functions that read trees (validation, scoring, bands) live there.

Three templates share one shape so the observe app can load any of them into its
rubric models unchanged::

    {"key", "name", "description", "version", "source", "scoring": {...},
     "nodes": [{"code", "title", "kind": "dimension|indicator|point",
                "weight" (dimension) | "points" (indicator/point),
                "mode": "points|levels|yesno|comment", "levels": [...],
                "descriptor", "tools": [...], "children": [...]}]}

- ``weight`` of a dimension and ``points`` of an indicator/point are in points of the
  100-point total; for scored templates each node's value equals the sum of its
  children (checked by :func:`observe.rubrics.validate_template`).  Comment-only templates (LICC) carry
  ``None``.
- ``levels`` list ``{"label", "ratio"}``: a rating awards ``ratio × points``.  The
  default 优/良/中/差 = 5/4/3/2 of 5 follows [R3] (analytics.md §3.2).
- ``tools`` names the observation tool a point binds (§3.1: tally sheet, seating chart,
  timeline, or a quantitative scheme such as S-T or FIAS); empty when none.

§3.2 asks to store raw item ratings so totals can be recomputed under another
weighting; these templates only define the structure.  Templates are versioned
(norms.md: "old evaluations keep the version they used"): never edit a shipped
version in place, add a new one.
"""

from __future__ import annotations

import copy

from core.rubric_levels import Level, default_levels, unscored_levels
from observe.rubrics import BuiltinTemplate as Template
from observe.rubrics import RubricNode as Node
from observe.rubrics import node_value


def _node(code: str, title: str, kind: str, value: float | None, mode: str,
          descriptor: str = "", children: list[Node] | None = None,
          levels: list[Level] | None = None, tools: list[str] | None = None) -> Node:
    node: Node = {"code": code, "title": title, "kind": kind, "mode": mode,
                  "levels": copy.deepcopy(levels) if levels is not None else (
                      default_levels() if mode == "levels" else []),
                  "descriptor": descriptor, "tools": list(tools or []), "children": children or []}
    if kind == "dimension":
        node["weight"] = value
    else:
        node["points"] = value
    return node


def _point(code: str, title: str, points: float, mode: str, descriptor: str = "",
           tools: list[str] | None = None) -> Node:
    return _node(code, title, "point", points, mode, descriptor, tools=tools)


def _indicator(code: str, title: str, children: list[Node], descriptor: str = "") -> Node:
    total = sum(node_value(c) or 0.0 for c in children)
    return _node(code, title, "indicator", total, "points", descriptor, children)


def _dimension(code: str, title: str, children: list[Node], descriptor: str = "") -> Node:
    total = sum(node_value(c) or 0.0 for c in children)
    return _node(code, title, "dimension", total, "points", descriptor, children)


# ---------------------------------------------------------------------------------
# (a) General 课堂教学评价表.  Dimension weights are [R2] of §3.2 (目标 10, 内容 10,
# 结构 20, 方法 20, 状态 10, 效果 20, 特色 10) with its total-score bands; indicators
# and observation points are typical 听评课 content [C] for schools to adapt.
# ---------------------------------------------------------------------------------
GENERAL_LESSON: Template = {
    "key": "LESSON.GENERAL",
    "name": "课堂教学评价表（通用）",
    "description": "通用课堂教学评价量表：七个维度，满分 100 分。维度权重依据《课堂教学评价标准》；"
                   "等级评分按 优/良/中/差 = 100%/80%/60%/40% 折算。",
    "version": 1,
    "source": "analytics.md §3.2 [R2] weights and bands; [R3] levels",
    "scoring": {
        "method": "sum",
        "total": 100,
        # [R2]: ≥ 85 优秀; 75–85 良好; 60–75 一般; < 60 不合格.  The shared endpoints
        # (85, 75) are read as belonging to the higher band: bands are lower bounds.
        "bands": [
            {"min": 85, "label": "优秀"},
            {"min": 75, "label": "良好"},
            {"min": 60, "label": "一般"},
            {"min": 0, "label": "不合格"},
        ],
    },
    "nodes": [
        _dimension("1", "教学目标", [
            _indicator("1.1", "目标制定", [
                _point("1.1.1", "目标符合课程标准和学生实际", 3, "levels",
                       "依据课程标准、教材和学情确定目标，难度适宜"),
                _point("1.1.2", "目标具体、明确、可检测", 3, "levels",
                       "体现学科核心素养，表述可观察、可检测"),
            ]),
            _indicator("1.2", "目标落实", [
                _point("1.2.1", "教学活动围绕目标展开", 4, "levels",
                       "各环节指向目标，课堂不偏离目标"),
            ]),
        ]),
        _dimension("2", "教学内容", [
            _indicator("2.1", "内容准确", [
                _point("2.1.1", "知识准确，无科学性错误", 3, "yesno",
                       "概念、原理、事实表述准确；出现知识性错误不得分"),
                _point("2.1.2", "重点突出，难点突破", 2, "levels",
                       "重点讲透，难点有适当的突破策略"),
            ]),
            _indicator("2.2", "内容处理", [
                _point("2.2.1", "教材处理合理，联系实际", 3, "levels",
                       "对教材进行合理取舍、整合，联系生活和学生经验"),
                _point("2.2.2", "容量适当，兼顾差异", 2, "levels",
                       "容量和密度适合本班学生，兼顾不同层次学生"),
            ]),
        ]),
        _dimension("3", "教学结构", [
            _indicator("3.1", "环节设计", [
                _point("3.1.1", "环节完整，过渡自然", 5, "levels",
                       "导入、新授、练习、小结等环节清晰，衔接自然"),
                _point("3.1.2", "层次分明，循序渐进", 5, "levels",
                       "由浅入深，符合学生认知规律"),
            ]),
            _indicator("3.2", "时间分配", [
                _point("3.2.1", "讲练结合，学生活动时间充足", 5, "points",
                       "教师讲授时间适度，学生自主、合作活动时间充足（可参考 S-T 分析 Rt）",
                       tools=["ST"]),
                _point("3.2.2", "节奏合理，按时完成", 5, "points",
                       "课堂节奏张弛有度，按时完成教学任务，不拖堂"),
            ]),
        ]),
        _dimension("4", "教学方法", [
            _indicator("4.1", "教学方法", [
                _point("4.1.1", "方法灵活，符合学科特点", 5, "levels",
                       "根据内容和学情选择恰当方法，体现学科特点"),
                _point("4.1.2", "启发思维，问题驱动", 5, "levels",
                       "问题设计有层次、有思维含量，候答与理答恰当（可参考 FIAS 提问比）",
                       tools=["FIAS"]),
            ]),
            _indicator("4.2", "学法指导", [
                _point("4.2.1", "指导自主、合作、探究学习", 5, "levels",
                       "有明确的学法指导，合作学习分工明确、有实效"),
            ]),
            _indicator("4.3", "技术与媒体", [
                _point("4.3.1", "信息技术与媒体使用恰当有效", 3, "levels",
                       "技术服务于教学目标，不喧宾夺主"),
                _point("4.3.2", "板书设计合理", 2, "levels", "板书简明、规范、有条理"),
            ]),
        ]),
        _dimension("5", "教学状态", [
            _indicator("5.1", "教师状态", [
                _point("5.1.1", "教态自然，语言规范", 5, "levels",
                       "教态亲切自然，语言准确、简洁、生动，使用规范汉字和普通话"),
            ]),
            _indicator("5.2", "学生状态", [
                _point("5.2.1", "参与面广，思维活跃", 5, "levels",
                       "学生参与积极、面广，交流充分，气氛民主和谐"),
            ]),
        ]),
        _dimension("6", "教学效果", [
            _indicator("6.1", "目标达成", [
                _point("6.1.1", "绝大多数学生达成学习目标", 8, "points",
                       "学生能够运用所学知识解决问题，目标达成度高"),
                _point("6.1.2", "当堂检测效果好", 4, "points", "当堂练习或检测正确率高"),
            ]),
            _indicator("6.2", "学生发展", [
                _point("6.2.1", "学生在方法、能力、情感上有收获", 8, "levels",
                       "学生获得学习方法，能力得到发展，学习兴趣得到激发"),
            ]),
        ]),
        _dimension("7", "教学特色", [
            _indicator("7.1", "教学特色", [
                _point("7.1.1", "教学设计或风格有创新、有特色", 10, "levels",
                       "在教学设计、方法或风格上有独到之处，值得推广"),
            ]),
        ]),
    ],
}


# ---------------------------------------------------------------------------------
# (b) LICC observation framework (崔允漷), §3.1: 4 dimensions × 5 viewpoints, 68
# points numbered consecutively.  It is a question bank, not a scoring scale: points
# are comment-only by default; :func:`licc_template` can switch them to unscored
# levels.  Numbering 1–25 is verified in §3.1 [C2]; the wording and the split of the
# remaining points follow the book (崔允漷等《课堂观察：走向专业的听评课》) [L].
# ---------------------------------------------------------------------------------
_LICC: list[tuple[str, list[tuple[str, list[tuple[str, list[str]]]]]]] = [
    ("学生学习", [
        ("准备", [
            ("学生课前准备了什么？是怎样准备的？", []),
            ("准备得怎么样？有多少学生作了准备？", ["tally"]),
            ("学优生、学困生的准备习惯怎么样？", []),
        ]),
        ("倾听", [
            ("有多少学生能倾听老师的讲课？能倾听多少时间？", ["tally", "timeline"]),
            ("有多少学生能倾听同学的发言？", ["tally"]),
            ("倾听时，学生有哪些辅助行为（记笔记/查阅/回应）？有多少人？", ["tally"]),
        ]),
        ("互动", [
            ("有哪些互动行为？学生的互动能为目标达成提供帮助吗？", ["FIAS"]),
            ("参与提问/回答的人数、时间、对象、过程、质量如何？", ["tally", "seating_chart"]),
            ("参与小组讨论的人数、时间、对象、过程、质量如何？", ["tally", "timeline"]),
            ("参与课堂活动（个人/小组）的人数、时间、对象、过程、质量如何？", ["tally"]),
            ("学生的互动习惯怎么样？出现了怎样的情感行为？", []),
        ]),
        ("自主", [
            ("学生可以自主学习的时间有多少？有多少人参与？学困生的参与情况怎样？",
             ["timeline", "ST"]),
            ("学生自主学习形式（探究/记笔记/阅读/思考）有哪些？各有多少人？", ["tally"]),
            ("学生的自主学习有序吗？学生有无自主探究活动？学优生、学困生情况怎样？", []),
            ("学生自主学习的质量如何？", []),
        ]),
        ("达成", [
            ("学生清楚这节课的学习目标吗？", []),
            ("预设的目标达成有什么证据（观点/作业/表情/板演/演示）？有多少人达成？", ["tally"]),
            ("这堂课生成了什么目标？效果如何？", []),
        ]),
    ]),
    ("教师教学", [
        ("环节", [
            ("由哪些环节构成？是否围绕教学目标展开？", ["timeline"]),
            ("这些环节是否面向全体学生？", []),
            ("不同环节/行为/内容的时间是怎么分配的？", ["timeline", "ST"]),
        ]),
        ("呈示", [
            ("怎样讲解？讲解是否有效（清晰/结构/契合主题/简洁/语速/音量/节奏）？", []),
            ("板书怎样呈现？是否为学生学习提供了帮助？", []),
            ("媒体怎样呈现？是否适当？是否有效？", []),
            ("动作（如实验/动作/制作）怎样呈现？是否规范？是否有效？", []),
        ]),
        ("对话", [
            ("提问的对象、次数、类型、结构、认知难度、候答时间怎样？是否有效？",
             ["tally", "seating_chart", "FIAS"]),
            ("教师的理答方式和内容如何？有哪些辅助方式？是否有效？", ["FIAS"]),
            ("有哪些话题？话题与学习目标的关系如何？", []),
        ]),
        ("指导", [
            ("怎样指导学生自主学习（阅读/作业）？是否有效？", []),
            ("怎样指导学生合作学习（讨论/活动/作业）？是否有效？", []),
            ("怎样指导学生探究学习（实验/课题研究/作业）？是否有效？", []),
        ]),
        ("机智", [
            ("教学设计有哪些调整？为什么？效果怎么样？", []),
            ("如何处理来自学生或情境的突发事件？效果怎么样？", []),
            ("呈现了哪些非言语行为（表情/移动/体态语）？效果怎么样？", []),
            ("有哪些具有特色的课堂行为（语言/教态/学识/技能/思想）？", []),
        ]),
    ]),
    ("课程性质", [
        ("目标", [
            ("预设的学习目标是什么？学习目标的表达是否规范和清晰？", []),
            ("目标是根据什么（课程标准/学生/教材）预设的？是否适合该班学生？", []),
            ("在课堂中是否生成新的学习目标？是否合理？", []),
        ]),
        ("内容", [
            ("教材是如何处理的（增/删/合/立/换）？是否合理？", []),
            ("课堂中生成了哪些内容？怎样处理？", []),
            ("是否凸显了本学科的特点、思想、核心技能以及逻辑关系？", []),
            ("容量是否适合该班学生？如何满足不同学生的需求？", []),
        ]),
        ("实施", [
            ("预设哪些方法（讲授/讨论/活动/探究/互动）？与学习目标适合度如何？", ["ST"]),
            ("是否体现了本学科特点？有没有关注学习方法的指导？", []),
            ("创设了什么样的情境？是否有效？", []),
        ]),
        ("评价", [
            ("检测学习目标所采用的主要评价方式是什么？是否有效？", []),
            ("是否关注在教学过程中获取相关的评价信息（回答/作业/表情）？", []),
            ("如何利用所获得的评价信息（解释/反馈/改进建议）？", []),
        ]),
        ("资源", [
            ("预设了哪些资源（师生/文本/实物与模型/实验/多媒体）？", []),
            ("预设资源的利用是否有助于学习目标的达成？", []),
            ("生成了哪些资源（错误/回答/作业/作品）？与学习目标达成的关系怎样？", []),
            ("向学生推荐了哪些课外资源？可得到程度如何？", []),
        ]),
    ]),
    ("课堂文化", [
        ("思考", [
            ("学习目标是否关注高级认知技能（解释/解决/迁移/综合/评价）？", []),
            ("教学是否由问题驱动？问题链与学生认知水平、知识结构的关系如何？", []),
            ("怎样以问题驱动展开教学活动？", []),
            ("学生思考的人数、时间、水平怎样？课堂气氛怎样？", ["tally", "timeline"]),
        ]),
        ("民主", [
            ("课堂话语（数量/时间/对象/措辞/插话）是怎么样的？", ["FIAS"]),
            ("学生参与课堂教学活动的人数、时间怎样？课堂气氛怎样？", ["tally", "ST"]),
            ("师生行为（情境设置/叫答机会/座位安排）如何？学生间的关系如何？",
             ["seating_chart"]),
        ]),
        ("创新", [
            ("教学设计、情境创设与资源利用有何新意？", []),
            ("教学设计、课堂气氛是否有助于学生表达自己的奇思妙想？如何处理？", []),
            ("课堂生成了哪些目标/资源？教师是如何处理的？", []),
        ]),
        ("关爱", [
            ("学习目标是否面向全体学生？是否关注不同学生的需求？", []),
            ("特殊（学习困难/残障/疾病）学生的学习是否得到关注？座位安排是否得当？",
             ["seating_chart"]),
            ("课堂话语（数量/时间/对象/措辞/插话）是否尊重、鼓励学生？", []),
        ]),
        ("特质", [
            ("该课体现了教师哪些优势（语言风格/行为特点/思维品质）？", []),
            ("整堂课设计是否有特色（环节安排/教材处理/导入/教学策略/学习指导/对话）？", []),
            ("学生对该教师教学特色的评价如何？", []),
        ]),
    ]),
]

_LICC_DIMENSION_DESCRIPTORS = {
    "学生学习": "学生是怎样学习的（L）",
    "教师教学": "教师是怎样教学的（I）",
    "课程性质": "这堂课教的是什么（C）",
    "课堂文化": "这堂课整体怎样（C）",
}


def _build_licc(mode: str) -> list[Node]:
    # LICC levels carry no points (§3.1: a question bank, not a scoring scale).
    levels = unscored_levels() if mode == "levels" else []
    nodes: list[Node] = []
    number = 0
    for d_i, (dim, viewpoints) in enumerate(_LICC, start=1):
        vnodes: list[Node] = []
        for v_i, (view, questions) in enumerate(viewpoints, start=1):
            pnodes: list[Node] = []
            for question, tools in questions:
                number += 1
                # Consecutive numbering 1..68 is the code (§3.1 [C2]), so "第 8 观察点"
                # in a 课前会议 plan maps to code "8".
                pnodes.append(_node(str(number), question, "point", None, mode,
                                    levels=levels, tools=tools))
            vnodes.append(_node(f"{d_i}.{v_i}", view, "indicator", None, "comment",
                                children=pnodes))
        nodes.append(_node(f"D{d_i}", dim, "dimension", None, "comment",
                           _LICC_DIMENSION_DESCRIPTORS[dim], vnodes))
    return nodes


def licc_template(mode: str = "comment") -> Template:
    """LICC catalogue with observation points as ``comment`` (default) or ``levels``."""
    if mode not in ("comment", "levels"):
        raise ValueError("LICC 观察点只支持 comment（仅记录）或 levels（等级）")
    return {
        "key": "LICC" if mode == "comment" else "LICC.LEVELS",
        "name": "LICC 课堂观察框架" + ("" if mode == "comment" else "（等级记录）"),
        "description": "崔允漷 LICC 课堂观察框架：学生学习、教师教学、课程性质、课堂文化 4 个维度，"
                       "20 个视角，68 个观察点。观察点是开放问题，课前会议选定后绑定观察工具"
                       "（记录表、座位表、时间轴或 S-T/FIAS 编码），不计分。",
        "version": 1,
        "source": "analytics.md §3.1 [C1]–[C4]; 崔允漷等《课堂观察：走向专业的听评课》[L]",
        "scoring": {"method": "none", "total": None, "bands": []},
        "nodes": _build_licc(mode),
    }


LICC: Template = licc_template()


# ---------------------------------------------------------------------------------
# (c) 教研组建设评价细则 (norms.md, "The 教研组 evaluation rubric", 003 附件, 珠晖区).
# Nine first-level indicators with weights; requirement rows with points; "points sum
# to 100 and each indicator's points equal its weight".
# ---------------------------------------------------------------------------------
_GROUP_ROWS: list[tuple[str, int, list[tuple[str, list[tuple[str, int]]]]]] = [
    ("组织建设", 10, [
        ("优化设置教研组织", [
            ("教研组设置合理", 2),
            ("学校领导按任教学科编入相应教研组", 2),
        ]),
        ("形成学科教研团队", [
            ("有学科三年或五年发展规划和青蓝结对培养计划", 3),
            ("形成由教研组长、骨干教师和青年教师组成的梯队", 3),
        ]),
    ]),
    ("制度建设", 10, [
        ("健全教研工作制度", [
            ("各项教研制度建立并有效运行，特别是青蓝工程计划", 5),
        ]),
        ("创新教研机制和课程", [
            ("教研机制有创新；建立学科课程框架；开设校本选修课程", 5),
        ]),
    ]),
    ("常规建设", 15, [
        ("落实教学常规管理", [
            ("备课、上课、作业、辅导、评价等教学常规管理落实到位", 10),
            ("开展常规检查并及时反馈；树立典型；纠正不当做法", 5),
        ]),
    ]),
    ("科研建设", 15, [
        ("策划实施教研活动", [
            ("教研活动形式多样：听评课、教学反思、案例分析、教改专题研讨等", 6),
            ("开展基于数据和证据的学业质量分析", 3),
        ]),
        ("积极开展教育科研", [
            ("围绕教学难点、热点问题开展课题研究", 3),
            ("撰写教研论文和教学反思", 3),
        ]),
    ]),
    ("资源建设", 10, [
        ("积极建设学科资源", [
            ("建设校本学科资源库", 6),
        ]),
        ("积极利用网络资源", [
            ("利用信息技术开展学习、交流和成果展示", 4),
        ]),
    ]),
    ("文化建设", 5, [
        ("形成良好教研文化", [
            ("教研氛围浓厚，团队精神良好", 3),
            ("精神文化、物质文化、制度文化和行为文化建设", 2),
        ]),
    ]),
    ("特色建设", 5, [
        ("培育学科教研特色", [
            ("有特色教研项目；建设学习型、合作型、研究型、活力型教研组", 5),
        ]),
    ]),
    ("教研成果", 20, [
        ("教研成果及教学效果", [
            ("教研活动和课题在全区有影响", 5),
            ("教研成果丰富，在区级及以上获奖", 5),
            ("学生学习兴趣浓、课业负担适度，质量指标在校内或全区领先", 10),
        ]),
    ]),
    ("实施保障", 10, [
        ("加强组织保障", [
            ("校长负责，学校领导联系教研组", 3),
        ]),
        ("加强制度保障", [
            ("建立教研组评价和激励制度；落实教研组长待遇", 4),
        ]),
        ("落实经费保障", [
            ("保障外出学习和参赛经费；订阅学科期刊不少于 3 种；投入课题研究经费", 3),
        ]),
    ]),
]

_CN_NUMERALS = "一二三四五六七八九十"


def _build_group_rubric() -> list[Node]:
    nodes: list[Node] = []
    for d_i, (title, weight, indicators) in enumerate(_GROUP_ROWS, start=1):
        inodes: list[Node] = []
        for i_i, (ititle, rows) in enumerate(indicators, start=1):
            pnodes = [
                _point(f"{d_i}.{i_i}.{r_i}", text, pts, "points", text)
                for r_i, (text, pts) in enumerate(rows, start=1)
            ]
            inodes.append(_indicator(f"{d_i}.{i_i}", ititle, pnodes))
        dim = _dimension(str(d_i), f"{_CN_NUMERALS[d_i - 1]} {title}", inodes,
                         f"一级指标，权重 {weight}%")
        if dim["weight"] != weight:  # guard the transcription against norms.md
            raise AssertionError(f"{title}: rows sum to {dim['weight']}, weight is {weight}")
        nodes.append(dim)
    return nodes


GROUP_RUBRIC: Template = {
    "key": "GROUP.RUBRIC",
    "name": "中小学教研组建设评价细则",
    "description": "教研组建设评价：9 个一级指标（组织、制度、常规、科研、资源、文化、特色、成果、保障），"
                   "满分 100 分，各一级指标得分上限等于其权重。区域可复制后调整。",
    "version": 1,
    "source": "norms.md GROUP.RUBRIC (003 附件：珠晖区中小学教研组建设评价细则)",
    "scoring": {"method": "sum", "total": 100, "bands": []},
    "nodes": _build_group_rubric(),
}


TEMPLATES: dict[str, Template] = {
    t["key"]: t for t in (GENERAL_LESSON, LICC, GROUP_RUBRIC)
}


def get_template(key: str) -> Template:
    """A deep copy, so callers adapting a template never mutate the built-in."""
    try:
        return copy.deepcopy(TEMPLATES[key])
    except KeyError:
        raise ValueError(f"未知的评价模板 '{key}'（可用：{', '.join(TEMPLATES)}）") from None
