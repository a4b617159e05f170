"""The research app's panels on the core's school and group pages (core.panels): subject-group
life at a glance — each 教研组's fortnights met and missed this term (GROUP.MEET) on a school's
page; on a group's page its strip, plans and journals. Registered by the AppConfig's
`page_panels = "research.panels.page_panels"`."""

from __future__ import annotations

from django.urls import reverse

from core.access import AnyUser, groups_visible_to
from core.compliance import effective_threshold
from core.models import GroupKind, OrgNode, TeachingGroup
from core.panels import Panel, PanelLine
from core.terms import current_term, term_by_key
from research import group_selectors as sel
from research.access import journals_visible_to, plans_visible_to
from research.models.groups import PlanKind

SHOWN = 8


def _ref(g: TeachingGroup) -> sel.GroupRef:
    return sel.GroupRef(g.pk, g.school_id, g.name, g.kind, g.leader_id, g.parent_id)


def page_panels(user: AnyUser, *, school: OrgNode | None = None, group: TeachingGroup | None = None) -> list[Panel]:
    if school is not None:
        return _school_panel(user, school)
    if group is not None:
        return _group_panel(user, group)
    return []


def _school_panel(user: AnyUser, school: OrgNode) -> list[Panel]:
    term = current_term(school)
    if term is None:
        return []
    groups = list(groups_visible_to(user).filter(school=school, term_key=term.key, kind=GroupKind.SUBJECT)
                  .order_by("name"))
    if not groups:
        return []
    strips = sel.meet_strips([_ref(g) for g in groups], term, effective_threshold("GROUP.MEET", school) or 2)
    short = [g for g in groups if strips[g.pk].missed]
    lines = [PanelLine(text=f"{g.name}：已开展{strips[g.pk].met}/{strips[g.pk].elapsed}个两周",
                       tag=f"缺{strips[g.pk].missed}" if strips[g.pk].missed else "达标", bad=bool(strips[g.pk].missed),
                       url=reverse("research:group_detail", args=[g.pk]))
             for g in sorted(groups, key=lambda g: -strips[g.pk].missed)[:SHOWN]]
    summary = (f"{len(groups)}个教研组，{len(short)}个有未开展集中教研的两周" if short
               else f"{len(groups)}个教研组均坚持每两周集中教研")
    return [Panel(title="教研组每两周集中教研", summary=summary, lines=lines,
                  url=reverse("research:groups_home") + f"?school={school.code}&term={term.key}",
                  url_label="查看两周条")]


def _group_panel(user: AnyUser, group: TeachingGroup) -> list[Panel]:
    if group.kind != GroupKind.SUBJECT:
        return []
    term = term_by_key(group.school, group.term_key)
    if term is None:
        return []
    strip = sel.meet_strips([_ref(group)], term, effective_threshold("GROUP.MEET", group.school) or 2)[group.pk]
    same = {"group__school": group.school, "group__name": group.name}
    semester = plans_visible_to(user).filter(**same, kind=PlanKind.SEMESTER, term_key=term.key).exists()
    journals = journals_visible_to(user).filter(**same, year=term.school_year).count()
    lines = [PanelLine(text=f"每两周集中教研：已开展{strip.met}/{strip.elapsed}个两周",
                       tag="第" + "、".join(str(n) for n in strip.missed_numbers) + "个两周未开展" if strip.missed
                       else "达标", bad=bool(strip.missed)),
             PanelLine(text="学期活动计划", tag="已制定" if semester else "未制定", bad=not semester),
             PanelLine(text=f"订阅报刊{journals}种", tag="达标" if journals >= 3 else "不足3种", bad=journals < 3)]
    return [Panel(title="教研组建设", summary=f"{term.label}", lines=lines,
                  url=reverse("research:group_detail", args=[group.pk]), url_label="进入本组")]
