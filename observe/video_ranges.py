"""HTTP Range requests (RFC 9110 §14) for stored lesson videos, streamed from the file store.

`parse_range` reads one `bytes=` range: `a-b`, open-ended `a-`, or a suffix `-n` (the last n
bytes). A header naming another unit, or several ranges, is ignored (the whole file is sent,
as the RFC allows); a malformed or unsatisfiable bytes range answers 416 with `bytes */size`.
`ranged_response` seeks in the stored file and sends the bytes in chunks, so a video of any size
never sits in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

from observe.attachments import ATTACHMENT_CSP

CHUNK_BYTES = 64 * 1024
_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):
    """The Range header names bytes the file does not have, or names them malformed."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive; None to send the whole file."""
    header = header.strip()
    if not header:
        return None
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None
    m = _SPEC.match(spec)
    if m is None:
        raise Unsatisfiable(header)
    first_text, last_text = m.groups()
    if first_text == "" and last_text == "":
        raise Unsatisfiable(header)
    if first_text == "":
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last < first or first >= size:
        raise Unsatisfiable(header)
    return first, min(last, size - 1)


def _chunks(stream: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    try:
        stream.seek(first)
        left = length
        while left > 0:
            chunk = stream.read(min(CHUNK_BYTES, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        stream.close()


def _protect(response: HttpResponseBase) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response


def ranged_response(request: HttpRequest, stream: IO[bytes], size: int, content_type: str) -> HttpResponseBase:
    """200 with the whole file, 206 with the range asked for, or 416; the file is closed after."""
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        stream.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _protect(response)
    first, last = wanted if wanted is not None else (0, size - 1)
    length = max(last - first + 1, 0)
    if request.method == "HEAD":
        stream.close()
        body: StreamingHttpResponse | HttpResponse = HttpResponse(content_type=content_type)
    else:
        body = StreamingHttpResponse(_chunks(stream, first, length), content_type=content_type)
    if wanted is not None:
        body.status_code = 206
        body["Content-Range"] = f"bytes {first}-{last}/{size}"
    body["Content-Length"] = str(length)
    return _protect(body)
