"""The managers' forms: a programme and its tiers with duties, a competition, a studio, a base
school (refused with the reason while keeping what was typed) and a researcher's stint."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from growth.models import BaseSchool, Competition, RotationStint, Studio, TalentProgramme, TierDuty


def test_a_programme_and_its_tier_with_a_duty(cast: Any) -> None:
    client = cast.client("county_admin")
    response = client.post(reverse("growth:programme_new"), {
        "region": cast.county_a.code, "name": "小店区名师培养工程", "kind": "master", "level": "county",
        "start": "2026-09-01", "end": "2029-08-31", "quota": "20"})
    programme = TalentProgramme.objects.get(name="小店区名师培养工程")
    assert response.status_code == 302 and response["Location"] == reverse("growth:tier_add", args=[programme.pk])
    bad = client.post(reverse("growth:tier_add", args=[programme.pk]), {
        "name": "名师", "kind": "master", "rank": "1", "lesson_kind": "demonstration", "count": "0", "period": "term"})
    assert bad.status_code == 200 and 'value="名师"' in bad.content.decode()
    ok = client.post(reverse("growth:tier_add", args=[programme.pk]), {
        "name": "名师", "kind": "master", "rank": "1", "lesson_kind": "demonstration", "count": "2", "period": "term"})
    assert ok.status_code == 302
    assert TierDuty.objects.get(tier__programme=programme).count == 2
    # Another county's admin may not add tiers here.
    assert cast.client("principal").get(reverse("growth:tier_add", args=[programme.pk])).status_code == 404


def test_competition_studio_base_and_rotation_forms(cast: Any) -> None:
    client = cast.client("county_admin")
    assert client.post(reverse("growth:competition_new"), {
        "region": cast.county_a.code, "name": "小店区青年教师基本功大赛", "kind": "basic_skills", "level": "county",
        "subject": "math", "stage": "junior", "held_on": "2026-11-10", "entrants": "48"}).status_code == 302
    assert Competition.objects.get(name="小店区青年教师基本功大赛").entrants == 48
    assert client.post(reverse("growth:studio_new"), {
        "region": cast.county_a.code, "name": "孙国庆数学工作室", "host": cast.people["principal"].code,
        "level": "county", "subject": "math", "start": "2026-09-01"}).status_code == 302
    assert Studio.objects.get(name="孙国庆数学工作室").school == cast.school_a1
    refused = client.post(reverse("growth:base_new"), {
        "region": cast.county_a.code, "school": cast.school_a2.code, "stage": "senior", "subject": "math",
        "start": "2026-09-01", "end": "2029-08-31"})
    body = refused.content.decode()
    assert "北格镇中心小学没有高中" in body and f'value="{cast.school_a2.code}"' in body
    assert not BaseSchool.objects.exists()
    assert client.post(reverse("growth:rotation_new"), {
        "person": cast.people["county_researcher"].code, "school": cast.school_a1.code, "subject": "chinese",
        "start": "2026-09-01", "end": "2027-07-10"}).status_code == 302
    assert RotationStint.objects.get().school == cast.school_a1
