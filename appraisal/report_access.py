"""Who may see and write an institution's yearly report, built on core/access.py.

The institution's own managers (its institute head and region admin, posted at that node) and
its researchers generate and edit the draft; only the managers issue it. Issued reports are read
by every region role whose posts cover the institution (bureau viewers, the institution's own
staff, higher levels); a draft stays with the institution that writes it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from appraisal.models import YearlyReport, YearlyReportStatus
from core.access import AnyUser, nodes_visible_to, scope_of
from core.models import REGION_ROLES, RESEARCHER_ROLES, OrgKind, OrgNode, Role

MANAGER_ROLES = (Role.INSTITUTE_HEAD, Role.ADMIN)
WRITER_ROLES = (*MANAGER_ROLES, *RESEARCHER_ROLES)
REPORT_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)


def _own(user: AnyUser, node: OrgNode, roles: tuple[str, ...]) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in roles and g.node_id == node.pk for g in scope.grants)


def can_issue_report(user: AnyUser, node: OrgNode) -> bool:
    return node.kind in REPORT_KINDS and _own(user, node, MANAGER_ROLES)


def can_write_report(user: AnyUser, node: OrgNode) -> bool:
    return node.kind in REPORT_KINDS and _own(user, node, WRITER_ROLES)


def reports_visible_to(user: AnyUser) -> QuerySet[YearlyReport]:
    """Issued reports under the user's region posts, and the drafts of the nodes they write for."""
    scope = scope_of(user)
    qs = YearlyReport.objects.select_related("region", "generated_by", "issued_by", "issued_by__person")
    if scope.is_sysadmin:
        return qs
    readable = [g.path for g in scope.grants if g.role in REGION_ROLES]
    own = [g.node_id for g in scope.grants if g.role in WRITER_ROLES]
    q = Q(pk__in=[])
    for path in readable:
        q |= Q(status=YearlyReportStatus.ISSUED, region__path__startswith=path)
    if own:
        q |= Q(region_id__in=own)
    return qs.filter(q)


def report_nodes(user: AnyUser) -> list[OrgNode]:
    """The institutions the user may generate a report for (their own region posts)."""
    scope = scope_of(user)
    qs = nodes_visible_to(user).filter(kind__in=REPORT_KINDS)
    if not scope.is_sysadmin:
        qs = qs.filter(pk__in=[g.node_id for g in scope.grants if g.role in WRITER_ROLES])
    return list(qs.order_by("depth", "path")[:50])


def get_yearly_report_for_user(user: AnyUser, report_id: int, *, write: bool = False) -> YearlyReport:
    """404 for a report that is missing, not visible, or (write) not the user's to edit."""
    report = reports_visible_to(user).filter(pk=report_id).first()
    if report is None or (write and not can_write_report(user, report.region)):
        raise Http404("没有找到该年度报告")
    return report


def reports_to_issue(user: AnyUser) -> list[YearlyReport]:
    """Drafts of the institutions whose reports the user issues (their own manager posts)."""
    scope = scope_of(user)
    if scope.is_sysadmin or not any(g.role in MANAGER_ROLES and g.node_kind in REPORT_KINDS for g in scope.grants):
        return []  # can_issue_report would refuse every row: no query
    rows = reports_visible_to(user).filter(status=YearlyReportStatus.DRAFT).order_by("-year", "region__path")
    return [r for r in rows[:50] if can_issue_report(user, r.region)]
