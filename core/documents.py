"""Word documents (python-docx, the format Chinese education bureaus exchange): one set-up for
every report, and one way to send a finished document to the browser.

East Asian text takes its font from the run's `w:eastAsia` attribute, not from the Latin font
name, so `new_document` sets both; otherwise Word shows Chinese in its own fallback font.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Debian's Noto CJK (the font matplotlib draws report charts with); 宋体 is what Word users expect
# in a formal record such as a teacher's archive.
SANS_FONT = "Noto Sans CJK SC"
SONG_FONT = "宋体"


def new_document(*, font: str = SANS_FONT, size_pt: float = 10.5) -> Any:
    """An empty document whose Normal style uses `font` for Latin and East Asian text alike."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(size_pt)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    return doc


def document_bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(content: bytes, filename: str) -> HttpResponse:
    """The document as a download named `filename` (UTF-8 names encoded per RFC 6266)."""
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
