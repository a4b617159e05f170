"""Importing scores: upload, confirm the mapping, write atomically, undo, discard."""


from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import events
from core.models import AuditEvent, OrgNode, User
from core.spreadsheets import pack_rows, unpack_rows
from quality import bulk
from quality import importing as imp
from quality.blocks import Block, block_moments, decode_block, encode_block, encode_moments, merge_blocks
from quality.models import (
    BatchStatus,
    CheatPolicy,
    Exam,
    ImportBatch,
    Paper,
    ScoreBlock,
    Student,
)
from quality.pseudonyms import encrypt_names, student_keys
from quality.selectors import paper_specs
from quality.services.base import ServiceError
from quality.services.summaries import _item_max, summary_refresh
from quality.services.warnings import warnings_raise

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
    events.emit(events.SCORES_IMPORTED, scope=batch.school or exam.org, summary=f"{exam.name}：导入{batch.student_count}名学生的成绩",
                data={"exam": {"id": exam.pk, "name": exam.name, "term": exam.term_key, "grade": exam.grade},
                      "batch": {"id": batch.pk, "filename": batch.filename, "students": batch.student_count}})
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
    existing = bulk.existing_students(by_school)  # one array query on PostgreSQL (quality.bulk)
    new_rows: list[int] = []
    changed_rows: list[tuple[int, int, str, str]] = []  # (row, pk, old class, old encrypted name)
    to_encrypt: list[int] = []
    for i, key in enumerate(keys):
        found = existing.get((schools[i], key))
        if found is None:
            new_rows.append(i)
            if result.names[i]:
                to_encrypt.append(i)
            continue
        pk, c_old, n_old = found
        if c_old != result.classes[i][:30] or (result.names[i] and not n_old):
            changed_rows.append((i, pk, c_old, n_old))
            if result.names[i] and not n_old:
                to_encrypt.append(i)
    # Names encrypted in one batch (pseudonyms.encrypt_names: the same Fernet tokens, 3× faster).
    tokens = dict(zip(to_encrypt, encrypt_names([result.names[i] for i in to_encrypt]), strict=True))
    new = [(keys[i], schools[i], result.classes[i][:30], tokens.get(i, "")) for i in new_rows]
    changed: list[Student] = []
    updated: list[list[Any]] = []
    for i, pk, c_old, n_old in changed_rows:
        cls = result.classes[i][:30]
        n_new = tokens.get(i, n_old)
        changed.append(Student(pk=pk, class_label=cls, name_encrypted=n_new))
        updated.append([pk, c_old, n_old, cls, n_new])
    inserted = bulk.insert_students(new)  # COPY on PostgreSQL (quality.bulk)
    if changed:
        Student.objects.bulk_update(changed, ["class_label", "name_encrypted"], batch_size=2000)
    ids: dict[tuple[int, str], int] = {k: v[0] for k, v in existing.items()}
    ids.update(inserted)
    created = list(inserted.values())
    return (np.array([ids[(s, k)] for k, s in zip(keys, schools, strict=True)], dtype=np.int64),
            {"created": created, "updated": updated})


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


def _moments_bytes(paper: Paper, block: Block) -> bytes:
    exam = paper.exam
    m = block_moments(block, full_mark=float(paper.full_mark), step=float(exam.score_step),
                      item_max=_item_max(paper) if block.items.shape[1] else np.zeros(0),
                      cheat_as_zero=exam.cheat_policy == CheatPolicy.ZERO)
    return encode_moments(m)


def _block_write(*, paper: Paper, school_id: int, batch: ImportBatch, block: Block) -> ScoreBlock:
    # The block's school year is its exam's: the partition key on PostgreSQL (naming it in the
    # filter lets the planner read only that year's partition).
    year = paper.exam.school_year
    current = (ScoreBlock.objects.select_for_update().filter(paper=paper, school_id=school_id, school_year=year,
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
    return ScoreBlock.objects.create(paper=paper, school_id=school_id, school_year=year, batch=batch,
                                     n_students=block.n, data=encode_block(block), moments=_moments_bytes(paper, block))


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


