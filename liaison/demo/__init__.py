"""Demo records of the liaison app for the seed (core/demo/extensions.py, order 400).

A round in implementation for the city of the demo city researcher and one for the demo county:
the weak, rural and town schools nominated with needs in the institutions' subjects, the links
proposed by the optimiser and (most of them) accepted, plans agreed with the schools, on-site
days this semester (some people short of the five days), the nine tasks partly ticked with
evidence, guidance plans for teachers (some with their case), the city's exchange meeting this
semester (the county's is missing, so RES.EXCHANGE shows one short), and a preschool
responsibility zone in the demo county.

Written through the services (audited as the system), bounded per round (NOMINATED schools), so
the seed stays quick at every scale.
"""

from __future__ import annotations

import datetime as dt
import random

from core.demo.extensions import SeedContext, register
from core.models import Locale, OrgKind, OrgNode, Person, Post, SchoolType, Subject, Term
from core.norm_results import system_user
from liaison import optimiser, proposals
from liaison.models import Link, Round, Task
from liaison.services import links as link_services
from liaison.services import rounds as round_services

NOMINATED = 40
COMPULSORY = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)
STAGE_OF: dict[str, str] = {SchoolType.PRIMARY: "primary", SchoolType.JUNIOR: "junior", SchoolType.NINE_YEAR: "primary"}
WORK = ["调研学校教学常规落实情况，查阅教案和作业", "听评课三节，与授课教师逐课交流", "组织学科主题教研活动：作业设计",
        "指导教研组完善集体备课制度", "上示范课并开展课后研讨", "青年教师座谈，制订跟进式指导方案",
        "组织骨干教师送教助研（订单式送教）", "参加乡镇学科中心教研组活动"]
EVIDENCE = {1: "调研报告", 2: "课程实施方案修订稿", 3: "教学常规检查记录", 4: "教研工作制度汇编", 5: "教研活动方案与案例",
            6: "跟进式指导方案", 7: "课堂教学改革方案", 8: "典型经验材料", 9: "送教助研活动记录"}


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _nominate(ctx: SeedContext, r: Round, rng: random.Random, subjects: list[Subject]) -> None:
    candidates = list(OrgNode.objects.under(r.institution.path).filter(
        kind=OrgKind.SCHOOL, school_type__in=COMPULSORY, locale__in=(Locale.TOWN, Locale.RURAL))
        .order_by("-is_weak", "path"))
    if r.institution.kind == OrgKind.COUNTY:
        candidates = [s for s in candidates if s.locale == Locale.RURAL or s.is_teaching_point]
    for school in candidates[:NOMINATED]:
        stage = STAGE_OF.get(school.school_type, "primary")
        picks = rng.sample(subjects, k=min(len(subjects), rng.choice((1, 1, 2))))
        round_services.nomination_submit(actor=None, round_=r, school=school, nominated_by=school.parent,
                                         needs=[(s, stage, rng.choice(["作业设计", "课堂教学改进", "青年教师培养", ""]))
                                                for s in picks],
                                         wants_continuity=False)


def _work(ctx: SeedContext, r: Round, rng: random.Random, term: Term | None) -> None:
    links = list(Link.objects.filter(round=r).select_related("person", "school", "round"))
    rng.shuffle(links)
    for i, link in enumerate(links):
        if i % 8 == 7:
            continue  # a few stay proposals, for the organiser to look at
        link_services.link_accept(actor=None, link=link)
        link_services.plan_save(actor=None, link=link, school_needs=f"{link.school.name}希望在{link.reason.split('；')[0]}方面得到指导",
                                goals="提升课堂教学效益，带动学科教研组建设", activities="每学期集中驻校一周；每月一次线上教研")
        if rng.random() < 0.7:
            link_services.plan_agree(actor=None, link=link)
        if term is not None:
            days = [d for d in _weekdays(max(term.start, r.impl_start), min(term.end, ctx.today - dt.timedelta(days=1)))]
            # Most people have done their week; about one in four is short.
            n = rng.choice((5, 5, 6, 7, 2, 3, 4, 5)) if days else 0
            for d in sorted(rng.sample(days, k=min(n, len(days)))):
                link_services.onsite_day_log(actor=None, link=link, date=d, work=rng.choice(WORK), today=ctx.today,
                                             portion="full" if rng.random() < 0.85 else "half")
        for task in rng.sample(list(Task.values), k=rng.randint(2, 7)):
            link_services.task_check(actor=None, link=link, task=task, done=True, evidence=EVIDENCE[task])
        teachers = list(Person.objects.filter(org=link.school, is_active=True).order_by("pinyin")[:12])
        for teacher in rng.sample(teachers, k=min(len(teachers), rng.choice((1, 1, 2)))):
            link_services.guidance_save(
                actor=None, link=link, teacher=teacher, current_level="教龄较短，课堂目标达成度不高",
                goals="一学年内上好一节县级公开课", measures="每月听课一次，课后研讨，推荐阅读课例",
                case_text="经过一学期跟进，课堂提问设计明显改进，学生参与度提高。" if rng.random() < 0.3 else "")


