"""The access matrix: every role against every page and API endpoint, inside and outside its
scope. A named URL without a row here fails the suite (test_every_url_has_a_row).

Besides the status codes, every body a role receives is searched for the names of the
out-of-scope sentinels that role must not see (tests/access_sentinels.py), seeded once for the
module inside a transaction that rolls back at its end."""

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
from tests.access_sentinels import body_text, leaks, seed_sentinels

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


@pytest.fixture(scope="module")
def sentinels(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The sentinels, written once for the module (each test then runs in its own savepoint)."""
    from core.norm_results import refresh_all
    from tests.conftest import load_cast

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = seed_sentinels(load_cast())
            # The norm results computed once for the module, not again by every role's request
            # of a page that shows them (each request's writes roll back).
            refresh_all()
            yield made
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sessions(sentinels: dict[str, Any]) -> dict[str, str]:
    """One signed-in session per role, written once for the module inside the sentinels' outer
    transaction (so every test's savepoint leaves it in place). A row then costs its requests,
    not also 18 logins: a login was a fifth of the matrix's time (it rotates the session key,
    writes the session and the user's last_login)."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import load_cast

    cast = load_cast()
    keys = {}
    for role in ALL_ROLES:
        client = Client()
        client.force_login(cast.users[role])
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _request(sessions: dict[str, str], role: str, case: Case, url: str, cast: Any) -> tuple[int, str]:
    """One role's request, rolled back afterwards so every role meets the same records; the
    status and the text of the body. Each request gets a new client holding only the role's
    session cookie, so nothing a response sets (messages, CSRF) reaches the next request."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    response: Any
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
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
    return int(response.status_code), body_text(response)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.url_name}{'?' + c.query if c.query else ''}"
                                               f"{'[' + c.note + ']' if c.note else ''}" for c in CASES])
def test_matrix(cast: Any, sessions: dict[str, str], case: Case) -> None:
    url = reverse(case.url_name, args=case.args(cast))
    if case.query:
        url += "?" + case.query
    wrong = []
    for role in ALL_ROLES:
        status, text = _request(sessions, role, case, url, cast)
        if role in case.allowed:
            if status not in case.ok_status:
                wrong.append(f"{role}: expected {case.ok_status}, got {status}")
        elif status not in (403, 404):
            wrong.append(f"{role}: expected 403/404, got {status}")
        if found := leaks(role, text):
            wrong.append(f"{role}: the body names out-of-scope sentinels {found}")
    anon, text = _request(sessions, "anonymous", case, url, cast)
    if case.public:
        if anon not in case.ok_status:
            wrong.append(f"anonymous: expected {case.ok_status} on a public page, got {anon}")
    elif anon not in ((401,) if case.url_name.startswith("api-v1:") else (302, 401, 403, 404)):
        wrong.append(f"anonymous: expected a login redirect or 401, got {anon}")
    if found := leaks("anonymous", text):
        wrong.append(f"anonymous: the body names out-of-scope sentinels {found}")
    assert not wrong, f"{case.url_name} {url}: " + "; ".join(wrong)
