"""The page and the API show the same people and schools for the same filters (issue 7): one
selector each (core.selectors.people_matching / schools_matching). Before, the people page
matched the main subject only and showed people who had left, while the API matched additional
subjects and hid them; the school page matched code prefixes, the API only whole codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from core import services
from core.models import Person, Subject
from tests.conftest import Cast


def _page_codes(cast: Cast, role: str, name: str, params: dict[str, str], pattern: str) -> set[str]:
    body = cast.client(role).get(reverse(name), params).content.decode()
    return set(re.findall(pattern, body))


def _api_codes(cast: Cast, role: str, name: str, params: dict[str, Any]) -> set[str]:
    body = cast.client(role).get(reverse(f"api-v1:{name}"), {**params, "limit": 200}).json()
    assert body["count"] == len(body["items"])
    return {item["code"] for item in body["items"]}


@pytest.fixture
def varied(cast: Cast) -> Cast:
    """One teacher who also teaches maths, and one who left."""
    math = Subject.objects.get(code="math")
    also_math = cast.people["teacher"]
    also_math.subjects.add(math)
    left = services.person_create(actor=None, code="LEFT01", name="钱离职", org=cast.school_a1, main_subject=math)
    Person.objects.filter(pk=left.pk).update(is_active=False)
    return cast


PEOPLE_FILTERS: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({}, {}),
    ({"subject": "math"}, {"subject": "math"}),
    ({"subject": "math", "include_inactive": "1"}, {"subject": "math", "include_inactive": True}),
    ({"q": "zwh"}, {"q": "zwh"}),
    ({"node": "1140105001"}, {"org": "1140105001"}),
    ({"title": "gaoji"}, {"title": "gaoji"}),
    ({"role": "principal"}, {"role": "principal"}),
]


@pytest.mark.parametrize("role", ["county_admin", "city_researcher", "principal"])
@pytest.mark.parametrize("page_params,api_params", PEOPLE_FILTERS)
def test_people_page_and_api_agree(varied: Cast, role: str, page_params: dict[str, str],
                                   api_params: dict[str, Any]) -> None:
    page = _page_codes(varied, role, "people_list", page_params, r'href="/people/([^/"]+)/"')
    api = _api_codes(varied, role, "person_list", api_params)
    assert page == api


def test_the_chosen_behaviour(varied: Cast) -> None:
    """Additional subjects count; people who left are hidden unless asked for."""
    codes = _page_codes(varied, "county_admin", "people_list", {"subject": "math"}, r'href="/people/([^/"]+)/"')
    assert varied.people["teacher"].code in codes and "LEFT01" not in codes
    codes = _page_codes(varied, "county_admin", "people_list", {"subject": "math", "include_inactive": "1"},
                        r'href="/people/([^/"]+)/"')
    assert "LEFT01" in codes


SCHOOL_FILTERS: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({}, {}),
    ({"q": "114010500"}, {"q": "114010500"}),
    ({"q": "小学"}, {"q": "小学"}),
    ({"weak": "1"}, {"weak": True}),
    ({"weak": "0"}, {"weak": False}),
    ({"stage": "primary"}, {"stage": "primary"}),
    ({"type": "primary"}, {"school_type": "primary"}),
    ({"locale": "rural"}, {"locale": "rural"}),
    ({"node": "140105"}, {"under": "140105"}),
]


@pytest.mark.parametrize("role", ["institute_head", "county_researcher"])
@pytest.mark.parametrize("page_params,api_params", SCHOOL_FILTERS)
def test_schools_page_and_api_agree(cast: Cast, role: str, page_params: dict[str, str],
                                    api_params: dict[str, Any]) -> None:
    page = _page_codes(cast, role, "schools_list", page_params, r'href="/org/(\d{10})/"')
    api = _api_codes(cast, role, "school_list", api_params)
    assert page == api


def test_school_code_prefix_finds_a_countys_schools(cast: Cast) -> None:
    assert _api_codes(cast, "institute_head", "school_list", {"q": "114010500"}) == {"1140105001", "1140105002"}
    assert _page_codes(cast, "institute_head", "schools_list", {"q": "114010500"},
                       r'href="/org/(\d{10})/"') == {"1140105001", "1140105002"}
