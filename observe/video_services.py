"""Writes of lesson videos: the file or link, the codes entered against the video's timeline
(saved as the observation's coding sessions through observe.services.coding_session_save, so
the S-T and FIAS analyses run unchanged), and comments pinned to moments. Audited."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import AuditEvent, Person, User
from observe.coding import get_scheme
from observe.coding.settings import SettingsError, clean_settings, default_settings
from observe.errors import ObservationError
from observe.models import CodingSession, CodingSource, Observation, ObservationVideo, VideoCodeTrack, VideoComment
from observe.services import CodingData, coding_session_save
from observe.video import VideoRefused, check_link, check_video
from observe.video_timeline import MarksError, clean_marks, sample

MAX_COMMENT_CHARS = 500
FAMILIES = ("st", "fias")


def _audit_video(actor: User | None, video: ObservationVideo, action: str) -> None:
    # Written by hand like observe's attachments: core.audit's snapshot cannot encode a FileField.
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None, action=action,
        model=video._meta.label, object_id=str(video.pk), object_repr=(video.name or video.link)[:200],
        scope_path=video.observation.school.path,
        new={"observation_id": video.observation_id, "file": video.file.name if video.file else "",
             "link": video.link, "name": video.name, "size": video.size, "content_type": video.content_type})


def _replace(actor: User | None, observation: Observation) -> ObservationVideo | None:
    """The observation's current video; its stored file is deleted once the new one is saved."""
    video = ObservationVideo.objects.select_for_update().filter(observation=observation).first()
    if video is not None and video.file:
        storage, name = video.file.storage, str(video.file.name)
        transaction.on_commit(lambda: storage.delete(name))
    return video


@transaction.atomic
def video_upload(*, actor: User | None, observation: Observation, upload: UploadedFile[Any]) -> ObservationVideo:
    """Keep the lesson's video file in the file store (streamed there in chunks); refused unless
    its bytes are an MP4 or WebM of the allowed size. Replaces an earlier video or link."""
    kind = check_video(upload.name or "录像", upload, upload.size or 0)
    video = _replace(actor, observation)
    creating = video is None
    if video is None:
        video = ObservationVideo(observation=observation)
    video.link, video.name, video.size, video.content_type = "", (upload.name or "录像")[-120:], upload.size or 0, kind
    video.duration_seconds, video.uploaded_by = None, actor
    upload.seek(0)
    video.file.save(upload.name or "lesson.mp4", upload, save=False)
    video.save()
    _audit_video(actor, video, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE)
    return video


@transaction.atomic
def video_link(*, actor: User | None, observation: Observation, url: str) -> ObservationVideo:
    """The lesson's video as a link to the region's platform (an allowed https host)."""
    link = check_link(url)
    video = _replace(actor, observation)
    creating = video is None
    if video is None:
        video = ObservationVideo(observation=observation)
    video.file, video.link, video.name, video.size, video.content_type = None, link, "", 0, ""
    video.duration_seconds, video.uploaded_by = None, actor
    video.save()
    _audit_video(actor, video, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE)
    return video


