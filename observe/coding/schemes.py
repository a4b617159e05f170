"""Classroom-observation coding schemes as data.

Spec: /work/shared/spec/analytics.md PART 1, §1.1 (S-T and S/T/D), §2.1 (FIAS),
§2.6 (ITIAS, iFIAS).  §2.6 asks for "the coding scheme data, not code" with
``codes[{code, label, group, parent}], tick_s, padding_code`` so that FIAS and its
Chinese variants share one engine; the engines (``st.py``, ``fias.py``) therefore
only ever look at a category's *group* and *tags*, never at literal code numbers.
A new variant is added by calling :func:`register_scheme` with a new
:class:`CodingScheme` value.

Vocabulary used by the engines
------------------------------
group (exactly one per category)
    ``teacher`` 教师, ``student`` 学生, ``silence`` 沉寂, ``technology`` 技术,
    ``dialogue`` 师生互动 (S/T/D only, §1.1).
tags (any number per category)
    ``indirect`` / ``direct``      Flanders' indirect vs direct influence (§2.1);
    ``accept``                     codes 1–3 of FIAS: the numerator of i/d and TRR (§2.4);
    ``question`` / ``lecture``     codes 4 / 5 of FIAS: TQR and the content cross (§2.4);
    ``control``                    codes 6–7 of FIAS: denominator of i/d and TRR (§2.4);
    ``response`` / ``initiation``  codes 8 / 9 of FIAS: PIR (§2.4);
    ``open`` / ``closed``          open vs closed questions (ITIAS 4/5, iFIAS 4.1/4.2);
    ``discussion``                 peer discussion (ITIAS 12, iFIAS 11);
    ``helpful`` / ``unhelpful``    silence helpful or not to teaching (§2.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Family = Literal["st", "fias"]

# A record: one string ("TTTSS", "5 5 4 8"), a sequence of str/int codes, or an array.
CodesInput = str | Sequence[Any] | npt.NDArray[Any]

GROUP_TEACHER = "teacher"
GROUP_STUDENT = "student"
GROUP_SILENCE = "silence"
GROUP_TECHNOLOGY = "technology"
GROUP_DIALOGUE = "dialogue"

GROUP_LABELS: Mapping[str, str] = {
    GROUP_TEACHER: "教师",
    GROUP_STUDENT: "学生",
    GROUP_SILENCE: "沉寂",
    GROUP_TECHNOLOGY: "技术",
    GROUP_DIALOGUE: "师生互动",
}

# Separators accepted when a whole record is given as one string ("5 5 4 8", "5,5,4").
_SEPARATORS = re.compile(r"[\s,;，、；]+")


@dataclass(frozen=True, slots=True)
class Category:
    """One code of a scheme (one row of the §2.1 / §2.6 tables)."""

    code: str
    label: str
    group: str
    tags: frozenset[str] = frozenset()
    parent: str | None = None
    label_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "label_en": self.label_en,
            "group": self.group,
            "group_label": GROUP_LABELS.get(self.group, self.group),
            "tags": sorted(self.tags),
            "parent": self.parent,
        }


@dataclass(frozen=True)
class CodingScheme:
    """A coding scheme: categories plus the conventions the engines need.

    ``family`` selects the engine (``st`` → §1, ``fias`` → §2).  ``padding_code`` is
    the code prepended and appended before forming transition pairs (§2.3); ``None``
    means no padding.
    """

    key: str
    name: str
    short_name: str
    family: Family
    interval_seconds: float
    categories: tuple[Category, ...]
    padding_code: str | None = None
    parent_labels: tuple[tuple[str, str], ...] = ()
    source: str = ""
    notes: str = ""
    _lookup: dict[Any, int] = field(init=False, repr=False, compare=False)
    _codes: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = tuple(c.code for c in self.categories)
        if not codes:
            raise ValueError(f"编码方案 {self.key} 没有任何类别")
        if len(set(codes)) != len(codes):
            raise ValueError(f"编码方案 {self.key} 含有重复编码")
        if self.interval_seconds <= 0:
            raise ValueError(f"编码方案 {self.key} 的采样间隔必须为正数")
        if self.padding_code is not None and self.padding_code not in codes:
            raise ValueError(f"编码方案 {self.key} 的补位编码 {self.padding_code!r} 不在类别中")
        known_parents = {p for p, _ in self.parent_labels}
        for c in self.categories:
            if c.group not in GROUP_LABELS:
                raise ValueError(f"编码方案 {self.key} 的编码 {c.code} 组别 {c.group!r} 未定义")
            if c.parent is not None and c.parent not in known_parents:
                raise ValueError(f"编码方案 {self.key} 的编码 {c.code} 的上级 {c.parent!r} 未定义")
        lookup: dict[Any, int] = {}
        for i, code in enumerate(codes):
            lookup[code] = i
            # Integer input (e.g. FIAS codes given as ints) hits the dict directly,
            # which keeps the hot path of encode() free of per-item str() calls.
            if code.isdigit():
                lookup[int(code)] = i
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_codes", codes)

    # -- introspection ---------------------------------------------------------------
    @property
    def codes(self) -> tuple[str, ...]:
        return self._codes

    @property
    def size(self) -> int:
        return len(self._codes)

    def category(self, code: str) -> Category:
        return self.categories[self._lookup[code]]

    def groups(self) -> tuple[str, ...]:
        """Groups present in this scheme, in first-appearance order."""
        seen: dict[str, None] = {}
        for c in self.categories:
            seen.setdefault(c.group, None)
        return tuple(seen)

    def mask(self, selector: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Boolean mask over categories matching any name in ``selector``.

        A name matches a group, a tag or a literal code; ``"*"`` matches everything.
        Unknown names match nothing, so an index over a group the scheme lacks
        (e.g. ``technology`` in FIAS) simply has an empty numerator.
        """
        names = set(selector)
        if "*" in names:
            return np.ones(self.size, dtype=bool)
        return np.fromiter(
            (c.group in names or c.code in names or bool(c.tags & names) for c in self.categories),
            dtype=bool,
            count=self.size,
        )

    def codes_matching(self, selector: Iterable[str]) -> tuple[str, ...]:
        m = self.mask(selector)
        return tuple(code for code, keep in zip(self._codes, m, strict=True) if keep)

    def parent_index(self) -> tuple[tuple[str, ...], npt.NDArray[np.intp]]:
        """Codes one level up (iFIAS 4.1/4.2 → 4) and the leaf→parent index map."""
        parents: list[str] = []
        pos: dict[str, int] = {}
        out = np.empty(self.size, dtype=np.intp)
        for i, c in enumerate(self.categories):
            p = c.parent if c.parent is not None else c.code
            if p not in pos:
                pos[p] = len(parents)
                parents.append(p)
            out[i] = pos[p]
        return tuple(parents), out

    def label_of(self, code: str) -> str:
        for p, label in self.parent_labels:
            if p == code:
                return label
        return self.category(code).label

    # -- parsing / validation (brief item 5) ----------------------------------------
    def tokens(self, codes: CodesInput) -> list[Any]:
        """Split the raw input into one token per sample without validating it."""
        if isinstance(codes, str):
            text = codes.strip()
            if not text:
                return []
            if all(len(c) == 1 for c in self._codes):
                # S-T records are conventionally one string such as "TTTSS" (§1.1),
                # often written in groups ("TTTSS TTSST"); separators carry no sample.
                return list(_SEPARATORS.sub("", text))
            if _SEPARATORS.search(text):
                return [t for t in _SEPARATORS.split(text) if t]
            return [text]
        if isinstance(codes, np.ndarray):
            return list(codes.tolist())
        return list(codes)

    def encode(self, codes: CodesInput) -> npt.NDArray[np.intp]:
        """Map codes to category indices; raise ``ValueError`` naming position and code."""
        tokens = self.tokens(codes)
        lut = self._lookup
        try:
            idx = [lut[t] for t in tokens]
        except (KeyError, TypeError):
            idx = self._encode_slow(tokens)
        else:
            # bool is an int subclass (True == 1); refuse it instead of coding "1".
            if any(t is True or t is False for t in tokens):
                idx = self._encode_slow(tokens)
        return np.asarray(idx, dtype=np.intp)

    def _encode_slow(self, tokens: list[Any]) -> list[int]:
        out: list[int] = []
        for pos, raw in enumerate(tokens, start=1):
            key = _normalise_token(raw)
            if key is None or key not in self._lookup:
                allowed = ", ".join(self._codes)
                raise ValueError(
                    f"第{pos}个编码 '{raw}' 不属于 {self.short_name} 编码方案（允许的编码：{allowed}）"
                )
            out.append(self._lookup[key])
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "short_name": self.short_name,
            "family": self.family,
            "interval_seconds": self.interval_seconds,
            "padding_code": self.padding_code,
            "categories": [c.to_dict() for c in self.categories],
            "parents": [{"code": p, "label": label} for p, label in self.parent_labels],
            "source": self.source,
            "notes": self.notes,
        }


