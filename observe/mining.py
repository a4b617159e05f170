"""Common problems mined from the free text of problems and suggestions: jieba segmentation,
a stop-word list, words and two-word phrases ranked by how many observations mention them.

`mine` is a pure function over (id, text) pairs (DESIGN.md convention 12); the page links every
phrase to the observations it came from. `phrases_for` is what the page reads: the result stored
per viewer scope (ObservationMiningResult), computed by the `mine_scope` task on the newest
submitted texts (a bounded sample, observe.selectors.TEXT_ROWS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.access import AnyUser, scope_of
from core.models import Term
from observe.models import ObservationMiningResult
from observe.selectors import ObservationFilter

# Function words and the boilerplate of 评课 writing that would otherwise top every list.
STOP_WORDS = frozenset(["的", "了", "和", "与", "及", "或", "在", "是", "有", "也", "都", "就", "对", "把", "被", "让", "给", "从", "向", "于", "为", "以", "而", "但", "并", "还", "又", "等", "着", "过", "之", "其", "这", "那", "个", "些", "中", "上", "下", "不", "没有", "没", "很", "较", "比较", "更", "最", "非常", "一些", "一定", "一个", "一下", "可以", "能够", "能", "要", "应", "应该", "需要", "需", "进一步", "加强", "注意", "进行", "问题", "建议", "学生", "教师", "老师", "课堂", "本节课", "这节课", "节课", "本课", "教学", "方面", "部分", "时候", "时", "地方", "情况", "做到", "做", "使", "使得", "存在", "一点", "有些", "有的", "如何", "怎样", "通过", "对于", "关于", "以及", "同时", "如果", "因为", "所以", "然后", "其中", "我们", "他们", "自己", "大家", "还是", "已经", "不够", "不足", "过多", "过少", "欠缺", "缺乏", "略显", "稍显", "有待", "提高", "提升", "改进"])
# Words that carry the problem even though they are also common: kept as phrase parts only.
WEAK = frozenset({"不够", "不足", "过多", "过少", "欠缺", "缺乏", "提高", "提升", "改进", "加强"})

_punct = re.compile(r"[\s，。、；：！？,.;:!?（）()《》“”\"'…—\-]+")


@dataclass
class Phrase:
    text: str
    count: int  # observations mentioning it
    ids: list[int] = field(default_factory=list)


def _tokens(text: str) -> list[list[str]]:
    # Imported on first use: importing jieba takes about a second, which every process start
    # (workers, management commands) would otherwise pay for a page few users open.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    clauses = [c for c in _punct.split(text) if c]
    return [[w for w in jieba.lcut(c) if w.strip()] for c in clauses]


def mine(docs: Iterable[tuple[int, str]], *, top: int = 20, min_count: int = 2, max_ids: int = 8) -> list[Phrase]:
    """Rank words (2+ characters, not stop words) and adjacent word pairs within a clause, by
    the number of observations that use them; a phrase that always comes with a longer one is
    dropped in its favour."""
    found: dict[str, set[int]] = defaultdict(set)
    for doc_id, text in docs:
        for clause in _tokens(text):
            for i, w in enumerate(clause):
                if len(w) >= 2 and w not in STOP_WORDS and not w.isdigit():
                    found[w].add(doc_id)
                if i + 1 < len(clause):
                    a, b = w, clause[i + 1]
                    if (len(a) >= 2 and len(b) >= 2 and not (a in STOP_WORDS and a not in WEAK)
                            and not (b in STOP_WORDS and b not in WEAK) and not (a in WEAK and b in WEAK)):
                        found[a + b].add(doc_id)
    ranked = sorted(((t, ids) for t, ids in found.items() if len(ids) >= min_count),
                    key=lambda x: (-len(x[1]), -len(x[0]), x[0]))
    out: list[Phrase] = []
    for text, ids in ranked:
        # Skip a word covered by an already kept longer phrase with the same observations.
        if any(text in p.text and len(ids) == p.count for p in out):
            continue
        out.append(Phrase(text, len(ids), sorted(ids, reverse=True)[:max_ids]))
        if len(out) >= top:
            break
    return out


# ---------------------------------------------------------------- cached per scope, computed in a task

INLINE_TEXTS = 400  # a scope with at most this many lessons is mined in the request
REFRESH = dt.timedelta(hours=1)  # an older result is shown while a task computes a new one


@dataclass
class MiningView:
    phrases: list[Phrase]
    computed_at: dt.datetime | None
    texts: int
    pending: bool  # a task is computing (a first or a fresher) result


def scope_key(user: AnyUser, f: ObservationFilter, term: Term) -> str:
    """One key per set of texts a viewer may read: their grants (and person, for their own
    lessons), the subtree, subject, teacher and term."""
    scope = scope_of(user)
    grants = sorted((g.role, g.path, g.subject_id or 0) for g in scope.grants)
    raw = repr((scope.is_sysadmin, scope.person_id, grants, f.node_path, f.subject_id, f.teacher_id, term.key,
                term.start.isoformat(), term.end.isoformat()))
    return hashlib.sha256(raw.encode()).hexdigest()


def compute(user: AnyUser, f: ObservationFilter, term: Term, key: str) -> ObservationMiningResult:
    from observe.selectors import feedback_texts

    texts = feedback_texts(user, f, term.start, term.end)
    found = mine(texts, top=25)
    row, _ = ObservationMiningResult.objects.update_or_create(
        key=key, defaults={"phrases": [asdict(p) for p in found], "texts": len(texts), "computed_at": timezone.now()})
    return row


def _view(row: ObservationMiningResult, pending: bool) -> MiningView:
    return MiningView([Phrase(**p) for p in row.phrases], row.computed_at, row.texts, pending)


def phrases_for(user: AnyUser, f: ObservationFilter, term: Term, *, expected: int) -> MiningView:
    """The common problems of the scope: the stored result when fresh; mined in the request when
    the scope has few lessons; otherwise the last result (or none) while a task mines afresh."""
    key = scope_key(user, f, term)
    row = ObservationMiningResult.objects.filter(key=key).first()
    if row is not None and timezone.now() - row.computed_at < REFRESH:
        return _view(row, False)
    if expected <= INLINE_TEXTS:
        return _view(compute(user, f, term, key), False)
    if cache.add(f"observe:mining:pending:{key}", 1, timeout=600):
        user_id = getattr(user, "pk", None)
        transaction.on_commit(lambda: mine_scope.enqueue(user_id, f.node_path, f.subject_id, f.teacher_id,
                                                         term.pk, key))
    if row is not None:
        return _view(row, True)
    return MiningView([], None, 0, True)


@task()
def mine_scope(user_id: int | None, node_path: str, subject_id: int | None, teacher_id: int | None, term_id: int,
               key: str) -> int:
    """Mine one scope's texts and store the result; returns how many texts were read."""
    from django.contrib.auth.models import AnonymousUser

    from core.models import User

    user: AnyUser = User.objects.get(pk=user_id) if user_id is not None else AnonymousUser()
    term = Term.objects.get(pk=term_id)
    try:
        return compute(user, ObservationFilter(node_path, subject_id, teacher_id), term, key).texts
    finally:
        cache.delete(f"observe:mining:pending:{key}")
