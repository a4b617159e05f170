"""Who may see and do what with exams, scores and warnings; built only from core.access primitives.

- An exam is visible to a user whose scope contains the exam's node (the county researcher sees
  the county's exams) or lies under it (a school sees the county exam it sat, for its own part).
- Within a visible exam the user sees the rows of the schools and regions in their scope, plus
  the aggregate of the exam's whole population as the reference (超均率 needs it).
- Students are minors (《未成年人学校保护规定》, analytics.md §4 "Compliance"): names are shown
  only to staff of the student's own school; student-level ranks only to that school's managers
  (principal, vice principal, middle manager) and system admins; region staff see pseudonymous
  keys and scores without names or ranks.
- Exams are created and scores imported by region admins, institute heads and researchers over
  the exam's node, or by a school's managers for their school's own exams.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Grant, Scope, first_or_404, require, scope_of
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode, PersonQuerySet, Post, Role
from quality.analysis.summary import UnitKey
from quality.models import (
    BankItem,
    BankItemQuerySet,
    ClassTeacher,
    DraftPaper,
    EarlyWarning,
    Exam,
    ExamQuerySet,
    ImportBatch,
    IrtRun,
    Paper,
    Student,
    WarningRule,
)

EXAM_MANAGER_ROLES: tuple[str, ...] = (Role.ADMIN, Role.INSTITUTE_HEAD, *RESEARCHER_ROLES)
SCHOOL_STAFF_ROLES: tuple[str, ...] = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER, Role.GROUP_LEADER,
                                       Role.PREP_LEADER, Role.HOMEROOM, Role.TEACHER)
RANK_ROLES: tuple[str, ...] = SCHOOL_MANAGER_ROLES
# Warnings that name a school's leader for the whole school's results, not a subject teacher.
LEADER_NORMS: tuple[str, ...] = ("QM.HEAD_TENURE",)


def _subtree_or_ancestors(scope: Scope, field: str) -> Q:
    """Rows whose org node (at `field`) lies in one of the scope's subtrees or above one of its
    roots: a school sees the county exam it sat and the county's warning rules."""
    q = Q(pk__in=[])
    ancestors: set[str] = set()
    for path in scope.paths:
        q |= Q(**{f"{field}__path__startswith": path})
        ancestors.update(OrgNode(path=path).ancestor_paths())
    return q | Q(**{f"{field}__path__in": ancestors})


def exams_visible_to(user: AnyUser) -> ExamQuerySet:
    scope = scope_of(user)
    qs = Exam.objects.select_related("org")
    if scope.is_sysadmin:
        return qs
    if not scope.grants:
        return qs.none()
    return qs.filter(_subtree_or_ancestors(scope, "org"))


def can_see_node_rows(user: AnyUser, path: str) -> bool:
    """Rows of a school or region in an exam's analysis: only inside the viewer's scope."""
    return scope_of(user).covers(path)


def can_manage_exam(user: AnyUser, exam: Exam) -> bool:
    scope = scope_of(user)
    if scope.has_role_over(exam.org.path, EXAM_MANAGER_ROLES):
        return True
    return exam.org.kind == OrgKind.SCHOOL and scope.has_role_over(exam.org.path, SCHOOL_MANAGER_ROLES)


def can_create_exam_at(user: AnyUser, node: OrgNode) -> bool:
    scope = scope_of(user)
    if node.kind == OrgKind.SCHOOL:
        return scope.has_role_over(node.path, EXAM_MANAGER_ROLES + SCHOOL_MANAGER_ROLES)
    return scope.has_role_over(node.path, EXAM_MANAGER_ROLES)


def exam_creation_nodes(user: AnyUser) -> list[OrgNode]:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("path")[:200])
    ids = [g.node_id for g in scope.grants if g.role in EXAM_MANAGER_ROLES
           or (g.role in SCHOOL_MANAGER_ROLES and g.node_kind == OrgKind.SCHOOL)]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def can_import_for_school(user: AnyUser, exam: Exam, school: OrgNode) -> bool:
    """Exam managers import for any school of the exam; a school's managers for their own school."""
    if not school.path.startswith(exam.org.path):
        return False
    return can_manage_exam(user, exam) or scope_of(user).has_role_over(school.path, SCHOOL_MANAGER_ROLES)


def can_import(user: AnyUser, exam: Exam) -> bool:
    scope = scope_of(user)
    if can_manage_exam(user, exam):
        return True
    return any(g.role in SCHOOL_MANAGER_ROLES and g.path.startswith(exam.org.path) for g in scope.grants)


