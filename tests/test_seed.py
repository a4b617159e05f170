"""The demo generator (core.demo, `manage.py seed`): determinism, shape and realism of the data,
the demo logins, and the states the compliance pages need to show.

The demo world is seeded once for the module inside an outer transaction that is rolled back at
the end (each test still runs in its own savepoint through the `db` fixture), so the suite pays
for one seed, not one per test. Determinism is tested on the `tiny` scale's shared seed
(tests/demo/test_determinism.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from core.compliance import compliance_for
from core.curriculum import SUBJECTS
from core.demo import DEMO_LOGINS
from core.demo.generator import SeedResult
from core.demo.seeding import SeedRefused, flush_database, seed_database
from core.models import (
    RESEARCHER_ROLES,
    SCHOOL_TYPE_STAGES,
    TITLE_RANK,
    Designation,
    GroupStatus,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    SchoolType,
    TeachingGroup,
    Term,
    Title,
    User,
)
from core.terms import current_term
from observe import aggregates
from observe.demo import overall_grade, topics_for
from observe.models import Observation, ObservationAggregate
from quality.demo import grade_label

AS_OF = dt.date(2026, 11, 27)
CURRICULUM = {s.code: s.stages for s in SUBJECTS}


# ---------------------------------------------------------------- one shared demo world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[SeedResult]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]  # pytest-django's fixture object is untyped
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed_database(scale="demo", seed=1)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(world: SeedResult, db: None) -> SeedResult:
    return world


def test_rerun_is_refused_without_flush(demo: SeedResult) -> None:
    with pytest.raises(SeedRefused, match="--flush"):
        seed_database(scale="demo", seed=1)
    with pytest.raises(CommandError, match="已有数据"):
        call_command("seed", "--scale", "demo", "--seed", "1")


def test_counts_within_demo_ranges(demo: SeedResult) -> None:
    kinds = Counter(OrgNode.objects.values_list("kind", flat=True))
    assert (kinds[OrgKind.PROVINCE], kinds[OrgKind.CITY], kinds[OrgKind.COUNTY]) == (1, 1, 3)
    assert 35 <= kinds[OrgKind.SCHOOL] <= 45
    assert 1_200 <= Person.objects.count() <= 1_800
    teachers = Person.objects.filter(org__kind=OrgKind.SCHOOL).count()
    designated = Designation.objects.values("person").distinct().count()
    assert 0.05 <= designated / teachers <= 0.12


def test_codes_and_paths(demo: SeedResult) -> None:
    nodes = {n.pk: n for n in OrgNode.objects.all()}
    for n in nodes.values():
        parent = nodes.get(n.parent_id) if n.parent_id else None
        assert n.path == (parent.path if parent else "") + n.code + "/"
        assert n.depth == (parent.depth + 1 if parent else 0)
        if n.kind == OrgKind.SCHOOL:
            # 学校标识码: "1" + the county's 6-digit code + a 3-digit serial.
            assert parent is not None and parent.kind == OrgKind.COUNTY
            assert len(n.code) == 10 and n.code.isdigit() and n.code[1:7] == parent.code
        else:
            assert len(n.code) == 6 and n.code.isdigit()
            assert n.bureau_name.endswith(("教育局", "教育厅")) and n.institute_name
        if n.kind == OrgKind.PROVINCE:
            assert n.code.endswith("0000")
        if n.kind == OrgKind.CITY:
            assert parent is not None and n.code[:2] == parent.code[:2] and n.code.endswith("00")
        if n.kind == OrgKind.COUNTY:
            assert parent is not None and n.code[:4] == parent.code[:4] and not n.code.endswith("00")
            assert n.name.endswith(("区", "县", "市"))


def test_school_mix_is_realistic(demo: SeedResult) -> None:
    schools = list(OrgNode.objects.schools())
    types = Counter(s.school_type for s in schools)
    assert types[SchoolType.PRIMARY] > types[SchoolType.JUNIOR] > 0
    assert types[SchoolType.SENIOR] + types[SchoolType.COMPLETE] >= 3
    rural = [s for s in schools if s.locale == "rural"]
    assert 0.3 <= len(rural) / len(schools) <= 0.5
    weak = [s for s in schools if s.is_weak]
    assert 0.05 <= len(weak) / len(schools) <= 0.2
    for s in schools:
        assert s.latitude is not None and s.longitude is not None and s.address
        if s.is_teaching_point:
            assert s.locale == "rural" and s.school_type == SchoolType.PRIMARY and 1 <= s.class_count <= 4
            assert s.name.endswith("教学点")
        elif s.school_type == SchoolType.PRIMARY and s.locale == "urban":
            assert 24 <= s.class_count <= 48
        elif s.school_type == SchoolType.SENIOR:
            assert 24 <= s.class_count <= 60
        if not s.is_teaching_point:
            assert 25 * s.class_count <= s.student_count <= 50 * s.class_count


def test_subjects_follow_the_curriculum(demo: SeedResult) -> None:
    people = Person.objects.filter(org__kind=OrgKind.SCHOOL).select_related("org", "main_subject") \
        .prefetch_related("subjects")
    for p in people:
        assert p.stage in SCHOOL_TYPE_STAGES[p.org.school_type]
        assert p.main_subject is not None and p.stage in CURRICULUM[p.main_subject.code]
        for other in p.subjects.all():
            assert p.stage in CURRICULUM[other.code]
    # Spot checks that read as the brief says them.
    assert not people.filter(org__school_type=SchoolType.PRIMARY, main_subject__code="physics").exists()
    assert not people.filter(org__school_type=SchoolType.SENIOR, main_subject__code="science").exists()
    # Teachers per subject follow the weekly load: Chinese teachers outnumber music teachers.
    mains = Counter(people.values_list("main_subject__code", flat=True))
    assert mains["chinese"] > mains["math"] > mains["music"] > 0
    # Small schools teach uncovered subjects on the side.
    assert Person.subjects.through.objects.filter(person__org__class_count__lt=12).exists()


def test_titles_and_ages_are_consistent(demo: SeedResult) -> None:
    young_senior = Person.objects.filter(birth_year__gt=AS_OF.year - 30,
                                         title__in=[Title.SENIOR, Title.SENIOR_PROF])
    assert not young_senior.exists()
    for p in Person.objects.exclude(teaching_since=None):
        assert p.birth_year is not None and p.teaching_since is not None
        assert p.birth_year + 20 <= p.teaching_since <= AS_OF.year
    titles = Counter(Person.objects.filter(org__kind=OrgKind.SCHOOL).values_list("title", flat=True))
    total = sum(titles.values())
    assert titles[Title.FIRST] / total > 0.3 and titles[Title.SENIOR_PROF] / total < 0.02
    primary = Counter(Person.objects.filter(stage="primary").values_list("gender", flat=True))
    assert primary["f"] > 2 * primary["m"]


def test_few_duplicate_names(demo: SeedResult) -> None:
    names = Counter(Person.objects.values_list("name", flat=True))
    duplicates = sum(n - 1 for n in names.values() if n > 1)
    assert duplicates <= 3
    assert all(p and i for p, i in Person.objects.values_list("pinyin", "initials"))


def test_posts_at_schools(demo: SeedResult) -> None:
    for school in OrgNode.objects.schools():
        roles = Counter(Post.objects.filter(org=school).values_list("role", flat=True))
        staff = Person.objects.filter(org=school).count()
        assert roles[Role.TEACHER] == staff
        # One principal at a time: a term that ended (QM.HEAD_TENURE's, quality's demo) ends
        # before the successor's begins.
        principals = list(Post.objects.filter(org=school, role=Role.PRINCIPAL).order_by("start"))
        assert sum(p.end is None for p in principals) == 1
        assert all(a.end is not None and b.start is not None and a.end < b.start
                   for a, b in zip(principals, principals[1:], strict=False))
        if not school.is_teaching_point:
            assert 1 <= roles[Role.VICE_PRINCIPAL] <= 2
        assert roles[Role.HOMEROOM] >= min(school.class_count, staff - 3) * 0.8
    teacher_posts = Post.objects.filter(role=Role.TEACHER)
    assert not teacher_posts.filter(end__isnull=False).exists()
    assert not teacher_posts.filter(grade__isnull=True).exists()
    assert Post.objects.filter(role=Role.PREP_LEADER).exists()
    for county in OrgNode.objects.filter(kind=OrgKind.COUNTY):
        roles = Counter(Post.objects.filter(org=county).values_list("role", flat=True))
        assert roles[Role.ADMIN] == 1 and roles[Role.INSTITUTE_HEAD] == 1 and roles[Role.BUREAU_VIEWER] >= 1
        assert roles[Role.RESEARCHER] >= 2 and roles[Role.PART_TIME_RESEARCHER] >= 2
    # Researcher posts carry their subject and stage.
    assert not Post.objects.filter(role__in=RESEARCHER_ROLES, subject__isnull=True).exists()
    assert not Post.objects.filter(role__in=RESEARCHER_ROLES, stage="").exists()


def test_demo_logins(demo: SeedResult) -> None:
    users = {u.username: u for u in User.objects.select_related("person__org")}
    for username, _label, _note in DEMO_LOGINS:
        assert username in users
    assert users["demo-sysadmin"].is_superuser and users["demo-sysadmin"].person is None
    assert users["demo-no_post"].person is None and not users["demo-no_post"].is_superuser
    assert users["demo-teacher"].check_password("jiaoyan-demo-2026")

    def posts(key: str) -> list[Post]:
        person = users[f"demo-{key}"].person
        assert person is not None, key
        return list(Post.objects.active(AS_OF).filter(person=person).select_related("org", "subject"))

    def post(key: str, role: str) -> Post:
        found = [p for p in posts(key) if p.role == role]
        assert found, (key, role)
        return found[0]

    assert post("institute_head", Role.INSTITUTE_HEAD).org.kind == OrgKind.PROVINCE
    assert post("province_researcher", Role.RESEARCHER).org.kind == OrgKind.PROVINCE
    city = post("city_researcher", Role.RESEARCHER)
    assert city.org.kind == OrgKind.CITY and city.subject is not None
    county = post("county_researcher", Role.RESEARCHER)
    assert county.org.kind == OrgKind.COUNTY and county.subject is not None
    assert post("part_time_researcher", Role.PART_TIME_RESEARCHER).org == county.org
    assert post("county_admin", Role.ADMIN).org == county.org
    assert post("bureau_viewer", Role.BUREAU_VIEWER).org == county.org
    school = post("principal", Role.PRINCIPAL).org
    assert school.path.startswith(county.org.path)
    assert post("vice_principal", Role.VICE_PRINCIPAL).org == school
    assert post("middle_manager", Role.MIDDLE_MANAGER).org == school
    leader = post("group_leader", Role.GROUP_LEADER)
    teacher = post("teacher", Role.TEACHER)
    assert leader.org == school and teacher.org == school
    # The county researcher's subject is the teacher's, and the teacher's group is confirmed and
    # led by the demo group leader.
    assert teacher.subject == county.subject == leader.subject
    groups = TeachingGroup.objects.filter(school=school, term_key="2026-1", kind="subject")
    assert groups and all(g.status == GroupStatus.CONFIRMED for g in groups)
    mine = groups.get(memberships__person=teacher.person, memberships__role="main")
    assert mine.leader == leader.person


def test_terms_and_override(demo: SeedResult) -> None:
    province = OrgNode.objects.get(kind=OrgKind.PROVINCE)
    assert Term.objects.filter(region=province).count() == 6
    overriding = OrgNode.objects.filter(kind=OrgKind.COUNTY, terms__isnull=False).distinct()
    assert overriding.count() == 1
    school = OrgNode.objects.schools().filter(path__startswith=overriding[0].path).first()
    assert school is not None
    term = current_term(school, AS_OF)
    assert term is not None and term.region == overriding[0] and term.key == "2026-1"
    provincial = current_term(province, AS_OF)
    assert provincial is not None and provincial.start != term.start


def test_group_form_shows_three_states(demo: SeedResult) -> None:
    admin = User.objects.get(username="demo-sysadmin")
    province = OrgNode.objects.get(kind=OrgKind.PROVINCE)
    result = compliance_for(admin, province, current_term(province, AS_OF), codes=["GROUP.FORM"], with_rows=True)[0]
    details = [r.detail for r in result.rows]
    assert any(r.meets for r in result.rows)
    assert "本学期尚未组建教研组" in details and "教研组方案待校长确认" in details
    states = Counter(s.school.group_state for s in demo.staff)
    assert states["confirmed"] > states["proposed"] and states["none"] > 0


def test_researcher_norms_have_failures(demo: SeedResult) -> None:
    admin = User.objects.get(username="demo-sysadmin")
    province = OrgNode.objects.get(kind=OrgKind.PROVINCE)
    results = {r.norm.code: r for r in compliance_for(admin, province, None, codes=[
        "RES.QUALIFY_YEARS", "RES.QUALIFY_TITLE", "RES.STAFFING"])}
    for code in ("RES.QUALIFY_YEARS", "RES.QUALIFY_TITLE", "RES.STAFFING"):
        r = results[code]
        assert 0 < r.met < r.total, code
    for code in ("RES.QUALIFY_YEARS", "RES.QUALIFY_TITLE"):
        assert results[code].met / results[code].total >= 0.85
    ranks = [TITLE_RANK[t] for t in Person.objects.filter(posts__role=Role.RESEARCHER)
             .values_list("title", flat=True)]
    assert min(ranks) < 3


def test_flush_reloads_reference_data(db: None) -> None:
    flush_database(lambda _msg: None)
    from core.models import Norm, Subject

    assert Subject.objects.count() == len(SUBJECTS) and Norm.objects.exists()


# ---------------------------------------------------------------- demo records that make sense (issue 10)


def test_lesson_titles_are_of_the_lessons_subject(demo: SeedResult) -> None:
    rows = Observation.objects.values_list("subject__code", "teacher__stage", "topic", "grade", "teacher_id")
    assert len(rows) > 1000
    grades = dict(Post.objects.filter(role=Role.TEACHER).values_list("person_id", "grade"))
    for subject, stage, topic, grade, teacher in rows:
        assert topic in topics_for(subject, stage), (subject, stage, topic)
        assert grade == grades[teacher]
    assert not Observation.objects.filter(subject__code="math", topic__in=topics_for("chinese", "junior")).exists()


def test_overall_grades_follow_totals(demo: SeedResult) -> None:
    rows = Observation.objects.filter(assessment__total__isnull=False).values_list("assessment__total",
                                                                                 "overall_grade")
    assert {g for _, g in rows} >= {"excellent", "good", "fair"}
    for total, grade in rows:
        assert grade == overall_grade(total)
    assert overall_grade(85) == "excellent" and overall_grade(84.9) == "good" and overall_grade(59) == "poor"


def test_exam_grade_labels_follow_the_cut_offs() -> None:
    assert grade_label(102, 120) == "优秀" and grade_label(101.9, 120) == "及格"
    assert grade_label(72, 120) == "及格" and grade_label(71, 120) == "不及格"
    assert grade_label(47.9, 120) == "低分" and grade_label(48, 120) == "不及格"
    assert grade_label(90, 100, excellent=0.9) == "优秀" and grade_label(89, 100, excellent=0.9) == "及格"


def test_demo_exams_import_with_their_grade_columns(demo: SeedResult) -> None:
    from quality.models import Exam, ScoreBlock

    assert Exam.objects.count() == 2 and ScoreBlock.objects.count() >= 6


def test_seeded_aggregates_equal_a_rebuild(demo: SeedResult) -> None:
    def rows() -> dict[tuple[int, str, int], tuple[int, int, int, dict[str, int]]]:
        return {(r.node_id, r.term_key, r.subject_id): (r.lessons, r.developmental, r.scored, r.by_kind)
                for r in ObservationAggregate.objects.all()}

    seeded = rows()
    province = OrgNode.objects.get(kind=OrgKind.PROVINCE)
    # Every lesson is dated in a term of its school, so the province's rows count all of them.
    assert sum(v[0] for k, v in seeded.items() if k[0] == province.pk) == Observation.objects.count()
    aggregates.rebuild()
    assert rows() == seeded
