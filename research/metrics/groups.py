"""The subject-group norms (spec/norms.md, "Schools: leaders, groups, teachers"), measured from the
records: GROUP.MEMBERSHIP, GROUP.PLAN, GROUP.MEET, GROUP.JOURNALS, GROUP.KEY_SUBJECTS (003).

Rows are per 教研组 for the norms that bind each group (PLAN, MEET, JOURNALS) and per school for
those that bind the school (MEMBERSHIP, KEY_SUBJECTS). Each reads only schools the (system)
viewer sees; the computation is research.group_rules.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser, groups_visible_to, schools_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import OrgNode, Person, Subject
from research.group_rules import key_subjects_in_force, membership_gaps
from research.group_selectors import (
    GroupRef,
    group_rosters,
    journal_counts,
    key_subject_rows,
    meet_strips,
    plan_facts,
    subject_groups,
    taught_subjects,
)

SHOWN_NAMES = 5


def _schools(ctx: MetricContext) -> list[OrgNode]:
    return list(schools_visible_to(ctx.user).under(ctx.node.path).only("id", "code", "name", "path"))


def _group_url(g: GroupRef) -> str:
    return reverse("research:group_detail", args=[g.pk])


@link_guard
def group_link(user: AnyUser, url: str) -> bool | None:
    """A row's link to a group's page shows only to a viewer who may open it: a subject
    researcher sees the county's schools in the norms, not the groups of other subjects."""
    prefix = reverse("research:group_detail", args=[0])[:-2]
    if not url.startswith(prefix):
        return None
    tail = url[len(prefix):].rstrip("/")
    if not tail.isdigit():
        return None  # the school's page (?school=…), which checks the school itself
    return groups_visible_to(user).filter(pk=int(tail)).exists()


def _per_group(ctx: MetricContext) -> tuple[dict[int, OrgNode], list[GroupRef]]:
    assert ctx.term is not None
    schools = {s.pk: s for s in _schools(ctx)}
    by_school = subject_groups(list(schools), ctx.term.key)
    return schools, [g for sid in schools for g in by_school.get(sid, [])]


@metric("GROUP.MEET", needs_term=True)
def group_meet(ctx: MetricContext) -> list[Row]:
    """Each 教研组 holds a concentrated activity of at least the threshold's periods (2) in every
    fortnight of the term counted from its first day (003 四(二): 每两周一次…每次活动时间一般不少于
    2课时); fortnights still under way do not count against it, cancelled activities do not count."""
    assert ctx.term is not None and ctx.threshold is not None
    schools, groups = _per_group(ctx)
    strips = meet_strips(groups, ctx.term, ctx.threshold, timezone.localdate())
    rows = []
    for g in groups:
        strip = strips[g.pk]
        if not strip.elapsed:
            detail = "本学期尚无已结束的两周"
        elif strip.missed:
            detail = f"{strip.elapsed}个两周中{strip.missed}个未开展集中教研：第" + "、".join(
                str(n) for n in strip.missed_numbers) + "个两周"
        else:
            detail = f"{strip.met}个两周均已开展集中教研"
        rows.append(Row(label=g.name, meets=strip.meets, value=strip.met, target=strip.elapsed or None,
                        detail=detail, context=schools[g.school_id].name, url=_group_url(g),
                        path=schools[g.school_id].path))
    return rows


@metric("GROUP.PLAN", needs_term=True)
def group_plan(ctx: MetricContext) -> list[Row]:
    """Each 教研组 has a 3- or 5-year development plan covering the term's school year and an
    activity plan for the term (003 二(二): 研究制定本组的（3年或5年）发展规划和学期教研活动计划);
    the threshold is the number of each required (1)."""
    assert ctx.term is not None and ctx.threshold is not None
    schools, groups = _per_group(ctx)
    facts = plan_facts(groups, ctx.term)
    rows = []
    for g in groups:
        f = facts[g.pk]
        missing = [label for n, label in ((f.development, "发展规划"), (f.semester, "学期活动计划"))
                   if not ctx.within(n)]
        detail = "缺" + "、".join(missing) if missing else "发展规划和学期活动计划齐全"
        rows.append(Row(label=g.name, meets=not missing, value=min(f.development, f.semester), target=ctx.threshold,
                        detail=detail, context=schools[g.school_id].name, url=_group_url(g),
                        path=schools[g.school_id].path))
    return rows


