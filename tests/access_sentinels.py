"""Out-of-scope sentinels for the access tests: records with recognisable names placed where only
some roles may see them, and the means to find those names in any response body.

Each token below is part of the name (or topic, title) of every sentinel record at one place; the
access tests search every body a role receives for the tokens that role must not see. A token
sits on a school and the records at it: a teacher and a principal, a submitted evaluative
observation, a school-level exam, a rubric template owned by the school (and, for county B, an
early warning; a school-level research project and a school activity). The sets of roles that MAY
see a token follow the access modules: org subtree
of the posts (core.access). (A researcher's subject narrows the people lists, but
posts_visible_to shows every post held at a visible school, names included, so a subject is no
wall for a name and no sentinel tests it.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from tests.access_cases import COUNTY_A_ROLES, SCHOOL_A1_ROLES

if TYPE_CHECKING:
    from django.http import HttpResponse

    from tests.conftest import Cast

PROVINCE_ROLES = frozenset({"sysadmin", "institute_head", "province_researcher"})

# token -> the roles that may see a record carrying it (everyone else must never meet it).
SENTINELS: dict[str, frozenset[str]] = {
    # A school in another province.
    "越界哨兵省": frozenset({"sysadmin"}),
    # A school in another city of the cast's province.
    "越界哨兵市": PROVINCE_ROLES,
    # A second school in county B (not the outsiders' school B1).
    "越界哨兵区": PROVINCE_ROLES | {"city_researcher", "outside_researcher"},
    # County A's own exam and template: everyone in county A, nobody in county B.
    "越界哨兵县": SCHOOL_A1_ROLES | {"teacher_a2"},
    # Records at school A2: county A's staff and A2's teacher, not school A1's people.
    "越界哨兵校": COUNTY_A_ROLES | {"teacher_a2"},
    # Records at school A1.
    "越界哨兵甲": SCHOOL_A1_ROLES,
}


def forbidden_for(role: str) -> list[str]:
    return [token for token, seen_by in SENTINELS.items() if role not in seen_by]


def seed_sentinels(cast: Cast) -> dict[str, Any]:
    """Write the sentinel records (in the caller's transaction); returns them by token."""
    from core import services as core_services
    from core.models import OrgKind, Role, SchoolType, Subject
    from observe import services as observe_services
    from projects import services as project_services
    from quality import services as quality_services
    from quality.models import RuleKind
    from research.services import activities as activity_services
    from tests.quality.factories import make_exam

    s = core_services
    chinese = Subject.objects.get(code="chinese")
    start = dt.date(2020, 9, 1)
    counter = iter(range(1, 100))
    made: dict[str, Any] = {}

    def person(name: str, org: Any, *, subject: Subject = chinese, role: str = Role.TEACHER) -> Any:
        p = s.person_create(actor=None, code=f"S{next(counter):05d}", name=name, org=org, main_subject=subject,
                            stage="junior", teaching_since=2010)
        s.post_create(actor=None, person=p, role=role, org=org, subject=None, stage="", start=start)
        return p

    def school(code: str, token: str, parent: Any) -> Any:
        return s.org_node_create(actor=None, code=code, name=f"{token}学校", kind=OrgKind.SCHOOL, parent=parent,
                                 school_type=SchoolType.JUNIOR, locale="urban", class_count=12, student_count=500)

    def records(token: str, at: Any, *, observer: Any | None = None, term: Any = cast.term) -> dict[str, Any]:
        teacher = person(f"{token}教师", at)
        observer = observer or person(f"{token}校长", at, role=Role.PRINCIPAL)
        data = observe_services.ObservationData(teacher=teacher, school=at, date=dt.date(2026, 10, 9),
                                                subject=chinese, topic=f"{token}课", strengths="朗读指导到位",
                                                purpose="evaluative")
        obs = observe_services.observation_record(actor=None, observer=observer, data=data, submit=True)
        exam = make_exam(at, name=f"{token}考试")
        template = observe_services.template_create(actor=None, owner=at, name=f"{token}评价表")
        # The newer apps' records at the school: a school-level research project (课题) its
        # teacher leads, and a subject-group activity the school organises.
        project = project_services.project_create(
            actor=None, leader=teacher, title=f"{token}课题", level="school", applied_on=dt.date(2026, 3, 1),
            planned_end=dt.date(2027, 6, 30), application="研究设计")
        activity = activity_services.activity_create(actor=None, organiser=at, data=activity_services.ActivityData(
            form="group", level="school", term=term, title=f"{token}活动",
            start=dt.datetime(2026, 10, 14, 14, 0, tzinfo=dt.UTC), end=dt.datetime(2026, 10, 14, 16, 0, tzinfo=dt.UTC),
            theme="单元整体教学", plan="说课、研讨", subject=chinese, stage="junior", periods=2, place="本校会议室",
            host=teacher))
        return {"school": at, "teacher": teacher, "observation": obs, "exam": exam, "template": template,
                "project": project, "activity": activity}

    # Another province, with a city and a county on the way to its school.
    other = s.org_node_create(actor=None, code="150000", name="越界哨兵省", kind=OrgKind.PROVINCE, parent=None,
                              institute_name="越界哨兵省教科院")
    other_city = s.org_node_create(actor=None, code="150100", name="越界哨兵省一市", kind=OrgKind.CITY, parent=other)
    other_county = s.org_node_create(actor=None, code="150102", name="越界哨兵省一区", kind=OrgKind.COUNTY,
                                     parent=other_city)
    other_term = s.term_save(actor=None, region=other, school_year=2026, semester=1, start=dt.date(2026, 9, 1),
                             end=dt.date(2027, 1, 20))
    made["越界哨兵省"] = records("越界哨兵省", school("1150102001", "越界哨兵省", other_county), term=other_term)
    # The other province's issued yearly report (titled after its institute): read by its own
    # region posts only, so nobody of the cast but the system administrator.
    from appraisal.services import reports as report_services

    report = report_services.report_generate(actor=cast.users["sysadmin"], region=other, year=2026,
                                             today=dt.date(2026, 12, 20))
    made["越界哨兵省"]["yearly_report"] = report_services.report_issue(actor=cast.users["sysadmin"], report=report)
    # Another city of the cast's province.
    city2 = s.org_node_create(actor=None, code="140200", name="越界哨兵市", kind=OrgKind.CITY, parent=cast.province)
    county2 = s.org_node_create(actor=None, code="140202", name="越界哨兵市一区", kind=OrgKind.COUNTY, parent=city2)
    made["越界哨兵市"] = records("越界哨兵市", school("1140202001", "越界哨兵市", county2))
    # A second school in county B, with an early warning.
    b2 = made["越界哨兵区"] = records("越界哨兵区", school("1140106002", "越界哨兵区", cast.county_b))
    rule = quality_services.warning_rule_save(actor=None, org=cast.county_b, kind=RuleKind.LOW_RATE,
                                              params={"line": 0.0})
    quality_services.warnings_raise(actor=None, exam=b2["exam"], found=[{
        "rule_id": rule.pk, "paper_id": b2["exam"].papers.get().pk, "school_id": b2["school"].pk,
        "class_label": "", "norm_code": "QM.PLAN", "title": "越界哨兵区预警", "evidence": {"低分率": 0.3}}])
    # County A: an exam and a template of the county itself.
    made["越界哨兵县"] = {"exam": make_exam(cast.county_a, name="越界哨兵县考试"),
                        "template": observe_services.template_create(actor=None, owner=cast.county_a,
                                                                      name="越界哨兵县评价表")}
    # Schools A2 and A1 (observed by their own staff).
    made["越界哨兵校"] = records("越界哨兵校", cast.school_a2, observer=cast.people["teacher_a2"])
    made["越界哨兵甲"] = records("越界哨兵甲", cast.school_a1, observer=cast.people["vice_principal"])
    return made


# ---------------------------------------------------------------- reading bodies


def body_text(response: HttpResponse) -> str:
    """The text a user could read in a response: HTML or JSON as text (JSON also with its
    \\u escapes undone), the cells of an xlsx, the paragraphs and tables of a docx."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]  # StreamingHttpResponse
    else:
        content = response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype or "wordprocessingml" in ctype or content[:2] == b"PK":
        return _zip_text(content)
    text = content.decode("utf-8", errors="replace")
    if "json" in ctype:
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _zip_text(content: bytes) -> str:
    """Every XML part of an Office file (shared strings, sheets, the document body) as text:
    enough to find a name, whatever the generator put where."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return content.decode("utf-8", errors="replace")
    return "\n".join(archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()
                     if n.endswith(".xml"))


def leaks(role: str, text: str) -> list[str]:
    """The tokens `role` must not see that occur in `text`."""
    return [t for t in forbidden_for(role) if t in text]
