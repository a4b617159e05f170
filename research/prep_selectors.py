"""Reads of collective preparation shared by the pages and the API: the session list (the
group's preparation archive) under research.access, and one session's workflow view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from core.access import AnyUser
from research import access
from research.metrics.prep import session_facts
from research.models.prep import PrepDocument, PrepDocumentKind, PrepMember, PrepSession
from research.prep_compare import paragraphs
from research.prep_rules import STEPS, session_standing


@dataclass(frozen=True)
class PrepFilter:
    school: str = ""  # school code
    term: str = ""  # term key
    group: int | None = None
    step: str = ""


def prep_list(user: AnyUser, f: PrepFilter) -> QuerySet[PrepSession]:
    qs = access.prep_sessions_visible_to(user)
    if f.school:
        qs = qs.filter(school__code=f.school)
    if f.term:
        year, _, sem = f.term.partition("-")
        if year.isdigit() and sem.isdigit():
            qs = qs.filter(term__school_year=int(year), term__semester=int(sem))
    if f.group is not None:
        qs = qs.filter(group_id=f.group)
    if f.step:
        qs = qs.filter(step=f.step)
    return qs.order_by("-teach_on", "-id")


def member_counts(sessions: list[PrepSession]) -> dict[int, int]:
    """The members of each of these sessions (a page of the list), in one grouped query: counted
    over every session of the scope before paging, a province's list took 170 ms."""
    return dict(PrepMember.objects.filter(session_id__in=[s.pk for s in sessions]).order_by()
                .values("session_id").annotate(n=Count("id")).values_list("session_id", "n"))


@dataclass
class Workflow:
    """Everything the session page shows, read in a few queries."""

    session: PrepSession
    steps: list[dict[str, Any]]
    drafts: list[PrepDocument]
    shared: list[PrepDocument]
    personal: list[PrepDocument]
    current_text: PrepDocument | None  # the latest draft or shared version: what comments anchor to
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    missing: tuple[str, ...] = ()
    meets: bool = False


def prep_workflow(session: PrepSession) -> Workflow:
    docs = list(PrepDocument.objects.filter(session=session).select_related("author").order_by("created_at", "id"))
    drafts = [d for d in docs if d.kind == PrepDocumentKind.DRAFT]
    shared = [d for d in docs if d.kind == PrepDocumentKind.SHARED]
    personal = [d for d in docs if d.kind == PrepDocumentKind.PERSONAL]
    current = shared[-1] if shared else (drafts[-1] if drafts else None)
    facts = session_facts([session.pk])[session.pk]
    standing = session_standing(facts)
    order = [code for code, _ in STEPS]
    at = order.index(session.step) if session.step in order else len(order)
    steps = [{"code": code, "label": label, "done": code in standing.done, "current": i == at}
             for i, (code, label) in enumerate(STEPS)]
    paras: list[dict[str, Any]] = []
    if current is not None:
        comments = list(current.comments.select_related("author").order_by("paragraph", "created_at"))
        for i, text in enumerate(paragraphs(current.body)):
            paras.append({"index": i, "text": text, "comments": [c for c in comments if c.paragraph == i]})
    reflected = set(session.reflections.values_list("author_id", flat=True))
    derived = {d.author_id for d in personal}
    members = [{"person": m.person, "personal": m.person_id in derived, "reflected": m.person_id in reflected}
               for m in session.members.select_related("person").order_by("person__pinyin")]
    return Workflow(session, steps, drafts, shared, personal, current, paras, members, standing.missing,
                    standing.meets)
