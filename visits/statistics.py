"""An institution's yearly visit statistics in the shape of 001 一(一): "2023年度中学集体视导32校次，
小学视导38校次，涵盖全部局属学校、部分……所属学校以及民办学校……共听评课4365节，形成视导调研报告
44份 …… 对……所属共12所幼儿园进行教学视导".

Pure computation over plain rows (no Django): visits.services.reports fetches one `StopRow` per
visited school and visit, the number of lessons observed and of reports issued, and this module
counts. A 校次 is one school in one visit: a school visited on two days of one visit counts once,
a school visited by two visits counts twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# core.models.SchoolType value -> the stage label 001 counts by.
STAGE_OF_TYPE: dict[str, str] = {
    "kindergarten": "幼儿园", "primary": "小学", "junior": "中学", "senior": "中学", "complete": "中学",
    "nine_year": "九年一贯制学校", "twelve_year": "十二年一贯制学校",
}
STAGE_ORDER = ("中学", "小学", "九年一贯制学校", "十二年一贯制学校", "幼儿园", "其他")
UNSET_AFFILIATION = "未填隶属关系"


@dataclass(frozen=True)
class StopRow:
    """One school visited by one visit (the visit's days at that school collapse to one)."""

    visit_id: int
    collective: bool
    school_id: int
    school_type: str
    affiliation: str  # core.models.Affiliation value, "" if unset
    rural: bool
    weak: bool


@dataclass
class YearStats:
    year: int
    institution: str
    collective_visits: int = 0
    individual_visits: int = 0
    # 校次 of collective visits.
    school_visits: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    by_affiliation: list[tuple[str, int]] = field(default_factory=list)
    lessons: int = 0
    reports: int = 0
    schools_covered: int = 0
    kindergartens_covered: int = 0
    rural_covered: int = 0
    weak_covered: int = 0
    # Of all schools under the institution, for the coverage shares.
    schools_total: int = 0
    rural_total: int = 0
    weak_total: int = 0

    def share(self, part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    @property
    def summary(self) -> str:
        """One paragraph in 001's words."""
        stage_text = "，".join(f"{stage}集体视导{n}校次" for stage, n in self.by_stage if stage != "幼儿园")
        parts = [f"{self.year}学年{self.institution}共组织集体视导{self.collective_visits}次"
                 + (f"（{stage_text}）" if stage_text else "")]
        if self.by_affiliation:
            parts.append("按学校隶属关系：" + "、".join(f"{a}{n}校次" for a, n in self.by_affiliation))
        parts.append(f"覆盖学校{self.schools_covered}所，其中乡村学校{self.rural_covered}所、"
                     f"薄弱学校{self.weak_covered}所")
        if self.kindergartens_covered:
            parts.append(f"对{self.kindergartens_covered}所幼儿园进行教学视导")
        parts.append(f"共听评课{self.lessons}节，形成视导报告{self.reports}份")
        return "，".join(parts) + "。"


def year_stats(*, year: int, institution: str, stops: Iterable[StopRow], lessons: int, reports: int,
               affiliation_labels: Mapping[str, str], individual_visits: int = 0,
               schools_total: int = 0, rural_total: int = 0, weak_total: int = 0) -> YearStats:
    """Count the year's collective visits and their 校次 by stage and by affiliation, and the
    schools covered (by any visit, collective or individual)."""
    rows = list({(r.visit_id, r.school_id): r for r in stops}.values())
    collective = [r for r in rows if r.collective]
    out = YearStats(year=year, institution=institution, lessons=lessons, reports=reports,
                    schools_total=schools_total, rural_total=rural_total, weak_total=weak_total)
    out.collective_visits = len({r.visit_id for r in collective})
    out.individual_visits = individual_visits or len({r.visit_id for r in rows if not r.collective})
    out.school_visits = len(collective)
    stages = Counter(STAGE_OF_TYPE.get(r.school_type, "其他") for r in collective)
    out.by_stage = sorted(stages.items(), key=lambda kv: STAGE_ORDER.index(kv[0]))
    order = list(affiliation_labels)
    aff = Counter(r.affiliation for r in collective)
    out.by_affiliation = [(affiliation_labels.get(a, UNSET_AFFILIATION) if a else UNSET_AFFILIATION, n)
                          for a, n in sorted(aff.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                                             else len(order))]
    schools = {r.school_id: r for r in rows}
    out.schools_covered = sum(1 for r in schools.values() if r.school_type != "kindergarten")
    out.kindergartens_covered = sum(1 for r in schools.values() if r.school_type == "kindergarten")
    out.rural_covered = sum(1 for r in schools.values() if r.rural)
    out.weak_covered = sum(1 for r in schools.values() if r.weak)
    return out


def table_rows(s: YearStats) -> list[tuple[str, str]]:
    """(item, value) rows for the page, the Word and the Excel export alike."""
    rows: list[tuple[str, str]] = [("集体视导（次）", str(s.collective_visits)),
                                   ("个人视导（次）", str(s.individual_visits)),
                                   ("集体视导（校次）", str(s.school_visits))]
    rows += [(f"　{stage}（校次）", str(n)) for stage, n in s.by_stage]
    rows += [(f"　{aff}（校次）", str(n)) for aff, n in s.by_affiliation]
    rows += [("听评课（节）", str(s.lessons)), ("形成视导报告（份）", str(s.reports)),
             ("覆盖中小学（所）", f"{s.schools_covered}" + (f"/{s.schools_total}" if s.schools_total else "")),
             ("覆盖幼儿园（所）", str(s.kindergartens_covered)),
             ("覆盖乡村学校（所）", f"{s.rural_covered}" + (f"/{s.rural_total}" if s.rural_total else "")),
             ("覆盖薄弱学校（所）", f"{s.weak_covered}" + (f"/{s.weak_total}" if s.weak_total else ""))]
    return rows
