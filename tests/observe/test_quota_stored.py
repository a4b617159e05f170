"""A large region's quota page reads the stored LEAD.* rows (observe.quota_stored) and shows what
the live page shows: the same counts, children, leaders and schools behind, and the same export,
while a write since the last refresh waits for the task instead of being computed by the page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from core import norm_results
from core import services as core_services
from core.models import Norm
from observe.models import Observation
from tests.conftest import Cast

FIGURES = ("met", "leader_count", "behind_count", "schools_behind_count", "school_count", "children", "fraction")


def _page(cast: Cast, role: str, node_code: str, **query: str) -> Any:
    r = cast.client(role).get(reverse("observe:quota"), {"node": node_code, "term": cast.term.key, **query})
    assert r.status_code == 200
    return r


@pytest.fixture
def observed(cast: Cast, rec: Callable[..., Observation]) -> None:
    # A head quota of 2 in county A: the principal (two lessons) has met it, the vice principal
    # (one, with 1 expected by now) is on pace, the middle manager (none of 25) is behind.
    core_services.norm_override_set(actor=None, norm=Norm.objects.get(code="LEAD.OBSERVE_HEAD"),
                                    region=cast.county_a, threshold=2)
    rec("principal", "teacher")
    rec("principal", "group_leader")
    rec("vice_principal", "teacher")
    norm_results.refresh_all()


def test_a_large_regions_page_shows_what_the_live_page_shows(cast: Cast, observed: None,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for node in (cast.county_a, cast.city, cast.province):
        live = _page(cast, "sysadmin", node.code).context
        assert not live.get("stored")
        with monkeypatch.context() as m:
            m.setattr(norm_results, "SYNC_SCHOOLS", 1)  # every region here counts as large
            stored = _page(cast, "sysadmin", node.code)
        ctx = stored.context
        assert ctx["stored"] and "取自规范达标的已存结果" in stored.content.decode()
        assert {k: ctx[k] for k in FIGURES} == {k: live[k] for k in FIGURES}, node.name
        assert sorted(r["name"] for r in ctx["behind"]) == sorted(r["name"] for r in live["behind"])
        # The schools behind: the live rows of the schools behind pace, lowest coverage first.
        behind = [r for r in live["coverage_rows"] if r["status_label"] == "落后进度"]
        assert ctx["coverage_rows"] == sorted(behind, key=lambda r: float(r["percent"]))
    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)
    county = _page(cast, "county_researcher", cast.county_a.code).context
    assert county["stored"] and county["leader_count"] > 0 and county["met"] >= 1 and county["behind_count"] >= 1
    # The stored rows answer only those who may read the region's quota page.
    for role in ("outside_researcher", "principal", "teacher"):
        r = cast.client(role).get(reverse("observe:quota"), {"node": cast.county_a.code, "term": cast.term.key})
        assert r.status_code == 404, role


def test_the_stored_page_names_leaders_behind_and_exports_every_leader(cast: Cast, observed: None,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    live = _page(cast, "county_researcher", cast.county_a.code, format="xlsx")
    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)
    body = _page(cast, "county_researcher", cast.county_a.code).content.decode()
    assert "郑红梅" in body and "落后进度的领导" in body  # the middle manager, none of 25
    stored = _page(cast, "county_researcher", cast.county_a.code, format="xlsx")

    def sheet(r: Any) -> list[tuple[Any, ...]]:
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        return sorted(rows[2:], key=repr)  # the title and note rows, then the header and leaders

    assert sheet(stored) == sheet(live) and len(sheet(stored)) >= 3
    assert any(row[0] == "孙国庆" and row[3] == 2 and row[6] == "已达标" for row in sheet(stored))


def test_a_write_waits_for_the_refresh_and_the_page_says_so(cast: Cast, observed: None,
                                                           rec: Callable[..., Observation],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)
    before = _page(cast, "county_researcher", cast.county_a.code).context
    rec("middle_manager", "teacher")
    r = _page(cast, "county_researcher", cast.county_a.code)
    # The page computed nothing: the counts are the stored ones, and it says units are waiting.
    assert {k: r.context[k] for k in FIGURES} == {k: before[k] for k in FIGURES}
    assert "正在更新（" in r.content.decode()
    # The refresh's commit (as in production) makes the page count its figures again (core.kept).
    with django_capture_on_commit_callbacks(execute=True):
        assert norm_results.refresh_pending() > 0
    after = _page(cast, "county_researcher", cast.county_a.code)
    assert "正在更新（" not in after.content.decode()
    row = next(x for x in after.context["behind"] if x["name"] == "郑红梅")
    assert row["count"] == "1" and row["status_label"] == "落后进度"
