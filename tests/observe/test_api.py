"""The observe API router, mounted on a scratch NinjaAPI (the lead mounts it at /api/v1/observe/)."""

from __future__ import annotations

import uuid

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from api.errors import install_handlers
from observe.api import router
from observe.models import Observation
from tests.conftest import Cast

_api = NinjaAPI(urls_namespace="observe-api-test")
install_handlers(_api)
_api.add_router("/observe", router)


@pytest.fixture
def client() -> TestClient:
    return TestClient(_api)


def test_create_sync_and_read(cast: Cast, client: TestClient) -> None:
    key = str(uuid.uuid4())
    body = {"client_uuid": key, "teacher": cast.people["teacher"].code, "date": "2026-10-20", "topic": "背影",
            "strengths": "好", "purpose": "evaluative",
            "coding": [{"scheme": "ST", "codes": list("TTTSSTTTTSSSSTTSTTTT")}]}
    r = client.post("/observe/observations", json=body, user=cast.users["principal"])
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "draft" and r.json()["coding"][0]["mode"] == "mixed"
    r = client.post("/observe/observations", json={**body, "submit": True}, user=cast.users["principal"])
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    assert Observation.objects.count() == 1
    oid = r.json()["id"]
    assert client.get(f"/observe/observations/{oid}", user=cast.users["teacher"]).status_code == 200
    assert client.get(f"/observe/observations/{oid}", user=cast.users["outside_principal"]).status_code == 404
    r = client.get(f"/observe/observations/{oid}/coding", user=cast.users["county_researcher"])
    assert r.status_code == 200 and r.json()[0]["result"]["indices"]["mode"] == "mixed"
    r = client.get("/observe/observations", user=cast.users["outside_researcher"])
    assert r.json()["count"] == 0


def test_validation_names_field(cast: Cast, client: TestClient) -> None:
    r = client.post("/observe/observations", json={"teacher": cast.people["outside_teacher"].code,
                                                   "date": "2026-10-20"}, user=cast.users["principal"])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "teacher"


def test_quota_and_templates(cast: Cast, client: TestClient) -> None:
    r = client.get("/observe/quota?node=140105", user=cast.users["county_researcher"])
    assert r.status_code == 200 and {x["name"] for x in r.json()["leaders"]} == {"孙国庆", "吴海燕", "郑红梅"}
    assert client.get("/observe/quota?node=140105", user=cast.users["teacher"]).status_code == 404
    r = client.get("/observe/templates", user=cast.users["teacher"])
    assert {t["key"] for t in r.json()["items"]} >= {"LESSON.GENERAL", "LICC", "GROUP.RUBRIC"}
    tid = next(t["id"] for t in r.json()["items"] if t["key"] == "GROUP.RUBRIC")
    r = client.get(f"/observe/templates/{tid}", user=cast.users["teacher"])
    assert r.status_code == 200 and len(r.json()["nodes"]) == 9
