"""The read-replica router (jiaoyan/db_router.py): list and analysis pages read from the replica,
everything else, every write, and every read after a write stay on the primary.

In tests the "replica" alias is a TEST MIRROR of the primary (same database, its own connection),
so what is checked is which connection each query went through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import Person, Subject
from jiaoyan.db_router import PIN_COOKIE, replica_reads
from tests.conftest import PASSWORD, Cast

BOTH = ["default", "replica"]


@contextmanager
def queries() -> Iterator[dict[str, list[str]]]:
    seen: dict[str, list[str]] = {}
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        yield seen
    seen["default"] = [q["sql"] for q in primary.captured_queries]
    seen["replica"] = [q["sql"] for q in replica.captured_queries]


def _touching(sqls: list[str], table: str) -> list[str]:
    return [s for s in sqls if f'"{table}"' in s]


@pytest.fixture
def replica_on(settings: object) -> None:
    settings.REPLICA_READS = True  # type: ignore[attr-defined]  # pytest-django's settings wrapper


@pytest.mark.django_db(databases=BOTH)
def test_a_list_page_reads_its_rows_from_the_replica_and_the_session_from_the_primary(
        cast: Cast, replica_on: None) -> None:
    client = cast.client("county_researcher")
    with queries() as q:
        response = client.get("/people/")
    assert response.status_code == 200
    assert PIN_COOKIE not in response.cookies  # a page that only read pins nothing
    assert _touching(q["replica"], "core_person"), "the people list's rows come from the replica"
    assert not _touching(q["default"], "core_person")
    # Who is asking (session, user) is read on the primary: a login just made must never lag.
    assert _touching(q["default"], "django_session")
    assert not _touching(q["replica"], "django_session") and not _touching(q["replica"], "core_user")


@pytest.mark.django_db(databases=BOTH)
def test_after_a_write_the_same_browser_reads_from_the_primary(cast: Cast, replica_on: None) -> None:
    client = Client()
    response = client.post("/login/", {"username": cast.users["county_researcher"].username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[PIN_COOKIE]["max-age"] == 10  # the login wrote (session, last login)
    with queries() as q:
        assert client.get("/people/").status_code == 200
    assert q["replica"] == [], "the page right after a write reads what the write left, on the primary"
    # Once the pin has expired, the browser reads from the replica again.
    client.cookies.pop(PIN_COOKIE)
    with queries() as q:
        assert client.get("/people/").status_code == 200
    assert _touching(q["replica"], "core_person")


@pytest.mark.django_db(databases=BOTH)
def test_pages_not_marked_read_only_the_primary(cast: Cast, replica_on: None) -> None:
    client = cast.client("county_researcher")
    person = cast.people["teacher"]
    with queries() as q:
        assert client.get(f"/people/{person.code}/").status_code == 200
    assert q["replica"] == []
    assert _touching(q["default"], "core_person")


@pytest.mark.django_db(databases=BOTH)
def test_nothing_goes_to_the_replica_unless_one_is_configured(cast: Cast) -> None:
    client = cast.client("county_researcher")
    with queries() as q:
        assert client.get("/people/").status_code == 200
    assert q["replica"] == []


@pytest.mark.django_db(databases=BOTH)
def test_in_a_replica_block_a_write_moves_every_later_read_to_the_primary(cast: Cast, replica_on: None) -> None:
    with replica_reads():
        assert Person.objects.all().db == "replica"
        assert Subject.objects.all().db == "replica"
        with transaction.atomic():
            assert Person.objects.all().db == "default"  # inside a transaction: read-modify-write
        subject = Subject.objects.order_by("pk").first()
        assert subject is not None
        subject.save(update_fields=["name"])  # a write, routed to the primary...
        assert subject._state.db == "default"
        assert Person.objects.all().db == "default"  # ...and every read after it follows
    # Outside any request or block: the primary.
    assert Person.objects.all().db == "default"


@pytest.fixture(autouse=True)
def _close_replica() -> Iterator[None]:
    yield
    connections["replica"].close()  # its own connection to the test database: let it be dropped