def _number(value: Any, field: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ObservationError(f"{label}：不是数字", field=field) from None
    if number != number or number < 0 or number > 6 * 3600:
        raise ObservationError(f"{label}：应在 0 到 6 小时之间", field=field)
    return number


def _keep_interval(actor: User | None, obs: Observation, family: str, step: float, dialogue: bool) -> None:
    """The record's coding settings take the video coding's interval (and D), so the form, which
    sends the codes back when the draft is saved or submitted, analyses them at the same step."""
    try:
        settings = clean_settings(obs.coding_settings or None)
    except SettingsError:
        settings = default_settings()
    if family == "st":
        settings["st_interval"], settings["dialogue"] = step, dialogue
    else:
        settings["fias_interval"] = step
    if dict(settings) != obs.coding_settings:
        old = snapshot(obs)
        obs.coding_settings = dict(settings)
        obs.save(update_fields=["coding_settings", "updated_at"])
        audit_update(actor, obs, old)


@transaction.atomic
def video_codes_save(*, actor: User | None, video: ObservationVideo, family: str, marks: Any,
                     interval: Any = None, until: Any = None, duration: Any = None,
                     dialogue: bool = False) -> VideoCodeTrack:
    """Keep the marks of one family and save their sampled sequence as the observation's coding
    session of that scheme (source: video), replacing a live one. No marks: the track is
    emptied and a session coded from the video is removed."""
    if family not in FAMILIES:
        raise ObservationError("编码方案：只能是 S-T 或 FIAS", field="family")
    length = _number(duration, "duration", "录像时长")
    if length:
        video.duration_seconds = length
        video.save(update_fields=["duration_seconds", "updated_at"])
    scheme_key = ("STD" if dialogue else "ST") if family == "st" else "FIAS"
    scheme = get_scheme(scheme_key)
    step = _number(interval, "interval", "采样间隔") or scheme.interval_seconds
    if step < 1 or step > 120:
        raise ObservationError("采样间隔：应在 1 到 120 秒之间", field="interval")
    try:
        cleaned = clean_marks(marks, [c.code for c in scheme.categories], duration=video.duration_seconds)
    except MarksError as exc:
        raise ObservationError(f"录像编码：{exc}", field="marks") from exc
    reached = _number(until, "until", "编码至") or 0.0
    coded_until = max(reached, cleaned[-1][0] if cleaned else 0.0)
    if video.duration_seconds:
        coded_until = min(coded_until, video.duration_seconds)
    track = VideoCodeTrack.objects.select_for_update().filter(video=video, family=family).first()
    old = snapshot(track) if track is not None else None
    if track is None:
        track = VideoCodeTrack(video=video, family=family)
    track.scheme_key, track.interval_seconds = scheme_key, step
    track.marks, track.coded_until = [[t, c] for t, c in cleaned], coded_until
    sampled = sample(cleaned, step, coded_until)
    obs = video.observation
    if sampled:
        track.session = coding_session_save(actor=actor, observation=obs,
                                            data=CodingData(scheme_key, sampled, step, source=CodingSource.VIDEO))
        # S-T and S-T with D are one family: the other key's session would be a stale second record.
        if family == "st":
            for stale in CodingSession.objects.filter(observation=obs, scheme_key__in=["ST", "STD"]).exclude(
                    pk=track.session.pk):
                audit_delete(actor, stale)
                stale.delete()
    else:
        if track.session is not None and track.session.source == CodingSource.VIDEO:
            stale_session = track.session
            track.session = None
            audit_delete(actor, stale_session)
            stale_session.delete()
    if sampled:
        _keep_interval(actor, obs, family, step, scheme_key == "STD")
    if old is None:
        track.save()
        audit_create(actor, track)
    else:
        track.save()
        audit_update(actor, track, old)
    return track


@transaction.atomic
def video_comment_add(*, actor: User | None, video: ObservationVideo, author: Person, at_seconds: Any,
                      text: str) -> VideoComment:
    """A comment pinned to a moment of the video."""
    text = (text or "").strip()
    if not text:
        raise ObservationError("评论：请填写评论内容", field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise ObservationError(f"评论：不能超过 {MAX_COMMENT_CHARS} 字", field="text")
    at = _number(at_seconds, "at", "评论时间")
    if at is None:
        raise ObservationError("评论时间：请在录像中选定时刻", field="at")
    if video.duration_seconds and at > video.duration_seconds + 1:
        raise ObservationError("评论时间：超出了录像时长", field="at")
    comment = VideoComment.objects.create(video=video, at_seconds=round(at, 2), text=text, author=author)
    audit_create(actor, comment)
    return comment


__all__ = ["VideoRefused", "video_codes_save", "video_comment_add", "video_link", "video_upload"]
