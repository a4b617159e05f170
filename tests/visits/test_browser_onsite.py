"""Browser test on a real headless Chromium, phone-sized: a team member records a routine check
at school, loses the network, writes the forum's notes, and when the network is back the notes
arrive on the server exactly once. Screenshots go to test-artifacts/visits/."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast
from tests.visits.onsite_setup import make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visits"


def _context(browser: Any, live_server: Any, user: Any) -> Any:
    return logged_in_context(browser, live_server, user)


def _shot(page: Any, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def test_team_member_records_on_a_phone_offline_and_back(browser: Any, live_server: Any) -> None:
    from visits.models import CheckRecord, VisitNote

    cast = build_cast()
    visit = make_visit(cast)
    errors: list[str] = []
    ctx = _context(browser, live_server, cast.users["part_time_researcher"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)

    page.goto(f"{live_server.url}/visits/{visit.pk}/onsite/")
    page.wait_for_selector("[data-testid=onsite-stop]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "onsite-1-day")

    # A routine-check record, online.
    page.click("[data-testid=go-check]")
    page.select_option("select[name=item]", "marking")
    page.select_option("select[name=teacher]", str(cast.people["teacher"].pk))
    page.check("input[name=level][value=fail]")
    page.fill("textarea[name=problems]", "批改只打勾，无评语")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "onsite-2-check")
    page.click("[data-testid=save]")
    page.wait_for_url("**/onsite/?saved=*")
    assert page.locator("text=检查记录已保存").count() == 1
    assert CheckRecord.objects.filter(visit=visit, level="fail", teacher=cast.people["teacher"]).count() == 1

    # The forum's notes, written with the network gone.
    page.click("[data-testid=go-note]")
    page.wait_for_selector("[data-testid=note-form]")
    ctx.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.select_option("select[name=kind]", "teacher_forum")
    page.fill("input[name=title]", "青年教师座谈")
    page.fill("textarea[name=text]", "教师希望增加同课异构的机会")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=sync-status]:has-text('待发送')")
    _shot(page, "onsite-3-offline-queued")
    assert VisitNote.objects.count() == 0
    assert page.input_value("textarea[name=text]") == ""

    # Back online: the queued note is sent once, and loading another page sends nothing more.
    ctx.set_offline(False)
    page.wait_for_selector("[data-testid=sync-status]:has-text('已全部发送')")
    _shot(page, "onsite-4-sent")
    assert list(VisitNote.objects.values_list("title", "text")) == [("青年教师座谈", "教师希望增加同课异构的机会")]
    page.goto(f"{live_server.url}/visits/{visit.pk}/onsite/")
    page.wait_for_selector("[data-testid=my-counts]")
    assert "座谈记录 1 条" in page.inner_text("[data-testid=my-counts]")
    assert page.evaluate("localStorage.getItem('jiaoyan.visits.outbox')") == "[]"
    assert VisitNote.objects.count() == 1

    # A photo of the blackboard taken with the network gone waits on the phone, then uploads once.
    page.click("[data-testid=go-photo]")
    page.wait_for_selector("[data-testid=photo-form]")
    ctx.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(picture, "PNG")
    page.set_input_files("input[name=file]", {"name": "板书.png", "mimeType": "image/png", "buffer": picture.getvalue()})
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=sync-status]:has-text('1 张照片待发送')")
    assert visit.attachments.count() == 0
    ctx.set_offline(False)
    page.wait_for_selector("[data-testid=sync-status]:has-text('已全部发送')")
    assert list(visit.attachments.values_list("original_name", "content_kind")) == [("板书.png", "image/png")]
    page.goto(f"{live_server.url}/visits/{visit.pk}/onsite/attachments/")
    page.wait_for_function("() => { const i = document.querySelector('[data-testid=attachment] img');"
                           " return i && i.complete && i.naturalWidth === 64; }")
    _shot(page, "onsite-5-photos")
    assert visit.attachments.count() == 1
    assert not errors, errors
    ctx.close()


def test_a_student_answers_the_questionnaire_on_a_phone_without_login(browser: Any, live_server: Any) -> None:
    from visits.services import onsite

    cast = build_cast()
    visit = make_visit(cast)
    qn = onsite.questionnaire_create(
        actor=cast.users["county_researcher"], visit=visit, school=cast.school_a1, audience="student",
        title="学生学业负担问卷", questions=onsite.parse_questions(
            "你每天写作业大约多长时间？ | 单选 | 半小时以内/半小时到一小时/一小时以上\n"
            "喜欢哪些课堂活动？ | 多选 | 小组讨论/实验/阅读\n我喜欢上学 | 量表\n建议 | 文字"))
    # The researcher shows the results page on the classroom's projector; a student's phone scans
    # its QR code (read here from a picture of the screen, as a phone's camera reads it).
    desk = logged_in_context(browser, live_server, cast.users["county_researcher"], phone=False)
    screen = desk.new_page()
    screen.goto(f"{live_server.url}/visits/{visit.pk}/onsite/questionnaires/{qn.pk}/")
    picture = Image.open(io.BytesIO(screen.locator("[data-testid=answer-qr]").screenshot()))
    scanned = [r.text for r in zxingcpp.read_barcodes(picture)]
    assert scanned == [f"{live_server.url}/visits/q/{qn.token}/"], scanned
    desk.close()
    errors: list[str] = []
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(scanned[0])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.check("input[name=q1][value=半小时到一小时]")
    page.check("input[name=q2][value=实验]")
    page.fill("textarea[name=q4]", "多做实验")
    page.click("[data-testid=submit-answer]")
    # The scale was left out: the page says which question, and keeps what was chosen.
    page.wait_for_selector("[data-testid=form-errors]:has-text('第 3 题')")
    assert page.is_checked("input[name=q2][value=实验]") and page.input_value("textarea[name=q4]") == "多做实验"
    page.check("input[name=q3][value='4']")
    _shot(page, "questionnaire-1-answer")
    page.click("[data-testid=submit-answer]")
    page.wait_for_selector("[data-testid=answer-done]")
    assert list(qn.responses.values_list("answers", flat=True)) == [
        {"q1": "半小时到一小时", "q2": ["实验"], "q3": 4, "q4": "多做实验"}]
    # Scanning the code again on the same phone offers no second sheet.
    page.goto(scanned[0])
    page.wait_for_selector("[data-testid=answer-already]")
    assert page.locator("[data-testid=answer-form]").count() == 0 and qn.responses.count() == 1
    assert not errors, errors
    ctx.close()
