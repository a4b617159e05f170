"""What a lesson video is, decided from its bytes, and which links to the region's video
platform an observation may carry instead of a file.

An upload is accepted only when its first bytes are an MP4 (an ISO media file: a `ftyp` box with
a known brand) or a WebM (an EBML header whose DocType is `webm`) and its name ends the way that
kind does; its size is limited by settings.OBSERVE_VIDEO_MAX_BYTES. The file goes to the file
store (default_storage), never into the database. A link must be https on one of
settings.OBSERVE_VIDEO_LINK_HOSTS (or a subdomain of one).
"""

from __future__ import annotations

import os
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings

from observe.errors import ObservationError

VIDEO_EXTENSIONS: dict[str, str] = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm"}
# Brands of the MP4 family a phone, a camera or a recording system writes.
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
                        b"M4V ", b"M4VH", b"M4VP", b"dash", b"MSNV", b"qt  ", b"3gp4", b"3gp5", b"3gp6"})
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
HEAD_BYTES = 64
ACCEPT = "video/mp4,video/webm,.mp4,.m4v,.webm"


class VideoRefused(ObservationError):
    def __init__(self, message: str, field: str = "video") -> None:
        super().__init__(message, field=field)


def max_bytes() -> int:
    return int(settings.OBSERVE_VIDEO_MAX_BYTES)


def limits_text() -> str:
    return f"MP4 或 WebM 视频，不超过 {max_bytes() // (1024 * 1024)} MB"


def sniff(head: bytes) -> str | None:
    """video/mp4 or video/webm when the first bytes are one, else None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "video/mp4"
    if head.startswith(EBML_MAGIC) and b"\x42\x82" in head[:HEAD_BYTES]:
        at = head.index(b"\x42\x82", 4)
        size_byte = head[at + 2] if len(head) > at + 2 else 0
        if size_byte & 0x80:  # a one-byte size: the DocType string follows
            length = size_byte & 0x7F
            if head[at + 3:at + 3 + length] == b"webm":
                return "video/webm"
    return None


def check_video(name: str, stream: IO[bytes], size: int) -> str:
    """The MIME type of an acceptable upload, or VideoRefused naming the file and why. Reads only
    the first bytes: the file itself is streamed to the store, never held in memory."""
    label = name or "录像"
    limit = max_bytes()
    if size > limit:
        raise VideoRefused(f"录像“{label}”：文件不能超过 {limit // (1024 * 1024)} MB")
    if size <= 0:
        raise VideoRefused(f"录像“{label}”：文件是空的")
    ext = os.path.splitext(label)[1].lower()
    if ext not in VIDEO_EXTENSIONS:
        raise VideoRefused(f"录像“{label}”：只能上传 MP4 或 WebM 视频")
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = sniff(head)
    if kind is None:
        raise VideoRefused(f"录像“{label}”：文件内容不是 MP4 或 WebM 视频")
    if kind != VIDEO_EXTENSIONS[ext]:
        raise VideoRefused(f"录像“{label}”：文件内容与扩展名 {ext} 不符")
    return kind


def link_hosts() -> list[str]:
    return [h.lower().strip(".") for h in settings.OBSERVE_VIDEO_LINK_HOSTS]


def check_link(url: str) -> str:
    """The link, cleaned, when it is https on an allowed host of the region's platform."""
    url = url.strip()
    hosts = link_hosts()
    if not hosts:
        raise VideoRefused("录像链接：本平台未配置可用的区域视频平台，请上传录像文件", field="link")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        raise VideoRefused("录像链接：请填写以 https:// 开头的视频地址", field="link")
    if parts.username or parts.password:
        raise VideoRefused("录像链接：地址中不能含用户名或密码", field="link")
    if not any(host == h or host.endswith("." + h) for h in hosts):
        raise VideoRefused(f"录像链接：只能使用区域视频平台（{'、'.join(hosts)}）的地址", field="link")
    if len(url) > 500:
        raise VideoRefused("录像链接：地址不能超过 500 个字符", field="link")
    return url


def link_origin(url: str) -> str:
    """scheme://host[:port] of a link, for the page's media-src policy."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
