"""Writes of the campaign engine: create and run a campaign, score each stage with the rubric
engine (observe.services.assessment_save), evidence, publication with ranks and levels,
objections (申诉) and the biennial selection of excellent 教研组 and group leaders.

Every function takes `actor=` first (None: the system, the demo and the tests' set-up), checks
the actor through appraisal.campaign_access, writes audit events and raises CampaignError with a
Chinese message naming the field.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from appraisal import campaign_access as access
from appraisal import campaign_rules as rules
from appraisal.models.campaigns import (
    Campaign,
    CampaignAssessor,
    CampaignKind,
    CampaignStatus,
    CampaignSubject,
    EvidenceKind,
    Objection,
    ObjectionStatus,
    Selection,
    SelectionEntry,
    SelectionKind,
    StageScore,
    SubjectEvidence,
)
from appraisal.services.campaign_prefill import prefill_for
from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import GroupKind, OrgKind, OrgNode, Person, Post, Role, TeachingGroup, User
from core.terms import current_term
from observe import rubrics
from observe import services as observe_services
from observe.errors import ObservationError
from observe.models import RubricVersion, VersionStatus
from quality.models import Paper

MAX_TEXT = 2000


class CampaignError(DomainError):
    """A refusal of the campaign engine; the message names the field in Chinese."""


def _require(ok: bool, message: str, field: str | None = None) -> None:
    if not ok:
        raise CampaignError(message, field=field)


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise CampaignError(f"{label}：不能为空", field=field)
    if len(text) > limit:
        raise CampaignError(f"{label}：不能超过{limit}字", field=field)
    return text


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("org", "version").get(pk=campaign.pk)


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(*, actor: User | None, org: OrgNode, kind: str, title: str, start: dt.date, end: dt.date,
                    version: RubricVersion, stages: list[rules.Stage] | None = None,
                    cutoffs: list[rules.Cutoff] | None = None, objection_days: int = 7,
                    value_added_code: str = "", va_paper: Paper | None = None,
                    va_prior: Paper | None = None) -> Campaign:
    _require(org.kind != OrgKind.SCHOOL, "组织单位：考评活动由区域教研机构组织", "org")
    if actor is not None:
        _require(access.can_run_at(actor, org), "组织单位：只能在本人所在区域组织考评活动", "org")
    _require(kind in CampaignKind.values, "考评类别：无效的类别", "kind")
    title = _text(title, "title", "名称", limit=100)
    _require(end >= start, "考评期结束：应不早于开始日期", "end")
    _require(version.status == VersionStatus.PUBLISHED, "评价量表：只能使用已发布的量表版本", "version")
    _require(rubrics.total_points(version.scoring) is not None, "评价量表：应为计分量表", "version")
    stages = stages if stages is not None else rules.DEFAULT_STAGES[kind]
    cutoffs = cutoffs if cutoffs is not None else rules.DEFAULT_CUTOFFS
    try:
        rules.check_stages(stages)
        rules.check_cutoffs(cutoffs)
    except DomainError as exc:
        raise CampaignError(exc.message, field=exc.field) from exc
    _require(0 <= objection_days <= 60, "申诉期：应在 0 到 60 天之间", "objection_days")
    if value_added_code:
        codes = {n["code"] for n in rubrics.leaves(version.nodes) if rubrics.rateable(n)}
        _require(value_added_code in codes, f"增值评价指标：量表中没有评分项“{value_added_code}”", "value_added_code")
        _require(va_paper is not None and va_prior is not None, "增值评价：请选择本次与前测的考试科目", "va_paper")
    if va_paper is not None and va_prior is not None:
        _require(va_paper.subject_id == va_prior.subject_id and va_prior.exam.held_on < va_paper.exam.held_on,
                 "增值评价：前测应为同一学科、更早的考试", "va_prior")
    campaign = Campaign.objects.create(org=org, kind=kind, title=title, start=start, end=end, version=version,
                                       stages=stages, cutoffs=cutoffs, objection_days=objection_days,
                                       value_added_code=value_added_code, va_paper=va_paper, va_prior=va_prior,
                                       created_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, campaign)
    return campaign


def _principal_of(school: OrgNode, on: dt.date) -> Person | None:
    post = (Post.objects.overlapping(on, on).filter(org=school, role=Role.PRINCIPAL).select_related("person")
            .order_by("start").first())
    return post.person if post is not None else None


@transaction.atomic
def subjects_generate(*, actor: User | None, campaign: Campaign, within: list[OrgNode] | None = None) -> int:
    """The subjects the kind gives, under the organiser (or only at the schools `within`): every
    confirmed or proposed 教研组 of the term in force at the campaign's end (教研组), every school
    (学校), every school's principal (校长), every teacher of the schools (教师). Subjects
    already there stay; returns how many were added."""
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "campaign")
    _require(campaign.status == CampaignStatus.DRAFT, "考评对象：只能在筹备阶段生成", "campaign")
    schools = list(OrgNode.objects.under(campaign.org.path).schools().order_by("path"))
    if within is not None:
        chosen = {n.pk for n in within}
        schools = [n for n in schools if n.pk in chosen]
    have = set(campaign.subjects.values_list("school_id", "label"))
    new: list[CampaignSubject] = []
    if campaign.kind == CampaignKind.GROUP:
        term = current_term(campaign.org, campaign.end)
        _require(term is not None, "考评对象：组织单位没有学期，无法确定教研组", "campaign")
        assert term is not None
        for g in (TeachingGroup.objects.filter(school__in=schools, term_key=term.key, kind=GroupKind.SUBJECT)
                  .select_related("school").order_by("school__path", "name")):
            if (g.school_id, g.name) not in have:
                new.append(CampaignSubject(campaign=campaign, school=g.school, group=g, label=g.name,
                                           leader_id=g.leader_id))
    elif campaign.kind == CampaignKind.SCHOOL:
        new = [CampaignSubject(campaign=campaign, school=s, label=s.name) for s in schools
               if (s.pk, s.name) not in have]
    elif campaign.kind == CampaignKind.PRINCIPAL:
        for s in schools:
            p = _principal_of(s, campaign.end)
            if p is not None and (s.pk, p.name) not in have:
                new.append(CampaignSubject(campaign=campaign, school=s, person=p, label=p.name))
    elif campaign.kind == CampaignKind.TEACHER:
        new = _teacher_subjects(campaign, schools, have)
    for subject in new:
        subject.save()
        audit_create(actor, subject)
    return len(new)


def _teacher_subjects(campaign: Campaign, schools: list[OrgNode], have: set[tuple[int, str]]) -> list[CampaignSubject]:
    """Everyone holding a teacher's post at one of the schools on the campaign's last day, once
    per school; a second teacher of one name at a school is told apart by their code."""
    posts = (Post.objects.overlapping(campaign.end, campaign.end)
             .filter(org__in=schools, role=Role.TEACHER).select_related("person", "org")
             .order_by("org__path", "person__pinyin", "person_id"))
    out: list[CampaignSubject] = []
    seen: set[tuple[int, int]] = set()
    taken = set(have)
    had = set(campaign.subjects.exclude(person=None).values_list("school_id", "person_id"))
    for post in posts:
        key = (post.org_id, post.person_id)
        if key in seen or key in had:
            continue
        seen.add(key)
        label = post.person.name
        if (post.org_id, label) in taken:
            label = f"{label}（{post.person.code}）"
        taken.add((post.org_id, label))
        out.append(CampaignSubject(campaign=campaign, school=post.org, person=post.person, label=label))
    return out


@transaction.atomic
def subject_add_person(*, actor: User | None, campaign: Campaign, person: Person) -> CampaignSubject:
    """A person as the subject of a generic (or principal) campaign."""
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "person")
    _require(campaign.status == CampaignStatus.DRAFT, "考评对象：只能在筹备阶段添加", "person")
    _require(campaign.kind in (CampaignKind.GENERIC, CampaignKind.PRINCIPAL), "考评对象：该类考评的对象由系统生成",
             "person")
    school = person.org
    _require(school.kind == OrgKind.SCHOOL and school.path.startswith(campaign.org.path),
             "考评对象：应为组织单位所辖学校的人员", "person")
    _require(not campaign.subjects.filter(person=person).exists(), f"考评对象：{person.name}已在名单中", "person")
    subject = CampaignSubject.objects.create(campaign=campaign, school=school, person=person, label=person.name)
    audit_create(actor, subject)
    return subject


@transaction.atomic
def assessor_add(*, actor: User | None, campaign: Campaign, stage: str, person: Person,
                 within: OrgNode | None = None) -> CampaignAssessor:
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "person")
    keys = {s["key"]: s for s in campaign.stages}
    _require(stage in keys, "环节：无效的环节", "stage")
    _require(keys[stage]["who"] == "assigned", f"环节：“{keys[stage]['label']}”由评价对象或学校评分，不必指定评审人",
             "stage")
    _require(campaign.status in (CampaignStatus.DRAFT, CampaignStatus.ASSESSING), "评审人：考评已公示，不能再指定",
             "person")
    if within is not None:
        _require(within.path.startswith(campaign.org.path), "负责范围：应在组织单位之内", "within")
    _require(not campaign.assessors.filter(stage=stage, person=person).exists(),
             f"评审人：{person.name}已是该环节的评审人", "person")
    row = CampaignAssessor.objects.create(campaign=campaign, stage=stage, person=person, within=within)
    audit_create(actor, row)
    return row


@transaction.atomic
def campaign_open(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Start the assessment: the subjects and every assigned stage's assessors are set."""
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "campaign")
    _require(campaign.status == CampaignStatus.DRAFT, "考评活动：已开始评审", "campaign")
    _require(campaign.subjects.exists(), "考评对象：名单为空，请先生成考评对象", "campaign")
    named = set(campaign.assessors.values_list("stage", flat=True))
    for s in campaign.stages:
        _require(s["who"] != "assigned" or s["key"] in named, f"评审人：“{s['label']}”环节还没有指定评审人", "campaign")
    old = snapshot(campaign)
    campaign.status = CampaignStatus.ASSESSING
    campaign.save(update_fields=["status", "updated_at"])
    audit_update(actor, campaign, old)
    return campaign


