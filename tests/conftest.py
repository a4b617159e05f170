"""The named cast every test reuses (DESIGN.md convention 13).

One province with one city and two counties; county A has two schools (A1 large, A2 small),
county B has one school (B1). One login per role, posted inside county A or school A1, plus
outsiders in county B, so every test can ask "inside scope" and "outside scope" of the same role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from core.models import OrgNode, Person, Subject, Term, User

PASSWORD = "Jiaoyan-test-2026"


@dataclass
class Cast:
    province: OrgNode
    city: OrgNode
    county_a: OrgNode
    county_b: OrgNode
    school_a1: OrgNode
    school_a2: OrgNode
    school_b1: OrgNode
    term: Term
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        from django.test import Client

        c = Client()
        if role != "anonymous":
            c.force_login(self.users[role])
        return c


def _subject(code: str) -> Subject:
    from core.models import Subject

    return Subject.objects.get(code=code)


def build_cast() -> Cast:
    # Imported here so that the pure-computation suites can run without Django configured.
    from core import services
    from core.models import OrgKind, Role, SchoolType, Title, User

    # Transactional tests (the browser's) flush every table, the data migrations' rows included.
    services.reference_data_sync()
    s = services
    province = s.org_node_create(actor=None, code="140000", name="晋中测试省", kind=OrgKind.PROVINCE, parent=None,
                                 institute_name="省教育科学研究院")
    city = s.org_node_create(actor=None, code="140100", name="太原测试市", kind=OrgKind.CITY, parent=province,
                             institute_name="市教研室")
    county_a = s.org_node_create(actor=None, code="140105", name="小店测试区", kind=OrgKind.COUNTY, parent=city,
                                 institute_name="小店区教研室")
    county_b = s.org_node_create(actor=None, code="140106", name="迎泽测试区", kind=OrgKind.COUNTY, parent=city,
                                 institute_name="迎泽区教研室")
    a1 = s.org_node_create(actor=None, code="1140105001", name="小店第一中学", kind=OrgKind.SCHOOL, parent=county_a,
                           school_type=SchoolType.COMPLETE, locale="urban", class_count=36, student_count=1800)
    a2 = s.org_node_create(actor=None, code="1140105002", name="北格镇中心小学", kind=OrgKind.SCHOOL, parent=county_a,
                           school_type=SchoolType.PRIMARY, locale="rural", is_weak=True, class_count=8, student_count=260)
    b1 = s.org_node_create(actor=None, code="1140106001", name="迎泽实验小学", kind=OrgKind.SCHOOL, parent=county_b,
                           school_type=SchoolType.PRIMARY, locale="urban", class_count=30, student_count=1400)
    term = s.term_save(actor=None, region=province, school_year=2026, semester=1,
                       start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 20))
    s.term_save(actor=None, region=province, school_year=2025, semester=2,
                start=dt.date(2026, 2, 20), end=dt.date(2026, 7, 10))
    cast = Cast(province, city, county_a, county_b, a1, a2, b1, term)
    math, chinese, english = _subject("math"), _subject("chinese"), _subject("english")
    start = dt.date(2020, 9, 1)

    def person(key: str, name: str, org: OrgNode, *, subject: Subject | None = None, stage: str = "junior",
               title: str = Title.FIRST, since: int = 2005,
               posts: tuple[tuple[str, OrgNode, Subject | None], ...] = ()) -> Person:
        p = s.person_create(actor=None, code=f"P{len(cast.people) + 1:05d}", name=name, org=org,
                            main_subject=subject, stage=stage, title=title, teaching_since=since)
        for role, node, subj in posts:
            s.post_create(actor=None, person=p, role=role, org=node, subject=subj,
                          stage=stage if role in (Role.RESEARCHER, Role.PART_TIME_RESEARCHER) else "", start=start)
        cast.people[key] = p
        user = User.objects.create_user(key, PASSWORD, name=name, person=p)
        cast.users[key] = user
        return p

    person("institute_head", "王建国", province, subject=None, title=Title.SENIOR_PROF,
           posts=((Role.INSTITUTE_HEAD, province, None),))
    person("province_researcher", "李文博", province, subject=math, title=Title.SENIOR,
           posts=((Role.RESEARCHER, province, math),))
    person("city_researcher", "赵丽华", city, subject=math, title=Title.SENIOR,
           posts=((Role.RESEARCHER, city, math),))
    person("county_researcher", "张文华", county_a, subject=chinese, title=Title.SENIOR,
           posts=((Role.RESEARCHER, county_a, chinese),))
    person("part_time_researcher", "刘晓燕", a1, subject=english, title=Title.FIRST,
           posts=((Role.PART_TIME_RESEARCHER, county_a, english), (Role.TEACHER, a1, english)))
    person("bureau_viewer", "陈志强", county_a, subject=None, posts=((Role.BUREAU_VIEWER, county_a, None),))
    person("county_admin", "周敏", county_a, subject=None, posts=((Role.ADMIN, county_a, None),))
    person("principal", "孙国庆", a1, subject=math, title=Title.SENIOR,
           posts=((Role.PRINCIPAL, a1, None), (Role.TEACHER, a1, math)))
    person("vice_principal", "吴海燕", a1, subject=chinese, title=Title.SENIOR,
           posts=((Role.VICE_PRINCIPAL, a1, None), (Role.TEACHER, a1, chinese)))
    person("middle_manager", "郑红梅", a1, subject=english, posts=((Role.MIDDLE_MANAGER, a1, None),
                                                                  (Role.TEACHER, a1, english)))
    person("group_leader", "冯志刚", a1, subject=math, posts=((Role.GROUP_LEADER, a1, math), (Role.TEACHER, a1, math)))
    person("teacher", "何静", a1, subject=chinese, title=Title.SECOND, since=2019,
           posts=((Role.TEACHER, a1, chinese),))
    person("teacher_a2", "许晨", a2, subject=math, stage="primary", posts=((Role.TEACHER, a2, math),))
    # Outsiders: the same roles in county B, who must never see county A's records.
    person("outside_principal", "马立新", b1, subject=math, stage="primary",
           posts=((Role.PRINCIPAL, b1, None), (Role.TEACHER, b1, math)))
    person("outside_teacher", "高雅", b1, subject=chinese, stage="primary", posts=((Role.TEACHER, b1, chinese),))
    person("outside_researcher", "罗斌", county_b, subject=chinese, title=Title.SENIOR,
           posts=((Role.RESEARCHER, county_b, chinese),))
    # A user with no post at all, and the system administrator.
    cast.users["no_post"] = User.objects.create_user("no_post", PASSWORD, name="游客")
    cast.users["sysadmin"] = User.objects.create_superuser("sysadmin", PASSWORD, name="系统管理员")
    return cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


# ---------------------------------------------------------------- browser tests
# Debian's Chromium driven by Playwright; never a browser download. Screenshots are kept in
# test-artifacts/ as the tests' visible record.

ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (building the cast) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A phone-sized page (the observation form and the workbench must work there)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def screenshot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def browser_login(pg: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    pg.goto(f"{base_url}/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", password)
    pg.click("button[type=submit]")
    pg.wait_for_url(f"{base_url}/")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: ids repeat across rolled-back tests, so a cached
    compliance result from one test could otherwise answer another's."""
    from django.conf import settings

    if not settings.configured:  # the pure-computation suites can run without Django
        return
    from django.core.cache import cache

    cache.clear()
