"""Pages of subject-group life over HTTP: the strips a principal reads, a group's page, the forms
(keeping what was typed when refused), the term summary as a real .docx, documents served
safely, and 联组."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.urls import reverse
from docx import Document

from core.models import Subject
from research.group_rules import fortnights
from research.models.activities import Attendance, Participant
from research.models.groups import GroupPlan, JointGroup, JournalSubscription, PlanKind
from research.services import groups as services
from tests.research.group_fixtures import activity, make_groups, previous_term
from tests.research.test_group_services import docx_upload


def _past_term_with_a_gap(cast: Any) -> dict[str, Any]:
    """Last semester's groups: the 数学组 met every fortnight but the third, the 语文组 every one."""
    term = previous_term(cast)
    groups = make_groups(cast, term.key)
    for i, (a, _) in enumerate(fortnights(term.start, term.end)):
        if i != 2:
            activity(cast, groups["数学组"], a + dt.timedelta(days=1), term=term)
        activity(cast, groups["语文组"], a + dt.timedelta(days=2), term=term)
    return groups


def test_principal_sees_the_strips_and_the_missed_fortnight(cast: Any, django_assert_max_num_queries: Any) -> None:
    _past_term_with_a_gap(cast)
    c = cast.client("principal")
    url = reverse("research:groups_home") + "?term=2025-2"  # the principal lands on his school
    with django_assert_max_num_queries(25):
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    math = re.search(r'<tr data-group="数学组">.*?</tr>', html, re.S)
    assert math is not None
    states = re.findall(r'data-state="(\w+)"', math.group(0))
    assert states == ["met", "met", "missed"] + ["met"] * 7
    assert "9/10" in math.group(0) and "缺1" in math.group(0)
    assert "有未开展集中教研的两周：数学组、英语组" in html


def test_region_role_picks_a_school_and_an_outsider_cannot_open_it(cast: Any) -> None:
    r = cast.client("county_admin").get(reverse("research:groups_home"))
    assert r.status_code == 200 and "小店第一中学" in r.content.decode() and "迎泽实验小学" not in r.content.decode()
    url = reverse("research:groups_home") + f"?school={cast.school_a1.code}"
    assert cast.client("outside_principal").get(url).status_code == 404


