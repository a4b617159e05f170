"""Browser test on a real headless Chromium (phone viewport): the organiser drafts a visit's
report from the records, edits it and issues it; the principal of a visited school finds it and
downloads the Word file. Screenshots go to test-artifacts/visits/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visits"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _context(browser: Any, live_server: Any, user: Any) -> Any:
    return logged_in_context(browser, live_server, user, accept_downloads=True)


def _shot(page: Any, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _no_page_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"page scrolls sideways ({width}px)"


def test_organiser_issues_principal_downloads(browser: Any, live_server: Any) -> None:
    import io

    from docx import Document

    from tests.visits.reports_fixtures import finished_visit
    from visits.models import VisitReport

    cast = build_cast()
    visit = finished_visit(cast)
    errors: list[str] = []

    ctx = _context(browser, live_server, cast.users["institute_head"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/visits/reports/")
    page.click(f"[data-testid=draft-{visit.pk}]")
    page.wait_for_selector("[data-testid=report-form]")
    assert "已关联听课 3 节" in page.content()
    _no_page_scroll(page)
    overview = page.locator("textarea[name=overview]")
    assert "2026年10月12日至10月13日" in overview.input_value()
    overview.fill("2026年10月12日至13日，区教研室对两所学校开展诊断性视导。（已修改）")
    page.fill("input[name=number]", "小店教研〔2026〕20号")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("[data-testid=saved]")
    assert "（已修改）" in page.locator("textarea[name=overview]").input_value()
    _shot(page, "report-edit")
    page.click("[data-testid=issue]")
    page.wait_for_selector("[data-testid=report-status]")
    assert page.locator("[data-testid=report-status]").inner_text() == "已印发"
    assert "（已修改）" in page.content()
    _shot(page, "report-issued")
    # The yearly statistics now count the issued report, and draw their charts.
    page.goto(live_server.url + "/visits/stats/?node=140105&year=2026")
    page.wait_for_selector("[data-chart=chart-stage] canvas")
    assert "形成视导报告1份" in page.locator("[data-testid=stats-summary]").inner_text()
    _no_page_scroll(page)
    _shot(page, "stats")
    ctx.close()

    report = VisitReport.objects.get(visit=visit)
    ctx = _context(browser, live_server, cast.users["principal"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/visits/reports/")
    page.click(f"text={report.title}")
    _no_page_scroll(page)
    with page.expect_download() as info:
        page.click("[data-testid=report-download]")
    path = info.value.path()
    doc = Document(io.BytesIO(Path(path).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "小店教研〔2026〕20号" in text and "（已修改）" in text
    _shot(page, "report-principal")
    ctx.close()
    assert not errors
