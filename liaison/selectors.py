"""Reads of the liaison app shared by its pages, API and metrics. Lists a person may see start
from liaison.access; `counted_links` is the metrics' base (they run with a system scope)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg

from core.access import AnyUser, schools_visible_to
from core.models import Locale, OrgKind, OrgNode
from liaison.access import links_visible_to
from liaison.models import Link, LinkQuerySet, Round


def counted_links() -> LinkQuerySet:
    """Accepted links of open rounds: what the norms count."""
    return Link.objects.counted().in_open_rounds()


@dataclass
class CountyCoverage:
    county: OrgNode
    weak: int = 0
    weak_linked: int = 0
    rural: int = 0
    rural_linked: int = 0
    uncovered: list[OrgNode] = field(default_factory=list)

    @property
    def weak_percent(self) -> int:
        return round(100 * self.weak_linked / self.weak) if self.weak else 100

    @property
    def rural_percent(self) -> int:
        return round(100 * self.rural_linked / self.rural) if self.rural else 100


def coverage_by_county(user: AnyUser, round_: Round) -> list[CountyCoverage]:
    """For each county under the round's institution, its weak and rural schools (teaching points
    count as rural) and how many of them the round links (proposed or accepted)."""
    base = round_.institution
    schools = list(schools_visible_to(user).under(base.path).filter(is_weak=True)
                   | schools_visible_to(user).under(base.path).filter(locale=Locale.RURAL)
                   | schools_visible_to(user).under(base.path).filter(is_teaching_point=True))
    linked = set(links_visible_to(user).filter(round=round_).exclude(status="ended").values_list("school_id", flat=True))
    counties = {c.path: c for c in OrgNode.objects.filter(kind=OrgKind.COUNTY).under(base.path)}
    if base.kind == OrgKind.COUNTY:
        counties = {base.path: base}
    out: dict[str, CountyCoverage] = {}
    for s in schools:
        county_path = next((p for p in counties if s.path.startswith(p)), None)
        if county_path is None:
            continue
        cov = out.setdefault(county_path, CountyCoverage(counties[county_path]))
        is_rural = s.locale == Locale.RURAL or s.is_teaching_point
        if s.is_weak:
            cov.weak += 1
            cov.weak_linked += s.pk in linked
        if is_rural:
            cov.rural += 1
            cov.rural_linked += s.pk in linked
        if s.pk not in linked:
            cov.uncovered.append(s)
    return [out[p] for p in sorted(out)]


def links_by_person(links: list[Link]) -> dict[int, list[Link]]:
    out: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        out[link.person_id].append(link)
    return out


def counties_of(round_: Round) -> list[OrgNode]:
    """The counties a round's schools are grouped by: those under its institution (a county's
    own round: itself)."""
    if round_.institution.kind == OrgKind.COUNTY:
        return [round_.institution]
    return list(OrgNode.objects.filter(kind=OrgKind.COUNTY).under(round_.institution.path).order_by("path"))


def county_for(node: OrgNode, counties: list[OrgNode]) -> OrgNode | None:
    return next((c for c in counties if node.path.startswith(c.path)), None)


def links_by_county(links: list[Link], counties: list[OrgNode]) -> dict[int, list[Link]]:
    out: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        county = county_for(link.school, counties)
        if county is not None:
            out[county.pk].append(link)
    return out


def node_xy(node: OrgNode) -> tuple[float, float] | None:
    """(longitude, latitude) of a node: its own coordinates, else (a region, whose institution
    has none recorded) the centre of its schools'."""
    if node.longitude is not None and node.latitude is not None:
        return float(node.longitude), float(node.latitude)
    if node.kind == OrgKind.SCHOOL:
        return None
    found = OrgNode.objects.under(node.path).filter(kind=OrgKind.SCHOOL, latitude__isnull=False).aggregate(
        x=Avg("longitude"), y=Avg("latitude"))
    if found["x"] is None or found["y"] is None:
        return None
    return float(found["x"]), float(found["y"])
