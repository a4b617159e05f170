"""`url_maker(name)`: `reverse(name, args=[x])` for many values of x at the cost of one reverse.

A metric's rows each link somewhere (a teacher's archive, a class, a group): a province refresh
writes over a million rows, and Django's reverse() costs some 50 µs a call (resolver lookup,
converter checks, quoting), a minute of CPU in all. The maker reverses once with a marker
argument and formats the rest; the value is quoted as reverse() quotes it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse

# Both a valid <int:…> and a valid <str:…>/<slug:…> value, unlikely in any URL pattern's text.
_MARKER = "987654321987654321"
# What django.urls.resolvers quotes with: RFC 3986's sub-delimiters and "/~:@" stay as they are.
_SAFE = "!$&'()*+,;=/~:@"


def url_maker(name: str) -> Callable[[object], str]:
    """A function giving reverse(name, args=[value]) for a one-argument URL; a value the
    pattern's converter would refuse is not checked (pass what reverse would accept)."""
    try:
        url = reverse(name, args=[_MARKER])
    except NoReverseMatch:
        return lambda value: reverse(name, args=[value])
    if url.count(_MARKER) != 1:
        return lambda value: reverse(name, args=[value])
    head, tail = url.split(_MARKER)
    return lambda value: f"{head}{quote(str(value), safe=_SAFE)}{tail}"