# ---------------------------------------------------------------- stage scores


def stage_of(campaign: Campaign, key: str) -> rules.Stage:
    for s in campaign.stages:
        if s["key"] == key:
            found: rules.Stage = s
            return found
    raise CampaignError("环节：无效的环节", field="stage")


def stage_initial(subject: CampaignSubject, stage: rules.Stage) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """What a stage's form starts from: the stage's own saved ratings, else the previous stage's,
    else the values pre-filled from the records (first stage). Returns (ratings, prefill)."""
    own = subject.scores.filter(stage=stage["key"]).select_related("assessment").first()
    if own is not None:
        return dict(own.assessment.ratings), dict(own.prefill)
    keys = [s["key"] for s in subject.campaign.stages]
    i = keys.index(stage["key"])
    if i > 0:
        prev = subject.scores.filter(stage=keys[i - 1]).select_related("assessment").first()
        if prev is not None:
            return dict(prev.assessment.ratings), {code: {"value": r.get("value"), "source": "上一环节评分"}
                                                   for code, r in prev.assessment.ratings.items()
                                                   if r.get("value") is not None}
    prefill = prefill_for(subject)
    return {code: {"value": p["value"], "comment": ""} for code, p in prefill.items()}, dict(prefill)


@transaction.atomic
def stage_score_save(*, actor: User | None, subject: CampaignSubject, stage: str,
                     ratings: dict[str, dict[str, Any]], reasons: dict[str, str] | None = None, comments: str = "",
                     submit: bool = False) -> StageScore:
    """Save (and with `submit`, hand in) a subject's score at a stage. A value changed from what
    the records pre-filled (or the previous stage gave) needs a reason, kept with the score."""
    subject = CampaignSubject.objects.select_for_update().select_related("campaign", "campaign__version",
                                                                         "school").get(pk=subject.pk)
    campaign = subject.campaign
    st = stage_of(campaign, stage)
    _require(campaign.status == CampaignStatus.ASSESSING, f"评分：考评活动{campaign.get_status_display()}，不能评分",
             "stage")
    if actor is not None:
        _require(access.can_score_stage(actor, subject, st), f"评分：您不是“{st['label']}”环节的评审人", "stage")
    done = set(subject.scores.filter(submitted_at__isnull=False).values_list("stage", flat=True))
    nxt = rules.next_stage(campaign.stages, done)
    _require(nxt is not None and nxt["key"] == stage,
             f"评分：“{st['label']}”环节已提交" if stage in done else f"评分：请先完成“{nxt['label'] if nxt else ''}”环节",
             "stage")
    _, prefill = stage_initial(subject, st)
    reasons = reasons or {}
    adjustments: dict[str, dict[str, Any]] = {}
    for code, pre in prefill.items():
        raw = ratings.get(code, {}).get("value")
        try:
            now = None if raw in (None, "") else float(raw)
        except (TypeError, ValueError):
            continue  # the rubric engine names the field
        was = pre.get("value")
        if now is None or was is None or math.isclose(now, float(was), abs_tol=1e-9):
            continue
        reason = (reasons.get(code) or "").strip()
        _require(bool(reason), f"{code}：与预填值 {float(was):g} 不同，请说明调整理由", f"reason_{code}")
        adjustments[code] = {"from": float(was), "to": now, "reason": reason[:500]}
    comments = _text(comments, "comments", "评语", required=False)
    row = subject.scores.filter(stage=stage).select_related("assessment").first()
    try:
        assessment = observe_services.assessment_save(actor=actor, version=campaign.version, ratings=ratings,
                                                      assessment=row.assessment if row is not None else None)
    except ObservationError as exc:
        raise CampaignError(exc.message, field=exc.field) from exc
    if submit:
        _require(assessment.total is not None, f"评分：还有{assessment.item_count - assessment.rated_count}项未评分",
                 "stage")
    who = actor if actor is not None and actor.pk else None
    if row is None:
        row = StageScore.objects.create(subject=subject, stage=stage, assessment=assessment, total=assessment.total,
                                        prefill=prefill, adjustments=adjustments, comments=comments, assessor=who,
                                        submitted_at=timezone.now() if submit else None)
        audit_create(actor, row)
    else:
        old = snapshot(row)
        row.total, row.adjustments, row.comments, row.assessor = assessment.total, adjustments, comments, who
        row.submitted_at = timezone.now() if submit else None
        row.save(update_fields=["total", "adjustments", "comments", "assessor", "submitted_at", "updated_at"])
        audit_update(actor, row, old)
    if submit and stage == campaign.stages[-1]["key"]:
        old = snapshot(subject)
        subject.final_score = assessment.total
        subject.save(update_fields=["final_score", "updated_at"])
        audit_update(actor, subject, old)
    return row


