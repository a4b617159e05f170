"""Reads for quality monitoring: fetch plain values for the pure functions (convention 12, step 1).

Every function here returns numpy arrays, dataclasses or dicts; none computes statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.models import OrgKind, OrgNode
from quality.analysis.summary import ItemInfo, SchoolPart
from quality.blocks import Block, decode_block, decode_moments
from quality.importing import PaperSpec
from quality.models import (
    CheatPolicy,
    ClassSummary,
    ClassTeacher,
    Exam,
    Item,
    Paper,
    PaperSummary,
    ScoreBlock,
    Student,
    ThresholdProfile,
)
from quality.pseudonyms import decrypt_name
from quality.stats import ThresholdProfile as StatsProfile


def region_chains(exam_org: OrgNode, schools: list[OrgNode]) -> dict[int, tuple[tuple[str, str], ...]]:
    """For each school, the (code, name) of the regions from the exam's node down to its parent."""
    chain_paths = {s.pk: [p for p in s.ancestor_paths()[:-1] if p.startswith(exam_org.path)] for s in schools}
    paths = {p for ps in chain_paths.values() for p in ps}
    nodes = {n.path: n for n in OrgNode.objects.filter(path__in=paths).only("code", "name", "path")}
    out: dict[int, tuple[tuple[str, str], ...]] = {}
    for s in schools:
        chain = [(nodes[p].code, nodes[p].name) for p in chain_paths[s.pk] if p in nodes]
        out[s.pk] = tuple(chain) or ((exam_org.code, exam_org.name),)
    return out


def current_blocks(paper: Paper) -> Any:
    return ScoreBlock.objects.filter(paper=paper, superseded_by__isnull=True)


def school_parts(paper: Paper) -> list[SchoolPart]:
    """Every current block's per-class moments (not its raw scores) with the school's place."""
    rows = list(current_blocks(paper).select_related("school").only(
        "moments", "school__code", "school__name", "school__path", "school__kind"))
    chains = region_chains(paper.exam.org, [b.school for b in rows])
    return [SchoolPart(b.school.code, b.school.name, chains[b.school_id], decode_moments(b.moments)) for b in rows]


def item_infos(paper: Paper) -> list[ItemInfo]:
    return [ItemInfo(i.label, i.kind, float(i.max_score), i.knowledge_point, i.ability)
            for i in Item.objects.filter(paper=paper).order_by("number")]


def stats_profile(paper: Paper) -> StatsProfile:
    t = ThresholdProfile.objects.filter(paper=paper).first()
    if t is None:
        return StatsProfile()
    return StatsProfile(float(t.excellent), float(t.passing), float(t.low),
                        t.excellent_op, t.passing_op, t.low_op)  # type: ignore[arg-type]  # model choices hold exactly the Literal values


def paper_specs(exam: Exam) -> list[PaperSpec]:
    papers = list(exam.papers.select_related("subject").prefetch_related("items"))
    return [PaperSpec(p.pk, p.subject.name, float(p.full_mark),
                      tuple(i.label for i in sorted(p.items.all(), key=lambda i: i.number)),
                      tuple(float(i.max_score) for i in sorted(p.items.all(), key=lambda i: i.number)),
                      tuple(i.answer_key for i in sorted(p.items.all(), key=lambda i: i.number)))
            for p in papers]


def exam_schools(exam: Exam) -> list[OrgNode]:
    if exam.org.kind == OrgKind.SCHOOL:
        return [exam.org]
    return list(OrgNode.objects.under(exam.org.path).schools().order_by("path"))


def class_teacher_assignments(paper: Paper) -> dict[str, tuple[int, str]]:
    """Who taught each class the paper's subject in the exam's term: "schoolcode:class" ->
    (person id, name), the class keys of `flat_scores`."""
    exam = paper.exam
    rows = (ClassTeacher.objects.filter(term_key=exam.term_key, grade=exam.grade, subject_id=paper.subject_id,
                                        school__in=OrgNode.objects.under(exam.org.path))
            .values_list("school__code", "class_label", "teacher_id", "teacher__name"))
    return {f"{code}:{label}": (pk, name) for code, label, pk, name in rows}


