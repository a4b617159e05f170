"""The access matrix's second half: what lists show, per role.

For every role of the cast, starting from every list page and list endpoint the role may open
(the matrix's GET rows that take no record id), the test follows every same-origin link it is
shown, three clicks deep (one visit per record, at most PER_VIEW pages of a kind), and every record a list endpoint returns to its detail endpoint:

- every link opens for that role (no page shows a record whose page then answers 404, or a link
  that fails in any other way);
- no body, of the lists or of the pages behind their links, names an out-of-scope sentinel
  (tests/access_sentinels.py) the role must not see.

The records are written once for the module inside a transaction rolled back at its end: the
sentinels, and in-scope records for the lists to show (observations of school A1, the quality
rows' exam with its import batches and warning, school A1's proposed groups).
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests.access_cases import ALL_ROLES, Case
from tests.access_sentinels import body_text, leaks, seed_sentinels
from tests.test_access_matrix import CASES

# List endpoints of the API and where each item's record opens: (detail url name, item key).
API_DETAILS: dict[str, tuple[str, str]] = {
    "api-v1:region_list": ("api-v1:region_detail", "code"),
    "api-v1:school_list": ("api-v1:school_detail", "code"),
    "api-v1:person_list": ("api-v1:person_detail", "code"),
    "api-v1:liaison_round_list": ("api-v1:liaison_round_detail", "id"),
    "api-v1:liaison_link_list": ("api-v1:liaison_link_detail", "id"),
    "api-v1:term_list": ("api-v1:term_detail", "id"),
    "api-v1:group_list": ("api-v1:group_detail", "id"),
    "api-v1:norm_list": ("api-v1:norm_detail", "code"),
    "api-v1:observe_template_list": ("api-v1:observe_template_detail", "id"),
    "api-v1:observe_observation_list": ("api-v1:observe_observation_detail", "id"),
    "api-v1:quality_exam_list": ("api-v1:quality_exam_detail", "id"),
    # ---- visits (vfind)
    "api-v1:visits_findings_list": ("api-v1:visits_findings_detail", "id"),
    "api-v1:visits_visit_list": ("api-v1:visits_visit_detail", "id"),  # visits plan (vplan)
    "api-v1:research_activity_list": ("api-v1:research_activity_detail", "id"),  # research activities (ract)
    "api-v1:projects_project_list": ("api-v1:projects_project_detail", "id"),  # projects (课题)
    "api-v1:visits_report_list": ("api-v1:visits_report_detail", "id"),
    "api-v1:research_group_list": ("api-v1:research_group_detail", "id"),  # research groups (rgrp)
    "api-v1:research_joint_group_list": ("api-v1:research_joint_group_detail", "id"),  # research groups (rgrp)
    "api-v1:research_prep_list": ("api-v1:research_prep_detail", "id"),  # research preparation (rprep)
    "api-v1:research_homeroom_class_list": ("api-v1:research_homeroom_class_detail", "id"),
    "api-v1:research_order_list": ("api-v1:research_order_detail", "id"),
    # ---- growth
    "api-v1:appraisal_researcher_list": ("api-v1:appraisal_researcher_detail", "id"),
    "api-v1:growth_training_list": ("api-v1:growth_training_detail", "id"),
    "api-v1:growth_programme_list": ("api-v1:growth_programme_detail", "id"),
    "api-v1:growth_studio_list": ("api-v1:growth_studio_detail", "id"),
    # ---- appraisal campaigns
    "api-v1:appraisal_campaign_list": ("api-v1:appraisal_campaign_detail", "id"),
    # ---- appraisal: governance
    "api-v1:appraisal_gov_meeting_list": ("api-v1:appraisal_gov_meeting_detail", "id"),
    "api-v1:appraisal_gov_spending_list": ("api-v1:appraisal_gov_spending_detail", "id"),
    "api-v1:appraisal_report_list": ("api-v1:appraisal_report_detail", "id"),  # appraisal yearly reports
}
# API lists whose items have no detail endpoint (their bodies are still searched).
API_WITHOUT_DETAIL = {"api-v1:post_list": "posts are read through their person",
                      "api-v1:quality_warning_list": "a warning opens on its page, not in the API",
                      "api-v1:visits_walkthrough_list": "a walkthrough is a line of the list; it has no page of its own",
                      "api-v1:growth_award_list": "an award is a line of the list (and of the teacher archive)",
                      "api-v1:integrations_delivery_list": "a delivery is a line of the log, tries included",
                      "api-v1:appraisal_campaign_selection_list": "a selection lists its entries; it opens on its page",
                      "api-v1:appraisal_gov_task_list": "a task opens on its meeting's or plan's page",
                      "api-v1:quality_bank_item_list": "a bank item opens on its page (quality:bank_item_detail)"}
# Same-origin links that are not records: the login flow, static files, the API's own docs.
SKIP_PREFIXES = ("/static/", "/logout/", "/login/", "/admin/", "/api/v1/docs", "/api/v1/openapi.json")
# Links that lead some roles to a 4xx, tolerated (with a warning naming each) until fixed:
# (page showing the link, its target) -> why. Empty: every link every role is shown opens.
KNOWN_GAPS: dict[tuple[str, str], str] = {}
DEPTH = 3  # clicks from a list page (quality: home, exam, its imports, a batch)
PER_VIEW = 6  # pages of one kind read per role
# Word documents with charts take a quarter second or more each to render; the matrix reads
# them (and searches them for sentinels) for every role, so the crawl does not follow them.
PER_VIEW_OF = {"quality:exam_report": 0, "quality:school_report": 0, "observe:archive_docx": 0,
               "visits:report_docx": 0}
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")


def _list_cases() -> list[Case]:
    """The matrix's GET rows that take no record id: the lists (and exports of lists)."""
    out = []
    for case in CASES:
        if case.method != "GET":
            continue
        try:
            reverse(case.url_name)
        except NoReverseMatch:
            continue
        out.append(case)
    return out


