"""Browser test of the growth paths: a county admin imports a provider's training sheet (one bad
row refused with its row named, then the fixed sheet imported); the county researcher on a phone
sees that their own hours are short of 72; a programme's duty shortfall is shown to its manager
and, on a phone, to the member. Screenshots go to test-artifacts/growth/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast
from tests.growth.test_training_import import sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "growth"


def test_import_then_short_hours_on_a_phone_then_duty_shortfall(browser: Any, live_server: Any,
                                                                  tmp_path: Path) -> None:
    from growth.models import TrainingRecord
    from growth.services import programmes

    cast = build_cast()
    errors: list[str] = []
    researcher, teacher = cast.people["county_researcher"], cast.people["teacher"]
    year = timezone.localdate().year
    rows: list[list[Any]] = [[researcher.code, researcher.name, "新课标研修班", "省教育学院", "省级", 40, f"{year}-03-02", f"{year}-03-06", ""],
            [teacher.code, teacher.name, "校本研修", "小店第一中学", "校级", "abc", f"{year}-04-01", f"{year}-04-30", ""]]
    bad = tmp_path / "培训名单.xlsx"
    bad.write_bytes(sheet(rows))

    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/growth/training/")
    page.click("[data-testid=import-link]")
    page.set_input_files("input[name=file]", str(bad))
    page.click("[data-testid=import-form] button[type=submit]")
    refused = page.locator("[data-testid=import-errors]")
    refused.wait_for()
    text = refused.inner_text()
    assert "整个文件都没有导入" in text and "第3行" in text and "学时" in text and "请填写数字" in text
    assert TrainingRecord.objects.count() == 0
    screenshot(page, ARTIFACTS, "import-refused")
    rows[1][5] = 12
    fixed = tmp_path / "培训名单（修改）.xlsx"
    fixed.write_bytes(sheet(rows))
    page.set_input_files("input[name=file]", str(fixed))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=import-ok]")
    assert page.locator("[data-testid=created]").inner_text() == "2"
    screenshot(page, ARTIFACTS, "import-ok")
    ctx.close()

    # The researcher on a phone: 40 of 72 hours.
    ctx = logged_in_context(browser, live_server, cast.users["county_researcher"], phone=True)
    phone = ctx.new_page()
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(live_server.url + "/growth/")
    assert "已完成40学时，还差32学时" in phone.locator("[data-testid=my-hours]").inner_text()
    phone.click("[data-testid=my-hours] a")
    phone.locator("[data-testid=hours-short]").wait_for()
    assert "还差32学时" in phone.locator("[data-testid=hours-short]").inner_text()
    assert "新课标研修班" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, ARTIFACTS, "my-hours-phone")
    ctx.close()

    # A programme whose backbone teacher owes a 参赛课 this term.
    programme = programmes.programme_create(actor=None, region=cast.county_a, name="小店区骨干教师培养工程",
                                            kind="backbone", level="county", start=dt.date(2025, 9, 1),
                                            end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=programme, name="区级骨干教师", kind="backbone")
    programmes.duty_set(actor=None, tier=tier, lesson_kind="contest", count=1)
    programmes.member_add(actor=None, programme=programme, tier=tier, person=teacher)
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = ctx.new_page()
    page.goto(live_server.url + "/growth/programmes/")
    page.click("a:has-text('小店区骨干教师培养工程')")
    short = page.locator("[data-testid=duty-section]")
    short.wait_for()
    assert "未完成职责：1项" in short.inner_text() and "何静（区级骨干教师）" in short.inner_text()
    assert "还差1节" in short.inner_text()
    screenshot(page, ARTIFACTS, "programme-shortfall")
    ctx.close()
    ctx = logged_in_context(browser, live_server, cast.users["teacher"], phone=True)
    phone = ctx.new_page()
    phone.goto(live_server.url + f"/growth/programmes/{programme.pk}/")
    assert "还差1节" in phone.locator("[data-testid=duty-section]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, ARTIFACTS, "programme-phone")
    ctx.close()
    assert errors == []
