"""A group's term summary as a Word document (core.documents, python-docx): what the group did in
the term, from its records, for the school's archive and the district's evaluation of groups
(003 附件: 教研组建设评价细则). The figures are read through research.access for the viewer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from core.access import AnyUser, group_members_visible_to
from core.compliance import effective_threshold
from core.documents import SONG_FONT, document_bytes, new_document
from core.models import TeachingGroup, Term
from research import group_selectors as sel
from research.access import (
    guides_visible_to,
    institutions_visible_to,
    journals_visible_to,
    leader_terms_visible_to,
    mentor_pairs_visible_to,
    plans_visible_to,
    resources_visible_to,
)
from research.group_rules import Strip
from research.models.activities import Activity
from research.models.groups import PlanKind, ResourceKind


@dataclass
class SummaryData:
    group: TeachingGroup
    term: Term
    strip: Strip
    threshold: float
    activities: list[Activity]
    members: list[str]
    plans: list[tuple[str, str, str]]  # kind label, title, period
    journals: list[str]
    institutions: list[tuple[str, str, str]]  # kind, title, date
    resources: Counter[str]
    guides: list[sel.GuideAttendance]
    leaders: list[tuple[str, str, str]]  # name, method, period
    mentoring: list[tuple[str, str, str]]  # mentor, mentee, period

    @property
    def title(self) -> str:
        return f"{self.group.school.name}{self.group.name}{self.term.label}工作总结"


def summary_data(user: AnyUser, group: TeachingGroup, term: Term) -> SummaryData:
    ref = sel.GroupRef(group.pk, group.school_id, group.name, group.kind, group.leader_id, group.parent_id)
    threshold = effective_threshold("GROUP.MEET", group.school) or 2
    strip = sel.meet_strips([ref], term, threshold)[group.pk]
    same = {"group__school": group.school, "group__name": group.name}
    plans = [(p.get_kind_display(), p.title, p.period_text) for p in plans_visible_to(user).filter(**same)
             if p.kind == PlanKind.DEVELOPMENT or p.term_key == term.key]
    return SummaryData(
        group=group, term=term, strip=strip, threshold=threshold,
        activities=sel.activities_of_groups([group.pk], term.start, term.end),
        members=[m.person.name for m in group_members_visible_to(user, group)],
        plans=plans,
        journals=[j.title for j in journals_visible_to(user).filter(**same, year=term.school_year).order_by("title")],
        institutions=[(i.get_kind_display(), i.title, f"{i.issued_on:%Y-%m-%d}")
                      for i in institutions_visible_to(user).filter(group=group)],
        resources=Counter(ResourceKind(r.kind).label for r in resources_visible_to(user).filter(group=group)),
        guides=sel.guide_attendance(group, list(guides_visible_to(user).filter(group=group)), term),
        leaders=[(t.person.name, t.get_method_display(), f"{t.start:%Y-%m-%d}至{t.end:%Y-%m-%d}")
                 for t in leader_terms_visible_to(user).filter(group=group)],
        mentoring=[(p.mentor.name, p.mentee.name, f"{p.start:%Y-%m-%d}至{p.end:%Y-%m-%d}")
                   for p in mentor_pairs_visible_to(user).filter(group=group)],
    )


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def build_summary(data: SummaryData) -> bytes:
    doc = new_document(font=SONG_FONT, size_pt=12)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(data.title)
    run.bold = True
    run.font.size = Pt(16)
    g = data.group
    doc.add_heading("一、基本情况", level=2)
    doc.add_paragraph(f"学科：{'、'.join(s.name for s in g.subjects.all())}；组长：{g.leader.name if g.leader else '未定'}；"
                      f"成员{len(data.members)}人：{'、'.join(data.members)}。")
    for name, method, period in data.leaders:
        doc.add_paragraph(f"组长聘任：{name}（{method}，{period}）。")

    doc.add_heading("二、规划与计划", level=2)
    if data.plans:
        for kind, title, period in data.plans:
            doc.add_paragraph(f"{kind}：{title}（{period}）")
    else:
        doc.add_paragraph("本学期未登记发展规划和学期活动计划。")

    doc.add_heading("三、集中教研活动", level=2)
    s = data.strip
    verdict = "均开展了集中教研" if s.meets else "未开展集中教研的有第" + "、".join(str(n) for n in s.missed_numbers) + "个两周"
    doc.add_paragraph(f"按每两周一次、每次不少于{data.threshold:g}课时的要求，本学期已过{s.elapsed}个两周，"
                      f"开展{s.met}个，{verdict}。共记录活动{len(data.activities)}次。")
    _table(doc, ["两周", "起止", "情况"],
           [[f"第{f.number}个", f"{f.start:%m-%d}至{f.end:%m-%d}", f.label] for f in s.fortnights])
    if data.activities:
        doc.add_paragraph()
        _table(doc, ["日期", "活动", "课时", "状态"],
               [[f"{timezone.localtime(a.start):%Y-%m-%d}", a.title, str(a.periods), a.get_status_display()] for a in data.activities])

    doc.add_heading("四、报刊、制度与资源", level=2)
    doc.add_paragraph(f"订阅报刊{len(data.journals)}种" + (f"：{'、'.join('《' + j + '》' for j in data.journals)}。"
                                                         if data.journals else "。"))
    if data.institutions:
        doc.add_paragraph("本组制度：" + "；".join(f"{k}《{t}》（{d}）" for k, t, d in data.institutions) + "。")
    res = "、".join(f"{k}{n}份" for k, n in sorted(data.resources.items())) or "暂无资料"
    doc.add_paragraph(f"校本学科资源库：{res}。")

    doc.add_heading("五、包组与师徒结对", level=2)
    if data.guides:
        for a in data.guides:
            doc.add_paragraph(f"包组领导{a.guide.person.name}参加本组活动{a.attended}次（共{a.held}次）。")
    else:
        doc.add_paragraph("本学期未安排包组领导。")
    for mentor, mentee, period in data.mentoring:
        doc.add_paragraph(f"师徒结对：{mentor}—{mentee}（{period}）。")
    return document_bytes(doc)