LISTS = _list_cases()



def test_every_api_list_says_where_its_records_open() -> None:
    api_lists = {c.url_name for c in LISTS if c.url_name.startswith("api-v1:") and c.url_name.endswith("_list")}
    missing = sorted(api_lists - set(API_DETAILS) - set(API_WITHOUT_DETAIL))
    assert not missing, f"API lists without an entry in API_DETAILS or API_WITHOUT_DETAIL: {missing}"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from core import services as core_services
    from core.norm_results import refresh_all
    from tests.access_cases_observe import _record
    from tests.access_cases_projects import make_project
    from tests.access_cases_quality import world as quality_world
    from tests.access_cases_visits_plan import make_visit
    from tests.conftest import load_cast
    from tests.liaison.scenario import build as liaison_scenario

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = load_cast()
            made = seed_sentinels(cast)
            made["observations"] = [_record(cast), _record(cast, purpose="developmental"),
                                    _record(cast, submit=False, observer="principal")]
            made["quality"] = quality_world(cast)
            made["groups"] = core_services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
            made["visits"] = [make_visit(cast)]  # visits plan (vplan)
            made["liaison"] = liaison_scenario(cast)  # a city round with links, days, a zone
            made["projects"] = [make_project(cast)]  # projects (课题)
            # The norm results computed once for the module: else every role's workbench
            # (its short-falls) refreshes them again in its own savepoint.
            refresh_all()
            yield made
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _get(client: Any, url: str) -> Any:
    return client.get(url, headers={"accept": "application/json"} if url.startswith("/api/") else {})


def _links(text: str, base: str) -> list[str]:
    """Same-origin paths (with their query) of the page's links; relative ones (`?page=2`)
    resolved against the page's own address."""
    out = []
    for raw in HREF.findall(text):
        parts = urlsplit(urljoin(f"http://testserver{base}", html.unescape(raw)))
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _api_records_of(url_name: str, text: str) -> list[str]:
    target = API_DETAILS.get(url_name)
    if target is None:
        return []
    name, key = target
    items = json.loads(text).get("items", [])
    return [reverse(name, args=[item[key]]) for item in items]


@dataclass
class Crawl:
    """What one role met: the problems, and every HTML page read (url -> (view name, html))."""

    problems: list[str] = field(default_factory=list)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    tolerated: set[tuple[str, str]] = field(default_factory=set)


_CRAWLS: dict[str, Crawl] = {}


def crawl(cast: Any, role: str) -> Crawl:
    """The role's crawl, made once per module (both tests below read it)."""
    if role not in _CRAWLS:
        _CRAWLS[role] = _crawl(cast, role)
    return _CRAWLS[role]


