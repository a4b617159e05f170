"""Importing the students' subgroup attributes (性别, 住校, 留守儿童, 随迁子女; issue 15)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from core.audit import audit_bulk, snapshot
from core.models import AuditEvent, OrgKind, OrgNode, User
from core.spreadsheets import CORE_LIMITS
from quality.importing.scores import Problem, read_table
from quality.importing.student_attributes import (
    ATTRIBUTE_FIELDS,
    SchoolRef,
    check_student_attributes,
    read_student_attributes,
)
from quality.models import Exam, Student
from quality.pseudonyms import student_keys


@dataclass
class AttributeReport:
    """What an upload did, or why it did nothing (problems by row, column and reason)."""

    filename: str
    rows: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)


def student_attributes_import(*, actor: User | None, exam: Exam, filename: str, content: bytes,
                              allowed_schools: list[OrgNode]) -> AttributeReport:
    """Set the attributes of existing students (matched by school and 学号/考号, as the score
    import keys them) from the sheet. Every row is checked first; with any error nothing is
    written. Only the sheet's columns change: a blank cell there clears the field ("not
    recorded"), a column the sheet lacks leaves the field alone.
    Raises importing.ReadError if the file cannot be read at all."""
    sheet = read_student_attributes(read_table(content, filename, CORE_LIMITS))
    report = AttributeReport(filename=filename, rows=len(sheet.rows))
    allowed = {s.pk for s in allowed_schools}
    schools = {s.code: SchoolRef(s.pk, s.name, s.path.startswith(exam.org.path), s.pk in allowed)
               for s in OrgNode.objects.filter(code__in={a.school for a in sheet.rows}, kind=OrgKind.SCHOOL)}
    raw_ids = sorted({a.student_id for a in sheet.rows if a.student_id})
    key_of = dict(zip(raw_ids, student_keys(raw_ids), strict=True))
    students = {(school_id, key): pk for pk, school_id, key in Student.objects.filter(
        school_id__in={s.id for s in schools.values()}, key__in=set(key_of.values())).values_list(
        "pk", "school_id", "key")}
    checked = check_student_attributes(sheet, schools=schools, students=students, key_of=key_of)
    report.problems = checked.problems
    if not checked.ok:
        return report
    with transaction.atomic():
        by_id = Student.objects.select_for_update().select_related("school").in_bulk(
            [r.student_id for r in checked.rows])
        changed: list[tuple[Student, dict[str, object]]] = []
        fields = [f for f in ATTRIBUTE_FIELDS if f in sheet.columns]
        for r in checked.rows:
            st = by_id[r.student_id]
            old = snapshot(st)
            for f, v in r.values.items():
                setattr(st, f, v)
            if any(getattr(st, f) != old[f] for f in fields):
                changed.append((st, old))
            else:
                report.unchanged += 1
        Student.objects.bulk_update([st for st, _ in changed], fields, batch_size=1000)
        audit_bulk(actor, [(AuditEvent.Action.UPDATE, st, old) for st, old in changed])
        report.updated = len(changed)
    return report