def _normalise_token(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int | np.integer):
        return str(int(raw))
    if isinstance(raw, float | np.floating):
        # 4.1 → "4.1" (iFIAS sub-code), 5.0 → "5".
        return format(float(raw), "g")
    return None


def _cat(code: str, label: str, group: str, *tags: str, parent: str | None = None,
         en: str = "") -> Category:
    return Category(code=code, label=label, group=group, tags=frozenset(tags), parent=parent,
                    label_en=en)


T, S, Q, X, D = GROUP_TEACHER, GROUP_STUDENT, GROUP_SILENCE, GROUP_TECHNOLOGY, GROUP_DIALOGUE

# §1.1: two classes, 30 s is the usual interval [傅德荣 2001].
ST = CodingScheme(
    key="ST",
    name="S-T 分析法",
    short_name="S-T",
    family="st",
    interval_seconds=30,
    categories=(
        _cat("T", "教师行为", T, en="teacher behaviour"),
        _cat("S", "学生行为", S, en="student behaviour"),
    ),
    source="analytics.md §1.1 [S1][S5]",
)

# §1.1 three-class variant (刘立新 et al., 化学教学 2014): D = 师生互动/对话.
STD = CodingScheme(
    key="STD",
    name="S-T-D 分析法（师生对话三类编码）",
    short_name="S-T-D",
    family="st",
    interval_seconds=30,
    categories=(
        _cat("T", "教师行为", T, en="teacher behaviour"),
        _cat("S", "学生行为", S, en="student behaviour"),
        _cat("D", "师生互动/对话", D, en="teacher–student dialogue"),
    ),
    source="analytics.md §1.1 [S2][S3]",
)

