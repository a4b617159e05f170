"""Browser test on a real headless Chromium: a group leader on a phone records the semester plan
and a journal subscription (a refused entry keeps what was typed); the principal sees the
GROUP.MEET strips with a missed fortnight and downloads the group's term summary as Word.
Screenshots go to test-artifacts/research/."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "research"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _no_page_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"page scrolls sideways ({width}px)"


def test_leader_records_on_a_phone_and_the_principal_reads_the_strips(browser: Any, live_server: Any) -> None:
    from docx import Document

    from research.group_rules import fortnights
    from research.models.groups import GroupPlan, JournalSubscription
    from tests.research.group_fixtures import activity, make_groups, previous_term

    cast = build_cast()
    groups = make_groups(cast, cast.term.key)
    math = groups["数学组"]
    # Last semester's 数学组 met in every fortnight but the fifth.
    past = previous_term(cast)
    earlier = make_groups(cast, past.key)["数学组"]
    for i, (a, _) in enumerate(fortnights(past.start, past.end)):
        if i != 4:
            activity(cast, earlier, a + dt.timedelta(days=1), term=past, title=f"第{i + 1}次集中教研")
    errors: list[str] = []

    # ---- the group leader, on a phone
    ctx = logged_in_context(browser, live_server, cast.users["group_leader"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/research/groups/{math.pk}/")
    _no_page_scroll(page)
    page.click("[data-testid=new-semester-plan]")
    page.wait_for_selector("[data-testid=group-form]")
    page.fill("input[name=title]", "数学组2026年秋季学期教研活动计划")
    page.fill("textarea[name=text]", "每两周周二下午第七、八节集中教研；重点：大单元教学设计。")
    _no_page_scroll(page)
    screenshot(page, ARTIFACTS, "plan-form-phone")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=semester-plans]")
    assert "数学组2026年秋季学期教研活动计划" in page.locator("[data-testid=semester-plans]").inner_text()
    assert GroupPlan.objects.filter(group=math, kind="semester", term_key=cast.term.key).exists()

    page.click("[data-testid=new-journal]")
    page.wait_for_selector("[data-testid=group-form]")
    page.fill("input[name=year]", "1999")  # refused: the form keeps the title typed
    page.fill("input[name=title]", "中学数学教学参考")
    page.click("[data-testid=save]")
    page.wait_for_selector(".has-error")
    assert "学年（起始年）：不能小于2000" in page.content()
    assert page.locator("input[name=title]").input_value() == "中学数学教学参考"
    page.fill("input[name=year]", "2026")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=journals]")
    assert "《中学数学教学参考》" in page.locator("[data-testid=journals]").inner_text()
    assert JournalSubscription.objects.filter(group=math, title="中学数学教学参考", year=2026).exists()
    screenshot(page, ARTIFACTS, "group-page-phone")
    ctx.close()

    # ---- the principal, at a desk: the strips of last semester, and the term summary
    ctx = logged_in_context(browser, live_server, cast.users["principal"], phone=False, accept_downloads=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/research/groups/")
    page.select_option("select[name=term]", past.key)
    page.click("button:has-text('切换')")
    page.wait_for_selector("[data-testid=meet-short]")
    row = page.locator("tr[data-group=数学组]")
    states = row.locator("[data-state]").evaluate_all("cells => cells.map(c => c.dataset.state)")
    assert states == ["met"] * 4 + ["missed"] + ["met"] * 5
    assert "9/10" in row.inner_text()
    assert "数学组" in page.locator("[data-testid=meet-short]").inner_text()
    screenshot(page, ARTIFACTS, "principal-strips")
    row.locator("a").click()
    page.wait_for_selector("[data-testid=group-strip]")
    with page.expect_download() as info:
        page.click("[data-testid=summary-docx]")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "小店第一中学数学组2025—2026学年第二学期工作总结" in text
    assert "未开展集中教研的有第5个两周" in text
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "第1次集中教研" in cells
    ctx.close()
    assert not errors, errors
