"""Norm results as stored data: the stored rows equal the live computation, writes make their
unit stale and the next page shows the new figure, overrides reach only their region, short-falls
are paged, and no viewer reads rows outside scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.compliance import METRICS, Row, compliance_for, evaluate, norm_rows
from core.models import Norm, NormResultRow, NormUnit, OrgNode

# Seen from the province, RES.STAFFING now lists every region below (cities and counties); the
# live metric listed the province and its cities only.
WIDER_AT_TOP = {"RES.STAFFING"}


def _key(r: Row) -> tuple[Any, ...]:
    return (r.label, r.meets, r.value, r.target, r.detail, r.url, r.context)


@pytest.mark.parametrize("where", ["school_a1", "county_a", "county_b", "city", "province"])
def test_stored_rows_equal_the_live_computation_for_every_norm(cast: Any, where: str) -> None:
    admin = cast.users["sysadmin"]
    node: OrgNode = getattr(cast, where)
    for norm in Norm.objects.filter(code__in=list(METRICS)):
        live = sorted(_key(r) for r in evaluate(admin, node, cast.term, norm).rows)
        stored = sorted(_key(r) for r in norm_rows(admin, node, cast.term, norm).rows)
        if norm.code in WIDER_AT_TOP and where in ("city", "province"):
            assert set(live) <= set(stored), norm.code
        else:
            assert stored == live, norm.code


def test_the_refresh_stores_rows_for_schools_regions_and_people(cast: Any) -> None:
    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    codes = set(NormResultRow.objects.values_list("norm_code", flat=True))
    assert {"GROUP.FORM", "LEAD.OBSERVE_HEAD", "LEAD.COVERAGE", "RES.STAFFING", "RES.QUALIFY_YEARS"} <= codes
    assert NormResultRow.objects.filter(norm_code="LEAD.OBSERVE_HEAD", person__isnull=False).exists()
    assert not NormUnit.objects.filter(dirty=True).exists()
    assert NormUnit.objects.count() == OrgNode.objects.count()


def _head_row(cast: Any, client_role: str, node: OrgNode, name: str) -> str:
    url = reverse("norm_detail", args=["LEAD.OBSERVE_HEAD"]) + f"?node={node.code}&term={cast.term.key}"
    page: str = cast.client(client_role).get(url).content.decode()
    start = page.index(name)
    return page[start:start + 400]


def test_a_write_makes_its_school_stale_and_the_next_view_shows_it(cast: Any) -> None:
    from tests.observe.conftest import record

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    assert "已听0节" in _head_row(cast, "county_researcher", cast.county_a, "孙国庆")
    assert not NormUnit.objects.filter(dirty=True).exists()
    record(cast, "principal", "teacher")
    stale = set(NormUnit.objects.filter(dirty=True).values_list("node__code", flat=True))
    # The school, and the regions above it (region metrics count over their subtrees); not the
    # other schools.
    assert stale == {cast.school_a1.code, cast.county_a.code, cast.city.code, cast.province.code}
    assert "已听1节" in _head_row(cast, "county_researcher", cast.county_a, "孙国庆")
    assert not NormUnit.objects.filter(dirty=True, path__startswith=cast.county_a.path).exists()


def test_a_region_override_changes_only_its_own_regions_rows(cast: Any) -> None:
    from core import services

    admin = cast.users["sysadmin"]
    compliance_for(admin, cast.city, cast.term)
    services.norm_override_set(actor=cast.users["county_admin"], norm=Norm.objects.get(code="LEAD.OBSERVE_HEAD"),
                               region=cast.county_a, threshold=12)
    # The override's whole subtree is stale, nothing else below the city.
    stale = set(NormUnit.objects.filter(dirty=True).values_list("node__code", flat=True))
    assert cast.school_a1.code in stale and cast.school_a2.code in stale and cast.school_b1.code not in stale
    rows = norm_rows(admin, cast.city, cast.term, Norm.objects.get(code="LEAD.OBSERVE_HEAD")).rows
    targets = {r.label: r.target for r in rows}
    assert targets["孙国庆"] == 12  # county A's principal
    assert targets["马立新"] == 30  # county B's principal keeps the default


def test_short_falls_are_paged(cast: Any) -> None:
    admin = cast.users["sysadmin"]
    norm = Norm.objects.get(code="LEAD.OBSERVE_HEAD")
    every = norm_rows(admin, cast.city, cast.term, norm, only_short=True).rows
    assert len(every) >= 3
    first = norm_rows(admin, cast.city, cast.term, norm, only_short=True, limit=2).rows
    rest = norm_rows(admin, cast.city, cast.term, norm, only_short=True, offset=2).rows
    assert first + rest == every and len(first) == 2
    page = cast.client("city_researcher").get(
        reverse("norm_detail", args=["LEAD.OBSERVE_HEAD"]) + f"?node={cast.city.code}&only=short").content.decode()
    assert "共 " in page and "条" in page and "只看未达标" in page


def test_a_viewer_never_reads_rows_outside_scope(cast: Any) -> None:
    from core.access import norm_rows_visible_to

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    outside = norm_rows_visible_to(cast.users["outside_principal"])
    assert outside.exists()
    assert all(p.startswith(cast.school_b1.path) for p in outside.values_list("path", flat=True))
    page = cast.client("outside_principal").get(
        reverse("norm_detail", args=["LEAD.OBSERVE_HEAD"]) + f"?node={cast.school_b1.code}").content.decode()
    assert "孙国庆" not in page and "马立新" in page
    # A teacher reads the rows of the own school, no other.
    mine = norm_rows_visible_to(cast.users["teacher"]).values_list("path", flat=True)
    assert all(p.startswith(cast.school_a1.path) for p in mine)


def test_a_large_stale_scope_is_read_as_stored_and_left_to_the_task(cast: Any, monkeypatch: Any) -> None:
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from core import norm_results

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    NormUnit.objects.update(dirty=True)
    monkeypatch.setattr(norm_results, "SYNC_LIMIT", 2)
    cache.clear()
    queued = DBTaskResult.objects.count()
    page = cast.client("institute_head").get(reverse("compliance")).content.decode()
    assert "正在更新（" in page and "数据更新于" in page
    assert DBTaskResult.objects.count() == queued + 1
    # The task refreshes them all.
    assert norm_results.refresh_pending() == OrgNode.objects.count()
    page = cast.client("institute_head").get(reverse("compliance")).content.decode()
    assert "正在更新（" not in page


def test_after_a_write_a_large_regions_page_reads_what_is_stored_and_the_school_sees_its_write_at_once(
        cast: Any, monkeypatch: Any) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from core import norm_results
    from tests.observe.conftest import record

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    record(cast, "principal", "teacher")
    # Regions with more than one school below count as large here (the province has 12,000).
    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)
    cache.clear()
    queued = DBTaskResult.objects.count()
    with CaptureQueriesContext(connection) as seen:
        page = cast.client("institute_head").get(reverse("compliance")).content.decode()
    # The institute head's page waits for no refresh: nothing is recomputed, the page says how
    # many units wait, and the task is enqueued.
    assert not any("DELETE" in q["sql"] and "normresultrow" in q["sql"] for q in seen.captured_queries)
    stale = set(NormUnit.objects.filter(dirty=True).values_list("node__code", flat=True))
    assert stale == {cast.school_a1.code, cast.county_a.code, cast.city.code, cast.province.code}
    assert "正在更新（4个学校或区域待重算）" in page
    assert DBTaskResult.objects.count() == queued + 1
    # The school's own page (and a county researcher looking at the school) sees it at once.
    assert "已听1节" in _head_row(cast, "county_researcher", cast.school_a1, "孙国庆")
    assert not NormUnit.objects.filter(node=cast.school_a1, dirty=True).exists()
    assert norm_results.refresh_pending() == 3
    assert not NormUnit.objects.filter(dirty=True).exists()


def test_a_unit_another_page_is_refreshing_is_shown_waiting_not_computed_twice(cast: Any) -> None:
    from django.core.cache import cache

    from core import norm_results
    from tests.observe.conftest import record

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    record(cast, "principal", "teacher")
    cache.clear()
    # Another page (another app server) is computing the school right now.
    cache.add(norm_results._claim_key(cast.term.key, cast.school_a1), 1, 60)
    page = cast.client("principal").get(reverse("compliance")).content.decode()
    assert "正在更新（1个学校或区域待重算）" in page
    assert NormUnit.objects.filter(node=cast.school_a1, dirty=True).exists()
    # Once it is done (its claim released), the next view computes what is still stale.
    cache.delete(norm_results._claim_key(cast.term.key, cast.school_a1))
    page = cast.client("principal").get(reverse("compliance")).content.decode()
    assert "正在更新（" not in page
    assert not NormUnit.objects.filter(node=cast.school_a1, dirty=True).exists()
    assert not cache.get(norm_results._claim_key(cast.term.key, cast.school_a1))  # released


def test_the_refresh_task_goes_round_again_for_writes_made_while_it_ran(cast: Any) -> None:
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from core.tasks import REFRESH_ROUNDS, norms_refresh

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    # A unit written to during every round (dirtied after each round started) stays stale: the
    # task refreshes it REFRESH_ROUNDS times, then leaves a successor on the queue.
    NormUnit.objects.filter(node=cast.school_a1).update(dirty=True, dirtied_at=timezone.now() + dt.timedelta(hours=1))
    queued = DBTaskResult.objects.count()
    assert norms_refresh.call() == REFRESH_ROUNDS * NormUnit.objects.filter(node=cast.school_a1).count()
    assert DBTaskResult.objects.count() == queued + 1
    # Once nothing is stale, one round and no successor.
    NormUnit.objects.update(dirty=False)
    NormUnit.objects.filter(node=cast.school_a1, term_key=cast.term.key).update(dirty=True, dirtied_at=timezone.now())
    assert norms_refresh.call() == 1
    assert not NormUnit.objects.filter(dirty=True).exists()
    assert DBTaskResult.objects.count() == queued + 1


def test_every_committed_write_enqueues_its_refresh_once(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.core.cache import cache
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from core import norm_results, services

    compliance_for(cast.users["sysadmin"], cast.province, cast.term)
    cache.clear()
    queued = DBTaskResult.objects.count()
    school = OrgNode.objects.get(pk=cast.school_a1.pk)
    # Two writes in one transaction: one refresh on commit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.org_node_update(actor=None, node=school, student_count=(school.student_count or 0) + 1)
        services.org_node_update(actor=None, node=school, student_count=(school.student_count or 0) + 1)
    assert [c for c in callbacks if c is norm_results._refresh_after_write] == [norm_results._refresh_after_write]
    assert DBTaskResult.objects.count() == queued + 1
    # The next transaction's write a moment later gets its own task, not dropped as a duplicate
    # of the first (which may already have read the stale units). (Inside the test's own
    # transaction the committed callbacks stay registered, so it is called as a commit would.)
    norm_results._refresh_after_write()
    assert DBTaskResult.objects.count() == queued + 2
    # A page's repeated requests are still kept to one a few seconds.
    norm_results.enqueue_refresh(cast.province.path, cast.term.key, any_term=False)
    norm_results.enqueue_refresh(cast.province.path, cast.term.key, any_term=False)
    assert DBTaskResult.objects.count() == queued + 3
