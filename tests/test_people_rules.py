"""Creating people through the API (issue 8, findings 13 and 15): the name rule is the import's
(a Latin-only name was refused with errors naming the internal `pinyin` and `initials`
fields), and a taken person code gets one answer whoever holds it, so an admin cannot tell a
code of another county from one of his own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from core.models import Person
from core.services import PERSON_CODE_TAKEN
from tests.conftest import Cast


def _create(cast: Cast, **data: Any) -> Any:
    return cast.client("county_admin").post(reverse("api-v1:person_list"), json.dumps(data),
                                            content_type="application/json")


@pytest.mark.parametrize("name,initials", [("John Smith", "js"), ("阿依古丽·买买提", "ayglmmt"), ("Mary 张", "mz")])
def test_names_the_import_accepts_are_accepted(cast: Cast, name: str, initials: str) -> None:
    r = _create(cast, code="N0001", name=name, org=cast.school_a1.code)
    assert r.status_code == 201, r.content.decode()
    assert Person.objects.get(code="N0001").initials == initials
    found = cast.client("county_admin").get(reverse("api-v1:person_list"), {"q": initials}).json()
    assert name in {p["name"] for p in found["items"]}


def test_refusals_name_the_chinese_field_label(cast: Cast) -> None:
    r = _create(cast, code="N0002", name="x" * 41, org=cast.school_a1.code)
    assert r.status_code == 422
    for entry in r.json()["detail"]:
        assert entry["msg"].startswith("姓名："), entry
        assert "pinyin" not in entry["msg"] and "initials" not in entry["msg"]


def test_a_taken_code_gets_one_answer_whoever_holds_it(cast: Cast) -> None:
    mine = _create(cast, code=cast.people["teacher"].code, name="王五", org=cast.school_a1.code)
    elsewhere = _create(cast, code=cast.people["outside_teacher"].code, name="王五", org=cast.school_a1.code)
    assert mine.status_code == elsewhere.status_code == 422
    assert mine.json() == elsewhere.json()
    message = elsewhere.json()["detail"][0]["msg"]
    assert message == f"人员编号：{PERSON_CODE_TAKEN}"
    body = elsewhere.content.decode()
    assert cast.people["outside_teacher"].name not in body and cast.school_b1.name not in body