def _round(ctx: SeedContext, institution: OrgNode, title: str, rng: random.Random) -> Round | None:
    subject_ids = set(Post.objects.active(ctx.today).filter(org=institution, subject__isnull=False)
                      .values_list("subject_id", flat=True))
    subjects = list(Subject.objects.filter(pk__in=subject_ids).order_by("sort"))
    if not subjects:
        return None
    year = int(ctx.term_key.split("-")[0])
    r = round_services.round_create(actor=None, institution=institution, title=title, start_year=year,
                                    plan_text="按照“县区推荐、学校申报、教研员确定”的程序确定联系学校，学校需求优先。")
    round_services.round_advance(actor=None, round_=r)  # into implementation
    _nominate(ctx, r, rng, subjects)
    user = system_user()
    cands = proposals.candidates(user, r)
    proposal = optimiser.optimise(cands.linkers, cands.specs, subject_names={s.code: s.name for s in subjects})
    proposals.apply(actor=None, round_=r, cands=cands, proposal=proposal)
    return r


def rounds(ctx: SeedContext) -> None:
    from core.models import User
    from core.terms import term_by_key

    rng = ctx.rng
    researcher = User.objects.filter(pk=ctx.users.get("city_researcher", 0)).select_related("person").first()
    county_user = User.objects.filter(pk=ctx.users.get("county_researcher", 0)).select_related("person").first()
    city = None
    if researcher is not None and researcher.person is not None:
        post = Post.objects.filter(person=researcher.person, org__kind=OrgKind.CITY).select_related("org").first()
        city = post.org if post else None
    county = None
    if county_user is not None and county_user.person is not None:
        post = Post.objects.filter(person=county_user.person, org__kind=OrgKind.COUNTY).select_related("org").first()
        county = post.org if post else None
    for node, title in ((city, "教研员、骨干教师联系乡镇学校"), (county, "教研员联系乡村学校和教学点")):
        if node is None:
            continue
        r = _round(ctx, node, f"{node.name}{title}（{ctx.term_key[:4]}—{int(ctx.term_key[:4]) + 2}）", rng)
        if r is None:
            continue
        term = term_by_key(node, ctx.term_key)
        _work(ctx, r, rng, term)
        if node is city and term is not None:
            round_services.meeting_record(actor=None, round_=r, term=term, date=ctx.today - dt.timedelta(days=5),
                                          title=f"{node.name}定点联系学校工作交流会", place=f"{node.institute_name or node.name}",
                                          attendees=rng.randint(30, 80),
                                          summary="各学科教研员交流驻校调研发现的问题和跟进式指导经验。")
    if county is not None:
        _zone(ctx, county, rng)


def _gardens(county: OrgNode) -> list[OrgNode]:
    """The kindergartens of the county (of its city, where the county has fewer than two)."""
    region: OrgNode | None = county
    found: list[OrgNode] = []
    while region is not None:
        found = list(OrgNode.objects.under(region.path).filter(kind=OrgKind.SCHOOL, school_type=SchoolType.KINDERGARTEN)
                     .order_by("locale", "path")[:50])
        if len(found) >= 2 or region.kind != OrgKind.COUNTY:
            break
        region = region.parent
    return found


def _zone(ctx: SeedContext, county: OrgNode, rng: random.Random) -> None:
    """A responsibility zone led by an urban (else the first) kindergarten. The core demo world
    generates no kindergartens yet, so on a plain seed there is none; the test adds some."""
    gardens = _gardens(county)
    if len(gardens) < 2:
        return
    region = county if all(g.path.startswith(county.path) for g in gardens) else county.parent or county
    lead = next((g for g in gardens if g.locale == Locale.URBAN and not g.is_weak), gardens[0])
    members = [g for g in gardens if g.pk != lead.pk][:5]
    zone = round_services.zone_create(actor=None, region=region, name=f"{lead.name}学前教研指导责任区", lead=lead,
                                      members=members)
    for i, day in enumerate(rng.sample(_weekdays(ctx.today - dt.timedelta(days=80), ctx.today), k=4)):
        host = lead if i % 2 == 0 else rng.choice(members)
        round_services.zone_activity_record(actor=None, zone=zone, kind="activity" if i % 2 == 0 else "visit",
                                            date=day, host=host,
                                            summary="区域游戏活动观摩与研讨" if i % 2 == 0 else "入园指导一日活动组织")


register("liaison.rounds", rounds, order=400)
