"""QR codes for links people open on their phones (a questionnaire's answer link, an activity's
sign-in), drawn as inline SVG by segno: no image files, no network, sharp on a projector."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 6, title: str = "") -> SafeString:
    """An <svg> element encoding `text` (error correction M, with the quiet zone the standard
    asks for). segno escapes the title; the rest of the markup is its own."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(scale=scale, border=4, title=title or None, svgclass="qr", lineclass=None,
                          dark="#000", light="#fff")
    return mark_safe(svg)  # segno's own markup; the only text in it (title) is escaped by segno
