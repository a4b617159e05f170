"""Demo records of the appraisal app's `campaigns` area (registers its own extension, order 600,
after every app whose records the pre-fill reads).

In the demo county (the county admin's): a 教研组 evaluation by the built-in GROUP.RUBRIC,
scored through all three stages from the records, published, with objections (one upheld, one
rejected, one still open) and the selection of excellent groups and group leaders; a school
appraisal with the value-added indicator (依进论出, when the quality demo left two exams) under
way, some schools self-assessed and some scored by the district; a principal appraisal in
preparation."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from appraisal.models.campaigns import Campaign, CampaignSubject
from appraisal.services import campaigns as svc
from appraisal.services.campaign_prefill import prefill_memo
from appraisal.services.campaigns import CampaignError
from core.demo.extensions import SeedContext, register
from core.models import OrgKind, OrgNode, Person, Post, Role, Subject, User
from core.terms import term_by_key
from observe import rubrics
from observe import services as observe_services
from observe.models import RubricPurpose, RubricVersion, VersionStatus
from quality.models import Paper

# A county's groups are many at the larger scales; the evaluation covers this many schools.
MAX_SCHOOLS = 12


def _schools(county: OrgNode) -> list[OrgNode]:
    return list(OrgNode.objects.under(county.path).schools().order_by("path")[:MAX_SCHOOLS])


def _user(ctx: SeedContext, key: str) -> User | None:
    pk = ctx.users.get(key)
    return User.objects.filter(pk=pk).first() if pk else None


def _ratings(rng: random.Random, version: RubricVersion, share: float, start: dict[str, Any] | None = None
             ) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for leaf in rubrics.leaves(version.nodes):
        pts = rubrics.node_value(leaf) or 0
        if start and start.get(leaf["code"], {}).get("value") is not None:
            value = float(start[leaf["code"]]["value"])
        else:
            value = round(min(pts, max(0.0, pts * (share + rng.uniform(-0.08, 0.08)))) * 2) / 2
        out[leaf["code"]] = {"value": value, "comment": ""}
    return out


def _through(ctx: SeedContext, s: CampaignSubject, stages: list[Any], share: float) -> None:
    """Score a subject through `stages`: the records' values kept at the first, the later ones
    moving a point or two with a reason."""
    rng = ctx.rng
    c = s.campaign
    for i, st in enumerate(stages):
        initial, prefill = svc.stage_initial(s, st)
        ratings = _ratings(rng, c.version, share, initial if i else {k: v for k, v in initial.items()
                                                                      if k in prefill})
        reasons: dict[str, str] = {}
        if i:
            code = rng.choice(list(ratings))
            leaf = next(n for n in rubrics.leaves(c.version.nodes) if n["code"] == code)
            top = rubrics.node_value(leaf) or 0
            ratings[code]["value"] = max(0.0, min(top, ratings[code]["value"] + rng.choice((-1.0, 1.0))))
            reasons = {k: f"{st['label']}复核材料后调整" for k in prefill}
        svc.stage_score_save(actor=None, subject=s, stage=st["key"], ratings=ratings, reasons=reasons,
                             comments=f"{st['label']}意见：材料齐全，特色较明显。" if i else "", submit=True)


def _group_campaign(ctx: SeedContext, county: OrgNode, admin: User | None, researcher: Person | None,
                    start: dt.date) -> Campaign | None:
    version = RubricVersion.objects.filter(template__key="GROUP.RUBRIC", status=VersionStatus.PUBLISHED).first()
    if version is None or researcher is None:
        return None
    today = ctx.today
    c = svc.campaign_create(actor=None, org=county, kind="group", title=f"{county.name}{start.year}年教研组建设评价",
                            start=start, end=max(start, today - dt.timedelta(days=3)), version=version)
    svc.subjects_generate(actor=None, campaign=c, within=_schools(county))
    svc.assessor_add(actor=None, campaign=c, stage="district", person=researcher)
    svc.campaign_open(actor=None, campaign=c)
    subjects = list(c.subjects.order_by("school__path", "label"))
    for s in subjects:
        _through(ctx, s, c.stages, ctx.rng.uniform(0.55, 0.97))
    published = today - dt.timedelta(days=2)
    svc.campaign_publish(actor=None, campaign=c, today=published)
    ranked = sorted((s for s in c.subjects.all()), key=lambda s: s.rank or 0)
    if len(ranked) >= 3:
        low, mid, other = ranked[-1], ranked[len(ranked) // 2], ranked[-2]
        o1 = svc.objection_raise(actor=None, subject=low, reason="本组校本资源库材料已上传但未计分，请复核。",
                                 today=published)
        svc.objection_handle(actor=admin, objection=o1, upheld=True, response="复核属实，资源建设加3分。",
                             new_score=min(100.0, (low.final_score or 0) + 3))
        o2 = svc.objection_raise(actor=None, subject=mid, reason="认为教研成果一项评分偏低。", today=published)
        svc.objection_handle(actor=admin, objection=o2, upheld=False, response="经复核，区级获奖证明不足，维持原分。")
        top = [s.pk for s in c.subjects.filter(level="优秀")] or [ranked[0].pk]
        svc.selection_create(actor=admin, campaign=c, kind="groups", title=f"{county.name}优秀教研组",
                             decided_on=today - dt.timedelta(days=1), subject_ids=top)
        with_leader = [pk for pk in top if c.subjects.filter(pk=pk, leader__isnull=False).exists()]
        if with_leader:
            svc.selection_create(actor=admin, campaign=c, kind="leaders", title=f"{county.name}优秀教研组长",
                                 decided_on=today - dt.timedelta(days=1), subject_ids=with_leader)
        svc.objection_raise(actor=None, subject=other, reason="学校常规检查记录未纳入评分，请求复核。", today=today)
    return c


def _school_rubric(county: OrgNode) -> RubricVersion:
    def node(code: str, title: str, kind: str, pts: float, children: list[Any]) -> Any:
        return {"code": code, "title": title, "kind": kind, ("weight" if kind == "dimension" else "points"): pts,
                "mode": "points", "levels": [], "descriptor": "", "tools": [], "children": children}
    t = observe_services.template_create(actor=None, owner=county, name="学校办学质量考评细则",
                                         purpose=RubricPurpose.OTHER,
                                         description="学校与校长考评：质量以进步论（依进论出），增值取自质量监测。")
    v = t.versions.get()
    nodes = [node("1", "一 质量发展", "dimension", 30, [node("1.1", "学业增值（依进论出）", "point", 20, []),
                                                   node("1.2", "学生综合素质发展", "point", 10, [])]),
             node("2", "二 课程教学", "dimension", 30, [node("2.1", "课程开设与教学常规", "point", 30, [])]),
             node("3", "三 教研与教师发展", "dimension", 25, [node("3.1", "教研组建设与校本研修", "point", 25, [])]),
             node("4", "四 管理与保障", "dimension", 15, [node("4.1", "制度、经费与安全", "point", 15, [])])]
    observe_services.version_save(actor=None, version=v, scoring={"method": "sum", "total": 100, "bands": []},
                                  nodes=nodes)
    return observe_services.version_publish(actor=None, version=v)


def _va_papers(ctx: SeedContext) -> tuple[Paper | None, Paper | None]:
    ids = list(ctx.extra.get("quality_exam_ids") or [])  # type: ignore[call-overload]  # a list of ints left by quality.demo
    math = Subject.objects.filter(code="math").first()
    papers = list(Paper.objects.filter(exam_id__in=ids, subject=math, blocks__isnull=False).distinct()
                  .select_related("exam").order_by("exam__held_on"))
    return (papers[-1], papers[-2]) if len(papers) >= 2 else (None, None)


def campaigns(ctx: SeedContext) -> None:
    # The records the pre-fill reads stay as they are while the campaigns are scored: each
    # subject's pre-fill (and each campaign's value added) is computed once, not at every call.
    with prefill_memo():
        _campaigns(ctx)


def _campaigns(ctx: SeedContext) -> None:
    admin = _user(ctx, "county_admin")
    if admin is None or admin.person_id is None:
        return
    post = Post.objects.filter(person_id=admin.person_id, role=Role.ADMIN).select_related("org").first()
    if post is None or post.org.kind != OrgKind.COUNTY:
        return
    county = post.org
    term = term_by_key(county, ctx.term_key)
    start = term.start if term is not None else ctx.today - dt.timedelta(days=60)
    researcher_user = _user(ctx, "county_researcher")
    researcher = Person.objects.filter(pk=researcher_user.person_id).first() if researcher_user and researcher_user.person_id else None
    _group_campaign(ctx, county, admin, researcher, start)
    if researcher is None:
        return
    version = _school_rubric(county)
    paper, prior = _va_papers(ctx)
    c = svc.campaign_create(actor=None, org=county, kind="school", title=f"{county.name}{start.year}年学校办学质量考评",
                            start=start, end=max(start, ctx.today + dt.timedelta(days=30)), version=version,
                            value_added_code="1.1" if paper is not None else "", va_paper=paper, va_prior=prior)
    svc.subjects_generate(actor=None, campaign=c, within=_schools(county))
    svc.assessor_add(actor=None, campaign=c, stage="district", person=researcher)
    svc.campaign_open(actor=None, campaign=c)
    for i, s in enumerate(c.subjects.order_by("school__path")):
        stages = c.stages if i % 3 == 0 else c.stages[:1] if i % 3 == 1 else []
        try:
            _through(ctx, s, stages, ctx.rng.uniform(0.6, 0.95))
        except CampaignError:
            continue  # a school whose value added is not reported keeps its stage open
    p = svc.campaign_create(actor=None, org=county, kind="principal", title=f"{county.name}{start.year}年校长考评",
                            start=start, end=max(start, ctx.today + dt.timedelta(days=60)), version=version,
                            value_added_code="1.1" if paper is not None else "", va_paper=paper, va_prior=prior)
    svc.subjects_generate(actor=None, campaign=p, within=_schools(county))
    ctx.extra["appraisal.campaigns"] = Campaign.objects.filter(org=county).count()


register("appraisal.campaigns", campaigns, order=600)
