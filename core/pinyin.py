"""Pinyin keys for searching people by full pinyin or initials (`zwh` finds 张文华)."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin


def _latin_words(chars: str) -> list[str]:
    """Letters and digits in a name are kept as words (`John Smith` -> john, smith), so a Latin
    name searches by its spelling and initials like a Chinese one by its pinyin."""
    return re.findall(r"[0-9A-Za-z]+", chars)

# Surnames read differently from the same character elsewhere; pypinyin's default reading
# would make 单 'dan' and 曾 'ceng', so a search for 'shan' or 'zeng' would miss them.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "查": "zha", "仇": "qiu", "朴": "piao", "区": "ou",
    "尉迟": "yuchi", "万俟": "moqi", "乐": "yue", "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai",
    "秘": "bi", "种": "chong", "任": "ren", "华": "hua", "纪": "ji", "沈": "shen", "祭": "zhai",
}


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case without spaces."""
    syllables: list[str] = []
    rest = name
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname):
            syllables = [SURNAME_READINGS[surname]] if len(surname) == 1 else \
                lazy_pinyin(surname, style=Style.NORMAL)
            if len(surname) == 2:
                syllables = {"尉迟": ["yu", "chi"], "万俟": ["mo", "qi"]}[surname]
            rest = name[len(surname):]
            break
    syllables += lazy_pinyin(rest, style=Style.NORMAL, errors=_latin_words)  # type: ignore[arg-type]  # pypinyin documents list results from the callback; its hint says str
    syllables = [s.lower() for s in syllables if s]
    if not syllables:
        # A name of neither Han characters nor Latin letters (Tibetan, Uyghur script): it is
        # still found by its own characters; the keys must not be empty.
        compact = "".join(name.split()).casefold()
        return compact[:120], compact[:1]
    return "".join(syllables)[:120], "".join(s[0] for s in syllables)[:20]
