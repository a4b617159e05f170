"""Writes of a person's own growth records: training (000 §12), rotation stints, awards and
mental-health certificates (004 (二)2). Each checks the actor may record for the person
(growth.access.can_record_for); `actor=None` is the system (demo, imports already checked)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import Level, OrgKind, OrgNode, Person, Subject, User
from growth.access import can_record_for
from growth.errors import GrowthError
from growth.models import (
    Award,
    AwardRank,
    Competition,
    PsyCertificate,
    PsyLevel,
    RotationStint,
    TrainingRecord,
    TrainingSource,
)

MAX_HOURS = Decimal("500")
CERTIFICATE_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def _require_record(actor: User | None, person: Person) -> None:
    if actor is not None and not can_record_for(actor, person):
        raise GrowthError(f"您不能为{person.name}登记记录", field="person")


def _level(value: str, field: str = "level") -> str:
    if value not in Level.values:
        raise GrowthError("级别：请选择国家级、省级、市级、县级或校级", field=field)
    return value


def _text(value: str, label: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise GrowthError(f"{label}：必填", field=field)
    if len(value) > limit:
        raise GrowthError(f"{label}：不超过{limit}个字", field=field)
    return value


def check_certificate_file(upload: UploadedFile[Any] | None, field: str = "certificate") -> None:
    if upload is None:
        return
    name = (upload.name or "").lower()
    if not name.endswith(CERTIFICATE_TYPES):
        raise GrowthError("证书文件：只能上传 PDF、JPG 或 PNG", field=field)
    if upload.size is not None and upload.size > CERTIFICATE_BYTES:
        raise GrowthError("证书文件：不超过 10 MB", field=field)


def clean_hours(raw: object) -> Decimal:
    """Class hours: a positive number with at most one decimal, up to 500."""
    try:
        hours = Decimal(str(raw).strip())
    except InvalidOperation:
        raise GrowthError("学时：请填写数字，如 24 或 1.5", field="hours") from None
    if not hours.is_finite() or hours <= 0:
        raise GrowthError("学时：必须大于0", field="hours")
    if hours > MAX_HOURS:
        raise GrowthError(f"学时：一次培训不超过{MAX_HOURS}学时", field="hours")
    if hours != hours.quantize(Decimal("0.1")):
        raise GrowthError("学时：最多一位小数", field="hours")
    return hours


def check_training(*, course: str, provider: str, level: str, hours: object, start: dt.date,
                   end: dt.date) -> tuple[str, str, str, Decimal]:
    """The checked values of a training record (shared by the form and the import)."""
    course = _text(course, "培训项目", "course", 120)
    provider = _text(provider, "培训机构", "provider", 100)
    _level(level)
    value = clean_hours(hours)
    if end < start:
        raise GrowthError("结束日期：不能早于开始日期", field="end")
    if (end - start).days > 366:
        raise GrowthError("结束日期：一次培训不超过一年", field="end")
    return course, provider, level, value


@transaction.atomic
def training_record(*, actor: User | None, person: Person, course: str, provider: str, level: str,
                    hours: object, start: dt.date, end: dt.date, certificate: UploadedFile[Any] | None = None,
                    certificate_no: str = "") -> TrainingRecord:
    """A course the person attended, entered by hand."""
    _require_record(actor, person)
    course, provider, level, value = check_training(course=course, provider=provider, level=level, hours=hours,
                                                    start=start, end=end)
    check_certificate_file(certificate)
    if TrainingRecord.objects.filter(person=person, course=course, start=start).exists():
        raise GrowthError(f"{person.name}已登记{start:%Y-%m-%d}开始的《{course}》", field="course")
    record = TrainingRecord(person=person, course=course, provider=provider, level=level, hours=value, start=start,
                            end=end, certificate_no=_text(certificate_no, "证书编号", "certificate_no", 60,
                                                          required=False),
                            source=TrainingSource.ENTRY, created_by=actor if actor is not None and actor.pk else None)
    if certificate is not None:
        record.certificate = certificate
    record.save()
    audit_create(actor, record)
    return record


@transaction.atomic
def training_delete(*, actor: User | None, record: TrainingRecord) -> None:
    _require_record(actor, record.person)
    audit_delete(actor, record)
    record.delete()


@transaction.atomic
def training_update(*, actor: User | None, record: TrainingRecord, course: str, provider: str, level: str,
                    hours: object, start: dt.date, end: dt.date, certificate_no: str = "",
                    certificate: UploadedFile[Any] | None = None) -> TrainingRecord:
    """Correct a training record (entered or imported); a new certificate file replaces the old."""
    _require_record(actor, record.person)
    course, provider, level, value = check_training(course=course, provider=provider, level=level, hours=hours,
                                                    start=start, end=end)
    check_certificate_file(certificate)
    if (TrainingRecord.objects.filter(person=record.person, course=course, start=start).exclude(pk=record.pk)
            .exists()):
        raise GrowthError(f"{record.person.name}已登记{start:%Y-%m-%d}开始的《{course}》", field="course")
    old = snapshot(record)
    record.course, record.provider, record.level, record.hours = course, provider, level, value
    record.start, record.end = start, end
    record.certificate_no = _text(certificate_no, "证书编号", "certificate_no", 60, required=False)
    fields = ["course", "provider", "level", "hours", "start", "end", "certificate_no", "updated_at"]
    if certificate is not None:
        record.certificate = certificate
        fields.append("certificate")
    record.save(update_fields=fields)
    audit_update(actor, record, old)
    return record


@transaction.atomic
def rotation_record(*, actor: User | None, person: Person, school: OrgNode, start: dt.date, end: dt.date,
                    subject: Subject | None = None, note: str = "") -> RotationStint:
    """A researcher's stint teaching in a school (000 §12)."""
    _require_record(actor, person)
    if school.kind != OrgKind.SCHOOL:
        raise GrowthError("任教学校：请选择一所学校", field="school")
    if end <= start:
        raise GrowthError("结束日期：必须晚于开始日期", field="end")
    stint = RotationStint.objects.create(person=person, school=school, start=start, end=end, subject=subject,
                                         note=_text(note, "说明", "note", 200, required=False))
    audit_create(actor, stint)
    return stint