@transaction.atomic
def evidence_add(*, actor: User | None, subject: CampaignSubject, indicator: str, kind: str, text: str = "",
                 url: str = "", file: UploadedFile[Any] | None = None) -> SubjectEvidence:
    campaign = subject.campaign
    if actor is not None:
        _require(access.is_self(actor, subject) or access.can_see_scores(actor, subject) and not
                 access.is_organiser(actor, campaign) or access.can_run(actor, campaign),
                 "佐证材料：只有评价对象和评审人可以上传", "indicator")
    _require(campaign.status in (CampaignStatus.DRAFT, CampaignStatus.ASSESSING), "佐证材料：考评已公示，不能再上传",
             "indicator")
    codes = {n["code"] for n in rubrics.iter_nodes(campaign.version.nodes)}
    _require(indicator in codes, "指标：量表中没有该指标", "indicator")
    _require(kind in EvidenceKind.values, "类别：无效的类别", "kind")
    text = _text(text, "text", "说明", required=kind == EvidenceKind.NOTE, limit=500)
    if kind == EvidenceKind.LINK:
        _require(url.startswith(("http://", "https://")), "链接：应以 http:// 或 https:// 开头", "url")
    if kind == EvidenceKind.FILE:
        _require(file is not None, "文件：请选择要上传的文件", "file")
        assert file is not None
        _require(file.size is not None and file.size <= 20 * 1024 * 1024, "文件：不能超过 20MB", "file")
    ev = SubjectEvidence(subject=subject, indicator=indicator, kind=kind, text=text,
                         url=url if kind == EvidenceKind.LINK else "",
                         added_by=actor if actor is not None and actor.pk else None)
    if kind == EvidenceKind.FILE and file is not None:
        ev.file.save(file.name or "evidence", file, save=False)
    ev.save()
    audit_create(actor, ev)
    return ev


