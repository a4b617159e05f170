"""Writes for quality monitoring: the only code that saves its records and writes audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_bulk, audit_create, audit_delete, audit_update, snapshot
from core.errors import DomainError
from core.models import AuditEvent, OrgKind, OrgNode, Person, Post, Subject, User
from core.spreadsheets import CLASS_TEACHER_LIMITS, pack_rows, unpack_rows
from quality import importing as imp
from quality.analysis.summary import Conventions, paper_summary
from quality.blocks import Block, block_moments, decode_block, encode_block, encode_moments, merge_blocks
from quality.conventions import ExamConventions
from quality.models import (
    BatchStatus,
    CheatPolicy,
    ClassSummary,
    ClassTeacher,
    EarlyWarning,
    Exam,
    ImportBatch,
    IrtRun,
    Item,
    ItemKind,
    JobStatus,
    Paper,
    PaperSummary,
    ScoreBlock,
    Student,
    ThresholdProfile,
    WarningAction,
    WarningRule,
    WarningStatus,
)
from quality.pseudonyms import encrypt_name, student_keys
from quality.selectors import item_infos, paper_specs, school_parts, stats_profile

logger = logging.getLogger(__name__)


class ServiceError(DomainError):
    """A refusal with a message for the user (Chinese)."""


# ---------------------------------------------------------------- exams and papers


@transaction.atomic
def exam_create(*, actor: User | None, org: OrgNode, name: str, kind: str, term_key: str, stage: str, grade: int,
                held_on: dt.date, papers: list[tuple[Subject, Decimal]],
                conventions: ExamConventions | None = None) -> Exam:
    exam = Exam(org=org, name=name, kind=kind, term_key=term_key, stage=stage, grade=grade, held_on=held_on,
                created_by=actor if actor and actor.pk else None)
    (conventions or ExamConventions()).apply_to(exam)
    exam.full_clean()
    exam.save()
    audit_create(actor, exam)
    for subject, full_mark in papers:
        paper_add(actor=actor, exam=exam, subject=subject, full_mark=full_mark)
    return exam


@transaction.atomic
def exam_update_conventions(*, actor: User | None, exam: Exam, conventions: ExamConventions) -> Exam:
    """Change the analysis conventions; every paper's results are recomputed with them.

    The exam's row is locked first (issue 8 #9): a score import running at the same time locks
    it too, so either the import's analysis is computed after this change and with it, or this
    change waits for the import and recomputes what it wrote. Returns the saved exam."""
    locked = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
    old = snapshot(locked)
    changed = conventions.apply_to(locked)
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    audit_update(actor, locked, old)
    needs_moments = "cheat_policy" in changed
    for paper in locked.papers.all():
        paper.exam = locked
        if needs_moments:
            _rebuild_moments(paper)
        summary_refresh(paper=paper)
    return locked


@transaction.atomic
def paper_add(*, actor: User | None, exam: Exam, subject: Subject, full_mark: Decimal) -> Paper:
    paper = Paper(exam=exam, subject=subject, full_mark=full_mark)
    paper.full_clean()
    paper.save()
    ThresholdProfile.objects.create(paper=paper)
    audit_create(actor, paper)
    return paper


@transaction.atomic
def thresholds_save(*, actor: User | None, paper: Paper, excellent: Decimal, passing: Decimal, low: Decimal) -> None:
    t, _ = ThresholdProfile.objects.select_for_update().get_or_create(paper=paper)
    old = snapshot(t)
    t.excellent, t.passing, t.low = excellent, passing, low
    t.full_clean()
    t.save(update_fields=["excellent", "passing", "low"])
    audit_update(actor, t, old)
    summary_refresh(paper=paper)


_BLUEPRINT_KINDS = {"客观": ItemKind.OBJECTIVE, "客观题": ItemKind.OBJECTIVE, "选择": ItemKind.OBJECTIVE,
                    "选择题": ItemKind.OBJECTIVE, "主观": ItemKind.SUBJECTIVE, "主观题": ItemKind.SUBJECTIVE,
                    "": ItemKind.SUBJECTIVE}


def parse_blueprint(text: str, *, full_mark: Decimal) -> tuple[list[Item], list[str]]:
    """Lines "题号, 题型, 满分, 知识点, 能力[, 答案]" (comma, tab or Chinese comma): the 双向细目表."""
    items: list[Item] = []
    errors: list[str] = []
    labels: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        raw = imp.halfwidth(line)
        if not raw or raw.startswith("#"):
            continue
        cells = [c.strip() for c in re.split(r"[,\t，;；]", raw)]
        cells += [""] * (6 - len(cells))
        label, kind, mx, kp, ability, key = cells[:6]
        key = key.upper()
        if label in ("题号",):
            continue
        label = label.replace("（", "(").replace("）", ")")
        if not label:
            errors.append(f"第{n}行：题号为空")
            continue
        if label in labels:
            errors.append(f"第{n}行：题号“{label}”重复")
        labels.add(label)
        if kind not in _BLUEPRINT_KINDS:
            errors.append(f"第{n}行：题型“{kind}”应为 客观题 或 主观题")
            continue
        try:
            max_score = Decimal(mx)
        except InvalidOperation:
            errors.append(f"第{n}行：满分“{mx}”不是数字")
            continue
        if max_score <= 0:
            errors.append(f"第{n}行：满分必须大于0")
            continue
        if key and (not re.fullmatch(r"[A-H]", key) or _BLUEPRINT_KINDS[kind] != ItemKind.OBJECTIVE):
            errors.append(f"第{n}行：答案“{key}”应为客观题的一个选项字母 A–H")
            continue
        items.append(Item(number=len(items) + 1, label=label, kind=_BLUEPRINT_KINDS[kind], max_score=max_score,
                          knowledge_point=kp[:60], ability=ability[:30], answer_key=key))
    total = sum((i.max_score for i in items), Decimal(0))
    if items and total != full_mark:
        errors.append(f"各题满分之和 {total} 与试卷满分 {full_mark} 不一致")
    if not items and not errors:
        errors.append("没有读到任何题目")
    return items, errors


@transaction.atomic
def blueprint_save(*, actor: User | None, paper: Paper, text: str) -> list[Item]:
    items, errors = parse_blueprint(text, full_mark=paper.full_mark)
    if errors:
        raise ServiceError("；".join(errors), field="text")
    blocks = ScoreBlock.objects.filter(paper=paper, superseded_by__isnull=True)
    if any(decode_block(b.data).items.shape[1] for b in blocks.only("data")):
        raise ServiceError("该试卷已导入小题分，不能修改题目结构；请先撤销相关导入批次", field="text")
    for old in paper.items.all():
        audit_delete(actor, old)
    paper.items.all().delete()
    for it in items:
        it.paper = paper
    Item.objects.bulk_create(items)
    for it in Item.objects.filter(paper=paper):
        audit_create(actor, it)
    summary_refresh(paper=paper)
    return items


# ---------------------------------------------------------------- importing scores


def scores_upload(*, actor: User | None, exam: Exam, filename: str, content: bytes, school: OrgNode | None,
                  default_paper: int | None = None) -> ImportBatch:
    """Read the file once (core.spreadsheets, within SCORE_LIMITS), find its header and propose a
    column mapping for the user to confirm. The batch keeps the parsed table and a few sample rows,
    never the upload, so no later page reads the file again.
    Raises importing.ReadError (a DomainError) with a Chinese message if the file cannot be read."""
    rows = imp.read_table(content, filename)
    header = imp.detect_header(rows)
    mapping = imp.propose_mapping(header.labels, paper_specs(exam), default_paper=default_paper)
    kept: dict[str, Any] = {"columns": mapping}
    if not any(m["role"] == "class" for m in mapping):
        # A class teacher's own sheet: the class is in a title row or the sheet's name.
        found, where = imp.class_from_title(rows, header, sheet_name=imp.first_sheet_name(content, filename),
                                            grade=exam.grade)
        if found:
            kept.update(default_class=found, class_source=where)
    width = len(header.labels)
    samples = [[imp.cell_text(row[c]) if c < len(row) else "" for c in range(width)]
               for row in rows[header.data_start:header.data_start + 4]]
    batch = ImportBatch(exam=exam, school=school, filename=filename[:200], sha256=hashlib.sha256(content).hexdigest(),
                        table=pack_rows(rows), samples=samples, header_rows=list(header.header_rows),
                        headers=list(header.labels), mapping=kept,
                        row_count=max(0, len(rows) - header.data_start),
                        created_by=actor if actor and actor.pk else None)
    batch.save()
    _audit_batch(actor, batch, AuditEvent.Action.CREATE, None)
    return batch


def _batch_rows(batch: ImportBatch) -> list[list[Any]]:
    """The parsed table the upload kept; a batch from before tables were kept is read from its
    file, once more, through the bounded reader."""
    if batch.table:
        return unpack_rows(bytes(batch.table))
    return imp.read_table(bytes(batch.content), batch.filename)


def _audit_batch(actor: User | None, batch: ImportBatch, action: str, old_status: str | None) -> None:
    # An import batch carries the uploaded file (binary), so its event records a summary rather
    # than core.audit.snapshot of every field.
    new = {"status": batch.status, "filename": batch.filename, "sha256": batch.sha256,
           "students": batch.student_count, "errors": batch.error_count, "warnings": batch.warning_count}
    AuditEvent.objects.create(actor=actor if actor is not None and actor.pk else None, action=action,
                              model=ImportBatch._meta.label, object_id=str(batch.pk), object_repr=str(batch)[:200],
                              scope_path=batch.exam.org.path, old={"status": old_status} if old_status else None,
                              new=new)


def _school_lookup(exam: Exam, allowed: list[OrgNode]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in allowed:
        out[s.code] = s.pk
        out[s.name] = s.pk
        out[s.name.replace(" ", "")] = s.pk
    return out


@transaction.atomic
def scores_import(*, actor: User | None, batch: ImportBatch, mapping: list[dict[str, Any]],
                  allowed_schools: list[OrgNode], default_class: str | None = None) -> ImportBatch:
    """Validate the whole file with the confirmed mapping; with no error, write it atomically.

    The exam row is locked first (`select_for_update`), so its settings cannot change between
    reading them and storing the analysis they produce (issue 8, finding 9). Rows are matched
    to students of the allowed schools only. Per (paper, school) the new rows are merged into the
    current block (a corrected re-import replaces a student's scores, never doubles them); the old
    block is kept as superseded so `import_undo` can restore it. Only the touched schools'
    moments are recomputed; the paper's summary is a re-merge.
    """
    exam = Exam.objects.select_for_update().select_related("org").get(pk=batch.exam_id)
    batch.exam = exam
    allowed = {s.pk for s in allowed_schools}
    if batch.school_id is not None and batch.school_id not in allowed:
        raise ServiceError("无权为该批次的学校导入成绩")
    specs = paper_specs(exam)
    # The class of a sheet without a 班级 column: as the user confirmed it, else as read at upload.
    the_class = (batch.mapping.get("default_class", "") if default_class is None else default_class).strip()
    if len(the_class) > 30:
        raise ServiceError("班级名称不能超过30个字", field="default_class")
    problems = imp.check_mapping(mapping, batch.headers, specs, has_default_school=batch.school is not None,
                                 has_default_class=bool(the_class))
    if problems:
        raise ServiceError("；".join(problems))
    locked = ImportBatch.objects.select_for_update().defer("content", "table").get(pk=batch.pk)
    if locked.status == BatchStatus.APPLIED:
        raise ServiceError("该批次已经导入")
    rows = _batch_rows(batch)
    header = imp.Header(tuple(batch.header_rows), tuple(batch.headers), batch.header_rows[-1] + 1)
    result = imp.parse_scores(rows, header, mapping, specs, step=float(exam.score_step),
                              schools=_school_lookup(exam, allowed_schools),
                              default_school=batch.school_id, default_class=the_class)
    del rows
    batch.mapping = {**batch.mapping, "columns": mapping, "default_class": the_class}
    batch.problems = [p.as_dict() for p in result.problems]
    batch.error_count, batch.warning_count = result.error_count, result.warning_count
    batch.row_count = len(result.raw_ids)
    if result.blank_rows:
        batch.problems.insert(0, {"row": 0, "column": "", "level": "warning",
                                  "reason": f"已跳过 {result.blank_rows} 个空行"})
    if not result.ok:
        batch.status = BatchStatus.REJECTED
        batch.save(update_fields=["mapping", "problems", "error_count", "warning_count", "row_count", "status"])
        return batch
    student_ids, batch.student_changes = _students_upsert(result)
    papers = {p.pk: p for p in exam.papers.select_related("subject")}
    for pid, ps in result.papers.items():
        paper = papers[pid]
        paper.exam = exam
        for school_id in np.unique(result.schools):
            sel = result.schools == school_id
            labels, cidx = np.unique(np.asarray(result.classes, dtype=object)[sel].astype(str), return_inverse=True)
            block = Block(student_ids[sel], tuple(str(x) for x in labels), cidx.astype(np.int32),
                          ps.status[sel], ps.items[sel], ps.totals[sel],
                          ps.choices[sel] if ps.choices is not None else None)
            _block_write(paper=paper, school_id=int(school_id), batch=batch, block=block)
        summary_refresh(paper=paper)
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.student_count = len(result.raw_ids)
    batch.save(update_fields=["mapping", "problems", "error_count", "warning_count", "row_count", "status",
                              "applied_at", "student_count", "student_changes"])
    _audit_batch(actor, batch, AuditEvent.Action.UPDATE, BatchStatus.MAPPING)
    # The region's early-warning rules run on every import (004 (六)1 预警通报): the new or
    # updated warnings appear with their evidence without anyone asking.
    from quality.warnings import evaluate

    warnings_raise(actor=actor, exam=exam, found=evaluate(exam))
    return batch


_CHUNK = 5000


def _students_upsert(result: imp.ParseResult) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[str, Any]]:
    """Student ids for the parsed rows, creating missing students (keys only, names encrypted),
    and what changed, for undo.

    A student is (school, key): each row is matched only among its own school's students, and the
    rows' schools are the uploader's allowed schools (parse_scores resolved them), so an upload
    can neither match nor move nor rename another school's student (issue 8, finding 5).
    """
    keys = student_keys(result.raw_ids)
    schools = [int(s) for s in result.schools]
    by_school: dict[int, list[str]] = {}
    for key, school_id in zip(keys, schools, strict=True):
        by_school.setdefault(school_id, []).append(key)
    existing: dict[tuple[int, str], tuple[int, str, str]] = {}
    for school_id, school_keys in by_school.items():
        for start in range(0, len(school_keys), _CHUNK):
            for pk, key, cls, name in Student.objects.filter(
                    school_id=school_id, key__in=school_keys[start:start + _CHUNK]).values_list(
                    "pk", "key", "class_label", "name_encrypted"):
                existing[(school_id, key)] = (pk, cls, name)
    new: list[tuple[str, int, str, str]] = []
    changed: list[Student] = []
    updated: list[list[Any]] = []
    for i, key in enumerate(keys):
        school_id = schools[i]
        cls = result.classes[i][:30]
        name = result.names[i]
        found = existing.get((school_id, key))
        if found is None:
            new.append((key, school_id, cls, encrypt_name(name) if name else ""))
            continue
        pk, c_old, n_old = found
        if c_old != cls or (name and not n_old):
            n_new = encrypt_name(name) if name and not n_old else n_old
            changed.append(Student(pk=pk, class_label=cls, name_encrypted=n_new))
            updated.append([pk, c_old, n_old, cls, n_new])
    _students_insert(new)
    if changed:
        Student.objects.bulk_update(changed, ["class_label", "name_encrypted"], batch_size=2000)
    ids: dict[tuple[int, str], int] = {k: v[0] for k, v in existing.items()}
    created: list[int] = []
    new_by_school: dict[int, list[str]] = {}
    for key, school_id, _c, _n in new:
        new_by_school.setdefault(school_id, []).append(key)
    for school_id, school_keys in new_by_school.items():
        for start in range(0, len(school_keys), _CHUNK):
            for key, pk in Student.objects.filter(school_id=school_id,
                                                  key__in=school_keys[start:start + _CHUNK]).values_list("key", "pk"):
                ids[(school_id, key)] = pk
                created.append(pk)
    return (np.array([ids[(s, k)] for k, s in zip(keys, schools, strict=True)], dtype=np.int64),
            {"created": created, "updated": updated})


def _students_insert(new: list[tuple[str, int, str, str]]) -> None:
    """Insert new students with one executemany: bulk_create spends ~30 µs per row preparing
    values, which is 3 s of a 100,000-row import. The rows are plain (key, school, class, name)."""
    if not new:
        return
    now = timezone.now()
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in ("key", "school_id", "class_label", "name_encrypted", "created_at", "updated_at"))
    sql = f"INSERT INTO {q(Student._meta.db_table)} ({cols}) VALUES (%s, %s, %s, %s, %s, %s)"
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cur:
        cur.executemany(sql, [(*s, stamp, stamp) for s in new])


def _students_restore(changes: dict[str, Any]) -> None:
    """Undo what a batch did to students: class and name changes go back where this batch's values
    are still current (a later batch's change stays), and the students it created are deleted
    unless a remaining score block still refers to them."""
    updated: list[list[Any]] = changes.get("updated", [])
    for start in range(0, len(updated), _CHUNK):
        part = {int(u[0]): u for u in updated[start:start + _CHUNK]}
        back = [Student(pk=pk, class_label=part[pk][1], name_encrypted=part[pk][2])
                for pk, cls, name in Student.objects.filter(pk__in=list(part)).values_list(
                    "pk", "class_label", "name_encrypted") if (cls, name) == (part[pk][3], part[pk][4])]
        Student.objects.bulk_update(back, ["class_label", "name_encrypted"], batch_size=2000)
    created = [int(pk) for pk in changes.get("created", [])]
    if not created:
        return
    school_ids: set[int] = set()
    for start in range(0, len(created), _CHUNK):
        school_ids.update(Student.objects.filter(pk__in=created[start:start + _CHUNK]).values_list(
            "school_id", flat=True))
    referenced: set[int] = set()
    for data in ScoreBlock.objects.filter(school_id__in=school_ids).values_list("data", flat=True).iterator():
        referenced.update(decode_block(bytes(data)).student_ids.tolist())
    orphans = [pk for pk in created if pk not in referenced]
    for start in range(0, len(orphans), _CHUNK):
        Student.objects.filter(pk__in=orphans[start:start + _CHUNK]).delete()


def _item_max(paper: Paper) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array([float(i.max_score) for i in paper.items.order_by("number")], dtype=np.float64)


def _moments_bytes(paper: Paper, block: Block) -> bytes:
    exam = paper.exam
    m = block_moments(block, full_mark=float(paper.full_mark), step=float(exam.score_step),
                      item_max=_item_max(paper) if block.items.shape[1] else np.zeros(0),
                      cheat_as_zero=exam.cheat_policy == CheatPolicy.ZERO)
    return encode_moments(m)


def _block_write(*, paper: Paper, school_id: int, batch: ImportBatch, block: Block) -> ScoreBlock:
    current = (ScoreBlock.objects.select_for_update().filter(paper=paper, school_id=school_id,
                                                            superseded_by__isnull=True).first())
    if current is not None:
        old = decode_block(current.data)
        if old.items.shape[1] != block.items.shape[1]:
            # A totals-only file after an item-level one (or the reverse) replaces the school's
            # block: the two cannot share one score matrix.
            merged = block
        else:
            merged = merge_blocks(old, block)
        current.superseded_by = batch
        current.save(update_fields=["superseded_by"])
        block = merged
    return ScoreBlock.objects.create(paper=paper, school_id=school_id, batch=batch, n_students=block.n,
                                     data=encode_block(block), moments=_moments_bytes(paper, block))


def _rebuild_moments(paper: Paper) -> None:
    for b in ScoreBlock.objects.filter(paper=paper, superseded_by__isnull=True):
        b.moments = _moments_bytes(paper, decode_block(b.data))
        b.save(update_fields=["moments"])


def import_undo(*, actor: User | None, batch: ImportBatch) -> ImportBatch:
    """Take a whole batch back: delete its blocks, restore the ones it superseded, re-merge."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.APPLIED:
            raise ServiceError("只有已导入的批次可以撤销")
        later = ScoreBlock.objects.filter(batch=batch).exclude(superseded_by__isnull=True).exists()
        if later:
            raise ServiceError("该批次的数据已被之后的导入覆盖，请先撤销之后的批次")
        paper_ids = set(ScoreBlock.objects.filter(batch=batch).values_list("paper_id", flat=True))
        ScoreBlock.objects.filter(batch=batch).delete()
        ScoreBlock.objects.filter(superseded_by=batch).update(superseded_by=None)
        _students_restore(locked.student_changes)
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at"])
        _audit_batch(actor, batch, AuditEvent.Action.UPDATE, BatchStatus.APPLIED)
        for paper in Paper.objects.filter(pk__in=paper_ids).select_related("exam__org"):
            summary_refresh(paper=paper)
    return batch


@transaction.atomic
def import_discard(*, actor: User | None, batch: ImportBatch) -> None:
    """Discard a batch that wrote nothing: still waiting for its mapping, or rejected for errors.
    Its table goes with it; the audit trail keeps what it was. An applied batch is undone
    instead (its scores are in the results)."""
    locked = (ImportBatch.objects.select_for_update().defer("content", "table").select_related("exam__org")
              .get(pk=batch.pk))
    if locked.status not in (BatchStatus.MAPPING, BatchStatus.REJECTED):
        raise ServiceError("只有待确认或有错误未导入的批次可以丢弃；已导入的批次请使用“整体撤销”")
    if ScoreBlock.objects.filter(Q(batch=locked) | Q(superseded_by=locked)).exists():
        raise ServiceError("该批次已有成绩数据，不能丢弃")
    _audit_batch(actor, locked, AuditEvent.Action.DELETE, locked.status)
    locked.delete()


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


# ---------------------------------------------------------------- analysis results


@transaction.atomic
def summary_refresh(*, paper: Paper) -> PaperSummary:
    """Re-merge the paper's school moments into its precomputed analysis (PaperSummary).

    The analysis is computed with the exam's settings as committed, read under the exam row's
    lock, never with the caller's copy of the exam: an import that loaded the exam before a
    settings change would otherwise store an analysis contradicting the settings (issue 8 #9)."""
    exam = Exam.objects.select_for_update().select_related("org").get(pk=paper.exam_id)
    paper.exam = exam
    conv = ExamConventions.of(exam)
    upper_lower = None
    if exam.discrimination_method == "upper_lower_27":
        upper_lower = _upper_lower(paper)
    data = paper_summary(
        school_parts(paper), top=(exam.org.code, exam.org.name), full_mark=float(paper.full_mark),
        step=float(exam.score_step), items=item_infos(paper), profile=stats_profile(paper),
        conv=Conventions(sd_kind=conv.sd_kind_name, denominator=conv.denominator_name,
                         discrimination_method=exam.discrimination_method,
                         discrimination_scheme=exam.discrimination_scheme),
        upper_lower=upper_lower)
    data["conventions"] = exam.settings_lines()
    data["options"] = _options(paper)
    classes: dict[str, list[dict[str, Any]]] = {}
    for u in data["units"]:
        if u["level"] == "class":
            classes.setdefault(u["parent"], []).append(u)
    data["units"] = [u for u in data["units"] if u["level"] != "class"]
    summary, _ = PaperSummary.objects.update_or_create(paper=paper, defaults={"data": data,
                                                                               "computed_at": timezone.now()})
    ClassSummary.objects.filter(paper=paper).delete()
    ClassSummary.objects.bulk_create([ClassSummary(paper=paper, school_key=k, rows=v) for k, v in classes.items()],
                                     batch_size=500)
    return summary


def _options(paper: Paper) -> list[dict[str, Any]] | None:
    """Option (distractor) analysis of the keyed objective items (analytics.md §5): choice shares
    overall and (upper − lower)/n_g per option by 27 % groups of the total. It needs the raw
    choices of every student, so it is computed here, on refresh, only when keys exist."""
    from quality.selectors import flat_scores
    from quality.stats import option_analysis

    keyed = [(j, it) for j, it in enumerate(paper.items.order_by("number")) if it.answer_key]
    if not keyed:
        return None
    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.choices is None or not flat.choices.shape[0]:
        return None
    sat = ~np.isnan(flat.scores)
    cols = [j for j, _ in keyed]
    ch = flat.choices[sat][:, cols]
    answered = (ch >= 0).any(axis=1)
    if int(answered.sum()) < 4:
        return None
    n_opt = max(4, max(ord(it.answer_key) - 64 for _, it in keyed))
    oa = option_analysis(ch[answered], [ord(it.answer_key) - 65 for _, it in keyed], flat.scores[sat][answered],
                         n_options=n_opt)
    props, disc = oa.proportions, oa.discrimination_by_option
    letters = [chr(65 + k) for k in range(n_opt)] + ["未答"]
    return [{"label": it.label, "key": it.answer_key, "options": [
        {"option": letters[k], "share": round(float(props[i, k]), 4), "d": round(float(disc[i, k]), 4)}
        for k in range(n_opt + 1)]} for i, (_, it) in enumerate(keyed)]


def _upper_lower(paper: Paper) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    from quality.blocks import MISSING
    from quality.selectors import flat_scores
    from quality.stats import discrimination_upper_lower

    flat = flat_scores(paper, with_items=True, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    if flat.items is None or not flat.items.shape[1]:
        return None
    sat = ~np.isnan(flat.scores)
    x = np.where(flat.items[sat] == MISSING, 0, flat.items[sat]).astype(np.float64) * float(paper.exam.score_step)
    if x.shape[0] < 4:
        return None
    return discrimination_upper_lower(x, _item_max(paper)).d


# ---------------------------------------------------------------- warnings and actions


@transaction.atomic
def warning_rule_save(*, actor: User | None, org: OrgNode, kind: str, params: dict[str, Any],
                      rule: WarningRule | None = None) -> WarningRule:
    if rule is None:
        rule = WarningRule(org=org, kind=kind, params=params, created_by=actor if actor and actor.pk else None)
        rule.full_clean()
        rule.save()
        audit_create(actor, rule)
        return rule
    old = snapshot(rule)
    rule.params = params
    rule.save(update_fields=["params", "updated_at"])
    audit_update(actor, rule, old)
    return rule


@transaction.atomic
def warnings_raise(*, actor: User | None, exam: Exam, found: list[dict[str, Any]]) -> int:
    """Store the warnings the rules found (quality.warnings.evaluate); re-running is idempotent:
    an existing warning for the same rule and unit keeps its status and actions and gets the new
    evidence."""
    created = 0
    for f in found:
        lookup: dict[str, Any] = {"rule_id": f["rule_id"], "exam": exam, "paper_id": f.get("paper_id"),
                                  "school_id": f["school_id"], "class_label": f.get("class_label", ""),
                                  "person_id": f.get("person_id")}
        obj, made = EarlyWarning.objects.update_or_create(
            **lookup,
            defaults={"title": f["title"][:200], "evidence": f["evidence"], "norm_code": f["norm_code"]})
        if made:
            created += 1
            audit_create(actor, obj)
    return created


@transaction.atomic
def warning_action_add(*, actor: User | None, warning: EarlyWarning, kind: str, owner: Person, due: dt.date,
                       note: str, ref_app: str = "", ref_id: str = "") -> WarningAction:
    of_unit = owner.org_id == warning.school_id or Post.objects.active().filter(person=owner,
                                                                                org_id=warning.school_id).exists()
    if not of_unit:
        raise ServiceError("负责人须是预警单位的人员", field="owner")
    action = WarningAction(warning=warning, kind=kind, owner=owner, due=due, note=note, ref_app=ref_app,
                           ref_id=ref_id, created_by=actor if actor and actor.pk else None)
    action.full_clean()
    action.save()
    audit_create(actor, action)
    if warning.status == WarningStatus.OPEN:
        old = snapshot(warning)
        warning.status = WarningStatus.ACTING
        warning.save(update_fields=["status", "updated_at"])
        audit_update(actor, warning, old)
    return action


@transaction.atomic
def warning_close(*, actor: User | None, warning: EarlyWarning) -> EarlyWarning:
    if not warning.actions.exists():
        raise ServiceError("关闭预警前须至少有一条处理记录")
    old = snapshot(warning)
    warning.status = WarningStatus.CLOSED
    warning.save(update_fields=["status", "updated_at"])
    audit_update(actor, warning, old)
    return warning


# ---------------------------------------------------------------- IRT


@transaction.atomic
def irt_request(*, actor: User | None, paper: Paper, model: str) -> IrtRun:
    if model not in ("2PL", "GRM"):
        raise ServiceError("模型只能是 2PL 或 GRM")
    run = IrtRun.objects.create(paper=paper, model=model, created_by=actor if actor and actor.pk else None)
    audit_create(actor, run)
    from quality.tasks import irt_calibrate

    transaction.on_commit(lambda: irt_calibrate.enqueue(run.pk))
    return run


IRT_DATA_ERROR = ("这些成绩不能用所选模型估计：作答人数太少，或有题目所有学生得分相同（每道题至少要有两种得分）。"
                  "请检查小题分，或换用其他模型。")
IRT_NUMERIC_ERROR = "模型估计没有得到稳定的结果（数值计算不收敛）。请检查小题分，或换用其他模型。"


def irt_execute(*, run_id: int) -> IrtRun:
    """The task body: calibrate, store item parameters and a summary of abilities."""
    from quality.analysis.irt import calibrate

    run = IrtRun.objects.select_related("paper__exam").get(pk=run_id)
    run.status = JobStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        run.result = calibrate(run.paper, run.model)
        run.status = JobStatus.DONE
    except DomainError as exc:
        # The model does not apply to these data: the page shows why, in the message written for it.
        run.status = JobStatus.FAILED
        run.error = str(exc)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        # The fitting routines refused their input (their ValueError, in English) or the numerics
        # broke down: the page says it in plain Chinese; the technical reason goes to the log.
        logger.warning("IRT run %s failed: %s: %s", run.pk, type(exc).__name__, exc)
        run.status = JobStatus.FAILED
        run.error = (IRT_NUMERIC_ERROR if not isinstance(exc, ValueError) else IRT_DATA_ERROR)
    except BaseException:
        # A programming error: the run must not stay "running" for ever, and the error must
        # still reach the worker's log, so it is recorded and raised again.
        run.status = JobStatus.FAILED
        run.error = "内部错误，已记录，请联系管理员"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "error", "finished_at"])
    return run
