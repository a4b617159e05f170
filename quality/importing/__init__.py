"""Reading the files of the score import, as pure functions (no ORM): `scores` (the score sheets
real users have: header detection, column mapping, validation into score arrays) and
`class_teachers` (the 任课安排 sheet). Both read through the bounded reader core.spreadsheets.
The public names of both are importable from here.
"""

from __future__ import annotations

from quality.importing.class_teachers import (
    CLASS_TEACHER_COLUMNS,
    CLASS_TEACHER_MAX_ROWS,
    Assignment,
    AssignmentCheck,
    AssignmentSheet,
    RawAssignment,
    SchoolRef,
    TeacherRef,
    check_class_teachers,
    class_teacher_workbook,
    read_class_teachers,
)
from quality.importing.scores import (
    MARKERS,
    MAX_PROBLEMS,
    ROLE_LABELS,
    Cell,
    Header,
    PaperScores,
    PaperSpec,
    ParseResult,
    Problem,
    ReadError,
    Role,
    cell_text,
    check_mapping,
    class_from_text,
    class_from_title,
    col_letter,
    detect_header,
    first_sheet_name,
    halfwidth,
    is_note_row,
    missing_columns,
    nan_to_none,
    parse_scores,
    propose_mapping,
    read_table,
)

__all__ = [
    "CLASS_TEACHER_COLUMNS", "CLASS_TEACHER_MAX_ROWS", "MARKERS", "MAX_PROBLEMS", "ROLE_LABELS", "Assignment",
    "AssignmentCheck", "AssignmentSheet", "Cell", "Header", "PaperScores", "PaperSpec", "ParseResult", "Problem",
    "RawAssignment", "ReadError", "Role", "SchoolRef", "TeacherRef", "cell_text", "check_class_teachers",
    "check_mapping", "class_from_text", "class_from_title", "class_teacher_workbook", "col_letter", "detect_header",
    "first_sheet_name", "halfwidth", "is_note_row", "missing_columns", "nan_to_none", "parse_scores", "propose_mapping", "read_class_teachers", "read_table",
]
