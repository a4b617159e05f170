"""The named cast every test reuses (DESIGN.md convention 13).

One province with one city and two counties; county A has two schools (A1 large, A2 small),
county B has one school (B1). One login per role, posted inside county A or school A1, plus
outsiders in county B, so every test can ask "inside scope" and "outside scope" of the same role.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from core.models import OrgNode, Person, Subject, Term, User

PASSWORD = "Jiaoyan-test-2026"

# One BLAS thread per process: the suite already runs one process per core, and OpenBLAS's own
# threads on top of that spin against each other (a value-added test took 6x the CPU time on a
# busy machine). Set here, this reaches the xdist workers, which start after this file is read;
# bin/test also exports it, for the process that reads this file after numpy is loaded.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


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


def _create_cast() -> None:
    """Write the cast's rows (committed by the caller's choice; see `_reach`)."""
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


# Natural keys of the cast's rows, so a test's fresh copy is fetched in four queries.
NODE_CODES = {"province": "140000", "city": "140100", "county_a": "140105", "county_b": "140106",
              "school_a1": "1140105001", "school_a2": "1140105002", "school_b1": "1140106001"}
# Logins in the order the cast creates them (the people's codes P00001... follow this order).
USER_KEYS = ("institute_head", "province_researcher", "city_researcher", "county_researcher",
             "part_time_researcher", "bureau_viewer", "county_admin", "principal", "vice_principal",
             "middle_manager", "group_leader", "teacher", "teacher_a2", "outside_principal", "outside_teacher",
             "outside_researcher", "no_post", "sysadmin")


def _cast_exists() -> bool:
    from core.models import User

    return User.objects.filter(username="sysadmin").exists()


def load_cast() -> Cast:
    """Fresh Python objects for the cast's rows: tests change them (and access.scope_of caches a
    Scope on each user object), so no object is shared between two tests."""
    from core.models import OrgNode, Term, User

    nodes = {n.code: n for n in OrgNode.objects.filter(code__in=NODE_CODES.values())}
    by_pk = {n.pk: n for n in nodes.values()}
    for n in nodes.values():
        if n.parent_id in by_pk:
            n.parent = by_pk[n.parent_id]
    node = {key: nodes[code] for key, code in NODE_CODES.items()}
    term = Term.objects.get(region=node["province"], school_year=2026, semester=1)
    term.region = node["province"]
    cast = Cast(node["province"], node["city"], node["county_a"], node["county_b"], node["school_a1"],
                node["school_a2"], node["school_b1"], term)
    users = {u.username: u for u in User.objects.filter(username__in=USER_KEYS).select_related("person")}
    for key in USER_KEYS:
        user = users[key]
        cast.users[key] = user
        if user.person is not None:
            if user.person.org_id in by_pk:
                user.person.org = by_pk[user.person.org_id]
            cast.people[key] = user.person
    return cast


def build_cast() -> Cast:
    """The cast, written first if the database does not hold it (a transactional test that
    builds it itself); the `cast` fixture is the usual way in."""
    if not _cast_exists():
        _create_cast()
    return load_cast()


def term_covering(cast: Cast, day: dt.date) -> Term:
    """A term of the cast's province that holds `day`: the cast's own term while it lasts, else
    the next semester, from the day after the cast's term to well after `day` (written in the
    test's transaction). For tests that must act at the real "now" (a QR sign-in code that
    rotates with the clock, a calendar feed around today), so that they pass on any date."""
    from core import services

    if cast.term.start <= day <= cast.term.end:
        return cast.term
    if day < cast.term.start:
        raise ValueError(f"{day} is before the cast's term; the cast is dated from 2026-09-01")
    return services.term_save(actor=None, region=cast.province, school_year=cast.term.school_year, semester=2,
                              start=cast.term.end + dt.timedelta(days=1), end=day + dt.timedelta(days=120))


@pytest.fixture
def cast(db: None) -> Cast:
    """The named cast. Its rows are written once per test session (per xdist worker), committed,
    before the test's transaction opens; the test's changes roll back with that transaction."""
    return load_cast()


# ---------------------------------------------------------------- the session's database state
# The database of a session (one per xdist worker) is in one of three states between tests:
#   "cast"    reference data and the cast, committed;
#   "bare"    reference data only (what a test that does not ask for the cast meets);
#   "flushed" after a transactional test (live_server, browser tests): every table emptied,
#             reference data possibly gone.
# Before each test that uses the database, `_reach` moves it to the state the test needs,
# outside any transaction, so the ordinary per-test transaction (pytest-django's `db`) rolls
# back on top of it. Items are ordered so that a module's tests without the cast run first,
# which keeps the moves few.

_DB: dict[str, Any] = {"state": None, "blocker": None, "item": None}
_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _needs(item: pytest.Item) -> str | None:
    """The database state an item needs: "cast", "bare", or None (no database)."""
    names = set(getattr(item, "fixturenames", ()))
    if not (names & _DB_FIXTURES or item.get_closest_marker("django_db")):
        return None
    return "cast" if "cast" in names else "bare"


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool(set(getattr(item, "fixturenames", ())) & _TRANSACTIONAL_FIXTURES)


def _reach(target: str) -> None:
    state = _DB["state"]
    if state == target:
        return
    from django.core.management import call_command
    from django.db import connection, transaction

    from core import services

    if connection.in_atomic_block:
        # A module- or session-scoped fixture holds a transaction open; what we would write
        # here would vanish with it.
        raise RuntimeError(f"cannot move the test database from {state!r} to {target!r} inside an open "
                           "transaction: keep tests with and without the cast in separate modules")
    with _DB["blocker"].unblock():
        from core.models import OrgNode

        # Rows where the state says there are none (seen once in CI: the cast already there
        # when it was to be written, probably left by a live-server request still running
        # when its browser test's flush ran): empty the tables rather than fail every test after.
        stray = state != "cast" and OrgNode.objects.exists()
        if state == "cast" or stray:
            call_command("flush", interactive=False, verbosity=0)
        if target == "cast":
            with transaction.atomic():  # one commit (the cast writes its reference data first)
                _create_cast()
        elif state in ("cast", "flushed") or stray:
            services.reference_data_sync()
    _DB["state"] = target


@pytest.fixture(scope="session")
def django_db_use_migrations(request: pytest.FixtureRequest) -> bool:
    """On SQLite the test schema is built from the models (pytest-django's --nomigrations): the
    47 migrations cost each worker about 8 CPU seconds, and they are proven elsewhere in every
    run of bin/test: `makemigrations --check` (models and migrations agree), bin/setup's
    `migrate` of the SQLite database, and the PostgreSQL suite, which migrates its test
    databases. The data migrations' rows come from services.reference_data_sync (see `_reach`),
    as after every flush. JIAOYAN_TEST_MIGRATE=1 migrates on SQLite too."""
    import os

    from django.conf import settings

    if request.config.getvalue("nomigrations"):
        return False
    sqlite = str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")
    return not sqlite or os.environ.get("JIAOYAN_TEST_MIGRATE") == "1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's test database, then the state the first database test needs."""
    _DB["blocker"] = django_db_blocker
    with django_db_blocker.unblock():
        # A database kept with --reuse-db may already hold the cast.
        _DB["state"] = "cast" if _cast_exists() else "flushed"
    item = _DB["item"]
    _reach((_needs(item) if item is not None else None) or "bare")


# Modules whose tests xdist may spread over both workers one by one (each worker builds their
# module-scoped fixtures for itself). Every other module runs whole on one worker
# (`--dist loadgroup`): its module fixtures are built once and its tests keep their order.
SPREAD_MODULES = {"tests/test_access_matrix.py", "tests/test_access_content.py"}
# Packages that run whole on one worker, in order, because a package-scoped fixture serves all
# their modules (tests/demo: one tiny demo seed for every app's demo checks).
WHOLE_PACKAGES = ("tests/demo/",)


def _scope_of(module: str) -> str:
    """The unit the scheduler hands out and ranks: a module, or its package if the package runs
    whole."""
    return next((p for p in WHOLE_PACKAGES if module.startswith(p)), module)


# The modules that take longest, handed out first (longest first): a long module handed out
# last would leave one worker alone with it while the other idles. The spread modules' tests
# come last of all and fill in whichever worker is free. (xdist's own order, by number of
# tests, is switched off in pytest_configure.) A module missing here only costs balance.
LONG_MODULES = (
    "tests/demo/",
    "tests/test_seed.py",
    "tests/observe/test_browser_observe.py",
    "tests/quality_stats/test_irt.py",
    "tests/observe/test_browser_attachments.py",
    "tests/quality_stats/test_value_added.py",
    "tests/test_browser_core.py",
    "tests/test_security_uploads.py",
    "tests/test_import.py",
    "tests/visits/test_browser_onsite.py",
    "tests/visits/test_browser_findings.py",
    "tests/visits/test_browser_plan.py",
    "tests/visits/test_browser_reports.py",
    "tests/quality/test_blueprint_table.py",
    "tests/test_browser_todo.py",
    "tests/research/test_browser_activities.py",
    "tests/projects/test_browser_projects.py",
    "tests/research/test_browser_orders.py",
    "tests/research/test_browser_prep.py",
    "tests/growth/test_browser_growth.py",
    "tests/liaison/test_browser_liaison.py",
    "tests/research/test_browser_groups.py",
    "tests/appraisal/test_governance_browser.py",
    "tests/appraisal/test_browser_campaigns.py",
    "tests/observe/test_video_browser.py",
    "tests/appraisal/test_report_browser.py",
    "tests/appraisal/test_researcher_browser.py",
    "tests/integrations/test_browser_signin.py",
    "tests/integrations/test_signin_oidc.py",
    "tests/test_roster_browser.py",
    "tests/observe/test_archive_browser.py",
)


def _module_rank(module: str) -> int:
    scope = _scope_of(module)
    if scope in LONG_MODULES:
        return LONG_MODULES.index(scope)
    return len(LONG_MODULES) + (module in SPREAD_MODULES)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` as this suite means it: each module whole on one worker, except the
    SPREAD_MODULES, whose tests go one by one. (xdist's own loadgroup reads a group suffix it
    writes into item._nodeid, which pytest 9 no longer reads back: every test was its own
    group, modules were split over both workers and their module fixtures built twice.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no type information
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            if module not in SPREAD_MODULES:
                return _scope_of(module)
            # Tests of one parameter go together: the access content's two tests of a role read
            # one crawl, made once per worker.
            return f"{module}[{nodeid.rsplit('[', 1)[1]}" if "[" in nodeid else nodeid

    return ModuleScheduling(config, log)


class _ModuleOrder:
    """After every plugin's own reordering (pytest-django's included), the modules in the order
    described at LONG_MODULES; within each module, tests that do not use the cast run first (a
    stable sort, so the order is otherwise the collected one and the same in every worker)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        first_seen: dict[str, int] = {}
        for i, item in enumerate(items):
            first_seen.setdefault(item.nodeid.split("::")[0], i)

        def key(it: pytest.Item) -> tuple[int, int, bool]:
            module = it.nodeid.split("::")[0]
            return _module_rank(module), first_seen[module], _needs(it) == "cast"

        items.sort(key=key)


# ---------------------------------------------------------------- the test client's middleware
# Django's test Client builds a new handler per Client, and each handler builds the middleware
# chain again on its first request. WhiteNoise's middleware lists every static file when it is
# built (about 60 ms), which a server process does once; the suite made some 25,000 clients (the
# access matrix alone makes 19 per row), so that listing was a third of its time. Each process
# now builds the chain once per middleware setting and shares it between handlers (the chain
# holds no per-client state: cookies and CSRF enforcement live in the Client and its handler's
# __call__). Any settings change drops the shared chain, since middleware reads settings when
# built.


def _share_middleware_chain() -> None:
    from django.conf import settings
    from django.test.client import ClientHandler
    from django.test.signals import setting_changed

    built: dict[tuple[Any, ...], dict[str, Any]] = {}
    attrs = ("_view_middleware", "_template_response_middleware", "_exception_middleware", "_middleware_chain")
    load = ClientHandler.load_middleware

    def load_shared(self: ClientHandler, is_async: bool = False) -> None:
        key = (tuple(settings.MIDDLEWARE), is_async)
        if key not in built:
            load(self, is_async)
            built[key] = {a: getattr(self, a) for a in attrs}
        else:
            for a, v in built[key].items():
                setattr(self, a, v)

    ClientHandler.load_middleware = load_shared  # type: ignore[method-assign,assignment]
    setting_changed.connect(lambda **kwargs: built.clear(), weak=False)


def _private_media_root() -> None:
    """Uploads made by tests (photos, Word reports) go to a directory of this test process,
    removed at exit, never to the developer's var/media."""
    import atexit
    import shutil
    import tempfile

    from django.conf import settings

    root = tempfile.mkdtemp(prefix="jiaoyan-test-media-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    settings.MEDIA_ROOT = root


def _flush_by_delete() -> None:
    """On PostgreSQL, emptying the test database (after every transactional test: the browser
    tests, 50-odd per run) DELETEs from each table instead of one TRUNCATE of all 165. TRUNCATE
    swaps every table's and index's files, which on this kind of machine took 8-11 s wall for
    under 1 s of server CPU; DELETE of the few rows a test leaves takes 0.2-0.6 s. Django's
    foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so the order of the DELETEs
    does not matter inside flush's one transaction. A flush that resets sequences keeps
    TRUNCATE ... RESTART IDENTITY."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self: DatabaseOperations, style: Any, tables: Any, *, reset_sequences: bool = False,
                  allow_cascade: bool = False) -> list[str]:
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [f"DELETE FROM {self.quote_name(t)};" for t in tables]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign,assignment]


def pytest_configure(config: pytest.Config) -> None:
    _share_middleware_chain()
    _flush_by_delete()
    _count_live_requests()
    _private_media_root()
    config.pluginmanager.register(_ModuleOrder(), "jiaoyan-module-order")
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist's --no-loadscope-reorder
        config.option.loadscopereorder = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _DB["item"] = item
    need = _needs(item)
    if need is not None and _DB["state"] is not None:
        _reach(need)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield
    if _DB["state"] is not None and _is_transactional(item):
        _DB["state"] = "flushed"


# ---------------------------------------------------------------- browser tests
# Debian's Chromium driven by Playwright; never a browser download. Screenshots are kept in
# test-artifacts/ as the tests' visible record.

ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]  # Playwright's sync types are not exported
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (building the cast) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


# The live server's requests in flight. A browser test's page may still have a request running
# on the server (a click whose response it did not wait for, an htmx poll) when the test ends;
# the database is emptied right after the page closes (pytest-django sets up the transactional
# database before the page, so tears it down after), and a request writing then left rows in a
# database the suite believed empty (seen in CI: the next tests found the cast already there,
# or seven bank items more). Closing a page now waits until the server has answered them all.
_LIVE = {"in_flight": 0}
_LIVE_DONE = __import__("threading").Condition()


def _count_live_requests() -> None:
    from django.core.handlers.wsgi import WSGIHandler

    call = WSGIHandler.__call__  # only the live server serves through it (the test Client does not)

    def counted(self: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with _LIVE_DONE:
            _LIVE["in_flight"] += 1
        try:
            return call(self, environ, start_response)
        finally:
            with _LIVE_DONE:
                _LIVE["in_flight"] -= 1
                _LIVE_DONE.notify_all()

    WSGIHandler.__call__ = counted  # type: ignore[method-assign]

    # Every emptying of the database waits too (tests that open their own browser contexts).
    from django.core.management.commands.flush import Command

    handle = Command.handle

    def waiting(self: Command, *args: Any, **options: Any) -> Any:
        _wait_live_idle()
        return handle(self, *args, **options)

    Command.handle = waiting  # type: ignore[method-assign]


def _wait_live_idle() -> None:
    with _LIVE_DONE:
        if not _LIVE_DONE.wait_for(lambda: _LIVE["in_flight"] == 0, timeout=30):
            raise RuntimeError("the live server still answers a request 30 s after the browser closed")


def _close(context: Any) -> None:
    context.close()
    _wait_live_idle()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]  # Playwright's sync types are not exported
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    _close(context)


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]  # Playwright's sync types are not exported
    """A phone-sized page (the observation form and the workbench must work there)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    _close(context)


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


# ---------------------------------------------------------------- where the suite's time goes
# Each test's CPU seconds (its process's, setup and teardown included) travel with its report;
# at the end the modules costing most are printed with their CPU and wall seconds. CPU stays
# comparable when other work loads the machine; wall far above CPU means waiting (a browser,
# a subprocess, the database server).


_CPU_START: dict[str, float] = {}


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    import time

    _CPU_START[nodeid] = time.process_time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    import time

    outcome = yield
    if call.when == "teardown" and item.nodeid in _CPU_START:
        used = time.process_time() - _CPU_START.pop(item.nodeid)
        outcome.get_result().user_properties.append(("cpu", round(used, 3)))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    cpu: dict[str, float] = {}
    wall: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for r in reports:
            if getattr(r, "when", None) != "teardown":
                continue
            module = _scope_of(r.nodeid.split("::")[0])
            cpu[module] = cpu.get(module, 0.0) + dict(r.user_properties).get("cpu", 0.0)
    for reports in terminalreporter.stats.values():
        for r in reports:
            if getattr(r, "when", None) in ("setup", "call", "teardown"):
                module = _scope_of(r.nodeid.split("::")[0])
                wall[module] = wall.get(module, 0.0) + r.duration
    if not cpu:
        return
    total = sum(cpu.values())
    terminalreporter.write_sep("-", f"CPU by module: {total:.0f} s in all (tests' own processes), "
                                    f"{sum(wall.values()):.0f} s of test time")
    top = sorted(cpu, key=cpu.__getitem__, reverse=True)[:12]
    top += [m for m in sorted(wall, key=wall.__getitem__, reverse=True)[:8] if m not in top]  # the waiting ones
    for module in top:
        terminalreporter.write_line(f"{cpu.get(module, 0.0):8.1f} s CPU {wall.get(module, 0.0):8.1f} s wall  {module}")