# §2.1 Flanders (1970); one code every 3 s (§2.2); pad with 10 (§2.3).
FIAS = CodingScheme(
    key="FIAS",
    name="弗兰德斯互动分析系统",
    short_name="FIAS",
    family="fias",
    interval_seconds=3,
    padding_code="10",
    categories=(
        _cat("1", "接受情感", T, "indirect", "accept", en="accepts feeling"),
        _cat("2", "表扬/鼓励", T, "indirect", "accept", en="praises or encourages"),
        _cat("3", "采纳学生观点", T, "indirect", "accept", en="accepts or uses student ideas"),
        _cat("4", "提问", T, "indirect", "question", en="asks questions"),
        _cat("5", "讲授", T, "direct", "lecture", en="lectures"),
        _cat("6", "指令", T, "direct", "control", en="gives directions"),
        _cat("7", "批评/维护权威", T, "direct", "control", en="criticises or justifies authority"),
        _cat("8", "学生被动应答", S, "response", en="student talk: response"),
        _cat("9", "学生主动发言", S, "initiation", en="student talk: initiation"),
        _cat("10", "沉寂/混乱", Q, en="silence or confusion"),
    ),
    source="analytics.md §2.1 [F3][S7]; Flanders 1970",
)

# §2.6 ITIAS (顾小清、王炜 2004), 18 codes.  The spec marks the list as reconstructed
# from secondary sources [L]; it is data, so correcting it needs no code change.
ITIAS = CodingScheme(
    key="ITIAS",
    name="基于信息技术的互动分析编码系统",
    short_name="ITIAS",
    family="fias",
    interval_seconds=3,
    # Padding = the FIAS-10 analogue ("silence or confusion" that is not teaching);
    # the spec does not name one for ITIAS (see report).
    padding_code="13",
    categories=(
        _cat("1", "接受情感", T, "indirect", "accept"),
        _cat("2", "鼓励表扬", T, "indirect", "accept"),
        _cat("3", "采纳意见", T, "indirect", "accept"),
        _cat("4", "提问（开放性问题）", T, "indirect", "question", "open"),
        _cat("5", "提问（封闭性问题）", T, "indirect", "question", "closed"),
        _cat("6", "讲授", T, "direct", "lecture"),
        _cat("7", "指令", T, "direct", "control"),
        _cat("8", "批评", T, "direct", "control"),
        _cat("9", "学生被动应答", S, "response"),
        _cat("10", "学生主动应答", S, "initiation"),
        _cat("11", "学生主动提问", S, "initiation"),
        _cat("12", "与同伴讨论", S, "discussion"),
        _cat("13", "无助于教学的混乱", Q, "unhelpful"),
        _cat("14", "思考问题", Q, "helpful"),
        _cat("15", "做练习", Q, "helpful"),
        _cat("16", "教师操纵技术", X),
        _cat("17", "学生操纵技术", X),
        _cat("18", "技术作用学生", X),
    ),
    source="analytics.md §2.6 [F4][F5]; 顾小清、王炜 2004 (list reconstructed [L])",
)

