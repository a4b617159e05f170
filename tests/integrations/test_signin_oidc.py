"""OpenID Connect sign-in against a real provider: django-oauth-toolkit's, started as a process
on loopback (tests/idp/). A county's admin turns it on; its people sign in as the person their
staff code, phone number or ID-number hash names; strangers, a bad state and a replayed callback
are refused with Chinese pages; a region that turned passwords off refuses password sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from integrations.signin.models import LoginEvent, MappingClaim, PersonIdentity
from integrations.signin.services import provider_create
from tests.conftest import PASSWORD
from tests.idp.driver import IdpUser
from tests.idp.harness import Idp, running_idp

IDP_PASSWORD = "idp-pass-2026"
ID_HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    users = {
        "zhou.min": {"password": IDP_PASSWORD, "claims": {"staff_code": "P00007", "name": "周敏"}},
        "he.jing": {"password": IDP_PASSWORD, "claims": {"phone_number": "+86 138-0000-1234"}},
        "xu.chen": {"password": IDP_PASSWORD, "claims": {"id_number_hash": ID_HASH}},
        "stranger": {"password": IDP_PASSWORD, "claims": {"staff_code": "X99999"}},
        "gao.ya": {"password": IDP_PASSWORD, "claims": {"staff_code": "P00015"}},
    }
    with running_idp(tmp_path_factory.mktemp("idp"), users=users,
                     redirect_uris=["http://testserver/signin/callback/"]) as server:
        yield server


def _provider(cast: Any, idp: Idp, *, claim: str = MappingClaim.STAFF_CODE, password_allowed: bool = True) -> Any:
    return provider_create(actor=None, region=cast.county_a, kind="oidc", name="省级统一身份认证",
                           issuer=idp.issuer, client_id=idp.client_id, client_secret=idp.client_secret,
                           claim=claim, password_allowed=password_allowed)


def _sign_in(client: Client, provider: Any, username: str, *, next_url: str = "") -> Any:
    start = client.get(reverse("signin:start", args=[provider.pk]), {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content.decode()[:500]
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = IdpUser().sign_in_and_consent(start["Location"], username, IDP_PASSWORD)
    parts = urlsplit(back)
    assert parts.netloc == "testserver" and parts.path == reverse("signin:callback"), back
    return client.get(parts.path + "?" + parts.query, HTTP_USER_AGENT="Mozilla/5.0 (测试浏览器)")


def _signed_in_as(client: Client) -> str:
    page = client.get(reverse("workbench"))
    assert page.status_code == 200
    return str(page.wsgi_request.user.username)


def test_the_login_page_offers_the_provincial_identity(cast: Any, idp: Idp) -> None:
    _provider(cast, idp)
    page = Client().get(reverse("login")).content.decode()
    assert "使用省级统一身份认证登录" in page


def test_a_county_admin_signs_in_by_staff_code(cast: Any, idp: Idp) -> None:
    assert cast.people["county_admin"].code == "P00007"
    provider = _provider(cast, idp)
    client = Client()
    done = _sign_in(client, provider, "zhou.min", next_url="/integrations/channels/")
    assert done.status_code == 302 and done["Location"] == "/integrations/channels/"
    assert _signed_in_as(client) == "county_admin"
    event = LoginEvent.objects.get(user=cast.users["county_admin"])
    assert (event.method, event.provider_id, event.ip, event.org_id) == ("oidc", provider.pk, "127.0.0.1",
                                                                          cast.county_a.pk)
    assert event.user_agent == "Mozilla/5.0 (测试浏览器)"


def test_a_teacher_signs_in_by_phone_number_typed_with_dashes(cast: Any, idp: Idp) -> None:
    teacher = cast.people["teacher"]
    teacher.phone = "138 0000 1234"
    teacher.save(update_fields=["phone"])
    provider = _provider(cast, idp, claim=MappingClaim.PHONE)
    client = Client()
    assert _sign_in(client, provider, "he.jing").status_code == 302
    assert _signed_in_as(client) == "teacher"


def test_an_id_number_hash_maps_through_the_identity_table(cast: Any, idp: Idp) -> None:
    PersonIdentity.objects.create(person=cast.people["teacher_a2"], claim=MappingClaim.ID_NUMBER_HASH,
                                  value=ID_HASH.lower())
    provider = _provider(cast, idp, claim=MappingClaim.ID_NUMBER_HASH)
    client = Client()
    assert _sign_in(client, provider, "xu.chen").status_code == 302
    assert _signed_in_as(client) == "teacher_a2"


def test_an_unmapped_identity_is_refused_in_chinese_and_nobody_is_created(cast: Any, idp: Idp) -> None:
    from core.models import User

    provider = _provider(cast, idp)
    users = User.objects.count()
    client = Client()
    page = _sign_in(client, provider, "stranger")
    assert page.status_code == 403
    text = page.content.decode()
    assert "没有找到对应的人员" in text and "平台不会自动创建账号" in text and "小店测试区" in text
    assert User.objects.count() == users
    assert client.get(reverse("workbench")).status_code == 302  # still signed out


def test_a_person_outside_the_providers_region_is_not_found(cast: Any, idp: Idp) -> None:
    assert cast.people["outside_teacher"].code == "P00015"
    page = _sign_in(Client(), _provider(cast, idp), "gao.ya")
    assert page.status_code == 403 and "没有找到对应的人员" in page.content.decode()


def test_a_bad_state_and_a_replayed_callback_are_refused(cast: Any, idp: Idp) -> None:
    provider = _provider(cast, idp)
    client = Client()
    start = client.get(reverse("signin:start", args=[provider.pk]))
    back = urlsplit(IdpUser().sign_in_and_consent(start["Location"], "zhou.min", IDP_PASSWORD))
    code = parse_qs(back.query)["code"][0]
    forged = client.get(reverse("signin:callback"), {"code": code, "state": "forged-state"})
    assert forged.status_code == 400
    assert "登录请求无效或已过期" in forged.content.decode()
    # Another browser cannot bring this browser's code back either.
    assert Client().get(back.path + "?" + back.query).status_code == 400
    assert client.get(back.path + "?" + back.query).status_code == 302
    replay = client.get(back.path + "?" + back.query)
    assert replay.status_code == 400 and "登录请求无效或已过期" in replay.content.decode()


def test_a_declined_consent_is_refused(cast: Any, idp: Idp) -> None:
    provider = _provider(cast, idp)
    client = Client()
    start = client.get(reverse("signin:start", args=[provider.pk]))
    back = urlsplit(IdpUser().sign_in_and_consent(start["Location"], "zhou.min", IDP_PASSWORD, allow=False))
    page = client.get(back.path + "?" + back.query)
    assert page.status_code == 400 and "没有完成认证" in page.content.decode()


def test_a_region_without_passwords_refuses_password_sign_in_for_its_people_only(cast: Any, idp: Idp) -> None:
    _provider(cast, idp, password_allowed=False)
    login = reverse("login")
    refused = Client().post(login, {"username": "teacher", "password": PASSWORD})
    assert refused.status_code == 200
    assert "小店测试区已改为统一身份认证登录" in refused.content.decode()
    assert Client().post(login, {"username": "outside_teacher", "password": PASSWORD}).status_code == 302
    assert Client().post(login, {"username": "sysadmin", "password": PASSWORD}).status_code == 302


def test_a_password_sign_in_is_logged(cast: Any) -> None:
    assert Client().post(reverse("login"), {"username": "teacher", "password": PASSWORD},
                         HTTP_USER_AGENT="Firefox").status_code == 302
    event = LoginEvent.objects.get(user=cast.users["teacher"])
    assert (event.method, event.user_agent, event.org_id) == ("password", "Firefox", cast.school_a1.pk)


def test_an_unreachable_issuer_says_so(cast: Any) -> None:
    provider = provider_create(actor=None, region=cast.county_a, kind="oidc", name="省级统一身份认证",
                               issuer="http://127.0.0.1:9/o", client_id="x", client_secret="y")
    page = Client().get(reverse("signin:start", args=[provider.pk]))
    assert page.status_code == 502 and "无法连接统一身份认证平台" in page.content.decode()


