"""Access-matrix rows for the lesson-video pages (observe:video*): the same readers as the
observation's attachments; only the observer of a draft uploads and codes; the observer and the
observed teacher comment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.access_cases import Case
from tests.access_cases_observe import LESSON_READERS, _record

LESSON_WEBM = Path(__file__).resolve().parent / "files" / "video" / "lesson.webm"


def _with_video(obs: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from observe import video_services

    video_services.video_upload(actor=None, observation=obs, upload=SimpleUploadedFile(
        "lesson.webm", LESSON_WEBM.read_bytes(), content_type="video/webm"))
    return obs


def _lesson(cast: Any) -> list[Any]:
    """A submitted evaluative lesson of 何静 observed by the vice principal, with its video."""
    from observe import services

    draft = _with_video(_record(cast, submit=False))
    data = services.ObservationData(teacher=draft.teacher, school=draft.school, date=draft.date,
                                    subject=draft.subject, topic=draft.topic, strengths="朗读指导到位",
                                    purpose="evaluative")
    obs = services.observation_record(actor=None, observer=draft.observer, data=data, client_uuid=draft.client_uuid,
                                      submit=True)
    return [obs.pk]


def _draft(cast: Any) -> list[Any]:
    """The principal's draft, with its video."""
    return [_with_video(_record(cast, submit=False, observer="principal")).pk]


def _bare_draft(cast: Any) -> list[Any]:
    return [_record(cast, submit=False, observer="principal").pk]


def _codes(cast: Any) -> dict[str, Any]:
    return {"family": "st", "marks": json.dumps([[0, "T"], [35, "S"]]), "interval": "30", "until": "59"}


CASES = [
    Case("observe:video", LESSON_READERS, args=_lesson),
    Case("observe:video", frozenset({"sysadmin", "principal"}), args=_bare_draft, note="draft without video"),
    Case("observe:video_stream", LESSON_READERS, args=_lesson),
    Case("observe:video_upload", frozenset({"principal"}), args=_bare_draft, method="POST", ok_status=(400,),
         note="nothing chosen: 400 with the reason"),
    Case("observe:video_codes", frozenset({"principal"}), args=_draft, method="POST", data=_codes),
    Case("observe:video_comments", LESSON_READERS, args=_lesson),
    Case("observe:video_comments", frozenset({"vice_principal", "teacher"}), args=_lesson, method="POST",
         data=lambda c: {"at": "12", "text": "这里的追问很好"}, ok_status=(201,)),
]
