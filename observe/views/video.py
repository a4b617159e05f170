"""The lesson video of an observation: its page (player, coding against the video's timeline,
the coded timeline, comments pinned to moments), the upload, the stream with Range requests, and
the JSON the page saves codes and comments with (form-encoded posts, like the form's autosave)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import require, scope_of
from core.errors import DomainError
from core.http import CONTENT_SECURITY_POLICY, AuthedRequest
from core.models import Person
from observe import video_services
from observe.coding import get_scheme
from observe.coding.settings import SettingsError, clean_settings, default_settings
from observe.models import CodingSession, Observation, ObservationVideo, VideoComment
from observe.video import ACCEPT, HEAD_BYTES, limits_text, link_hosts, link_origin, sniff
from observe.video_access import can_code, can_comment, get_video_for_user, get_video_observation
from observe.video_ranges import ranged_response
from observe.video_timeline import clock


def _comment_out(c: VideoComment) -> dict[str, Any]:
    return {"id": c.pk, "at": c.at_seconds, "clock": clock(c.at_seconds), "text": c.text, "author": c.author.name,
            "created_at": c.created_at.isoformat()}


def _session_out(s: CodingSession | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"scheme": s.scheme_key, "n": s.n, "rt": s.rt, "ch": s.ch, "mode": s.mode_label,
            "interval": s.interval_seconds, "source": s.source}


def _settings(obs: Observation) -> dict[str, Any]:
    try:
        return dict(clean_settings(obs.coding_settings or None))
    except SettingsError:
        return dict(default_settings())


def _page(request: AuthedRequest, obs: Observation, *, status: int = 200, error: str = "", link: str = "") -> HttpResponse:
    user = request.user
    video = ObservationVideo.objects.filter(observation=obs).first()
    tracks = {t.family: t for t in video.tracks.all()} if video else {}
    settings = _settings(obs)
    state = {
        "video": None if video is None else {
            "src": reverse("observe:video_stream", args=[obs.pk]) if video.file else video.link,
            "duration": video.duration_seconds, "name": video.name or video.link},
        "tracks": {f: {"marks": t.marks, "interval": t.interval_seconds, "until": t.coded_until,
                       "scheme": t.scheme_key} for f, t in tracks.items()},
        "intervals": {"st": settings["st_interval"], "fias": settings["fias_interval"]},
        "dialogue": bool(settings.get("dialogue")) or tracks.get("st") is not None and tracks["st"].scheme_key == "STD",
        "comments": [_comment_out(c) for c in video.comments.select_related("author")] if video else [],
        "urls": {"codes": reverse("observe:video_codes", args=[obs.pk]),
                 "comments": reverse("observe:video_comments", args=[obs.pk])},
        "can_code": video is not None and can_code(user, obs),
        "can_comment": video is not None and can_comment(user, obs),
    }
    sessions = {s.scheme_key: s for s in obs.coding_sessions.all()}
    response = render(request, "observe/video/page.html", {
        "obs": obs, "video": video, "state": state, "may_upload": can_code(user, obs),
        "fias_categories": get_scheme("FIAS").categories, "accept": ACCEPT, "limits": limits_text(),
        "link_hosts": link_hosts(), "error": error, "link": link,
        "st_session": sessions.get("STD") or sessions.get("ST"), "fias_session": sessions.get("FIAS"),
    }, status=status)
    if video is not None and video.link:
        # The player loads the platform's file; the page's policy names that origin alone.
        response["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; media-src 'self' {link_origin(video.link)}"
    return response


@login_required
@require_GET
def video_page(request: AuthedRequest, observation_id: int) -> HttpResponse:
    obs = get_video_observation(request.user, observation_id)
    return _page(request, obs)


@login_required
@require_POST
def video_upload(request: AuthedRequest, observation_id: int) -> HttpResponse:
    """The observer's upload of the lesson's video file, or a link to the region's platform."""
    obs = get_video_observation(request.user, observation_id, write=True)
    upload = request.FILES.get("video")
    link = (request.POST.get("link") or "").strip()
    try:
        if upload is not None:
            video_services.video_upload(actor=request.user, observation=obs, upload=upload)
        elif link:
            video_services.video_link(actor=request.user, observation=obs, url=link)
        else:
            return _page(request, obs, status=400, error="请选择录像文件或填写区域视频平台的录像链接", link=link)
    except DomainError as exc:
        return _page(request, obs, status=400, error=exc.message, link=link)
    messages.success(request, "录像已保存，可以对照录像编码了。")
    return redirect("observe:video", observation_id=obs.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def video_stream(request: AuthedRequest, observation_id: int) -> HttpResponseBase:
    """The stored video, with Range requests (206), under the observation's access policy. The
    type is decided from the stored bytes again; anything not a video is sent as a download."""
    video = get_video_for_user(request.user, observation_id)
    if not video.file:
        raise Http404("该录像是区域视频平台的链接")
    storage, name = video.file.storage, str(video.file.name)
    if not storage.exists(name):
        raise Http404("录像文件不存在")
    size = storage.size(name)
    stream = storage.open(name, "rb")
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = sniff(head)
    response = ranged_response(request, stream, size, kind or "application/octet-stream")
    if kind is None:
        response["Content-Disposition"] = "attachment"
    return response


def _errors(exc: DomainError) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": {exc.field or "__all__": [exc.message]}}, status=400)


@login_required
@require_POST
def video_codes(request: AuthedRequest, observation_id: int) -> JsonResponse:
    """Save one family's marks [seconds, code] (the field `marks`, JSON); answers the analysis."""
    obs = get_video_observation(request.user, observation_id, write=True)
    video = ObservationVideo.objects.filter(observation=obs).select_related("observation__school").first()
    require(video is not None, "该听课记录没有录像")
    assert video is not None
    try:
        marks = json.loads(request.POST.get("marks") or "[]")
    except json.JSONDecodeError:
        return JsonResponse({"ok": False, "errors": {"marks": ["录像编码：数据格式不正确"]}}, status=400)
    try:
        track = video_services.video_codes_save(
            actor=request.user, video=video, family=request.POST.get("family", ""), marks=marks,
            interval=request.POST.get("interval"), until=request.POST.get("until"),
            duration=request.POST.get("duration"), dialogue=request.POST.get("dialogue") in ("1", "true", "on"))
    except DomainError as exc:
        return _errors(exc)
    return JsonResponse({"ok": True, "family": track.family, "marks": track.marks, "until": track.coded_until,
                         "session": _session_out(track.session)})


@login_required
@require_http_methods(["GET", "POST"])
def video_comments(request: AuthedRequest, observation_id: int) -> JsonResponse:
    """The comments pinned to the video's moments (GET), or a new one (POST: at, text)."""
    video = get_video_for_user(request.user, observation_id)
    if request.method == "POST":
        require(can_comment(request.user, video.observation), "只有听课人和授课教师可以评论")
        me = scope_of(request.user).person_id
        assert me is not None  # can_comment: the observer or the teacher
        author = Person.objects.get(pk=me)
        try:
            video_services.video_comment_add(actor=request.user, video=video, author=author,
                                             at_seconds=request.POST.get("at"), text=request.POST.get("text", ""))
        except DomainError as exc:
            return _errors(exc)
    comments = [_comment_out(c) for c in video.comments.select_related("author")]
    return JsonResponse({"ok": True, "comments": comments}, status=201 if request.method == "POST" else 200)