def _crawl(cast: Any, role: str) -> Crawl:
    client = cast.client(role)
    out = Crawl()
    problems = out.problems
    seen: set[str] = set()
    frontier: list[tuple[str, str]] = []  # (url, where it was found)

    def read(url: str, view: str, found_on: str) -> str | None:
        response = _get(client, url)
        text = body_text(response)
        if found := leaks(role, text):
            problems.append(f"{url} (linked from {found_on}) names {found}")
        if response.status_code >= 400:
            gap = (resolve(urlsplit(found_on).path).view_name, view)
            if gap in KNOWN_GAPS:
                out.tolerated.add(gap)
            else:
                problems.append(f"{url} (linked from {found_on}) answers {response.status_code}")
            return None
        if "html" not in response.get("Content-Type", ""):
            return None
        out.pages[url] = (view, response.content.decode())
        return text

    # The role's home (the workbench, whose menu is every nav entry the role is shown), then
    # every list of the matrix the role may open.
    roots = [("/", "workbench")] if role != "anonymous" else []
    for case in LISTS:
        if role not in case.allowed:
            continue
        roots.append((reverse(case.url_name) + (f"?{case.query}" if case.query else ""), case.url_name))
    for url, name in roots:
        if url in seen:
            continue
        seen.add(url)
        response = _get(client, url)
        text = body_text(response)
        if found := leaks(role, text):
            problems.append(f"{url} names {found}")
        if response.status_code != 200:
            if name == "workbench":
                problems.append(f"the home page answers {response.status_code}")
            continue  # the matrix judges the status of the rows themselves
        if name.startswith("api-v1:"):
            frontier += [(u, url) for u in _api_records_of(name, response.content.decode())]
        elif "html" in response.get("Content-Type", ""):
            out.pages[url] = (name, response.content.decode())
            frontier += [(u, url) for u in _links(text, url)]

    records: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()
    per_view: Counter[str] = Counter()
    for _depth in range(DEPTH):
        following: list[tuple[str, str]] = []
        for url, found_on in frontier:
            if url in seen:
                continue
            seen.add(url)
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                problems.append(f"{url} (linked from {found_on}) is no page of the site")
                continue
            # One visit per record (its other links differ only in filters), and a sample of
            # each kind of page: the norm pages alone come in one per norm, node and term.
            record = (match.view_name, tuple(sorted(match.kwargs.items())))
            if record in records or per_view[match.view_name] >= PER_VIEW_OF.get(match.view_name, PER_VIEW):
                continue
            records.add(record)
            per_view[match.view_name] += 1
            page = read(url, match.view_name, found_on)
            if page is not None:
                following += [(u, url) for u in _links(page, url)]
        frontier = following
    out.problems.insert(0, f"({len(seen)} pages read)")
    return out


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_link_a_role_is_shown_opens_and_nothing_out_of_scope_is_listed(cast: Any, world: dict[str, Any],
                                                                             role: str) -> None:
    """From the role's home, its menu and its lists, three clicks deep: no link answers 4xx."""
    result = crawl(cast, role)
    for gap in sorted(result.tolerated):
        warnings.warn(f"known gap for {role}: {gap[0]} links {gap[1]}, which answers 4xx ({KNOWN_GAPS[gap]})",
                      stacklevel=1)
    assert len(result.problems) == 1, f"{role}:\n" + "\n".join(result.problems)


# ---------------------------------------------------------------- raw identifiers
# What people must never read on a page (issue 10, "Say things the way people say them"). The
# text read is what the browser shows: text nodes outside <script>, <style>, <template> and
# elements marked `data-code` (a secondary line keeping a code for professionals); attributes
# (href, value, title= tooltips) are not read.
RAW_IDENTIFIERS: dict[str, re.Pattern[str]] = {
    "norm code": re.compile(r"\b[A-Z]{2,}\.[A-Z][A-Z_]+\b"),
    "document reference": re.compile(r"\b\d{3}\s*§\s*\d+"),
    "term key": re.compile(r"(?<![\d\-./:])20\d\d-[12](?![\d\-./:])"),
    "school code before a class": re.compile(r"\b\d{10}\s*\S{0,8}班"),
    "method key": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "exception name": re.compile(r"\b[A-Z][A-Za-z]+(?:Error|Exception)\b"),
    "None": re.compile(r"\bNone\b"),
}
# Pages owned by other helpers whose raw identifiers are theirs to fix: url name -> the kinds
# tolerated there, and why. The integrator removes an entry once its owner's fix is merged;
# nothing else may show a raw identifier.
RAW_ALLOWED: dict[str, tuple[set[str], str]] = {
}
_SKIP_TAGS = {"script", "style", "template", "textarea"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its text)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"):
            return
        hides = tag in _SKIP_TAGS or any(k == "data-code" for k, _ in attrs)
        self.stack.append((tag, hides))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not any(h for _, h in self.stack):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def raw_identifiers(page: str) -> list[tuple[str, str]]:
    text = visible_text(page)
    return [(kind, m.group(0)) for kind, pattern in RAW_IDENTIFIERS.items() for m in pattern.finditer(text)]


def test_the_raw_identifier_search_finds_what_the_issue_names() -> None:
    page = ("<p>RES.STAFFING</p><p>000 §11</p><p>学期 2026-1</p><p>1140105003 8(1)班</p>"
            "<p>corrected_item_total</p><p>CalamineError</p><p>None</p>")
    assert {k for k, _ in raw_identifiers(page)} == set(RAW_IDENTIFIERS)
    clean = ('<p title="RES.STAFFING">教研员配备</p><a href="?term=2026-1">2026—2027学年第一学期</a>'
             '<small data-code>RES.STAFFING</small><script>var a_b = None;</script><p>2026-10-09</p>')
    assert raw_identifiers(clean) == []


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_page_of_the_crawl_shows_a_raw_identifier(cast: Any, world: dict[str, Any], role: str) -> None:
    found: list[str] = []
    for url, (view, page) in crawl(cast, role).pages.items():
        allowed = RAW_ALLOWED.get(view, (set(), ""))[0]
        hits = sorted({f"{kind} «{token}»" for kind, token in raw_identifiers(page) if kind not in allowed})
        if hits:
            found.append(f"{url} ({view}): " + ", ".join(hits[:6]))
    assert not found, f"{role} reads raw identifiers:\n" + "\n".join(found)