# §2.6 iFIAS (方海光等 2012), 14 codes with 4 split into 4.1 / 4.2.
IFIAS = CodingScheme(
    key="IFIAS",
    name="改进型弗兰德斯互动分析系统",
    short_name="iFIAS",
    family="fias",
    interval_seconds=3,
    padding_code="12",
    parent_labels=(("4", "提问"),),
    categories=(
        _cat("1", "接受情感", T, "indirect", "accept"),
        _cat("2", "表扬/鼓励", T, "indirect", "accept"),
        _cat("3", "采纳学生观点", T, "indirect", "accept"),
        _cat("4.1", "提问（开放性问题）", T, "indirect", "question", "open", parent="4"),
        _cat("4.2", "提问（封闭性问题）", T, "indirect", "question", "closed", parent="4"),
        _cat("5", "讲授", T, "direct", "lecture"),
        _cat("6", "指令", T, "direct", "control"),
        _cat("7", "批评/维护权威", T, "direct", "control"),
        _cat("8", "学生被动应答", S, "response"),
        _cat("9", "学生主动应答", S, "initiation"),
        _cat("10", "学生主动提问", S, "initiation"),
        _cat("11", "与同伴讨论", S, "discussion"),
        _cat("12", "无助于教学的混乱", Q, "unhelpful"),
        _cat("13", "有益于教学的沉寂", Q, "helpful"),
        _cat("14", "教师操纵技术", X),
    ),
    source="analytics.md §2.6 [F4]; 方海光等 2012 (list reconstructed [L])",
)

_REGISTRY: dict[str, CodingScheme] = {}


def register_scheme(scheme: CodingScheme, *, replace: bool = False) -> CodingScheme:
    """Add a scheme to the registry (keys are case-insensitive)."""
    key = scheme.key.upper()
    if key in _REGISTRY and not replace:
        raise ValueError(f"编码方案 {scheme.key} 已存在")
    _REGISTRY[key] = scheme
    return scheme


def get_scheme(key: str | CodingScheme) -> CodingScheme:
    if isinstance(key, CodingScheme):
        return key
    try:
        return _REGISTRY[key.upper()]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise ValueError(f"未知的编码方案 '{key}'（可用：{known}）") from None


def list_schemes() -> tuple[CodingScheme, ...]:
    return tuple(_REGISTRY.values())


for _s in (ST, STD, FIAS, ITIAS, IFIAS):
    register_scheme(_s)
