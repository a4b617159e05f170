"""What each kind of visit obliges (004 (七): "既注重视更注重导"), configurable per region.

A region's KindRule applies to the visits its subtree organises; the deepest rule on the
organiser's path wins, and with none the defaults below apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from core.paths import ancestor_paths
from visits.models import AgendaKind, KindRule, VisitKind


@dataclass(frozen=True)
class Obligations:
    required_records: tuple[str, ...]
    findings_need_rectification: bool
    school_must_answer: bool
    publish_to_school: bool


DEFAULT_RULES: dict[str, Obligations] = {
    # 督办性: checks that a task was done; problems must be rectified and answered.
    VisitKind.SUPERVISE: Obligations((AgendaKind.DOCUMENT_CHECK, AgendaKind.LEADER_MEETING), True, True, True),
    # 指导性: guidance; lessons observed and discussed, advice given, no formal rectification.
    VisitKind.GUIDE: Obligations((AgendaKind.LESSON, AgendaKind.TEACHER_FORUM), False, False, True),
    # 诊断性: a full diagnosis; lessons, documents, questionnaires; a diagnosis file with measures.
    VisitKind.DIAGNOSE: Obligations((AgendaKind.LESSON, AgendaKind.DOCUMENT_CHECK, AgendaKind.STUDENT_SURVEY),
                                    True, True, True),
    # 巡查性: unannounced rounds; problems found are rectified.
    VisitKind.PATROL: Obligations((AgendaKind.LESSON, AgendaKind.ROUTINE_CHECK), True, True, True),
    # 评价性: an evaluation; scored records; results go to the school.
    VisitKind.EVALUATE: Obligations((AgendaKind.LESSON, AgendaKind.DOCUMENT_CHECK, AgendaKind.ROUTINE_CHECK),
                                    True, False, True),
}


def obligations_for(organiser_path: str, kind: str) -> Obligations:
    """The obligations of a visit of `kind` organised by the node at `organiser_path`."""
    rule = (KindRule.objects.filter(kind=kind, region__path__in=ancestor_paths(organiser_path))
            .order_by("-region__depth").first())
    if rule is None:
        return DEFAULT_RULES[VisitKind(kind)]
    return Obligations(tuple(rule.required_records), rule.findings_need_rectification, rule.school_must_answer,
                       rule.publish_to_school)


def published_to_school_q(prefix: str = "visit__") -> Q:
    """Visits (through `prefix`) whose results the kind's rule publishes to the visited school.

    Unpublished where the deepest rule on the organiser's path says so: a rule that withholds,
    unless a deeper rule of the same kind on the way publishes again (a deeper withholding rule
    is caught by its own clause). One small query for the rules; no per-visit work.
    """
    rules = list(KindRule.objects.values_list("kind", "region__path", "publish_to_school"))
    path_field, kind_field = f"{prefix}organiser__path__startswith", f"{prefix}kind"
    unpublished = Q(pk__in=[])
    for kind, path, publish in rules:
        if publish:
            continue
        clause = Q(**{kind_field: kind, path_field: path})
        for k2, p2, pub2 in rules:
            if k2 == kind and pub2 and p2 != path and p2.startswith(path):
                clause &= ~Q(**{path_field: p2})
        unpublished |= clause
    return ~unpublished
