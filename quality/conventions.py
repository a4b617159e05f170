"""An exam's analysis conventions (analytics.md Part 2 "[C]"), typed as they cross into services
and the pure analysis: the page's form, `exam_create` and `exam_update_conventions` take them
whole, and `summary_refresh` hands the typed values to `paper_summary`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from quality.models import (
    BorderCut,
    BorderSide,
    CheatPolicy,
    Denominator,
    DiscriminationMethod,
    DiscriminationScheme,
    Exam,
    RankMethod,
    SDKind,
    VAModel,
)
from quality.stats.items import DiscriminationScheme as SchemeName
from quality.stats.scores import BorderSide as SideName
from quality.stats.sufficient import Denominator as DenominatorName
from quality.stats.sufficient import SDKind as SDKindName


def _checked(value: str, allowed: list[str]) -> str:
    """A stored choice, checked before it is cast to its Literal type; anything else is a
    programming error, not user input (forms and model validation have checked it)."""
    if value not in allowed:
        raise AssertionError(f"unknown convention value {value!r}")
    return value


@dataclass(frozen=True)
class ExamConventions:
    sd_kind: str = SDKind.POPULATION
    denominator: str = Denominator.SAT
    rank_method: str = RankMethod.COMPETITION
    border_cut: str = BorderCut.PASS
    border_delta: Decimal = Decimal("5")
    border_side: str = BorderSide.BELOW
    discrimination_method: str = DiscriminationMethod.CORRECTED
    discrimination_scheme: str = DiscriminationScheme.EBEL
    cheat_policy: str = CheatPolicy.EXCLUDE
    min_group_size: int = 10
    va_model: str = VAModel.RANDOM_INTERCEPT

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def of(cls, exam: Exam) -> ExamConventions:
        return cls(sd_kind=exam.sd_kind, denominator=exam.denominator, rank_method=exam.rank_method,
                   border_cut=exam.border_cut, border_delta=exam.border_delta, border_side=exam.border_side,
                   discrimination_method=exam.discrimination_method,
                   discrimination_scheme=exam.discrimination_scheme, cheat_policy=exam.cheat_policy,
                   min_group_size=exam.min_group_size, va_model=exam.va_model)

    @classmethod
    def from_cleaned(cls, data: Mapping[str, Any]) -> ExamConventions:
        """From a form's cleaned data (the conventions form has exactly these fields)."""
        return cls(sd_kind=data["sd_kind"], denominator=data["denominator"], rank_method=data["rank_method"],
                   border_cut=data["border_cut"], border_delta=data["border_delta"], border_side=data["border_side"],
                   discrimination_method=data["discrimination_method"],
                   discrimination_scheme=data["discrimination_scheme"], cheat_policy=data["cheat_policy"],
                   min_group_size=data["min_group_size"], va_model=data["va_model"])

    def apply_to(self, exam: Exam) -> list[str]:
        """Set these values on the exam; the names of the fields that changed."""
        changed = []
        for name in self.names():
            value = getattr(self, name)
            if getattr(exam, name) != value:
                setattr(exam, name, value)
                changed.append(name)
        return changed

    # Typed views of the values the pure analysis takes as Literal types.
    @property
    def sd_kind_name(self) -> SDKindName:
        return cast("SDKindName", _checked(self.sd_kind, SDKind.values))

    @property
    def denominator_name(self) -> DenominatorName:
        return cast("DenominatorName", _checked(self.denominator, Denominator.values))

    @property
    def scheme_name(self) -> SchemeName:
        return cast("SchemeName", _checked(self.discrimination_scheme, DiscriminationScheme.values))

    @property
    def side_name(self) -> SideName:
        return cast("SideName", _checked(self.border_side, BorderSide.values))