# ---------------------------------------------------------------- results


def _rerank(actor: User | None, campaign: Campaign) -> None:
    subjects = list(campaign.subjects.all())
    ranked = rules.ranks({s.pk: s.final_score for s in subjects})
    for s in subjects:
        level = rules.level_for(s.final_score, campaign.cutoffs) if s.final_score is not None else ""
        rank = ranked.get(s.pk)
        if (s.rank, s.level) != (rank, level):
            old = snapshot(s)
            s.rank, s.level = rank, level
            s.save(update_fields=["rank", "level", "updated_at"])
            audit_update(actor, s, old)


@transaction.atomic
def campaign_publish(*, actor: User | None, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """Rank every subject by its final score, give each its level, and publish to each subject;
    the objection window opens on the day."""
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "campaign")
    _require(campaign.status == CampaignStatus.ASSESSING, "公示：只有评审中的考评可以公示", "campaign")
    missing = campaign.subjects.filter(final_score__isnull=True).order_by("school__path", "label").first()
    _require(missing is None, f"公示：{missing.school.name if missing else ''}{missing.label if missing else ''}"
                              f"的“{campaign.stages[-1]['label']}”环节尚未提交", "campaign")
    _rerank(actor, campaign)
    old = snapshot(campaign)
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.published_on = today or timezone.localdate()
    campaign.save(update_fields=["status", "published_at", "published_on", "updated_at"])
    audit_update(actor, campaign, old)
    return campaign


