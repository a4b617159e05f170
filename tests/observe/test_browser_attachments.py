"""In a real Chromium (issue 8, finding 1): a script attachment does not run when opened.

The attack was two attachments: a script "claimed" as a photo, and a web page loading it, both
served from our origin, so the page ran in the principal's browser with the principal's session.
Here the principal opens such attachments, stored as the old code stored them; the page comes
down as a file, and even a page of our origin that loads the script attachment cannot run it.
The observer's own upload of a page renamed `.png` is refused in the form.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.conftest import browser_login, build_cast, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the script does when it runs: marks our origin's storage and calls home.
SCRIPT = b"localStorage.setItem('pwned', 'script'); fetch('/pwned-by-script');\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored(obs: Any, name: str, content: bytes) -> Any:
    """An attachment as the old code kept it: any bytes, is_photo from the client's claim."""
    from observe.models import ObservationAttachment

    att = ObservationAttachment(observation=obs, name=name, is_photo=True, size=len(content))
    att.file.save(name, ContentFile(content), save=False)
    att.save()
    return att


def test_script_attachment_does_not_run_when_opened(page: Any, live_server: Any) -> None:
    from core.models import Subject
    from observe import services
    from observe.models import ObservationAttachment

    cast = build_cast()
    data = services.ObservationData(teacher=cast.people["teacher"], school=cast.school_a1, date=dt.date(2026, 10, 9),
                                    subject=Subject.objects.get(code="chinese"), topic="背影",
                                    strengths="朗读指导到位", purpose="evaluative")
    obs = services.observation_record(actor=None, observer=cast.people["vice_principal"], data=data, submit=True)
    script = _stored(obs, "板书.png", SCRIPT)
    html = (f"<!doctype html><html><body><p>看板书</p><script src='/observe/attachments/{script.pk}/'></script>"
            "<script>localStorage.setItem('pwned', 'page'); fetch('/pwned-by-page');</script></body></html>")
    page_att = _stored(obs, "板书.html", html.encode())
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, format="PNG")
    photo = _stored(obs, "照片.png", png.getvalue() + html.encode())  # a polyglot kept by the old code

    hits: list[str] = []
    page.on("request", lambda r: hits.append(r.url) if "pwned" in r.url else None)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    base = live_server.url
    browser_login(page, base, cast.users["principal"].username)

    # The page attachment comes down as a file; nothing of it runs in our origin.
    page.goto(f"{base}/observe/{obs.pk}/")
    with page.expect_download() as download:
        page.click(f"a[href='/observe/attachments/{page_att.pk}/']")
    assert download.value.suggested_filename == "板书.html"

    # A page of our own origin that loads the script attachment (the second half of the attack):
    # the file is no script (nosniff, not a JavaScript type), so the browser refuses to run it.
    page.route(f"{base}/observe/attack/", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f"<!doctype html><script src='/observe/attachments/{script.pk}/'></script>"))
    with page.expect_console_message(lambda m: "Refused to execute script" in m.text):
        page.goto(f"{base}/observe/attack/")

    # The polyglot photo opens inline as an image, with its scripts inert (sandboxed, no script).
    response = page.goto(f"{base}/observe/attachments/{photo.pk}/")
    assert response is not None and response.headers["content-type"] == "image/png"
    assert "sandbox" in response.headers["content-security-policy"]
    screenshot(page, "observe-attachment-polyglot")

    page.goto(f"{base}/observe/")
    assert page.evaluate("localStorage.getItem('pwned')") is None
    assert hits == []

    # The observer uploads a page renamed as a photo through the form: refused, named.
    page.context.clear_cookies()
    browser_login(page, base, cast.users["vice_principal"].username)
    page.goto(f"{base}/observe/new/")
    assert "单个不超过 20 MB" in page.inner_text("[data-testid=attachment-limits]")
    teacher = cast.people["teacher"]
    page.fill("[data-testid=teacher]", f"{teacher.name}（{teacher.code}）")
    page.select_option("select[name=subject]", "chinese")
    page.fill("input[name=topic]", "背影（附件）")
    page.fill("textarea[name=strengths]", "朗读指导细致")
    page.set_input_files("[data-testid=attachments]", files=[
        {"name": "板书2.png", "mimeType": "image/png", "buffer": html.encode()}])
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=form-errors]")
    assert "附件“板书2.png”：文件内容不是 JPG、PNG、GIF 或 WebP 图片" in page.inner_text("[data-testid=form-errors]")
    assert ObservationAttachment.objects.count() == 3
    assert page.evaluate("localStorage.getItem('pwned')") is None and hits == []
