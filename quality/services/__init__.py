"""Writes for quality monitoring: the only code that saves its records and writes audit events."""

from __future__ import annotations

from quality.services.base import ServiceError
from quality.services.class_teachers import ClassTeacherReport, class_teachers_import
from quality.services.corrections import ScoreCorrection, score_correct
from quality.services.exams import (
    BlueprintInvalid,
    blueprint_locked,
    blueprint_save,
    exam_create,
    exam_update_conventions,
    paper_add,
    parse_blueprint,
    thresholds_save,
)
from quality.services.imports import import_discard, import_undo, scores_import, scores_upload
from quality.services.irt import IRT_DATA_ERROR, IRT_NUMERIC_ERROR, irt_execute, irt_request
from quality.services.summaries import summary_refresh
from quality.services.warnings import warning_action_add, warning_close, warning_rule_save, warnings_raise

__all__ = [
    "BlueprintInvalid",
    "ClassTeacherReport",
    "IRT_DATA_ERROR",
    "IRT_NUMERIC_ERROR",
    "ScoreCorrection",
    "ServiceError",
    "blueprint_locked",
    "blueprint_save",
    "class_teachers_import",
    "exam_create",
    "exam_update_conventions",
    "import_discard",
    "import_undo",
    "irt_execute",
    "irt_request",
    "paper_add",
    "parse_blueprint",
    "score_correct",
    "scores_import",
    "scores_upload",
    "summary_refresh",
    "thresholds_save",
    "warning_action_add",
    "warning_close",
    "warning_rule_save",
    "warnings_raise",
]
