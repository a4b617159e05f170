"""Which policy document a page quotes for a rule: the region's own when it has one, else the
national one. Regions' documents are data here, keyed by the region's name as the document names
it (a county's document applies to its schools); no region quotes another region's document."""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL_GROUP_POLICY = "《教育部关于加强和改进新时代基础教育教研工作的意见》"


@dataclass(frozen=True)
class Policy:
    """A quotable source: what to say before the rule ("依据…")."""

    citation: str


# Regions with their own 教研组建设 document (003 in the seed files is 珠晖区's).
REGIONAL_GROUP_POLICIES: dict[str, str] = {
    "珠晖区": "珠晖区《关于加强全区中小学教研组建设的指导意见》三(一)",
}


def group_policy(region_names: list[str]) -> Policy:
    """The 教研组 formation policy for a school whose regions (nearest first) are named so."""
    for name in region_names:
        if name in REGIONAL_GROUP_POLICIES:
            return Policy(REGIONAL_GROUP_POLICIES[name])
    return Policy(f"{NATIONAL_GROUP_POLICY}及教研组建设通行做法")