def class_teachers_for_importer(user: AnyUser, exam: Exam) -> QuerySet[ClassTeacher]:
    """The exam's 任课安排 (its term and grade, its subjects, its schools) that the user may import,
    and so see: the same schools as can_import_for_school, as one query rather than a loop over
    a province's schools."""
    qs = ClassTeacher.objects.filter(term_key=exam.term_key, grade=exam.grade, school__path__startswith=exam.org.path,
                                     subject_id__in=exam.papers.values("subject_id"))
    if can_manage_exam(user, exam):
        return qs
    q = Q(pk__in=[])
    for g in scope_of(user).grants:
        if g.role not in SCHOOL_MANAGER_ROLES:
            continue
        if exam.org.path.startswith(g.path):
            return qs
        if g.path.startswith(exam.org.path):
            q |= Q(school__path__startswith=g.path)
    return qs.filter(q)


def can_see_names(user: AnyUser, school: OrgNode) -> bool:
    """Only staff posted at the student's own school (and system admins)."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in SCHOOL_STAFF_ROLES and g.node_id == school.pk for g in scope.grants)


def can_see_ranks(user: AnyUser, school: OrgNode) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in RANK_ROLES and g.node_id == school.pk for g in scope.grants)


def can_see_students(user: AnyUser, school: OrgNode) -> bool:
    """Student-level scores (pseudonymous): the school's staff and the region staff over it."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(
        school.path.startswith(g.path) and (g.role in SCHOOL_STAFF_ROLES or g.role in EXAM_MANAGER_ROLES
                                            or g.role == Role.BUREAU_VIEWER)
        for g in scope.grants)


def _narrowed(g: Grant) -> bool:
    """A researcher's post with a subject narrows the teachers they see to that subject's
    (core.access: "narrowed by subject where the post has one")."""
    return g.role in RESEARCHER_ROLES and g.subject_id is not None


def can_see_teacher_results(user: AnyUser, school_path: str, subject_id: int) -> bool:
    """Results of one teacher's teaching of a subject (a teacher's value added, a teacher's
    warning): the viewer's scope covers the teacher's school, through a post that is not a
    researcher's post narrowed to another subject."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(school_path.startswith(g.path) and (not _narrowed(g) or g.subject_id == subject_id)
                                    for g in scope.grants)


def can_act_on_warning(user: AnyUser, warning: EarlyWarning) -> bool:
    scope = scope_of(user)
    return can_manage_exam(user, warning.exam) or scope.has_role_over(warning.school.path, SCHOOL_MANAGER_ROLES)


def can_manage_rules(user: AnyUser, node: OrgNode) -> bool:
    return node.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(node.path, EXAM_MANAGER_ROLES)


def warnings_visible_to(user: AnyUser) -> QuerySet[EarlyWarning]:
    scope = scope_of(user)
    qs = EarlyWarning.objects.select_related("exam", "school", "person", "paper__subject", "rule")
    if scope.is_sysadmin:
        return qs
    if not scope.paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= Q(school__path__startswith=path)
    # A teacher sees the school's warnings only through its managers, except their own.
    managers = [g for g in scope.grants if g.role not in (Role.TEACHER, Role.HOMEROOM, Role.GROUP_LEADER,
                                                           Role.PREP_LEADER)]
    if not managers:
        return qs.filter(person_id=scope.person_id) if scope.person_id else qs.none()
    q = Q(pk__in=[])
    for g in managers:
        q_g = Q(school__path__startswith=g.path)
        if _narrowed(g):
            # A subject researcher sees warnings about schools and classes, and about the teachers
            # of their own subject only (issue 8 #11).
            q_g &= (Q(person__isnull=True) | Q(norm_code__in=LEADER_NORMS) | Q(paper__subject_id=g.subject_id))
        q |= q_g
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    return qs.filter(q)


def rules_visible_to(user: AnyUser) -> QuerySet[WarningRule]:
    scope = scope_of(user)
    qs = WarningRule.objects.select_related("org")
    if scope.is_sysadmin:
        return qs
    return qs.filter(_subtree_or_ancestors(scope, "org"))


def rule_owners_for(user: AnyUser) -> list[OrgNode]:
    """The regions at which the user may set warning rules (the choices of the rule form)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.regions().order_by("path")[:100])
    ids = [g.node_id for g in scope.grants if g.role in EXAM_MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL]
    return [o for o in OrgNode.objects.filter(pk__in=ids).order_by("path") if can_manage_rules(user, o)]


