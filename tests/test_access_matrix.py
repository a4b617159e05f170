"""The access matrix: every role against every page and API endpoint, inside and outside its
scope. A named URL without a row here fails the suite (test_every_url_has_a_row)."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access_cases import ALL_ROLES, Case

# Named URLs that need no row, with the reason.
EXEMPT = {
    "login": "the login page is public by design",
    "logout": "logs out whoever calls it",
    "api-v1:openapi-json": "the schema is public documentation of the API",
    "api-v1:openapi-view": "the docs page is public documentation of the API",
    "api-v1:api-root": "django-ninja's root name; it answers 404 to everyone",
}


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for mod in pkgutil.iter_modules(tests.__path__):
        if mod.name.startswith("access_cases_"):
            cases.extend(importlib.import_module(f"tests.{mod.name}").CASES)
    return cases


def _names(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace == "admin":
                continue  # Django's admin: system admins only, tested in test_security.
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


CASES = _all_cases()


def test_every_url_has_a_row() -> None:
    covered = {c.url_name for c in CASES}
    missing = sorted(set(_names(get_resolver().url_patterns)) - covered - set(EXEMPT))
    assert not missing, f"named URLs without an access-matrix row: {missing}"


def _request(cast: Any, role: str, case: Case, url: str) -> int:
    """One role's request, rolled back afterwards so every role meets the same records."""
    client = cast.client(role)
    data = case.data(cast) if case.data else None
    with transaction.atomic():
        if case.url_name.startswith("api-v1:"):
            # The API reads JSON bodies only.
            body = json.dumps(data) if data is not None else ""
            response = client.generic(case.method, url, body, content_type="application/json")
        elif case.method == "POST":
            response = client.post(url, data or {})
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    return int(response.status_code)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.url_name}{'?' + c.query if c.query else ''}"
                                               f"{'[' + c.note + ']' if c.note else ''}" for c in CASES])
def test_matrix(cast: Any, case: Case) -> None:
    url = reverse(case.url_name, args=case.args(cast))
    if case.query:
        url += "?" + case.query
    wrong = []
    for role in ALL_ROLES:
        status = _request(cast, role, case, url)
        if role in case.allowed:
            if status not in case.ok_status:
                wrong.append(f"{role}: expected {case.ok_status}, got {status}")
        elif status not in (403, 404):
            wrong.append(f"{role}: expected 403/404, got {status}")
    anon = _request(cast, "anonymous", case, url)
    if anon not in ((401,) if case.url_name.startswith("api-v1:") else (302, 401, 403, 404)):
        wrong.append(f"anonymous: expected a login redirect or 401, got {anon}")
    assert not wrong, f"{case.url_name} {url}: " + "; ".join(wrong)
