"""People search: name, full pinyin, initials, code; person pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.models import Person
from core.pinyin import name_keys


def test_pinyin_keys() -> None:
    assert name_keys("张文华") == ("zhangwenhua", "zwh")
    assert name_keys("单雪") == ("shanxue", "sx")  # surname reading, not 'dan'
    assert name_keys("曾强")[0] == "zengqiang"
    assert name_keys("尉迟恭")[1] == "ycg"


def test_search_by_initials_full_pinyin_name_and_code(cast: Any) -> None:
    qs = Person.objects.all()
    assert [p.name for p in qs.search("zwh")] == ["张文华"]
    assert [p.name for p in qs.search("zhangwen")] == ["张文华"]
    assert [p.name for p in qs.search("ZWH")] == ["张文华"]
    assert [p.name for p in qs.search("文华")] == ["张文华"]
    code = cast.people["teacher"].code
    assert [p.name for p in qs.search(code)] == ["何静"]


def test_people_page_search_and_filters(cast: Any) -> None:
    c = cast.client("sysadmin")
    page = c.get(reverse("people_list") + "?q=zwh").content.decode()
    assert "张文华" in page and "何静" not in page
    page = c.get(reverse("people_list") + "?subject=math&node=140105").content.decode()
    assert "冯志刚" in page and "何静" not in page and "马立新" not in page
    page = c.get(reverse("people_list") + "?role=principal").content.decode()
    assert "孙国庆" in page and "马立新" in page and "何静" not in page
    # htmx asks for the rows only.
    frag = c.get(reverse("people_list") + "?q=hj", HTTP_HX_REQUEST="true").content.decode()
    assert "何静" in frag and "<html" not in frag and "<form" not in frag
    # htmx restoring its history after a cache miss needs the whole page, not the rows.
    restored = c.get(reverse("people_list") + "?q=hj", HTTP_HX_REQUEST="true",
                     HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode() and "HX-Request" in restored["Vary"]


def test_person_page_shows_posts(cast: Any) -> None:
    page = cast.client("principal").get(reverse("person_detail", args=[cast.people["group_leader"].code]))
    text = page.content.decode()
    assert "教研组长" in text and "小店第一中学" in text
