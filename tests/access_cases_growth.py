"""Access-matrix rows for the growth app's pages and API (growth:*, api-v1:growth_*)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# Whose growth records a teacher's (何静, Chinese at A1) are visible to: herself, A1's managers and
# the region roles over A1 (subject researchers of her subject only).
TEACHER_RECORD_READERS = frozenset({"sysadmin", "institute_head", "county_researcher", "bureau_viewer",
                                    "county_admin", "principal", "vice_principal", "middle_manager", "teacher"})
# Who records people's training, awards and certificates: the institution's managers and principals.
RECORDERS = frozenset({"sysadmin", "institute_head", "county_admin", "principal", "vice_principal",
                       "outside_principal"})
IMPORTERS = frozenset({"sysadmin", "institute_head", "county_admin"})
# County A's programmes and studios: everyone posted in county A or above it, or below it.
COUNTY_A_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "group_leader",
                                               "teacher", "teacher_a2"})
COUNTY_A_MANAGERS = frozenset({"sysadmin", "institute_head", "county_admin"})


def make_programme(cast: Any) -> Any:
    from growth.services import programmes

    programme = programmes.programme_create(actor=None, region=cast.county_a, name="小店区骨干教师培养工程",
                                            kind="backbone", level="county", start=dt.date(2025, 9, 1),
                                            end=dt.date(2028, 8, 31), quota=30)
    tier = programmes.tier_add(actor=None, programme=programme, name="区级骨干教师", kind="backbone", quota=20)
    programmes.duty_set(actor=None, tier=tier, lesson_kind="contest", count=1)
    member = programmes.member_add(actor=None, programme=programme, tier=tier, person=cast.people["teacher"])
    return programme, member


def _programme(cast: Any) -> list[Any]:
    return [make_programme(cast)[0].pk]


def _member(cast: Any) -> list[Any]:
    return [make_programme(cast)[1].pk]


def _studio(cast: Any) -> list[Any]:
    from growth.services import regional

    studio = regional.studio_create(actor=None, region=cast.county_a, name="孙国庆数学名师工作室",
                                    host=cast.people["principal"], level="county", start=dt.date(2025, 9, 1))
    return [studio.pk]


def _teacher(cast: Any) -> list[Any]:
    return [cast.people["teacher"].code]


CASES = [
    Case("growth:home", EVERYONE),
    Case("growth:training", EVERYONE, note="每人只看到其可见范围内的人员学时"),
    Case("growth:training", EVERYONE, query="year=2025&researchers=1", note="filtered"),
    Case("growth:training_person", TEACHER_RECORD_READERS, args=_teacher),
    Case("growth:training_new", RECORDERS),
    Case("growth:training_import", IMPORTERS),
    Case("growth:rotation", EVERYONE),
    Case("growth:certificates", EVERYONE),
    Case("growth:certificate_new", RECORDERS),
    Case("growth:programmes", EVERYONE),
    Case("growth:programme_detail", COUNTY_A_READERS, args=_programme),
    Case("growth:member_add", COUNTY_A_MANAGERS, args=_programme),
    Case("growth:fulfilment_add", COUNTY_A_MANAGERS, args=_member),
    Case("growth:competitions", EVERYONE),
    Case("growth:award_new", RECORDERS),
    Case("growth:studios", EVERYONE),
    Case("growth:studio_detail", COUNTY_A_READERS, args=_studio),
    Case("growth:bases", EVERYONE),
]


def _training(cast: Any) -> list[Any]:
    from growth.services import records

    record = records.training_record(actor=None, person=cast.people["teacher"], course="新课标研修", provider="县进修学校",
                                     level="county", hours="12", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 3))
    return [record.pk]


def _new_training(cast: Any) -> dict[str, Any]:
    return {"person": cast.people["teacher"].code, "course": "接口登记的培训", "provider": "县进修学校",
            "level": "county", "hours": 6, "start": "2026-04-01", "end": "2026-04-02"}


# Who may record the teacher's training: the institution's managers over her and A1's principals.
TEACHER_RECORDERS = frozenset({"sysadmin", "institute_head", "county_admin", "principal", "vice_principal"})

CASES += [
    Case("api-v1:growth_training_list", EVERYONE),
    Case("api-v1:growth_training_detail", TEACHER_RECORD_READERS, args=_training),
    Case("api-v1:growth_training_create", TEACHER_RECORDERS, method="POST", data=_new_training, ok_status=(201,)),
    Case("api-v1:growth_hours", EVERYONE),
    Case("api-v1:growth_hours", EVERYONE, query="year=2026&short=true", note="filtered"),
    Case("api-v1:growth_programme_list", EVERYONE),
    Case("api-v1:growth_programme_detail", COUNTY_A_READERS, args=_programme),
    Case("api-v1:growth_award_list", EVERYONE),
    Case("api-v1:growth_studio_list", EVERYONE),
    Case("api-v1:growth_studio_detail", COUNTY_A_READERS, args=_studio),
]

# The institution's managers anywhere (the create forms list the regions they manage).
MANAGERS = frozenset({"sysadmin", "institute_head", "county_admin"})

CASES += [
    Case("growth:programme_new", MANAGERS),
    Case("growth:tier_add", COUNTY_A_MANAGERS, args=_programme),
    Case("growth:competition_new", MANAGERS),
    Case("growth:studio_new", MANAGERS),
    Case("growth:base_new", MANAGERS),
    Case("growth:rotation_new", MANAGERS),
]

CASES += [Case("growth:member_import", COUNTY_A_MANAGERS, args=_programme)]


def _award(cast: Any) -> list[Any]:
    from growth.services import records

    award = records.award_record(actor=None, person=cast.people["teacher"], title="县优质课评比", level="county",
                                 rank="first", awarded_on=dt.date(2026, 10, 20))
    return [award.pk]


def _certificate(cast: Any) -> list[Any]:
    from growth.services import records

    cert = records.certificate_record(actor=None, person=cast.people["teacher"], level="c", issued_on=dt.date(2026, 6, 1))
    return [cert.pk]


# Editing and deleting 何静's records: those who record for her (growth.access.can_record_for).
CASES += [
    Case("growth:training_edit", TEACHER_RECORDERS, args=_training),
    Case("growth:training_delete", TEACHER_RECORDERS, args=_training),
    Case("growth:training_delete", TEACHER_RECORDERS, args=_training, method="POST", ok_status=(302,), note="post"),
    Case("growth:award_edit", TEACHER_RECORDERS, args=_award),
    Case("growth:award_delete", TEACHER_RECORDERS, args=_award),
    Case("growth:award_delete", TEACHER_RECORDERS, args=_award, method="POST", ok_status=(302,), note="post"),
    Case("growth:certificate_edit", TEACHER_RECORDERS, args=_certificate),
    Case("growth:certificate_delete", TEACHER_RECORDERS, args=_certificate),
    Case("growth:certificate_delete", TEACHER_RECORDERS, args=_certificate, method="POST", ok_status=(302,),
         note="post"),
]
