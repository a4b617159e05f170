"""Access-matrix rows for quality monitoring (quality.urls).

The records are made lazily, once per test, by `world(cast)`: a county-A exam with scores for
both A1 and A2, an import batch, a warning at A1 and an IRT run.
"""

from __future__ import annotations

from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

MANAGERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                      "part_time_researcher", "county_admin"})
CREATORS = MANAGERS | {"principal", "vice_principal", "middle_manager", "outside_principal", "outside_researcher"}
VIEWERS = SCHOOL_A1_ROLES | {"teacher_a2"}
IMPORTERS = MANAGERS | {"principal", "vice_principal", "middle_manager"}
WARNING_READERS = COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager"}


def world(cast: Any) -> dict[str, Any]:
    cached: dict[str, Any] | None = getattr(cast, "_quality_world", None)
    if cached is not None:
        return cached
    from quality import services
    from quality.models import IrtRun, RuleKind
    from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

    exam = make_exam(cast.county_a)
    rows = clean_rows(24, seed=3)
    content = messy_xlsx(rows, school="小店第一中学")
    batch = apply(upload(exam, content))
    apply(upload(exam, messy_xlsx(clean_rows(12, seed=4, prefix="A2"), school="北格镇中心小学")))
    paper = exam.papers.get()
    rule = services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.LOW_RATE, params={"line": 0.0})
    services.warnings_raise(actor=None, exam=exam, found=[{
        "rule_id": rule.pk, "paper_id": paper.pk, "school_id": cast.school_a1.pk, "class_label": "",
        "norm_code": "QM.PLAN", "title": "数学：小店第一中学低分率超过警戒线", "evidence": {"低分率": 0.2}}])
    warning = exam.warnings.get()
    run = IrtRun.objects.create(paper=paper, model="2PL")
    cached = {"exam": exam, "paper": paper, "batch": batch, "warning": warning, "run": run}
    cast._quality_world = cached
    return cached


def _exam(cast: Any) -> list[Any]:
    return [world(cast)["exam"].pk]


def _paper(cast: Any) -> list[Any]:
    return [world(cast)["paper"].pk]


CASES: list[Case] = [
    Case("quality:home", EVERYONE),
    Case("quality:exam_create", CREATORS),
    Case("quality:exam_detail", VIEWERS, args=_exam),
    Case("quality:exam_detail", VIEWERS, args=_exam, query="level=class", note="class rows"),
    Case("quality:exam_detail", VIEWERS, args=_exam, query="format=xlsx", note="export"),
    Case("quality:exam_settings", MANAGERS, args=_exam),
    Case("quality:import_list", IMPORTERS, args=_exam),
    Case("quality:class_teacher_import", IMPORTERS, args=_exam),
    Case("quality:class_teacher_template", IMPORTERS, args=_exam),
    Case("quality:exam_warnings_evaluate", MANAGERS, args=_exam, method="POST", ok_status=(302,)),
    Case("quality:exam_report", VIEWERS, args=_exam),
    Case("quality:school_report", SCHOOL_A1_ROLES, args=lambda c: [*_exam(c), c.school_a1.code]),
    Case("quality:paper_blueprint", MANAGERS, args=_paper),
    Case("quality:paper_items", VIEWERS, args=_paper),
    Case("quality:paper_balance", VIEWERS, args=_paper),
    Case("quality:paper_value_added", VIEWERS, args=_paper),
    Case("quality:paper_irt", VIEWERS, args=_paper),
    Case("quality:school_students", SCHOOL_A1_ROLES, args=lambda c: [*_paper(c), c.school_a1.code]),
    Case("quality:import_detail", MANAGERS, args=lambda c: [world(c)["batch"].pk]),
    Case("quality:import_undo", MANAGERS, args=lambda c: [world(c)["batch"].pk], method="POST", ok_status=(302,)),
    Case("quality:warning_list", EVERYONE),
    Case("quality:warning_detail", WARNING_READERS, args=lambda c: [world(c)["warning"].pk]),
    Case("quality:rules", EVERYONE),
    # An applied batch is not discarded (the service refuses): allowed roles are sent back to it.
    Case("quality:import_discard", MANAGERS, args=lambda c: [world(c)["batch"].pk], method="POST", ok_status=(302,)),
]


def _api_mounted() -> bool:
    """The API router (quality.api.router) is mounted by api.v1 under /api/v1/quality/; its rows
    join the matrix as soon as it is."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("api-v1:quality_exam_list")
    except NoReverseMatch:
        return False
    return True


if _api_mounted():
    CASES += [
        Case("api-v1:quality_exam_list", EVERYONE),
        Case("api-v1:quality_exam_detail", VIEWERS, args=_exam),
        Case("api-v1:quality_paper_analysis", VIEWERS, args=_paper),
        Case("api-v1:quality_warning_list", EVERYONE),
    ]

# The report's written analysis, edited before download (issue 10).
CASES += [
    Case("quality:exam_report_edit", VIEWERS, args=_exam),
    Case("quality:exam_report", VIEWERS, args=_exam, method="POST", note="edited analysis"),
    Case("quality:school_report_edit", SCHOOL_A1_ROLES, args=lambda c: [*_exam(c), c.school_a1.code]),
    Case("quality:school_report", SCHOOL_A1_ROLES, args=lambda c: [*_exam(c), c.school_a1.code], method="POST",
         note="edited analysis"),
]

# Correcting one student's scores online (issue 10): whoever may import scores for the school.


def _corrected(cast: Any) -> list[Any]:
    from quality.selectors import school_block

    paper = world(cast)["paper"]
    block = school_block(paper, cast.school_a1)
    assert block is not None
    return [paper.pk, cast.school_a1.code, int(block.student_ids[0])]


def _correction(cast: Any) -> dict[str, Any]:
    """The student's scores as stored, with item 7 (full mark 10) changed, and a reason."""
    from quality.blocks import MISSING
    from quality.selectors import school_block

    paper = world(cast)["paper"]
    block = school_block(paper, cast.school_a1)
    assert block is not None
    step = float(paper.exam.score_step)
    data: dict[str, Any] = {"reason": "阅卷登分错误"}
    items = list(paper.items.order_by("number"))
    for j, it in enumerate(items):
        v = block.items[0, j]
        data[f"item_{it.pk}"] = "" if v == MISSING else f"{int(v) * step:g}"
    last = f"item_{items[-1].pk}"
    data[last] = "0" if data[last] != "0" else "10"
    return data


CASES += [
    Case("quality:score_correct", IMPORTERS, args=_corrected),
    Case("quality:score_correct", IMPORTERS, args=_corrected, method="POST", data=_correction, ok_status=(302,),
         note="save"),
]
