"""Importing the 任课安排 (who taught which class in which subject)."""


from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from core.audit import audit_bulk, snapshot
from core.models import AuditEvent, OrgKind, OrgNode, Person, Subject, User
from core.spreadsheets import CLASS_TEACHER_LIMITS
from quality import importing as imp
from quality.models import (
    ClassSummary,
    ClassTeacher,
    Exam,
)
from quality.services.warnings import warnings_raise

# ---------------------------------------------------------------- class teachers (任课安排)


@dataclass
class ClassTeacherReport:
    """What a 任课安排 upload did, or why it did nothing (problems by row, column and reason)."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[imp.Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[imp.Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[imp.Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _known_classes(exam: Exam, school_ids: set[int]) -> dict[tuple[int, int], set[str]]:
    """Class labels of the exam's imported scores per (school, subject), from the class summaries."""
    codes = dict(OrgNode.objects.filter(pk__in=school_ids).values_list("code", "pk"))
    out: dict[tuple[int, int], set[str]] = {}
    for subject_id, key, rows in ClassSummary.objects.filter(
            paper__exam=exam, school_key__in=[f"s:{c}" for c in codes]).values_list(
            "paper__subject_id", "school_key", "rows"):
        out[(codes[key[2:]], subject_id)] = {str(u.get("name", "")) for u in rows}
    return out


def class_teachers_import(*, actor: User | None, exam: Exam, filename: str, content: bytes,
                          allowed_schools: list[OrgNode]) -> ClassTeacherReport:
    """Import the 任课安排 sheet (学校标识码, 班级, 学科, 教师编号) for the exam's term and grade.

    Every row is checked first; with any error nothing is written. Otherwise, atomically, each
    (school, class, subject) of the file gets the file's teacher: a re-import replaces, never
    doubles, and keys absent from the file are left alone. The exam's warning rules then run
    again, since TEACHER.BELOW_PEERS (and 依学评教) read these assignments.
    Raises importing.ReadError if the file cannot be read at all.
    """
    sheet = imp.read_class_teachers(imp.read_table(content, filename, CLASS_TEACHER_LIMITS))
    report = ClassTeacherReport(filename=filename, rows=len(sheet.rows))
    allowed = {s.pk for s in allowed_schools}
    schools = {s.code: imp.SchoolRef(s.pk, s.name, s.path.startswith(exam.org.path), s.pk in allowed)
               for s in OrgNode.objects.filter(code__in={a.school for a in sheet.rows}, kind=OrgKind.SCHOOL)}
    subjects: dict[str, int] = {}
    for sid, code, name, short in Subject.objects.values_list("pk", "code", "name", "short"):
        for k in (code, name, short):
            if k:
                subjects.setdefault(k, sid)
    exam_subjects = dict(exam.papers.values_list("subject_id", "subject__name"))
    teachers = {code: imp.TeacherRef(pk, name, org_id) for pk, code, name, org_id in Person.objects.filter(
        code__in={a.teacher for a in sheet.rows}).values_list("pk", "code", "name", "org_id")}
    checked = imp.check_class_teachers(sheet, schools=schools, subjects=subjects, exam_subjects=exam_subjects,
                                       teachers=teachers,
                                       known_classes=_known_classes(exam, {s.id for s in schools.values()}))
    report.problems = checked.problems
    if not checked.ok:
        return report
    with transaction.atomic():
        rows = checked.assignments
        existing = {(ct.school_id, ct.class_label, ct.subject_id): ct for ct in ClassTeacher.objects.select_for_update()
                    .filter(term_key=exam.term_key, grade=exam.grade, school_id__in={a.school_id for a in rows},
                            subject_id__in={a.subject_id for a in rows},
                            class_label__in={a.class_label for a in rows})}
        creates: list[ClassTeacher] = []
        updates: list[tuple[ClassTeacher, dict[str, Any]]] = []
        for a in rows:
            ct = existing.get((a.school_id, a.class_label, a.subject_id))
            if ct is None:
                creates.append(ClassTeacher(school_id=a.school_id, term_key=exam.term_key, grade=exam.grade,
                                            class_label=a.class_label, subject_id=a.subject_id,
                                            teacher_id=a.teacher_id))
            elif ct.teacher_id != a.teacher_id:
                old = snapshot(ct)
                ct.teacher_id = a.teacher_id
                updates.append((ct, old))
            else:
                report.unchanged += 1
        created = ClassTeacher.objects.bulk_create(creates, batch_size=1000)
        ClassTeacher.objects.bulk_update([ct for ct, _ in updates], ["teacher"], batch_size=1000)
        # The events need each record's school for their scope path; one query, not one per row.
        nodes = OrgNode.objects.in_bulk({ct.school_id for ct in [*created, *(u for u, _ in updates)]})
        for ct in [*created, *(u for u, _ in updates)]:
            ct.school = nodes[ct.school_id]
        audit_bulk(actor, [*((AuditEvent.Action.CREATE, ct, None) for ct in created),
                           *((AuditEvent.Action.UPDATE, ct, old) for ct, old in updates)])
        report.created, report.updated = len(created), len(updates)
        from quality.warnings import evaluate

        warnings_raise(actor=actor, exam=exam, found=evaluate(exam))
    return report


