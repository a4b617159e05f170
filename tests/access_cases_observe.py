"""Access-matrix rows for the lesson-observation pages (observe:*)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

WITH_PERSON = EVERYONE - {"no_post", "sysadmin"}
# Readers of an evaluative Chinese lesson of 何静 observed by the vice principal.
LESSON_READERS = frozenset({"sysadmin", "vice_principal", "teacher", "principal", "middle_manager",
                            "institute_head", "county_researcher"})
# A developmental observation: observer and observed teacher only.
PRIVATE_READERS = frozenset({"sysadmin", "vice_principal", "teacher"})
QUOTA_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "outside_principal",
                                            "outside_researcher"})
DESIGNERS_A = frozenset({"sysadmin", "county_admin", "county_researcher", "institute_head", "province_researcher",
                         "city_researcher"})


def _record(cast: Any, *, purpose: str = "evaluative", submit: bool = True, observer: str = "vice_principal") -> Any:
    from core.models import Subject
    from observe import services

    data = services.ObservationData(teacher=cast.people["teacher"], school=cast.school_a1, date=dt.date(2026, 10, 9),
                                    subject=Subject.objects.get(code="chinese"), topic="背影", strengths="朗读指导到位",
                                    purpose=purpose)
    return services.observation_record(actor=None, observer=cast.people[observer], data=data, submit=submit)


def _lesson(cast: Any) -> list[Any]:
    return [_record(cast).pk]


def _private(cast: Any) -> list[Any]:
    return [_record(cast, purpose="developmental").pk]


def _draft(cast: Any) -> list[Any]:
    return [_record(cast, submit=False, observer="principal").pk]


def _attachment(cast: Any) -> list[Any]:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from observe import services

    obs = _record(cast)
    png = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(png, format="PNG")
    att = services.attachment_add(actor=None, observation=obs,
                                  upload=SimpleUploadedFile("板书.png", png.getvalue(), content_type="image/png"))
    return [att.pk]


def _document(cast: Any) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from observe import services

    obs = _record(cast)
    att = services.attachment_add(actor=None, observation=obs,
                                  upload=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%%EOF\n",
                                                            content_type="application/pdf"))
    return [att.pk]


def _county_template(cast: Any) -> list[Any]:
    from observe import services
    from observe.models import RubricVersion

    builtin = RubricVersion.objects.get(template__key="LESSON.GENERAL", status="published")
    return [services.template_create(actor=None, owner=cast.county_a, name="小店区课堂评价表", copy_of=builtin).pk]


def _builtin_template(cast: Any) -> list[Any]:
    from observe.models import RubricTemplate

    return [RubricTemplate.objects.get(key="LICC").pk]


def _autosave_data(cast: Any) -> dict[str, Any]:
    return {"client_uuid": str(uuid.uuid4()), "teacher": cast.people["teacher"].code, "date": "2026-10-09",
            "kind": "push_in", "purpose": "developmental", "topic": "背影"}


CASES = [
    Case("observe:home", EVERYONE),
    Case("observe:new", WITH_PERSON),
    Case("observe:autosave", WITH_PERSON, method="POST", data=_autosave_data, ok_status=(200, 400),
         note="outsiders cannot name 何静: 400"),
    Case("observe:sw", EVERYONE),
    Case("observe:detail", LESSON_READERS, args=_lesson),
    Case("observe:detail", PRIVATE_READERS, args=_private, note="developmental"),
    Case("observe:detail", frozenset({"sysadmin", "principal"}), args=_draft, note="draft"),
    Case("observe:edit", frozenset({"principal"}), args=_draft),
    Case("observe:acknowledge", frozenset({"teacher"}), args=_lesson, method="POST", ok_status=(302,)),
    Case("observe:reflect", frozenset({"teacher"}), args=_lesson, method="POST",
         data=lambda c: {"reflection": "朗读环节时间过长。"}, ok_status=(302,)),
    Case("observe:release", frozenset({"teacher"}), args=_private, method="POST", ok_status=(302,)),
    Case("observe:attachment", LESSON_READERS, args=_attachment, note="photo"),
    Case("observe:attachment", LESSON_READERS, args=_document, note="document"),
    Case("observe:received", WITH_PERSON),
    Case("observe:notifications", WITH_PERSON),
    Case("observe:quota", QUOTA_READERS),
    Case("observe:quota", COUNTY_A_ROLES, query="node=140105", note="county A"),
    Case("observe:quota", COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager"},
         query="node=1140105001", note="school A1"),
    Case("observe:quota", COUNTY_A_ROLES, query="node=140105&format=xlsx", note="export"),
    Case("observe:analysis", EVERYONE - {"no_post"}),
    Case("observe:analysis", COUNTY_A_ROLES, query="node=140105", note="county A"),
    Case("observe:archive", LESSON_READERS, args=lambda c: [c.people["teacher"].code]),
    Case("observe:archive_docx", LESSON_READERS, args=lambda c: [c.people["teacher"].code]),
    Case("observe:templates", EVERYONE),
    Case("observe:template_detail", EVERYONE, args=_builtin_template, note="built-in"),
    Case("observe:template_detail", SCHOOL_A1_ROLES | {"teacher_a2"}, args=_county_template, note="county A's"),
    Case("observe:template_draft", DESIGNERS_A, args=_county_template, method="POST", ok_status=(302,)),
    Case("observe:template_edit", DESIGNERS_A, args=_county_template),
    Case("observe:template_publish", DESIGNERS_A, args=_county_template, method="POST", ok_status=(302,)),
]


API_CASES = [
    Case("api-v1:observe_template_list", EVERYONE),
    Case("api-v1:observe_template_detail", EVERYONE, args=_builtin_template),
    Case("api-v1:observe_observation_list", EVERYONE),
    Case("api-v1:observe_observation_detail", LESSON_READERS, args=_lesson),
    Case("api-v1:observe_coding_list", LESSON_READERS, args=_lesson),
    Case("api-v1:observe_quota", QUOTA_READERS),
]
CASES += API_CASES
