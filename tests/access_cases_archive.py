"""Access-matrix rows for the teacher archive's notes (observe:archive_note_*): written by the
teacher and the leaders of the teacher's school; a note is deleted by its author or those leaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import Case

# 何静's (A1) archive: she and A1's leaders write into it (readers such as researchers do not).
ARCHIVE_WRITERS = frozenset({"sysadmin", "principal", "vice_principal", "middle_manager", "teacher"})
# A note written by the system (no author): A1's leaders delete it, the teacher does not.
NOTE_REMOVERS = frozenset({"sysadmin", "principal", "vice_principal", "middle_manager"})


def _teacher(cast: Any) -> list[Any]:
    return [cast.people["teacher"].code]


def _growth_note(cast: Any) -> dict[str, Any]:
    return {"kind": "growth", "problem": "", "date": "2026-10-20", "text": "师徒结对第一次谈话"}


def _note(cast: Any) -> list[Any]:
    from observe.archive_notes import archive_note_add

    note = archive_note_add(actor=None, person=cast.people["teacher"], kind="growth", date=dt.date(2026, 10, 1),
                            text="学期初成长计划")
    return [note.pk]


CASES = [
    Case("observe:archive_note_create", ARCHIVE_WRITERS, args=_teacher, method="POST", data=_growth_note,
         ok_status=(302,)),
    Case("observe:archive_note_delete", NOTE_REMOVERS, args=_note, method="POST", ok_status=(302,)),
]
