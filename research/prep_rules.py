"""PREP.STEPS as pure computation (no ORM): which of the five steps of collective preparation a
session has recorded, and whether a school's sessions of a term keep the norm.

004 (四)1: "教師必須全員參與'個人初備、集體研討、教案生成、個性彰顯、課後反思'的集體備課全過程 …
每科每次集體備課的情況要有記載，有檢查，有評價". So a step counts as recorded when:
- 个人初备: the lead preparer's draft exists;
- 集体研讨: at least one member's comment on the draft or the shared plan;
- 教案生成: a shared plan version exists and the group leader signed it off;
- 个性彰显: every member has a personal version;
- 课后反思: every member has written a reflection.
A session keeps PREP.STEPS when at least `threshold` (5) steps are recorded and it has been
checked and evaluated. A session is due once its lesson was taught `REFLECTION_DAYS` ago (time to
reflect and be checked); sessions not yet due are shown but not counted against the school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STEPS: tuple[tuple[str, str], ...] = (
    ("draft", "个人初备"), ("discussion", "集体研讨"), ("plan", "教案生成"),
    ("personal", "个性彰显"), ("reflection", "课后反思"),
)
STEP_LABELS = dict(STEPS)
# Days after the lesson is taught before a session must be complete (reflect, check, evaluate).
REFLECTION_DAYS = 14


@dataclass(frozen=True)
class SessionFacts:
    """What the norm reads of one session: plain values."""

    topic: str
    teach_on: dt.date | None
    members: frozenset[int]
    has_draft: bool = False
    comments: int = 0
    shared_versions: int = 0
    signed_off: bool = False
    personal_authors: frozenset[int] = frozenset()
    reflection_authors: frozenset[int] = frozenset()
    checked: bool = False
    evaluated: bool = False


@dataclass(frozen=True)
class SessionStanding:
    topic: str
    done: tuple[str, ...]  # step codes recorded, in order
    missing: tuple[str, ...]  # what is short, in words
    meets: bool


def steps_recorded(f: SessionFacts) -> tuple[str, ...]:
    done: list[str] = []
    if f.has_draft:
        done.append("draft")
    if f.comments >= 1:
        done.append("discussion")
    if f.shared_versions >= 1 and f.signed_off:
        done.append("plan")
    if f.members and f.members <= f.personal_authors:
        done.append("personal")
    if f.members and f.members <= f.reflection_authors:
        done.append("reflection")
    return tuple(done)


def session_standing(f: SessionFacts, threshold: float = 5) -> SessionStanding:
    done = steps_recorded(f)
    missing: list[str] = []
    for code, label in STEPS:
        if code in done:
            continue
        if code == "personal" and f.members:
            missing.append(f"{label}（{len(f.members - f.personal_authors)}人未交）")
        elif code == "reflection" and f.members:
            missing.append(f"{label}（{len(f.members - f.reflection_authors)}人未交）")
        elif code == "plan" and f.shared_versions and not f.signed_off:
            missing.append(f"{label}（组长未审定）")
        else:
            missing.append(label)
    if not f.checked:
        missing.append("未检查")
    if not f.evaluated:
        missing.append("未评价")
    meets = len(done) >= threshold and f.checked and f.evaluated
    return SessionStanding(f.topic, done, tuple(missing), meets)


def is_due(f: SessionFacts, as_of: dt.date) -> bool:
    return f.teach_on is not None and f.teach_on + dt.timedelta(days=REFLECTION_DAYS) <= as_of


@dataclass(frozen=True)
class SchoolStanding:
    sessions: int  # every session of the term
    due: int
    kept: int  # due sessions keeping the norm
    short: tuple[SessionStanding, ...]  # due sessions falling short
    meets: bool

    @property
    def detail(self) -> str:
        if not self.sessions:
            return "本学期没有集体备课记录"
        if not self.due:
            return f"{self.sessions}次集体备课，均未到检查时间"
        text = f"{self.due}次到期，{self.kept}次五环节齐全并经检查评价"
        if self.short:
            named = "；".join(f"《{s.topic}》缺{'、'.join(s.missing)}" for s in self.short[:3])
            more = f"等{len(self.short)}次" if len(self.short) > 3 else ""
            text += f"；{named}{more}"
        return text


def school_standing(sessions: Iterable[SessionFacts], as_of: dt.date, threshold: float = 5) -> SchoolStanding:
    """A school keeps PREP.STEPS in a term when it prepared collectively at all and every due
    session has its five steps recorded, checked and evaluated."""
    every: Sequence[SessionFacts] = list(sessions)
    due = [f for f in every if is_due(f, as_of)]
    standings = [session_standing(f, threshold) for f in due]
    short = tuple(s for s in standings if not s.meets)
    kept = len(standings) - len(short)
    return SchoolStanding(len(every), len(due), kept, short, bool(every) and not short)