@transaction.atomic
def award_record(*, actor: User | None, person: Person, title: str, level: str, rank: str, awarded_on: dt.date,
                 competition: Competition | None = None, issuer: str = "",
                 certificate: UploadedFile[Any] | None = None) -> Award:
    _require_record(actor, person)
    title = _text(title, "奖项名称", "title", 120)
    _level(level)
    if rank not in AwardRank.values:
        raise GrowthError("等次：请选择特等奖、一等奖、二等奖、三等奖或优秀奖", field="rank")
    check_certificate_file(certificate)
    award = Award(person=person, competition=competition, title=title, level=level, rank=rank,
                  awarded_on=awarded_on, issuer=_text(issuer, "颁发单位", "issuer", 100, required=False))
    if certificate is not None:
        award.certificate = certificate
    award.save()
    audit_create(actor, award)
    return award


def _check_award(title: str, level: str, rank: str) -> str:
    title = _text(title, "奖项名称", "title", 120)
    _level(level)
    if rank not in AwardRank.values:
        raise GrowthError("等次：请选择特等奖、一等奖、二等奖、三等奖或优秀奖", field="rank")
    return title


@transaction.atomic
def award_update(*, actor: User | None, award: Award, title: str, level: str, rank: str, awarded_on: dt.date,
                 issuer: str = "", certificate: UploadedFile[Any] | None = None) -> Award:
    _require_record(actor, award.person)
    title = _check_award(title, level, rank)
    check_certificate_file(certificate)
    old = snapshot(award)
    award.title, award.level, award.rank, award.awarded_on = title, level, rank, awarded_on
    award.issuer = _text(issuer, "颁发单位", "issuer", 100, required=False)
    fields = ["title", "level", "rank", "awarded_on", "issuer", "updated_at"]
    if certificate is not None:
        award.certificate = certificate
        fields.append("certificate")
    award.save(update_fields=fields)
    audit_update(actor, award, old)
    return award


@transaction.atomic
def award_delete(*, actor: User | None, award: Award) -> None:
    _require_record(actor, award.person)
    audit_delete(actor, award)
    award.delete()


@transaction.atomic
def certificate_record(*, actor: User | None, person: Person, level: str, issued_on: dt.date, number: str = "",
                       issuer: str = "", file: UploadedFile[Any] | None = None) -> PsyCertificate:
    """A mental-health education certificate (004 (二)2); one per person and level."""
    _require_record(actor, person)
    if level not in PsyLevel.values:
        raise GrowthError("证书等级：请选择C证、B证或A证", field="level")
    if PsyCertificate.objects.filter(person=person, level=level).exists():
        raise GrowthError(f"{person.name}已登记{PsyLevel(level).label}", field="level")
    check_certificate_file(file, "file")
    cert = PsyCertificate(person=person, level=level, issued_on=issued_on,
                          number=_text(number, "证书编号", "number", 60, required=False),
                          issuer=_text(issuer, "发证机构", "issuer", 100, required=False))
    if file is not None:
        cert.file = file
    cert.save()
    audit_create(actor, cert)
    return cert


@transaction.atomic
def certificate_update(*, actor: User | None, cert: PsyCertificate, level: str, issued_on: dt.date,
                       number: str = "", issuer: str = "", file: UploadedFile[Any] | None = None) -> PsyCertificate:
    _require_record(actor, cert.person)
    if level not in PsyLevel.values:
        raise GrowthError("证书等级：请选择C证、B证或A证", field="level")
    if PsyCertificate.objects.filter(person=cert.person, level=level).exclude(pk=cert.pk).exists():
        raise GrowthError(f"{cert.person.name}已登记{PsyLevel(level).label}", field="level")
    check_certificate_file(file, "file")
    old = snapshot(cert)
    cert.level, cert.issued_on = level, issued_on
    cert.number = _text(number, "证书编号", "number", 60, required=False)
    cert.issuer = _text(issuer, "发证机构", "issuer", 100, required=False)
    fields = ["level", "issued_on", "number", "issuer", "updated_at"]
    if file is not None:
        cert.file = file
        fields.append("file")
    cert.save(update_fields=fields)
    audit_update(actor, cert, old)
    return cert


@transaction.atomic
def certificate_delete(*, actor: User | None, cert: PsyCertificate) -> None:
    _require_record(actor, cert.person)
    audit_delete(actor, cert)
    cert.delete()