@transaction.atomic
def campaign_close(*, actor: User | None, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "campaign")
    _require(campaign.status == CampaignStatus.PUBLISHED, "结束：只有已公示的考评可以结束", "campaign")
    day = today or timezone.localdate()
    assert campaign.published_on is not None
    _require(day > rules.objection_deadline(campaign.published_on, campaign.objection_days),
             "结束：申诉期尚未结束", "campaign")
    _require(not Objection.objects.filter(subject__campaign=campaign, status=ObjectionStatus.OPEN).exists(),
             "结束：还有未处理的申诉", "campaign")
    old = snapshot(campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    audit_update(actor, campaign, old)
    return campaign


@transaction.atomic
def objection_raise(*, actor: User | None, subject: CampaignSubject, reason: str,
                    today: dt.date | None = None) -> Objection:
    subject = CampaignSubject.objects.select_for_update().select_related("campaign").get(pk=subject.pk)
    campaign = subject.campaign
    if actor is not None:
        _require(access.is_self(actor, subject), "申诉：只有评价对象本人可以申诉", "reason")
    day = today or timezone.localdate()
    _require(campaign.status == CampaignStatus.PUBLISHED and
             rules.objection_open(campaign.published_on, campaign.objection_days, day),
             "申诉：不在申诉期内" if campaign.published_on is None else
             f"申诉：申诉期至{rules.objection_deadline(campaign.published_on, campaign.objection_days):%Y-%m-%d}，已过期"
             if day > rules.objection_deadline(campaign.published_on, campaign.objection_days) else "申诉：不在申诉期内",
             "reason")
    _require(not subject.objections.filter(status=ObjectionStatus.OPEN).exists(), "申诉：已有一件申诉正在处理",
             "reason")
    reason = _text(reason, "reason", "申诉理由")
    obj = Objection.objects.create(subject=subject, raised_by=actor if actor is not None and actor.pk else None,
                                   reason=reason, raised_on=day, old_score=subject.final_score)
    audit_create(actor, obj)
    return obj


@transaction.atomic
def objection_handle(*, actor: User | None, objection: Objection, upheld: bool, response: str,
                     new_score: float | None = None) -> Objection:
    """The organiser's answer: upheld changes the subject's final score (ranks and levels of the
    whole campaign follow), rejected keeps it; either way with a reason, audited."""
    objection = Objection.objects.select_for_update().select_related("subject__campaign").get(pk=objection.pk)
    subject, campaign = objection.subject, objection.subject.campaign
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "response")
    _require(objection.status == ObjectionStatus.OPEN, "申诉：该申诉已处理", "response")
    response = _text(response, "response", "处理意见")
    old = snapshot(objection)
    if upheld:
        top = rubrics.total_points(campaign.version.scoring) or 100.0
        _require(new_score is not None and math.isfinite(new_score) and 0 <= new_score <= top,
                 f"改后得分：应在 0 到 {top:g} 之间", "new_score")
        assert new_score is not None
        _require(not math.isclose(new_score, subject.final_score or 0.0), "改后得分：与原得分相同；申诉不成立请选择“不成立”",
                 "new_score")
        s_old = snapshot(subject)
        subject.final_score = round(new_score, 2)
        subject.save(update_fields=["final_score", "updated_at"])
        audit_update(actor, subject, s_old)
        _rerank(actor, campaign)
        objection.new_score = subject.final_score
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.response = response
    objection.handled_by = actor if actor is not None and actor.pk else None
    objection.handled_at = timezone.now()
    objection.save(update_fields=["status", "response", "new_score", "handled_by", "handled_at", "updated_at"])
    audit_update(actor, objection, old)
    return objection


