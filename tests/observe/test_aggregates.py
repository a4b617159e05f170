"""Observation aggregates (observe.aggregates): the analysis page's figures read from them equal
the figures computed from the observations, for every viewer of the test cast, whether the rows
were written by the seed's bulk path, kept by the services one observation at a time, or
rebuilt by `manage.py rebuild_observation_aggregates`."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import OrgNode
from observe import aggregates, services
from observe.analysis_data import analysis_figures, raw_figures
from observe.demo import generate_observations
from observe.models import Observation, ObservationAggregate
from observe.selectors import ObservationFilter
from tests.conftest import Cast
from tests.observe.conftest import full_ratings, general_version

TODAY = dt.date(2026, 11, 27)
VIEWERS = [("institute_head", "province"), ("sysadmin", "province"), ("province_researcher", "province"),
           ("city_researcher", "city"), ("county_researcher", "county_a"), ("bureau_viewer", "county_a"),
           ("principal", "school_a1"), ("vice_principal", "school_a1"), ("county_researcher", "school_a2")]


def _node(cast: Cast, name: str) -> OrgNode:
    node: OrgNode = getattr(cast, name)
    return node


def _same(a: aggregates.Figures, b: aggregates.Figures) -> None:
    assert (a.lessons, a.developmental, a.template, a.scored) == (b.lessons, b.developmental, b.template, b.scored)
    assert sorted(a.by_kind) == sorted(b.by_kind)
    # Five numbers and means are rounded to one decimal: equal within that rounding.
    assert a.totals == pytest.approx(b.totals, abs=0.101)
    assert a.total_mean == pytest.approx(b.total_mean, abs=0.101) if b.total_mean is not None else a.total_mean is None
    assert a.total_sd == pytest.approx(b.total_sd, abs=0.101) if b.total_sd is not None else a.total_sd is None
    assert list(a.rates) == list(b.rates)
    for name in a.rates:
        assert a.rates[name] == pytest.approx(b.rates[name], abs=0.101)
        assert a.rate_means[name] == pytest.approx(b.rate_means[name], abs=0.101)
        assert a.rate_sds[name] == pytest.approx(b.rate_sds[name], abs=0.101)


def _check_all(cast: Cast, *, subject: int | None = None) -> int:
    compared = 0
    for user_key, node_name in VIEWERS:
        user, node = cast.users[user_key], _node(cast, node_name)
        f = ObservationFilter(node.path, subject)
        got = analysis_figures(user, node, f, cast.term, [cast.term])
        assert got.from_aggregates, (user_key, node_name)
        _same(got.now, raw_figures(user, f, cast.term))
        compared += got.now.lessons
    return compared


def _full(level: str) -> dict[str, dict[str, Any]]:
    """Every item rated (an incomplete rubric has no total), at one level."""
    return full_ratings(general_version(), level)


def _rows() -> dict[tuple[int, str, int], dict[str, Any]]:
    return {(r.node_id, r.term_key, r.subject_id): {"lessons": r.lessons, "developmental": r.developmental,
                                                    "by_kind": r.by_kind, "scored": r.scored, "scores": r.scores}
            for r in ObservationAggregate.objects.all()}


def _close(a: dict[tuple[int, str, int], dict[str, Any]], b: dict[tuple[int, str, int], dict[str, Any]]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        assert (x["lessons"], x["developmental"], x["by_kind"], x["scored"]) == \
            (y["lessons"], y["developmental"], y["by_kind"], y["scored"]), k
        assert x["scores"].keys() == y["scores"].keys()
        for name in x["scores"]:
            p, q = x["scores"][name], y["scores"][name]
            assert (p["n"], p["hist"]) == (q["n"], q["hist"]) and p["sum"] == pytest.approx(q["sum"])
            assert {c: (d["n"], d["hist"]) for c, d in p["dims"].items()} == \
                {c: (d["n"], d["hist"]) for c, d in q["dims"].items()}


def test_seeded_year_aggregates_equal_raw_figures_and_a_rebuild(cast: Cast) -> None:
    n = generate_observations(rng=random.Random(5), school_ids=[cast.school_a1.pk, cast.school_a2.pk,
                                                               cast.school_b1.pk], today=TODAY)
    assert n > 50 and ObservationAggregate.objects.filter(node=cast.province).exists()
    assert _check_all(cast) > 0
    subject = Observation.objects.values_list("subject_id", flat=True).first()
    _check_all(cast, subject=subject)
    seeded = _rows()
    call_command("rebuild_observation_aggregates", verbosity=0)
    _close(_rows(), seeded)


def test_services_keep_aggregates_current(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher", ratings={**_full("优"), "3.2.1": {"value": 4}})
    rec("principal", "teacher", ratings={**_full("良"), "3.2.1": {"value": 2.5}}, kind="open")
    rec("vice_principal", "group_leader", subject="math", ratings={**_full("中")})
    dev = rec("principal", "teacher", purpose="developmental", ratings={**_full("差")})
    rec("principal", "teacher", submit=False, ratings={**_full("差")})  # a draft counts nowhere
    before = _check_all(cast)
    services.observation_release(actor=cast.users["teacher"], observation=dev)
    assert analysis_figures(cast.users["institute_head"], cast.province, ObservationFilter(cast.province.path),
                            cast.term, [cast.term]).now.scored == 3 + 1
    assert _check_all(cast) == before
    kept = _rows()
    aggregates.rebuild()
    _close(_rows(), kept)


def test_analysis_page_reads_aggregates_for_the_institute_head(cast: Cast, rec: Callable[..., Observation]) -> None:
    for _ in range(3):
        rec("principal", "teacher", problems="小组合作流于形式，时间分配不合理", ratings={**_full("优")})
    body = cast.client("institute_head").get(reverse("observe:analysis")).content.decode()
    assert 'data-testid="total">3<' in body and "小组合作" in body and "标准差" in body
    assert "分析时间" in body


def test_teacher_view_reads_observations(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher")
    user = cast.users["teacher"]
    got = analysis_figures(user, cast.school_a1, ObservationFilter(cast.school_a1.path), cast.term, [cast.term])
    assert not got.from_aggregates and got.now.lessons == raw_figures(
        user, ObservationFilter(cast.school_a1.path), cast.term).lessons


def test_a_large_scope_is_mined_in_a_task_and_shown_with_its_time(
        cast: Cast, rec: Callable[..., Observation], monkeypatch: pytest.MonkeyPatch, settings: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    from observe import mining

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(mining, "INLINE_TEXTS", 0)  # every scope counts as large
    for _ in range(3):
        rec("principal", "teacher", problems="小组合作流于形式，时间分配不合理")
    c = cast.client("institute_head")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = c.get(reverse("observe:analysis")).content.decode()
    assert "正在分析" in body and "小组合作" not in body and len(callbacks) == 1
    body = c.get(reverse("observe:analysis")).content.decode()
    assert "小组合作" in body and "分析时间" in body and "正在分析" not in body


def test_five_numbers_from_a_histogram_equal_those_of_the_values() -> None:
    from collections import Counter

    from observe.observation_stats import five_numbers

    rng = random.Random(4)
    for n in (1, 2, 5, 40, 333):
        values = [round(rng.uniform(40, 100) * 5) / 5 for _ in range(n)]
        hist = {str(k): c for k, c in Counter(round(v * 100) for v in values).items()}
        assert aggregates.five_from_hist(hist) == five_numbers(values)
        assert aggregates.five_from_hist(hist, 2.0) == five_numbers([2 * v for v in values])
