"""The observe API router as mounted at /api/v1/observe/, called with each role's session."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from observe.models import Observation
from tests.conftest import Cast


class RoleClient:
    """Calls /api/v1 as the named role (the same sessions the pages use)."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.clients: dict[str, Client] = {}

    def _for(self, user: Any) -> Client:
        role = next(k for k, u in self.cast.users.items() if u.pk == user.pk)
        if role not in self.clients:
            self.clients[role] = self.cast.client(role)
        return self.clients[role]

    def get(self, path: str, *, user: Any) -> Any:
        return self._for(user).get("/api/v1" + path)

    def post(self, path: str, *, json: dict[str, Any], user: Any) -> Any:
        return self._for(user).post("/api/v1" + path, json, content_type="application/json")


@pytest.fixture
def client(cast: Cast) -> RoleClient:
    return RoleClient(cast)


def test_create_sync_and_read(cast: Cast, client: RoleClient) -> None:
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


def test_validation_names_field(cast: Cast, client: RoleClient) -> None:
    r = client.post("/observe/observations", json={"teacher": cast.people["outside_teacher"].code,
                                                   "date": "2026-10-20"}, user=cast.users["principal"])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "teacher"


def test_quota_and_templates(cast: Cast, client: RoleClient) -> None:
    r = client.get("/observe/quota?node=140105", user=cast.users["county_researcher"])
    assert r.status_code == 200 and {x["name"] for x in r.json()["leaders"]} == {"孙国庆", "吴海燕", "郑红梅"}
    assert client.get("/observe/quota?node=140105", user=cast.users["teacher"]).status_code == 404
    r = client.get("/observe/templates", user=cast.users["teacher"])
    assert {t["key"] for t in r.json()["items"]} >= {"LESSON.GENERAL", "LICC", "GROUP.RUBRIC"}
    tid = next(t["id"] for t in r.json()["items"] if t["key"] == "GROUP.RUBRIC")
    r = client.get(f"/observe/templates/{tid}", user=cast.users["teacher"])
    assert r.status_code == 200 and len(r.json()["nodes"]) == 9