def test_group_page_shows_records_and_guide_attendance(cast: Any) -> None:
    groups = make_groups(cast, cast.term.key)
    math = groups["数学组"]
    leader = cast.users["group_leader"]
    services.plan_save(actor=leader, group=math, kind=PlanKind.SEMESTER, title="本学期数学组活动计划", text="…")
    services.journal_add(actor=leader, group=math, year=2026, title="中学数学教学参考")
    services.guide_assign(actor=cast.users["principal"], group=math, person=cast.people["vice_principal"])
    held = activity(cast, math, dt.date(2026, 9, 8))
    activity(cast, math, dt.date(2026, 9, 22))
    Participant.objects.create(activity=held, person=cast.people["vice_principal"], attendance=Attendance.PRESENT)
    r = cast.client("teacher").get(reverse("research:group_detail", args=[math.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "本学期数学组活动计划" in html and "《中学数学教学参考》" in html
    assert re.search(r"吴海燕.*参加本组活动 <strong>1</strong> / 2 次", html)
    assert "填写学期计划" not in html  # a teacher reads, does not write
    assert "填写学期计划" in cast.client("group_leader").get(reverse("research:group_detail", args=[math.pk])
                                                       ).content.decode()


def test_forms_keep_what_was_typed_on_error(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    c = cast.client("group_leader")
    url = reverse("research:group_plan_new", args=[math.pk])
    r = c.post(url, {"kind": "development", "title": "数学组发展规划（草）", "start_year": "2026", "years": "",
                     "text": "以课例研修带动青年教师成长"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "规划年限：应为3年或5年" in html
    assert 'value="数学组发展规划（草）"' in html and "以课例研修带动青年教师成长" in html
    r = c.post(reverse("research:group_journal_new", args=[math.pk]), {"title": "", "kind": "journal",
                                                                     "year": "2026"})
    assert r.status_code == 400 and "报刊名称：必填" in r.content.decode() and 'value="2026"' in r.content.decode()
    r = c.post(reverse("research:group_journal_new", args=[math.pk]), {"title": "数学通报", "kind": "journal",
                                                                     "year": "2026"})
    assert r.status_code == 302 and JournalSubscription.objects.filter(title="数学通报").exists()
    assert cast.client("teacher").get(url).status_code == 404


def test_plan_with_a_document_is_served_as_a_download(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    c = cast.client("group_leader")
    r = c.post(reverse("research:group_plan_new", args=[math.pk]),
               {"kind": "semester", "title": "学期计划", "file": docx_upload()})
    assert r.status_code == 302
    plan = GroupPlan.objects.get()
    r = cast.client("teacher").get(reverse("research:group_file", args=["plan", plan.pk]))
    assert r.status_code == 200
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]
    assert r["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(r.streaming_content))).paragraphs)
    assert "第一周：制定计划" in text
    assert cast.client("outside_teacher").get(reverse("research:group_file", args=["plan", plan.pk])
                                              ).status_code == 404


def test_term_summary_is_a_word_document(cast: Any) -> None:
    groups = _past_term_with_a_gap(cast)
    math = groups["数学组"]
    JournalSubscription.objects.create(group=math, year=2025, title="数学通报")
    r = cast.client("principal").get(reverse("research:group_summary", args=[math.pk]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "小店第一中学数学组2025—2026学年第二学期工作总结" in text
    assert "已过10个两周，开展9个，未开展集中教研的有第3个两周" in text
    assert "《数学通报》" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "未开展" in cells and "教研组活动" in cells


def test_joint_group_set_up_and_read(cast: Any) -> None:
    make_groups(cast, cast.term.key)
    c = cast.client("county_researcher")
    r = c.post(reverse("research:joint_group_new"), {
        "region": cast.county_a.code, "name": "小店区语文联组", "subject": Subject.objects.get(code="chinese").pk,
        "schools": f"{cast.school_a1.code}\n{cast.school_a2.code}", "lead_school": cast.school_a1.code})
    assert r.status_code == 302
    jg = JointGroup.objects.get()
    assert [g.name for g in jg.groups.all()] == ["语文组"]
    html = cast.client("teacher_a2").get(reverse("research:joint_group_detail", args=[jg.pk])).content.decode()
    assert "小店区语文联组" in html and "北格镇中心小学" in html
    assert cast.client("outside_teacher").get(reverse("research:joint_group_detail", args=[jg.pk])
                                              ).status_code == 404
    r = c.post(reverse("research:joint_group_new"), {"region": cast.county_a.code, "name": "联组二",
                                                     "schools": f"{cast.school_a1.code},9999999999"})
    assert r.status_code == 400 and "找不到学校标识码 9999999999" in r.content.decode()
    assert "联组二" in r.content.decode()


def test_mentoring_pair_counts_lessons_and_activities_between_them(cast: Any) -> None:
    from tests.access_cases_observe import _record

    groups = make_groups(cast, cast.term.key)
    chinese = groups["语文组"]
    services.mentor_pair_save(actor=cast.users["principal"], school=cast.school_a1, group=chinese,
                              mentor=cast.people["vice_principal"], mentee=cast.people["teacher"],
                              start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 10), goals="站稳讲台")
    _record(cast)  # the vice principal observes 何静's lesson on 9 Oct 2026
    _record(cast, submit=False)  # a draft is not counted
    both = activity(cast, chinese, dt.date(2026, 9, 15))
    alone = activity(cast, chinese, dt.date(2026, 9, 29))
    for a, people in ((both, ("vice_principal", "teacher")), (alone, ("teacher",))):
        for key in people:
            Participant.objects.create(activity=a, person=cast.people[key], attendance=Attendance.PRESENT)
    html = cast.client("principal").get(reverse("research:groups_home")).content.decode()
    assert "吴海燕 → 何静" in html and "互相听课 1 节 · 共同参加活动 1 次" in html
    detail = cast.client("teacher").get(reverse("research:group_detail", args=[chinese.pk])).content.decode()
    assert "互相听课 1 节 · 共同参加活动 1 次" in detail


def test_school_page_shows_which_leaders_guide_no_group(cast: Any) -> None:
    groups = make_groups(cast, cast.term.key)
    services.guide_assign(actor=cast.users["principal"], group=groups["数学组"], person=cast.people["principal"])
    services.guide_assign(actor=cast.users["principal"], group=groups["语文组"], person=cast.people["principal"])
    html = cast.client("principal").get(reverse("research:groups_home")).content.decode()
    section = re.search(r'data-testid="school-guides">.*?</section>', html, re.S)
    assert section is not None
    text = re.sub(r"<[^>]+>", "", section.group(0))
    assert "孙国庆：数学组、语文组" in text and "吴海燕：未包组" in text and "郑红梅：未包组" in text


def test_plan_edit_and_the_resource_bank_by_grade_and_tag(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    leader = cast.users["group_leader"]
    plan = services.plan_save(actor=leader, group=math, kind=PlanKind.SEMESTER, title="初稿", text="…")
    c = cast.client("group_leader")
    r = c.post(reverse("research:group_plan_edit", args=[plan.pk]), {"kind": "semester", "title": "定稿",
                                                                    "text": "每两周一次"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "定稿" and plan.term_key == cast.term.key
    for title, grade, unit, tags in (("函数教案", 8, "第三单元", ["函数"]), ("方程试卷", 7, "第二单元", ["方程", "期中"])):
        services.resource_add(actor=leader, group=math, kind="paper", title=title, grade=grade, unit=unit, tags=tags,
                              upload=docx_upload(f"{title}.docx"))
    url = reverse("research:group_detail", args=[math.pk])

    def section(html: str) -> str:
        found = re.search(r'data-testid="resources">.*?</section>', html, re.S)
        assert found is not None
        return found.group(0)

    both = section(c.get(url).content.decode())
    assert "函数教案" in both and "方程试卷" in both
    assert "方程试卷" not in section(c.get(url + "?grade=8").content.decode())
    only = section(c.get(url + "?tag=期中").content.decode())
    assert "方程试卷" in only and "函数教案" not in only
