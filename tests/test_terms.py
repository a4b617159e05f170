"""Terms: set per region, inherited down the tree, edited by the region's admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core import services
from core.models import AuditEvent, Term
from core.terms import current_term, terms_for


def test_schools_inherit_the_nearest_regions_terms(cast: Any) -> None:
    assert current_term(cast.school_a1, dt.date(2026, 11, 27)) == cast.term
    own = services.term_save(actor=None, region=cast.county_a, school_year=2026, semester=1,
                             start=dt.date(2026, 8, 28), end=dt.date(2027, 1, 15))
    assert current_term(cast.school_a1, dt.date(2026, 11, 27)) == own
    assert current_term(cast.school_b1, dt.date(2026, 11, 27)) == cast.term
    assert [t.region for t in terms_for(cast.school_a1)] == [cast.county_a]


def test_admin_edits_terms_through_the_page(cast: Any) -> None:
    url = reverse("terms_list") + f"?node={cast.county_a.code}"
    c = cast.client("county_admin")
    r = c.post(url, {"school_year": "2027", "semester": "1", "start": "2027-09-01", "end": "2028-01-20"})
    assert r.status_code == 302
    assert Term.objects.filter(region=cast.county_a, school_year=2027).exists()
    assert AuditEvent.objects.filter(model="core.Term", action="create", scope_path=cast.county_a.path).exists()
    # Bad input: the message names the problem and the typed values stay in the form.
    r = c.post(url, {"school_year": "2027", "semester": "2", "start": "2028-07-10", "end": "2028-02-20"})
    text = r.content.decode()
    assert r.status_code == 200 and "结束日期应晚于开始日期" in text and 'value="2028-07-10"' in text


def test_non_admins_cannot_edit_terms(cast: Any) -> None:
    url = reverse("terms_list") + f"?node={cast.county_a.code}"
    for role in ("county_researcher", "principal", "bureau_viewer"):
        r = cast.client(role).post(url, {"school_year": "2027", "semester": "1",
                                         "start": "2027-09-01", "end": "2028-01-20"})
        assert r.status_code == 404
    assert not Term.objects.filter(school_year=2027).exists()
