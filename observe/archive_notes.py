"""Writes of the teacher archive's own notes (observe.ArchiveNote): a growth record, or the
follow-up of a problem found about the teacher with its measure and deadline (004 (一)4:
"对教学中出现的问题及时确定整改措施、限定整改期限"). Audited; the teacher's school is marked
stale for TEACHER.ARCHIVE by the audit event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.audit import audit_create, audit_delete
from core.models import Person, User
from observe.access import can_write_archive
from observe.archive import PROBLEMS, archive_problems
from observe.errors import ObservationError
from observe.models import ArchiveNote, ArchiveNoteKind

TEXT_LIMIT = 2000


class ArchiveNoteError(ObservationError):
    """A rule of the archive's notes refused the write."""


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ArchiveNoteError("内容：必填", field="text")
    if len(text) > TEXT_LIMIT:
        raise ArchiveNoteError(f"内容：不超过{TEXT_LIMIT}个字", field="text")
    return text


@transaction.atomic
def archive_note_add(*, actor: User | None, person: Person, kind: str, date: dt.date, text: str,
                     problem_source: str = "", problem_id: int | None = None,
                     deadline: dt.date | None = None) -> ArchiveNote:
    """A note in the person's archive. A follow-up names a problem the actor can see about the
    person, and carries a deadline on or after its date."""
    if actor is not None and not can_write_archive(actor, person):
        raise ArchiveNoteError(f"您不能在{person.name}的教学档案中记录", field="text")
    if kind not in ArchiveNoteKind.values:
        raise ArchiveNoteError("类型：请选择成长记录或问题跟进", field="kind")
    text = _text(text)
    if kind == ArchiveNoteKind.GROWTH:
        problem_source, problem_id, deadline = "", None, None
    else:
        if problem_source not in PROBLEMS or problem_id is None:
            raise ArchiveNoteError("跟进的问题：请选择一个问题", field="problem")
        if actor is not None and not any(p.source == problem_source and p.problem_id == problem_id
                                         for p in archive_problems(actor, person)):
            raise ArchiveNoteError("跟进的问题：没有找到该问题", field="problem")
        if deadline is None:
            raise ArchiveNoteError("整改期限：问题跟进须限定整改期限", field="deadline")
        if deadline < date:
            raise ArchiveNoteError("整改期限：不能早于记录日期", field="deadline")
    note = ArchiveNote.objects.create(person=person, kind=kind, date=date, text=text, deadline=deadline,
                                      problem_source=problem_source, problem_id=problem_id,
                                      created_by=actor if actor is not None and actor.pk else None)
    audit_create(actor, note)
    return note


@transaction.atomic
def archive_note_delete(*, actor: User | None, note: ArchiveNote) -> None:
    if actor is not None and not can_write_archive(actor, note.person):
        raise ArchiveNoteError("您不能删除这条记录")
    audit_delete(actor, note)
    note.delete()
