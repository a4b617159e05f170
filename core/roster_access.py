"""Who may see and run roster syncs: region admins, over the runs under their admin nodes."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import manageable_roots, scope_of
from core.models import User
from core.roster_models import SyncRun


def runs_visible_to(user: User) -> QuerySet[SyncRun]:
    """Runs whose scope lies under one of the user's admin nodes (a system admin sees all)."""
    qs = SyncRun.objects.select_related("root", "actor")
    if scope_of(user).is_sysadmin:
        return qs
    roots = manageable_roots(user)
    if not roots:
        return qs.none()
    cond = Q()
    for r in roots:
        cond |= Q(root__path__startswith=r.path)
    return qs.filter(cond)


def get_run_for_user(user: User, run_id: int) -> SyncRun:
    """One run by id; 404 for both "missing" and "not yours"."""
    run = runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("没有找到该同步记录")
    return run