def student_labels(ids: list[int], *, with_names: bool) -> tuple[dict[int, str], dict[int, str] | None]:
    """Pseudonymous keys of these students and, only when asked, their decrypted names."""
    rows = Student.objects.filter(pk__in=ids).values_list("pk", "key", "name_encrypted")
    keys: dict[int, str] = {}
    names: dict[int, str] | None = {} if with_names else None
    for pk, key, encrypted in rows:
        keys[pk] = key
        if names is not None:
            names[pk] = decrypt_name(encrypted)
    return keys, names


def summary_data(paper: Paper, *, with_classes: bool = False) -> dict[str, Any]:
    """The precomputed analysis; with `with_classes`, class rows are appended to "units"."""
    s = PaperSummary.objects.filter(paper=paper).only("data", "paper_id").first()
    return full_summary(s, with_classes=with_classes) if s is not None else {}


def class_rows(paper_id: int, school_keys: set[str] | None = None) -> list[dict[str, Any]]:
    qs = ClassSummary.objects.filter(paper_id=paper_id).order_by("school_key")
    if school_keys is not None:
        qs = qs.filter(school_key__in=school_keys)
    return [u for rows in qs.values_list("rows", flat=True) for u in rows]


def full_summary(s: PaperSummary, *, with_classes: bool = True) -> dict[str, Any]:
    if not with_classes:
        return dict(s.data)
    return {**s.data, "units": list(s.data.get("units", [])) + class_rows(s.paper_id)}


def school_block(paper: Paper, school: OrgNode) -> Block | None:
    b = current_blocks(paper).filter(school=school).only("data").first()
    return decode_block(b.data) if b is not None else None


@dataclass(frozen=True)
class PaperScoresFlat:
    """Every current student score of a paper in the given schools, flattened."""

    student_ids: NDArray[np.int64]
    school_idx: NDArray[np.int64]
    school_codes: tuple[str, ...]
    school_names: tuple[str, ...]
    class_keys: tuple[str, ...]  # "schoolcode:class"
    class_idx: NDArray[np.int64]
    scores: NDArray[np.float64]  # NaN for non-sitters
    items: NDArray[np.uint16] | None
    choices: NDArray[np.int8] | None = None


def flat_scores(paper: Paper, schools: list[OrgNode] | None = None, *, with_items: bool = False,
                cheat_as_zero: bool = False) -> PaperScoresFlat:
    from quality.blocks import MISSING, sat_mask

    qs = current_blocks(paper).select_related("school").only("data", "school__code", "school__name")
    if schools is not None:
        qs = qs.filter(school__in=schools)
    step = float(paper.exam.score_step)
    ids, sidx, cidx, scores, mats, chs = [], [], [], [], [], []
    codes: list[str] = []
    names: list[str] = []
    class_keys: list[str] = []
    for i, b in enumerate(sorted(qs, key=lambda b: b.school.code)):
        blk = decode_block(b.data)
        codes.append(b.school.code)
        names.append(b.school.name)
        base = len(class_keys)
        class_keys += [f"{b.school.code}:{c}" for c in blk.class_labels]
        sat = sat_mask(blk.status, cheat_as_zero)
        ids.append(blk.student_ids)
        sidx.append(np.full(blk.n, i, np.int64))
        cidx.append(blk.class_idx.astype(np.int64) + base)
        scores.append(np.where(sat, np.maximum(blk.totals, 0) * step, np.nan))
        if with_items:
            mats.append(np.where(sat[:, None], blk.items, MISSING))
            chs.append(blk.choices if blk.choices is not None and blk.choices.size
                       else np.full(blk.items.shape, -1, np.int8))
    if not ids:
        return PaperScoresFlat(np.zeros(0, np.int64), np.zeros(0, np.int64), (), (), (), np.zeros(0, np.int64),
                               np.zeros(0), None)
    return PaperScoresFlat(np.concatenate(ids), np.concatenate(sidx), tuple(codes), tuple(names), tuple(class_keys),
                           np.concatenate(cidx), np.concatenate(scores),
                           np.concatenate(mats) if with_items and mats else None,
                           np.concatenate(chs) if with_items and chs else None)


# The `kind` of an online score correction's audit event (its `new` values): how the history
# finds them (quality.services.corrections writes them).
CORRECTION_KIND = "score_correction"