@metric("GROUP.JOURNALS", needs_term=True)
def group_journals(ctx: MetricContext) -> list[Row]:
    """Each 教研组 subscribes to at least the threshold's number (3) of subject journals or
    newspapers in the term's school year (003 附件 九: 每个教研组集体应配订三份以上学科专业报纸或杂志)."""
    assert ctx.term is not None and ctx.threshold is not None
    schools, groups = _per_group(ctx)
    counts = journal_counts(groups, ctx.term.school_year)
    year = f"{ctx.term.school_year}—{ctx.term.school_year + 1}学年"
    return [Row(label=g.name, meets=ctx.within(counts[g.pk]), value=counts[g.pk], target=ctx.threshold,
                detail=f"{year}订阅{counts[g.pk]}种报刊", context=schools[g.school_id].name, url=_group_url(g),
                path=schools[g.school_id].path)
            for g in groups]


@metric("GROUP.KEY_SUBJECTS", needs_term=True)
def group_key_subjects(ctx: MetricContext) -> list[Row]:
    """Each school names key subjects for development, within the range (1 to 2) in force in the
    term's school year (003 四(一): 选出1—2个学科做为本校学科建设的重点学科)."""
    assert ctx.term is not None
    schools = _schools(ctx)
    rows_by_school = key_subject_rows([s.pk for s in schools])
    names = dict(Subject.objects.values_list("id", "name"))
    rows = []
    for s in schools:
        named = sorted(key_subjects_in_force(rows_by_school.get(s.pk, []), ctx.term.school_year),
                       key=lambda sid: names.get(sid, ""))
        if not named:
            detail = "尚未确定重点学科"
        else:
            detail = "重点学科：" + "、".join(names.get(sid, "") for sid in named)
            if not ctx.within(len(named)):
                detail += f"（{len(named)}个，超过规定数量）"
        rows.append(Row(label=s.name, meets=ctx.within(len(named)), value=len(named),
                        target=ctx.threshold_max or ctx.threshold, detail=detail,
                        url=reverse("research:groups_home") + f"?school={s.code}", path=s.path))
    return rows


@metric("GROUP.MEMBERSHIP", needs_term=True)
def group_membership(ctx: MetricContext) -> list[Row]:
    """Everyone teaching at a school in the term — teachers and the school leaders who teach — is a
    member of a 教研组 of every subject they teach: the main subject's group and the groups of the
    other subjects taught (003 三(一): 跨学科教师编入其主要任课学科教研组，同时必须参加兼课学科教研组
    活动。学校领导按兼课情况都应编入相应教研组). Measured from posts and subjects taught against the
    groups' rosters, so a teacher hired or given a new subject after the groups were formed shows."""
    assert ctx.term is not None
    schools = _schools(ctx)
    ids = [s.pk for s in schools]
    taught = taught_subjects(ids, ctx.term)
    rosters = group_rosters(ids, ctx.term.key)
    subject_names = dict(Subject.objects.values_list("id", "name"))
    all_gaps = {s.pk: membership_gaps({p: subj for p, subj in taught.get(s.pk, {}).items() if subj},
                                      rosters.get(s.pk, [])) for s in schools}
    short_people = {pid for gaps in all_gaps.values() for pid in gaps}
    names = dict(Person.objects.filter(pk__in=short_people).values_list("pk", "name"))
    rows = []
    for s in schools:
        teaching = {p for p, subj in taught.get(s.pk, {}).items() if subj}
        gaps = all_gaps[s.pk]
        if not teaching:
            continue
        if not rosters.get(s.pk):
            detail = "本学期尚未组建教研组"
        elif gaps:
            shown = sorted(gaps.items(), key=lambda kv: names.get(kv[0], ""))[:SHOWN_NAMES]
            detail = f"{len(gaps)}人未编入任教学科的教研组：" + "；".join(
                names.get(pid, "") + "（" + "、".join(sorted(subject_names.get(x, "") for x in missing)) + "）"
                for pid, missing in shown) + ("等" if len(gaps) > SHOWN_NAMES else "")
        else:
            detail = f"{len(teaching)}名任课教师均编入任教学科的教研组"
        rows.append(Row(label=s.name, meets=not gaps, value=len(teaching) - len(gaps), target=len(teaching),
                        detail=detail, url=reverse("school_groups", args=[s.code]), path=s.path))
    return rows
