"""What an observation attachment is, decided from its bytes, never from what the browser claims.

The upload control offers photos and office documents. A file is accepted only when its content
is one of those kinds and its name ends the way that kind does: a script or a web page renamed
`.png`, an executable renamed `.docx`, or an SVG (an image that can carry script) is refused.
Photos are decoded and saved again by Pillow, which drops EXIF (the phone's location) and
anything appended after the image data (a PNG followed by HTML is a "polyglot").

The same check runs when a stored file is served (`served_type`): an attachment shows inline only
when its stored bytes open as one of the photo kinds; anything else, including files stored before
this check existed, is sent as a download. `attachment_response` (used by every app that serves
uploads) adds `nosniff` and a sandboxing policy on top, so even a browser that tried to render a
stored file as a page would run no script.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from observe.errors import ObservationError

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS_PER_SAVE = 10
# A 20 MB photo from a phone is at most ~50 megapixels; past this Pillow would spend seconds and
# hundreds of megabytes decoding a small file crafted to expand (a decompression bomb).
MAX_IMAGE_PIXELS = 60_000_000

# Photo kinds: Pillow's format name -> (MIME type, file extension of the re-encoded file).
PHOTO_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/png", ".png"),  # saved again as PNG (its first frame): no animation in a lesson photo
    "WEBP": ("image/webp", ".webp"),
}
PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})

# Document kinds: extension -> MIME type; always served as downloads.
DOCUMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The part every Office Open XML file of that kind holds.
OOXML_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".pptx": "ppt/presentation.xml"}
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc, .xls, .ppt

# What the page says next to the upload control, and the `accept` list the control offers.
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,.jpg,.jpeg,.png,.gif,.webp," + ",".join(DOCUMENT_TYPES)
LIMITS_TEXT = (f"照片（JPG、PNG、GIF、WebP）或 PDF、Word、Excel、PowerPoint 文件；单个不超过 "
               f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，每次最多 {MAX_ATTACHMENTS_PER_SAVE} 个")

DOWNLOAD_TYPE = "application/octet-stream"


class AttachmentRefused(ObservationError):
    """The file is not one of the kinds the form offers; the message names the file and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="attachments")


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: the bytes to store, the name to store them under, what it is."""

    name: str
    content: bytes
    content_type: str
    is_photo: bool


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _open_photo(stream: IO[bytes]) -> Image.Image | None:
    """The image when the bytes are one of the photo kinds (decoded fully), else None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=list(PHOTO_FORMATS))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        # Pillow reports truncated or malformed data as OSError, SyntaxError or ValueError.
        return None
    return image


def _reencode(image: Image.Image) -> tuple[bytes, str, str]:
    """The photo saved again from its pixels: no EXIF, no text chunks, nothing after the data.
    The phone's rotation flag is applied first, since the flag itself goes with the EXIF."""
    fmt = image.format or "PNG"
    content_type, ext = PHOTO_FORMATS[fmt]
    upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        upright.convert("RGB").save(out, format="JPEG", quality=90)
    elif fmt == "WEBP":
        upright.save(out, format="WEBP", quality=90)
    else:
        if upright.mode not in ("RGB", "RGBA", "L", "LA"):
            upright = upright.convert("RGBA")
        upright.save(out, format="PNG")
    return out.getvalue(), content_type, ext


def _document_type(head: bytes, data: IO[bytes], ext: str) -> str | None:
    """The MIME type when the bytes are the document kind the extension names, else None."""
    if ext == ".pdf":
        return DOCUMENT_TYPES[ext] if head.startswith(b"%PDF-") else None
    if ext in (".doc", ".xls", ".ppt"):
        return DOCUMENT_TYPES[ext] if head.startswith(OLE2_SIGNATURE) else None
    if ext in OOXML_MAIN_PART:
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and OOXML_MAIN_PART[ext] in names:
            return DOCUMENT_TYPES[ext]
    return None


def check_upload(name: str, stream: IO[bytes], size: int) -> CheckedFile:
    """Accept the file as a photo (re-encoded) or a document of an offered kind, or refuse it."""
    label = name or "附件"
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(f"附件“{label}”：单个文件不能超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    data = stream.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(f"附件“{label}”：单个文件不能超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    if not data:
        raise AttachmentRefused(f"附件“{label}”：文件是空的")
    ext = _extension(label)
    stem = os.path.splitext(os.path.basename(label.replace("\\", "/")))[0][:100] or "附件"
    if ext in PHOTO_EXTENSIONS:
        image = _open_photo(io.BytesIO(data))
        if image is None:
            raise AttachmentRefused(f"附件“{label}”：文件内容不是 JPG、PNG、GIF 或 WebP 图片")
        content, content_type, new_ext = _reencode(image)
        return CheckedFile(name=stem + new_ext, content=content, content_type=content_type, is_photo=True)
    if ext in DOCUMENT_TYPES:
        document_type = _document_type(data[:16], io.BytesIO(data), ext)
        if document_type is None:
            raise AttachmentRefused(f"附件“{label}”：文件内容与扩展名 {ext} 不符")
        return CheckedFile(name=stem + ext, content=data, content_type=document_type, is_photo=False)
    raise AttachmentRefused(f"附件“{label}”：只能上传照片（JPG、PNG、GIF、WebP）或 PDF、Word、Excel、PowerPoint 文件")


def served_type(stream: IO[bytes], name: str) -> tuple[str, bool]:
    """(MIME type, inline?) for a stored file, decided from its bytes again: inline only for a
    photo that opens as one; a document gets its own type as a download; anything else (a file
    stored before uploads were checked) is a plain download."""
    head = stream.read(16)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=list(PHOTO_FORMATS)) as image:
                fmt = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        fmt = None
    stream.seek(0)
    if fmt in ("JPEG", "PNG", "GIF", "WEBP"):
        return {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}[fmt], True
    ext = _extension(name)
    if ext in DOCUMENT_TYPES:
        content_type = _document_type(head, stream, ext)
        stream.seek(0)
        if content_type is not None:
            return content_type, False
    return DOWNLOAD_TYPE, False


# The policy on a served file: it may load nothing and, if a browser ever rendered it as a page,
# it would run in a sandbox with an opaque origin, so no script could reach our cookies or pages.
ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def attachment_response(stream: IO[bytes], name: str) -> FileResponse:
    """A stored upload served safely (observe's and every other app's attachments): the type
    judged from the bytes again (`served_type`), sandboxed, never cached by shared caches."""
    content_type, inline = served_type(stream, name)
    response = FileResponse(stream, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response
