"""The roster sync in a real browser: a county admin uploads the teacher system's export, sees
the preview, applies it, uploads the same file again and is told nothing would change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.models import Person
from tests.conftest import browser_login, screenshot
from tests.files.roster.sheets import teacher, teachers_sheet

pytestmark = pytest.mark.browser


def test_admin_syncs_the_teacher_export_twice(cast: Any, live_server: Any, page: Any, tmp_path: Path) -> None:
    base = live_server.url
    export = tmp_path / "教职工基本信息.xlsx"
    export.write_bytes(teachers_sheet([teacher(21, "路晓峰", "1140105001", "数学、物理"),
                                       teacher(22, "邵佳怡", "1140105002", "音乐", stage="小学")]))
    browser_login(page, base, "county_admin")
    page.click("nav >> text=批量导入")
    page.click("text=名册同步")
    page.set_input_files("form:has([data-testid=preview-teachers]) input[name=file]", str(export))
    page.click("[data-testid=preview-teachers]")
    page.wait_for_selector("text=同步预览")
    assert "路晓峰（小店第一中学）" in page.locator("[data-testid=changes]").inner_text()
    people = page.locator("[data-testid=counts] tr[data-entity=person] td").all_inner_texts()
    assert people[0] == "2"  # 新增
    assert not Person.objects.filter(name="路晓峰").exists()
    screenshot(page, "core-roster-preview")

    page.click("text=确认同步")
    page.wait_for_selector("[data-testid=status] >> text=已同步")
    assert Person.objects.get(name="路晓峰").org.code == "1140105001"

    page.click(".crumbs >> text=名册同步")
    page.set_input_files("form:has([data-testid=preview-teachers]) input[name=file]", str(export))
    page.click("[data-testid=preview-teachers]")
    page.wait_for_selector("[data-testid=no-change]")
    assert "无变化" in page.locator("[data-testid=no-change]").inner_text()
    screenshot(page, "core-roster-no-change")
    page.click("text=确认同步")
    page.wait_for_selector("[data-testid=status] >> text=已同步")
    page.click(".crumbs >> text=名册同步")
    history = page.locator("[data-testid=history] tbody tr").all_inner_texts()
    assert len(history) == 2 and "无变化" in history[0]
