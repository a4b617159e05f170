"""The links on the school's page (core.panels) and the guidance plans and links in the teacher
archive (observe.archive), as each viewer may see them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.liaison.scenario import build


def test_school_page_shows_its_links(cast: Any) -> None:
    s = build(cast)
    page = cast.client("county_admin").get(reverse("node_detail", args=[cast.school_a2.code])).content.decode()
    assert "定点联系" in page and "赵丽华（教研员）" in page
    assert reverse("liaison:link_detail", args=[s.link.pk]) in page
    # A1's page shows its proposal to A1's principal, not A2's link.
    page = cast.client("principal").get(reverse("node_detail", args=[cast.school_a1.code])).content.decode()
    assert reverse("liaison:link_detail", args=[s.proposed.pk]) in page
    assert reverse("liaison:link_detail", args=[s.link.pk]) not in page


def test_archive_holds_the_guidance_plan(cast: Any) -> None:
    s = build(cast)
    url = reverse("observe:archive", args=[cast.people["teacher_a2"].code])
    page = cast.client("city_researcher").get(url).content.decode()
    assert "赵丽华的跟进式指导方案（北格镇中心小学）" in page and "入职三年，课堂提问较少" in page
    assert reverse("liaison:link_detail", args=[s.link.pk]) in page
    # The teacher reads her own plan but gets no link to a page she may not open.
    own = cast.client("teacher_a2").get(url).content.decode()
    assert "赵丽华的跟进式指导方案" in own and reverse("liaison:link_detail", args=[s.link.pk]) not in own
    # The researcher's own archive lists the links.
    mine = cast.client("city_researcher").get(
        reverse("observe:archive", args=[cast.people["city_researcher"].code])).content.decode()
    assert "联系北格镇中心小学" in mine


def test_workbench_reminds_the_short_researcher_and_the_principal(cast: Any) -> None:
    build(cast)
    page = cast.client("city_researcher").get(reverse("workbench")).content.decode()
    assert "本学期驻校工作1天，还差4天" in page
    page = cast.client("principal").get(reverse("workbench")).content.decode()
    assert "1份定点联系工作计划待学校确认" in page
    assert "定点联系工作计划待学校确认" not in cast.client("middle_manager").get(reverse("workbench")).content.decode()
