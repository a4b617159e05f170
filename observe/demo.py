"""Demo observations for the seed (core/demo/extensions.py): a realistic school year.

Leaders land near, above and below their quotas (LEAD.OBSERVE_HEAD 30, LEAD.OBSERVE_MIDDLE 25,
scaled by how much of the term has gone); about one teacher in ten is never observed (so
LEAD.COVERAGE has something to flag); feedback is read, acknowledged or answered with a
reflection at realistic rates; a few lessons are coded so every S-T mode and FIAS appear.
Lesson titles are of the lesson's subject and stage, the grade is the teacher's, and the overall
grade follows the rubric total.

Generated column-wise with numpy and written with COPY (PostgreSQL) or executemany (SQLite),
never as model instances: the province (1.85 M observations) takes about a minute, not 16.
Rubric ratings come from a pool of scored profiles (each scored by observe.rubrics, so every
assessment is exactly what the scorer gives for its ratings). The observation aggregates are
written from the same columns. `generate_observations` is also what bench/bench_observe.py uses
to build a city.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.demo.extensions import SeedContext, register
from core.demo.tables import Nullable, Pooled, bulk_load, next_id, reset_sequences, write_columns
from core.models import OrgNode, Person, Post, Role, Term
from core.terms import terms_for
from observe import aggregates, rubrics, services
from observe.coding import analyse
from observe.models import (
    Assessment,
    CodingSession,
    Observation,
    ObservationKind,
    ObservationStatus,
    Purpose,
    RubricVersion,
)

KIND_WEIGHTS = [(ObservationKind.PUSH_IN, 40), (ObservationKind.FOLLOW_UP, 15), (ObservationKind.PEER, 12),
                (ObservationKind.OPEN, 10), (ObservationKind.DEMONSTRATION, 6), (ObservationKind.REPORT, 6),
                (ObservationKind.CONTEST, 4), (ObservationKind.INSPECTION, 4), (ObservationKind.OUTREACH, 3)]
# Lesson titles by subject and stage (统编/人教 textbook units), so a 数学 lesson is never 《背影》.
TOPICS: dict[str, dict[str, list[str]]] = {
    "chinese": {"primary": ["小蝌蚪找妈妈", "坐井观天", "桂林山水", "草船借箭", "赵州桥", "圆明园的毁灭", "慈母情深", "观潮"],
                "junior": ["背影", "春", "济南的冬天", "藤野先生", "孔乙己", "岳阳楼记", "醉翁亭记", "白杨礼赞"],
                "senior": ["荷塘月色", "故都的秋", "劝学", "师说", "赤壁赋", "雷雨（节选）", "红楼梦整本书阅读", "祝福"]},
    "math": {"primary": ["20以内的进位加法", "认识钟表", "表内乘法", "分数的意义", "小数的加减法", "圆的面积",
                         "长方体的体积", "百分数的应用"],
             "junior": ["有理数的加法", "一元一次方程", "二元一次方程组", "勾股定理", "一次函数的图像", "二次根式",
                        "全等三角形的判定", "二次函数的图像和性质"],
             "senior": ["集合的概念", "函数的单调性", "指数函数", "三角函数的诱导公式", "等差数列", "空间向量",
                        "导数的几何意义", "古典概型"]},
    "english": {"primary": ["Unit 1 Hello", "Unit 2 Colours", "Unit 3 My School", "Unit 4 My Home", "Unit 5 Dinner's Ready",
                            "Unit 6 Meet My Family"],
                "junior": ["Unit 1 My Name's Gina", "Unit 3 Is This Your Pencil?", "Unit 5 Do You Have a Soccer Ball?",
                           "Unit 7 Will People Have Robots?", "Unit 9 Have You Ever Been to a Museum?"],
                "senior": ["Unit 1 Teenage Life", "Unit 2 Travelling Around", "Unit 3 Sports and Fitness",
                           "Unit 4 Natural Disasters", "Unit 5 Languages Around the World"]},
    "morality": {"primary": ["我们的班规我们订", "我是一张纸", "我们的公共生活"],
                 "junior": ["少年有梦", "友谊的天空", "法律在我们身边", "维护宪法权威", "建设美丽中国"]},
    "politics": {"senior": ["社会主义从空想到科学", "我国的基本经济制度", "人民民主专政的本质", "哲学的基本问题",
                            "在实践中追求和发展真理"]},
    "history": {"junior": ["秦统一中国", "三国鼎立", "贞观之治", "鸦片战争", "辛亥革命", "中华人民共和国成立"],
                "senior": ["中华文明的起源与早期国家", "从隋唐盛世到五代十国", "两次鸦片战争", "五四运动与中国共产党的诞生"]},
    "geography": {"junior": ["地球和地球仪", "中国的地形", "中国的气候", "北方地区", "长江沿江地带"],
                  "senior": ["地球的圈层结构", "大气的受热过程", "常见天气系统", "人口分布", "区域发展战略"]},
    "science": {"primary": ["植物的一生", "水的三态变化", "简单电路", "认识太阳系", "杠杆的科学", "食物链和食物网"]},
    "physics": {"junior": ["声音的产生与传播", "光的反射", "牛顿第一定律", "浮力", "欧姆定律", "电功率"],
                "senior": ["质点 参考系", "牛顿第二定律", "圆周运动", "机械能守恒定律", "电场强度", "楞次定律"]},
    "chemistry": {"junior": ["物质的变化和性质", "氧气的性质", "分子和原子", "化学方程式", "金属的化学性质", "酸和碱的中和反应"],
                  "senior": ["物质的量", "离子反应", "氧化还原反应", "元素周期律", "化学反应速率", "乙醇与乙酸"]},
    "biology": {"junior": ["细胞的生活", "光合作用", "呼吸作用", "人体的消化", "生物的遗传和变异"],
                "senior": ["细胞中的糖类和脂质", "酶的作用和本质", "减数分裂", "DNA的复制", "基因突变", "生态系统的能量流动"]},
    "it": {"primary": ["认识键盘", "画图软件的使用", "用编程绘制图形"],
           "junior": ["认识因特网", "表格数据的处理", "算法与程序设计初步"],
           "senior": ["数据与大数据", "算法的描述", "Python程序设计基础", "信息系统的组成"]},
    "tech": {"senior": ["技术的性质", "设计的一般过程", "结构与设计", "流程与设计", "控制系统的工作过程"]},
    "music": {"primary": ["小星星", "春天在哪里", "彼得与狼"], "junior": ["沂蒙山小调", "黄河大合唱", "欢乐颂"],
              "senior": ["中国民族器乐", "西方古典音乐", "音乐与戏剧"]},
    "pe": {"primary": ["立定跳远", "跳绳", "50米快速跑"], "junior": ["篮球：行进间运球", "排球：正面双手垫球", "耐久跑"],
           "senior": ["足球：脚内侧传球", "健美操", "田径：跨栏跑"]},
    "art": {"primary": ["美丽的彩虹", "有趣的纸工", "我的太空之旅"], "junior": ["色彩的对比", "中国山水画", "民间美术"],
            "senior": ["美术鉴赏：中国古代绘画", "设计与生活", "书法：楷书基本笔画"]},
    "labour": {"primary": ["整理我的书包", "学做凉拌菜", "种植小葱"], "junior": ["家常菜的制作", "校园绿化养护", "木工小制作"]},
    "practice": {"primary": ["我的家乡特产", "校园植物调查"], "junior": ["社区垃圾分类调查", "研学旅行方案设计"],
                 "senior": ["研究性学习：选题与开题", "职业体验"]},
    "psychology": {"primary": ["认识我的情绪", "我会交朋友"], "junior": ["青春期的烦恼", "学会调节压力"],
                   "senior": ["生涯规划", "学习动机与效率"]},
}
STRENGTHS = ["教学目标明确，重难点突出", "教态自然，语言规范简洁", "情境创设贴近学生生活", "板书设计条理清晰",
             "问题设计有层次，能启发学生思维", "课堂节奏把握得当", "注重学法指导，学生参与面广"]
PROBLEMS = ["小组合作流于形式，分工不明确", "教师讲授时间过长，学生活动时间不足", "提问缺少层次，候答时间不足",
            "当堂检测不够充分，反馈不及时", "时间分配不合理，拖堂", "对学困生关注不够", "课堂评价语言单一",
            "多媒体使用过多，板书不足", "提问缺少层次，多为封闭性问题", "小组合作流于形式，讨论时间不足"]
SUGGESTIONS = ["增加学生自主探究时间", "设计分层作业，关注学困生", "精简讲授，把时间还给学生",
               "提问要分层设计，增加开放性问题", "加强当堂检测与反馈", "明确小组合作的任务与分工"]
REFLECTIONS = ["这节课讲得多了，下次要把更多时间留给学生练习。", "小组讨论前应先给出明确的任务单。",
               "提问设计需要分层，照顾不同水平的学生。", "当堂检测时间不够，以后要压缩导入环节。"]
# Code strings that classify as each S-T mode (analytics.md §1.3), 90 ticks of 30 s.
ST_PATTERNS = {
    "lecture": "T" * 8 + "S" + "T" * 6,
    "exercise": "S" * 7 + "T" + "S" * 5 + "T",
    "dialogue": "TS" * 3 + "T" + "S",
    "mixed": "T" * 5 + "S" * 5,
}


PROFILES = 2048  # scored rating profiles the lessons draw from
# The overall grade follows the rubric total by LESSON.GENERAL's bands (85 / 75 / 60).
GRADE_CUTS = ((85.0, "excellent"), (75.0, "good"), (60.0, "fair"), (0.0, "poor"))


def _ratings(rng: random.Random, version: RubricVersion, quality: float) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for leaf in rubrics.leaves(version.nodes):
        r = min(1.0, max(0.0, rng.gauss(quality, 0.12)))
        if leaf["mode"] == "levels":
            out[leaf["code"]] = {"level": "优" if r > 0.85 else "良" if r > 0.7 else "中" if r > 0.5 else "差"}
        elif leaf["mode"] == "points":
            out[leaf["code"]] = {"value": round(r * (rubrics.node_value(leaf) or 0.0) * 2) / 2}
        elif leaf["mode"] == "yesno":
            out[leaf["code"]] = {"yes": r > 0.2}
    return out


def _st_codes(rng: random.Random, mode: str) -> list[str]:
    unit = ST_PATTERNS[mode]
    codes = (unit * (90 // len(unit) + 1))[:90]
    return list(codes)


def _fias_codes(rng: random.Random) -> list[str]:
    out: list[str] = []
    while len(out) < 900:
        block = rng.choices(["5", "4", "8", "9", "10", "2", "3", "6"], weights=[30, 15, 15, 6, 8, 4, 4, 4])[0]
        out.extend([block] * rng.randint(1, 8))
    return out[:900]


def overall_grade(total: float | None) -> str:
    """The overall grade a total earns (LESSON.GENERAL's bands); blank without a total."""
    if total is None:
        return ""
    return next(g for cut, g in GRADE_CUTS if total >= cut)


def topics_for(subject: str | None, stage: str) -> list[str]:
    """Lesson titles for a subject at a stage (the subject's titles of any stage when it has none
    of that stage)."""
    by_stage = TOPICS.get(subject or "", {})
    return by_stage.get(stage) or [t for ts in by_stage.values() for t in ts] or ["复习课"]


@dataclass
class _Profiles:
    ratings: list[str]  # JSON
    dims: list[str]  # JSON
    total: np.ndarray
    band: list[str]
    dim_matrix: np.ndarray  # [profile, dimension] scores
    dim_keys: list[tuple[int, str, str, float | None]]


def _profiles(rng: random.Random, version: RubricVersion) -> _Profiles:
    scored = [rubrics.score(version.scoring, version.nodes, _ratings(rng, version, rng.uniform(0.55, 0.95)))
              for _ in range(PROFILES)]
    codes = [d["code"] for d in version.nodes]
    keys = [(0, d["code"], d["title"], rubrics.node_value(d)) for d in version.nodes]
    matrix = np.asarray([[s.dimensions[c]["score"] if s.dimensions[c]["score"] is not None else np.nan
                          for c in codes] for s in scored], dtype=float)
    return _Profiles([json.dumps(s.ratings, ensure_ascii=False) for s in scored],
                     [json.dumps(s.dimensions, ensure_ascii=False) for s in scored],
                     np.asarray([s.total if s.total is not None else np.nan for s in scored], dtype=float),
                     [s.band for s in scored], matrix, keys)


def _pick(g: np.random.Generator, n: int, pool: list[str]) -> np.ndarray:
    return np.asarray(pool, dtype=object)[g.integers(0, len(pool), size=n)]


def _write(n: int, version: RubricVersion, profiles: _Profiles | None, profile: np.ndarray, stamp: np.ndarray,
           batch: int, columns: dict[str, Any]) -> None:
    """The assessments (one per lesson, from its profile), then the lessons pointing at them."""
    if profiles is not None:
        a_first = next_id(Assessment)
        a_ids = np.arange(a_first, a_first + n, dtype=np.int64)
        totals = profiles.total[profile]
        write_columns(Assessment, {
            "id": a_ids, "version_id": np.full(n, version.pk, dtype=np.int64),
            "ratings": Pooled(profiles.ratings, profile), "dimension_scores": Pooled(profiles.dims, profile),
            "total": Nullable(np.nan_to_num(totals), ~np.isnan(totals)),
            "band": np.asarray(profiles.band, dtype=object)[profile],
            "created_at": stamp, "updated_at": stamp}, chunk=batch)
        columns["assessment_id"] = a_ids
    else:
        columns["assessment_id"] = Nullable(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
    write_columns(Observation, columns, chunk=batch)


def generate_observations(*, rng: random.Random, school_ids: list[int], today: dt.date,
                          pace_mix: tuple[float, float, float] = (0.35, 0.25, 0.4), unobserved_share: float = 0.1,
                          coded_schools: int = 2, with_scores: bool = True, batch: int = 200_000,
                          aggregates_too: bool = True) -> int:
    """Write the observations of the two latest terms of each school (and, unless told not to,
    their aggregates); returns how many."""
    if not school_ids:
        return 0
    services.builtin_templates_sync()
    version = RubricVersion.objects.select_related("template").get(template__key="LESSON.GENERAL",
                                                                   status="published")
    g = np.random.default_rng(rng.getrandbits(63))
    schools = list(OrgNode.objects.filter(pk__in=school_ids).order_by("pk"))
    staff_posts = Post.objects.active(today).filter(org_id__in=school_ids,
                                                    role__in=[Role.PRINCIPAL, Role.VICE_PRINCIPAL,
                                                              Role.MIDDLE_MANAGER, Role.TEACHER])
    posts = list(staff_posts.order_by("pk").values_list("person_id", "org_id", "role", "grade"))
    leaders: dict[int, list[tuple[int, float]]] = defaultdict(list)
    teachers: dict[int, list[int]] = defaultdict(list)
    grade_of: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()
    for pid, org_id, role, grade in posts:
        if role == Role.TEACHER:
            teachers[org_id].append(pid)
            if grade is not None:
                grade_of[pid] = grade
        elif (pid, org_id) not in seen:
            seen.add((pid, org_id))
            leaders[org_id].append((pid, 30.0 if role in (Role.PRINCIPAL, Role.VICE_PRINCIPAL) else 25.0))
    # The people of those posts by a subquery, not an IN list of 400,000 ids at province scale.
    people = sorted(Person.objects.filter(pk__in=staff_posts.values("person_id"))
                    .values_list("pk", "main_subject_id", "main_subject__code", "stage"))

    # ---- who observes whom, where and in which term (a Python loop over leaders, numpy inside)
    terms_by_parent: dict[int | None, list[Term]] = {}
    mix = np.asarray(pace_mix, dtype=float) / sum(pace_mix)
    observer_parts: list[np.ndarray] = []
    teacher_parts: list[np.ndarray] = []
    school_parts: list[np.ndarray] = []
    window_parts: list[np.ndarray] = []
    windows: list[tuple[int, int]] = []  # (first day, last day) as day numbers
    coded_at: list[int] = []
    total = 0
    epoch = dt.date(1970, 1, 1)
    for index, school in enumerate(schools):
        if school.parent_id not in terms_by_parent:
            terms_by_parent[school.parent_id] = sorted((t for t in terms_for(school) if t.start <= today),
                                                       key=lambda t: t.start)[-2:]
        staff = teachers.get(school.pk, [])
        if len(staff) < 2:
            continue
        never = set(np.asarray(staff)[g.choice(len(staff), size=max(1, int(len(staff) * unobserved_share)),
                                               replace=False)].tolist())
        pool = [t for t in staff if t not in never]
        school_terms = terms_by_parent[school.parent_id]
        for term in school_terms:
            end = min(term.end, today)
            fraction = min(1.0, ((end - term.start).days + 1) / ((term.end - term.start).days + 1))
            windows.append(((term.start - epoch).days, (end - epoch).days))
            for pid, quota in leaders.get(school.pk, []):
                band = int(g.choice(3, p=mix))
                lo, hi = ((0.92, 1.08), (1.1, 1.45), (0.2, 0.75))[band]
                n = round(quota * fraction * float(g.uniform(lo, hi)))
                if n <= 0:
                    continue
                targets = [t for t in pool if t != pid] or [t for t in staff if t != pid]
                # Cover the pool first so coverage follows the leaders' effort, then repeat.
                order = g.permutation(np.asarray(targets, dtype=np.int64))
                if index < coded_schools and term == school_terms[-1] and len(coded_at) < 10:
                    coded_at.extend(range(total, total + min(n, 10 - len(coded_at))))
                observer_parts.append(np.full(n, pid, dtype=np.int64))
                teacher_parts.append(np.resize(order, n))
                school_parts.append(np.full(n, school.pk, dtype=np.int64))
                window_parts.append(np.full(n, len(windows) - 1, dtype=np.int64))
                total += n
    if not total:
        return 0
    observer = np.concatenate(observer_parts)
    teacher = np.concatenate(teacher_parts)
    school_of = np.concatenate(school_parts)
    window = np.concatenate(window_parts)
    n = total

    # ---- what each lesson is: the teacher's subject, stage and grade; a title of that subject
    person_ids = np.asarray([p[0] for p in people], dtype=np.int64)
    where = np.searchsorted(person_ids, teacher)
    subject_ids = np.asarray([p[1] if p[1] is not None else -1 for p in people], dtype=np.int64)[where]
    pool_key = [(p[2], p[3]) for p in people]
    key_index: dict[tuple[str | None, str], int] = {}
    pools: list[list[str]] = []
    person_pool = np.empty(len(people), dtype=np.int64)
    for i, key in enumerate(pool_key):
        k = key_index.get(key)
        if k is None:
            k = key_index[key] = len(pools)
            pools.append(topics_for(*key))
        person_pool[i] = k
    offsets = np.cumsum([0] + [len(p) for p in pools])
    flat_topics = np.asarray([t for p in pools for t in p], dtype=object)
    lesson_pool = person_pool[where]
    sizes = offsets[lesson_pool + 1] - offsets[lesson_pool]
    topic = flat_topics[offsets[lesson_pool] + (g.random(n) * sizes).astype(np.int64)]
    grades = np.asarray([grade_of.get(int(p), 0) for p in person_ids.tolist()], dtype=np.int64)[where]
    class_no = g.integers(1, 9, size=n)
    class_name = np.asarray([f"{gr}({c})班" if gr else f"{c}班" for gr, c in
                             zip(grades.tolist(), class_no.tolist(), strict=True)], dtype=object)

    # ---- when: a school day in the term (up to today), submitted that afternoon or within two days
    first = np.asarray([w[0] for w in windows], dtype=np.int64)[window]
    last = np.asarray([w[1] for w in windows], dtype=np.int64)[window]
    day = first + (g.random(n) * (last - first + 1)).astype(np.int64)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    day = np.where(weekday == 5, day - 1, np.where(weekday == 6, day - 2, day))
    day = np.where(day < first, first, day)
    date = day.astype("datetime64[D]")
    today_s = (today - epoch).days * 86400 + 22 * 3600
    submitted = np.minimum(day * 86400 + 16 * 3600 + g.integers(0, 2 * 86400, size=n), today_s)
    submitted = np.maximum(submitted, day * 86400 + 12 * 3600)
    read = g.random(n) < 0.8
    ack = read & (g.random(n) < 0.7)
    reflect = ack & (g.random(n) < 0.4)
    read_at = submitted + g.integers(600, 2 * 86400, size=n)
    developmental = g.random(n) < 0.55
    released = developmental & (g.random(n) < 0.15)
    kinds = [k for k, _ in KIND_WEIGHTS]
    weights = np.asarray([w for _, w in KIND_WEIGHTS], dtype=float)
    kind = np.asarray(kinds, dtype=object)[g.choice(len(kinds), size=n, p=weights / weights.sum())]
    profiles = _profiles(random.Random(int(g.integers(0, 2**62))), version) if with_scores else None
    profile = g.integers(0, PROFILES, size=n)
    if profiles is not None:
        totals = profiles.total[profile]
        grade_labels = np.asarray([overall_grade(None if math.isnan(t) else float(t)) for t in profiles.total],
                                  dtype=object)[profile]
    else:
        totals = np.full(n, np.nan)
        grade_labels = np.asarray(["excellent", "good", "good", "fair"], dtype=object)[g.integers(0, 4, size=n)]
    uuid_hex = g.bytes(16 * n).hex()
    client_uuid = np.asarray([f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}" for h in
                              (uuid_hex[i:i + 32] for i in range(0, 32 * n, 32))], dtype=object)

    obs_first = next_id(Observation)
    obs_ids = np.arange(obs_first, obs_first + n, dtype=np.int64)
    stamp = submitted.astype("datetime64[s]")
    with bulk_load(Observation, Assessment):
        _write(n, version, profiles, profile, stamp, batch, {
            "id": obs_ids, "client_uuid": client_uuid, "observer_id": observer, "teacher_id": teacher,
            "school_id": school_of, "grade": Nullable(grades, grades > 0), "class_name": class_name,
            "subject_id": Nullable(subject_ids, subject_ids > 0), "topic": topic, "date": date,
            "period": g.integers(1, 9, size=n), "kind": kind,
            "purpose": np.where(developmental, Purpose.DEVELOPMENTAL.value, Purpose.EVALUATIVE.value).astype(object),
            "status": np.full(n, ObservationStatus.SUBMITTED.value, dtype=object),
            "strengths": _pick(g, n, STRENGTHS), "problems": _pick(g, n, PROBLEMS),
            "suggestions": _pick(g, n, SUGGESTIONS), "overall_grade": grade_labels, "submitted_at": stamp,
            "read_at": Nullable(read_at.astype("datetime64[s]"), read),
            "acknowledged_at": Nullable(read_at.astype("datetime64[s]"), ack),
            "reflection": np.where(reflect, _pick(g, n, REFLECTIONS), ""),
            "reflection_at": Nullable(read_at.astype("datetime64[s]"), reflect),
            "released_at": Nullable(np.where(read, read_at, submitted).astype("datetime64[s]"), released),
            "created_at": stamp, "updated_at": stamp})
    reset_sequences(Assessment, Observation)

    sessions = []
    for k, at in enumerate(coded_at):
        mode = ["lecture", "exercise", "dialogue", "mixed", "fias"][k % 5]
        scheme, codes = ("FIAS", _fias_codes(rng)) if mode == "fias" else ("ST", _st_codes(rng, mode))
        result = analyse(scheme, codes)
        ind = result.get("indices", {})
        family = result["scheme"]["family"]
        sessions.append(CodingSession(observation_id=int(obs_ids[at]), scheme_key=scheme,
                                      interval_seconds=result["interval_seconds"], codes=result["codes"],
                                      coder_id=int(observer[at]), result=result, n=result["n"],
                                      rt=ind.get("rt") if family == "st" else None,
                                      ch=ind.get("ch") if family == "st" else None,
                                      mode=(ind.get("mode") or "") if family == "st" else ""))
    CodingSession.objects.bulk_create(sessions)

    if aggregates_too:
        scored = profiles is not None
        aggregates.write_from_arrays(aggregates.Columns(
            school=school_of, date=date, subject=subject_ids, kind=kind, developmental=developmental,
            appraisal=~developmental | released,
            template=np.zeros(n, dtype=np.int64) if scored else np.full(n, -1, dtype=np.int64),
            total=totals, dims=profiles.dim_matrix[profile] if profiles is not None else np.zeros((n, 0)),
            templates=[version.template.name] if scored else [],
            dim_keys=profiles.dim_keys if profiles is not None else []))
    return n


def observations(ctx: SeedContext) -> None:
    n = generate_observations(rng=ctx.rng, school_ids=ctx.school_ids, today=ctx.today)
    ctx.extra["observe.observations"] = n


register("observe.observations", observations, order=100)