@dataclass(frozen=True)
class CorrectionEntry:
    """One online correction of a student's scores, as its audit event recorded it."""

    at: Any  # an aware datetime
    actor: str
    reason: str
    changes: tuple[tuple[str, Any, Any], ...]  # (题号, old, new)
    total_old: Any
    total_new: Any


def score_corrections(paper: Paper, student: Student) -> list[CorrectionEntry]:
    """The corrections of this student's scores on this paper, newest first (their audit events,
    quality.services.corrections)."""
    from core.models import AuditEvent

    events = (AuditEvent.objects.filter(model=Student._meta.label, object_id=str(student.pk),
                                        new__kind=CORRECTION_KIND, new__paper=paper.pk)
              .select_related("actor").order_by("-at", "-id"))
    out = []
    for e in events:
        old, new = e.old or {}, e.new or {}
        labels = list(new.get("items", {}))
        out.append(CorrectionEntry(e.at, e.actor.name if e.actor is not None else "系统", str(new.get("reason", "")),
                                   tuple((lb, old.get("items", {}).get(lb), new["items"][lb]) for lb in labels),
                                   old.get("total"), new.get("total")))
    return out


@dataclass(frozen=True)
class SubgroupInputs:
    """A scope's current scores on a paper with each student's recorded attributes, as codes:
    0 and 1 the attribute's two values (quality.analysis.subgroups.ATTRIBUTES), −1 not recorded."""

    scores: NDArray[np.float64]
    codes: dict[str, NDArray[np.int64]]
    school_idx: NDArray[np.int64]  # per student, into school_codes
    school_codes: tuple[str, ...]


def subgroup_inputs(paper: Paper, schools: list[OrgNode]) -> SubgroupInputs:
    flat = flat_scores(paper, schools, cheat_as_zero=paper.exam.cheat_policy == CheatPolicy.ZERO)
    ids = flat.student_ids
    rows = list(Student.objects.filter(pk__in=ids.tolist()).values_list(
        "pk", "gender", "boarding", "left_behind", "migrant"))
    pks = np.array([r[0] for r in rows], dtype=np.int64)
    order = np.argsort(pks)
    pos = order[np.searchsorted(pks[order], ids)] if pks.size else np.zeros(ids.size, np.int64)

    def column(values: list[int]) -> NDArray[np.int64]:
        arr = np.array(values, dtype=np.int64)
        return arr[pos] if arr.size else np.full(ids.size, -1, np.int64)

    def flag(v: bool | None) -> int:
        return -1 if v is None else (0 if v else 1)

    codes = {
        "gender": column([{"m": 0, "f": 1}.get(r[1], -1) for r in rows]),
        "boarding": column([flag(r[2]) for r in rows]),
        "left_behind": column([flag(r[3]) for r in rows]),
        "migrant": column([flag(r[4]) for r in rows]),
    }
    return SubgroupInputs(flat.scores, codes, flat.school_idx, flat.school_codes)
# ---------------------------------------------------------------- item bank (题库)


def bank_candidates(items: Any) -> list[Any]:
    """The bank items of a queryset (already limited by quality.access) as assembly candidates,
    each with its statistics pooled over its uses (n-weighted means of P, D, item–total r, SD)."""
    from quality.models import BankItemUse
    from quality.stats.assembly import Candidate

    rows = list(items.values_list("pk", "knowledge_point", "ability", "max_score"))
    sums: dict[int, dict[str, list[float]]] = {}
    for bank_id, n, p, d, r, sd in (BankItemUse.objects.filter(bank_item_id__in=[r[0] for r in rows])
                                    .values_list("bank_item_id", "n", "difficulty", "discrimination",
                                                 "item_total_r", "sd").iterator(chunk_size=5000)):
        acc = sums.setdefault(bank_id, {})
        for name, v in (("p", p), ("d", d), ("r", r), ("sd", sd)):
            if v is not None and n:
                pair = acc.setdefault(name, [0.0, 0.0])
                pair[0] += n * v
                pair[1] += n

    def mean(bank_id: int, name: str) -> float | None:
        pair = sums.get(bank_id, {}).get(name)
        return pair[0] / pair[1] if pair else None

    return [Candidate(id=pk, knowledge_point=kp, ability=ab, max_score=float(mx), p=mean(pk, "p"),
                      d=mean(pk, "d"), r=mean(pk, "r"), sd=mean(pk, "sd")) for pk, kp, ab, mx in rows]
