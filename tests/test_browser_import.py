"""Importing schools in a real browser: a bad file is refused with its row errors shown; the
corrected file imports everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.models import OrgNode
from tests.conftest import browser_login, screenshot
from tests.test_import import SCHOOL_HEADERS, xlsx

pytestmark = pytest.mark.browser


def test_admin_imports_a_bad_then_a_good_schools_file(cast: Any, live_server: Any, page: Any,
                                                      tmp_path: Path) -> None:
    base = live_server.url
    bad = tmp_path / "学校名单.xlsx"
    bad.write_bytes(xlsx(SCHOOL_HEADERS, [
        ["1140105021", "小店区第三小学", "140105", "小学", "城区", "否", "否", 18, 800, "", "", ""],
        ["11401050", "小店区第四小学", "140105", "小学", "城区", "否", "否", 12, 500, "", "", ""],
        ["1140105023", "刘家堡教学点", "140105", "小学", "乡下", "是", "是", 2, 30, "", "", ""],
    ]))
    browser_login(page, base, "county_admin")
    page.click("nav >> text=批量导入")
    page.goto(f"{base}/import/schools/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("text=上传并导入")
    page.wait_for_selector("text=整个文件都没有导入")
    errors = page.locator("table tbody tr").all_inner_texts()
    assert any("3" in e and "学校标识码" in e and "应为10位数字" in e for e in errors)
    assert any("4" in e and "城乡类别" in e for e in errors)
    assert not OrgNode.objects.filter(code="1140105021").exists()
    screenshot(page, "core-import-bad-file")

    good = tmp_path / "学校名单-修改后.xlsx"
    good.write_bytes(xlsx(SCHOOL_HEADERS, [
        ["1140105021", "小店区第三小学", "140105", "小学", "城区", "否", "否", 18, 800, "", "", ""],
        ["1140105022", "小店区第四小学", "140105", "小学", "城区", "否", "否", 12, 500, "", "", ""],
        ["1140105023", "刘家堡教学点", "140105", "小学", "乡村", "是", "是", 2, 30, "", "", ""],
    ]))
    page.set_input_files("input[name=file]", str(good))
    page.click("text=上传并导入")
    page.wait_for_selector("text=导入成功")
    assert page.locator("[data-testid=created]").inner_text() == "3"
    assert OrgNode.objects.get(code="1140105023").is_teaching_point
    screenshot(page, "core-import-good-file")
