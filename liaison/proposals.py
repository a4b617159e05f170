"""From a round's records to the optimiser's plain values and back: the linkers (researchers at
the institution and below it with a subject, and backbone teachers under it), the schools
(nominated ones with their needs; else every school at the round's level with the linkers'
subjects as needs), and the proposed links written through the services."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.access import AnyUser, people_visible_to, posts_visible_to, schools_visible_to
from core.models import RESEARCHER_ROLES, DesignationKind, OrgKind, OrgNode, Person, Subject, User
from core.paths import under_q
from liaison import optimiser
from liaison.models import Link, LinkerKind, LinkSource, LinkStatus, Nomination, NominationStatus, Round
from liaison.selectors import node_xy
from liaison.services import links as link_services


@dataclass
class Candidates:
    people: dict[int, Person]
    kinds: dict[int, str]
    linkers: list[optimiser.Linker]
    schools: dict[int, OrgNode]
    specs: list[optimiser.School]


def _xy(node: OrgNode | None, fallback: tuple[float, float]) -> tuple[float, float]:
    if node is not None and node.longitude is not None and node.latitude is not None:
        return float(node.longitude), float(node.latitude)
    return fallback


def candidates(user: AnyUser, round_: Round) -> Candidates:
    inst = round_.institution
    today = timezone.localdate()
    # Researchers work from their institution, which records no coordinates of its own: the
    # centre of its schools stands for it.
    home = node_xy(inst) or (0.0, 0.0)
    people: dict[int, Person] = {}
    kinds: dict[int, str] = {}
    subjects: dict[int, set[str]] = defaultdict(set)
    stages: dict[int, str] = {}
    # Researchers posted at the institution itself (the round's own staff).
    for post in (posts_visible_to(user).active(today).filter(org=inst, role__in=RESEARCHER_ROLES, subject__isnull=False)
                 .select_related("person", "person__org", "subject")):
        people.setdefault(post.person_id, post.person)
        kinds[post.person_id] = LinkerKind.RESEARCHER
        subjects[post.person_id].add(post.subject.code if post.subject else "")
        stages.setdefault(post.person_id, post.stage)
    # One filter call, so that the kind and the period are those of the same designation.
    backbone = (people_visible_to(user).filter(under_q([inst.path], "org__path"),
                                                Q(designations__end__isnull=True) | Q(designations__end__gte=today),
                                                is_active=True, designations__kind=DesignationKind.BACKBONE)
                .select_related("org", "main_subject").distinct())
    for p in backbone:
        if p.pk in people or p.main_subject is None:
            continue
        people[p.pk] = p
        kinds[p.pk] = LinkerKind.BACKBONE
        subjects[p.pk].add(p.main_subject.code)
        stages[p.pk] = p.stage
    taken: dict[int, int] = defaultdict(int)
    for pid in Link.objects.filter(round=round_).exclude(status=LinkStatus.ENDED).values_list("person_id", flat=True):
        taken[pid] += 1
    cap = link_services.link_capacity(round_)
    linkers = []
    for pid, p in people.items():
        room = cap - taken[pid]
        if room <= 0:
            continue
        x, y = _xy(p.org, home)
        linkers.append(optimiser.Linker(pid, p.name, frozenset(subjects[pid]), stages.get(pid, ""), x, y, room,
                                        inst.kind, inst.path, kinds[pid]))
    linked = set(Link.objects.filter(round=round_).exclude(status=LinkStatus.ENDED).values_list("school_id", flat=True))
    previous: dict[int, set[int]] = defaultdict(set)
    if round_.previous_id:
        for sid, pid in Link.objects.filter(round_id=round_.previous_id, status__in=(LinkStatus.ACCEPTED,
                                                                                     LinkStatus.ENDED)) \
                .values_list("school_id", "person_id"):
            previous[sid].add(pid)
    schools: dict[int, OrgNode] = {}
    specs = []
    nominations = list(Nomination.objects.filter(round=round_).exclude(status=NominationStatus.DECLINED)
                       .select_related("school").prefetch_related("needs__subject"))
    if nominations:
        for nom in nominations:
            s = nom.school
            if s.pk in linked:
                continue
            schools[s.pk] = s
            x, y = _xy(s, home)
            specs.append(optimiser.School(s.pk, s.name, tuple((n.subject.code, n.stage) for n in nom.needs.all()),
                                          x, y, s.is_weak, s.locale == "rural", s.is_teaching_point, s.kind,
                                          s.locale, s.path, frozenset(previous[s.pk]), nom.wants_continuity))
    else:
        all_subjects = sorted({c for v in subjects.values() for c in v})
        kinds_wanted = [OrgKind.COUNTY] if inst.kind == OrgKind.PROVINCE else [OrgKind.SCHOOL]
        for s in (schools_visible_to(user).under(inst.path) if kinds_wanted == [OrgKind.SCHOOL]
                  else OrgNode.objects.filter(kind=OrgKind.COUNTY).under(inst.path))[:5000]:
            if s.pk in linked:
                continue
            schools[s.pk] = s
            stage = (s.stages[0] if s.stages else "")
            x, y = _xy(s, home)
            specs.append(optimiser.School(s.pk, s.name, tuple((c, stage) for c in all_subjects), x, y, s.is_weak,
                                          s.locale == "rural", s.is_teaching_point, s.kind, s.locale, s.path,
                                          frozenset(previous[s.pk]), False))
    return Candidates(people, kinds, linkers, schools, specs)


@dataclass
class Applied:
    created: list[Link]
    uncovered: list[tuple[OrgNode, str]]
    idle: list[tuple[Person, str]]


@transaction.atomic
def apply(*, actor: User | None, round_: Round, cands: Candidates, proposal: optimiser.Proposal) -> Applied:
    """Write the proposal's links as proposals, each with its reason, all or none (one link per
    person and school: two needs of one school served by one person merge their subjects)."""
    by_code = {s.code: s for s in Subject.objects.all()}
    grouped: dict[tuple[int, int], list[optimiser.Proposed]] = defaultdict(list)
    for p in proposal.links:
        grouped[(p.linker_id, p.school_id)].append(p)
    created = []
    for (pid, sid), items in grouped.items():
        person, school = cands.people[pid], cands.schools[sid]
        created.append(link_services.link_propose(
            actor=actor, round_=round_, person=person, school=school, kind=cands.kinds[pid],
            subjects=[by_code[p.subject] for p in items if p.subject in by_code], stage=items[0].stage,
            reason="；".join(dict.fromkeys(p.reason for p in items)),
            continuity=any(p.continuity for p in items), source=LinkSource.OPTIMISER))
    return Applied(created, [(cands.schools[sid], why) for sid, why in proposal.uncovered],
                   [(cands.people[pid], why) for pid, why in proposal.idle])
