"""PREP.STEPS (004 (四)1; norms.md "collective lesson preparation has five recorded steps …; each
session recorded, checked and evaluated"), one row per school and term. The counting is
research.prep_rules; this module fetches plain values for it."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from core.access import schools_visible_to
from core.compliance import MetricContext, Row, metric
from research.models.prep import PrepComment, PrepDocument, PrepDocumentKind, PrepMember, PrepReflection, PrepSession
from research.prep_rules import SessionFacts, school_standing


def session_facts(session_ids: list[int]) -> dict[int, SessionFacts]:
    """The facts of these sessions from five grouped queries (no per-session query)."""
    members: dict[int, set[int]] = defaultdict(set)
    for sid, pid in PrepMember.objects.filter(session_id__in=session_ids).values_list("session_id", "person_id"):
        members[sid].add(pid)
    drafts: set[int] = set()
    shared: dict[int, int] = defaultdict(int)
    personal: dict[int, set[int]] = defaultdict(set)
    for sid, kind, author in PrepDocument.objects.filter(session_id__in=session_ids).values_list(
            "session_id", "kind", "author_id"):
        if kind == PrepDocumentKind.DRAFT:
            drafts.add(sid)
        elif kind == PrepDocumentKind.SHARED:
            shared[sid] += 1
        else:
            personal[sid].add(author)
    comments: dict[int, int] = defaultdict(int)
    for sid in PrepComment.objects.filter(session_id__in=session_ids).values_list("session_id", flat=True):
        comments[sid] += 1
    reflections: dict[int, set[int]] = defaultdict(set)
    for sid, author in PrepReflection.objects.filter(session_id__in=session_ids).values_list("session_id", "author_id"):
        reflections[sid].add(author)
    facts = {}
    for sid, topic, teach_on, signed, checked, rating in PrepSession.objects.filter(pk__in=session_ids).values_list(
            "pk", "topic", "teach_on", "signed_off_at", "checked_at", "rating"):
        facts[sid] = SessionFacts(topic=topic, teach_on=teach_on, members=frozenset(members[sid]),
                                  has_draft=sid in drafts, comments=comments[sid], shared_versions=shared[sid],
                                  signed_off=signed is not None, personal_authors=frozenset(personal[sid]),
                                  reflection_authors=frozenset(reflections[sid]), checked=checked is not None,
                                  evaluated=bool(rating))
    return facts


@metric("PREP.STEPS", needs_term=True)
def prep_steps(ctx: MetricContext) -> list[Row]:
    """A school keeps PREP.STEPS in a term when it holds collective preparation and every session
    taught at least two weeks ago has its five steps recorded (every member deriving and
    reflecting), signed off, checked and evaluated."""
    assert ctx.term is not None and ctx.threshold is not None
    schools = schools_visible_to(ctx.user)
    schools = schools.filter(pk=ctx.node.pk) if ctx.exact else schools.under(ctx.node.path)
    listed = list(schools.only("id", "code", "name", "path"))
    by_school: dict[int, list[int]] = defaultdict(list)
    for sid, school_id in PrepSession.objects.filter(school__in=listed, term=ctx.term).values_list("pk", "school_id"):
        by_school[school_id].append(sid)
    facts = session_facts([sid for ids in by_school.values() for sid in ids])
    as_of = min(timezone.localdate(), ctx.term.end)
    rows = []
    for s in listed:
        st = school_standing([facts[sid] for sid in by_school[s.pk]], as_of, ctx.threshold)
        rows.append(Row(label=s.name, meets=st.meets, value=st.kept, target=st.due or None, detail=st.detail,
                        url=reverse("research:prep_list") + f"?school={s.code}&term={ctx.term.key}",
                        path=s.path))
    return rows
