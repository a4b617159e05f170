"""Demo visits: what was recorded on site (registered with core.demo.extensions, order 210).

For the demo's visits (written by `visits.plan`, order 200; with none, nothing is done): check
records with levels, strengths and problems for the days already past, notes of meetings and
forums, and at some schools an anonymous student questionnaire with answers. Independently of
visits, every school's leaders walk through classes over the current term (巡课), some above
and some below the usual pace (at province scale, the leaders of a sample of schools:
core.demo.lookups.school_sample, so every county has walkthroughs). Rows are built in memory and
written with core.demo.tables.insert_objects; their
client ids and tokens come from the extension's own random stream, so a seed is reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict

from core.demo.extensions import SeedContext, register
from core.demo.lookups import school_sample, terms_by_school
from core.demo.tables import insert_objects
from core.models import Person, Post, Role
from core.terms import current_of
from visits.models import (
    Audience,
    CheckItem,
    CheckLevel,
    CheckRecord,
    NoteKind,
    Questionnaire,
    QuestionnaireResponse,
    Visit,
    VisitMember,
    VisitNote,
    VisitSchool,
    VisitStatus,
    Walkthrough,
)

BATCH = 5000
LEVEL_WEIGHTS = [(CheckLevel.EXCELLENT, 20), (CheckLevel.GOOD, 45), (CheckLevel.PASS, 25), (CheckLevel.FAIL, 10)]
CHECK_ITEMS = [CheckItem.LESSON_PLAN, CheckItem.HOMEWORK, CheckItem.MARKING, CheckItem.TUTORING, CheckItem.LISTENING]
STRENGTHS = {
    CheckItem.LESSON_PLAN: ["教案环节完整，学情分析具体", "二次备课批注详实，有课后反思", "教学目标表述准确、可检测"],
    CheckItem.HOMEWORK: ["作业分层设计，有基础题和拓展题", "作业量适中，书面作业控制在规定时长内"],
    CheckItem.MARKING: ["全批全改，批改及时，有激励性评语", "错题有订正、有二次批改"],
    CheckItem.TUTORING: ["辅导记录有针对性，学困生跟踪到位"],
    CheckItem.LISTENING: ["听课节数达标，评析有观点"],
}
PROBLEMS = {
    CheckItem.LESSON_PLAN: ["教案照搬教参，缺少学情分析", "课后反思流于形式或缺失", "存在无教案上课现象"],
    CheckItem.HOMEWORK: ["作业量偏大，机械重复抄写多", "作业未分层，统一布置"],
    CheckItem.MARKING: ["批改只打勾，无评语无等级", "批改不及时，积压两周以上"],
    CheckItem.TUTORING: ["辅导记录不全，无具体内容"],
    CheckItem.LISTENING: ["听课节数不足，记录只有过程无评析"],
}
NOTE_TEXTS = {
    NoteKind.LEADER_MEETING: ("与学校领导座谈", "学校汇报了课程开设、教研组建设和质量提升举措；教学管理制度健全，"
                                             "但校本教研的针对性有待加强。"),
    NoteKind.TEACHER_FORUM: ("青年教师座谈", "教师反映非教学任务较多，希望增加外出学习和同课异构的机会；"
                                           "对作业设计的培训需求较大。"),
    NoteKind.DOCUMENT_CHECK: ("资料查阅", "查阅了教学计划、教研活动记录、听课记录和作业批改记录，资料基本齐全。"),
    NoteKind.FEEDBACK: ("现场反馈", "视导组向学校反馈了课堂观察和资料查阅发现的亮点与问题，并提出整改建议。"),
}
STUDENT_QUESTIONS = [
    {"code": "q1", "text": "你每天完成书面作业大约需要多长时间？", "kind": "single",
     "options": ["半小时以内", "半小时到一小时", "一到两小时", "两小时以上"]},
    {"code": "q2", "text": "老师批改作业后会讲评或让你订正吗？", "kind": "single", "options": ["经常", "有时", "很少"]},
    {"code": "q3", "text": "你喜欢课堂上的哪些活动？", "kind": "multi", "options": ["小组讨论", "实验操作", "阅读交流", "练习"]},
    {"code": "q4", "text": "我喜欢上学", "kind": "scale", "options": []},
    {"code": "q5", "text": "你对学校的教学有什么建议？", "kind": "text", "options": []},
]
SUGGESTIONS = ["希望多做实验", "作业少一点", "多开展课外活动", "希望老师讲慢一点", ""]
SEEN = ["学生专注，课堂秩序良好", "小组讨论热烈，教师巡视指导", "个别学生趴桌，教师未及时提醒", "教师照本宣科，学生参与少",
        "板书清晰，师生互动自然", "课堂练习时间充足"]
# Walkthroughs per leader per school week, by scale (a province's schools would otherwise make
# millions of rows for a demo).
WALK_RATE = {"tiny": 2.0, "demo": 2.0, "city": 1.0, "province": 0.2}
LEADER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pick(rng: random.Random, weighted: list[tuple[CheckLevel, int]]) -> str:
    return str(rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0])


def _visit_records(ctx: SeedContext, rng: random.Random) -> None:
    visits = list(Visit.objects.exclude(status=VisitStatus.CANCELLED).order_by("pk"))
    if not visits:
        return
    ids = [v.pk for v in visits]
    team: dict[int, list[int]] = defaultdict(list)
    for visit_id, person_id in VisitMember.objects.filter(visit_id__in=ids).order_by("pk") \
            .values_list("visit_id", "person_id"):
        team[visit_id].append(person_id)
    for v in visits:
        if not team[v.pk] and v.lead_id:
            team[v.pk].append(v.lead_id)
    subjects = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "main_subject_id"))
    checks: list[CheckRecord] = []
    notes: list[VisitNote] = []
    questionnaires: list[Questionnaire] = []
    stops = VisitSchool.objects.filter(visit_id__in=ids, date__lte=ctx.today).order_by("date", "pk")
    for stop in stops:
        members = team[stop.visit_id]
        teachers = ctx.teachers_by_school.get(stop.school_id, [])
        if not members:
            continue
        for teacher in rng.sample(teachers, min(len(teachers), rng.randint(3, 8))):
            item = rng.choice(CHECK_ITEMS)
            level = _pick(rng, LEVEL_WEIGHTS)
            strengths = rng.choice(STRENGTHS[item]) if level in (CheckLevel.EXCELLENT, CheckLevel.GOOD) else ""
            problems = rng.choice(PROBLEMS[item]) if level in (CheckLevel.PASS, CheckLevel.FAIL) else ""
            checks.append(CheckRecord(
                client_uuid=_uuid(rng), visit_id=stop.visit_id, school_id=stop.school_id, item=item,
                teacher_id=teacher, subject_id=subjects.get(teacher), sample_count=rng.randint(3, 10), level=level,
                strengths=strengths, problems=problems, checker_id=rng.choice(members), date=stop.date))
        for kind in rng.sample(list(NOTE_TEXTS), rng.randint(1, 3)):
            title, text = NOTE_TEXTS[kind]
            notes.append(VisitNote(client_uuid=_uuid(rng), visit_id=stop.visit_id, school_id=stop.school_id,
                                   kind=kind, title=title, text=text, author_id=rng.choice(members), date=stop.date))
        if rng.random() < 0.35:
            questionnaires.append(Questionnaire(
                visit_id=stop.visit_id, school_id=stop.school_id, audience=Audience.STUDENT,
                title="学生学业负担与课堂感受问卷", questions=STUDENT_QUESTIONS, token=uuid.UUID(int=rng.getrandbits(128)).hex,
                opens_at=dt.datetime.combine(stop.date, dt.time(8), tzinfo=dt.UTC),
                closes_at=dt.datetime.combine(stop.date + dt.timedelta(days=3), dt.time(18), tzinfo=dt.UTC)))
    insert_objects(checks)
    insert_objects(notes)
    insert_objects(questionnaires)
    responses: list[QuestionnaireResponse] = []
    for qn in Questionnaire.objects.filter(visit_id__in=ids).order_by("pk"):
        for _ in range(rng.randint(15, 40)):
            answers: dict[str, object] = {
                "q1": rng.choices(STUDENT_QUESTIONS[0]["options"], weights=[3, 5, 3, 1])[0],
                "q2": rng.choices(["经常", "有时", "很少"], weights=[6, 3, 1])[0],
                "q3": sorted(rng.sample(["小组讨论", "实验操作", "阅读交流", "练习"], rng.randint(1, 3))),
                "q4": rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 5, 4])[0],
            }
            suggestion = rng.choice(SUGGESTIONS)
            if suggestion:
                answers["q5"] = suggestion
            responses.append(QuestionnaireResponse(questionnaire=qn, answers=answers, created_at=qn.opens_at))
    insert_objects(responses)


def _walkthroughs(ctx: SeedContext, rng: random.Random) -> None:
    leaders: dict[int, list[int]] = defaultdict(list)
    for school_id, person_id in Post.objects.filter(org_id__in=school_sample(ctx), role__in=LEADER_ROLES) \
            .order_by("org_id", "person_id").values_list("org_id", "person_id").distinct():
        leaders[school_id].append(person_id)
    rate = WALK_RATE.get(ctx.scale, 1.0)
    terms = terms_by_school(leaders)
    rows: list[Walkthrough] = []
    subjects = dict(Person.objects.filter(org_id__in=list(leaders)).values_list("pk", "main_subject_id"))
    for school_id, people in sorted(leaders.items()):
        term = current_of(terms.get(school_id, []), ctx.today)
        if term is None or term.start > ctx.today:
            continue
        start = term.start
        school_days = [start + dt.timedelta(days=n) for n in range((ctx.today - start).days + 1)]
        school_days = [d for d in school_days if d.weekday() < 5]
        teachers = ctx.teachers_by_school.get(school_id, [])
        if not school_days or not teachers:
            continue
        weeks = len(school_days) / 5
        for leader in people:
            # Some leaders walk through far more than others, so the counts per leader differ.
            pace = rate * rng.choice([0.3, 0.8, 1.0, 1.5, 2.5])
            for day in sorted(rng.choices(school_days, k=round(pace * weeks))):
                teacher = rng.choice(teachers)
                grade = rng.randint(1, 9)
                problem = rng.random() < 0.15
                rows.append(Walkthrough(
                    client_uuid=_uuid(rng), school_id=school_id, leader_id=leader, date=day,
                    period=rng.randint(1, 7), grade=grade, class_name=f"{grade}年级{rng.randint(1, 6)}班",
                    subject_id=subjects.get(teacher), teacher_id=teacher,
                    seen=rng.choice(SEEN[2:4] if problem else SEEN[:2] + SEEN[4:]), has_problem=problem))
    insert_objects(rows)


def onsite(ctx: SeedContext) -> None:
    rng = ctx.rng
    _visit_records(ctx, rng)
    _walkthroughs(ctx, rng)


register("visits.onsite", onsite, order=210)
