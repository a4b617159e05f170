"""Lesson videos of observations (issue 15, video observation): uploads checked by their bytes and
size, stored in the file store, streamed with Range requests under the observation's policy;
codes against the video's timeline saved as the S-T / FIAS coding; comments pinned to moments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from observe import video_services
from observe.models import CodingSession, ObservationVideo, VideoComment
from observe.video_ranges import Unsatisfiable, parse_range
from observe.video_timeline import MarksError, clean_marks, merge, sample, segments
from tests.observe.conftest import record

LESSON = Path(__file__).resolve().parent.parent / "files" / "video" / "lesson.webm"
WEBM = LESSON.read_bytes()
# The first box of an MP4 file as phones write it: size, "ftyp", brand "isom", version, brands.
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"


# ---------------------------------------------------------------- pure: ranges and timeline


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-99", (0, 99)),
    ("bytes=100-", (100, 999)),          # open-ended
    ("bytes=-100", (900, 999)),          # suffix: the last 100 bytes
    ("bytes=-5000", (0, 999)),           # a suffix longer than the file: all of it
    ("bytes=990-5000", (990, 999)),      # a last byte past the end is cut to the end
    ("bytes=999-999", (999, 999)),
    ("", None),
    ("items=0-5", None),                 # another unit: ignored
    ("bytes=0-1,5-9", None),             # several ranges: the whole file
])
def test_parse_range(header: str, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-4", "bytes=-0", "bytes=abc", "bytes=-", "bytes=1-2-3"])
def test_parse_range_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 1000)


def test_sample_takes_the_code_current_at_each_tick() -> None:
    # T from 0 s, S from 12 s, T again from 31 s; 10 s ticks up to 45 s: 10 20 30 40.
    marks = [(0.0, "T"), (12.0, "S"), (31.0, "T")]
    assert sample(marks, 10, 45) == ["T", "S", "S", "T"]
    # A tick exactly on a mark takes the mark's code; ticks before the first mark are skipped.
    assert sample([(20.0, "S")], 10, 30) == ["S", "S"]
    assert sample([], 10, 60) == []


def test_marks_entered_again_at_the_same_moment_replace_the_old_ones() -> None:
    # Scrubbed back to 12 s and coded T there instead of S; marks arrive out of order.
    assert merge([(12.0, "S"), (0.0, "T"), (12.1, "T")]) == [(0.0, "T"), (12.1, "T")]
    assert segments([(0.0, "T"), (12.0, "S")], 20) == [(0.0, 12.0, "T"), (12.0, 20.0, "S")]


def test_clean_marks_refuses_in_chinese() -> None:
    with pytest.raises(MarksError, match="不是本方案的编码"):
        clean_marks([[1, "X"]], ["T", "S"])
    with pytest.raises(MarksError, match="不在录像时长之内"):
        clean_marks([[100, "T"]], ["T", "S"], duration=60)
    with pytest.raises(MarksError, match="时间不是数字"):
        clean_marks([["a", "T"]], ["T", "S"])
    assert clean_marks([[3, "t"], [1, "s"]], ["T", "S"]) == [(1.0, "S"), (3.0, "T")]
    assert clean_marks([[3, "03"]], [str(k) for k in range(1, 11)]) == [(3.0, "3")]


# ---------------------------------------------------------------- uploads


@pytest.fixture
def draft(cast: Any) -> Any:
    return record(cast, "vice_principal", "teacher", submit=False)


def _upload(cast: Any, obs: Any, name: str, content: bytes, role: str = "vice_principal") -> Any:
    client = cast.client(role)
    return client.post(reverse("observe:video_upload", args=[obs.pk]),
                       {"video": SimpleUploadedFile(name, content, content_type="video/webm")})


def test_upload_goes_to_the_file_store_and_the_page_plays_it(cast: Any, draft: Any) -> None:
    response = _upload(cast, draft, "第三节语文.webm", WEBM)
    assert response.status_code == 302
    video = ObservationVideo.objects.get(observation=draft)
    assert video.name == "第三节语文.webm" and video.size == len(WEBM) and video.content_type == "video/webm"
    assert default_storage.exists(str(video.file.name))
    with default_storage.open(str(video.file.name), "rb") as f:
        assert f.read() == WEBM
    page = cast.client("vice_principal").get(reverse("observe:video", args=[draft.pk]))
    assert page.status_code == 200
    assert reverse("observe:video_stream", args=[draft.pk]).encode() in page.content
    assert "在录像的当前时刻点按编码" in page.content.decode()


def test_an_mp4_is_accepted_by_its_bytes(cast: Any, draft: Any) -> None:
    assert _upload(cast, draft, "lesson.mp4", MP4_HEAD + b"\x00" * 200).status_code == 302
    assert ObservationVideo.objects.get(observation=draft).content_type == "video/mp4"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("课堂.webm", b"<html><script>alert(1)</script></html>", "文件内容不是 MP4 或 WebM 视频"),
    ("课堂.mp4", WEBM, "文件内容与扩展名 .mp4 不符"),
    ("课堂.avi", WEBM, "只能上传 MP4 或 WebM 视频"),
    ("课堂.webm", b"", "文件是空的"),
])
def test_uploads_of_other_kinds_are_refused_in_chinese(cast: Any, draft: Any, name: str, content: bytes,
                                                       message: str) -> None:
    response = _upload(cast, draft, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ObservationVideo.objects.filter(observation=draft).exists()


def test_an_upload_over_the_size_limit_is_refused(cast: Any, draft: Any, settings: Any) -> None:
    settings.OBSERVE_VIDEO_MAX_BYTES = 4 * 1024 * 1024
    response = _upload(cast, draft, "课堂.webm", WEBM + b"\x00" * (4 * 1024 * 1024))
    assert response.status_code == 400
    assert "录像“课堂.webm”：文件不能超过 4 MB" in response.content.decode()
    assert not ObservationVideo.objects.filter(observation=draft).exists()


def test_a_new_upload_replaces_the_old_file(cast: Any, draft: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(cast, draft, "a.webm", WEBM)
    old = str(ObservationVideo.objects.get(observation=draft).file.name)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(cast, draft, "b.webm", WEBM)
    video = ObservationVideo.objects.get(observation=draft)
    assert video.name == "b.webm" and video.file.name != old
    assert not default_storage.exists(old) and default_storage.exists(str(video.file.name))


def test_a_link_must_be_https_on_the_regions_platform(cast: Any, draft: Any, settings: Any) -> None:
    settings.OBSERVE_VIDEO_LINK_HOSTS = ["video.sxedu.example"]
    client = cast.client("vice_principal")
    url = reverse("observe:video_upload", args=[draft.pk])
    refused = client.post(url, {"link": "https://tube.example.com/v/1.mp4"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "只能使用区域视频平台（video.sxedu.example）的地址" in body
    assert 'value="https://tube.example.com/v/1.mp4"' in body  # what was typed is kept
    assert "请填写以 https:// 开头" in client.post(url, {"link": "http://video.sxedu.example/1.mp4"}).content.decode()
    assert client.post(url, {"link": "https://v1.video.sxedu.example/lesson/88.mp4"}).status_code == 302
    video = ObservationVideo.objects.get(observation=draft)
    assert video.link == "https://v1.video.sxedu.example/lesson/88.mp4" and not video.file
    page = client.get(reverse("observe:video", args=[draft.pk]))
    assert "media-src 'self' https://v1.video.sxedu.example" in page["Content-Security-Policy"]
    # A linked video is played from the platform; there is nothing of ours to stream.
    assert client.get(reverse("observe:video_stream", args=[draft.pk])).status_code == 404


# ---------------------------------------------------------------- streaming with ranges


@pytest.fixture
def submitted_with_video(cast: Any) -> Any:
    obs = record(cast, "vice_principal", "teacher", submit=False)
    video_services.video_upload(actor=None, observation=obs,
                                upload=SimpleUploadedFile("lesson.webm", WEBM, content_type="video/webm"))
    from observe import services

    data = services.ObservationData(teacher=obs.teacher, school=obs.school, date=obs.date, subject=obs.subject,
                                    topic=obs.topic, strengths="目标清晰", purpose="evaluative")
    return services.observation_record(actor=None, observer=obs.observer, data=data, client_uuid=obs.client_uuid,
                                       submit=True)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_stream_without_range_sends_the_whole_file(cast: Any, submitted_with_video: Any) -> None:
    r = cast.client("teacher").get(reverse("observe:video_stream", args=[submitted_with_video.pk]))
    assert r.status_code == 200
    assert r["Accept-Ranges"] == "bytes" and r["Content-Type"] == "video/webm"
    assert int(r["Content-Length"]) == len(WEBM) and _body(r) == WEBM
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-1023", 0, 1023),
    ("bytes=4000-", 4000, len(WEBM) - 1),
    ("bytes=-500", len(WEBM) - 500, len(WEBM) - 1),
    ("bytes=100-100", 100, 100),
    ("bytes=9000-999999", 9000, len(WEBM) - 1),
])
def test_stream_answers_ranges_with_206(cast: Any, submitted_with_video: Any, header: str, first: int,
                                        last: int) -> None:
    r = cast.client("teacher").get(reverse("observe:video_stream", args=[submitted_with_video.pk]),
                                   HTTP_RANGE=header)
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes {first}-{last}/{len(WEBM)}"
    assert int(r["Content-Length"]) == last - first + 1
    assert _body(r) == WEBM[first:last + 1]


@pytest.mark.parametrize("header", [f"bytes={len(WEBM)}-", "bytes=50-10", "bytes=-0", "bytes=x-y"])
def test_stream_refuses_bad_ranges_with_416(cast: Any, submitted_with_video: Any, header: str) -> None:
    r = cast.client("teacher").get(reverse("observe:video_stream", args=[submitted_with_video.pk]),
                                   HTTP_RANGE=header)
    assert r.status_code == 416
    assert r["Content-Range"] == f"bytes */{len(WEBM)}"


def test_a_large_file_is_streamed_in_chunks_not_read_whole(cast: Any, draft: Any) -> None:
    big = WEBM + bytes(range(256)) * 4096 * 3  # ~3 MB
    _upload(cast, draft, "big.webm", big)
    r = cast.client("vice_principal").get(reverse("observe:video_stream", args=[draft.pk]),
                                          HTTP_RANGE="bytes=1000000-")
    chunks = list(r.streaming_content)
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 64 * 1024
    assert b"".join(chunks) == big[1000000:]


def test_a_stored_file_that_is_not_a_video_is_sent_as_a_download(cast: Any, draft: Any) -> None:
    _upload(cast, draft, "lesson.webm", WEBM)
    video = ObservationVideo.objects.get(observation=draft)
    with default_storage.open(str(video.file.name), "wb") as f:  # replaced behind our back
        f.write(b"<html><script>alert(1)</script></html>")
    r = cast.client("vice_principal").get(reverse("observe:video_stream", args=[draft.pk]))
    assert r["Content-Type"] == "application/octet-stream" and r["Content-Disposition"] == "attachment"


def test_a_teacher_of_another_school_cannot_stream_or_open_the_video(cast: Any, submitted_with_video: Any) -> None:
    for name in ("observe:video_stream", "observe:video", "observe:video_comments"):
        url = reverse(name, args=[submitted_with_video.pk])
        assert cast.client("outside_teacher").get(url, HTTP_RANGE="bytes=0-99").status_code == 404
        assert cast.client("teacher_a2").get(url).status_code == 404
        assert cast.client("anonymous").get(url).status_code == 302
    assert cast.client("teacher").get(reverse("observe:video_stream", args=[submitted_with_video.pk])).status_code == 200


# ---------------------------------------------------------------- codes and comments


def _codes(cast: Any, obs: Any, **fields: Any) -> Any:
    fields["marks"] = json.dumps(fields.get("marks", []))
    return cast.client("vice_principal").post(reverse("observe:video_codes", args=[obs.pk]), fields)


def test_codes_at_video_times_become_the_st_coding(cast: Any, draft: Any) -> None:
    _upload(cast, draft, "lesson.webm", WEBM)
    r = _codes(cast, draft, family="st", marks=[[0, "T"], [12.5, "S"], [31, "T"], [12.4, "T"]],
               interval=10, until=58, duration=60)
    assert r.status_code == 200, r.content
    # 12.4 replaced 12.5 (same moment): T from 0, T from 12.4, T from 31 → ten-second ticks all T …
    body = r.json()
    assert body["marks"] == [[0.0, "T"], [12.4, "T"], [31.0, "T"]]
    session = CodingSession.objects.get(observation=draft, scheme_key="ST")
    assert session.source == "video" and session.interval_seconds == 10
    assert session.codes == ["T"] * 5 and session.rt == 1.0 and body["session"]["n"] == 5
    # … and coded again with S from 12 s: 10 20 30 40 50 → T S S T T.
    _codes(cast, draft, family="st", marks=[[0, "T"], [12, "S"], [31, "T"]], interval=10, until=58, duration=60)
    session.refresh_from_db()
    assert session.codes == ["T", "S", "S", "T", "T"]
    assert session.rt == pytest.approx(0.6) and session.ch == pytest.approx(2 / 5)  # the analyses, unchanged


def test_fias_codes_at_video_times_give_the_matrix(cast: Any, draft: Any) -> None:
    _upload(cast, draft, "lesson.webm", WEBM)
    r = _codes(cast, draft, family="fias", marks=[[0, "5"], [9, "4"], [12, "8"]], interval=3, until=18, duration=60)
    assert r.status_code == 200, r.content
    session = CodingSession.objects.get(observation=draft, scheme_key="FIAS")
    assert session.codes == ["5", "5", "4", "8", "8", "8"]
    assert session.result["n"] == 6 and "matrix" in json.dumps(session.result)


def test_codes_refused_in_chinese(cast: Any, draft: Any) -> None:
    _upload(cast, draft, "lesson.webm", WEBM)
    r = _codes(cast, draft, family="st", marks=[[5, "Q"]], duration=60)
    assert r.status_code == 400 and "不是本方案的编码" in r.json()["errors"]["marks"][0]
    r = _codes(cast, draft, family="st", marks=[[500, "T"]], duration=60)
    assert "不在录像时长之内" in r.json()["errors"]["marks"][0]
    assert "只能是 S-T 或 FIAS" in _codes(cast, draft, family="x").json()["errors"]["family"][0]


def test_only_the_observer_of_a_draft_codes(cast: Any, submitted_with_video: Any) -> None:
    url = reverse("observe:video_codes", args=[submitted_with_video.pk])
    for role in ("vice_principal", "teacher", "principal"):  # a submitted record is final
        assert cast.client(role).post(url, {"family": "st", "marks": "[[0, \"T\"]]"}).status_code == 404


def test_comments_pinned_to_moments(cast: Any, submitted_with_video: Any) -> None:
    url = reverse("observe:video_comments", args=[submitted_with_video.pk])
    r = cast.client("teacher").post(url, {"at": "42.5", "text": "这里学生讨论时间太短"})
    assert r.status_code == 201
    assert r.json()["comments"][0] | {"id": 0, "created_at": ""} == {
        "id": 0, "at": 42.5, "clock": "00:42", "text": "这里学生讨论时间太短", "author": "何静", "created_at": ""}
    cast.client("vice_principal").post(url, {"at": "3", "text": "导入自然"})
    listed = cast.client("principal").get(url).json()["comments"]
    assert [c["at"] for c in listed] == [3.0, 42.5]  # in video order
    assert "评论：请填写评论内容" in cast.client("teacher").post(url, {"at": "1", "text": " "}).json()["errors"]["text"][0]
    # A reader who is neither the observer nor the teacher reads but does not comment.
    assert cast.client("principal").post(url, {"at": "1", "text": "好"}).status_code == 404
    assert VideoComment.objects.count() == 2


def test_the_form_saving_the_draft_keeps_the_video_coding(cast: Any, draft: Any) -> None:
    """Coded from the video at 10 s, then the draft saved from the form (which sends the codes
    back with the record's settings): the interval and the source stay."""
    from observe import services

    _upload(cast, draft, "lesson.webm", WEBM)
    _codes(cast, draft, family="st", marks=[[0, "T"], [12, "S"], [31, "T"]], interval=10, until=58, duration=60)
    draft.refresh_from_db()
    assert draft.coding_settings["st_interval"] == 10
    edit = cast.client("vice_principal").get(reverse("observe:edit", args=[draft.pk])).content.decode()
    assert 'value="TSSTT"' in edit and "&quot;st_interval&quot;: 10.0" in edit
    data = services.ObservationData(teacher=draft.teacher, school=draft.school, date=draft.date,
                                    subject=draft.subject, topic=draft.topic, strengths="目标清晰")
    services.observation_record(actor=None, observer=draft.observer, data=data, client_uuid=draft.client_uuid,
                                coding=[services.CodingData("ST", list("TSSTT"), draft.coding_settings["st_interval"])])
    session = CodingSession.objects.get(observation=draft, scheme_key="ST")
    assert (session.source, session.interval_seconds, session.codes) == ("video", 10, list("TSSTT"))


def test_the_observation_page_shows_the_video_coding_and_links_to_the_video(cast: Any, draft: Any) -> None:
    _upload(cast, draft, "lesson.webm", WEBM)
    _codes(cast, draft, family="st", marks=[[0, "T"], [12, "S"]], interval=10, until=30, duration=60)
    page = cast.client("vice_principal").get(reverse("observe:detail", args=[draft.pk])).content.decode()
    assert "采样间隔 <span data-testid=\"coding-interval\">10</span> 秒，对照录像编码" in page
    assert reverse("observe:video", args=[draft.pk]) in page