# ---------------------------------------------------------------- selections (GROUP.AWARDS)


@transaction.atomic
def selection_create(*, actor: User | None, campaign: Campaign, kind: str, title: str, decided_on: dt.date,
                     subject_ids: list[int], note: str = "") -> Selection:
    """Excellent 教研组 (or their leaders) chosen from a published 教研组 evaluation's results."""
    campaign = _locked(campaign)
    if actor is not None:
        _require(access.can_run(actor, campaign), "没有权限", "kind")
    _require(campaign.kind == CampaignKind.GROUP, "评选：只能依据教研组评价的结果", "kind")
    _require(campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.CLOSED), "评选：考评结果尚未公示", "kind")
    _require(kind in SelectionKind.values, "类别：无效的类别", "kind")
    _require(not Objection.objects.filter(subject__campaign=campaign, status=ObjectionStatus.OPEN).exists(),
             "评选：还有未处理的申诉，请先处理", "kind")
    _require(not campaign.selections.filter(kind=kind).exists(),
             f"类别：该考评已评选过{SelectionKind(kind).label}", "kind")
    title = _text(title, "title", "名称", limit=100)
    note = _text(note, "note", "说明", required=False)
    subjects = list(campaign.subjects.filter(pk__in=subject_ids).select_related("leader").order_by("rank"))
    _require(bool(subjects), "入选名单：请至少选择一个", "subjects")
    if kind == SelectionKind.LEADERS:
        lacking = [s.label for s in subjects if s.leader_id is None]
        _require(not lacking, f"入选名单：{'、'.join(lacking)}没有教研组长", "subjects")
    selection = Selection.objects.create(org=campaign.org, campaign=campaign, kind=kind, title=title,
                                         decided_on=decided_on, note=note,
                                         decided_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, selection)
    for s in subjects:
        entry = SelectionEntry.objects.create(selection=selection, subject=s,
                                              person=s.leader if kind == SelectionKind.LEADERS else None)
        audit_create(actor, entry)
    return selection
