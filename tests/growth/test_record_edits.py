"""Correcting and deleting growth records (training, awards, mental-health certificates): only
those who record for the person open the pages; changes are audited; a refused form keeps what
was typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from core.models import AuditEvent
from growth.models import Award, PsyCertificate, TrainingRecord
from growth.services import records

pytestmark = pytest.mark.django_db


def _training(cast: Any, course: str = "新课标研修", start: dt.date = dt.date(2026, 10, 8)) -> TrainingRecord:
    return records.training_record(actor=None, person=cast.people["teacher"], course=course, provider="县进修学校",
                                   level="county", hours="12", start=start, end=start + dt.timedelta(days=2))


def test_a_principal_corrects_a_training_record_and_the_change_is_audited(cast: Any) -> None:
    t = _training(cast)
    c = cast.client("principal")
    url = reverse("growth:training_edit", args=[t.pk])
    page = c.get(url).content.decode()
    assert 'value="新课标研修"' in page and 'value="12"' in page and 'value="2026-10-08"' in page
    r = c.post(url, {"course": "新课标研修（二）", "provider": "市教研室", "level": "city", "hours": "18",
                     "start": "2026-10-08", "end": "2026-10-11"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.course, t.provider, t.level, t.hours) == ("新课标研修（二）", "市教研室", "city", Decimal("18"))
    event = AuditEvent.objects.get(model="growth.TrainingRecord", action="update", object_id=str(t.pk))
    assert event.old is not None
    assert event.old["hours"] in ("12", "12.0") and event.old["course"] == "新课标研修"
    # The person's page links the edit and delete pages for the recorder only.
    person_page = reverse("growth:training_person", args=[cast.people["teacher"].code]) + "?year=2026"
    assert reverse("growth:training_edit", args=[t.pk]) in c.get(person_page).content.decode()
    assert reverse("growth:training_edit", args=[t.pk]) not in cast.client("teacher").get(person_page).content.decode()


def test_a_refused_training_edit_keeps_what_was_typed(cast: Any) -> None:
    t = _training(cast)
    _training(cast, course="作业设计", start=dt.date(2026, 11, 2))
    url = reverse("growth:training_edit", args=[t.pk])
    r = cast.client("principal").post(url, {"course": "作业设计", "provider": "保留的机构", "level": "county",
                                            "hours": "12", "start": "2026-11-02", "end": "2026-11-04"})
    page = r.content.decode()
    assert r.status_code == 200 and "何静已登记2026-11-02开始的《作业设计》" in page and "保留的机构" in page
    r = cast.client("principal").post(url, {"course": "新课标研修", "provider": "县进修学校", "level": "county",
                                            "hours": "abc", "start": "2026-10-08", "end": "2026-10-10"})
    assert "学时：请填写数字" in r.content.decode()
    t.refresh_from_db()
    assert t.course == "新课标研修" and t.hours == Decimal("12")


def test_deleting_asks_first_and_only_the_recorders_may(cast: Any) -> None:
    t = _training(cast)
    url = reverse("growth:training_delete", args=[t.pk])
    assert cast.client("teacher").get(url).status_code == 404  # her own record, but not hers to delete
    assert cast.client("outside_principal").post(url).status_code == 404
    page = cast.client("vice_principal").get(url).content.decode()
    assert "确定删除" in page and "新课标研修" in page and TrainingRecord.objects.filter(pk=t.pk).exists()
    assert cast.client("vice_principal").post(url).status_code == 302
    assert not TrainingRecord.objects.filter(pk=t.pk).exists()
    assert AuditEvent.objects.filter(model="growth.TrainingRecord", action="delete", object_id=str(t.pk)).exists()


def test_awards_are_corrected_and_deleted(cast: Any) -> None:
    a = records.award_record(actor=None, person=cast.people["teacher"], title="县优质课评比", level="county",
                             rank="second", awarded_on=dt.date(2026, 10, 20))
    c = cast.client("principal")
    listing = c.get(reverse("growth:competitions") + "?year=2026").content.decode()
    assert reverse("growth:award_edit", args=[a.pk]) in listing
    r = c.post(reverse("growth:award_edit", args=[a.pk]), {"title": "县优质课评比", "level": "county", "rank": "first",
                                                          "awarded_on": "2026-10-20", "issuer": "小店区教育局"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.rank == "first" and a.issuer == "小店区教育局"
    bad = c.post(reverse("growth:award_edit", args=[a.pk]), {"title": "", "level": "county", "rank": "first",
                                                            "awarded_on": "2026-10-20", "issuer": "留着的单位"})
    assert "留着的单位" in bad.content.decode() and "errorlist" in bad.content.decode()
    assert c.post(reverse("growth:award_delete", args=[a.pk])).status_code == 302
    assert not Award.objects.exists()
    assert AuditEvent.objects.filter(model="growth.Award", action__in=["update", "delete"]).count() == 2


def test_certificates_are_corrected_and_a_level_stays_unique(cast: Any) -> None:
    c_cert = records.certificate_record(actor=None, person=cast.people["teacher"], level="c",
                                        issued_on=dt.date(2025, 6, 1))
    records.certificate_record(actor=None, person=cast.people["teacher"], level="b", issued_on=dt.date(2026, 6, 1))
    c = cast.client("principal")
    url = reverse("growth:certificate_edit", args=[c_cert.pk])
    r = c.post(url, {"level": "b", "issued_on": "2025-06-01", "number": "保留编号", "issuer": ""})
    assert "何静已登记B证" in r.content.decode() and "保留编号" in r.content.decode()
    assert c.post(url, {"level": "c", "issued_on": "2025-06-02", "number": "PSY-001", "issuer": "省心理学会"}
                  ).status_code == 302
    c_cert.refresh_from_db()
    assert c_cert.number == "PSY-001" and c_cert.issued_on == dt.date(2025, 6, 2)
    assert cast.client("teacher").get(url).status_code == 404
    assert c.post(reverse("growth:certificate_delete", args=[c_cert.pk])).status_code == 302
    assert PsyCertificate.objects.filter(person=cast.people["teacher"]).count() == 1