def summary_rows_visible_to(user: AnyUser, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of a paper's precomputed analysis (`data["units"]`, class rows included when they
    were read) that the user may see: the top row (the whole population, the reference every
    超均率 is computed against) plus the regions and schools in the user's scope and the classes
    of those schools. Pages, exports, reports and the API all list exactly these."""
    units: list[dict[str, Any]] = list(data.get("units", []))
    if scope_of(user).is_sysadmin:
        return units
    top = data.get("top")
    codes = {UnitKey.parse(u["key"]).code for u in units}
    paths = dict(OrgNode.objects.filter(code__in=codes).values_list("code", "path"))
    out = []
    for u in units:
        path = paths.get(UnitKey.parse(u["key"]).code)
        if u["key"] == top or (path is not None and can_see_node_rows(user, path)):
            out.append(u)
    return out


def units_visible_to(user: AnyUser, school_codes: Sequence[str], *, teacher_subject_id: int | None = None
                     ) -> set[int]:
    """Indices of the value-added units (schools, classes, or with `teacher_subject_id` the
    teachers of that subject) whose rows the user may see, given each unit's school code. The
    model itself uses every linked student of the exam (the reference population)."""
    paths = dict(OrgNode.objects.filter(code__in=set(school_codes)).values_list("code", "path"))
    keep = set()
    for i, code in enumerate(school_codes):
        path = paths.get(code)
        if path is None:
            continue
        if teacher_subject_id is None:
            ok = can_see_node_rows(user, path)
        else:
            ok = can_see_teacher_results(user, path, teacher_subject_id)
        if ok:
            keep.add(i)
    return keep


def batches_visible_to(user: AnyUser, exam: Exam) -> QuerySet[ImportBatch]:
    """The exam's import batches the user may see; `get_batch_for_user` opens exactly these.

    The uploader sees their own batches; the exam's managers see every batch; the managers of
    a school see the batches written for their school (a batch without a school, uploaded by a
    region for many schools, stays with its uploader and the exam's managers)."""
    qs = ImportBatch.objects.filter(exam=exam).select_related("exam__org", "school", "created_by")
    if not exams_visible_to(user).filter(pk=exam.pk).exists():
        return qs.none()
    if can_manage_exam(user, exam):
        return qs
    q = Q(created_by_id=user.pk) if user.pk is not None else Q(pk__in=[])
    managed = [g.path for g in scope_of(user).grants if g.role in SCHOOL_MANAGER_ROLES]
    if managed:
        mine = Q(pk__in=[])
        for path in managed:
            mine |= Q(school__path__startswith=path)
        q |= Q(school__path__startswith=exam.org.path) & mine
    return qs.filter(q)


# ---------------------------------------------------------------- single objects


def get_exam_for_user(user: AnyUser, exam_id: int, *, write: bool = False) -> Exam:
    exam = first_or_404(exams_visible_to(user), "没有找到该考试", pk=exam_id)
    if write:
        require(can_manage_exam(user, exam), "没有找到该考试")
    return exam


def get_paper_for_user(user: AnyUser, paper_id: int, *, write: bool = False) -> Paper:
    paper = first_or_404(Paper.objects.select_related("exam__org", "subject"), "没有找到该试卷", pk=paper_id)
    get_exam_for_user(user, paper.exam_id, write=write)
    return paper


def get_batch_for_user(user: AnyUser, batch_id: int) -> ImportBatch:
    exam_id = ImportBatch.objects.filter(pk=batch_id).values_list("exam_id", flat=True).first()
    require(exam_id is not None, "没有找到该导入批次")
    assert exam_id is not None
    exam = exams_visible_to(user).filter(pk=exam_id).first()
    require(exam is not None, "没有找到该导入批次")
    assert exam is not None
    # The upload's bytes and parsed table are large and never needed to show a batch page.
    batch = batches_visible_to(user, exam).defer("content", "table").filter(pk=batch_id).first()
    require(batch is not None, "没有找到该导入批次")
    assert batch is not None
    return batch


def get_warning_for_user(user: AnyUser, warning_id: int) -> EarlyWarning:
    return first_or_404(warnings_visible_to(user), "没有找到该预警", pk=warning_id)


def get_irt_run_for_user(user: AnyUser, run_id: int) -> IrtRun:
    run = first_or_404(IrtRun.objects.select_related("paper__exam__org", "paper__subject"), "没有找到该计算", pk=run_id)
    get_exam_for_user(user, run.paper.exam_id)
    return run


def get_school_in_exam(user: AnyUser, exam: Exam, code: str) -> OrgNode:
    school = OrgNode.objects.filter(code=code, kind=OrgKind.SCHOOL).first()
    require(school is not None and school.path.startswith(exam.org.path) and can_see_node_rows(user, school.path),
            "没有找到该学校")
    assert school is not None
    return school


def warning_owner_candidates(user: AnyUser, warning: EarlyWarning) -> PersonQuerySet:
    """Who may be named 负责人 of a warning: active people of the warned unit (employed at the
    school or holding a current post there) whom the user may see."""
    from core.access import people_visible_to

    of_unit = Q(org=warning.school) | Q(posts__in=Post.objects.active().filter(org=warning.school))
    return people_visible_to(user).filter(of_unit, is_active=True).distinct().order_by("pinyin")


def can_discard_batch(user: AnyUser, batch: ImportBatch) -> bool:
    """Who may discard a batch that wrote nothing: its uploader, the exam's managers, and the
    managers of the school it was uploaded for."""
    if batch.created_by_id is not None and getattr(user, "pk", None) == batch.created_by_id:
        return True
    if batch.school is not None:
        return can_import_for_school(user, batch.exam, batch.school)
    return can_manage_exam(user, batch.exam)


# ---------------------------------------------------------------- online score correction


class CorrectionTarget(NamedTuple):
    """One student's scores on one paper, opened for correction."""

    paper: Paper
    school: OrgNode
    student: Student


def can_correct_scores(user: AnyUser, paper: Paper, school: OrgNode) -> bool:
    """Correcting a wrong cell online is a small import: whoever may import scores for the
    school in the paper's exam (the exam's managers; a school's managers for their own school)."""
    return can_import_for_school(user, paper.exam, school)


def get_student_for_correction(user: AnyUser, paper_id: int, code: str, student_id: int) -> CorrectionTarget:
    """The paper, school and student whose scores the user may correct; 404 when any is missing,
    when the student has no current score row on the paper at that school, and when the user may
    not import for that school (existence does not leak)."""
    from quality.selectors import school_block

    paper = get_paper_for_user(user, paper_id)
    school = get_school_in_exam(user, paper.exam, code)
    require(can_correct_scores(user, paper, school), "没有找到该学生")
    student = Student.objects.filter(pk=student_id, school=school).first()
    require(student is not None, "没有找到该学生")
    assert student is not None
    block = school_block(paper, school)
    require(block is not None and bool((block.student_ids == student.pk).any()), "没有找到该学生")
    return CorrectionTarget(paper, school, student)


# ---------------------------------------------------------------- item bank (题库)
#
# A node's bank is scoped as its exams are: visible to users whose scope contains the node or
# lies under it (a school uses the county's bank), written by whoever may create exams there.
# Draft papers (组卷草稿) are exam material before the exam: only the bank's writers see them.


def bank_items_visible_to(user: AnyUser) -> BankItemQuerySet:
    scope = scope_of(user)
    qs = BankItem.objects.select_related("org", "subject")
    if scope.is_sysadmin:
        return qs
    if not scope.grants:
        return qs.none()
    return qs.filter(_subtree_or_ancestors(scope, "org"))


def can_manage_bank(user: AnyUser, node: OrgNode) -> bool:
    return can_create_exam_at(user, node)


def bank_nodes_for(user: AnyUser) -> list[OrgNode]:
    """The banks the user may write and assemble papers from (the choices of the forms)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("path")[:200])
    ids = [g.node_id for g in scope.grants if g.role in EXAM_MANAGER_ROLES
           or (g.role in SCHOOL_MANAGER_ROLES and g.node_kind == OrgKind.SCHOOL)]
    return [n for n in OrgNode.objects.filter(pk__in=ids).order_by("path") if can_manage_bank(user, n)]


def bank_items_for_node(user: AnyUser, node: OrgNode) -> BankItemQuerySet:
    """What a paper assembled at `node` may use: the visible items of the node's own bank, of
    the banks under it and of the banks above it."""
    return bank_items_visible_to(user).filter(Q(org__path__startswith=node.path)
                                              | Q(org__path__in=node.ancestor_paths()))


def drafts_visible_to(user: AnyUser) -> QuerySet[DraftPaper]:
    scope = scope_of(user)
    qs = DraftPaper.objects.select_related("org", "subject", "created_by")
    if scope.is_sysadmin:
        return qs
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in EXAM_MANAGER_ROLES:
            q |= Q(org__path__startswith=g.path)
        elif g.role in SCHOOL_MANAGER_ROLES and g.node_kind == OrgKind.SCHOOL:
            q |= Q(org__path=g.path)
    return qs.filter(q)


def get_bank_item_for_user(user: AnyUser, item_id: int) -> BankItem:
    return first_or_404(bank_items_visible_to(user), "没有找到该题目", pk=item_id)


def get_draft_for_user(user: AnyUser, draft_id: int) -> DraftPaper:
    return first_or_404(drafts_visible_to(user), "没有找到该组卷草稿", pk=draft_id)
