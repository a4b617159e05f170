"""Access-matrix rows for the archive's earlier school years loaded on demand
(observe:archive_year): the same readers as the archive page (observe.access.can_read_archive via
get_archive_person_for_user). Without htmx the URL redirects to the page with that year opened."""

from __future__ import annotations

from tests.access_cases import Case
from tests.access_cases_observe import LESSON_READERS

CASES = [
    Case("observe:archive_year", LESSON_READERS, args=lambda c: [c.people["teacher"].code, 2025], ok_status=(302,)),
]
