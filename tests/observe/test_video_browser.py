"""Browser test (issue 15, video observation), on a phone: the observer adds the lesson's video to
a draft, plays and pauses it, enters S-T codes at video times (scrubbing between them), pins a
comment to a moment, reloads and finds the coded timeline and the comment, and a tap on the
comment's time seeks the video there. The video is streamed with Range requests (206)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser_session import logged_in_context, screenshot
from tests.observe.conftest import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "observe"
LESSON = Path(__file__).resolve().parent.parent / "files" / "video" / "lesson.webm"
PLAYER = "document.querySelector('[data-player]')"


def _time(page: Any) -> float:
    return float(page.evaluate(f"{PLAYER}.currentTime"))


def _forward(page: Any, times: int) -> None:
    """Tap « 5秒 » `times` times, waiting for each seek to land."""
    for _ in range(times):
        before = _time(page)
        page.click("[data-action=forward]")
        page.wait_for_function(f"(t) => !{PLAYER}.seeking && {PLAYER}.currentTime >= t + 4.9", arg=before)


def test_observer_codes_a_lesson_from_its_video_on_a_phone(browser: Any, live_server: Any) -> None:
    from observe.models import CodingSession, ObservationVideo, VideoCodeTrack, VideoComment
    from observe.video_timeline import sample
    from tests.conftest import build_cast

    cast = build_cast()
    draft = record(cast, "vice_principal", "teacher", submit=False)
    ctx = logged_in_context(browser, live_server, cast.users["vice_principal"])
    page = ctx.new_page()
    page.set_default_timeout(30000)  # generous: the machine running the suite may be busy
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    ranges: list[tuple[int, str]] = []
    page.on("response", lambda r: ranges.append((r.status, r.headers.get("content-range", "")))
            if "/video/stream/" in r.url else None)

    # From the draft's form, the video mode; the upload is checked and stored.
    page.goto(f"{live_server.url}/observe/{draft.pk}/edit/")
    page.click("[data-testid=video-mode]")
    page.set_input_files("[data-testid=video-file]", str(LESSON))
    page.click("[data-testid=video-save]")
    page.wait_for_url(f"**/observe/{draft.pk}/video/")
    assert ObservationVideo.objects.get(observation=draft).size == LESSON.stat().st_size
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1 && {PLAYER}.duration > 59")
    assert "/ 01:00" in page.inner_text("[data-testid=video-clock]")

    # Play, then pause: the big button follows the player.
    page.click("[data-testid=play]")
    page.wait_for_function(f"() => !{PLAYER}.paused && {PLAYER}.currentTime > 0.5")
    # The button's label follows the player's play/pause events, a moment after the state.
    expect(page.locator("[data-testid=play]")).to_have_text("暂停")
    page.click("[data-testid=play]")
    page.wait_for_function(f"() => {PLAYER}.paused")
    expect(page.locator("[data-testid=play]")).to_have_text("播放")

    # S-T codes at video times, five-second sampling: T now, S ten seconds on, T twenty after.
    page.fill("[data-testid=video-interval]", "5")
    page.dispatch_event("[data-testid=video-interval]", "change")
    t_first = _time(page)
    page.click("[data-testid=vcode-T]")
    page.wait_for_function("() => document.querySelector('[data-testid=save-status]').textContent.startsWith('已保存')")
    _forward(page, 2)
    t_s = _time(page)
    page.click("[data-testid=vcode-S]")
    _forward(page, 4)
    t_t = _time(page)
    page.click("[data-testid=vcode-T]")
    # Watch on a little past the last code, then pause: the sampling reaches that far.
    page.click("[data-testid=play]")
    page.wait_for_function(f"(t) => {PLAYER}.currentTime > t + 6", arg=t_t)
    page.click("[data-testid=play]")
    page.wait_for_function("(t) => Number(document.querySelector('[data-testid=save-status]').dataset.until) > t + 5",
                           arg=t_t)
    assert page.inner_text("[data-testid=video-live]").startswith("已保存：S-T 采样 ")
    assert page.locator("[data-testid=timeline] rect[data-family=st]").count() == 3

    # A comment pinned to the moment of the S.
    page.evaluate(f"(t) => {{ {PLAYER}.currentTime = t; }}", t_s)
    page.wait_for_function(f"() => !{PLAYER}.seeking")
    page.fill("[data-testid=comment-text]", "学生小组讨论开始，教师巡视到位")
    page.click("[data-testid=comment-add]")
    page.wait_for_selector("[data-testid=comments] li")
    screenshot(page, ARTIFACTS, "video-coding-phone")

    # The FIAS tab codes against the same clock, on its own row of the timeline.
    page.click("[data-tab=fias]")
    page.click("[data-panel=fias] [data-code='4']")
    page.wait_for_selector("[data-testid=timeline] rect[data-family=fias][data-code='4']")
    page.wait_for_function("() => document.querySelector('[data-testid=save-status]').textContent.startsWith('已保存')")
    assert VideoCodeTrack.objects.get(video__observation=draft, family="fias").marks == [[round(_time(page), 2), "4"]]

    # What was saved: the marks at their video times, sampled into the observation's S-T coding.
    track = VideoCodeTrack.objects.get(video__observation=draft, family="st")
    assert [c for _, c in track.marks] == ["T", "S", "T"]
    assert [t for t, _ in track.marks] == pytest.approx([t_first, t_s, t_t], abs=0.02)
    session = CodingSession.objects.get(observation=draft, scheme_key="ST")
    assert session.source == "video" and session.interval_seconds == 5
    assert session.codes == sample([(t, c) for t, c in track.marks], 5, track.coded_until)
    assert session.codes.count("S") == 4 and track.coded_until > t_t + 5  # S: the four ticks from t_s to t_t

    # Reload: the timeline and the comment are there; its time seeks the video.
    page.reload()
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    assert page.locator("[data-testid=timeline] rect[data-family=st]").count() == 3
    assert page.locator("[data-testid=timeline] [data-comment]").count() == 1
    item = page.locator("[data-testid=comments] li")
    assert "学生小组讨论开始" in item.inner_text()
    comment = VideoComment.objects.get()
    assert comment.at_seconds == pytest.approx(t_s, abs=0.02)
    assert _time(page) == 0
    item.locator("button").click()
    page.wait_for_function(f"(t) => !{PLAYER}.seeking && Math.abs({PLAYER}.currentTime - t) < 0.3",
                           arg=comment.at_seconds)
    screenshot(page, ARTIFACTS, "video-after-reload-phone")

    assert any(status == 206 and rng.startswith("bytes ") for status, rng in ranges), ranges
    assert not errors, errors
    ctx.close()
