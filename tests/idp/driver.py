"""A person at the test IdP without a browser: signs in on its login form and answers its consent
form over real HTTP (a cookie jar, redirects not followed), and hands back the address the IdP
sends the browser to (our callback)."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.inputs[str(a["name"])] = a.get("value") or ""


class IdpUser:
    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request."""
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=10) as r:
                return r.status, "", r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, urljoin(url, e.headers.get("Location", "")), e.read().decode(errors="replace")

    def sign_in_and_consent(self, authorize_url: str, username: str, password: str, *, allow: bool = True) -> str:
        status, location, _ = self._open(authorize_url)
        assert status == 302 and "/accounts/login/" in location, (status, location)
        status, _, page = self._open(location)
        form = _Inputs()
        form.feed(page)
        status, after_login, page = self._open(location, {**form.inputs, "username": username, "password": password})
        assert status == 302, f"IdP login refused: {page[:300]}"
        status, location, page = self._open(after_login)
        if status == 302:  # consent already given
            return location
        consent = _Inputs()
        consent.feed(page)
        fields = {**consent.inputs, "allow": "Authorize"} if allow else consent.inputs
        status, location, page = self._open(after_login, fields)
        assert status == 302, f"IdP consent failed: {page[:300]}"
        return location
